"""connect_redirect.py: a connect() to 127.0.0.1:FROM goes to 127.0.0.1:TO.

A cgroup connect4 program rewrites the destination port of the connects
that the processes of a cgroup make:
    pybpf load examples/net/connect_redirect.py --cgroup /sys/fs/cgroup/mygroup -D FROM=8080 -D TO=8081
"""
from pybpf import *

FROM: Final = 8080
TO: Final = 8081
redirected: Hash[u16, Count] = Hash(max_entries=16)


@cgroup_sock_addr("connect4")
def redirect(ctx) -> int:
    if ctx.user_ip4 == htonl(ip4("127.0.0.1")) and ntohs(ctx.user_port) == FROM:
        ctx.user_port = htons(TO)
        redirected[FROM].add()
    return 1   # let the connect go on
