from pybpf import *

class K(Struct):
    pid: u32
    cpu: u32


calls: Hash[K, u64] = Hash(labels=("pid", "cpu"))
