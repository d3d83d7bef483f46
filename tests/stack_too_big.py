from pybpf import *


@tracepoint("syscalls/sys_enter_openat")
def f(args: TracepointArgs) -> None:
    path: str[300] = user_str(args.filename, 300)
    name: str[256] = user_str(args.filename, 256)
    print(path, name)
