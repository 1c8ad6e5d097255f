#include "verifier.h"

#include "fileio.h"
#include "ledger.h"
#include "ledgerstate.h"
#include "mirror.h"
#include "timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

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
	{"trust", 0, CLI_VALUE, "FILE",
	 "the trust file the authority publishes (ledger key and genesis); default: the one "
	 "the replica keeps",
	 1},
	{"vkey", 0, CLI_VALUE, "VKEY",
	 "pin only the ledger's key (C2SP vkey), not its genesis (for a ledger without records)",
	 1},
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
	struct lstate_trust trust;
	const char *vkey = cli_value(p, "vkey");
	const char *trust_file = cli_value(p, "trust");
	char kept[4200];
	snprintf(kept, sizeof kept, "%s/%s", replica, LSTATE_TRUST_FILE);
	if (!trust_file && !vkey && access(kept, F_OK) == 0)
		trust_file = kept;
	if (trust_file) {
		if (lstate_trust_load(trust_file, &trust, &d) != 0) {
			out_error(NULL, &d);
			return VERIFIER_EXIT_USAGE;
		}
		vkey = trust.vkey;
	}
	int err = mirror_sync(p->pos[0], replica, vkey, &r, &d);
	if (err) {
		out_error(p->pos[0], &d);
		return err == SHOMEI_ERR_IO || err == SHOMEI_ERR_NOTFOUND ? VERIFIER_EXIT_USAGE
									 : VERIFIER_EXIT_INVALID;
	}
	/* Replaying the replica checks its genesis against the pin and leaves the
	 * registry snapshot that later verifications load; only then does the
	 * replica keep a new trust file. */
	struct lstate *s = NULL;
	err = lstate_open(replica, trust_file ? &trust : NULL, &s, &d);
	lstate_free(s);
	if (err) {
		out_error(p->pos[0], &d);
		return VERIFIER_EXIT_INVALID;
	}
	if (trust_file && trust_file != kept &&
	    lstate_trust_save(kept, &trust, FILEIO_REPLACE, &d) != 0) {
		out_error(kept, &d);
		return VERIFIER_EXIT_USAGE;
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
	int rc = replica_dir(p, dir, sizeof dir);
	if (rc)
		return rc;
	struct shomei_diag d;
	diag_clear(&d);
	struct lstate *s = NULL;
	if (lstate_open(dir, NULL, &s, &d) != 0) {
		out_error(dir, &d);
		return VERIFIER_EXIT_USAGE;
	}
	struct ledger *l = lstate_ledger(s);
	const struct registry *r = lstate_registry(s);
	unsigned char root[MERKLE_HASH_BYTES];
	ledger_root(l, root);
	char hex[2 * MERKLE_HASH_BYTES + 1], t[TIMEUTIL_RFC3339_BYTES], st[TIMEUTIL_RFC3339_BYTES];
	sodium_bin2hex(hex, sizeof hex, root, sizeof root);
	if (timeutil_format(lstate_time(s), t) != 0)
		t[0] = '\0';
	size_t ninst = registry_institution_count(r), nrej = registry_rejection_count(r);
	size_t nrev = registry_revoked_count(r);
	json_t *insts = json_array(), *rejs = json_array();
	int json = cli_given(p, "json");
	if (!json)
		printf("ledger   %s\nkey      %s\nentries  %llu\nroot     %s\nlast     %s\n"
		       "institutions %zu\n",
		       ledger_origin(l), ledger_vkey(l), (unsigned long long)ledger_size(l), hex, t,
		       ninst);
	for (size_t i = 0; i < ninst; i++) {
		struct registry_institution in;
		if (registry_institution_at(r, i, &in) != 0)
			continue;
		if (timeutil_format(in.standing_time, st) != 0)
			st[0] = '\0';
		if (json) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "id", in.id, "name", in.name,
					      "standing", registry_standing_name(in.standing),
					      "entry", (json_int_t)in.index);
			if (o && in.standing != REGISTRY_ACTIVE) {
				json_object_set_new(o, in.standing == REGISTRY_MERGED ? "successor"
										     : "custodian",
						    json_string(in.successor));
				json_object_set_new(o, "standingTime", json_string(st));
			}
			json_array_append_new(insts, o);
		} else if (in.standing == REGISTRY_ACTIVE) {
			printf("  %-12s %s, active\n", in.id, in.name);
		} else if (in.standing == REGISTRY_MERGED) {
			printf("  %-12s %s, merged into %s (%s) on %s\n", in.id, in.name, in.successor,
			       in.successor_name, st);
		} else {
			printf("  %-12s %s, closed on %s, custodian %s (%s)\n", in.id, in.name, st,
			       in.successor, in.successor_name);
		}
	}
	if (!json)
		printf("revoked  %zu\nrejected %zu\n", nrev, nrej);
	for (size_t i = 0; i < nrej; i++) {
		const struct registry_rejection *x = registry_rejection(r, i);
		if (!x)
			break;
		if (json)
			json_array_append_new(rejs, json_pack("{s:I, s:s}", "entry",
							      (json_int_t)x->index, "reason",
							      x->reason));
		else
			printf("  entry %llu: %s\n", (unsigned long long)x->index, x->reason);
	}
	if (json)
		out_json(json_pack("{s:i, s:s, s:s, s:I, s:s, s:s, s:o, s:I, s:I, s:o}", "version",
				   1, "origin", ledger_origin(l), "vkey", ledger_vkey(l), "size",
				   (json_int_t)ledger_size(l), "root", hex, "time", t,
				   "institutions", insts, "revoked", (json_int_t)nrev, "rejected",
				   (json_int_t)nrej, "rejections", rejs));
	else {
		json_decref(insts);
		json_decref(rejs);
	}
	lstate_free(s);
	return VERIFIER_EXIT_VALID;
}

const struct cli_cmd verifier_cmd_ledger_status = {
	.name = "ledger status",
	.usage = NULL,
	.summary = "the replica's checkpoint, institutions, revocations and rejected records",
	.opts = local_opts,
	.nopts = sizeof local_opts / sizeof local_opts[0],
	.min_pos = 0,
	.max_pos = 0,
	.run = run_status,
};
