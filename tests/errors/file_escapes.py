from pybpf import *


@begin
def f() -> None:
    with open("/etc/hostname") as fh:
        g = fh
