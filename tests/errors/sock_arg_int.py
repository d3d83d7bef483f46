from pybpf import *


@tp_btf("inet_sock_set_state")
def f(sk: sock, oldstate: int, newstate: int) -> None:
    t = bpf.skc_to_tcp_sock(oldstate)
    if t is not None:
        print(t.snd_cwnd)
