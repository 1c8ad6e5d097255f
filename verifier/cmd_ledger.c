#include "verifier.h"

#include "ledger.h"
#include "mirror.h"

#include <sodium.h>
#include <stdio.h>

/* The local replica the verifier answers from. */
static int replica_dir(const struct cli_parsed *p, char *out, size_t cap)
{
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_state_dir(cli_value(p, "replica"), "SHOMEI_LEDGER", "ledger", out, cap, &d) != 0) {
		out_error(NULL, &d);
		return VERIFIER_EXIT_USAGE;
	}
	return 0;
}

static const struct cli_opt sync_opts[] = {
	{"replica", 'r', CLI_VALUE, "DIR", "the local replica (default $SHOMEI_LEDGER)", 0},
	{"vkey", 0, CLI_VALUE, "VKEY",
	 "the ledger's key (C2SP vkey); default: the one the replica already trusts", 0},
	{"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int run_sync(const struct cli_parsed *p)
{
	char replica[4096];
	int rc = replica_dir(p, replica, sizeof replica);
	if (rc)
		return rc;
	struct mirror_result r;
	struct shomei_diag d;
	diag_clear(&d);
	int err = mirror_sync(p->pos[0], replica, cli_value(p, "vkey"), &r, &d);
	if (err) {
		out_error(p->pos[0], &d);
		return err == SHOMEI_ERR_IO || err == SHOMEI_ERR_NOTFOUND ? VERIFIER_EXIT_USAGE
									 : VERIFIER_EXIT_INVALID;
	}
	if (cli_given(p, "json"))
		out_json(json_pack("{s:i, s:I, s:I, s:I}", "version", 1, "oldSize",
				   (json_int_t)r.old_size, "size", (json_int_t)r.new_size, "files",
				   (json_int_t)r.files));
	else
		printf("synced %llu entries (was %llu; %zu files fetched) into %s\n",
		       (unsigned long long)r.new_size, (unsigned long long)r.old_size, r.files,
		       replica);
	return VERIFIER_EXIT_VALID;
}

const struct cli_cmd verifier_cmd_ledger_sync = {
	.name = "ledger sync",
	.usage = "URL|DIR",
	.summary = "bring the local ledger replica up to date from a mirror",
	.opts = sync_opts,
	.nopts = sizeof sync_opts / sizeof sync_opts[0],
	.min_pos = 1,
	.max_pos = 1,
	.run = run_sync,
};

static const struct cli_opt local_opts[] = {
	{"replica", 'r', CLI_VALUE, "DIR", "the local replica (default $SHOMEI_LEDGER)", 0},
	{"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int open_replica(const struct cli_parsed *p, struct ledger **l, char *dir, size_t cap)
{
	int rc = replica_dir(p, dir, cap);
	if (rc)
		return rc;
	struct shomei_diag d;
	diag_clear(&d);
	if (ledger_open(dir, l, &d) != 0) {
		out_error(dir, &d);
		return VERIFIER_EXIT_USAGE;
	}
	return 0;
}

static int run_verify(const struct cli_parsed *p)
{
	char dir[4096];
	struct ledger *l = NULL;
	int rc = open_replica(p, &l, dir, sizeof dir);
	if (rc)
		return rc;
	struct shomei_diag d;
	diag_clear(&d);
	int err = ledger_verify(l, &d);
	if (err) {
		out_error(dir, &d);
		ledger_free(l);
		return VERIFIER_EXIT_INVALID;
	}
	if (cli_given(p, "json"))
		out_json(json_pack("{s:i, s:s, s:I}", "version", 1, "status", "valid", "size",
				   (json_int_t)ledger_size(l)));
	else
		printf("ledger %s: %llu entries, every tile and entry matches the signed checkpoint\n",
		       ledger_origin(l), (unsigned long long)ledger_size(l));
	ledger_free(l);
	return VERIFIER_EXIT_VALID;
}

const struct cli_cmd verifier_cmd_ledger_verify = {
	.name = "ledger verify",
	.usage = NULL,
	.summary = "check every entry and tile of the replica against its signed checkpoint",
	.opts = local_opts,
	.nopts = sizeof local_opts / sizeof local_opts[0],
	.min_pos = 0,
	.max_pos = 0,
	.run = run_verify,
};

static int run_status(const struct cli_parsed *p)
{
	char dir[4096];
	struct ledger *l = NULL;
	int rc = open_replica(p, &l, dir, sizeof dir);
	if (rc)
		return rc;
	unsigned char root[MERKLE_HASH_BYTES];
	ledger_root(l, root);
	char hex[2 * MERKLE_HASH_BYTES + 1];
	sodium_bin2hex(hex, sizeof hex, root, sizeof root);
	if (cli_given(p, "json"))
		out_json(json_pack("{s:i, s:s, s:s, s:I, s:s}", "version", 1, "origin",
				   ledger_origin(l), "vkey", ledger_vkey(l), "size",
				   (json_int_t)ledger_size(l), "root", hex));
	else
		printf("ledger   %s\nkey      %s\nentries  %llu\nroot     %s\n", ledger_origin(l),
		       ledger_vkey(l), (unsigned long long)ledger_size(l), hex);
	ledger_free(l);
	return VERIFIER_EXIT_VALID;
}

const struct cli_cmd verifier_cmd_ledger_status = {
	.name = "ledger status",
	.usage = NULL,
	.summary = "the replica's ledger: origin, key, size and root of its checkpoint",
	.opts = local_opts,
	.nopts = sizeof local_opts / sizeof local_opts[0],
	.min_pos = 0,
	.max_pos = 0,
	.run = run_status,
};
