#!/bin/busybox sh
# /init of the QEMU tier's guest (tests/qemu/run.py builds the initramfs).
# Prints `PASS name` / `FAIL name: why` on the console, then QEMU-TIER-DONE.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
hostname "$(cat /etc/hostname)"
echo 1 > /proc/sys/net/core/bpf_jit_enable

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

echo "guest: kernel $(uname -r), lsm $(cat /sys/kernel/security/lsm 2>/dev/null || echo ?)"
if out=$(insmod /t/pybpf_kfuncs.ko 2>&1); then pass insmod; else fail insmod "$out"; dmesg | tail -60; fi
if grep -q '^pybpf_kfuncs ' /proc/modules && [ -e /sys/kernel/btf/pybpf_kfuncs ]; then
	pass module_btf_loaded
else
	fail module_btf_loaded "no pybpf_kfuncs in /proc/modules or no /sys/kernel/btf/pybpf_kfuncs"
fi
dmesg | grep -q 'pybpf_kfuncs: register_btf_kfunc_id_set' && fail module_register "$(dmesg | grep pybpf_kfuncs)"

echo "guest: tests start at $(cut -d" " -f1 /proc/uptime) s"
cd /t && ./runner /t

# the static pybpf: front end and BTF work without clang
cd /
if out=$(pybpf check examples/hello.py 2>&1); then pass pybpf_check; else fail pybpf_check "$out"; fi
out=$(pybpf probes 'fentry:__x64_sys_getpgid' 2>&1)
case "$out" in *__x64_sys_getpgid*) pass pybpf_probes ;; *) fail pybpf_probes "$out" ;; esac
if pybpf compile examples/hello.py -o /tmp/hello.c 2>/tmp/err && grep -q on_openat /tmp/hello.c; then
	pass pybpf_compile_c
else
	fail pybpf_compile_c "$(cat /tmp/err)"
fi

echo "QEMU-TIER-DONE at $(cut -d" " -f1 /proc/uptime) s of guest uptime"
poweroff -f
