from pybpf import *

m: Hash[u32, str[16]] = Hash()
