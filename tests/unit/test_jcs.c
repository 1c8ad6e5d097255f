/* RFC 8785 JCS: every case of vectors/rfc8785 (see its README.md), member
 * order against a UTF-16 reference, numbers at the edges, errors and limits,
 * and jcs_append / jcs_append_without on caller buffers. */
#include "jcs.h"
#include "jsonin.h"
#include "testutil.h"

#include <math.h>
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

static json_t *parse(const char *text, size_t len)
{
	json_t *j = NULL;
	struct shomei_diag d;
	if (jsonin_parse(text, len, &j, &d) != 0)
		fail_msg("%.60s: %s: %s", text, d.where, d.what);
	return j;
}

/* jcs_serialize(v) must be `want` exactly, and a fixed point: parsing the
 * output and serializing again gives the same bytes. */
static void expect_canonical(const json_t *v, const char *want, size_t want_len)
{
	char *out = NULL;
	size_t len = 0;
	struct shomei_diag d;
	if (jcs_serialize(v, &out, &len, &d) != 0)
		fail_msg("jcs_serialize: %s: %s", d.where, d.what);
	if (len != want_len || memcmp(out, want, len) != 0)
		fail_msg("\n got %s\nwant %.*s", out, (int)want_len, want);
	assert_int_equal(out[len], '\0');
	json_t *again = parse(out, len);
	char *out2 = NULL;
	size_t len2 = 0;
	assert_int_equal(jcs_serialize(again, &out2, &len2, &d), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(out2, out, len);
	free(out);
	free(out2);
	json_decref(again);
}

static void test_input_output_pairs(void **state)
{
	(void)state;
	static const char *const names[] = {"arrays",  "french", "structures",
					    "unicode", "values", "weird"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "rfc8785/input/%s.json", names[i]);
		size_t in_len, want_len, hex_len;
		char *in = tu_read_vector(rel, &in_len);
		snprintf(rel, sizeof rel, "rfc8785/output/%s.json", names[i]);
		char *want = tu_read_vector(rel, &want_len);
		snprintf(rel, sizeof rel, "rfc8785/outhex/%s.txt", names[i]);
		char *hex = tu_read_vector(rel, NULL);
		unsigned char *want_hex = tu_hex_decode_alloc(hex, &hex_len);
		/* output/ and outhex/ say the same. */
		assert_int_equal(hex_len, want_len);
		assert_memory_equal(want_hex, want, want_len);
		json_t *j = parse(in, in_len);
		expect_canonical(j, want, want_len);
		json_decref(j);
		free(in);
		free(want);
		free(hex);
		free(want_hex);
	}
}

/* The text between `marker` + the next line (a ``` fence) and the closing
 * fence, from a document of the repository. */
static char *fenced_block(const char *doc, const char *marker, size_t *len)
{
	const char *m = strstr(doc, marker);
	if (!m)
		fail_msg("no %s", marker);
	const char *start = strstr(m, "```");
	assert_non_null(start);
	start = strchr(start, '\n');
	assert_non_null(start);
	start++;
	const char *end = strstr(start, "\n```");
	assert_non_null(end);
	*len = (size_t)(end - start);
	char *text = malloc(*len + 1);
	assert_non_null(text);
	memcpy(text, start, *len);
	text[*len] = '\0';
	return text;
}

/* docs/jcs.md's worked example is executed, so it cannot go stale. */
static void test_docs_example(void **state)
{
	(void)state;
	FILE *f = fopen("docs/jcs.md", "rb");
	if (!f)
		fail_msg("cannot open docs/jcs.md (tests run from the repository root)");
	char *doc = malloc(1 << 16);
	assert_non_null(doc);
	size_t n = fread(doc, 1, (1 << 16) - 1, f);
	fclose(f);
	doc[n] = '\0';
	size_t in_len, want_len;
	char *in = fenced_block(doc, "<!-- example-input -->", &in_len);
	char *want = fenced_block(doc, "<!-- example-output -->", &want_len);
	json_t *j = parse(in, in_len);
	expect_canonical(j, want, want_len);
	const char *count = strstr(doc, "has these canonical bytes (");
	assert_non_null(count);
	assert_int_equal(strtoul(count + strlen("has these canonical bytes ("), NULL, 10),
			 want_len);
	json_decref(j);
	free(in);
	free(want);
	free(doc);
}

static void test_appendix_b(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/numbers-appendix-b.json");
	json_t *samples = json_object_get(v, "samples");
	assert_int_equal(json_array_size(samples), 26);
	size_t i, must_fail = 0;
	json_t *s;
	json_array_foreach (samples, i, s) {
		double x = from_bits(json_string_value(json_object_get(s, "ieee754_hex")));
		char got[JCS_NUMBER_BYTES];
		int err = jcs_number(x, got);
		if (json_is_true(json_object_get(s, "must_fail"))) {
			assert_true(!isfinite(x));
			assert_int_equal(err, SHOMEI_ERR_INVALID);
			assert_string_equal(got, "");
			must_fail++;
			continue;
		}
		const char *want = json_string_value(json_object_get(s, "expected"));
		assert_non_null(want);
		assert_int_equal(err, 0);
		if (strcmp(got, want) != 0)
			fail_msg("sample %zu: got %s want %s", i, got, want);
		/* The same through a jansson value. */
		json_t *arr = json_pack("[f]", x);
		char doc[64];
		snprintf(doc, sizeof doc, "[%s]", want);
		expect_canonical(arr, doc, strlen(doc));
		json_decref(arr);
	}
	assert_int_equal(must_fail, 2); /* NaN and Infinity */
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
		json_t *j = parse(doc, strlen(doc));
		double x = json_number_value(json_array_get(j, 0));
		double want_x = from_bits(json_string_value(json_object_get(c, "ieee754_hex")));
		if (memcmp(&x, &want_x, sizeof x) != 0)
			fail_msg("%s parsed to the wrong double", input);
		char want[64];
		snprintf(want, sizeof want, "[%s]",
			 json_string_value(json_object_get(c, "expected")));
		expect_canonical(j, want, strlen(want));
		json_decref(j);
	}
	assert_int_equal(i, 52);
	json_array_foreach (json_object_get(v, "must_fail"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "{\"n\":%s}", input);
		json_t *j = (json_t *)&j;
		struct shomei_diag d;
		assert_int_equal(jsonin_parse(doc, strlen(doc), &j, &d), SHOMEI_ERR_LIMIT);
		assert_null(j);
		assert_string_equal(d.where, "n");
	}
	assert_int_equal(i, 3);
	json_decref(v);
}

/* jsonin refuses \u0000 by policy, but JCS itself writes it (RFC 8785
 * §3.2.2.2): such a case is parsed with jansson allowing NUL. */
static void test_tricky_strings(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/strings-tricky.json");
	size_t i, with_nul = 0;
	json_t *c;
	json_array_foreach (json_object_get(v, "cases"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "[%s]", input);
		json_t *j = NULL;
		struct shomei_diag d;
		int has_nul = strstr(input, "\\u0000") != NULL;
		if (has_nul) {
			assert_int_equal(jsonin_parse(doc, strlen(doc), &j, &d), SHOMEI_ERR_PARSE);
			json_error_t e;
			j = json_loads(doc, JSON_ALLOW_NUL, &e);
			assert_non_null(j);
			with_nul++;
		} else {
			j = parse(doc, strlen(doc));
		}
		json_t *want = json_object_get(c, "expected");
		size_t hex_len;
		unsigned char *bytes = tu_hex_decode_alloc(
		    json_string_value(json_object_get(c, "expected_utf8_hex")), &hex_len);
		assert_int_equal(hex_len, json_string_length(want));
		assert_memory_equal(bytes, json_string_value(want), hex_len);
		char canon[256];
		snprintf(canon, sizeof canon, "[%s]", json_string_value(want));
		if (has_nul) { /* not a fixed point for jsonin: checked once */
			char *out = NULL;
			size_t len;
			assert_int_equal(jcs_serialize(j, &out, &len, NULL), 0);
			assert_int_equal(len, strlen(canon));
			assert_memory_equal(out, canon, len);
			free(out);
		} else {
			expect_canonical(j, canon, strlen(canon));
		}
		free(bytes);
		json_decref(j);
	}
	assert_int_equal(i, 14);
	assert_int_equal(with_nul, 1);
	json_array_foreach (json_object_get(v, "must_fail"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "[%s]", input);
		json_t *j = NULL;
		struct shomei_diag d;
		assert_int_equal(jsonin_parse(doc, strlen(doc), &j, &d), SHOMEI_ERR_PARSE);
		assert_null(j);
		assert_non_null(strstr(d.what, "lone surrogate"));
	}
	assert_int_equal(i, 4);
	json_decref(v);
}

static void test_sorting_sample(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/sorting-sample.json");
	json_t *in = json_object_get(v, "input_json_text");
	json_t *j = parse(json_string_value(in), json_string_length(in));
	json_t *want = json_object_get(v, "expected_canonical");
	size_t hex_len;
	unsigned char *bytes = tu_hex_decode_alloc(
	    json_string_value(json_object_get(v, "expected_canonical_utf8_hex")), &hex_len);
	assert_int_equal(hex_len, json_string_length(want));
	assert_memory_equal(bytes, json_string_value(want), hex_len);
	expect_canonical(j, json_string_value(want), json_string_length(want));
	/* The values come out in the expected order. */
	char *out = NULL;
	size_t len;
	assert_int_equal(jcs_serialize(j, &out, &len, NULL), 0);
	const char *p = out;
	size_t i;
	json_t *name;
	json_array_foreach (json_object_get(v, "expected_value_order"), i, name) {
		const char *at = strstr(p, json_string_value(name));
		if (!at)
			fail_msg("%s out of order", json_string_value(name));
		p = at;
	}
	assert_int_equal(i, 7);
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

/* Significant digits of a JCS number: without sign, point, exponent, and
 * leading or trailing zeros. */
static int significant_digits(const char *s)
{
	int k = 0, zeros = 0, started = 0;
	for (; *s && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (*s != '0')
			started = 1;
		if (!started)
			continue;
		k++;
		zeros = *s == '0' ? zeros + 1 : 0;
	}
	return k - zeros;
}

/* At a power of two the rounding interval is lopsided and the nearest
 * k-digit decimal may not read back while the next one up does; a naive
 * "first %.*e that round-trips" gives 17 digits where 16 suffice. */
static void test_powers_of_two(void **state)
{
	(void)state;
	static const struct {
		const char *hex, *want; /* shortest per Python's repr (David Gay) */
	} known[] = {
	    {"0060000000000000", "7.120236347223045e-307"},
	    {"0eb0000000000000", "6.142758149716505e-238"},
	    {"2d70000000000000", "7.854549544476363e-90"},
	    {"4580000000000000", "6.189700196426902e+26"},
	    {"4ab0000000000000", "5.986310706507379e+51"},
	    {"7cf0000000000000", "6.386688990511104e+293"},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char got[JCS_NUMBER_BYTES];
		assert_int_equal(jcs_number(from_bits(known[i].hex), got), 0);
		assert_string_equal(got, known[i].want);
		assert_int_equal(jcs_number(-from_bits(known[i].hex), got), 0);
		assert_int_equal(got[0], '-');
		assert_string_equal(got + 1, known[i].want);
	}
	/* Every power of two: reads back, and no decimal with one digit fewer
	 * (the nearest, and its neighbours) reads back. */
	for (int e = -1074; e <= 1023; e++) {
		double x = ldexp(1.0, e);
		char got[JCS_NUMBER_BYTES];
		assert_int_equal(jcs_number(x, got), 0);
		if (strtod(got, NULL) != x)
			fail_msg("2^%d: %s does not read back", e, got);
		int k = significant_digits(got);
		if (k < 2)
			continue;
		char s[64];
		snprintf(s, sizeof s, "%.*e", k - 2, x);
		char digits[32];
		int n = 0;
		for (const char *p = s; *p && *p != 'e'; p++)
			if (*p >= '0' && *p <= '9')
				digits[n++] = *p;
		digits[n] = '\0';
		long long sig = atoll(digits);
		int exp10 = atoi(strchr(s, 'e') + 1) - (k - 2);
		for (long long delta = -1; delta <= 1; delta++) {
			snprintf(s, sizeof s, "%llde%d", sig + delta, exp10);
			if (strtod(s, NULL) == x)
				fail_msg("2^%d: %s is shorter than %s", e, s, got);
		}
	}
}

static void test_number_forms(void **state)
{
	(void)state;
	static const struct {
		double x;
		const char *want;
	} cases[] = {
	    {0.0, "0"},
	    {-0.0, "0"},
	    {1.0, "1"},
	    {-3.0, "-3"},
	    {0.1, "0.1"},
	    {100.0, "100"},
	    {123.456, "123.456"},
	    {9007199254740991.0, "9007199254740991"},
	    {9007199254740992.0, "9007199254740992"},
	    {9007199254740994.0, "9007199254740994"},
	    {1e16, "10000000000000000"},
	    {1e20, "100000000000000000000"},
	    {1e21, "1e+21"},
	    {-1e21, "-1e+21"},
	    {123456789012345680000.0, "123456789012345680000"},
	    {1.5e300, "1.5e+300"},
	    {0.000001, "0.000001"},
	    {0.0000015, "0.0000015"},
	    {0.0000001, "1e-7"},
	    {-5e-324, "-5e-324"},
	    {9.999999999999997e-7, "9.999999999999997e-7"},
	    {0.1 + 0.2, "0.30000000000000004"},
	    {1.7976931348623157e308, "1.7976931348623157e+308"},
	    {-1.7976931348623157e308, "-1.7976931348623157e+308"},
	    {2.2250738585072014e-308, "2.2250738585072014e-308"},
	    {1234567.0e-20, "1.234567e-14"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char got[JCS_NUMBER_BYTES];
		assert_int_equal(jcs_number(cases[i].x, got), 0);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%.17g: got %s want %s", cases[i].x, got, cases[i].want);
	}
	char got[JCS_NUMBER_BYTES];
	assert_int_equal(jcs_number(INFINITY, got), SHOMEI_ERR_INVALID);
	assert_int_equal(jcs_number(-INFINITY, got), SHOMEI_ERR_INVALID);
	assert_int_equal(jcs_number(NAN, got), SHOMEI_ERR_INVALID);
	/* Integers made in code are written as the double they convert to. */
	json_t *arr = json_pack("[I,I,I,i]", (json_int_t)9007199254740993LL, (json_int_t)-3,
				(json_int_t)INT64_MAX, 0);
	const char *want = "[9007199254740992,-3,9223372036854776000,0]";
	expect_canonical(arr, want, strlen(want));
	json_decref(arr);
}

/* ---- member order against a reference that compares UTF-16 code units ---- */

static size_t to_utf16(const char *s, size_t len, uint16_t *out)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		if (p[i] < 0x80) {
			cp = p[i++];
		} else if (p[i] < 0xe0) {
			cp = (uint32_t)(p[i] & 0x1f) << 6 | (p[i + 1] & 0x3f);
			i += 2;
		} else if (p[i] < 0xf0) {
			cp = (uint32_t)(p[i] & 0x0f) << 12 | (uint32_t)(p[i + 1] & 0x3f) << 6 |
			     (p[i + 2] & 0x3f);
			i += 3;
		} else {
			cp = (uint32_t)(p[i] & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3f) << 12 |
			     (uint32_t)(p[i + 2] & 0x3f) << 6 | (p[i + 3] & 0x3f);
			i += 4;
		}
		if (cp >= 0x10000) {
			out[n++] = (uint16_t)(0xd800 | ((cp - 0x10000) >> 10));
			out[n++] = (uint16_t)(0xdc00 | ((cp - 0x10000) & 0x3ff));
		} else {
			out[n++] = (uint16_t)cp;
		}
	}
	return n;
}

static int utf16_less(const char *a, size_t alen, const char *b, size_t blen)
{
	uint16_t ua[64], ub[64];
	size_t na = to_utf16(a, alen, ua), nb = to_utf16(b, blen, ub);
	for (size_t i = 0; i < na && i < nb; i++)
		if (ua[i] != ub[i])
			return ua[i] < ub[i];
	return na < nb;
}

static size_t put_utf8(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static uint32_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

/* Checks that the members of the canonical text come in UTF-16 order. The
 * output is parsed back: jansson keeps members in the order it read them. */
static void check_member_order(const json_t *obj)
{
	char *out = NULL;
	size_t len;
	assert_int_equal(jcs_serialize(obj, &out, &len, NULL), 0);
	json_t *back = parse(out, len);
	assert_int_equal(json_object_size(back), json_object_size(obj));
	const char *key, *prev = NULL;
	size_t key_len, prev_len = 0;
	json_t *value;
	json_object_keylen_foreach (back, key, key_len, value) {
		if (prev && !utf16_less(prev, prev_len, key, key_len))
			fail_msg("member order: '%s' before '%s'", prev, key);
		prev = key;
		prev_len = key_len;
	}
	free(out);
	json_decref(back);
}

static void test_utf16_member_order(void **state)
{
	(void)state;
	/* Code points at the edges of every UTF-8 length and UTF-16 range. */
	static const uint32_t palette[] = {
	    0x01,   0x1f,   0x20,   'A',    'a',    0x7f,   0x80,    0xe9,    0x7ff,	0x800,
	    0x20ac, 0xd7ff, 0xe000, 0xfb33, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff, 0x10400};
	const size_t np = sizeof palette / sizeof palette[0];
	uint64_t seed = 0x5eed1234abcdULL;
	for (int round = 0; round < 20; round++) {
		json_t *obj = json_object();
		for (int m = 0; m < 150; m++) {
			char key[32];
			size_t n = 0, chars = rng_next(&seed) % 4;
			for (size_t c = 0; c < chars; c++)
				n += put_utf8(palette[rng_next(&seed) % np], key + n);
			json_object_setn_new(obj, key, n, json_integer(m));
		}
		check_member_order(obj);
		json_decref(obj);
	}
	/* Small objects take the insertion sort. */
	for (int round = 0; round < 200; round++) {
		json_t *obj = json_object();
		for (int m = 0; m < 5; m++) {
			char key[32];
			size_t n = 0, chars = 1 + rng_next(&seed) % 2;
			for (size_t c = 0; c < chars; c++)
				n += put_utf8(palette[rng_next(&seed) % np], key + n);
			json_object_setn_new(obj, key, n, json_null());
		}
		check_member_order(obj);
		json_decref(obj);
	}
	/* The RFC's pair, directly: U+1F600 before U+FB33, but after U+D7FF. */
	const char *text = "{\"\\ufb33\":1,\"\\ud83d\\ude00\":2,\"\\ud7ff\":3,\"\\ue000\":4}";
	json_t *j = parse(text, strlen(text));
	const char *want = "{\"\xed\x9f\xbf\":3,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":4,"
			   "\"\xef\xac\xb3\":1}";
	expect_canonical(j, want, strlen(want));
	json_decref(j);
	/* Prefixes first; names with U+0000 sort by their full length. */
	json_t *o = json_object();
	json_object_setn_new(o, "a\0b", 3, json_true());
	json_object_setn_new(o, "a", 1, json_false());
	json_object_setn_new(o, "", 0, json_null());
	json_object_setn_new(o, "ab", 2, json_null());
	want = "{\"\":null,\"a\":false,\"a\\u0000b\":true,\"ab\":null}";
	char *out = NULL;
	size_t len;
	assert_int_equal(jcs_serialize(o, &out, &len, NULL), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(out);
	json_decref(o);
}

/* Objects inside objects, each with more members than fit inline: the
 * member stack moves while outer objects are being written. */
static void test_large_nested_objects(void **state)
{
	(void)state;
	json_t *root = json_object();
	for (int i = 0; i < 90; i++) {
		json_t *inner = json_object();
		for (int k = 0; k < 70; k++) {
			char name[16];
			snprintf(name, sizeof name, "k%03d", 69 - k);
			json_object_set_new(inner, name, json_integer(k));
		}
		char name[16];
		snprintf(name, sizeof name, "o%03d", 89 - i);
		json_object_set_new(root, name, inner);
	}
	check_member_order(root);
	/* A bad string in the last inner object is reported with its path. */
	json_object_set_new(json_object_get(root, "o089"), "k999", json_stringn_nocheck("\xff", 1));
	char *out = (char *)&out;
	size_t len = 99;
	struct shomei_diag d;
	assert_int_equal(jcs_serialize(root, &out, &len, &d), SHOMEI_ERR_INVALID);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_string_equal(d.where, "o089.k999");
	assert_string_equal(d.what, "string is not valid UTF-8");
	json_decref(root);
}

static void test_errors_name_the_path(void **state)
{
	(void)state;
	const char *text = "{\"a\":{\"b\":[1,2,\"x\"]},\"c d\":[{\"e\":\"y\"}]}";
	json_t *j = parse(text, strlen(text));
	json_array_set_new(json_object_get(json_object_get(j, "a"), "b"), 2,
			   json_stringn_nocheck("\xed\xa0\x80", 3)); /* a surrogate */
	char *out = NULL;
	size_t len;
	struct shomei_diag d;
	assert_int_equal(jcs_serialize(j, &out, &len, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "a.b[2]");
	json_array_set_new(json_object_get(json_object_get(j, "a"), "b"), 2, json_string("ok"));
	assert_int_equal(jcs_serialize(j, &out, &len, &d), 0);
	free(out);
	/* A member name that is not UTF-8: the path of its object. */
	json_object_set_new_nocheck(json_array_get(json_object_get(j, "c d"), 0), "\xc0\xaf",
				    json_null());
	assert_int_equal(jcs_serialize(j, &out, &len, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "[\"c d\"][0]");
	assert_string_equal(d.what, "member name is not valid UTF-8");
	json_decref(j);
	/* Every kind of bad UTF-8 is refused; every good one is written raw. */
	static const char *const bad[] = {"\x80",
					  "\xc1\xbf",
					  "\xe0\x9f\xbf",
					  "\xed\xbf\xbf",
					  "\xf0\x8f\xbf\xbf",
					  "\xf4\x90\x80\x80",
					  "\xf5\x80\x80\x80",
					  "\xe2\x82",
					  "\xc3(",
					  "\xfe"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *s = json_pack("[o]", json_stringn_nocheck(bad[i], strlen(bad[i])));
		assert_int_equal(jcs_serialize(s, &out, &len, &d), SHOMEI_ERR_INVALID);
		assert_string_equal(d.where, "[0]");
		json_decref(s);
	}
	static const char *const good[] = {"\xc2\x80",	      "\xdf\xbf",     "\xe0\xa0\x80",
					   "\xed\x9f\xbf",    "\xee\x80\x80", "\xf0\x90\x80\x80",
					   "\xf4\x8f\xbf\xbf"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		json_t *s = json_pack("[s]", good[i]);
		char want[16];
		snprintf(want, sizeof want, "[\"%s\"]", good[i]);
		expect_canonical(s, want, strlen(want));
		json_decref(s);
	}
}

/* The reference: RFC 8785 §3.2.2.2 byte by byte. */
static size_t reference_escape(const char *s, size_t len, char *out)
{
	size_t n = 0;
	out[n++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = c == '"'    ? "\\\""
				: c == '\\' ? "\\\\"
				: c == '\b' ? "\\b"
				: c == '\t' ? "\\t"
				: c == '\n' ? "\\n"
				: c == '\f' ? "\\f"
				: c == '\r' ? "\\r"
					    : NULL;
		if (e)
			n += (size_t)sprintf(out + n, "%s", e);
		else if (c < 0x20)
			n += (size_t)sprintf(out + n, "\\u%04x", c);
		else
			out[n++] = (char)c;
	}
	out[n++] = '"';
	return n;
}

/* Strings are scanned 8 bytes at a time: put every kind of byte that needs
 * a look at every offset of strings of every length around that width. */
static void test_string_escapes_at_every_offset(void **state)
{
	(void)state;
	static const char *const specials[] = {"\x01",
					       "\x1f",
					       "\"",
					       "\\",
					       "\n",
					       "\x7f",
					       " ",
					       "~",
					       "\xc3\xa9",
					       "\xe2\x80\xa8",
					       "\xf0\x9f\x98\x80",
					       "\0"};
	for (size_t len = 0; len <= 26; len++) {
		for (size_t pos = 0; pos <= len; pos++) {
			for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
				char str[64];
				size_t sl = specials[k][0] ? strlen(specials[k]) : 1;
				memset(str, 'a', len);
				memcpy(str + pos, specials[k], sl);
				memset(str + pos + sl, 'b', len - pos);
				size_t n = len + sl;
				json_t *v = json_stringn(str, n);
				assert_non_null(v);
				char want[512];
				size_t want_len = reference_escape(str, n, want);
				char *out = NULL;
				size_t out_len;
				assert_int_equal(jcs_serialize(v, &out, &out_len, NULL), 0);
				if (out_len != want_len || memcmp(out, want, want_len) != 0)
					fail_msg("len %zu pos %zu special %zu: %s", len, pos, k,
						 out);
				free(out);
				json_decref(v);
			}
		}
	}
}

static void test_depth_limit(void **state)
{
	(void)state;
	for (int depth = JCS_MAX_DEPTH; depth <= JCS_MAX_DEPTH + 1; depth++) {
		json_t *root = json_array(), *cur = root;
		for (int i = 1; i < depth; i++) {
			json_t *next = i % 2 ? json_object() : json_array();
			if (json_is_array(cur))
				json_array_append_new(cur, next);
			else
				json_object_set_new(cur, "k", next);
			cur = next;
		}
		char *out = NULL;
		size_t len;
		struct shomei_diag d;
		int err = jcs_serialize(root, &out, &len, &d);
		if (depth == JCS_MAX_DEPTH) {
			assert_int_equal(err, 0);
			free(out);
		} else {
			assert_int_equal(err, SHOMEI_ERR_LIMIT);
			assert_null(out);
			assert_string_equal(d.what, "nesting deeper than 64");
			assert_int_equal(strncmp(d.where, "[0].k[0].k", 10), 0);
		}
		json_decref(root);
	}
}

static void test_size_limit(void **state)
{
	(void)state;
	/* Output of exactly JCS_MAX_BYTES is fine, one byte more is not. */
	size_t n = JCS_MAX_BYTES - 4; /* ["..."] */
	char *big = malloc(n + 2);
	assert_non_null(big);
	memset(big, 'x', n + 1);
	big[n] = '\0';
	json_t *s = json_pack("[s]", big);
	char *out = NULL;
	size_t len;
	struct shomei_diag d;
	assert_int_equal(jcs_serialize(s, &out, &len, &d), 0);
	assert_int_equal(len, JCS_MAX_BYTES);
	free(out);
	json_decref(s);
	big[n] = 'x';
	big[n + 1] = '\0';
	s = json_pack("[s]", big);
	assert_int_equal(jcs_serialize(s, &out, &len, &d), SHOMEI_ERR_LIMIT);
	assert_null(out);
	assert_string_equal(d.where, "");
	assert_string_equal(d.what, "canonical form larger than 4194304 bytes");
	json_decref(s);
	free(big);
}

static void test_append(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 64);
	assert_int_equal(buf_puts(&b, "prefix:"), 0);
	json_t *v = json_pack("{s:[i,s],s:b}", "z", 1, "\n", "a", 1);
	struct shomei_diag d;
	assert_int_equal(jcs_append(v, &b, &d), 0);
	assert_string_equal(b.data, "prefix:{\"a\":true,\"z\":[1,\"\\n\"]}");
	json_decref(v);
	/* On failure the buffer is as it was. */
	size_t before = b.len;
	v = json_pack("[s,o]", "ok", json_stringn_nocheck("\xff", 1));
	assert_int_equal(jcs_append(v, &b, &d), SHOMEI_ERR_INVALID);
	assert_int_equal(b.len, before);
	assert_string_equal(b.data, "prefix:{\"a\":true,\"z\":[1,\"\\n\"]}");
	json_decref(v);
	/* The buffer's own ceiling applies. */
	v = json_pack("[s]", "0123456789012345678901234567890123456789");
	assert_int_equal(jcs_append(v, &b, &d), SHOMEI_ERR_LIMIT);
	assert_string_equal(d.what, "canonical form larger than 64 bytes");
	assert_int_equal(b.len, before);
	assert_string_equal(b.data, "prefix:{\"a\":true,\"z\":[1,\"\\n\"]}");
	json_decref(v);
	buf_release(&b);
	/* Scalars at the top are fine for JCS (jsonin is the strict one). */
	v = json_pack("[s]", "\x7f\xe2\x80\xa8");
	expect_canonical(v, "[\"\x7f\xe2\x80\xa8\"]", 8);
	json_decref(v);
	char *out = NULL;
	size_t len;
	v = json_true();
	assert_int_equal(jcs_serialize(v, &out, &len, NULL), 0);
	assert_string_equal(out, "true");
	free(out);
}

/* Splicing the skipped member into the hole gives the canonical form of
 * the object with that member. */
static void check_hole(const char *obj_text, const char *skip)
{
	json_t *obj = parse(obj_text, strlen(obj_text));
	json_t *member = json_pack("{s:[i,s]}", "\xc3\xa9", 1, "x");
	struct buf b;
	buf_init(&b, 1 << 16);
	assert_int_equal(buf_puts(&b, "##"), 0); /* offsets count from the start */
	struct jcs_hole hole;
	memset(&hole, 0xa5, sizeof hole);
	assert_int_equal(jcs_append_without(obj, skip, &b, &hole, NULL), 0);
	/* Without the member, whether or not it was there. */
	json_t *without = json_deep_copy(obj);
	json_object_del(without, skip);
	char *canon = NULL;
	size_t len;
	assert_int_equal(jcs_serialize(without, &canon, &len, NULL), 0);
	assert_int_equal(b.len, len + 2);
	assert_memory_equal(b.data + 2, canon, len);
	free(canon);
	/* Splice. */
	char *mcanon = NULL;
	size_t mlen;
	assert_int_equal(jcs_serialize(member, &mcanon, &mlen, NULL), 0);
	char spliced[4096];
	int n = snprintf(spliced, sizeof spliced, "%.*s%s\"%s\":%s%s%s", (int)(hole.offset - 2),
			 b.data + 2, hole.has_before ? "," : "", skip, mcanon,
			 !hole.has_before && hole.has_after ? "," : "", b.data + hole.offset);
	assert_true(n > 0 && (size_t)n < sizeof spliced);
	json_t *with = json_deep_copy(obj);
	json_object_set(with, skip, member);
	expect_canonical(with, spliced, (size_t)n);
	free(mcanon);
	buf_release(&b);
	json_decref(obj);
	json_decref(member);
	json_decref(without);
	json_decref(with);
}

static void test_append_without(void **state)
{
	(void)state;
	check_hole("{}", "proof");
	check_hole("{\"proof\":1}", "proof");
	check_hole("{\"a\":1}", "proof");
	check_hole("{\"z\":1}", "proof");
	check_hole("{\"a\":1,\"z\":2}", "proof");
	check_hole("{\"a\":1,\"proof\":[],\"z\":2}", "proof");
	check_hole("{\"@context\":[],\"id\":\"x\",\"type\":[],\"issuer\":{}}", "proof");
	check_hole("{\"proofs\":1,\"pro\":2}", "proof");
	check_hole("{\"\xef\xac\xb3\":1,\"\xf0\x9f\x98\x80\":2}", "\xee\x80\x80");
	check_hole("{\"\xef\xac\xb3\":1,\"\xf0\x9f\x98\x80\":2}", "");
	/* Not an object, or no name. */
	struct buf b;
	buf_init(&b, 64);
	struct jcs_hole hole;
	json_t *a = json_array();
	struct shomei_diag d;
	assert_int_equal(jcs_append_without(a, "proof", &b, &hole, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(jcs_append_without(a, NULL, &b, &hole, &d), SHOMEI_ERR_USAGE);
	json_decref(a);
	/* Errors leave the buffer as it was. */
	json_t *o = json_pack("{s:o}", "k", json_stringn_nocheck("\xff", 1));
	assert_int_equal(jcs_append_without(o, "proof", &b, &hole, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "k");
	assert_int_equal(b.len, 0);
	/* hole may be NULL. */
	json_object_set_new(o, "k", json_integer(2));
	assert_int_equal(jcs_append_without(o, "k", &b, NULL, &d), 0);
	assert_string_equal(b.data, "{}");
	json_decref(o);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_input_output_pairs),
	    cmocka_unit_test(test_docs_example),
	    cmocka_unit_test(test_appendix_b),
	    cmocka_unit_test(test_tricky_numbers),
	    cmocka_unit_test(test_tricky_strings),
	    cmocka_unit_test(test_sorting_sample),
	    cmocka_unit_test(test_es6_numbers_10k),
	    cmocka_unit_test(test_powers_of_two),
	    cmocka_unit_test(test_number_forms),
	    cmocka_unit_test(test_utf16_member_order),
	    cmocka_unit_test(test_large_nested_objects),
	    cmocka_unit_test(test_errors_name_the_path),
	    cmocka_unit_test(test_string_escapes_at_every_offset),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_append),
	    cmocka_unit_test(test_append_without),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
