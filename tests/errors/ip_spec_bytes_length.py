from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f(args) -> None:
    b: bytes[6] = b"\x00\x11\x22\x33\x44\x55"
    print(f"{b:ip}")
