/* dataint.h - W3C Data Integrity proofs with the eddsa-jcs-2022 cryptosuite.
 *
 * Data Integrity EdDSA Cryptosuites v1.0 §3.3 (eddsa-jcs-2022): the document
 * and the proof options are canonicalized with RFC 8785 (jcs.h), each hashed with
 * SHA-256, and pure Ed25519 signs hashData = SHA-256(proof config) || SHA-256(doc)
 * (§3.3.4). proofValue is multibase base58btc ('z') of the 64-byte signature.
 * The verification method is a did:key (didkey.h); nothing is fetched.
 *
 * Ownership: documents are borrowed jansson values; dataint_sign adds a "proof"
 * member to the caller's object (jansson steals the new proof object into it).
 */
#ifndef SHOMEI_DATAINT_H
#define SHOMEI_DATAINT_H

#include "didkey.h"
#include "ed25519.h"
#include "err.h"

#include <jansson.h>
#include <stdint.h>

#define DATAINT_HASH_BYTES	  32
#define DATAINT_HASH_DATA_BYTES	  (2 * DATAINT_HASH_BYTES)
#define DATAINT_PROOF_TYPE	  "DataIntegrityProof"
#define DATAINT_CRYPTOSUITE	  "eddsa-jcs-2022"
#define DATAINT_PURPOSE_MAX_BYTES 64

struct dataint_proof_options {
	const char *verification_method; /* "did:key:z6Mk...#z6Mk..." */
	const char *created;		 /* XML Schema dateTimeStamp, or NULL for none */
	const char *proof_purpose;	 /* NULL means "assertionMethod" */
};

/* Signs `doc` (an object with no "proof" member) and adds the proof, whose
 * @context is a copy of the document's (§3.3.1 step 2, as the W3C vectors do).
 * The key's public half must match o->verification_method (else
 * SHOMEI_ERR_USAGE). On failure doc is unchanged. */
int dataint_sign(json_t *doc, const struct ed25519_key *key, const struct dataint_proof_options *o,
		 struct shomei_diag *d) __attribute__((warn_unused_result));

/* Signs many documents with one key and one set of proof options, as a batch
 * issuance does: the proof configuration is built, canonicalized and hashed
 * once. Ownership: the struct is the caller's (init/release); the key is
 * borrowed and must outlive it. */
struct dataint_signer {
	const struct ed25519_key *key;
	json_t *config; /* proof options with @context, without proofValue */
	unsigned char config_hash[DATAINT_HASH_BYTES];
	/* The canonical proof around its proofValue's characters: only they
	 * change from one document to the next (NULL: built per document). */
	char *proof_text;
	size_t proof_head, proof_len; /* the value goes at proof_text + proof_head */
};

/* `context` is the @context every document signed will carry (copied into
 * the proof, §3.3.1 step 2); NULL for documents without one. */
int dataint_signer_init(struct dataint_signer *s, const struct ed25519_key *key,
			const struct dataint_proof_options *o, const json_t *context,
			struct shomei_diag *d) __attribute__((warn_unused_result));
void dataint_signer_release(struct dataint_signer *s);

/* Signs doc (an object without "proof", whose @context equals the signer's)
 * and returns the signed document as RFC 8785 canonical text (malloc'd,
 * NUL-terminated; the caller frees it): the form shomei writes credentials in.
 * The document is canonicalized once, for the hash and the output alike. doc
 * is not modified. */
int dataint_signer_sign(const struct dataint_signer *s, const json_t *doc, char **text, size_t *len,
			struct shomei_diag *d) __attribute__((warn_unused_result));

/* As dataint_signer_sign, and also digest = SHA-256(prefix || the canonical
 * document without its proof), from the same canonical bytes the signature
 * hashes: the credential digest a ledger anchor records (record.h,
 * RECORD_CREDENTIAL_CONTEXT) at the cost of one more hash, not one more
 * canonicalization. prefix may be NULL (""). digest is cleared on failure. */
int dataint_signer_sign_digest(const struct dataint_signer *s, const json_t *doc,
			       const char *prefix, unsigned char digest[DATAINT_HASH_BYTES],
			       char **text, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* hashData of §3.3.4 for an unsecured document and a proof configuration
 * (the proof options without proofValue, with its @context if any). Checks the
 * proof configuration as §3.3.5 requires (type, cryptosuite, created). */
int dataint_hash_data(const json_t *unsecured, const json_t *proof_config,
		      unsigned char out[DATAINT_HASH_DATA_BYTES], struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* What a verified proof says. Filled only when dataint_verify returns 0;
 * cleared otherwise. */
struct dataint_verified {
	unsigned char public_key[ED25519_PUBLIC_BYTES];
	char verification_method[DIDKEY_VM_MAX_BYTES];
	char proof_purpose[DATAINT_PURPOSE_MAX_BYTES];
	int has_created;
	int64_t created; /* Unix seconds */
	int has_expires;
	int64_t expires;
};

/* Verifies the single eddsa-jcs-2022 proof of `doc` (§3.3.2, §3.3.7): proof
 * shape, type and cryptosuite, that the proof's @context is a prefix of the
 * document's, proofPurpose equal to `expected_purpose` (NULL: "assertionMethod"),
 * the did:key verification method, proofValue (base58btc, 64 bytes) and the
 * signature. Returns 0 when the signature verifies; SHOMEI_ERR_SIGNATURE when it
 * does not; SHOMEI_ERR_INVALID with the path in d when the proof is malformed or
 * missing; SHOMEI_ERR_UNSUPPORTED for proof sets and other cryptosuites.
 * Validity in time (created, expires) is the caller's to judge. */
int dataint_verify(const json_t *doc, const char *expected_purpose, struct dataint_verified *out,
		   struct shomei_diag *d) __attribute__((warn_unused_result));

/* dataint_verify, and SHA-256(prefix || the canonical document without its
 * proof) into digest, from the canonical form the verification computes
 * anyway (or computed apart when the proof's @context replaced the
 * document's): the anchor digest the verifier looks up (record.h,
 * RECORD_CREDENTIAL_CONTEXT), for one canonicalization instead of two.
 * Returns as dataint_verify; digest is cleared unless it returns 0. */
int dataint_verify_digest(const json_t *doc, const char *expected_purpose, const char *prefix,
			  unsigned char digest[DATAINT_HASH_BYTES], struct dataint_verified *out,
			  struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
