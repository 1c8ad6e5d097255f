/* wallet - the graduate's program: an encrypted store of credentials. */
#include "wallet.h"

#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_cmd *const commands[] = {
	&wallet_cmd_init,
	&wallet_cmd_import,
	&wallet_cmd_list,
	&wallet_cmd_show,
	&wallet_cmd_export,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char summary[] =
	"Keeps diploma and qualification credentials in an encrypted wallet.";

int main(int argc, char **argv)
{
	if (shomei_init() != 0) {
		out_errorf(NULL, "cannot initialise libsodium");
		return WALLET_EXIT_USAGE;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		char *text = cli_overview("wallet", summary, commands, N_COMMANDS);
		fputs(text ? text : "", argc < 2 ? stderr : stdout);
		free(text);
		return argc < 2 ? WALLET_EXIT_USAGE : WALLET_EXIT_OK;
	}
	int used;
	const struct cli_cmd *cmd = cli_find(commands, N_COMMANDS, argc - 1, argv + 1, &used);
	if (!cmd) {
		out_errorf(argv[1], "unknown command; 'wallet --help' lists them");
		return WALLET_EXIT_USAGE;
	}
	struct cli_parsed p;
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_parse(cmd, argc - 1 - used, argv + 1 + used, &p, &d) != 0) {
		out_error(cmd->name, &d);
		return WALLET_EXIT_USAGE;
	}
	if (p.help) {
		char *text = cli_help("wallet", cmd);
		fputs(text ? text : "", stdout);
		free(text);
		return WALLET_EXIT_OK;
	}
	int rc = cmd->run(&p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		out_errorf(NULL, "cannot write to standard output");
		return WALLET_EXIT_USAGE;
	}
	return rc;
}
