#!/usr/bin/env python3
"""The sched_ext tier: CPU schedulers written in Python, in a guest kernel
built with CONFIG_SCHED_CLASS_EXT (issue 17).

    python3 tests/qemu/sched.py [-v]

Builds (once, cached outside the tree) the guest kernel with
scripts/guest-kernel.sh; compiles examples/sched/{fifo,vtime}.py and
tests/qemu/sched/stall.py HERE against that kernel's BTF (pybpf compile
--btf vmlinux -o X.o: the guest has no clang); builds the static
workload (sched_work.c) and an initramfs with the static pybpf; boots
the kernel under QEMU with 2 vCPUs. The guest (sched_init.sh) runs each
scheduler with `pybpf load X.py --object X.o` and prints what happened;
this file judges it. Last line: `sched: N passed, M failed`.

As a tier of tests/run.py:  import this file and call tier(report).
Environment: PYBPF_SCHED_TIMEOUT (seconds for the boot, default 600).
"""
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("qemu_run", os.path.join(HERE, "run.py"))
qrun = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qrun)
ROOT, BuildError, sh, newer = qrun.ROOT, qrun.BuildError, qrun.sh, qrun.newer
OUT = os.path.join(ROOT, "build", "qemu", "sched")
DONE = "SCHED-TIER-DONE"
VERBOSE = "-v" in sys.argv
SCHEDS = {"fifo": os.path.join(ROOT, "examples", "sched", "fifo.py"),
          "vtime": os.path.join(ROOT, "examples", "sched", "vtime.py"),
          "stall": os.path.join(HERE, "sched", "stall.py"),
          "baddsq": os.path.join(HERE, "sched", "baddsq.py")}
NAMES = {"fifo": "pyfifo", "vtime": "pyvtime", "stall": "pystall", "baddsq": "pybaddsq"}
THREADS = 4


def guest_kernel():
    """(bzImage, vmlinux, seconds the build took or None when cached)"""
    t0 = time.monotonic()
    p = subprocess.run(["sh", os.path.join(ROOT, "scripts", "guest-kernel.sh")], capture_output=True, text=True)
    if p.returncode != 0:
        raise BuildError(f"scripts/guest-kernel.sh: exit {p.returncode}\n{p.stderr[-3000:]}")
    bz = p.stdout.strip().splitlines()[-1]
    took = time.monotonic() - t0
    return bz, os.path.join(os.path.dirname(bz), "vmlinux"), took if took > 60 else None


def check_errors(vmlinux, report):
    """tests/qemu/sched/errors/X.py: pybpf check --btf VMLINUX gives exactly X.err
    (the guest kernel's types: this machine's kernel has no sched_ext_ops)"""
    d = os.path.join(HERE, "sched", "errors")
    for f in sorted(os.listdir(d)):
        if not f.endswith(".py"):
            continue
        rel = os.path.relpath(os.path.join(d, f), ROOT)
        p = subprocess.run([os.path.join(ROOT, "pybpf"), "check", "--btf", vmlinux, rel], cwd=ROOT,
                           capture_output=True, text=True)
        want = open(os.path.join(d, f[:-3] + ".err")).read()
        report(f"sched/errors/{f[:-3]}", p.returncode == 1 and p.stderr == want,
               f"exit {p.returncode}; expected:\n{want}got:\n{p.stderr}")


def build(vmlinux):
    """the objects, the workload and the initramfs; returns the cpio"""
    root = os.path.join(OUT, "initramfs")
    for d in ("bin", "dev", "proc", "sys", "tmp", "t", "s"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    pybpf = os.path.join(ROOT, "pybpf")
    for name, py in SCHEDS.items():
        o = os.path.join(root, "s", name + ".o")
        if newer(o, py, pybpf, vmlinux):
            sh([pybpf, "compile", py, "--btf", vmlinux, "-o", o])
        shutil.copy2(py, os.path.join(root, "s", name + ".py"))
    work = os.path.join(root, "t", "work")
    if newer(work, os.path.join(HERE, "sched_work.c")):
        sh(["cc", "-O2", "-Wall", "-Wextra", "-static", "-o", work, os.path.join(HERE, "sched_work.c"), "-lpthread"])
    static = os.path.join(ROOT, "build", "pybpf-static")
    if not os.path.exists(static):
        raise BuildError("no build/pybpf-static: make build/pybpf-static")
    shutil.copy2(static, os.path.join(root, "bin", "pybpf"))
    shutil.copy2(shutil.which("busybox") or "/bin/busybox", os.path.join(root, "bin", "busybox"))
    shutil.copy2(os.path.join(HERE, "sched_init.sh"), os.path.join(root, "init"))
    os.chmod(os.path.join(root, "init"), 0o755)
    cpio = os.path.join(OUT, "initramfs.cpio")
    sh(f"find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 > '{cpio}.tmp' && mv '{cpio}.tmp' '{cpio}'", cwd=root)
    return cpio


class Guest:
    """What the guest printed: STATE, RC and BEGIN/END blocks."""

    def __init__(self, text):
        self.text = text
        self.states, self.rcs, self.blocks = {}, {}, {}
        cur = None
        for line in text.splitlines():
            line = line.rstrip()
            if cur is not None:
                if line == f"END {cur}":
                    cur = None
                else:
                    self.blocks[cur].append(line)
                continue
            m = re.match(r"^(STATE|RC|BEGIN) (\S+)(?: (.*))?$", line)
            if not m:
                continue
            if m.group(1) == "STATE":
                self.states[m.group(2)] = tuple((m.group(3) or "").split())
            elif m.group(1) == "RC":
                self.rcs[m.group(2)] = int(m.group(3))
            else:
                cur = m.group(2)
                self.blocks[cur] = []

    def block(self, name):
        return self.blocks.get(name, [])

    def maps(self, name):
        """{map: {key: value}} from a pybpf load --format json's output"""
        out = {}
        for line in self.block(name):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("type") == "map":
                out[rec["name"]] = {e["key"]: e["value"] for e in rec["entries"]}
        return out


def spin_pid(g, name):
    m = re.match(rf"^spin pid=(\d+) threads={THREADS} ms=\d+$", "\n".join(g.block(name)))
    return int(m.group(1)) if m else None


def pingpong_ms(g, name):
    m = re.match(r"^pingpong pairs=4 rounds=(\d+) ms=(\d+)$", "\n".join(g.block(name)))
    return (int(m.group(1)), int(m.group(2))) if m else None


def judge_scheduler(g, s, report):
    name = NAMES[s]
    report(f"sched/{s}_enabled", g.states.get(s) == ("enabled", name),
           f"after pybpf load {s}.py: state/ops {g.states.get(s)}, want ('enabled', '{name}')")
    pid = spin_pid(g, f"{s}_work")
    report(f"sched/{s}_workload", g.rcs.get(f"{s}_work") == 0 and pid is not None,
           f"work spin {THREADS}: exit {g.rcs.get(f'{s}_work')}, output {g.block(f'{s}_work')}")
    report(f"sched/{s}_exit", g.rcs.get(f"{s}_load") == 0 and g.states.get(f"{s}_after") == ("disabled", "-"),
           f"pybpf load exit {g.rcs.get(f'{s}_load')} after SIGINT; state then {g.states.get(f'{s}_after')}")
    maps = g.maps(f"{s}_out")
    tasks, queued, ran = (maps.get(k, {}) for k in ("tasks", "queued", "ran"))
    # the workload's process: 1 init_task at its fork, 1 per thread
    report(f"sched/{s}_init_task", pid is not None and tasks.get(pid) == THREADS + 1,
           f"tasks[{pid}] = {tasks.get(pid)}, want {THREADS + 1} (the process and its {THREADS} threads)")
    report(f"sched/{s}_enqueue_matched", pid is not None and queued.get(pid, 0) > 0 and
           queued.get(pid) == ran.get(pid),
           f"workload pid {pid}: queued {queued.get(pid)}, ran after being queued {ran.get(pid)}")
    err = g.block(f"{s}_err")
    want = [f"sched_ext: '{name}' registered; /sys/kernel/sched_ext/state: enabled, root/ops: {name}",
            rf"sched_ext: callbacks of '{name}': .*\binit_task [1-9]\d*\b.*",
            f"sched_ext: '{name}' unregistered; /sys/kernel/sched_ext/state: disabled"]
    missing = [w for w in want if not any(re.fullmatch(w, line) for line in err)]
    report(f"sched/{s}_loader_report", not missing, f"missing from stderr: {missing}; stderr: {err}")


def judge_stall(g, report):
    err = g.block("stall_err")
    ended = [line for line in err if line.startswith("sched_ext: the kernel ended 'pystall': ")]
    ok = ended and re.fullmatch(r"sched_ext: the kernel ended 'pystall': .+ \(SCX_EXIT_ERROR_STALL, exit code 0\): "
                                r"the kernel's watchdog found a runnable task that had waited longer than timeout_ms: "
                                r"every task enqueue\(\) is given must reach a CPU, through a dispatch queue that "
                                r"dispatch\(\) consumes or a direct dispatch", ended[0])
    report("sched/watchdog_report", bool(ok) and g.rcs.get("stall_load") == 1,
           f"pybpf load exit {g.rcs.get('stall_load')} (want 1); stderr: {err}")
    report("sched/watchdog_disabled", bool(ended) and g.states.get("stall_after") == ("disabled", "-"),
           f"state after the watchdog: {g.states.get('stall_after')} (ejected: {bool(ended)})")
    report("sched/after_watchdog_schedules", bool(ended) and g.rcs.get("after_stall_work") == 0 and
           spin_pid(g, "after_work") is not None,
           f"work spin after the ejection: exit {g.rcs.get('after_stall_work')}, {g.block('after_work')}")


def judge_error(g, report):
    """baddsq.py dispatches to a DSQ it never made: SCX_EXIT_ERROR, the kernel's message"""
    err = g.block("baddsq_err")
    want = [r"sched_ext: the kernel ended 'pybaddsq': runtime error \(SCX_EXIT_ERROR, exit code 0\): the kernel "
            r"found an error in what a callback did \(the message says which\)",
            r"sched_ext: the kernel's message: non-existent DSQ 0x63 for .*",
            r"sched_ext: /sys/kernel/sched_ext/state: disabled; the kernel's own scheduler runs every task again"]
    missing = [w for w in want if not any(re.fullmatch(w, line) for line in err)]
    report("sched/error_report", not missing and g.rcs.get("baddsq_load") == 1 and
           g.states.get("baddsq_after") == ("disabled", "-"),
           f"pybpf load exit {g.rcs.get('baddsq_load')} (want 1), state {g.states.get('baddsq_after')}; "
           f"missing {missing}; stderr {err}")


def judge_reload(g, report):
    err = g.block("reload_err")
    swapped = [line for line in err if re.fullmatch(
        r"pybpf: sched_ext cannot swap a running scheduler, so 'pyfifo' was unregistered and 'pyvtime' "
        r"registered; the kernel's own scheduler ran every task for the \d+\.\d ms in between", line)]
    report("sched/reload", g.rcs.get("reload") == 0 and bool(swapped) and g.states.get("pinned") == ("enabled", "pyfifo")
           and g.states.get("reloaded") == ("enabled", "pyvtime"),
           f"reload exit {g.rcs.get('reload')}; state before {g.states.get('pinned')}, after {g.states.get('reloaded')}; "
           f"stderr {err}")
    report("sched/reload_no_stall", bool(swapped) and g.rcs.get("reload_work_running") == 0 and
           g.rcs.get("reload_work") == 0 and spin_pid(g, "reload_work") is not None,
           f"the workload across the reload: running when the reload ended: {'reload_work_running' in g.rcs}, "
           f"exit {g.rcs.get('reload_work')}, output {g.block('reload_work')}")
    report("sched/unload", g.rcs.get("pin_load") == 0 and g.rcs.get("unload") == 0 and
           g.states.get("unloaded") == ("disabled", "-"),
           f"pinned loader exit {g.rcs.get('pin_load')}, unload exit {g.rcs.get('unload')} "
           f"({g.block('unload')}), state {g.states.get('unloaded')}")


def bench(g):
    """pingpong round trips per second: the kernel's scheduler, fifo, vtime"""
    out = {}
    for k in ("default", "fifo", "vtime"):
        r = pingpong_ms(g, f"bench_{k}")
        if r:
            out[k] = 4 * r[0] / (r[1] / 1e3) if r[1] else 0.0
    return out


def tier(report, wanted=lambda name: True):
    def rep(name, ok, detail=""):
        if wanted("qemu/" + name):
            report("qemu/" + name, ok, detail)
    t0 = time.monotonic()
    try:
        bz, vmlinux, took = guest_kernel()
        config = open(os.path.join(os.path.dirname(bz), ".config")).read()
        rep("sched/kernel", "CONFIG_SCHED_CLASS_EXT=y" in config and "CONFIG_DEBUG_INFO_BTF=y" in config,
            f"{bz}: its .config lacks SCHED_CLASS_EXT or DEBUG_INFO_BTF")
        if took:
            print(f"sched: built the guest kernel in {took:.0f} s")
        check_errors(vmlinux, rep)
        cpio = build(vmlinux)
    except (BuildError, OSError) as e:
        rep("sched/build", False, str(e))
        return
    os.environ.setdefault("PYBPF_QEMU_TIMEOUT", os.environ.get("PYBPF_SCHED_TIMEOUT", "600"))
    # one host thread for both vCPUs: with a thread each, a static key flipped while
    # sched_ext disables (pick_task_idle's jump label) was seen to hit a stale int3
    # under TCG and oops the guest (tests/qemu/README.md)
    rc, text = qrun.boot(bz, cpio, os.path.join(OUT, "serial.log"), tcg=",thread=single")
    g = Guest(text)
    rep("sched/boot_state", g.states.get("boot") == ("disabled", "-"),
        f"before any scheduler: {g.states.get('boot')}")
    for s in ("fifo", "vtime"):
        judge_scheduler(g, s, rep)
    judge_stall(g, rep)
    judge_error(g, rep)
    judge_reload(g, rep)
    b = bench(g)
    if VERBOSE or b:
        print("sched: pingpong round trips/s (4 pairs, TCG, 2 vCPUs): " +
              ", ".join(f"{k} {v:.0f}" for k, v in b.items()) +
              (f"; vtime/default {b['vtime'] / b['default']:.2f}" if b.get("default") and "vtime" in b else ""))
    rep("sched/bench", set(b) == {"default", "fifo", "vtime"} and all(
        g.states.get(s, ("",))[0] == "enabled" for s in ("fifo", "vtime")), f"pingpong results: {b}")
    done = DONE in text
    rep("sched/boot", done and rc == 0, f"guest {'finished' if done else 'did not finish'} (exit {rc}); serial log "
        f"{os.path.join(OUT, 'serial.log')}:\n" + "\n".join(text.splitlines()[-40:]))
    if VERBOSE:
        print(f"sched: tier {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    qrun.main(tier, "sched")
