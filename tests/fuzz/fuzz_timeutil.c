/* Times from outside (credentials, --at): never a crash; whatever parses lies in
 * years 0001-9999 and survives format then parse unchanged; failures clear
 * their outputs and say why; parse_at agrees with parse_datetime. */
#include "timeutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 256

static void check_round_trip(int64_t t)
{
	char s[TIMEUTIL_RFC3339_BYTES];
	int64_t back = 1;
	if (t < TIMEUTIL_MIN_SECONDS || t > TIMEUTIL_MAX_SECONDS)
		abort();
	if (timeutil_format(t, s) != 0 || strlen(s) != 20)
		abort();
	if (timeutil_parse_datetime(s, &back, NULL) != 0 || back != t)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	char s[MAX_INPUT + 1];
	memcpy(s, data, size);
	s[size] = '\0'; /* an embedded NUL just ends the string early */

	struct shomei_diag d;
	int64_t t = 1, at = 1;
	diag_clear(&d);
	int err = timeutil_parse_datetime(s, &t, &d);
	if (err == 0) {
		check_round_trip(t);
	} else if ((err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_INVALID) || t != 0 ||
		   d.what[0] == '\0') {
		abort();
	}

	diag_clear(&d);
	int err_at = timeutil_parse_at(s, &at, &d);
	if (err_at == 0) {
		check_round_trip(at);
		if (err == 0 && at != t)
			abort();
	} else if (at != 0 || d.what[0] == '\0' || err == 0) {
		abort(); /* every dateTimeStamp is also an --at value */
	}

	int y = 1, m = 1, dd = 1;
	if (timeutil_parse_date(s, &y, &m, &dd, NULL) == 0) {
		char full[TIMEUTIL_RFC3339_BYTES + 8];
		snprintf(full, sizeof full, "%04d-%02d-%02dT00:00:00Z", y, m, dd);
		if (strncmp(full, s, 10) != 0 || timeutil_parse_datetime(full, &t, NULL) != 0)
			abort();
	} else if (y != 0 || m != 0 || dd != 0) {
		abort();
	}
	return 0;
}
