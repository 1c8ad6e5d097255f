#include "diploma_sd.h"

#include "didkey.h"
#include "internal/sha256.h"
#include "jose.h"
#include "sdjwt.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SDJWT_ANCHOR_CONTEXT "shomei-sdjwt-v1\n"

static const char *const allowed[] = {"name",	     "birthDate",     "studentId", "grades", "honours",
				      "fieldOfStudy", "description",  "degree",
				      "achievementType", "conferralDate", "institution"};

int diploma_sd_claim_allowed(const char *claim)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (!strcmp(claim, allowed[i]))
			return 1;
	return 0;
}

void diploma_sd_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
}

int diploma_sd_paths(const char *list, char **paths, size_t *n, struct shomei_diag *d)
{
	*n = 0;
	const char *p = list;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char name[64];
		if (len == 0 || len >= sizeof name) {
			diploma_sd_paths_free(paths, *n);
			*n = 0;
			return diag_set(d, SHOMEI_ERR_USAGE, NULL, "not a list of claim names");
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (!diploma_sd_claim_allowed(name) || *n >= DIPLOMA_SD_MAX_CLAIMS) {
			diploma_sd_paths_free(paths, *n);
			*n = 0;
			return diag_set(d, SHOMEI_ERR_USAGE, name,
					"not a claim that can be made disclosable");
		}
		paths[*n] = malloc(len + 2);
		if (!paths[*n]) {
			diploma_sd_paths_free(paths, *n);
			*n = 0;
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		}
		paths[*n][0] = '/';
		memcpy(paths[*n] + 1, name, len + 1);
		(*n)++;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int diploma_sd_digest(const char *sdjwt, size_t len, unsigned char digest[RECORD_HASH_BYTES])
{
	const char *t = memchr(sdjwt, '~', len);
	if (!t)
		return SHOMEI_ERR_PARSE;
	sha256_2(SDJWT_ANCHOR_CONTEXT, strlen(SDJWT_ANCHOR_CONTEXT), sdjwt, (size_t)(t - sdjwt),
		 digest);
	return 0;
}

static int put_time(json_t *p, const char *name, const char *dts, struct shomei_diag *d)
{
	if (!dts)
		return 0;
	int64_t t;
	int e = timeutil_parse_datetime(dts, &t, d);
	if (e)
		return e;
	return json_object_set_new(p, name, json_integer((json_int_t)t)) ? SHOMEI_ERR_NOMEM : 0;
}

int diploma_sd_issue(const struct credential_claims *c, const struct credential_issuer *iss,
		     const char *id, int64_t issued_at, const struct ed25519_key *key,
		     const char *kid, char *const *paths, size_t n, char **out, size_t *len,
		     unsigned char digest[RECORD_HASH_BYTES], struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	memset(digest, 0, RECORD_HASH_BYTES);
	unsigned char hpk[ED25519_PUBLIC_BYTES], st[RECORD_HASH_BYTES];
	char sthex[RECORD_HEX_CHARS + 1];
	int e = didkey_to_public(c->holder, hpk, d);
	if (e)
		return e;
	if (record_status_hash(id, st) != 0)
		return diag_set(d, SHOMEI_ERR_USAGE, "id", "missing");
	record_hex(st, sthex);
	json_t *p = json_pack("{s:s, s:I, s:s, s:s, s:{s:o}, s:{s:{s:s}}, s:s, s:s, s:s, s:s, s:s}",
			      "iss", iss->did, "iat", (json_int_t)issued_at, "vct", DIPLOMA_SD_VCT,
			      "jti", id, "cnf", "jwk", jose_jwk_from_public(hpk), "status",
			      "shomei_ledger", "status_hash", sthex, "institution", iss->name,
			      "achievementType", c->achievement_type, "degree", c->degree,
			      "conferralDate", c->conferral_date, "name", c->name);
	if (!p)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if ((c->student_id && json_object_set_new(p, "studentId", json_string(c->student_id))) ||
	    (c->birth_date && json_object_set_new(p, "birthDate", json_string(c->birth_date))) ||
	    (c->field_of_study &&
	     json_object_set_new(p, "fieldOfStudy", json_string(c->field_of_study))) ||
	    (c->description && json_object_set_new(p, "description", json_string(c->description))) ||
	    (c->grades && json_object_set_new(p, "grades", json_string(c->grades))) ||
	    (c->honours && json_object_set_new(p, "honours", json_string(c->honours))))
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (!e)
		e = put_time(p, "nbf", c->valid_from, d);
	if (!e)
		e = put_time(p, "exp", c->valid_until, d);
	/* only the claims this diploma has */
	const char *sd[DIPLOMA_SD_MAX_CLAIMS];
	size_t nsd = 0;
	for (size_t i = 0; !e && i < n && nsd < DIPLOMA_SD_MAX_CLAIMS; i++)
		if (json_object_get(p, paths[i] + 1))
			sd[nsd++] = paths[i];
	struct sdjwt_issue_options o = {.sd_paths = sd, .nsd = nsd, .decoys = 2, .kid = kid};
	if (!e)
		e = sdjwt_issue_owned(p, &o, key, out, len, d);
	else
		json_decref(p);
	if (!e && diploma_sd_digest(*out, *len, digest) != 0)
		e = diag_set(d, SHOMEI_ERR_INVALID, NULL, "no issuer JWS");
	return e;
}
