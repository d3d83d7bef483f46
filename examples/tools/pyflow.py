"""pyflow.py: count a running Python's function calls by file:function.

A port of bcc's ucalls / uflow for Debian's /usr/bin/python3.11, through its
USDT probes (`pybpf probes 'usdt:/usr/bin/python3.11:*'` lists them):

    calls[/usr/lib/python3.11/json/encoder.py, encode]: 12
    calls[work.py, fib]: 177

Which probe: CPython 3.11 fires function__entry only for the few frames it
does not inline (calls between Python functions run in the same C frame
and skip it; bpftrace sees the same), but fires function__return on every
return. So this counts at function__return: one per call that returns
(a generator counts once per yield too; a call that raises is not counted).

Run:    pybpf load examples/tools/pyflow.py -D PID=1234 [--duration S]

Options (-D overrides a Final constant):
    -D PID=1234     the python3.11 process to trace (0: every python3.11)
    -D SHOW=1       also print a line per return: PID FILE:LINE FUNCTION
"""
from pybpf import *

PID: Final[int] = 0
SHOW: Final[int] = 0

calls: Hash[tuple[str[96], str[48]], u64] = Hash(max_entries=10240)


@usdt("/usr/bin/python3.11:python:function__return", pid=PID)
def py_return(filename: ptr, funcname: ptr, lineno: int) -> None:
    file = user_str(filename, 96)
    func = user_str(funcname, 48)
    calls[(file, func)] += 1
    if SHOW:
        print(f"{pid():<7} {file}:{lineno} {func}")
