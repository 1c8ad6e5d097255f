/* issuer authority init|register|merge|close: the accrediting authority's
 * commands. The authority's folder holds its key (encrypted) and
 * authority.json; `init` also creates the ledger, its writer key, and the
 * trust file that verifiers pin. */
#include "issuer.h"

#include "fileio.h"
#include "internal/sha256.h"
#include "jsonin.h"
#include "passphrase.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define AUTHORITY_FILE	   "authority.json"
#define AUTHORITY_KEY_FILE "authority.key"

#define AUTHORITY_OPTS                                                                             \
	{"dir", 'd', CLI_VALUE, "DIR", "the authority's folder (default $SHOMEI_AUTHORITY_DIR)",  \
	 0},                                                                                       \
	    CLI_OPTS_PASSPHRASE, CLI_OPTS_LEDGER

static int authority_dir(const struct cli_parsed *p, char *out, size_t cap)
{
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_state_dir(cli_value(p, "dir"), "SHOMEI_AUTHORITY_DIR", "authority", out, cap,
			  &d) != 0) {
		out_error(NULL, &d);
		return ISSUER_EXIT_USAGE;
	}
	return 0;
}

/* Unlocks the authority's key and checks it is the one authority.json names. */
static int authority_unlock(const struct cli_parsed *p, struct ed25519_key **key)
{
	struct shomei_diag d;
	diag_clear(&d);
	*key = NULL;
	char dir[4096];
	int rc = authority_dir(p, dir, sizeof dir);
	if (rc)
		return rc;
	char path[sizeof dir + 32];
	snprintf(path, sizeof path, "%s/%s", dir, AUTHORITY_FILE);
	json_t *j = NULL;
	if (jsonin_load(path, &j, &d) != 0) {
		out_error(path, &d);
		out_errorf(NULL, "no authority in %s: run 'issuer authority init' first", dir);
		return ISSUER_EXIT_USAGE;
	}
	unsigned char want[ED25519_PUBLIC_BYTES];
	const char *did = json_string_value(json_object_get(j, "did"));
	if (!did || didkey_to_public(did, want, &d) != 0) {
		json_decref(j);
		out_errorf(path, "not an authority file made by 'issuer authority init'");
		return ISSUER_EXIT_USAGE;
	}
	json_decref(j);
	snprintf(path, sizeof path, "%s/%s", dir, AUTHORITY_KEY_FILE);
	rc = issuer_key_read(p, "passphrase-env", "passphrase-fd", path, "", key);
	if (rc)
		return rc;
	if (memcmp((*key)->pk, want, sizeof want) != 0) {
		ed25519_key_free(*key);
		*key = NULL;
		out_errorf(path, "not the key authority.json names");
		return ISSUER_EXIT_FAILED;
	}
	return 0;
}

/* ---- authority init ---- */

static const struct cli_opt init_opts[] = {
    AUTHORITY_OPTS,
    {"origin", 0, CLI_VALUE, "NAME",
     "the ledger's name, a schema-less URL such as example.go.jp/diplomas", 0},
    {"kdf", 0, CLI_VALUE, "LEVEL",
     "key file passphrase hardening: interactive, moderate (default) or sensitive", 0},
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int run_init(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *origin = cli_value(p, "origin");
	if (!origin || !note_name_valid(origin, strlen(origin))) {
		out_errorf("authority init", "--origin NAME is required: a name without spaces or "
					     "'+', such as example.go.jp/diplomas");
		return ISSUER_EXIT_USAGE;
	}
	enum keyfile_kdf_level level;
	if (kdf_level_parse(cli_value(p, "kdf"), &level) != 0) {
		out_errorf("authority init", "--kdf: not interactive, moderate or sensitive");
		return ISSUER_EXIT_USAGE;
	}
	char dir[4096], ldir[4096];
	int rc = authority_dir(p, dir, sizeof dir);
	if (!rc)
		rc = issuer_ledger_dir(p, ldir, sizeof ldir);
	if (rc)
		return rc;
	char auth_path[sizeof dir + 32], key_path[sizeof dir + 32], trust_path[sizeof dir + 32];
	snprintf(auth_path, sizeof auth_path, "%s/%s", dir, AUTHORITY_FILE);
	snprintf(key_path, sizeof key_path, "%s/%s", dir, AUTHORITY_KEY_FILE);
	snprintf(trust_path, sizeof trust_path, "%s/%s", dir, LSTATE_TRUST_FILE);
	struct stat st;
	if (stat(auth_path, &st) == 0 || stat(key_path, &st) == 0) {
		out_errorf(dir, "already holds an authority; refusing to overwrite it");
		return ISSUER_EXIT_FAILED;
	}
	struct passphrase_source src;
	if (cli_passphrase_source(p, &src, &d) != 0) {
		out_error(NULL, &d);
		return ISSUER_EXIT_USAGE;
	}
	if (fileio_mkdirs(dir, 0700, &d) != 0) {
		out_error(dir, &d);
		return ISSUER_EXIT_FAILED;
	}

	char *genesis = NULL, *text = NULL;
	size_t glen = 0;
	struct ed25519_key *akey = NULL, *wkey = NULL;
	struct lstate *s = NULL;
	json_t *aj = NULL;
	char wpath[4200];
	if ((rc = issuer_key_create(p, "passphrase-env", "passphrase-fd", key_path, "", level,
				    &akey)) != 0 ||
	    (rc = issuer_ledger_new_writer_key(p, level, &wkey, wpath, sizeof wpath)) != 0)
		goto out;
	rc = ISSUER_EXIT_FAILED;
	if (ledger_create(ldir, origin, wkey, &d) != 0) {
		out_error(ldir, &d);
		goto out;
	}
	char did[DIDKEY_MAX_BYTES];
	if (didkey_from_public(akey->pk, did) != 0)
		goto out;
	const char *auths[1] = {did};
	struct record_fields f = {.type = RECORD_GENESIS,
				  .time = timeutil_now(),
				  .authorities = auths,
				  .nauthorities = 1,
				  .threshold = 1};
	if ((rc = issuer_record_sign(&f, akey, &genesis, &glen)) != 0)
		goto out;
	rc = ISSUER_EXIT_FAILED;
	if (lstate_open(ldir, NULL, &s, &d) != 0) {
		out_error(ldir, &d);
		goto out;
	}
	if (issuer_ledger_append(p, s, &genesis, &glen, 1, NULL) != 0)
		goto out;
	struct lstate_trust t;
	memset(&t, 0, sizeof t);
	snprintf(t.origin, sizeof t.origin, "%s", origin);
	snprintf(t.vkey, sizeof t.vkey, "%s", ledger_vkey(lstate_ledger(s)));
	sha256(genesis, glen, t.genesis);
	char ltrust[sizeof ldir + 32];
	snprintf(ltrust, sizeof ltrust, "%s/%s", ldir, LSTATE_TRUST_FILE);
	if (lstate_trust_save(trust_path, &t, FILEIO_NO_REPLACE, &d) != 0) {
		out_error(trust_path, &d);
		goto out;
	}
	if (lstate_trust_save(ltrust, &t, FILEIO_NO_REPLACE, &d) != 0) {
		out_error(ltrust, &d);
		goto out;
	}
	aj = json_pack("{s:i, s:s, s:s}", "version", 1, "did", did, "origin", origin);
	text = aj ? json_dumps(aj, JSON_INDENT(2)) : NULL;
	if (!text) {
		out_errorf(NULL, "out of memory");
		goto out;
	}
	if (fileio_write_atomic(auth_path, text, strlen(text), 0644, FILEIO_NO_REPLACE, &d) != 0) {
		out_error(auth_path, &d);
		goto out;
	}
	if (cli_given(p, "json"))
		out_json(json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "version", 1, "authority",
				   did, "ledger", ldir, "origin", origin, "vkey", t.vkey, "trust",
				   trust_path));
	else
		printf("authority %s\nledger    %s (%s)\ntrust     %s\n", did, ldir, origin,
		       trust_path);
	rc = ISSUER_EXIT_OK;
out:
	ed25519_key_free(akey);
	ed25519_key_free(wkey);
	lstate_free(s);
	free(genesis);
	free(text);
	json_decref(aj);
	return rc;
}

const struct cli_cmd issuer_cmd_authority_init = {
    .name = "authority init",
    .usage = NULL,
    .summary = "create the authority's key, the ledger and its genesis, and the trust file",
    .opts = init_opts,
    .nopts = sizeof init_opts / sizeof init_opts[0],
    .min_pos = 0,
    .max_pos = 0,
    .run = run_init,
};

/* ---- register, merge, close: one record signed by the authority ---- */

static int check_id(const char *what, const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > RECORD_ID_MAX_CHARS || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
							    "nopqrstuvwxyz0123456789._-") != n) {
		out_errorf(what, "not an institution id: 1 to %d of A-Z a-z 0-9 . _ -",
			   RECORD_ID_MAX_CHARS);
		return ISSUER_EXIT_USAGE;
	}
	return 0;
}

static int authority_write(const struct cli_parsed *p, struct record_fields *f)
{
	struct lstate *s = NULL;
	struct ed25519_key *akey = NULL;
	char *rec = NULL;
	size_t len = 0;
	uint64_t index = 0;
	int rc = issuer_ledger_open(p, &s);
	if (!rc)
		rc = authority_unlock(p, &akey);
	if (!rc) {
		f->time = timeutil_now();
		rc = issuer_record_sign(f, akey, &rec, &len);
	}
	if (!rc)
		rc = issuer_ledger_append(p, s, &rec, &len, 1, &index);
	if (rc == ISSUER_EXIT_OK) {
		if (cli_given(p, "json"))
			out_json(json_pack("{s:i, s:s, s:I}", "version", 1, "record",
					   record_type_name(f->type), "entry", (json_int_t)index));
		else
			printf("%s recorded as ledger entry %llu\n", record_type_name(f->type),
			       (unsigned long long)index);
	}
	ed25519_key_free(akey);
	lstate_free(s);
	free(rec);
	return rc;
}

static const struct cli_opt register_opts[] = {
    AUTHORITY_OPTS,
    {"name", 'n', CLI_VALUE, "NAME", "the institution's name", 0},
    {"key", 'k', CLI_VALUE, "DID", "its first signing key (the did:key 'issuer init' printed)", 0},
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int run_register(const struct cli_parsed *p)
{
	const char *id = p->pos[0], *name = cli_value(p, "name"), *key = cli_value(p, "key");
	if (check_id("authority register", id))
		return ISSUER_EXIT_USAGE;
	if (!name || !*name || strlen(name) > RECORD_NAME_MAX_CHARS) {
		out_errorf("authority register", "--name NAME is required (at most %d bytes)",
			   RECORD_NAME_MAX_CHARS);
		return ISSUER_EXIT_USAGE;
	}
	struct shomei_diag d;
	unsigned char pk[ED25519_PUBLIC_BYTES];
	if (!key || didkey_to_public(key, pk, &d) != 0) {
		out_errorf("authority register", "--key DID is required: the institution's did:key");
		return ISSUER_EXIT_USAGE;
	}
	struct record_fields f = {
	    .type = RECORD_INSTITUTION, .institution = id, .name = name, .key = key};
	return authority_write(p, &f);
}

const struct cli_cmd issuer_cmd_authority_register = {
    .name = "authority register",
    .usage = "ID",
    .summary = "accredit an institution: its id (national school code), name and first key",
    .opts = register_opts,
    .nopts = sizeof register_opts / sizeof register_opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run_register,
};

static const struct cli_opt merge_opts[] = {
    AUTHORITY_OPTS,
    {"into", 0, CLI_VALUE, "ID", "the successor institution", 0},
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int run_merge(const struct cli_parsed *p)
{
	const char *into = cli_value(p, "into");
	if (check_id("authority merge", p->pos[0]))
		return ISSUER_EXIT_USAGE;
	if (!into) {
		out_errorf("authority merge", "--into ID is required");
		return ISSUER_EXIT_USAGE;
	}
	if (check_id("--into", into))
		return ISSUER_EXIT_USAGE;
	struct record_fields f = {.type = RECORD_MERGE, .institution = p->pos[0], .other = into};
	return authority_write(p, &f);
}

const struct cli_cmd issuer_cmd_authority_merge = {
    .name = "authority merge",
    .usage = "ID",
    .summary = "record that institution ID merged into another (--into), from now on",
    .opts = merge_opts,
    .nopts = sizeof merge_opts / sizeof merge_opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run_merge,
};

static const struct cli_opt close_opts[] = {
    AUTHORITY_OPTS,
    {"custodian", 0, CLI_VALUE, "ID", "the institution that answers for its credentials", 0},
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int run_close(const struct cli_parsed *p)
{
	const char *c = cli_value(p, "custodian");
	if (check_id("authority close", p->pos[0]))
		return ISSUER_EXIT_USAGE;
	if (!c) {
		out_errorf("authority close", "--custodian ID is required");
		return ISSUER_EXIT_USAGE;
	}
	if (check_id("--custodian", c))
		return ISSUER_EXIT_USAGE;
	struct record_fields f = {.type = RECORD_CLOSE, .institution = p->pos[0], .other = c};
	return authority_write(p, &f);
}

const struct cli_cmd issuer_cmd_authority_close = {
    .name = "authority close",
    .usage = "ID",
    .summary = "record that institution ID closed, from now on, with a custodian",
    .opts = close_opts,
    .nopts = sizeof close_opts / sizeof close_opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run_close,
};

static const struct cli_opt addkey_opts[] = {
    AUTHORITY_OPTS,
    {"key", 'k', CLI_VALUE, "DID", "the key to add (the did:key 'issuer init' printed)", 0},
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

/* When an institution's only key is lost or compromised, it cannot sign its
 * own next key: the authority records it. */
static int run_addkey(const struct cli_parsed *p)
{
	const char *key = cli_value(p, "key");
	if (check_id("authority add-key", p->pos[0]))
		return ISSUER_EXIT_USAGE;
	struct shomei_diag d;
	unsigned char pk[ED25519_PUBLIC_BYTES];
	if (!key || didkey_to_public(key, pk, &d) != 0) {
		out_errorf("authority add-key", "--key DID is required: the new key's did:key");
		return ISSUER_EXIT_USAGE;
	}
	struct record_fields f = {.type = RECORD_KEY_ADD, .institution = p->pos[0], .key = key};
	return authority_write(p, &f);
}

const struct cli_cmd issuer_cmd_authority_add_key = {
    .name = "authority add-key",
    .usage = "ID",
    .summary = "add a key to an institution on its behalf (when its own key is lost or compromised)",
    .opts = addkey_opts,
    .nopts = sizeof addkey_opts / sizeof addkey_opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run_addkey,
};
