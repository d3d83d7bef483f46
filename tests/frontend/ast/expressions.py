f()
f(a, b)
f(a, *b, c=1, **d)
f(*a, b=1, *c)
f(x for x in y)
f(a)(b)
a.b.c
a[1]
a[1:2]
a[:]
a[::2]
a[1:2:3]
a[1:2, ::3]
a[b, c]
a[*b]
a[x := 1]
(x := 5)
[x := 1, y]
[]
[1, 2, *x]
()
(1,)
(1, 2)
{}
{1: 2, **d, 3: 4}
{1, 2, *s}
[x for x in y]
[x * y for x in a if x for y in b if y if z]
{x for x in y}
{k: v for k, v in d.items()}
(x for x in y)
[x async for x in y]
[x for x in (y if c else z)]
[x for x, in y]
...
None, True, False
0x10, 18446744073709551616
"a" "b" 'c'
b"a" b"b"
"a" f"{b}" "c"
f"x={x!r:>10}" if False else 0
f"{a + b} {c if d else e} {f(g)[h]}"
f"{x=}"
f"""{
    a +
    b
}"""
*a, b
match = 1
match.x = 2
match(x)
print(match)
match[1]: int = 2
case = 3
