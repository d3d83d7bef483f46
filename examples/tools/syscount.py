"""syscount.py: count system calls, per syscall or per process, with their
total latency if asked; print the top N at Ctrl-C (or every INTERVAL seconds).

A port of bcc's syscount (and bpftrace's syscount.bt, which counts per
syscall id and per command). Output as bcc's:

    Tracing syscalls, printing top 10... Ctrl+C to quit.
    SYSCALL                   COUNT
    getppid                    1000
    read                         12

with -D LATENCY=1 (bcc -L), the total time spent in each, in microseconds:

    SYSCALL                   COUNT        TIME (us)
    getppid                    1000          412.345

with -D BY_PROCESS=1 (bcc -P), per process instead of per syscall:

    PID    COMM                COUNT
    procs[4101, python3]: 1012

(pids cannot be enumerated in a probe, so the loader lists them, in
ascending order of count, as bpftrace's syscount.bt lists @process).

The top N are sorted by count, largest first (ties: the smaller syscall
number or PID first). bcc's `[HH:MM:SS]` line before each report is left
out (a probe has no wall clock); with an interval a line `[N s]` (seconds
since tracing began) takes its place.

Run:    pybpf load examples/tools/syscount.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter" / "off"):
    -D PID=1234      only this process (bcc: -p PID)
    -D TOP=20        print the top 20 (bcc: -T TOP; default 10)
    -D LATENCY=1     also the total time per syscall or process (bcc: -L)
    -D MS=1          with LATENCY: milliseconds instead of microseconds (bcc: -m)
    -D BY_PROCESS=1  count per process, not per syscall (bcc: -P)
    -D FAILED=1      only syscalls that failed (bcc: -x)
    -D INTERVAL=5    print and clear every 5 seconds (bcc: -i INTERVAL)
    --duration S     stop after S seconds (bcc: -d DURATION)

Counting (without LATENCY or FAILED) happens when a syscall enters, as in
bcc and syscount.bt; with LATENCY or FAILED, when it returns.

Syscall names are x86_64's, generated from <asm/unistd_64.h>; numbers
without a name print as their number.
"""
from pybpf import *

PID: Final[int] = 0
TOP: Final[int] = 10
LATENCY: Final[int] = 0
MS: Final[int] = 0
BY_PROCESS: Final[int] = 0
FAILED: Final[int] = 0
INTERVAL: Final[int] = 0

NSYSCALLS: Final[int] = 512     # syscall numbers counted: 0 .. NSYSCALLS-1

# ---- generated from <asm/unistd_64.h> by scripts/gen_syscall_names.py: do not edit ----
# x86_64's system call names by number ("" where a number has none); run
# `make syscall-names` after a kernel headers upgrade
# (tests/unit/syscall_names_stale.py fails while this is stale)
SYSCALL_NAMES: Final = (
    "read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek", "mmap",  # 0..9
    "mprotect", "munmap", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",  # 10..15
    "ioctl", "pread64", "pwrite64", "readv", "writev", "access", "pipe", "select",  # 16..23
    "sched_yield", "mremap", "msync", "mincore", "madvise", "shmget", "shmat", "shmctl",  # 24..31
    "dup", "dup2", "pause", "nanosleep", "getitimer", "alarm", "setitimer", "getpid",  # 32..39
    "sendfile", "socket", "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg",  # 40..47
    "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair",  # 48..53
    "setsockopt", "getsockopt", "clone", "fork", "vfork", "execve", "exit", "wait4",  # 54..61
    "kill", "uname", "semget", "semop", "semctl", "shmdt", "msgget", "msgsnd", "msgrcv",  # 62..70
    "msgctl", "fcntl", "flock", "fsync", "fdatasync", "truncate", "ftruncate", "getdents",  # 71..78
    "getcwd", "chdir", "fchdir", "rename", "mkdir", "rmdir", "creat", "link", "unlink",  # 79..87
    "symlink", "readlink", "chmod", "fchmod", "chown", "fchown", "lchown", "umask",  # 88..95
    "gettimeofday", "getrlimit", "getrusage", "sysinfo", "times", "ptrace", "getuid",  # 96..102
    "syslog", "getgid", "setuid", "setgid", "geteuid", "getegid", "setpgid", "getppid",  # 103..110
    "getpgrp", "setsid", "setreuid", "setregid", "getgroups", "setgroups", "setresuid",  # 111..117
    "getresuid", "setresgid", "getresgid", "getpgid", "setfsuid", "setfsgid", "getsid",  # 118..124
    "capget", "capset", "rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo",  # 125..129
    "rt_sigsuspend", "sigaltstack", "utime", "mknod", "uselib", "personality", "ustat",  # 130..136
    "statfs", "fstatfs", "sysfs", "getpriority", "setpriority", "sched_setparam",  # 137..142
    "sched_getparam", "sched_setscheduler", "sched_getscheduler",  # 143..145
    "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",  # 146..148
    "mlock", "munlock", "mlockall", "munlockall", "vhangup", "modify_ldt", "pivot_root",  # 149..155
    "_sysctl", "prctl", "arch_prctl", "adjtimex", "setrlimit", "chroot", "sync", "acct",  # 156..163
    "settimeofday", "mount", "umount2", "swapon", "swapoff", "reboot", "sethostname",  # 164..170
    "setdomainname", "iopl", "ioperm", "create_module", "init_module", "delete_module",  # 171..176
    "get_kernel_syms", "query_module", "quotactl", "nfsservctl", "getpmsg", "putpmsg",  # 177..182
    "afs_syscall", "tuxcall", "security", "gettid", "readahead", "setxattr",  # 183..188
    "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr", "listxattr",  # 189..194
    "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "tkill",  # 195..200
    "time", "futex", "sched_setaffinity", "sched_getaffinity", "set_thread_area",  # 201..205
    "io_setup", "io_destroy", "io_getevents", "io_submit", "io_cancel",  # 206..210
    "get_thread_area", "lookup_dcookie", "epoll_create", "epoll_ctl_old",  # 211..214
    "epoll_wait_old", "remap_file_pages", "getdents64", "set_tid_address",  # 215..218
    "restart_syscall", "semtimedop", "fadvise64", "timer_create", "timer_settime",  # 219..223
    "timer_gettime", "timer_getoverrun", "timer_delete", "clock_settime",  # 224..227
    "clock_gettime", "clock_getres", "clock_nanosleep", "exit_group", "epoll_wait",  # 228..232
    "epoll_ctl", "tgkill", "utimes", "vserver", "mbind", "set_mempolicy",  # 233..238
    "get_mempolicy", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",  # 239..243
    "mq_notify", "mq_getsetattr", "kexec_load", "waitid", "add_key", "request_key",  # 244..249
    "keyctl", "ioprio_set", "ioprio_get", "inotify_init", "inotify_add_watch",  # 250..254
    "inotify_rm_watch", "migrate_pages", "openat", "mkdirat", "mknodat", "fchownat",  # 255..260
    "futimesat", "newfstatat", "unlinkat", "renameat", "linkat", "symlinkat",  # 261..266
    "readlinkat", "fchmodat", "faccessat", "pselect6", "ppoll", "unshare",  # 267..272
    "set_robust_list", "get_robust_list", "splice", "tee", "sync_file_range",  # 273..277
    "vmsplice", "move_pages", "utimensat", "epoll_pwait", "signalfd", "timerfd_create",  # 278..283
    "eventfd", "fallocate", "timerfd_settime", "timerfd_gettime", "accept4",  # 284..288
    "signalfd4", "eventfd2", "epoll_create1", "dup3", "pipe2", "inotify_init1",  # 289..294
    "preadv", "pwritev", "rt_tgsigqueueinfo", "perf_event_open", "recvmmsg",  # 295..299
    "fanotify_init", "fanotify_mark", "prlimit64", "name_to_handle_at",  # 300..303
    "open_by_handle_at", "clock_adjtime", "syncfs", "sendmmsg", "setns", "getcpu",  # 304..309
    "process_vm_readv", "process_vm_writev", "kcmp", "finit_module", "sched_setattr",  # 310..314
    "sched_getattr", "renameat2", "seccomp", "getrandom", "memfd_create",  # 315..319
    "kexec_file_load", "bpf", "execveat", "userfaultfd", "membarrier", "mlock2",  # 320..325
    "copy_file_range", "preadv2", "pwritev2", "pkey_mprotect", "pkey_alloc",  # 326..330
    "pkey_free", "statx", "io_pgetevents", "rseq", "uretprobe", "", "", "", "", "", "",  # 331..341
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  # 342..362
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  # 363..383
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  # 384..404
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  # 405..423
    "pidfd_send_signal", "io_uring_setup", "io_uring_enter", "io_uring_register",  # 424..427
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "pidfd_open",  # 428..434
    "clone3", "close_range", "openat2", "pidfd_getfd", "faccessat2", "process_madvise",  # 435..440
    "epoll_pwait2", "mount_setattr", "quotactl_fd", "landlock_create_ruleset",  # 441..444
    "landlock_add_rule", "landlock_restrict_self", "memfd_secret", "process_mrelease",  # 445..448
    "futex_waitv", "set_mempolicy_home_node", "cachestat", "fchmodat2",  # 449..452
    "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue", "statmount",  # 453..457
    "listmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal",  # 458..462
)
# ---- end of generated SYSCALL_NAMES ----

counts: Hash[u32, u64] = Hash(max_entries=10240)    # syscall number (or pid) -> calls
times: Hash[u32, u64] = Hash(max_entries=10240)     # syscall number (or pid) -> ns
procs: Hash[tuple[u32, str[16]], u32] = Hash(max_entries=10240)   # pid, comm
start: Hash[u32, u64] = Hash(max_entries=10240)     # tid -> ktime at entry
ticks: Hash[u32, u64] = Hash(max_entries=1)


def report() -> None:
    """The top TOP entries of counts, largest first; then clear."""
    if BY_PROCESS != 0:
        print(f"{'PID':<6} {'COMM':<16} {'COUNT':>8}", end="")
    else:
        print(f"{'SYSCALL':<22} {'COUNT':>8}", end="")
    if LATENCY != 0:
        print(f" {'TIME (ms)' if MS != 0 else 'TIME (us)':>16}")
    else:
        print()
    if BY_PROCESS != 0:
        # pids cannot be enumerated in the kernel: the loader shows them
        show(procs)
    else:
        for _ in range(TOP):
            best = -1
            most = 0
            for n in range(NSYSCALLS):
                c = counts.get(n, 0)
                if c > most:
                    best = n
                    most = c
            if best < 0:
                break
            print_syscall(best, most, times.get(best, 0))
            del counts[best]
    counts.clear()
    times.clear()
    procs.clear()


def print_syscall(n: int, count: int, ns: int) -> None:
    name: str[24] = ""
    if n < len(SYSCALL_NAMES):
        name = SYSCALL_NAMES[n]
    if name == "":
        print(f"{n:<22} {count:>8}", end="")
    else:
        print(f"{name:<22} {count:>8}", end="")
    if LATENCY != 0:
        us = ns // 1000000 if MS != 0 else ns // 1000
        frac = ns // 1000 % 1000 if MS != 0 else ns % 1000
        print(f" {us:>12}.{frac:03}")
    else:
        print()


@begin
def syscount_begin() -> None:
    print(f"Tracing syscalls, printing top {TOP}... Ctrl+C to quit.")


@tracepoint("raw_syscalls/sys_enter")
def syscount_enter(args: TracepointArgs) -> None:
    if PID != 0 and pid() != PID:
        return
    if LATENCY != 0 or FAILED != 0:
        start[tid()] = ktime_ns()
        return
    if BY_PROCESS != 0:
        procs[pid(), comm()] += 1
    elif 0 <= args.id < NSYSCALLS:
        counts[args.id] += 1


@tracepoint("raw_syscalls/sys_exit")
def syscount_exit(args: TracepointArgs) -> None:
    if LATENCY == 0 and FAILED == 0:
        return
    if tid() not in start:
        return
    t0 = start[tid()]
    del start[tid()]
    if FAILED != 0 and args.ret >= 0:
        return
    if BY_PROCESS != 0:
        procs[pid(), comm()] += 1
    elif 0 <= args.id < NSYSCALLS:
        counts[args.id] += 1
        times[args.id] += ktime_ns() - t0


@interval(seconds=1)
def syscount_tick() -> None:
    if INTERVAL <= 0:
        return
    ticks[0] += 1
    if ticks[0] % INTERVAL == 0:
        print(f"\n[{ticks[0]} s]")
        report()


@end
def syscount_end() -> None:
    print()
    report()
    start.clear()
    ticks.clear()
