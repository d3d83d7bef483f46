a + b * c - d
(a + b) * c
a - b - c
a ** b ** c
-a ** -b
-2 ** 2
~a + -b * +c
a // b % c @ d / e
a << b + c >> d
a | b ^ c & d
a | b & c ^ d
a < b <= c == d != e > f >= g
a in b not in c is d is not e
not a == b
not a and b or not c and d
a or b or c and d and e
a if b else c if d else e
(a if b else c) if d else e
lambda: a if b else c
lambda x, y=1: x or y
x = await a ** 2
f(a)(b)[c].d ** e
-a.b[c](d)
a + (b, c)
(yield)
