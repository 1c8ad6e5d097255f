#!/bin/sh
# On a terminal `issuer issue --csv` draws a progress bar (on stderr); with
# stdout not a terminal it draws none. The terminal is a real pty from script(1).
. tests/e2e/lib.sh

command -v script >/dev/null || { not_ok "script(1) missing (util-linux)"; finish; exit 1; }
I="$T/uni"
run "$ISSUER" init --dir "$I" --name "U" $KDF --passphrase-env SHOMEI_PASS
expect "issuer init" 0 "" ""
ledger_setup && register "$I" JP-00-0001 U && ok "the institution is on the ledger"
{
	echo "holder,name,achievementType,degree,conferralDate"
	i=0
	while [ $i -lt 40 ]; do
		echo "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,Student $i,Certificate,Cert,2026-03-25"
		i=$((i + 1))
	done
} >"$T/class.csv"
script -qec "'$ISSUER' issue --dir '$I' --passphrase-env SHOMEI_PASS $LP --csv '$T/class.csv' --out '$T/out-tty'" \
	"$T/typescript" >"$T/tty-output" 2>&1
grep -q 'signing  \[########################################\] 40/40' "$T/tty-output" &&
	ok "a progress bar on a terminal" || not_ok "no progress bar on a terminal: $(head -c 300 "$T/tty-output")"
grep -q 'issued 40 credentials' "$T/tty-output" && ok "the summary follows the bar" || not_ok "no summary"
run "$ISSUER" issue --dir "$I" --passphrase-env SHOMEI_PASS $LP --csv "$T/class.csv" --out "$T/out-pipe"
expect "no terminal: no bar" 0 "" "^issued 40 credentials into $T/out-pipe$"
[ ! -s "$T/err" ] && ok "nothing on stderr without a terminal" || not_ok "stderr: $(head -c 200 "$T/err")"
finish
