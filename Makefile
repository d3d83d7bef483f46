# pybpf — build, set-up, tests and benchmarks.
#
#   make deps    install Debian packages (clang-19, libbpf 1.4 from backports, ...)
#   make         build ./pybpf (statically linked against libbpf)
#   make demo    deps + build + run examples/hello.py for 5 seconds
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
SRCS        := $(PYC_SRCS) $(LOADER_SRCS)
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
	$(Q)$(MAKE) --no-print-directory pybpf
	./pybpf load examples/hello.py --duration 5

test: deps
	$(Q)$(MAKE) --no-print-directory pybpf $(OUT)/pyc-frontend $(OUT)/format-test
	python3 tests/run.py

bench: deps
	$(Q)$(MAKE) --no-print-directory pybpf
	sh bench/run.sh

clean:
	rm -rf $(OUT) pybpf

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
