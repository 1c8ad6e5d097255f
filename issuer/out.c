#include "issuer.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int progress_drawn;

void out_error(const char *subject, const struct shomei_diag *d)
{
	char line[DIAG_WHERE_BYTES + DIAG_WHAT_BYTES + 4];
	diag_format(d, line, sizeof line);
	if (subject)
		fprintf(stderr, "issuer: %s: %s\n", subject, line);
	else
		fprintf(stderr, "issuer: %s\n", line);
}

void out_errorf(const char *subject, const char *fmt, ...)
{
	out_progress_end();
	va_list ap;
	va_start(ap, fmt);
	if (subject)
		fprintf(stderr, "issuer: %s: ", subject);
	else
		fputs("issuer: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void out_progress(const char *what, size_t done, size_t total)
{
	if (!isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO) || total == 0)
		return;
	enum { WIDTH = 40 };
	size_t filled = done * WIDTH / total;
	char bar[WIDTH + 1];
	for (size_t i = 0; i < WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[WIDTH] = '\0';
	fprintf(stderr, "\r%-8s [%s] %zu/%zu", what, bar, done, total);
	fflush(stderr);
	progress_drawn = 1;
}

void out_progress_end(void)
{
	if (progress_drawn) {
		fputc('\n', stderr);
		progress_drawn = 0;
	}
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
