#include "issuer.h"

#include "fileio.h"
#include "keyfile.h"
#include "passphrase.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct cli_opt opts[] = {
    {"name", 'n', CLI_VALUE, "NAME", "the institution's name, as it appears on diplomas", 0},
    {"dir", 'd', CLI_VALUE, "DIR", "the institution's folder (default $SHOMEI_ISSUER_DIR)", 0},
    {"kdf", 0, CLI_VALUE, "LEVEL",
     "key file passphrase hardening: interactive, moderate (default) or sensitive", 0},
    CLI_OPTS_PASSPHRASE,
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

int kdf_level_parse(const char *s, enum keyfile_kdf_level *level)
{
	if (!s || strcmp(s, "moderate") == 0)
		*level = KEYFILE_KDF_MODERATE;
	else if (strcmp(s, "interactive") == 0)
		*level = KEYFILE_KDF_INTERACTIVE;
	else if (strcmp(s, "sensitive") == 0)
		*level = KEYFILE_KDF_SENSITIVE;
	else
		return SHOMEI_ERR_USAGE;
	return 0;
}

static int run(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *name = cli_value(p, "name");
	if (!name || !*name) {
		out_errorf("init", "--name is required");
		return ISSUER_EXIT_USAGE;
	}
	if (strlen(name) >= INSTITUTION_NAME_MAX) {
		out_errorf("init", "--name: longer than %d bytes", INSTITUTION_NAME_MAX - 1);
		return ISSUER_EXIT_USAGE;
	}
	enum keyfile_kdf_level level;
	if (kdf_level_parse(cli_value(p, "kdf"), &level) != 0) {
		out_errorf("init", "--kdf: not interactive, moderate or sensitive");
		return ISSUER_EXIT_USAGE;
	}
	struct passphrase_source src;
	char dir[4096];
	if (cli_passphrase_source(p, &src, &d) != 0 ||
	    cli_state_dir(cli_value(p, "dir"), "SHOMEI_ISSUER_DIR", "issuer", dir, sizeof dir,
			  &d) != 0) {
		out_error("init", &d);
		return ISSUER_EXIT_USAGE;
	}
	char key_path[sizeof dir + 32], inst_path[sizeof dir + 32];
	snprintf(key_path, sizeof key_path, "%s/%s", dir, INSTITUTION_KEY_FILE);
	snprintf(inst_path, sizeof inst_path, "%s/%s", dir, INSTITUTION_FILE);
	struct stat st;
	if (stat(inst_path, &st) == 0 || stat(key_path, &st) == 0) {
		out_errorf(dir, "already holds an institution; refusing to overwrite it");
		return ISSUER_EXIT_FAILED;
	}
	if (fileio_mkdirs(dir, 0700, &d) != 0) {
		out_error(dir, &d);
		return ISSUER_EXIT_FAILED;
	}

	int rc = ISSUER_EXIT_FAILED;
	char *pass = NULL;
	size_t pass_len = 0;
	struct ed25519_key *key = NULL;
	char *text = NULL;
	json_t *inst = NULL;
	char prompt[sizeof key_path + 48];
	snprintf(prompt, sizeof prompt, "new passphrase for %s: ", key_path);
	if (passphrase_get(&src, prompt, 1, &pass, &pass_len, &d) != 0) {
		out_error(NULL, &d);
		goto out;
	}
	key = ed25519_key_new_random();
	if (!key) {
		out_errorf(NULL, "out of secure memory");
		goto out;
	}
	if (keyfile_write(key_path, key, pass, pass_len, level, &d) != 0) {
		out_error(key_path, &d);
		goto out;
	}
	char did[DIDKEY_MAX_BYTES];
	if (didkey_from_public(key->pk, did) != 0)
		goto out;
	inst = json_pack("{s:i, s:s, s:s}", "version", 1, "name", name, "did", did);
	text = inst ? json_dumps(inst, JSON_INDENT(2)) : NULL;
	if (!text) {
		out_errorf(NULL, "out of memory");
		goto out;
	}
	if (fileio_write_atomic(inst_path, text, strlen(text), 0644, FILEIO_NO_REPLACE, &d) != 0) {
		out_error(inst_path, &d);
		goto out;
	}
	if (cli_given(p, "json"))
		out_json(json_pack("{s:i, s:s, s:s, s:s}", "version", 1, "did", did, "name", name,
				   "dir", dir));
	else
		printf("%s\n", did);
	rc = ISSUER_EXIT_OK;
out:
	if (pass)
		passphrase_free(pass);
	ed25519_key_free(key);
	free(text);
	json_decref(inst);
	return rc;
}

const struct cli_cmd issuer_cmd_init = {
    .name = "init",
    .usage = NULL,
    .summary = "create the institution's signing key (encrypted) and print its did:key",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
