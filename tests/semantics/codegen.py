# The shortcuts the emitter takes for code size keep Python's semantics:
# a // or % by a positive constant floors, + and - overflow raises
# (boundaries both ways), d[k] += n keeps the old value on OverflowError,
# d[k] = v with v a constant checks the key.
# (Ring buffer records: codegen_records.py.)
from pybpf import *

PID: Final[int] = 0
MAX: Final[int] = 9223372036854775807
n: int = 0
c8: Hash[u32, u8] = Hash()
c64: Hash[str[16], u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def codegen() -> None:
    global n
    if pid() != PID:
        return
    n += 1
    a = n * 1000 - 4003
    MIN = -MAX - 1
    print(a // 1000, a % 1000, a // 7, a % 7, a // 1, a % 1, MIN // 3, MIN % 3, MIN // 1, MAX // 1000, MAX % 1000)
    print((MIN + n) // 1000, (MIN + n) % 1000, (MIN + n - 1) // 2, (MAX - n) // 2)
    try:
        print("add", MAX - 4 + n)
    except OverflowError:
        print("add OverflowError")
    try:
        print("sub", MIN + 4 - n)
    except OverflowError:
        print("sub OverflowError")
    try:
        print("add neg", MIN + (n - 5))
    except OverflowError:
        print("add neg OverflowError")
    try:
        print("sub neg", MAX - (5 - n))
    except OverflowError:
        print("sub neg OverflowError")
    try:
        print("sub mixed", (n - 4) - MAX, -(n - 4) - MAX - 2)
    except OverflowError:
        print("sub mixed OverflowError")
    try:
        c8[n % 2] += 100
        print("c8", c8[n % 2])
    except OverflowError:
        print("c8 OverflowError")
    c64[comm()] += 1
    k = n - 5
    try:
        c8[k] = 7   # the key first (the value cannot raise): OverflowError for k < 0
        print("store", c8[k])
    except OverflowError:
        print("store OverflowError")
