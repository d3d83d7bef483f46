from pybpf import *

timers: Hash[u32, Timer] = Hash(max_entries=16)
