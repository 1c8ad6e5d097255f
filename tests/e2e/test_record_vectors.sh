#!/bin/sh
# vectors/shomei/records-v1.json: what tests/tools/mkrecords writes today, and
# checked by a second implementation (Python with the cryptography package):
# every record is its own canonical form, every signature verifies over
# "shomei-record-v1\n" || JCS(record without signatures), and the derivations
# of the documented credential hold.
. tests/e2e/lib.sh

"$BIN/tools/mkrecords" >"$T/records.json" 2>"$T/err" || not_ok "mkrecords: $(cat "$T/err")"
cmp -s "$T/records.json" vectors/shomei/records-v1.json &&
	ok "the committed vectors are what mkrecords writes" ||
	not_ok "vectors/shomei/records-v1.json is stale: run build/tools/mkrecords > vectors/shomei/records-v1.json"

"$PYTHON" - vectors/shomei/records-v1.json vectors/shomei/diploma-example.json >"$T/py" 2>&1 <<'PY'
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(s) - len(s.lstrip("1"))) + raw
def did_key_public(did):
    assert did.startswith("did:key:z")
    raw = b58decode(did[len("did:key:z"):])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, did
    return raw[2:]
def jcs(v):
    # RFC 8785 for what records hold: objects, arrays, strings, small integers.
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

vec = json.load(open(sys.argv[1], encoding="utf-8"))
n = 0
for sc in vec["scenarios"]:
    for e in sc["entries"]:
        text = e["record"].encode()
        rec = json.loads(text)
        assert jcs(rec) == text, "not canonical: " + e["record"][:60]
        body = {k: v for k, v in rec.items() if k != "signatures"}
        msg = b"shomei-record-v1\n" + jcs(body)
        signers = [s["signer"] for s in rec["signatures"]]
        assert signers == [vec["keys"][k]["did"] for k in e["signers"]]
        for s in rec["signatures"]:
            Ed25519PublicKey.from_public_bytes(did_key_public(s["signer"])).verify(b64url(s["sig"]), msg)
        n += 1
vc = json.load(open(sys.argv[2], encoding="utf-8"))
d = vec["derivations"][0]
bare = {k: v for k, v in vc.items() if k != "proof"}
assert hashlib.sha256(b"shomei-credential-v1\n" + jcs(bare)).hexdigest() == d["credential_digest"]
assert hashlib.sha256(b"shomei-status-v1\n" + vc["id"].encode()).hexdigest() == d["status_hash"]
print(n)
PY
if [ $? -eq 0 ]; then
	ok "python verifies all $(cat "$T/py") records and the derivations independently"
else
	not_ok "python check: $(tail -n 3 "$T/py")"
fi
# The worked example of docs/ledger-records.md is the vectors' record.
"$PYTHON" - docs/ledger-records.md vectors/shomei/records-v1.json >"$T/doc" 2>&1 <<'PY'
import json, re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r"<!-- record-example -->\n```json\n(.*?)\n```\n<!-- /record-example -->", doc, re.S).group(1)
vec = json.load(open(sys.argv[2], encoding="utf-8"))
assert block == vec["scenarios"][0]["entries"][1]["record"], "the example differs"
d = vec["derivations"][0]
assert d["credential_digest"] in doc and d["status_hash"] in doc
PY
[ $? -eq 0 ] && ok "docs/ledger-records.md shows the vectors' record" || not_ok "docs/ledger-records.md: $(tail -n 2 "$T/doc")"
finish
