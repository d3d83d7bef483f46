#!/usr/bin/env python3
"""Generated code: translated (xlated) BPF instructions and JITed bytes of
pybpf's programs against hand-written libbpf C doing the same work
(bench/c/NAME.bpf.c, loaded by build/bench/loader).

Each program is loaded and attached for real (pybpf load in the background;
the C loader), its program ids read from /proc/PID/fdinfo, and the sizes
from `bpftool prog show id N` (xlated bytes / 8 = instructions, ld_imm64
counting two; JITed bytes). The JITed instructions are counted in the
machine code itself: build/bench/jitdump writes the program's JIT image
(every subprogram) and objdump disassembles it (Debian's bpftool has no
disassembler). Then both processes are ended (SIGINT: they detach and
unload). Programs are matched by name; programs only pybpf has (an @begin
probe) are listed apart and left out of the ratio. The sizes do not vary
between runs, so one run each.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from common import BUILD, PROBES, PYBPF, ROOT, loadavg, prog_ids, save, stop

PROGRAMS = [
    ("count", "counts[pid()] += 1 (getppid)"),
    ("runqlat", "runqlat histogram (3 tracepoints)"),
    ("execsnoop", "exec event through a ring buffer"),
    ("commcount", "str[16]-keyed count by comm()"),
    ("ulat", "uprobe + uretprobe latency histogram"),
    ("syscount", "two per-CPU Count maps"),
]


def jited_insns(prog_id):
    """Machine instructions of the program's JIT image (x86-64)."""
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        subprocess.run([os.path.join(BUILD, "jitdump"), str(prog_id), f.name], check=True, capture_output=True)
        asm = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", f.name],
                             check=True, capture_output=True, text=True).stdout
    # "   1c:\t89 45 f4   \tmov ..." (a long instruction's bytes continue
    # on a line of their own, with no mnemonic)
    return sum(1 for ln in asm.splitlines() if re.match(r"\s*[0-9a-f]+:\t[0-9a-f ]+\t\S", ln))


def prog_info(ids):
    out = {}
    for i in ids:
        j = json.loads(subprocess.run(["bpftool", "prog", "show", "id", str(i), "-j"],
                                      check=True, capture_output=True, text=True).stdout)
        out[j["name"]] = {"id": i, "xlated": j["bytes_xlated"] // 8, "jited": j["bytes_jited"],
                          "jited_insns": jited_insns(i), "type": j["type"]}
    return out


def loaded(cmd, ready, env=None):
    """Start cmd, wait until a line containing `ready` on stdout or stderr
    (or 20 s), return the program sizes, end the process."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        t0 = time.time()
        while time.time() - t0 < 20:
            line = p.stdout.readline()
            if not line:
                break
            if ready in line:
                break
        ids = prog_ids(p.pid)
        if not ids:
            raise SystemExit(f"no programs loaded by {' '.join(cmd)}")
        return prog_info(ids)
    finally:
        stop(p)


def main():
    load0 = loadavg()
    rows = []
    for name, what in PROGRAMS:
        py = loaded([PYBPF, "load", os.path.join(PROBES, f"{name}.py")], "Attached")
        c = loaded([os.path.join(BUILD, "loader"), os.path.join(BUILD, f"{name}.bpf.o")], "ready")
        common_names = sorted(set(py) & set(c))
        extra = sorted(set(py) - set(c))
        if set(c) - set(py):
            raise SystemExit(f"{name}: C programs {sorted(set(c) - set(py))} have no pybpf counterpart")
        rows.append({
            "name": name, "what": what, "programs": common_names, "pybpf_only": extra,
            "pybpf": py, "c": c,
            "py_xlated": sum(py[n]["xlated"] for n in common_names),
            "c_xlated": sum(c[n]["xlated"] for n in common_names),
            "py_jited": sum(py[n]["jited"] for n in common_names),
            "c_jited": sum(c[n]["jited"] for n in common_names),
            "py_jited_insns": sum(py[n]["jited_insns"] for n in common_names),
            "c_jited_insns": sum(c[n]["jited_insns"] for n in common_names),
        })
    keys = ("py_xlated", "c_xlated", "py_jited_insns", "c_jited_insns", "py_jited", "c_jited")
    tot = {k: sum(r[k] for r in rows) for k in keys}
    print(f"load average {load0[0]} (sizes do not depend on load)")
    print(f"  {'program':<11} {'what':<38} {'xlated insns':>19} {'ratio':>6} {'JITed insns':>15} {'ratio':>6}"
          f" {'JITed bytes':>15} {'ratio':>6}")
    print(f"  {'':<11} {'':<38} {'pybpf':>9} {'C':>9} {'':>6} {'pybpf':>7} {'C':>7} {'':>6} {'pybpf':>7} {'C':>7}")

    def cells(r):
        return (f"{r['py_xlated']:>9} {r['c_xlated']:>9} {r['py_xlated'] / r['c_xlated']:>6.2f} "
                f"{r['py_jited_insns']:>7} {r['c_jited_insns']:>7} {r['py_jited_insns'] / r['c_jited_insns']:>6.2f} "
                f"{r['py_jited']:>7} {r['c_jited']:>7} {r['py_jited'] / r['c_jited']:>6.2f}")
    for r in rows:
        print(f"  {r['name']:<11} {r['what']:<38} {cells(r)}"
              + (f"   (pybpf also loads {', '.join(r['pybpf_only'])}: not counted)" if r["pybpf_only"] else ""))
    print(f"  {'total':<11} {'':<38} {cells(tot)}")
    print(f"ratio: total pybpf/C xlated instructions {tot['py_xlated'] / tot['c_xlated']:.3f}, "
          f"JITed instructions {tot['py_jited_insns'] / tot['c_jited_insns']:.3f} (target <= 1.10); "
          f"JITed bytes {tot['py_jited'] / tot['c_jited']:.3f}")
    path = save("codesize", {"loadavg_start": load0, "rows": rows, "total": tot})
    print(f"raw: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
