from pybpf import *


@fentry("tcp_rcv_established")
def f(sk: sock) -> None:
    t = bpf.skc_to_tcp_sock(sk)
    if t is not None:
        tcp_cong_avoid_ai(t, 1, 1)
