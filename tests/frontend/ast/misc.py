x = [*a, *b]
f(**a, **b)
def g(): x = yield; y = lambda: (yield)
del (a)
a[1:2, ...]
not -x
x if y else lambda: z
[i for i in range(3) if i if not i]
for x in *a, *b: pass
x = 1 if a else 2 if b else 3
print(f"{x!r}")
with open(a) as f, open(b) as g: pass
with (open(a) as f,
      open(b) as g):
    pass
class A(B): x: int
@a.b[1]
def f(): ...
x = a if (b := c) else d
while (n := n - 1) > 0: pass
assert (yield) if 0 else 1
f(a)[b](c)
x = {**a}
x = {1: 2 for a in b}
a, = b
[a, [b, *c]] = d
x = (yield from g)
x = -1 ** -2
x = a not in b
s = 'a' "b" '''c''' """d"""
s = b'a' rb'b' Br"c"
t = f'{a}' 'b' f"{c}"
x = lambda *, a: a
x = lambda a, /: a
def f(a, /, b, *, c): pass
async def f(): return [x async for x in y] + [await z for z in w]
import a.b as c
from . import (a, b)
try:
    pass
except* (A, B) as e:
    pass
if 1: pass
elif 2: pass
x = 0b1_0 + 0o7_7 + 0x_F + 1_0
x = f'{a = !r:>10}'
x = f'{"nested"}{f"{1}"}'
x = f'''{
a
}'''
x[a:b:c, d:e] = 1
x = (a for b in c for d in e if f)
nonlocal_ = 1
match, case = 1, 2
match = [match]
print(match.x, match[1], match(1))
match -1 + x
