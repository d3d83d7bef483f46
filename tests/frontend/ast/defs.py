def f(): pass
def f(a, b, /, c, d=1, *args, e, f=2, **kwargs) -> int:
    return a
def f(a, /): pass
def f(*, a): pass
def f(*a, b=1): pass
def f(a: int = 1, *b: str, c: 'x', **d: dict): pass
@decorator
@decorator.attr(1, x=2)
@(lambda f: f)
def g(): pass
class A: pass
class B(A, C, metaclass=M, **kw):
    x: int = 0
    def method(self) -> None:
        return
@dataclass
class C(): pass
lambda: 0
lambda *a, **k: 0
lambda a, /, b=1, *, c: 0
