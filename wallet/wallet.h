/* wallet.h - the wallet program's commands and its shared pieces. */
#ifndef SHOMEI_WALLET_H
#define SHOMEI_WALLET_H

#include "cli.h"
#include "prog/prog.h"
#include "err.h"
#include "vault.h"

#include <jansson.h>

/* Exit codes (docs/man/wallet.1). */
enum {
	WALLET_EXIT_OK = 0,
	WALLET_EXIT_REFUSED = 1, /* invalid credential, duplicate, no such credential */
	WALLET_EXIT_USAGE = 2,	 /* wrong usage or unreadable input */
	WALLET_EXIT_FAILED = 4	 /* wrong passphrase, damaged wallet, disk */
};

/* Vault item names. */
#define WALLET_ITEM_HOLDER_KEY	      "holder:key"
#define WALLET_ITEM_CREDENTIAL_PREFIX "credential:"
#define WALLET_ITEM_SDJWT_PREFIX      "sd-jwt:" /* the SD-JWT VC form, by credential id */

/* The holder key item: HEAD <did:key> MID <64 hex of the seed> TAIL, written
 * and read in secure memory (never through a JSON parser, which would copy the
 * seed onto the ordinary heap). */
#define WALLET_HOLDER_ITEM_HEAD "{\"did\": \""
#define WALLET_HOLDER_ITEM_MID	"\", \"seed\": \""
#define WALLET_HOLDER_ITEM_TAIL "\"}"

extern const struct cli_cmd wallet_cmd_init;
extern const struct cli_cmd wallet_cmd_import;
extern const struct cli_cmd wallet_cmd_list;
extern const struct cli_cmd wallet_cmd_show;
extern const struct cli_cmd wallet_cmd_export;
extern const struct cli_cmd wallet_cmd_present;

/* The holder's key from the open wallet (sodium_malloc'd; ed25519_key_free). */
int wallet_holder_key(struct vault *v, struct ed25519_key **key);

/* The wallet folder from --wallet, $SHOMEI_WALLET or the default. */
int wallet_dir(const struct cli_parsed *p, char *out, size_t cap);

/* Asks for the passphrase and opens the wallet. Prints its own error and
 * returns the exit code to use (0 on success). */
int wallet_open(const struct cli_parsed *p, struct vault **v);

/* Reads the holder's did:key from the open wallet. */
int wallet_holder_did(struct vault *v, char *out, size_t cap);

/* One stored credential, parsed. */
struct wallet_entry {
	char *name; /* vault item name */
	char *text; /* the credential exactly as imported */
	size_t len;
	json_t *json; /* parsed */
};

/* Loads every credential; sorted by awarded date then id. Prints damaged items
 * as errors but keeps going. */
int wallet_entries(struct vault *v, struct wallet_entry **out, size_t *n);
void wallet_entries_free(struct wallet_entry *e, size_t n);

/* Opens the wallet, loads every credential and finds `id` in them, as
 * wallet_find; on success the caller frees *all with wallet_entries_free.
 * Returns the exit code to use (0 on success). */
int wallet_open_find(const struct cli_parsed *p, const char *id, struct wallet_entry **all,
		     size_t *n, struct wallet_entry **found);

/* Finds the credential whose id is `id`, or whose uuid starts with `id` (at
 * least 4 characters, unique). Prints its own error; returns the exit code. */
int wallet_find(struct wallet_entry *e, size_t n, const char *id, struct wallet_entry **found);

#endif
