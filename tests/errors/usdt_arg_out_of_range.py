from pybpf import *


@usdt("/usr/bin/python3.11:python:function__return")
def ret(filename: ptr, funcname: ptr, lineno: int, extra: int) -> None:
    print(f"{lineno} {extra}")
