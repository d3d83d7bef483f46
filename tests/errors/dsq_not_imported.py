from pybpf import Hash

Q = DSQ(1)
