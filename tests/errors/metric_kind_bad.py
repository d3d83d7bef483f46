from pybpf import *

calls: Hash[u32, u64] = Hash(metric="summary")
