/* RFC 8785 JCS: every case of vectors/rfc8785 (see its README.md). */
#include "jcs.h"
#include "init.h"
#include "jsonin.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static double from_bits(const char *hex)
{
	uint64_t bits = strtoull(hex, NULL, 16);
	double x;
	memcpy(&x, &bits, sizeof x);
	return x;
}

static void test_input_output_pairs(void **state)
{
	(void)state;
	static const char *const names[] = {"arrays", "french", "structures", "unicode", "values",
					    "weird"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "rfc8785/input/%s.json", names[i]);
		size_t in_len, want_len;
		char *in = tu_read_vector(rel, &in_len);
		snprintf(rel, sizeof rel, "rfc8785/output/%s.json", names[i]);
		char *want = tu_read_vector(rel, &want_len);
		snprintf(rel, sizeof rel, "rfc8785/outhex/%s.txt", names[i]);
		char *hex = tu_read_vector(rel, NULL);
		size_t hex_len;
		unsigned char *want_hex = tu_hex_decode_alloc(hex, &hex_len);

		json_t *j = NULL;
		struct shomei_diag d;
		if (jsonin_parse(in, in_len, &j, &d) != 0)
			fail_msg("%s: %s: %s", names[i], d.where, d.what);
		char *out = NULL;
		size_t out_len = 0;
		assert_int_equal(jcs_serialize(j, &out, &out_len, &d), 0);
		if (out_len != want_len || memcmp(out, want, want_len) != 0)
			fail_msg("%s:\n got %s\nwant %s", names[i], out, want);
		assert_int_equal(hex_len, want_len);
		assert_memory_equal(want_hex, out, out_len);
		/* Canonical text is a fixed point. */
		json_t *again = NULL;
		assert_int_equal(jsonin_parse(out, out_len, &again, &d), 0);
		char *out2 = NULL;
		size_t out2_len = 0;
		assert_int_equal(jcs_serialize(again, &out2, &out2_len, &d), 0);
		assert_int_equal(out2_len, out_len);
		assert_memory_equal(out2, out, out_len);
		free(in);
		free(want);
		free(hex);
		free(want_hex);
		free(out);
		free(out2);
		json_decref(j);
		json_decref(again);
	}
}

static void test_appendix_b(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/numbers-appendix-b.json");
	json_t *samples = json_object_get(v, "samples");
	assert_int_equal(json_array_size(samples), 26);
	size_t i, fails = 0;
	json_t *s;
	json_array_foreach (samples, i, s) {
		double x = from_bits(json_string_value(json_object_get(s, "ieee754_hex")));
		const char *want = json_string_value(json_object_get(s, "expected"));
		char got[JCS_NUMBER_BYTES];
		int err = jcs_number(x, got);
		if (!want || json_is_true(json_object_get(s, "must_fail")) ||
		    strstr(json_string_value(json_object_get(s, "comment")), "NaN") ||
		    strstr(json_string_value(json_object_get(s, "comment")), "Infinity")) {
			if (err == 0 && (!want || strcmp(got, want) != 0))
				fail_msg("sample %zu: NaN/Infinity accepted as %s", i, got);
			if (err)
				fails++;
			continue;
		}
		assert_int_equal(err, 0);
		if (strcmp(got, want) != 0)
			fail_msg("sample %zu: got %s want %s", i, got, want);
	}
	assert_true(fails >= 2); /* NaN and Infinity */
	json_decref(v);
}

static void test_tricky_numbers(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/numbers-tricky.json");
	size_t i;
	json_t *c;
	json_array_foreach (json_object_get(v, "cases"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "[%s]", input);
		json_t *j = NULL;
		struct shomei_diag d;
		if (jsonin_parse(doc, strlen(doc), &j, &d) != 0)
			fail_msg("%s refused: %s", input, d.what);
		double x = json_number_value(json_array_get(j, 0));
		double want_x = from_bits(json_string_value(json_object_get(c, "ieee754_hex")));
		if (memcmp(&x, &want_x, sizeof x) != 0)
			fail_msg("%s parsed to the wrong double", input);
		char *out = NULL;
		size_t len;
		assert_int_equal(jcs_serialize(j, &out, &len, &d), 0);
		char want[64];
		snprintf(want, sizeof want, "[%s]", json_string_value(json_object_get(c, "expected")));
		if (strcmp(out, want) != 0)
			fail_msg("%s: got %s want %s", input, out, want);
		free(out);
		json_decref(j);
	}
	assert_int_equal(i, 52);
	json_array_foreach (json_object_get(v, "must_fail"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "[%s]", input);
		json_t *j = NULL;
		if (jsonin_parse(doc, strlen(doc), &j, NULL) == 0)
			fail_msg("%s accepted", input);
		assert_null(j);
	}
	assert_int_equal(i, 3);
	json_decref(v);
}

/* jsonin refuses \u0000 by policy (docs/jcs.md); JCS itself must still
 * canonicalize it, so string cases are parsed with jansson allowing NUL. */
static void test_tricky_strings(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/strings-tricky.json");
	size_t i;
	json_t *c;
	json_array_foreach (json_object_get(v, "cases"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		json_error_t e;
		json_t *j = json_loads(input, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		if (!j)
			fail_msg("%s: %s", input, e.text);
		char *out = NULL;
		size_t len;
		assert_int_equal(jcs_serialize(j, &out, &len, NULL), 0);
		const char *want = json_string_value(json_object_get(c, "expected"));
		size_t want_len = json_string_length(json_object_get(c, "expected"));
		if (len != want_len || memcmp(out, want, len) != 0)
			fail_msg("case %zu: got %s want %s", i, out, want);
		size_t hex_len;
		unsigned char *bytes = tu_hex_decode_alloc(
			json_string_value(json_object_get(c, "expected_utf8_hex")), &hex_len);
		assert_int_equal(hex_len, len);
		assert_memory_equal(bytes, out, len);
		free(bytes);
		free(out);
		json_decref(j);
	}
	assert_int_equal(i, 14);
	json_array_foreach (json_object_get(v, "must_fail"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "[%s]", input);
		json_t *j = NULL;
		if (jsonin_parse(doc, strlen(doc), &j, NULL) == 0)
			fail_msg("%s accepted", input);
	}
	assert_int_equal(i, 4);
	json_decref(v);
}

static void test_sorting(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/sorting-sample.json");
	json_t *in = json_object_get(v, "input_json_text");
	json_t *j = NULL;
	struct shomei_diag d;
	assert_int_equal(jsonin_parse(json_string_value(in), json_string_length(in), &j, &d), 0);
	char *out = NULL;
	size_t len;
	assert_int_equal(jcs_serialize(j, &out, &len, &d), 0);
	assert_string_equal(out, json_string_value(json_object_get(v, "expected_canonical")));
	size_t hex_len;
	unsigned char *bytes = tu_hex_decode_alloc(
		json_string_value(json_object_get(v, "expected_canonical_utf8_hex")), &hex_len);
	assert_int_equal(hex_len, len);
	assert_memory_equal(bytes, out, len);
	/* The values come out in the expected order. */
	const char *p = out;
	size_t i;
	json_t *name;
	json_array_foreach (json_object_get(v, "expected_value_order"), i, name) {
		const char *at = strstr(p, json_string_value(name));
		assert_non_null(at);
		p = at;
	}
	free(bytes);
	free(out);
	json_decref(j);
	json_decref(v);
}

static void test_es6_numbers_10k(void **state)
{
	(void)state;
	size_t len;
	char *text = tu_read_vector("rfc8785/es6-numbers-10k.txt", &len);
	size_t lines = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *comma = strchr(line, ',');
		assert_non_null(comma);
		*comma = '\0';
		double x = from_bits(line);
		char got[JCS_NUMBER_BYTES];
		assert_int_equal(jcs_number(x, got), 0);
		if (strcmp(got, comma + 1) != 0)
			fail_msg("line %zu: %s: got %s want %s", lines + 1, line, got, comma + 1);
		lines++;
	}
	assert_int_equal(lines, 10000);
	free(text);
}

static void test_limits_and_edges(void **state)
{
	(void)state;
	/* A key with an embedded NUL sorts by its full length. */
	json_t *o = json_object();
	json_object_setn_new(o, "a\0b", 3, json_true());
	json_object_setn_new(o, "a", 1, json_false());
	char *out = NULL;
	size_t len;
	assert_int_equal(jcs_serialize(o, &out, &len, NULL), 0);
	assert_int_equal(len, strlen("{\"a\":false,\"a\\u0000b\":true}"));
	assert_memory_equal(out, "{\"a\":false,\"a\\u0000b\":true}", len);
	free(out);
	json_decref(o);
	/* Non-finite numbers made in code are refused, not written. */
	json_t *arr = json_array();
	json_array_append_new(arr, json_real(1.0));
	struct shomei_diag d;
	assert_int_equal(jcs_serialize(arr, &out, &len, &d), 0);
	assert_string_equal(out, "[1]");
	free(out);
	json_decref(arr);
	char num[JCS_NUMBER_BYTES];
	assert_int_equal(jcs_number(1.0 / 0.0, num), SHOMEI_ERR_INVALID);
	assert_int_equal(jcs_number(-1.0 / 0.0, num), SHOMEI_ERR_INVALID);
	assert_int_equal(jcs_number(0.0 / 0.0, num), SHOMEI_ERR_INVALID);
	assert_int_equal(jcs_number(-1e21, num), 0);
	assert_string_equal(num, "-1e+21");
	/* Integers made in code serialize as their double. */
	arr = json_pack("[I, I]", (json_int_t)9007199254740993LL, (json_int_t)-3);
	assert_int_equal(jcs_serialize(arr, &out, &len, NULL), 0);
	assert_string_equal(out, "[9007199254740992,-3]");
	free(out);
	json_decref(arr);
	/* Nesting beyond JCS_MAX_DEPTH is refused. */
	json_t *deep = json_array(), *cur = deep;
	for (int i = 0; i < JCS_MAX_DEPTH + 1; i++) {
		json_t *next = json_array();
		json_array_append_new(cur, next);
		cur = next;
	}
	assert_int_equal(jcs_serialize(deep, &out, &len, &d), SHOMEI_ERR_LIMIT);
	assert_null(out);
	json_decref(deep);
	/* Output above JCS_MAX_BYTES is refused. */
	char *big = malloc(JCS_MAX_BYTES);
	memset(big, 'x', JCS_MAX_BYTES - 1);
	big[JCS_MAX_BYTES - 1] = '\0';
	json_t *s = json_pack("[s]", big);
	assert_int_equal(jcs_serialize(s, &out, &len, &d), SHOMEI_ERR_LIMIT);
	json_decref(s);
	free(big);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_output_pairs), cmocka_unit_test(test_appendix_b),
		cmocka_unit_test(test_tricky_numbers),     cmocka_unit_test(test_tricky_strings),
		cmocka_unit_test(test_sorting),            cmocka_unit_test(test_es6_numbers_10k),
		cmocka_unit_test(test_limits_and_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
