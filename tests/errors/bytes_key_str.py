from pybpf import *

seen: Hash[bytes[4], u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    seen["abc"] = 1
