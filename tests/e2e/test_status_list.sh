#!/bin/sh
# Credentials from an issuer that is not on the ledger: another university's
# system, written here in Python (the `cryptography` package; an independent
# implementation of SD-JWT VC and of the Token Status List), checked with an
# explicitly trusted key (--issuer-key), and their status.status_list entry
# checked against a Status List Token given as a file (--status-list FILE),
# by URL, or fetched from the uri the credential names (--fetch-status) from
# python3's http.server on 127.0.0.1.
. tests/e2e/lib.sh

F="$T/foreign"
mkdir -p "$F/www/lists"
http_serve "$F/www"
[ -n "$PORT" ] && ok "a status list server on 127.0.0.1:$PORT" || not_ok "http.server did not start"
N="nonce-41d8"
A="https://employer.example"
NOW=$(date +%s)
"$PYTHON" - "$F" "http://127.0.0.1:$PORT/lists/1" "$N" "$A" "$NOW" >"$T/py" 2>&1 <<'PY'
import base64, hashlib, json, os, sys, zlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

out, uri, nonce, aud, now = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
js = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode()
raw = lambda k: k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
jwk = lambda k: {"kty": "OKP", "crv": "Ed25519", "x": b64(raw(k))}
issuer, holder, other = (Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32) for i in (7, 8, 9))

def jws(key, header, payload):
    si = b64(js(header)) + "." + b64(js(payload))
    return si + "." + b64(key.sign(si.encode()))

def write(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)

write("issuer.jwk", json.dumps(jwk(issuer)))
write("other.jwk", json.dumps(jwk(other)))

def credential(status, salt):
    discs = [b64(js([b64(bytes([salt, i]) * 8), n, v]))
             for i, (n, v) in enumerate([("given_name", "Erika"), ("birthdate", "1999-01-31")])]
    payload = {"iss": "https://registrar.example.edu", "iat": now - 3600,
               "exp": now + 10 * 365 * 86400, "vct": "https://example.edu/credentials/degree",
               "cnf": {"jwk": jwk(holder)}, "degree": "MSc Physics",
               "_sd": sorted(b64(hashlib.sha256(d.encode()).digest()) for d in discs),
               "_sd_alg": "sha-256"}
    if status is not None:
        payload["status"] = status
    return jws(issuer, {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": "key-1"}, payload), discs

# a credential with no status at all, issued and presented with key binding
c, d = credential(None, 1)
write("plain.sd-jwt", c + "~" + "~".join(d) + "~")
pres = c + "~" + d[0] + "~"
kb = jws(holder, {"alg": "EdDSA", "typ": "kb+jwt"},
         {"iat": now, "aud": aud, "nonce": nonce,
          "sd_hash": b64(hashlib.sha256(pres.encode()).digest())})
write("plain-kb.sd-jwt", pres + kb)
# one whose status is entry 3 of a 2-bit status list, and one whose entry is 3
for name, idx in (("listed", 3), ("listed-last", 15)):
    c, d = credential({"status_list": {"idx": idx, "uri": uri}}, 2)
    write(name + ".sd-jwt", c + "~" + d[0] + "~")

def token(values, key=issuer, sub=uri, exp=now + 3600, typ="statuslist+jwt", bits=2):
    raw_list = bytearray((len(values) * bits + 7) // 8)
    for i, v in enumerate(values):
        raw_list[i * bits // 8] |= v << (i * bits % 8)
    payload = {"sub": sub, "iat": now - 60, "ttl": 43200,
               "status_list": {"bits": bits, "lst": b64(zlib.compress(bytes(raw_list), 9))}}
    if exp:
        payload["exp"] = exp
    return jws(key, {"alg": "EdDSA", "typ": typ, "kid": "key-1"}, payload)

v = [0] * 16
write("www/lists/1", token(v))
write("valid.jwt", token(v))
for name, val in (("invalid", 1), ("suspended", 2), ("app", 3)):
    w = list(v); w[3] = val
    write(name + ".jwt", token(w))
write("short.jwt", token([0] * 4, bits=8))
write("expired.jwt", token(v, exp=now - 3600))
write("otherkey.jwt", token(v, key=other))
write("othersub.jwt", token(v, sub="https://elsewhere.example/lists/1"))
write("typ.jwt", token(v, typ="JWT"))
print("ok")
PY
[ "$(cat "$T/py")" = ok ] && ok "the foreign issuer made its credentials and status lists" ||
	not_ok "python: $(cat "$T/py")"
V="$VERIFIER"
export SHOMEI_LEDGER="$T/none"
K="--issuer-key $F/issuer.jwk"

# no status at all
run "$V" verify "$F/plain.sd-jwt" $K
expect "a foreign SD-JWT VC with a trusted JWK, no status: valid" 0 "" "^VALID"
grep -q "names no status mechanism" "$T/out" && ok "the verdict says it names no status" ||
	not_ok "no status note: $(cat "$T/out")"
run "$V" verify "$F/plain-kb.sd-jwt" $K --nonce "$N" --aud "$A" --require-kb
expect "its key-bound presentation: valid" 0 "" "key binding +KB-JWT by the holder's key"
run "$V" verify "$F/plain-kb.sd-jwt" $K --nonce "old-nonce" --aud "$A"
expect "its presentation with another nonce: refused" 1
run "$V" verify "$F/plain.sd-jwt"
expect "without a trusted key: nothing to verify the signature with" 1 \
	"verifier: $F/plain.sd-jwt: issuer-jwt.header.kid: no did:key to verify the issuer's signature with"
run "$V" verify "$F/plain.sd-jwt" --issuer-key "$F/other.jwk"
expect "with another trusted key: refused" 1

# a status list entry
run "$V" verify "$F/listed.sd-jwt" $K
expect "a status list entry not checked: untrusted (exit 3)" 3 \
	"verifier: $F/listed.sd-jwt: status not established: index 3 of http://127.0.0.1:$PORT/lists/1 not checked: no status list token given" \
	"^VALID PROOF, STATUS NOT ESTABLISHED: MSc Physics"
grep -q "index 3 of http://127.0.0.1:$PORT/lists/1 not checked" "$T/out" &&
	ok "the verdict names the entry it could not check" || not_ok "$(cat "$T/out")"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/valid.jwt"
expect "--status-list FILE, entry valid" 0 "" "status list +valid: index 3 of http://127.0.0.1:$PORT/lists/1"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/invalid.jwt"
expect "entry invalid: refused" 1 \
	"verifier: $F/listed.sd-jwt: invalid: index 3 of http://127.0.0.1:$PORT/lists/1 (list of $(date -u -d @$((NOW - 60)) +%Y-%m-%dT%H:%M:%SZ))"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/suspended.jwt"
expect "entry suspended: refused" 1 "" "^INVALID: suspended: index 3"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/app.jwt"
expect "entry with an application-specific status: refused" 1 "" "^INVALID: status 0x03: index 3"
run "$V" verify "$F/listed-last.sd-jwt" $K --status-list "$F/short.jwt"
expect "an index beyond the list: refused" 1 "" "^INVALID: .*index 15"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/expired.jwt"
expect "an expired status list token: untrusted" 3 "" "status list .*expired"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/otherkey.jwt"
expect "a token signed by another key: untrusted" 3 "" "status list .*refused"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/othersub.jwt"
expect "a token for another uri: untrusted" 3 "" "status list .*refused"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/typ.jwt"
expect "a token of another typ: untrusted" 3 "" "status list .*refused"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "$F/missing.jwt"
expect "a token file that is not there: untrusted" 3 "" "status list .*no status list token"
run "$V" verify "$F/listed.sd-jwt" $K --status-list "http://127.0.0.1:$PORT/lists/1"
expect "--status-list URL" 0 "" "status list +valid"
run "$V" verify "$F/listed.sd-jwt" $K --fetch-status
expect "--fetch-status fetches the uri the credential names" 0 "" "status list +valid"
cp "$F/invalid.jwt" "$F/www/lists/1"
run "$V" verify "$F/listed.sd-jwt" $K --fetch-status --json
expect "--fetch-status, the list now says invalid: refused" 1
"$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1]))
c = [x for x in r["checks"] if x["name"] == "status list"]
assert r["status"] == "invalid" and c and c[0]["result"] == "fail", r
' "$T/out" && ok "the JSON report carries the status list check" || not_ok "json: $(cat "$T/out")"
rm "$F/www/lists/1"
run "$V" verify "$F/listed.sd-jwt" $K --fetch-status
expect "--fetch-status, the list is gone: untrusted" 3 "" "status list .*not found|status list .*no status list token"
run "$V" verify "$F/listed.sd-jwt" $K --fetch-status --status-list "$F/valid.jwt"
expect "--fetch-status and --status-list together: usage" 2
finish
