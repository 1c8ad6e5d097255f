/* issuer.h - the issuer program's commands and its shared pieces. */
#ifndef SHOMEI_ISSUER_H
#define SHOMEI_ISSUER_H

#include "cli.h"
#include "prog/prog.h"
#include "ed25519.h"
#include "err.h"
#include "didkey.h"
#include "keyfile.h"
#include "ledgerstate.h"
#include "record.h"

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
extern const struct cli_cmd issuer_cmd_authority_init;
extern const struct cli_cmd issuer_cmd_authority_register;
extern const struct cli_cmd issuer_cmd_authority_merge;
extern const struct cli_cmd issuer_cmd_authority_close;
extern const struct cli_cmd issuer_cmd_authority_add_key;
extern const struct cli_cmd issuer_cmd_key_rotate;
extern const struct cli_cmd issuer_cmd_key_compromised;
extern const struct cli_cmd issuer_cmd_revoke;
extern const struct cli_cmd issuer_cmd_reinstate;

/* The options of every command that writes to the ledger. */
#define CLI_GROUP_LEDGER_PASSPHRASE 101
#define CLI_OPTS_LEDGER                                                                            \
	{"ledger", 0, CLI_VALUE, "DIR", "the ledger folder (default $SHOMEI_LEDGER)", 0},          \
	    {"ledger-key", 0, CLI_VALUE, "FILE",                                                   \
	     "the ledger writer's key file (default: DIR.key, beside the folder)", 0},             \
	    {"ledger-passphrase-env", 0, CLI_VALUE, "VAR",                                         \
	     "read the ledger key's passphrase from environment variable VAR",                     \
	     CLI_GROUP_LEDGER_PASSPHRASE},                                                         \
	{                                                                                          \
		"ledger-passphrase-fd", 0, CLI_VALUE, "N",                                         \
		    "read the ledger key's passphrase from file descriptor N",                     \
		    CLI_GROUP_LEDGER_PASSPHRASE                                                    \
	}

#define INSTITUTION_FILE     "institution.json"
#define INSTITUTION_KEY_FILE "issuer.key"
#define INSTITUTION_NAME_MAX 512

struct institution {
	char dir[4096];
	char name[INSTITUTION_NAME_MAX];
	char did[DIDKEY_MAX_BYTES];
	char vm[DIDKEY_VM_MAX_BYTES];
	char key_file[64]; /* the key file in dir: institution.json's "key", or issuer.key */
};

/* Reads DIR/institution.json (made by `issuer init`); the --dir option or the
 * default state folder chooses DIR. Prints its own error. */
int institution_load(const struct cli_parsed *p, struct institution *inst);

/* Asks for the passphrase as the options say and decrypts the institution's key;
 * checks it is the key institution.json names. Prints its own error. */
int institution_unlock(const struct cli_parsed *p, const struct institution *inst,
		       struct ed25519_key **key);

/* The ledger folder the options or $SHOMEI_LEDGER name. Prints its own error;
 * returns 0 or an exit code. */
int issuer_ledger_dir(const struct cli_parsed *p, char *out, size_t cap);

/* Opens and replays the ledger. Prints its own error; 0 or an exit code. */
int issuer_ledger_open(const struct cli_parsed *p, struct lstate **s);

/* Asks for a new passphrase (twice on a terminal) from the options env_opt /
 * fd_opt, prompting "new passphrase for <what><path>", makes a key and seals
 * it in the key file at path; issuer_key_read asks for the passphrase and
 * opens one. Print their own errors; return 0, ISSUER_EXIT_USAGE (a bad
 * passphrase option) or ISSUER_EXIT_FAILED. */
int issuer_key_create(const struct cli_parsed *p, const char *env_opt, const char *fd_opt,
		      const char *path, const char *what, enum keyfile_kdf_level level,
		      struct ed25519_key **key);
int issuer_key_read(const struct cli_parsed *p, const char *env_opt, const char *fd_opt,
		    const char *path, const char *what, struct ed25519_key **key);

/* Makes the ledger writer's key and seals it (ledger passphrase options) in
 * its file, whose path goes to path. 0 or an exit code. */
int issuer_ledger_new_writer_key(const struct cli_parsed *p, enum keyfile_kdf_level level,
				 struct ed25519_key **key, char *path, size_t cap);

/* record_build + record_sign with one key. 0 or an exit code (printed). */
int issuer_record_sign(const struct record_fields *f, const struct ed25519_key *key, char **out,
		       size_t *len);

/* Unlocks the writer key and appends records[0..n) in one durable append.
 * Returns 0 when every record was applied, ISSUER_EXIT_PARTIAL when the
 * registry rejected some (each reported on stderr), another exit code when
 * nothing was appended. *first (may be NULL) is the index of records[0]. */
int issuer_ledger_append(const struct cli_parsed *p, struct lstate *s, char *const *records,
			 const size_t *lens, size_t n, uint64_t *first);

/* The institution id the ledger registered inst's key under. Prints. */
int issuer_own_institution(const struct lstate *s, const struct institution *inst, char *id,
			   size_t cap);

int kdf_level_parse(const char *s, enum keyfile_kdf_level *level);

#endif
