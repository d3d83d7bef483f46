from pybpf import *

calls: TaskStorage[int, u64] = TaskStorage()
