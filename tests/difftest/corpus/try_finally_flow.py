# try/except/else/finally on every way out: break, continue and return
# through finally, exceptions raised in handlers and in else (not caught by
# the same try), a pending exception that goes on after finally, a bare
# raise after an inner try inside the handler, break inside finally that
# swallows the exception (as in CPython).
from pybpf import *

PID: Final[int] = 0
seen: Hash[u32, i64] = Hash()


class Base(Exception):
    pass


class Mid(Base):
    pass


class Leaf(Mid):
    pass


@tracepoint("syscalls/sys_enter_getppid")
def flow() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    for k in range(6):
        try:
            try:
                if k == 0:
                    raise Leaf
                if k == 1:
                    continue
                if k == 2:
                    x = 1 // z
                if k == 3:
                    break
                print("body", k)
            except Mid:
                print("Mid", k)
                try:
                    raise ValueError
                except ValueError:
                    print("inner", k)
                raise
            except ZeroDivisionError:
                print("zde", k)
                raise KeyError
            else:
                print("else", k)
                if k == 4:
                    raise Mid("from else")
            finally:
                seen[k] += 1
                print("finally", k)
        except Base:
            print("outer Base", k)
        except LookupError:
            print("outer LookupError", k)
    else:
        print("no break")
    print("after loop", k)
    for j in range(3):
        try:
            raise Leaf
        finally:
            print("finally swallows", j)
            break
    try:
        assert z == 1, "z is not one"
    except AssertionError:
        print("assert caught")
    finally:
        print("last finally")
    try:
        raise Mid("uncaught")
    finally:
        print("before uncaught")
