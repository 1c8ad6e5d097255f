/* csv.h - RFC 4180 CSV, as a student system exports a class.
 *
 * UTF-8 only (an initial byte-order mark is skipped, as Excel writes one);
 * comma separated; fields optionally in double quotes with "" for a quote;
 * lines end in LF or CR LF; blank lines are skipped. Every record knows the
 * line it starts on, so errors can name it. Hard ceilings bound fields per
 * record and bytes per field and record.
 */
#ifndef SHOMEI_CSV_H
#define SHOMEI_CSV_H

#include "err.h"

#include <stddef.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD_BYTES 4096
#define CSV_MAX_RECORD_BYTES 65536

struct csv_record {
	const char *fields[CSV_MAX_FIELDS]; /* NUL-terminated, owned by the reader */
	size_t nfields;
	size_t line; /* 1-based line the record starts on */
};

struct csv_reader; /* opaque */

/* A reader over data[0..len), which it borrows: keep data alive until
 * csv_reader_free. NULL on OOM. */
struct csv_reader *csv_reader_new(const char *data, size_t len);
void csv_reader_free(struct csv_reader *r);

/* The next record: 1 and *rec filled (its fields valid until the next call), 0
 * at the end, or a negative error with d->where "line N": SHOMEI_ERR_PARSE
 * (bad quoting, invalid UTF-8, lone CR), SHOMEI_ERR_LIMIT (ceilings). After an
 * error the reader stays at the end. */
int csv_next(struct csv_reader *r, struct csv_record *rec, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* The column whose header field equals name, or -1. */
int csv_header_index(const struct csv_record *hdr, const char *name);

#endif
