#include "verifier.h"

#include "jsonin.h"
#include "ledgerstate.h"
#include "timeutil.h"
#include "verdict.h"

#include <stdio.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"at", 0, CLI_VALUE, "TIME", "verify as of TIME (RFC 3339 or Unix seconds) instead of now", 0},
    {"replica", 'r', CLI_VALUE, "DIR",
     "the ledger replica to judge against (default $SHOMEI_LEDGER)", 0},
    {"json", 0, CLI_FLAG, NULL, "print the verdict as a JSON report", 0},
};

static void print_claims(const struct verdict *v);

static void print_human(const struct verdict *v)
{
	const char *headline = v->status == VERDICT_VALID	? "VALID"
			       : v->status == VERDICT_UNTRUSTED ? "VALID PROOF, ISSUER NOT TRUSTED"
								: "INVALID";
	if (v->status == VERDICT_INVALID)
		printf("%s: %s\n", headline, v->reason);
	else if (v->achievement_name[0])
		printf("%s: %s%s%s%s\n", headline, v->achievement_name,
		       v->achievement_type[0] ? " (" : "", v->achievement_type,
		       v->achievement_type[0] ? ")" : "");
	else
		printf("%s\n", headline);
	/* What an invalid credential claims is not shown: nothing vouches for it. */
	if (v->status != VERDICT_INVALID)
		print_claims(v);
	char at[TIMEUTIL_RFC3339_BYTES];
	if (timeutil_format(v->at, at) == 0)
		printf("  checked at   %s\n", at);
	printf("checks:\n");
	for (size_t i = 0; i < v->nchecks; i++)
		printf("  %-4s  %-16s %s\n", verdict_result_name(v->checks[i].result),
		       v->checks[i].name, v->checks[i].detail);
}

static void print_claims(const struct verdict *v)
{
	if (v->subject_name[0] || v->subject[0])
		printf("  holder       %s%s%s%s\n", v->subject_name,
		       v->subject_name[0] && v->subject[0] ? " (" : "", v->subject,
		       v->subject_name[0] && v->subject[0] ? ")" : "");
	if (v->issuer[0])
		printf("  issuer       %s%s%s%s\n", v->issuer_name, v->issuer_name[0] ? " (" : "",
		       v->issuer, v->issuer_name[0] ? ")" : "");
	if (v->field_of_study[0])
		printf("  field        %s\n", v->field_of_study);
	if (v->awarded_date[0])
		printf("  awarded      %.10s\n", v->awarded_date);
	if (v->id[0])
		printf("  id           %s\n", v->id);
	char t[TIMEUTIL_RFC3339_BYTES];
	if (v->key_registered) {
		printf("  institution  %s (%s)", v->institution_name, v->institution_id);
		if (v->standing == REGISTRY_MERGED && timeutil_format(v->standing_time, t) == 0)
			printf(", merged into %s (%s) on %s", v->successor_name, v->successor_id, t);
		else if (v->standing == REGISTRY_CLOSED && timeutil_format(v->standing_time, t) == 0)
			printf(", closed on %s, custodian %s (%s)", t, v->successor_name,
			       v->successor_id);
		printf("\n");
	}
	if (v->ledger_checked && timeutil_format(v->ledger_time, t) == 0)
		printf("  ledger       %s, checkpoint of %llu entries, last entry %s\n",
		       v->ledger_origin, (unsigned long long)v->ledger_size, t);
}

/* The replica the verdict rests on, replayed; *s stays NULL when there is
 * none (no ledger.json in the folder): the verdict then says so. */
static int open_replica(const struct cli_parsed *p, struct lstate **s)
{
	struct shomei_diag d;
	diag_clear(&d);
	*s = NULL;
	char dir[4096], path[4200];
	if (cli_state_dir(cli_value(p, "replica"), "SHOMEI_LEDGER", "ledger", dir, sizeof dir,
			  &d) != 0) {
		out_error(NULL, &d);
		return VERIFIER_EXIT_USAGE;
	}
	snprintf(path, sizeof path, "%s/ledger.json", dir);
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (cli_given(p, "replica")) {
			out_errorf(dir, "no ledger replica here ('verifier ledger sync' makes one)");
			return VERIFIER_EXIT_USAGE;
		}
		return 0;
	}
	fclose(f);
	if (lstate_open(dir, NULL, s, &d) != 0) {
		out_error(NULL, &d);
		return VERIFIER_EXIT_USAGE;
	}
	return 0;
}

static int run(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *file = p->pos[0];
	const char *subject = prog_subject(file);
	struct verdict_options o = {0};
	if (prog_at(p, &o.at) != 0)
		return VERIFIER_EXIT_USAGE;
	json_t *doc = NULL;
	if (jsonin_load(file, &doc, &d) != 0) {
		out_error(subject, &d);
		return VERIFIER_EXIT_USAGE;
	}
	struct lstate *ls = NULL;
	int rc = open_replica(p, &ls);
	if (rc) {
		json_decref(doc);
		return rc;
	}
	struct verdict_ledger vl;
	o.ledger = NULL;
	if (ls) {
		vl.registry = lstate_registry(ls);
		vl.origin = ledger_origin(lstate_ledger(ls));
		vl.size = lstate_size(ls);
		vl.time = lstate_time(ls);
		o.ledger = &vl;
	}
	static struct verdict v; /* large; one per run */
	int err = verdict_credential(doc, &o, &v);
	json_decref(doc);
	lstate_free(ls);
	if (err) {
		out_errorf(subject, "%s", shomei_strerror(err));
		return VERIFIER_EXIT_USAGE;
	}
	if (cli_given(p, "json"))
		out_json(verdict_to_json(&v));
	else
		print_human(&v);
	switch (v.status) {
	case VERDICT_VALID: return VERIFIER_EXIT_VALID;
	case VERDICT_UNTRUSTED:
		out_errorf(subject, "issuer not trusted: %s", v.reason);
		return VERIFIER_EXIT_UNTRUSTED;
	case VERDICT_INVALID: break;
	}
	out_errorf(subject, "%s", v.reason);
	return VERIFIER_EXIT_INVALID;
}

const struct cli_cmd verifier_cmd_verify = {
    .name = "verify",
    .usage = "FILE|-",
    .summary = "verify a credential and explain the verdict",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
