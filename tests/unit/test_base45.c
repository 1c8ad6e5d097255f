/* Base45 (common/base45.h): every RFC 9285 example from vectors/base45/, every
 * triple and pair exhaustively, random round trips, refusals and limits. */
#include "base45.h"
#include "err.h"
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

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static void test_rfc9285_vectors(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("base45/rfc9285.json");
	json_t *valid = json_object_get(v, "valid");
	assert_true(json_array_size(valid) >= 4);
	size_t i;
	json_t *e;
	json_array_foreach (valid, i, e) {
		const char *text = json_string_value(json_object_get(e, "text"));
		const char *b45 = json_string_value(json_object_get(e, "base45"));
		assert_non_null(text);
		assert_non_null(b45);
		unsigned char bin[64];
		size_t n =
		    tu_hex_decode(json_string_value(json_object_get(e, "hex")), bin, sizeof bin);
		assert_int_equal(n, strlen(text));
		assert_memory_equal(bin, text, n);
		char out[128];
		assert_int_equal(base45_encode(bin, n, out, sizeof out), 0);
		if (strcmp(out, b45) != 0)
			fail_msg("%s: encode got '%s', want '%s'",
				 json_string_value(json_object_get(e, "section")), out, b45);
		assert_int_equal(strlen(out), base45_encoded_len(n));
		unsigned char back[64];
		size_t back_len = 99;
		assert_int_equal(base45_decode(b45, strlen(b45), back, sizeof back, &back_len), 0);
		assert_int_equal(back_len, n);
		assert_memory_equal(back, bin, n);
	}
	json_t *invalid = json_object_get(v, "invalid");
	assert_true(json_array_size(invalid) >= 1);
	json_array_foreach (invalid, i, e) {
		const char *b45 = json_string_value(json_object_get(e, "base45"));
		unsigned char back[64];
		size_t back_len = 99;
		assert_int_equal(base45_decode(b45, strlen(b45), back, sizeof back, &back_len),
				 SHOMEI_ERR_PARSE);
		assert_int_equal(back_len, 0);
	}
	json_decref(v);
}

/* Every three-character string: it decodes exactly when its value is at most
 * 65535, and then re-encodes to itself. */
static void test_every_triple(void **state)
{
	(void)state;
	size_t accepted = 0;
	for (unsigned a = 0; a < 45; a++)
		for (unsigned b = 0; b < 45; b++)
			for (unsigned c = 0; c < 45; c++) {
				char t[4] = {alphabet[a], alphabet[b], alphabet[c], 0};
				unsigned v = a + b * 45 + c * 45 * 45;
				unsigned char out[2];
				size_t n = 99;
				int rc = base45_decode(t, 3, out, sizeof out, &n);
				if (v > 0xffff) {
					assert_int_equal(rc, SHOMEI_ERR_PARSE);
					assert_int_equal(n, 0);
					continue;
				}
				assert_int_equal(rc, 0);
				assert_int_equal(n, 2);
				assert_int_equal(out[0] << 8 | out[1], v);
				char re[4];
				assert_int_equal(base45_encode(out, 2, re, sizeof re), 0);
				assert_string_equal(re, t);
				accepted++;
			}
	assert_int_equal(accepted, 65536);
}

/* Every two-character string: a last byte, accepted up to 255 ("U5"), not
 * from 256 on ("V5"). */
static void test_every_pair(void **state)
{
	(void)state;
	size_t accepted = 0;
	for (unsigned a = 0; a < 45; a++)
		for (unsigned b = 0; b < 45; b++) {
			char t[3] = {alphabet[a], alphabet[b], 0};
			unsigned char out[1];
			size_t n = 99;
			int rc = base45_decode(t, 2, out, sizeof out, &n);
			if (a + b * 45 > 0xff) {
				assert_int_equal(rc, SHOMEI_ERR_PARSE);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(out[0], a + b * 45);
			accepted++;
		}
	assert_int_equal(accepted, 256);
	unsigned char out[1];
	size_t n;
	assert_int_equal(base45_decode("U5", 2, out, 1, &n), 0);
	assert_int_equal(out[0], 255);
	assert_int_equal(base45_decode("V5", 2, out, 1, &n), SHOMEI_ERR_PARSE);
}

static void test_random_round_trips(void **state)
{
	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)(rng_next() % 300);
		unsigned char in[300];
		for (size_t i = 0; i < n; i++)
			in[i] = (unsigned char)(rng_next() >> 56);
		char text[451];
		assert_int_equal(base45_encode(in, n, text, sizeof text), 0);
		assert_int_equal(strlen(text), base45_encoded_len(n));
		for (size_t i = 0; text[i]; i++)
			assert_non_null(strchr(alphabet, text[i]));
		unsigned char back[300];
		size_t back_len;
		assert_int_equal(base45_decode(text, strlen(text), back, sizeof back, &back_len),
				 0);
		assert_int_equal(back_len, n);
		assert_memory_equal(back, in, n);
	}
}

static void test_refusals(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "A",	   /* 3k + 1 characters */
	    "BB8B",	   /* ditto after a good triple */
	    "bb8",	   /* lowercase is not in the alphabet */
	    "BB=",	   /* '=' is not either */
	    "BB\n",	   /* nor a line break */
	    ":::",	   /* 91124, the largest triple */
	    "GGW",	   /* 65536, RFC 9285 §6 */
	    "BB8GGW",	   /* a bad triple after a good one */
	    "BB8V5",	   /* a last pair of 256 */
	    "::",	   /* 2024 */
	    "BB8\xc3\x84", /* non-ASCII */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char out[16];
		memset(out, 0xaa, sizeof out);
		size_t n = 99;
		if (base45_decode(bad[i], strlen(bad[i]), out, sizeof out, &n) != SHOMEI_ERR_PARSE)
			fail_msg("'%s' was not refused", bad[i]);
		assert_int_equal(n, 0);
		/* Nothing decoded is left behind: untouched or cleared. */
		for (size_t k = 0; k < sizeof out; k++)
			assert_true(out[k] == 0 || out[k] == 0xaa);
	}
	/* An embedded NUL is a character outside the alphabet, not an end. */
	unsigned char out[4];
	size_t n;
	assert_int_equal(base45_decode("BB\0", 3, out, sizeof out, &n), SHOMEI_ERR_PARSE);
}

static void test_empty_and_limits(void **state)
{
	(void)state;
	char text[8] = "x";
	assert_int_equal(base45_encode((const unsigned char *)"", 0, text, 1), 0);
	assert_string_equal(text, "");
	unsigned char out[4];
	size_t n = 99;
	assert_int_equal(base45_decode("", 0, out, 0, &n), 0);
	assert_int_equal(n, 0);

	/* Output capacity, exact and one short, both ways. */
	assert_int_equal(base45_encode((const unsigned char *)"AB", 2, text, 4), 0);
	assert_int_equal(base45_encode((const unsigned char *)"AB", 2, text, 3), SHOMEI_ERR_LIMIT);
	assert_int_equal(base45_encode((const unsigned char *)"ABC", 3, text, 6), 0);
	assert_string_equal(text, "BB8M1");
	assert_int_equal(base45_decode("BB8M1", 5, out, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(base45_decode("BB8M1", 5, out, 2, &n), SHOMEI_ERR_LIMIT);
	assert_int_equal(n, 0);

	assert_int_equal(base45_encoded_len(0), 0);
	assert_int_equal(base45_encoded_len(1), 2);
	assert_int_equal(base45_encoded_len(BASE45_MAX_BYTES), BASE45_MAX_BYTES / 2 * 3);
	assert_int_equal(base45_encoded_len(BASE45_MAX_BYTES + 1), SIZE_MAX);
	assert_int_equal(base45_encode(out, BASE45_MAX_BYTES + 1, text, sizeof text),
			 SHOMEI_ERR_LIMIT);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc9285_vectors), cmocka_unit_test(test_every_triple),
	    cmocka_unit_test(test_every_pair),	    cmocka_unit_test(test_random_round_trips),
	    cmocka_unit_test(test_refusals),	    cmocka_unit_test(test_empty_and_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
