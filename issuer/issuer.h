/* issuer.h - the issuer program's commands and its shared pieces. */
#ifndef SHOMEI_ISSUER_H
#define SHOMEI_ISSUER_H

#include "cli.h"
#include "prog/prog.h"
#include "ed25519.h"
#include "err.h"
#include "didkey.h"

#include <jansson.h>

/* Exit codes (docs/man/issuer.1). */
enum {
	ISSUER_EXIT_OK = 0,
	ISSUER_EXIT_PARTIAL = 1, /* some rows or items were refused; the others were done */
	ISSUER_EXIT_USAGE = 2,	 /* wrong usage or unreadable input: nothing was done */
	ISSUER_EXIT_FAILED = 4	 /* the job could not be done (key, passphrase, disk) */
};

extern const struct cli_cmd issuer_cmd_init;
extern const struct cli_cmd issuer_cmd_issue;

#define INSTITUTION_FILE     "institution.json"
#define INSTITUTION_KEY_FILE "issuer.key"
#define INSTITUTION_NAME_MAX 512

struct institution {
	char dir[4096];
	char name[INSTITUTION_NAME_MAX];
	char did[DIDKEY_MAX_BYTES];
	char vm[DIDKEY_VM_MAX_BYTES];
};

/* Reads DIR/institution.json (made by `issuer init`); the --dir option or the
 * default state folder chooses DIR. Prints its own error. */
int institution_load(const struct cli_parsed *p, struct institution *inst);

/* Asks for the passphrase as the options say and decrypts the institution's key;
 * checks it is the key institution.json names. Prints its own error. */
int institution_unlock(const struct cli_parsed *p, const struct institution *inst,
		       struct ed25519_key **key);

#endif
