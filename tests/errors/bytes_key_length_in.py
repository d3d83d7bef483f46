from pybpf import *

seen: Hash[bytes[16], u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    k: bytes[4] = b"\x7fELF"
    print(k in seen)
