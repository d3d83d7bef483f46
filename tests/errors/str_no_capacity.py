from pybpf import *

m: Hash[str, u64] = Hash()
