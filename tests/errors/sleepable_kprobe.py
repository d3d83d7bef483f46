from pybpf import kprobe, bpf, Array, u64, ptr, print
hits: Array[u64] = Array(1)
@kprobe("do_sys_openat2", sleepable=True)
def on() -> None:
    buf: bytes[8] = b"01234567"
    try:
        n = bpf.copy_from_user(buf, 1)
    except OSError:
        hits[0] += 1
    print("x")
