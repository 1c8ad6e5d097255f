#include "diploma_sd.h"

#include "base64url.h"
#include "didkey.h"
#include "internal/buf.h"
#include "internal/sha256.h"
#include "jcs.h"
#include "sdjwt.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The claims a template may make disclosable: every claim of the payload
 * that DIPLOMA_SD_VCT defines except the SD-JWT VC members that must stay
 * plain. */
static const char *const allowed[] = {"name",	     "birthDate",     "studentId", "grades", "honours",
				      "fieldOfStudy", "description",  "degree",
				      "achievementType", "conferralDate", "institution"};

static int claim_allowed(const char *claim)
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
		if (!claim_allowed(name) || *n >= DIPLOMA_SD_MAX_CLAIMS) {
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

int diploma_sd_file_for(const char *json_path, char *out, size_t cap)
{
	size_t n = strlen(json_path);
	int json = n > 5 && !strcmp(json_path + n - 5, ".json");
	snprintf(out, cap, "%.*s.sd-jwt", (int)(json ? n - 5 : n), json_path);
	return json;
}

int diploma_sd_digest(const char *sdjwt, size_t len, unsigned char digest[RECORD_HASH_BYTES])
{
	const char *t = memchr(sdjwt, '~', len);
	if (!t)
		return SHOMEI_ERR_PARSE;
	sha256_2(SDJWT_JWS_HASH_CONTEXT, strlen(SDJWT_JWS_HASH_CONTEXT), sdjwt, (size_t)(t - sdjwt),
		 digest);
	return 0;
}

/* The payload is written as text (sdjwt_issue_flat), not built as a jansson
 * object: issuance is the hot path of a batch. */
struct members {
	struct sdjwt_member m[DIPLOMA_SD_MAX_CLAIMS + 12];
	size_t off[DIPLOMA_SD_MAX_CLAIMS + 12];
	size_t n;
	struct buf vals; /* the values' texts, one after the other */
};

/* A value whose text is already canonical (numbers, fixed objects). */
static int add_text(struct members *ms, const char *name, const char *text)
{
	if (ms->n == sizeof ms->m / sizeof ms->m[0])
		return SHOMEI_ERR_LIMIT;
	size_t start = ms->vals.len;
	int e = buf_puts(&ms->vals, text);
	if (e)
		return e;
	ms->m[ms->n] = (struct sdjwt_member){.name = name, .json_len = ms->vals.len - start};
	ms->off[ms->n++] = start;
	return 0;
}

static int add_int(struct members *ms, const char *name, int64_t v)
{
	char t[24];
	snprintf(t, sizeof t, "%lld", (long long)v);
	return add_text(ms, name, t);
}

static int add_string(struct members *ms, const char *name, const char *value,
		      struct shomei_diag *d)
{
	if (!value)
		return 0;
	if (ms->n == sizeof ms->m / sizeof ms->m[0])
		return SHOMEI_ERR_LIMIT;
	size_t start = ms->vals.len;
	int e = jcs_append_string(value, strlen(value), &ms->vals, d);
	if (e)
		return e == SHOMEI_ERR_INVALID ? diag_set(d, e, name, "not valid UTF-8") : e;
	ms->m[ms->n] = (struct sdjwt_member){.name = name, .json_len = ms->vals.len - start};
	ms->off[ms->n++] = start;
	return 0;
}

static int add_time(struct members *ms, const char *name, const char *dts, struct shomei_diag *d)
{
	if (!dts)
		return 0;
	int64_t t;
	int e = timeutil_parse_datetime(dts, &t, d);
	return e ? e : add_int(ms, name, t);
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
	char sthex[RECORD_HEX_CHARS + 1], x[64];
	int e = didkey_to_public(c->holder, hpk, d);
	if (e)
		return e;
	if (record_status_hash(id, st) != 0)
		return diag_set(d, SHOMEI_ERR_USAGE, "id", "missing");
	if (!iss->did || !iss->name || !c->achievement_type || !c->degree || !c->conferral_date ||
	    !c->name)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "a required claim is missing");
	record_hex(st, sthex);
	if (base64url_encode(hpk, sizeof hpk, x, sizeof x) != 0)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	struct members ms = {.n = 0};
	buf_init(&ms.vals, SDJWT_MAX_BYTES);
	e = add_string(&ms, "iss", iss->did, d);
	if (!e)
		e = add_int(&ms, "iat", issued_at);
	if (!e)
		e = add_string(&ms, "vct", DIPLOMA_SD_VCT, d);
	if (!e)
		e = add_string(&ms, "jti", id, d);
	char cnf[128], status[128];
	snprintf(cnf, sizeof cnf, "{\"jwk\":{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"}}", x);
	snprintf(status, sizeof status, "{\"shomei_ledger\":{\"status_hash\":\"%s\"}}", sthex);
	if (!e)
		e = add_text(&ms, "cnf", cnf);
	if (!e)
		e = add_text(&ms, "status", status);
	const struct {
		const char *name, *value;
	} strs[] = {
	    {"institution", iss->name},	 {"achievementType", c->achievement_type},
	    {"degree", c->degree},	 {"conferralDate", c->conferral_date},
	    {"name", c->name},		 {"studentId", c->student_id},
	    {"birthDate", c->birth_date}, {"fieldOfStudy", c->field_of_study},
	    {"description", c->description}, {"grades", c->grades},
	    {"honours", c->honours},
	};
	for (size_t i = 0; !e && i < sizeof strs / sizeof strs[0]; i++)
		e = add_string(&ms, strs[i].name, strs[i].value, d);
	if (!e)
		e = add_time(&ms, "nbf", c->valid_from, d);
	if (!e)
		e = add_time(&ms, "exp", c->valid_until, d);
	/* the plain members, then the disclosable ones in the template's order
	 * (the order of their salts and disclosures) */
	struct sdjwt_member m[sizeof ms.m / sizeof ms.m[0]];
	size_t nm = 0, nsd = 0;
	int taken[sizeof ms.m / sizeof ms.m[0]] = {0};
	for (size_t i = 0; !e && i < n && nsd < DIPLOMA_SD_MAX_CLAIMS; i++)
		for (size_t k = 0; k < ms.n; k++)
			if (!taken[k] && !strcmp(ms.m[k].name, paths[i] + 1))
				taken[k] = 1 + (int)nsd++;
	for (size_t k = 0; !e && k < ms.n; k++)
		if (!taken[k]) {
			m[nm] = ms.m[k];
			m[nm++].json = ms.vals.data + ms.off[k];
		}
	for (size_t s = 1; !e && s <= nsd; s++)
		for (size_t k = 0; k < ms.n; k++)
			if (taken[k] == (int)s) {
				m[nm] = ms.m[k];
				m[nm].json = ms.vals.data + ms.off[k];
				m[nm++].sd = 1;
			}
	struct sdjwt_issue_options o = {.decoys = 2, .kid = kid};
	if (!e)
		e = sdjwt_issue_flat(m, nm, &o, key, out, len, d);
	else if (!d || !d->what[0])
		diag_set(d, e, NULL, e == SHOMEI_ERR_NOMEM ? "out of memory" : "payload too large");
	buf_release(&ms.vals);
	if (!e && diploma_sd_digest(*out, *len, digest) != 0)
		e = diag_set(d, SHOMEI_ERR_INVALID, NULL, "no issuer JWS");
	return e;
}
