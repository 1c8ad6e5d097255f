/* CSV by hand: Debian's libcsv has had no release since 2013, and we need per-
 * record line numbers, strict UTF-8 and hard ceilings, which it does not give. */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv_reader {
	const char *p, *end;
	size_t line;
	int failed;
	char storage[CSV_MAX_RECORD_BYTES + CSV_MAX_FIELDS]; /* fields with their NULs */
};

struct csv_reader *csv_reader_new(const char *data, size_t len)
{
	struct csv_reader *r = malloc(sizeof *r);
	if (!r)
		return NULL;
	r->p = data;
	r->end = data + len;
	r->line = 1;
	r->failed = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	free(r);
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)(end - s) < n)
		return 0;
	unsigned cp = c & (0xff >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int fail(struct csv_reader *r, struct shomei_diag *d, int err, size_t line, const char *what)
{
	char where[32];
	snprintf(where, sizeof where, "line %zu", line);
	r->failed = 1;
	return diag_set(d, err, where, "%s", what);
}

int csv_next(struct csv_reader *r, struct csv_record *rec, struct shomei_diag *d)
{
	memset(rec, 0, sizeof *rec);
	if (r->failed)
		return 0;
	/* Skip blank lines. */
	while (r->p < r->end && (*r->p == '\n' || (*r->p == '\r' && r->p + 1 < r->end &&
						    r->p[1] == '\n'))) {
		r->p += *r->p == '\r' ? 2 : 1;
		r->line++;
	}
	if (r->p >= r->end)
		return 0;
	rec->line = r->line;
	size_t used = 0;
	for (;;) {
		if (rec->nfields == CSV_MAX_FIELDS)
			return fail(r, d, SHOMEI_ERR_LIMIT, r->line, "more than 64 fields");
		char *field = r->storage + used;
		size_t flen = 0;
		int quoted = r->p < r->end && *r->p == '"';
		if (quoted)
			r->p++;
		for (;;) {
			if (r->p >= r->end) {
				if (quoted)
					return fail(r, d, SHOMEI_ERR_PARSE, rec->line,
						    "unterminated quoted field");
				break;
			}
			unsigned char c = (unsigned char)*r->p;
			if (quoted && c == '"') {
				if (r->p + 1 < r->end && r->p[1] == '"') {
					r->p++; /* "" is one quote */
				} else {
					r->p++;
					quoted = 0;
					if (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
					    *r->p != '\r')
						return fail(r, d, SHOMEI_ERR_PARSE, r->line,
							    "text after a closing quote");
					continue;
				}
			} else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
				break;
			} else if (!quoted && c == '"') {
				return fail(r, d, SHOMEI_ERR_PARSE, r->line,
					    "quote inside an unquoted field");
			}
			if (c == '\r' && !(r->p + 1 < r->end && r->p[1] == '\n'))
				return fail(r, d, SHOMEI_ERR_PARSE, r->line,
					    "carriage return without line feed");
			if (c == '\n')
				r->line++;
			if (c == '\0')
				return fail(r, d, SHOMEI_ERR_PARSE, r->line, "NUL byte");
			size_t n = utf8_len((const unsigned char *)r->p, (const unsigned char *)r->end);
			if (n == 0)
				return fail(r, d, SHOMEI_ERR_PARSE, r->line, "invalid UTF-8");
			if (flen + n > CSV_MAX_FIELD_BYTES)
				return fail(r, d, SHOMEI_ERR_LIMIT, r->line,
					    "field longer than 4096 bytes");
			if (used + flen + n + 1 > sizeof r->storage ||
			    used + flen + n > CSV_MAX_RECORD_BYTES)
				return fail(r, d, SHOMEI_ERR_LIMIT, rec->line,
					    "record longer than 65536 bytes");
			memcpy(field + flen, r->p, n);
			flen += n;
			r->p += n;
		}
		field[flen] = '\0';
		rec->fields[rec->nfields++] = field;
		used += flen + 1;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		/* End of record: LF, CR LF, or end of input. */
		if (r->p < r->end && *r->p == '\r') {
			if (r->p + 1 >= r->end || r->p[1] != '\n')
				return fail(r, d, SHOMEI_ERR_PARSE, r->line,
					    "carriage return without line feed");
			r->p++;
		}
		if (r->p < r->end)
			r->p++;
		r->line++;
		return 1;
	}
}

int csv_header_index(const struct csv_record *hdr, const char *name)
{
	for (size_t i = 0; i < hdr->nfields; i++)
		if (strcmp(hdr->fields[i], name) == 0)
			return (int)i;
	return -1;
}
