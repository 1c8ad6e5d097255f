/* Passphrases from the environment, a descriptor, and a real terminal (a
 * pseudo-terminal made with forkpty: the prompt, no echo, the confirmation). */
#include "passphrase.h"
#include "init.h"
#include "testutil.h"

#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static void test_env(void **state)
{
	(void)state;
	struct passphrase_source src = {.kind = PASSPHRASE_ENV, .env_name = "SHOMEI_TEST_PW"};
	char *p = NULL;
	size_t len = 0;
	struct shomei_diag d;
	unsetenv("SHOMEI_TEST_PW");
	assert_int_equal(passphrase_get(&src, "", 0, &p, &len, &d), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "environment variable SHOMEI_TEST_PW is not set");
	assert_null(p);
	setenv("SHOMEI_TEST_PW", "秘密 phrase", 1);
	assert_int_equal(passphrase_get(&src, "", 0, &p, &len, &d), 0);
	assert_string_equal(p, "秘密 phrase");
	assert_int_equal(len, strlen("秘密 phrase"));
	passphrase_free(p);
	setenv("SHOMEI_TEST_PW", "", 1);
	assert_int_not_equal(passphrase_get(&src, "", 0, &p, &len, &d), 0);
	char big[PASSPHRASE_MAX_BYTES + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	setenv("SHOMEI_TEST_PW", big, 1);
	assert_int_equal(passphrase_get(&src, "", 0, &p, &len, &d), SHOMEI_ERR_LIMIT);
	unsetenv("SHOMEI_TEST_PW");
}

static void test_fd(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	const char *text = "first line\r\nsecond\n";
	assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
	close(fds[1]);
	struct passphrase_source src = {.kind = PASSPHRASE_FD, .fd = fds[0]};
	char *p = NULL;
	size_t len = 0;
	struct shomei_diag d;
	assert_int_equal(passphrase_get(&src, "", 0, &p, &len, &d), 0);
	assert_string_equal(p, "first line");
	passphrase_free(p);
	/* The rest of the stream is left for the caller. */
	char rest[16] = {0};
	assert_int_equal(read(fds[0], rest, sizeof rest - 1), 7);
	assert_string_equal(rest, "second\n");
	close(fds[0]);
	/* Empty input, and a closed descriptor. */
	assert_int_equal(pipe(fds), 0);
	close(fds[1]);
	src.fd = fds[0];
	assert_int_equal(passphrase_get(&src, "", 0, &p, &len, &d), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "empty passphrase");
	close(fds[0]);
	src.fd = 987;
	assert_int_equal(passphrase_get(&src, "", 0, &p, &len, &d), SHOMEI_ERR_IO);
}

/* Reads from the pty master until `want` appeared or the child closed. */
static int read_until(int master, char *buf, size_t cap, size_t *n, const char *want)
{
	while (*n + 1 < cap) {
		buf[*n] = '\0';
		if (strstr(buf, want))
			return 1;
		ssize_t r = read(master, buf + *n, cap - 1 - *n);
		if (r <= 0)
			break;
		*n += (size_t)r;
	}
	buf[*n] = '\0';
	return strstr(buf, want) != NULL;
}

/* The child asks with confirmation; the parent plays the person typing. */
static int run_tty(const char *first, const char *second, char *seen, size_t cap)
{
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		struct passphrase_source src = {.kind = PASSPHRASE_TTY};
		char *p = NULL;
		size_t len = 0;
		struct shomei_diag d;
		int err = passphrase_get(&src, "new passphrase: ", 1, &p, &len, &d);
		/* Report through the exit code only: stdout is the pty too. */
		_exit(err == 0 && strcmp(p, "tty secret") == 0 ? 0 : err == SHOMEI_ERR_USAGE ? 3 : 1);
	}
	size_t n = 0;
	assert_true(read_until(master, seen, cap, &n, "new passphrase: "));
	assert_int_equal(write(master, first, strlen(first)), (ssize_t)strlen(first));
	assert_true(read_until(master, seen, cap, &n, "again: "));
	assert_int_equal(write(master, second, strlen(second)), (ssize_t)strlen(second));
	read_until(master, seen, cap, &n, "\x01never");
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(master);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_tty(void **state)
{
	(void)state;
	char seen[4096];
	assert_int_equal(run_tty("tty secret\n", "tty secret\n", seen, sizeof seen), 0);
	/* What the terminal showed: both prompts, never the passphrase. */
	assert_non_null(strstr(seen, "new passphrase: "));
	assert_non_null(strstr(seen, "again: "));
	assert_null(strstr(seen, "tty secret"));
	/* A mismatch is refused. */
	assert_int_equal(run_tty("tty secret\n", "tty secreT\n", seen, sizeof seen), 3);
	assert_null(strstr(seen, "tty secre"));
}

static void test_no_terminal(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setsid(); /* no controlling terminal any more */
		struct passphrase_source src = {.kind = PASSPHRASE_TTY};
		char *p = NULL;
		size_t len = 0;
		struct shomei_diag d;
		int err = passphrase_get(&src, "x: ", 0, &p, &len, &d);
		_exit(err == SHOMEI_ERR_USAGE && strstr(d.what, "--passphrase-env") ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_fd),
		cmocka_unit_test(test_tty),
		cmocka_unit_test(test_no_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
