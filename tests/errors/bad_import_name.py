from pybpf import Hsah
