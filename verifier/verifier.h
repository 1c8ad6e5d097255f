/* verifier.h - the verifier program's commands and its shared pieces. */
#ifndef SHOMEI_VERIFIER_H
#define SHOMEI_VERIFIER_H

#include "cli.h"
#include "err.h"

#include <jansson.h>

/* Exit codes (docs/man/verifier.1); kept stable. */
enum {
	VERIFIER_EXIT_VALID = 0,     /* valid, and the issuer is trusted */
	VERIFIER_EXIT_INVALID = 1,   /* bad or missing proof, tampered, expired, not yet valid */
	VERIFIER_EXIT_USAGE = 2,     /* unreadable or unparsable input, or wrong usage */
	VERIFIER_EXIT_UNTRUSTED = 3  /* the proof verifies but the issuer is not established */
};

extern const struct cli_cmd verifier_cmd_verify;

/* out.c owns stderr: "verifier: SUBJECT: where: what". */
void out_error(const char *subject, const struct shomei_diag *d);
void out_errorf(const char *subject, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_json(json_t *j);

#endif
