# Python's format mini-language on ints, bools and strs: fill, align, sign,
# '#', '0', width, grouping, bases, float types on ints, precision on strs,
# !r and !s, and bools with a spec (formatted as ints: f"{True:>5}" is
# "    1"), non-ASCII fill and text.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def format_specs() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    n = z - 1234567
    big = z + 9223372036854775807
    t = z == 0
    s: str[16] = "héllo"
    print(f"[{n:,}] [{n:_}] [{n:+,}] [{n:>15,}] [{n:<15}] [{n:^15}] [{n:=15}] [{n:015}] [{n:*^+15,}]")
    print(f"[{255 + z:#x}] [{255 + z:#X}] [{255 + z:#o}] [{255 + z:#b}] [{n:x}] [{n:#_b}] [{big:_x}] [{-big:#o}]")
    print(f"[{t}] [{t:>5}] [{t!s:>5}] [{t!r:^7}] [{t:d}] [{t:#x}] [{not t:+}] [{t:05}]")
    print(f"[{s}] [{s:>10}] [{s:.3}] [{s:*^9.2}] [{s!r}] [{s!r:>12}] [{s:€<8}] [{comm():>16.4}]")
    print(f"[{n:e}] [{n:.2f}] [{big:f}] [{big:g}] [{n + 1234567:%}] [{7 + z:.3e}] [{z:G}]")
    print(f"[{z: }] [{z - 5: d}] [{z:-}] [{z - 5:x<+6}] [{z:#}] [{n!r:>10}] [{n!s:0<10}]")
    print("sep", n, t, s, sep=" | ", end=" <end>\n")
    print(s, "tab\there", 'quote\'s', "back\\slash", sep="")
