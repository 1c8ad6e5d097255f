#!/bin/sh
# The six scenarios of the ledger (issue 3), end to end through the three
# programs: mergers, revocation by a successor and by an unrelated institution,
# closure with a custodian, a compromised key, a back-dated diploma signed with
# a retired key, and a forked mirror.
. tests/e2e/lib.sh

P="--passphrase-env SHOMEI_PASS"
HOLDER=did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK

ledger_setup && ok "authority init: the ledger and its genesis"
for u in A:JP-13-0001:東都工業大学 B:JP-27-0002:浪速大学 C:JP-11-0003:北関東大学 \
	U:JP-01-0004:札幌学院 E:JP-40-0005:筑紫工科大学 D:JP-14-0006:湘南短期大学; do
	dir=$T/$(echo "$u" | cut -d: -f1)
	id=$(echo "$u" | cut -d: -f2)
	name=$(echo "$u" | cut -d: -f3)
	"$ISSUER" init --dir "$dir" --name "$name" $KDF $P >/dev/null 2>"$T/err" || not_ok "init $id"
	register "$dir" "$id" "$name" || not_ok "register $id"
done
ok "six institutions registered"

# issue DIR OUT [options]: one diploma for $HOLDER.
issue() {
	_dir=$1
	_out=$2
	shift 2
	run "$ISSUER" issue --dir "$_dir" $P $LP --holder "$HOLDER" --name "山田 太郎" \
		--type BachelorDegree --degree "学士（工学）" --conferral-date 2026-03-25 --out "$_out" "$@"
}
idof() { sed -n 's/.*"id":"\(urn:uuid:[^"]*\)".*"issuer".*/\1/p' "$1"; }

# --- 1. issue a class, then merge the university into another ----------------------------
printf 'holder,name,studentId,achievementType,degree,conferralDate\n' >"$T/class.csv"
for i in 1 2 3 4 5; do
	printf '%s,学生 %s,S%s,BachelorDegree,学士（工学）,2026-03-25\n' "$HOLDER" "$i" "$i" >>"$T/class.csv"
done
before=$(cat "$SHOMEI_LEDGER/checkpoint" | sed -n 2p)
run "$ISSUER" issue --dir "$T/A" $P $LP --csv "$T/class.csv" --out "$T/classA"
expect "1: A issues a class of 5" 0 "" "^issued 5 credentials"
after=$(sed -n 2p "$SHOMEI_LEDGER/checkpoint")
[ "$after" -eq $((before + 1)) ] && ok "1: the whole class is one ledger append" ||
	not_ok "1: the ledger grew from $before to $after"
run "$VERIFIER" verify "$T/classA/S1.json"
expect "1: a diploma of A verifies before the merger" 0 "" "^VALID"
run "$ISSUER" authority merge JP-13-0001 --into JP-27-0002 $AP
expect "1: the authority merges A into B" 0 "" "^merge recorded as ledger entry"
run "$VERIFIER" verify "$T/classA/S1.json"
expect "1: A's diploma still verifies after the merger" 0 "" "^VALID"
grep -q "institution  東都工業大学 (JP-13-0001), merged into 浪速大学 (JP-27-0002) on " "$T/out" &&
	ok "1: the verdict names the successor" || not_ok "1: no successor in: $(cat "$T/out")"
run "$VERIFIER" verify --json "$T/classA/S1.json"
expect "1: the JSON verdict too" 0 "" '"standing":"merged","standingTime":"[^"]+","successor":"JP-27-0002","successorName":"浪速大学"'
issue "$T/A" "$T/late-A.json"
expect "1: A's key can no longer anchor" 4 ""
grep -q "registry rejected it" "$T/err" && ok "1: the refusal is reported" || not_ok "1: $(cat "$T/err")"
[ ! -e "$T/late-A.json" ] && ok "1: and nothing was written" || not_ok "1: a credential was written"

# --- 2. the successor revokes; an unrelated institution cannot ---------------------------
ID2=$(idof "$T/classA/S2.json")
ID3=$(idof "$T/classA/S3.json")
run "$ISSUER" revoke "$ID2" --for JP-13-0001 --reason withdrawn --dir "$T/B" $P $LP
expect "2: B, the successor, revokes A's diploma S2" 0 "" "^revoke recorded as ledger entry"
run "$VERIFIER" verify "$T/classA/S2.json"
expect "2: S2 is revoked" 1 "" "^INVALID: revoked on .* by JP-27-0002 \(withdrawn\)"
run "$ISSUER" revoke "$ID3" --for JP-13-0001 --reason fraud --dir "$T/U" $P $LP
expect "2: an unrelated institution's revocation is reported as rejected" 1 ""
grep -q "registry rejected it, so it has no effect" "$T/err" && ok "2: with the reason" ||
	not_ok "2: $(cat "$T/err")"
run "$VERIFIER" verify "$T/classA/S3.json"
expect "2: S3 is not revoked" 0 "" "^VALID"
run "$VERIFIER" ledger status
expect "2: ledger status counts the rejected records (A's late anchor, U's revocation)" 0 "" "^rejected +2"
grep -q "JP-13-0001 .*merged into JP-27-0002" "$T/out" && ok "2: status lists the merger" ||
	not_ok "2: status: $(cat "$T/out")"
grep -Eq "^revoked +1" "$T/out" && ok "2: status counts the revocation" || not_ok "2: status revocations"
grep -q "a key of JP-01-0004, not of JP-27-0002" "$T/out" && ok "2: status says why U's revocation had no effect" ||
	not_ok "2: status: $(cat "$T/out")"
run "$ISSUER" reinstate "$ID2" --for JP-13-0001 --dir "$T/B" $P $LP
expect "2: B reinstates S2" 0 ""
run "$VERIFIER" verify "$T/classA/S2.json"
expect "2: S2 verifies again" 0 "" "^VALID"

# --- 3. closure with a custodian ---------------------------------------------------------
issue "$T/D" "$T/d1.json"
expect "3: D issues a diploma" 0
cp -a "$T/D" "$T/D-copy"
run "$ISSUER" authority close JP-14-0006 --custodian JP-11-0003 $AP
expect "3: the authority closes D with custodian C" 0 "" "^close recorded"
run "$VERIFIER" verify "$T/d1.json"
expect "3: D's diploma still verifies" 0 "" "^VALID"
grep -q "closed on .*, custodian 北関東大学 (JP-11-0003)" "$T/out" && ok "3: the custodian is named" ||
	not_ok "3: $(cat "$T/out")"
issue "$T/D-copy" "$T/d2.json"
expect "3: D's key cannot anchor after the closure" 4 ""
issue "$T/D-copy" "$T/d3.json" --no-anchor
expect "3: D's key still signs (offline)" 0
run "$VERIFIER" verify "$T/d3.json"
expect "3: but what it signs after the closure is invalid" 1 "" "^INVALID: .*not anchored"
run "$ISSUER" revoke "$(idof "$T/d1.json")" --for JP-14-0006 --reason issued-in-error --dir "$T/C" $P $LP
expect "3: the custodian may revoke D's diploma" 0
run "$VERIFIER" verify "$T/d1.json"
expect "3: which is then revoked" 1 "" "^INVALID: revoked"

# --- 4. a key compromised since T --------------------------------------------------------
issue "$T/E" "$T/e1.json"
expect "4: E issues e1 with key K1" 0
cp -a "$T/E" "$T/E-thief"
sleep 2
issue "$T/E-thief" "$T/e2.json"
expect "4: a thief with K1 anchors e2 two seconds later" 0
issue "$T/E-thief" "$T/e3.json" --no-anchor
expect "4: and signs e3 without anchoring it" 0
K1=$(sed -n 's/.*"did": *"\([^"]*\)".*/\1/p' "$T/E/institution.json")
run "$VERIFIER" verify --json "$T/e1.json"
T1=$(sed -n 's/.*"anchorTime":"\([^"]*\)".*/\1/p' "$T/out")
SINCE=$(python3 -c "import datetime,sys; t=datetime.datetime.strptime(sys.argv[1],'%Y-%m-%dT%H:%M:%SZ'); print(int(t.replace(tzinfo=datetime.timezone.utc).timestamp())+1)" "$T1")
# K1 is compromised, so it cannot vouch for a new key: E makes K2 and the
# authority records it; E then reports K1 compromised since T, signed with K2.
run "$ISSUER" init --dir "$T/E2" --name "筑紫工科大学" $KDF $P
expect "4: E makes a new key K2" 0 "" "^did:key:"
K2=$(cat "$T/out")
run "$ISSUER" authority add-key JP-40-0005 --key "$K2" $AP
expect "4: the authority adds K2 for E" 0 "" "^key-add recorded"
run "$ISSUER" key compromised "$K1" --since "$SINCE" --dir "$T/E2" $P $LP
expect "4: E marks K1 compromised since e1's anchor + 1 s" 0 "" "^key-compromised recorded"
run "$VERIFIER" verify "$T/e1.json"
expect "4: e1, anchored before T, verifies" 0 "" "^VALID"
run "$VERIFIER" verify "$T/e2.json"
expect "4: e2, anchored after T, is invalid (the thief's anchor is void)" 1 "" "^INVALID: not anchored by JP-40-0005"
run "$VERIFIER" verify "$T/e3.json"
expect "4: e3, never anchored, is invalid" 1 "" "^INVALID: .*not anchored"
issue "$T/E2" "$T/e4.json"
expect "4: E issues with K2" 0
run "$VERIFIER" verify "$T/e4.json"
expect "4: and that verifies" 0 "" "^VALID"
run "$ISSUER" key rotate --dir "$T/E-thief" $P $LP $KDF
expect "4: the thief cannot rotate K1 to a key of his own" 1 ""
grep -q "registry rejected it" "$T/err" && ok "4: the refusal is reported" || not_ok "4: $(cat "$T/err")"

# --- 5. a back-dated diploma signed with a retired key -----------------------------------
cp -a "$T/U" "$T/U-old"
run "$ISSUER" key rotate --dir "$T/U" $P $LP $KDF
expect "5: U rotates its key (the old one retired)" 0 "" "^did:key:"
issue "$T/U-old" "$T/u5.json" --valid-from 2026-01-01T00:00:00Z
expect "5: anchoring with the retired key is refused" 4 ""
grep -q "key retired at" "$T/err" && ok "5: because the key is retired" || not_ok "5: $(cat "$T/err")"
issue "$T/U-old" "$T/u5.json" --valid-from 2026-01-01T00:00:00Z --no-anchor
expect "5: the back-dated diploma, signed offline" 0
run "$VERIFIER" verify "$T/u5.json"
expect "5: is invalid" 1 "" "^INVALID: .*not anchored"
issue "$T/U" "$T/u6.json"
expect "5: U issues with its new key" 0
run "$VERIFIER" verify "$T/u6.json"
expect "5: and that verifies" 0 "" "^VALID"

# --- 6. a forked mirror ------------------------------------------------------------------
M="$T/www"
mkdir -p "$M"
cp -a "$SHOMEI_LEDGER" "$M/ledger"
http_serve "$M"
R="$T/replica"
run "$VERIFIER" ledger sync "http://127.0.0.1:$PORT/ledger" --replica "$R" --trust "$SHOMEI_AUTHORITY_DIR/trust.json"
expect "6: an employer syncs a replica over HTTP, pinned by the trust file" 0 "" "^synced"
run "$VERIFIER" verify --replica "$R" "$T/classA/S1.json"
expect "6: and verifies from it alone" 0 "" "^VALID"
# The operator rewrites history: entry 2 onwards replaced (the revocation of S2 erased).
cp -a "$SHOMEI_LEDGER.key" "$T/fork.key"
rm -rf "$M/fork"
"$BIN/tools/forkledger" "$SHOMEI_LEDGER" "$M/ledger" 5 >"$T/fork.out" 2>&1 &&
	ok "6: a forked copy of the ledger is served in its place" || not_ok "6: fork: $(cat "$T/fork.out")"
run "$VERIFIER" ledger sync "http://127.0.0.1:$PORT/ledger" --replica "$R"
expect "6: the verifier that saw the old checkpoint refuses the fork" 1 ""
grep -Eq "fork|rewritten|not consistent" "$T/err" && ok "6: and says so" || not_ok "6: $(cat "$T/err")"
run "$VERIFIER" verify --replica "$R" "$T/classA/S1.json"
expect "6: the replica kept its good checkpoint" 0 "" "^VALID"

finish
