/* prog.h - what the three programs share on their side of the line: main's
 * dispatch to a command table and the one owner of stderr.
 *
 * This is not part of libshomei (the library never prints and never exits);
 * the Makefile links common/prog/ into each program only.
 */
#ifndef SHOMEI_PROG_H
#define SHOMEI_PROG_H

#include "cli.h"
#include "err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct prog {
	const char *name;    /* "issuer": the first word of every error line */
	const char *summary; /* one line for --help */
	const struct cli_cmd *const *cmds;
	size_t ncmds;
	int exit_usage;	 /* exit code for wrong usage */
	int exit_failed; /* exit code when the program cannot start or write */
};

/* Initialises the library, finds the command argv names, parses its options
 * (printing --help or the usage error) and runs it. Returns the exit code. */
int prog_main(const struct prog *p, int argc, char **argv);

/* The moment the command judges: --at (RFC 3339 or Unix seconds) when given,
 * else now. Prints its own error; returns 0 or -1. */
int prog_at(const struct cli_parsed *p, int64_t *at);

/* "stdin" for "-", else the path: the subject of error lines about a file. */
const char *prog_subject(const char *path);

/* One line on stderr: "<program>: SUBJECT: where: what" (subject may be NULL). */
void out_error(const char *subject, const struct shomei_diag *d);
void out_errorf(const char *subject, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a JSON document (one line) on stdout and drops the reference. */
void out_json(json_t *j);

/* A progress bar on stderr, drawn only when stdout and stderr are terminals. */
void out_progress(const char *what, size_t done, size_t total);
void out_progress_end(void);

#endif
