x = 1
x = y = z = 0
a, b = b, a
(a, b), [c, *d] = e
*a, b = c
a.b.c = d[e][f] = g
x[1:2] = y
x += 1
x -= 1; x *= 2; x /= 3; x //= 4; x %= 5; x @= 6
x &= 1; x |= 2; x ^= 3; x >>= 4; x <<= 5; x **= 6
x.y += z
x: int
x: int = 5
self.count: u64 = 0
d[k]: list[int] = []
(x): int = 1
x = yield y
x = *a, *b
x = a,
