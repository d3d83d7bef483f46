from pybpf import*
def t(n:int)->int:
 if 0:return 0*f*()
@()
def f()->0:0