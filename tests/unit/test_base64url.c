/* base64url without padding (common/base64url.h): the RFC 4648 §10 vectors in
 * the url alphabet, a reference encoder for random inputs, strict refusals and
 * output limits. */
#include "base64url.h"
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
#include <sodium.h>

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static uint64_t rng_state = 0x13198a2e03707344u;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static void rng_fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(rng_next() >> 56);
}

/* RFC 4648 §4 bit by bit, written independently of libsodium. */
static void reference_encode(const unsigned char *in, size_t n, char *out)
{
	size_t k = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[k++] = url_alphabet[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[k++] = url_alphabet[(acc << (6 - bits)) & 63];
	out[k] = '\0';
}

struct known {
	const char *bin;
	size_t len;
	const char *text;
};

/* RFC 4648 §10 without its '=' padding, then inputs whose encodings use the
 * two characters where base64url differs from base64 ('-' for '+', '_' for '/'). */
static const struct known known[] = {
    {"", 0, ""},
    {"f", 1, "Zg"},
    {"fo", 2, "Zm8"},
    {"foo", 3, "Zm9v"},
    {"foob", 4, "Zm9vYg"},
    {"fooba", 5, "Zm9vYmE"},
    {"foobar", 6, "Zm9vYmFy"},
    {"\xfb\xff", 2, "-_8"},
    {"\xff\xfe", 2, "__4"},
    {"\xfb\xef\xbe", 3, "----"},
    {"\xff\xff\xff", 3, "____"},
    {"\x14\xfb\x9c\x03\xd9\x7e", 6, "FPucA9l-"},
    {"\x00", 1, "AA"},
    {"\x00\x00\x00", 3, "AAAA"},
};

static void test_known_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const struct known *k = &known[i];
		char out[32];
		assert_int_equal(base64url_encoded_len(k->len), strlen(k->text));
		assert_int_equal(
		    base64url_encode((const unsigned char *)k->bin, k->len, out, sizeof out), 0);
		if (strcmp(out, k->text) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, out, k->text);
		unsigned char back[32];
		size_t n = 99;
		assert_int_equal(base64url_decode(k->text, strlen(k->text), back, sizeof back, &n),
				 0);
		assert_int_equal(n, k->len);
		assert_memory_equal(back, k->bin, k->len);
	}
}

static void test_encoded_len(void **state)
{
	(void)state;
	static const size_t want[] = {0, 2, 3, 4, 6, 7, 8, 10, 11, 12};
	for (size_t n = 0; n < sizeof want / sizeof want[0]; n++)
		assert_int_equal(base64url_encoded_len(n), want[n]);
	assert_int_equal(base64url_encoded_len(BASE64URL_MAX_BYTES),
			 BASE64URL_MAX_BYTES / 3 * 4 + 2); /* 4 MiB = 3k + 1 bytes */
}

static void test_random_round_trips(void **state)
{
	(void)state;
	unsigned char bin[256], back[256];
	char out[400], want[400];
	for (int round = 0; round < 3; round++) {
		for (size_t n = 0; n <= 256; n++) {
			rng_fill(bin, n);
			if (round == 1)
				memset(bin, 0xff, n);
			if (round == 2)
				memset(bin, 0, n);
			size_t len = base64url_encoded_len(n);
			assert_int_equal(base64url_encode(bin, n, out, len + 1), 0);
			assert_int_equal(strlen(out), len);
			reference_encode(bin, n, want);
			if (strcmp(out, want) != 0)
				fail_msg("n=%zu:\n got %s\nwant %s", n, out, want);
			/* and libsodium's encoder agrees */
			sodium_bin2base64(want, sizeof want, bin, n,
					  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
			assert_string_equal(out, want);
			size_t back_len = 999;
			assert_int_equal(base64url_decode(out, len, back, sizeof back, &back_len),
					 0);
			assert_int_equal(back_len, n);
			assert_memory_equal(back, bin, n);
		}
	}
}

/* After a refusal no decoded byte is left in out: each byte is as it was
 * (0xaa) or cleared. */
static void expect_no_leftovers(const unsigned char *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (out[i] != 0xaa && out[i] != 0)
			fail_msg("out[%zu] = 0x%02x after a refusal", i, out[i]);
}

static void expect_refused(const char *s, size_t len)
{
	unsigned char out[64];
	memset(out, 0xaa, sizeof out);
	size_t n = 42;
	int err = base64url_decode(s, len, out, sizeof out, &n);
	if (err != SHOMEI_ERR_PARSE)
		fail_msg("'%.*s' (%zu chars): got %d, want SHOMEI_ERR_PARSE", (int)len, s, len,
			 err);
	assert_int_equal(n, 0);
	expect_no_leftovers(out, sizeof out);
}

static void test_refusals(void **state)
{
	(void)state;
	/* Padding, the standard alphabet's '+' and '/', whitespace anywhere. */
	static const char *const bad[] = {
	    "Zg==",   "Zg=",	  "Zm8=",  "Zm9v====", "Zm9vYg==", "=",	       "====",
	    "+_8",    "-/8",	  "+/8",   "Zm9 v",    " Zm9v",	   "Zm9v ",    "Zm9v\n",
	    "Zm\t9v", "\r\nZm9v", "Zm9v.", "Zm9v!",    "Zm9v*",	   "Zm9v\x80", "Zm9v\xff",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_refused(bad[i], strlen(bad[i]));
	/* Whitespace inside texts of every possible length (4k, 4k + 2, 4k + 3). */
	static const char *const spaced[] = {"Zm 9",	     "Zm9v Zg", "Zm9v\nYmE", "Zm9v\r\nYg",
					     "Zm9vYmFy\n\n", " Zm9vYg", "Zm9\tvYmE"};
	for (size_t i = 0; i < sizeof spaced / sizeof spaced[0]; i++)
		expect_refused(spaced[i], strlen(spaced[i]));
	/* A NUL inside the given length. */
	expect_refused("Zm\0v", 4);

	/* Every length of 4k + 1 characters is impossible. */
	static const char *const one_over[] = {"A", "Z", "Zm9vY", "Zm9vYmFyA", "AAAAAAAAAAAAA"};
	for (size_t i = 0; i < sizeof one_over / sizeof one_over[0]; i++)
		expect_refused(one_over[i], strlen(one_over[i]));

	/* Non-zero unused bits: "Zg" is 'f'; "Zh".."Zv" carry the same byte with
	 * junk in the 4 unused bits. "Zm8" is "fo"; "Zm9" sets the 2 unused bits. */
	for (const char *p = url_alphabet; *p; p++) {
		int v = (int)(p - url_alphabet);
		char two[3] = {'Z', *p, '\0'};
		unsigned char out[4];
		size_t n;
		int err = base64url_decode(two, 2, out, sizeof out, &n);
		if (v & 0x0f)
			assert_int_equal(err, SHOMEI_ERR_PARSE);
		else
			assert_int_equal(err, 0);
		char three[4] = {'Z', 'm', *p, '\0'};
		err = base64url_decode(three, 3, out, sizeof out, &n);
		if (v & 0x03)
			assert_int_equal(err, SHOMEI_ERR_PARSE);
		else
			assert_int_equal(err, 0);
	}
	expect_refused("Zh", 2);
	expect_refused("Zm9", 3);
	expect_refused("Zm9vYh", 6);
	expect_refused("Zm9vYmF", 7);

	/* A refusal late in a long valid-looking text leaves nothing decoded. */
	char text[80];
	memset(text, 'Q', 76);
	text[76] = '\0';
	text[74] = 'R'; /* 4k + 3 chars ending in 'R' (010001): unused bits set */
	expect_refused(text, 75);
	text[74] = 'Q';
	text[60] = '=';
	expect_refused(text, 76);
	text[60] = '+';
	expect_refused(text, 76);
	text[60] = '\n';
	expect_refused(text, 76);
}

static void test_empty(void **state)
{
	(void)state;
	char out[2] = "x";
	assert_int_equal(base64url_encode((const unsigned char *)"", 0, out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(base64url_encode((const unsigned char *)"", 0, out, 0), SHOMEI_ERR_LIMIT);
	unsigned char bin[1];
	size_t n = 5;
	assert_int_equal(base64url_decode("", 0, bin, 0, &n), 0);
	assert_int_equal(n, 0);
}

static void test_output_capacity(void **state)
{
	(void)state;
	const unsigned char *foobar = (const unsigned char *)"foobar";
	char out[16];
	/* A refusal leaves out as it was. */
	memset(out, '#', sizeof out);
	assert_int_equal(base64url_encode(foobar, 5, out, 7), SHOMEI_ERR_LIMIT);
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(out[i], '#');
	/* "Zm9vYmE" + NUL needs 8. */
	assert_int_equal(base64url_encode(foobar, 5, out, 8), 0);
	assert_string_equal(out, "Zm9vYmE");
	assert_int_equal(base64url_encode(foobar, 5, out, 7), SHOMEI_ERR_LIMIT);
	assert_int_equal(base64url_encode(foobar, 5, out, 0), SHOMEI_ERR_LIMIT);

	unsigned char bin[8];
	size_t n = 3;
	assert_int_equal(base64url_decode("Zm9vYmE", 7, bin, 5, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(bin, "fooba", 5);
	n = 3;
	memset(bin, 0xaa, sizeof bin);
	assert_int_equal(base64url_decode("Zm9vYmE", 7, bin, 4, &n), SHOMEI_ERR_LIMIT);
	assert_int_equal(n, 0);
	expect_no_leftovers(bin, sizeof bin);
	assert_int_equal(base64url_decode("Zm9vYmFy", 8, bin, 5, &n), SHOMEI_ERR_LIMIT);
	assert_int_equal(base64url_decode("Zg", 2, bin, 0, &n), SHOMEI_ERR_LIMIT);

	/* BASE64URL_MAX_BYTES is the encoder's ceiling. */
	size_t max = BASE64URL_MAX_BYTES;
	unsigned char *big = calloc(max + 1, 1);
	size_t cap = base64url_encoded_len(max + 1) + 1;
	char *text = malloc(cap);
	assert_non_null(big);
	assert_non_null(text);
	assert_int_equal(base64url_encode(big, max, text, cap), 0);
	assert_int_equal(strlen(text), base64url_encoded_len(max));
	assert_int_equal(base64url_encode(big, max + 1, text, cap), SHOMEI_ERR_LIMIT);
	size_t back_len = 0;
	assert_int_equal(base64url_decode(text, base64url_encoded_len(max), big, max, &back_len),
			 0);
	assert_int_equal(back_len, max);
	free(big);
	free(text);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_answers),
	    cmocka_unit_test(test_encoded_len),
	    cmocka_unit_test(test_random_round_trips),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_output_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
