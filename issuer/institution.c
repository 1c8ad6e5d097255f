#include "issuer.h"

#include "jsonin.h"
#include "keyfile.h"
#include "passphrase.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int institution_load(const struct cli_parsed *p, struct institution *inst)
{
	struct shomei_diag d;
	diag_clear(&d);
	memset(inst, 0, sizeof *inst);
	if (cli_state_dir(cli_value(p, "dir"), "SHOMEI_ISSUER_DIR", "issuer", inst->dir,
			  sizeof inst->dir, &d) != 0) {
		out_error(NULL, &d);
		return SHOMEI_ERR_USAGE;
	}
	char path[sizeof inst->dir + 32];
	snprintf(path, sizeof path, "%s/%s", inst->dir, INSTITUTION_FILE);
	json_t *j = NULL;
	int err = jsonin_load(path, &j, &d);
	if (err) {
		out_error(path, &d);
		if (err == SHOMEI_ERR_IO)
			out_errorf(NULL, "no institution in %s: run 'issuer init' first",
				   inst->dir);
		return err;
	}
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *did = json_string_value(json_object_get(j, "did"));
	unsigned char pk[ED25519_PUBLIC_BYTES];
	if (!name || !did || strlen(name) >= sizeof inst->name ||
	    didkey_to_public(did, pk, &d) != 0) {
		json_decref(j);
		out_errorf(path, "not an institution file made by 'issuer init'");
		return SHOMEI_ERR_INVALID;
	}
	const char *kf = json_string_value(json_object_get(j, "key"));
	if (kf && (!*kf || strlen(kf) >= sizeof inst->key_file || strchr(kf, '/') ||
		   kf[0] == '.')) {
		json_decref(j);
		out_errorf(path, "key: not a file name in the institution's folder");
		return SHOMEI_ERR_INVALID;
	}
	snprintf(inst->key_file, sizeof inst->key_file, "%s", kf ? kf : INSTITUTION_KEY_FILE);
	snprintf(inst->name, sizeof inst->name, "%s", name);
	snprintf(inst->did, sizeof inst->did, "%s", did);
	json_decref(j);
	if (didkey_vm_from_public(pk, inst->vm) != 0)
		return SHOMEI_ERR_INVALID;
	return 0;
}

int institution_unlock(const struct cli_parsed *p, const struct institution *inst,
		       struct ed25519_key **key)
{
	struct shomei_diag d;
	diag_clear(&d);
	*key = NULL;
	struct passphrase_source src;
	int err = cli_passphrase_source(p, &src, &d);
	if (err) {
		out_error(NULL, &d);
		return err;
	}
	char path[sizeof inst->dir + 32];
	snprintf(path, sizeof path, "%s/%s", inst->dir, inst->key_file);
	char prompt[sizeof path + 32];
	snprintf(prompt, sizeof prompt, "passphrase for %s: ", path);
	char *pass = NULL;
	size_t pass_len = 0;
	err = passphrase_get(&src, prompt, 0, &pass, &pass_len, &d);
	if (err) {
		out_error(NULL, &d);
		return err;
	}
	err = keyfile_read(path, pass, pass_len, key, &d);
	passphrase_free(pass);
	if (err) {
		out_error(path, &d);
		return err;
	}
	unsigned char pk[ED25519_PUBLIC_BYTES];
	if (didkey_to_public(inst->did, pk, &d) != 0 ||
	    sodium_memcmp(pk, (*key)->pk, sizeof pk) != 0) {
		ed25519_key_free(*key);
		*key = NULL;
		out_errorf(path, "not the key of %s (%s)", inst->name, inst->did);
		return SHOMEI_ERR_INVALID;
	}
	return 0;
}
