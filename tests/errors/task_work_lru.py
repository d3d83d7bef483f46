from pybpf import *
works: LRUHash[int, TaskWork] = LRUHash(max_entries=4)
