from pybpf import *

pairs: Hash[tuple[u32, bytes[2]], u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(pairs.get((1, b"abc"), 0))
