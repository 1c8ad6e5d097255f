#!/bin/sh
# The man pages list every command and option that --help lists, and
# `make install` puts the programs and the man pages where PREFIX says.
. tests/e2e/lib.sh

for prog in issuer wallet verifier; do
	man="docs/man/$prog.1"
	# man source writes "-" as "\-": compare without the backslashes.
	plain=$(sed 's/\\-/-/g; s/\\e/\\/g' "$man")
	"$BIN/$prog" --help | sed -n 's/^  \([a-z][a-z ]*[a-z]\)  .*/\1/p' >"$T/cmds"
	[ -s "$T/cmds" ] || not_ok "$prog --help lists no commands"
	while IFS= read -r cmd; do
		printf '%s\n' "$plain" | grep -q "^\.B $prog $cmd\|^\.B $cmd\$\|$prog $cmd" &&
			ok "$man documents '$prog $cmd'" || not_ok "$man lacks the command '$cmd'"
		# shellcheck disable=SC2086 # a two-word command is two arguments
		for opt in $("$BIN/$prog" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			[ "$opt" = "--help" ] && continue
			printf '%s\n' "$plain" | grep -q -- "$opt" ||
				not_ok "$man lacks $opt of '$prog $cmd'"
		done
	done <"$T/cmds"
	for code in 0 1 2; do
		printf '%s\n' "$plain" | sed -n '/^\.SH EXIT STATUS/,/^\.SH/p' | grep -q "^\.B $code\$" ||
			not_ok "$man lacks exit code $code"
	done
	ok "$man lists every option of $prog"
done

# Install into a scratch root with a build of its own.
run make -s install BUILD="$T/build" DESTDIR="$T/root" PREFIX=/opt/shomei
expect "make install" 0 "" ""
for prog in issuer wallet verifier; do
	[ -x "$T/root/opt/shomei/bin/$prog" ] && [ -f "$T/root/opt/shomei/share/man/man1/$prog.1" ] &&
		ok "installed $prog and $prog.1" || not_ok "install lacks $prog or $prog.1"
done
run "$T/root/opt/shomei/bin/verifier" verify vectors/w3c-eddsa-jcs-2022/signedJCS.json
expect "the installed verifier runs (no replica: proof valid, issuer untrusted)" 3 "" "^VALID PROOF, ISSUER NOT TRUSTED"

finish
