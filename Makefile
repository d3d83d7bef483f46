# pybpf — build, set-up, tests and benchmarks.
#
#   make deps    install Debian packages (clang-19, libbpf 1.4 from backports, ...)
#   make         build ./pybpf (statically linked against libbpf)
#   make demo    deps + build + run examples/hello.py for 5 seconds on a workload of its own
#   make test    deps + build + the whole test suite
#   make bench   deps + build + benchmarks side by side with bpftrace
#
# Quiet by default; V=1 shows the full commands.

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -MMD -MP
LDLIBS  := -l:libbpf.a -lelf -lz
OUT     := build

ifeq ($(V),1)
Q :=
else
Q := @
endif

PYC_SRCS    := $(wildcard pyc/*.c)
LOADER_SRCS := $(wildcard loader/*.c)
# helpers/kfunc_probe.c is a program of its own (build/kfunc-probe), not part of pybpf
SRCS        := $(PYC_SRCS) $(LOADER_SRCS) $(filter-out helpers/kfunc_probe.c,$(wildcard helpers/*.c))
OBJS        := $(SRCS:%.c=$(OUT)/%.o) $(OUT)/runtime_h.o

.PHONY: all deps demo test test-fast bench clean mounts
all: pybpf

pybpf: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -Ipyc -Iloader -c -o $@ $<

# The BPF runtime header is embedded in the binary: generated C is self-contained.
$(OUT)/runtime_h.c: bpf/pybpf.h scripts/embed.sh
	@mkdir -p $(OUT)
	$(Q)sh scripts/embed.sh pybpf_runtime_h bpf/pybpf.h > $@

deps:
	$(Q)sh scripts/deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory pybpf native
	sh scripts/demo.sh

test: deps deps-qemu
	$(Q)$(MAKE) --no-print-directory pybpf $(OUT)/pyc-frontend $(OUT)/format-test $(OUT)/fake_btf.o $(OUT)/btf-test \
		$(OUT)/output-test $(OUT)/fuzz/harness-asan $(OUT)/symbols-test $(OUT)/pybpf-static $(OUT)/kfunc-probe native
	python3 tests/run.py

bench: deps deps-qemu
	$(Q)$(MAKE) --no-print-directory pybpf $(OUT)/pybpf-static
	sh bench/run.sh

clean:
	rm -rf $(OUT) pybpf $(NATIVE)

# ---- the Python extension pybpf._native (python/ext/native.c, docs/python-api.md):
# the same compiler and loader objects, built position-independent, against
# Debian's python3-dev, with the stable ABI (any CPython 3.11+ imports it), and
# linked to libbpf.so (Debian's libbpf.a is not position-independent) ----
PY_INCLUDE ?= $(shell /usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
PIC_OBJS   := $(patsubst %.c,$(OUT)/pic/%.o,$(filter-out loader/main.c,$(SRCS))) $(OUT)/pic/runtime_h.o
NATIVE     := python/pybpf/_native.abi3.so
.PHONY: native
native: $(NATIVE)

$(OUT)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (-fPIC)"
	$(Q)$(CC) $(CFLAGS) -fPIC -Ipyc -Iloader -c -o $@ $<

$(OUT)/pic/runtime_h.o: $(OUT)/runtime_h.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -fPIC -c -o $@ $<

$(NATIVE): python/ext/native.c $(PIC_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -MF $(OUT)/pic/native.d -fPIC -shared -I$(PY_INCLUDE) -Ipyc -Iloader -o $@ $^ -lbpf -lelf -lz

-include $(PIC_OBJS:.o=.d)

-include $(OBJS:.o=.d)

# ---- unit tests: loader/format.c against CPython's format() ----
$(OUT)/format-test: tests/unit/format_test.c $(OUT)/loader/format.o $(OUT)/pyc/util.o $(OUT)/pyc/diag.o
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -Ipyc -Iloader -o $@ $^

.PHONY: test-format
test-format: $(OUT)/format-test
	python3 tests/unit/format_cases.py

# ---- front-end test driver (tests/frontend) ----------------------------
FRONTEND_OBJS := $(OUT)/pyc/lex.o $(OUT)/pyc/parse.o $(OUT)/pyc/diag.o $(OUT)/pyc/util.o

$(OUT)/pyc-frontend: $(FRONTEND_OBJS) $(OUT)/tests/frontend/lexparse_main.o
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^

# The same, with AddressSanitizer and UBSan (for the fuzz/smoke runs).
# gcc: clang-19 from Debian ships without the ASan runtime here.
ASAN_CC       ?= gcc
FRONTEND_SRCS := pyc/lex.c pyc/parse.c pyc/diag.c pyc/util.c tests/frontend/lexparse_main.c
$(OUT)/pyc-frontend-asan: $(FRONTEND_SRCS) pyc/pyc.h
	@mkdir -p $(OUT)
	@echo "  LD      $@"
	$(Q)$(ASAN_CC) -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined -Wall -Wextra -Wno-unused-parameter \
		-Wno-missing-field-initializers -D_GNU_SOURCE -Ipyc -o $@ $(FRONTEND_SRCS)

# ---- fuzzing the front end (tests/fuzz, docs/fuzzing.md) -----------------
# harness-asan: gcc (ASAN_CC) ASan+UBSan, no extra packages; reproduces
# findings and runs tests/fuzz/regress_check.py. harness-afl and `make fuzz`
# need AFL++ (sh scripts/deps-fuzz.sh). UBSan is requested by hand rather
# than with AFL_USE_UBSAN=1 (which appends its flags last, so FUZZ_SAN_EXTRA
# could not switch a check off); UBSan reports abort via UBSAN_OPTIONS.
FUZZ_SECONDS ?= 1800
FUZZ_SRCS    := $(PYC_SRCS) loader/format.c helpers/helpers_gen.c helpers/helper_progs_gen.c \
		helpers/kfunc_progs_gen.c tests/fuzz/harness.c $(OUT)/runtime_h.c
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -fno-omit-frame-pointer -D_GNU_SOURCE -Ipyc -Iloader \
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
FUZZ_SAN_EXTRA ?=    # e.g. -fno-sanitize=nonnull-attribute to step past a known report

$(OUT)/fuzz/harness-asan: $(FUZZ_SRCS) pyc/pyc.h pyc/check_int.h loader/support.h
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(ASAN_CC) $(FUZZ_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		$(FUZZ_SAN_EXTRA) -o $@ $(FUZZ_SRCS) $(LDLIBS)

$(OUT)/fuzz/harness-afl: $(FUZZ_SRCS) pyc/pyc.h pyc/check_int.h loader/support.h
	@mkdir -p $(dir $@)
	@echo "  AFL     $@"
	$(Q)AFL_USE_ASAN=1 AFL_QUIET=1 afl-clang-fast $(FUZZ_CFLAGS) -fsanitize=undefined \
		-fno-sanitize-recover=all $(FUZZ_SAN_EXTRA) -o $@ $(FUZZ_SRCS) $(LDLIBS)

.PHONY: fuzz-build fuzz fuzz-regress
fuzz-build: $(OUT)/fuzz/harness-afl $(OUT)/fuzz/harness-asan

fuzz: fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

fuzz-regress: $(OUT)/fuzz/harness-asan
	python3 tests/fuzz/regress_check.py

# ---- unit test: pyc/btf.c and pyc/tpformat.c against the running kernel ----
$(OUT)/btf-test: tests/unit/btf_test.c $(OUT)/pyc/btf.o $(OUT)/pyc/tpformat.o $(OUT)/pyc/util.o
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -Ipyc -o $@ $^ $(LDLIBS)

# A BTF whose task_struct has a field the kernel lacks (tests/unit/fake_btf.c).
$(OUT)/fake_btf.o: tests/unit/fake_btf.c
	@mkdir -p $(OUT)
	$(Q)clang-19 -target bpf -O2 -g -c -o $@ $<

.PHONY: test-btf
test-btf: $(OUT)/btf-test
	$(OUT)/btf-test tests/unit

# ---- unit test: loader/output.c (text like bpftrace, JSON lines) ----
$(OUT)/output-test: tests/unit/output_test.c $(OUT)/loader/output.o $(OUT)/loader/format.o $(OUT)/pyc/util.o
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -Ipyc -Iloader -o $@ $^

.PHONY: test-output
test-output: $(OUT)/output-test
	python3 tests/unit/output_cases.py

# ---- helper and kfunc tables: helpers/helpers_gen.[ch] (committed) ----
# Regenerate after a libbpf upgrade or a change to kfuncs/pybpf_kfuncs.h;
# tests/unit/helpers_stale.py fails while they are stale. Needs pycparser.
.PHONY: helpers test-helpers
helpers:
	python3 helpers/gen_helpers.py --helpers /usr/include/bpf/bpf_helper_defs.h --kfuncs kfuncs/pybpf_kfuncs.h

test-helpers:
	python3 tests/unit/helpers_stale.py
	python3 tests/unit/helper_progs_stale.py
	python3 tests/unit/kfunc_progs_stale.py

# Which program types the running kernel's verifier lets call each helper
# (helpers/helper_progs_gen.[ch], committed): `bpftool feature probe kernel`.
# Regenerate after a kernel upgrade; needs root.
.PHONY: helper-progs
helper-progs:
	python3 helpers/gen_helper_progs.py

# Which program types the running kernel's verifier lets call each kfunc
# (helpers/kfunc_progs_gen.[ch], committed): build/kfunc-probe loads a call
# of every kfunc in every program type. Regenerate after a kernel upgrade;
# needs root.
# docs/language.md's `pybpf api --coverage` block (every exclusion with its
# reason): helpers/gen_coverage_doc.py; tests/unit/coverage_doc_stale.py checks it.
.PHONY: coverage-doc
coverage-doc: pybpf
	python3 helpers/gen_coverage_doc.py

.PHONY: kfunc-progs
kfunc-progs: $(OUT)/kfunc-probe
	python3 helpers/gen_kfunc_progs.py

$(OUT)/kfunc-probe: helpers/kfunc_probe.c
	@mkdir -p $(OUT)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

# Every helper callable from a @tracepoint probe, loaded once in a generated
# probe (helpers/helper_matrix.txt, committed); needs root and ./pybpf.
.PHONY: helper-matrix
helper-matrix: pybpf
	python3 helpers/gen_helper_matrix.py

# Every kfunc callable from a @tracepoint probe, loaded once in a generated
# probe (helpers/kfunc_matrix.txt, committed); needs root and ./pybpf.
.PHONY: kfunc-matrix
kfunc-matrix: pybpf
	python3 helpers/gen_kfunc_matrix.py

# ---- SYSCALL_NAMES in examples/tools/syscount.py (committed), from <asm/unistd_64.h> ----
# Regenerate after a kernel headers upgrade; tests/unit/syscall_names_stale.py
# fails while it is stale.
.PHONY: syscall-names
syscall-names:
	python3 scripts/gen_syscall_names.py

# ---- QEMU tier (tests/qemu): the kfunc module (kfuncs/) in Debian's kernel ----
# `make test-qemu` prints `qemu: N passed, M failed` (tests/qemu/README.md).
$(OUT)/pybpf-static: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -static -o $@ $(OBJS) $(LDLIBS)

.PHONY: deps-qemu test-qemu
deps-qemu:
	$(Q)sh scripts/deps-qemu.sh

test-qemu: deps-qemu
	$(Q)$(MAKE) --no-print-directory pybpf $(OUT)/pybpf-static
	python3 tests/qemu/run.py
	python3 tests/qemu/sched.py

# the sched_ext guest kernel (tests/qemu/sched.py builds it when missing;
# cached outside the tree, ~31 min on 2 CPUs: docs/sched.md)
.PHONY: guest-kernel
guest-kernel: deps-qemu
	$(Q)sh scripts/guest-kernel.sh

# ---- unit test: loader/symbols.c (kstack/ustack symbolization) ----
$(OUT)/symbols-test: tests/unit/symbols_test.c $(OUT)/loader/symbols.o $(OUT)/pyc/util.o
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -Ipyc -Iloader -o $@ $^ $(LDLIBS)

.PHONY: test-symbols
test-symbols: $(OUT)/symbols-test
	python3 tests/unit/symbols_cases.py
