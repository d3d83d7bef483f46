from pybpf import *

SHARED = DSQ(0)


@struct_ops("sched_ext_ops", name="pyarity")
class Arity:
    def dispatch(self, cpu: i32) -> None:
        scx_bpf_consume(SHARED)
