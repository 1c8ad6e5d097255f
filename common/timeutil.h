/* timeutil.h - the times credentials carry, independent of timezone and locale.
 *
 * VC 2.0 (validFrom, validUntil; VC Data Model 2.0 §4.9) and Data Integrity
 * (proof.created, proof.expires; VC Data Integrity 1.0 §2.1) use the XML Schema
 * 1.1 dateTimeStamp (XSD 1.1 Part 2 §3.4.28, the lexical space of dateTime in
 * §3.3.7 with the zone required):
 *
 *     YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)
 *
 * shomei reads it strictly, and narrower than XSD in three documented ways:
 *  - uppercase 'T' and 'Z' only: RFC 3339 §5.6 allows 't' and 'z', XSD does not,
 *    and XSD is what the credentials cite;
 *  - years 0001-9999 exactly four digits (XSD allows more digits and negative
 *    years), and the instant, once moved to UTC, must lie in
 *    [TIMEUTIL_MIN_SECONDS, TIMEUTIL_MAX_SECONDS], so that every time shomei
 *    accepts can be printed back by timeutil_format;
 *  - 24:00:00 (XSD's "end of the day") is refused: write 00:00:00 of the next
 *    day instead.
 * A fraction of any length is accepted and truncated toward the earlier second
 * (the arithmetic is in whole seconds). A leap second, ss = 60 (RFC 3339 §5.7),
 * is accepted and read as 59 of the same minute. The zone offset is at most
 * 14:00 either way (XSD's bound).
 *
 * All arithmetic is shomei's own proleptic Gregorian calendar in int64_t; no
 * timegm/mktime, so neither TZ nor the locale nor a 32-bit time_t matters.
 */
#ifndef SHOMEI_TIMEUTIL_H
#define SHOMEI_TIMEUTIL_H

#include "err.h"

#include <stdint.h>

/* Room for what timeutil_format writes: "YYYY-MM-DDThh:mm:ssZ" is 20 bytes and
 * a NUL; the rest is slack so callers' arrays never need to change. */
#define TIMEUTIL_RFC3339_BYTES 32

/* The first and last second shomei reads or writes:
 * 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds. */
#define TIMEUTIL_MIN_SECONDS (-62135596800LL)
#define TIMEUTIL_MAX_SECONDS 253402300799LL

/* Parses a dateTimeStamp (see above) into seconds since 1970-01-01T00:00:00Z.
 * s is borrowed and must be NUL-terminated; the whole string must match, with
 * no surrounding spaces. NULL is treated as "".
 * Returns 0, or SHOMEI_ERR_PARSE (not of that form: missing zone, lowercase
 * 't'/'z', a space for 'T', trailing text) or SHOMEI_ERR_INVALID (of that form
 * but out of range: no such calendar date, hour 24, minute 60, offset beyond
 * 14:00, outside years 0001-9999 in UTC). d->where is "" (callers prefix the
 * member's name). On failure *unix_seconds is 0. */
int timeutil_parse_datetime(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Parses a date "YYYY-MM-DD" exactly (XSD 1.1 §3.3.9 without the optional zone,
 * years 0001-9999), as Open Badges 3.0 uses for a birth or conferral date.
 * The date must exist ("2023-02-29" does not). Errors as for
 * timeutil_parse_datetime; "not a valid calendar date" for a well-formed date
 * that does not exist. On failure *y, *m and *dd are 0. */
int timeutil_parse_date(const char *s, int *y, int *m, int *dd, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* What the programs' --at option takes: either a dateTimeStamp as above, or
 * Unix seconds as decimal digits with an optional leading '-' (nothing else:
 * no '+', no spaces). A string of digits is always read as seconds, so "2026"
 * is 1970-01-01T00:33:46Z, not a year. Seconds outside
 * [TIMEUTIL_MIN_SECONDS, TIMEUTIL_MAX_SECONDS] are SHOMEI_ERR_INVALID.
 * On failure *unix_seconds is 0. */
int timeutil_parse_at(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Writes unix_seconds as "2026-03-25T00:00:00Z" (UTC, no fraction: the form
 * timeutil_parse_datetime reads back to the same value) into out, NUL-terminated.
 * Returns 0, or SHOMEI_ERR_INVALID outside [TIMEUTIL_MIN_SECONDS,
 * TIMEUTIL_MAX_SECONDS], and then out holds "(out of range)" so a caller that
 * prints it anyway prints no stale text. */
int timeutil_format(int64_t unix_seconds, char out[TIMEUTIL_RFC3339_BYTES]);

/* The current time in Unix seconds (the system's realtime clock). */
int64_t timeutil_now(void);

#endif
