/* The credential model: building diplomas from claims, and the VC 2.0 checks
 * that any credential must pass. */
#include "credential.h"
#include "init.h"
#include "jsonin.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define HOLDER "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
#define ISSUER "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"

static struct credential_claims good(void)
{
	return (struct credential_claims){
	    .holder = HOLDER,
	    .name = "山田 太郎",
	    .student_id = "S2022-0001",
	    .birth_date = "2003-04-02",
	    .achievement_type = "BachelorDegree",
	    .degree = "学士（工学）",
	    .field_of_study = "情報工学",
	    .conferral_date = "2026-03-25",
	};
}

static const struct credential_issuer iss = {.did = ISSUER, .name = "東都工業大学"};

static const char *str(const json_t *j, const char *path)
{
	/* path: members joined by '/'. */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const json_t *v = j;
	for (char *tok = strtok(buf, "/"); tok; tok = strtok(NULL, "/"))
		v = json_object_get(v, tok);
	return json_string_value(v);
}

static void test_build_shape(void **state)
{
	(void)state;
	struct credential_claims c = good();
	json_t *vc = NULL;
	struct shomei_diag d;
	assert_int_equal(credential_build(&c, &iss, NULL, 1774396800, &vc, &d), 0);
	const json_t *ctx = json_object_get(vc, "@context");
	assert_string_equal(json_string_value(json_array_get(ctx, 0)), CREDENTIAL_CONTEXT_V2);
	assert_string_equal(json_string_value(json_array_get(ctx, 1)), CREDENTIAL_CONTEXT_OB3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(vc, "type"), 1)),
			    "OpenBadgeCredential");
	assert_int_equal(strncmp(str(vc, "id"), "urn:uuid:", 9), 0);
	assert_string_equal(str(vc, "issuer/id"), ISSUER);
	assert_string_equal(str(vc, "issuer/name"), "東都工業大学");
	assert_string_equal(str(vc, "validFrom"), "2026-03-25T00:00:00Z");
	assert_null(json_object_get(vc, "validUntil"));
	assert_string_equal(str(vc, "awardedDate"), "2026-03-25T00:00:00Z");
	assert_string_equal(str(vc, "credentialSubject/id"), HOLDER);
	assert_string_equal(str(vc, "credentialSubject/name"), "山田 太郎");
	assert_string_equal(str(vc, "credentialSubject/achievement/achievementType"),
			    "BachelorDegree");
	assert_string_equal(str(vc, "credentialSubject/achievement/name"), "学士（工学）");
	assert_string_equal(str(vc, "credentialSubject/achievement/fieldOfStudy"), "情報工学");
	assert_string_equal(str(vc, "credentialSubject/achievement/criteria/narrative"),
			    "学士（工学）, 情報工学");

	/* What we build passes the generic checks, and names round-trip exactly. */
	struct credential_info info;
	assert_int_equal(credential_check(vc, &info, &d), 0);
	assert_string_equal(info.subject_name, "山田 太郎");
	assert_string_equal(info.issuer_name, "東都工業大学");
	assert_string_equal(info.achievement_type, "BachelorDegree");
	char *text = json_dumps(vc, 0);
	json_t *back = NULL;
	assert_int_equal(jsonin_parse(text, strlen(text), &back, &d), 0);
	assert_true(json_equal(vc, back));
	free(text);
	json_decref(back);
	json_decref(vc);
}

static void test_ids_are_random_and_given_ids_kept(void **state)
{
	(void)state;
	struct credential_claims c = good();
	json_t *a = NULL, *b = NULL, *e = NULL;
	assert_int_equal(credential_build(&c, &iss, NULL, 0, &a, NULL), 0);
	assert_int_equal(credential_build(&c, &iss, NULL, 0, &b, NULL), 0);
	assert_string_not_equal(str(a, "id"), str(b, "id"));
	assert_int_equal(credential_build(&c, &iss, "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
					  0, &e, NULL),
			 0);
	assert_string_equal(str(e, "id"), "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33");
	json_t *f = NULL;
	assert_int_equal(credential_build(&c, &iss, "not-a-uuid", 0, &f, NULL), SHOMEI_ERR_USAGE);
	assert_null(f);
	json_decref(a);
	json_decref(b);
	json_decref(e);
}

struct bad_claim {
	const char *claim;
	const char *value;
	const char *what_contains;
};

static void test_claim_checks(void **state)
{
	(void)state;
	static const struct bad_claim cases[] = {
	    {"holder", NULL, "missing"},
	    {"holder", "did:web:example.com", "not a did:key"},
	    {"name", NULL, "missing"},
	    {"name", "tab\there", "control character"},
	    {"achievementType", "PhD", "Open Badges"},
	    {"degree", NULL, "missing"},
	    {"conferralDate", "2026-02-30", ""},
	    {"conferralDate", "25/03/2026", ""},
	    {"birthDate", "2003-13-01", ""},
	    {"validFrom", "2026-03-25", ""},
	    {"validUntil", "2020-01-01T00:00:00Z", "before validFrom"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct credential_claims c = good();
		c.valid_from = "2026-03-25T00:00:00Z";
		struct shomei_diag d;
		diag_clear(&d);
		assert_int_equal(credential_claims_set(&c, cases[i].claim, cases[i].value, &d), 0);
		int err = credential_claims_check(&c, &d);
		if (err == 0)
			fail_msg("claim %s=%s accepted", cases[i].claim,
				 cases[i].value ? cases[i].value : "(none)");
		if (strncmp(d.where, cases[i].claim, strlen(cases[i].claim)) != 0)
			fail_msg("claim %s: where is '%s'", cases[i].claim, d.where);
		if (!strstr(d.what, cases[i].what_contains))
			fail_msg("claim %s: what is '%s'", cases[i].claim, d.what);
	}
	char long_name[CREDENTIAL_MAX_TEXT_BYTES + 2];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	struct credential_claims c = good();
	c.name = long_name;
	assert_int_equal(credential_claims_check(&c, NULL), SHOMEI_ERR_LIMIT);
	assert_true(credential_achievement_type_known("ext:JapaneseSenmonshi"));
	assert_false(credential_achievement_type_known("ext:"));
	assert_true(credential_achievement_type_known("DoctoralDegree"));
	assert_true(credential_achievement_type_known("License"));
}

static void test_claims_from_json(void **state)
{
	(void)state;
	struct shomei_diag d;
	struct credential_claims c;
	json_t *j = json_pack("{s:s, s:s}", "holder", HOLDER, "name", "x");
	assert_int_equal(credential_claims_from_json(j, &c, &d), 0);
	assert_string_equal(c.holder, HOLDER);
	json_decref(j);
	j = json_pack("{s:s, s:s}", "holder", HOLDER, "nmae", "x");
	assert_int_equal(credential_claims_from_json(j, &c, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "nmae");
	assert_string_equal(d.what, "unknown claim");
	assert_null(c.holder);
	json_decref(j);
	j = json_pack("{s:i}", "name", 3);
	assert_int_equal(credential_claims_from_json(j, &c, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "name");
	json_decref(j);
}

/* Mutations of a good credential that credential_check must refuse, with where. */
static void test_vc2_checks(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		const char *where;
	} cases[] = {
	    {"[]", ""},
	    {"{}", "@context"},
	    {"{\"@context\": \"https://www.w3.org/ns/credentials/v2\"}", "@context"},
	    {"{\"@context\": [\"https://www.w3.org/2018/credentials/v1\"]}", "@context[0]"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\", 7]}", "@context[1]"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], \"type\": [\"X\"]}",
	     "type"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], \"id\": \"nope\", "
	     "\"type\": [\"VerifiableCredential\"]}",
	     "id"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
	     "\"type\": [\"VerifiableCredential\"]}",
	     "issuer"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
	     "\"type\": \"VerifiableCredential\", \"issuer\": {\"name\": \"x\"}}",
	     "issuer"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
	     "\"type\": \"VerifiableCredential\", \"issuer\": \"https://x.example\"}",
	     "credentialSubject"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
	     "\"type\": \"VerifiableCredential\", \"issuer\": \"https://x.example\", "
	     "\"credentialSubject\": []}",
	     "credentialSubject"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
	     "\"type\": \"VerifiableCredential\", \"issuer\": \"https://x.example\", "
	     "\"credentialSubject\": [{}, 3]}",
	     "credentialSubject[1]"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
	     "\"type\": \"VerifiableCredential\", \"issuer\": \"https://x.example\", "
	     "\"credentialSubject\": {}, \"validFrom\": \"2026-01-01\"}",
	     "validFrom"},
	    {"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
	     "\"type\": \"VerifiableCredential\", \"issuer\": \"https://x.example\", "
	     "\"credentialSubject\": {}, \"validFrom\": \"2026-01-01T00:00:00Z\", "
	     "\"validUntil\": \"2025-01-01T00:00:00Z\"}",
	     "validUntil"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = NULL;
		struct shomei_diag d;
		assert_int_equal(jsonin_parse(cases[i].json, strlen(cases[i].json), &j, &d), 0);
		struct credential_info info;
		info.issuer = "junk";
		if (credential_check(j, &info, &d) != SHOMEI_ERR_INVALID)
			fail_msg("case %zu accepted", i);
		assert_string_equal(d.where, cases[i].where);
		assert_null(info.issuer);
		json_decref(j);
	}
	/* The minimal credential, and one from the W3C vector. */
	const char *min = "{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], "
			  "\"type\": \"VerifiableCredential\", \"issuer\": \"https://x.example\", "
			  "\"credentialSubject\": {}}";
	json_t *j = NULL;
	assert_int_equal(jsonin_parse(min, strlen(min), &j, NULL), 0);
	assert_int_equal(credential_check(j, NULL, NULL), 0);
	json_decref(j);
	j = tu_load_json_vector("w3c-eddsa-jcs-2022/signedJCS.json");
	struct credential_info info;
	assert_int_equal(credential_check(j, &info, NULL), 0);
	assert_string_equal(info.issuer, "https://vc.example/issuers/5678");
	assert_string_equal(info.subject, "did:example:abcdefgh");
	assert_true(info.has_valid_from);
	assert_int_equal(info.valid_from, 1672531200);
	json_decref(j);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_shape),
	    cmocka_unit_test(test_ids_are_random_and_given_ids_kept),
	    cmocka_unit_test(test_claim_checks),
	    cmocka_unit_test(test_claims_from_json),
	    cmocka_unit_test(test_vc2_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
