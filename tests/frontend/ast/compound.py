if a:
    pass
elif b:
    pass
elif c: pass
else:
    pass
while x:
    x -= 1
    if x: break
    else: continue
else:
    pass
for i in range(10): pass
for i, (j, k) in items:
    pass
else:
    pass
try:
    pass
except ValueError:
    pass
except (A, B) as e:
    raise
except:
    pass
else:
    pass
finally:
    pass
try:
    pass
finally:
    pass
try:
    pass
except* A:
    pass
except* B as e:
    pass
with a: pass
with a as b, c as (d, e): pass
with (a as b, c):
    pass
with (a, b):
    pass
with (a, b) as c:
    pass
with (yield):
    pass
async def f():
    async for x in y:
        await x
    async with a as b:
        pass
if x: a = 1; b = 2;
