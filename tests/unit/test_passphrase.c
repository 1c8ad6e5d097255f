/* Passphrases from the environment, a descriptor, and a real terminal: a
 * pseudo-terminal made with forkpty (link with -lutil), where the test plays
 * the person typing and watches what the terminal shows: the prompts, never
 * the passphrase, echo back on afterwards, also after Ctrl-C and Ctrl-Z. */
#include "passphrase.h"
#include "init.h"
#include "testutil.h"

#include <errno.h>
#include <poll.h>
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
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define ENV_NAME "SHOMEI_TEST_PASSPHRASE"

/* passphrase_get, checking the contract on failure: *out NULL, *len 0. */
static int get(const struct passphrase_source *src, char **p, size_t *len, struct shomei_diag *d)
{
	*p = (char *)"junk";
	*len = 99;
	int err = passphrase_get(src, "unused: ", 0, p, len, d);
	if (err) {
		assert_null(*p);
		assert_int_equal(*len, 0);
	}
	return err;
}

static void test_env(void **state)
{
	(void)state;
	struct passphrase_source src = {.kind = PASSPHRASE_ENV, .env_name = ENV_NAME};
	char *p;
	size_t len;
	struct shomei_diag d;

	unsetenv(ENV_NAME);
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "environment variable " ENV_NAME " is not set");

	setenv(ENV_NAME, "", 1);
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "environment variable " ENV_NAME " is empty");

	setenv(ENV_NAME, "秘密 phrase", 1);
	assert_int_equal(get(&src, &p, &len, &d), 0);
	assert_string_equal(p, "秘密 phrase");
	assert_int_equal(len, strlen("秘密 phrase"));
	passphrase_free(p);

	/* PASSPHRASE_MAX_BYTES is accepted, one byte more is not. */
	char big[PASSPHRASE_MAX_BYTES + 2];
	memset(big, 'x', PASSPHRASE_MAX_BYTES);
	big[PASSPHRASE_MAX_BYTES] = '\0';
	setenv(ENV_NAME, big, 1);
	assert_int_equal(get(&src, &p, &len, &d), 0);
	assert_int_equal(len, PASSPHRASE_MAX_BYTES);
	assert_int_equal(p[len], '\0');
	passphrase_free(p);
	big[PASSPHRASE_MAX_BYTES] = 'x';
	big[PASSPHRASE_MAX_BYTES + 1] = '\0';
	setenv(ENV_NAME, big, 1);
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_LIMIT);
	assert_string_equal(d.what, "passphrase longer than 1024 bytes");
	unsetenv(ENV_NAME);

	src.env_name = NULL;
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_USAGE);
	struct passphrase_source bad = {.kind = (enum passphrase_kind)42};
	assert_int_equal(get(&bad, &p, &len, &d), SHOMEI_ERR_USAGE);
}

/* A pipe holding `n` bytes of text, closed for writing. */
static int pipe_with(const void *text, size_t n)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, n), (ssize_t)n);
	close(fds[1]);
	return fds[0];
}

static void test_fd(void **state)
{
	(void)state;
	char *p;
	size_t len;
	struct shomei_diag d;
	struct passphrase_source src = {.kind = PASSPHRASE_FD};

	/* One line, CRLF dropped; the rest of the stream is left for the caller. */
	src.fd = pipe_with("first line\r\nsecond\n", 19);
	assert_int_equal(get(&src, &p, &len, &d), 0);
	assert_string_equal(p, "first line");
	assert_int_equal(len, 10);
	passphrase_free(p);
	char rest[16] = {0};
	assert_int_equal(read(src.fd, rest, sizeof rest - 1), 7);
	assert_string_equal(rest, "second\n");
	close(src.fd);

	/* No newline at the end of the stream. */
	src.fd = pipe_with("last", 4);
	assert_int_equal(get(&src, &p, &len, &d), 0);
	assert_string_equal(p, "last");
	passphrase_free(p);
	close(src.fd);

	/* Empty: nothing at all, or an empty first line. */
	src.fd = pipe_with("", 0);
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "empty passphrase");
	close(src.fd);
	src.fd = pipe_with("\nsecond\n", 8);
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_USAGE);
	close(src.fd);

	/* A NUL byte would cut the passphrase short for C strings. */
	src.fd = pipe_with("ab\0cd\n", 6);
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_INVALID);
	close(src.fd);

	/* PASSPHRASE_MAX_BYTES and a newline is accepted, one byte more is not. */
	char big[PASSPHRASE_MAX_BYTES + 2];
	memset(big, 'y', sizeof big);
	big[PASSPHRASE_MAX_BYTES] = '\n';
	src.fd = pipe_with(big, PASSPHRASE_MAX_BYTES + 1);
	assert_int_equal(get(&src, &p, &len, &d), 0);
	assert_int_equal(len, PASSPHRASE_MAX_BYTES);
	passphrase_free(p);
	close(src.fd);
	big[PASSPHRASE_MAX_BYTES] = 'y';
	big[PASSPHRASE_MAX_BYTES + 1] = '\n';
	src.fd = pipe_with(big, sizeof big);
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_LIMIT);
	close(src.fd);

	/* A descriptor that is not open. */
	src.fd = 987;
	assert_int_equal(get(&src, &p, &len, &d), SHOMEI_ERR_IO);
}

/* ---- the terminal ---------------------------------------------------------- */

enum scenario {
	SC_CONFIRM,	/* passphrase_get(TTY, confirm): the typed line comes back */
	SC_ONCE,	/* without confirm */
	SC_INT_DEFAULT, /* Ctrl-C with SIGINT's default action: the process ends */
	SC_INT_HANDLER, /* Ctrl-C with a handler of the program's: "interrupted" */
	SC_INT_IGNORED	/* Ctrl-C while the program ignores SIGINT: no effect */
};

#define SECRET "tty secret"
#define PROMPT "new passphrase: "

/* Child exit codes, read by the parent. */
enum {
	CHILD_OK = 0,
	CHILD_WRONG = 1,
	CHILD_ECHO_LEFT_OFF = 2,
	CHILD_MISMATCH = 3,
	CHILD_EMPTY = 4,
	CHILD_INTERRUPTED = 5
};

static int echo_is_on(void)
{
	struct termios t;
	return tcgetattr(STDIN_FILENO, &t) == 0 && (t.c_lflag & ECHO);
}

static volatile sig_atomic_t handler_ran;

static void program_handler(int sig)
{
	(void)sig;
	handler_ran = 1;
}

/* In the child, whose controlling terminal is the pty: asks, and reports
 * through the exit code only (stdout and stderr are the pty too). */
static void child(enum scenario sc)
{
	struct passphrase_source src = {.kind = PASSPHRASE_TTY};
	char *p = NULL;
	size_t len = 0;
	struct shomei_diag d;
	if (sc == SC_INT_DEFAULT) {
		/* The grandchild asks and dies of SIGINT; this process, which
		 * ignores it, stays to look at the terminal afterwards. */
		signal(SIGINT, SIG_IGN);
		pid_t g = fork();
		if (g == 0) {
			signal(SIGINT, SIG_DFL);
			int err = passphrase_get(&src, PROMPT, 0, &p, &len, &d);
			_exit(err ? CHILD_WRONG : CHILD_OK); /* it should not return */
		}
		int st;
		if (g < 0 || waitpid(g, &st, 0) != g || !WIFSIGNALED(st) || WTERMSIG(st) != SIGINT)
			_exit(CHILD_WRONG);
		_exit(echo_is_on() ? CHILD_INTERRUPTED : CHILD_ECHO_LEFT_OFF);
	}
	if (sc == SC_INT_HANDLER) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = program_handler;
		sigaction(SIGINT, &sa, NULL);
	}
	if (sc == SC_INT_IGNORED)
		signal(SIGINT, SIG_IGN);
	int err = passphrase_get(&src, PROMPT, sc == SC_CONFIRM, &p, &len, &d);
	if (!echo_is_on())
		_exit(CHILD_ECHO_LEFT_OFF);
	if (sc == SC_INT_HANDLER)
		_exit(err == SHOMEI_ERR_IO && strcmp(d.what, "interrupted") == 0 && handler_ran
			  ? CHILD_INTERRUPTED
			  : CHILD_WRONG);
	if (err == SHOMEI_ERR_USAGE && strcmp(d.what, "the passphrases do not match") == 0)
		_exit(CHILD_MISMATCH);
	if (err == SHOMEI_ERR_USAGE && strcmp(d.what, "empty passphrase") == 0)
		_exit(CHILD_EMPTY);
	int ok = err == 0 && len == strlen(SECRET) && strcmp(p, SECRET) == 0 && p[len] == '\0';
	passphrase_free(p);
	_exit(ok ? CHILD_OK : CHILD_WRONG);
}

struct terminal {
	int master;
	pid_t pid;
	char seen[8192]; /* everything the terminal showed */
	size_t n;
};

static size_t count(const char *hay, const char *needle)
{
	size_t c = 0;
	for (const char *s = hay; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		c++;
	return c;
}

/* Reads what the child shows until `want` has appeared `times` times, or the
 * child closed the terminal; gives up after 10 s so that a bug cannot hang
 * the test. Returns whether it appeared. */
static int wait_for(struct terminal *t, const char *want, size_t times)
{
	for (;;) {
		t->seen[t->n] = '\0';
		if (want && count(t->seen, want) >= times)
			return 1;
		if (t->n + 1 >= sizeof t->seen)
			return 0;
		struct pollfd pfd = {.fd = t->master, .events = POLLIN};
		int r = poll(&pfd, 1, 10000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		ssize_t got = read(t->master, t->seen + t->n, sizeof t->seen - 1 - t->n);
		if (got <= 0)
			return 0; /* EIO: the child has closed its side */
		t->n += (size_t)got;
	}
}

static void type(struct terminal *t, const char *keys)
{
	assert_int_equal(write(t->master, keys, strlen(keys)), (ssize_t)strlen(keys));
}

static void start(struct terminal *t, enum scenario sc)
{
	memset(t, 0, sizeof *t);
	t->pid = forkpty(&t->master, NULL, NULL, NULL);
	assert_true(t->pid >= 0);
	if (t->pid == 0)
		child(sc);
}

/* Reads to the end and returns the child's exit code; a child still running
 * 10 s after the terminal went quiet is killed and fails the test. */
static int finish(struct terminal *t)
{
	wait_for(t, NULL, 0);
	int status;
	pid_t r = 0;
	for (int tries = 0; r == 0 && tries < 1000; tries++) {
		r = waitpid(t->pid, &status, WNOHANG);
		if (r == 0) /* closing the pty comes a moment before the exit */
			nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	if (r == 0) {
		/* Still asking after 10 s of silence: a hang, not a pass. */
		kill(t->pid, SIGKILL);
		r = waitpid(t->pid, &status, 0);
		close(t->master);
		fail_msg("child hung; terminal showed: %s", t->seen);
	}
	assert_int_equal(r, t->pid);
	close(t->master);
	if (!WIFEXITED(status))
		fail_msg("child did not exit normally (status %d); terminal showed: %s", status,
			 t->seen);
	return WEXITSTATUS(status);
}

static void test_tty_confirm(void **state)
{
	(void)state;
	struct terminal t;
	start(&t, SC_CONFIRM);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, SECRET "\n");
	assert_true(wait_for(&t, "repeat the passphrase: ", 1));
	type(&t, SECRET "\n");
	assert_int_equal(finish(&t), CHILD_OK);
	/* What the terminal showed: both prompts, never the passphrase. */
	assert_null(strstr(t.seen, "tty"));
	assert_null(strstr(t.seen, "secret"));
}

static void test_tty_once(void **state)
{
	(void)state;
	struct terminal t;
	start(&t, SC_ONCE);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, SECRET "\r"); /* the Enter key sends CR; the terminal makes it NL */
	assert_int_equal(finish(&t), CHILD_OK);
	assert_null(strstr(t.seen, "repeat"));
	assert_null(strstr(t.seen, "secret"));
}

static void test_tty_mismatch(void **state)
{
	(void)state;
	struct terminal t;
	start(&t, SC_CONFIRM);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, SECRET "\n");
	assert_true(wait_for(&t, "repeat the passphrase: ", 1));
	type(&t, "tty secreT\n");
	assert_int_equal(finish(&t), CHILD_MISMATCH);
	assert_null(strstr(t.seen, "secre"));
}

static void test_tty_empty(void **state)
{
	(void)state;
	struct terminal t;
	start(&t, SC_CONFIRM);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, "\n");
	/* Refused at once: no second question. */
	assert_int_equal(finish(&t), CHILD_EMPTY);
	assert_null(strstr(t.seen, "repeat"));
}

static void test_tty_ctrl_c(void **state)
{
	(void)state;
	struct terminal t;
	/* Default action: the asking process dies, the terminal has echo again. */
	start(&t, SC_INT_DEFAULT);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, "half typ\003");
	assert_int_equal(finish(&t), CHILD_INTERRUPTED);
	assert_null(strstr(t.seen, "half"));
	/* A handler of the program's runs, and the question ends "interrupted". */
	start(&t, SC_INT_HANDLER);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, "\003");
	assert_int_equal(finish(&t), CHILD_INTERRUPTED);
	/* A program that ignores SIGINT keeps ignoring it. */
	start(&t, SC_INT_IGNORED);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, "\003");
	type(&t, SECRET "\n");
	assert_int_equal(finish(&t), CHILD_OK);
}

static void test_tty_ctrl_z(void **state)
{
	(void)state;
	/* forkpty's child leads an orphaned process group, where the kernel does
	 * not stop a process for SIGTSTP: what shows is the terminal restored and
	 * the question asked again, with whatever was half typed thrown away. */
	struct terminal t;
	start(&t, SC_ONCE);
	assert_true(wait_for(&t, PROMPT, 1));
	type(&t, "half\032");
	assert_true(wait_for(&t, PROMPT, 2));
	type(&t, SECRET "\n");
	assert_int_equal(finish(&t), CHILD_OK);
	assert_null(strstr(t.seen, "half"));
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
		_exit(err == SHOMEI_ERR_USAGE && !p &&
			      strcmp(d.what, "no terminal to ask for the passphrase; use "
					     "--passphrase-env or --passphrase-fd") == 0
			  ? 0
			  : 1);
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
	    cmocka_unit_test(test_env),		 cmocka_unit_test(test_fd),
	    cmocka_unit_test(test_tty_confirm),	 cmocka_unit_test(test_tty_once),
	    cmocka_unit_test(test_tty_mismatch), cmocka_unit_test(test_tty_empty),
	    cmocka_unit_test(test_tty_ctrl_c),	 cmocka_unit_test(test_tty_ctrl_z),
	    cmocka_unit_test(test_no_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
