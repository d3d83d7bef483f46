from pybpf import *

counts: Hash[int, int] = Hash(max_entries=4)


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    buf: str[16] = ""
    bpf.ringbuf_output(counts, buf, 0)
