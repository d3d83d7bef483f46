from pybpf import *


@struct_ops("tcp_congestion_ops", name="pyptr")
class Ptr:
    def ssthresh(self, sk: sock) -> u32:
        sk.sk_prot_creator = 0
        return 2

    def cong_avoid(self, sk: sock, ack: u32, acked: u32) -> None:
        pass

    def undo_cwnd(self, sk: sock) -> u32:
        return 2
