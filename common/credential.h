/* credential.h - the diploma and qualification credential model.
 *
 * A shomei credential is a W3C Verifiable Credential 2.0 shaped as an Open
 * Badges 3.0 OpenBadgeCredential: the degree or qualification is the
 * credentialSubject's `achievement`, with an OB3 achievementType
 * (BachelorDegree, MasterDegree, DoctoralDegree, Certificate, License, ...).
 * docs/credential.md shows a full example. Holders and issuers are did:key.
 *
 * Two jobs live here: building our own credentials from claims, and checking
 * that ANY document is a well-formed VC 2.0 credential (credential_check), so
 * the verifier judges credentials from other implementations by the same rules.
 *
 * Ownership: claims and info structs borrow their strings (from a jansson
 * object or the caller); they are valid while that source lives.
 */
#ifndef SHOMEI_CREDENTIAL_H
#define SHOMEI_CREDENTIAL_H

#include "err.h"

#include <jansson.h>
#include <stdint.h>

#define CREDENTIAL_CONTEXT_V2	  "https://www.w3.org/ns/credentials/v2"
#define CREDENTIAL_CONTEXT_OB3	  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define CREDENTIAL_MAX_TEXT_BYTES 1024 /* any one claim value */
/* credentialStatus {"type": CREDENTIAL_STATUS_TYPE, "statusHash": hex}: the
 * hash under which the ledger records a revocation (record_status_hash of
 * the credential's id; docs/ledger-records.md). */
#define CREDENTIAL_STATUS_TYPE "ShomeiLedgerStatus"

/* The claims of one diploma, as read from options, a claims JSON file or a CSV
 * row (docs/credential.md lists the member and column names). */
struct credential_claims {
	const char *holder;	      /* did:key of the graduate (credentialSubject.id) */
	const char *name;	      /* the graduate's name, any script */
	const char *student_id;	      /* optional */
	const char *birth_date;	      /* optional, YYYY-MM-DD */
	const char *achievement_type; /* OB3 achievementType */
	const char *degree;	      /* degree or qualification name */
	const char *field_of_study;   /* optional */
	const char *description;      /* optional; a default is written from the others */
	const char *conferral_date;   /* YYYY-MM-DD */
	const char *valid_from;	      /* optional dateTimeStamp; default: the issuance time */
	const char *valid_until;      /* optional dateTimeStamp */
	const char *grades;	      /* optional, e.g. "GPA 3.6/4.0" */
	const char *honours;	      /* optional, e.g. "magna cum laude" */
};

/* The claim names, in the order of docs/credential.md; a CSV header or a claims
 * file uses exactly these. */
extern const char *const credential_claim_names[];

/* Reads claims from a JSON object whose members are the claim names (strings).
 * Unknown members are refused, so a typo is not silently dropped. */
int credential_claims_from_json(const json_t *obj, struct credential_claims *c,
				struct shomei_diag *d) __attribute__((warn_unused_result));

/* Sets the claim called `name` (one of credential_claim_names) to value. */
int credential_claims_set(struct credential_claims *c, const char *name, const char *value,
			  struct shomei_diag *d) __attribute__((warn_unused_result));

/* Checks claims before signing: required ones present, holder a valid did:key,
 * dates valid, achievementType in the OB3 vocabulary (or "ext:..."), sizes. The
 * diag's where is the claim name. */
int credential_claims_check(const struct credential_claims *c, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* 1 when t is an OB3 achievementType term (or an "ext:" extension), else 0. */
int credential_achievement_type_known(const char *t);

/* The @context of every credential credential_build makes: [VC 2.0, OB 3.0].
 * A new reference. */
json_t *credential_context_new(void);

struct credential_issuer {
	const char *did;  /* did:key of the institution's current key */
	const char *name; /* the institution's name */
};

/* Builds the unsigned credential. `id` is a urn:uuid (NULL: a random one);
 * `issued_at` (Unix seconds) is the default validFrom. *out is a new reference
 * the caller owns. */
int credential_build(const struct credential_claims *c, const struct credential_issuer *iss,
		     const char *id, int64_t issued_at, json_t **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* What credential_check found; strings borrow from the checked document. */
struct credential_info {
	const char *id;		 /* NULL if the credential has none */
	const char *issuer;	 /* issuer URL (or issuer.id) */
	const char *issuer_name; /* NULL if none */
	const char *subject;	 /* first credentialSubject.id, NULL if none */
	const char *subject_name;
	const char *achievement_type; /* OB3 fields, NULL when not an OB3 credential */
	const char *achievement_name;
	const char *field_of_study;
	const char *awarded_date;
	int has_valid_from;
	int64_t valid_from;
	int has_valid_until;
	int64_t valid_until;
};

/* Checks the VC 2.0 data model rules that do not need the proof: @context
 * (first entry the v2 context), type (includes VerifiableCredential), issuer
 * (URL or object with id), credentialSubject (object or non-empty array of
 * objects), validFrom/validUntil (dateTimeStamp, validFrom <= validUntil),
 * optional id (a URL). Returns SHOMEI_ERR_INVALID with the path in d. info may
 * be NULL; on failure it is cleared. */
int credential_check(const json_t *vc, struct credential_info *info, struct shomei_diag *d)
    __attribute__((warn_unused_result));

#endif
