/* Calendar arithmetic by hand: timegm is not in POSIX, mktime depends on the
 * process's TZ and locale, and either may use a 32-bit time_t. The range is
 * years 0001-9999, so the proleptic Gregorian day count is plain counting of
 * 400-, 100-, 4- and 1-year cycles from 0001-01-01, with no negative division. */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define SECONDS_PER_DAY 86400
#define DAYS_PER_400Y	146097
#define DAYS_PER_100Y	36524
#define DAYS_PER_4Y	1461
#define DAYS_PER_1Y	365
/* Days from 0001-01-01 to 1970-01-01. */
#define EPOCH_DAY 719162

_Static_assert(TIMEUTIL_MIN_SECONDS == -(int64_t)EPOCH_DAY * SECONDS_PER_DAY,
	       "0001-01-01T00:00:00Z");
_Static_assert(TIMEUTIL_MAX_SECONDS ==
		   (int64_t)(25 * DAYS_PER_400Y - 366 - EPOCH_DAY) * SECONDS_PER_DAY - 1,
	       "9999-12-31T23:59:59Z: years 1-10000 are 25 whole 400-year cycles, "
	       "less the leap year 10000");
_Static_assert(TIMEUTIL_RFC3339_BYTES >= sizeof "YYYY-MM-DDThh:mm:ssZ", "room for the format");

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days before month m (1-12) in a common year. */
static const int days_before_month[13] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

/* Days from 1970-01-01 to y-m-d, for a valid date in years 1-9999. */
static int64_t days_from_date(int y, int m, int d)
{
	int64_t py = y - 1; /* whole years before y */
	int64_t n = py * DAYS_PER_1Y + py / 4 - py / 100 + py / 400;
	n += days_before_month[m] + (m > 2 && is_leap(y)) + d - 1;
	return n - EPOCH_DAY;
}

/* The inverse, for days from 0001-01-01 to 9999-12-31. */
static void date_from_days(int64_t days, int *y, int *m, int *d)
{
	int64_t n = days + EPOCH_DAY; /* days since 0001-01-01, >= 0 */
	int64_t c400 = n / DAYS_PER_400Y;
	n %= DAYS_PER_400Y;
	int64_t c100 = n / DAYS_PER_100Y;
	if (c100 == 4) /* the 400th year's extra leap day */
		c100 = 3;
	n -= c100 * DAYS_PER_100Y;
	int64_t c4 = n / DAYS_PER_4Y;
	n %= DAYS_PER_4Y;
	int64_t c1 = n / DAYS_PER_1Y;
	if (c1 == 4) /* the 4th year's leap day */
		c1 = 3;
	n -= c1 * DAYS_PER_1Y;
	*y = (int)(c400 * 400 + c100 * 100 + c4 * 4 + c1 + 1);
	int doy = (int)n; /* 0-based day of the year */
	int month = 12;
	while (days_before_month[month] + (month > 2 && is_leap(*y)) > doy)
		month--;
	*m = month;
	*d = doy - days_before_month[month] - (month > 2 && is_leap(*y)) + 1;
}

/* Reads exactly n ASCII digits; stops at the first non-digit (so never past a NUL). */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Reads the expected character c; does not move past a mismatch (or the NUL). */
static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

enum { DATE_OK = 0, DATE_MALFORMED = -1, DATE_NO_SUCH_DAY = -2 };

static int date_part(const char **p, int *y, int *m, int *d)
{
	if (digits(p, 4, y) || expect(p, '-') || digits(p, 2, m) || expect(p, '-') ||
	    digits(p, 2, d))
		return DATE_MALFORMED;
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return DATE_NO_SUCH_DAY;
	return DATE_OK;
}

#define DATE_FORM     "not a date of the form YYYY-MM-DD"
#define NO_SUCH_DAY   "not a valid calendar date"
#define DATETIME_FORM "not an XML Schema dateTimeStamp (YYYY-MM-DDThh:mm:ssZ)"

int timeutil_parse_date(const char *s, int *y, int *m, int *dd, struct shomei_diag *d)
{
	const char *p = s ? s : "";
	int r = date_part(&p, y, m, dd);
	if (r == DATE_OK && *p == '\0')
		return 0;
	*y = *m = *dd = 0;
	if (r == DATE_NO_SUCH_DAY && *p == '\0')
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, NO_SUCH_DAY);
	return diag_set(d, SHOMEI_ERR_PARSE, NULL, DATE_FORM);
}

/* Would s be a dateTimeStamp with 't' and 'z' in uppercase? Only to say so
 * rather than give the generic message. */
static int lowercase_only(const char *s)
{
	char up[64];
	size_t n = strlen(s);
	if (n >= sizeof up)
		return 0;
	memcpy(up, s, n + 1);
	int changed = 0;
	if (n > 10 && up[10] == 't') {
		up[10] = 'T';
		changed = 1;
	}
	if (n > 0 && up[n - 1] == 'z') {
		up[n - 1] = 'Z';
		changed = 1;
	}
	int64_t ignored;
	return changed && timeutil_parse_datetime(up, &ignored, NULL) == 0;
}

int timeutil_parse_datetime(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
{
	*unix_seconds = 0;
	const char *str = s ? s : "";
	const char *p = str;
	int y, mo, da, h, mi, se;
	int r = date_part(&p, &y, &mo, &da);
	if (r == DATE_MALFORMED || expect(&p, 'T') || digits(&p, 2, &h) || expect(&p, ':') ||
	    digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &se))
		goto malformed;
	if (*p == '.') {
		p++;
		/* At least one digit (XSD: '.' s+); the value only ever truncates. */
		if (*p < '0' || *p > '9')
			goto malformed;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	int offset = 0, oh = 0, om = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || expect(&p, ':') || digits(&p, 2, &om))
			goto malformed;
		offset = sign * (oh * 3600 + om * 60);
	} else if (*p == '\0') {
		return diag_set(d, SHOMEI_ERR_PARSE, NULL,
				"no time zone (Z or +hh:mm is required)");
	} else {
		goto malformed;
	}
	if (*p != '\0')
		goto malformed;

	/* Well formed; now the ranges. */
	if (r == DATE_NO_SUCH_DAY)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, NO_SUCH_DAY);
	if (h == 24)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL,
				"24:00:00 is not accepted (write 00:00:00 of the next day)");
	if (h > 23 || mi > 59 || se > 60)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "time of day out of range");
	if (oh > 14 || om > 59 || (oh == 14 && om != 0))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL,
				"time zone offset out of range (at most 14:00)");
	if (se == 60)
		se = 59; /* a leap second: Unix time has none */
	int64_t t = days_from_date(y, mo, da) * SECONDS_PER_DAY + h * 3600 + mi * 60 + se - offset;
	if (t < TIMEUTIL_MIN_SECONDS || t > TIMEUTIL_MAX_SECONDS)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "outside years 0001-9999 in UTC");
	*unix_seconds = t;
	return 0;

malformed:
	if (lowercase_only(str))
		return diag_set(d, SHOMEI_ERR_PARSE, NULL,
				"lowercase 't' or 'z' (XML Schema requires 'T' and 'Z')");
	return diag_set(d, SHOMEI_ERR_PARSE, NULL, DATETIME_FORM);
}

int timeutil_parse_at(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
{
	*unix_seconds = 0;
	const char *p = s ? s : "";
	int negative = *p == '-';
	if (negative)
		p++;
	if (*p < '0' || *p > '9')
		return timeutil_parse_datetime(s, unix_seconds, d);
	/* Digits, then either the end (seconds) or '-' (a date-time's year). */
	const char *q = p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q != '\0')
		return timeutil_parse_datetime(s, unix_seconds, d);
	/* Accumulate toward the bound by hand rather than through strtoll and
	 * errno: the bound is far inside int64_t, so 13 digits past leading zeros
	 * decide it and nothing can overflow. */
	const int64_t limit = negative ? -TIMEUTIL_MIN_SECONDS : TIMEUTIL_MAX_SECONDS;
	int64_t v = 0;
	for (; p < q; p++) {
		v = v * 10 + (*p - '0');
		if (v > limit)
			return diag_set(d, SHOMEI_ERR_INVALID, NULL,
					"Unix time outside years 0001-9999");
	}
	*unix_seconds = negative ? -v : v;
	return 0;
}

int timeutil_format(int64_t t, char out[TIMEUTIL_RFC3339_BYTES])
{
	if (t < TIMEUTIL_MIN_SECONDS || t > TIMEUTIL_MAX_SECONDS) {
		snprintf(out, TIMEUTIL_RFC3339_BYTES, "(out of range)");
		return SHOMEI_ERR_INVALID;
	}
	/* Shift to 0001-01-01 so that the division is on non-negative numbers. */
	int64_t since_year1 = t - TIMEUTIL_MIN_SECONDS;
	int64_t days = since_year1 / SECONDS_PER_DAY - EPOCH_DAY;
	int secs = (int)(since_year1 % SECONDS_PER_DAY);
	int y, m, d;
	date_from_days(days, &y, &m, &d);
	snprintf(out, TIMEUTIL_RFC3339_BYTES, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		 secs / 3600, secs / 60 % 60, secs % 60);
	return 0;
}

int64_t timeutil_now(void)
{
	return (int64_t)time(NULL);
}
