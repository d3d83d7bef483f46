from pybpf import *


def close_it(fd: int) -> None:
    bpf.sys_close(fd)


@kprobe("do_sys_openat2")
def on(args) -> None:
    close_it(3)
