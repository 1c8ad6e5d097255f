#!/bin/sh
# verifier ledger sync|verify|status against a real HTTP mirror on 127.0.0.1
# (python3 -m http.server) and a folder; forked, rolled-back and tampered
# mirrors are refused and the replica keeps its last good checkpoint.
. tests/e2e/lib.sh

MK="$BIN/tools/mkledger"
SEED=9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60
M="$T/www"
R="$T/replica"
mkdir -p "$M"
VKEY=$("$MK" "$M/ledger" "$SEED" 300 good) || not_ok "mkledger"
cp -a "$M/ledger" "$M/old"
"$MK" "$M/fork" "$SEED" 400 forged >/dev/null || not_ok "mkledger fork"

http_serve "$M"
[ -n "$PORT" ] && ok "HTTP mirror on 127.0.0.1:$PORT" || not_ok "no HTTP server"
URL="http://127.0.0.1:$PORT"

run "$VERIFIER" ledger sync "$URL/ledger" --replica "$R" --vkey "$VKEY"
expect "first sync over HTTP" 0 "" "^synced 300 entries \(was 0; [0-9]+ files fetched\) into $R$"
run "$VERIFIER" ledger status --replica "$R"
expect "status" 0 "" "^entries  300$"
grep -q "^key      $VKEY$" "$T/out" && ok "status names the pinned key" || not_ok "status key"
run "$VERIFIER" ledger verify --replica "$R"
expect "verify" 0 "" "300 entries, every tile and entry matches the signed checkpoint"

"$MK" "$M/ledger" "$SEED" 25 more >/dev/null
run "$VERIFIER" ledger sync "$URL/ledger" --replica "$R" --json
expect "incremental sync" 0 "" '"oldSize":300,"size":325'

run "$VERIFIER" ledger sync "$URL/old" --replica "$R"
expect "an older mirror is refused" 1 ""
grep -q "older than the replica" "$T/err" && ok "and says so" || not_ok "older: $(cat "$T/err")"
run "$VERIFIER" ledger sync "$URL/fork" --replica "$R"
expect "a forked mirror is refused" 1 ""
run "$VERIFIER" ledger status --replica "$R" --json
expect "the replica keeps its last good checkpoint" 0 "" '"size":325'

# Tamper with the replica itself: verify names the file.
printf 'X' | dd of="$R/tile/entries/000" bs=1 seek=5 conv=notrunc 2>/dev/null
run "$VERIFIER" ledger verify --replica "$R"
expect "a changed entry in the replica is found" 1 ""
grep -q "tile/entries/000" "$T/err" && ok "verify names the file" || not_ok "verify said: $(cat "$T/err")"

run "$VERIFIER" ledger sync "$M/old" --replica "$T/r2"
expect "a folder is a mirror too" 0 "" "^synced 300 entries"
run "$VERIFIER" ledger sync "http://127.0.0.1:1/x" --replica "$T/r3"
expect "an unreachable mirror" 2 ""
run "$VERIFIER" ledger status --replica "$T/none"
expect "no replica" 2 ""
finish
