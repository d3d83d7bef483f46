from pybpf import *


class Job(Struct):
    when: u64
    timer: Timer
