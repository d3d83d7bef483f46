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
from typing import Any, Optional

from pybpf import Packet, ptr

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

class sched_ext_entity(_KernelStruct):
    """task_struct.scx (sched_ext, CONFIG_SCHED_CLASS_EXT)"""
    dsq_vtime: int
    slice: int
    weight: int
    flags: int

class scx_init_task_args(_KernelStruct):
    fork: bool

class scx_exit_info(_KernelStruct):
    kind: int
    exit_code: int

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
    scx: sched_ext_entity
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


# ---- packet probes (docs/packets.md) ------------------------------------------
# The contexts of @xdp / @tc / @cgroup_skb and the headers pkt.header(T) takes,
# with the kernel's fields: multi-byte fields are the packet's bytes read as a
# little-endian int (ntohs(eth.h_proto)), bitfields int, byte arrays and
# in6_addr bytes. No other field exists (a typo is an error).

class xdp_md:
    """The context of an @xdp probe (its fields are read-only; data, data_end and
    data_meta are packet pointers pybpf does not give: ctx.packet())."""
    @property
    def ingress_ifindex(self) -> int: ...
    @property
    def rx_queue_index(self) -> int: ...
    @property
    def egress_ifindex(self) -> int: ...
    def packet(self) -> Packet: ...
    def adjust_head(self, delta: int, /) -> int:
        """bpf_xdp_adjust_head: the packet starts delta bytes later (OSError EINVAL past its frame)"""
    def adjust_tail(self, delta: int, /) -> int:
        """bpf_xdp_adjust_tail: the packet ends delta bytes later"""
    def redirect(self, ifindex: int, flags: int, /) -> int:
        """bpf_redirect: the verdict XDP_REDIRECT (XDP_ABORTED for flags)"""
    def fib_lookup(self, ip: iphdr, flags: int = 0, /) -> Optional[bpf_fib_lookup]:
        """bpf_fib_lookup of ip's addresses: where to forward it, None when the kernel has no route"""

class __sk_buff:
    """The context of a @tc or @cgroup_skb probe; mark and priority are
    writable (tc's also tc_index, tc_classid and queue_mapping)."""
    mark: int
    priority: int
    tc_index: int
    queue_mapping: int
    tc_classid: int
    @property
    def tstamp(self) -> int: ...
    @property
    def len(self) -> int: ...
    @property
    def pkt_type(self) -> int: ...
    @property
    def protocol(self) -> int: ...
    @property
    def vlan_present(self) -> int: ...
    @property
    def vlan_tci(self) -> int: ...
    @property
    def vlan_proto(self) -> int: ...
    @property
    def ingress_ifindex(self) -> int: ...
    @property
    def ifindex(self) -> int: ...
    @property
    def hash(self) -> int: ...
    @property
    def napi_id(self) -> int: ...
    @property
    def family(self) -> int: ...
    @property
    def remote_ip4(self) -> int: ...
    @property
    def local_ip4(self) -> int: ...
    @property
    def remote_port(self) -> int: ...
    @property
    def local_port(self) -> int: ...
    @property
    def wire_len(self) -> int: ...
    @property
    def gso_segs(self) -> int: ...
    @property
    def gso_size(self) -> int: ...
    @property
    def tstamp_type(self) -> int: ...
    @property
    def hwtstamp(self) -> int: ...
    def packet(self) -> Packet: ...
    # @tc's (pybpf refuses them in other probes)
    def pull_data(self, length: int, /) -> int: ...
    def change_tail(self, new_len: int, flags: int, /) -> int: ...
    def adjust_room(self, len_diff: int, mode: int, flags: int, /) -> int: ...
    def redirect(self, ifindex: int, flags: int, /) -> int:
        """bpf_redirect: the verdict TC_ACT_REDIRECT (TC_ACT_SHOT for flags but BPF_F_INGRESS)"""
    def fib_lookup(self, ip: iphdr, flags: int = 0, /) -> Optional[bpf_fib_lookup]:
        """bpf_fib_lookup of ip's addresses: where to forward it, None when the kernel has no route"""

class bpf_fib_lookup:
    """ctx.fib_lookup()'s answer (read-only): the interface to send on and the
    Ethernet addresses to write"""
    @property
    def ifindex(self) -> int: ...
    @property
    def smac(self) -> bytes: ...
    @property
    def dmac(self) -> bytes: ...
    @property
    def mtu_result(self) -> int: ...

class bpf_sock_addr:
    """The context of a @cgroup_sock_addr probe: the socket call's address
    (user_ip4 __be32, user_port __be16 in a u32: ntohl(ctx.user_ip4))."""
    user_ip4: int
    user_port: int
    msg_src_ip4: int
    @property
    def user_family(self) -> int: ...
    @property
    def family(self) -> int: ...
    @property
    def type(self) -> int: ...
    @property
    def protocol(self) -> int: ...

class _PacketHeader:
    """A struct in the packet, from pkt.header(T) / pkt.header(T, after=h).
    pybpf writes a header's own integer fields (ip.ttl = 63); its bitfields,
    byte arrays and nested structs' fields are read-only here, as pybpf
    refuses to assign them (the CPython shim would write them)."""

class _Ints:
    """An array of ints in a header (icmp6hdr.icmp6_dataun.un_data16)."""
    def __getitem__(self, i: int, /) -> int: ...
    def __setitem__(self, i: int, v: int, /) -> None: ...
    def __len__(self) -> int: ...

class ethhdr(_PacketHeader):
    h_dest: builtins.bytes     # 6 bytes; written whole (eth.h_dest = fib.dmac)
    h_source: builtins.bytes
    h_proto: int

class vlan_hdr(_PacketHeader):
    h_vlan_TCI: int
    h_vlan_encapsulated_proto: int

class _iphdr_addrs:
    @property
    def saddr(self) -> int: ...
    @property
    def daddr(self) -> int: ...

class iphdr(_PacketHeader):
    @property
    def ihl(self) -> int: ...
    @property
    def version(self) -> int: ...
    tos: int
    tot_len: int
    id: int
    frag_off: int
    ttl: int
    protocol: int
    check: int
    saddr: int
    daddr: int
    @property
    def addrs(self) -> _iphdr_addrs: ...

class _ipv6hdr_addrs:
    @property
    def saddr(self) -> builtins.bytes: ...
    @property
    def daddr(self) -> builtins.bytes: ...

class ipv6hdr(_PacketHeader):
    @property
    def priority(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def flow_lbl(self) -> builtins.bytes: ...
    payload_len: int
    nexthdr: int
    hop_limit: int
    @property
    def saddr(self) -> builtins.bytes: ...
    @property
    def daddr(self) -> builtins.bytes: ...
    @property
    def addrs(self) -> _ipv6hdr_addrs: ...

class tcphdr(_PacketHeader):
    source: int
    dest: int
    seq: int
    ack_seq: int
    @property
    def ae(self) -> int: ...
    @property
    def res1(self) -> int: ...
    @property
    def doff(self) -> int: ...
    @property
    def fin(self) -> int: ...
    @property
    def syn(self) -> int: ...
    @property
    def rst(self) -> int: ...
    @property
    def psh(self) -> int: ...
    @property
    def ack(self) -> int: ...
    @property
    def urg(self) -> int: ...
    @property
    def ece(self) -> int: ...
    @property
    def cwr(self) -> int: ...
    window: int
    check: int
    urg_ptr: int

class udphdr(_PacketHeader):
    source: int
    dest: int
    len: int
    check: int

class _icmphdr_echo:
    @property
    def id(self) -> int: ...
    @property
    def sequence(self) -> int: ...

class _icmphdr_frag:
    @property
    def mtu(self) -> int: ...
    def __getattr__(self, name: builtins.str) -> int: ...   # __unused

class _icmphdr_un:
    @property
    def gateway(self) -> int: ...
    @property
    def reserved(self) -> builtins.bytes: ...
    @property
    def echo(self) -> _icmphdr_echo: ...
    @property
    def frag(self) -> _icmphdr_frag: ...

class icmphdr(_PacketHeader):
    type: int
    code: int
    checksum: int
    @property
    def un(self) -> _icmphdr_un: ...

class icmpv6_echo:
    @property
    def identifier(self) -> int: ...
    @property
    def sequence(self) -> int: ...

class icmpv6_nd_advt:
    @property
    def reserved(self) -> int: ...
    @property
    def override(self) -> int: ...
    @property
    def solicited(self) -> int: ...
    @property
    def router(self) -> int: ...
    @property
    def reserved2(self) -> int: ...

class icmpv6_nd_ra:
    @property
    def hop_limit(self) -> int: ...
    @property
    def reserved(self) -> int: ...
    @property
    def router_pref(self) -> int: ...
    @property
    def home_agent(self) -> int: ...
    @property
    def other(self) -> int: ...
    @property
    def managed(self) -> int: ...
    @property
    def rt_lifetime(self) -> int: ...

class _icmp6_dataun:
    @property
    def un_data8(self) -> builtins.bytes: ...
    @property
    def un_data32(self) -> _Ints: ...
    @property
    def un_data16(self) -> _Ints: ...
    @property
    def u_echo(self) -> icmpv6_echo: ...
    @property
    def u_nd_advt(self) -> icmpv6_nd_advt: ...
    @property
    def u_nd_ra(self) -> icmpv6_nd_ra: ...

class icmp6hdr(_PacketHeader):
    icmp6_type: int
    icmp6_code: int
    icmp6_cksum: int
    @property
    def icmp6_dataun(self) -> _icmp6_dataun: ...

# ---- kfuncs (kernel functions BPF programs may call) ------------------------

# sched_ext (6.12's names; 6.13 renamed the first three scx_bpf_dsq_insert,
# scx_bpf_dsq_insert_vtime, scx_bpf_dsq_move_to_local): docs/sched.md
def scx_bpf_dispatch(p: task_struct, dsq_id: int, slice: int, enq_flags: int, /) -> None: ...
def scx_bpf_dispatch_vtime(p: task_struct, dsq_id: int, slice: int, vtime: int, enq_flags: int, /) -> None: ...
def scx_bpf_consume(dsq_id: int, /) -> bool: ...
def scx_bpf_dsq_insert(p: task_struct, dsq_id: int, slice: int, enq_flags: int, /) -> None: ...
def scx_bpf_dsq_insert_vtime(p: task_struct, dsq_id: int, slice: int, vtime: int, enq_flags: int, /) -> None: ...
def scx_bpf_dsq_move_to_local(dsq_id: int, /) -> bool: ...
def scx_bpf_create_dsq(dsq_id: int, node: int, /) -> int: ...
def scx_bpf_dsq_nr_queued(dsq_id: int, /) -> int: ...
def scx_bpf_kick_cpu(cpu: int, flags: int, /) -> None: ...
def scx_bpf_task_cpu(p: task_struct, /) -> int: ...
def scx_bpf_nr_cpu_ids() -> int: ...
def tcp_reno_ssthresh(sk: sock, /) -> int: ...
def tcp_reno_undo_cwnd(sk: sock, /) -> int: ...
def tcp_reno_cong_avoid(sk: sock, ack: int, acked: int, /) -> None: ...
def tcp_slow_start(tp: tcp_sock, acked: int, /) -> int: ...
def tcp_cong_avoid_ai(tp: tcp_sock, w: int, acked: int, /) -> None: ...
