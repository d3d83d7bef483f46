#!/bin/sh
# make demo: run examples/hello.py for 5 seconds with a small workload of its
# own, so that an otherwise idle machine shows events: a shell named
# pybpf-demo (a symlink to /bin/sh: a process's comm is the name it was
# executed as) opens /etc/hostname 10 times a second while the probe runs.
# The workload is this script's child and is ended by its pid.
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
ln -s /bin/sh "$tmp/pybpf-demo"
echo "demo: tracing openat for 5 s; a workload 'pybpf-demo' opens /etc/hostname 10 times a second"
"$tmp/pybpf-demo" -c 'while :; do read -r h < /etc/hostname; sleep 0.1; done' &
work=$!
trap 'kill $work 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
./pybpf load examples/hello.py --duration 5
