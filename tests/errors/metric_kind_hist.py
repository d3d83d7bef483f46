from pybpf import *

lat: Hash[u32, Hist] = Hash(metric="counter")
