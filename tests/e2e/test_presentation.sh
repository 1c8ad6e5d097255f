#!/bin/sh
# Selective disclosure through real QR images: the issuer writes both forms,
# the wallet presents the SD-JWT VC as a PNG (and on the terminal), the
# verifier reads the PNG back with zbar, also scaled down, rotated and saved
# as JPEG (python3-pil), and refuses every forgery with the right reason.
. tests/e2e/lib.sh

P="--passphrase-env SHOMEI_PASS"
I="$T/uni"
W="$T/wallet"
N="nonce-7f3a9c"
A="https://employer.example"
ledger_setup && ok "ledger"
"$ISSUER" init --dir "$I" --name "東都工業大学" $KDF $P >/dev/null && register "$I" JP-13-0001 "東都工業大学" &&
	ok "institution registered"
run "$WALLET" init --wallet "$W" $KDF $P
HOLDER=$(cat "$T/out")
issue() {
	run "$ISSUER" issue --dir "$I" $P $LP --holder "$HOLDER" --name "山田 太郎" --student-id "$2" \
		--birth-date 2003-04-02 --type BachelorDegree --degree "学士（工学）" --field "情報工学" \
		--conferral-date 2026-03-25 --grades "GPA 3.6/4.0" --honours "magna cum laude" --out "$1"
}
issue "$T/d.json" S2022-0001
expect "issue writes both forms" 0
[ -s "$T/d.sd-jwt" ] && ok "the SD-JWT VC form is beside the credential" || not_ok "no d.sd-jwt"
ID=$(sed -n 's/.*"id":"\(urn:uuid:[^"]*\)".*"issuer".*/\1/p' "$T/d.json")
run "$VERIFIER" verify "$T/d.sd-jwt"
expect "the issued SD-JWT VC verifies against the ledger" 0 "" "^VALID"
run "$WALLET" import --wallet "$W" $P "$T/d.json"
expect "the wallet imports both forms" 0 "" "^imported"
run "$WALLET" present "$ID" --wallet "$W" $P --list-claims
expect "--list-claims" 0 "" "^birthDate +\"2003-04-02\""
grep -Eq '^honours +"magna cum laude"' "$T/out" && grep -Eq '^grades +"GPA 3.6/4.0"' "$T/out" &&
	ok "grades and honours are disclosable by default" || not_ok "list-claims: $(cat "$T/out")"
if grep -rqa -e "山田" -e "S2022-0001" -e "2003-04-02" -e '"seed"' "$W"; then
	not_ok "wallet files hold claims or the key in the clear"
else
	ok "no claim value or secret key in any wallet file"
fi

# --- the presentation as a PNG, read back --------------------------------------------
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name,degree --nonce "$N" --aud "$A" --qr-png "$T/p.png"
expect "present --qr-png" 0
run "$VERIFIER" verify --qr-image "$T/p.png" --nonce "$N" --aud "$A" --require-kb
expect "the verifier reads the PNG and accepts it" 0 "" "^VALID"
grep -q "disclosed    name" "$T/out" && grep -q "withheld     birthDate,studentId,grades,honours" "$T/out" &&
	ok "the verdict lists disclosed and withheld claims" || not_ok "disclosed/withheld: $(cat "$T/out")"
"$PYTHON" - "$T/p.png" "$T" <<'PY' >"$T/pil" 2>&1
import sys
from PIL import Image
src, out = sys.argv[1], sys.argv[2]
im = Image.open(src).convert("L")
w, h = im.size
im.resize((w * 3 // 8, h * 3 // 8), Image.LANCZOS).save(out + "/small.png")
im.rotate(90, expand=True).save(out + "/rotated.png")
im.convert("RGB").save(out + "/photo.jpg", quality=85)
im.rotate(90, expand=True).resize((w // 2, h // 2), Image.LANCZOS).convert("RGB").save(out + "/rotated-small.jpg", quality=80)
PY
[ $? -eq 0 ] && ok "PIL made the variants" || not_ok "PIL: $(cat "$T/pil")"
for f in small.png rotated.png photo.jpg rotated-small.jpg; do
	run "$VERIFIER" verify --qr-image "$T/$f" --nonce "$N" --aud "$A" --require-kb
	expect "the verifier reads $f" 0 "" "^VALID"
done

# --- on the terminal: the text art, drawn as pixels, scans too ---------------------------
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name,degree --nonce "$N" --aud "$A" --qr
expect "present --qr draws on the terminal" 0
cp "$T/out" "$T/art.txt"
cols=$("$PYTHON" -c "import sys; print(max(len(l) for l in open(sys.argv[1], encoding='utf-8').read().splitlines()))" "$T/art.txt")
[ "$cols" -le 80 ] && ok "the terminal QR is $cols columns wide" || not_ok "terminal QR $cols columns"
"$PYTHON" - "$T/art.txt" "$T/art.png" <<'PY' >"$T/pil" 2>&1
import sys
from PIL import Image
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
quad = {" ": 0, "▘": 1, "▝": 2, "▀": 3, "▖": 4, "▌": 5, "▞": 6, "▛": 7, "▗": 8, "▚": 9, "▐": 10, "▜": 11, "▄": 12, "▙": 13, "▟": 14, "█": 15}
half = max(len(r) for r in rows) <= 40  # never: the typical code is drawn in quadrants
cw = 2
w, h = max(len(r) for r in rows) * cw, len(rows) * 2
im = Image.new("L", (w, h), 255)
for y, r in enumerate(rows):
    for x, c in enumerate(r):
        b = quad[c]
        for dy in (0, 1):
            for dx in (0, 1):
                if b & (1 << (dy * 2 + dx)):
                    im.putpixel((x * cw + dx, y * 2 + dy), 0)
im = im.resize((w * 6, h * 6), Image.NEAREST)
im.save(sys.argv[2])
PY
[ $? -eq 0 ] && ok "the text art drawn as an image" || not_ok "art: $(cat "$T/pil")"
run "$VERIFIER" verify --qr-image "$T/art.png" --nonce "$N" --aud "$A"
expect "and the verifier reads what the terminal showed" 0 "" "^VALID"

# --- a wider terminal: half blocks (square modules); a light-on-dark one: inverted --------
art_png() { # ART PNG INVERTED: half blocks drawn as pixels (glyphs dark, or light when inverted)
	"$PYTHON" - "$1" "$2" "$3" <<'PY' >"$T/pil" 2>&1
import sys
from PIL import Image
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
inv = sys.argv[3] == "1"
half = {" ": (0, 0), "▀": (1, 0), "▄": (0, 1), "█": (1, 1)}
# a glyph is drawn in the foreground colour: dark on a light terminal; light
# on a dark one, where --qr-invert makes the glyphs the light modules
w, h = max(len(r) for r in rows), len(rows) * 2
im = Image.new("L", (w, h), 0 if inv else 255)
for y, r in enumerate(rows):
    for x, c in enumerate(r):
        for dy, on in enumerate(half[c]):
            if on:
                im.putpixel((x, y * 2 + dy), 255 if inv else 0)
im = im.resize((w * 6, h * 6), Image.NEAREST)
im.save(sys.argv[2])
PY
}
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name,degree --nonce "$N" --aud "$A" --qr --columns 120
expect "present --qr --columns 120" 0
cp "$T/out" "$T/half.txt"
# fixed strings: a bracket expression of multibyte characters depends on the locale
if grep -qF -e '▘' -e '▝' -e '▖' -e '▗' -e '▚' -e '▞' -e '▛' -e '▜' -e '▙' -e '▟' -e '▌' -e '▐' "$T/half.txt"; then
	not_ok "120 columns still drew quadrants"
else
	cols=$("$PYTHON" -c "import sys; print(max(len(l) for l in open(sys.argv[1], encoding='utf-8').read().splitlines()))" "$T/half.txt")
	[ "$cols" -le 120 ] && [ "$cols" -gt 80 ] && ok "in 120 columns: half blocks, $cols columns" ||
		not_ok "half blocks $cols columns"
fi
art_png "$T/half.txt" "$T/half.png" 0 && ok "the half blocks drawn as an image" || not_ok "art: $(cat "$T/pil")"
run "$VERIFIER" verify --qr-image "$T/half.png" --nonce "$N" --aud "$A"
expect "the verifier reads the half-block code" 0 "" "^VALID"
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name,degree --nonce "$N" --aud "$A" --qr --columns 120 --qr-invert
expect "present --qr --qr-invert" 0
cp "$T/out" "$T/inv.txt"
cmp -s "$T/half.txt" "$T/inv.txt" && not_ok "--qr-invert drew the same" || ok "--qr-invert draws the other modules"
art_png "$T/inv.txt" "$T/inv.png" 1 && run "$VERIFIER" verify --qr-image "$T/inv.png" --nonce "$N" --aud "$A"
expect "the verifier reads the inverted code as a dark terminal shows it" 0 "" "^VALID"
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name,degree --nonce "$N" --aud "$A" --qr --columns 40
expect "a terminal too narrow for the code: usage" 2
grep -Eqx 'wallet: --qr: a version 2[0-9] code needs [0-9]+ columns, the terminal has 40' "$T/err" &&
	[ "$(wc -l <"$T/err")" -eq 1 ] && ok "with one clear line" || not_ok "stderr: $(cat "$T/err")"
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name --nonce "$N" --aud "$A" --qr --columns wide
expect "--columns not a number" 2 "wallet: --columns: not a number of columns from 21 to 1000"

# --- forgeries --------------------------------------------------------------------------
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name --nonce "$N" --aud "$A" --out "$T/pres.txt"
expect "present --out" 0
run "$VERIFIER" verify "$T/pres.txt" --nonce "$N" --aud "$A"
expect "the text presentation verifies" 0 "" "^VALID"
# a changed disclosure: the name's disclosure re-encoded with another name
"$PYTHON" - "$T/pres.txt" >"$T/changed.txt" <<'PY'
import base64, json, sys
t = open(sys.argv[1]).read().strip()
parts = t.split("~")
for i in range(1, len(parts) - 1):
    raw = base64.urlsafe_b64decode(parts[i] + "=" * (-len(parts[i]) % 4))
    arr = json.loads(raw)
    if len(arr) == 3 and arr[1] == "name":
        arr[2] = "山田 次郎"
        parts[i] = base64.urlsafe_b64encode(json.dumps(arr, ensure_ascii=False).encode()).decode().rstrip("=")
print("~".join(parts))
PY
run "$VERIFIER" verify "$T/changed.txt" --nonce "$N" --aud "$A"
expect "a changed disclosure is refused" 1 "" "not referenced by any digest"
issue "$T/d2.json" S2022-0002
ID2=$(sed -n 's/.*"id":"\(urn:uuid:[^"]*\)".*"issuer".*/\1/p' "$T/d2.json")
run "$WALLET" import --wallet "$W" $P "$T/d2.json"
run "$WALLET" present "$ID2" --wallet "$W" $P --disclose studentId --no-kb --out "$T/other.txt"
"$PYTHON" - "$T/pres.txt" "$T/other.txt" >"$T/foreign.txt" <<'PY'
import sys
a = open(sys.argv[1]).read().strip().split("~")
b = open(sys.argv[2]).read().strip().split("~")
print("~".join([a[0]] + a[1:-1] + b[1:-1] + [a[-1]]))
PY
run "$VERIFIER" verify "$T/foreign.txt" --nonce "$N" --aud "$A"
expect "a disclosure from another credential is refused" 1 "" "not referenced by any digest"
sed 's/~[^~]*$/~/' "$T/pres.txt" >"$T/nokb.txt"
run "$VERIFIER" verify "$T/nokb.txt" --nonce "$N" --aud "$A" --require-kb
expect "the KB-JWT removed is refused" 1 "" "kb-jwt: missing"
run "$VERIFIER" verify "$T/pres.txt" --nonce "another-nonce" --aud "$A"
expect "a wrong nonce is refused" 1 "" "kb-jwt.nonce: does not match"
run "$WALLET" present "$ID" --wallet "$W" $P --disclose name --nonce "old-nonce" --aud "$A" --out "$T/old.txt"
run "$VERIFIER" verify "$T/old.txt" --nonce "$N" --aud "$A"
expect "a replayed presentation (an old nonce) is refused" 1 "" "kb-jwt.nonce: does not match"
run "$VERIFIER" verify "$T/pres.txt" --nonce "$N" --aud "https://other.example"
expect "a wrong audience is refused" 1 "" "kb-jwt.aud: is not https://other.example"
run "$WALLET" init --wallet "$T/w2" $KDF $P
run "$WALLET" import --wallet "$T/w2" $P --any-holder "$T/d.json"
run "$WALLET" present "$ID" --wallet "$T/w2" $P --disclose name --nonce "$N" --aud "$A" --out "$T/thief.txt"
expect "another wallet can present the copied credential" 0
run "$VERIFIER" verify "$T/thief.txt" --nonce "$N" --aud "$A"
expect "but a KB-JWT by a key other than cnf is refused" 1 "" "kb-jwt.signature: does not verify"
run "$VERIFIER" verify "$T/pres.txt"
expect "a key-bound presentation without --nonce/--aud is a usage error" 2 ""
run "$ISSUER" revoke "$ID" --reason withdrawn --dir "$I" $P $LP
expect "the institution revokes it" 0
run "$VERIFIER" verify --qr-image "$T/p.png" --nonce "$N" --aud "$A"
expect "the revoked credential's presentation is refused" 1 "" "^INVALID: revoked"

# --- an issuer outside the ledger, trusted explicitly ------------------------------------
ISS_DID=$(sed -n 's/.*"did": *"\([^"]*\)".*/\1/p' "$I/institution.json")
SHOMEI_LEDGER="$T/none" run "$VERIFIER" verify "$T/d2.sd-jwt"
expect "without a ledger: proof valid, issuer untrusted" 3 ""
SHOMEI_LEDGER="$T/none" run "$VERIFIER" verify "$T/d2.sd-jwt" --issuer-key "$ISS_DID"
expect "--issuer-key trusts it explicitly" 0 "" "^VALID"
SHOMEI_LEDGER="$T/none" run "$VERIFIER" verify "$T/d2.json" --issuer-key "$HOLDER"
expect "--issuer-key with another key: untrusted" 3 ""
"$PYTHON" - "$ISS_DID" >"$T/issuer.jwk" <<'PY'
import base64, json, sys
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
n = 0
for c in sys.argv[1][len("did:key:z"):]:
    n = n * 58 + B58.index(c)
raw = n.to_bytes(34, "big")
x = base64.urlsafe_b64encode(raw[2:]).decode().rstrip("=")
print(json.dumps({"kty": "OKP", "crv": "Ed25519", "x": x}))
PY
SHOMEI_LEDGER="$T/none" run "$VERIFIER" verify "$T/d2.sd-jwt" --issuer-key "$T/issuer.jwk"
expect "--issuer-key as a file holding a public JWK" 0 "" "^VALID"
sed 's/"kty"/"d": "AAAA", "kty"/' "$T/issuer.jwk" >"$T/private.jwk"
SHOMEI_LEDGER="$T/none" run "$VERIFIER" verify "$T/d2.sd-jwt" --issuer-key "$T/private.jwk"
expect "a JWK with a private part is refused" 2 "verifier: $T/private.jwk: d: a private key where a public one belongs"
# --- a wrong passphrase, a damaged item: a clear line, nothing else lost ---------------
WRONG="not the passphrase" run "$WALLET" present "$ID" --wallet "$W" --passphrase-env WRONG \
	--disclose name --nonce "$N" --aud "$A"
expect "present with a wrong passphrase" 4 "wallet: $W: vault.hdr: wrong passphrase or damaged wallet"
issue "$T/d3.json" S2022-0003
ID3=$(sed -n 's/.*"id":"\(urn:uuid:[^"]*\)".*"issuer".*/\1/p' "$T/d3.json")
ls "$W/items" | sort >"$T/items.before"
run "$WALLET" import --wallet "$W" $P "$T/d3.json"
ls "$W/items" | sort >"$T/items.after"
new=$(comm -13 "$T/items.before" "$T/items.after")
[ "$(echo "$new" | wc -l)" -eq 2 ] && ok "importing a diploma adds two items (both forms)" ||
	not_ok "new items: $new"
for f in $new; do
	"$PYTHON" -c '
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 0x20; open(p, "wb").write(b)
' "$W/items/$f"
done
run "$WALLET" present "$ID3" --wallet "$W" $P --disclose name --nonce "$N" --aud "$A"
expect "presenting the damaged diploma: refused" 1
[ "$(grep -c '^wallet: items/[0-9a-f]*: damaged, skipped: does not decrypt' "$T/err")" -eq 2 ] &&
	[ "$(tail -n 1 "$T/err")" = "wallet: $ID3: no such credential in the wallet" ] &&
	ok "each damaged item named, then: no such credential" || not_ok "stderr: $(cat "$T/err")"
run "$WALLET" list --wallet "$W" $P
grep -q "$ID2" "$T/out" && ! grep -q "$ID3" "$T/out" && ok "list: the others are there, the damaged one not" ||
	not_ok "list: $(cat "$T/out")"
[ "$(grep -c 'damaged, skipped' "$T/err")" -eq 2 ] && ok "list reports the two damaged items" ||
	not_ok "list stderr: $(cat "$T/err")"
run "$WALLET" present "$ID2" --wallet "$W" $P --disclose name --nonce "$N" --aud "$A" --out "$T/after.txt"
expect "another diploma is still presented" 0
run "$VERIFIER" verify "$T/after.txt" --nonce "$N" --aud "$A"
expect "and verifies" 0 "" "^VALID"
finish
