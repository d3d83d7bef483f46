# pybpf-args: --btf build/fake_btf.o
from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    t = current_task()
    print(t.tigd)
