# Struct records through a RingBuf, Array (list) indexing, Queue and Stack.
from pybpf import *

PID: Final[int] = 0


class Event(Struct):
    pid: u32
    comm: str[16]
    n: i64 = -1
    ok: bool = False


events: RingBuf[Event] = RingBuf(size=65536)
slots: Array[u64] = Array(8)
q: Queue[u32] = Queue(4)
st: Stack[u32] = Stack(16)


@tracepoint("syscalls/sys_enter_getppid")
def records() -> None:
    if pid() != PID:
        return
    k = slots[0]
    slots[0] += 1
    slots[-1] += 2
    slots[k - 8] += 3
    st.append(k * 10)
    e = Event(pid(), comm(), n=k)
    e.ok = k % 2 == 1
    e.n = e.n * 100
    events.output(e)
    events.output(Event(pid=k, comm="x" if k > 3 else "y"))
    if k == 5:
        st.pop()
        slots[9] += 1
    q.append(k)
