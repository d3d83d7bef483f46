#!/usr/bin/env python3
"""The QEMU tier: boot Debian's kernel with the companion module, run BPF tests in it.

    python3 tests/qemu/run.py [-v]

Builds (under build/qemu/): the kfunc module (kfuncs/) against the guest
kernel's headers, the test BPF objects (tests/qemu/progs), the static runner
(tests/qemu/runner.c), pybpf-compiled objects (compiled HERE, against the host
kernel's BTF: CO-RE), an initramfs with busybox; boots the kernel with QEMU
and turns the guest's `PASS name` / `FAIL name: why` lines into results.
Needs `sh scripts/deps-qemu.sh` and `make pybpf build/pybpf-static` first
(`make test-qemu` does all of it). Last line: `qemu: N passed, M failed`.

Environment: PYBPF_QEMU_KVER (guest kernel version, default: the one
linux-image-amd64 depends on), PYBPF_QEMU_ACCEL (tcg or kvm; default kvm when /dev/kvm
is usable and the CPU has vmx/svm, else tcg),
PYBPF_QEMU_TIMEOUT (seconds for the boot, default 120).

As a tier of tests/run.py:  import tests/qemu/run.py and call tier(report).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "qemu")
OUT = os.path.join(ROOT, "build", "qemu")
CLANG = os.environ.get("CLANG", "clang-19")
HOSTNAME = "pybpf-guest"
DONE = "QEMU-TIER-DONE"
VERBOSE = "-v" in sys.argv
timings = {}


class BuildError(Exception):
    pass


def sh(cmd, cwd=ROOT, **kw):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, shell=isinstance(cmd, str), **kw)
    if p.returncode != 0:
        raise BuildError(f"{' '.join(cmd) if isinstance(cmd, list) else cmd}: exit {p.returncode}\n"
                         f"{p.stdout[-3000:]}{p.stderr[-3000:]}")
    return p.stdout


def newer(target, *sources):
    """True when target is missing or older than any source."""
    if not os.path.exists(target):
        return True
    t = os.path.getmtime(target)
    return any(os.path.getmtime(s) > t for s in sources)


def timed(name):
    def deco(fn):
        def wrap(*a, **kw):
            t0 = time.monotonic()
            try:
                return fn(*a, **kw)
            finally:
                timings[name] = timings.get(name, 0) + time.monotonic() - t0
        return wrap
    return deco


# ---- the guest kernel ---------------------------------------------------------

def guest_kver():
    k = os.environ.get("PYBPF_QEMU_KVER")
    if k:
        return k
    try:
        dep = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", "linux-image-amd64"],
                             capture_output=True, text=True).stdout
        m = re.match(r"linux-image-(\S+?)[\s,(]", dep + " ")
        if m and os.path.exists(f"/boot/vmlinuz-{m.group(1)}"):
            return m.group(1)
    except OSError:
        pass
    ks = sorted(os.path.basename(p)[len("vmlinuz-"):] for p in glob.glob("/boot/vmlinuz-*"))
    if not ks:
        raise BuildError("no /boot/vmlinuz-*: run sh scripts/deps-qemu.sh")
    return ks[-1]


def linux_source():
    """build/qemu/src: tools/ and scripts/ of the matching linux-source .deb."""
    src = os.path.join(OUT, "src")
    if os.path.exists(os.path.join(src, ".done")):
        return src
    debs = glob.glob(os.path.join(OUT, "linux-source-*.deb"))
    if not debs:
        raise BuildError("no build/qemu/linux-source-*.deb: run sh scripts/deps-qemu.sh")
    os.makedirs(src, exist_ok=True)
    sh(f"dpkg-deb --fsys-tarfile '{debs[0]}' | tar -xO --wildcards './usr/src/linux-source-*.tar.xz'"
       f" | tar -xJ -C '{src}' --strip-components=1 --wildcards"
       " 'linux-source-*/tools' 'linux-source-*/scripts'", cwd=OUT)
    open(os.path.join(src, ".done"), "w").close()
    return src


def extract_vmlinux(vmlinuz, out):
    """scripts/extract-vmlinux in Python: find a compressed payload in the
    bzImage, decompress it, keep it if it is an ELF. Debian's 6.12 is zstd."""
    data = open(vmlinuz, "rb").read()
    for magic, tool in ((b"\x28\xb5\x2f\xfd", "zstd"), (b"\xfd7zXZ\x00", "xz"),
                        (b"\x1f\x8b\x08", "gzip")):
        pos = data.find(magic)
        while pos >= 0 and shutil.which(tool):
            p = subprocess.run([tool, "-dcq"], input=data[pos:], capture_output=True)
            if p.stdout[:4] == b"\x7fELF":
                with open(out + ".tmp", "wb") as f:
                    f.write(p.stdout)
                os.rename(out + ".tmp", out)
                return True
            pos = data.find(magic, pos + 1)
    return False


@timed("vmlinux")
def guest_vmlinux(kver):
    """The uncompressed kernel: QEMU boots it through its PVH note (faster than bzImage)."""
    out = os.path.join(OUT, f"vmlinux-{kver}")
    vmlinuz = f"/boot/vmlinuz-{kver}"
    if newer(out, vmlinuz) and not extract_vmlinux(vmlinuz, out):
        src = linux_source()
        sh(f"sh '{src}/scripts/extract-vmlinux' '{vmlinuz}' > '{out}.tmp' && mv '{out}.tmp' '{out}'")
    return out


@timed("module")
def build_module(kver, vmlinux):
    """kfuncs/pybpf_kfuncs.ko with BTF and resolved BTF ids, in build/qemu/kmod."""
    kdir = f"/usr/src/linux-headers-{kver}"
    if not os.path.isdir(kdir):
        raise BuildError(f"no {kdir}: run sh scripts/deps-qemu.sh")
    # Debian's 6.12 headers have vmlinux (BTF) and resolve_btfids; 6.1's have
    # neither: then a private objtree gets both (kfuncs/README.md).
    if not (os.path.exists(f"{kdir}/vmlinux") and
            os.access(f"{kdir}/tools/bpf/resolve_btfids/resolve_btfids", os.X_OK)):
        kdir = private_objtree(kver, kdir, vmlinux)
    kmod = os.path.join(OUT, "kmod")
    os.makedirs(kmod, exist_ok=True)
    srcs = [os.path.join(ROOT, "kfuncs", f) for f in ("pybpf_kfuncs.c", "pybpf_kfuncs.h", "Kbuild")]
    ko = os.path.join(kmod, "pybpf_kfuncs.ko")
    if newer(ko, *srcs):
        for s in srcs:
            shutil.copy2(s, kmod)
        sh(["make", "-s", "-C", kdir, f"M={kmod}", "modules"])
    return ko, kdir


def private_objtree(kver, kdir, vmlinux):
    obj = os.path.join(OUT, f"objtree-{kver}")
    rb = os.path.join(obj, "tools/bpf/resolve_btfids/resolve_btfids")
    if os.path.exists(rb) and os.path.exists(os.path.join(obj, "vmlinux")):
        return obj
    os.makedirs(obj, exist_ok=True)
    for f in (".config", "Makefile", "Module.symvers"):
        shutil.copy2(os.path.join(kdir, f), obj)
    for d in ("arch", "include"):
        if not os.path.exists(os.path.join(obj, d)):
            shutil.copytree(os.path.join(kdir, d), os.path.join(obj, d), symlinks=True)
    if not os.path.exists(os.path.join(obj, "scripts")):
        os.symlink(os.path.realpath(os.path.join(kdir, "scripts")), os.path.join(obj, "scripts"))
    os.makedirs(os.path.join(obj, "tools"), exist_ok=True)
    if not os.path.exists(os.path.join(obj, "tools/objtool")):
        os.symlink(os.path.realpath(os.path.join(kdir, "tools/objtool")), os.path.join(obj, "tools/objtool"))
    shutil.copy2(vmlinux, os.path.join(obj, "vmlinux"))
    src = linux_source()
    sh(["make", "-s", "-C", os.path.join(src, "tools/bpf/resolve_btfids"),
        f"OUTPUT={os.path.join(obj, 'tools/bpf/resolve_btfids')}/"])
    return obj


def check_module_btf(ko, kdir):
    """The FUNCs the kfunc sets name must be in the module's (split) BTF."""
    dump = sh(["bpftool", "-B", os.path.join(kdir, "vmlinux"), "btf", "dump", "file", ko])
    want = ["pybpf_printk", "pybpf_printk_buf", "pybpf_time_ns", "pybpf_uname_release",
            "pybpf_uname_nodename", "pybpf_file_open", "pybpf_file_read", "pybpf_file_close"]
    missing = [f for f in want if f"FUNC '{f}'" not in dump]
    # .BTF_ids: the set's ids must be resolved (not all zero)
    ids = sh(["readelf", "-x", ".BTF_ids", ko])
    words = re.findall(r"0x[0-9a-f]+ ((?:[0-9a-f]{8} ?){1,4})", ids)
    nonzero = any(w != "00000000" for line in words for w in line.split()[2:])
    return missing, nonzero


# ---- BPF objects, the runner, pybpf ----------------------------------------------

@timed("bpf objects")
def build_progs():
    objs = []
    inc = ["-I", os.path.join(ROOT, "kfuncs"), "-I", HERE + "/progs", "-I/usr/include/x86_64-linux-gnu"]
    for src in sorted(glob.glob(os.path.join(HERE, "progs", "*.bpf.c"))):
        o = os.path.join(OUT, "initramfs", "t", os.path.basename(src)[:-2] + ".o")
        deps = [src, os.path.join(HERE, "progs", "common.h"), os.path.join(ROOT, "kfuncs", "pybpf_kfuncs.h")]
        if newer(o, *deps):
            sh([CLANG, "-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86", "-Wall"] + inc +
               ["-c", src, "-o", o])
        objs.append(o)
    # pybpf-compiled objects, against the HOST's BTF: the guest relocates them (CO-RE)
    pybpf = os.path.join(ROOT, "pybpf")
    for py, name in ((os.path.join(ROOT, "examples", "hello.py"), "hello.bpf.o"),
                     (os.path.join(HERE, "pyprobes", "core_pid.py"), "core_pid.bpf.o"),
                     (os.path.join(HERE, "pyprobes", "exe_file.py"), "exe_file.bpf.o"),
                     (os.path.join(HERE, "pyprobes", "percpu.py"), "percpu.bpf.o"),
                     (os.path.join(HERE, "pyprobes", "d_path.py"), "d_path.bpf.o"),
                     (os.path.join(HERE, "pyprobes", "file_xattr.py"), "file_xattr.bpf.o"),
                     (os.path.join(HERE, "pyprobes", "inode_storage.py"), "inode_storage.bpf.o"),
                     (os.path.join(HERE, "pyprobes", "bprm_opts.py"), "bprm_opts.bpf.o"),
                     (os.path.join(ROOT, "examples", "hello_kernel.py"), "hello_kernel.bpf.o")):
        o = os.path.join(OUT, "initramfs", "t", name)
        if newer(o, py, pybpf):
            sh([pybpf, "compile", py, "-o", o])
        objs.append(o)
    return objs


@timed("runner")
def build_runner():
    out = os.path.join(OUT, "initramfs", "t", "runner")
    src = os.path.join(HERE, "runner.c")
    if newer(out, src):
        sh(["cc", "-O2", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter", "-static", "-o", out, src,
            "-l:libbpf.a", "-lelf", "-lz"])
    return out


@timed("initramfs")
def build_initramfs(ko):
    root = os.path.join(OUT, "initramfs")
    for d in ("bin", "dev", "proc", "sys", "etc", "tmp", "t", "examples"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    busybox = shutil.which("busybox") or "/bin/busybox"
    shutil.copy2(busybox, os.path.join(root, "bin", "busybox"))
    shutil.copy2(os.path.join(HERE, "init.sh"), os.path.join(root, "init"))
    os.chmod(os.path.join(root, "init"), 0o755)
    shutil.copy2(ko, os.path.join(root, "t", "pybpf_kfuncs.ko"))
    static = os.path.join(ROOT, "build", "pybpf-static")
    if not os.path.exists(static):
        raise BuildError("no build/pybpf-static: make build/pybpf-static")
    shutil.copy2(static, os.path.join(root, "bin", "pybpf"))
    shutil.copy2(os.path.join(ROOT, "examples", "hello.py"), os.path.join(root, "examples", "hello.py"))
    with open(os.path.join(root, "etc", "hostname"), "w") as f:
        f.write(HOSTNAME + "\n")
    cpio = os.path.join(OUT, "initramfs.cpio")
    sh(f"find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 > '{cpio}.tmp' && mv '{cpio}.tmp' '{cpio}'",
       cwd=root)
    return cpio


# ---- boot ------------------------------------------------------------------------

def default_accel():
    """kvm when /dev/kvm is usable AND the CPU has vmx/svm (a nested PVM /dev/kvm,
    as on the machine this was written on, only runs specially built guests)."""
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return "tcg"
    if os.access("/dev/kvm", os.R_OK | os.W_OK) and re.search(r"\b(vmx|svm)\b", flags):
        return "kvm"
    return "tcg"


@timed("boot")
def boot(vmlinux, cpio, log, append="", tcg=""):
    accel = os.environ.get("PYBPF_QEMU_ACCEL") or default_accel()
    timeout = int(os.environ.get("PYBPF_QEMU_TIMEOUT", "120"))
    # mitigations=off: the guest is a throwaway, and TCG pays for every barrier
    cmd = ["timeout", "--kill-after=5", str(timeout), "qemu-system-x86_64",
           "-kernel", vmlinux, "-initrd", cpio,
           "-append", "console=ttyS0 panic=-1 quiet loglevel=4 rdinit=/init mitigations=off" + append,
           "-nographic", "-no-reboot", "-nic", "none", "-accel", accel + (tcg if accel == "tcg" else ""),
           "-m", "1G", "-smp", "2"]
    if accel == "kvm":
        cmd += ["-cpu", "host"]
    with open(log, "wb") as f:
        p = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    raw = open(log, "rb").read().decode("utf-8", "replace")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1bc|\r", "", raw)
    return p.returncode, text


def parse(text):
    """[(name, ok, why)] from the guest's PASS/FAIL lines."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^(PASS|FAIL) (\S+?)(?::\s*(.*))?$", line.strip())
        if m:
            out.append(("qemu/" + m.group(2), m.group(1) == "PASS", m.group(3) or ""))
    return out


def tier(report, wanted=lambda name: True):
    """Run the tier; report(name, ok, detail) once per result, like tests/run.py."""
    t0 = time.monotonic()
    os.makedirs(os.path.join(OUT, "initramfs", "t"), exist_ok=True)
    try:
        kver = guest_kver()
        vmlinux = guest_vmlinux(kver)
        ko, kdir = build_module(kver, vmlinux)
        missing, resolved = check_module_btf(ko, kdir)
        report("qemu/module_btf", not missing and resolved,
               f"FUNCs missing from the module's BTF: {missing}; .BTF_ids resolved: {resolved}")
        build_progs()
        build_runner()
        cpio = build_initramfs(ko)
    except (BuildError, OSError) as e:
        report("qemu/build", False, str(e))
        return
    log = os.path.join(OUT, "serial.log")
    rc, text = boot(vmlinux, cpio, log)
    results = parse(text)
    for name, ok, why in results:
        if wanted(name):
            report(name, ok, why)
    done = DONE in text
    report("qemu/boot", done and rc == 0,
           f"guest {'finished' if done else 'did not finish'} (qemu/timeout exit {rc}); "
           f"serial log {log}:\n" + "\n".join(text.splitlines()[-30:]))
    timings["tier"] = time.monotonic() - t0
    if VERBOSE:
        print(f"qemu: kernel {kver}; " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))


def main(run=None, label="qemu"):
    """Run a tier alone (this one, or tests/qemu/sched.py's): PASS lines with -v,
    FAIL lines always, then `LABEL: N passed, M failed`."""
    counts = {True: 0, False: 0}

    def report(name, ok, detail=""):
        counts[bool(ok)] += 1
        if ok:
            if VERBOSE:
                print(f"PASS {name}")
        else:
            print(f"FAIL {name}: {detail}")

    (run or tier)(report)
    print(f"{label}: {counts[True]} passed, {counts[False]} failed")
    sys.exit(1 if counts[False] else 0)


if __name__ == "__main__":
    main()
