# A bare `raise` inside a loop or a try within an except handler: the loop's
# iterator ends, an inner try may catch it, the outer finally runs
# (found by tests/difftest: the loop's iterator used to leak).
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def reraise() -> None:
    if pid() != PID:
        return
    try:
        try:
            raise KeyError
        except KeyError:
            for i in range(3):
                if i == 1:
                    raise
                print("loop", i)
    except LookupError:
        print("outer caught")
    try:
        raise IndexError
    except IndexError:
        try:
            raise
        except LookupError:
            print("inner caught")
        finally:
            print("inner finally")
    try:
        try:
            raise ValueError
        except ValueError:
            for j in range(2):
                try:
                    raise
                finally:
                    print("finally", j)
    except ValueError:
        print("ValueError")
