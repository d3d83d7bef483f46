"""Long one-shot probes for issue 19: N try statements one after another,
each printing an integer expression of a local the verifier cannot know,
with handlers for ZeroDivisionError and OverflowError.

    python3 tests/long/gen.py N > probe.py

The expressions are the 150 of long_probe_read_ok.py, in turn (block i
prints i). tests/runtime_long.py and bench/longprobe.py use it."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def blocks():
    """The 150 expressions of long_probe_read_ok.py."""
    src = open(os.path.join(HERE, "long_probe_read_ok.py")).read()
    return re.findall(r"^    try:\n        print\(\d+, (.*)\)$", src, re.M)


def generate(n):
    exprs = blocks()
    out = ["from pybpf import *", "", "@begin", "def go() -> None:", "    z: int = pid() - pid()"]
    for i in range(n):
        out += ["    try:", f"        print({i}, {exprs[i % len(exprs)]})",
                "    except ZeroDivisionError:", f"        print({i}, 'ZDE')",
                "    except OverflowError:", f"        print({i}, 'OVF')"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1])))
