from pybpf import *
wqs: PerCPUArray[Wq] = PerCPUArray(1)
