#include "wallet.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"wallet", 'w', CLI_VALUE, "DIR", "the wallet folder (default $SHOMEI_WALLET)", 0},
    CLI_OPTS_PASSPHRASE,
    {"json", 0, CLI_FLAG, NULL, "print the list as JSON", 0},
};

static const char *str(const json_t *j, const char *path1, const char *path2)
{
	const json_t *v = json_object_get(j, path1);
	if (path2)
		v = json_object_get(v, path2);
	const char *s = json_string_value(v);
	return s ? s : "";
}

static int run(const struct cli_parsed *p)
{
	struct vault *v = NULL;
	int rc = wallet_open(p, &v);
	if (rc)
		return rc;
	struct wallet_entry *e = NULL;
	size_t n = 0;
	rc = wallet_entries(v, &e, &n);
	vault_close(v);
	if (rc)
		return rc;
	json_t *list = cli_given(p, "json") ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		const json_t *c = e[i].json;
		const char *id = str(c, "id", NULL);
		const char *issuer = str(c, "issuer", "name");
		const char *degree = str(c, "name", NULL);
		const char *awarded = str(c, "awardedDate", NULL);
		if (list)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "id", id,
							      "name", degree, "issuer", issuer,
							      "awardedDate", awarded));
		else
			printf("%s  %.10s  %s  %s\n", id, awarded, degree, issuer);
	}
	if (list)
		out_json(json_pack("{s:i, s:o}", "version", 1, "credentials", list));
	else if (n == 0)
		printf("(no credentials)\n");
	wallet_entries_free(e, n);
	return WALLET_EXIT_OK;
}

const struct cli_cmd wallet_cmd_list = {
    .name = "list",
    .usage = NULL,
    .summary = "list the credentials in the wallet",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
