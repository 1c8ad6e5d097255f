/* timeutil.h - the times credentials carry, independent of timezone and locale.
 *
 * VC 2.0 (validFrom, validUntil) and Data Integrity (created, expires) use the
 * XML Schema 1.1 dateTimeStamp: YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm), the
 * zone required. Parsing follows XSD strictly: uppercase 'T' and 'Z' only
 * (RFC 3339 would allow lowercase), years 0001-9999, exact calendar ranges;
 * a fraction is accepted and truncated to the second; a leap second (:60) is
 * read as :59; 24:00:00 is refused.
 */
#ifndef SHOMEI_TIMEUTIL_H
#define SHOMEI_TIMEUTIL_H

#include "err.h"

#include <stdint.h>

#define TIMEUTIL_RFC3339_BYTES 32

int timeutil_parse_datetime(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* YYYY-MM-DD exactly, a real calendar date. */
int timeutil_parse_date(const char *s, int *y, int *m, int *dd, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* What the programs' --at takes: a date-time as above, or Unix seconds
 * (digits with an optional leading '-'). */
int timeutil_parse_at(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* "2026-03-25T00:00:00Z"; SHOMEI_ERR_INVALID outside years 0001-9999. */
int timeutil_format(int64_t unix_seconds, char out[TIMEUTIL_RFC3339_BYTES]);

/* The current time, Unix seconds. */
int64_t timeutil_now(void);

#endif
