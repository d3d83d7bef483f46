from pybpf import *


@begin
def f() -> None:
    p = "/etc/hostname"
    with open(p) as fh:
        pass
