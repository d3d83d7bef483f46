from pybpf import *
lines: UserRingBuf[str[16]] = UserRingBuf(size=4096)


@begin
def start() -> None:
    print(lines[0])
