/* The registry (common/registry.h) against vectors/shomei/records-v1.json:
 * every scenario replayed from empty, each entry applied or rejected as the
 * file says, and the registry's answers for each credential as the file says;
 * then the rules the vectors do not reach: order of entries, queries on an
 * empty registry, standing and the successor chain, rejection records. */
#include "registry.h"

#include "didkey.h"
#include "fileio.h"
#include "init.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define VECTORS "shomei/records-v1.json"

static int outcome_of(const char *name)
{
	for (int o = REGISTRY_UNKNOWN_KEY; o <= REGISTRY_GOOD; o++)
		if (!strcmp(registry_outcome_name((enum registry_outcome)o), name))
			return o;
	fail_msg("unknown outcome %s", name);
	return -1;
}

static struct registry *replay(json_t *sc, int check)
{
	struct registry *r = registry_new();
	assert_non_null(r);
	const char *name = json_string_value(json_object_get(sc, "name"));
	size_t i;
	json_t *e;
	size_t rejected = 0;
	json_array_foreach(json_object_get(sc, "entries"), i, e)
	{
		const char *text = json_string_value(json_object_get(e, "record"));
		const char *expect = json_string_value(json_object_get(e, "expect"));
		uint64_t index = (uint64_t)json_integer_value(json_object_get(e, "index"));
		int64_t t = (int64_t)json_integer_value(json_object_get(e, "log_time"));
		struct shomei_diag d;
		int got = registry_apply(r, index, t, text, strlen(text), &d);
		const char *was = got == 0 ? "applied" : got == REGISTRY_REJECTED ? "rejected"
										 : "malformed";
		if (check && strcmp(was, expect) != 0)
			fail_msg("%s[%zu] (%s): %s, expected %s (%s: %s)", name, i,
				 json_string_value(json_object_get(e, "why")), was, expect, d.where,
				 d.what);
		if (got != 0) {
			rejected++;
			assert_true(d.what[0] != '\0');
		}
	}
	if (check) {
		assert_int_equal(registry_rejection_count(r), rejected);
		for (size_t k = 0; k < rejected; k++) {
			const struct registry_rejection *x = registry_rejection(r, k);
			assert_non_null(x);
			assert_true(x->reason[0] != '\0');
		}
		assert_null(registry_rejection(r, rejected));
	}
	return r;
}

static void test_scenarios(void **state)
{
	(void)state;
	json_t *vec = tu_load_json_vector(VECTORS);
	size_t si, n_entries = 0, n_judged = 0;
	json_t *sc;
	json_array_foreach(json_object_get(vec, "scenarios"), si, sc)
	{
		struct registry *r = replay(sc, 1);
		n_entries += json_array_size(json_object_get(sc, "entries"));
		size_t j;
		json_t *jd;
		json_array_foreach(json_object_get(sc, "judgements"), j, jd)
		{
			unsigned char digest[RECORD_HASH_BYTES], status[RECORD_HASH_BYTES];
			assert_int_equal(record_hex_decode(json_string_value(json_object_get(jd, "digest")),
							   digest),
					 0);
			assert_int_equal(record_hex_decode(json_string_value(json_object_get(jd, "status")),
							   status),
					 0);
			struct registry_answer a;
			assert_int_equal(registry_judge(r, digest, status,
							json_string_value(json_object_get(jd, "signer")),
							&a),
					 0);
			int want = outcome_of(json_string_value(json_object_get(jd, "outcome")));
			if ((int)a.outcome != want)
				fail_msg("%s: %s: %s, expected %s (%s)",
					 json_string_value(json_object_get(sc, "name")),
					 json_string_value(json_object_get(jd, "credential")),
					 registry_outcome_name(a.outcome),
					 registry_outcome_name((enum registry_outcome)want), a.reason);
			assert_int_equal(a.outcome == REGISTRY_GOOD, a.reason[0] == '\0');
			n_judged++;
		}
		registry_free(r);
	}
	assert_true(n_entries >= 40);
	assert_true(n_judged >= 12);
	print_message("# %zu entries replayed, %zu credentials judged\n", n_entries, n_judged);
	json_decref(vec);
}

/* The facts behind the answers, on the lifecycle and chain scenarios. */
static void test_facts(void **state)
{
	(void)state;
	json_t *vec = tu_load_json_vector(VECTORS);
	json_t *scs = json_object_get(vec, "scenarios");
	json_t *keys = json_object_get(vec, "keys");
	struct registry *r = replay(json_array_get(scs, 0), 1);
	struct registry_institution in;
	assert_int_equal(registry_institution(r, "JP-13-0001", &in), 0);
	assert_string_equal(in.name, "東都工業大学");
	assert_int_equal(in.standing, REGISTRY_MERGED);
	assert_string_equal(in.successor, "JP-27-0002");
	assert_string_equal(in.successor_name, "浪速大学");
	assert_string_equal(in.responsible, "JP-27-0002");
	assert_int_equal(registry_institution(r, "JP-11-0003", &in), SHOMEI_ERR_NOTFOUND);
	assert_int_equal(registry_institution_count(r), 2);
	assert_int_equal(registry_institution_at(r, 1, &in), 0);
	assert_string_equal(in.id, "JP-27-0002");
	assert_int_equal(registry_institution_at(r, 2, &in), SHOMEI_ERR_NOTFOUND);
	const char *todai1 =
	    json_string_value(json_object_get(json_object_get(keys, "todai-1"), "did"));
	struct registry_key k;
	assert_int_equal(registry_key_owner(r, todai1, &k), 0);
	assert_string_equal(k.institution, "JP-13-0001");
	assert_true(k.retired);
	assert_int_equal(registry_key_owner(r, "did:key:nonsense", &k), SHOMEI_ERR_INVALID);
	const char *auth1 =
	    json_string_value(json_object_get(json_object_get(keys, "authority-1"), "did"));
	assert_int_equal(registry_key_owner(r, auth1, &k), SHOMEI_ERR_NOTFOUND);
	assert_int_equal(registry_revoked_count(r), 1);
	unsigned char g[RECORD_HASH_BYTES];
	assert_int_equal(registry_genesis_hash(r, g), 0);
	struct registry_stats st;
	registry_stats(r, &st);
	assert_int_equal(st.institutions, 2);
	assert_int_equal(st.keys, 3);
	assert_int_equal(st.anchors, 2);
	assert_true(st.bytes > 0);
	registry_free(r);

	/* the chain: A into B, B into D */
	r = replay(json_array_get(scs, 4), 1);
	assert_int_equal(registry_institution(r, "A", &in), 0);
	assert_string_equal(in.successor, "B");
	assert_string_equal(in.responsible, "D");
	assert_string_equal(in.responsible_name, "D大学");
	const char *kita = json_string_value(json_object_get(json_object_get(keys, "kita-1"), "did"));
	const char *naniwa =
	    json_string_value(json_object_get(json_object_get(keys, "naniwa-1"), "did"));
	assert_int_equal(registry_may_revoke(r, "A", kita), 1);
	assert_int_equal(registry_may_revoke(r, "A", naniwa), 0);
	assert_int_equal(registry_may_revoke(r, "nobody", kita), 0);
	registry_free(r);
	json_decref(vec);
}

static void test_order_and_empty(void **state)
{
	(void)state;
	struct registry *r = registry_new();
	unsigned char h[RECORD_HASH_BYTES] = {0};
	struct registry_answer a;
	assert_int_equal(registry_judge(r, h, h, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", &a), 0);
	assert_int_equal(a.outcome, REGISTRY_UNKNOWN_KEY);
	unsigned char g[RECORD_HASH_BYTES];
	assert_int_equal(registry_genesis_hash(r, g), SHOMEI_ERR_NOTFOUND);
	assert_int_equal(registry_revoked_count(r), 0);
	assert_int_equal(registry_institution_count(r), 0);
	struct shomei_diag d;
	/* not a record: counted as a refusal, replay goes on */
	assert_true(registry_apply(r, 5, 100, "x", 1, &d) < 0);
	assert_int_equal(registry_rejection_count(r), 1);
	/* indexes must increase, times must not go back */
	assert_int_equal(registry_apply(r, 5, 100, "x", 1, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(registry_apply(r, 6, 99, "x", 1, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(registry_rejection_count(r), 1);
	registry_free(r);
	registry_free(NULL);
}

/* entries of a scenario, for registry_save */
static int scenario_entry(void *ctx, uint64_t index, int64_t *time, unsigned char **bytes,
			  size_t *len)
{
	json_t *sc = ctx;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(sc, "entries"), i, e)
	{
		if ((uint64_t)json_integer_value(json_object_get(e, "index")) != index)
			continue;
		const char *text = json_string_value(json_object_get(e, "record"));
		*time = (int64_t)json_integer_value(json_object_get(e, "log_time"));
		*len = strlen(text);
		*bytes = malloc(*len + 1);
		memcpy(*bytes, text, *len + 1);
		return 0;
	}
	return SHOMEI_ERR_NOTFOUND;
}

static void same_answers(json_t *sc, const struct registry *a, const struct registry *b)
{
	size_t j;
	json_t *jd;
	json_array_foreach(json_object_get(sc, "judgements"), j, jd)
	{
		unsigned char digest[RECORD_HASH_BYTES], status[RECORD_HASH_BYTES];
		assert_int_equal(
		    record_hex_decode(json_string_value(json_object_get(jd, "digest")), digest), 0);
		assert_int_equal(
		    record_hex_decode(json_string_value(json_object_get(jd, "status")), status), 0);
		const char *signer = json_string_value(json_object_get(jd, "signer"));
		struct registry_answer x, y;
		assert_int_equal(registry_judge(a, digest, status, signer, &x), 0);
		assert_int_equal(registry_judge(b, digest, status, signer, &y), 0);
		assert_int_equal(x.outcome, y.outcome);
		assert_string_equal(x.reason, y.reason);
		assert_int_equal(x.anchored, y.anchored);
		assert_int_equal(x.anchor.index, y.anchor.index);
		assert_int_equal(x.anchor.time, y.anchor.time);
		assert_string_equal(x.anchor.signer, y.anchor.signer);
		assert_string_equal(x.institution.responsible, y.institution.responsible);
	}
	assert_int_equal(registry_rejection_count(a), registry_rejection_count(b));
	for (size_t i = 0; i < registry_rejection_count(a); i++)
		assert_string_equal(registry_rejection(a, i)->reason, registry_rejection(b, i)->reason);
	assert_int_equal(registry_revoked_count(a), registry_revoked_count(b));
	assert_int_equal(registry_last_time(a), registry_last_time(b));
}

static void test_snapshot(void **state)
{
	(void)state;
	json_t *vec = tu_load_json_vector(VECTORS);
	char *dir = tu_tempdir();
	char path[512];
	snprintf(path, sizeof path, "%s/registry.snapshot", dir);
	unsigned char bind[32] = {7, 7, 7}, other[32] = {8};
	size_t si;
	json_t *sc;
	json_array_foreach(json_object_get(vec, "scenarios"), si, sc)
	{
		struct registry *a = replay(sc, 0), *b = NULL;
		struct shomei_diag d;
		assert_int_equal(registry_save(a, path, bind, scenario_entry, sc, &d), 0);
		assert_int_equal(registry_load(path, other, &b, &d), SHOMEI_ERR_NOTFOUND);
		assert_null(b);
		assert_int_equal(registry_load(path, bind, &b, &d), 0);
		same_answers(sc, a, b);
		/* a loaded snapshot saves again, to the same effect */
		assert_int_equal(registry_save(b, path, bind, scenario_entry, sc, &d), 0);
		registry_free(b);
		assert_int_equal(registry_load(path, bind, &b, &d), 0);
		same_answers(sc, a, b);
		registry_free(b);
		registry_free(a);
	}
	/* damage: every byte of the part the checksum covers, and truncations */
	json_t *sc0 = json_array_get(json_object_get(vec, "scenarios"), 0);
	struct registry *a = replay(sc0, 0), *b = NULL;
	struct shomei_diag d;
	assert_int_equal(registry_save(a, path, bind, scenario_entry, sc0, &d), 0);
	char *good = NULL;
	size_t len = 0;
	assert_int_equal(fileio_read(path, 1 << 24, &good, &len, NULL), 0);
	size_t flips = 0;
	for (size_t i = 0; i < len; i += (i < 200 ? 1 : 97)) {
		good[i] ^= 0x20;
		assert_int_equal(fileio_write_atomic(path, good, len, 0644, FILEIO_REPLACE, NULL), 0);
		int e = registry_load(path, bind, &b, &d);
		good[i] ^= 0x20;
		if (e == 0) {
			/* only a flip in the digest table loads; it must not crash a query,
			 * and answers stay within the table's own records */
			same_answers(sc0, b, b);
			registry_free(b);
			b = NULL;
			continue;
		}
		assert_true(e == SHOMEI_ERR_INVALID || e == SHOMEI_ERR_NOTFOUND);
		assert_null(b);
		flips++;
	}
	for (size_t cut = 0; cut < len; cut += len / 13 + 1) {
		assert_int_equal(fileio_write_atomic(path, good, cut, 0644, FILEIO_REPLACE, NULL), 0);
		assert_int_not_equal(registry_load(path, bind, &b, &d), 0);
		assert_null(b);
	}
	assert_true(flips > 100);
	/* a loaded registry takes further entries */
	assert_int_equal(fileio_write_atomic(path, good, len, 0644, FILEIO_REPLACE, NULL), 0);
	assert_int_equal(registry_load(path, bind, &b, &d), 0);
	assert_true(registry_apply(b, 1000, 1900000000, "x", 1, &d) < 0);
	assert_int_equal(registry_rejection_count(b), registry_rejection_count(a) + 1);
	registry_free(b);
	assert_int_equal(registry_load("/nonexistent/x", bind, &b, &d), SHOMEI_ERR_NOTFOUND);
	assert_null(b);
	free(good);
	registry_free(a);
	tu_rm_rf(dir);
	free(dir);
	json_decref(vec);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scenarios),
	    cmocka_unit_test(test_facts),
	    cmocka_unit_test(test_order_and_empty),
	    cmocka_unit_test(test_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
