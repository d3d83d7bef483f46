#!/usr/bin/env python3
"""Compare loader/format.c (through build/format-test) with CPython's format().

Builds a few thousand cases: a fixed list of tricky specs crossed with many
values, seeded random specs (valid and invalid), strings with multi-byte and
invalid UTF-8, and repr() cases. Prints "format: N passed, M failed" and the
first mismatches; exits 1 on any mismatch."""
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "build", "format-test")

INT_SPECS = """
d | 5 | 05 | <5 | >5 | ^5 | =5 | *^9 | 0=8 | +d | - | ' ' | +05 | ' '05 | -05
, | _ | 010, | 012_ | 04, | 05, | 06, | 07_ | 0, | 01, | 02, | 03, | 1, | 0=10, | =010,
x | X | o | b | #x | #X | #o | #b | #010x | #010X | #_x | _x | _X | _b | _o | #_b
#012_b | 09_x | 0=#10x | +#x | ' '#X | #x> | >#10x | <#10x | ^#10x | x^#11_x
,x | ,b | ,o | ,X | ,c | ,n | ,s | _c | _n | _s | ,_ | _, | ,, | __ | ,d | _d
c | 5c | <5c | ^5c | =5c | 05c | +c | #c | ' 'c | -c | c=5c
n | 05n | #n | +n | 10n | <10n
.2 | .0d | .1x | z | zd | z5 | zx | #d | #5d | 0d | 00 | 000 | 0010 | 1000000000000000000000
s | q | e | f | g | E | F | G | % | .2f | ,.2f | 015,.2f | .0e | #.0e | #.0f | #g | .3g | _.1%
.100f | +e | ' 'G | 020.3e | =20.3e | .0% | #.0% | z.2f | zf | ,e | _f | ,g | *^20,.2f
-^10 | x<10 | x>10 | x=10 | 0<10 | 0>10 | 0^10 | 0=10 | ★^11 | é>9 | é=9, | {<6 | }>6
<<5 | >>5 | ^^5 | ==5 | ,<6 | 1<6 | ><6 | 0>06 | 5>05 | x>05 | <05 | ^05 | >05 | =05
+ | ++ | +- | -+ | #+ | z# | 0# | #0 | 10.2 | . | .x | 5. | ,. | ., | _.2 | d5 | 5d5 | dd | x5
ü | ※ | \x7f | 05★ | ,★ | ,é
""".replace("\n", " | ").split("|")

STR_SPECS = """
s | 5 | <5 | >5 | ^5 | =5 | *^9 | 05 | 0>5 | 0=5 | 0 | 00 | 5s | <10s | .0 | .1 | .2 | .3 | .10
10.2 | ^10.3 | x>8.1s | .0s | , | _ | ,s | _s | +s | - | ' ' | +5 | #s | #5 | z | zs | d | x | c
r | S | .100000000000 | 99999999999999999999 | .99999999999999999999 | ★^7 | é<6 | ü | ※ | 3.2x
""".replace("\n", " | ").split("|")


def clean(specs):
    out = []
    for s in specs:
        s = s.strip()
        if s == "''":
            s = ""
        s = s.replace("' '", " ")
        s = s.replace("\\x7f", "\x7f")
        out.append(s)
    return out


INT_SPECS = clean(INT_SPECS)
STR_SPECS = clean(STR_SPECS)

INT_VALUES = [0, 1, -1, 7, 9, 10, 42, -42, 97, 255, 256, 999, 1000, -1000, 1234,
              -1234, 9999, 65535, 65536, 123456, 1234567, -1234567, 123456789,
              -987654321, 2**31 - 1, -2**31, 2**32, 2**53 + 1, 2**62 + 12345,
              2**63 - 1, -2**63, -2**63 + 1, 10**18, -10**18, 0x10ffff,
              0x110000, 8364, 0x1f642, 0xe9, 0xd800, 0x7f, 0x85]
UINT_VALUES = [0, 1, 5, 1000, 2**63, 2**63 + 5, 2**64 - 1, 10**19, 0x10ffff,
               12345678901234567890]
STRINGS = ["", "a", "ab", "abc", "hello", "hello world", "héllo", "日本語",
           "🙂x", "a\\b", "quote'd", 'dq"x', "x" * 30, "ñandú ☃ ⛄", "\x7f\x01z",
           "é" * 12, "a\u0301b"]


def hexs(b):
    return b.hex()


def esc(b):
    return b.replace(b"\\", b"\\\\").replace(b"\n", b"\\n")


def expect_format(value, spec):
    try:
        r = format(value, spec)
    except ValueError as e:
        return ("ERROR: " + str(e)).encode()
    except OverflowError:
        return b"RUNTIME-ERROR"
    return esc(r.encode("utf-8", "surrogateescape" if isinstance(value, str) else "surrogatepass"))


def expect_repr(b):
    s = b.decode("utf-8", "surrogateescape")
    r = repr(s)

    def fix(m):
        bs = m.group(1)
        if len(bs) % 2 == 1:
            return bs[:-1] + "\\x" + m.group(2)
        return m.group(0)
    r = re.sub(r"(\\+)udc([89a-f][0-9a-f])", fix, r)
    return esc(r.encode())


def main():
    rnd = random.Random(1234)
    cases = []   # (input line, expected bytes, description)

    def add_int(kind, spec, v):
        cases.append(("%s\t%s\t%d" % (kind, spec, v), expect_format(v, spec),
                      "format(%d, %r)" % (v, spec)))

    def add_str(spec, s):
        b = s.encode("utf-8", "surrogateescape")
        if "\t" in s or "\n" in s or any(0xdc80 <= ord(c) <= 0xdcff for c in s):
            line = "strhex\t%s\t%s" % (spec, hexs(b))
        else:
            line = "str\t%s\t%s" % (spec, s)
        cases.append((line, expect_format(s, spec), "format(%r, %r)" % (s, spec)))

    def add_repr(b):
        cases.append(("repr\t\t%s" % hexs(b), expect_repr(b), "repr(%r)" % b))

    for spec in INT_SPECS:
        for v in INT_VALUES:
            add_int("int", spec, v)
        for v in UINT_VALUES:
            add_int("uint", spec, v)
    for spec in STR_SPECS:
        for s in STRINGS:
            add_str(spec, s)

    # seeded random specs
    fills = list(" *0x_<>=^,.#+-z9★é")
    types = list("bcdoxXnsefgEFG%qZ") + ["", "", ""]

    def rand_spec():
        if rnd.random() < 0.08:
            return "".join(rnd.choice("<>=^+- z#0123456789,_.bcdoxXnsf%é") for _ in range(rnd.randint(1, 6)))
        s = ""
        if rnd.random() < 0.4:
            if rnd.random() < 0.5:
                s += rnd.choice(fills)
            s += rnd.choice("<>=^")
        if rnd.random() < 0.3:
            s += rnd.choice("+- ")
        if rnd.random() < 0.05:
            s += "z"
        if rnd.random() < 0.25:
            s += "#"
        if rnd.random() < 0.25:
            s += "0"
        if rnd.random() < 0.6:
            s += str(rnd.randint(0, 30))
        if rnd.random() < 0.25:
            s += rnd.choice(",_")
        if rnd.random() < 0.15:
            s += "." + str(rnd.randint(0, 12))
        s += rnd.choice(types)
        return s

    def rand_int():
        r = rnd.random()
        if r < 0.3:
            return rnd.randint(-1000, 1000)
        if r < 0.6:
            return rnd.randint(-2**63, 2**63 - 1)
        bits = rnd.randint(1, 63)
        return rnd.choice([1, -1]) * rnd.randint(0, 2**bits - 1)

    def rand_str():
        alpha = "abcxyz 012'\"\\éü日本🙂\t\x01\x7f"
        s = "".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 14)))
        if rnd.random() < 0.2:
            # a few invalid UTF-8 bytes, surrogate-escaped
            s += bytes([rnd.randint(0x80, 0xff)]).decode("utf-8", "surrogateescape")
        return s

    for _ in range(2500):
        spec = rand_spec()
        if rnd.random() < 0.15:
            add_int("uint", spec, rnd.randint(0, 2**64 - 1))
        else:
            add_int("int", spec, rand_int())
    for _ in range(1000):
        add_str(rand_spec(), rand_str())

    # repr
    reprs = [b"", b"a", b"it's", b'say "hi"', b"both ' and \"", b"back\\slash",
             b"\t\n\r\x00\x01\x1f\x7f", b"caf\xc3\xa9", "日本語🙂".encode(),
             "\x80\x9f\xa0\xad\xff\u0100\u0378\u200b\u2028\ue000\U0010ffff\U000e0001\u3000".encode(),
             b"\xff\xfe", b"\xc3", b"\xe2\x82", b"\xe2\x82A", b"\xed\xa0\x80", b"\xc0\xaf",
             b"\xf4\x90\x80\x80", b"\xf0\x9f\x99\x82", b"\\udc80", b"\\\\xff", b"a\x85b"]
    for b in reprs:
        add_repr(b)
    pool = [b"a", b"'", b'"', b"\\", b"\n", b"\x00", b"\x7f", b"\xc3\xa9", b"\xc2\x85",
            b"\xc2\xa0", "\u2028".encode(), "\U0001f642".encode(), b"\xff", b"\xe2\x82",
            "\u0378".encode(), "\u0301".encode(), b"u", b"dc80"]
    for _ in range(500):
        add_repr(b"".join(rnd.choice(pool) for _ in range(rnd.randint(0, 8))))

    inp = "".join(c[0] + "\n" for c in cases).encode("utf-8", "surrogateescape")
    res = subprocess.run([BIN], input=inp, stdout=subprocess.PIPE, check=True)
    got = res.stdout.split(b"\n")
    if got and got[-1] == b"":
        got.pop()
    passed = failed = 0
    shown = []
    for i, (line, exp, desc) in enumerate(cases):
        g = got[i] if i < len(got) else b"<missing>"
        if g == exp:
            passed += 1
        else:
            failed += 1
            if len(shown) < 15:
                shown.append("  %s\n    expected %r\n    got      %r" % (desc, exp, g))
    if len(got) != len(cases):
        print("format: output has %d lines for %d cases" % (len(got), len(cases)))
        failed += 1
    print("format: %d passed, %d failed" % (passed, failed))
    for s in shown:
        print(s)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
