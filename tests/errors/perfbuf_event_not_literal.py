from pybpf import *
counters = PerfCounters(3)
