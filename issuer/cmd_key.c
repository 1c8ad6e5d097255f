/* issuer key rotate|compromised, issuer revoke|reinstate: the records an
 * institution writes about its own keys and credentials. */
#include "issuer.h"

#include "fileio.h"
#include "passphrase.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define INSTITUTION_OPTS                                                                           \
	{"dir", 'd', CLI_VALUE, "DIR", "the institution's folder (default $SHOMEI_ISSUER_DIR)",   \
	 0},                                                                                       \
	    CLI_OPTS_PASSPHRASE, CLI_OPTS_LEDGER,                                                  \
	{                                                                                          \
		"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0                           \
	}

/* Signs each of f[0..n) with key and appends them in one append. */
static int write_records(const struct cli_parsed *p, struct lstate *s, struct record_fields *f,
			 size_t n, const struct ed25519_key *key)
{
	char *recs[4] = {0};
	size_t lens[4] = {0};
	int rc = 0;
	int64_t now = timeutil_now();
	for (size_t i = 0; i < n && !rc; i++) {
		f[i].time = now;
		rc = issuer_record_sign(&f[i], key, &recs[i], &lens[i]);
	}
	uint64_t first = 0;
	if (!rc)
		rc = issuer_ledger_append(p, s, recs, lens, n, &first);
	if (rc == ISSUER_EXIT_OK) {
		if (cli_given(p, "json")) {
			json_t *a = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(
				    a, json_pack("{s:s, s:I}", "record", record_type_name(f[i].type),
						 "entry", (json_int_t)(first + i)));
			out_json(json_pack("{s:i, s:o}", "version", 1, "recorded", a));
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%s recorded as ledger entry %llu\n",
				       record_type_name(f[i].type),
				       (unsigned long long)(first + i));
		}
	}
	for (size_t i = 0; i < n; i++)
		free(recs[i]);
	return rc;
}

/* Loads the institution, opens the ledger and finds the institution's id. */
static int prepare(const struct cli_parsed *p, struct institution *inst, struct lstate **s,
		   char id[RECORD_ID_BYTES])
{
	*s = NULL;
	if (institution_load(p, inst) != 0)
		return ISSUER_EXIT_USAGE;
	int rc = issuer_ledger_open(p, s);
	if (!rc)
		rc = issuer_own_institution(*s, inst, id, RECORD_ID_BYTES);
	if (rc) {
		lstate_free(*s);
		*s = NULL;
	}
	return rc;
}

/* ---- key rotate ---- */

static const struct cli_opt rotate_opts[] = {
    INSTITUTION_OPTS,
    {"kdf", 0, CLI_VALUE, "LEVEL",
     "the new key file's passphrase hardening: interactive, moderate (default) or sensitive", 0},
};

/* A new key: sealed under the same passphrase into issuer-<time>.key, recorded
 * on the ledger (key-add signed by the old key, then key-retire of the old
 * key, in one append), and only then named in institution.json, replaced
 * atomically: that rename is the moment the institution switches keys. */
static int run_rotate(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	struct institution inst;
	struct lstate *s = NULL;
	char id[RECORD_ID_BYTES];
	enum keyfile_kdf_level level;
	if (kdf_level_parse(cli_value(p, "kdf"), &level) != 0) {
		out_errorf("key rotate", "--kdf: not interactive, moderate or sensitive");
		return ISSUER_EXIT_USAGE;
	}
	int rc = prepare(p, &inst, &s, id);
	if (rc)
		return rc;
	struct passphrase_source src;
	char *pass = NULL, *text = NULL;
	size_t pass_len = 0;
	struct ed25519_key *old = NULL, *fresh = NULL;
	json_t *ij = NULL;
	rc = ISSUER_EXIT_FAILED;
	if (cli_passphrase_source(p, &src, &d) != 0) {
		out_error(NULL, &d);
		rc = ISSUER_EXIT_USAGE;
		goto out;
	}
	char old_path[sizeof inst.dir + 80];
	snprintf(old_path, sizeof old_path, "%s/%s", inst.dir, inst.key_file);
	char prompt[sizeof old_path + 32];
	snprintf(prompt, sizeof prompt, "passphrase for %s: ", old_path);
	if (passphrase_get(&src, prompt, 0, &pass, &pass_len, &d) != 0) {
		out_error(NULL, &d);
		goto out;
	}
	if (keyfile_read(old_path, pass, pass_len, &old, &d) != 0) {
		out_error(old_path, &d);
		goto out;
	}
	fresh = ed25519_key_new_random();
	if (!fresh) {
		out_errorf(NULL, "out of secure memory");
		goto out;
	}
	char new_did[DIDKEY_MAX_BYTES];
	if (didkey_from_public(fresh->pk, new_did) != 0)
		goto out;
	char rel[64], new_path[sizeof inst.dir + 80];
	snprintf(rel, sizeof rel, "issuer-%lld.key", (long long)timeutil_now());
	snprintf(new_path, sizeof new_path, "%s/%s", inst.dir, rel);
	if (keyfile_write(new_path, fresh, pass, pass_len, level, &d) != 0) {
		out_error(new_path, &d);
		goto out;
	}
	struct record_fields f[2] = {
	    {.type = RECORD_KEY_ADD, .institution = id, .key = new_did},
	    {.type = RECORD_KEY_RETIRE, .institution = id, .key = inst.did},
	};
	rc = write_records(p, s, f, 2, old);
	if (rc) {
		remove(new_path);
		goto out;
	}
	rc = ISSUER_EXIT_FAILED;
	char inst_path[sizeof inst.dir + 32];
	snprintf(inst_path, sizeof inst_path, "%s/%s", inst.dir, INSTITUTION_FILE);
	ij = json_pack("{s:i, s:s, s:s, s:s}", "version", 1, "name", inst.name, "did", new_did,
		       "key", rel);
	text = ij ? json_dumps(ij, JSON_INDENT(2)) : NULL;
	if (!text) {
		out_errorf(NULL, "out of memory");
		goto out;
	}
	if (!text ||
	    fileio_write_atomic(inst_path, text, strlen(text), 0644, FILEIO_REPLACE, &d) != 0) {
		out_error(inst_path, &d);
		out_errorf(NULL, "the ledger already names the new key, which is in %s", new_path);
		goto out;
	}
	if (!cli_given(p, "json"))
		printf("%s\n", new_did);
	rc = ISSUER_EXIT_OK;
out:
	if (pass)
		passphrase_free(pass);
	ed25519_key_free(old);
	ed25519_key_free(fresh);
	lstate_free(s);
	free(text);
	json_decref(ij);
	return rc;
}

const struct cli_cmd issuer_cmd_key_rotate = {
    .name = "key rotate",
    .usage = NULL,
    .summary = "replace the institution's key: the new one added, the old retired, on the ledger",
    .opts = rotate_opts,
    .nopts = sizeof rotate_opts / sizeof rotate_opts[0],
    .min_pos = 0,
    .max_pos = 0,
    .run = run_rotate,
};

/* ---- key compromised ---- */

static const struct cli_opt compromised_opts[] = {
    INSTITUTION_OPTS,
    {"since", 0, CLI_VALUE, "TIME",
     "the key is not to be trusted from TIME on (RFC 3339 or Unix seconds)", 0},
};

static int run_compromised(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *since_s = cli_value(p, "since");
	int64_t since;
	if (!since_s) {
		out_errorf("key compromised", "--since TIME is required");
		return ISSUER_EXIT_USAGE;
	}
	if (timeutil_parse_at(since_s, &since, &d) != 0) {
		out_error("--since", &d);
		return ISSUER_EXIT_USAGE;
	}
	unsigned char pk[ED25519_PUBLIC_BYTES];
	if (didkey_to_public(p->pos[0], pk, &d) != 0) {
		out_error(p->pos[0], &d);
		return ISSUER_EXIT_USAGE;
	}
	struct institution inst;
	struct lstate *s = NULL;
	char id[RECORD_ID_BYTES];
	int rc = prepare(p, &inst, &s, id);
	if (rc)
		return rc;
	struct ed25519_key *key = NULL;
	if (strcmp(p->pos[0], inst.did) == 0) {
		out_errorf(p->pos[0], "is the institution's current key: rotate it first ('issuer "
				      "key rotate'), then mark it compromised with the new one");
		rc = ISSUER_EXIT_USAGE;
		goto out;
	}
	rc = institution_unlock(p, &inst, &key) ? ISSUER_EXIT_FAILED : 0;
	if (rc)
		goto out;
	struct record_fields f = {
	    .type = RECORD_KEY_COMPROMISED, .institution = id, .key = p->pos[0], .since = since};
	rc = write_records(p, s, &f, 1, key);
out:
	ed25519_key_free(key);
	lstate_free(s);
	return rc;
}

const struct cli_cmd issuer_cmd_key_compromised = {
    .name = "key compromised",
    .usage = "DID",
    .summary = "record that a former key of the institution was compromised since a time",
    .opts = compromised_opts,
    .nopts = sizeof compromised_opts / sizeof compromised_opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run_compromised,
};

/* ---- revoke, reinstate ---- */

static const struct {
	const char *name;
	enum record_reason reason;
} reasons[] = {
    {"issued-in-error", RECORD_REASON_ISSUED_IN_ERROR},
    {"fraud", RECORD_REASON_FRAUD},
    {"superseded", RECORD_REASON_SUPERSEDED},
    {"withdrawn", RECORD_REASON_WITHDRAWN},
    {"other", RECORD_REASON_OTHER},
};

static const struct cli_opt revoke_opts[] = {
    INSTITUTION_OPTS,
    {"reason", 0, CLI_VALUE, "REASON",
     "issued-in-error, fraud, superseded, withdrawn or other (no free text: the ledger is "
     "public)",
     0},
    {"for", 0, CLI_VALUE, "ID",
     "the institution that issued it (default: this one; a successor or custodian names the "
     "absorbed or closed one)",
     0},
};

static const struct cli_opt reinstate_opts[] = {
    INSTITUTION_OPTS,
    {"for", 0, CLI_VALUE, "ID", "the institution that issued it (default: this one)", 0},
};

static int status_record(const struct cli_parsed *p, enum record_type type)
{
	struct shomei_diag d;
	diag_clear(&d);
	enum record_reason reason = RECORD_REASON_OTHER;
	if (type == RECORD_REVOKE) {
		const char *r = cli_value(p, "reason");
		size_t i;
		for (i = 0; r && i < sizeof reasons / sizeof reasons[0]; i++)
			if (!strcmp(r, reasons[i].name))
				break;
		if (!r || i == sizeof reasons / sizeof reasons[0]) {
			out_errorf("revoke", "--reason: one of issued-in-error, fraud, superseded, "
					     "withdrawn, other");
			return ISSUER_EXIT_USAGE;
		}
		reason = reasons[i].reason;
	}
	unsigned char (*hashes)[RECORD_HASH_BYTES] = calloc(p->npos, sizeof *hashes);
	if (!hashes) {
		out_errorf(NULL, "out of memory");
		return ISSUER_EXIT_FAILED;
	}
	for (size_t i = 0; i < p->npos; i++)
		if (strncmp(p->pos[i], "urn:uuid:", 9) != 0 ||
		    record_status_hash(p->pos[i], hashes[i]) != 0) {
			out_errorf(p->pos[i], "not a credential id (urn:uuid:...)");
			free(hashes);
			return ISSUER_EXIT_USAGE;
		}
	struct institution inst;
	struct lstate *s = NULL;
	char id[RECORD_ID_BYTES];
	int rc = prepare(p, &inst, &s, id);
	struct ed25519_key *key = NULL;
	if (!rc)
		rc = institution_unlock(p, &inst, &key) ? ISSUER_EXIT_FAILED : 0;
	if (!rc) {
		const char *whose = cli_value(p, "for") ? cli_value(p, "for") : id;
		struct record_fields f = {.type = type,
					  .institution = whose,
					  .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])hashes,
					  .nhashes = p->npos,
					  .reason = reason};
		rc = write_records(p, s, &f, 1, key);
	}
	ed25519_key_free(key);
	lstate_free(s);
	free(hashes);
	return rc;
}

static int run_revoke(const struct cli_parsed *p)
{
	return status_record(p, RECORD_REVOKE);
}

static int run_reinstate(const struct cli_parsed *p)
{
	return status_record(p, RECORD_REINSTATE);
}

const struct cli_cmd issuer_cmd_revoke = {
    .name = "revoke",
    .usage = "ID...",
    .summary = "revoke credentials by their id (only their status hash goes on the ledger)",
    .opts = revoke_opts,
    .nopts = sizeof revoke_opts / sizeof revoke_opts[0],
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run_revoke,
};

const struct cli_cmd issuer_cmd_reinstate = {
    .name = "reinstate",
    .usage = "ID...",
    .summary = "lift the revocation of credentials by their id",
    .opts = reinstate_opts,
    .nopts = sizeof reinstate_opts / sizeof reinstate_opts[0],
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run_reinstate,
};
