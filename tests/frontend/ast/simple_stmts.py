import a
import a.b.c
import a as b, c.d as e
from a import b
from a.b import c as d, e
from . import x
from .. import (y, z as w,)
from ...a import *
from .... import q
from .a import (b)
global x, y
nonlocal z
del x
del x, y[0], z.w,
del (a, b), [c]
assert x
assert x, "message"
raise
raise E
raise E("x") from None
return
return x
return x, y
return *a, b
pass
break
continue
yield
yield x
yield x, y
yield from g()
