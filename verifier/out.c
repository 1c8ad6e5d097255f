#include "verifier.h"

#include <stdarg.h>
#include <stdio.h>

void out_error(const char *subject, const struct shomei_diag *d)
{
	char line[DIAG_WHERE_BYTES + DIAG_WHAT_BYTES + 4];
	diag_format(d, line, sizeof line);
	if (subject)
		fprintf(stderr, "verifier: %s: %s\n", subject, line);
	else
		fprintf(stderr, "verifier: %s\n", line);
}

void out_errorf(const char *subject, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (subject)
		fprintf(stderr, "verifier: %s: ", subject);
	else
		fputs("verifier: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void out_json(json_t *j)
{
	if (!j) {
		out_errorf(NULL, "out of memory");
		return;
	}
	json_dumpf(j, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(j);
}
