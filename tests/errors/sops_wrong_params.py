from pybpf import *


@struct_ops("tcp_congestion_ops", name="bad")
class Bad:
    def ssthresh(self) -> u32:
        return 2
