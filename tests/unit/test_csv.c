/* RFC 4180 CSV as class exports come: quoting, line ends, BOM, UTF-8 byte for
 * byte, the line each record starts on, and every refusal with its line. */
#include "csv.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Reads all records of text[0..len): fields joined with '|' and records ended
 * with '\n' into out, the start lines into lines[] (if not NULL, at most
 * max_lines). Returns csv_next's final value (0 at a clean end). */
static int read_all(const char *text, size_t len, char *out, size_t cap, size_t *lines,
		    size_t max_lines, struct shomei_diag *d)
{
	struct csv_reader *r = csv_reader_new(text, len);
	assert_non_null(r);
	struct csv_record rec;
	int got;
	size_t n = 0, k = 0;
	out[0] = '\0';
	while ((got = csv_next(r, &rec, d)) == 1) {
		assert_true(rec.nfields >= 1 && rec.nfields <= CSV_MAX_FIELDS);
		for (size_t i = 0; i < rec.nfields; i++) {
			int w = snprintf(out + n, cap - n, "%s%s", i ? "|" : "", rec.fields[i]);
			assert_true(w >= 0 && (size_t)w < cap - n);
			n += (size_t)w;
		}
		assert_true(n + 1 < cap);
		out[n++] = '\n';
		out[n] = '\0';
		if (lines) {
			assert_true(k < max_lines);
			lines[k++] = rec.line;
		}
	}
	/* Whatever ended the loop is what every later call says too. */
	struct shomei_diag again;
	diag_clear(&again);
	assert_int_equal(csv_next(r, &rec, &again), got);
	assert_int_equal(rec.nfields, 0);
	if (got < 0 && d)
		assert_string_equal(again.where, d->where);
	csv_reader_free(r);
	return got;
}

static void test_accepts(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"a,b,c\n1,2,3\n", "a|b|c\n1|2|3\n"},
	    {"a,b\r\n1,2\r\n", "a|b\n1|2\n"},
	    {"a,b\r\n1,2", "a|b\n1|2\n"},
	    {"a,b\n1,2", "a|b\n1|2\n"},
	    {"a,b\n1,2\r\n3,4\n", "a|b\n1|2\n3|4\n"},
	    {"\xef\xbb\xbf"
	     "name\n山田 太郎\n",
	     "name\n山田 太郎\n"},
	    {"\xef\xbb\xbf"
	     "name\r\n",
	     "name\n"},
	    {"\xef\xbb\xbf", ""},
	    {"x,\xef\xbb\xbf\n", "x|\xef\xbb\xbf\n"}, /* a BOM later on is text */
	    {"\"a,b\",\"say \"\"hi\"\"\"\n", "a,b|say \"hi\"\n"},
	    {"\"multi\nline\",x\n", "multi\nline|x\n"},
	    {"\"crlf\r\ninside\",x\r\n", "crlf\r\ninside|x\n"},
	    {"\"\"\"\"\n", "\"\n"},
	    {"\"a\"\"\"\n", "a\"\n"},
	    {"a,,c\n,,\n", "a||c\n||\n"},
	    {"a,b,\n", "a|b|\n"},
	    {"a,b,", "a|b|\n"},
	    {",\n", "|\n"},
	    {"a\n\n\nb\n", "a\nb\n"},
	    {"\n\r\n\na\n\r\n", "a\n"},
	    {" a , b \n", " a | b \n"},
	    {"\" a \",b\n", " a |b\n"},
	    {"東京大学,\"東都工業大学\"\n", "東京大学|東都工業大学\n"},
	    {"\"\"\n", "\n"},
	    {"\"\"", "\n"},
	    {"\"x\"", "x\n"},
	    {"\"x\",\"\"", "x|\n"},
	    {"a\tb,\x01\n", "a\tb|\x01\n"},
	    {"\xf0\x9f\x8e\x93,\xf4\x8f\xbf\xbf,\xef\xbf\xbf,\xc2\x80\n",
	     "\xf0\x9f\x8e\x93|\xf4\x8f\xbf\xbf|\xef\xbf\xbf|\xc2\x80\n"},
	    {"", ""},
	    {"\n\n", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[512];
		struct shomei_diag d;
		diag_clear(&d);
		int got = read_all(cases[i].in, strlen(cases[i].in), out, sizeof out, NULL, 0, &d);
		if (got != 0)
			fail_msg("case %zu refused: %s: %s", i, d.where, d.what);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, cases[i].want);
	}
	/* No data at all. */
	char out[8];
	assert_int_equal(read_all(NULL, 0, out, sizeof out, NULL, 0, NULL), 0);
}

/* Japanese names and universities come through byte for byte (the bytes spelled
 * out, so that the test does not depend on how this file is encoded). */
static void test_japanese_bytes(void **state)
{
	(void)state;
	static const char yamada[] = "\xe5\xb1\xb1\xe7\x94\xb0\x20\xe5\xa4\xaa\xe9\x83\x8e";
	static const char todai[] = "\xe6\x9d\xb1\xe4\xba\xac\xe5\xa4\xa7\xe5\xad\xa6";
	static const char text[] = "\xef\xbb\xbf"
				   "name,university\r\n"
				   "\xe5\xb1\xb1\xe7\x94\xb0\x20\xe5\xa4\xaa\xe9\x83\x8e,"
				   "\"\xe6\x9d\xb1\xe4\xba\xac\xe5\xa4\xa7\xe5\xad\xa6\"\r\n";
	assert_string_equal(yamada, "山田 太郎");
	assert_string_equal(todai, "東京大学");
	struct csv_reader *r = csv_reader_new(text, sizeof text - 1);
	assert_non_null(r);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec, NULL), 1);
	assert_int_equal(rec.nfields, 2);
	assert_string_equal(rec.fields[0], "name"); /* the BOM is not part of it */
	assert_int_equal(csv_next(r, &rec, NULL), 1);
	assert_int_equal(rec.nfields, 2);
	assert_int_equal(rec.line, 2);
	assert_int_equal(strlen(rec.fields[0]), sizeof yamada - 1);
	assert_memory_equal(rec.fields[0], yamada, sizeof yamada);
	assert_int_equal(strlen(rec.fields[1]), sizeof todai - 1);
	assert_memory_equal(rec.fields[1], todai, sizeof todai);
	assert_int_equal(csv_next(r, &rec, NULL), 0);
	csv_reader_free(r);
}

static void test_line_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		size_t want[6];
	} cases[] = {
	    {"h1,h2\n\"two\nlines\",x\n\nlast,y\n", 3, {1, 2, 5}},
	    {"h\r\n\"a\r\nb\r\nc\"\r\n\r\n\r\nd\r\n", 3, {1, 2, 7}},
	    {"\n\na\nb", 2, {3, 4}},
	    {"\xef\xbb\xbf\na\n", 1, {2}},
	    {"a,\"\n\n\",b\nc\n", 2, {1, 4}},
	    {"\"\n\",\"\n\"\n\"\n\"\nx", 3, {1, 4, 6}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t lines[6] = {0};
		char out[256];
		struct shomei_diag d;
		int got = read_all(cases[i].in, strlen(cases[i].in), out, sizeof out, lines, 6, &d);
		if (got != 0)
			fail_msg("case %zu refused: %s: %s", i, d.where, d.what);
		for (size_t k = 0; k < 6; k++)
			if (lines[k] != (k < cases[i].n ? cases[i].want[k] : 0))
				fail_msg("case %zu record %zu: line %zu", i, k, lines[k]);
	}
}

static void test_header_index(void **state)
{
	(void)state;
	const char *text = "holder,name,studentId,name,Name\n";
	struct csv_reader *r = csv_reader_new(text, strlen(text));
	struct csv_record hdr;
	assert_int_equal(csv_next(r, &hdr, NULL), 1);
	assert_int_equal(csv_header_index(&hdr, "holder"), 0);
	assert_int_equal(csv_header_index(&hdr, "studentId"), 2);
	assert_int_equal(csv_header_index(&hdr, "name"), 1); /* the first of two */
	assert_int_equal(csv_header_index(&hdr, "Name"), 4);
	assert_int_equal(csv_header_index(&hdr, "studentid"), -1);
	assert_int_equal(csv_header_index(&hdr, "holder "), -1);
	assert_int_equal(csv_header_index(&hdr, ""), -1);
	assert_int_equal(csv_header_index(&hdr, NULL), -1);
	assert_int_equal(csv_header_index(NULL, "name"), -1);
	csv_reader_free(r);
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		int err;
		const char *where;
		const char *what; /* a substring of d.what */
	} cases[] = {
	    /* Quoting. */
	    {"a,b\n\"open,x\n", 0, SHOMEI_ERR_PARSE, "line 2", "never closed"},
	    {"a\nb\n\"open\nx\ny\n", 0, SHOMEI_ERR_PARSE, "line 3", "never closed"},
	    {"a,\"x\ny\",\"open\nz\n", 0, SHOMEI_ERR_PARSE, "line 2", "never closed"},
	    {"\"", 0, SHOMEI_ERR_PARSE, "line 1", "never closed"},
	    {"a\nb\"c\n", 0, SHOMEI_ERR_PARSE, "line 2", "quote inside an unquoted field"},
	    {"a\nb,c\"\n", 0, SHOMEI_ERR_PARSE, "line 2", "quote inside an unquoted field"},
	    {"a\n \"b\"\n", 0, SHOMEI_ERR_PARSE, "line 2", "quote inside an unquoted field"},
	    {"\"a\"b\n", 0, SHOMEI_ERR_PARSE, "line 1", "after a closing quote"},
	    {"x\n\"a\" ,b\n", 0, SHOMEI_ERR_PARSE, "line 2", "after a closing quote"},
	    {"\"a\nb\"c\n", 0, SHOMEI_ERR_PARSE, "line 2", "after a closing quote"},
	    /* Line ends: CR LF and LF only. */
	    {"a\rb\n", 0, SHOMEI_ERR_PARSE, "line 1", "carriage return"},
	    {"a\nb\r", 0, SHOMEI_ERR_PARSE, "line 2", "carriage return"},
	    {"a\n\r\r\n", 0, SHOMEI_ERR_PARSE, "line 2", "carriage return"},
	    {"\"a\rb\"\n", 0, SHOMEI_ERR_PARSE, "line 1", "carriage return"},
	    {"x\n\"a\"\rb\n", 0, SHOMEI_ERR_PARSE, "line 2", "carriage return"},
	    {"a\r\rb\n", 0, SHOMEI_ERR_PARSE, "line 1", "carriage return"},
	    /* UTF-8 (RFC 3629 §4) and NUL. */
	    {"ok\nbad\xff\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xc0\x80\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xc1\xbf\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xe0\x80\xaf\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xf0\x8f\xbf\xbf\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xed\xa0\x80\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xed\xbf\xbf\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xf4\x90\x80\x80\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xf5\x80\x80\x80\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\x80\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xe6\x9d\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xe6\x9d", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xe6", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"ok\n\xe6\x9d\x31\n", 0, SHOMEI_ERR_PARSE, "line 2", "invalid UTF-8"},
	    {"\"a\nb\nc\xfe\"\n", 0, SHOMEI_ERR_PARSE, "line 3", "invalid UTF-8"},
	    {"\xef\xbb\n", 0, SHOMEI_ERR_PARSE, "line 1", "invalid UTF-8"},
	    {"a\x00"
	     "b\n",
	     4, SHOMEI_ERR_PARSE, "line 1", "NUL"},
	    {"a\n\"\x00\"\n", 5, SHOMEI_ERR_PARSE, "line 2", "NUL"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[256];
		struct shomei_diag d;
		diag_clear(&d);
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		int got = read_all(cases[i].in, len, out, sizeof out, NULL, 0, &d);
		if (got != cases[i].err)
			fail_msg("case %zu: got %d (%s: %s)", i, got, d.where, d.what);
		if (strcmp(d.where, cases[i].where) != 0 || !strstr(d.what, cases[i].what))
			fail_msg("case %zu: \"%s: %s\", want \"%s: ...%s...\"", i, d.where, d.what,
				 cases[i].where, cases[i].what);
	}
}

/* Records before the bad one are still handed out, in order. */
static void test_records_before_an_error(void **state)
{
	(void)state;
	const char *text = "h\nr1\nr2\n\"bad\n";
	struct csv_reader *r = csv_reader_new(text, strlen(text));
	struct csv_record rec;
	struct shomei_diag d;
	assert_int_equal(csv_next(r, &rec, &d), 1);
	assert_int_equal(csv_next(r, &rec, &d), 1);
	assert_string_equal(rec.fields[0], "r1");
	assert_int_equal(csv_next(r, &rec, &d), 1);
	assert_string_equal(rec.fields[0], "r2");
	assert_int_equal(rec.line, 3);
	assert_int_equal(csv_next(r, &rec, &d), SHOMEI_ERR_PARSE);
	assert_string_equal(d.where, "line 4");
	assert_int_equal(csv_next(r, &rec, NULL), SHOMEI_ERR_PARSE); /* a NULL diag is fine */
	csv_reader_free(r);
	csv_reader_free(NULL);
}

/* Builds `nfields` fields of `flen` bytes of `fill` separated by commas,
 * starting after `prefix`; malloc'd. */
static char *make_record(const char *prefix, size_t nfields, size_t flen, char fill, size_t *len)
{
	size_t plen = strlen(prefix);
	size_t cap = plen + nfields * (flen + 1) + 2;
	char *s = malloc(cap);
	assert_non_null(s);
	memcpy(s, prefix, plen);
	size_t k = plen;
	for (size_t f = 0; f < nfields; f++) {
		memset(s + k, fill, flen);
		k += flen;
		s[k++] = f + 1 == nfields ? '\n' : ',';
	}
	*len = k;
	return s;
}

static int read_one_status(const char *text, size_t len, struct shomei_diag *d)
{
	char *out = malloc(2 * CSV_MAX_RECORD_BYTES);
	assert_non_null(out);
	int got = read_all(text, len, out, 2 * CSV_MAX_RECORD_BYTES, NULL, 0, d);
	free(out);
	return got;
}

static void test_limits(void **state)
{
	(void)state;
	struct shomei_diag d;
	size_t len;
	char *s;

	/* Fields per record: exactly CSV_MAX_FIELDS is fine, one more is not. */
	s = make_record("h\n", CSV_MAX_FIELDS, 1, 'x', &len);
	assert_int_equal(read_one_status(s, len, &d), 0);
	free(s);
	s = make_record("h\n", CSV_MAX_FIELDS + 1, 1, 'x', &len);
	diag_clear(&d);
	assert_int_equal(read_one_status(s, len, &d), SHOMEI_ERR_LIMIT);
	assert_string_equal(d.where, "line 2");
	assert_non_null(strstr(d.what, "more than 64 fields"));
	free(s);
	s = make_record("h\n", CSV_MAX_FIELDS + 1, 0, 'x', &len); /* empty fields count too */
	assert_int_equal(read_one_status(s, len, &d), SHOMEI_ERR_LIMIT);
	free(s);

	/* Bytes per field. */
	s = make_record("h\n", 1, CSV_MAX_FIELD_BYTES, 'x', &len);
	assert_int_equal(read_one_status(s, len, &d), 0);
	free(s);
	s = make_record("h\n\n", 1, CSV_MAX_FIELD_BYTES + 1, 'x', &len);
	diag_clear(&d);
	assert_int_equal(read_one_status(s, len, &d), SHOMEI_ERR_LIMIT);
	assert_string_equal(d.where, "line 3");
	assert_non_null(strstr(d.what, "field longer than 4096 bytes"));
	free(s);
	/* The ceiling counts the text after unquoting: 4096 quotes written as "". */
	s = malloc(2 * CSV_MAX_FIELD_BYTES + 8);
	len = 0;
	s[len++] = '"';
	for (int i = 0; i < CSV_MAX_FIELD_BYTES; i++) {
		s[len++] = '"';
		s[len++] = '"';
	}
	s[len++] = '"';
	s[len++] = '\n';
	assert_int_equal(read_one_status(s, len, &d), 0);
	free(s);
	/* ... and whole UTF-8 characters: 1365 x 3 bytes fit, one more does not. */
	s = malloc(3 * 1366 + 2);
	len = 0;
	for (int i = 0; i < 1366; i++) {
		memcpy(s + len, "\xe5\xad\xa6", 3);
		len += 3;
	}
	s[len++] = '\n';
	assert_int_equal(read_one_status(s, len - 4, &d), 0);
	assert_int_equal(read_one_status(s, len, &d), SHOMEI_ERR_LIMIT);
	free(s);

	/* Bytes per record: 16 fields of 4096 are exactly the ceiling. */
	s = make_record("h\n", CSV_MAX_RECORD_BYTES / CSV_MAX_FIELD_BYTES, CSV_MAX_FIELD_BYTES, 'y',
			&len);
	assert_int_equal(read_one_status(s, len, &d), 0);
	/* One more field of one byte is over it. */
	char *t = malloc(len + 3);
	memcpy(t, s, len - 1);
	memcpy(t + len - 1, ",y\n", 3);
	diag_clear(&d);
	assert_int_equal(read_one_status(t, len + 2, &d), SHOMEI_ERR_LIMIT);
	assert_string_equal(d.where, "line 2");
	assert_non_null(strstr(d.what, "record longer than 65536 bytes"));
	free(t);
	free(s);
	/* A record over the ceiling names the line it starts on, not where it
	 * crossed it: 17 quoted fields of 4000 bytes, each ending in a line break
	 * inside its quotes, starting on line 3. */
	size_t cap = 17 * 4003 + 16;
	s = malloc(cap);
	memcpy(s, "h\n\n", 3);
	len = 3;
	for (int f = 0; f < 17; f++) {
		s[len++] = '"';
		memset(s + len, 'z', 3999);
		len += 3999;
		s[len++] = '\n';
		s[len++] = '"';
		s[len++] = f == 16 ? '\n' : ',';
	}
	diag_clear(&d);
	assert_true(len <= cap);
	assert_int_equal(read_one_status(s, len, &d), SHOMEI_ERR_LIMIT);
	assert_string_equal(d.where, "line 3");
	free(s);
}

/* The example class export in the docs reads cleanly, every row as wide as its
 * header, and the columns the issuer needs are found. */
static void test_docs_example(void **state)
{
	(void)state;
	FILE *f = fopen("docs/examples/class-2026.csv", "rb");
	assert_non_null(f);
	static char text[65536];
	size_t len = fread(text, 1, sizeof text, f);
	assert_true(feof(f));
	fclose(f);
	struct csv_reader *r = csv_reader_new(text, len);
	struct csv_record rec;
	struct shomei_diag d;
	assert_int_equal(csv_next(r, &rec, &d), 1);
	size_t width = rec.nfields;
	assert_true(csv_header_index(&rec, "holder") >= 0);
	assert_true(csv_header_index(&rec, "name") >= 0);
	assert_true(csv_header_index(&rec, "studentId") >= 0);
	size_t rows = 0, last = rec.line;
	int got;
	while ((got = csv_next(r, &rec, &d)) == 1) {
		assert_int_equal(rec.nfields, width);
		assert_true(rec.line > last);
		last = rec.line;
		rows++;
	}
	if (got != 0)
		fail_msg("%s: %s", d.where, d.what);
	assert_true(rows >= 1);
	csv_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts),	 cmocka_unit_test(test_japanese_bytes),
	    cmocka_unit_test(test_line_numbers), cmocka_unit_test(test_header_index),
	    cmocka_unit_test(test_refusals),	 cmocka_unit_test(test_records_before_an_error),
	    cmocka_unit_test(test_limits),	 cmocka_unit_test(test_docs_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
