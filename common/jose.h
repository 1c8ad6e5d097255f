/* jose.h - the pieces of JOSE that SD-JWT needs, for Ed25519 only: a public
 * JWK of key type OKP (RFC 8037 §2), and compact JWS (RFC 7515 §7.1) signed
 * with EdDSA (RFC 8037 §3.1).
 *
 * Headers and payloads are written as RFC 8785 canonical JSON (one encoding
 * for one value), base64url without padding. Parsing is strict: canonical
 * base64url, strict JSON (jsonin.h: duplicate members refused, as RFC 7515
 * §5.2 allows and RFC 9901 requires), "alg" exactly "EdDSA" or "Ed25519"
 * (the fully specified name, RFC 9864), never "none"; a "crit" header is
 * refused, since no extension is understood.
 *
 * Ownership: jose_jws_parse returns a heap struct the caller frees with
 * jose_jws_free; its json_t members are owned by it. Keys are borrowed.
 */
#ifndef SHOMEI_JOSE_H
#define SHOMEI_JOSE_H

#include "ed25519.h"
#include "err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define JOSE_JWS_MAX_BYTES (1u << 20)

/* {"crv":"Ed25519","kty":"OKP","x":"<base64url of pk>"}: new reference, NULL
 * when out of memory. */
json_t *jose_jwk_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES]);

/* Reads a public Ed25519 JWK: kty "OKP", crv "Ed25519", x 32 bytes in
 * canonical base64url; "d" (a private key) is refused, other members (kid,
 * use, alg...) are ignored. Returns 0, or SHOMEI_ERR_INVALID (pk cleared; d
 * names the member). */
int jose_jwk_to_public(const json_t *jwk, unsigned char pk[ED25519_PUBLIC_BYTES],
		       struct shomei_diag *d) __attribute__((warn_unused_result));

/* Signs: header (an object; "alg":"EdDSA" is set in a copy) and payload are
 * serialized canonically and the compact JWS "h.p.s" is returned in *out
 * (malloc'd, NUL-terminated, *len bytes). Borrows everything. */
int jose_jws_sign(const json_t *header, const json_t *payload, const struct ed25519_key *key,
		  char **out, size_t *len, struct shomei_diag *d) __attribute__((warn_unused_result));

/* The same from the texts themselves: header and payload are JSON texts
 * (the header must already say "alg":"EdDSA"; not parsed or checked), each
 * base64url-encoded, then signed. jose_jws_sign is this after canonicalizing
 * its objects. */
int jose_jws_sign_text(const char *header, size_t header_len, const char *payload,
		       size_t payload_len, const struct ed25519_key *key, char **out, size_t *len,
		       struct shomei_diag *d) __attribute__((warn_unused_result));

struct jose_jws {
	json_t *header;
	json_t *payload;
	unsigned char sig[ED25519_SIG_BYTES];
	const char *signing_input; /* into the caller's text: "h.p" */
	size_t signing_input_len;
};

/* Parses text[0..len), a compact JWS, checking the header rules above (not
 * the signature). where_prefix names it in diagnostics ("kb-jwt").
 * SHOMEI_ERR_PARSE for a malformed token, SHOMEI_ERR_UNSUPPORTED for an
 * algorithm other than EdDSA (the message names it), SHOMEI_ERR_INVALID for
 * the rest. The struct points into text, which must outlive it. */
int jose_jws_parse(const char *text, size_t len, const char *where_prefix, struct jose_jws **out,
		   struct shomei_diag *d) __attribute__((warn_unused_result));

/* Verifies the parsed JWS's signature under pk: 0 or SHOMEI_ERR_SIGNATURE. */
int jose_jws_verify(const struct jose_jws *j, const unsigned char pk[ED25519_PUBLIC_BYTES],
		    const char *where_prefix, struct shomei_diag *d)
    __attribute__((warn_unused_result));

void jose_jws_free(struct jose_jws *j);

/* A NumericDate (RFC 7519 §2): a JSON number of seconds since the epoch,
 * within [0, TIMEUTIL_MAX_SECONDS] (9999-12-31T23:59:59Z), a fraction
 * truncated. Returns 0 and *t, or SHOMEI_ERR_INVALID with *t 0. */
int jose_numeric_date(const json_t *v, int64_t *t) __attribute__((warn_unused_result));

/* base64url(canonical JSON of v) into *out (malloc'd, NUL-terminated). */
int jose_b64_json(const json_t *v, char **out, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

#endif
