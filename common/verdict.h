/* verdict.h - the one function that decides whether a credential is valid.
 *
 * The issuer, the wallet and the verifier all call verdict_credential, so they
 * can never disagree. A verdict is explained: every check is listed with its
 * result and a one-line detail, and the first failure is the verdict's reason.
 *
 * Checks, in order: structure (VC 2.0 data model, credential.h), proof
 * (eddsa-jcs-2022, dataint.h), issuer key (a did:key issuer must be the proof's
 * verification method), validity period (validFrom, validUntil, proof.expires
 * against the verification time), then the ledger (DESIGN.md §Trust model):
 * the status hash the credential carries, the signing key's institution on
 * the ledger (unknown: UNTRUSTED), the anchor of the credential's digest
 * (missing, before the key, or after the key's retirement or compromise or
 * the institution's merger or closure: INVALID), revocation (INVALID), and
 * the institution's standing (reported, never a failure by itself).
 *
 * Ownership: struct verdict is the caller's and holds copies of everything it
 * reports, so it outlives the credential it judged.
 */
#ifndef SHOMEI_VERDICT_H
#define SHOMEI_VERDICT_H

#include "err.h"
#include "registry.h"

#include <jansson.h>
#include <stdint.h>

#define VERDICT_MAX_CHECKS   16
#define VERDICT_TEXT_BYTES   512
#define VERDICT_JSON_VERSION 1

enum verdict_status {
	VERDICT_VALID,	   /* every check passed and the issuer is trusted */
	VERDICT_UNTRUSTED, /* the proof verifies, but the issuer is not established as trusted */
	VERDICT_INVALID	   /* a check failed: see reason */
};

enum verdict_result {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_SKIP, /* not applicable or not checked; detail says why */
};

struct verdict_check {
	const char *name; /* static: "structure", "proof", "issuer key", "validity period" */
	enum verdict_result result;
	char detail[VERDICT_TEXT_BYTES];
};

struct verdict {
	enum verdict_status status;
	int64_t at;			 /* the moment judged, Unix seconds */
	char reason[VERDICT_TEXT_BYTES]; /* "" when valid; else the first failure */
	const char *reason_check;	 /* static: the check that gave the reason, or NULL */
	size_t nchecks;
	struct verdict_check checks[VERDICT_MAX_CHECKS];
	/* What the credential says ("" when absent). */
	char id[VERDICT_TEXT_BYTES];
	char issuer[VERDICT_TEXT_BYTES];
	char issuer_name[VERDICT_TEXT_BYTES];
	char subject[VERDICT_TEXT_BYTES];
	char subject_name[VERDICT_TEXT_BYTES];
	char achievement_type[VERDICT_TEXT_BYTES];
	char achievement_name[VERDICT_TEXT_BYTES];
	char field_of_study[VERDICT_TEXT_BYTES];
	char awarded_date[VERDICT_TEXT_BYTES];
	char verification_method[VERDICT_TEXT_BYTES];
	int has_valid_from, has_valid_until;
	int64_t valid_from, valid_until;
	/* What the ledger says (ledger_checked: a ledger was consulted). */
	int ledger_checked;
	char ledger_origin[VERDICT_TEXT_BYTES];
	uint64_t ledger_size; /* the checkpoint the verdict rests on */
	int64_t ledger_time;
	int key_registered; /* then institution_* are filled */
	char institution_id[RECORD_ID_BYTES];
	char institution_name[RECORD_NAME_BYTES];
	enum registry_standing standing;
	int64_t standing_time;
	char successor_id[RECORD_ID_BYTES]; /* merged into, or custodian */
	char successor_name[RECORD_NAME_BYTES];
	int anchored;
	uint64_t anchor_index;
	int64_t anchor_time;
	int revoked;
	/* An SD-JWT VC presentation (verdict_sdjwt). */
	int sdjwt;
	int key_bound; /* a KB-JWT by the holder's key was checked */
	char disclosed[VERDICT_TEXT_BYTES]; /* claim names, comma-separated */
	char withheld[VERDICT_TEXT_BYTES];  /* the template's disclosable claims not shown */
	size_t undisclosed;		    /* digests not disclosed (withheld and decoys) */
};

/* The ledger state a verdict rests on: a registry replayed from a ledger
 * replica (ledgerstate.h) and the checkpoint it was replayed at. */
struct verdict_ledger {
	const struct registry *registry;
	const char *origin;
	uint64_t size;
	int64_t time; /* the acceptance time of the checkpoint's last entry */
};

struct verdict_options {
	int64_t at;			  /* verify as of this moment (Unix seconds) */
	const struct verdict_ledger *ledger; /* NULL: no ledger; trust cannot be established,
						so a credential is at best UNTRUSTED */
	/* A key the verifier trusts explicitly (an issuer not on the ledger):
	 * a credential signed by it is VALID without the ledger checks. */
	const unsigned char *trusted_key;
	/* SD-JWT presentations: the KB-JWT's expected audience and nonce, its
	 * maximum age and the clock skew allowed (seconds), and whether key
	 * binding is required. */
	const char *aud;
	const char *nonce;
	int64_t max_age;
	int64_t skew;
	int require_kb;
	/* Token Status List (statuslist.h): gets the Status List Token that an
	 * SD-JWT VC's status.status_list names by its uri, into *token
	 * (malloc'd; the verdict frees it), or fails (d says why). NULL: no way
	 * to get one, and such a credential's status stays unknown (UNTRUSTED). */
	int (*status_list_get)(void *ctx, const char *uri, char **token, size_t *len,
			       struct shomei_diag *d);
	void *status_list_ctx;
};

/* Judges `vc` (a parsed JSON document; any shape) as of o->at. Returns 0 when a
 * verdict was reached, whatever it is (read v->status); a negative error only
 * when none could be (out of memory), and then v->status is VERDICT_INVALID. */
int verdict_credential(const json_t *vc, const struct verdict_options *o, struct verdict *v)
    __attribute__((warn_unused_result));

/* Judges an SD-JWT VC presentation (docs/sd-jwt.md) with the same rules:
 * the SD-JWT and KB-JWT checks (sdjwt.h) as "proof" and "key binding", then
 * the validity period, the status hash, and the ledger with the anchor
 * digest of the SD-JWT form. Returns as verdict_credential, and also, with
 * no verdict reached (v->reason says why): SHOMEI_ERR_PARSE for text that is
 * not an SD-JWT (malformed), SHOMEI_ERR_USAGE for a key-bound presentation
 * when o->aud or o->nonce is missing. */
int verdict_sdjwt(const char *text, size_t len, const struct verdict_options *o,
		  struct verdict *v) __attribute__((warn_unused_result));

/* "valid", "untrusted" or "invalid". */
const char *verdict_status_name(enum verdict_status s);

/* "pass", "fail" or "skip". */
const char *verdict_result_name(enum verdict_result r);

/* The machine-readable report (docs/verdict.md): {"version": 1, "status": ...,
 * "reason": ..., "at": ..., "checks": [...], "credential": {...}}. New reference. */
json_t *verdict_to_json(const struct verdict *v);

#endif
