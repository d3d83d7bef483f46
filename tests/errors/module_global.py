from pybpf import *

count = 0
