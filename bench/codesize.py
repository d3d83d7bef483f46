#!/usr/bin/env python3
"""Generated code: translated (xlated) BPF instructions and JITed bytes of
pybpf's programs against hand-written libbpf C doing the same work
(bench/c/NAME.bpf.c, loaded by build/bench/loader).

Each program is loaded and attached for real (pybpf load in the background;
the C loader), its program ids read from /proc/PID/fdinfo, and the sizes
from `bpftool prog show id N` (xlated bytes / 8 = instructions, ld_imm64
counting two). Then both processes are ended (SIGINT: they detach and
unload). Programs are matched by name; programs only pybpf has (an @begin
probe) are listed apart and left out of the ratio. The sizes do not vary
between runs, so one run each.
"""
import json
import os
import subprocess
import sys
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


def prog_info(ids):
    out = {}
    for i in ids:
        j = json.loads(subprocess.run(["bpftool", "prog", "show", "id", str(i), "-j"],
                                      check=True, capture_output=True, text=True).stdout)
        out[j["name"]] = {"id": i, "xlated": j["bytes_xlated"] // 8, "jited": j["bytes_jited"],
                          "type": j["type"]}
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
        })
    tot = {k: sum(r[k] for r in rows) for k in ("py_xlated", "c_xlated", "py_jited", "c_jited")}
    print(f"load average {load0[0]} (sizes do not depend on load)")
    print(f"  {'program':<11} {'what':<38} {'xlated insns':>19} {'ratio':>6} {'JITed bytes':>17} {'ratio':>6}")
    print(f"  {'':<11} {'':<38} {'pybpf':>9} {'C':>9} {'':>6} {'pybpf':>8} {'C':>8}")
    for r in rows:
        print(f"  {r['name']:<11} {r['what']:<38} {r['py_xlated']:>9} {r['c_xlated']:>9} "
              f"{r['py_xlated'] / r['c_xlated']:>6.2f} {r['py_jited']:>8} {r['c_jited']:>8} "
              f"{r['py_jited'] / r['c_jited']:>6.2f}"
              + (f"   (pybpf also loads {', '.join(r['pybpf_only'])}: not counted)" if r["pybpf_only"] else ""))
    print(f"  {'total':<11} {'':<38} {tot['py_xlated']:>9} {tot['c_xlated']:>9} "
          f"{tot['py_xlated'] / tot['c_xlated']:>6.2f} {tot['py_jited']:>8} {tot['c_jited']:>8} "
          f"{tot['py_jited'] / tot['c_jited']:>6.2f}")
    print(f"ratio: total xlated pybpf/C {tot['py_xlated'] / tot['c_xlated']:.2f}, "
          f"JITed {tot['py_jited'] / tot['c_jited']:.2f} (target <= 1.10)")
    path = save("codesize", {"loadavg_start": load0, "rows": rows, "total": tot})
    print(f"raw: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
