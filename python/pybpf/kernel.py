"""pybpf.kernel: the running kernel's enumerators, by name, for CPython.

`from pybpf.kernel import TCP_ESTABLISHED` gives the value the kernel's BTF
(/sys/kernel/btf/vmlinux) holds, as pybpf does when it compiles a probe.
"""
import struct

_BTF = "/sys/kernel/btf/vmlinux"
_values = None

# BTF kinds (include/uapi/linux/btf.h) and the bytes that follow each type
_ENUM, _ENUM64 = 6, 19


def _extra(kind, vlen):
    return {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen, 13: 8 * vlen, 14: 4, 15: 12 * vlen,
            17: 4, 19: 12 * vlen}.get(kind, 0)


def _load():
    values = {}
    with open(_BTF, "rb") as f:
        data = f.read()
    magic, _ver, _flags, hdr_len, type_off, type_len, str_off, _str_len = struct.unpack_from("<HBBIIIII", data)
    if magic != 0xEB9F:
        raise ImportError(f"{_BTF} is not BTF")
    types, strs = hdr_len + type_off, hdr_len + str_off

    def name(off):
        end = data.index(b"\0", strs + off)
        return data[strs + off:end].decode()

    pos, end = types, types + type_len
    while pos < end:
        _name_off, info, size = struct.unpack_from("<III", data, pos)
        kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
        signed = bool(info >> 31)
        pos += 12
        if kind == _ENUM:
            for i in range(vlen):
                n, v = struct.unpack_from("<Ii" if signed else "<II", data, pos + 8 * i)
                values.setdefault(name(n), v)
        elif kind == _ENUM64:
            for i in range(vlen):
                n, lo, hi = struct.unpack_from("<III", data, pos + 12 * i)
                v = hi << 32 | lo
                if signed and v >= 1 << 63:
                    v -= 1 << 64
                values.setdefault(name(n), v)
        pos += _extra(kind, vlen)
    return values


def __getattr__(name):
    global _values
    if _values is None:
        _values = _load()
    if name in _values:
        return _values[name]
    raise AttributeError(f"the kernel has no enumerator '{name}'")
