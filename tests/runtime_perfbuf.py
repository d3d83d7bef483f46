"""Runtime tests of BPF_MAP_TYPE_PERF_EVENT_ARRAY maps (pyc/check_perf.c,
loader/perfbuf.c): a PerfBuf written by bpf.perf_event_output and read by
the loader's perf_buffer, and PerfCounters read by bpf.perf_event_read and
bpf.perf_event_read_value."""
import json
import os

from runtime import Loader, assert_nothing_left, check, test

PERF_OUT = '''from pybpf import *
PID: Final[int] = 0


class Ev(Struct):
    pid: u32
    n: u64
    tag: str[8]


events: PerfBuf[Ev] = PerfBuf()
sent: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_perf_out(args) -> None:
    global sent
    if pid() == PID:
        sent += 1
        rec = Ev(pid(), sent * 10, "perf")
        r = bpf.perf_event_output(ctx(), events, BPF_F_CURRENT_CPU, rec)
        if r != 0:
            print(f"r={r}")
'''


@test
def perfbuf_output_exact_records():
    """bpf.perf_event_output(ctx(), events, BPF_F_CURRENT_CPU, rec) of a
    PerfBuf[Ev]: the test's 7 getppid() calls give exactly 7 records, each
    printed as a RingBuf record of Ev is (pid, n = 10 .. 70, tag), in order
    (the test's calls run on one thread), and the helper returned 0."""
    n = 7
    with Loader(PERF_OUT, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(n):
            os.getppid()
        out, err = ld.finish()
    want = "".join(f"Ev(pid={os.getpid()}, n={10 * (i + 1)}, tag='perf')\n" for i in range(n))
    check(out, want + f"sent: {n}\n")
    assert "lost" not in err, err
    assert_nothing_left(["p_perf_out"], ["events"])
