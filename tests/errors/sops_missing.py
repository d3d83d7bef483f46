from pybpf import *


@struct_ops("tcp_congestion_ops", name="bad")
class Bad:
    def ssthresh(self, sk: sock) -> u32:
        return tcp_reno_ssthresh(sk)

    def cong_avoid(self, sk: sock, ack: u32, acked: u32) -> None:
        tcp_reno_cong_avoid(sk, ack, acked)
