from pybpf import *

m: Hash[u32, u64] = Hash()
