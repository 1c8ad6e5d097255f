/* Times (common/timeutil.h): known conversions, the strict dateTimeStamp form,
 * --at's Unix seconds, and format/parse across the whole range 0001..9999,
 * checked against the C library's gmtime_r where time_t is 64 bits. */
#include "timeutil.h"
#include "err.h"
#include "init.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#define UTC_2026_03_25 1774396800LL /* 2026-03-25T00:00:00Z */

struct known {
	const char *text;
	int64_t seconds;
};

static const struct known known[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"1970-01-01T00:00:01Z", 1},
    {"1969-12-31T23:59:59Z", -1},
    {"2000-02-29T00:00:00Z", 951782400},
    {"1900-03-01T00:00:00Z", -2203891200LL},
    {"1900-02-28T23:59:59Z", -2203891201LL},
    {"1600-02-29T12:00:00Z", -11670955200LL},
    {"2100-03-01T00:00:00Z", 4107542400LL},
    {"0001-01-01T00:00:00Z", -62135596800LL},
    {"9999-12-31T23:59:59Z", 253402300799LL},
    {"2026-03-25T00:00:00Z", UTC_2026_03_25},
    /* offsets: the same instant */
    {"2026-03-25T09:00:00+09:00", UTC_2026_03_25},
    {"2026-03-24T18:30:00-05:30", UTC_2026_03_25},
    {"2026-03-25T00:00:00+00:00", UTC_2026_03_25},
    {"2026-03-25T00:00:00-00:00", UTC_2026_03_25},
    {"2026-03-25T14:00:00+14:00", UTC_2026_03_25},
    {"2026-03-24T10:00:00-14:00", UTC_2026_03_25},
    {"2026-03-25T00:59:00+00:59", UTC_2026_03_25},
    /* fractions truncate toward the earlier second */
    {"2026-03-25T00:00:00.0Z", UTC_2026_03_25},
    {"2026-03-25T00:00:00.5Z", UTC_2026_03_25},
    {"2026-03-25T00:00:00.999999999999999999999Z", UTC_2026_03_25},
    {"2026-03-25T09:00:00.25+09:00", UTC_2026_03_25},
    {"1969-12-31T23:59:59.999Z", -1},
    /* a leap second reads as :59 */
    {"2016-12-31T23:59:60Z", 1483228799},
    {"2016-12-31T23:59:60.5Z", 1483228799},
    {"2017-01-01T08:59:60+09:00", 1483228799},
    /* the ends of the range, reached through an offset */
    {"0001-01-01T09:00:00+09:00", -62135596800LL},
    {"9999-12-31T14:59:59-09:00", 253402300799LL},
};

static void test_known_conversions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		int64_t t = 12345;
		struct shomei_diag d;
		diag_clear(&d);
		if (timeutil_parse_datetime(known[i].text, &t, &d) != 0)
			fail_msg("%s refused: %s", known[i].text, d.what);
		if (t != known[i].seconds)
			fail_msg("%s: got %lld, want %lld", known[i].text, (long long)t,
				 (long long)known[i].seconds);
		/* --at reads a date-time the same way */
		t = 12345;
		assert_int_equal(timeutil_parse_at(known[i].text, &t, &d), 0);
		assert_true(t == known[i].seconds);
	}
	/* format writes the plain UTC form of the first rows */
	static const struct known formatted[] = {
	    {"1970-01-01T00:00:00Z", 0},
	    {"1969-12-31T23:59:59Z", -1},
	    {"2000-02-29T00:00:00Z", 951782400},
	    {"1900-03-01T00:00:00Z", -2203891200LL},
	    {"1900-02-28T23:59:59Z", -2203891201LL},
	    {"1600-02-29T12:00:00Z", -11670955200LL},
	    {"2100-03-01T00:00:00Z", 4107542400LL},
	    {"0001-01-01T00:00:00Z", TIMEUTIL_MIN_SECONDS},
	    {"9999-12-31T23:59:59Z", TIMEUTIL_MAX_SECONDS},
	    {"2016-12-31T23:59:59Z", 1483228799},
	};
	for (size_t i = 0; i < sizeof formatted / sizeof formatted[0]; i++) {
		char out[TIMEUTIL_RFC3339_BYTES];
		assert_int_equal(timeutil_format(formatted[i].seconds, out), 0);
		assert_string_equal(out, formatted[i].text);
	}
}

struct refused {
	const char *text;
	int err;
};

static const struct refused refused[] = {
    /* not of the form */
    {"", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00", SHOMEI_ERR_PARSE}, /* no zone */
    {"2023-01-01t00:00:00Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00z", SHOMEI_ERR_PARSE},
    {"2023-01-01t00:00:00z", SHOMEI_ERR_PARSE},
    {"2023-01-01 00:00:00Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00Zjunk", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00ZZ", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00Z ", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00Z\n", SHOMEI_ERR_PARSE},
    {" 2023-01-01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00+09:00Z", SHOMEI_ERR_PARSE},
    {"2023-01-01", SHOMEI_ERR_PARSE},
    {"2023-01-01T", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:0Z", SHOMEI_ERR_PARSE},
    {"2023-1-01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"2023-01-1T00:00:00Z", SHOMEI_ERR_PARSE},
    {"23-01-01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"02023-01-01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"+2023-01-01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"-2023-01-01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"2023/01/01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00.00.00Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00.Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00,5Z", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00+0900", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00+09", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00+9:00", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00 +09:00", SHOMEI_ERR_PARSE},
    {"2023-01-01T00:00:00UTC", SHOMEI_ERR_PARSE},
    {"2023-0a-01T00:00:00Z", SHOMEI_ERR_PARSE},
    {"1700000000", SHOMEI_ERR_PARSE},
    /* of the form, out of range */
    {"2023-02-29T00:00:00Z", SHOMEI_ERR_INVALID},
    {"1900-02-29T00:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-13-01T00:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-00-10T00:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-01-00T00:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-01-32T00:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-04-31T00:00:00Z", SHOMEI_ERR_INVALID},
    {"0000-01-01T00:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-01-01T24:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-01-01T25:00:00Z", SHOMEI_ERR_INVALID},
    {"2023-01-01T23:60:00Z", SHOMEI_ERR_INVALID},
    {"2023-01-01T23:59:61Z", SHOMEI_ERR_INVALID},
    {"2023-01-01T99:99:99Z", SHOMEI_ERR_INVALID},
    {"2023-01-01T00:00:00+15:00", SHOMEI_ERR_INVALID},
    {"2023-01-01T00:00:00-15:00", SHOMEI_ERR_INVALID},
    {"2023-01-01T00:00:00+14:01", SHOMEI_ERR_INVALID},
    {"2023-01-01T00:00:00-14:30", SHOMEI_ERR_INVALID},
    {"2023-01-01T00:00:00+09:60", SHOMEI_ERR_INVALID},
    {"2023-01-01T00:00:00+99:99", SHOMEI_ERR_INVALID},
    /* a valid local time whose UTC instant leaves years 0001-9999 */
    {"0001-01-01T00:00:00+01:00", SHOMEI_ERR_INVALID},
    {"0001-01-01T08:59:59+09:00", SHOMEI_ERR_INVALID},
    {"9999-12-31T23:59:59-00:01", SHOMEI_ERR_INVALID},
    {"9999-12-31T23:00:00-14:00", SHOMEI_ERR_INVALID},
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		int64_t t = 777;
		struct shomei_diag d;
		diag_clear(&d);
		int err = timeutil_parse_datetime(refused[i].text, &t, &d);
		if (err != refused[i].err)
			fail_msg("'%s': got %d (%s), want %d", refused[i].text, err, d.what,
				 refused[i].err);
		assert_true(t == 0);
		assert_true(d.what[0] != '\0');
		assert_string_equal(d.where, "");
		/* and without a diag */
		t = 777;
		assert_int_equal(timeutil_parse_datetime(refused[i].text, &t, NULL),
				 refused[i].err);
		assert_true(t == 0);
	}
	int64_t t = 777;
	assert_int_equal(timeutil_parse_datetime(NULL, &t, NULL), SHOMEI_ERR_PARSE);
	assert_true(t == 0);
	/* A NUL ends the string: what follows it is never read. */
	static const char cut[] = "2023-01-01T00:00:00Z\0junk";
	assert_int_equal(timeutil_parse_datetime(cut, &t, NULL), 0);
}

static void test_parse_date(void **state)
{
	(void)state;
	int y = 9, m = 9, dd = 9;
	struct shomei_diag d;
	assert_int_equal(timeutil_parse_date("2024-02-29", &y, &m, &dd, &d), 0);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(dd, 29);
	assert_int_equal(timeutil_parse_date("0001-01-01", &y, &m, &dd, &d), 0);
	assert_int_equal(y, 1);
	assert_int_equal(timeutil_parse_date("9999-12-31", &y, &m, &dd, &d), 0);
	assert_int_equal(y, 9999);
	assert_int_equal(m, 12);
	assert_int_equal(dd, 31);
	assert_int_equal(timeutil_parse_date("2000-02-29", &y, &m, &dd, &d), 0);

	static const struct refused bad[] = {
	    {"2023-02-29", SHOMEI_ERR_INVALID}, {"1900-02-29", SHOMEI_ERR_INVALID},
	    {"2023-13-01", SHOMEI_ERR_INVALID}, {"2023-00-01", SHOMEI_ERR_INVALID},
	    {"2023-06-31", SHOMEI_ERR_INVALID}, {"2023-01-00", SHOMEI_ERR_INVALID},
	    {"0000-01-01", SHOMEI_ERR_INVALID}, {"", SHOMEI_ERR_PARSE},
	    {"2023-1-01", SHOMEI_ERR_PARSE},	{"2023-01-01T00:00:00Z", SHOMEI_ERR_PARSE},
	    {"2023-01-01 ", SHOMEI_ERR_PARSE},	{"20230101", SHOMEI_ERR_PARSE},
	    {"2023-01-01Z", SHOMEI_ERR_PARSE},	{"12023-01-01", SHOMEI_ERR_PARSE},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		y = m = dd = 9;
		int err = timeutil_parse_date(bad[i].text, &y, &m, &dd, &d);
		if (err != bad[i].err)
			fail_msg("'%s': got %d, want %d", bad[i].text, err, bad[i].err);
		assert_int_equal(y, 0);
		assert_int_equal(m, 0);
		assert_int_equal(dd, 0);
		assert_true(d.what[0] != '\0');
	}
	assert_int_equal(timeutil_parse_date(NULL, &y, &m, &dd, NULL), SHOMEI_ERR_PARSE);
	assert_int_equal(timeutil_parse_date("2023-02-29", &y, &m, &dd, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.what, "not a valid calendar date");
}

static void test_parse_at(void **state)
{
	(void)state;
	static const struct known good[] = {
	    {"0", 0},
	    {"-0", 0},
	    {"1", 1},
	    {"-1", -1},
	    {"1700000000", 1700000000},
	    {"2026", 2026}, /* seconds, not a year */
	    {"-2203891201", -2203891201LL},
	    {"-62135596800", TIMEUTIL_MIN_SECONDS},
	    {"253402300799", TIMEUTIL_MAX_SECONDS},
	    {"000000000000000000000000000000000000000042", 42},
	    {"2026-03-25T00:00:00Z", UTC_2026_03_25},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t t = 777;
		struct shomei_diag d;
		if (timeutil_parse_at(good[i].text, &t, &d) != 0)
			fail_msg("'%s' refused: %s", good[i].text, d.what);
		if (t != good[i].seconds)
			fail_msg("'%s': got %lld", good[i].text, (long long)t);
	}
	static const struct refused bad[] = {
	    {"-62135596801", SHOMEI_ERR_INVALID},
	    {"253402300800", SHOMEI_ERR_INVALID},
	    {"9223372036854775807", SHOMEI_ERR_INVALID},
	    {"9223372036854775808", SHOMEI_ERR_INVALID},
	    {"-9223372036854775808", SHOMEI_ERR_INVALID},
	    {"99999999999999999999999999999999", SHOMEI_ERR_INVALID},
	    {"-99999999999999999999999999999999", SHOMEI_ERR_INVALID},
	    {"", SHOMEI_ERR_PARSE},
	    {"-", SHOMEI_ERR_PARSE},
	    {"--1", SHOMEI_ERR_PARSE},
	    {"+1", SHOMEI_ERR_PARSE},
	    {" 1", SHOMEI_ERR_PARSE},
	    {"1 ", SHOMEI_ERR_PARSE},
	    {"12a", SHOMEI_ERR_PARSE},
	    {"1e9", SHOMEI_ERR_PARSE},
	    {"0x10", SHOMEI_ERR_PARSE},
	    {"1.5", SHOMEI_ERR_PARSE},
	    {"-2026-03-25T00:00:00Z", SHOMEI_ERR_PARSE},
	    {"2026-03-25", SHOMEI_ERR_PARSE},
	    {"2026-02-29T00:00:00Z", SHOMEI_ERR_INVALID},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 777;
		struct shomei_diag d;
		diag_clear(&d);
		int err = timeutil_parse_at(bad[i].text, &t, &d);
		if (err != bad[i].err)
			fail_msg("'%s': got %d, want %d", bad[i].text, err, bad[i].err);
		assert_true(t == 0);
		assert_true(d.what[0] != '\0');
	}
	int64_t t = 777;
	assert_true(timeutil_parse_at(NULL, &t, NULL) < 0);
	assert_true(t == 0);
}

static void test_format_out_of_range(void **state)
{
	(void)state;
	static const int64_t outside[] = {TIMEUTIL_MIN_SECONDS - 1,
					  TIMEUTIL_MAX_SECONDS + 1,
					  TIMEUTIL_MIN_SECONDS - 86400,
					  TIMEUTIL_MAX_SECONDS + 86400,
					  -62167219200LL, /* 0000-01-01 */
					  253402300800LL * 2,
					  INT64_MAX,
					  INT64_MAX - 86399,
					  INT64_MIN,
					  INT64_MIN + 1,
					  INT64_MIN + 86399};
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		char out[TIMEUTIL_RFC3339_BYTES];
		memset(out, 'x', sizeof out);
		if (timeutil_format(outside[i], out) != SHOMEI_ERR_INVALID)
			fail_msg("%lld formatted as %.32s", (long long)outside[i], out);
		assert_string_equal(out, "(out of range)");
	}
}

/* The expected text for t from the C library, or NULL where time_t cannot say. */
static const char *libc_format(int64_t t, char out[TIMEUTIL_RFC3339_BYTES])
{
	if (sizeof(time_t) < sizeof(int64_t))
		return NULL;
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		return NULL;
	snprintf(out, TIMEUTIL_RFC3339_BYTES, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

static void round_trip(int64_t t)
{
	char out[TIMEUTIL_RFC3339_BYTES], want[TIMEUTIL_RFC3339_BYTES];
	if (timeutil_format(t, out) != 0)
		fail_msg("%lld not formatted", (long long)t);
	if (libc_format(t, want) && strcmp(out, want) != 0)
		fail_msg("%lld: got %s, gmtime_r says %s", (long long)t, out, want);
	int64_t back = 0;
	struct shomei_diag d;
	if (timeutil_parse_datetime(out, &back, &d) != 0)
		fail_msg("%s refused: %s", out, d.what);
	if (back != t)
		fail_msg("%lld -> %s -> %lld", (long long)t, out, (long long)back);
}

static void test_round_trip_whole_range(void **state)
{
	(void)state;
	/* A stride of 29 days, 1 hour, 1 minute and 1 second walks every month,
	 * day, hour, minute and second of 0001..9999 in ~127k steps. */
	const int64_t stride = 29 * 86400 + 3661;
	int64_t t;
	for (t = TIMEUTIL_MIN_SECONDS; t <= TIMEUTIL_MAX_SECONDS; t += stride)
		round_trip(t);
	round_trip(TIMEUTIL_MAX_SECONDS);
	/* Every day, first and last second, of the years where the leap rules bite. */
	static const int years[] = {1, 4, 100, 400, 1600, 1700, 1900, 1969, 1970, 2000, 2100, 9999};
	for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
		char text[TIMEUTIL_RFC3339_BYTES];
		snprintf(text, sizeof text, "%04d-01-01T00:00:00Z", years[i]);
		int64_t start;
		assert_int_equal(timeutil_parse_datetime(text, &start, NULL), 0);
		for (int day = 0; day < 366; day++) {
			t = start + (int64_t)day * 86400;
			if (t > TIMEUTIL_MAX_SECONDS)
				break;
			round_trip(t);
			if (t + 86399 <= TIMEUTIL_MAX_SECONDS)
				round_trip(t + 86399);
		}
	}
}

static void test_independent_of_tz(void **state)
{
	(void)state;
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	static const char *const zones[] = {"Asia/Tokyo", "America/St_Johns", "UTC+05:30", "UTC"};
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		assert_int_equal(setenv("TZ", zones[i], 1), 0);
		tzset();
		int64_t t;
		assert_int_equal(timeutil_parse_datetime("2026-03-25T00:00:00Z", &t, NULL), 0);
		assert_true(t == UTC_2026_03_25);
		char out[TIMEUTIL_RFC3339_BYTES];
		assert_int_equal(timeutil_format(UTC_2026_03_25, out), 0);
		assert_string_equal(out, "2026-03-25T00:00:00Z");
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	/* and now is now: later than this test was written, before year 9999 */
	int64_t now = timeutil_now();
	assert_true(now > UTC_2026_03_25 - 366 * 86400);
	assert_true(now < TIMEUTIL_MAX_SECONDS);
}

/* The reasons a person reads: the two XSD choices shomei documents (uppercase
 * 'T' and 'Z', no 24:00:00) are named as such, not as a generic form error. */
static void test_messages(void **state)
{
	(void)state;
	static const struct {
		const char *text, *what;
	} cases[] = {
	    {"2023-01-01t00:00:00Z", "lowercase 't' or 'z'"},
	    {"2023-01-01T00:00:00z", "lowercase 't' or 'z'"},
	    {"2023-01-01T00:00:00.5+09:00x", "not an XML Schema dateTimeStamp"},
	    {"tomorrow", "not an XML Schema dateTimeStamp"},
	    {"2023-01-01T24:00:00Z", "24:00:00 is not accepted"},
	    {"2023-01-01T00:00:00", "no time zone"},
	    {"2023-01-01T00:00:00.25", "no time zone"},
	    {"2023-02-29T00:00:00Z", "not a valid calendar date"},
	    {"2023-01-01T23:60:00Z", "time of day out of range"},
	    {"2023-01-01T00:00:00+14:30", "time zone offset out of range"},
	    {"9999-12-31T23:59:59-00:01", "outside years 0001-9999"},
	    {"253402300800", "outside years 0001-9999"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t;
		struct shomei_diag d;
		diag_clear(&d);
		if (timeutil_parse_at(cases[i].text, &t, &d) == 0 || !strstr(d.what, cases[i].what))
			fail_msg("'%s': \"%s\", want \"%s\"", cases[i].text, d.what, cases[i].what);
	}
}

/* Walks every day of 0001..9999 with a plain (y, m, d) counter, written apart
 * from timeutil.c, and checks that day n since 0001-01-01 is formatted as that
 * date (and, every 7th day and around each February's end, parses back). */
static void test_every_day(void **state)
{
	(void)state;
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t t = TIMEUTIL_MIN_SECONDS;
	long n = 0;
	for (int y = 1; y <= 9999; y++) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (int m = 1; m <= 12; m++) {
			int days = mdays[m - 1] + (m == 2 && leap);
			for (int d = 1; d <= days; d++, t += 86400, n++) {
				char want[TIMEUTIL_RFC3339_BYTES], got[TIMEUTIL_RFC3339_BYTES];
				snprintf(want, sizeof want, "%04d-%02d-%02dT00:00:00Z", y, m, d);
				assert_int_equal(timeutil_format(t, got), 0);
				if (strcmp(got, want) != 0)
					fail_msg("%lld: got %s, want %s", (long long)t, got, want);
				if (n % 7 == 0 || (m == 2 && d >= 28) || (m == 3 && d == 1)) {
					int64_t back;
					assert_int_equal(timeutil_parse_datetime(want, &back, NULL),
							 0);
					assert_true(back == t);
				}
			}
		}
	}
	assert_true(t == TIMEUTIL_MAX_SECONDS + 1);
	assert_int_equal(n, 3652059); /* days in 0001-01-01..9999-12-31 */
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_conversions),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_parse_date),
	    cmocka_unit_test(test_parse_at),
	    cmocka_unit_test(test_format_out_of_range),
	    cmocka_unit_test(test_round_trip_whole_range),
	    cmocka_unit_test(test_independent_of_tz),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_every_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
