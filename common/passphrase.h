/* passphrase.h - where the programs get a passphrase from.
 *
 * From the terminal (/dev/tty, echo off), from an environment variable, or
 * from a file descriptor (one line), for scripts. The passphrase only ever sits
 * in sodium_malloc'd memory, wiped by passphrase_free.
 *
 * The terminal path writes its prompt to /dev/tty: the one place the library
 * talks to the user, because the prompt must reach the person typing even when
 * stdout and stderr are redirected.
 */
#ifndef SHOMEI_PASSPHRASE_H
#define SHOMEI_PASSPHRASE_H

#include "err.h"

#include <stddef.h>

#define PASSPHRASE_MAX_BYTES 1024

enum passphrase_kind { PASSPHRASE_TTY, PASSPHRASE_ENV, PASSPHRASE_FD };

struct passphrase_source {
	enum passphrase_kind kind;
	const char *env_name; /* PASSPHRASE_ENV */
	int fd;               /* PASSPHRASE_FD */
};

/* Gets a passphrase. With `confirm` (for a new passphrase), the terminal asks
 * twice and refuses a mismatch. An empty passphrase is refused. On success *out
 * is sodium_malloc'd and NUL-terminated (*len bytes); free it with
 * passphrase_free. On failure *out is NULL. */
int passphrase_get(const struct passphrase_source *src, const char *prompt, int confirm,
		   char **out, size_t *len, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* Wipes and frees. NULL-safe. */
void passphrase_free(char *p);

#endif
