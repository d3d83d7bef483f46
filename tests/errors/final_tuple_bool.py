from pybpf import *

FLAGS: Final = (True, False)

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(FLAGS[0])
