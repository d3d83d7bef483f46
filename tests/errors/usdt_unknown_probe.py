from pybpf import *


@usdt("/usr/bin/python3.11:python:function_entry")
def entry(filename: ptr, funcname: ptr, lineno: int) -> None:
    print(f"{lineno}")
