from pybpf import *

timers: Queue[Timer] = Queue(16)
