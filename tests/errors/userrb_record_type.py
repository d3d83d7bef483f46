from pybpf import *


class Req(Struct):
    pid: u32


reqs: UserRingBuf[Req] = UserRingBuf(size=4096)
