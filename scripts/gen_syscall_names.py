#!/usr/bin/env python3
"""Write SYSCALL_NAMES, x86_64's system call names by number, into
examples/tools/syscount.py (between its "generated" marker lines), from
<asm/unistd_64.h>: `#define __NR_name N`. Numbers without a name hold "".

    python3 scripts/gen_syscall_names.py            # rewrite the block (make syscall-names)
    python3 scripts/gen_syscall_names.py --check    # exit 1 if the block is stale

The output depends only on the header: same header, same bytes.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
TARGET = os.path.join(ROOT, "examples", "tools", "syscount.py")
BEGIN = "# ---- generated from <asm/unistd_64.h> by scripts/gen_syscall_names.py: do not edit ----\n"
END = "# ---- end of generated SYSCALL_NAMES ----\n"
WIDTH = 100   # the longest generated line


def syscalls(header):
    """{number: name} from `#define __NR_name number` lines."""
    out = {}
    with open(header) as f:
        for m in re.finditer(r"^#define __NR_(\w+)\s+(\d+)\s*$", f.read(), re.M):
            out[int(m.group(2))] = m.group(1)
    if not out:
        raise SystemExit(f"{header}: no '#define __NR_name N' lines")
    return out


def row_text(names, i, j):
    return "    " + " ".join(f'"{n}",' for n in names[i:j]) + f"  # {i}..{j - 1}"


def block(header):
    """The generated text, BEGIN and END lines included."""
    nr = syscalls(header)
    names = [nr.get(i, "") for i in range(max(nr) + 1)]
    lines = [BEGIN,
             "# x86_64's system call names by number (\"\" where a number has none); run\n",
             "# `make syscall-names` after a kernel headers upgrade\n",
             "# (tests/unit/syscall_names_stale.py fails while this is stale)\n",
             "SYSCALL_NAMES: Final = (\n"]
    i = 0
    while i < len(names):   # as many as fit in WIDTH, with "# first..last"
        j = i + 1
        while j < len(names) and len(row_text(names, i, j + 1)) <= WIDTH:
            j += 1
        lines.append(row_text(names, i, j) + "\n")
        i = j
    lines += [")\n", END]
    return "".join(lines)


def splice(text, new):
    """text with its generated block replaced by new."""
    a, b = text.find(BEGIN), text.find(END)
    if a < 0 or b < a:
        raise SystemExit(f"{os.path.relpath(TARGET, ROOT)}: no generated block (the lines {BEGIN.strip()!r} "
                         f"... {END.strip()!r})")
    return text[:a] + new + text[b + len(END):]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--header", default=HEADER)
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed block differs")
    args = ap.parse_args()
    text = open(TARGET).read()
    fresh = splice(text, block(args.header))
    if args.check:
        if fresh != text:
            print(f"{os.path.relpath(TARGET, ROOT)}: SYSCALL_NAMES is stale: run `make syscall-names`")
            sys.exit(1)
        return
    if fresh != text:
        with open(TARGET, "w") as f:
            f.write(fresh)


if __name__ == "__main__":
    main()
