/* RFC 4180 CSV as class exports come: quoting, line ends, BOM, UTF-8, and every
 * refusal with its line. */
#include "csv.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Reads all records of text; fields joined with '|' and records with '\n'
 * into out; returns csv_next's final value (0 at a clean end). */
static int read_all(const char *text, size_t len, char *out, size_t cap, size_t *lines,
		    struct shomei_diag *d)
{
	struct csv_reader *r = csv_reader_new(text, len);
	assert_non_null(r);
	struct csv_record rec;
	int got;
	size_t n = 0, k = 0;
	out[0] = '\0';
	while ((got = csv_next(r, &rec, d)) == 1) {
		for (size_t i = 0; i < rec.nfields; i++)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "", rec.fields[i]);
		n += (size_t)snprintf(out + n, cap - n, "\n");
		if (lines)
			lines[k++] = rec.line;
	}
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
		{"a,b\n1,2", "a|b\n1|2\n"},
		{"\xef\xbb\xbf" "name\n山田 太郎\n", "name\n山田 太郎\n"},
		{"\"a,b\",\"say \"\"hi\"\"\"\n", "a,b|say \"hi\"\n"},
		{"\"multi\nline\",x\n", "multi\nline|x\n"},
		{"a,,c\n,,\n", "a||c\n||\n"},
		{"a\n\n\nb\n", "a\nb\n"},
		{"東京大学,\"東都工業大学\"\n", "東京大学|東都工業大学\n"},
		{"\"\"\n", "\n"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[512];
		struct shomei_diag d;
		int got = read_all(cases[i].in, strlen(cases[i].in), out, sizeof out, NULL, &d);
		if (got != 0)
			fail_msg("case %zu refused: %s: %s", i, d.where, d.what);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_line_numbers(void **state)
{
	(void)state;
	const char *text = "h1,h2\n\"two\nlines\",x\n\nlast,y\n";
	size_t lines[8];
	char out[256];
	assert_int_equal(read_all(text, strlen(text), out, sizeof out, lines, NULL), 0);
	assert_int_equal(lines[0], 1);
	assert_int_equal(lines[1], 2);
	assert_int_equal(lines[2], 5);
	struct csv_record hdr;
	struct csv_reader *r = csv_reader_new(text, strlen(text));
	assert_int_equal(csv_next(r, &hdr, NULL), 1);
	assert_int_equal(csv_header_index(&hdr, "h2"), 1);
	assert_int_equal(csv_header_index(&hdr, "h3"), -1);
	csv_reader_free(r);
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		int err;
		const char *where;
	} cases[] = {
		{"a,b\n\"open,x\n", 0, SHOMEI_ERR_PARSE, "line 2"},
		{"a\nb\"c\n", 0, SHOMEI_ERR_PARSE, "line 2"},
		{"\"a\"b\n", 0, SHOMEI_ERR_PARSE, "line 1"},
		{"a\rb\n", 0, SHOMEI_ERR_PARSE, "line 1"},
		{"ok\nbad\xff\n", 0, SHOMEI_ERR_PARSE, "line 2"},
		{"ok\n\xc0\x80\n", 0, SHOMEI_ERR_PARSE, "line 2"},
		{"ok\n\xed\xa0\x80\n", 0, SHOMEI_ERR_PARSE, "line 2"},
		{"ok\n\xe6\x9d\n", 0, SHOMEI_ERR_PARSE, "line 2"},
		{"a\x00" "b\n", 4, SHOMEI_ERR_PARSE, "line 1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[256];
		struct shomei_diag d;
		diag_clear(&d);
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		int got = read_all(cases[i].in, len, out, sizeof out, NULL, &d);
		if (got != cases[i].err)
			fail_msg("case %zu: got %d (%s)", i, got, d.what);
		assert_string_equal(d.where, cases[i].where);
	}
}

static void test_limits(void **state)
{
	(void)state;
	char many[CSV_MAX_FIELDS * 2 + 8];
	size_t n = 0;
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		many[n++] = i ? ',' : 'x';
	many[n++] = '\n';
	char out[4096];
	struct shomei_diag d;
	assert_int_equal(read_all(many, n, out, sizeof out, NULL, &d), SHOMEI_ERR_LIMIT);
	/* Exactly CSV_MAX_FIELDS fields is fine: drop one comma. */
	assert_int_equal(read_all(many + 2, n - 2, out, sizeof out, NULL, &d), 0);
	char *big = malloc(CSV_MAX_FIELD_BYTES + 3);
	memset(big, 'x', CSV_MAX_FIELD_BYTES + 1);
	big[CSV_MAX_FIELD_BYTES + 1] = '\n';
	struct csv_reader *r = csv_reader_new(big, CSV_MAX_FIELD_BYTES + 2);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec, &d), SHOMEI_ERR_LIMIT);
	/* After an error the reader stays at the end. */
	assert_int_equal(csv_next(r, &rec, &d), 0);
	csv_reader_free(r);
	free(big);
	/* A record just over the record ceiling: 17 fields of 4000 bytes. */
	size_t cap = 17 * 4001 + 1;
	char *rec_text = malloc(cap);
	size_t k = 0;
	for (int f = 0; f < 17; f++) {
		memset(rec_text + k, 'y', 4000);
		k += 4000;
		rec_text[k++] = f == 16 ? '\n' : ',';
	}
	r = csv_reader_new(rec_text, k);
	assert_int_equal(csv_next(r, &rec, &d), SHOMEI_ERR_LIMIT);
	csv_reader_free(r);
	free(rec_text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
