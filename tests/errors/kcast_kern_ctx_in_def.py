from pybpf import *


def ip() -> int:
    return bpf_cast_to_kern_ctx(ctx()).ip


@kprobe("do_nanosleep")
def t() -> None:
    print(ip())
