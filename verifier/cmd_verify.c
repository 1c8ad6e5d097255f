#include "verifier.h"

#include "didkey.h"
#include "fetch.h"
#include "fileio.h"
#include "jose.h"
#include "jsonin.h"
#include "qr.h"
#include "qrpayload.h"
#include "sdjwt.h"
#include "statuslist.h"
#include "ledgerstate.h"
#include "timeutil.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"at", 0, CLI_VALUE, "TIME", "verify as of TIME (RFC 3339 or Unix seconds) instead of now", 0},
    {"nonce", 0, CLI_VALUE, "NONCE", "the nonce the presentation's KB-JWT must carry", 0},
    {"aud", 0, CLI_VALUE, "AUDIENCE", "the audience the presentation's KB-JWT must name", 0},
    {"require-kb", 0, CLI_FLAG, NULL, "refuse a presentation without key binding", 0},
    {"max-age", 0, CLI_VALUE, "SECONDS", "the KB-JWT's maximum age (default 300)", 0},
    {"skew", 0, CLI_VALUE, "SECONDS", "the clock skew allowed (default 60)", 0},
    {"issuer-key", 0, CLI_VALUE, "KEY",
     "trust this issuer key (a did:key, or a file holding a public JWK) instead of the ledger",
     0},
    {"status-list", 0, CLI_VALUE, "FILE|URL",
     "the Status List Token to check an SD-JWT VC's status.status_list against", 3},
    {"fetch-status", 0, CLI_FLAG, NULL,
     "fetch the Status List Token from the uri the credential names (http or https)", 3},
    {"qr-text", 0, CLI_VALUE, "TEXT", "verify a scanned QR payload given as text", 2},
    {"qr-image", 0, CLI_VALUE, "FILE", "read the QR code in a PNG or JPEG photo and verify it", 2},
    {"replica", 'r', CLI_VALUE, "DIR",
     "the ledger replica to judge against (default $SHOMEI_LEDGER)", 0},
    {"json", 0, CLI_FLAG, NULL, "print the verdict as a JSON report", 0},
};

static void print_claims(const struct verdict *v);

/* What an untrusted verdict lacks: the issuer's standing, or (for an issuer
 * trusted but a status list entry that could not be checked) the status. */
static int status_unknown(const struct verdict *v)
{
	return v->reason_check && !strcmp(v->reason_check, "status list");
}

static void print_human(const struct verdict *v)
{
	const char *headline = v->status == VERDICT_VALID ? "VALID"
			       : v->status == VERDICT_UNTRUSTED
				   ? (status_unknown(v) ? "VALID PROOF, STATUS NOT ESTABLISHED"
							: "VALID PROOF, ISSUER NOT TRUSTED")
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
	if (v->sdjwt) {
		printf("  disclosed    %s\n", v->disclosed[0] ? v->disclosed : "(none)");
		printf("  withheld     %s%s(not disclosed, or not in this diploma; %zu undisclosed "
		       "digests, decoys included)\n",
		       v->withheld, v->withheld[0] ? " " : "", v->undisclosed);
	}
	if (v->ledger_checked && timeutil_format(v->ledger_time, t) == 0)
		printf("  ledger       %s, checkpoint of %llu entries, last entry %s\n",
		       v->ledger_origin, (unsigned long long)v->ledger_size, t);
}

static int seconds_opt(const struct cli_parsed *p, const char *name, int64_t *out)
{
	const char *v = cli_value(p, name);
	if (!v)
		return 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 0 || n > 100000000) {
		out_errorf(name, "not a number of seconds");
		return -1;
	}
	*out = n;
	return 0;
}

/* --issuer-key: a did:key (or its verification method), or a file holding a
 * public JWK. */
static int issuer_key(const char *arg, unsigned char pk[ED25519_PUBLIC_BYTES])
{
	struct shomei_diag d;
	diag_clear(&d);
	if (!strncmp(arg, "did:key:", 8)) {
		if (didkey_to_public(arg, pk, &d) == 0 || didkey_vm_to_public(arg, pk, &d) == 0)
			return 0;
		out_error("--issuer-key", &d);
		return -1;
	}
	json_t *jwk = NULL;
	if (jsonin_load(arg, &jwk, &d) != 0) {
		out_error(arg, &d);
		return -1;
	}
	int e = jose_jwk_to_public(jwk, pk, &d);
	json_decref(jwk);
	if (e) {
		out_error(arg, &d);
		return -1;
	}
	return 0;
}

/* A Status List Token (statuslist.h) from a file, or fetched from an
 * http(s) URL: the URL's last segment is fetched under the rest (fetch.h's
 * rules: no query, no redirects). */
static int is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

static int fetch_url(const char *url, char **out, size_t *len, struct shomei_diag *d)
{
	const char *slash = strrchr(url, '/');
	if (!slash || slash < url + 8 || !slash[1])
		return diag_set(d, SHOMEI_ERR_USAGE, url, "not a URL of a file");
	char base[FETCH_PATH_MAX * 8];
	if ((size_t)(slash - url) >= sizeof base)
		return diag_set(d, SHOMEI_ERR_LIMIT, url, "URL too long");
	memcpy(base, url, (size_t)(slash - url));
	base[slash - url] = '\0';
	struct fetcher *f = NULL;
	int e = fetcher_new(base, &f, d);
	if (!e)
		e = fetcher_get(f, slash + 1, STATUSLIST_MAX_BYTES, out, len, d);
	fetcher_free(f);
	if (e && d && !d->where[0])
		snprintf(d->where, sizeof d->where, "%.200s", url);
	return e;
}

struct status_source {
	const char *given; /* --status-list FILE|URL, or NULL */
	int fetch;	   /* --fetch-status */
};

static int get_status_list(void *ctx, const char *uri, char **token, size_t *len,
			   struct shomei_diag *d)
{
	const struct status_source *s = ctx;
	*token = NULL;
	*len = 0;
	if (s->given && is_url(s->given))
		return fetch_url(s->given, token, len, d);
	if (s->given)
		return fileio_read(s->given, STATUSLIST_MAX_BYTES, token, len, d);
	if (!is_url(uri))
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "not an http or https uri");
	return fetch_url(uri, token, len, d);
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
	const char *file = p->npos ? p->pos[0] : NULL;
	const char *qr_text = cli_value(p, "qr-text"), *qr_image = cli_value(p, "qr-image");
	if (!!file + !!qr_text + !!qr_image != 1) {
		out_errorf("verify", "give one FILE|-, --qr-text TEXT or --qr-image FILE");
		return VERIFIER_EXIT_USAGE;
	}
	const char *subject = file ? prog_subject(file) : qr_text ? "qr-text" : qr_image;
	struct verdict_options o = {.skew = SDJWT_DEFAULT_SKEW, .max_age = SDJWT_DEFAULT_MAX_AGE};
	if (prog_at(p, &o.at) != 0)
		return VERIFIER_EXIT_USAGE;
	o.aud = cli_value(p, "aud");
	o.nonce = cli_value(p, "nonce");
	o.require_kb = cli_given(p, "require-kb");
	if (seconds_opt(p, "max-age", &o.max_age) || seconds_opt(p, "skew", &o.skew))
		return VERIFIER_EXIT_USAGE;
	unsigned char trusted[ED25519_PUBLIC_BYTES];
	if (cli_value(p, "issuer-key")) {
		if (issuer_key(cli_value(p, "issuer-key"), trusted) != 0)
			return VERIFIER_EXIT_USAGE;
		o.trusted_key = trusted;
	}
	struct status_source ss = {cli_value(p, "status-list"), cli_given(p, "fetch-status")};
	if (ss.given || ss.fetch) {
		o.status_list_get = get_status_list;
		o.status_list_ctx = &ss;
	}
	char *text = NULL;
	size_t len = 0;
	if (qr_text || qr_image) {
		char *scanned = NULL;
		size_t sl = 0;
		if (qr_image && qr_scan_file(qr_image, &scanned, &sl, &d) != 0) {
			out_error(subject, &d);
			return VERIFIER_EXIT_USAGE;
		}
		int e = qrpayload_decode(qr_text ? qr_text : scanned,
					 qr_text ? strlen(qr_text) : sl, &text, &len, &d);
		free(scanned);
		if (e) {
			out_error(subject, &d);
			return VERIFIER_EXIT_USAGE;
		}
	} else if (fileio_read(file, JSONIN_MAX_BYTES, &text, &len, &d) != 0) {
		out_error(subject, &d);
		return VERIFIER_EXIT_USAGE;
	}
	if (!text) {
		out_errorf(subject, "out of memory");
		return VERIFIER_EXIT_USAGE;
	}
	/* A JSON credential starts with '{'; anything else is an SD-JWT. */
	size_t start = 0;
	while (start < len && strchr(" \t\r\n", text[start]))
		start++;
	while (len > start && strchr(" \t\r\n", text[len - 1]))
		len--;
	int is_json = start < len && (text[start] == '{' || text[start] == '[');
	json_t *doc = NULL;
	if (is_json && jsonin_parse(text + start, len - start, &doc, &d) != 0) {
		out_error(subject, &d);
		free(text);
		return VERIFIER_EXIT_USAGE;
	}
	if (!is_json && (o.aud || o.nonce) && !(o.aud && o.nonce)) {
		out_errorf("verify", "--nonce and --aud go together");
		free(text);
		return VERIFIER_EXIT_USAGE;
	}
	struct lstate *ls = NULL;
	int rc = open_replica(p, &ls);
	if (rc) {
		json_decref(doc);
		free(text);
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
	int err = is_json ? verdict_credential(doc, &o, &v)
			  : verdict_sdjwt(text + start, len - start, &o, &v);
	json_decref(doc);
	free(text);
	lstate_free(ls);
	if (err) {
		out_errorf(subject, "%s",
			   err == SHOMEI_ERR_USAGE
			       ? "a key-bound presentation: --nonce and --aud are required"
			   : err == SHOMEI_ERR_PARSE ? v.reason
						     : shomei_strerror(err));
		return VERIFIER_EXIT_USAGE;
	}
	if (cli_given(p, "json"))
		out_json(verdict_to_json(&v));
	else
		print_human(&v);
	switch (v.status) {
	case VERDICT_VALID: return VERIFIER_EXIT_VALID;
	case VERDICT_UNTRUSTED:
		out_errorf(subject, "%s: %s",
			   status_unknown(&v) ? "status not established" : "issuer not trusted",
			   v.reason);
		return VERIFIER_EXIT_UNTRUSTED;
	case VERDICT_INVALID: break;
	}
	out_errorf(subject, "%s", v.reason);
	return VERIFIER_EXIT_INVALID;
}

const struct cli_cmd verifier_cmd_verify = {
    .name = "verify",
    .usage = "[FILE|-]",
    .summary = "verify a credential and explain the verdict",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 0,
    .max_pos = 1,
    .run = run,
};
