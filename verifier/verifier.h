/* verifier.h - the verifier program's commands and its shared pieces. */
#ifndef SHOMEI_VERIFIER_H
#define SHOMEI_VERIFIER_H

#include "cli.h"
#include "prog/prog.h"
#include "err.h"

#include <jansson.h>

/* Exit codes (docs/man/verifier.1); kept stable. */
enum {
	VERIFIER_EXIT_VALID = 0,    /* valid, and the issuer is trusted */
	VERIFIER_EXIT_INVALID = 1,  /* bad or missing proof, tampered, expired, not yet valid */
	VERIFIER_EXIT_USAGE = 2,    /* unreadable or unparsable input, or wrong usage */
	VERIFIER_EXIT_UNTRUSTED = 3 /* the proof verifies but the issuer is not established */
};

extern const struct cli_cmd verifier_cmd_verify;
extern const struct cli_cmd verifier_cmd_ledger_sync;
extern const struct cli_cmd verifier_cmd_ledger_verify;
extern const struct cli_cmd verifier_cmd_ledger_status;

#endif
