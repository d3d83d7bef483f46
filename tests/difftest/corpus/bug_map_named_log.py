# BUG (found while writing the difftest corpus): a map named `log` (a C
# library function name): clang rejects the generated C, "redefinition of
# 'log' as different kind of symbol". Python names that are C names need a
# prefix in the generated C.
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
log: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def named_log() -> None:
    if pid() != PID:
        return
    log[1] += 1
    print("logged", log[1])
