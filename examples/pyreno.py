"""pyreno.py: TCP Reno congestion control, written in Python.

pybpf load examples/pyreno.py registers it as "pyreno"; a socket picks it
with setsockopt(TCP_CONGESTION, "pyreno") (or sysctl net.ipv4.tcp_congestion_control).
The counters show its callbacks running.
"""
from pybpf import *

calls: Hash[str[16], u64] = Hash()


@struct_ops("tcp_congestion_ops", name="pyreno")
class PyReno:
    def ssthresh(self, sk: sock) -> u32:
        calls["ssthresh"] += 1
        return tcp_reno_ssthresh(sk)

    def cong_avoid(self, sk: sock, ack: u32, acked: u32) -> None:
        calls["cong_avoid"] += 1
        tcp_reno_cong_avoid(sk, ack, acked)

    def undo_cwnd(self, sk: sock) -> u32:
        calls["undo_cwnd"] += 1
        return tcp_reno_undo_cwnd(sk)
