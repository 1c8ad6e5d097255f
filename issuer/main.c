/* issuer - the university registrar's program: keys, issuance, the authority and the ledger. */
#include "issuer.h"

static const struct cli_cmd *const commands[] = {
    &issuer_cmd_init,
    &issuer_cmd_issue,
    &issuer_cmd_authority_init,
    &issuer_cmd_authority_register,
    &issuer_cmd_authority_merge,
    &issuer_cmd_authority_close,
    &issuer_cmd_authority_add_key,
    &issuer_cmd_key_rotate,
    &issuer_cmd_key_compromised,
    &issuer_cmd_revoke,
    &issuer_cmd_reinstate,
};

static const struct prog program = {
    .name = "issuer",
    .summary = "Signs diploma and qualification credentials (W3C VC 2.0, eddsa-jcs-2022).",
    .cmds = commands,
    .ncmds = sizeof commands / sizeof commands[0],
    .exit_usage = ISSUER_EXIT_USAGE,
    .exit_failed = ISSUER_EXIT_FAILED,
};

int main(int argc, char **argv)
{
	return prog_main(&program, argc, argv);
}
