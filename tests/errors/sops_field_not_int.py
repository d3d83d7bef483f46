from pybpf import *


@struct_ops("tcp_congestion_ops", name="pyflags")
class Flags:
    owner = 1

    def ssthresh(self, sk: sock) -> u32:
        return 2

    def cong_avoid(self, sk: sock, ack: u32, acked: u32) -> None:
        pass

    def undo_cwnd(self, sk: sock) -> u32:
        return 2
