from pybpf import *
lines: UserRingBuf[str[16]] = UserRingBuf(size=4096)
more: UserRingBuf[str[16]] = UserRingBuf(size=4096)
