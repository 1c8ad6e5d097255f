/* diploma_sd.h - the SD-JWT VC form of a diploma (docs/sd-jwt.md).
 *
 * `issuer issue` writes every diploma twice from the same claims: the Data
 * Integrity credential (credential.h) and this SD-JWT VC, with the same id
 * ("jti") and status hash, both anchored in the same batch. The payload:
 *
 *   iss  the institution's did:key        vct  DIPLOMA_SD_VCT
 *   iat  issuance time                    nbf/exp  validFrom/validUntil (when given)
 *   jti  the credential id (urn:uuid)     cnf.jwk  the graduate's key (from the holder did:key)
 *   status.shomei_ledger.status_hash      the ledger status hash (record.h)
 *   institution, achievementType, degree, fieldOfStudy, description, conferralDate
 *   name, birthDate, studentId, grades, honours   selectively disclosable by default
 *
 * The anchor digest of the SD-JWT form is SHA-256("shomei-sdjwt-v1\n" ||
 * the issuer JWS), which every presentation carries unchanged.
 */
#ifndef SHOMEI_DIPLOMA_SD_H
#define SHOMEI_DIPLOMA_SD_H

#include "credential.h"
#include "ed25519.h"
#include "err.h"
#include "record.h"

#include <stddef.h>
#include <stdint.h>

#define DIPLOMA_SD_VCT "urn:shomei:vct:diploma:1"
#define DIPLOMA_SD_DEFAULT "name,birthDate,studentId,grades,honours"
#define DIPLOMA_SD_MAX_CLAIMS 16

/* Parses a comma-separated list of claim names (e.g. DIPLOMA_SD_DEFAULT)
 * into paths[] ("/name"), at most DIPLOMA_SD_MAX_CLAIMS. Each path is a
 * malloc'd string the caller frees (diploma_sd_paths_free). */
int diploma_sd_paths(const char *list, char **paths, size_t *n, struct shomei_diag *d)
    __attribute__((warn_unused_result));
void diploma_sd_paths_free(char **paths, size_t n);

/* Issues the SD-JWT VC of claims c by iss, with id and issued_at as the Data
 * Integrity form has them, signed by key under verification method kid; the
 * claims present among paths[0..n) become selectively disclosable. *out is
 * the SD-JWT as issued (all disclosures), digest its anchor digest. */
int diploma_sd_issue(const struct credential_claims *c, const struct credential_issuer *iss,
		     const char *id, int64_t issued_at, const struct ed25519_key *key,
		     const char *kid, char *const *paths, size_t n, char **out, size_t *len,
		     unsigned char digest[RECORD_HASH_BYTES], struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The file the SD-JWT VC form of the credential file json_path goes in,
 * beside it: X.json -> X.sd-jwt; any other name gets ".sd-jwt" appended.
 * Returns 1 when json_path ends in ".json", else 0. */
int diploma_sd_file_for(const char *json_path, char *out, size_t cap);

/* The anchor digest of an SD-JWT (issued or presented). */
int diploma_sd_digest(const char *sdjwt, size_t len, unsigned char digest[RECORD_HASH_BYTES])
    __attribute__((warn_unused_result));

#endif
