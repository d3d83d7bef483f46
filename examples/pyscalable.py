"""pyscalable.py: Scalable TCP (Tom Kelly, 2003), ported to Python from the
kernel's net/ipv4/tcp_scalable.c.

In congestion avoidance the window grows by one segment every
min(cwnd, 50) acknowledged segments; on loss it shrinks by 1/8 instead of
Reno's 1/2, so a long fat pipe recovers in a constant number of RTTs.
"""
from pybpf import *

AI_CNT: Final[int] = 50   # TCP_SCALABLE_AI_CNT
MD_SCALE: Final[int] = 3  # TCP_SCALABLE_MD_SCALE: shrink by cwnd >> 3

events: Hash[str[16], u64] = Hash()


def cwnd_limited(tp: tcp_sock) -> bool:
    # the kernel's tcp_is_cwnd_limited()
    if tp.snd_cwnd < tp.snd_ssthresh:
        return tp.snd_cwnd < 2 * tp.max_packets_out
    return tp.is_cwnd_limited != 0


@struct_ops("tcp_congestion_ops", name="pyscalable")
class PyScalable:
    def cong_avoid(self, sk: sock, ack: u32, acked: u32) -> None:
        tp = tcp_sk(sk)
        events["cong_avoid"] += 1
        if not cwnd_limited(tp):
            return
        if tp.snd_cwnd < tp.snd_ssthresh:
            events["slow_start"] += 1
            acked = tcp_slow_start(tp, acked)
            if acked == 0:
                return
        tcp_cong_avoid_ai(tp, min(tp.snd_cwnd, AI_CNT), acked)

    def ssthresh(self, sk: sock) -> u32:
        tp = tcp_sk(sk)
        events["ssthresh"] += 1
        return max(tp.snd_cwnd - (tp.snd_cwnd >> MD_SCALE), 2)

    def undo_cwnd(self, sk: sock) -> u32:
        return tcp_reno_undo_cwnd(sk)
