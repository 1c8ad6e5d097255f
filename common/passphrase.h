/* passphrase.h - where the programs get a passphrase from.
 *
 * From the terminal (/dev/tty, echo off), from an environment variable, or
 * from a file descriptor (one line), for scripts. The passphrase only ever sits
 * in sodium_malloc'd memory (read straight into it, never through stdio or
 * ordinary heap buffers), wiped by passphrase_free.
 *
 * The terminal path is the library's single piece of terminal interaction: it
 * writes its prompt to /dev/tty, not to stdout or stderr, because the prompt
 * must reach the person typing even when both are redirected, and must not end
 * up in a file or a pipe.
 */
#ifndef SHOMEI_PASSPHRASE_H
#define SHOMEI_PASSPHRASE_H

#include "err.h"

#include <stddef.h>

/* Longest passphrase accepted, in bytes (not counting the newline). */
#define PASSPHRASE_MAX_BYTES 1024

enum passphrase_kind { PASSPHRASE_TTY, PASSPHRASE_ENV, PASSPHRASE_FD };

struct passphrase_source {
	enum passphrase_kind kind;
	const char *env_name; /* PASSPHRASE_ENV: the variable's name (borrowed) */
	int fd;		      /* PASSPHRASE_FD: an open descriptor (borrowed, not closed) */
};

/* Gets a passphrase from src.
 *
 *  - PASSPHRASE_TTY opens /dev/tty (no controlling terminal: SHOMEI_ERR_USAGE,
 *    "no terminal to ask for the passphrase; use --passphrase-env or
 *    --passphrase-fd"), turns echo off, writes `prompt` (NULL: "passphrase: ")
 *    and reads one line. With `confirm` (for a new passphrase) it asks a second
 *    time and refuses a mismatch (SHOMEI_ERR_USAGE). Type-ahead is discarded.
 *    The terminal's settings are restored on every path. While it waits, it
 *    catches SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGPIPE (unless the
 *    program ignores them): it restores the terminal, puts the program's own
 *    signal handling back and only then raises the signal again, so the
 *    default action (ending the process) never leaves the terminal without
 *    echo; if the program's handler returns, the result is SHOMEI_ERR_IO,
 *    "interrupted". SIGTSTP, SIGTTIN and SIGTTOU likewise restore the terminal
 *    before stopping; once continued, the question is asked again.
 *  - PASSPHRASE_ENV takes the value of environment variable src->env_name;
 *    unset or empty is SHOMEI_ERR_USAGE naming the variable. (The value stays
 *    in the process environment too, which the library cannot wipe.)
 *  - PASSPHRASE_FD reads up to the first newline from src->fd (or its end),
 *    one byte at a time, so that the rest of the stream is left for the caller.
 *
 * A trailing "\r" is dropped (a line from a Windows file). Refused: an empty
 * passphrase (SHOMEI_ERR_USAGE), one longer than PASSPHRASE_MAX_BYTES
 * (SHOMEI_ERR_LIMIT), one holding a NUL byte (SHOMEI_ERR_INVALID).
 *
 * On success *out is sodium_malloc'd and NUL-terminated, *len bytes long; the
 * caller frees it with passphrase_free. On failure *out is NULL and *len 0.
 *
 * WARNING: the terminal path changes signal dispositions and the signal mask
 * for the time it waits (sigprocmask): call it from a single-threaded program,
 * or from the only thread that can take these signals. */
int passphrase_get(const struct passphrase_source *src, const char *prompt, int confirm, char **out,
		   size_t *len, struct shomei_diag *d) __attribute__((warn_unused_result));

/* Wipes and frees a passphrase from passphrase_get. NULL-safe. */
void passphrase_free(char *p);

#endif
