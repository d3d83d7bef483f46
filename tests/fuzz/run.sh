#!/bin/sh
# run.sh — fuzz the pybpf front end with AFL++ (called by `make fuzz`).
#
#   sh tests/fuzz/run.sh [SECONDS]       default $FUZZ_SECONDS or 1800
#
# Seeds: examples/*.py, tests/errors/*.py, tests/frontend/**/*.py and the
# regression inputs tests/fuzz/regress/*.py, plus the files of the directory
# FUZZ_SEEDS_EXTRA when set (e.g. an earlier run's out/default/queue). Output: build/fuzz/out (an older
# one is moved to build/fuzz/out.<time> first; FUZZ_RESUME=1 resumes it
# instead). Runs at nice 10 (FUZZ_NICE) on one core; the summary at the end
# comes from build/fuzz/out/default/fuzzer_stats.
set -e
cd "$(dirname "$0")/../.."

SECONDS_TO_RUN=${1:-${FUZZ_SECONDS:-1800}}
FUZZ=build/fuzz
HARNESS=$FUZZ/harness-afl
OUTDIR=$FUZZ/out

command -v afl-fuzz >/dev/null 2>&1 || {
	echo "fuzz: afl-fuzz not found; run 'sh scripts/deps-fuzz.sh' (as root)" >&2
	exit 1
}
[ -x "$HARNESS" ] || { echo "fuzz: $HARNESS missing; run 'make fuzz-build'" >&2; exit 1; }

# seed corpus, flattened (dir_name.py), small files only
rm -rf "$FUZZ/seeds"
mkdir -p "$FUZZ/seeds"
for f in examples/*.py tests/errors/*.py $(find tests/frontend -name '*.py') tests/fuzz/regress/*.py; do
	[ -f "$f" ] || continue
	[ "$(wc -c < "$f")" -le 65536 ] || continue
	cp "$f" "$FUZZ/seeds/$(echo "$f" | tr '/' '_')"
done
if [ -n "$FUZZ_SEEDS_EXTRA" ]; then
	i=0
	for f in "$FUZZ_SEEDS_EXTRA"/*; do
		[ -f "$f" ] || continue
		i=$((i + 1))
		cp "$f" "$FUZZ/seeds/extra_$i"
	done
fi
echo "fuzz: $(ls "$FUZZ/seeds" | wc -l) seeds, $SECONDS_TO_RUN s"

input="-i $FUZZ/seeds"
if [ -n "$FUZZ_RESUME" ] && [ -d "$OUTDIR" ]; then
	input="-i -"
elif [ -d "$OUTDIR" ]; then
	mv "$OUTDIR" "$OUTDIR.$(date +%Y%m%d-%H%M%S)"
fi

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
# the compiler leaks by design; afl-fuzz insists on abort_on_error and symbolize=0
export ASAN_OPTIONS="abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:symbolize=0"
status=0
nice -n "${FUZZ_NICE:-10}" afl-fuzz $input -o "$OUTDIR" -x tests/fuzz/python.dict \
	-m none -t "${FUZZ_TIMEOUT:-1000}" -V "$SECONDS_TO_RUN" -- "$HARNESS" @@ >"$FUZZ/afl.log" 2>&1 || status=$?

stats=$OUTDIR/default/fuzzer_stats
if [ ! -f "$stats" ]; then
	echo "fuzz: afl-fuzz failed (status $status), see $FUZZ/afl.log" >&2
	tail -30 "$FUZZ/afl.log" >&2
	exit 1
fi
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|edges_found|total_edges|bitmap_cvg|saved_crashes|saved_hangs|unique_crashes|unique_hangs|stability) ' "$stats"
crashes=$(find "$OUTDIR/default/crashes" "$OUTDIR/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
if [ "$crashes" -gt 0 ]; then
	echo "fuzz: $crashes crash/hang inputs in $OUTDIR/default/{crashes,hangs}" >&2
	echo "fuzz: reproduce with: PYBPF_FUZZ_VERBOSE=1 build/fuzz/harness-asan FILE" >&2
	exit 1
fi
echo "fuzz: no crashes, no hangs"
