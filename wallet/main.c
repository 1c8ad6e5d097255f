/* wallet - the graduate's program: an encrypted store of credentials. */
#include "wallet.h"

static const struct cli_cmd *const commands[] = {
    &wallet_cmd_init, &wallet_cmd_import, &wallet_cmd_list,
    &wallet_cmd_show, &wallet_cmd_export, &wallet_cmd_present,
};

static const struct prog program = {
    .name = "wallet",
    .summary = "Keeps diploma and qualification credentials in an encrypted wallet.",
    .cmds = commands,
    .ncmds = sizeof commands / sizeof commands[0],
    .exit_usage = WALLET_EXIT_USAGE,
    .exit_failed = WALLET_EXIT_FAILED,
};

int main(int argc, char **argv)
{
	return prog_main(&program, argc, argv);
}
