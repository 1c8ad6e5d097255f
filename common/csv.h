/* csv.h - RFC 4180 CSV, as a student system exports a class.
 *
 * The registrar's export: UTF-8, first row the header, one student per row.
 * What is read (RFC 4180 §2, with the choices it leaves open made here):
 *  - fields separated by ',' (§2.4); a record ends at LF or CR LF, or at the
 *    end of the input (§2.2: the last line break is optional); a CR not
 *    followed by LF is refused anywhere, also inside quotes;
 *  - a field is either bare, with no '"', CR or LF in it, or enclosed in double
 *    quotes, inside which ',' CR LF and LF are text and "" is one '"' (§2.5-2.7);
 *    after the closing quote comes ',', the line end or the end of the input;
 *    spaces are text (§2.4), never trimmed;
 *  - fields are kept byte for byte (a quoted CR LF stays CR LF);
 *  - a UTF-8 byte-order mark (EF BB BF) at the very start is skipped, as Excel
 *    writes one; elsewhere it is an ordinary character;
 *  - empty lines between records are skipped (a line holding only "" is a
 *    record with one empty field);
 *  - every byte must be strict UTF-8 (RFC 3629 §4: no overlong forms, no
 *    surrogates, nothing above U+10FFFF), and NUL is refused.
 * Every record knows the line it starts on, so that errors can name it.
 */
#ifndef SHOMEI_CSV_H
#define SHOMEI_CSV_H

#include "err.h"

#include <stddef.h>

#define CSV_MAX_FIELDS	     64	   /* fields in one record */
#define CSV_MAX_FIELD_BYTES  4096  /* bytes of one field's text, after unquoting */
#define CSV_MAX_RECORD_BYTES 65536 /* bytes of all a record's field texts together */

_Static_assert(CSV_MAX_FIELD_BYTES <= CSV_MAX_RECORD_BYTES, "a field fits in a record");

struct csv_record {
	const char *fields[CSV_MAX_FIELDS]; /* NUL-terminated UTF-8, owned by the reader */
	size_t nfields;			    /* 1..CSV_MAX_FIELDS in a record read */
	size_t line;			    /* 1-based line the record starts on */
};

struct csv_reader; /* opaque */

/* Returns a reader over data[0..len), which it borrows: data must stay alive
 * and unchanged until csv_reader_free. data may be NULL when len is 0.
 * NULL when out of memory (the reader holds one record's storage, about 66 KB).
 * The caller frees it with csv_reader_free (NULL-safe). */
struct csv_reader *csv_reader_new(const char *data, size_t len);
void csv_reader_free(struct csv_reader *r);

/* Reads the next record. Returns:
 *   1  and fills *rec: rec->fields[0..nfields) point into the reader's storage
 *      and stay valid until the next csv_next or csv_reader_free;
 *   0  at the end of the input (*rec cleared);
 *   <0 SHOMEI_ERR_PARSE (bad quoting, invalid UTF-8, NUL, a CR without LF) or
 *      SHOMEI_ERR_LIMIT (more than CSV_MAX_FIELDS fields, a field or record
 *      over its byte ceiling), with d->where "line N" and *rec cleared.
 * N is the line where the fault is seen, except for a quote never closed,
 * where it is the line that quote opened on, and for a record over its byte
 * ceiling, where it is the line the record starts on.
 * Errors are sticky: once csv_next has failed it returns the same error and
 * diagnostic on every later call, so a loop that stops only at 0 cannot mistake
 * a broken file for a short one. */
int csv_next(struct csv_reader *r, struct csv_record *rec, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Returns the index of the first field of hdr equal to name (byte for byte:
 * no trimming, no case folding), or -1 when there is none or either is NULL. */
int csv_header_index(const struct csv_record *hdr, const char *name);

#endif
