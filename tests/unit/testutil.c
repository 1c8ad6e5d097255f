#include "testutil.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

char *tu_read_vector(const char *rel, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "vectors/%s", rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (tests run from the repository root)", path);
	size_t cap = 4096, n = 0;
	char *p = malloc(cap + 1);
	assert_non_null(p);
	size_t r;
	while ((r = fread(p + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			p = realloc(p, cap + 1);
			assert_non_null(p);
		}
	}
	fclose(f);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

json_t *tu_load_json_vector(const char *rel)
{
	size_t len;
	char *text = tu_read_vector(rel, &len);
	json_error_t e;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
	free(text);
	if (!j)
		fail_msg("vectors/%s: %s (line %d)", rel, e.text, e.line);
	return j;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t tu_hex_decode(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;
	int hi = -1;
	for (const char *s = hex; *s; s++) {
		if (isspace((unsigned char)*s))
			continue;
		int v = hexval((unsigned char)*s);
		if (v < 0)
			fail_msg("bad hex digit in '%s'", hex);
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= max)
				fail_msg("hex longer than %zu bytes", max);
			out[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		fail_msg("odd-length hex '%s'", hex);
	return n;
}

unsigned char *tu_hex_decode_alloc(const char *hex, size_t *len)
{
	size_t max = strlen(hex) / 2 + 1;
	unsigned char *out = malloc(max);
	assert_non_null(out);
	*len = tu_hex_decode(hex, out, max);
	return out;
}

char *tu_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[1024];
	snprintf(tmpl, sizeof tmpl, "%s/shomei-test-XXXXXX", base && *base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	char *copy = strdup(d);
	assert_non_null(copy);
	return copy;
}

void tu_rm_rf(const char *path)
{
	char cmd[1200];
	/* Test-only: paths come from tu_tempdir, so they need no quoting beyond this. */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fail_msg("cannot remove %s", path);
}
