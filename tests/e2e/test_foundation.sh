#!/bin/sh
# End to end: issuer -> wallet -> verifier on real files, with the exact
# stdout, stderr line and exit code of each program (docs/man/*.1).
. tests/e2e/lib.sh

I="$T/uni"
W="$T/wallet"
P="--passphrase-env SHOMEI_PASS"

# --- usage and help ------------------------------------------------------------
for prog in "$ISSUER" "$WALLET" "$VERIFIER"; do
	run "$prog" --help
	expect "$(basename "$prog") --help" 0 "" "^usage: $(basename "$prog") COMMAND"
	run "$prog"
	expect "$(basename "$prog") without a command" 2 "" ""
	run "$prog" frobnicate
	expect "$(basename "$prog") unknown command" 2 \
		"$(basename "$prog"): frobnicate: unknown command; '$(basename "$prog") --help' lists them"
done
run "$ISSUER" issue --help
expect "issuer issue --help lists its options" 0 "" "--csv FILE"
run "$ISSUER" init --colour
expect "unknown option" 2 "issuer: init: unknown option --colour"
run "$ISSUER" issue --out a --out b
expect "option given twice" 2 "issuer: issue: --out given twice"
run "$ISSUER" init --name X --passphrase-env A --passphrase-fd 0
expect "conflicting options" 2 \
	"issuer: init: --passphrase-env and --passphrase-fd cannot be used together"
run "$VERIFIER" verify
expect "verify without a file" 2 "verifier: verify: give one FILE|-, --qr-text TEXT or --qr-image FILE"

# --- institution and holder keys ----------------------------------------------
run "$ISSUER" init --dir "$I" --name "東京工科大学" $KDF $P
expect "issuer init prints the institution's did:key" 0 "" "^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$"
ISSUER_DID=$(cat "$T/out")
mode=$(stat -c %a "$I/issuer.key")
[ "$mode" = 600 ] && ok "key file is mode 0600" || not_ok "key file is mode $mode"
if grep -q "東京工科大学" "$I/issuer.key"; then not_ok "key file has plain text"; else ok "key file holds no plain text"; fi
run "$ISSUER" init --dir "$I" --name "Other" $KDF $P
expect "a second init is refused" 4 "issuer: $I: already holds an institution; refusing to overwrite it"
SHOMEI_EMPTY= run "$ISSUER" init --dir "$T/x" --name X --passphrase-env SHOMEI_EMPTY
expect "an empty passphrase is refused" 4 ""

ledger_setup && ok "the authority creates the ledger"
register "$I" JP-13-1001 "東京工科大学" && ok "the authority registers the institution"

run "$WALLET" init --wallet "$W" $KDF $P
expect "wallet init prints the holder's did:key" 0 "" "^did:key:z6Mk"
HOLDER=$(cat "$T/out")

# --- one diploma ---------------------------------------------------------------
run "$ISSUER" issue --dir "$I" $P $LP --holder "$HOLDER" --name "山田 太郎" --student-id S1 \
	--type BachelorDegree --degree "学士（工学）" --field "情報工学" \
	--conferral-date 2026-03-25 --valid-from 2026-03-25T00:00:00+09:00 \
	--valid-until 2076-03-25T00:00:00Z --out "$T/d.json"
expect "issue one diploma" 0 "" ""
run "$VERIFIER" verify "$T/d.json"
expect "the verifier accepts it" 0 "" "^VALID: 学士（工学） \(BachelorDegree\)"
grep -q "holder       山田 太郎 ($HOLDER)" "$T/out" && ok "verdict names the holder" || not_ok "verdict names the holder"
run "$ISSUER" issue --dir "$I" $P $LP --holder "$HOLDER" --name "$(printf 'x\377')" \
	--type BachelorDegree --degree X --conferral-date 2026-03-25 --out "$T/bad-utf8.json"
expect "a claim that is not UTF-8 is refused" 2 "issuer: claims: name: not valid UTF-8"
run "$VERIFIER" verify --json "$T/d.json"
expect "--json report" 0 "" '"version":1,"status":"valid"'
grep -q '"subjectName":"山田 太郎"' "$T/out" && ok "Japanese name round-trips" || not_ok "Japanese name round-trips: $(cat "$T/out")"
run "$VERIFIER" verify - <"$T/d.json"
expect "verify from stdin" 0 "" "^VALID"

# --- tampering and bad input -------------------------------------------------------
sed 's/山田 太郎/山田 次郎/' "$T/d.json" >"$T/tampered.json"
run "$VERIFIER" verify "$T/tampered.json"
expect "a changed name is rejected" 1 \
	"verifier: $T/tampered.json: proof.proofValue: signature does not verify" "^INVALID"
sed 's/"proofValue": *"z/"proofValue":"z0/' "$T/d.json" >"$T/b58.json"
run "$VERIFIER" verify "$T/b58.json"
expect "a proofValue outside base58btc" 1 "verifier: $T/b58.json: proof.proofValue: not base58btc"
sed 's/"cryptosuite": *"eddsa-jcs-2022"/"cryptosuite":"eddsa-rdfc-2022"/' "$T/d.json" >"$T/suite.json"
run "$VERIFIER" verify "$T/suite.json"
expect "another cryptosuite" 1 \
	"verifier: $T/suite.json: proof.cryptosuite: unsupported cryptosuite eddsa-rdfc-2022"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["proof"]; print(json.dumps(d, ensure_ascii=False))' "$T/d.json" >"$T/noproof.json"
run "$VERIFIER" verify "$T/noproof.json"
expect "no proof" 1 "verifier: $T/noproof.json: proof: missing"
printf '{"a": 1,' >"$T/trunc.json"
run "$VERIFIER" verify "$T/trunc.json"
expect "truncated JSON is unreadable" 2 ""
printf '{"a": {"b": 1, "b": 2}}' >"$T/dup.json"
run "$VERIFIER" verify "$T/dup.json"
expect "duplicate members are refused with their path" 2 \
	"verifier: $T/dup.json: a: duplicate member \"b\""
python3 -c 'print("[" * 40 + "]" * 40)' >"$T/deep.json"
run "$VERIFIER" verify "$T/deep.json"
expect "nesting too deep" 2 ""
run "$VERIFIER" verify "$T/does-not-exist.json"
expect "a missing file" 2 "verifier: $T/does-not-exist.json: No such file or directory"

# --- time ----------------------------------------------------------------------------
run "$VERIFIER" verify --at 2080-01-01T00:00:00Z "$T/d.json"
expect "expired after validUntil" 1 \
	"verifier: $T/d.json: validUntil: expired on 2076-03-25T00:00:00Z"
run "$VERIFIER" verify --at 2026-03-24T14:59:59Z "$T/d.json"
expect "not yet valid before validFrom (+09:00 honoured)" 1 \
	"verifier: $T/d.json: validFrom: not yet valid (valid from 2026-03-24T15:00:00Z)"
run "$VERIFIER" verify --at 1774364400 "$T/d.json"
expect "--at in Unix seconds" 0 "" "checked at   2026-03-24T15:00:00Z"
run "$VERIFIER" verify --at yesterday "$T/d.json"
expect "--at refuses a bad time" 2 ""

# --- another implementation's credential (W3C vc-di-eddsa test vector) ------------------
run "$VERIFIER" verify vectors/w3c-eddsa-jcs-2022/signedJCS.json
expect "the W3C eddsa-jcs-2022 credential: proof valid, issuer not on the ledger" 3 \
	"verifier: vectors/w3c-eddsa-jcs-2022/signedJCS.json: issuer not trusted: the signing key is no registered institution's on ledger test.example/diplomas (3 entries)" \
	"^VALID PROOF, ISSUER NOT TRUSTED"
sed 's/"The School of Examples"/"Another School"/' vectors/w3c-eddsa-jcs-2022/signedJCS.json >"$T/w3c-t.json"
run "$VERIFIER" verify "$T/w3c-t.json"
expect "the W3C credential, tampered" 1 "" "^INVALID"

# --- wallet ----------------------------------------------------------------------------
run "$WALLET" import --wallet "$W" $P "$T/d.json"
expect "wallet imports the diploma" 0 "" "^imported urn:uuid:"
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/d.json")
run "$WALLET" import --wallet "$W" $P "$T/d.json"
expect "a duplicate is refused" 1 "wallet: $T/d.json: refused: $ID is already in the wallet"
run "$WALLET" import --wallet "$W" $P "$T/tampered.json"
expect "a tampered credential is refused" 1 \
	"wallet: $T/tampered.json: refused: proof.proofValue: signature does not verify"
run "$WALLET" import --wallet "$W" $P vectors/w3c-eddsa-jcs-2022/signedJCS.json
expect "another holder's credential is refused" 1 ""
run "$WALLET" list --wallet "$W" $P
expect "wallet list" 0 "" "^$ID  2026-03-25  学士（工学）  東京工科大学$"
SHORT=$(echo "$ID" | cut -c10-17)
run "$WALLET" show --wallet "$W" $P "$SHORT"
expect "wallet show by a short id" 0 "" "holder +山田 太郎"
run "$WALLET" export --wallet "$W" $P "$ID" --out "$T/exported.json"
expect "wallet export" 0 "" ""
cmp -s "$T/d.json" "$T/exported.json" && ok "export is byte-identical" || not_ok "export differs"
run "$WALLET" show --wallet "$W" $P nope0000
expect "show an unknown id" 1 "wallet: nope0000: no such credential in the wallet"
WRONG="not the passphrase" run "$WALLET" list --wallet "$W" --passphrase-env WRONG
expect "a wrong wallet passphrase" 4 ""
printf '%s\n' "$SHOMEI_PASS" >"$T/pass"
run "$WALLET" list --wallet "$W" --passphrase-fd 3 3<"$T/pass"
expect "passphrase from a file descriptor" 0 "" "$ID"
if grep -rqa "山田" "$W"; then not_ok "wallet files hold no plain text"; else ok "wallet files hold no plain text"; fi

# --- a class from CSV ---------------------------------------------------------------
sed "s|@WALLET_DID@|$HOLDER|" docs/examples/class-2026.csv >"$T/class.csv"
run "$ISSUER" issue --dir "$I" $P $LP --csv "$T/class.csv" --out "$T/class"
expect "a class with one bad row" 1 \
	"issuer: $T/class.csv: line 6: birthDate: not a valid calendar date" \
	"^issued 4 credentials into $T/class \(1 row refused\)$"
n=0
for f in "$T"/class/*.json; do
	"$VERIFIER" verify "$f" >/dev/null 2>&1 && n=$((n + 1))
done
[ "$n" -eq 4 ] && ok "all 4 issued credentials verify" || not_ok "$n of 4 issued credentials verify"
[ -f "$T/class/S2022-0001.json" ] && ok "files are named by student id" || not_ok "files named by student id: $(ls "$T/class")"
cp "$T/class/S2022-0001.json" "$T/keep.json"
run "$ISSUER" issue --dir "$I" $P $LP --csv "$T/class.csv" --out "$T/class" --json
expect "a re-run refuses to overwrite" 1 "" '"issued":\[\]'
cmp -s "$T/keep.json" "$T/class/S2022-0001.json" && ok "nothing was overwritten" || not_ok "a credential was overwritten"
printf 'holder,name\n"unterminated,x\n' >"$T/bad.csv"
run "$ISSUER" issue --dir "$I" $P $LP --csv "$T/bad.csv" --out "$T/bad"
expect "a malformed CSV is refused whole" 2 ""
[ ! -e "$T/bad" ] && ok "nothing written for a malformed CSV" || not_ok "output folder created for a malformed CSV"
printf 'holder,nmae\n' >"$T/col.csv"
run "$ISSUER" issue --dir "$I" $P $LP --csv "$T/col.csv" --out "$T/col"
expect "an unknown column" 2 \
	"issuer: $T/col.csv: line 1: unknown column \"nmae\" (see docs/credential.md)"
grep -v 2003-02-30 "$T/class.csv" >"$T/good.csv"
WRONG="nope" run "$ISSUER" issue --dir "$I" --passphrase-env WRONG --csv "$T/good.csv" --out "$T/c2"
expect "a wrong key passphrase" 4 \
	"issuer: $I/issuer.key: wrong passphrase or damaged key file"

# --- the worked example of docs/credential.md ------------------------------------------
python3 - docs/credential.md vectors/shomei/diploma-example.json <<'PY' >"$T/doc-check" 2>&1
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r"```json\n(.*?)\n```", text, re.S).group(1)
assert json.loads(block) == json.load(open(sys.argv[2], encoding="utf-8")), "the doc's example differs from the vector"
shown = re.search(r"\$ verifier verify --at 2026-04-01T00:00:00Z vectors/shomei/diploma-example.json\n(.*?)```", text, re.S).group(1)
print(shown, end="")
PY
[ $? -eq 0 ] && ok "docs/credential.md shows the vector" || not_ok "docs/credential.md: $(cat "$T/doc-check")"
SHOMEI_LEDGER="$T/no-replica" run "$VERIFIER" verify --at 2026-04-01T00:00:00Z vectors/shomei/diploma-example.json
expect "the documented example: proof valid, no replica to establish the issuer" 3 "" "^VALID PROOF, ISSUER NOT TRUSTED"
cmp -s "$T/out" "$T/doc-check" && ok "verifier output is as documented" || not_ok "verifier output differs from docs/credential.md"

finish
