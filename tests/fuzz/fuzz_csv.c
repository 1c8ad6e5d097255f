/* The class CSV reader on arbitrary bytes: never a crash; every record within
 * the ceilings, its fields strict UTF-8 without NUL (checked here by separate
 * code); line numbers that only grow and stay within the input; errors that
 * name a line and stay put; and each record, written back out with every field
 * quoted, reads back as the same fields. */
#include "csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8 (RFC 3629 §4, Table 3), written apart from csv.c on purpose. */
static int strict_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xbf;
		size_t len;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		else
			return 0;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += len;
	}
	return 1;
}

/* Writes rec with every field quoted and '"' doubled, then reads it back. */
static void check_rewrite(const struct csv_record *rec)
{
	static char out[2 * CSV_MAX_RECORD_BYTES + 3 * CSV_MAX_FIELDS + 2];
	size_t n = 0;
	for (size_t i = 0; i < rec->nfields; i++) {
		out[n++] = '"';
		for (const char *p = rec->fields[i]; *p; p++) {
			if (*p == '"')
				out[n++] = '"';
			out[n++] = *p;
		}
		out[n++] = '"';
		out[n++] = i + 1 == rec->nfields ? '\n' : ',';
	}
	struct csv_reader *r = csv_reader_new(out, n);
	if (!r)
		return;
	struct csv_record again;
	struct shomei_diag d;
	if (csv_next(r, &again, &d) != 1 || again.nfields != rec->nfields || again.line != 1)
		abort();
	for (size_t i = 0; i < rec->nfields; i++)
		if (strcmp(again.fields[i], rec->fields[i]) != 0)
			abort();
	if (csv_next(r, &again, &d) != 0)
		abort();
	csv_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';

	struct csv_reader *r = csv_reader_new((const char *)data, size);
	if (!r)
		return 0;
	struct csv_record rec;
	struct shomei_diag d;
	diag_clear(&d);
	size_t last = 0;
	int got;
	while ((got = csv_next(r, &rec, &d)) == 1) {
		if (rec.nfields == 0 || rec.nfields > CSV_MAX_FIELDS || rec.line <= last ||
		    rec.line > lines)
			abort();
		last = rec.line;
		size_t total = 0;
		for (size_t i = 0; i < rec.nfields; i++) {
			size_t n = strlen(rec.fields[i]);
			if (n > CSV_MAX_FIELD_BYTES ||
			    !strict_utf8((const unsigned char *)rec.fields[i], n))
				abort();
			total += n;
		}
		if (total > CSV_MAX_RECORD_BYTES)
			abort();
		check_rewrite(&rec);
	}
	if (got < 0) {
		if (got != SHOMEI_ERR_PARSE && got != SHOMEI_ERR_LIMIT)
			abort();
		/* Every error names a line after the last record's start. */
		size_t line = 0;
		char tail;
		if (sscanf(d.where, "line %zu%c", &line, &tail) != 1 || line <= last ||
		    line > lines || d.what[0] == '\0')
			abort();
		struct shomei_diag again;
		if (csv_next(r, &rec, &again) != got || strcmp(again.where, d.where) != 0 ||
		    rec.nfields != 0)
			abort();
	} else if (got != 0 || csv_next(r, &rec, &d) != 0) {
		abort();
	}
	csv_reader_free(r);
	return 0;
}
