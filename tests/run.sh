#!/bin/sh
# Runs every test of `make check`: the cmocka unit programs, the end-to-end
# scripts and the fuzz regression corpora. Usage: tests/run.sh BUILD FUZZBUILD
# Prints each runner's own summary, then one last line "N passed, N failed".
set -u
build=${1:?usage: tests/run.sh BUILD FUZZBUILD}
fuzzbuild=${2:?usage: tests/run.sh BUILD FUZZBUILD}
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export SHOMEI_BIN="$PWD/$build"

echo "== unit tests (cmocka, ASan+UBSan)"
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	# A hung test fails rather than stalling the suite.
	timeout 600 "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	[ "$rc" -eq 124 ] && echo "not ok - $(basename "$t") timed out after 600 s"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		# crashed or sanitizer abort before cmocka could count
		failed=$((failed + 1))
	fi
	[ "$rc" -ne 0 ] && failures="$failures $(basename "$t")"
done

echo "== end-to-end tests"
for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	timeout 900 sh "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with $rc"
		failed=$((failed + 1))
	fi
	[ "$rc" -ne 0 ] && failures="$failures $(basename "$t")"
done

echo "== fuzz regression corpora (libFuzzer, each input once)"
for f in "$fuzzbuild"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f" | sed 's/^fuzz_//')
	corpus="tests/fuzz/corpus/$name"
	if [ ! -d "$corpus" ]; then
		echo "not ok - fuzz_$name has no corpus in $corpus"
		failed=$((failed + 1))
		continue
	fi
	if timeout 600 "$f" -runs=0 "$corpus" >"$log" 2>&1; then
		echo "ok - fuzz_$name: $(ls "$corpus" | wc -l) corpus inputs"
		passed=$((passed + 1))
	else
		cat "$log"
		echo "not ok - fuzz_$name"
		failed=$((failed + 1))
		failures="$failures fuzz_$name"
	fi
done

[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
