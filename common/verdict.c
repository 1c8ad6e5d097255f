#include "verdict.h"

#include "credential.h"
#include "dataint.h"
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static struct verdict_check *add(struct verdict *v, const char *name, enum verdict_result r,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct verdict_check *add(struct verdict *v, const char *name, enum verdict_result r,
				 const char *fmt, ...)
{
	if (v->nchecks >= VERDICT_MAX_CHECKS)
		return NULL;
	struct verdict_check *c = &v->checks[v->nchecks++];
	c->name = name;
	c->result = r;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	if (r == VERDICT_FAIL && v->status != VERDICT_INVALID) {
		v->status = VERDICT_INVALID;
		snprintf(v->reason, sizeof v->reason, "%s", c->detail);
	}
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
	int err = dataint_verify(vc, "assertionMethod", &proof, &d);
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
	return 0;
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
	return out;
}
