#!/bin/sh
# make bench: every benchmark, side by side with its reference, in one run.
set -e
cd "$(dirname "$0")/.."
echo "== machine: $(uname -r), $(nproc) cores; $(clang-19 --version | head -1); $(bpftrace --version)"
echo "== startup: first event and memory, pybpf vs bpftrace"
python3 bench/startup.py
echo "== compile time with kernel types: declared types vs vmlinux.h"
python3 bench/compile_btf.py
