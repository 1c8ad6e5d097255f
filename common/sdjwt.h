/* sdjwt.h - Selective Disclosure for JWTs (RFC 9901) and SD-JWT VC
 * (draft-ietf-oauth-sd-jwt-vc), with Ed25519 only: issuance with
 * selectively disclosable object members and array elements (recursively)
 * and decoy digests, presentations of a chosen subset with an optional Key
 * Binding JWT, and verification of every MUST of RFC 9901 §7.
 *
 * The compact form is  <issuer JWS>~<disclosure>~...~[<KB-JWT>]
 * (a presentation without key binding ends in "~"). Claim paths are RFC 6901
 * JSON Pointers into the issuer's payload: "/credentialSubject/name"; an
 * array element is named by its position in the signed array (decoys
 * included), "/nationalities/1".
 *
 * Digests: base64url(SHA-256(the disclosure's base64url text as sent)),
 * "_sd_alg" "sha-256" (the only one accepted). Salts: 128 random bits.
 *
 * Ownership: outputs are malloc'd strings or new jansson references the
 * caller frees; keys are borrowed. Needs shomei_init().
 */
#ifndef SHOMEI_SDJWT_H
#define SHOMEI_SDJWT_H

#include "ed25519.h"
#include "err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SDJWT_MAX_BYTES	      (1u << 20)
#define SDJWT_MAX_DISCLOSURES 1024
#define SDJWT_MAX_DEPTH	      32
#define SDJWT_SALT_BYTES      16
#define SDJWT_DIGEST_CHARS    43 /* base64url of 32 bytes */
#define SDJWT_JWS_HASH_CONTEXT "shomei-sdjwt-v1\n"
#define SDJWT_TYP_VC	      "dc+sd-jwt"
#define SDJWT_TYP_VC_LEGACY   "vc+sd-jwt" /* earlier drafts; accepted, never written */
#define SDJWT_TYP_KB	      "kb+jwt"
#define SDJWT_DEFAULT_MAX_AGE 300
#define SDJWT_DEFAULT_SKEW    60

/* Where salts and decoys come from: NULL means libsodium's randombytes. Tests
 * pass a deterministic source. */
typedef void (*sdjwt_random_fn)(void *ctx, unsigned char *out, size_t n);

struct sdjwt_issue_options {
	const char *const *sd_paths; /* claims to make selectively disclosable */
	size_t nsd;
	unsigned decoys;  /* decoy digests added to each _sd array (and none to arrays) */
	const char *kid;  /* header "kid", may be NULL */
	const char *typ;  /* header "typ"; NULL: SDJWT_TYP_VC */
	sdjwt_random_fn random;
	void *random_ctx;
};

/* Issues `payload` (an object; borrowed, not changed): every path of
 * o->sd_paths becomes a disclosure (a path inside another disclosable claim
 * becomes a disclosure nested in that one's value), "_sd_alg" is added, the
 * JWS is signed with key. *out is "<jws>~<disclosure>~...~". A path that names
 * nothing, the root, "_sd", "...", or a member of "cnf" is SHOMEI_ERR_USAGE. */
int sdjwt_issue(const json_t *payload, const struct sdjwt_issue_options *o,
		const struct ed25519_key *key, char **out, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* A member of a flat payload, for sdjwt_issue_flat. */
struct sdjwt_member {
	const char *name; /* printable ASCII without '"' and '\\' */
	const char *json; /* the value as canonical JSON text (RFC 8785); not parsed here */
	size_t json_len;
	int sd; /* selectively disclosable */
};

#define SDJWT_FLAT_MAX_MEMBERS 64

/* Issues the payload whose members are m[0..n), without building it: the
 * fast path for payloads of a fixed shape (the diploma, diploma_sd.h). The
 * result is byte for byte what sdjwt_issue gives for the object of those
 * members with the sd ones as o->sd_paths in the order of m (o->sd_paths and
 * o->nsd are ignored) and the same random source: decoys, "_sd_alg", the
 * header and the order of the disclosures alike. The caller promises that
 * every json is canonical; the names are checked: a name that is empty, not
 * printable ASCII, repeated, "_sd", "_sd_alg" or "...", or an sd member that
 * must stay plain, is SHOMEI_ERR_USAGE, as more than SDJWT_FLAT_MAX_MEMBERS
 * members is SHOMEI_ERR_LIMIT. */
int sdjwt_issue_flat(const struct sdjwt_member *m, size_t n, const struct sdjwt_issue_options *o,
		     const struct ed25519_key *key, char **out, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The claims that `issued` (an SD-JWT as issued, or any presentation of it)
 * lets its holder disclose: a new array of {"path", "value"} for every
 * disclosure, in the order they appear. The issuer's signature is not
 * checked (the holder's own credential). */
int sdjwt_disclosable(const char *issued, size_t len, json_t **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

struct sdjwt_kb {
	const struct ed25519_key *holder; /* signs the KB-JWT */
	const char *aud;
	const char *nonce;
	int64_t iat;
};

/* A presentation of `issued` disclosing exactly the paths asked (and the
 * disclosures their ancestors need), with a KB-JWT when kb is not NULL.
 * A path that no disclosure names is SHOMEI_ERR_NOTFOUND (d names it). */
int sdjwt_present(const char *issued, size_t len, const char *const *paths, size_t npaths,
		  const struct sdjwt_kb *kb, char **out, size_t *out_len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

struct sdjwt_verify_options {
	const unsigned char *issuer_pk; /* the key to verify the issuer's JWS with; NULL:
					   the did:key in the header's "kid" (or "iss"), which
					   the caller must then establish as trusted */
	/* With issuer_pk NULL, the key to use when the JWS names no did:key at
	 * all (an issuer outside did:key, trusted explicitly); NULL: none. */
	const unsigned char *fallback_pk;
	int64_t now;
	int64_t skew;	 /* for iat, nbf, exp and the KB-JWT's iat; 0: none */
	int64_t max_age; /* of the KB-JWT */
	const char *aud;   /* expected KB-JWT "aud"; required when a KB-JWT is present */
	const char *nonce; /* expected KB-JWT "nonce"; likewise */
	int require_kb;
	int vc; /* check SD-JWT VC rules: typ dc+sd-jwt, vct, iss */
};

struct sdjwt_verified {
	json_t *claims;	    /* the processed payload (new reference) */
	json_t *disclosed;  /* array of the JSON Pointer paths disclosed */
	size_t undisclosed; /* digests left undisclosed (withheld claims and decoys) */
	int kb;		    /* a KB-JWT was present and verified */
	unsigned char issuer_pk[ED25519_PUBLIC_BYTES];
	char issuer_vm[160]; /* the kid, or "" */
	/* SHA-256(SDJWT_JWS_HASH_CONTEXT || the issuer JWS text): the same for
	 * every presentation of one credential; shomei anchors it (diploma_sd.h) */
	unsigned char jws_hash[32];
};

/* Verifies an SD-JWT or SD-JWT+KB presentation (RFC 9901 §7.1, §7.3):
 * the issuer JWS (EdDSA only) and its typ; every disclosure well formed and
 * referenced exactly once; no digest twice; no claim name "_sd" or "..." and
 * no collision with a plain claim; _sd_alg sha-256; time claims against
 * o->now; and the KB-JWT: typ, signature by cnf.jwk, aud, nonce, iat in
 * [now - max_age - skew, now + skew], sd_hash. Returns 0 with *out filled
 * (release with sdjwt_verified_release), or the first refusal:
 * SHOMEI_ERR_PARSE (malformed), SHOMEI_ERR_UNSUPPORTED (an algorithm),
 * SHOMEI_ERR_SIGNATURE, SHOMEI_ERR_INVALID (every other rule), with d->where
 * and d->what naming it ("disclosures[2]", "not referenced by any digest"). */
int sdjwt_verify(const char *text, size_t len, const struct sdjwt_verify_options *o,
		 struct sdjwt_verified *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Processing only (RFC 9901 §7.1 steps 3 to 5) of an issuer payload with the
 * given disclosures (base64url texts), no signature: for test vectors of
 * other algorithms. Outputs as sdjwt_verify's. */
int sdjwt_process(const json_t *payload, const char *const *disclosures, size_t n,
		  json_t **claims, json_t **disclosed, size_t *undisclosed, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* base64url(SHA-256(text)), the digest of a disclosure. */
void sdjwt_digest(const char *text, size_t len, char out[SDJWT_DIGEST_CHARS + 1]);

void sdjwt_verified_release(struct sdjwt_verified *v);

#endif
