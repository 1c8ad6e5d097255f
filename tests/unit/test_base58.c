/* base58btc and its multibase 'z' form (common/base58.h): known answers, leading
 * zeros, a textbook reference encoder for random inputs, refusals and limits. */
#include "base58.h"
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

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* A fixed-seed generator, so that every run tests the same inputs. */
static uint64_t rng_state = 0x243f6a8885a308d3u;

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

/* The textbook algorithm (repeated division of the big-endian number by 58),
 * independent of the module's limb-wise code. n <= REF_MAX_BYTES; out needs
 * 2 * n + 1 bytes. */
#define REF_MAX_BYTES (BASE58_MAX_BYTES + 1)
static void reference_encode(const unsigned char *in, size_t n, char *out)
{
	unsigned char num[REF_MAX_BYTES];
	assert_true(n <= REF_MAX_BYTES);
	memcpy(num, in, n);
	size_t zeros = 0;
	while (zeros < n && in[zeros] == 0)
		zeros++;
	char rev[2 * REF_MAX_BYTES];
	size_t nd = 0;
	size_t start = zeros;
	while (start < n) {
		unsigned rem = 0;
		for (size_t i = start; i < n; i++) {
			unsigned cur = rem * 256 + num[i];
			num[i] = (unsigned char)(cur / 58);
			rem = cur % 58;
		}
		rev[nd++] = alphabet[rem];
		while (start < n && num[start] == 0)
			start++;
	}
	size_t k = 0;
	for (size_t z = 0; z < zeros; z++)
		out[k++] = '1';
	while (nd > 0)
		out[k++] = rev[--nd];
	out[k] = '\0';
}

struct known {
	const char *hex;
	const char *b58;
};

/* "Hello World!" and the fox sentence are the examples of draft-msporny-base58
 * §5. The draft prints 0x0000287fb4cd as "111233QC4", which has one '1' too many
 * for two zero bytes (an erratum: §3 maps each leading zero byte to one '1');
 * both readings are checked here, each with its own number of zero bytes. */
static const struct known known[] = {
    {"", ""},
    {"48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"},
    {"54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a7920646f"
     "672e",
     "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
    {"0000287fb4cd", "11233QC4"},
    {"000000287fb4cd", "111233QC4"},
    {"00", "1"},
    {"0000", "11"},
    {"00000000000000000000", "1111111111"},
    {"0000000000000000000001", "11111111112"},
    {"01", "2"},
    {"39", "z"},
    {"3a", "21"},
    {"ff", "5Q"},
    {"0100", "5R"},
    {"ffff", "LUv"},
    {"00ff", "15Q"},
};

static void test_known_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		unsigned char bin[64];
		size_t n = tu_hex_decode(known[i].hex, bin, sizeof bin);
		char out[BASE58_MAX_CHARS + 1];
		assert_int_equal(base58_encode(bin, n, out, sizeof out), 0);
		if (strcmp(out, known[i].b58) != 0)
			fail_msg("encode %s: got '%s', want '%s'", known[i].hex, out, known[i].b58);
		if (n == 0)
			continue;
		unsigned char back[64];
		size_t back_len = 99;
		assert_int_equal(
		    base58_decode(known[i].b58, strlen(known[i].b58), back, sizeof back, &back_len),
		    0);
		assert_int_equal(back_len, n);
		assert_memory_equal(back, bin, n);
	}
}

static void test_empty(void **state)
{
	(void)state;
	/* Zero bytes encode to the empty string, but the empty string is refused on
	 * input (base58.h): nothing outside shomei encodes an empty key. */
	char out[4] = "xyz";
	assert_int_equal(base58_encode((const unsigned char *)"", 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(base58_encode((const unsigned char *)"", 0, out, 1), 0);
	assert_int_equal(base58_encode((const unsigned char *)"", 0, out, 0), SHOMEI_ERR_LIMIT);
	unsigned char bin[4];
	size_t n = 7;
	assert_int_equal(base58_decode("", 0, bin, sizeof bin, &n), SHOMEI_ERR_PARSE);
	assert_int_equal(n, 0);
}

static void test_leading_zeros(void **state)
{
	(void)state;
	/* k zero bytes, then a non-zero tail or not: exactly k leading '1's. */
	for (size_t k = 0; k <= 40; k++) {
		for (int tail = 0; tail < 3; tail++) {
			unsigned char bin[48] = {0};
			size_t n = k;
			if (tail == 1)
				bin[n++] = 0x01;
			if (tail == 2) {
				bin[n++] = 0xff;
				bin[n++] = 0x00; /* an inner zero is not a leading one */
			}
			if (n == 0)
				continue;
			char out[128];
			assert_int_equal(base58_encode(bin, n, out, sizeof out), 0);
			assert_int_equal(strspn(out, "1"), k);
			unsigned char back[48];
			size_t back_len;
			assert_int_equal(
			    base58_decode(out, strlen(out), back, sizeof back, &back_len), 0);
			assert_int_equal(back_len, n);
			assert_memory_equal(back, bin, n);
		}
	}
}

static void test_random_round_trips(void **state)
{
	(void)state;
	static unsigned char bin[BASE58_MAX_BYTES], back[BASE58_MAX_BYTES];
	static char out[BASE58_MAX_CHARS + 1], want[2 * BASE58_MAX_BYTES + 1];
	for (int round = 0; round < 4; round++) {
		for (size_t n = 1; n <= BASE58_MAX_BYTES; n++) {
			rng_fill(bin, n);
			if (round == 1)
				memset(bin, 0, n / 3); /* leading zeros */
			if (round == 2)
				memset(bin, 0xff, n); /* the longest encodings */
			if (round == 3 && n > 1)
				memset(bin + 1, 0, n - 1); /* a lone top byte */
			size_t cap = base58_encoded_max(n);
			assert_true(cap <= sizeof out);
			assert_int_equal(base58_encode(bin, n, out, cap), 0);
			reference_encode(bin, n, want);
			if (strcmp(out, want) != 0)
				fail_msg("n=%zu round %d:\n got %s\nwant %s", n, round, out, want);
			assert_true(strlen(out) <= BASE58_MAX_CHARS);
			assert_int_equal(strspn(out, alphabet), strlen(out));
			size_t back_len = 0;
			assert_int_equal(
			    base58_decode(out, strlen(out), back, sizeof back, &back_len), 0);
			assert_int_equal(back_len, n);
			assert_memory_equal(back, bin, n);
		}
	}
}

static void test_refused_characters(void **state)
{
	(void)state;
	/* The four look-alikes the alphabet leaves out, and everything else that is
	 * not in it, at the start, the middle and the end of a valid string. */
	for (int c = 1; c < 256; c++) {
		if (strchr(alphabet, c))
			continue;
		for (int pos = 0; pos < 3; pos++) {
			char s[] = "2NEpo7TZRRrLZSi2U";
			size_t len = strlen(s);
			s[pos == 0 ? 0 : pos == 1 ? len / 2 : len - 1] = (char)c;
			unsigned char bin[32];
			size_t n = 5;
			if (base58_decode(s, len, bin, sizeof bin, &n) != SHOMEI_ERR_PARSE)
				fail_msg("character 0x%02x at %d accepted", c, pos);
			assert_int_equal(n, 0);
		}
	}
	static const char *const bad[] = {
	    "0",   "O",	   "I", "l", "1O", "11l", "2NEpo7TZRRrLZSi2U ",
	    " 2N", "2N\n", "+", "/", "=",  "-",	  "_"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char bin[32];
		size_t n;
		assert_int_equal(base58_decode(bad[i], strlen(bad[i]), bin, sizeof bin, &n),
				 SHOMEI_ERR_PARSE);
	}
	/* An embedded NUL inside the given length is a character like any other. */
	unsigned char bin[32];
	size_t n;
	assert_int_equal(base58_decode("2N\0E", 4, bin, sizeof bin, &n), SHOMEI_ERR_PARSE);
	/* ...while in_len, not the NUL, bounds what is read. */
	assert_int_equal(base58_decode("zzzz0000", 4, bin, sizeof bin, &n), 0);
	assert_int_equal(n, 3);
}

static void test_output_capacity(void **state)
{
	(void)state;
	unsigned char bin[40];
	rng_fill(bin, sizeof bin);
	bin[0] = 0;
	bin[1] = 0;
	char full[128];
	assert_int_equal(base58_encode(bin, sizeof bin, full, sizeof full), 0);
	size_t len = strlen(full);
	char out[128];
	assert_int_equal(base58_encode(bin, sizeof bin, out, len + 1), 0);
	assert_string_equal(out, full);
	assert_int_equal(base58_encode(bin, sizeof bin, out, len), SHOMEI_ERR_LIMIT);
	assert_int_equal(base58_encode(bin, sizeof bin, out, 0), SHOMEI_ERR_LIMIT);

	/* A refusal leaves out as it was. */
	memset(out, '#', sizeof out);
	assert_int_equal(base58_encode(bin, sizeof bin, out, len), SHOMEI_ERR_LIMIT);
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(out[i], '#');

	/* Decoding: exactly enough room, and one byte short. */
	unsigned char back[40];
	size_t n = 1;
	assert_int_equal(base58_decode(full, len, back, sizeof bin, &n), 0);
	assert_int_equal(n, sizeof bin);
	n = 1;
	memset(back, 0xaa, sizeof back);
	assert_int_equal(base58_decode(full, len, back, sizeof bin - 1, &n), SHOMEI_ERR_LIMIT);
	assert_int_equal(n, 0);
	/* out is only written on success */
	for (size_t i = 0; i < sizeof back; i++)
		assert_int_equal(back[i], 0xaa);
	char bad[128];
	memcpy(bad, full, len);
	bad[len - 1] = '0';
	assert_int_equal(base58_decode(bad, len, back, sizeof back, &n), SHOMEI_ERR_PARSE);
	for (size_t i = 0; i < sizeof back; i++)
		assert_int_equal(back[i], 0xaa);
	/* Leading '1's alone also count against the room. */
	assert_int_equal(base58_decode("1111", 4, back, 3, &n), SHOMEI_ERR_LIMIT);
	assert_int_equal(base58_decode("1111", 4, back, 4, &n), 0);
	assert_int_equal(n, 4);
	static const unsigned char four_zeros[4];
	assert_memory_equal(back, four_zeros, 4);
}

static void test_max_bytes(void **state)
{
	(void)state;
	static unsigned char bin[BASE58_MAX_BYTES + 1], back[BASE58_MAX_BYTES + 8];
	static char out[2 * REF_MAX_BYTES + 1];
	size_t n;

	/* BASE58_MAX_BYTES is the largest input either way. */
	memset(bin, 0xff, sizeof bin);
	assert_int_equal(base58_encode(bin, BASE58_MAX_BYTES, out, sizeof out), 0);
	assert_true(strlen(out) + 1 <= base58_encoded_max(BASE58_MAX_BYTES));
	assert_true(strlen(out) <= BASE58_MAX_CHARS);
	assert_int_equal(base58_decode(out, strlen(out), back, sizeof back, &n), 0);
	assert_int_equal(n, BASE58_MAX_BYTES);
	assert_int_equal(base58_encode(bin, BASE58_MAX_BYTES + 1, out, sizeof out),
			 SHOMEI_ERR_LIMIT);

	memset(bin, 0, sizeof bin);
	assert_int_equal(base58_encode(bin, BASE58_MAX_BYTES, out, sizeof out), 0);
	assert_int_equal(strlen(out), BASE58_MAX_BYTES);
	assert_int_equal(strspn(out, "1"), BASE58_MAX_BYTES);
	assert_int_equal(base58_decode(out, BASE58_MAX_BYTES, back, sizeof back, &n), 0);
	assert_int_equal(n, BASE58_MAX_BYTES);
	/* One more '1' is one byte too many, even with room in out. */
	memset(out, '1', BASE58_MAX_BYTES + 1);
	n = 3;
	assert_int_equal(base58_decode(out, BASE58_MAX_BYTES + 1, back, sizeof back, &n),
			 SHOMEI_ERR_LIMIT);
	assert_int_equal(n, 0);

	/* BASE58_MAX_CHARS digits of 'z' are more than BASE58_MAX_BYTES bytes; one
	 * character more is refused before any arithmetic. */
	memset(out, 'z', BASE58_MAX_CHARS + 1);
	assert_int_equal(base58_decode(out, BASE58_MAX_CHARS, back, sizeof back, &n),
			 SHOMEI_ERR_LIMIT);
	assert_int_equal(base58_decode(out, BASE58_MAX_CHARS + 1, back, sizeof back, &n),
			 SHOMEI_ERR_LIMIT);
	/* 2^2048 - 1 fits (above); 2^2048 and 2^2056 - 1 take 350 and 351 digits,
	 * within BASE58_MAX_CHARS, but 257 bytes. */
	memset(bin, 0, sizeof bin);
	bin[0] = 0x01;
	reference_encode(bin, BASE58_MAX_BYTES + 1, out);
	assert_true(strlen(out) <= BASE58_MAX_CHARS);
	assert_int_equal(base58_decode(out, strlen(out), back, sizeof back, &n), SHOMEI_ERR_LIMIT);
	memset(bin, 0xff, sizeof bin);
	reference_encode(bin, BASE58_MAX_BYTES + 1, out);
	assert_true(strlen(out) <= BASE58_MAX_CHARS);
	assert_int_equal(base58_decode(out, strlen(out), back, sizeof back, &n), SHOMEI_ERR_LIMIT);
	assert_int_equal(n, 0);

	assert_int_equal(base58_encoded_max(BASE58_MAX_BYTES + 1), 0);
	assert_int_equal(base58_encoded_max(SIZE_MAX), 0);

	/* base58_encoded_max is enough for every length up to the ceiling. */
	for (size_t k = 0; k <= BASE58_MAX_BYTES; k++) {
		memset(bin, 0xff, k);
		assert_int_equal(base58_encode(bin, k, out, base58_encoded_max(k)), 0);
	}
}

static void test_multibase(void **state)
{
	(void)state;
	const unsigned char hello[] = "Hello World!";
	char out[64];
	assert_int_equal(multibase_base58btc_encode(hello, 12, out, sizeof out), 0);
	assert_string_equal(out, "z2NEpo7TZRRrLZSi2U");
	unsigned char back[32];
	size_t n = 0;
	assert_int_equal(multibase_base58btc_decode(out, strlen(out), back, sizeof back, &n), 0);
	assert_int_equal(n, 12);
	assert_memory_equal(back, hello, 12);

	/* Room: 'z' + 17 + NUL = 19. */
	assert_int_equal(multibase_base58btc_encode(hello, 12, out, 19), 0);
	assert_int_equal(multibase_base58btc_encode(hello, 12, out, 18), SHOMEI_ERR_LIMIT);
	assert_int_equal(multibase_base58btc_encode(hello, 12, out, 1), SHOMEI_ERR_LIMIT);
	assert_int_equal(multibase_base58btc_encode(hello, 12, out, 0), SHOMEI_ERR_LIMIT);

	/* Any other multibase prefix, or none, is refused. */
	static const char *const bad[] = {
	    "",
	    "z",
	    "2NEpo7TZRRrLZSi2U",
	    "Z2NEpo7TZRRrLZSi2U", /* base58flickr */
	    "f48656c6c6f",	  /* base16 */
	    "uSGVsbG8",		  /* base64url */
	    "mSGVsbG8",		  /* base64 */
	    "bjbswy3dp",	  /* base32 */
	    " z2NEpo7TZRRrLZSi2U",
	    "z2NEpo7TZRRrLZSi2U0",
	    "zz0",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = 9;
		if (multibase_base58btc_decode(bad[i], strlen(bad[i]), back, sizeof back, &n) !=
		    SHOMEI_ERR_PARSE)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(n, 0);
	}
	/* The limits of the base58 part still apply. */
	assert_int_equal(multibase_base58btc_decode("z2NEpo7TZRRrLZSi2U", 18, back, 11, &n),
			 SHOMEI_ERR_LIMIT);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_answers),      cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_leading_zeros),      cmocka_unit_test(test_random_round_trips),
	    cmocka_unit_test(test_refused_characters), cmocka_unit_test(test_output_capacity),
	    cmocka_unit_test(test_max_bytes),	       cmocka_unit_test(test_multibase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
