/* verifier - the employer's program: verdicts on credentials. */
#include "verifier.h"

static const struct cli_cmd *const commands[] = {
    &verifier_cmd_verify,
    &verifier_cmd_ledger_sync,
    &verifier_cmd_ledger_verify,
    &verifier_cmd_ledger_status,
};

static const struct prog program = {
    .name = "verifier",
    .summary = "Verifies diploma and qualification credentials and explains the verdict.",
    .cmds = commands,
    .ncmds = sizeof commands / sizeof commands[0],
    .exit_usage = VERIFIER_EXIT_USAGE,
    .exit_failed = VERIFIER_EXIT_USAGE,
};

int main(int argc, char **argv)
{
	return prog_main(&program, argc, argv);
}
