#include "wallet.h"

#include <stdio.h>
#include <stdlib.h>

static const struct cli_opt opts[] = {
    {"wallet", 'w', CLI_VALUE, "DIR", "the wallet folder (default $SHOMEI_WALLET)", 0},
    CLI_OPTS_PASSPHRASE,
    {"json", 0, CLI_FLAG, NULL, "print the whole credential as JSON", 0},
};

static void line(const char *label, const json_t *v)
{
	const char *s = json_string_value(v);
	if (s)
		printf("  %-14s %s\n", label, s);
}

static int run(const struct cli_parsed *p)
{
	struct wallet_entry *e = NULL, *found = NULL;
	size_t n = 0;
	int rc = wallet_open_find(p, p->pos[0], &e, &n, &found);
	if (rc)
		return rc;
	if (cli_given(p, "json")) {
		fwrite(found->text, 1, found->len, stdout);
	} else {
		const json_t *c = found->json;
		const json_t *subject = json_object_get(c, "credentialSubject");
		const json_t *achievement = json_object_get(subject, "achievement");
		printf("%s\n", json_string_value(json_object_get(c, "id")));
		line("degree", json_object_get(c, "name"));
		line("type", json_object_get(achievement, "achievementType"));
		line("field", json_object_get(achievement, "fieldOfStudy"));
		line("holder", json_object_get(subject, "name"));
		line("student id", json_object_get(subject, "studentId"));
		line("birth date", json_object_get(subject, "birthDate"));
		line("holder did", json_object_get(subject, "id"));
		line("issuer", json_object_get(json_object_get(c, "issuer"), "name"));
		line("issuer did", json_object_get(json_object_get(c, "issuer"), "id"));
		line("awarded", json_object_get(c, "awardedDate"));
		line("valid from", json_object_get(c, "validFrom"));
		line("valid until", json_object_get(c, "validUntil"));
	}
	wallet_entries_free(e, n);
	return rc;
}

const struct cli_cmd wallet_cmd_show = {
    .name = "show",
    .usage = "ID",
    .summary = "show one credential (ID: its urn:uuid, or a unique start of the uuid)",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
