#include "cli.h"

#include "internal/buf.h"
#include "passphrase.h"

#include <errno.h>
#include <limits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLI_HELP_MAX (64u << 10)

static int find_long(const struct cli_cmd *cmd, const char *name, size_t len)
{
	for (size_t i = 0; i < cmd->nopts; i++)
		if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static int find_short(const struct cli_cmd *cmd, char c)
{
	for (size_t i = 0; i < cmd->nopts; i++)
		if (cmd->opts[i].short_name == c)
			return (int)i;
	return -1;
}

static int take(const struct cli_cmd *cmd, struct cli_parsed *out, int i, const char *value,
		struct shomei_diag *d)
{
	const struct cli_opt *o = &cmd->opts[i];
	if (out->given[i])
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "--%s given twice", o->name);
	if (o->group) {
		for (size_t j = 0; j < cmd->nopts; j++)
			if ((int)j != i && out->given[j] && cmd->opts[j].group == o->group)
				return diag_set(d, SHOMEI_ERR_USAGE, NULL,
						"--%s and --%s cannot be used together",
						cmd->opts[j].name, o->name);
	}
	out->given[i] = 1;
	out->value[i] = value;
	return 0;
}

static int parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_parsed *out,
		 struct shomei_diag *d)
{
	if (cmd->nopts > CLI_MAX_OPTS || cmd->max_pos > CLI_MAX_POS)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "command table too large");
	int only_pos = 0;
	for (int a = 0; a < argc; a++) {
		const char *w = argv[a];
		if (only_pos || w[0] != '-' || strcmp(w, "-") == 0) {
			if (out->npos >= cmd->max_pos)
				goto wrong_count;
			out->pos[out->npos++] = w;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
			out->help = 1;
			continue;
		}
		int i;
		const char *inline_value = NULL;
		if (w[1] == '-') {
			const char *name = w + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			i = find_long(cmd, name, len);
			if (i < 0)
				return diag_set(d, SHOMEI_ERR_USAGE, NULL, "unknown option --%.*s",
						(int)len, name);
			if (eq)
				inline_value = eq + 1;
		} else {
			if (w[2] != '\0')
				return diag_set(d, SHOMEI_ERR_USAGE, NULL, "unknown option %s", w);
			i = find_short(cmd, w[1]);
			if (i < 0)
				return diag_set(d, SHOMEI_ERR_USAGE, NULL, "unknown option %s", w);
		}
		const struct cli_opt *o = &cmd->opts[i];
		const char *value = NULL;
		if (o->arg == CLI_VALUE) {
			if (inline_value) {
				value = inline_value;
			} else {
				if (a + 1 >= argc)
					return diag_set(d, SHOMEI_ERR_USAGE, NULL,
							"--%s needs a value (%s)", o->name,
							o->value_name ? o->value_name : "VALUE");
				value = argv[++a];
			}
		} else if (inline_value) {
			return diag_set(d, SHOMEI_ERR_USAGE, NULL, "--%s takes no value", o->name);
		}
		int err = take(cmd, out, i, value, d);
		if (err)
			return err;
	}
	if (out->help)
		return 0;
	if (out->npos < cmd->min_pos || out->npos > cmd->max_pos)
		goto wrong_count;
	return 0;
wrong_count:
	if (cmd->min_pos == cmd->max_pos)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "expects %zu argument%s (%s)",
				cmd->min_pos, cmd->min_pos == 1 ? "" : "s",
				cmd->usage ? cmd->usage : "none");
	return diag_set(d, SHOMEI_ERR_USAGE, NULL, "expects %zu to %zu arguments (%s)",
			cmd->min_pos, cmd->max_pos, cmd->usage ? cmd->usage : "none");
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_parsed *out,
	      struct shomei_diag *d)
{
	memset(out, 0, sizeof *out);
	out->cmd = cmd;
	int err = parse(cmd, argc, argv, out, d);
	if (err) {
		memset(out, 0, sizeof *out);
		out->cmd = cmd;
	}
	return err;
}

static int index_of(const struct cli_parsed *p, const char *name)
{
	if (!p->cmd)
		return -1;
	return find_long(p->cmd, name, strlen(name));
}

const char *cli_value(const struct cli_parsed *p, const char *name)
{
	int i = index_of(p, name);
	return i < 0 ? NULL : p->value[i];
}

int cli_given(const struct cli_parsed *p, const char *name)
{
	int i = index_of(p, name);
	return i < 0 ? 0 : p->given[i];
}

const struct cli_cmd *cli_find(const struct cli_cmd *const *cmds, size_t n, int argc, char **argv,
			       int *used)
{
	*used = 0;
	if (argc < 1)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *name = cmds[i]->name;
		const char *space = strchr(name, ' ');
		if (!space) {
			if (strcmp(name, argv[0]) == 0) {
				*used = 1;
				return cmds[i];
			}
		} else if (argc >= 2 && strlen(argv[0]) == (size_t)(space - name) &&
			   strncmp(name, argv[0], (size_t)(space - name)) == 0 &&
			   strcmp(space + 1, argv[1]) == 0) {
			*used = 2;
			return cmds[i];
		}
	}
	return NULL;
}

char *cli_help(const char *program, const struct cli_cmd *cmd)
{
	struct buf b;
	buf_init(&b, CLI_HELP_MAX);
	int err = buf_printf(&b, "usage: %s %s%s%s%s\n\n%s\n", program, cmd->name,
			     cmd->nopts ? " [options]" : "", cmd->usage ? " " : "",
			     cmd->usage ? cmd->usage : "", cmd->summary);
	if (!err && cmd->nopts)
		err = buf_puts(&b, "\noptions:\n");
	for (size_t i = 0; !err && i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		char left[96];
		const char *value =
		    o->arg == CLI_VALUE ? (o->value_name ? o->value_name : "VALUE") : "";
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
				 *value ? " " : "", value);
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, *value ? " " : "",
				 value);
		err = buf_printf(&b, "  %-32s %s\n", left, o->help);
	}
	if (!err)
		err = buf_printf(&b, "  %-32s %s\n", "-h, --help", "show this help");
	if (err) {
		buf_release(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

char *cli_overview(const char *program, const char *summary, const struct cli_cmd *const *cmds,
		   size_t n)
{
	struct buf b;
	buf_init(&b, CLI_HELP_MAX);
	int err =
	    buf_printf(&b, "usage: %s COMMAND [options]\n\n%s\n\ncommands:\n", program, summary);
	for (size_t i = 0; !err && i < n; i++)
		err = buf_printf(&b, "  %-22s %s\n", cmds[i]->name, cmds[i]->summary);
	if (!err)
		err = buf_printf(&b, "\n'%s COMMAND --help' describes a command's options.\n",
				 program);
	if (err) {
		buf_release(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

int cli_passphrase_source_named(const struct cli_parsed *p, const char *env_opt,
				const char *fd_opt, struct passphrase_source *src,
				struct shomei_diag *d)
{
	memset(src, 0, sizeof *src);
	src->kind = PASSPHRASE_TTY;
	src->fd = -1;
	const char *env = cli_value(p, env_opt);
	const char *fd = cli_value(p, fd_opt);
	if (env) {
		if (!*env)
			return diag_set(d, SHOMEI_ERR_USAGE, NULL, "--%s needs a name", env_opt);
		src->kind = PASSPHRASE_ENV;
		src->env_name = env;
	} else if (fd) {
		char *end;
		errno = 0;
		long n = strtol(fd, &end, 10);
		if (errno || end == fd || *end || n < 0 || n > INT_MAX)
			return diag_set(d, SHOMEI_ERR_USAGE, NULL,
					"--%s: not a file descriptor number", fd_opt);
		src->kind = PASSPHRASE_FD;
		src->fd = (int)n;
	}
	return 0;
}

int cli_passphrase_source(const struct cli_parsed *p, struct passphrase_source *src,
			  struct shomei_diag *d)
{
	return cli_passphrase_source_named(p, "passphrase-env", "passphrase-fd", src, d);
}

int cli_state_dir(const char *option, const char *env, const char *leaf, char *out, size_t cap,
		  struct shomei_diag *d)
{
	int n;
	const char *e = env ? getenv(env) : NULL;
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (option && *option)
		n = snprintf(out, cap, "%s", option);
	else if (e && *e)
		n = snprintf(out, cap, "%s", e);
	else if (xdg && *xdg)
		n = snprintf(out, cap, "%s/shomei/%s", xdg, leaf);
	else if (home && *home)
		n = snprintf(out, cap, "%s/.local/share/shomei/%s", home, leaf);
	else
		return diag_set(d, SHOMEI_ERR_USAGE, NULL,
				"no HOME: say where the %s folder is with --dir or %s", leaf,
				env ? env : "an option");
	if (n < 0 || (size_t)n >= cap)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "path too long");
	return 0;
}
