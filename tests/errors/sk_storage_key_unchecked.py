from pybpf import *

changes: SkStorage[u32] = SkStorage()


@tp_btf("inet_sock_set_state")
def f(sk: sock, oldstate: int, newstate: int) -> None:
    changes[bpf.skc_to_tcp_sock(sk)] += 1
