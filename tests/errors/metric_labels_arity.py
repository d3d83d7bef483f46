from pybpf import *

calls: Hash[tuple[str[16], u32], u64] = Hash(labels=("comm",))
