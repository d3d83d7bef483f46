from pybpf import *


@usdt("/usr/bin/python3.11:python:function__return")
def ret(filename: ptr, funcname: ptr, lineno: ptr) -> None:
    print(f"{user_str(lineno, 8)}")
