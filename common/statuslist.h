/* statuslist.h - the IETF Token Status List (draft-ietf-oauth-status-list,
 * repository state of -20), JSON and JWT forms only, Ed25519 only: what a
 * verifier needs to check the `status.status_list` claim of an SD-JWT VC from
 * a foreign issuer, and the issuer side used by the tests.
 *
 * A Status List (§4) is a byte array holding one status of `bits` bits
 * (1, 2, 4 or 8) per Referenced Token; the status of index i starts at byte
 * floor(i * bits / 8), bit (i * bits) mod 8, counted from the least
 * significant bit (§4.1). Its JSON form (§4.2) is
 *     {"bits": 1|2|4|8, "lst": base64url(ZLIB(bytes)) [, "aggregation_uri": "..."]}
 * where ZLIB is RFC 1950 around DEFLATE (RFC 1951). The statuses (§7.1):
 * 0 VALID, 1 INVALID, 2 SUSPENDED; 3 and 12-15 application-specific, the rest
 * reserved. shomei reports values other than 0-2 as numbers and leaves their
 * meaning to the caller.
 *
 * A Referenced Token names its entry in its "status" claim (§6.1, §6.2):
 *     "status": {"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}}
 * and the list behind `uri` is a Status List Token (§5.1), here a JWS signed
 * with EdDSA, header "typ" "statuslist+jwt", payload {sub, iat, [exp], [ttl],
 * status_list}.
 *
 * Numbers: JSON read by jsonin.h holds every number as a real; jansson's own
 * loader and json_integer() give integers. Both are accepted wherever an
 * integer is expected, as long as the value is integral (1.0 is 1, 1.5 is
 * refused) and not above 2^53.
 *
 * Ownership: struct statuslist and struct statuslist_token own their memory
 * and are freed with statuslist_release / statuslist_token_release (which
 * also zero them; both NULL-safe and safe on a cleared struct). Every json_t
 * argument is borrowed; statuslist_build returns a new reference; strings
 * returned in *out are malloc'd. Keys are borrowed.
 */
#ifndef SHOMEI_STATUSLIST_H
#define SHOMEI_STATUSLIST_H

#include "ed25519.h"
#include "err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The ceiling on the decompressed list, on the text of "lst" and on a Status
 * List Token's text. 1 MiB holds 8 388 608 one-bit statuses. */
#define STATUSLIST_MAX_BYTES (1u << 20)
/* The ceiling on "idx" and on any integer read: 2^53, the largest that every
 * JSON reader holds exactly. */
#define STATUSLIST_MAX_INTEGER 9007199254740992.0
#define STATUSLIST_TYP	       "statuslist+jwt"

enum statuslist_value {
	STATUSLIST_VALID = 0,
	STATUSLIST_INVALID = 1,
	STATUSLIST_SUSPENDED = 2
	/* 3 and others: application-specific or reserved, reported as a number */
};

struct statuslist {
	unsigned bits;	       /* 1, 2, 4 or 8 */
	unsigned char *bytes;  /* the decompressed list, nbytes of it */
	size_t nbytes;	       /* 1..STATUSLIST_MAX_BYTES */
	char *aggregation_uri; /* §9: NULL if absent; never followed by shomei */
};

/* Parses a Status List JSON object (§4.2). Unknown members are ignored.
 * Returns 0 and fills *out (release with statuslist_release), or, with *out
 * cleared and d->where naming the member ("bits", "lst", "aggregation_uri"):
 *   SHOMEI_ERR_PARSE    obj not an object; bits or lst missing or of the wrong
 *                       type; lst not canonical unpadded base64url
 *                       (base64url.h), not a complete ZLIB stream (a bad
 *                       header, a preset dictionary, a wrong Adler-32, cut
 *                       short), or with data after the stream's end;
 *   SHOMEI_ERR_INVALID  bits not 1, 2, 4 or 8; an empty list; aggregation_uri
 *                       not a non-empty string;
 *   SHOMEI_ERR_LIMIT    lst longer than STATUSLIST_MAX_BYTES characters, or
 *                       decompressing to more than STATUSLIST_MAX_BYTES (a
 *                       "zlib bomb" is stopped there, never inflated whole);
 *   SHOMEI_ERR_NOMEM. */
int statuslist_parse(const json_t *obj, struct statuslist *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The number of statuses l holds: nbytes * 8 / bits (the last byte's unused
 * high bits count as entries too, as the draft's byte array has no length). */
uint64_t statuslist_count(const struct statuslist *l);

/* The status at index idx (see above for the bit order). Returns 0 and sets
 * *value (below 2^bits), or SHOMEI_ERR_INVALID "index out of range" when
 * idx >= statuslist_count(l), with *value 0: §8.3 requires the Referenced Token to be
 * refused then. */
int statuslist_get(const struct statuslist *l, uint64_t idx, unsigned *value, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Frees what l owns and zeroes it. NULL-safe. */
void statuslist_release(struct statuslist *l);

/* Builds the JSON form {"bits", "lst"} of values[0..n) (borrowed), packed
 * bits per entry, unused bits zero, compressed with zlib at
 * Z_BEST_COMPRESSION. *out is a new reference (NULL on failure). Returns 0,
 * SHOMEI_ERR_USAGE (bits not 1, 2, 4 or 8; n 0; a value not below 2^bits,
 * d->where "[i]"), SHOMEI_ERR_LIMIT (more than STATUSLIST_MAX_BYTES packed) or
 * SHOMEI_ERR_NOMEM. */
int statuslist_build(const unsigned *values, size_t n, unsigned bits, json_t **out,
		     struct shomei_diag *d) __attribute__((warn_unused_result));

/* Reads the Referenced Token's pointer into a list: `status` is the value of
 * its "status" claim (§6.2), and its member "status_list" must be
 * {"idx": a non-negative integer, "uri": a non-empty string}; other members
 * of both objects are ignored. On success *idx is set and *uri points into
 * `status` (borrowed: valid while `status` lives unchanged). Returns 0, or
 * with *idx 0 and *uri NULL:
 *   SHOMEI_ERR_NOTFOUND  `status` has no "status_list" member (another status
 *                        mechanism, which shomei does not check);
 *   SHOMEI_ERR_PARSE     `status` not an object, "status_list" not an object,
 *                        idx missing, negative, fractional, above 2^53 or not a
 *                        number, uri missing, empty or not a string. */
int statuslist_reference(const json_t *status, uint64_t *idx, const char **uri,
			 struct shomei_diag *d) __attribute__((warn_unused_result));

struct statuslist_token_options {
	const unsigned char *issuer_pk; /* the Ed25519 key (ED25519_PUBLIC_BYTES) that must
					   have signed it; required */
	const char *uri;		/* the reference's uri: must equal the token's sub */
	int64_t now;			/* Unix seconds */
	int64_t skew;			/* tolerance for exp and iat, seconds; 0: none */
};

struct statuslist_token {
	struct statuslist list;
	char *sub;
	int64_t iat, exp, ttl;
	int has_exp, has_ttl;
};

/* Verifies a Status List Token in JWT form (§5.1, §8.3) of text jwt[0..len):
 *   - a compact JWS (jose.h: strict base64url and JSON, "alg" EdDSA or its
 *     fully specified name Ed25519, no "crit");
 *   - header "typ" "statuslist+jwt", compared as RFC 7515 §4.1.9 compares media
 *     types: ASCII case-insensitively, "application/" optional;
 *   - signed by o->issuer_pk;
 *   - "sub" a string equal, byte for byte, to o->uri (§8.3: the token is the
 *     one the reference names);
 *   - "iat" required, a NumericDate (a number in [0, 9999-12-31T23:59:59Z],
 *     a fraction truncated), not after now + skew;
 *   - "exp" optional, likewise; refused when now >= exp + skew;
 *   - "nbf" optional, likewise; refused when now + skew < nbf (§5.1 asks for a
 *     JWT valid in every respect of RFC 7519);
 *   - "ttl" optional, an integer in [1, TIMEUTIL_MAX_SECONDS] (the draft allows
 *     any positive number; shomei refuses a fraction);
 *   - "status_list" as statuslist_parse.
 * Returns 0 and fills *out (release with statuslist_token_release), or with
 * *out cleared: SHOMEI_ERR_USAGE (o, o->issuer_pk or o->uri NULL),
 * SHOMEI_ERR_LIMIT (len > STATUSLIST_MAX_BYTES, or the list's ceilings),
 * SHOMEI_ERR_PARSE (not a JWS, or the list's encoding), SHOMEI_ERR_UNSUPPORTED
 * (another alg), SHOMEI_ERR_SIGNATURE, SHOMEI_ERR_INVALID (the rules above),
 * SHOMEI_ERR_NOMEM. d->where is "statuslist-jwt..." for the JWS and the
 * claim's name ("sub", "status_list.lst") for the payload. */
int statuslist_token_verify(const char *jwt, size_t len, const struct statuslist_token_options *o,
			    struct statuslist_token *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Frees what t owns and zeroes it. NULL-safe. */
void statuslist_token_release(struct statuslist_token *t);

/* Signs a Status List Token: header {"alg":"EdDSA","typ":"statuslist+jwt"
 * [,"kid"]}, payload {"sub", "iat", ["exp"], ["ttl"], "status_list"} in
 * RFC 8785 canonical form (jose.h), so the result is deterministic. exp and ttl
 * 0 mean absent. status_list (borrowed) must pass statuslist_parse. *out is
 * malloc'd, NUL-terminated, *len bytes. Returns 0, SHOMEI_ERR_USAGE (sub NULL
 * or empty; iat, exp or ttl negative or beyond TIMEUTIL_MAX_SECONDS),
 * statuslist_parse's code for a status_list it refuses (d->where prefixed
 * "status_list"), or SHOMEI_ERR_NOMEM. */
int statuslist_token_sign(const json_t *status_list, const char *sub, int64_t iat, int64_t exp,
			  int64_t ttl, const struct ed25519_key *key, const char *kid, char **out,
			  size_t *len, struct shomei_diag *d) __attribute__((warn_unused_result));

/* "valid", "invalid", "suspended" for 0, 1, 2; NULL for other values. */
const char *statuslist_value_name(unsigned value);

#endif
