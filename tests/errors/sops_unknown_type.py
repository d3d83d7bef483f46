from pybpf import *


@struct_ops("tcp_congestion_opz", name="bad")
class Bad:
    pass
