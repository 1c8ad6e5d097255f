/* The ledger read as a registry (common/ledgerstate.h): the trust file, replay
 * with the root recomputed, pinning by vkey and genesis, appends whose
 * outcomes are reported, another writer's appends followed, and tampering
 * found on open. */
#include "ledgerstate.h"

#include "didkey.h"
#include "init.h"
#include "fileio.h"
#include "internal/sha256.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

struct fx {
	char *root;
	char dir[512];
	struct ed25519_key *log, *auth, *inst, *other;
	char auth_did[DIDKEY_MAX_BYTES], inst_did[DIDKEY_MAX_BYTES], other_did[DIDKEY_MAX_BYTES];
	char *genesis;
	size_t genesis_len;
};

static char *sign(struct record_fields *f, const struct ed25519_key *key, size_t *len)
{
	json_t *body = NULL;
	char *out = NULL;
	f->time = 1774396800;
	assert_int_equal(record_build(f, &body, NULL), 0);
	assert_int_equal(record_sign(body, &key, 1, &out, len, NULL), 0);
	json_decref(body);
	return out;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->root = tu_tempdir();
	snprintf(f->dir, sizeof f->dir, "%s/ledger", f->root);
	f->log = ed25519_key_new_random();
	f->auth = ed25519_key_new_random();
	f->inst = ed25519_key_new_random();
	f->other = ed25519_key_new_random();
	assert_int_equal(didkey_from_public(f->auth->pk, f->auth_did), 0);
	assert_int_equal(didkey_from_public(f->inst->pk, f->inst_did), 0);
	assert_int_equal(didkey_from_public(f->other->pk, f->other_did), 0);
	assert_int_equal(ledger_create(f->dir, "test.example/ls", f->log, NULL), 0);
	const char *auths[] = {f->auth_did};
	struct record_fields g = {
	    .type = RECORD_GENESIS, .authorities = auths, .nauthorities = 1, .threshold = 1};
	f->genesis = sign(&g, f->auth, &f->genesis_len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tu_rm_rf(f->root);
	free(f->root);
	free(f->genesis);
	ed25519_key_free(f->log);
	ed25519_key_free(f->auth);
	ed25519_key_free(f->inst);
	ed25519_key_free(f->other);
	free(f);
	return 0;
}

static void pin_of(struct fx *f, struct lstate *s, struct lstate_trust *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->origin, sizeof t->origin, "%s", ledger_origin(lstate_ledger(s)));
	snprintf(t->vkey, sizeof t->vkey, "%s", ledger_vkey(lstate_ledger(s)));
	sha256(f->genesis, f->genesis_len, t->genesis);
}

/* genesis + an institution, through lstate_append */
static struct lstate *populated(struct fx *f)
{
	struct lstate *s = NULL;
	struct shomei_diag d;
	assert_int_equal(lstate_open(f->dir, NULL, &s, &d), 0);
	assert_int_equal(lstate_size(s), 0);
	struct record_fields r = {.type = RECORD_INSTITUTION,
				  .institution = "JP-13-0001",
				  .name = "東都工業大学",
				  .key = f->inst_did};
	size_t lens[2] = {f->genesis_len, 0};
	char *recs[2] = {f->genesis, sign(&r, f->auth, &lens[1])};
	struct lstate_outcome oc[2];
	assert_int_equal(
	    lstate_append(s, f->log, (const void *const *)recs, lens, 2, 1774396800, oc, &d), 0);
	assert_int_equal(oc[0].result, 0);
	assert_int_equal(oc[1].result, 0);
	assert_int_equal(oc[1].index, 1);
	assert_int_equal(lstate_size(s), 2);
	assert_int_equal(lstate_time(s), 1774396800);
	free(recs[1]);
	return s;
}

static void test_replay_and_outcomes(void **state)
{
	struct fx *f = *state;
	struct lstate *s = populated(f);
	struct shomei_diag d;
	/* an anchor by the institution is applied; a revocation by a stranger is rejected */
	unsigned char h[RECORD_HASH_BYTES] = {1, 2, 3};
	struct record_fields a = {.type = RECORD_ANCHOR,
				  .institution = "JP-13-0001",
				  .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])h,
				  .nhashes = 1};
	struct record_fields rv = {.type = RECORD_REVOKE,
				   .institution = "JP-13-0001",
				   .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])h,
				   .nhashes = 1,
				   .reason = RECORD_REASON_FRAUD};
	size_t lens[3];
	char *recs[3] = {sign(&a, f->inst, &lens[0]), sign(&rv, f->other, &lens[1]),
			 strdup("not a record")};
	lens[2] = strlen(recs[2]);
	struct lstate_outcome oc[3];
	assert_int_equal(
	    lstate_append(s, f->log, (const void *const *)recs, lens, 3, 1774396900, oc, &d), 0);
	assert_int_equal(oc[0].result, 0);
	assert_string_equal(oc[0].reason, "");
	assert_int_equal(oc[1].result, REGISTRY_REJECTED);
	assert_true(strlen(oc[1].reason) > 0);
	assert_true(oc[2].result < 0);
	struct registry_anchor an;
	assert_int_equal(registry_anchor(lstate_registry(s), h, "JP-13-0001", &an), 0);
	assert_int_equal(an.index, 2);
	assert_int_equal(registry_rejection_count(lstate_registry(s)), 2);

	/* a second view sees the same, replayed from the files */
	struct lstate *again = NULL;
	assert_int_equal(lstate_open(f->dir, NULL, &again, &d), 0);
	assert_int_equal(lstate_size(again), 5);
	assert_int_equal(registry_anchor(lstate_registry(again), h, NULL, &an), 0);
	assert_int_equal(registry_rejection_count(lstate_registry(again)), 2);

	/* another writer appends through `again`; `s` follows on its next append */
	struct record_fields a2 = a;
	unsigned char h2[RECORD_HASH_BYTES] = {9};
	a2.hashes = (const unsigned char(*)[RECORD_HASH_BYTES])h2;
	size_t l2;
	char *r2 = sign(&a2, f->inst, &l2);
	const void *one[1] = {r2};
	assert_int_equal(lstate_append(again, f->log, one, &l2, 1, 1774397000, NULL, &d), 0);
	assert_int_equal(lstate_append(s, f->log, one, &l2, 1, 1774397001, oc, &d), 0);
	assert_int_equal(oc[0].index, 6);
	assert_int_equal(lstate_size(s), 7);
	assert_int_equal(registry_anchor(lstate_registry(s), h2, NULL, &an), 0);
	assert_int_equal(an.index, 5); /* the other writer's anchor came first */
	free(r2);
	for (int i = 0; i < 3; i++)
		free(recs[i]);
	lstate_free(again);
	lstate_free(s);
}

static void test_pinning(void **state)
{
	struct fx *f = *state;
	struct lstate *s = populated(f);
	struct lstate_trust t, back;
	pin_of(f, s, &t);
	lstate_free(s);
	struct shomei_diag d;
	char path[600];
	snprintf(path, sizeof path, "%s/trust.json", f->root);
	assert_int_equal(lstate_trust_save(path, &t, FILEIO_NO_REPLACE, &d), 0);
	assert_int_equal(lstate_trust_save(path, &t, FILEIO_NO_REPLACE, &d), SHOMEI_ERR_EXISTS);
	assert_int_equal(lstate_trust_load(path, &back, &d), 0);
	assert_memory_equal(&t, &back, sizeof t);
	assert_int_equal(lstate_open(f->dir, &t, &s, &d), 0);
	lstate_free(s);

	/* a wrong genesis hash, a wrong key, a wrong origin */
	struct lstate_trust bad = t;
	bad.genesis[0] ^= 1;
	assert_int_equal(lstate_open(f->dir, &bad, &s, &d), SHOMEI_ERR_INVALID);
	assert_null(s);
	assert_non_null(strstr(d.what, "genesis"));
	bad = t;
	struct ed25519_key *k = ed25519_key_new_random();
	char other_dir[600];
	snprintf(other_dir, sizeof other_dir, "%s/other", f->root);
	assert_int_equal(ledger_create(other_dir, "test.example/ls", k, NULL), 0);
	struct ledger *ol = NULL;
	assert_int_equal(ledger_open(other_dir, &ol, NULL), 0);
	snprintf(bad.vkey, sizeof bad.vkey, "%s", ledger_vkey(ol));
	ledger_free(ol);
	ed25519_key_free(k);
	assert_int_not_equal(lstate_open(f->dir, &bad, &s, &d), 0);
	assert_null(s);

	/* the trust file in the folder pins it when no pin is given */
	char kept[600];
	snprintf(kept, sizeof kept, "%s/trust.json", f->dir);
	bad = t;
	bad.genesis[31] ^= 0x80;
	assert_int_equal(lstate_trust_save(kept, &bad, FILEIO_NO_REPLACE, &d), 0);
	assert_int_equal(lstate_open(f->dir, NULL, &s, &d), SHOMEI_ERR_INVALID);

	/* malformed trust files */
	static const char *const broken[] = {
	    "{}",
	    "[1]",
	    "{\"genesis\":\"00\",\"origin\":\"a\",\"v\":1,\"vkey\":\"x\"}",
	    "{\"genesis\":\"0000000000000000000000000000000000000000000000000000000000000000\","
	    "\"origin\":\"a b\",\"v\":1,\"vkey\":\"x\"}",
	};
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		FILE *fp = fopen(path, "w");
		fputs(broken[i], fp);
		fclose(fp);
		memset(&back, 0x55, sizeof back);
		assert_int_not_equal(lstate_trust_load(path, &back, &d), 0);
		assert_non_null(strstr(d.where, "trust.json"));
		assert_int_equal(back.origin[0], 0);
	}
	char with_v2[2048];
	char hex[65];
	record_hex(t.genesis, hex);
	snprintf(with_v2, sizeof with_v2,
		 "{\"genesis\":\"%s\",\"origin\":\"%s\",\"v\":2,\"vkey\":\"%s\"}", hex, t.origin,
		 t.vkey);
	FILE *fp = fopen(path, "w");
	fputs(with_v2, fp);
	fclose(fp);
	assert_int_equal(lstate_trust_load(path, &back, &d), SHOMEI_ERR_INVALID);
	assert_non_null(strstr(d.where, "trust.json: v"));
}

static void test_tampered_entry(void **state)
{
	struct fx *f = *state;
	struct lstate *s = populated(f);
	lstate_free(s);
	/* flip one byte of the record of entry 1 inside the bundle */
	char path[600];
	snprintf(path, sizeof path, "%s/tile/entries/000.p/2", f->dir);
	size_t len = 0;
	char *b = NULL;
	assert_int_equal(fileio_read(path, 1 << 20, &b, &len, NULL), 0);
	const char *needle = "東都";
	size_t nl = strlen(needle), at = 0;
	while (at + nl <= len && memcmp(b + at, needle, nl) != 0)
		at++;
	assert_true(at + nl <= len);
	b[at] ^= 1;
	FILE *fp = fopen(path, "wb");
	fwrite(b, 1, len, fp);
	fclose(fp);
	free(b);
	struct shomei_diag d;
	/* The snapshot the append left is bound to the checkpoint, which did not
	 * change: an open loads it and does not read the bundle. The full check
	 * finds the flip; and without the snapshot, so does the open. */
	char snap[600];
	snprintf(snap, sizeof snap, "%s/%s", f->dir, LSTATE_SNAPSHOT_FILE);
	assert_int_equal(access(snap, F_OK), 0);
	assert_int_equal(lstate_open(f->dir, NULL, &s, &d), 0);
	assert_int_not_equal(ledger_verify(lstate_ledger(s), &d), 0);
	lstate_free(s);
	assert_int_equal(remove(snap), 0);
	assert_int_equal(lstate_open(f->dir, NULL, &s, &d), SHOMEI_ERR_INVALID);
	assert_null(s);
	assert_non_null(strstr(d.what, "root"));
}

/* The snapshot: written after a replay and after each append, loaded by an
 * open at the same checkpoint, replaced when the ledger moves on, and a
 * damaged one costs a replay, never a wrong answer. */
static void test_snapshot(void **state)
{
	struct fx *f = *state;
	struct lstate *s = populated(f);
	struct shomei_diag d;
	unsigned char h[RECORD_HASH_BYTES] = {4, 5, 6};
	struct record_fields a = {.type = RECORD_ANCHOR,
				  .institution = "JP-13-0001",
				  .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])h,
				  .nhashes = 1};
	size_t len;
	char *rec = sign(&a, f->inst, &len);
	const void *one[1] = {rec};
	assert_int_equal(lstate_append(s, f->log, one, &len, 1, 1774397000, NULL, &d), 0);
	lstate_free(s);
	char snap[600];
	snprintf(snap, sizeof snap, "%s/%s", f->dir, LSTATE_SNAPSHOT_FILE);
	for (int round = 0; round < 3; round++) {
		if (round == 1) { /* damaged: refused, replayed, rewritten */
			FILE *fp = fopen(snap, "r+b");
			fseek(fp, 20, SEEK_SET);
			fputc('!', fp);
			fclose(fp);
		}
		if (round == 2) /* missing */
			assert_int_equal(remove(snap), 0);
		assert_int_equal(lstate_open(f->dir, NULL, &s, &d), 0);
		struct registry_anchor an;
		assert_int_equal(registry_anchor(lstate_registry(s), h, "JP-13-0001", &an), 0);
		assert_int_equal(an.index, 2);
		assert_int_equal(lstate_time(s), 1774397000);
		assert_int_equal(lstate_size(s), 3);
		lstate_free(s);
		assert_int_equal(access(snap, F_OK), 0);
	}
	/* appending through a view loaded from the snapshot */
	assert_int_equal(lstate_open(f->dir, NULL, &s, &d), 0);
	unsigned char h2[RECORD_HASH_BYTES] = {7};
	a.hashes = (const unsigned char(*)[RECORD_HASH_BYTES])h2;
	char *rec2 = sign(&a, f->inst, &len);
	one[0] = rec2;
	struct lstate_outcome oc;
	assert_int_equal(lstate_append(s, f->log, one, &len, 1, 1774397100, &oc, &d), 0);
	assert_int_equal(oc.result, 0);
	lstate_free(s);
	assert_int_equal(lstate_open(f->dir, NULL, &s, &d), 0);
	struct registry_anchor an;
	assert_int_equal(registry_anchor(lstate_registry(s), h2, NULL, &an), 0);
	assert_int_equal(an.index, 3);
	assert_int_equal(registry_anchor(lstate_registry(s), h, NULL, &an), 0);
	assert_int_equal(an.index, 2);
	lstate_free(s);
	free(rec);
	free(rec2);
}

/* A compromise reported late voids what the key signed after "since", not
 * only its anchors: a thief's reinstatement of a revoked credential, written
 * before the institution reported the compromise, has no effect. */
static void test_late_compromise(void **state)
{
	struct fx *f = *state;
	struct lstate *s = populated(f); /* genesis and JP-13-0001 with key inst */
	struct shomei_diag d;
	unsigned char st[RECORD_HASH_BYTES] = {9, 9};
	struct record_fields rv = {.type = RECORD_REVOKE,
				   .institution = "JP-13-0001",
				   .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])st,
				   .nhashes = 1,
				   .reason = RECORD_REASON_FRAUD};
	struct record_fields ri = rv;
	ri.type = RECORD_REINSTATE;
	struct record_fields add = {
	    .type = RECORD_KEY_ADD, .institution = "JP-13-0001", .key = f->other_did};
	struct record_fields comp = {.type = RECORD_KEY_COMPROMISED,
				     .institution = "JP-13-0001",
				     .key = f->inst_did,
				     .since = 1774397400};
	struct {
		struct record_fields *f;
		const struct ed25519_key *k;
		int64_t t;
	} steps[] = {
	    {&rv, f->inst, 1774397100},	  /* the institution revokes */
	    {&add, f->inst, 1774397200},  /* and adds a second key */
	    {&ri, f->inst, 1774397500},	  /* a thief with the first key reinstates */
	    {&comp, f->other, 1774397600}, /* reported: compromised since ...400 */
	};
	struct registry_status rs;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		size_t len;
		char *rec = sign(steps[i].f, steps[i].k, &len);
		const void *one[1] = {rec};
		assert_int_equal(lstate_append(s, f->log, one, &len, 1, steps[i].t, NULL, &d), 0);
		free(rec);
		if (i == 2) { /* before the report, the reinstatement is in force */
			assert_int_equal(registry_status(lstate_registry(s), st, "JP-13-0001", &rs),
					 0);
			assert_int_equal(rs.revoked, 0);
		}
	}
	assert_int_equal(registry_status(lstate_registry(s), st, "JP-13-0001", &rs), 0);
	assert_int_equal(rs.revoked, 1);
	lstate_free(s);
	/* the same from the snapshot and from a full replay */
	char snap[600];
	snprintf(snap, sizeof snap, "%s/%s", f->dir, LSTATE_SNAPSHOT_FILE);
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			assert_int_equal(remove(snap), 0);
		assert_int_equal(lstate_open(f->dir, NULL, &s, &d), 0);
		assert_int_equal(registry_status(lstate_registry(s), st, "JP-13-0001", &rs), 0);
		assert_int_equal(rs.revoked, 1);
		lstate_free(s);
	}
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_replay_and_outcomes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pinning, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tampered_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_late_compromise, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
