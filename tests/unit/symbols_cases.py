#!/usr/bin/env python3
"""Cases for loader/symbols.c (kstack / ustack symbolization), driving
build/symbols-test (tests/unit/symbols_test.c) over a pipe.

kernel: known /proc/kallsyms symbols at +0 and +5, module symbols, and random
        text addresses, against a model of the lookup computed here.
user:   a small C program (gcc -O1 -g; PIE, non-PIE, stripped with -rdynamic,
        and run from a deleted file) prints its pid and function addresses;
        sym_user must name them with the offsets from `nm -S`. libc's getpid
        (via dlsym) must resolve to a name `nm -D` gives for that address; a
        library dlopen'ed after the first lookup, and a vDSO function, too.
        An exited pid gives NULL, unless sym_prefetch saw it alive. C++ names
        come out demangled.
Prints "symbols: N passed, M failed"; exit status 1 on failure.
"""
import bisect
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DRIVER = os.path.join(ROOT, "build", "symbols-test")

passed = 0
failed = 0


def check(what, got, want):
    """want: a string, None, or a set of acceptable strings."""
    global passed, failed
    ok = got in want if isinstance(want, (set, frozenset)) else got == want
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}: got {got!r}, want {want!r}")


class Driver:
    def __init__(self):
        self.p = subprocess.Popen([DRIVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)

    def ask(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        r = self.p.stdout.readline().rstrip("\n")
        return None if r == "NULL" else r

    def kernel(self, addr):
        return self.ask(f"k {addr:x}")

    def user(self, pid, addr):
        return self.ask(f"u {pid} {addr:x}")

    def prefetch(self, pid):
        return self.ask(f"p {pid}")

    def close(self):
        self.p.stdin.close()
        self.p.wait()


# ---- kernel ----------------------------------------------------------------

def kallsyms_model():
    syms = []
    for seq, line in enumerate(open("/proc/kallsyms")):
        parts = line.split()
        if len(parts) < 3:
            continue
        addr, typ, name = int(parts[0], 16), parts[1], parts[2]
        if typ in "tTwW":
            syms.append((addr, typ, name, seq))
    text = [s[0] for s in syms if s[1] in "tT"]
    if not text or not any(text):
        return None
    lo, hi = min(text), max(text)
    syms = [s for s in syms if s[1] in "tT" or lo <= s[0] <= hi]

    def rank(name, typ):   # ksym_rank in loader/symbols.c
        if name.startswith(("__pfx_", "__cfi_")):
            return 3
        if name.startswith("__ia32_") or (name.startswith("_") and
                                          name.endswith(("_start", "_end", "_text"))):
            return 2
        return 1 if typ in "tw" else 0

    syms.sort(key=lambda s: (s[0], rank(s[2], s[1]), s[3]))
    out = []
    for s in syms:
        if out and out[-1][0] == s[0]:
            continue
        out.append((s[0], s[2]))
    return out


def kernel_cases(d):
    model = kallsyms_model()
    if model is None:
        print("skip kernel cases: /proc/kallsyms shows no addresses (not root?)")
        return
    addrs = [a for a, _ in model]

    def expect(addr):
        i = bisect.bisect_right(addrs, addr)
        if i == 0:
            return None
        return f"{model[i - 1][1]}+{addr - model[i - 1][0]}"

    byname = {}
    for line in open("/proc/kallsyms"):
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "tT":
            byname.setdefault(parts[2], int(parts[0], 16))
    for name in ("do_sys_openat2", "schedule", "__x64_sys_getppid", "vfs_read", "ksys_read",
                 "__x64_sys_exit_group", "srso_alias_untrain_ret"):
        if name not in byname:
            print(f"note: {name} not in kallsyms")
            continue
        a = byname[name]
        check(f"kernel {name}+0", d.kernel(a), f"{name}+0")
        i = addrs.index(a)
        if i + 1 < len(addrs) and addrs[i + 1] > a + 5:
            check(f"kernel {name}+5", d.kernel(a + 5), f"{name}+5")
    # a module (or [bpf], [__builtin__ftrace]) symbol, if any
    for line in open("/proc/kallsyms"):
        parts = line.split()
        if len(parts) >= 4 and parts[1] in "tT" and parts[3].startswith("["):
            a = int(parts[0], 16)
            check(f"kernel module symbol {parts[2]} {parts[3]}", d.kernel(a), expect(a))
            break
    check("kernel below every symbol", d.kernel(0x1000), None)
    rng = random.Random(1)
    lo, hi = addrs[0], addrs[-1]
    for _ in range(300):
        a = rng.randrange(lo - 64, hi + 4096)
        check(f"kernel random {a:#x}", d.kernel(a), expect(a))
    for a, n in rng.sample(model, 100):
        check(f"kernel {n}+0", d.kernel(a), expect(a))


# ---- user ------------------------------------------------------------------

PROG = r"""
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

volatile int sink;
__attribute__((noinline)) int f_alpha(int x) { for (int i = 0; i < x; i++) sink += i * 3; return sink; }
__attribute__((noinline)) int f_beta(int x) { for (int i = 0; i < x; i++) sink ^= i * 7 + x; return sink + 1; }
__attribute__((noinline, used)) static int f_static(int x) { for (int i = 0; i < x; i++) sink -= i * 5; return sink - 2; }

int main(void)
{
	printf("%d %p %p %p %p\n", getpid(), (void *)f_alpha, (void *)f_beta, (void *)f_static,
	       dlsym(RTLD_DEFAULT, "getpid"));
	fflush(stdout);
	char buf[64];
	while (fgets(buf, sizeof buf, stdin)) {
		if (!strncmp(buf, "dlopen", 6)) {
			void *h = dlopen("libz.so.1", RTLD_NOW);
			printf("%p\n", h ? dlsym(h, "zlibVersion") : NULL);
			fflush(stdout);
		}
	}
	return f_alpha(1) + f_beta(2) + f_static(3);
}
"""


def nm(path, dynamic=False):
    """{name: (value, size)} and {value: set(names)} of sized function symbols."""
    args = ["nm", "-S", "--defined-only"] + (["-D"] if dynamic else []) + [path]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    byname, byaddr = {}, {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 4 or parts[2] not in "tTwWiI":
            continue
        v, size, name = int(parts[0], 16), int(parts[1], 16), parts[3].split("@")[0]
        byname.setdefault(name, (v, size))
        byaddr.setdefault(v, set()).add(name)
    return byname, byaddr


class Target:
    def __init__(self, exe):
        self.p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        f = self.p.stdout.readline().split()
        self.pid = int(f[0])
        self.addr = {"f_alpha": int(f[1], 16), "f_beta": int(f[2], 16),
                     "f_static": int(f[3], 16), "getpid": int(f[4], 16)}

    def say(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def stop(self):
        self.p.stdin.close()
        self.p.wait()

    def mapping_path(self, addr):
        for line in open(f"/proc/{self.pid}/maps"):
            parts = line.split(maxsplit=5)
            s, e = (int(x, 16) for x in parts[0].split("-"))
            if s <= addr < e:
                return parts[5].strip() if len(parts) > 5 else None
        return None


def check_funcs(d, t, syms, label, funcs=("f_alpha", "f_beta", "f_static")):
    for name in funcs:
        if name not in syms:
            check(f"{label}: nm knows {name}", False, True)
            continue
        size = syms[name][1]
        for k in sorted({0, 1, 5, size - 1}):
            if 0 <= k < size:
                check(f"{label}: {name}+{k}", d.user(t.pid, t.addr[name] + k), f"{name}+{k}")


def libc_cases(d, t):
    path = t.mapping_path(t.addr["getpid"])
    byname, byaddr = nm(path, dynamic=True)
    v, size = byname["getpid"]
    names = byaddr[v]
    check("libc getpid+0", d.user(t.pid, t.addr["getpid"]), {n + "+0" for n in names})
    if size > 3:
        check("libc getpid+3", d.user(t.pid, t.addr["getpid"] + 3), {n + "+3" for n in names})


def vdso_case(d, t):
    for line in open(f"/proc/{t.pid}/maps"):
        if line.rstrip().endswith("[vdso]"):
            s, e = (int(x, 16) for x in line.split()[0].split("-"))
            break
    else:
        return
    with open(f"/proc/{t.pid}/mem", "rb") as m:
        m.seek(s)
        image = m.read(e - s)
    with tempfile.NamedTemporaryFile(suffix=".so") as f:
        f.write(image)
        f.flush()
        byname, byaddr = nm(f.name, dynamic=True)
    for fn in ("__vdso_clock_gettime", "__vdso_gettimeofday"):
        if fn in byname:
            v, size = byname[fn]
            check(f"vdso {fn}+2", d.user(t.pid, s + v + 2), {n + "+2" for n in byaddr[v]})


def user_cases(d, tmp):
    src = os.path.join(tmp, "prog.c")
    open(src, "w").write(PROG)
    builds = {
        "pie": ["-O1", "-g"],
        "nopie": ["-O1", "-g", "-no-pie"],
        "stripped": ["-O1", "-g", "-rdynamic"],
    }
    exes = {}
    for label, flags in builds.items():
        exe = os.path.join(tmp, "prog-" + label)
        subprocess.run(["gcc"] + flags + ["-o", exe, src], check=True)
        exes[label] = exe
    # symbols come from the unstripped binaries
    syms = {label: nm(exe)[0] for label, exe in exes.items()}
    subprocess.run(["strip", "--strip-all", exes["stripped"]], check=True)

    # PIE (Debian's default) and non-PIE executables, libc, vDSO, dlopen
    for label in ("pie", "nopie"):
        t = Target(exes[label])
        try:
            check_funcs(d, t, syms[label], label)
            if label == "pie":
                libc_cases(d, t)
                vdso_case(d, t)
                check("pie: main's stack is not a function", d.user(t.pid, 0x10), None)
                time.sleep(0.15)   # maps are re-read at most every 100 ms
                z = int(t.say("dlopen"), 16)
                zb, za = nm(t.mapping_path(z), dynamic=True)
                v = zb["zlibVersion"][0]
                check("dlopen'ed libz zlibVersion+0", d.user(t.pid, z), {n + "+0" for n in za[v]})
        finally:
            t.stop()

    # stripped, -rdynamic: exported functions from .dynsym, the static one unknown
    t = Target(exes["stripped"])
    try:
        check_funcs(d, t, syms["stripped"], "stripped", ("f_alpha", "f_beta"))
        check("stripped: static function unknown", d.user(t.pid, t.addr["f_static"]), None)
    finally:
        t.stop()

    # deleted executable: found through /proc/PID/map_files
    gone = os.path.join(tmp, "prog-deleted")
    shutil.copy(exes["pie"], gone)
    t = Target(gone)
    try:
        os.unlink(gone)
        check_funcs(d, t, syms["pie"], "deleted", ("f_alpha",))
    finally:
        t.stop()

    # exited before any lookup: NULL
    t = Target(exes["pie"])
    t.stop()
    check("exited pid", d.user(t.pid, t.addr["f_alpha"]), None)

    # prefetched while alive, looked up after exit
    t = Target(exes["pie"])
    check("prefetch", d.prefetch(t.pid), "ok")
    t.stop()
    check_funcs(d, t, syms["pie"], "prefetched then exited", ("f_alpha", "f_beta"))


CXX_PROG = r"""
#include <cstdio>
#include <unistd.h>
namespace ns { struct K { __attribute__((noinline)) static int f(int x)
	{ volatile int s = 0; for (int i = 0; i < x; i++) s += i; return s; } }; }
int main() { std::printf("%d %p\n", getpid(), (void *)&ns::K::f); std::fflush(stdout);
	std::getchar(); return ns::K::f(3); }
"""


def cxx_case(d, tmp):
    """C++ names are demangled as bpftrace prints them (needs g++ and c++filt)."""
    if not (shutil.which("g++") and shutil.which("c++filt")):
        print("skip C++ case: no g++ or c++filt")
        return
    src, exe = os.path.join(tmp, "cx.cc"), os.path.join(tmp, "cx")
    open(src, "w").write(CXX_PROG)
    subprocess.run(["g++", "-O1", "-g", "-o", exe, src], check=True)
    p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        pid, addr = p.stdout.readline().split()
        check("C++ demangled", d.user(int(pid), int(addr, 16) + 2), "ns::K::f(int)+2")
    finally:
        p.stdin.close()
        p.wait()


def main():
    if not os.path.exists(DRIVER):
        sys.exit(f"{DRIVER} missing: make build/symbols-test")
    d = Driver()
    tmp = tempfile.mkdtemp(prefix="pybpf-symbols-")
    try:
        kernel_cases(d)
        user_cases(d, tmp)
        cxx_case(d, tmp)
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"symbols: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
