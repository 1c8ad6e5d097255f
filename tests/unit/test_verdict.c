/* The verdict: every check, its order, and that nothing invalid is called valid. */
#include "verdict.h"
#include "credential.h"
#include "dataint.h"
#include "didkey.h"
#include "init.h"
#include "jose.h"
#include "sdjwt.h"
#include "statuslist.h"
#include "record.h"
#include "registry.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	/* Without a ledger the proof is all that can be checked: untrusted. */
	assert_int_equal(v.status, VERDICT_UNTRUSTED);
	assert_string_equal(v.reason, "no ledger replica: whether the key is an accredited "
				      "institution's cannot be established ('verifier ledger sync')");
	assert_int_equal(v.nchecks, 6);
	assert_string_equal(v.checks[0].name, "structure");
	assert_string_equal(v.checks[1].name, "proof");
	assert_string_equal(v.checks[2].name, "issuer key");
	assert_string_equal(v.checks[3].name, "validity period");
	assert_string_equal(v.checks[4].name, "status hash");
	assert_string_equal(v.checks[5].name, "ledger");
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(v.checks[i].result, VERDICT_PASS);
	assert_int_equal(v.checks[5].result, VERDICT_SKIP);
	assert_string_equal(v.subject_name, "山田 太郎");
	assert_string_equal(v.achievement_type, "MasterDegree");
	assert_string_equal(v.issuer, f->did);

	json_t *report = verdict_to_json(&v);
	assert_int_equal(json_integer_value(json_object_get(report, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(report, "status")), "untrusted");
	assert_string_equal(json_string_value(json_object_get(report, "at")),
			    "2026-03-26T00:00:00Z");
	assert_int_equal(json_array_size(json_object_get(report, "checks")), 6);
	assert_non_null(json_object_get(report, "reason"));
	assert_null(json_object_get(report, "ledger"));
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
	assert_int_equal(v.status, VERDICT_UNTRUSTED);
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
	assert_int_equal(v.status, VERDICT_UNTRUSTED);
	assert_int_equal(find(&v, "issuer key")->result, VERDICT_SKIP);
	json_decref(w3c);
}

/* ---- the ledger checks, on a registry built from real signed records ---- */

static char *signed_record(struct record_fields *f, const struct ed25519_key *key, size_t *len)
{
	json_t *body = NULL;
	char *out = NULL;
	assert_int_equal(record_build(f, &body, NULL), 0);
	assert_int_equal(record_sign(body, &key, 1, &out, len, NULL), 0);
	json_decref(body);
	return out;
}

static void apply(struct registry *r, uint64_t *index, int64_t t, struct record_fields *f,
		  const struct ed25519_key *key, int want)
{
	size_t len;
	f->time = t;
	char *rec = signed_record(f, key, &len);
	struct shomei_diag d;
	int got = registry_apply(r, (*index)++, t, rec, len, &d);
	if (got != want)
		fail_msg("registry_apply gave %d (%s: %s), wanted %d", got, d.where, d.what, want);
	free(rec);
}

static void test_ledger(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *auth = ed25519_key_new_random(), *other = ed25519_key_new_random();
	char auth_did[DIDKEY_MAX_BYTES], other_did[DIDKEY_MAX_BYTES];
	assert_int_equal(didkey_from_public(auth->pk, auth_did), 0);
	assert_int_equal(didkey_from_public(other->pk, other_did), 0);
	struct registry *r = registry_new();
	assert_non_null(r);
	uint64_t index = 0;
	const char *auths[] = {auth_did};
	struct record_fields g = {
	    .type = RECORD_GENESIS, .authorities = auths, .nauthorities = 1, .threshold = 1};
	apply(r, &index, T_ISSUED - 100, &g, auth, 0);
	struct record_fields reg = {
	    .type = RECORD_INSTITUTION, .institution = "JP-13-0001", .name = "東都工業大学",
	    .key = f->did};
	apply(r, &index, T_ISSUED - 50, &reg, auth, 0);
	struct record_fields reg2 = {
	    .type = RECORD_INSTITUTION, .institution = "JP-27-0002", .name = "浪速大学",
	    .key = other_did};
	apply(r, &index, T_ISSUED - 50, &reg2, auth, 0);

	json_t *vc = diploma(f, NULL);
	json_t *unanchored = diploma(f, NULL);
	unsigned char digest[RECORD_HASH_BYTES], status[RECORD_HASH_BYTES];
	assert_int_equal(record_credential_digest(vc, digest, NULL), 0);
	struct record_fields an = {.type = RECORD_ANCHOR,
				   .institution = "JP-13-0001",
				   .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])digest,
				   .nhashes = 1};
	apply(r, &index, T_ISSUED, &an, f->key, 0);

	struct verdict_ledger l = {.registry = r, .origin = "test.example/l", .time = T_ISSUED};
	static struct verdict v;
	struct verdict_options o = {.at = T_ISSUED + 10, .ledger = &l};
	l.size = index;
	assert_int_equal(verdict_credential(vc, &o, &v), 0);
	if (v.status != VERDICT_VALID)
		fail_msg("not valid: %s", v.reason);
	assert_int_equal(find(&v, "anchor")->result, VERDICT_PASS);
	assert_int_equal(find(&v, "revocation")->result, VERDICT_PASS);
	assert_int_equal(find(&v, "standing")->result, VERDICT_PASS);
	assert_string_equal(v.institution_id, "JP-13-0001");
	assert_int_equal(v.anchor_index, 3);
	assert_int_equal(v.ledger_size, 4);
	json_t *report = verdict_to_json(&v);
	json_t *lj = json_object_get(report, "ledger");
	assert_string_equal(json_string_value(json_object_get(lj, "standing")), "active");
	assert_int_equal(json_integer_value(json_object_get(lj, "anchorEntry")), 3);
	json_decref(report);

	/* never anchored: invalid */
	assert_int_equal(verdict_credential(unanchored, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_int_equal(find(&v, "anchor")->result, VERDICT_FAIL);

	/* a status hash that is not its id's (signed as such): invalid */
	struct credential_claims c = {.holder = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
				      .name = "山田 太郎",
				      .achievement_type = "MasterDegree",
				      .degree = "修士（工学）",
				      .conferral_date = "2026-03-25"};
	struct credential_issuer iss = {.did = f->did, .name = "東都工業大学"};
	json_t *bad = NULL;
	assert_int_equal(credential_build(&c, &iss, NULL, T_ISSUED, &bad, NULL), 0);
	json_object_set_new(json_object_get(bad, "credentialStatus"), "statusHash",
			    json_string("00000000000000000000000000000000000000000000000000000000"
					"00000000"));
	struct dataint_proof_options po = {.verification_method = f->vm,
					   .created = "2026-03-25T00:00:00Z"};
	assert_int_equal(dataint_sign(bad, f->key, &po, NULL), 0);
	assert_int_equal(verdict_credential(bad, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_int_equal(find(&v, "proof")->result, VERDICT_PASS);
	assert_int_equal(find(&v, "status hash")->result, VERDICT_FAIL);
	json_decref(bad);

	/* another institution revokes it: rejected, no effect */
	const char *id = json_string_value(json_object_get(vc, "id"));
	assert_int_equal(record_status_hash(id, status), 0);
	struct record_fields rv = {.type = RECORD_REVOKE,
				   .institution = "JP-13-0001",
				   .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])status,
				   .nhashes = 1,
				   .reason = RECORD_REASON_FRAUD};
	apply(r, &index, T_ISSUED + 1, &rv, other, REGISTRY_REJECTED);
	assert_int_equal(verdict_credential(vc, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_VALID);

	/* merged into the other: still valid, the successor named */
	struct record_fields mg = {
	    .type = RECORD_MERGE, .institution = "JP-13-0001", .other = "JP-27-0002"};
	apply(r, &index, T_ISSUED + 2, &mg, auth, 0);
	assert_int_equal(verdict_credential(vc, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_VALID);
	assert_int_equal(v.standing, REGISTRY_MERGED);
	assert_string_equal(v.successor_id, "JP-27-0002");
	assert_non_null(strstr(find(&v, "standing")->detail, "merged into 浪速大学 (JP-27-0002)"));

	/* the successor revokes it: invalid */
	apply(r, &index, T_ISSUED + 3, &rv, other, 0);
	assert_int_equal(verdict_credential(vc, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_int_equal(v.revoked, 1);
	assert_int_equal(find(&v, "revocation")->result, VERDICT_FAIL);

	/* a key no institution holds: untrusted */
	struct fixture stranger;
	stranger.key = ed25519_key_new_random();
	assert_int_equal(didkey_from_public(stranger.key->pk, stranger.did), 0);
	assert_int_equal(didkey_vm_from_public(stranger.key->pk, stranger.vm), 0);
	json_t *svc = diploma(&stranger, NULL);
	assert_int_equal(verdict_credential(svc, &o, &v), 0);
	assert_int_equal(v.status, VERDICT_UNTRUSTED);
	assert_int_equal(find(&v, "issuer on ledger")->result, VERDICT_SKIP);
	json_decref(svc);
	ed25519_key_free(stranger.key);

	json_decref(vc);
	json_decref(unanchored);
	registry_free(r);
	ed25519_key_free(auth);
	ed25519_key_free(other);
}

/* ---- an SD-JWT VC from an issuer outside did:key, with a status list entry ---- */

#define SL_URI "https://registrar.example.edu/status/1"
#define SL_NOW 1800000000

struct sl_source {
	const char *token; /* what the callback hands over; NULL: it fails */
	char asked[256];
	int calls;
};

static int sl_get(void *ctx, const char *uri, char **token, size_t *len, struct shomei_diag *d)
{
	struct sl_source *s = ctx;
	s->calls++;
	snprintf(s->asked, sizeof s->asked, "%s", uri);
	if (!s->token)
		return diag_set(d, SHOMEI_ERR_NOTFOUND, uri, "not found");
	*token = strdup(s->token);
	*len = strlen(s->token);
	return 0;
}

static char *foreign_vc(const struct ed25519_key *k, const char *status_json)
{
	json_t *p = json_pack("{s:s, s:I, s:s, s:{s:o}, s:s}", "iss", "https://registrar.example.edu",
			      "iat", (json_int_t)(SL_NOW - 3600), "vct",
			      "https://example.edu/credentials/degree", "cnf", "jwk",
			      jose_jwk_from_public(k->pk), "degree", "MSc Physics");
	if (status_json)
		json_object_set_new(p, "status", json_loads(status_json, 0, NULL));
	struct sdjwt_issue_options o = {.kid = "key-1"};
	char *out = NULL;
	size_t len;
	assert_int_equal(sdjwt_issue(p, &o, k, &out, &len, NULL), 0);
	json_decref(p);
	return out;
}

static char *sl_token(const struct ed25519_key *k, unsigned entry5, const char *sub, int64_t exp)
{
	unsigned values[16] = {0};
	values[5] = entry5;
	json_t *list = NULL;
	assert_int_equal(statuslist_build(values, 16, 2, &list, NULL), 0);
	char *out = NULL;
	size_t len;
	assert_int_equal(statuslist_token_sign(list, sub, SL_NOW - 60, exp, 0, k, "key-1", &out,
					       &len, NULL),
			 0);
	json_decref(list);
	return out;
}

static void judge_sd(const char *text, const unsigned char *trusted, struct sl_source *src,
		     struct verdict *v)
{
	struct verdict_options o = {.at = SL_NOW, .trusted_key = trusted, .skew = 60};
	if (src) {
		o.status_list_get = sl_get;
		o.status_list_ctx = src;
	}
	assert_int_equal(verdict_sdjwt(text, strlen(text), &o, v), 0);
}

static void test_status_list(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *other = ed25519_key_new_random();
	static struct verdict v;
	const unsigned char *pk = f->key->pk;
	/* no status at all: valid with the trusted key, the check skipped */
	char *plain = foreign_vc(f->key, NULL);
	judge_sd(plain, pk, NULL, &v);
	assert_int_equal(v.status, VERDICT_VALID);
	assert_int_equal(find(&v, "status")->result, VERDICT_SKIP);
	assert_string_equal(find(&v, "proof")->detail,
			    "EdDSA signature by key-1; every disclosure matches a digest");
	/* without the trusted key there is nothing to verify the signature with */
	judge_sd(plain, NULL, NULL, &v);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_string_equal(v.reason, "issuer-jwt.header.kid: no did:key to verify the issuer's "
				      "signature with");
	judge_sd(plain, other->pk, NULL, &v);
	assert_int_equal(v.status, VERDICT_INVALID);
	free(plain);

	char *vc = foreign_vc(f->key, "{\"status_list\":{\"idx\":5,\"uri\":\"" SL_URI "\"}}");
	struct sl_source src = {0};
	/* no way to get the list: untrusted, and said why */
	judge_sd(vc, pk, NULL, &v);
	assert_int_equal(v.status, VERDICT_UNTRUSTED);
	assert_string_equal(v.reason,
			    "index 5 of " SL_URI " not checked: no status list token given");
	judge_sd(vc, pk, &src, &v);
	assert_int_equal(v.status, VERDICT_UNTRUSTED);
	assert_string_equal(src.asked, SL_URI);
	assert_non_null(strstr(v.reason, "no status list token"));
	/* each status */
	static const struct {
		unsigned value;
		enum verdict_status status;
		const char *detail_start;
	} cases[] = {
	    {0, VERDICT_VALID, "valid: index 5 of " SL_URI},
	    {1, VERDICT_INVALID, "invalid: index 5 of " SL_URI},
	    {2, VERDICT_INVALID, "suspended: index 5 of " SL_URI},
	    {3, VERDICT_INVALID, "status 0x03: index 5 of " SL_URI},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *tok = sl_token(f->key, cases[i].value, SL_URI, SL_NOW + 3600);
		src.token = tok;
		judge_sd(vc, pk, &src, &v);
		assert_int_equal(v.status, cases[i].status);
		const struct verdict_check *c = find(&v, "status list");
		assert_non_null(c);
		if (strncmp(c->detail, cases[i].detail_start, strlen(cases[i].detail_start)) != 0)
			fail_msg("status %u: %s", cases[i].value, c->detail);
		free(tok);
	}
	/* tokens that are refused leave the status unknown */
	char *bad[] = {sl_token(other, 0, SL_URI, SL_NOW + 3600),
		       sl_token(f->key, 0, "https://elsewhere.example/1", SL_NOW + 3600),
		       sl_token(f->key, 0, SL_URI, SL_NOW - 3600)};
	for (size_t i = 0; i < 3; i++) {
		src.token = bad[i];
		judge_sd(vc, pk, &src, &v);
		assert_int_equal(v.status, VERDICT_UNTRUSTED);
		assert_non_null(strstr(v.reason, "the status list token is refused"));
		free(bad[i]);
	}
	free(vc);
	/* an entry beyond the list, and a malformed reference: invalid */
	vc = foreign_vc(f->key, "{\"status_list\":{\"idx\":16,\"uri\":\"" SL_URI "\"}}");
	char *tok = sl_token(f->key, 0, SL_URI, SL_NOW + 3600);
	src.token = tok;
	judge_sd(vc, pk, &src, &v);
	assert_int_equal(v.status, VERDICT_INVALID);
	free(vc);
	vc = foreign_vc(f->key, "{\"status_list\":{\"idx\":\"5\",\"uri\":\"" SL_URI "\"}}");
	judge_sd(vc, pk, &src, &v);
	assert_int_equal(v.status, VERDICT_INVALID);
	assert_int_equal(find(&v, "status list")->result, VERDICT_FAIL);
	free(vc);
	free(tok);
	ed25519_key_free(other);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tampered_and_foreign, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status_list, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
