"""profile.py: sample stack traces on every CPU at a fixed rate and count
them, kernel and user frames symbolized.

A port of bcc's profile (bpftrace ships no profile.bt; its one-liner is
`profile:hz:49 { @[kstack, ustack, comm] = count(); }`). The samples are
counted per process, command, kernel stack and user stack, and shown at
exit (Ctrl-C, --duration) as pybpf shows stack keys, which is bpftrace's
layout, in ascending order of count:

    samples[4101, spin, 
        [stack unavailable: Bad address]
    , 
        spin_here+23
        main+40
        __libc_start_call_main+122
    ]: 48

(the kernel stack comes first; a sample taken in user space has none, which
pybpf load shows as `[stack unavailable: Bad address]` where bpftrace shows
an empty stack).
Idle CPUs (pid 0) are left out, as bcc does by default.

Run:    pybpf load examples/tools/profile.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter" / "off"):
    -D PID=1234      only this process (bcc: -p PID)
    -D TID=1234      only this thread (bcc: -L TID)
    -D IDLE=1        include the idle task (bcc: -I)
    --duration S     stop after S seconds (bcc: the duration argument)

The rate is 49 Hz as bcc's default (-F 49). It is an argument of the
@profile decorator, which -D cannot change: edit `@profile(hz=49)` below
to sample at another rate (bcc: -F FREQUENCY).

bcc's -U / -K (user or kernel stacks only) are not offered: a probe cannot
yet tell whether the sample interrupted user or kernel code.

User stacks are walked with frame pointers (as bcc and bpftrace do): code
built without them shows its first frame only.
"""
from pybpf import *

PID: Final[int] = 0
TID: Final[int] = 0
IDLE: Final[int] = 0

samples: Hash[tuple[u32, str[16], KStack, UStack], u64] = Hash(max_entries=16384)


@begin
def profile_begin() -> None:
    print("Sampling at 49 Hertz of all threads by user + kernel stack... Hit Ctrl-C to end.")


@profile(hz=49)
def profile_sample() -> None:
    if pid() == 0 and IDLE == 0:
        return
    if PID != 0 and pid() != PID:
        return
    if TID != 0 and tid() != TID:
        return
    samples[pid(), comm(), kstack(), ustack()] += 1
