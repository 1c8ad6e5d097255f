# lib.sh - shared by the end-to-end scripts. Each check prints "ok - ..." or
# "not ok - ..." (tests/run.sh counts them); a script ends with `finish`.
# Programs come from $SHOMEI_BIN (set by tests/run.sh; default build/san).
set -u
BIN=${SHOMEI_BIN:-$PWD/build/san}
ISSUER="$BIN/issuer"
WALLET="$BIN/wallet"
VERIFIER="$BIN/verifier"
T=$(mktemp -d "${TMPDIR:-/tmp}/shomei-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
_ok=0
_bad=0
# Fast key derivation for tests; real users get the moderate default.
KDF="--kdf interactive"
export SHOMEI_PASS="correct horse battery staple"
# Hermetic state: nothing is read from or written to the user's folders.
export XDG_DATA_HOME="$T/xdg"
# The ledger every program of a test uses unless told otherwise: the issuer
# writes it, the verifier reads it as its replica.
export SHOMEI_LEDGER="$T/ledger"
export SHOMEI_AUTHORITY_DIR="$T/authority"
export SHOMEI_LEDGER_PASS="ledger writer passphrase"
export SHOMEI_AUTHORITY_PASS="authority passphrase"
LP="--ledger-passphrase-env SHOMEI_LEDGER_PASS"
AP="--passphrase-env SHOMEI_AUTHORITY_PASS $LP"

# Debian's python3 (with python3-pil and python3-cryptography), not one that a
# version manager may put first in PATH.
PYTHON=$(command -v /usr/bin/python3 || command -v python3)

ok() { echo "ok - $*"; _ok=$((_ok + 1)); }
not_ok() { echo "not ok - $*"; _bad=$((_bad + 1)); }

# run CMD...: runs it, keeping stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect DESCRIPTION EXIT_CODE [STDERR_LINE [STDOUT_PATTERN]] — after `run`.
# STDERR_LINE must be the whole of stderr (one line) when given and not "";
# STDOUT_PATTERN is a grep -E pattern that stdout must match.
expect() {
	desc=$1
	want_rc=$2
	want_err=${3-}
	want_out=${4-}
	why=""
	[ "$rc" -eq "$want_rc" ] || why="exit $rc, wanted $want_rc"
	if [ -z "$why" ] && [ -n "$want_err" ]; then
		got=$(cat "$T/err")
		[ "$got" = "$want_err" ] || why="stderr was: $got"
	fi
	if [ -z "$why" ] && [ -n "$want_out" ]; then
		grep -aEq -- "$want_out" "$T/out" || why="stdout did not match /$want_out/: $(head -c 400 "$T/out")"
	fi
	# A sanitizer report fails any check, whatever the exit code.
	if grep -q 'Sanitizer' "$T/err"; then
		why="sanitizer report: $(grep -m1 Sanitizer "$T/err")"
	fi
	if [ -z "$why" ]; then
		ok "$desc"
	else
		not_ok "$desc: $why"
		sed 's/^/#   /' "$T/err" | head -n 20
	fi
}

# ledger_setup: the authority, its key, the ledger and its genesis.
ledger_setup() {
	"$ISSUER" authority init --origin test.example/diplomas $KDF $AP >"$T/out" 2>"$T/err" ||
		{ not_ok "authority init: $(cat "$T/err")"; return 1; }
}

# register DIR ID NAME: accredits the institution in DIR (made by issuer init).
register() {
	_did=$(sed -n 's/.*"did": *"\([^"]*\)".*/\1/p' "$1/institution.json")
	"$ISSUER" authority register "$2" --name "$3" --key "$_did" $AP >"$T/out" 2>"$T/err" ||
		{ not_ok "register $2: $(cat "$T/err")"; return 1; }
}

# http_serve DIR: python3's http.server on a free port of 127.0.0.1, serving
# DIR, stopped when the script ends; $PORT is its port ("" if it never came up).
http_serve() {
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$T/server.log" 2>&1 &
	SERVER=$!
	trap 'kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT INT TERM
	PORT=""
	_i=0
	while [ -z "$PORT" ] && [ $_i -lt 100 ]; do
		PORT=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$T/server.log")
		[ -n "$PORT" ] || sleep 0.1
		_i=$((_i + 1))
	done
}

finish() {
	echo "# $(basename "$0"): $_ok ok, $_bad not ok"
	[ "$_bad" -eq 0 ]
}
