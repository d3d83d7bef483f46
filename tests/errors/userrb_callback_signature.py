from pybpf import *
lines: UserRingBuf[str[16]] = UserRingBuf(size=4096)


def on_line(line: str[32]) -> None:
    pass


@begin
def start() -> None:
    bpf.user_ringbuf_drain(lines, on_line)
