from pybpf import *
from pybpf.kernel import TCP_ESTABLISHED, TASK_RUNNING
