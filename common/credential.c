#include "credential.h"

#include "record.h"

#include "didkey.h"
#include "timeutil.h"
#include "uuid.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char *const credential_claim_names[] = {
    "holder",	    "name",	   "studentId",	    "birthDate", "achievementType", "degree",
    "fieldOfStudy", "description", "conferralDate", "validFrom", "validUntil",	    "grades",
    "honours",	    NULL,
};

/* The achievementType vocabulary of Open Badges 3.0 (AchievementType enumeration). */
static const char *const ob3_achievement_types[] = {
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
    NULL,
};

int credential_achievement_type_known(const char *t)
{
	if (!t)
		return 0;
	if (strncmp(t, "ext:", 4) == 0 && t[4] != '\0')
		return 1;
	for (size_t i = 0; ob3_achievement_types[i]; i++)
		if (strcmp(ob3_achievement_types[i], t) == 0)
			return 1;
	return 0;
}

static const char **claim_slot(struct credential_claims *c, const char *name)
{
	const char **slots[] = {
	    &c->holder,		  &c->name,	  &c->student_id,     &c->birth_date,
	    &c->achievement_type, &c->degree,	  &c->field_of_study, &c->description,
	    &c->conferral_date,	  &c->valid_from, &c->valid_until, &c->grades,
	    &c->honours,
	};
	_Static_assert(sizeof slots / sizeof slots[0] ==
			   sizeof credential_claim_names / sizeof credential_claim_names[0] - 1,
		       "one slot per claim name");
	for (size_t i = 0; credential_claim_names[i]; i++)
		if (strcmp(credential_claim_names[i], name) == 0)
			return slots[i];
	return NULL;
}

int credential_claims_set(struct credential_claims *c, const char *name, const char *value,
			  struct shomei_diag *d)
{
	const char **slot = claim_slot(c, name);
	if (!slot)
		return diag_set(d, SHOMEI_ERR_INVALID, name, "unknown claim");
	*slot = (value && *value) ? value : NULL;
	return 0;
}

int credential_claims_from_json(const json_t *obj, struct credential_claims *c,
				struct shomei_diag *d)
{
	memset(c, 0, sizeof *c);
	if (!json_is_object(obj))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "claims are not a JSON object");
	const char *key;
	const json_t *value;
	json_object_foreach ((json_t *)obj, key, value) {
		if (!json_is_string(value)) {
			memset(c, 0, sizeof *c);
			return diag_set(d, SHOMEI_ERR_INVALID, key, "not a string");
		}
		int err = credential_claims_set(c, key, json_string_value(value), d);
		if (err) {
			memset(c, 0, sizeof *c);
			return err;
		}
	}
	return 0;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF. Claims from the command line have not been through a JSON or CSV
 * parser, and a credential may only hold text. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!k || i + k > n)
			return 0;
		uint32_t cp = k == 1 ? c : k == 2 ? (c & 0x1fu) : k == 3 ? (c & 0x0fu) : (c & 0x07u);
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3fu);
		}
		static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k;
	}
	return 1;
}

static int check_text(const char *name, const char *v, int required, struct shomei_diag *d)
{
	if (!v)
		return required ? diag_set(d, SHOMEI_ERR_INVALID, name, "missing") : 0;
	size_t n = strlen(v);
	if (n > CREDENTIAL_MAX_TEXT_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, name, "longer than %d bytes",
				CREDENTIAL_MAX_TEXT_BYTES);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20)
			return diag_set(d, SHOMEI_ERR_INVALID, name,
					"contains a control character");
	if (!utf8_valid((const unsigned char *)v, n))
		return diag_set(d, SHOMEI_ERR_INVALID, name, "not valid UTF-8");
	return 0;
}

/* A JSON string of text already checked (check_text, or ASCII we made):
 * jansson's own UTF-8 check is a visible share of issuing a credential. */
static json_t *checked_string(const char *v)
{
	return json_stringn_nocheck(v, strlen(v));
}

int credential_claims_check(const struct credential_claims *c, struct shomei_diag *d)
{
	const char *const values[] = {
	    c->holder,		 c->name,	c->student_id,	   c->birth_date,
	    c->achievement_type, c->degree,	c->field_of_study, c->description,
	    c->conferral_date,	 c->valid_from, c->valid_until,	   c->grades,
	    c->honours,
	};
	static const int required[] = {1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0};
	_Static_assert(sizeof values / sizeof values[0] == sizeof required / sizeof required[0],
		       "one rule per claim");
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		int err = check_text(credential_claim_names[i], values[i], required[i], d);
		if (err)
			return err;
	}
	unsigned char pk[ED25519_PUBLIC_BYTES];
	if (didkey_to_public(c->holder, pk, d) != 0) {
		diag_prefix(d, "holder");
		return SHOMEI_ERR_INVALID;
	}
	if (!credential_achievement_type_known(c->achievement_type))
		return diag_set(d, SHOMEI_ERR_INVALID, "achievementType",
				"not an Open Badges 3.0 achievement type: %.64s",
				c->achievement_type);
	int y, m, dd;
	if (timeutil_parse_date(c->conferral_date, &y, &m, &dd, d) != 0) {
		diag_prefix(d, "conferralDate");
		return SHOMEI_ERR_INVALID;
	}
	if (c->birth_date && timeutil_parse_date(c->birth_date, &y, &m, &dd, d) != 0) {
		diag_prefix(d, "birthDate");
		return SHOMEI_ERR_INVALID;
	}
	int64_t from = 0, until = 0;
	if (c->valid_from && timeutil_parse_datetime(c->valid_from, &from, d) != 0) {
		diag_prefix(d, "validFrom");
		return SHOMEI_ERR_INVALID;
	}
	if (c->valid_until && timeutil_parse_datetime(c->valid_until, &until, d) != 0) {
		diag_prefix(d, "validUntil");
		return SHOMEI_ERR_INVALID;
	}
	if (c->valid_from && c->valid_until && until < from)
		return diag_set(d, SHOMEI_ERR_INVALID, "validUntil", "before validFrom");
	return 0;
}

/* jansson's _new setters steal; one failure flag keeps the building readable. */
static void put(json_t *obj, const char *key, json_t *v, int *failed)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		*failed = 1;
}

static json_t *string_array(const char *a, const char *b)
{
	json_t *arr = json_array();
	if (arr && (json_array_append_new(arr, checked_string(a)) != 0 ||
		    (b && json_array_append_new(arr, checked_string(b)) != 0))) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *credential_context_new(void)
{
	return string_array(CREDENTIAL_CONTEXT_V2, CREDENTIAL_CONTEXT_OB3);
}

int credential_build(const struct credential_claims *c, const struct credential_issuer *iss,
		     const char *id, int64_t issued_at, json_t **out, struct shomei_diag *d)
{
	*out = NULL;
	int err = credential_claims_check(c, d);
	if (err)
		return err;
	if (!iss || !iss->did || !iss->name)
		return diag_set(d, SHOMEI_ERR_USAGE, "issuer", "missing");
	char uuid[UUID_URN_BYTES], achievement_id[UUID_URN_BYTES];
	if (!id) {
		if (uuid_urn_random(uuid) != 0)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "cannot make an identifier");
		id = uuid;
	} else if (uuid_urn_check(id) != 0) {
		return diag_set(d, SHOMEI_ERR_USAGE, "id", "not a urn:uuid");
	}
	if (uuid_urn_random(achievement_id) != 0)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "cannot make an identifier");
	char valid_from[TIMEUTIL_RFC3339_BYTES];
	if (c->valid_from)
		snprintf(valid_from, sizeof valid_from, "%s", c->valid_from);
	else if (timeutil_format(issued_at, valid_from) != 0)
		return diag_set(d, SHOMEI_ERR_USAGE, "validFrom", "issuance time out of range");
	char awarded[TIMEUTIL_RFC3339_BYTES];
	snprintf(awarded, sizeof awarded, "%.10sT00:00:00Z", c->conferral_date);
	char description[2 * CREDENTIAL_MAX_TEXT_BYTES + 64];
	if (!c->description) {
		if (c->field_of_study)
			snprintf(description, sizeof description, "%s, %s", c->degree,
				 c->field_of_study);
		else
			snprintf(description, sizeof description, "%s", c->degree);
	}

	int failed = 0;
	json_t *vc = json_object();
	json_t *issuer = json_object();
	json_t *subject = json_object();
	json_t *achievement = json_object();
	json_t *criteria = json_object();
	if (!vc || !issuer || !subject || !achievement || !criteria)
		failed = 1;
	if (!failed) {
		put(vc, "@context", credential_context_new(), &failed);
		put(vc, "id", checked_string(id), &failed);
		put(vc, "type", string_array("VerifiableCredential", "OpenBadgeCredential"),
		    &failed);
		put(issuer, "id", json_string(iss->did), &failed);
		put(issuer, "type", string_array("Profile", NULL), &failed);
		put(issuer, "name", json_string(iss->name), &failed);
		put(vc, "issuer", json_incref(issuer), &failed);
		put(vc, "validFrom", checked_string(valid_from), &failed);
		if (c->valid_until)
			put(vc, "validUntil", checked_string(c->valid_until), &failed);
		put(vc, "name", checked_string(c->degree), &failed);
		char status_hex[RECORD_HEX_CHARS + 1];
		unsigned char status[RECORD_HASH_BYTES];
		if (record_status_hash(id, status) != 0)
			failed = 1;
		record_hex(status, status_hex);
		put(vc, "credentialStatus",
		    json_pack("{s:s, s:s}", "type", CREDENTIAL_STATUS_TYPE, "statusHash",
			      status_hex),
		    &failed);
		put(vc, "awardedDate", checked_string(awarded), &failed);

		put(subject, "id", checked_string(c->holder), &failed);
		put(subject, "type", string_array("AchievementSubject", NULL), &failed);
		put(subject, "name", checked_string(c->name), &failed);
		if (c->student_id)
			put(subject, "studentId", checked_string(c->student_id), &failed);
		if (c->birth_date)
			put(subject, "birthDate", checked_string(c->birth_date), &failed);
		if (c->grades)
			put(subject, "grades", checked_string(c->grades), &failed);
		if (c->honours)
			put(subject, "honours", checked_string(c->honours), &failed);

		put(achievement, "id", checked_string(achievement_id), &failed);
		put(achievement, "type", string_array("Achievement", NULL), &failed);
		put(achievement, "achievementType", checked_string(c->achievement_type), &failed);
		put(achievement, "name", checked_string(c->degree), &failed);
		put(achievement, "description",
		    checked_string(c->description ? c->description : description), &failed);
		put(criteria, "narrative",
		    checked_string(c->description ? c->description : description), &failed);
		put(achievement, "criteria", json_incref(criteria), &failed);
		if (c->field_of_study)
			put(achievement, "fieldOfStudy", checked_string(c->field_of_study), &failed);
		put(subject, "achievement", json_incref(achievement), &failed);
		put(vc, "credentialSubject", json_incref(subject), &failed);
	}
	json_decref(issuer);
	json_decref(subject);
	json_decref(achievement);
	json_decref(criteria);
	if (failed) {
		json_decref(vc);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	*out = vc;
	return 0;
}

static int is_url(const char *s)
{
	/* An absolute URL or URN: a scheme (RFC 3986 §3.1), a colon, then more. */
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	const char *p = s;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':' && p[1] != '\0';
}

static int check_time(const json_t *vc, const char *member, int *has, int64_t *t,
		      struct shomei_diag *d)
{
	const json_t *v = json_object_get(vc, member);
	if (!v)
		return 0;
	if (!json_is_string(v) || timeutil_parse_datetime(json_string_value(v), t, NULL) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, member, "not an XML Schema dateTimeStamp");
	*has = 1;
	return 0;
}

static const char *string_member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int check(const json_t *vc, struct credential_info *info, struct shomei_diag *d)
{
	if (!json_is_object(vc))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a JSON object");

	const json_t *ctx = json_object_get(vc, "@context");
	if (!json_is_array(ctx) || json_array_size(ctx) == 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "@context", "missing or not an array");
	const json_t *first = json_array_get(ctx, 0);
	if (!json_is_string(first) || strcmp(json_string_value(first), CREDENTIAL_CONTEXT_V2) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "@context[0]", "not %s",
				CREDENTIAL_CONTEXT_V2);
	for (size_t i = 1; i < json_array_size(ctx); i++) {
		const json_t *c = json_array_get(ctx, i);
		if (!json_is_string(c) && !json_is_object(c)) {
			char where[32];
			snprintf(where, sizeof where, "@context[%zu]", i);
			return diag_set(d, SHOMEI_ERR_INVALID, where, "not a URL or an object");
		}
	}

	const json_t *id = json_object_get(vc, "id");
	if (id && (!json_is_string(id) || !is_url(json_string_value(id))))
		return diag_set(d, SHOMEI_ERR_INVALID, "id", "not a URL");
	info->id = id ? json_string_value(id) : NULL;

	const json_t *type = json_object_get(vc, "type");
	int is_vc = 0;
	if (json_is_string(type)) {
		is_vc = strcmp(json_string_value(type), "VerifiableCredential") == 0;
	} else if (json_is_array(type)) {
		size_t i;
		const json_t *t;
		json_array_foreach (type, i, t) {
			if (!json_is_string(t))
				return diag_set(d, SHOMEI_ERR_INVALID, "type",
						"not a list of strings");
			if (strcmp(json_string_value(t), "VerifiableCredential") == 0)
				is_vc = 1;
		}
	}
	if (!is_vc)
		return diag_set(d, SHOMEI_ERR_INVALID, "type",
				"does not include VerifiableCredential");

	const json_t *issuer = json_object_get(vc, "issuer");
	if (json_is_string(issuer)) {
		info->issuer = json_string_value(issuer);
	} else if (json_is_object(issuer)) {
		info->issuer = string_member(issuer, "id");
		info->issuer_name = string_member(issuer, "name");
	}
	if (!info->issuer)
		return diag_set(d, SHOMEI_ERR_INVALID, "issuer", "missing, or without an id");
	if (!is_url(info->issuer))
		return diag_set(d, SHOMEI_ERR_INVALID, "issuer", "not a URL");

	const json_t *subject = json_object_get(vc, "credentialSubject");
	if (json_is_array(subject)) {
		if (json_array_size(subject) == 0)
			return diag_set(d, SHOMEI_ERR_INVALID, "credentialSubject", "empty");
		size_t i;
		const json_t *s;
		json_array_foreach (subject, i, s) {
			if (!json_is_object(s)) {
				char where[48];
				snprintf(where, sizeof where, "credentialSubject[%zu]", i);
				return diag_set(d, SHOMEI_ERR_INVALID, where, "not an object");
			}
		}
		subject = json_array_get(subject, 0);
	} else if (!json_is_object(subject)) {
		return diag_set(d, SHOMEI_ERR_INVALID, "credentialSubject",
				"missing or not an object");
	}
	const json_t *sid = json_object_get(subject, "id");
	if (sid && (!json_is_string(sid) || !is_url(json_string_value(sid))))
		return diag_set(d, SHOMEI_ERR_INVALID, "credentialSubject.id", "not a URL");
	info->subject = sid ? json_string_value(sid) : NULL;
	info->subject_name = string_member(subject, "name");
	const json_t *achievement = json_object_get(subject, "achievement");
	if (json_is_object(achievement)) {
		info->achievement_type = string_member(achievement, "achievementType");
		info->achievement_name = string_member(achievement, "name");
		info->field_of_study = string_member(achievement, "fieldOfStudy");
	}
	info->awarded_date = string_member(vc, "awardedDate");

	int err = check_time(vc, "validFrom", &info->has_valid_from, &info->valid_from, d);
	if (!err)
		err = check_time(vc, "validUntil", &info->has_valid_until, &info->valid_until, d);
	if (err)
		return err;
	if (info->has_valid_from && info->has_valid_until && info->valid_until < info->valid_from)
		return diag_set(d, SHOMEI_ERR_INVALID, "validUntil", "before validFrom");
	return 0;
}

int credential_check(const json_t *vc, struct credential_info *info, struct shomei_diag *d)
{
	struct credential_info local;
	if (!info)
		info = &local;
	memset(info, 0, sizeof *info);
	int err = check(vc, info, d);
	if (err)
		memset(info, 0, sizeof *info);
	return err;
}
