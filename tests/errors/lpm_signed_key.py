from pybpf import *

routes: LPMTrie[i32, int] = LPMTrie(max_entries=64)
