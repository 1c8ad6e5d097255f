/* The issuer's side of the ledger: where it is, the writer's key, signing a
 * record and appending it, and reporting what the registry made of it. */
#include "issuer.h"

#include "keyfile.h"
#include "passphrase.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int issuer_ledger_dir(const struct cli_parsed *p, char *out, size_t cap)
{
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_state_dir(cli_value(p, "ledger"), "SHOMEI_LEDGER", "ledger", out, cap, &d) != 0) {
		out_error(NULL, &d);
		return ISSUER_EXIT_USAGE;
	}
	return 0;
}

int issuer_ledger_open(const struct cli_parsed *p, struct lstate **s)
{
	char dir[4096];
	int rc = issuer_ledger_dir(p, dir, sizeof dir);
	if (rc)
		return rc;
	struct shomei_diag d;
	diag_clear(&d);
	int e = lstate_open(dir, NULL, s, &d);
	if (e) {
		out_error(NULL, &d);
		if (e == SHOMEI_ERR_IO)
			out_errorf(NULL,
				   "no ledger in %s: the authority creates it with 'issuer "
				   "authority init'; --ledger names another",
				   dir);
		return ISSUER_EXIT_FAILED;
	}
	return 0;
}

/* The writer's key sits beside the ledger folder, never inside it: the folder
 * is what web servers publish. */
static int writer_key_path(const struct cli_parsed *p, char *out, size_t cap)
{
	const char *opt = cli_value(p, "ledger-key");
	if (opt) {
		if ((size_t)snprintf(out, cap, "%s", opt) >= cap)
			return ISSUER_EXIT_USAGE;
		return 0;
	}
	char dir[4096];
	int rc = issuer_ledger_dir(p, dir, sizeof dir);
	if (rc)
		return rc;
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	if ((size_t)snprintf(out, cap, "%s.key", dir) >= cap) {
		out_errorf(dir, "path too long");
		return ISSUER_EXIT_USAGE;
	}
	return 0;
}

/* The passphrase for the key file at path, from the source a pair of options
 * names (--passphrase-env/-fd, or the ledger's), asked for twice when it is
 * new. Prints its own error; returns the exit code (0 on success). */
static int passphrase_for(const struct cli_parsed *p, const char *env_opt, const char *fd_opt,
			  const char *path, const char *what, int is_new, char **pass,
			  size_t *pass_len)
{
	struct shomei_diag d;
	diag_clear(&d);
	struct passphrase_source src;
	if (cli_passphrase_source_named(p, env_opt, fd_opt, &src, &d) != 0) {
		out_error(NULL, &d);
		return ISSUER_EXIT_USAGE;
	}
	char prompt[4300];
	snprintf(prompt, sizeof prompt, "%spassphrase for %s%s: ", is_new ? "new " : "", what,
		 path);
	if (passphrase_get(&src, prompt, is_new, pass, pass_len, &d) != 0) {
		out_error(NULL, &d);
		return ISSUER_EXIT_FAILED;
	}
	return 0;
}

int issuer_key_create(const struct cli_parsed *p, const char *env_opt, const char *fd_opt,
		      const char *path, const char *what, enum keyfile_kdf_level level,
		      struct ed25519_key **key)
{
	struct shomei_diag d;
	diag_clear(&d);
	*key = NULL;
	char *pass = NULL;
	size_t pass_len = 0;
	int rc = passphrase_for(p, env_opt, fd_opt, path, what, 1, &pass, &pass_len);
	if (rc)
		return rc;
	*key = ed25519_key_new_random();
	if (!*key) {
		passphrase_free(pass);
		out_errorf(NULL, "out of secure memory");
		return ISSUER_EXIT_FAILED;
	}
	int e = keyfile_write(path, *key, pass, pass_len, level, &d);
	passphrase_free(pass);
	if (e) {
		out_error(path, &d);
		ed25519_key_free(*key);
		*key = NULL;
		return ISSUER_EXIT_FAILED;
	}
	return 0;
}

int issuer_key_read(const struct cli_parsed *p, const char *env_opt, const char *fd_opt,
		    const char *path, const char *what, struct ed25519_key **key)
{
	struct shomei_diag d;
	diag_clear(&d);
	*key = NULL;
	char *pass = NULL;
	size_t pass_len = 0;
	int rc = passphrase_for(p, env_opt, fd_opt, path, what, 0, &pass, &pass_len);
	if (rc)
		return rc;
	int e = keyfile_read(path, pass, pass_len, key, &d);
	passphrase_free(pass);
	if (e) {
		out_error(path, &d);
		return ISSUER_EXIT_FAILED;
	}
	return 0;
}

int issuer_ledger_new_writer_key(const struct cli_parsed *p, enum keyfile_kdf_level level,
				 struct ed25519_key **key, char *path, size_t cap)
{
	*key = NULL;
	int rc = writer_key_path(p, path, cap);
	return rc ? rc
		  : issuer_key_create(p, "ledger-passphrase-env", "ledger-passphrase-fd", path,
				      "the ledger writer key ", level, key);
}

static int unlock_writer(const struct cli_parsed *p, struct ed25519_key **key)
{
	*key = NULL;
	char path[4200];
	int rc = writer_key_path(p, path, sizeof path);
	return rc ? rc
		  : issuer_key_read(p, "ledger-passphrase-env", "ledger-passphrase-fd", path,
				    "the ledger writer key ", key);
}

int issuer_record_sign(const struct record_fields *f, const struct ed25519_key *key, char **out,
		       size_t *len)
{
	struct shomei_diag d;
	diag_clear(&d);
	*out = NULL;
	*len = 0;
	json_t *body = NULL;
	int e = record_build(f, &body, &d);
	if (!e)
		e = record_sign(body, &key, 1, out, len, &d);
	json_decref(body);
	if (e) {
		out_error(record_type_name(f->type), &d);
		return e == SHOMEI_ERR_NOMEM ? ISSUER_EXIT_FAILED : ISSUER_EXIT_USAGE;
	}
	return 0;
}

int issuer_ledger_append(const struct cli_parsed *p, struct lstate *s, char *const *records,
			 const size_t *lens, size_t n, uint64_t *first)
{
	struct shomei_diag d;
	diag_clear(&d);
	struct ed25519_key *wkey = NULL;
	int rc = unlock_writer(p, &wkey);
	if (rc)
		return rc;
	struct lstate_outcome *oc = calloc(n, sizeof *oc);
	if (!oc) {
		ed25519_key_free(wkey);
		out_errorf(NULL, "out of memory");
		return ISSUER_EXIT_FAILED;
	}
	int e = lstate_append(s, wkey, (const void *const *)records, lens, n, timeutil_now(), oc,
			      &d);
	ed25519_key_free(wkey);
	if (e) {
		out_error("ledger", &d);
		free(oc);
		return ISSUER_EXIT_FAILED;
	}
	rc = ISSUER_EXIT_OK;
	for (size_t i = 0; i < n; i++)
		if (oc[i].result != 0) {
			out_errorf("ledger",
				   "entry %llu was recorded but the registry rejected it, so it has "
				   "no effect: %s",
				   (unsigned long long)oc[i].index, oc[i].reason);
			rc = ISSUER_EXIT_PARTIAL;
		}
	if (first)
		*first = oc[0].index;
	free(oc);
	return rc;
}

int issuer_own_institution(const struct lstate *s, const struct institution *inst, char *id,
			   size_t cap)
{
	struct registry_key k;
	if (registry_key_owner(lstate_registry(s), inst->did, &k) != 0) {
		out_errorf(inst->dir,
			   "the key %s is not registered on the ledger: the authority registers "
			   "it with 'issuer authority register'",
			   inst->did);
		return ISSUER_EXIT_FAILED;
	}
	snprintf(id, cap, "%s", k.institution);
	return 0;
}
