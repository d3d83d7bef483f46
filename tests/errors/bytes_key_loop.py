from pybpf import *

seen: Hash[bytes[4], u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    for k, v in sorted(seen.items()):
        print(k, v)
