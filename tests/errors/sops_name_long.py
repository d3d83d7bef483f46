from pybpf import *


@struct_ops("tcp_congestion_ops", name="a_name_of_16_chr")
class Long:
    def ssthresh(self, sk: sock) -> u32:
        return 2

    def cong_avoid(self, sk: sock, ack: u32, acked: u32) -> None:
        pass

    def undo_cwnd(self, sk: sock) -> u32:
        return 2
