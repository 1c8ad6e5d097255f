/* The class CSV reader: never a crash; records within the ceilings, fields
 * valid UTF-8 without NUL, line numbers that only grow. */
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s;
		size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!n)
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return 0;
		s += n;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader *r = csv_reader_new((const char *)data, size);
	if (!r)
		return 0;
	struct csv_record rec;
	struct shomei_diag d;
	size_t last = 0;
	int got;
	while ((got = csv_next(r, &rec, &d)) == 1) {
		if (rec.nfields == 0 || rec.nfields > CSV_MAX_FIELDS || rec.line <= last)
			abort();
		last = rec.line;
		size_t total = 0;
		for (size_t i = 0; i < rec.nfields; i++) {
			size_t n = strlen(rec.fields[i]);
			if (n > CSV_MAX_FIELD_BYTES || !valid_utf8((const unsigned char *)rec.fields[i]))
				abort();
			total += n;
		}
		if (total > CSV_MAX_RECORD_BYTES)
			abort();
	}
	if (got < 0 && strncmp(d.where, "line ", 5) != 0)
		abort(); /* every error names its line */
	csv_reader_free(r);
	return 0;
}
