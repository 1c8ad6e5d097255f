#include "prog.h"

#include "init.h"
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program = "shomei";
static int progress_drawn;

void out_error(const char *subject, const struct shomei_diag *d)
{
	char line[DIAG_WHERE_BYTES + DIAG_WHAT_BYTES + 4];
	diag_format(d, line, sizeof line);
	out_errorf(subject, "%s", line);
}

void out_errorf(const char *subject, const char *fmt, ...)
{
	out_progress_end();
	va_list ap;
	va_start(ap, fmt);
	if (subject)
		fprintf(stderr, "%s: %s: ", program, subject);
	else
		fprintf(stderr, "%s: ", program);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void out_json(json_t *j)
{
	if (!j) {
		out_errorf(NULL, "out of memory");
		return;
	}
	json_dumpf(j, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(j);
}

void out_progress(const char *what, size_t done, size_t total)
{
	if (!isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO) || total == 0)
		return;
	enum { WIDTH = 40 };
	size_t filled = done * WIDTH / total;
	char bar[WIDTH + 1];
	for (size_t i = 0; i < WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[WIDTH] = '\0';
	fprintf(stderr, "\r%-8s [%s] %zu/%zu", what, bar, done, total);
	fflush(stderr);
	progress_drawn = 1;
}

void out_progress_end(void)
{
	if (progress_drawn) {
		fputc('\n', stderr);
		progress_drawn = 0;
	}
}

int prog_at(const struct cli_parsed *p, int64_t *at)
{
	struct shomei_diag d;
	diag_clear(&d);
	*at = timeutil_now();
	const char *s = cli_value(p, "at");
	if (s && timeutil_parse_at(s, at, &d) != 0) {
		diag_prefix(&d, "--at");
		out_error(NULL, &d);
		return -1;
	}
	return 0;
}

const char *prog_subject(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

static int print_text(char *text, FILE *f)
{
	fputs(text ? text : "out of memory\n", f);
	free(text);
	return 0;
}

int prog_main(const struct prog *p, int argc, char **argv)
{
	program = p->name;
	if (shomei_init() != 0) {
		out_errorf(NULL, "cannot initialise libsodium");
		return p->exit_failed;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_text(cli_overview(p->name, p->summary, p->cmds, p->ncmds),
			   argc < 2 ? stderr : stdout);
		return argc < 2 ? p->exit_usage : 0;
	}
	int used;
	const struct cli_cmd *cmd = cli_find(p->cmds, p->ncmds, argc - 1, argv + 1, &used);
	if (!cmd) {
		out_errorf(argv[1], "unknown command; '%s --help' lists them", p->name);
		return p->exit_usage;
	}
	struct cli_parsed parsed;
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_parse(cmd, argc - 1 - used, argv + 1 + used, &parsed, &d) != 0) {
		out_error(cmd->name, &d);
		return p->exit_usage;
	}
	if (parsed.help) {
		print_text(cli_help(p->name, cmd), stdout);
		return 0;
	}
	int rc = cmd->run(&parsed);
	out_progress_end();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		out_errorf(NULL, "cannot write to standard output");
		return p->exit_failed;
	}
	return rc;
}
