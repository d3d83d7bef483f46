# pybpf-args: --btf build/fake_btf.o
from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(current_task().mm.arg_strat)
