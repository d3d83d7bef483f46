"""Runtime tests of USDT probes (@usdt, issue 14): Debian's python3.11 and a
test binary built with <sys/sdt.h>. Imported from tests/runtime.py, whose
TESTS list they join."""
import os
import subprocess
import tempfile

from runtime import ROOT, Loader, assert_nothing_left, check, test

PYTHON = "/usr/bin/python3.11"   # Debian's, with the stapsdt notes (not a pyenv one on $PATH)

# Blocks on stdin until the probe is attached, then calls target() 7 times.
SCRIPT = '''import sys
sys.stdin.readline()
def target(i):
    return i * 2
for i in range(7):
    target(i)
'''


def _started(argv):
    """A process of ours that waits for a line on stdin before its work."""
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _run_released(proc):
    proc.stdin.write("go\n")
    proc.stdin.flush()
    out, _ = proc.communicate(timeout=30)
    return out


@test
def usdt_pyflow_counts_python_calls():
    """examples/tools/pyflow.py -D PID=<a python3.11 of ours>: exactly the 7
    calls of target() and the one of <module>, with the script's file name
    and the function names read by user_str from the USDT arguments."""
    d = tempfile.mkdtemp(prefix="pybpf-usdt-")
    script = os.path.join(d, "work.py")
    with open(script, "w") as f:
        f.write(SCRIPT)
    with open(os.path.join(ROOT, "examples/tools/pyflow.py")) as f:
        src = f.read()
    py = _started([PYTHON, script])
    try:
        with Loader(src, ["-D", f"PID={py.pid}"]) as ld:
            _run_released(py)
            out, err = ld.finish()
    finally:
        if py.poll() is None:
            py.kill()
            py.wait()
    mine = [ln for ln in out.splitlines() if script in ln]
    check("\n".join(mine) + "\n", f"calls[{script}, <module>]: 1\ncalls[{script}, target]: 7\n")
    assert_nothing_left(["py_return"], ["calls"])


SDT_C = r'''#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <stdio.h>
unsigned short pybt_tick_semaphore __attribute__((section(".probes")));
int main(void)
{
	const char *word = "pybpf-usdt";
	long big = 5000000000;
	int fired = 0;
	getchar();
	if (word[0] != 'p')   /* the string's page is in memory: a BPF read cannot fault it in */
		return 1;
	for (int i = 0; i < 5; i++) {
		if (pybt_tick_semaphore) {   /* only while a tracer is attached */
			STAP_PROBE3(pybt, tick, i - 2, word, big);
			fired++;
		}
		big += 10;
	}
	printf("fired %d\n", fired);
	return 0;
}
'''


def _sdt_binary():
    d = tempfile.mkdtemp(prefix="pybpf-sdt-")
    with open(os.path.join(d, "t.c"), "w") as f:
        f.write(SDT_C)
    exe = os.path.join(d, "sdt")
    # -O0: i - 2 in a register, word and big in memory (-4@%eax 8@-24(%rbp) -8@-8(%rbp))
    subprocess.run(["cc", "-O0", "-o", exe, os.path.join(d, "t.c")], check=True)
    notes = subprocess.run(["readelf", "-nW", exe], capture_output=True, text=True, check=True).stdout
    assert "Arguments: -4@%eax 8@-24(%rbp) -8@-8(%rbp)" in notes, notes
    return exe


@test
def usdt_sdt_binary_args_and_semaphore():
    """A <sys/sdt.h> binary whose probe is guarded by its semaphore: alone it
    fires 0 times; under @usdt(pid=...) 5 times, with a register int
    (i - 2, signed), a pointer (user_str) and a signed long memory operand,
    each exact."""
    exe = _sdt_binary()
    alone = _started([exe])
    check(_run_released(alone), "fired 0\n", "the binary alone")
    src = f'''from pybpf import *
PID: Final[int] = 0

@usdt("{exe}:pybt:tick", pid=PID)
def t_usdt_tick(delta, word: ptr, big) -> None:
    print(f"tick {{delta}} {{user_str(word, 16)}} {{big}}")
'''
    proc = _started([exe])
    try:
        with Loader(src, ["-D", f"PID={proc.pid}"]) as ld:
            check(_run_released(proc), "fired 5\n", "the binary under the probe")
            out, err = ld.finish()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    check(err, "Attached 1 probe. Ctrl-C to end.\n", "stderr")
    check(out, "".join(f"tick {i - 2} pybpf-usdt {5000000000 + 10 * i}\n" for i in range(5)))
    assert_nothing_left(["t_usdt_tick"])


@test
def usdt_pin_refused_in_python_terms():
    """--pin with a @usdt probe: refused before anything loads, at the
    decorator, with the reason; nothing pinned."""
    from runtime import PYBPF
    d = tempfile.mkdtemp(prefix="pybpf-usdt-")
    path = os.path.join(d, "probe.py")
    with open(path, "w") as f:
        f.write('from pybpf import *\n\n@usdt("/usr/bin/python3.11:python:gc__start")\ndef t_usdt_gc(gen) -> None:\n'
                '    print(f"{gen}")\n')
    r = subprocess.run([PYBPF, "load", path, "--pin", "pybpf_test_usdt_pin"], capture_output=True, text=True, timeout=60)
    check(r.stderr, f"{path}:3:7: error: a @usdt probe cannot be pinned yet (its attachment is one uprobe per site of the "
          "note, which the kernel cannot pin as one link); run it with pybpf load, without --pin\n"
          '    @usdt("/usr/bin/python3.11:python:gc__start")\n'
          "          ^" + "~" * 37 + "\n", "stderr")
    assert r.returncode == 1
    assert not os.path.exists("/sys/fs/bpf/pybpf/pybpf_test_usdt_pin")
    assert_nothing_left(["t_usdt_gc"])
