/work/main/kfuncs/pybpf_kfuncs.o
