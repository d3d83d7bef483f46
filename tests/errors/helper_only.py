from pybpf import *

def helper() -> None:
    pass
