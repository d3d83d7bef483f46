from pybpf import *

timers: LRUHash[u32, Timer] = LRUHash(max_entries=16)
