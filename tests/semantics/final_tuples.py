# Final tuples: a module-level tuple of constant strs (or ints), indexed at
# run time: negative indexes count from the end, an index outside -N..N-1
# raises IndexError; len() is N, 'in' compares with each item.
from pybpf import *

PID: Final[int] = 0
NAMES: Final = ("zero", "one", "two", "three", "four", "five")
PRIMES: Final[tuple[int, ...]] = (2, 3, 5, 7, -11)
SHORT: Final[tuple[str[8], ...]] = ("a", "", "ccc")
NNAMES: Final[int] = len(NAMES)
calls: int = 0


def name_of(i: int) -> int:
    """the length of NAMES[i], through a helper function"""
    return len(NAMES[i])


@tracepoint("syscalls/sys_enter_getppid")
def final_tuples() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    print(NAMES[calls % 6], NAMES[-calls % 6], NAMES[-1], NAMES[0], PRIMES[calls % 5], SHORT[calls % 3] == "")
    print(len(NAMES), len(PRIMES), NNAMES, f"{NAMES[calls - 3]:>6}|{PRIMES[-(calls % 5) - 1]}")
    print(NAMES[calls % 6] in NAMES, "four" in NAMES, "fou" not in NAMES, calls in PRIMES, -11 in PRIMES, 4 not in PRIMES)
    total = 0
    for i in range(len(NAMES)):
        total += len(NAMES[i]) * PRIMES[i % len(PRIMES)]
    print("total", total)
    name: str[16] = SHORT[2]
    name = NAMES[2 - calls]     # 1 .. -6 for calls 1..8
    print(name, name_of(-calls % 6))
    if calls == 7:
        print(NAMES[-calls])    # IndexError (-7)
    print(PRIMES[calls - 1])    # IndexError at calls 6 and 8
    print("not reached at", calls)
