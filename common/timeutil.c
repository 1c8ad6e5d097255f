/* Calendar arithmetic by hand (days from civil, H. Hinnant's algorithm), since
 * timegm/mktime depend on the process's timezone and on 32-bit time_t. */
#include "timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Reads exactly n digits. */
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

static int parse_date_part(const char **p, int *y, int *m, int *d)
{
	if (digits(p, 4, y) || **p != '-' || (++*p, digits(p, 2, m)) || **p != '-' ||
	    (++*p, digits(p, 2, d)))
		return -1;
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -2;
	return 0;
}

int timeutil_parse_date(const char *s, int *y, int *m, int *dd, struct shomei_diag *d)
{
	const char *p = s ? s : "";
	int r = parse_date_part(&p, y, m, dd);
	if (r == 0 && *p == '\0')
		return 0;
	*y = *m = *dd = 0;
	if (r == -2)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a valid calendar date");
	return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a date of the form YYYY-MM-DD");
}

int timeutil_parse_datetime(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
{
	*unix_seconds = 0;
	const char *p = s ? s : "";
	int y, mo, da, h, mi, se;
	int r = parse_date_part(&p, &y, &mo, &da);
	if (r == -2)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a valid calendar date");
	if (r || *p++ != 'T' || digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &se))
		goto malformed;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto malformed;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	int offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om))
			goto malformed;
		if (oh > 14 || om > 59 || (oh == 14 && om != 0))
			return diag_set(d, SHOMEI_ERR_INVALID, NULL, "time zone offset out of range");
		offset = sign * (oh * 3600 + om * 60);
	} else {
		return diag_set(d, SHOMEI_ERR_INVALID, NULL,
				"no time zone (Z or +hh:mm is required)");
	}
	if (*p != '\0')
		goto malformed;
	if (h > 23 || mi > 59 || se > 60)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "time of day out of range");
	if (se == 60)
		se = 59;
	*unix_seconds = days_from_civil(y, (unsigned)mo, (unsigned)da) * 86400 + h * 3600 +
			mi * 60 + se - offset;
	return 0;
malformed:
	return diag_set(d, SHOMEI_ERR_INVALID, NULL,
			"not an XML Schema dateTimeStamp (YYYY-MM-DDThh:mm:ssZ)");
}

int timeutil_parse_at(const char *s, int64_t *unix_seconds, struct shomei_diag *d)
{
	*unix_seconds = 0;
	const char *p = s && *s == '-' ? s + 1 : s;
	if (p && *p && strspn(p, "0123456789") == strlen(p)) {
		errno = 0;
		char *end;
		long long v = strtoll(s, &end, 10);
		/* Years 0001..9999 bound what the rest of shomei can print. */
		if (errno || *end || v < -62135596800LL || v > 253402300799LL)
			return diag_set(d, SHOMEI_ERR_INVALID, NULL, "out of range");
		*unix_seconds = v;
		return 0;
	}
	return timeutil_parse_datetime(s, unix_seconds, d);
}

int timeutil_format(int64_t t, char out[TIMEUTIL_RFC3339_BYTES])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999) {
		snprintf(out, TIMEUTIL_RFC3339_BYTES, "(out of range)");
		return SHOMEI_ERR_INVALID;
	}
	snprintf(out, TIMEUTIL_RFC3339_BYTES, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	return 0;
}

int64_t timeutil_now(void)
{
	return (int64_t)time(NULL);
}
