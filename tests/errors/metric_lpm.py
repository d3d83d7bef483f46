from pybpf import *

nets: LPMTrie[IPv4, u64] = LPMTrie(labels=("net",))
