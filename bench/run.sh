#!/bin/sh
# make bench: every benchmark, side by side with its reference, in one run.
set -e
cd "$(dirname "$0")/.."
echo "== machine: $(uname -r), $(nproc) cores; $(clang-19 --version | head -1); $(bpftrace --version)"
python3 bench/startup.py
