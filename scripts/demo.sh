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
export AUTHORITY_PASS="demo authority passphrase"
export LEDGER_PASS="demo ledger writer passphrase"
OTHER_PASS="demo registrar passphrase, Naniwa"
export OTHER_PASS
# Every program of the demo uses this ledger: the issuer writes to it, the
# employer's verifier syncs a replica from it.
export SHOMEI_LEDGER="$D/ledger"
export SHOMEI_AUTHORITY_DIR="$D/authority"
AUTH="--passphrase-env AUTHORITY_PASS --ledger-passphrase-env LEDGER_PASS"

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

say "0. The accrediting authority creates the ledger: its genesis names the authority's key"
step "$BIN/issuer" authority init --origin demo.example.go.jp/diplomas --kdf interactive $AUTH

say "1. A university sets up its signing key (stored encrypted, never in the clear)"
step "$BIN/issuer" init --dir "$D/university" --name "東都工業大学" \
	--kdf interactive --passphrase-env UNIVERSITY_PASS
TOTO=$(cat "$D/out")
echo "   The authority accredits it on the ledger under its school code:"
step "$BIN/issuer" authority register JP-13-0001 --name "東都工業大学" --key "$TOTO" $AUTH

say "2. A graduate, 山田 太郎, creates a wallet holding his own key; it prints his did:key"
step "$BIN/wallet" init --wallet "$D/wallet" --kdf interactive --passphrase-env GRADUATE_PASS
HOLDER=$(cat "$D/out")

say "3. The registrar issues the class of 2026 from the student system's CSV export"
sed "s|@WALLET_DID@|$HOLDER|" docs/examples/class-2026.csv >"$D/class-2026.csv"
echo "   (docs/examples/class-2026.csv: 5 graduates; one row has the impossible birth date 2003-02-30)"
step "$BIN/issuer" issue --dir "$D/university" --passphrase-env UNIVERSITY_PASS \
	--ledger-passphrase-env LEDGER_PASS --csv "$D/class-2026.csv" --out "$D/diplomas"
echo "   The bad row is reported with its line; the other four diplomas are anchored"
echo "   on the ledger in one append (digests only: no personal data) and issued:"
ls "$D/diplomas" | sed 's/^/    /'

say "4. 山田 imports his diploma; the wallet verifies it before storing it, encrypted"
step "$BIN/wallet" import --wallet "$D/wallet" --passphrase-env GRADUATE_PASS \
	"$D/diplomas/S2022-0001.json"
step "$BIN/wallet" list --wallet "$D/wallet" --passphrase-env GRADUATE_PASS

say "5. He sends it to an employer, whose verifier syncs a ledger replica and checks it offline"
step "$BIN/wallet" export --wallet "$D/wallet" --passphrase-env GRADUATE_PASS \
	"$(sed -n 's/^\(urn:uuid:[0-9a-f-]*\) .*/\1/p' "$D/out" | head -n 1)" \
	--out "$D/yamada-diploma.json"
step "$BIN/verifier" ledger sync "$D/ledger" --replica "$D/employer-replica" \
	--trust "$D/authority/trust.json"
step "$BIN/verifier" verify --replica "$D/employer-replica" "$D/yamada-diploma.json"

say "5b. At an interview he shows it as a QR code: degree and his name, not his birth date or student number"
ID=$(sed -n 's/.*"id":"\(urn:uuid:[^"]*\)".*"issuer".*/\1/p' "$D/yamada-diploma.json")
step "$BIN/wallet" present "$ID" --wallet "$D/wallet" --passphrase-env GRADUATE_PASS --list-claims
step "$BIN/wallet" present "$ID" --wallet "$D/wallet" --passphrase-env GRADUATE_PASS \
	--disclose name --nonce interview-2026-04-01 --aud https://employer.example --qr
step "$BIN/wallet" present "$ID" --wallet "$D/wallet" --passphrase-env GRADUATE_PASS \
	--disclose name --nonce interview-2026-04-01 --aud https://employer.example --qr-png "$D/qr.png"
echo "   The employer's verifier reads the QR code from the image (zbar) and checks it offline:"
step "$BIN/verifier" verify --replica "$D/employer-replica" --qr-image "$D/qr.png" \
	--nonce interview-2026-04-01 --aud https://employer.example --require-kb

say "6. Someone edits the diploma to change the name: the verifier rejects it, and says why"
sed 's/"山田 太郎"/"山田 次郎"/' "$D/yamada-diploma.json" >"$D/edited-diploma.json"
step "$BIN/verifier" verify --replica "$D/employer-replica" "$D/edited-diploma.json"

say "7. Scripts read the verdict as JSON (and the exit code: 0 valid, 1 invalid, 2 unreadable, 3 untrusted)"
step "$BIN/verifier" verify --replica "$D/employer-replica" --json "$D/yamada-diploma.json"

say "8. Years later, 東都工業大学 merges into 浪速大学"
step "$BIN/issuer" init --dir "$D/naniwa" --name "浪速大学" --kdf interactive --passphrase-env OTHER_PASS
NANIWA=$(cat "$D/out")
step "$BIN/issuer" authority register JP-27-0002 --name "浪速大学" --key "$NANIWA" $AUTH
step "$BIN/issuer" authority merge JP-13-0001 --into JP-27-0002 $AUTH
echo "   The employer syncs again; 山田's diploma still verifies, and the verdict names the successor:"
step "$BIN/verifier" ledger sync "$D/ledger" --replica "$D/employer-replica"
step "$BIN/verifier" verify --replica "$D/employer-replica" "$D/yamada-diploma.json"
echo "   東都工業大学's old key can no longer anchor anything new:"
step "$BIN/issuer" issue --dir "$D/university" --passphrase-env UNIVERSITY_PASS \
	--ledger-passphrase-env LEDGER_PASS --holder "$HOLDER" --name "山田 太郎" \
	--type MasterDegree --degree "修士（工学）" --conferral-date 2028-03-25 --out "$D/forged.json"

say "9. The successor withdraws one of the absorbed university's diplomas"
S2=$(sed -n 's/.*"id":"\(urn:uuid:[^"]*\)".*"issuer".*/\1/p' "$D/diplomas/S2022-0002.json")
step "$BIN/issuer" revoke "$S2" --for JP-13-0001 --reason withdrawn --dir "$D/naniwa" \
	--passphrase-env OTHER_PASS --ledger-passphrase-env LEDGER_PASS
step "$BIN/verifier" ledger sync "$D/ledger" --replica "$D/employer-replica"
step "$BIN/verifier" verify --replica "$D/employer-replica" "$D/diplomas/S2022-0002.json"

say "10. Later still, 浪速大学 closes too; the authority names a custodian for its records"
step "$BIN/issuer" init --dir "$D/custodian" --name "大学改革支援・学位授与機構" --kdf interactive \
	--passphrase-env OTHER_PASS
CUST=$(cat "$D/out")
step "$BIN/issuer" authority register NIAD --name "大学改革支援・学位授与機構" --key "$CUST" $AUTH
step "$BIN/issuer" authority close JP-27-0002 --custodian NIAD $AUTH
step "$BIN/verifier" ledger sync "$D/ledger" --replica "$D/employer-replica"
echo "   山田's diploma, from a university merged into one that has since closed, still verifies:"
step "$BIN/verifier" verify --replica "$D/employer-replica" "$D/yamada-diploma.json"
step "$BIN/verifier" ledger status --replica "$D/employer-replica"

printf '\nThe demo kept its files in a temporary folder, now removed. README.md tours the programs.\n'
