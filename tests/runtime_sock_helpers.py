"""Runtime tests of the socket helpers of BTF programs (pyc/check_sock.c):
bpf.skc_to_tcp_sock(sk) and its kin take a @tp_btf probe's socket pointer
and give the socket as a tcp_sock (udp6_sock, ...) or None, tested before
use; bpf.sock_from_file(f) gives a file's socket or None. Imported from
tests/runtime.py, whose TESTS list they join."""
import os
import socket
import time

from runtime import ROOT, Loader, assert_nothing_left, check, test

# TCP states (include/net/tcp_states.h)
ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2 = 1, 2, 3, 4, 5
CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN = 7, 8, 9, 10

STATES = '''from pybpf import *
SPORT: Final[int] = 0
CPORT: Final[int] = 0
seen: Hash[tuple[int, int, int, int], u64] = Hash()
not_udp6: int = 0


@tp_btf("inet_sock_set_state")
def t_sock_state(sk: sock, oldstate: int, newstate: int) -> None:
    global not_udp6
    t = bpf.skc_to_tcp_sock(sk)
    if t is None:
        return
    sport = t.inet_conn.icsk_inet.sk.__sk_common.skc_num
    if sport != SPORT and sport != CPORT:
        return
    seen[(sport, ntohs(t.inet_conn.icsk_inet.sk.__sk_common.skc_dport), oldstate, newstate)] += 1
    u = bpf.skc_to_udp6_sock(t)
    if u is None:
        not_udp6 += 1
'''


@test
def sock_skc_to_tcp_sock_states_of_own_connection():
    """@tp_btf("inet_sock_set_state") on the test's own TCP connection over
    127.0.0.1 (both ends bound before the probe loads, so both ports are
    known): bpf.skc_to_tcp_sock(sk) gives each socket as a tcp_sock, whose
    source port (skc_num) picks the test's sockets and whose destination
    port (ntohs(skc_dport)) is read through it. Exactly the transitions the
    connection makes while its sockets hold their ports, once each: the
    listener CLOSE->LISTEN, its child LISTEN->SYN_RECV->ESTABLISHED->
    CLOSE_WAIT->LAST_ACK (to the client's port), the client CLOSE->SYN_SENT->
    ESTABLISHED->FIN_WAIT1->FIN_WAIT2 (to the server's port); into CLOSE the
    kernel has already given the port back (inet_put_port), so those are
    not among them. bpf.skc_to_udp6_sock() of each of those 9 TCP sockets
    gives None: 9."""
    srv = socket.socket()
    cli = socket.socket()
    acc = None
    try:
        srv.bind(("127.0.0.1", 0))
        cli.bind(("127.0.0.1", 0))
        sport, cport = srv.getsockname()[1], cli.getsockname()[1]
        with Loader(STATES, ["-D", f"SPORT={sport}", "-D", f"CPORT={cport}"]) as ld:
            srv.listen(1)
            cli.connect(("127.0.0.1", sport))
            acc, _ = srv.accept()
            cli.close()
            time.sleep(0.1)    # the FIN is acknowledged: the client is in FIN_WAIT2
            acc.close()
            srv.close()
            time.sleep(0.1)
            out, err = ld.finish()
    finally:
        for s in (srv, cli, acc):
            if s:
                s.close()
    want = sorted([(sport, 0, CLOSE, LISTEN), (sport, cport, LISTEN, SYN_RECV), (sport, cport, SYN_RECV, ESTABLISHED),
                   (sport, cport, ESTABLISHED, CLOSE_WAIT), (sport, cport, CLOSE_WAIT, LAST_ACK),
                   (cport, sport, CLOSE, SYN_SENT), (cport, sport, SYN_SENT, ESTABLISHED),
                   (cport, sport, ESTABLISHED, FIN_WAIT1), (cport, sport, FIN_WAIT1, FIN_WAIT2)])
    lines = "".join(f"seen[{a}, {b}, {c}, {d}]: 1\n" for a, b, c, d in want)
    check(out, f"{lines}\nnot_udp6: 9\n")
    assert_nothing_left(["t_sock_state"], ["seen"])


FILES = '''from pybpf import *
PID: Final[int] = 0
sockets: Hash[int, u64] = Hash()
not_socket: int = 0


@tp_btf("ext4_sync_file_enter")
def t_sock_file(file: file, datasync: int) -> None:
    global not_socket
    if pid() == PID:
        s = bpf.sock_from_file(file)
        if s is not None:
            sockets[s.type] += 1
        else:
            not_socket += 1
'''


@test
def sock_from_file_of_a_regular_file_is_none():
    """@tp_btf("ext4_sync_file_enter") on 3 fsync()s of a file this process
    writes in the repository (on ext4 here): bpf.sock_from_file(file) gives
    None for each, 3, and no socket. (A socket has no fsync: no tracepoint
    this kernel has passes a socket's struct file to a @tp_btf probe, and a
    file pointer read from a field is not one the verifier trusts.)"""
    path = os.path.join(ROOT, "build", f"sock-fsync-{os.getpid()}")
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        with Loader(FILES, ["-D", f"PID={os.getpid()}"]) as ld:
            for _ in range(3):
                os.write(fd, b"x")
                os.fsync(fd)
            out, err = ld.finish()
    finally:
        os.close(fd)
        os.unlink(path)
    check(out, "not_socket: 3\n")
    assert_nothing_left(["t_sock_file"], ["sockets"])


SK_STORAGE = '''from pybpf import *
SPORT: Final[int] = 0
CPORT: Final[int] = 0
changes: SkStorage[u32] = SkStorage()
after: Hash[tuple[int, int], u64] = Hash()
deleted: int = 0


@tp_btf("inet_sock_set_state")
def t_sk_storage(sk: sock, oldstate: int, newstate: int) -> None:
    global deleted
    t = bpf.skc_to_tcp_sock(sk)
    if t is None:
        return
    port = t.inet_conn.icsk_inet.sk.__sk_common.skc_num
    if port != SPORT and port != CPORT:
        return
    changes[sk] += 1
    after[(port, newstate)] = changes.get(t, 0)
    if newstate == FIN_WAIT2:
        del changes[t]
        if sk not in changes:
            deleted += 1
'''


@test
def sock_sk_storage_counts_each_sockets_own_changes():
    """SkStorage[u32] (BPF_MAP_TYPE_SK_STORAGE), keyed by the @tp_btf
    socket or its skc_to_tcp_sock result (the same socket): on the test's
    own connection (as above), changes[sk] += 1 at each state change
    counts that socket's own changes, from 0 for a new socket: the listener
    1 at LISTEN; its child (a new socket, whose storage starts empty) 1 at
    SYN_RECV, 2 ESTABLISHED, 3 CLOSE_WAIT, 4 LAST_ACK; the client 1 at
    SYN_SENT, 2 ESTABLISHED, 3 FIN_WAIT1, 4 FIN_WAIT2, where del changes[t]
    drops its item ('sk not in changes' after it: deleted 1). The kernel
    cannot list the map, so the loader prints none of it."""
    srv = socket.socket()
    cli = socket.socket()
    acc = None
    try:
        srv.bind(("127.0.0.1", 0))
        cli.bind(("127.0.0.1", 0))
        sport, cport = srv.getsockname()[1], cli.getsockname()[1]
        src = SK_STORAGE.replace("FIN_WAIT2", str(FIN_WAIT2))
        with Loader(src, ["-D", f"SPORT={sport}", "-D", f"CPORT={cport}"]) as ld:
            srv.listen(1)
            cli.connect(("127.0.0.1", sport))
            acc, _ = srv.accept()
            cli.close()
            time.sleep(0.1)
            acc.close()
            srv.close()
            time.sleep(0.1)
            out, err = ld.finish()
    finally:
        for s in (srv, cli, acc):
            if s:
                s.close()
    want = {(sport, LISTEN): 1, (sport, SYN_RECV): 1, (sport, ESTABLISHED): 2, (sport, CLOSE_WAIT): 3,
            (sport, LAST_ACK): 4, (cport, SYN_SENT): 1, (cport, ESTABLISHED): 2, (cport, FIN_WAIT1): 3,
            (cport, FIN_WAIT2): 4}
    got = {}
    for line in out.split("\n\n")[0].splitlines():
        key, v = line.split(": ")
        a, b = key[len("after["):-1].split(", ")
        got[(int(a), int(b))] = int(v)
    check(got, want)
    check(out.split("\n\n")[1:], ["deleted: 1\n"])
    assert_nothing_left(["t_sk_storage"], ["changes", "after"])
