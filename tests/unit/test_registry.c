/* The registry (common/registry.h) against vectors/shomei/records-v1.json:
 * every scenario replayed from empty, each entry applied or rejected as the
 * file says, and the registry's answers for each credential as the file says;
 * then the rules the vectors do not reach: order of entries, queries on an
 * empty registry, standing and the successor chain, rejection records. */
#include "registry.h"

#include "didkey.h"
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

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scenarios),
	    cmocka_unit_test(test_facts),
	    cmocka_unit_test(test_order_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
