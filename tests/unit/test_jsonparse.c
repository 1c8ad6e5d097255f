/* jsonparse: the strict RFC 8259 parser behind jsonin, its errors and paths.
 *
 * Every document is parsed from a heap copy of exactly its length (no NUL
 * after it), so that AddressSanitizer catches any read past the end. */
#include "internal/jsonparse.h"
#include "testutil.h"

#include <dirent.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define DEPTH	      32
#define JANSSON_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL)

static int parse_n(const char *text, size_t len, int max_depth, json_t **out,
		   struct jsonparse_error *e)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, text, len);
	*out = (json_t *)out; /* must be overwritten */
	if (e)
		memset(e, 'x', sizeof *e);
	int err = jsonparse(copy, len, max_depth, out, e);
	free(copy);
	if (err)
		assert_null(*out);
	else
		assert_non_null(*out);
	return err;
}

static json_t *parse_ok_n(const char *text, size_t len)
{
	json_t *j;
	struct jsonparse_error e;
	if (parse_n(text, len, DEPTH, &j, &e) != 0)
		fail_msg("%s: refused: %s: %s", text, e.path, e.what);
	return j;
}

static json_t *parse_ok(const char *text)
{
	return parse_ok_n(text, strlen(text));
}

/* Refused with exactly this code, path and what. */
static void expect_fail_n(const char *text, size_t len, int max_depth, int code, const char *path,
			  const char *what)
{
	json_t *j;
	struct jsonparse_error e;
	int err = parse_n(text, len, max_depth, &j, &e);
	if (err != code)
		fail_msg("%s: got %d (%s: %s), want %d", text, err, err ? e.path : "",
			 err ? e.what : "", code);
	assert_int_equal(e.code, code);
	assert_true(e.offset <= len);
	if (strcmp(e.path, path) != 0)
		fail_msg("%s: path '%s', want '%s' (%s)", text, e.path, path, e.what);
	if (strcmp(e.what, what) != 0)
		fail_msg("%s: what '%s', want '%s'", text, e.what, what);
}

static void expect_fail(const char *text, int code, const char *path, const char *what)
{
	expect_fail_n(text, strlen(text), DEPTH, code, path, what);
}

/* Accepted, and the same value as jansson's (with jsonin's flags). */
static void expect_like_jansson(const char *text)
{
	json_t *mine = parse_ok(text);
	json_error_t je;
	json_t *theirs = json_loadb(text, strlen(text), JANSSON_FLAGS, &je);
	if (!theirs)
		fail_msg("%s: jansson refused it: %s", text, je.text);
	if (!json_equal(mine, theirs))
		fail_msg("%s: not the value jansson reads", text);
	json_decref(mine);
	json_decref(theirs);
}

static double first_number(const char *text)
{
	json_t *j = parse_ok(text);
	json_t *v = json_array_get(j, 0);
	assert_true(json_is_real(v)); /* never JSON_INTEGER */
	double x = json_real_value(v);
	json_decref(j);
	return x;
}

static int same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

static double from_hex_bits(const char *hex)
{
	uint64_t u = strtoull(hex, NULL, 16);
	double x;
	memcpy(&x, &u, sizeof x);
	return x;
}

static void test_accepts(void **state)
{
	(void)state;
	static const char *const docs[] = {
	    "{}",
	    "[]",
	    " \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\nnull \t\r\n} \t\r\n] "
	    "\t\r\n",
	    "[true,false,null,\"\",0,[],{},[[]],{\"\":{}}]",
	    "{\"a\":[1,{\"b\":[2,{\"c\":\"d\"}]}],\"e\":{\"f\":{}}}",
	    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
	    "[\"\x7f\"]", /* DEL is not a control character for JSON */
	    "[\"\\u0001\\u001f\\u007f\\u0080\\u07ff\\u0800\\ufffd\\uffff\\uFEFF\"]",
	    "{\"a\":1,\"A\":2,\"a \":3,\"\\u00e9\":4,\"e\\u0301\":5}",
	    "{\"a\":{\"a\":{\"a\":1}},\"b\":{\"a\":1},\"c\":[{\"a\":1},{\"a\":2}]}",
	    "[\"plain text that is longer than eight bytes, twice "
	    "over\",\"\xe5\xad\xa6\xe5\xa3\xab\"]",
	    "[1, -1, 0.5, -0.5, 1e2, 1E-2, 1e+2, 123456789012345678901234567890]",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		expect_like_jansson(docs[i]);
	/* Only text[0..len) is read. */
	json_t *j = parse_ok_n("[1,2]garbage", 5);
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	/* e is optional. */
	assert_int_equal(jsonparse("[1", 2, DEPTH, &j, NULL), SHOMEI_ERR_PARSE);
	assert_null(j);
	assert_int_equal(jsonparse(NULL, 0, DEPTH, &j, NULL), SHOMEI_ERR_PARSE);
}

static void test_structure_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *path, *what;
	} cases[] = {
	    {"", "", "empty input"},
	    {" \t\r\n", "", "empty input"},
	    {"\xef\xbb\xbf{}", "", "byte order mark before the value"},
	    {"1", "", "top-level value is not an object or array at line 1, column 1"},
	    {" \"s\"", "", "top-level value is not an object or array at line 1, column 2"},
	    {"null", "", "top-level value is not an object or array at line 1, column 1"},
	    {"x", "", "top-level value is not an object or array at line 1, column 1"},
	    {"{} x", "", "trailing data after the top-level value at line 1, column 4"},
	    {"[]]", "", "trailing data after the top-level value at line 1, column 3"},
	    {"{}{}", "", "trailing data after the top-level value at line 1, column 3"},
	    {"{\"a\":1}\n\n  ,", "", "trailing data after the top-level value at line 3, column 3"},
	    {"[", "", "unexpected end of input at line 1, column 2"},
	    {"{", "", "unexpected end of input at line 1, column 2"},
	    {"[1", "[0]", "unexpected end of input at line 1, column 3"},
	    {"[1,", "[1]", "unexpected end of input at line 1, column 4"},
	    {"{\"a\"", "a", "unexpected end of input at line 1, column 5"},
	    {"{\"a\":", "a", "unexpected end of input at line 1, column 6"},
	    {"{\"a\":1", "a", "unexpected end of input at line 1, column 7"},
	    {"{\"a", "", "unexpected end of input at line 1, column 4"},
	    {"[\"abc", "[0]", "unexpected end of input at line 1, column 6"},
	    {"[nul", "[0]", "unexpected end of input at line 1, column 5"},
	    {"[1,]", "[1]", "unexpected token at line 1, column 4"},
	    {"[,1]", "[0]", "unexpected token at line 1, column 2"},
	    {"[1,2,}", "[2]", "unexpected token at line 1, column 6"},
	    {"{\"a\":}", "a", "unexpected token at line 1, column 6"},
	    {"{\"a\"::1}", "a", "unexpected token at line 1, column 6"},
	    {"[1 2]", "[0]", "expected ',' or ']' at line 1, column 4"},
	    {"[\"a\"\"b\"]", "[0]", "expected ',' or ']' at line 1, column 5"},
	    {"[1}", "[0]", "expected ',' or ']' at line 1, column 3"},
	    {"{,}", "", "expected a member name at line 1, column 2"},
	    {"{1:2}", "", "expected a member name at line 1, column 2"},
	    {"{'a':1}", "", "expected a member name at line 1, column 2"},
	    {"{\"a\":1,}", "", "expected a member name at line 1, column 8"},
	    {"{\"a\"}", "a", "expected ':' at line 1, column 5"},
	    {"{\"a\" 1}", "a", "expected ':' at line 1, column 6"},
	    {"{\"a\":1 \"b\":2}", "a", "expected ',' or '}' at line 1, column 8"},
	    {"{\"a\":1]", "a", "expected ',' or '}' at line 1, column 7"},
	    {"[tru]", "[0]", "invalid token at line 1, column 2"},
	    {"[truex]", "[0]", "invalid token at line 1, column 2"},
	    {"[True]", "[0]", "invalid token at line 1, column 2"},
	    {"[nulll]", "[0]", "invalid token at line 1, column 2"},
	    {"[/*c*/1]", "[0]", "invalid token at line 1, column 2"},
	    {"['a']", "[0]", "invalid token at line 1, column 2"},
	    {"[\x1b[31m]", "[0]", "invalid token at line 1, column 2"},
	    {"[1,[2,{\"x\":tru}]]", "[1][1].x", "invalid token at line 1, column 12"},
	    {"{\"a\":{\"b\":[\"abc", "a.b[0]", "unexpected end of input at line 1, column 16"},
	    /* Lines end at LF only; columns count characters. */
	    {"[1,\n2,\n  x]", "[2]", "invalid token at line 3, column 3"},
	    {"[\r\r x]", "[0]", "invalid token at line 1, column 5"},
	    {"[\"\xc3\xa9\xc3\xa9\", x]", "[1]", "invalid token at line 1, column 8"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_fail(cases[i].text, SHOMEI_ERR_PARSE, cases[i].path, cases[i].what);
	/* NUL bytes are never JSON, also not where jansson would drop one. */
	expect_fail_n("[1]\0", 4, DEPTH, SHOMEI_ERR_PARSE, "",
		      "trailing data after the top-level value at line 1, column 4");
	expect_fail_n("[1\0]", 4, DEPTH, SHOMEI_ERR_PARSE, "[0]",
		      "expected ',' or ']' at line 1, column 3");
	expect_fail_n("[true\0]", 7, DEPTH, SHOMEI_ERR_PARSE, "[0]",
		      "expected ',' or ']' at line 1, column 6");
	expect_fail_n("\0[]", 3, DEPTH, SHOMEI_ERR_PARSE, "",
		      "top-level value is not an object or array at line 1, column 1");
	/* The offset is the byte where the problem is. */
	json_t *j;
	struct jsonparse_error e;
	assert_int_equal(parse_n("[1,\n  x]", 8, DEPTH, &j, &e), SHOMEI_ERR_PARSE);
	assert_int_equal(e.offset, 6);
	assert_int_equal(parse_n("[1,", 3, DEPTH, &j, &e), SHOMEI_ERR_PARSE);
	assert_int_equal(e.offset, 3);
}

static void test_whitespace(void **state)
{
	(void)state;
	expect_like_jansson("\r\n\t [ \r\n\t ] \r\n\t ");
	/* RFC 8259 §2: space, tab, LF and CR only. */
	expect_fail("[\f1]", SHOMEI_ERR_PARSE, "[0]", "invalid token at line 1, column 2");
	expect_fail("[\v1]", SHOMEI_ERR_PARSE, "[0]", "invalid token at line 1, column 2");
	expect_fail("[\xc2\xa0"
		    "1]",
		    SHOMEI_ERR_PARSE, "[0]", "invalid token at line 1, column 2");
	expect_fail("[1\xe3\x80\x80]", SHOMEI_ERR_PARSE, "[0]",
		    "expected ',' or ']' at line 1, column 3");
	expect_fail("\xc2\xa0[]", SHOMEI_ERR_PARSE, "",
		    "top-level value is not an object or array at line 1, column 1");
	expect_fail("[]\f", SHOMEI_ERR_PARSE, "",
		    "trailing data after the top-level value at line 1, column 3");
}

static void test_literals(void **state)
{
	(void)state;
	json_t *j = parse_ok("[true,false,null]");
	assert_true(json_is_true(json_array_get(j, 0)));
	assert_true(json_is_false(json_array_get(j, 1)));
	assert_true(json_is_null(json_array_get(j, 2)));
	json_decref(j);
	j = parse_ok("{\"t\":true}");
	assert_true(json_is_true(json_object_get(j, "t")));
	json_decref(j);
	static const char *const bad[] = {"[t]",      "[tr]",  "[trUe]", "[fals]",
					  "[falsey]", "[nil]", "[NULL]", "[nullx]"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_fail(bad[i], SHOMEI_ERR_PARSE, "[0]", "invalid token at line 1, column 2");
	expect_fail("[tr", SHOMEI_ERR_PARSE, "[0]", "unexpected end of input at line 1, column 4");
}

static void test_numbers(void **state)
{
	(void)state;
	/* Every production of RFC 8259 §6, and values near the edges of a double. */
	static const char *const good[] = {"0",
					   "-0",
					   "1",
					   "-1",
					   "10",
					   "0.5",
					   "-0.5",
					   "1e2",
					   "1E2",
					   "1e+2",
					   "1e-2",
					   "0e0",
					   "0E-0",
					   "-0.0e+0",
					   "123456789",
					   "9007199254740992",
					   "9007199254740993",
					   "9007199254740995",
					   "1.7976931348623157e308",
					   "4.9e-324",
					   "5e-324",
					   "2e-324",
					   "2.2250738585072014e-308",
					   "2.2250738585072011e-308",
					   "1e-400",
					   "-1e-400",
					   "0.1",
					   "0.3",
					   "1e22",
					   "1e23",
					   "8.41e21",
					   "123.456e-7",
					   "100000000000000000000000",
					   "3.14159265358979323846264338327950288",
					   "0.0000000000000000000000000000001",
					   "1e0000000000000000000000001",
					   "1.5e-00000000000000000000000000300",
					   "7.205759403792794e16",
					   "4.35679845e-13",
					   "1234567890123456789",
					   "12345678901234567890",
					   "9.999999999999999e22",
					   "0.000001",
					   "1e-7",
					   "1.0000000000000002",
					   "2.5e-318",
					   "1e-310"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char doc[128];
		snprintf(doc, sizeof doc, "[%s]", good[i]);
		double x = first_number(doc);
		double want = strtod(good[i], NULL); /* this program is in the C locale */
		if (!same_bits(x, want))
			fail_msg("%s: got %a want %a", good[i], x, want);
	}
	assert_true(signbit(first_number("[-0]")));
	assert_true(signbit(first_number("[-1e-400]")));
	assert_false(signbit(first_number("[0]")));
	assert_true(first_number("[9007199254740993]") == 9007199254740992.0);
	assert_true(first_number("[5e-324]") == 0x1p-1074);
	assert_true(first_number("[1.7976931348623157e308]") == DBL_MAX);

	/* Long numbers go through strtod in a heap buffer. */
	char big[1200];
	snprintf(big, sizeof big, "[1%0400d.%0300de-400]", 0, 0);
	assert_true(first_number(big) == 1.0);
	snprintf(big, sizeof big, "[0.%0500d1e501]", 0);
	assert_true(first_number(big) == 1.0);

	static const struct {
		const char *text, *what;
	} bad[] = {
	    {"[01]", "invalid number at line 1, column 3"},
	    {"[-01]", "invalid number at line 1, column 4"},
	    {"[00]", "invalid number at line 1, column 3"},
	    {"[1.]", "invalid number at line 1, column 4"},
	    {"[1.e5]", "invalid number at line 1, column 4"},
	    {"[-]", "invalid number at line 1, column 3"},
	    {"[-.5]", "invalid number at line 1, column 3"},
	    {"[--1]", "invalid number at line 1, column 3"},
	    {"[-a]", "invalid number at line 1, column 3"},
	    {"[1e]", "invalid number at line 1, column 4"},
	    {"[1E+]", "invalid number at line 1, column 5"},
	    {"[1e-x]", "invalid number at line 1, column 5"},
	    {"[1e++1]", "invalid number at line 1, column 5"},
	    {"[-Infinity]", "invalid number at line 1, column 3"},
	    {"[+1]", "invalid token at line 1, column 2"},
	    {"[.5]", "invalid token at line 1, column 2"},
	    {"[NaN]", "invalid token at line 1, column 2"},
	    {"[Infinity]", "invalid token at line 1, column 2"},
	    {"[0x10]", "expected ',' or ']' at line 1, column 3"},
	    {"[1_000]", "expected ',' or ']' at line 1, column 3"},
	    {"[1.5.5]", "expected ',' or ']' at line 1, column 5"},
	    {"[1e5e5]", "expected ',' or ']' at line 1, column 5"},
	    {"[-", "unexpected end of input at line 1, column 3"},
	    {"[0", "unexpected end of input at line 1, column 3"},
	    {"[1.", "unexpected end of input at line 1, column 4"},
	    {"[1e", "unexpected end of input at line 1, column 4"},
	    {"[1e+", "unexpected end of input at line 1, column 5"},
	    {"[1e+1", "unexpected end of input at line 1, column 6"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_fail(bad[i].text, SHOMEI_ERR_PARSE, "[0]", bad[i].what);

	/* Overflow to infinity is refused (RFC 8259 §6 lets a parser limit the range). */
	static const char *const huge[] = {"[1e400]", "[-1e400]", "[1.8e308]",
					   "[1.7976931348623159e308]", "[1e99999999999999999999]"};
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++)
		expect_fail(huge[i], SHOMEI_ERR_LIMIT, "[0]",
			    "number beyond the range of a double");
	snprintf(big, sizeof big, "{\"n\":[0,1%0400d]}", 0);
	expect_fail(big, SHOMEI_ERR_LIMIT, "n[1]", "number beyond the range of a double");
}

/* Every case of rfc8785/numbers-tricky.json: the exact double. */
static void test_numbers_tricky(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("rfc8785/numbers-tricky.json");
	size_t i;
	json_t *c;
	json_array_foreach (json_object_get(v, "cases"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "[%s]", input);
		double want = from_hex_bits(json_string_value(json_object_get(c, "ieee754_hex")));
		if (!same_bits(first_number(doc), want))
			fail_msg("%s parsed to the wrong double", input);
	}
	assert_int_equal(i, 52);
	json_array_foreach (json_object_get(v, "must_fail"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, "[%s]", input);
		expect_fail(doc, SHOMEI_ERR_LIMIT, "[0]", "number beyond the range of a double");
	}
	assert_int_equal(i, 3);
	json_decref(v);
}

/* Every line of rfc8785/es6-numbers-10k.txt: the shortest text of a double
 * reads back as that double (hex bits, ES6 text). */
static void test_numbers_es6_10k(void **state)
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
		double want = from_hex_bits(line);
		if (want == 0)
			want = 0.0; /* -0 is written "0" */
		char doc[64];
		snprintf(doc, sizeof doc, "[%s]", comma + 1);
		if (!same_bits(first_number(doc), want))
			fail_msg("line %zu: %s does not read as %s", lines + 1, comma + 1, line);
		lines++;
	}
	assert_int_equal(lines, 10000);
	free(text);
}

/* Numbers of every shape from a fixed generator: the same double as strtod. */
static void test_numbers_like_strtod(void **state)
{
	(void)state;
	uint64_t s = 0x9e3779b97f4a7c15u;
	for (int n = 0; n < 20000; n++) {
		char num[80], doc[96];
		size_t k = 0;
#define RND(m) ((s = s * 6364136223846793005u + 1442695040888963407u), (int)((s >> 33) % (m)))
		if (RND(2))
			num[k++] = '-';
		int ilen = RND(21);
		if (ilen == 0) {
			num[k++] = '0';
		} else {
			num[k++] = (char)('1' + RND(9));
			for (int i = 1; i < ilen; i++)
				num[k++] = (char)('0' + RND(10));
		}
		if (RND(2)) {
			num[k++] = '.';
			int flen = 1 + RND(20);
			for (int i = 0; i < flen; i++)
				num[k++] = (char)('0' + RND(10));
		}
		if (RND(2)) {
			num[k++] = RND(2) ? 'e' : 'E';
			int sign = RND(3);
			if (sign)
				num[k++] = sign == 1 ? '+' : '-';
			int elen = 1 + RND(3);
			for (int i = 0; i < elen; i++)
				num[k++] = (char)('0' + RND(elen == 3 ? 4 : 10));
		}
#undef RND
		num[k] = '\0';
		snprintf(doc, sizeof doc, "[%s]", num);
		double want = strtod(num, NULL);
		if (isinf(want)) {
			expect_fail(doc, SHOMEI_ERR_LIMIT, "[0]",
				    "number beyond the range of a double");
			continue;
		}
		double got = first_number(doc);
		if (!same_bits(got, want))
			fail_msg("%s: got %a, strtod %a", num, got, want);
	}
}

static void test_utf8(void **state)
{
	(void)state;
	/* The first and last character of every row of Unicode Table 3-7. */
	static const char *const good[] = {
	    "\xc2\x80",		"\xdf\xbf",	    "\xe0\xa0\x80",	"\xe0\xbf\xbf",
	    "\xe1\x80\x80",	"\xec\xbf\xbf",	    "\xed\x80\x80",	"\xed\x9f\xbf",
	    "\xee\x80\x80",	"\xef\xbf\xbf",	    "\xf0\x90\x80\x80", "\xf0\xbf\xbf\xbf",
	    "\xf1\x80\x80\x80", "\xf3\xbf\xbf\xbf", "\xf4\x80\x80\x80", "\xf4\x8f\xbf\xbf",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char doc[32];
		snprintf(doc, sizeof doc, "[\"a%sb\"]", good[i]);
		json_t *j = parse_ok(doc);
		const char *s = json_string_value(json_array_get(j, 0));
		assert_int_equal(json_string_length(json_array_get(j, 0)), strlen(good[i]) + 2);
		assert_memory_equal(s + 1, good[i], strlen(good[i]));
		json_decref(j);
	}
	static const struct {
		const char *bytes;
		int column;
	} bad[] = {
	    {"\x80", 4},	     /* a continuation byte alone */
	    {"\xbf", 4},	     /* another */
	    {"\xc0\x80", 4},	     /* overlong U+0000 */
	    {"\xc1\xbf", 4},	     /* overlong U+007F */
	    {"\xc2", 4},	     /* cut short by the quote */
	    {"\xc2\x41", 4},	     /* not a continuation */
	    {"\xe0\x80\x80", 4},     /* overlong U+0000 */
	    {"\xe0\x9f\xbf", 4},     /* overlong U+07FF */
	    {"\xed\xa0\x80", 4},     /* U+D800, a surrogate */
	    {"\xed\xbf\xbf", 4},     /* U+DFFF */
	    {"\xe4\xb8", 4},	     /* cut short */
	    {"\xe4\x41\x80", 4},     /* not a continuation */
	    {"\xf0\x80\x80\x80", 4}, /* overlong U+0000 */
	    {"\xf0\x8f\xbf\xbf", 4}, /* overlong U+FFFF */
	    {"\xf4\x90\x80\x80", 4}, /* U+110000 */
	    {"\xf5\x80\x80\x80", 4}, /* beyond RFC 3629 */
	    {"\xf8\x88\x80\x80\x80", 4},
	    {"\xfe", 4},
	    {"\xff", 4},
	    {"\xf0\x9f\x98", 4},	     /* cut short */
	    {"\xe2\x82\xac\x80", 5},	     /* a whole character, then a stray byte */
	    {"\xf0\x9f\x98\x80\xf0\x9f", 5}, /* one emoji, then half of one */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char doc[32], what[64];
		snprintf(doc, sizeof doc, "[\"a%s\"]", bad[i].bytes);
		snprintf(what, sizeof what, "invalid UTF-8 at line 1, column %d", bad[i].column);
		expect_fail(doc, SHOMEI_ERR_PARSE, "[0]", what);
		/* The same after an escape (the decoding path). */
		snprintf(doc, sizeof doc, "[\"\\n%s\"]", bad[i].bytes);
		snprintf(what, sizeof what, "invalid UTF-8 at line 1, column %d",
			 bad[i].column + 1);
		expect_fail(doc, SHOMEI_ERR_PARSE, "[0]", what);
	}
	/* Cut short by the end of the input. */
	expect_fail_n("[\"\xe4\xb8", 4, DEPTH, SHOMEI_ERR_PARSE, "[0]",
		      "invalid UTF-8 at line 1, column 3");
	expect_fail_n("[\"\xf0", 3, DEPTH, SHOMEI_ERR_PARSE, "[0]",
		      "invalid UTF-8 at line 1, column 3");
	/* In a member name: the path is the object's. */
	expect_fail("{\"a\":{\"k\xff\":1}}", SHOMEI_ERR_PARSE, "a",
		    "invalid UTF-8 at line 1, column 9");
	/* Outside strings, any non-ASCII byte is simply not JSON. */
	expect_fail("[1,\xc3\xa9]", SHOMEI_ERR_PARSE, "[1]", "invalid token at line 1, column 4");
	json_t *j;
	struct jsonparse_error e;
	assert_int_equal(parse_n("[\"\xe2\x82\xac\xff\"]", 7, DEPTH, &j, &e), SHOMEI_ERR_PARSE);
	assert_int_equal(e.offset, 5);
}

static void expect_decoded(const char *doc, const char *bytes, size_t len)
{
	json_t *j = parse_ok(doc);
	json_t *s = json_array_get(j, 0);
	assert_true(json_is_string(s));
	if (json_string_length(s) != len || memcmp(json_string_value(s), bytes, len) != 0)
		fail_msg("%s decoded wrongly", doc);
	json_decref(j);
	expect_like_jansson(doc);
}

static void test_escapes(void **state)
{
	(void)state;
	expect_decoded("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\"\\/\b\f\n\r\t", 8);
	expect_decoded("[\"a\\u0041\\u00e9\\u00E9\\u20ac\"]", "aA\xc3\xa9\xc3\xa9\xe2\x82\xac", 9);
	expect_decoded("[\"\\u0001\\u007f\\u0080\\u07ff\\u0800\\uffff\"]",
		       "\x01\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 12);
	/* Surrogate pairs become one 4-byte character. */
	expect_decoded("[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80", 4);
	expect_decoded("[\"\\uD834\\uDD1E\"]", "\xf0\x9d\x84\x9e", 4);
	expect_decoded("[\"\\ud800\\udc00\"]", "\xf0\x90\x80\x80", 4);
	expect_decoded("[\"\\udbff\\udfff\"]", "\xf4\x8f\xbf\xbf", 4);
	expect_decoded("[\"x\\ud83d\\ude00y\\n\"]", "x\xf0\x9f\x98\x80y\n", 7);
	/* A long string with escapes at both ends and raw text between. */
	char doc[3000], want[3000];
	size_t n = 0;
	strcpy(doc, "[\"\\t");
	want[n++] = '\t';
	for (int i = 0; i < 2000; i++)
		want[n++] = (char)('a' + i % 26);
	memcpy(doc + 4, want + 1, 2000);
	strcpy(doc + 2004, "\\u00e9\"]");
	memcpy(want + n, "\xc3\xa9", 2);
	n += 2;
	expect_decoded(doc, want, n);

	static const struct {
		const char *text, *path, *what;
	} bad[] = {
	    {"[\"\\x41\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"\\U0041\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"\\'\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"\\a\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"\\0\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"ok\\ \"]", "[0]", "invalid escape at line 1, column 5"},
	    {"[\"\\u12\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"\\u12G4\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"\\u-123\"]", "[0]", "invalid escape at line 1, column 3"},
	    {"[\"\\", "[0]", "unexpected end of input at line 1, column 4"},
	    {"[\"\\u00", "[0]", "unexpected end of input at line 1, column 7"},
	    {"[\"\\n", "[0]", "unexpected end of input at line 1, column 5"},
	    /* \u0000 anywhere (jsonin.h). */
	    {"[\"\\u0000\"]", "[0]", "\\u0000 in a string at line 1, column 3"},
	    {"[\"a\\u0000\"]", "[0]", "\\u0000 in a string at line 1, column 4"},
	    {"{\"\\u0000\":1}", "", "\\u0000 in a string at line 1, column 3"},
	    {"{\"a\":{\"b\\u0000\":1}}", "a", "\\u0000 in a string at line 1, column 9"},
	    /* Surrogates only as a high+low pair (RFC 8259 §7). */
	    {"[\"\\ud800\"]", "[0]", "lone surrogate escape at line 1, column 3"},
	    {"[\"\\ud83dx\"]", "[0]", "lone surrogate escape at line 1, column 3"},
	    {"[\"\\ud800\\u0041\"]", "[0]", "lone surrogate escape at line 1, column 3"},
	    {"[\"\\ud800\\ud800\"]", "[0]", "lone surrogate escape at line 1, column 3"},
	    {"[\"\\ud800\\n\"]", "[0]", "lone surrogate escape at line 1, column 3"},
	    {"[\"\\udc00\"]", "[0]", "lone surrogate escape at line 1, column 3"},
	    {"[\"\\udfff\\ud800\"]", "[0]", "lone surrogate escape at line 1, column 3"},
	    {"[\"ab\\ude00\"]", "[0]", "lone surrogate escape at line 1, column 5"},
	    {"{\"\\udead\":1}", "", "lone surrogate escape at line 1, column 3"},
	    /* Raw control characters. */
	    {"[\"a\x01\"]", "[0]", "unescaped control character in a string at line 1, column 4"},
	    {"[\"a\x1f\"]", "[0]", "unescaped control character in a string at line 1, column 4"},
	    {"[\"\\n\t\"]", "[0]", "unescaped control character in a string at line 1, column 5"},
	    {"[\"a\nb\"]", "[0]", "unexpected newline in a string at line 1, column 4"},
	    {"{\"a\rb\":1}", "", "unescaped control character in a string at line 1, column 4"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_fail(bad[i].text, SHOMEI_ERR_PARSE, bad[i].path, bad[i].what);
	expect_fail_n("[\"a\0\"]", 6, DEPTH, SHOMEI_ERR_PARSE, "[0]",
		      "unescaped control character in a string at line 1, column 4");
}

static void test_duplicates(void **state)
{
	(void)state;
	static const struct {
		const char *text, *path, *what;
	} cases[] = {
	    {"{\"a\":1,\"a\":2}", "", "duplicate member \"a\""},
	    {"{\"a\":{\"b\":1,\"b\":2}}", "a", "duplicate member \"b\""},
	    /* Equal once unescaped. */
	    {"{\"a\":1,\"\\u0061\":2}", "", "duplicate member \"a\""},
	    {"{\"\xc3\xa9\":1,\"\\u00e9\":2}", "", "duplicate member \"\xc3\xa9\""},
	    {"{\"\xf0\x9f\x98\x80\":1,\"\\ud83d\\ude00\":2}", "",
	     "duplicate member \"\xf0\x9f\x98\x80\""},
	    {"{\"\":1,\"\":2}", "", "duplicate member \"\""},
	    {"[{\"x\":1},{\"x\":1,\"x\":2}]", "[1]", "duplicate member \"x\""},
	    {"{\"a\":{\"b\":[1,{\"c\":1,\"d\":{},\"c\":2}]}}", "a.b[1]", "duplicate member \"c\""},
	    /* Names shown safely: escaped as in a JSON string. */
	    {"{\"a b\":{\"k\\n\":1,\"k\\n\":2}}", "[\"a b\"]", "duplicate member \"k\\n\""},
	    {"{\"\xe2\x80\xae\":1,\"\xe2\x80\xae\":2}", "", "duplicate member \"\\u202e\""},
	    {"{\"q\\\"\\\\\":1,\"q\\\"\\\\\":2}", "", "duplicate member \"q\\\"\\\\\""},
	    {"{\"\\u001b[2J\":1,\"\\u001b[2J\":2}", "", "duplicate member \"\\u001b[2J\""},
	    /* Found at the second name, before its value is read. */
	    {"{\"q\":1,\"q\":tru", "", "duplicate member \"q\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_fail(cases[i].text, SHOMEI_ERR_PARSE, cases[i].path, cases[i].what);
	json_t *j;
	struct jsonparse_error e;
	assert_int_equal(parse_n("{\"a\":1, \"a\":2}", 14, DEPTH, &j, &e), SHOMEI_ERR_PARSE);
	assert_int_equal(e.offset, 8); /* the second name */
	/* Not duplicates. */
	expect_like_jansson(
	    "{\"a\":1,\"A\":2,\"a \":3,\"\\u00e9\":4,\"e\\u0301\":5,\"\\u00e9 \":6}");
}

/* Nested arrays or objects, `levels` deep: [[[]]] or {"a":{"a":{}}}. */
static char *nested(int levels, int objects)
{
	char *s = malloc((size_t)levels * 6 + 1);
	assert_non_null(s);
	size_t n = 0;
	for (int i = 0; i < levels; i++) {
		if (objects && i > 0)
			memcpy(s + n, "\"a\":", 4), n += 4;
		s[n++] = objects ? '{' : '[';
	}
	for (int i = 0; i < levels; i++)
		s[n++] = objects ? '}' : ']';
	s[n] = '\0';
	return s;
}

static void test_depth(void **state)
{
	(void)state;
	static const int depths[] = {1, 2, 5, 32, JSONPARSE_MAX_DEPTH};
	for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
		int max = depths[i];
		for (int objects = 0; objects <= 1; objects++) {
			char *ok = nested(max, objects), *deep = nested(max + 1, objects);
			json_t *j;
			struct jsonparse_error e;
			if (parse_n(ok, strlen(ok), max, &j, &e) != 0)
				fail_msg("depth %d refused: %s", max, e.what);
			json_decref(j);
			char path[DIAG_WHERE_BYTES] = "", what[64];
			for (int k = 0; k < max; k++)
				strcat(path, objects ? (k ? ".a" : "a") : "[0]");
			snprintf(what, sizeof what, "nesting deeper than %d", max);
			expect_fail_n(deep, strlen(deep), max, SHOMEI_ERR_LIMIT, path, what);
			free(ok);
			free(deep);
		}
	}
	/* The depth is the first fault, even in an unfinished document. */
	expect_fail("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", SHOMEI_ERR_LIMIT,
		    "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
		    "[0][0][0][0][0][0]",
		    "nesting deeper than 32");
	expect_fail_n("[{\"a\":[]}]", 10, 2, SHOMEI_ERR_LIMIT, "[0].a", "nesting deeper than 2");
	expect_fail_n("[]", 2, 0, SHOMEI_ERR_LIMIT, "", "nesting deeper than 0");
	/* Scalars do not count. */
	json_t *j = parse_ok_n("[1,\"s\",true]", 12);
	json_decref(j);
	assert_int_equal(jsonparse("[1]", 3, 1, &j, NULL), 0);
	json_decref(j);
	/* max_depth bounds the recursion. */
	struct jsonparse_error e;
	assert_int_equal(jsonparse("[]", 2, -1, &j, &e), SHOMEI_ERR_USAGE);
	assert_null(j);
	assert_int_equal(jsonparse("[]", 2, JSONPARSE_MAX_DEPTH + 1, &j, &e), SHOMEI_ERR_USAGE);
	assert_string_equal(e.what, "max_depth 65 outside 0..64");
}

static void test_paths(void **state)
{
	(void)state;
	expect_fail("{\"a\\u00e9\":{\"b\\tc\":[tru]}}", SHOMEI_ERR_PARSE, "a\xc3\xa9[\"b\\tc\"][0]",
		    "invalid token at line 1, column 21");
	expect_fail("{\"\":[1,{\"a.b\":[0,x]}]}", SHOMEI_ERR_PARSE, "[\"\"][1][\"a.b\"][1]",
		    "invalid token at line 1, column 18");
	expect_fail("{\"\xe2\x80\xae\":[x]}", SHOMEI_ERR_PARSE, "[\"\\u202e\"][0]",
		    "invalid token at line 1, column 7");
	/* A path too long for its buffer is cut at a character, with "...". */
	char doc[400], want[DIAG_WHERE_BYTES];
	char a[101], b[101], c[101];
	memset(a, 'a', 100), memset(b, 'b', 100), memset(c, 'c', 100);
	a[100] = b[100] = c[100] = '\0';
	snprintf(doc, sizeof doc, "{\"%s\":{\"%s\":{\"%s\":[tru]}}}", a, b, c);
	snprintf(want, sizeof want, "%s.%s.%.50s...", a, b, c);
	assert_int_equal(strlen(want), DIAG_WHERE_BYTES - 1);
	expect_fail(doc, SHOMEI_ERR_PARSE, want, "invalid token at line 1, column 314");
	/* Duplicate member names too long for the message. */
	char key[400];
	memset(key, 'k', 300);
	key[300] = '\0';
	char dup[800];
	snprintf(dup, sizeof dup, "{\"%s\":1,\"%s\":2}", key, key);
	json_t *j;
	struct jsonparse_error e;
	assert_int_equal(parse_n(dup, strlen(dup), DEPTH, &j, &e), SHOMEI_ERR_PARSE);
	assert_string_equal(e.path, "");
	assert_int_equal(strlen(e.what), DIAG_WHAT_BYTES - 1);
	assert_memory_equal(e.what, "duplicate member \"kkk", 21);
	assert_memory_equal(e.what + DIAG_WHAT_BYTES - 4, "...", 3);
}

/* The path syntax shared with jsonin (jsonin.h). */
static void test_path_helpers(void **state)
{
	(void)state;
	char p[64] = "";
	assert_int_equal(jsonparse_path_member(p, sizeof p, "credentialSubject", 17), 0);
	assert_int_equal(jsonparse_path_member(p, sizeof p, "achievement", 11), 0);
	assert_int_equal(jsonparse_path_index(p, sizeof p, 12), 0);
	assert_string_equal(p, "credentialSubject.achievement[12]");
	p[0] = '\0';
	assert_int_equal(jsonparse_path_index(p, sizeof p, 0), 0);
	assert_int_equal(jsonparse_path_member(p, sizeof p, "a", 1), 0);
	assert_string_equal(p, "[0].a");
	static const struct {
		const char *name;
		size_t len;
		const char *want;
	} names[] = {
	    {"", 0, "x[\"\"]"},
	    {"a.b", 3, "x[\"a.b\"]"},
	    {"a b", 3, "x[\"a b\"]"},
	    {"a[0]", 4, "x[\"a[0]\"]"},
	    {"q\"\\", 3, "x[\"q\\\"\\\\\"]"},
	    {"\x1b[2J", 4, "x[\"\\u001b[2J\"]"},
	    {"\b\f\n\r\t", 5, "x[\"\\b\\f\\n\\r\\t\"]"},
	    {"\x7f", 1, "x[\"\\u007f\"]"},
	    {"a\0b", 3, "x[\"a\\u0000b\"]"},
	    {"\xc2\x85", 2, "x[\"\\u0085\"]"},	     /* C1 control */
	    {"\xc2\xad", 2, "x[\"\\u00ad\"]"},	     /* soft hyphen */
	    {"a\xe2\x80\x8b", 4, "x[\"a\\u200b\"]"}, /* zero width space */
	    {"a\xe2\x80\xa8", 4, "x[\"a\\u2028\"]"}, /* line separator */
	    {"a\xe2\x80\xae"
	     "b",
	     5, "x[\"a\\u202eb\"]"},				 /* right-to-left override */
	    {"\xef\xbb\xbf", 3, "x[\"\\ufeff\"]"},		 /* byte order mark */
	    {"\xf3\xa0\x80\x81", 4, "x[\"\\udb40\\udc01\"]"},	 /* U+E0001 tag */
	    {"\xe3\x80\x80", 3, "x[\"\xe3\x80\x80\"]"},		 /* ideographic space */
	    {"\xc2\xa0", 2, "x[\"\xc2\xa0\"]"},			 /* no-break space */
	    {"\xff", 1, "x[\"\\ufffd\"]"},			 /* not UTF-8 */
	    {"\xed\xa0\x80", 3, "x[\"\\ufffd\\ufffd\\ufffd\"]"}, /* an encoded surrogate */
	    {"\xe2\x82", 2, "x[\"\\ufffd\\ufffd\"]"},		 /* cut short */
	    {"p\xc3\xaa"
	     "che\xf0\x9f\x98\x80",
	     10,
	     "x.p\xc3\xaa"
	     "che\xf0\x9f\x98\x80"},
	    {"@id:/#$-_~", 10, "x.@id:/#$-_~"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		strcpy(p, "x");
		assert_int_equal(jsonparse_path_member(p, sizeof p, names[i].name, names[i].len),
				 0);
		if (strcmp(p, names[i].want) != 0)
			fail_msg("name %zu: got '%s' want '%s'", i, p, names[i].want);
	}
	/* Joining paths. */
	static const struct {
		const char *a, *b, *want;
	} joins[] = {
	    {"", "", ""},
	    {"", "x", "x"},
	    {"a", "", "a"},
	    {"a", "b", "a.b"},
	    {"a", "[1].b", "a[1].b"},
	    {"[0]", "b[\"c d\"]", "[0].b[\"c d\"]"},
	    {"a", "[\"b\"]", "a[\"b\"]"},
	};
	for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
		strcpy(p, joins[i].a);
		assert_int_equal(jsonparse_path_join(p, sizeof p, joins[i].b), 0);
		assert_string_equal(p, joins[i].want);
	}
	/* Cut with "...", said by the result, and left alone afterwards. */
	char s[16] = "abc";
	assert_int_equal(jsonparse_path_member(s, sizeof s, "defghijklmnop", 13), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "abc.defghijk...");
	assert_int_equal(jsonparse_path_index(s, sizeof s, 1), SHOMEI_ERR_LIMIT);
	assert_int_equal(jsonparse_path_member(s, sizeof s, "z", 1), SHOMEI_ERR_LIMIT);
	assert_int_equal(jsonparse_path_join(s, sizeof s, "z"), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "abc.defghijk...");
	strcpy(s, "abc");
	assert_int_equal(jsonparse_path_member(s, sizeof s, "defghijklm", 10), 0); /* just fits */
	assert_string_equal(s, "abc.defghijklm");
	strcpy(s, "");
	assert_int_equal(jsonparse_path_member(s, sizeof s,
					       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
					       16),
			 SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...");
	strcpy(s, "");
	assert_int_equal(jsonparse_path_member(s, sizeof s, "\x01\x02\x03", 3), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "[\"\\u0001...");
	/* Cutting into text already there backs off to a character boundary. */
	strcpy(s, "abcdefghijkl\xc3\xa9");
	assert_int_equal(jsonparse_path_index(s, sizeof s, 7), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "abcdefghijkl...");
	strcpy(s, "abcdefghijk\xc3\xa9");
	assert_int_equal(jsonparse_path_index(s, sizeof s, 7), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "abcdefghijk...");
	char tiny[2] = "";
	assert_int_equal(jsonparse_path_index(tiny, sizeof tiny, 5), SHOMEI_ERR_LIMIT);
	assert_string_equal(tiny, "");
}

/* Keys with escapes stay decoded (in the parser's scratch space) while their
 * values are read; values with escapes are decoded there too. */
static void test_escaped_names_nest(void **state)
{
	(void)state;
	expect_like_jansson("{\"k\\u00e91\":{\"k\\u00e92\":{\"k\\n3\":[\"\\u00e9\\t\",{\"k\\\\4\":"
			    "\"v\\\"\"}],\"after\":\"x\\/y\"},\"k\\t5\":\"\\ud83d\\ude00\"},"
			    "\"\\/\":[\"\\b\",\"\\f\",{\"\\r\":\"\\r\"}]}");
	/* Long escaped names and values, one after another and nested. */
	char doc[20000];
	size_t n = 0;
	n += (size_t)snprintf(doc + n, sizeof doc - n, "{");
	for (int i = 0; i < 20; i++) {
		n += (size_t)snprintf(doc + n, sizeof doc - n, "%s\"name%d", i ? "," : "", i);
		for (int k = 0; k < 40; k++)
			n += (size_t)snprintf(doc + n, sizeof doc - n, "\\u%04x",
					      0x100 + i * 40 + k);
		n += (size_t)snprintf(doc + n, sizeof doc - n, "\":{\"in\\n\":\"");
		for (int k = 0; k < 60; k++)
			n += (size_t)snprintf(doc + n, sizeof doc - n, "\\t%c", 'a' + k % 26);
		n += (size_t)snprintf(doc + n, sizeof doc - n, "\"}");
	}
	n += (size_t)snprintf(doc + n, sizeof doc - n, "}");
	assert_true(n < sizeof doc - 1);
	expect_like_jansson(doc);
}

/* The acceptance check against jansson for every JSON document of the
 * vectors: RFC 8785's inputs, the W3C eddsa-jcs-2022 files, shomei's own. */
static size_t compare_dir(const char *rel)
{
	char dirpath[256];
	snprintf(dirpath, sizeof dirpath, "vectors/%s", rel);
	DIR *dir = opendir(dirpath);
	if (!dir)
		fail_msg("cannot open %s (tests run from the repository root)", dirpath);
	size_t count = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		char name[512];
		snprintf(name, sizeof name, "%s/%s", rel, de->d_name);
		size_t text_len;
		char *text = tu_read_vector(name, &text_len);
		json_error_t je;
		json_t *theirs = json_loadb(text, text_len, JANSSON_FLAGS, &je);
		if (!theirs)
			fail_msg("%s: jansson refused it: %s", name, je.text);
		json_t *mine = parse_ok_n(text, text_len);
		if (!json_equal(mine, theirs))
			fail_msg("%s: not the value jansson reads", name);
		json_decref(mine);
		json_decref(theirs);
		free(text);
		count++;
	}
	closedir(dir);
	return count;
}

static void test_vectors_like_jansson(void **state)
{
	(void)state;
	assert_int_equal(compare_dir("rfc8785/input"), 6);
	assert_int_equal(compare_dir("w3c-eddsa-jcs-2022"), 6);
	assert_true(compare_dir("shomei") >= 2);
}

/* A failing allocator for jansson: every allocation of the parse can fail
 * and must give SHOMEI_ERR_NOMEM, no value, and no leak (ASan). */
static long alloc_budget = -1;

static void *budget_malloc(size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	size_t len;
	char *text = tu_read_vector("w3c-eddsa-jcs-2022/signedJCS.json", &len);
	json_set_alloc_funcs(budget_malloc, free);
	long failures = 0;
	for (long budget = 0;; budget++) {
		alloc_budget = budget;
		json_t *j;
		struct jsonparse_error e;
		int err = parse_n(text, len, DEPTH, &j, &e);
		if (err == 0) {
			alloc_budget = -1;
			json_decref(j);
			break;
		}
		assert_int_equal(err, SHOMEI_ERR_NOMEM);
		assert_string_equal(e.what, "out of memory");
		failures++;
	}
	alloc_budget = -1;
	json_set_alloc_funcs(malloc, free);
	assert_true(failures > 20);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts),
	    cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_whitespace),
	    cmocka_unit_test(test_literals),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_numbers_tricky),
	    cmocka_unit_test(test_numbers_es6_10k),
	    cmocka_unit_test(test_numbers_like_strtod),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_path_helpers),
	    cmocka_unit_test(test_escaped_names_nest),
	    cmocka_unit_test(test_vectors_like_jansson),
	    cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
