/* CSV by hand: Debian's libcsv (libcsv-dev) has had no release since 2013, and
 * it gives neither the line a record starts on, nor strict UTF-8, nor hard
 * ceilings on fields and record size, which a registrar's file from outside
 * needs. The reader is a single pass over a memory buffer into one fixed
 * storage area, so no input can make it allocate. */
#include "csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field texts with one NUL each. */
#define STORAGE_BYTES (CSV_MAX_RECORD_BYTES + CSV_MAX_FIELDS)

struct csv_reader {
	const char *p, *end;
	size_t line; /* the line p is on */
	int err;     /* sticky: 0, or the error every later call returns */
	struct shomei_diag err_diag;
	char storage[STORAGE_BYTES];
};

struct csv_reader *csv_reader_new(const char *data, size_t len)
{
	struct csv_reader *r = malloc(sizeof *r);
	if (!r)
		return NULL;
	/* NULL + 0 is undefined in C; an empty input needs no pointer anyway. */
	if (!data) {
		data = "";
		len = 0;
	}
	r->p = data;
	r->end = data + len;
	r->line = 1;
	r->err = 0;
	diag_clear(&r->err_diag);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	free(r);
}

/* Length of the strict UTF-8 sequence at s (RFC 3629 §4), or 0 if there is none. */
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
		return 0; /* a continuation byte, C0/C1 (always overlong), F5-FF */
	}
	if ((size_t)(end - s) < n)
		return 0;
	unsigned cp = c & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int fail(struct csv_reader *r, struct csv_record *rec, struct shomei_diag *d, int err,
		size_t line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int fail(struct csv_reader *r, struct csv_record *rec, struct shomei_diag *d, int err,
		size_t line, const char *fmt, ...)
{
	char where[32], what[DIAG_WHAT_BYTES];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof where, "line %zu", line);
	r->err = diag_set(&r->err_diag, err, where, "%s", what);
	memset(rec, 0, sizeof *rec);
	if (d)
		*d = r->err_diag;
	return err;
}

/* Is p at a line end: LF, or CR LF? A lone CR is neither. */
static int at_line_end(const struct csv_reader *r, const char *p)
{
	return p < r->end && (*p == '\n' || (*p == '\r' && p + 1 < r->end && p[1] == '\n'));
}

int csv_next(struct csv_reader *r, struct csv_record *rec, struct shomei_diag *d)
{
	memset(rec, 0, sizeof *rec);
	if (r->err) {
		if (d)
			*d = r->err_diag;
		return r->err;
	}
	while (at_line_end(r, r->p)) {
		r->p += *r->p == '\r' ? 2 : 1;
		r->line++;
	}
	if (r->p >= r->end)
		return 0;

	rec->line = r->line;
	size_t used = 0; /* storage bytes so far, NULs included */
	size_t text = 0; /* field text bytes so far, the record ceiling's measure */
	for (;;) {
		if (rec->nfields == CSV_MAX_FIELDS)
			return fail(r, rec, d, SHOMEI_ERR_LIMIT, r->line, "more than %zu fields",
				    (size_t)CSV_MAX_FIELDS);
		char *field = r->storage + used;
		size_t flen = 0;
		size_t quote_line = r->line;
		int quoted = r->p < r->end && *r->p == '"';
		if (quoted)
			r->p++;
		for (;;) {
			if (r->p >= r->end) {
				if (quoted)
					return fail(r, rec, d, SHOMEI_ERR_PARSE, quote_line,
						    "quote opened here is never closed");
				break;
			}
			unsigned char c = (unsigned char)*r->p;
			if (c == '"') {
				if (!quoted)
					return fail(r, rec, d, SHOMEI_ERR_PARSE, r->line,
						    "quote inside an unquoted field");
				if (r->p + 1 < r->end && r->p[1] == '"') {
					r->p++; /* "" is one quote: keep the second */
				} else {
					r->p++;
					break;
				}
			} else if (c == '\r' && !at_line_end(r, r->p)) {
				return fail(r, rec, d, SHOMEI_ERR_PARSE, r->line,
					    "carriage return without line feed");
			} else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
				break;
			} else if (c == '\0') {
				return fail(r, rec, d, SHOMEI_ERR_PARSE, r->line, "NUL byte");
			}
			size_t n =
			    utf8_len((const unsigned char *)r->p, (const unsigned char *)r->end);
			if (n == 0)
				return fail(r, rec, d, SHOMEI_ERR_PARSE, r->line, "invalid UTF-8");
			if (flen + n > CSV_MAX_FIELD_BYTES)
				return fail(r, rec, d, SHOMEI_ERR_LIMIT, r->line,
					    "field longer than %zu bytes",
					    (size_t)CSV_MAX_FIELD_BYTES);
			if (text + flen + n > CSV_MAX_RECORD_BYTES)
				return fail(r, rec, d, SHOMEI_ERR_LIMIT, rec->line,
					    "record longer than %zu bytes",
					    (size_t)CSV_MAX_RECORD_BYTES);
			if (c == '\n')
				r->line++;
			memcpy(field + flen, r->p, n);
			flen += n;
			r->p += n;
		}
		/* Within STORAGE_BYTES: text <= CSV_MAX_RECORD_BYTES and at most
		 * CSV_MAX_FIELDS NULs. */
		field[flen] = '\0';
		rec->fields[rec->nfields++] = field;
		used += flen + 1;
		text += flen;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		/* The record ends: CR LF, LF, or the end of the input. Only a
		 * closing quote can leave anything else here. */
		if (r->p < r->end && !at_line_end(r, r->p)) {
			if (*r->p == '\r')
				return fail(r, rec, d, SHOMEI_ERR_PARSE, r->line,
					    "carriage return without line feed");
			return fail(r, rec, d, SHOMEI_ERR_PARSE, r->line,
				    "text after a closing quote");
		}
		if (r->p < r->end)
			r->p += *r->p == '\r' ? 2 : 1;
		r->line++;
		return 1;
	}
}

int csv_header_index(const struct csv_record *hdr, const char *name)
{
	if (!hdr || !name)
		return -1;
	for (size_t i = 0; i < hdr->nfields && i < CSV_MAX_FIELDS; i++)
		if (hdr->fields[i] && strcmp(hdr->fields[i], name) == 0)
			return (int)i;
	return -1;
}
