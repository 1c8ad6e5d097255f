/* Error paths under memory exhaustion: every jansson allocation made while
 * parsing, building, signing, canonicalizing and judging a credential is made
 * to fail in turn (libcbor's test_allocator idea). Each must end in an error,
 * never a crash, a leak (LeakSanitizer) or a false "valid". */
#include "credential.h"
#include "dataint.h"
#include "didkey.h"
#include "init.h"
#include "jcs.h"
#include "jose.h"
#include "sdjwt.h"
#include "statuslist.h"
#include "jsonin.h"
#include "testutil.h"
#include "verdict.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static long budget = -1; /* allocations left before failing; -1: never fail */
static long made;

static void *failing_malloc(size_t n)
{
	made++;
	if (budget == 0)
		return NULL;
	if (budget > 0)
		budget--;
	return malloc(n);
}

static void failing_free(void *p)
{
	free(p);
}

struct world {
	struct ed25519_key *key;
	char did[DIDKEY_MAX_BYTES], vm[DIDKEY_VM_MAX_BYTES];
	char *text;
	size_t len;
};

/* One whole issue-and-verify round; returns 0 only if everything succeeded
 * and the credential came out valid. */
static int round_trip(struct world *w)
{
	struct credential_claims c = {
	    .holder = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
	    .name = "山田 太郎",
	    .achievement_type = "BachelorDegree",
	    .degree = "学士（工学）",
	    .field_of_study = "情報工学",
	    .conferral_date = "2026-03-25",
	};
	struct credential_issuer iss = {.did = w->did, .name = "東都工業大学"};
	struct dataint_proof_options po = {.verification_method = w->vm,
					   .created = "2026-03-25T00:00:00Z"};
	json_t *vc = NULL, *ctx = NULL, *parsed = NULL;
	struct dataint_signer signer;
	int signer_ready = 0;
	char *text = NULL;
	size_t len = 0;
	static struct verdict v;
	int rc = -1;
	ctx = credential_context_new();
	if (!ctx || dataint_signer_init(&signer, w->key, &po, ctx, NULL) != 0)
		goto out;
	signer_ready = 1;
	if (credential_build(&c, &iss, NULL, 1774396800, &vc, NULL) != 0)
		goto out;
	if (dataint_signer_sign(&signer, vc, &text, &len, NULL) != 0)
		goto out;
	if (jsonin_parse(text, len, &parsed, NULL) != 0)
		goto out;
	struct verdict_options o = {.at = 1800000000};
	if (verdict_credential(parsed, &o, &v) != 0)
		goto out;
	/* judged now: the report's own allocations may fail after the verdict
	 * (every allocation from the k-th on fails), which must not hide it */
	rc = v.status == VERDICT_UNTRUSTED ? 0 : 1; /* proof valid; no ledger given */
	json_decref(verdict_to_json(&v));
out:
	if (signer_ready)
		dataint_signer_release(&signer);
	json_decref(ctx);
	json_decref(vc);
	json_decref(parsed);
	free(text);
	return rc;
}

static void test_every_allocation_fails_cleanly(void **state)
{
	(void)state;
	struct world w;
	w.key = ed25519_key_new_random();
	assert_int_equal(didkey_from_public(w.key->pk, w.did), 0);
	assert_int_equal(didkey_vm_from_public(w.key->pk, w.vm), 0);
	json_set_alloc_funcs(failing_malloc, failing_free);
	budget = -1;
	made = 0;
	assert_int_equal(round_trip(&w), 0);
	long total = made;
	assert_true(total > 50);
	for (long k = 0; k < total; k++) {
		budget = k;
		int rc = round_trip(&w);
		/* A failed allocation can only end in an error, or (if the
		 * allocation was not needed for the result) a correct valid verdict;
		 * an invalid verdict for a genuine credential would be a lie too. */
		if (rc == 1)
			fail_msg("allocation %ld of %ld: a genuine credential judged invalid", k,
				 total);
	}
	budget = -1;
	json_set_alloc_funcs(malloc, free);
	ed25519_key_free(w.key);
}

/* ---- the SD-JWT VC: a foreign issuer's credential with a status list entry,
 * presented with key binding and judged with its key trusted ---- */

#define SL_URI "https://registrar.example.edu/status/1"

static const char *sl_token_text;

static int sl_get(void *ctx, const char *uri, char **token, size_t *len, struct shomei_diag *d)
{
	(void)ctx;
	(void)uri;
	*token = strdup(sl_token_text);
	if (!*token)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	*len = strlen(sl_token_text);
	return 0;
}

/* 0: issued, presented and judged valid; 1: judged, but not valid (a lie);
 * -1: stopped by an error. */
static int sd_round(const struct ed25519_key *issuer, const struct ed25519_key *holder)
{
	json_t *p = NULL, *list = NULL;
	char *issued = NULL, *pres = NULL, *token = NULL;
	size_t il, pl, tl;
	static struct verdict v;
	int rc = -1;
	p = json_pack("{s:s, s:I, s:s, s:{s:o}, s:{s:{s:i, s:s}}, s:s, s:s, s:[s, s]}", "iss",
		      "https://registrar.example.edu", "iat", (json_int_t)1799996400, "vct",
		      "https://example.edu/credentials/degree", "cnf", "jwk",
		      jose_jwk_from_public(holder->pk), "status", "status_list", "idx", 3, "uri",
		      SL_URI, "given_name", "Erika", "degree", "MSc Physics", "honours", "a", "b");
	static const char *const sd[] = {"/given_name", "/honours/1"};
	struct sdjwt_issue_options o = {.sd_paths = sd, .nsd = 2, .decoys = 2, .kid = "key-1"};
	unsigned values[16] = {0};
	if (!p || sdjwt_issue(p, &o, issuer, &issued, &il, NULL) != 0 ||
	    statuslist_build(values, 16, 2, &list, NULL) != 0 ||
	    statuslist_token_sign(list, SL_URI, 1799999940, 1800003600, 0, issuer, NULL, &token, &tl,
				  NULL) != 0)
		goto out;
	sl_token_text = token;
	static const char *const show[] = {"/given_name", "/honours/1"};
	struct sdjwt_kb kb = {
	    .holder = holder, .aud = "https://employer.example", .nonce = "n-1", .iat = 1800000000};
	if (sdjwt_present(issued, il, show, 2, &kb, &pres, &pl, NULL) != 0)
		goto out;
	struct verdict_options vo = {.at = 1800000000,
				     .trusted_key = issuer->pk,
				     .aud = "https://employer.example",
				     .nonce = "n-1",
				     .max_age = 300,
				     .skew = 60,
				     .status_list_get = sl_get};
	if (verdict_sdjwt(pres, pl, &vo, &v) != 0)
		goto out;
	rc = v.status == VERDICT_VALID ? 0 : 1; /* judged: as above */
	json_decref(verdict_to_json(&v));
out:
	json_decref(p);
	json_decref(list);
	free(issued);
	free(pres);
	free(token);
	return rc;
}

static void test_sdjwt_every_allocation_fails_cleanly(void **state)
{
	(void)state;
	struct ed25519_key *issuer = ed25519_key_new_random(), *holder = ed25519_key_new_random();
	json_set_alloc_funcs(failing_malloc, failing_free);
	budget = -1;
	made = 0;
	assert_int_equal(sd_round(issuer, holder), 0);
	long total = made;
	assert_true(total > 100);
	for (long k = 0; k < total; k++) {
		budget = k;
		if (sd_round(issuer, holder) == 1)
			fail_msg("allocation %ld of %ld: a genuine presentation judged not valid", k,
				 total);
	}
	budget = -1;
	json_set_alloc_funcs(malloc, free);
	ed25519_key_free(issuer);
	ed25519_key_free(holder);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_allocation_fails_cleanly),
	    cmocka_unit_test(test_sdjwt_every_allocation_fails_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
