# BUG (found by tests/difftest): a bare `raise` inside a for loop inside an
# except handler: the verifier rejects the probe, "BPF_EXIT instruction in
# main prog would lead to reference leak" -- the re-raise leaves without
# destroying the loop's iterator.
# Status: fixed -- passes at commit fca90cb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def reraise_in_loop() -> None:
    if pid() != PID:
        return
    try:
        try:
            raise KeyError
        except KeyError:
            for i in range(3):
                raise
    except LookupError:
        print("LookupError")
    print("done")
