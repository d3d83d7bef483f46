from pybpf import *

calls: TaskStorage[u64] = TaskStorage(max_entries=10)
