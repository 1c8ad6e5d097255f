/* record.h - the signed records of the ledger: their format, parsing, building and signing.
 *
 * A record is one JSON object whose bytes are its own RFC 8785 canonical form
 * (jcs.h), so the same record is the same bytes on every ledger backend and one
 * record has exactly one encoding. docs/ledger-records.md is the full
 * description, with examples; in short:
 *
 *   {"signatures":[{"sig":"<base64url>","signer":"did:key:z6Mk..."}],
 *    "time":"2026-04-01T00:00:00Z","type":"anchor","v":1,
 *    "institution":"JP-13-1234","digests":["<64 hex>", ...]}    (written in JCS order)
 *
 * Members: "v" (1), "type", "time" (the writer's clock; informational, the
 * log's own time is what counts), "signatures", and per type:
 *
 *   genesis          authorities [did:key, ...], threshold k
 *   institution      institution, name, key
 *   key-add          institution, key
 *   key-retire       institution, key
 *   key-compromised  institution, key, since
 *   merge            institution, into
 *   close            institution, custodian
 *   anchor           institution, digests [64-hex SHA-256]
 *   revoke           institution, status [64-hex SHA-256], reason
 *   reinstate        institution, status [64-hex SHA-256]
 *
 * Each signature is Ed25519 (RFC 8032 §5.1) over
 *     "shomei-record-v1\n" || JCS(the record without "signatures")
 * by the did:key named as its signer. Whether a signer was entitled to write
 * the record is the registry's question (registry.h), not this module's.
 *
 * Parsing is strict: no member beyond those of the type, every member present
 * and of its exact type, times as "YYYY-MM-DDThh:mm:ssZ", hashes as lowercase
 * hex, institution ids of [A-Za-z0-9._-], sets (authorities, digests, status,
 * signatures by signer) in strictly ascending order, so that a repeated entry
 * shows and a set has one spelling, and the bytes must be the canonical form.
 *
 * Ownership: record_parse returns a heap struct record that owns all it points
 * to (record_free). Builders borrow their inputs and return new jansson
 * references or malloc'd bytes that the caller frees. Secret keys are only
 * borrowed, never copied.
 */
#ifndef SHOMEI_RECORD_H
#define SHOMEI_RECORD_H

#include "didkey.h"
#include "ed25519.h"
#include "err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define RECORD_VERSION	       1
#define RECORD_MAX_BYTES       65527u /* one record, signatures included: what one entry of a
					 tlog-tiles bundle holds after the ledger's 8-byte time */
#define RECORD_MAX_DIGESTS     10000	    /* entries of "digests" or "status" */
#define RECORD_MAX_SIGNATURES  16
#define RECORD_MAX_AUTHORITIES 16
#define RECORD_HASH_BYTES      32 /* a credential digest or a status hash */
#define RECORD_HEX_CHARS       (2 * RECORD_HASH_BYTES)
#define RECORD_ID_MAX_CHARS    64 /* an institution id */
#define RECORD_ID_BYTES	       (RECORD_ID_MAX_CHARS + 1)
#define RECORD_NAME_MAX_CHARS  512 /* an institution's name, in bytes of UTF-8 */
#define RECORD_NAME_BYTES      (RECORD_NAME_MAX_CHARS + 1)
#define RECORD_SIG_CHARS       86 /* base64url of 64 bytes, unpadded */

#define RECORD_SIGN_CONTEXT	  "shomei-record-v1\n"
#define RECORD_CREDENTIAL_CONTEXT "shomei-credential-v1\n"
#define RECORD_STATUS_CONTEXT	  "shomei-status-v1\n"

/* RECORD_MAX_BYTES binds before RECORD_MAX_DIGESTS: a hex digest costs 67
 * bytes in the array ('"' + 64 + '"' + ','), so 10,000 of them do not fit in
 * one ledger entry. RECORD_ANCHOR_BATCH digests always fit, whatever the institution id
 * and with RECORD_MAX_SIGNATURES signatures: split larger batches over several
 * anchor records. */
#define RECORD_ANCHOR_BATCH	 900
#define RECORD_DIGEST_ENTRY_MAX	 (RECORD_HEX_CHARS + 3)
#define RECORD_SIG_ENTRY_MAX	 (RECORD_SIG_CHARS + DIDKEY_ED25519_CHARS + 23) /* {"sig":..,"signer":..}, */
#define RECORD_OTHER_MEMBERS_MAX 1024 /* v, type, time, institution and the punctuation */
_Static_assert(RECORD_ANCHOR_BATCH <= RECORD_MAX_DIGESTS, "a batch is a legal anchor");
_Static_assert((size_t)RECORD_ANCHOR_BATCH * RECORD_DIGEST_ENTRY_MAX +
			   (size_t)RECORD_MAX_SIGNATURES * RECORD_SIG_ENTRY_MAX +
			   RECORD_OTHER_MEMBERS_MAX <=
		       RECORD_MAX_BYTES,
	       "a full anchor batch fits in one record");
_Static_assert(RECORD_ID_MAX_CHARS + 16 < RECORD_OTHER_MEMBERS_MAX, "room for the id");

enum record_type {
	RECORD_GENESIS,
	RECORD_INSTITUTION,
	RECORD_KEY_ADD,
	RECORD_KEY_RETIRE,
	RECORD_KEY_COMPROMISED,
	RECORD_MERGE,
	RECORD_CLOSE,
	RECORD_ANCHOR,
	RECORD_REVOKE,
	RECORD_REINSTATE
};
#define RECORD_TYPES 10

/* Why a credential is revoked: a fixed vocabulary rather than free text, so
 * that no one writes a graduate's name or story onto a ledger that is public
 * and permanent (DESIGN.md: no personal data on the ledger, ever). */
enum record_reason {
	RECORD_REASON_ISSUED_IN_ERROR, /* "issued-in-error" */
	RECORD_REASON_FRAUD,	       /* "fraud" */
	RECORD_REASON_SUPERSEDED,      /* "superseded": a corrected credential replaces it */
	RECORD_REASON_WITHDRAWN,       /* "withdrawn": the degree was rescinded */
	RECORD_REASON_OTHER	       /* "other" */
};
#define RECORD_REASONS 5

/* The content of a record, to build one (record_build) or as parsed. Only the
 * members of `type` are read; the others are ignored. Borrowed strings. */
struct record_fields {
	enum record_type type;
	int64_t time; /* Unix seconds, written as "time" */
	const char *institution;
	const char *name;	 /* institution */
	const char *key;	 /* did:key: institution, key-add, key-retire, key-compromised */
	int64_t since;		 /* key-compromised */
	const char *other;	 /* merge: "into"; close: "custodian" */
	const char *const *authorities; /* genesis: did:keys, in any order */
	size_t nauthorities;
	unsigned threshold;
	const unsigned char (*hashes)[RECORD_HASH_BYTES]; /* anchor "digests", revoke and
							     reinstate "status", any order */
	size_t nhashes;
	enum record_reason reason; /* revoke */
};

struct record_signature {
	char signer[DIDKEY_MAX_BYTES];
	unsigned char public_key[ED25519_PUBLIC_BYTES];
	unsigned char sig[ED25519_SIG_BYTES];
};

/* A parsed record. `f` points into the record's own storage (its sets in
 * ascending order); the public keys are the did:keys decoded. */
struct record {
	struct record_fields f;
	char institution[RECORD_ID_BYTES];
	char name[RECORD_NAME_BYTES];
	char key[DIDKEY_MAX_BYTES];
	unsigned char key_public[ED25519_PUBLIC_BYTES];
	char other[RECORD_ID_BYTES];
	char authorities[RECORD_MAX_AUTHORITIES][DIDKEY_MAX_BYTES];
	const char *authority_list[RECORD_MAX_AUTHORITIES];
	unsigned char authority_public[RECORD_MAX_AUTHORITIES][ED25519_PUBLIC_BYTES];
	unsigned char (*hashes)[RECORD_HASH_BYTES]; /* malloc'd; f.hashes is the same */
	size_t nsignatures;
	struct record_signature signatures[RECORD_MAX_SIGNATURES];
	unsigned char *message; /* RECORD_SIGN_CONTEXT || JCS(record without signatures) */
	size_t message_len;
};

/* Parses bytes[0..len) as one record under the rules above. Signatures are
 * decoded but NOT verified (record_verify_signature). On success *out is a new
 * record the caller frees with record_free. On failure *out is NULL and:
 *   SHOMEI_ERR_PARSE        not JSON (jsonin.h);
 *   SHOMEI_ERR_LIMIT        above RECORD_MAX_BYTES, RECORD_MAX_DIGESTS or
 *                           RECORD_MAX_SIGNATURES (or a jsonin ceiling);
 *   SHOMEI_ERR_UNSUPPORTED  "v" is a number other than 1;
 *   SHOMEI_ERR_INVALID      anything else: not an object, an unknown type or
 *                           member, a missing one, a wrong type or spelling,
 *                           a set out of order or repeated, bytes that are not
 *                           the record's RFC 8785 form;
 *   SHOMEI_ERR_NOMEM;
 * with d->where the member ("digests[3]", "signatures[0].sig") and d->what
 * the reason ("not 64 lowercase hex digits"). */
int record_parse(const void *bytes, size_t len, struct record **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Frees a parsed record. NULL-safe. */
void record_free(struct record *rec);

/* Verifies signature i of rec over rec->message. Returns 0, or
 * SHOMEI_ERR_SIGNATURE (d: "signatures[i].sig", "signature does not verify"),
 * or SHOMEI_ERR_USAGE for i out of range. */
int record_verify_signature(const struct record *rec, size_t i, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The record `f` describes, without "signatures", as a new jansson object
 * (*body; the caller json_decrefs it). Sets are sorted here, so callers may
 * pass them in any order. Checks only what it must to build JSON (NULL
 * strings where the type needs them, counts above the ceilings, a time out of
 * timeutil's range): SHOMEI_ERR_USAGE, SHOMEI_ERR_LIMIT, SHOMEI_ERR_INVALID;
 * record_sign checks the rest. *body is NULL on failure. */
int record_build(const struct record_fields *f, json_t **body, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Signs `body` (an object without "signatures": record_build's, or any JSON
 * object) with each of keys[0..nkeys), 1 <= nkeys <= RECORD_MAX_SIGNATURES,
 * and writes the record's canonical bytes into *out (malloc'd, NUL-terminated
 * after *len bytes; the caller frees it). The result is parsed back with
 * record_parse before it is returned, so only a valid record ever comes out:
 * its errors are this function's. The same key twice is SHOMEI_ERR_USAGE.
 * Borrows body and keys. On failure *out is NULL and *len 0. */
int record_sign(const json_t *body, const struct ed25519_key *const *keys, size_t nkeys,
		char **out, size_t *len, struct shomei_diag *d) __attribute__((warn_unused_result));

/* Adds key's signature to the signed record bytes[0..len), for a threshold
 * record whose signers are not at one place: the first authority signs with
 * record_sign, the next ones add theirs with record_cosign. The existing
 * signatures are kept as they are (not verified). SHOMEI_ERR_EXISTS when key
 * already signed it, SHOMEI_ERR_LIMIT beyond RECORD_MAX_SIGNATURES, otherwise
 * record_parse's errors for bytes. *out and *len as for record_sign. */
int record_cosign(const void *bytes, size_t len, const struct ed25519_key *key, char **out,
		  size_t *outlen, struct shomei_diag *d) __attribute__((warn_unused_result));

/* The digest that an anchor records for a credential:
 *     SHA-256("shomei-credential-v1\n" || JCS(vc without its "proof" member))
 * Only a holder of the credential can compute it (DESIGN.md, Privacy). vc must
 * be an object; errors are jcs_append_without's (SHOMEI_ERR_USAGE for a
 * non-object). out is cleared on failure. */
int record_credential_digest(const json_t *vc, unsigned char out[RECORD_HASH_BYTES],
			     struct shomei_diag *d) __attribute__((warn_unused_result));

/* The status hash that revoke and reinstate records name:
 *     SHA-256("shomei-status-v1\n" || id)
 * where id is the credential's "id" (a random urn:uuid), NUL-terminated.
 * Returns 0, or SHOMEI_ERR_USAGE for a NULL or empty id (out cleared). */
int record_status_hash(const char *id, unsigned char out[RECORD_HASH_BYTES])
    __attribute__((warn_unused_result));

/* Lowercase hex of a hash, NUL-terminated. */
void record_hex(const unsigned char hash[RECORD_HASH_BYTES], char out[RECORD_HEX_CHARS + 1]);

/* Reads exactly RECORD_HEX_CHARS lowercase hex digits (NUL-terminated s).
 * Returns 0, or SHOMEI_ERR_INVALID (out cleared). */
int record_hex_decode(const char *s, unsigned char out[RECORD_HASH_BYTES])
    __attribute__((warn_unused_result));

/* "genesis", "key-add", ...; "reason" names: "fraud", ... Static strings;
 * "unknown" for values outside the enums. */
const char *record_type_name(enum record_type t);
const char *record_reason_name(enum record_reason r);

#endif
