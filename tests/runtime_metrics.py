"""Runtime tests of pybpf load --metrics (loader/metrics.c, metrics_expo.c,
docs/metrics.md): a real Prometheus scraping it, promtool on the
exposition of every value kind, the exact text of a small probe, and
clients that misbehave while probes run.

Every server listens on 127.0.0.1; the loader takes a free port (:0) and
prints it; Prometheus gets a free port and a temporary storage directory.
Everything the tests start is stopped by pid, even on failure."""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, free_port, test

PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"


class MetricsLoader(Loader):
    """pybpf load --metrics 127.0.0.1:0: self.port is the port it printed."""

    def __init__(self, source, args=()):
        super().__init__(source, ["--metrics", "127.0.0.1:0", *args])

    def __enter__(self):
        super().__enter__()
        m = re.search(r"metrics at http://127\.0\.0\.1:(\d+)/metrics", self.err_head)
        if not m:
            self.__exit__()
            raise AssertionError(f"no metrics address in:\n{self.err_head}")
        self.port = int(m.group(1))
        return self


def scrape(port, accept=None, path="/metrics", method="GET", timeout=5):
    """(status, content type, body) of one request."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, headers={"Accept": accept} if accept else {})
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read().decode()
    finally:
        c.close()


def samples(text, name):
    """{labels text: value} of the samples of one metric name"""
    out = {}
    for line in text.splitlines():
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$", line)
        if m and m.group(1) == name:
            out[m.group(2) or ""] = float(m.group(3))
    return out


def comm():
    with open("/proc/self/comm") as f:
        return f.read().strip()


class Prometheus:
    """Debian's prometheus on 127.0.0.1, scraping one target every second."""

    def __init__(self, target_port):
        self.dir = tempfile.mkdtemp(prefix="pybpf-prom-")
        self.port = free_port()
        self.cfg = os.path.join(self.dir, "prometheus.yml")
        with open(self.cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: pybpf\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{target_port}']\n")
        self.proc = None

    def __enter__(self):
        self.log = open(os.path.join(self.dir, "log"), "w")
        self.proc = subprocess.Popen([PROMETHEUS, f"--config.file={self.cfg}",
                                      f"--storage.tsdb.path={os.path.join(self.dir, 'data')}",
                                      f"--web.listen-address=127.0.0.1:{self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__()
        raise AssertionError(f"prometheus did not become ready in 30 s:\n{self.logtext()}")

    def logtext(self):
        with open(os.path.join(self.dir, "log")) as f:
            return f.read()[-3000:]

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.loads(r.read())["data"]

    def query(self, q):
        """[(labels, value)] of an instant query"""
        return [(r["metric"], float(r["value"][1])) for r in self.api("query", query=q)["result"]]

    def wait_for(self, q, want, secs=30):
        """poll q until its one result is want; the last result"""
        deadline, got = time.time() + secs, None
        while time.time() < deadline:
            got = self.query(q)
            if len(got) == 1 and got[0][1] == want:
                return got
            time.sleep(0.25)
        raise AssertionError(f"{q}: {got}, not {want}\n{self.logtext()}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


def prom_quantile(q, buckets):
    """Prometheus' bucketQuantile (2.42) over [(le, cumulative count)], +Inf last"""
    total = buckets[-1][1]
    rank = q * total
    b = next(i for i, (_, c) in enumerate(buckets) if c >= rank)
    if b == len(buckets) - 1:
        return buckets[-2][0]
    if b == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    start, end, count = 0.0, buckets[b][0], buckets[b][1]
    if b > 0:
        start = buckets[b - 1][0]
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    return start + (end - start) * (rank / count)


COUNTING = '''from pybpf import *
PID: Final[int] = 0

# getppid() calls, per command and process
calls: Hash[tuple[str[16], u32], Count] = Hash(labels=("comm", "pid"))
lat: Hist = Hist()
"""the values 1, 2, ... N, one per call"""
n: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_metrics(args) -> None:
    global n
    if pid() == PID:
        n += 1
        calls[comm(), pid()].add()
        lat.add(n)
'''


@test
def metrics_prometheus_query_exact():
    """A real Prometheus (Debian's 2.42, on 127.0.0.1, scraping every
    second) scrapes pybpf load --metrics: after the test's 37 getppid()
    calls, pybpf_calls_total{comm, pid} is exactly 37 through PromQL,
    histogram_quantile(0.5, pybpf_lat_bucket) equals the quantile computed
    in Python from the exported buckets (Prometheus' own interpolation),
    and the target is up with no scrape error (Prometheus asks for
    OpenMetrics first: this parses that format too)."""
    n = 37
    pid = os.getpid()
    with MetricsLoader(COUNTING, ["-D", f"PID={pid}"]) as ld, Prometheus(ld.port) as prom:
        for _ in range(n):
            os.getppid()
        q = f'pybpf_calls_total{{pid="{pid}"}}'
        got = prom.wait_for(q, n)
        assert got[0][0]["comm"] == comm(), got
        prom.wait_for("pybpf_lat_count", n)
        _, _, text = scrape(ld.port)
        buckets = sorted(((float(re.search(r'le="([^"]+)"', k).group(1)), v)
                          for k, v in samples(text, "pybpf_lat_bucket").items()))
        want = prom_quantile(0.5, buckets)
        got = prom.query("histogram_quantile(0.5, pybpf_lat_bucket)")
        assert len(got) == 1 and abs(got[0][1] - want) < 1e-9, (got, want)
        assert want == 15 + 16 * (18.5 - 15) / 16, want   # 37 values: rank 18.5 in [16, 31]
        targets = prom.api("targets")["activeTargets"]
        assert [(t["health"], t["lastError"]) for t in targets] == [("up", "")], targets
        out, err = ld.finish()
    assert "lost" not in err, err
    assert f"n: {n}\n" in out, out


EVERY_KIND = '''from pybpf import *
PID: Final[int] = 0


# the "plain" values, a back\\slash
plain: Hash[u32, u64] = Hash(items={1: 10, 2: 20})
signed: Hash[i32, i64] = Hash(items={-1: -5})
level: Hash[str[16], u64] = Hash(metric="gauge")
ctr: Hash[u32, u64] = Hash(metric="counter", items={0: 3})
count: Hash[tuple[str[16], u32], Count] = Hash(labels=("comm", "pid"))
total: Hash[u32, Sum] = Hash()
low: Hash[u32, Min] = Hash()
high: Hash[u32, Max] = Hash()
mean: Hash[u32, Avg] = Hash()
stats: Hash[u32, Stats] = Hash()
byk: Hash[tuple[u32, str[8]], u64] = Hash()
hist: Hash[u32, Hist] = Hash()
lhist: Hash[u32, LHist[0, 100, 10]] = Hash()
addrs: Hash[IPv4, u64] = Hash(items={ip4("10.1.2.3"): 1})
raw: Hash[bytes[4], u64] = Hash()
alone: Hist = Hist()
arr: Array[u64] = Array(4)
flag: bool = False
g: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_every(args) -> None:
    global g, flag
    if pid() == PID:
        g += 1
        flag = True
        level["a\\\\b\\"c"] = 1
        count[comm(), pid()].add()
        total[1].add(g)
        low[1].add(g)
        high[1].add(g)
        mean[1].add(g)
        stats[5].add(g)
        byk[0, "x"] += 1
        hist[1].add(g)
        lhist[1].add(g * 10)
        raw[b"a\\n\\x00\\xff"] = 2
        alone.add(g)
        arr[2] = 7
        assert g < 3, "third call"
'''


@test
def metrics_promtool_every_kind():
    """promtool check metrics accepts (exit 0, nothing said) the text
    exposition of a probe with every value kind: integers (signed,
    unsigned, gauge, counter), Count, Sum, Min, Max, Avg, Stats, Hist,
    LHist, an unkeyed Hist, an Array, str / tuple (named and default labels) / IPv4 / bytes
    keys with characters to escape, globals, an exception raised."""
    with MetricsLoader(EVERY_KIND, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(4):
            os.getppid()
        status, ctype, text = scrape(ld.port)
        ld.finish()
    assert status == 200 and ctype == "text/plain; version=0.0.4; charset=utf-8", (status, ctype)
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and not r.stdout and not r.stderr, (r.returncode, r.stdout, r.stderr, text)
    want = {
        "pybpf_level": {'{key="a\\\\b\\"c"}': 1},
        "pybpf_raw": {'{key="a\\n\\\\x00\\\\xff"}': 2},
        "pybpf_addrs": {'{key="10.1.2.3"}': 1},
        "pybpf_signed": {'{key="-1"}': -5},
        "pybpf_ctr_total": {'{key="0"}': 3},
        "pybpf_stats_min": {'{key="5"}': 1},
        "pybpf_stats_max": {'{key="5"}': 4},
        "pybpf_stats_count_total": {'{key="5"}': 4},
        "pybpf_stats_sum_total": {'{key="5"}': 10},
        "pybpf_byk": {'{key_0="0",key_1="x"}': 4},
        "pybpf_mean": {'{key="1"}': 2.5},
        "pybpf_arr": {'{key="2"}': 7},
        "pybpf_flag": {"": 1},
        "pybpf_g": {"": 4},
        "pybpf_alone_count": {"": 4},
    }
    for name, s in want.items():
        assert samples(text, name) == s, (name, samples(text, name), text)
    exc = samples(text, "pybpf_exceptions_total")
    assert [v for k, v in exc.items() if 'exception="AssertionError"' in k] == [2], exc
    series = [line.rsplit(" ", 1)[0] for line in text.splitlines() if not line.startswith("#")]
    assert len(series) == len(set(series)), "a series twice"   # two raise slots of one line are one series


@test
def metrics_prometheus_every_kind():
    """Prometheus (which asks for OpenMetrics) scrapes the exposition of
    every value kind without an error: the target is up, and a Stats'
    count, an Avg and a str label with a quote and a backslash read back
    through PromQL as exported."""
    with MetricsLoader(EVERY_KIND, ["-D", f"PID={os.getpid()}"]) as ld, Prometheus(ld.port) as prom:
        for _ in range(4):
            os.getppid()
        prom.wait_for('pybpf_stats_count_total{key="5"}', 4)
        prom.wait_for('pybpf_mean{key="1"}', 2.5)
        got = prom.query("pybpf_level")
        assert [(m["key"], v) for m, v in got] == [('a\\b"c', 1)], got
        targets = prom.api("targets")["activeTargets"]
        assert [(t["health"], t["lastError"]) for t in targets] == [("up", "")], targets
        meta = prom.api("metadata", metric="pybpf_plain")
        assert meta == {"pybpf_plain": [{"type": "gauge", "help": 'the "plain" values, a back\\slash', "unit": ""}]}, meta
        ld.finish()


EXACT = '''from pybpf import *
PID: Final[int] = 0

# getppid() calls
# of the test
calls: Hash[u32, u64] = Hash(labels=("slot",), metric="counter", items={7: 70})
lat: LHist[0, 4, 2] = LHist()
"""values 1, 2, 3"""
n: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_exact(args) -> None:
    global n
    if pid() == PID:
        n += 1
        calls[3] += 1
        lat.add(n)
'''

EXACT_TEXT = '''# HELP pybpf_calls_total getppid() calls of the test
# TYPE pybpf_calls_total counter
pybpf_calls_total{slot="3"} 3
pybpf_calls_total{slot="7"} 70
# HELP pybpf_lat values 1, 2, 3
# TYPE pybpf_lat histogram
pybpf_lat_bucket{le="-1"} 0
pybpf_lat_bucket{le="1"} 1
pybpf_lat_bucket{le="3"} 3
pybpf_lat_bucket{le="+Inf"} 3
pybpf_lat_count 3
# HELP pybpf_n module variable n of the probe
# TYPE pybpf_n gauge
pybpf_n 3
# HELP pybpf_exceptions_total uncaught exceptions, per raise site and probe
# TYPE pybpf_exceptions_total counter
EXC
# HELP pybpf_lost_records_total records lost to full ring buffers
# TYPE pybpf_lost_records_total counter
pybpf_lost_records_total 0
# HELP pybpf_scrape_duration_seconds time taken to read the maps for this scrape
# TYPE pybpf_scrape_duration_seconds gauge
pybpf_scrape_duration_seconds D
'''


@test
def metrics_exact_exposition():
    """The whole exposition of a small probe after 3 calls, in the text
    format and in OpenMetrics (Accept: application/openmetrics-text):
    HELP from the comment lines above and the docstring after, the counter
    family named with _total in the text format and without in OpenMetrics,
    an LHist's cumulative le buckets at its integer bounds, # EOF."""
    with MetricsLoader(EXACT, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        _, ctype, text = scrape(ld.port)
        _, omtype, om = scrape(ld.port, accept="application/openmetrics-text; version=1.0.0,text/plain;q=0.5")
        ld.finish()
    assert ctype == "text/plain; version=0.0.4; charset=utf-8", ctype
    assert omtype == "application/openmetrics-text; version=1.0.0; charset=utf-8", omtype
    exc = "\n".join(f'pybpf_exceptions_total{{probe="{p}",file="{ld.path}",line="{n}",exception="{e}"}} 0'
                    for p, n, e in [("__pyb_init", 6, "MapFullError"), ("p_exact", 16, "OverflowError"),
                                    ("p_exact", 17, "MapFullError"), ("p_exact", 17, "OverflowError"),
                                    ("p_exact", 18, "MapFullError")])
    norm = re.sub(r"(scrape_duration_seconds) [0-9.]+", r"\1 D", text)
    check(norm, EXACT_TEXT.replace("EXC", exc))
    om_want = (EXACT_TEXT.replace("EXC", exc)
               .replace("# HELP pybpf_calls_total", "# HELP pybpf_calls").replace("# TYPE pybpf_calls_total", "# TYPE pybpf_calls")
               .replace("# HELP pybpf_lost_records_total", "# HELP pybpf_lost_records")
               .replace("# TYPE pybpf_lost_records_total", "# TYPE pybpf_lost_records")
               .replace("# HELP pybpf_exceptions_total", "# HELP pybpf_exceptions")
               .replace("# TYPE pybpf_exceptions_total", "# TYPE pybpf_exceptions") + "# EOF\n")
    check(re.sub(r"(scrape_duration_seconds) [0-9.]+", r"\1 D", om), om_want)


@test
def metrics_example_syscalls():
    """examples/metrics/syscalls.py: promtool accepts its exposition; the
    families its docstring lists are there with their types, the test's
    own 50 read()s of /dev/zero are in the read latency histogram's count,
    and the metric="none" map is not exported."""
    with open(os.path.join(ROOT, "examples", "metrics", "syscalls.py")) as f:
        src = f.read()
    with MetricsLoader(src) as ld:
        before = samples(scrape(ld.port)[2], "pybpf_read_latency_count")[""]
        fd = os.open("/dev/zero", os.O_RDONLY)
        try:
            for _ in range(50):
                os.read(fd, 1)
        finally:
            os.close(fd)
        text = scrape(ld.port)[2]
        ld.finish()
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and not r.stdout and not r.stderr, (r.stdout, r.stderr)
    for t in ["pybpf_syscalls_total counter", "pybpf_read_latency histogram", "pybpf_reads_in_flight gauge"]:
        assert f"# TYPE {t}\n" in text, t
    assert samples(text, "pybpf_read_latency_count")[""] >= before + 50
    assert samples(text, "pybpf_syscalls_total").get(f'{{comm="{comm()}"}}', 0) > 0
    assert "pybpf_start" not in text


def raw_request(port, data, read=True, timeout=10):
    """send data on a new connection; the answer's first line (or '' at EOF)"""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        return s.recv(200).decode(errors="replace").split("\r\n")[0] if read else ""
    finally:
        s.close()


@test
def metrics_http_errors():
    """404 for another path, 405 for another method, 400 for garbage and
    for a request line that is not HTTP/1.x, 431 for a header over 8 KiB;
    a port in use is refused after the load (exit status 1, the program
    freed); a bad --metrics address is refused before anything is loaded."""
    with MetricsLoader(EXACT, ["-D", "PID=1"]) as ld:
        assert scrape(ld.port, path="/")[0] == 404
        assert scrape(ld.port, method="POST")[0] == 405
        assert raw_request(ld.port, b"\x00\xff garbage\r\n\r\n") == "HTTP/1.1 400 Bad Request"
        assert raw_request(ld.port, b"GET /metrics SPDY/3\r\n\r\n") == "HTTP/1.1 400 Bad Request"
        big = b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        assert raw_request(ld.port, big) == "HTTP/1.1 431 Request Header Fields Too Large"
        assert scrape(ld.port, path="/metrics?x=1")[0] == 200
        assert scrape(ld.port, method="HEAD")[0] == 200
        r = subprocess.run([PYBPF, "load", ld.path, "-D", "PID=1", "--metrics", f"127.0.0.1:{ld.port}"],
                           capture_output=True, text=True, timeout=60)   # the port is taken: after the load
        assert r.returncode == 1 and r.stderr == \
            f"pybpf: error: --metrics 127.0.0.1:{ld.port}: cannot listen there: Address already in use\n", r.stderr
        ld.finish()
    for bad, why in [("127.0.0.1", "expected HOST:PORT"), ("example.com:80", "no name lookups"),
                     ("127.0.0.1:70000", "expected HOST:PORT"), ("[::1:9435", "expected HOST:PORT")]:
        r = subprocess.run([PYBPF, "load", ld.path, "--metrics", bad], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2 and f"pybpf: error: --metrics {bad}: " in r.stderr and why in r.stderr, (bad, r.stderr)
    assert_nothing_left(["p_exact"], [])


ROBUST = '''from pybpf import *
PID: Final[int] = 0

met_calls: Hash[u32, u64] = Hash(metric="counter")
met_big: Hash[u32, Hist] = Hash(max_entries=1000)


@begin
def fill() -> None:
    for i in range(BIG):
        met_big[i].add(i)


@tracepoint("syscalls/sys_enter_getppid")
def p_robust(args) -> None:
    if pid() == PID:
        met_calls[0] += 1
'''


def timed_scrape(port):
    t = time.monotonic()
    status, _, text = scrape(port)
    return status, text, time.monotonic() - t


def final_counts(ld, calls, text):
    assert samples(text, "pybpf_met_calls_total") == {'{key="0"}': calls}, samples(text, "pybpf_met_calls_total")
    assert samples(text, "pybpf_lost_records_total") == {"": 0}
    out, err = ld.finish()
    assert f"met_calls[0]: {calls}\n" in out, out
    assert "lost" not in err, err
    assert_nothing_left(["p_robust", "fill"], ["met_calls", "met_big"])


@test
def metrics_robust_1000_scrapes():
    """1,000 scrapes (each 200, each count no smaller than the last) while
    the test makes 3,000 getppid() calls, and meanwhile garbage, a huge
    header and 4 clients that connect and never send: the final count is
    exactly 3,000, nothing is lost, the next scrape answers within a
    second, and the silent clients are closed by the server (its 5 s read
    time-out) without an answer."""
    calls = 3000
    with MetricsLoader(ROBUST.replace("BIG", "1"), ["-D", f"PID={os.getpid()}"]) as ld:
        silent = [socket.create_connection(("127.0.0.1", ld.port)) for _ in range(4)]
        t0 = time.monotonic()
        errors, last = [], [0]

        def scrapes():
            for _ in range(1000):
                c = http.client.HTTPConnection("127.0.0.1", ld.port, timeout=10)
                c.request("GET", "/metrics")
                r = c.getresponse()
                body = r.read().decode()
                c.close()
                m = re.search(r'^pybpf_met_calls_total\{key="0"\} (\d+)$', body, re.M)
                v = int(m.group(1)) if m else 0
                if r.status != 200 or v < last[0]:
                    errors.append((r.status, v, last[0]))
                last[0] = v
        try:
            th = threading.Thread(target=scrapes)
            th.start()
            assert raw_request(ld.port, b"\r\n\x01\x02garbage\r\n\r\n") == "HTTP/1.1 400 Bad Request"
            assert raw_request(ld.port, b"GET /metrics HTTP/1.1\r\n" + b"X: y\r\n" * 3000) == \
                "HTTP/1.1 431 Request Header Fields Too Large"
            for _ in range(calls):
                os.getppid()
            th.join(300)
            assert not th.is_alive() and not errors, errors[:5]
            for s in silent:
                s.settimeout(10)
                assert s.recv(100) == b"", "a silent client got an answer"
            assert time.monotonic() - t0 >= 4.5, "closed before the read time-out"
        finally:
            for s in silent:
                s.close()
        status, text, secs = timed_scrape(ld.port)
        assert status == 200 and secs < 1.0, (status, secs)
        final_counts(ld, calls, text)


@test
def metrics_robust_never_read():
    """4 clients send a request and never read its answer (about 3 MB:
    1,000 Hist keys, more than the sockets buffer), 4 connect and never
    send: other scrapes still answer within a second, with the counts of
    the test's 500 getppid() calls made meanwhile; once its 10 s write
    time-out passed, the server has given up on each reader (it got EOF or
    a reset after part of the answer)."""
    calls = 500
    with MetricsLoader(ROBUST.replace("BIG", "1000"), ["-D", f"PID={os.getpid()}"]) as ld:
        silent = [socket.create_connection(("127.0.0.1", ld.port)) for _ in range(4)]
        stuck = []
        t0 = time.monotonic()
        try:
            for _ in range(4):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect(("127.0.0.1", ld.port))
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                stuck.append(s)
            for i in range(calls):
                os.getppid()
                if i % 100 == 0:
                    status, text, secs = timed_scrape(ld.port)
                    assert status == 200 and secs < 1.0, (status, secs)
            assert len(text) > 2_000_000, len(text)
            time.sleep(max(0.0, t0 + 11 - time.monotonic()))   # past the server's 10 s write time-out
            for s in stuck:
                s.settimeout(5)
                got = 0
                try:
                    while (b := s.recv(65536)):
                        got += len(b)
                except ConnectionResetError:
                    pass
                assert 0 < got < len(text), (got, len(text))
        finally:
            for s in silent + stuck:
                s.close()
        status, text, secs = timed_scrape(ld.port)
        assert status == 200 and secs < 1.0, (status, secs)
        final_counts(ld, calls, text)


@test
def metrics_connection_limit():
    """16 connections that send nothing hold every slot: a 17th request is
    answered 503 at once; when they close, the next scrape is 200 again."""
    with MetricsLoader(EXACT, ["-D", "PID=1"]) as ld:
        held = [socket.create_connection(("127.0.0.1", ld.port)) for _ in range(16)]
        try:
            time.sleep(0.2)   # all 16 accepted
            t = time.monotonic()
            first = raw_request(ld.port, b"GET /metrics HTTP/1.1\r\n\r\n")
            assert first == "HTTP/1.1 503 Service Unavailable" and time.monotonic() - t < 1.0, first
        finally:
            for s in held:
                s.close()
        deadline = time.time() + 5
        while scrape(ld.port)[0] != 200:   # the 16 threads see EOF and end
            assert time.time() < deadline, "no slot came free"
            time.sleep(0.05)
        ld.finish()
