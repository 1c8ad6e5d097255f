#!/bin/sh
# make demo: the whole story on the embedded default, in a temporary folder.
# Usage: scripts/demo.sh BUILD  (the folder holding issuer, wallet, verifier)
set -eu
BIN=$(cd "${1:-build}" && pwd)
cd "$(dirname "$0")/.."
D=$(mktemp -d "${TMPDIR:-/tmp}/shomei-demo.XXXXXX")
trap 'rm -rf "$D"' EXIT INT TERM

# The demo answers passphrases from environment variables so that it runs
# unattended; without --passphrase-env the programs ask on the terminal with echo
# off. --kdf interactive keeps it quick; the default (moderate) is stronger.
export UNIVERSITY_PASS="demo registrar passphrase"
export GRADUATE_PASS="demo graduate passphrase"

say() { printf '\n== %s\n' "$*"; }
# step CMD...: shows the command, runs it, shows its output and exit code.
step() {
	printf '  $ %s\n' "$*" | sed "s|$BIN/||g; s|$D/||g"
	set +e
	"$@" >"$D/out" 2>&1
	status=$?
	set -e
	sed "s|$D/||g; s/^/    /" "$D/out"
	[ "$status" -eq 0 ] || printf '    (exit code %s)\n' "$status"
}

say "1. A university sets up its signing key (stored encrypted, never in the clear)"
step "$BIN/issuer" init --dir "$D/university" --name "東都工業大学" \
	--kdf interactive --passphrase-env UNIVERSITY_PASS

say "2. A graduate, 山田 太郎, creates a wallet holding his own key; it prints his did:key"
step "$BIN/wallet" init --wallet "$D/wallet" --kdf interactive --passphrase-env GRADUATE_PASS
HOLDER=$(cat "$D/out")

say "3. The registrar issues the class of 2026 from the student system's CSV export"
sed "s|@WALLET_DID@|$HOLDER|" docs/examples/class-2026.csv >"$D/class-2026.csv"
echo "   (docs/examples/class-2026.csv: 5 graduates; one row has the impossible birth date 2003-02-30)"
step "$BIN/issuer" issue --dir "$D/university" --passphrase-env UNIVERSITY_PASS \
	--csv "$D/class-2026.csv" --out "$D/diplomas"
echo "   The bad row is reported with its line; the other four diplomas are issued:"
ls "$D/diplomas" | sed 's/^/    /'

say "4. 山田 imports his diploma; the wallet verifies it before storing it, encrypted"
step "$BIN/wallet" import --wallet "$D/wallet" --passphrase-env GRADUATE_PASS \
	"$D/diplomas/S2022-0001.json"
step "$BIN/wallet" list --wallet "$D/wallet" --passphrase-env GRADUATE_PASS

say "5. He sends it to an employer, whose verifier checks it offline"
step "$BIN/wallet" export --wallet "$D/wallet" --passphrase-env GRADUATE_PASS \
	"$(sed -n 's/^\(urn:uuid:[0-9a-f-]*\) .*/\1/p' "$D/out" | head -n 1)" \
	--out "$D/yamada-diploma.json"
step "$BIN/verifier" verify "$D/yamada-diploma.json"

say "6. Someone edits the diploma to change the name: the verifier rejects it, and says why"
sed 's/"山田 太郎"/"山田 次郎"/' "$D/yamada-diploma.json" >"$D/edited-diploma.json"
step "$BIN/verifier" verify "$D/edited-diploma.json"

say "7. Scripts read the verdict as JSON (and the exit code: 0 valid, 1 invalid, 2 unreadable, 3 untrusted)"
step "$BIN/verifier" verify --json "$D/yamada-diploma.json"

printf '\nThe demo kept its files in a temporary folder, now removed. README.md tours the programs.\n'
