/* Fetching mirror files from a folder and from a real HTTP server started on
 * 127.0.0.1 (python3 -m http.server, from Debian's python3). */
#include "fetch.h"
#include "init.h"
#include "testutil.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

struct server {
	pid_t pid;
	int port;
	char *dir;
};

static void write_file(const char *dir, const char *rel, const char *text, size_t len)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	char cmd[1300];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
	*slash = '/';
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* Starts the server on a port the kernel picks and reads it from its banner. */
static int setup(void **state)
{
	struct server *s = calloc(1, sizeof *s);
	s->dir = tu_tempdir();
	write_file(s->dir, "checkpoint", "example.org/log\n3\nAAAA\n", 23);
	write_file(s->dir, "tile/entries/000.p/3", "\x00\x01x\x00\x01y\x00\x01z", 9);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
		       "--directory", s->dir, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[256];
	s->port = 0;
	while (fgets(line, sizeof line, out))
		if (sscanf(line, "Serving HTTP on %*s port %d", &s->port) == 1)
			break;
	/* Keep the pipe open (the server writes its log there); it closes at exit. */
	assert_true(s->port > 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct server *s = *state;
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	tu_rm_rf(s->dir);
	free(s->dir);
	free(s);
	return 0;
}

static void check_base(const char *base)
{
	struct fetcher *f = NULL;
	struct shomei_diag d;
	assert_int_equal(fetcher_new(base, &f, &d), 0);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fetcher_get(f, "checkpoint", 1024, &data, &len, &d), 0);
	assert_int_equal(len, 23);
	assert_memory_equal(data, "example.org/log\n3\nAAAA\n", 23);
	free(data);
	assert_int_equal(fetcher_get(f, "tile/entries/000.p/3", 1024, &data, &len, &d), 0);
	assert_int_equal(len, 9);
	assert_memory_equal(data, "\x00\x01x\x00\x01y\x00\x01z", 9);
	free(data);
	assert_int_equal(fetcher_get(f, "tile/0/000", 1024, &data, &len, &d), SHOMEI_ERR_NOTFOUND);
	assert_null(data);
	assert_string_equal(d.where, "tile/0/000");
	assert_int_equal(fetcher_get(f, "checkpoint", 10, &data, &len, &d), SHOMEI_ERR_LIMIT);
	assert_null(data);
	static const char *const bad[] = {
	    "../etc/passwd", "/checkpoint", "tile/../checkpoint", "tile//0", "a b", "tile/", "",
	    "?x=1",	     "%2e%2e/x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(fetcher_get(f, bad[i], 1024, &data, &len, &d), SHOMEI_ERR_USAGE);
	fetcher_free(f);
}

static void test_http(void **state)
{
	struct server *s = *state;
	char base[128];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/", s->port);
	check_base(base);
	struct fetcher *f = NULL;
	assert_int_equal(fetcher_new(base, &f, NULL), 0);
	assert_true(fetcher_is_remote(f));
	fetcher_free(f);
	/* Nothing listens there: an I/O error, not a crash or a hang. */
	char *data = NULL;
	size_t len;
	struct shomei_diag d;
	assert_int_equal(fetcher_new("http://127.0.0.1:1", &f, &d), 0);
	assert_int_equal(fetcher_get(f, "checkpoint", 1024, &data, &len, &d), SHOMEI_ERR_IO);
	fetcher_free(f);
}

static void test_folder(void **state)
{
	struct server *s = *state;
	check_base(s->dir);
	struct fetcher *f = NULL;
	assert_int_equal(fetcher_new(s->dir, &f, NULL), 0);
	assert_false(fetcher_is_remote(f));
	fetcher_free(f);
	struct shomei_diag d;
	assert_int_equal(fetcher_new("ftp://example.org/x", &f, &d), SHOMEI_ERR_USAGE);
	assert_null(f);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_http),
	    cmocka_unit_test(test_folder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
