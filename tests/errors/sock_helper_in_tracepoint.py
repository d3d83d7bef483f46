from pybpf import *


@tracepoint("sock/inet_sock_set_state")
def f(args) -> None:
    t = bpf.skc_to_tcp_sock(args.skaddr)
    if t is not None:
        print(t.snd_cwnd)
