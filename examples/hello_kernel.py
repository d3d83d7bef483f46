"""hello_kernel.py: the original plan's first milestone, "Hello, World!" in
the kernel log, through the companion module's kfuncs (kfuncs/).

Needs pybpf_kfuncs.ko loaded (this machine's kernel cannot load modules:
pybpf's QEMU tier runs it in Debian's kernel).
"""
from pybpf import *


@begin
def hello() -> None:
    printk("Hello, World!")
    with open("/etc/hostname") as f:
        name = f.read(64)
    printk(name, level=5)
    print(f"wall clock {time.time_ns()} ns, kernel {platform.release()}, host {socket.gethostname()}")
