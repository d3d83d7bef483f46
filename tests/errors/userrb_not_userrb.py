from pybpf import *
counts: Hash[int, int] = Hash(max_entries=4)


def on_line(line: str[16]) -> None:
    pass


@begin
def start() -> None:
    bpf.user_ringbuf_drain(counts, on_line)
