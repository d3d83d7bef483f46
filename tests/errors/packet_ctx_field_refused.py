from pybpf import *


@tc("ingress")
def f(ctx) -> int:
    if ctx.remote_port == 80:
        return TC_ACT_SHOT
    return TC_ACT_OK
