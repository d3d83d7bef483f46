savedcmd_/work/main/kfuncs/pybpf_kfuncs.mod := printf '%s\n'   pybpf_kfuncs.o | awk '!x[$$0]++ { print("/work/main/kfuncs/"$$0) }' > /work/main/kfuncs/pybpf_kfuncs.mod
