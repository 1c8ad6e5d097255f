#include "wallet.h"

#include "fileio.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"wallet", 'w', CLI_VALUE, "DIR", "the wallet folder (default $SHOMEI_WALLET)", 0},
    {"out", 'o', CLI_VALUE, "FILE", "write to FILE instead of standard output", 0},
    CLI_OPTS_PASSPHRASE,
};

static int run(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	struct wallet_entry *e = NULL, *found = NULL;
	size_t n = 0;
	int rc = wallet_open_find(p, p->pos[0], &e, &n, &found);
	if (rc)
		return rc;
	const char *out = cli_value(p, "out") ? cli_value(p, "out") : "-";
	/* Byte for byte what was imported: the proof covers it. */
	if (fileio_write_atomic(out, found->text, found->len, 0600, FILEIO_REPLACE, &d) != 0) {
		out_error(out, &d);
		rc = WALLET_EXIT_FAILED;
	}
	wallet_entries_free(e, n);
	return rc;
}

const struct cli_cmd wallet_cmd_export = {
    .name = "export",
    .usage = "ID",
    .summary = "write one credential exactly as it was imported",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
