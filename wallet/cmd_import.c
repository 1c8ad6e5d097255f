#include "wallet.h"

#include "didkey.h"
#include "diploma_sd.h"
#include "fileio.h"
#include "jsonin.h"
#include "timeutil.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct cli_opt opts[] = {
    {"wallet", 'w', CLI_VALUE, "DIR", "the wallet folder (default $SHOMEI_WALLET)", 0},
    {"at", 0, CLI_VALUE, "TIME", "check validity as of TIME (RFC 3339 or Unix seconds)", 0},
    {"any-holder", 0, CLI_FLAG, NULL, "accept a credential issued to another holder", 0},
    {"sd-jwt", 0, CLI_VALUE, "FILE",
     "its SD-JWT VC form (default: FILE.sd-jwt beside FILE.json, when there is one)", 0},
    CLI_OPTS_PASSPHRASE,
    {"json", 0, CLI_FLAG, NULL, "print the result as JSON", 0},
};

static int run(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *file = p->pos[0];
	const char *subject = prog_subject(file);
	struct verdict_options o = {0};
	if (prog_at(p, &o.at) != 0)
		return WALLET_EXIT_USAGE;
	char *text = NULL;
	size_t len = 0;
	json_t *doc = NULL;
	if (fileio_read(file, JSONIN_MAX_BYTES, &text, &len, &d) != 0 ||
	    jsonin_parse(text, len, &doc, &d) != 0) {
		out_error(subject, &d);
		free(text);
		return WALLET_EXIT_USAGE;
	}

	/* Verify first: the wallet never stores what the verifier would refuse. */
	int rc = WALLET_EXIT_REFUSED;
	struct vault *v = NULL;
	static struct verdict verdict;
	if (verdict_credential(doc, &o, &verdict) != 0 || verdict.status == VERDICT_INVALID) {
		out_errorf(subject, "refused: %s", verdict.reason);
		goto out;
	}
	if (!verdict.id[0]) {
		out_errorf(subject, "refused: id: missing (the wallet files credentials by id)");
		goto out;
	}
	rc = wallet_open(p, &v);
	if (rc)
		goto out;
	char holder[DIDKEY_MAX_BYTES];
	rc = wallet_holder_did(v, holder, sizeof holder);
	if (rc)
		goto out;
	if (!cli_given(p, "any-holder") && strcmp(verdict.subject, holder) != 0) {
		out_errorf(subject,
			   "refused: credentialSubject.id: issued to %s, not to this "
			   "wallet's holder %s (--any-holder accepts it)",
			   verdict.subject[0] ? verdict.subject : "nobody", holder);
		rc = WALLET_EXIT_REFUSED;
		goto out;
	}
	/* The SD-JWT VC form, checked the same way and bound to the same id. */
	char sd_path[4200] = "";
	if (cli_value(p, "sd-jwt")) {
		snprintf(sd_path, sizeof sd_path, "%s", cli_value(p, "sd-jwt"));
	} else if (!diploma_sd_file_for(file, sd_path, sizeof sd_path) ||
		   access(sd_path, F_OK) != 0) {
		sd_path[0] = '\0';
	}
	char *sd = NULL;
	size_t sdl = 0;
	if (sd_path[0]) {
		static struct verdict sv;
		if (fileio_read(sd_path, JSONIN_MAX_BYTES, &sd, &sdl, &d) != 0) {
			out_error(sd_path, &d);
			rc = WALLET_EXIT_USAGE;
			goto out;
		}
		while (sdl && strchr(" \t\r\n", sd[sdl - 1]))
			sd[--sdl] = '\0';
		if (verdict_sdjwt(sd, sdl, &o, &sv) != 0 || sv.status == VERDICT_INVALID) {
			out_errorf(sd_path, "refused: %s", sv.reason);
			free(sd);
			goto out;
		}
		if (strcmp(sv.id, verdict.id) != 0) {
			out_errorf(sd_path, "refused: jti: not the id of %s", subject);
			free(sd);
			goto out;
		}
	}
	char name[sizeof WALLET_ITEM_CREDENTIAL_PREFIX + VERDICT_TEXT_BYTES];
	snprintf(name, sizeof name, "%s%s", WALLET_ITEM_CREDENTIAL_PREFIX, verdict.id);
	int err = vault_put(v, name, text, len, FILEIO_NO_REPLACE, &d);
	if (!err && sd) {
		char sdname[sizeof WALLET_ITEM_SDJWT_PREFIX + VERDICT_TEXT_BYTES];
		snprintf(sdname, sizeof sdname, "%s%s", WALLET_ITEM_SDJWT_PREFIX, verdict.id);
		err = vault_put(v, sdname, sd, sdl, FILEIO_REPLACE, &d);
	}
	free(sd);
	if (err == SHOMEI_ERR_EXISTS) {
		out_errorf(subject, "refused: %s is already in the wallet", verdict.id);
		rc = WALLET_EXIT_REFUSED;
		goto out;
	}
	if (err) {
		out_error(subject, &d);
		rc = WALLET_EXIT_FAILED;
		goto out;
	}
	if (cli_given(p, "json"))
		out_json(json_pack("{s:i, s:s, s:s}", "version", 1, "imported", verdict.id,
				   "status", verdict_status_name(verdict.status)));
	else
		printf("imported %s: %s from %s\n", verdict.id,
		       verdict.achievement_name[0] ? verdict.achievement_name : "credential",
		       verdict.issuer_name[0] ? verdict.issuer_name : verdict.issuer);
	rc = WALLET_EXIT_OK;
out:
	vault_close(v);
	json_decref(doc);
	free(text);
	return rc;
}

const struct cli_cmd wallet_cmd_import = {
    .name = "import",
    .usage = "FILE|-",
    .summary = "verify a credential and store it in the wallet",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
