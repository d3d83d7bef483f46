/* Shared by tests/qemu/progs/NAME.bpf.c: no vmlinux.h (fast to compile). */
#ifndef QEMU_PROGS_COMMON_H
#define QEMU_PROGS_COMMON_H
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include "pybpf_kfuncs.h"

/* the runner's process id: set before load (.bss initial value) */
#define FROM_RUNNER() ((__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid)

char LICENSE[] SEC("license") = "GPL";
#endif
