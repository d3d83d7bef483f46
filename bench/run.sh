#!/bin/sh
# make bench: every benchmark, side by side with its reference, in one run.
# Raw numbers of each run: bench/results/*.json. Results table: docs/performance.md.
#   REPEAT=N        runs per startup/overhead measurement (default 7)
#   SCALE_REPEAT=N  runs per compile-scale size (default 3)
#   XDP_ROUNDS=N, VETH_ROUNDS=N, VETH_COUNT=N  XDP test-run rounds (61), veth rounds (15)
#                   and packets per veth round (200000) of bench/xdp.py
set -e
failed=""
run() { python3 "$@" || failed="$failed $1"; }
cd "$(dirname "$0")/.."
echo "== machine: $(uname -r), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(clang-19 --version | head -1); libbpf $(dpkg-query -W -f='${Version}' libbpf-dev); $(bpftrace --version)"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews the timings)"
make -s -C bench/c
echo "== 1. startup: first event and memory, pybpf vs bpftrace"
run bench/startup.py
PROBES=bench run bench/startup.py
echo "== 2. per-event overhead: getppid loop, no probe / hand-written C / pybpf / bpftrace"
run bench/overhead.py
echo "== 3. generated code: xlated and JITed size, pybpf vs hand-written C"
run bench/codesize.py
echo "== 4. compiler scale: front end and clang time against probe file size"
run bench/scale.py
echo "== compile time with kernel types: declared types vs vmlinux.h"
run bench/compile_btf.py
echo "== 5. print throughput: records/s without loss, pybpf print vs bpftrace printf"
run bench/throughput.py
echo "== 6. hot reload: pybpf reload vs unload + load"
run bench/reload.py
echo "== 7. long probes: the verifier's processed instructions against statements, pybpf vs bpftrace"
run bench/longprobe.py
echo "== 8. XDP drop: test-run ns/packet, veth packets/s, JITed size, pybpf vs hand-written C"
run bench/xdp.py
echo "== 9. metrics: scrape latency and loader CPU for a map of 10,000 keys, pybpf load --metrics vs bpftool map dump"
run bench/metrics.py
echo "== 10. sched_ext in the QEMU guest: pingpong round trips/s, the kernel's scheduler vs fifo.py and vtime.py"
run bench/sched.py
if [ -n "$failed" ]; then echo "== FAILED:$failed"; exit 1; fi
