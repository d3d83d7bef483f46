from pybpf import *

cwnd: Hash[u32, u64] = Hash()


@tp_btf("inet_sock_set_state")
def f(sk: sock, oldstate: int, newstate: int) -> None:
    cwnd[newstate] = bpf.skc_to_tcp_sock(sk).snd_cwnd
