from pybpf import *


@begin
def f() -> None:
    with open("/etc/hostname") as fh:
        a = fh.read(16)
    b = fh.read(16)
