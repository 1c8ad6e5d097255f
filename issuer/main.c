/* issuer - the university registrar's program: keys, issuance. */
#include "issuer.h"

#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_cmd *const commands[] = {
	&issuer_cmd_init,
	&issuer_cmd_issue,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char summary[] =
	"Signs diploma and qualification credentials (W3C VC 2.0, eddsa-jcs-2022).";

int main(int argc, char **argv)
{
	if (shomei_init() != 0) {
		out_errorf(NULL, "cannot initialise libsodium");
		return ISSUER_EXIT_FAILED;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		char *text = cli_overview("issuer", summary, commands, N_COMMANDS);
		fputs(text ? text : "", argc < 2 ? stderr : stdout);
		free(text);
		return argc < 2 ? ISSUER_EXIT_USAGE : ISSUER_EXIT_OK;
	}
	int used;
	const struct cli_cmd *cmd = cli_find(commands, N_COMMANDS, argc - 1, argv + 1, &used);
	if (!cmd) {
		out_errorf(argv[1], "unknown command; 'issuer --help' lists them");
		return ISSUER_EXIT_USAGE;
	}
	struct cli_parsed p;
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_parse(cmd, argc - 1 - used, argv + 1 + used, &p, &d) != 0) {
		out_error(cmd->name, &d);
		return ISSUER_EXIT_USAGE;
	}
	if (p.help) {
		char *text = cli_help("issuer", cmd);
		fputs(text ? text : "", stdout);
		free(text);
		return ISSUER_EXIT_OK;
	}
	int rc = cmd->run(&p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		out_errorf(NULL, "cannot write to standard output");
		return ISSUER_EXIT_FAILED;
	}
	return rc;
}
