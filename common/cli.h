/* cli.h - table-driven command lines for the three programs.
 *
 * Each program is `tool COMMAND [options] [ARGS]`. A command is a struct
 * cli_cmd whose option table drives both parsing and `--help`, so the two can
 * never disagree. Parsing refuses unknown options, options given twice, options
 * of one conflict group given together, a missing value, and a wrong number of
 * positional arguments. "-" is an ordinary positional (stdin or stdout) and "--"
 * ends the options.
 *
 * The library never prints: cli_help() returns the text, the program prints it.
 * Parsed values borrow argv's strings.
 */
#ifndef SHOMEI_CLI_H
#define SHOMEI_CLI_H

#include "err.h"

#include <stddef.h>

#define CLI_MAX_OPTS 32
#define CLI_MAX_POS  8

enum cli_arg {
	CLI_FLAG, /* --name */
	CLI_VALUE /* --name VALUE or --name=VALUE */
};

struct cli_opt {
	const char *name; /* long name without "--" */
	char short_name;  /* 0 if none */
	enum cli_arg arg;
	const char *value_name; /* "FILE", shown in --help; NULL for flags */
	const char *help;	/* one line, lowercase, no full stop */
	int group;		/* options sharing a non-zero group conflict */
};

struct cli_parsed;

struct cli_cmd {
	const char *name;    /* "issue", or "authority init" for a two-word command */
	const char *usage;   /* positional part of the synopsis, e.g. "FILE|-" */
	const char *summary; /* one line for the program's command list */
	const struct cli_opt *opts;
	size_t nopts; /* at most CLI_MAX_OPTS */
	size_t min_pos;
	size_t max_pos; /* at most CLI_MAX_POS */
	int (*run)(const struct cli_parsed *p);
};

struct cli_parsed {
	const struct cli_cmd *cmd;
	const char *value[CLI_MAX_OPTS]; /* by option index; NULL when not given */
	int given[CLI_MAX_OPTS];
	const char *pos[CLI_MAX_POS];
	size_t npos;
	int help; /* --help or -h was given: print cli_help and exit 0 */
};

/* Parses argv[0..argc) (the words after the command name) against cmd.
 * On error d says what ("unknown option --colour", "--out given twice",
 * "--passphrase-env and --passphrase-fd cannot be used together",
 * "expects 1 argument") and *out is cleared. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_parsed *out,
	      struct shomei_diag *d) __attribute__((warn_unused_result));

/* The value of option `name`, or NULL when it was not given. Asking for a name
 * that is not in the command's table is a programming error and returns NULL. */
const char *cli_value(const struct cli_parsed *p, const char *name);

/* 1 when option `name` was given, else 0. */
int cli_given(const struct cli_parsed *p, const char *name);

/* Finds the command that argv names: one word ("issue") or two ("key rotate").
 * Returns it and sets *used to the number of words it took; NULL if none. */
const struct cli_cmd *cli_find(const struct cli_cmd *const *cmds, size_t n, int argc, char **argv,
			       int *used);

/* The --help text of one command of `program`; malloc'd, the caller frees. */
char *cli_help(const char *program, const struct cli_cmd *cmd);

/* The two options every command that unlocks a key offers; they conflict
 * (group CLI_GROUP_PASSPHRASE). Without either, the passphrase is asked for on
 * the terminal. */
#define CLI_GROUP_PASSPHRASE 100
#define CLI_OPTS_PASSPHRASE                                                                        \
	{"passphrase-env",                                                                         \
	 0,                                                                                        \
	 CLI_VALUE,                                                                                \
	 "VAR",                                                                                    \
	 "read the passphrase from environment variable VAR",                                      \
	 CLI_GROUP_PASSPHRASE},                                                                    \
	{                                                                                          \
		"passphrase-fd", 0, CLI_VALUE, "N", "read the passphrase from file descriptor N",  \
		    CLI_GROUP_PASSPHRASE                                                           \
	}

struct passphrase_source;

/* Turns --passphrase-env / --passphrase-fd (or neither: the terminal) into a
 * passphrase source. A bad descriptor number is a usage error. */
int cli_passphrase_source(const struct cli_parsed *p, struct passphrase_source *src,
			  struct shomei_diag *d) __attribute__((warn_unused_result));

/* As cli_passphrase_source, for a second key a command unlocks, under the
 * option names env_opt and fd_opt (e.g. "ledger-passphrase-env"). */
int cli_passphrase_source_named(const struct cli_parsed *p, const char *env_opt,
				const char *fd_opt, struct passphrase_source *src,
				struct shomei_diag *d) __attribute__((warn_unused_result));

/* The directory a program keeps its state in: `option` if given, else the
 * environment variable `env`, else $XDG_DATA_HOME/shomei/<leaf> (or
 * ~/.local/share/shomei/<leaf>). */
int cli_state_dir(const char *option, const char *env, const char *leaf, char *out, size_t cap,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

/* The program's overview: synopsis and one line per command; malloc'd. */
char *cli_overview(const char *program, const char *summary, const struct cli_cmd *const *cmds,
		   size_t n);

#endif
