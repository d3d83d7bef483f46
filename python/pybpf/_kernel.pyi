"""Kernel types and kfuncs for pybpf probes (part of pybpf's typing stub).

pybpf resolves a name that the probe does not define and pybpf does not
export against the kernel's BTF: `task_struct`, `sock`, ... are kernel
struct pointers, `tcp_reno_ssthresh(sk)` a kfunc call. A probe's own names
come first (a map named `filename` is the map, not struct filename). The
mypy plugin (mypy_plugin.py) gives these names the same place: it imports
the names below into every module that imports from pybpf, except the names
the module binds itself. There is no such module at run time.
"""
import builtins
from typing import Any

from pybpf import ptr

# ---- kernel types -----------------------------------------------------------
# Pointers to kernel structs, read with CO-RE. The fields pybpf users read
# most are declared (char[N] arrays are str, integers and bitfields int);
# any other field is Any here and checked by pybpf against the kernel's BTF.

class _KernelStruct:
    def __getattr__(self, name: builtins.str) -> Any: ...

class kuid_t(_KernelStruct):
    val: int

class kgid_t(_KernelStruct):
    val: int

class sched_entity(_KernelStruct):
    vruntime: int
    sum_exec_runtime: int
    exec_start: int
    prev_sum_exec_runtime: int
    nr_migrations: int

class mm_struct(_KernelStruct):
    arg_start: int
    arg_end: int
    env_start: int
    env_end: int
    start_code: int
    end_code: int
    start_data: int
    end_data: int
    start_brk: int
    brk: int
    start_stack: int
    total_vm: int
    hiwater_rss: int
    hiwater_vm: int

class cred(_KernelStruct):
    uid: kuid_t
    gid: kgid_t
    euid: kuid_t
    egid: kgid_t
    suid: kuid_t
    fsuid: kuid_t

class task_struct(_KernelStruct):
    pid: int
    tgid: int
    comm: builtins.str
    flags: int
    prio: int
    static_prio: int
    normal_prio: int
    policy: int
    on_cpu: int
    exit_code: int
    exit_signal: int
    exit_state: int
    start_time: int
    utime: int
    stime: int
    nvcsw: int
    nivcsw: int
    se: sched_entity
    mm: mm_struct
    active_mm: mm_struct
    real_parent: task_struct
    parent: task_struct
    group_leader: task_struct
    cred: cred
    real_cred: _cred

_cred = cred

class cgroup(_KernelStruct):
    level: int

class sock_common(_KernelStruct):
    skc_daddr: int
    skc_rcv_saddr: int
    skc_dport: int
    skc_num: int
    skc_family: int
    skc_state: int

class sock(_KernelStruct):
    sk_protocol: int
    sk_type: int
    sk_rcvbuf: int
    sk_sndbuf: int
    sk_priority: int
    sk_mark: int
    sk_err: int

class inet_sock(_KernelStruct):
    sk: sock
    inet_saddr: int
    inet_sport: int

class inet_connection_sock(_KernelStruct):
    icsk_inet: inet_sock
    icsk_ca_state: int
    icsk_retransmits: int
    icsk_pmtu_cookie: int

class tcp_sock(_KernelStruct):
    inet_conn: inet_connection_sock
    snd_cwnd: int
    snd_cwnd_cnt: int
    snd_cwnd_clamp: int
    snd_cwnd_stamp: int
    snd_ssthresh: int
    prior_cwnd: int
    is_cwnd_limited: int
    max_packets_out: int
    packets_out: int
    retrans_out: int
    lost_out: int
    sacked_out: int
    total_retrans: int
    srtt_us: int
    mdev_us: int
    mss_cache: int
    snd_una: int
    snd_nxt: int
    rcv_nxt: int
    snd_wnd: int
    rcv_wnd: int
    delivered: int
    bytes_acked: int
    bytes_received: int
    segs_in: int
    segs_out: int
    data_segs_in: int
    data_segs_out: int

class net_device(_KernelStruct):
    name: builtins.str
    ifindex: int
    mtu: int
    flags: int

class sk_buff(_KernelStruct):
    len: int
    data_len: int
    protocol: int
    mark: int
    priority: int
    sk: sock
    dev: net_device

class qstr(_KernelStruct):
    len: int
    hash: int
    name: ptr

class super_block(_KernelStruct):
    s_dev: int
    s_magic: int
    s_id: builtins.str

class inode(_KernelStruct):
    i_ino: int
    i_mode: int
    i_size: int
    i_nlink: int
    i_uid: kuid_t
    i_gid: kgid_t
    i_sb: super_block

class dentry(_KernelStruct):
    d_name: qstr
    d_parent: dentry
    d_inode: inode
    d_sb: super_block

class vfsmount(_KernelStruct):
    mnt_root: dentry
    mnt_sb: super_block

class path(_KernelStruct):
    dentry: dentry
    mnt: vfsmount

class file(_KernelStruct):
    f_flags: int
    f_mode: int
    f_pos: int
    f_path: path
    f_inode: inode

class filename(_KernelStruct):
    name: ptr
    uptr: ptr

class linux_binprm(_KernelStruct):
    argc: int
    envc: int
    p: int
    filename: ptr
    interp: ptr
    file: file

# ---- kfuncs (kernel functions BPF programs may call) ------------------------

def tcp_reno_ssthresh(sk: sock, /) -> int: ...
def tcp_reno_undo_cwnd(sk: sock, /) -> int: ...
def tcp_reno_cong_avoid(sk: sock, ack: int, acked: int, /) -> None: ...
def tcp_slow_start(tp: tcp_sock, acked: int, /) -> int: ...
def tcp_cong_avoid_ai(tp: tcp_sock, w: int, acked: int, /) -> None: ...
