from pybpf import *

timers: Hash[str[16], Timer] = Hash(max_entries=16)
