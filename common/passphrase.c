#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

void passphrase_free(char *p)
{
	sodium_free(p);
}

/* Reads one line, byte by byte so that nothing after it is consumed, into a
 * sodium_malloc'd buffer. */
static int read_line(int fd, char **out, size_t *len, struct shomei_diag *d)
{
	char *buf = sodium_malloc(PASSPHRASE_MAX_BYTES + 1);
	if (!buf)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			sodium_free(buf);
			return diag_set(d, SHOMEI_ERR_IO, NULL, "cannot read the passphrase: %s",
					strerror(e));
		}
		if (r == 0 || c == '\n')
			break;
		if (n == PASSPHRASE_MAX_BYTES) {
			sodium_free(buf);
			return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "passphrase longer than %d bytes",
					PASSPHRASE_MAX_BYTES);
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

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

/* Asks once on the terminal with echo off. Signals that would end the process
 * while echo is off (SIGINT, SIGTERM, SIGQUIT, SIGTSTP, SIGHUP) are held back
 * until echo is restored, so the terminal is never left without echo. */
static int ask_tty(int tty, const char *prompt, char **out, size_t *len, struct shomei_diag *d)
{
	struct termios saved, quiet;
	if (tcgetattr(tty, &saved) != 0)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "cannot set up the terminal");
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGTSTP);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	quiet = saved;
	quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	int err = 0;
	if (write_all(tty, prompt) != 0 || tcsetattr(tty, TCSAFLUSH, &quiet) != 0)
		err = diag_set(d, SHOMEI_ERR_IO, NULL, "cannot set up the terminal");
	if (!err)
		err = read_line(tty, out, len, d);
	tcsetattr(tty, TCSAFLUSH, &saved);
	(void)write_all(tty, "\n");
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

static int from_tty(const char *prompt, int confirm, char **out, size_t *len,
		    struct shomei_diag *d)
{
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL,
				"no terminal to ask for the passphrase; use --passphrase-env or "
				"--passphrase-fd");
	int err = ask_tty(tty, prompt, out, len, d);
	if (!err && confirm) {
		char *again = NULL;
		size_t again_len = 0;
		err = ask_tty(tty, "again: ", &again, &again_len, d);
		if (!err && (again_len != *len || sodium_memcmp(again, *out, *len) != 0))
			err = diag_set(d, SHOMEI_ERR_USAGE, NULL, "the passphrases do not match");
		sodium_free(again);
		if (err) {
			sodium_free(*out);
			*out = NULL;
		}
	}
	close(tty);
	return err;
}

static int from_env(const char *name, char **out, size_t *len, struct shomei_diag *d)
{
	const char *v = name ? getenv(name) : NULL;
	if (!v || !*v)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "environment variable %s is not set",
				name ? name : "(none)");
	size_t n = strlen(v);
	if (n > PASSPHRASE_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "passphrase longer than %d bytes",
				PASSPHRASE_MAX_BYTES);
	char *buf = sodium_malloc(n + 1);
	if (!buf)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
	memcpy(buf, v, n + 1);
	*out = buf;
	*len = n;
	return 0;
}

int passphrase_get(const struct passphrase_source *src, const char *prompt, int confirm,
		   char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	int err;
	switch (src->kind) {
	case PASSPHRASE_ENV: err = from_env(src->env_name, out, len, d); break;
	case PASSPHRASE_FD: err = read_line(src->fd, out, len, d); break;
	case PASSPHRASE_TTY: err = from_tty(prompt, confirm, out, len, d); break;
	default: err = diag_set(d, SHOMEI_ERR_USAGE, NULL, "no passphrase source");
	}
	if (!err && *len == 0) {
		sodium_free(*out);
		*out = NULL;
		err = diag_set(d, SHOMEI_ERR_USAGE, NULL, "empty passphrase");
	}
	return err;
}
