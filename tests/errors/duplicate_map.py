from pybpf import *

m: Hash[u32, u64] = Hash()
m: Hash[u32, u32] = Hash()
