from pybpf import *


@struct_ops("tcp_congestion_ops", name="bad")
class Bad:
    def ssthresh(self, sk: sock) -> u32:
        return tcp_reno_ssthresh(sk)

    def undo_cwnd(self, sk: sock) -> u32:
        return tcp_reno_undo_cwnd(sk)

    def cong_avoyd(self, sk: sock, ack: u32, acked: u32) -> None:
        pass
