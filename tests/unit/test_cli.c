/* The option tables: parsing, refusals and generated help. */
#include "cli.h"
#include "passphrase.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static int run_nothing(const struct cli_parsed *p)
{
	(void)p;
	return 0;
}

static const struct cli_opt opts[] = {
    {"out", 'o', CLI_VALUE, "FILE", "write to FILE", 0},
    {"json", 0, CLI_FLAG, NULL, "print JSON", 0},
    {"csv", 0, CLI_VALUE, "FILE", "a class", 1},
    {"claims", 'c', CLI_VALUE, "FILE", "one credential", 1},
    CLI_OPTS_PASSPHRASE,
};

static const struct cli_cmd cmd = {
    .name = "issue",
    .usage = "FILE|-",
    .summary = "sign things",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run_nothing,
};

static int parse(struct cli_parsed *p, struct shomei_diag *d, int argc, ...)
{
	char *argv[16];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	diag_clear(d);
	return cli_parse(&cmd, argc, argv, p, d);
}

static void test_parse(void **state)
{
	(void)state;
	struct cli_parsed p;
	struct shomei_diag d;
	assert_int_equal(parse(&p, &d, 4, "-o", "x.json", "--json", "in.json"), 0);
	assert_string_equal(cli_value(&p, "out"), "x.json");
	assert_true(cli_given(&p, "json"));
	assert_false(cli_given(&p, "csv"));
	assert_null(cli_value(&p, "csv"));
	assert_null(cli_value(&p, "no-such-option"));
	assert_int_equal(p.npos, 1);
	assert_string_equal(p.pos[0], "in.json");
	assert_int_equal(parse(&p, &d, 2, "--out=y.json", "-"), 0);
	assert_string_equal(cli_value(&p, "out"), "y.json");
	assert_string_equal(p.pos[0], "-");
	assert_int_equal(parse(&p, &d, 2, "--", "--json"), 0);
	assert_string_equal(p.pos[0], "--json");
	assert_false(cli_given(&p, "json"));
	assert_int_equal(parse(&p, &d, 1, "--help"), 0);
	assert_true(p.help);
}

static void test_refusals(void **state)
{
	(void)state;
	struct cli_parsed p;
	struct shomei_diag d;
	assert_int_equal(parse(&p, &d, 2, "--colour", "a"), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "unknown option --colour");
	assert_int_equal(parse(&p, &d, 2, "-x", "a"), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "unknown option -x");
	assert_int_equal(parse(&p, &d, 5, "--out", "a", "-o", "b", "f"), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "--out given twice");
	assert_int_equal(parse(&p, &d, 5, "--csv", "a", "-c", "b", "f"), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "--csv and --claims cannot be used together");
	assert_int_equal(parse(&p, &d, 5, "--passphrase-fd", "3", "--passphrase-env", "X", "f"),
			 SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "--passphrase-fd and --passphrase-env cannot be used together");
	assert_int_equal(parse(&p, &d, 2, "f", "--out"), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "--out needs a value (FILE)");
	assert_int_equal(parse(&p, &d, 2, "--json=1", "f"), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "--json takes no value");
	assert_int_equal(parse(&p, &d, 0), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "expects 1 argument (FILE|-)");
	assert_int_equal(parse(&p, &d, 2, "a", "b"), SHOMEI_ERR_USAGE);
	/* Refused parses leave nothing behind. */
	assert_int_equal(p.npos, 0);
	assert_null(cli_value(&p, "out"));
}

static void test_help_lists_every_option(void **state)
{
	(void)state;
	char *help = cli_help("issuer", &cmd);
	assert_non_null(help);
	assert_non_null(strstr(help, "usage: issuer issue [options] FILE|-"));
	for (size_t i = 0; i < cmd.nopts; i++) {
		char want[64];
		snprintf(want, sizeof want, "--%s", opts[i].name);
		if (!strstr(help, want))
			fail_msg("help lacks %s:\n%s", want, help);
		assert_non_null(strstr(help, opts[i].help));
	}
	assert_non_null(strstr(help, "-o, --out FILE"));
	free(help);
	const struct cli_cmd *cmds[] = {&cmd};
	char *overview = cli_overview("issuer", "Signs.", cmds, 1);
	assert_non_null(strstr(overview, "  issue "));
	free(overview);
	int used;
	char w1[] = "issue", w2[] = "x", w3[] = "nope";
	char *argv[] = {w1, w2};
	assert_ptr_equal(cli_find(cmds, 1, 2, argv, &used), &cmd);
	assert_int_equal(used, 1);
	char *argv2[] = {w3};
	assert_null(cli_find(cmds, 1, 1, argv2, &used));
}

static void test_passphrase_source(void **state)
{
	(void)state;
	struct cli_parsed p;
	struct shomei_diag d;
	struct passphrase_source src;
	assert_int_equal(parse(&p, &d, 3, "--passphrase-fd", "7", "f"), 0);
	assert_int_equal(cli_passphrase_source(&p, &src, &d), 0);
	assert_int_equal(src.kind, PASSPHRASE_FD);
	assert_int_equal(src.fd, 7);
	assert_int_equal(parse(&p, &d, 3, "--passphrase-fd", "7x", "f"), 0);
	assert_int_equal(cli_passphrase_source(&p, &src, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(parse(&p, &d, 3, "--passphrase-env", "PW", "f"), 0);
	assert_int_equal(cli_passphrase_source(&p, &src, &d), 0);
	assert_int_equal(src.kind, PASSPHRASE_ENV);
	assert_string_equal(src.env_name, "PW");
	assert_int_equal(parse(&p, &d, 1, "f"), 0);
	assert_int_equal(cli_passphrase_source(&p, &src, &d), 0);
	assert_int_equal(src.kind, PASSPHRASE_TTY);

	char dir[256];
	assert_int_equal(cli_state_dir("/x/y", "SHOMEI_TEST_DIR", "wallet", dir, sizeof dir, &d),
			 0);
	assert_string_equal(dir, "/x/y");
	setenv("SHOMEI_TEST_DIR", "/env/dir", 1);
	assert_int_equal(cli_state_dir(NULL, "SHOMEI_TEST_DIR", "wallet", dir, sizeof dir, &d), 0);
	assert_string_equal(dir, "/env/dir");
	unsetenv("SHOMEI_TEST_DIR");
	setenv("XDG_DATA_HOME", "/xdg", 1);
	assert_int_equal(cli_state_dir(NULL, "SHOMEI_TEST_DIR", "wallet", dir, sizeof dir, &d), 0);
	assert_string_equal(dir, "/xdg/shomei/wallet");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_help_lists_every_option),
	    cmocka_unit_test(test_passphrase_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
