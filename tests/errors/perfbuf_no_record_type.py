from pybpf import *
events = PerfBuf()
