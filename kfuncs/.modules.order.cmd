savedcmd_/work/main/kfuncs/modules.order := {   echo /work/main/kfuncs/pybpf_kfuncs.o; :; } > /work/main/kfuncs/modules.order
