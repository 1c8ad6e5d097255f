/* passphrase.c - the three ways a program gets a passphrase.
 *
 * Hand-written rather than getpass(3), which is obsolete, reads into a static
 * buffer in ordinary memory and leaves the terminal to the mercy of a Ctrl-C,
 * or readpassphrase(3), which glibc does not have. The terminal part does what
 * readpassphrase does: echo off through termios, the signals that would end or
 * stop the process caught while echo is off and raised again once the terminal
 * is restored. Waiting happens in pselect() with the signals unblocked only
 * for the wait itself, so a signal cannot slip in between a check and a
 * blocking read.
 */
#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

#define DEFAULT_PROMPT "passphrase: "
#define CONFIRM_PROMPT "repeat the passphrase: "

/* The passphrase, or a line read one byte past it to tell "too long" apart. */
#define LINE_BYTES (PASSPHRASE_MAX_BYTES + 1)

void passphrase_free(char *p)
{
	sodium_free(p); /* wipes; NULL-safe */
}

/* Signals caught while echo is off. The stop signals are raised again (the
 * process stops with its terminal restored) and the question asked again. */
static const int tty_signals[] = {SIGALRM, SIGHUP,  SIGINT,  SIGPIPE, SIGQUIT,
				  SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
enum { TTY_SIGNALS = sizeof tty_signals / sizeof tty_signals[0] };

static volatile sig_atomic_t caught[TTY_SIGNALS];

static void on_signal(int sig)
{
	for (size_t i = 0; i < TTY_SIGNALS; i++)
		if (tty_signals[i] == sig)
			caught[i] = 1;
}

static int any_caught(void)
{
	for (size_t i = 0; i < TTY_SIGNALS; i++)
		if (caught[i])
			return 1;
	return 0;
}

static int is_stop_signal(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* What has to be put back after one question on the terminal. */
struct tty_question {
	int fd;
	struct termios saved;
	sigset_t old_mask; /* the program's mask; pselect waits with it */
	struct sigaction old_action[TTY_SIGNALS];
};

static int write_all(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len) {
		ssize_t w = write(fd, s, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Reads one line into buf (LINE_BYTES), one byte at a time so that nothing
 * after the newline is consumed. On the terminal (q not NULL) each byte is
 * waited for in pselect with the program's signal mask, the only time the
 * caught signals can arrive; one that does ends the question. */
static int read_line(int fd, const struct tty_question *q, char *buf, size_t *len,
		     struct shomei_diag *d)
{
	size_t n = 0;
	*len = 0;
	for (;;) {
		if (n > PASSPHRASE_MAX_BYTES)
			return diag_set(d, SHOMEI_ERR_LIMIT, NULL,
					"passphrase longer than %d bytes", PASSPHRASE_MAX_BYTES);
		if (q) {
			if (any_caught())
				return diag_set(d, SHOMEI_ERR_IO, NULL, "interrupted");
			fd_set in;
			FD_ZERO(&in);
			FD_SET(fd, &in);
			if (pselect(fd + 1, &in, NULL, NULL, NULL, &q->old_mask) < 0) {
				if (errno == EINTR)
					continue;
				return diag_set(d, SHOMEI_ERR_IO, NULL,
						"cannot read the passphrase: %s", strerror(errno));
			}
		}
		ssize_t r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return diag_set(d, SHOMEI_ERR_IO, NULL, "cannot read the passphrase: %s",
					strerror(errno));
		if (r == 0 || buf[n] == '\n')
			break;
		n++;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return 0;
}

static void restore_signals(const struct tty_question *q)
{
	for (size_t i = 0; i < TTY_SIGNALS; i++)
		sigaction(tty_signals[i], &q->old_action[i], NULL);
	sigprocmask(SIG_SETMASK, &q->old_mask, NULL);
}

/* Blocks the signals and installs the catcher (leaving alone those the program
 * ignores), then turns echo off, discarding type-ahead. */
static int tty_quiet(struct tty_question *q, struct shomei_diag *d)
{
	sigset_t block;
	sigemptyset(&block);
	for (size_t i = 0; i < TTY_SIGNALS; i++)
		sigaddset(&block, tty_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &q->old_mask);
	for (size_t i = 0; i < TTY_SIGNALS; i++)
		caught[i] = 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_mask = block;
	sa.sa_flags = 0; /* no SA_RESTART: the wait must end */
	for (size_t i = 0; i < TTY_SIGNALS; i++) {
		sigaction(tty_signals[i], NULL, &q->old_action[i]);
		if ((q->old_action[i].sa_flags & SA_SIGINFO) ||
		    q->old_action[i].sa_handler != SIG_IGN)
			sigaction(tty_signals[i], &sa, NULL);
	}
	struct termios quiet;
	if (tcgetattr(q->fd, &q->saved) != 0) {
		restore_signals(q);
		return diag_set(d, SHOMEI_ERR_IO, NULL, "cannot read the terminal's settings: %s",
				strerror(errno));
	}
	quiet = q->saved;
	quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/* tcsetattr succeeds when any one change took: check that echo is off. */
	if (tcsetattr(q->fd, TCSAFLUSH, &quiet) != 0 || tcgetattr(q->fd, &quiet) != 0 ||
	    (quiet.c_lflag & ECHO)) {
		tcsetattr(q->fd, TCSAFLUSH, &q->saved);
		restore_signals(q);
		return diag_set(d, SHOMEI_ERR_IO, NULL, "cannot turn the terminal's echo off");
	}
	return 0;
}

/* Puts the terminal back (discarding anything typed after the line, such as
 * the rest of an overlong passphrase, which must not reach the shell), ends
 * the line the user's unechoed Enter did not, and gives the signals back. */
static void tty_restore(const struct tty_question *q)
{
	while (tcsetattr(q->fd, TCSAFLUSH, &q->saved) != 0 && errno == EINTR)
		;
	(void)write_all(q->fd, "\n");
	restore_signals(q);
}

/* One question with echo off. A signal caught meanwhile is raised again once
 * the terminal and the program's signal handling are back: the default action
 * of SIGINT ends the process here, with echo on. *again is set when only stop
 * signals came (the process was stopped and continued: ask again). */
static int ask_once(int fd, const char *prompt, char *buf, size_t *len, int *again,
		    struct shomei_diag *d)
{
	struct tty_question q;
	q.fd = fd;
	*again = 0;
	int err = tty_quiet(&q, d);
	if (err)
		return err;
	if (write_all(fd, prompt) != 0)
		err = diag_set(d, SHOMEI_ERR_IO, NULL, "cannot write to the terminal");
	if (!err)
		err = read_line(fd, &q, buf, len, d);
	int raised[TTY_SIGNALS];
	for (size_t i = 0; i < TTY_SIGNALS; i++)
		raised[i] = caught[i];
	tty_restore(&q);
	int stops = 0, others = 0;
	for (size_t i = 0; i < TTY_SIGNALS; i++) {
		if (!raised[i])
			continue;
		raise(tty_signals[i]);
		if (is_stop_signal(tty_signals[i]))
			stops++;
		else
			others++;
	}
	if (others)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "interrupted");
	if (stops) {
		sodium_memzero(buf, LINE_BYTES);
		*len = 0;
		*again = 1;
		return 0;
	}
	return err;
}

static int ask(int fd, const char *prompt, char *buf, size_t *len, struct shomei_diag *d)
{
	int again, err;
	do
		err = ask_once(fd, prompt, buf, len, &again, d);
	while (!err && again);
	return err;
}

/* Refusals shared by every source. */
static int check_passphrase(const char *p, size_t len, struct shomei_diag *d)
{
	if (len == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "empty passphrase");
	if (memchr(p, '\0', len))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "passphrase holds a NUL byte");
	return 0;
}

static int from_tty(const char *prompt, int confirm, char *buf, size_t *len, struct shomei_diag *d)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL,
				"no terminal to ask for the passphrase; use --passphrase-env or "
				"--passphrase-fd");
	if (fd >= FD_SETSIZE) {
		close(fd);
		return diag_set(d, SHOMEI_ERR_IO, NULL, "too many open files to use the terminal");
	}
	char *again = NULL;
	int err = ask(fd, prompt, buf, len, d);
	if (!err)
		err = check_passphrase(buf, *len, d);
	if (!err && confirm) {
		again = sodium_malloc(LINE_BYTES);
		size_t again_len = 0;
		if (!again)
			err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
		if (!err)
			err = ask(fd, CONFIRM_PROMPT, again, &again_len, d);
		if (!err && (again_len != *len || sodium_memcmp(again, buf, *len) != 0))
			err = diag_set(d, SHOMEI_ERR_USAGE, NULL, "the passphrases do not match");
	}
	sodium_free(again);
	close(fd);
	return err;
}

static int from_env(const char *name, char *buf, size_t *len, struct shomei_diag *d)
{
	if (!name || !*name)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no environment variable named");
	const char *v = getenv(name);
	if (!v)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "environment variable %s is not set",
				name);
	if (!*v)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "environment variable %s is empty",
				name);
	size_t n = strlen(v);
	if (n > PASSPHRASE_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "passphrase longer than %d bytes",
				PASSPHRASE_MAX_BYTES);
	memcpy(buf, v, n + 1);
	*len = n;
	return 0;
}

int passphrase_get(const struct passphrase_source *src, const char *prompt, int confirm, char **out,
		   size_t *len, struct shomei_diag *d)
{
	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (!src || !out || !len)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no passphrase source");
	char *buf = sodium_malloc(LINE_BYTES);
	if (!buf)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
	size_t n = 0;
	int err;
	switch (src->kind) {
	case PASSPHRASE_TTY:
		err = from_tty(prompt ? prompt : DEFAULT_PROMPT, confirm, buf, &n, d);
		break;
	case PASSPHRASE_ENV: err = from_env(src->env_name, buf, &n, d); break;
	case PASSPHRASE_FD: err = read_line(src->fd, NULL, buf, &n, d); break;
	default: err = diag_set(d, SHOMEI_ERR_USAGE, NULL, "no passphrase source"); break;
	}
	if (!err)
		err = check_passphrase(buf, n, d);
	if (err) {
		sodium_free(buf);
		return err;
	}
	*out = buf;
	*len = n;
	return 0;
}
