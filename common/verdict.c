#include "verdict.h"

#include "credential.h"
#include "dataint.h"
#include "didkey.h"
#include "diploma_sd.h"
#include "sdjwt.h"
#include "statuslist.h"
#include "record.h"
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(RECORD_HASH_BYTES == DATAINT_HASH_BYTES, "the anchor digest is a dataint digest");

static struct verdict_check *add(struct verdict *v, const char *name, enum verdict_result r,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Appends a check; a failure makes the verdict invalid, and `untrusted` a
 * skip that leaves it untrusted (trust not established, nothing wrong). The
 * first of either gives the reason. */
static struct verdict_check *add_v(struct verdict *v, const char *name, enum verdict_result r,
				   int untrusted, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static struct verdict_check *add_v(struct verdict *v, const char *name, enum verdict_result r,
				   int untrusted, const char *fmt, va_list ap)
{
	if (v->nchecks >= VERDICT_MAX_CHECKS)
		return NULL;
	struct verdict_check *c = &v->checks[v->nchecks++];
	c->name = name;
	c->result = r;
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	enum verdict_status to = v->status;
	if (r == VERDICT_FAIL && v->status != VERDICT_INVALID)
		to = VERDICT_INVALID;
	else if (untrusted && v->status == VERDICT_VALID)
		to = VERDICT_UNTRUSTED;
	if (to != v->status) {
		v->status = to;
		v->reason_check = name;
		snprintf(v->reason, sizeof v->reason, "%s", c->detail);
	}
	return c;
}

static struct verdict_check *add(struct verdict *v, const char *name, enum verdict_result r,
				 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct verdict_check *c = add_v(v, name, r, 0, fmt, ap);
	va_end(ap);
	return c;
}

static void copy(char *dst, const char *src)
{
	snprintf(dst, VERDICT_TEXT_BYTES, "%s", src ? src : "");
}

static void fail_from_diag(struct verdict *v, const char *name, const struct shomei_diag *d)
{
	char line[VERDICT_TEXT_BYTES];
	diag_format(d, line, sizeof line);
	add(v, name, VERDICT_FAIL, "%s", line);
}

/* Trust not established: not a failure of the credential, but not valid. */
static void untrusted(struct verdict *v, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void untrusted(struct verdict *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_v(v, name, VERDICT_SKIP, 1, fmt, ap);
	va_end(ap);
}

static const char *fmt_time(int64_t t, char out[TIMEUTIL_RFC3339_BYTES])
{
	if (timeutil_format(t, out) != 0)
		snprintf(out, TIMEUTIL_RFC3339_BYTES, "%lld", (long long)t);
	return out;
}

/* The status hash a credential carries (hex, in member `where`; NULL when
 * absent) must be its identifier's (want; NULL when it has none to compare
 * with). Returns 1 with the hash in got when it passes. */
static int check_status_hash(struct verdict *v, const char *where, const char *hex,
			     const char *malformed, const unsigned char *want, const char *id_name,
			     unsigned char got[RECORD_HASH_BYTES])
{
	if (!hex || record_hex_decode(hex, got) != 0) {
		add(v, "status hash", VERDICT_FAIL, "%s: %s", where, malformed);
		return 0;
	}
	if (want && memcmp(got, want, RECORD_HASH_BYTES) != 0) {
		add(v, "status hash", VERDICT_FAIL, "%s: not the status hash of %s", where, id_name);
		return 0;
	}
	add(v, "status hash", VERDICT_PASS, "%s", hex);
	return 1;
}

/* The status hash the credential carries, if any, must be its id's. */
static void check_status_member(struct verdict *v, const json_t *vc,
				const unsigned char status[RECORD_HASH_BYTES])
{
	const json_t *cs = json_object_get(vc, "credentialStatus");
	if (!cs) {
		add(v, "status hash", VERDICT_SKIP,
		    "no credentialStatus; the ledger is asked under the hash of the id");
		return;
	}
	const char *type = json_string_value(json_object_get(cs, "type"));
	if (!json_is_object(cs) || !type) {
		add(v, "status hash", VERDICT_FAIL, "credentialStatus: not an object with a type");
		return;
	}
	if (strcmp(type, CREDENTIAL_STATUS_TYPE) != 0) {
		add(v, "status hash", VERDICT_SKIP,
		    "credentialStatus of type %.100s is not read; the ledger is asked under the "
		    "hash of the id",
		    type);
		return;
	}
	unsigned char got[RECORD_HASH_BYTES];
	check_status_hash(v, "credentialStatus.statusHash",
			  json_string_value(json_object_get(cs, "statusHash")),
			  "not 64 lowercase hex digits", status, "the credential's id", got);
}

static void report_standing(struct verdict *v, const struct registry_institution *in)
{
	char t[TIMEUTIL_RFC3339_BYTES];
	char now[RECORD_NAME_BYTES + RECORD_ID_BYTES + 64] = "";
	if (in->standing != REGISTRY_ACTIVE && strcmp(in->responsible, in->successor) != 0)
		snprintf(now, sizeof now, "; %s (%s) answers for its credentials now",
			 in->responsible_name, in->responsible);
	else if (in->standing != REGISTRY_ACTIVE)
		snprintf(now, sizeof now, ", which answers for its credentials");
	switch (in->standing) {
	case REGISTRY_ACTIVE:
		add(v, "standing", VERDICT_PASS, "%s (%s) is active", in->name, in->id);
		break;
	case REGISTRY_MERGED:
		add(v, "standing", VERDICT_PASS, "%s (%s) merged into %s (%s) on %s%s", in->name,
		    in->id, in->successor_name, in->successor, fmt_time(in->standing_time, t), now);
		break;
	case REGISTRY_CLOSED:
		add(v, "standing", VERDICT_PASS, "%s (%s) closed on %s with custodian %s (%s)%s",
		    in->name, in->id, fmt_time(in->standing_time, t), in->successor_name,
		    in->successor, now);
		break;
	}
}

/* The ledger checks, for any credential format: its digest (what an anchor
 * records), its id (whose status hash a revocation names) and the
 * verification method that signed it. */
static int check_ledger(struct verdict *v, const struct verdict_ledger *l,
			const unsigned char digest[RECORD_HASH_BYTES],
			const unsigned char *status_hash, const char *signer)
{
	char t[TIMEUTIL_RFC3339_BYTES];
	if (!l) {
		untrusted(v, "ledger", "no ledger replica: whether the key is an accredited "
				       "institution's cannot be established ('verifier ledger sync')");
		return 0;
	}
	v->ledger_checked = 1;
	copy(v->ledger_origin, l->origin);
	v->ledger_size = l->size;
	v->ledger_time = l->time;
	unsigned char status[RECORD_HASH_BYTES] = {0};
	int has_id = status_hash != NULL;
	if (has_id)
		memcpy(status, status_hash, sizeof status);
	struct registry_answer a;
	if (registry_judge(l->registry, digest, status, signer, &a) != 0) {
		add(v, "ledger", VERDICT_FAIL, "the ledger could not be asked");
		return 0;
	}
	if (!a.key_known) {
		untrusted(v, "issuer on ledger",
			  "the signing key is no registered institution's on ledger %s (%llu "
			  "entries)",
			  l->origin, (unsigned long long)l->size);
		return 0;
	}
	v->key_registered = 1;
	snprintf(v->institution_id, sizeof v->institution_id, "%s", a.institution.id);
	snprintf(v->institution_name, sizeof v->institution_name, "%s", a.institution.name);
	v->standing = a.institution.standing;
	v->standing_time = a.institution.standing_time;
	snprintf(v->successor_id, sizeof v->successor_id, "%s", a.institution.successor);
	snprintf(v->successor_name, sizeof v->successor_name, "%s", a.institution.successor_name);
	add(v, "issuer on ledger", VERDICT_PASS, "a key of %s (%s), registered in entry %llu on %s",
	    a.institution.name, a.institution.id, (unsigned long long)a.key.added_index,
	    fmt_time(a.key.added_time, t));
	if (a.anchored) {
		v->anchored = 1;
		v->anchor_index = a.anchor.index;
		v->anchor_time = a.anchor.time;
	}
	switch (a.outcome) {
	case REGISTRY_NOT_ANCHORED:
	case REGISTRY_ANCHOR_BEFORE_KEY:
	case REGISTRY_ANCHOR_TOO_LATE:
		add(v, "anchor", VERDICT_FAIL, "%s", a.reason);
		break;
	default:
		add(v, "anchor", VERDICT_PASS, "anchored in entry %llu on %s, while the key was valid",
		    (unsigned long long)a.anchor.index, fmt_time(a.anchor.time, t));
		break;
	}
	if (!has_id) {
		add(v, "revocation", VERDICT_FAIL, "id: missing, so its revocation cannot be looked up");
	} else if (a.status_known && a.status.revoked) {
		v->revoked = 1;
		add(v, "revocation", VERDICT_FAIL, "revoked on %s by %s (%s), ledger entry %llu",
		    fmt_time(a.status.time, t), a.status.by_authority ? "the authority" : a.status.by,
		    record_reason_name(a.status.reason), (unsigned long long)a.status.index);
	} else if (a.status_known) {
		add(v, "revocation", VERDICT_PASS, "reinstated on %s (ledger entry %llu)",
		    fmt_time(a.status.time, t), (unsigned long long)a.status.index);
	} else {
		add(v, "revocation", VERDICT_PASS, "not revoked");
	}
	report_standing(v, &a.institution);
	return 0;
}

static void check_period(struct verdict *v, const struct credential_info *info,
			 const struct dataint_verified *proof)
{
	char t[TIMEUTIL_RFC3339_BYTES];
	if (info->has_valid_from && v->at < info->valid_from) {
		timeutil_format(info->valid_from, t);
		add(v, "validity period", VERDICT_FAIL, "validFrom: not yet valid (valid from %s)",
		    t);
		return;
	}
	if (info->has_valid_until && v->at >= info->valid_until) {
		timeutil_format(info->valid_until, t);
		add(v, "validity period", VERDICT_FAIL, "validUntil: expired on %s", t);
		return;
	}
	if (proof->has_expires && v->at >= proof->expires) {
		timeutil_format(proof->expires, t);
		add(v, "validity period", VERDICT_FAIL, "proof.expires: proof expired on %s", t);
		return;
	}
	char from[TIMEUTIL_RFC3339_BYTES] = "", until[TIMEUTIL_RFC3339_BYTES] = "";
	if (info->has_valid_from)
		timeutil_format(info->valid_from, from);
	if (info->has_valid_until)
		timeutil_format(info->valid_until, until);
	if (info->has_valid_until)
		add(v, "validity period", VERDICT_PASS, "valid from %s until %s",
		    *from ? from : "the start", until);
	else
		add(v, "validity period", VERDICT_PASS, "valid from %s, no expiry",
		    *from ? from : "the start");
}

static void check_issuer_key(struct verdict *v, const struct credential_info *info,
			     const struct dataint_verified *proof)
{
	/* did:key:X#X is controlled by did:key:X (did:key method, §Read). */
	if (strncmp(info->issuer, "did:key:", 8) == 0) {
		size_t n = strlen(info->issuer);
		const char *vm = proof->verification_method;
		if (strncmp(vm, info->issuer, n) != 0 || (vm[n] != '\0' && vm[n] != '#')) {
			add(v, "issuer key", VERDICT_FAIL,
			    "proof.verificationMethod: not a key of the issuer %.200s",
			    info->issuer);
			return;
		}
		add(v, "issuer key", VERDICT_PASS, "signed by the issuer's own key %.200s",
		    info->issuer);
		return;
	}
	add(v, "issuer key", VERDICT_SKIP,
	    "issuer %.200s is not a did:key; that it controls the signing key is not established",
	    info->issuer);
}

/* The explicitly trusted key replaces the ledger (an issuer not on it). */
static int check_trusted_key(struct verdict *v, const struct verdict_options *o,
			     const unsigned char pk[ED25519_PUBLIC_BYTES])
{
	if (!o->trusted_key)
		return 0;
	if (memcmp(o->trusted_key, pk, ED25519_PUBLIC_BYTES) == 0) {
		add(v, "trusted key", VERDICT_PASS,
		    "signed by the key given as trusted (--issuer-key); the ledger is not asked");
	} else {
		untrusted(v, "trusted key", "not signed by the key given as trusted (--issuer-key)");
	}
	return 1;
}

int verdict_credential(const json_t *vc, const struct verdict_options *o, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	v->status = VERDICT_VALID;
	v->at = o->at;
	struct shomei_diag d;
	diag_clear(&d);

	struct credential_info info;
	if (credential_check(vc, &info, &d) != 0) {
		fail_from_diag(v, "structure", &d);
		return 0;
	}
	copy(v->id, info.id);
	copy(v->issuer, info.issuer);
	copy(v->issuer_name, info.issuer_name);
	copy(v->subject, info.subject);
	copy(v->subject_name, info.subject_name);
	copy(v->achievement_type, info.achievement_type);
	copy(v->achievement_name, info.achievement_name);
	copy(v->field_of_study, info.field_of_study);
	copy(v->awarded_date, info.awarded_date);
	v->has_valid_from = info.has_valid_from;
	v->valid_from = info.valid_from;
	v->has_valid_until = info.has_valid_until;
	v->valid_until = info.valid_until;
	add(v, "structure", VERDICT_PASS, "a W3C Verifiable Credential 2.0");

	struct dataint_verified proof;
	unsigned char digest[RECORD_HASH_BYTES], status[RECORD_HASH_BYTES] = {0};
	int err = dataint_verify_digest(vc, "assertionMethod", RECORD_CREDENTIAL_CONTEXT, digest,
					&proof, &d);
	if (err == SHOMEI_ERR_NOMEM) {
		v->status = VERDICT_INVALID;
		copy(v->reason, "out of memory");
		return err;
	}
	if (err) {
		fail_from_diag(v, "proof", &d);
		return 0;
	}
	copy(v->verification_method, proof.verification_method);
	add(v, "proof", VERDICT_PASS, "eddsa-jcs-2022 signature by %.200s",
	    proof.verification_method);
	check_issuer_key(v, &info, &proof);
	check_period(v, &info, &proof);

	int has_status = info.id && record_status_hash(info.id, status) == 0;
	if (has_status)
		check_status_member(v, vc, status);
	unsigned char pk[ED25519_PUBLIC_BYTES];
	if (didkey_vm_to_public(proof.verification_method, pk, NULL) == 0 &&
	    check_trusted_key(v, o, pk))
		return 0;
	return check_ledger(v, o->ledger, digest, has_status ? status : NULL,
			    proof.verification_method);
}

static void append_name(char *list, const char *name)
{
	size_t n = strlen(list);
	snprintf(list + n, VERDICT_TEXT_BYTES - n, "%s%s", n ? "," : "", name);
}

/* A Token Status List entry (statuslist.h): the token is got through the
 * caller's callback and must be signed by the credential's issuer key; a
 * status that cannot be established leaves the verdict UNTRUSTED, a status
 * other than valid makes it INVALID. */
static int check_status_list(struct verdict *v, const struct verdict_options *o,
			     const unsigned char issuer_pk[ED25519_PUBLIC_BYTES], uint64_t idx,
			     const char *uri)
{
	if (!o->status_list_get) {
		untrusted(v, "status list",
			  "index %llu of %.200s not checked: no status list token given",
			  (unsigned long long)idx, uri);
		return 0;
	}
	struct shomei_diag d;
	diag_clear(&d);
	char *tok = NULL;
	size_t tl = 0;
	char line[VERDICT_TEXT_BYTES];
	int e = o->status_list_get(o->status_list_ctx, uri, &tok, &tl, &d);
	if (e == SHOMEI_ERR_NOMEM)
		return e;
	if (e) {
		diag_format(&d, line, sizeof line);
		untrusted(v, "status list", "%.200s: no status list token: %s", uri, line);
		return 0;
	}
	struct statuslist_token t;
	struct statuslist_token_options to = {
	    .issuer_pk = issuer_pk, .uri = uri, .now = o->at, .skew = o->skew};
	e = statuslist_token_verify(tok, tl, &to, &t, &d);
	free(tok);
	if (e == SHOMEI_ERR_NOMEM)
		return e;
	if (e) {
		diag_format(&d, line, sizeof line);
		untrusted(v, "status list", "%.200s: the status list token is refused: %s", uri,
			  line);
		return 0;
	}
	unsigned value;
	char at[TIMEUTIL_RFC3339_BYTES];
	if (statuslist_get(&t.list, idx, &value, &d) != 0) {
		diag_format(&d, line, sizeof line);
		add(v, "status list", VERDICT_FAIL, "%.200s index %llu: %s", uri,
		    (unsigned long long)idx, line);
	} else if (value == STATUSLIST_VALID) {
		add(v, "status list", VERDICT_PASS, "valid: index %llu of %.200s (list of %s)",
		    (unsigned long long)idx, uri, fmt_time(t.iat, at));
	} else {
		const char *name = statuslist_value_name(value);
		char num[32];
		snprintf(num, sizeof num, "status 0x%02x", value);
		add(v, "status list", VERDICT_FAIL, "%s: index %llu of %.200s (list of %s)",
		    name ? name : num, (unsigned long long)idx, uri, fmt_time(t.iat, at));
	}
	statuslist_token_release(&t);
	return 0;
}

int verdict_sdjwt(const char *text, size_t len, const struct verdict_options *o,
		  struct verdict *v)
{
	memset(v, 0, sizeof *v);
	v->status = VERDICT_VALID;
	v->at = o->at;
	v->sdjwt = 1;
	struct shomei_diag d;
	diag_clear(&d);
	struct sdjwt_verify_options so = {.issuer_pk = NULL,
					  .fallback_pk = o->trusted_key,
					  .now = o->at,
					  .skew = o->skew,
					  .max_age = o->max_age ? o->max_age : SDJWT_DEFAULT_MAX_AGE,
					  .aud = o->aud,
					  .nonce = o->nonce,
					  .require_kb = o->require_kb,
					  .vc = 1};
	struct sdjwt_verified sv;
	int err = sdjwt_verify(text, len, &so, &sv, &d);
	if (err == SHOMEI_ERR_NOMEM || err == SHOMEI_ERR_USAGE || err == SHOMEI_ERR_PARSE) {
		/* no verdict: out of memory, not an SD-JWT at all, or the caller
		 * did not say which audience and nonce a key-bound presentation
		 * must carry */
		v->status = VERDICT_INVALID;
		diag_format(&d, v->reason, sizeof v->reason);
		return err;
	}
	if (err) {
		fail_from_diag(v, !strncmp(d.where, "kb-jwt", 6) || !strncmp(d.what, "kb-jwt", 6)
				      ? "key binding"
				      : "proof",
			       &d);
		return 0;
	}
	const json_t *c = sv.claims;
	const char *vct = json_string_value(json_object_get(c, "vct"));
	add(v, "structure", VERDICT_PASS, "an SD-JWT VC (%s) of %s", SDJWT_TYP_VC, vct);
	copy(v->verification_method, sv.issuer_vm);
	add(v, "proof", VERDICT_PASS, "EdDSA signature by %.200s; every disclosure matches a digest",
	    sv.issuer_vm[0] ? sv.issuer_vm : "the key given as trusted");
	v->key_bound = sv.kb;
	if (sv.kb)
		add(v, "key binding", VERDICT_PASS,
		    "KB-JWT by the holder's key (cnf), audience %.100s, nonce and sd_hash match", o->aud);
	else
		add(v, "key binding", VERDICT_SKIP, "no KB-JWT: whoever shows it need not be the holder");
	/* what it says */
	copy(v->id, json_string_value(json_object_get(c, "jti")));
	copy(v->issuer, json_string_value(json_object_get(c, "iss")));
	copy(v->issuer_name, json_string_value(json_object_get(c, "institution")));
	copy(v->subject_name, json_string_value(json_object_get(c, "name")));
	copy(v->achievement_type, json_string_value(json_object_get(c, "achievementType")));
	copy(v->achievement_name, json_string_value(json_object_get(c, "degree")));
	copy(v->field_of_study, json_string_value(json_object_get(c, "fieldOfStudy")));
	copy(v->awarded_date, json_string_value(json_object_get(c, "conferralDate")));
	size_t i;
	json_t *pth;
	json_array_foreach(sv.disclosed, i, pth) append_name(v->disclosed, json_string_value(pth) + 1);
	if (!strcmp(vct ? vct : "", DIPLOMA_SD_VCT)) {
		/* the default template's disclosable claims that are not shown */
		char names[] = DIPLOMA_SD_DEFAULT, *save = NULL;
		for (char *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save))
			if (!json_object_get(c, n))
				append_name(v->withheld, n);
	}
	v->undisclosed = sv.undisclosed;
	const json_t *nbf = json_object_get(c, "nbf"), *exp = json_object_get(c, "exp");
	v->has_valid_from = nbf != NULL;
	v->valid_from = nbf ? (int64_t)json_number_value(nbf) : 0;
	v->has_valid_until = exp != NULL;
	v->valid_until = exp ? (int64_t)json_number_value(exp) : 0;
	add(v, "validity period", VERDICT_PASS, "nbf, exp and iat hold at the time judged");
	/* status: the ledger's status hash (carried, and the jti's), and a Token
	 * Status List entry when the credential names one */
	const json_t *stc = json_object_get(c, "status");
	const json_t *shl = json_object_get(stc, "shomei_ledger");
	unsigned char status[RECORD_HASH_BYTES], want[RECORD_HASH_BYTES];
	int has_status = 0;
	uint64_t idx;
	const char *uri;
	int sl = stc ? statuslist_reference(stc, &idx, &uri, &d) : SHOMEI_ERR_NOTFOUND;
	if (shl || (!o->trusted_key && sl == SHOMEI_ERR_NOTFOUND)) {
		int has_id = v->id[0] && record_status_hash(v->id, want) == 0;
		has_status = check_status_hash(
		    v, "status.shomei_ledger.status_hash",
		    json_string_value(json_object_get(shl, "status_hash")), "missing or malformed",
		    has_id ? want : NULL, "the jti", status);
	} else if (sl == SHOMEI_ERR_NOTFOUND) {
		add(v, "status", VERDICT_SKIP,
		    "the credential names no status mechanism: it cannot be revoked");
	}
	if (sl == 0 && check_status_list(v, o, sv.issuer_pk, idx, uri) == SHOMEI_ERR_NOMEM) {
		sdjwt_verified_release(&sv);
		v->status = VERDICT_INVALID;
		copy(v->reason, "out of memory");
		return SHOMEI_ERR_NOMEM;
	} else if (sl != 0 && sl != SHOMEI_ERR_NOTFOUND) {
		fail_from_diag(v, "status list", &d);
	}
	/* the anchor digest of the SD-JWT form (diploma_sd_digest) */
	if (!check_trusted_key(v, o, sv.issuer_pk))
		err = check_ledger(v, o->ledger, sv.jws_hash, has_status ? status : NULL,
				   sv.issuer_vm);
	sdjwt_verified_release(&sv);
	return err;
}

const char *verdict_status_name(enum verdict_status s)
{
	switch (s) {
	case VERDICT_VALID: return "valid";
	case VERDICT_UNTRUSTED: return "untrusted";
	case VERDICT_INVALID: return "invalid";
	}
	return "invalid";
}

const char *verdict_result_name(enum verdict_result r)
{
	switch (r) {
	case VERDICT_PASS: return "pass";
	case VERDICT_FAIL: return "fail";
	case VERDICT_SKIP: return "skip";
	}
	return "fail";
}

static void put_text(json_t *obj, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(obj, key, json_string(value));
}

static void put_time(json_t *obj, const char *key, int has, int64_t t)
{
	char s[TIMEUTIL_RFC3339_BYTES];
	if (has && timeutil_format(t, s) == 0)
		json_object_set_new(obj, key, json_string(s));
}

json_t *verdict_to_json(const struct verdict *v)
{
	json_t *out = json_object();
	json_t *checks = json_array();
	json_t *cred = json_object();
	if (!out || !checks || !cred) {
		json_decref(out);
		json_decref(checks);
		json_decref(cred);
		return NULL;
	}
	json_object_set_new(out, "version", json_integer(VERDICT_JSON_VERSION));
	json_object_set_new(out, "status", json_string(verdict_status_name(v->status)));
	if (v->reason[0])
		json_object_set_new(out, "reason", json_string(v->reason));
	put_time(out, "at", 1, v->at);
	for (size_t i = 0; i < v->nchecks; i++) {
		const struct verdict_check *c = &v->checks[i];
		json_array_append_new(checks, json_pack("{s:s, s:s, s:s}", "name", c->name,
							"result", verdict_result_name(c->result),
							"detail", c->detail));
	}
	json_object_set_new(out, "checks", checks);
	put_text(cred, "id", v->id);
	put_text(cred, "issuer", v->issuer);
	put_text(cred, "issuerName", v->issuer_name);
	put_text(cred, "subject", v->subject);
	put_text(cred, "subjectName", v->subject_name);
	put_text(cred, "achievementType", v->achievement_type);
	put_text(cred, "achievementName", v->achievement_name);
	put_text(cred, "fieldOfStudy", v->field_of_study);
	put_text(cred, "awardedDate", v->awarded_date);
	put_text(cred, "verificationMethod", v->verification_method);
	put_time(cred, "validFrom", v->has_valid_from, v->valid_from);
	put_time(cred, "validUntil", v->has_valid_until, v->valid_until);
	json_object_set_new(out, "credential", cred);
	if (v->sdjwt) {
		json_object_set_new(out, "format", json_string("sd-jwt-vc"));
		json_object_set_new(out, "keyBound", json_boolean(v->key_bound));
		json_t *dis = json_array(), *wh = json_array();
		char buf[VERDICT_TEXT_BYTES];
		for (int pass = 0; pass < 2; pass++) {
			snprintf(buf, sizeof buf, "%s", pass ? v->withheld : v->disclosed);
			char *save = NULL;
			for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				json_array_append_new(pass ? wh : dis, json_string(tok));
		}
		json_object_set_new(out, "disclosed", dis);
		json_object_set_new(out, "withheld", wh);
		json_object_set_new(out, "undisclosedDigests", json_integer((json_int_t)v->undisclosed));
	}
	if (v->ledger_checked) {
		json_t *l = json_object();
		if (l) {
			put_text(l, "origin", v->ledger_origin);
			json_object_set_new(l, "size", json_integer((json_int_t)v->ledger_size));
			put_time(l, "time", 1, v->ledger_time);
			if (v->key_registered) {
				put_text(l, "institution", v->institution_id);
				put_text(l, "institutionName", v->institution_name);
				json_object_set_new(l, "standing",
						    json_string(registry_standing_name(v->standing)));
				if (v->standing != REGISTRY_ACTIVE) {
					put_time(l, "standingTime", 1, v->standing_time);
					put_text(l, v->standing == REGISTRY_MERGED ? "successor"
										   : "custodian",
						 v->successor_id);
					put_text(l,
						 v->standing == REGISTRY_MERGED ? "successorName"
										: "custodianName",
						 v->successor_name);
				}
			}
			if (v->anchored) {
				json_object_set_new(l, "anchorEntry",
						    json_integer((json_int_t)v->anchor_index));
				put_time(l, "anchorTime", 1, v->anchor_time);
			}
			json_object_set_new(l, "revoked", json_boolean(v->revoked));
			json_object_set_new(out, "ledger", l);
		}
	}
	return out;
}
