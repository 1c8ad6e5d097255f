/* verifier - the employer's program: verdicts on credentials. */
#include "verifier.h"

#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_cmd *const commands[] = {
	&verifier_cmd_verify,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char summary[] =
	"Verifies diploma and qualification credentials and explains the verdict.";

int main(int argc, char **argv)
{
	if (shomei_init() != 0) {
		out_errorf(NULL, "cannot initialise libsodium");
		return VERIFIER_EXIT_USAGE;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		char *text = cli_overview("verifier", summary, commands, N_COMMANDS);
		fputs(text ? text : "", argc < 2 ? stderr : stdout);
		free(text);
		return argc < 2 ? VERIFIER_EXIT_USAGE : VERIFIER_EXIT_VALID;
	}
	int used;
	const struct cli_cmd *cmd = cli_find(commands, N_COMMANDS, argc - 1, argv + 1, &used);
	if (!cmd) {
		out_errorf(argv[1], "unknown command; 'verifier --help' lists them");
		return VERIFIER_EXIT_USAGE;
	}
	struct cli_parsed p;
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_parse(cmd, argc - 1 - used, argv + 1 + used, &p, &d) != 0) {
		out_error(cmd->name, &d);
		return VERIFIER_EXIT_USAGE;
	}
	if (p.help) {
		char *text = cli_help("verifier", cmd);
		fputs(text ? text : "", stdout);
		free(text);
		return VERIFIER_EXIT_VALID;
	}
	int rc = cmd->run(&p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		out_errorf(NULL, "cannot write to standard output");
		return VERIFIER_EXIT_USAGE;
	}
	return rc;
}
