#!/usr/bin/env python3
"""Reload latency: from the start of `pybpf reload NAME FILE` to the new
version live, against the only alternative a tracing user has today: end
the old program and load the new one (pybpf unload + pybpf load --pin, which
is also what restarting a bpftrace script amounts to).

The instance counts getppid() calls per pid (bench/probes/count.py); each new
version differs in a constant, so its C is new and clang runs ("cold"), or
is one compiled before ("warm": the object cache answers). "Live" is checked,
not assumed: after each swap a getppid() from this process must reach the new
version's key. For unload + load, the gap is the time with no program
attached at all (events in it are not seen); reload has no gap: every event
is handled by the old or the new version (tests/runtime.py checks exactly-N).
"""
import os
import statistics
import subprocess
import tempfile
import time

from common import PYBPF, REPEAT, save, stop

NAME = f"bench-reload-{os.getpid()}"
SRC = '''from pybpf import *

counts: Hash[u32, u64] = Hash(max_entries=10240)


@tracepoint("syscalls/sys_enter_getppid")
def on_getppid(args) -> None:
    counts[pid() * 0 + {version}] += 1
'''


def write(d, version):
    path = os.path.join(d, f"v{version}.py")
    with open(path, "w") as f:
        f.write(SRC.format(version=version))
    return path


def live(version):
    """the pinned counts map has this version's key after a getppid()"""
    os.getppid()
    out = subprocess.run(["bpftool", "map", "dump", "pinned", f"/sys/fs/bpf/pybpf/{NAME}/map_counts", "-j"],
                         capture_output=True, text=True).stdout
    return f'"key": {version},' in out.replace("\n", " ") or f'"key":{version},' in out


def wait_attached(p):
    while True:
        line = p.stderr.readline()
        if not line or line.startswith("Attached"):
            return line


def main():
    d = tempfile.mkdtemp(prefix="pybpf-bench-reload-")
    version = 1
    loader = subprocess.Popen([PYBPF, "load", "--pin", NAME, write(d, version)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    res = {"reload_cold": [], "reload_warm": [], "restart_cold": [], "restart_warm": [], "restart_gap": []}
    try:
        if not wait_attached(loader).startswith("Attached"):
            raise SystemExit("pybpf load --pin did not attach")
        for r in range(REPEAT):
            for kind in ("cold", "warm"):
                if kind == "cold":
                    version += 1
                    target = version
                else:
                    target = version - 1   # compiled in an earlier round: cached
                t0 = time.perf_counter()
                subprocess.run([PYBPF, "reload", NAME, write(d, target)], check=True, capture_output=True)
                t1 = time.perf_counter()
                if not live(target):
                    raise SystemExit(f"version {target} is not live after pybpf reload")
                res[f"reload_{kind}"].append((t1 - t0) * 1000)
                # back to the other version for the next measurement
                subprocess.run([PYBPF, "reload", NAME, write(d, version)], check=True, capture_output=True)
        stop(loader)
        subprocess.run([PYBPF, "unload", NAME], capture_output=True)
        # unload + load: the old program ends, then the new one loads
        loader = subprocess.Popen([PYBPF, "load", "--pin", NAME, write(d, version)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        wait_attached(loader)
        for r in range(REPEAT):
            for kind in ("cold", "warm"):
                if kind == "cold":
                    version += 1
                    target = version
                else:
                    target = version - 1
                t0 = time.perf_counter()
                stop(loader)
                subprocess.run([PYBPF, "unload", NAME], check=True, capture_output=True)
                t_gone = time.perf_counter()
                loader = subprocess.Popen([PYBPF, "load", "--pin", NAME, write(d, target)], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True)
                if not wait_attached(loader).startswith("Attached"):
                    raise SystemExit("pybpf load --pin did not attach")
                t1 = time.perf_counter()
                if not live(target):
                    raise SystemExit(f"version {target} is not live after unload + load")
                res[f"restart_{kind}"].append((t1 - t0) * 1000)
                res["restart_gap"].append((t1 - t_gone) * 1000)
    finally:
        stop(loader)
        subprocess.run([PYBPF, "unload", NAME], capture_output=True)
    med = {k: round(statistics.median(v), 1) for k, v in res.items()}
    for kind in ("cold", "warm"):
        print(f"{kind:5} reload {med['reload_' + kind]:8.1f} ms   unload + load {med['restart_' + kind]:8.1f} ms   "
              f"ratio {med['reload_' + kind] / med['restart_' + kind]:.2f}x")
    print(f"unload + load leaves nothing attached for {med['restart_gap']:.1f} ms (median); reload: no gap")
    save("reload", {"repeat": REPEAT, "median_ms": med, "runs_ms": res})


if __name__ == "__main__":
    main()
