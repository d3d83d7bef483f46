"""tcpstates.py: trace TCP state changes, one line per change, with the time
the socket spent in its previous state.

A port of bcc's tcpstates (libbpf-tools/tcpstates), on the same event
(sock:inet_sock_set_state, used here as a BTF tracepoint so that the
socket's fields are read with CO-RE):

    C-PID C-COMM     LADDR           LPORT RADDR           RPORT OLDSTATE    -> NEWSTATE    MS
    4101  curl       127.0.0.1       0     127.0.0.1       8080  CLOSE       -> SYN_SENT    0.000
    4101  curl       127.0.0.1       41012 127.0.0.1       8080  SYN_SENT    -> ESTABLISHED 0.052

C-PID and C-COMM are the task running when the state changed (often not the
socket's owner: softirqs run in whatever task was interrupted), as in bcc.
MS is the time in the previous state, in milliseconds with three decimals
(0.000 for a socket's first change seen).

Differences from bcc's output, from what pybpf cannot do yet:
  - no SKADDR column: a kernel pointer cannot be printed or used as a map
    key, so sockets are told apart (for MS) by their address family and
    addresses, and by their local port (listening sockets) or remote port
    (connected ones: a connecting socket has no local port yet at its first
    change). Two connections at once from one local address to the same
    remote address and port share a key, and their MS values are then
    wrong;
  - IPv6 addresses print as `[ipv6]`: they are arrays in the kernel's
    struct, and pybpf reads arrays only of char.

Run:    pybpf load examples/tools/tcpstates.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter" / "off"):
    -D LPORT=8080    only sockets with this local port (bcc: -L)
    -D RPORT=8080    only sockets with this remote port (bcc: -D)
    -D PORT=8080     only sockets with this local or remote port
    -D IPV4=1        only IPv4 (bcc: -4);  -D IPV6=1 only IPv6 (bcc: -6)
    -D TIMESTAMP=1   a first column TIME(s): seconds since tracing began (bcc: -T;
                     printed as a separate record, so with events on several
                     CPUs at once a line may be split)
    --duration S     stop after S seconds
"""
from pybpf import *

LPORT: Final[int] = 0
RPORT: Final[int] = 0
PORT: Final[int] = 0
IPV4: Final[int] = 0
IPV6: Final[int] = 0
TIMESTAMP: Final[int] = 0

AF_INET: Final[int] = 2
AF_INET6: Final[int] = 10
IPPROTO_TCP: Final[int] = 6

# (family, laddr, lport, raddr, rport) -> when the socket entered its state
last: Hash[tuple[u16, u32, u16, u32, u16], u64] = Hash(max_entries=65536)
started: Hash[u32, u64] = Hash(max_entries=1)


def ndigits(x: int) -> int:
    return 1 if x < 10 else (2 if x < 100 else 3)


def addr_width(a: int) -> int:
    """Characters of an IPv4 address (network order, as the kernel keeps it) in dotted form."""
    return ndigits(a & 255) + ndigits((a >> 8) & 255) + ndigits((a >> 16) & 255) + ndigits(a >> 24) + 3


@begin
def tcpstates_begin() -> None:
    started[0] = ktime_ns()
    if TIMESTAMP != 0:
        print(f"{'TIME(s)':<9}", end="")
    print(f"{'C-PID':<5} {'C-COMM':<10} {'LADDR':<15} {'LPORT':<5} {'RADDR':<15} {'RPORT':<5} "
          f"{'OLDSTATE':<11} -> {'NEWSTATE':<11} MS")


@tp_btf("inet_sock_set_state")
def tcpstates_change(sk: sock, oldstate: int, newstate: int) -> None:
    if sk.sk_protocol != IPPROTO_TCP:
        return
    family = sk.__sk_common.skc_family
    if (IPV4 != 0 and family != AF_INET) or (IPV6 != 0 and family != AF_INET6):
        return
    # the tracepoint's sport: inet_sport stays set while the socket closes
    # (skc_num is cleared when the port is released)
    sport = tcp_sk(sk).inet_conn.icsk_inet.inet_sport
    lport = ((sport & 255) << 8) | (sport >> 8)
    dport = sk.__sk_common.skc_dport
    rport = ((dport & 255) << 8) | (dport >> 8)
    if LPORT != 0 and lport != LPORT:
        return
    if RPORT != 0 and rport != RPORT:
        return
    if PORT != 0 and lport != PORT and rport != PORT:
        return
    laddr = sk.__sk_common.skc_rcv_saddr
    raddr = sk.__sk_common.skc_daddr
    now = ktime_ns()
    # a connecting socket gets its local port after its first change, so
    # connected sockets are told apart by their remote end (see above)
    kport = lport if rport == 0 else 0
    delta = now - last.get((family, laddr, kport, raddr, rport), now)
    if newstate == 7:   # TCP_CLOSE: the socket is gone
        if (family, laddr, kport, raddr, rport) in last:
            del last[family, laddr, kport, raddr, rport]
    else:
        last[family, laddr, kport, raddr, rport] = now
    old: str[13] = "?"
    if oldstate == 1:
        old = "ESTABLISHED"
    if oldstate == 2:
        old = "SYN_SENT"
    if oldstate == 3:
        old = "SYN_RECV"
    if oldstate == 4:
        old = "FIN_WAIT1"
    if oldstate == 5:
        old = "FIN_WAIT2"
    if oldstate == 6:
        old = "TIME_WAIT"
    if oldstate == 7:
        old = "CLOSE"
    if oldstate == 8:
        old = "CLOSE_WAIT"
    if oldstate == 9:
        old = "LAST_ACK"
    if oldstate == 10:
        old = "LISTEN"
    if oldstate == 11:
        old = "CLOSING"
    if oldstate == 12:
        old = "NEW_SYN_RECV"
    new: str[13] = "?"
    if newstate == 1:
        new = "ESTABLISHED"
    if newstate == 2:
        new = "SYN_SENT"
    if newstate == 3:
        new = "SYN_RECV"
    if newstate == 4:
        new = "FIN_WAIT1"
    if newstate == 5:
        new = "FIN_WAIT2"
    if newstate == 6:
        new = "TIME_WAIT"
    if newstate == 7:
        new = "CLOSE"
    if newstate == 8:
        new = "CLOSE_WAIT"
    if newstate == 9:
        new = "LAST_ACK"
    if newstate == 10:
        new = "LISTEN"
    if newstate == 11:
        new = "CLOSING"
    if newstate == 12:
        new = "NEW_SYN_RECV"
    # one print per line: a line made of several prints could be split by other CPUs' output
    lpad: str[16] = ""
    w = 15 - addr_width(laddr) if family == AF_INET else 6
    if w == 1:
        lpad = " "
    if w == 2:
        lpad = "  "
    if w == 3:
        lpad = "   "
    if w == 4:
        lpad = "    "
    if w == 5:
        lpad = "     "
    if w == 6:
        lpad = "      "
    if w == 7:
        lpad = "       "
    if w == 8:
        lpad = "        "
    rpad: str[16] = ""
    w = 15 - addr_width(raddr) if family == AF_INET else 6
    if w == 1:
        rpad = " "
    if w == 2:
        rpad = "  "
    if w == 3:
        rpad = "   "
    if w == 4:
        rpad = "    "
    if w == 5:
        rpad = "     "
    if w == 6:
        rpad = "      "
    if w == 7:
        rpad = "       "
    if w == 8:
        rpad = "        "
    t = now - started.get(0, 0)
    if TIMESTAMP != 0:
        print(f"{t // 1000000000:>4}.{t // 1000000 % 1000:03} ", end="")
    if family == AF_INET:
        print(f"{pid():<5} {comm()[:10]:<10} "
              f"{laddr & 255}.{(laddr >> 8) & 255}.{(laddr >> 16) & 255}.{laddr >> 24}{lpad} {lport:<5} "
              f"{raddr & 255}.{(raddr >> 8) & 255}.{(raddr >> 16) & 255}.{raddr >> 24}{rpad} {rport:<5} "
              f"{old:<11} -> {new:<11} {delta // 1000000}.{delta // 1000 % 1000:03}")
    else:
        print(f"{pid():<5} {comm()[:10]:<10} {'[ipv6]':<15} {lport:<5} {'[ipv6]':<15} {rport:<5} "
              f"{old:<11} -> {new:<11} {delta // 1000000}.{delta // 1000 % 1000:03}")


@end
def tcpstates_end() -> None:
    last.clear()
    started.clear()
