from pybpf import *


@tc("input")
def count(ctx) -> int:
    return TC_ACT_OK
