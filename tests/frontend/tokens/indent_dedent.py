def f(x):
    if x:
        while x:
            x -= 1
    return x
class A:
    def g(self):
        if self:
            pass
