from pybpf import *

lat: Hash[u32, Hist] = Hash(labels=("le",))
