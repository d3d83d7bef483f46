"""Shared by the benchmarks: machine description, load average, results files,
and processes that are always ended."""
import json
import os
import platform
import re
import signal
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYBPF = os.path.join(ROOT, "pybpf")
BUILD = os.path.join(ROOT, "build", "bench")
PROBES = os.path.join(ROOT, "bench", "probes")
RESULTS = os.path.join(ROOT, "bench", "results")
REPEAT = int(os.environ.get("REPEAT", "7"))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "clang": sh("clang-19 --version | head -1"),
        "libbpf": sh("dpkg-query -W -f='${Version}' libbpf-dev"),
        "bpftrace": sh("bpftrace --version"),
        "bpftool": sh("bpftool version | head -1"),
        "pybpf": sh(f"git -C {ROOT} rev-parse --short HEAD") + ("+dirty" if sh(f"git -C {ROOT} status --porcelain") else ""),
    }


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def save(name, data):
    """bench/results/NAME.json: this run's raw numbers, with machine and load."""
    os.makedirs(RESULTS, exist_ok=True)
    data = dict(data)
    data.setdefault("machine", machine())
    data["time"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    data["loadavg_end"] = loadavg()
    path = os.path.join(RESULTS, f"{name}.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    return path


def stop(p, sig=signal.SIGINT, timeout=30):
    """End a process we started: SIGINT (the tools print their maps and detach),
    then SIGKILL if it does not exit. Returns its remaining stdout."""
    if p.poll() is None:
        p.send_signal(sig)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    return out


def prog_ids(pid):
    """BPF program ids held open by process pid (from /proc/PID/fdinfo)."""
    ids = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:bpf-prog":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                m = re.search(r"^prog_id:\s+(\d+)", f.read(), re.M)
            if m:
                ids.append(int(m.group(1)))
        except OSError:
            pass
    return sorted(set(ids))


def med_fmt(xs, digits=1):
    return " ".join(f"{x:.{digits}f}" for x in xs)
