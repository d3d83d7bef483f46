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
    if n == 0:
        name = "read"
    if n == 1:
        name = "write"
    if n == 2:
        name = "open"
    if n == 3:
        name = "close"
    if n == 4:
        name = "stat"
    if n == 5:
        name = "fstat"
    if n == 6:
        name = "lstat"
    if n == 7:
        name = "poll"
    if n == 8:
        name = "lseek"
    if n == 9:
        name = "mmap"
    if n == 10:
        name = "mprotect"
    if n == 11:
        name = "munmap"
    if n == 12:
        name = "brk"
    if n == 13:
        name = "rt_sigaction"
    if n == 14:
        name = "rt_sigprocmask"
    if n == 15:
        name = "rt_sigreturn"
    if n == 16:
        name = "ioctl"
    if n == 17:
        name = "pread64"
    if n == 18:
        name = "pwrite64"
    if n == 19:
        name = "readv"
    if n == 20:
        name = "writev"
    if n == 21:
        name = "access"
    if n == 22:
        name = "pipe"
    if n == 23:
        name = "select"
    if n == 24:
        name = "sched_yield"
    if n == 25:
        name = "mremap"
    if n == 26:
        name = "msync"
    if n == 27:
        name = "mincore"
    if n == 28:
        name = "madvise"
    if n == 29:
        name = "shmget"
    if n == 30:
        name = "shmat"
    if n == 31:
        name = "shmctl"
    if n == 32:
        name = "dup"
    if n == 33:
        name = "dup2"
    if n == 34:
        name = "pause"
    if n == 35:
        name = "nanosleep"
    if n == 36:
        name = "getitimer"
    if n == 37:
        name = "alarm"
    if n == 38:
        name = "setitimer"
    if n == 39:
        name = "getpid"
    if n == 40:
        name = "sendfile"
    if n == 41:
        name = "socket"
    if n == 42:
        name = "connect"
    if n == 43:
        name = "accept"
    if n == 44:
        name = "sendto"
    if n == 45:
        name = "recvfrom"
    if n == 46:
        name = "sendmsg"
    if n == 47:
        name = "recvmsg"
    if n == 48:
        name = "shutdown"
    if n == 49:
        name = "bind"
    if n == 50:
        name = "listen"
    if n == 51:
        name = "getsockname"
    if n == 52:
        name = "getpeername"
    if n == 53:
        name = "socketpair"
    if n == 54:
        name = "setsockopt"
    if n == 55:
        name = "getsockopt"
    if n == 56:
        name = "clone"
    if n == 57:
        name = "fork"
    if n == 58:
        name = "vfork"
    if n == 59:
        name = "execve"
    if n == 60:
        name = "exit"
    if n == 61:
        name = "wait4"
    if n == 62:
        name = "kill"
    if n == 63:
        name = "uname"
    if n == 64:
        name = "semget"
    if n == 65:
        name = "semop"
    if n == 66:
        name = "semctl"
    if n == 67:
        name = "shmdt"
    if n == 68:
        name = "msgget"
    if n == 69:
        name = "msgsnd"
    if n == 70:
        name = "msgrcv"
    if n == 71:
        name = "msgctl"
    if n == 72:
        name = "fcntl"
    if n == 73:
        name = "flock"
    if n == 74:
        name = "fsync"
    if n == 75:
        name = "fdatasync"
    if n == 76:
        name = "truncate"
    if n == 77:
        name = "ftruncate"
    if n == 78:
        name = "getdents"
    if n == 79:
        name = "getcwd"
    if n == 80:
        name = "chdir"
    if n == 81:
        name = "fchdir"
    if n == 82:
        name = "rename"
    if n == 83:
        name = "mkdir"
    if n == 84:
        name = "rmdir"
    if n == 85:
        name = "creat"
    if n == 86:
        name = "link"
    if n == 87:
        name = "unlink"
    if n == 88:
        name = "symlink"
    if n == 89:
        name = "readlink"
    if n == 90:
        name = "chmod"
    if n == 91:
        name = "fchmod"
    if n == 92:
        name = "chown"
    if n == 93:
        name = "fchown"
    if n == 94:
        name = "lchown"
    if n == 95:
        name = "umask"
    if n == 96:
        name = "gettimeofday"
    if n == 97:
        name = "getrlimit"
    if n == 98:
        name = "getrusage"
    if n == 99:
        name = "sysinfo"
    if n == 100:
        name = "times"
    if n == 101:
        name = "ptrace"
    if n == 102:
        name = "getuid"
    if n == 103:
        name = "syslog"
    if n == 104:
        name = "getgid"
    if n == 105:
        name = "setuid"
    if n == 106:
        name = "setgid"
    if n == 107:
        name = "geteuid"
    if n == 108:
        name = "getegid"
    if n == 109:
        name = "setpgid"
    if n == 110:
        name = "getppid"
    if n == 111:
        name = "getpgrp"
    if n == 112:
        name = "setsid"
    if n == 113:
        name = "setreuid"
    if n == 114:
        name = "setregid"
    if n == 115:
        name = "getgroups"
    if n == 116:
        name = "setgroups"
    if n == 117:
        name = "setresuid"
    if n == 118:
        name = "getresuid"
    if n == 119:
        name = "setresgid"
    if n == 120:
        name = "getresgid"
    if n == 121:
        name = "getpgid"
    if n == 122:
        name = "setfsuid"
    if n == 123:
        name = "setfsgid"
    if n == 124:
        name = "getsid"
    if n == 125:
        name = "capget"
    if n == 126:
        name = "capset"
    if n == 127:
        name = "rt_sigpending"
    if n == 128:
        name = "rt_sigtimedwait"
    if n == 129:
        name = "rt_sigqueueinfo"
    if n == 130:
        name = "rt_sigsuspend"
    if n == 131:
        name = "sigaltstack"
    if n == 132:
        name = "utime"
    if n == 133:
        name = "mknod"
    if n == 134:
        name = "uselib"
    if n == 135:
        name = "personality"
    if n == 136:
        name = "ustat"
    if n == 137:
        name = "statfs"
    if n == 138:
        name = "fstatfs"
    if n == 139:
        name = "sysfs"
    if n == 140:
        name = "getpriority"
    if n == 141:
        name = "setpriority"
    if n == 142:
        name = "sched_setparam"
    if n == 143:
        name = "sched_getparam"
    if n == 144:
        name = "sched_setscheduler"
    if n == 145:
        name = "sched_getscheduler"
    if n == 146:
        name = "sched_get_priority_max"
    if n == 147:
        name = "sched_get_priority_min"
    if n == 148:
        name = "sched_rr_get_interval"
    if n == 149:
        name = "mlock"
    if n == 150:
        name = "munlock"
    if n == 151:
        name = "mlockall"
    if n == 152:
        name = "munlockall"
    if n == 153:
        name = "vhangup"
    if n == 154:
        name = "modify_ldt"
    if n == 155:
        name = "pivot_root"
    if n == 156:
        name = "_sysctl"
    if n == 157:
        name = "prctl"
    if n == 158:
        name = "arch_prctl"
    if n == 159:
        name = "adjtimex"
    if n == 160:
        name = "setrlimit"
    if n == 161:
        name = "chroot"
    if n == 162:
        name = "sync"
    if n == 163:
        name = "acct"
    if n == 164:
        name = "settimeofday"
    if n == 165:
        name = "mount"
    if n == 166:
        name = "umount2"
    if n == 167:
        name = "swapon"
    if n == 168:
        name = "swapoff"
    if n == 169:
        name = "reboot"
    if n == 170:
        name = "sethostname"
    if n == 171:
        name = "setdomainname"
    if n == 172:
        name = "iopl"
    if n == 173:
        name = "ioperm"
    if n == 174:
        name = "create_module"
    if n == 175:
        name = "init_module"
    if n == 176:
        name = "delete_module"
    if n == 177:
        name = "get_kernel_syms"
    if n == 178:
        name = "query_module"
    if n == 179:
        name = "quotactl"
    if n == 180:
        name = "nfsservctl"
    if n == 181:
        name = "getpmsg"
    if n == 182:
        name = "putpmsg"
    if n == 183:
        name = "afs_syscall"
    if n == 184:
        name = "tuxcall"
    if n == 185:
        name = "security"
    if n == 186:
        name = "gettid"
    if n == 187:
        name = "readahead"
    if n == 188:
        name = "setxattr"
    if n == 189:
        name = "lsetxattr"
    if n == 190:
        name = "fsetxattr"
    if n == 191:
        name = "getxattr"
    if n == 192:
        name = "lgetxattr"
    if n == 193:
        name = "fgetxattr"
    if n == 194:
        name = "listxattr"
    if n == 195:
        name = "llistxattr"
    if n == 196:
        name = "flistxattr"
    if n == 197:
        name = "removexattr"
    if n == 198:
        name = "lremovexattr"
    if n == 199:
        name = "fremovexattr"
    if n == 200:
        name = "tkill"
    if n == 201:
        name = "time"
    if n == 202:
        name = "futex"
    if n == 203:
        name = "sched_setaffinity"
    if n == 204:
        name = "sched_getaffinity"
    if n == 205:
        name = "set_thread_area"
    if n == 206:
        name = "io_setup"
    if n == 207:
        name = "io_destroy"
    if n == 208:
        name = "io_getevents"
    if n == 209:
        name = "io_submit"
    if n == 210:
        name = "io_cancel"
    if n == 211:
        name = "get_thread_area"
    if n == 212:
        name = "lookup_dcookie"
    if n == 213:
        name = "epoll_create"
    if n == 214:
        name = "epoll_ctl_old"
    if n == 215:
        name = "epoll_wait_old"
    if n == 216:
        name = "remap_file_pages"
    if n == 217:
        name = "getdents64"
    if n == 218:
        name = "set_tid_address"
    if n == 219:
        name = "restart_syscall"
    if n == 220:
        name = "semtimedop"
    if n == 221:
        name = "fadvise64"
    if n == 222:
        name = "timer_create"
    if n == 223:
        name = "timer_settime"
    if n == 224:
        name = "timer_gettime"
    if n == 225:
        name = "timer_getoverrun"
    if n == 226:
        name = "timer_delete"
    if n == 227:
        name = "clock_settime"
    if n == 228:
        name = "clock_gettime"
    if n == 229:
        name = "clock_getres"
    if n == 230:
        name = "clock_nanosleep"
    if n == 231:
        name = "exit_group"
    if n == 232:
        name = "epoll_wait"
    if n == 233:
        name = "epoll_ctl"
    if n == 234:
        name = "tgkill"
    if n == 235:
        name = "utimes"
    if n == 236:
        name = "vserver"
    if n == 237:
        name = "mbind"
    if n == 238:
        name = "set_mempolicy"
    if n == 239:
        name = "get_mempolicy"
    if n == 240:
        name = "mq_open"
    if n == 241:
        name = "mq_unlink"
    if n == 242:
        name = "mq_timedsend"
    if n == 243:
        name = "mq_timedreceive"
    if n == 244:
        name = "mq_notify"
    if n == 245:
        name = "mq_getsetattr"
    if n == 246:
        name = "kexec_load"
    if n == 247:
        name = "waitid"
    if n == 248:
        name = "add_key"
    if n == 249:
        name = "request_key"
    if n == 250:
        name = "keyctl"
    if n == 251:
        name = "ioprio_set"
    if n == 252:
        name = "ioprio_get"
    if n == 253:
        name = "inotify_init"
    if n == 254:
        name = "inotify_add_watch"
    if n == 255:
        name = "inotify_rm_watch"
    if n == 256:
        name = "migrate_pages"
    if n == 257:
        name = "openat"
    if n == 258:
        name = "mkdirat"
    if n == 259:
        name = "mknodat"
    if n == 260:
        name = "fchownat"
    if n == 261:
        name = "futimesat"
    if n == 262:
        name = "newfstatat"
    if n == 263:
        name = "unlinkat"
    if n == 264:
        name = "renameat"
    if n == 265:
        name = "linkat"
    if n == 266:
        name = "symlinkat"
    if n == 267:
        name = "readlinkat"
    if n == 268:
        name = "fchmodat"
    if n == 269:
        name = "faccessat"
    if n == 270:
        name = "pselect6"
    if n == 271:
        name = "ppoll"
    if n == 272:
        name = "unshare"
    if n == 273:
        name = "set_robust_list"
    if n == 274:
        name = "get_robust_list"
    if n == 275:
        name = "splice"
    if n == 276:
        name = "tee"
    if n == 277:
        name = "sync_file_range"
    if n == 278:
        name = "vmsplice"
    if n == 279:
        name = "move_pages"
    if n == 280:
        name = "utimensat"
    if n == 281:
        name = "epoll_pwait"
    if n == 282:
        name = "signalfd"
    if n == 283:
        name = "timerfd_create"
    if n == 284:
        name = "eventfd"
    if n == 285:
        name = "fallocate"
    if n == 286:
        name = "timerfd_settime"
    if n == 287:
        name = "timerfd_gettime"
    if n == 288:
        name = "accept4"
    if n == 289:
        name = "signalfd4"
    if n == 290:
        name = "eventfd2"
    if n == 291:
        name = "epoll_create1"
    if n == 292:
        name = "dup3"
    if n == 293:
        name = "pipe2"
    if n == 294:
        name = "inotify_init1"
    if n == 295:
        name = "preadv"
    if n == 296:
        name = "pwritev"
    if n == 297:
        name = "rt_tgsigqueueinfo"
    if n == 298:
        name = "perf_event_open"
    if n == 299:
        name = "recvmmsg"
    if n == 300:
        name = "fanotify_init"
    if n == 301:
        name = "fanotify_mark"
    if n == 302:
        name = "prlimit64"
    if n == 303:
        name = "name_to_handle_at"
    if n == 304:
        name = "open_by_handle_at"
    if n == 305:
        name = "clock_adjtime"
    if n == 306:
        name = "syncfs"
    if n == 307:
        name = "sendmmsg"
    if n == 308:
        name = "setns"
    if n == 309:
        name = "getcpu"
    if n == 310:
        name = "process_vm_readv"
    if n == 311:
        name = "process_vm_writev"
    if n == 312:
        name = "kcmp"
    if n == 313:
        name = "finit_module"
    if n == 314:
        name = "sched_setattr"
    if n == 315:
        name = "sched_getattr"
    if n == 316:
        name = "renameat2"
    if n == 317:
        name = "seccomp"
    if n == 318:
        name = "getrandom"
    if n == 319:
        name = "memfd_create"
    if n == 320:
        name = "kexec_file_load"
    if n == 321:
        name = "bpf"
    if n == 322:
        name = "execveat"
    if n == 323:
        name = "userfaultfd"
    if n == 324:
        name = "membarrier"
    if n == 325:
        name = "mlock2"
    if n == 326:
        name = "copy_file_range"
    if n == 327:
        name = "preadv2"
    if n == 328:
        name = "pwritev2"
    if n == 329:
        name = "pkey_mprotect"
    if n == 330:
        name = "pkey_alloc"
    if n == 331:
        name = "pkey_free"
    if n == 332:
        name = "statx"
    if n == 333:
        name = "io_pgetevents"
    if n == 334:
        name = "rseq"
    if n == 335:
        name = "uretprobe"
    if n == 424:
        name = "pidfd_send_signal"
    if n == 425:
        name = "io_uring_setup"
    if n == 426:
        name = "io_uring_enter"
    if n == 427:
        name = "io_uring_register"
    if n == 428:
        name = "open_tree"
    if n == 429:
        name = "move_mount"
    if n == 430:
        name = "fsopen"
    if n == 431:
        name = "fsconfig"
    if n == 432:
        name = "fsmount"
    if n == 433:
        name = "fspick"
    if n == 434:
        name = "pidfd_open"
    if n == 435:
        name = "clone3"
    if n == 436:
        name = "close_range"
    if n == 437:
        name = "openat2"
    if n == 438:
        name = "pidfd_getfd"
    if n == 439:
        name = "faccessat2"
    if n == 440:
        name = "process_madvise"
    if n == 441:
        name = "epoll_pwait2"
    if n == 442:
        name = "mount_setattr"
    if n == 443:
        name = "quotactl_fd"
    if n == 444:
        name = "landlock_create_ruleset"
    if n == 445:
        name = "landlock_add_rule"
    if n == 446:
        name = "landlock_restrict_self"
    if n == 447:
        name = "memfd_secret"
    if n == 448:
        name = "process_mrelease"
    if n == 449:
        name = "futex_waitv"
    if n == 450:
        name = "set_mempolicy_home_node"
    if n == 451:
        name = "cachestat"
    if n == 452:
        name = "fchmodat2"
    if n == 453:
        name = "map_shadow_stack"
    if n == 454:
        name = "futex_wake"
    if n == 455:
        name = "futex_wait"
    if n == 456:
        name = "futex_requeue"
    if n == 457:
        name = "statmount"
    if n == 458:
        name = "listmount"
    if n == 459:
        name = "lsm_get_self_attr"
    if n == 460:
        name = "lsm_set_self_attr"
    if n == 461:
        name = "lsm_list_modules"
    if n == 462:
        name = "mseal"
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
