from pybpf import *

calls: Hash[u32, u64] = Hash(labels="pid")
