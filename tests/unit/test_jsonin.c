/* jsonin: strict JSON input, the paths its errors name, the path helpers. */
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

/* Parses text (NUL-terminated) and checks the outcome; on failure also the
 * diagnostics: where exactly, what as a prefix (NULL: not checked). */
static void expect_parse(const char *text, int want_err, const char *want_where,
			 const char *want_what_prefix)
{
	json_t *j = (json_t *)&j; /* must be cleared on failure */
	struct shomei_diag d;
	memset(&d, 'x', sizeof d);
	int err = jsonin_parse(text, strlen(text), &j, &d);
	if (err != want_err)
		fail_msg("%s: got %d (%s: %s), want %d", text, err, d.where, d.what, want_err);
	if (err == 0) {
		assert_non_null(j);
		assert_string_equal(d.where, "");
		json_decref(j);
		return;
	}
	assert_null(j);
	if (want_where && strcmp(d.where, want_where) != 0)
		fail_msg("%s: where '%s', want '%s' (%s)", text, d.where, want_where, d.what);
	if (want_what_prefix && strncmp(d.what, want_what_prefix, strlen(want_what_prefix)) != 0)
		fail_msg("%s: what '%s', want '%s...'", text, d.what, want_what_prefix);
}

static void test_accepts(void **state)
{
	(void)state;
	expect_parse("{}", 0, NULL, NULL);
	expect_parse("[]", 0, NULL, NULL);
	expect_parse(" \t\r\n{\"a\" : [ 1 , true , false , null , \"s\" , { } ] }\n\n", 0, NULL,
		     NULL);
	expect_parse("{\"\\u00e9\":\"\\ud83d\\ude00\",\"\\/\":\"\\\"\\\\\\b\\f\\n\\r\\t\"}", 0,
		     NULL, NULL);
	expect_parse("[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbf\"]", 0, NULL, NULL);
	/* Same text of the key but different names: not duplicates. */
	expect_parse("{\"a\":1,\"A\":2,\"a \":3,\"\\u00e9\":4,\"e\\u0301\":5}", 0, NULL, NULL);
	/* The same member name in different objects is fine. */
	expect_parse("{\"a\":{\"a\":1},\"b\":{\"a\":1},\"c\":[{\"a\":1},{\"a\":2}]}", 0, NULL,
		     NULL);
}

static void test_numbers_are_doubles(void **state)
{
	(void)state;
	const char *text = "[0, -0, 1, 9007199254740993, 123456789012345678901234567890, 1e-400,"
			   " 5e-324, 1.7976931348623157e308, 4.50]";
	json_t *j = NULL;
	struct shomei_diag d;
	assert_int_equal(jsonin_parse(text, strlen(text), &j, &d), 0);
	size_t i;
	json_t *v;
	json_array_foreach (j, i, v) {
		assert_true(json_is_real(v)); /* JSON_DECODE_INT_AS_REAL */
	}
	assert_true(json_real_value(json_array_get(j, 1)) == 0.0);
	assert_true(signbit(json_real_value(json_array_get(j, 1))));
	assert_true(json_real_value(json_array_get(j, 3)) == 9007199254740992.0);
	assert_true(json_real_value(json_array_get(j, 4)) == 1.2345678901234568e29);
	assert_true(json_real_value(json_array_get(j, 5)) == 0.0); /* underflow is fine */
	assert_true(json_real_value(json_array_get(j, 6)) == 0x1p-1074);
	assert_true(json_real_value(json_array_get(j, 7)) == 0x1.fffffffffffffp1023);
	assert_true(json_real_value(json_array_get(j, 8)) == 4.5);
	json_decref(j);
	/* Overflow to infinity is refused, with the path of the number. */
	expect_parse("[1e400]", SHOMEI_ERR_LIMIT, "[0]", "number beyond the range of a double");
	expect_parse("{\"n\":[1,-1e400]}", SHOMEI_ERR_LIMIT, "n[1]", "number beyond the range");
	expect_parse("{\"n\":1.8e308}", SHOMEI_ERR_LIMIT, "n", "number beyond the range");
	char huge[400];
	memset(huge, '9', sizeof huge);
	huge[0] = '[';
	memcpy(huge + sizeof huge - 2, "]", 2);
	expect_parse(huge, SHOMEI_ERR_LIMIT, "[0]", "number beyond the range");
	/* Not JSON numbers. */
	static const char *const bad[] = {"[01]",  "[1.]", "[.5]",   "[+1]",	   "[1e]",
					  "[NaN]", "[-]",  "[0x10]", "[Infinity]", "[1e+]"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		expect_parse(bad[k], SHOMEI_ERR_PARSE, "[0]", NULL);
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_parse("{\"a\":1,\"a\":2}", SHOMEI_ERR_PARSE, "", "duplicate member \"a\"");
	/* Equal after decoding escapes. */
	expect_parse("{\"a\":1,\"\\u0061\":2}", SHOMEI_ERR_PARSE, "", "duplicate member \"a\"");
	/* At depth, the path names the object holding it. */
	expect_parse("{\"a\":{\"b\":[1,{\"c\":1,\"d\":{},\"c\":2}]}}", SHOMEI_ERR_PARSE, "a.b[1]",
		     "duplicate member \"c\"");
	expect_parse("{\"credentialSubject\":{\"achievement\":{\"name\":\"x\",\"name\":\"y\"}}}",
		     SHOMEI_ERR_PARSE, "credentialSubject.achievement",
		     "duplicate member \"name\"");
	/* Names that need quoting in the path, and escapes decoded. */
	expect_parse("{\"x y\":{\"k\\n\":1,\"k\\n\":2}}", SHOMEI_ERR_PARSE, "[\"x y\"]",
		     "duplicate member \"k\\n\"");
	expect_parse("{\"\\u00e9t\\u00e9\":{\"\\ud83d\\ude00\":[0,{\"c\":1,\"c\":2}]}}",
		     SHOMEI_ERR_PARSE, "\xc3\xa9t\xc3\xa9.\xf0\x9f\x98\x80[1]", NULL);
	expect_parse("{\"a.b\":{\"\":{\"c\":1,\"c\":2}}}", SHOMEI_ERR_PARSE, "[\"a.b\"][\"\"]",
		     NULL);
	/* A right-to-left override in a name cannot reach the terminal raw. */
	expect_parse("{\"\xe2\x80\xae\":{\"a\":1,\"a\":1}}", SHOMEI_ERR_PARSE, "[\"\\u202e\"]",
		     NULL);
	/* The first of several duplicates in document order. */
	expect_parse("[{\"z\":1},{\"y\":1,\"y\":2},{\"x\":1,\"x\":2}]", SHOMEI_ERR_PARSE, "[1]",
		     "duplicate member \"y\"");
	/* The duplicate is found also when a syntax error follows it. */
	expect_parse("{\"q\":1,\"q\":2,", SHOMEI_ERR_PARSE, "", "duplicate member \"q\"");
}

static void test_depth(void **state)
{
	(void)state;
	char text[8000];
	/* Exactly JSONIN_MAX_DEPTH arrays: fine. */
	memset(text, '[', JSONIN_MAX_DEPTH);
	memset(text + JSONIN_MAX_DEPTH, ']', JSONIN_MAX_DEPTH);
	text[2 * JSONIN_MAX_DEPTH] = '\0';
	expect_parse(text, 0, NULL, NULL);
	/* One more: refused, the path names the array that is one too deep. */
	memset(text, '[', JSONIN_MAX_DEPTH + 1);
	memset(text + JSONIN_MAX_DEPTH + 1, ']', JSONIN_MAX_DEPTH + 1);
	text[2 * JSONIN_MAX_DEPTH + 2] = '\0';
	char want[200] = "";
	for (int i = 0; i < JSONIN_MAX_DEPTH; i++)
		strcat(want, "[0]");
	expect_parse(text, SHOMEI_ERR_LIMIT, want, "nesting deeper than 32");
	/* Objects: 32 fine, 33 refused, at depth 33 after a first, shallower member. */
	for (int depth = JSONIN_MAX_DEPTH; depth <= JSONIN_MAX_DEPTH + 1; depth++) {
		strcpy(text, "{\"ok\":[[1]],\"m\":");
		for (int i = 2; i < depth; i++)
			strcat(text, "{\"m\":");
		strcat(text, "{}");
		for (int i = 1; i < depth; i++)
			strcat(text, "}");
		want[0] = '\0';
		for (int i = 0; i < JSONIN_MAX_DEPTH; i++)
			strcat(want, i ? ".m" : "m");
		if (depth == JSONIN_MAX_DEPTH)
			expect_parse(text, 0, NULL, NULL);
		else
			expect_parse(text, SHOMEI_ERR_LIMIT, want, "nesting deeper than 32");
	}
	/* Too deep and unclosed: the depth is the first fault. */
	memset(text, '[', JSONIN_MAX_DEPTH + 1);
	text[JSONIN_MAX_DEPTH + 1] = '\0';
	expect_parse(text, SHOMEI_ERR_LIMIT, NULL, "nesting deeper than 32");
	/* Beyond jansson's own limit of 2048. */
	memset(text, '[', 3000);
	text[3000] = '\0';
	expect_parse(text, SHOMEI_ERR_LIMIT, NULL, "nesting deeper than 32");
}

static void test_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "[\"\xff\"]",	      /* never in UTF-8 */
	    "[\"\x80\"]",	      /* continuation without a lead */
	    "[\"\xc0\x80\"]",	      /* overlong NUL */
	    "[\"\xe0\x80\xaf\"]",     /* overlong '/' */
	    "[\"\xed\xa0\x80\"]",     /* UTF-16 surrogate written as UTF-8 */
	    "[\"\xf4\x90\x80\x80\"]", /* above U+10FFFF */
	    "[\"\xc3\"]",	      /* cut short */
	    "[\"\xe2\x82\"]",	      /* cut short */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_parse(bad[i], SHOMEI_ERR_PARSE, "[0]", "invalid UTF-8 at line 1, column 3");
	expect_parse("{\"a\":[1,\n \"ok\", \"x\xfe\"]}", SHOMEI_ERR_PARSE, "a[2]",
		     "invalid UTF-8 at line 2, column 10");
	expect_parse("{\"k\xff\":1}", SHOMEI_ERR_PARSE, "", "invalid UTF-8");
	/* Outside strings too. */
	expect_parse("[1,\xc3\xa9]", SHOMEI_ERR_PARSE, "[1]", NULL);
	/* A byte order mark is not allowed (RFC 8259 §8.1). */
	expect_parse("\xef\xbb\xbf[1]", SHOMEI_ERR_PARSE, "", "byte order mark");
}

static void test_strings(void **state)
{
	(void)state;
	expect_parse("[\"\\u0000\"]", SHOMEI_ERR_PARSE, "[0]", "\\u0000 in a string");
	expect_parse("{\"a\\u0000b\":1}", SHOMEI_ERR_PARSE, "", "\\u0000 in a string");
	expect_parse("{\"t\":\"a\tb\"}", SHOMEI_ERR_PARSE, "t",
		     "unescaped control character in a string");
	expect_parse("[\"a\nb\"]", SHOMEI_ERR_PARSE, "[0]", "unexpected newline");
	expect_parse("[\"\\x41\"]", SHOMEI_ERR_PARSE, "[0]", NULL);
	expect_parse("[\"\\u12\"]", SHOMEI_ERR_PARSE, "[0]", NULL);
	/* A raw NUL byte anywhere. */
	json_t *j = NULL;
	struct shomei_diag d;
	assert_int_equal(jsonin_parse("[\"a\0b\"]", 7, &j, &d), SHOMEI_ERR_PARSE);
	assert_null(j);
	assert_int_equal(jsonin_parse("[1]\0", 4, &j, &d), SHOMEI_ERR_PARSE);
	assert_string_equal(d.what, "trailing data after the top-level value at line 1, column 4");
	/* Lone surrogates: every must_fail case of the vectors. */
	json_t *v = tu_load_json_vector("rfc8785/strings-tricky.json");
	size_t i;
	json_t *c;
	json_array_foreach (json_object_get(v, "must_fail"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char doc[256];
		snprintf(doc, sizeof doc, input[0] == '{' ? "%s" : "[%s]", input);
		expect_parse(doc, SHOMEI_ERR_PARSE, input[0] == '{' ? "" : "[0]",
			     "lone surrogate escape at line 1");
	}
	assert_int_equal(i, 4);
	json_decref(v);
	expect_parse("[\"\\ud83d\\u0041\"]", SHOMEI_ERR_PARSE, "[0]", "lone surrogate");
	expect_parse("[\"\\ude00\\ud83d\"]", SHOMEI_ERR_PARSE, "[0]", "lone surrogate");
}

static void test_structure_errors(void **state)
{
	(void)state;
	expect_parse("", SHOMEI_ERR_PARSE, "", "empty input");
	expect_parse(" \n\t\r ", SHOMEI_ERR_PARSE, "", "empty input");
	static const char *const scalars[] = {"1", "\"x\"", "true", "null", " -0.5 ", "x"};
	for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
		expect_parse(scalars[i], SHOMEI_ERR_PARSE, "",
			     "top-level value is not an object or array at line 1");
	/* Trailing garbage, and trailing whitespace which is fine. */
	expect_parse("[1] x", SHOMEI_ERR_PARSE, "",
		     "trailing data after the top-level value at line 1, column 5");
	expect_parse("{}{}", SHOMEI_ERR_PARSE, "", "trailing data");
	expect_parse("[1,2]]", SHOMEI_ERR_PARSE, "", "trailing data");
	expect_parse("{\"a\":1}\n\n  ,", SHOMEI_ERR_PARSE, "",
		     "trailing data after the top-level "
		     "value at line 3, column 3");
	expect_parse("[1] \n\t ", 0, NULL, NULL);
	/* Cut short: the path of what was being read, the place of the end. */
	expect_parse("[1,\n2,\n  ", SHOMEI_ERR_PARSE, "[2]",
		     "unexpected end of input at line 3, column 3");
	expect_parse("{\"a\":{\"b\":[\"abc", SHOMEI_ERR_PARSE, "a.b[0]",
		     "unexpected end of input at line 1, column 16");
	expect_parse("{\"a\":", SHOMEI_ERR_PARSE, "a", "unexpected end of input");
	expect_parse("{\"a", SHOMEI_ERR_PARSE, "", "unexpected end of input");
	/* Malformed in the middle. */
	expect_parse("{\"a\": [1, 2, x]}", SHOMEI_ERR_PARSE, "a[2]",
		     "invalid token at line 1, "
		     "column 14");
	expect_parse("{\"abc\":[1,2,3], \"d\": {\"e\": [true, fals]}}", SHOMEI_ERR_PARSE, "d.e[1]",
		     NULL);
	expect_parse("{\"a\":1,}", SHOMEI_ERR_PARSE, "", NULL);
	expect_parse("[1,2,}", SHOMEI_ERR_PARSE, "[2]", "unexpected token at line 1, column 6");
	expect_parse("{\"a\" 1}", SHOMEI_ERR_PARSE, "a", NULL);
	expect_parse("{1:1}", SHOMEI_ERR_PARSE, "", NULL);
	expect_parse("[1 2]", SHOMEI_ERR_PARSE, "[0]", NULL);
	expect_parse("{'a':1}", SHOMEI_ERR_PARSE, "", NULL);
	expect_parse("[1,]", SHOMEI_ERR_PARSE, "[1]", NULL);
	expect_parse("[/*c*/1]", SHOMEI_ERR_PARSE, "[0]", NULL);
	/* Columns count characters, not bytes. */
	expect_parse("{\"\xc3\xa9\xc3\xa9\":tru}", SHOMEI_ERR_PARSE, "\xc3\xa9\xc3\xa9",
		     "invalid token at line 1, column 7");
	/* jansson's excerpt of the input never reaches the message. */
	expect_parse("[\x1b[31m]", SHOMEI_ERR_PARSE, "[0]", "invalid token at line 1, column 2");
}

static void test_unterminated_text_and_null_diag(void **state)
{
	(void)state;
	/* Only text[0..len) is read: what follows is ignored. */
	const char buf[] = "[1,2]garbage";
	json_t *j = NULL;
	assert_int_equal(jsonin_parse(buf, 5, &j, NULL), 0);
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	assert_int_equal(jsonin_parse(buf, 4, &j, NULL), SHOMEI_ERR_PARSE);
	assert_null(j);
	assert_int_equal(jsonin_parse("{\"a\":1,\"a\":2}", 13, &j, NULL), SHOMEI_ERR_PARSE);
	assert_int_equal(jsonin_parse("", 0, &j, NULL), SHOMEI_ERR_PARSE);
}

static void test_size_limit(void **state)
{
	(void)state;
	size_t len = JSONIN_MAX_BYTES;
	char *text = malloc(len + 1);
	assert_non_null(text);
	/* A string filling the document to exactly the limit. */
	text[0] = '[';
	text[1] = '"';
	memset(text + 2, 'a', len - 4);
	text[len - 2] = '"';
	text[len - 1] = ']';
	json_t *j = NULL;
	struct shomei_diag d;
	assert_int_equal(jsonin_parse(text, len, &j, &d), 0);
	assert_int_equal(json_string_length(json_array_get(j, 0)), len - 4);
	json_decref(j);
	text[len] = ' ';
	assert_int_equal(jsonin_parse(text, len + 1, &j, &d), SHOMEI_ERR_LIMIT);
	assert_null(j);
	assert_string_equal(d.what, "larger than 1048576 bytes");
	free(text);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_load(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char path[1200];
	json_t *j = (json_t *)&j;
	struct shomei_diag d;

	snprintf(path, sizeof path, "%s/missing.json", dir);
	assert_int_equal(jsonin_load(path, &j, &d), SHOMEI_ERR_IO);
	assert_null(j);
	assert_string_equal(d.what, "No such file or directory");

	assert_int_equal(jsonin_load(dir, &j, &d), SHOMEI_ERR_IO); /* a directory */
	assert_null(j);

	snprintf(path, sizeof path, "%s/ok.json", dir);
	write_file(path, "{\"a\":[1,{\"b\":\"c\"}]}\n", 20);
	assert_int_equal(jsonin_load(path, &j, &d), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(j, "a"), 1), "b")),
	    "c");
	json_decref(j);

	snprintf(path, sizeof path, "%s/dup.json", dir);
	write_file(path, "{\"a\":{\n\"b\":1,\n\"b\":2}}", 21);
	assert_int_equal(jsonin_load(path, &j, &d), SHOMEI_ERR_PARSE);
	assert_null(j);
	assert_string_equal(d.where, "a");
	assert_string_equal(d.what, "duplicate member \"b\"");

	/* One byte over the limit is refused before parsing. */
	snprintf(path, sizeof path, "%s/big.json", dir);
	size_t len = JSONIN_MAX_BYTES + 1;
	char *big = malloc(len);
	assert_non_null(big);
	memset(big, ' ', len);
	memcpy(big, "[]", 2);
	write_file(path, big, len);
	assert_int_equal(jsonin_load(path, &j, &d), SHOMEI_ERR_LIMIT);
	assert_null(j);
	write_file(path, big, len - 1); /* exactly the limit: fine */
	assert_int_equal(jsonin_load(path, &j, &d), 0);
	json_decref(j);
	free(big);
	tu_rm_rf(dir);
	free(dir);
}

static void test_type_name(void **state)
{
	(void)state;
	json_t *j = NULL;
	const char *text = "[{},[],\"s\",1,true,false,null]";
	assert_int_equal(jsonin_parse(text, strlen(text), &j, NULL), 0);
	static const char *const want[] = {"object", "array", "string", "number",
					   "true",   "false", "null"};
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(jsonin_type_name(json_array_get(j, i)), want[i]);
	json_decref(j);
	json_t *n = json_integer(3);
	assert_string_equal(jsonin_type_name(n), "number");
	json_decref(n);
	assert_string_equal(jsonin_type_name(NULL), "nothing");
}

static void test_path_helpers(void **state)
{
	(void)state;
	char p[64] = "";
	assert_int_equal(jsonin_path_member(p, sizeof p, "credentialSubject"), 0);
	assert_int_equal(jsonin_path_member(p, sizeof p, "achievement"), 0);
	assert_string_equal(p, "credentialSubject.achievement");
	p[0] = '\0';
	assert_int_equal(jsonin_path_member(p, sizeof p, "@context"), 0);
	assert_int_equal(jsonin_path_index(p, sizeof p, 1), 0);
	assert_string_equal(p, "@context[1]");
	p[0] = '\0';
	assert_int_equal(jsonin_path_index(p, sizeof p, 0), 0);
	assert_int_equal(jsonin_path_member(p, sizeof p, "a"), 0);
	assert_string_equal(p, "[0].a");
	/* Quoted forms. */
	static const struct {
		const char *name, *want;
	} quoted[] = {
	    {"", "x[\"\"]"},
	    {"a.b", "x[\"a.b\"]"},
	    {"a b", "x[\"a b\"]"},
	    {"a[0]", "x[\"a[0]\"]"},
	    {"q\"\\", "x[\"q\\\"\\\\\"]"},
	    {"\x1b[2J", "x[\"\\u001b[2J\"]"},
	    {"\t\n", "x[\"\\t\\n\"]"},
	    {"\x7f", "x[\"\\u007f\"]"},
	    {"\xc2\x85", "x[\"\\u0085\"]"},
	    {"a\xe2\x80\xae"
	     "b",
	     "x[\"a\\u202eb\"]"},
	    {"\xf3\xa0\x80\x81", "x[\"\\udb40\\udc01\"]"}, /* U+E0001 tag */
	    {"\xff", "x[\"\\ufffd\"]"},
	    {"https://w3id.org/x", "x[\"https://w3id.org/x\"]"},
	};
	for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
		strcpy(p, "x");
		assert_int_equal(jsonin_path_member(p, sizeof p, quoted[i].name), 0);
		assert_string_equal(p, quoted[i].want);
	}
	/* Printable non-ASCII stays as it is; so do ASCII punctuation marks. */
	strcpy(p, "x");
	assert_int_equal(jsonin_path_member(p, sizeof p,
					    "p\xc3\xaa"
					    "che\xf0\x9f\x98\x80"),
			 0);
	assert_string_equal(p, "x.p\xc3\xaa"
			       "che\xf0\x9f\x98\x80");
	strcpy(p, "");
	assert_int_equal(jsonin_path_member(p, sizeof p, "@id:/#$-_~"), 0);
	assert_string_equal(p, "@id:/#$-_~");

	/* Too long: cut with "...", the return says so, and nothing more is
	 * appended afterwards. */
	char s[16] = "abc";
	assert_int_equal(jsonin_path_member(s, sizeof s, "defghijklmnop"), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "abc.defghijk...");
	assert_int_equal(strlen(s), sizeof s - 1);
	assert_int_equal(jsonin_path_index(s, sizeof s, 1), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "abc.defghijk...");
	/* Exactly fitting is not cut. */
	strcpy(s, "abc");
	assert_int_equal(jsonin_path_member(s, sizeof s, "defghijklm"), 0);
	assert_string_equal(s, "abc.defghijklm");
	/* Cut between characters, never inside one or inside an escape. */
	strcpy(s, "");
	assert_int_equal(jsonin_path_member(s, sizeof s,
					    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					    "\xc3\xa9\xc3\xa9\xc3\xa9"),
			 SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...");
	strcpy(s, "");
	assert_int_equal(jsonin_path_member(s, sizeof s, "\x01\x02\x03"), SHOMEI_ERR_LIMIT);
	assert_string_equal(s, "[\"\\u0001...");
	char tiny[2] = "";
	assert_int_equal(jsonin_path_index(tiny, sizeof tiny, 5), SHOMEI_ERR_LIMIT);
	assert_string_equal(tiny, "");
}

static void test_diag_prefix(void **state)
{
	(void)state;
	struct shomei_diag d;
	diag_set(&d, SHOMEI_ERR_INVALID, "proofValue", "not base58btc");
	jsonin_diag_member(&d, "proof");
	assert_string_equal(d.where, "proof.proofValue");
	diag_set(&d, SHOMEI_ERR_INVALID, NULL, "not a string");
	jsonin_diag_index(&d, 2);
	jsonin_diag_member(&d, "@context");
	assert_string_equal(d.where, "@context[2]");
	jsonin_diag_member(&d, "a b");
	assert_string_equal(d.where, "[\"a b\"].@context[2]");
	jsonin_diag_index(&d, 7);
	assert_string_equal(d.where, "[7][\"a b\"].@context[2]");
	assert_string_equal(d.what, "not a string");
	jsonin_diag_member(NULL, "x"); /* NULL-safe */
	/* A long path is cut at the end, with "...". */
	diag_set(&d, SHOMEI_ERR_INVALID, NULL, "deep");
	char name[101];
	memset(name, 'n', 100);
	name[100] = '\0';
	for (int i = 0; i < 4; i++)
		jsonin_diag_member(&d, name);
	assert_int_equal(strlen(d.where), DIAG_WHERE_BYTES - 1);
	assert_memory_equal(d.where + DIAG_WHERE_BYTES - 4, "...", 3);
	assert_memory_equal(d.where, name, 100);
	assert_int_equal(d.where[100], '.');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts),
	    cmocka_unit_test(test_numbers_are_doubles),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_unterminated_text_and_null_diag),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_type_name),
	    cmocka_unit_test(test_path_helpers),
	    cmocka_unit_test(test_diag_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
