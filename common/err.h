/* err.h - error values and diagnostics shared by every module of libshomei.
 *
 * Every library function that can fail returns 0 or a negative enum shomei_err.
 * Where the caller passes a struct shomei_diag, the function also says where
 * (a JSON path such as "proof.proofValue", a "line 12" or a byte offset) and what
 * ("not base58btc": lowercase, no full stop), so that a program can print
 *     verifier: credential.json: proof.proofValue: not base58btc
 * The library never prints; the programs do.
 */
#ifndef SHOMEI_ERR_H
#define SHOMEI_ERR_H

#include <stddef.h>

enum shomei_err {
	SHOMEI_OK = 0,
	SHOMEI_ERR_NOMEM = -1,	     /* an allocation failed */
	SHOMEI_ERR_IO = -2,	     /* a file could not be read or written */
	SHOMEI_ERR_PARSE = -3,	     /* malformed input: not JSON, not base58, ... */
	SHOMEI_ERR_LIMIT = -4,	     /* a ceiling was exceeded: size, depth, count */
	SHOMEI_ERR_INVALID = -5,     /* well formed, but breaks a rule of the format */
	SHOMEI_ERR_SIGNATURE = -6,   /* a signature does not verify */
	SHOMEI_ERR_DECRYPT = -7,     /* wrong passphrase, or sealed data was altered */
	SHOMEI_ERR_EXISTS = -8,	     /* the thing to create is already there */
	SHOMEI_ERR_NOTFOUND = -9,    /* the thing asked for is not there */
	SHOMEI_ERR_USAGE = -10,	     /* the caller's arguments are wrong */
	SHOMEI_ERR_UNSUPPORTED = -11 /* valid, but a feature shomei does not handle */
};

/* Returns a static lowercase description of err ("wrong passphrase or damaged
 * data"); never NULL, also for values not in the enum. */
const char *shomei_strerror(int err);

#define DIAG_WHERE_BYTES 256
#define DIAG_WHAT_BYTES	 256

/* Where and what went wrong. Callers own it (usually on the stack); functions
 * that take a `struct shomei_diag *` accept NULL and then say nothing. */
struct shomei_diag {
	char where[DIAG_WHERE_BYTES]; /* "" when the whole input is meant */
	char what[DIAG_WHAT_BYTES];
};

/* Clears d (both strings empty). NULL-safe. */
void diag_clear(struct shomei_diag *d);

/* Sets d->where to `where` (NULL means "") and d->what from the printf-style
 * format; both are truncated to fit. Returns err, so that a function can write
 * `return diag_set(d, SHOMEI_ERR_PARSE, "proof", "not base58btc");`. NULL-safe. */
int diag_set(struct shomei_diag *d, int err, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Puts `prefix` in front of d->where, joined with '.' (or directly when the
 * current where starts with '['), e.g. "proof" + "proofValue". NULL-safe. */
void diag_prefix(struct shomei_diag *d, const char *prefix);

/* Formats "where: what" (or just "what" when where is empty) into out. */
void diag_format(const struct shomei_diag *d, char *out, size_t out_len);

#endif
