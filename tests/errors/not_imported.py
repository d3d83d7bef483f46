from pybpf import Hash

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    pass
