#include "wallet.h"

#include "didkey.h"
#include "ed25519.h"
#include "keyfile.h"
#include "passphrase.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"wallet", 'w', CLI_VALUE, "DIR", "the wallet folder (default $SHOMEI_WALLET)", 0},
    {"kdf", 0, CLI_VALUE, "LEVEL",
     "passphrase hardening: interactive, moderate (default) or sensitive", 0},
    CLI_OPTS_PASSPHRASE,
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int run(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *kdf = cli_value(p, "kdf");
	enum keyfile_kdf_level level = KEYFILE_KDF_MODERATE;
	if (kdf && strcmp(kdf, "interactive") == 0)
		level = KEYFILE_KDF_INTERACTIVE;
	else if (kdf && strcmp(kdf, "sensitive") == 0)
		level = KEYFILE_KDF_SENSITIVE;
	else if (kdf && strcmp(kdf, "moderate") != 0) {
		out_errorf("init", "--kdf: not interactive, moderate or sensitive");
		return WALLET_EXIT_USAGE;
	}
	char dir[4096];
	int rc = wallet_dir(p, dir, sizeof dir);
	if (rc)
		return rc;
	struct passphrase_source src;
	if (cli_passphrase_source(p, &src, &d) != 0) {
		out_error(NULL, &d);
		return WALLET_EXIT_USAGE;
	}

	rc = WALLET_EXIT_FAILED;
	char *pass = NULL;
	size_t pass_len = 0;
	struct vault *v = NULL;
	struct ed25519_key *key = NULL;
	char *item = NULL;
	size_t item_len = 0;
	char prompt[sizeof dir + 48];
	snprintf(prompt, sizeof prompt, "new passphrase for wallet %s: ", dir);
	if (passphrase_get(&src, prompt, 1, &pass, &pass_len, &d) != 0) {
		out_error(NULL, &d);
		goto out;
	}
	if (vault_create(dir, pass, pass_len, level, &v, &d) != 0) {
		out_error(dir, &d);
		goto out;
	}
	key = ed25519_key_new_random();
	char did[DIDKEY_MAX_BYTES];
	if (!key || didkey_from_public(key->pk, did) != 0) {
		out_errorf(NULL, "cannot make the holder key");
		goto out;
	}
	/* the holder item (wallet.h) built directly in secure memory */
	item_len = strlen(did) + 2 * ED25519_SEED_BYTES + 32;
	item = sodium_malloc(item_len);
	unsigned char *seed = sodium_malloc(ED25519_SEED_BYTES);
	if (!item || !seed) {
		sodium_free(seed);
		out_errorf(NULL, "out of secure memory");
		goto out;
	}
	ed25519_key_seed(key, seed);
	int n = snprintf(item, item_len, WALLET_HOLDER_ITEM_HEAD "%s" WALLET_HOLDER_ITEM_MID, did);
	sodium_bin2hex(item + n, item_len - (size_t)n, seed, ED25519_SEED_BYTES);
	sodium_free(seed);
	n += 2 * ED25519_SEED_BYTES;
	n += snprintf(item + n, item_len - (size_t)n, WALLET_HOLDER_ITEM_TAIL);
	if (vault_put(v, WALLET_ITEM_HOLDER_KEY, item, (size_t)n, FILEIO_NO_REPLACE, &d) != 0) {
		out_error(dir, &d);
		goto out;
	}
	if (cli_given(p, "json"))
		out_json(json_pack("{s:i, s:s, s:s}", "version", 1, "holder", did, "wallet", dir));
	else
		printf("%s\n", did);
	rc = WALLET_EXIT_OK;
out:
	if (pass)
		passphrase_free(pass);
	if (item)
		sodium_free(item);
	ed25519_key_free(key);
	vault_close(v);
	return rc;
}

const struct cli_cmd wallet_cmd_init = {
    .name = "init",
    .usage = NULL,
    .summary = "create an encrypted wallet with a new holder key; print its did:key",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
