/* The verdict: every check, its order, and that nothing invalid is called valid. */
#include "verdict.h"
#include "credential.h"
#include "dataint.h"
#include "didkey.h"
#include "init.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define T_ISSUED 1774396800 /* 2026-03-25T00:00:00Z */

struct fixture {
	struct ed25519_key *key;
	char did[DIDKEY_MAX_BYTES];
	char vm[DIDKEY_VM_MAX_BYTES];
};

static json_t *diploma(struct fixture *f, const char *valid_until)
{
	struct credential_claims c = {
	    .holder = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
	    .name = "山田 太郎",
	    .achievement_type = "MasterDegree",
	    .degree = "修士（工学）",
	    .conferral_date = "2026-03-25",
	    .valid_until = valid_until,
	};
	struct credential_issuer iss = {.did = f->did, .name = "東都工業大学"};
	json_t *vc = NULL;
	assert_int_equal(credential_build(&c, &iss, NULL, T_ISSUED, &vc, NULL), 0);
	struct dataint_proof_options o = {.verification_method = f->vm,
					  .created = "2026-03-25T00:00:00Z"};
	assert_int_equal(dataint_sign(vc, f->key, &o, NULL), 0);
	return vc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->key = ed25519_key_new_random();
	assert_int_equal(didkey_from_public(f->key->pk, f->did), 0);
	assert_int_equal(didkey_vm_from_public(f->key->pk, f->vm), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ed25519_key_free(f->key);
	free(f);
	return 0;
}

static const struct verdict_check *find(const struct verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nchecks; i++)
		if (strcmp(v->checks[i].name, name) == 0)
			return &v->checks[i];
	return NULL;
}

static void test_valid(void **state)
{
	struct fixture *f = *state;
	json_t *vc = diploma(f, NULL);
	static struct verdict v;
	struct verdict_options o = {.at = T_ISSUED + 86400};
	assert_int_equal(verdict_credential(vc, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_VALID);
	assert_string_equal(v.reason, "");
	assert_int_equal(v.nchecks, 4);
	assert_string_equal(v.checks[0].name, "structure");
	assert_string_equal(v.checks[1].name, "proof");
	assert_string_equal(v.checks[2].name, "issuer key");
	assert_string_equal(v.checks[3].name, "validity period");
	for (size_t i = 0; i < v.nchecks; i++)
		assert_int_equal(v.checks[i].result, VERDICT_PASS);
	assert_string_equal(v.subject_name, "山田 太郎");
	assert_string_equal(v.achievement_type, "MasterDegree");
	assert_string_equal(v.issuer, f->did);

	json_t *report = verdict_to_json(&v);
	assert_int_equal(json_integer_value(json_object_get(report, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(report, "status")), "valid");
	assert_string_equal(json_string_value(json_object_get(report, "at")),
			    "2026-03-26T00:00:00Z");
	assert_int_equal(json_array_size(json_object_get(report, "checks")), 4);
	assert_null(json_object_get(report, "reason"));
	json_decref(report);
	json_decref(vc);
}

static void test_time(void **state)
{
	struct fixture *f = *state;
	json_t *vc = diploma(f, "2030-03-31T00:00:00Z");
	static struct verdict v;
	struct verdict_options before = {.at = T_ISSUED - 1};
	assert_int_equal(verdict_credential(vc, &before, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_string_equal(v.reason, "validFrom: not yet valid (valid from 2026-03-25T00:00:00Z)");
	struct verdict_options at_start = {.at = T_ISSUED};
	assert_int_equal(verdict_credential(vc, &at_start, &v), 0);
	assert_int_equal(v.status, VERDICT_VALID);
	struct verdict_options at_end = {.at = 1901145600}; /* 2030-03-31T00:00:00Z */
	assert_int_equal(verdict_credential(vc, &at_end, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_string_equal(v.reason, "validUntil: expired on 2030-03-31T00:00:00Z");
	assert_int_equal(find(&v, "validity period")->result, VERDICT_FAIL);
	assert_int_equal(find(&v, "proof")->result, VERDICT_PASS);
	json_decref(vc);
}

static void test_tampered_and_foreign(void **state)
{
	struct fixture *f = *state;
	json_t *vc = diploma(f, NULL);
	static struct verdict v;
	struct verdict_options o = {.at = T_ISSUED};
	json_object_set_new(json_object_get(vc, "credentialSubject"), "name",
			    json_string("山田 次郎"));
	assert_int_equal(verdict_credential(vc, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_string_equal(v.reason, "proof.proofValue: signature does not verify");
	assert_null(find(&v, "validity period"));
	json_decref(vc);

	/* Re-signed by another key while claiming the same issuer. */
	struct fixture other;
	other.key = ed25519_key_new_random();
	assert_int_equal(didkey_vm_from_public(other.key->pk, other.vm), 0);
	snprintf(other.did, sizeof other.did, "%s", f->did);
	vc = diploma(&other, NULL);
	assert_int_equal(verdict_credential(vc, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_int_equal(find(&v, "issuer key")->result, VERDICT_FAIL);
	assert_int_equal(find(&v, "proof")->result, VERDICT_PASS);
	ed25519_key_free(other.key);
	json_decref(vc);

	/* Not a credential at all. */
	json_t *arr = json_array();
	assert_int_equal(verdict_credential(arr, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_string_equal(v.checks[0].name, "structure");
	json_decref(arr);

	/* The W3C vector: a URL issuer, did:key method: proof valid, binding skipped. */
	json_t *w3c = tu_load_json_vector("w3c-eddsa-jcs-2022/signedJCS.json");
	struct verdict_options now = {.at = 1800000000};
	assert_int_equal(verdict_credential(w3c, &now, &v), 0);
	assert_int_equal(v.status, VERDICT_VALID);
	assert_int_equal(find(&v, "issuer key")->result, VERDICT_SKIP);
	json_decref(w3c);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tampered_and_foreign, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
