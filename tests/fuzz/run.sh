#!/bin/sh
# make fuzz: fuzzes every harness for SECONDS each, in a scratch copy of its
# corpus (the repository's corpus only grows by hand, with named regressions).
# Usage: tests/fuzz/run.sh FUZZBUILD SECONDS
set -eu
build=${1:?usage: tests/fuzz/run.sh FUZZBUILD SECONDS}
seconds=${2:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/shomei-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
status=0
for f in "$build"/fuzz_*; do
	name=$(basename "$f" | sed 's/^fuzz_//')
	mkdir -p "$work/$name" "$work/$name-crashes"
	cp tests/fuzz/corpus/"$name"/* "$work/$name/" 2>/dev/null || true
	echo "== fuzz_$name for ${seconds}s"
	if ! "$f" -max_total_time="$seconds" -artifact_prefix="$work/$name-crashes/" \
		"$work/$name" 2>"$work/$name.log"; then
		tail -n 30 "$work/$name.log"
		echo "fuzz_$name found a problem; the input was:"
		ls "$work/$name-crashes"
		mkdir -p "build/fuzz-findings/$name"
		cp "$work/$name-crashes/"* "build/fuzz-findings/$name/" || true
		status=1
	else
		grep -E '^#[0-9]+.*DONE|Done [0-9]+ runs' "$work/$name.log" | tail -n 1
	fi
done
exit $status
