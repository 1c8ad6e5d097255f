#define _GNU_SOURCE /* renameat2 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

static int read_fd(int fd, size_t max, char **out, size_t *len, struct shomei_diag *d)
{
	size_t cap = 4096, n = 0;
	char *p = malloc(cap + 1);
	if (!p)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(p);
				return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "larger than %zu bytes",
						max);
			}
			size_t ncap = cap * 2;
			char *q = realloc(p, ncap + 1);
			if (!q) {
				free(p);
				return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			}
			p = q;
			cap = ncap;
		}
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(p);
			return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(p);
			return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "larger than %zu bytes", max);
		}
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	return 0;
}

int fileio_read(const char *path, size_t max, char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		return read_fd(STDIN_FILENO, max, out, len, d);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return diag_set(d, SHOMEI_ERR_IO, NULL, "is a directory");
	}
	int err = read_fd(fd, max, out, len, d);
	close(fd);
	return err;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int fileio_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(dir, sizeof dir, "%s", path);
	} else {
		const char *slash = strrchr(path, '/');
		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else if (slash == path)
			snprintf(dir, sizeof dir, "/");
		else
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return SHOMEI_ERR_IO;
	int r = fsync(fd);
	close(fd);
	return r == 0 ? 0 : SHOMEI_ERR_IO;
}

int fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, int how,
			struct shomei_diag *d)
{
	if (strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, len) != 0)
			return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(errno));
		return 0;
	}
	char tmp[PATH_MAX];
	unsigned char rnd[8];
	randombytes_buf(rnd, sizeof rnd);
	int n = snprintf(tmp, sizeof tmp, "%s.tmp-%02x%02x%02x%02x%02x%02x%02x%02x", path, rnd[0],
			 rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "path too long");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(errno));
	int e = 0;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (e) {
		unlink(tmp);
		return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(e));
	}
	int r = how == FILEIO_NO_REPLACE
		    ? renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE)
		    : rename(tmp, path);
	if (r != 0) {
		e = errno;
		unlink(tmp);
		if (e == EEXIST)
			return diag_set(d, SHOMEI_ERR_EXISTS, NULL, "already exists");
		return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(e));
	}
	if (fileio_sync_dir(path) != 0)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "cannot sync directory");
	return 0;
}

int fileio_mkdirs(const char *path, mode_t mode, struct shomei_diag *d)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof p, "%s", path);
	if (n < 0 || (size_t)n >= sizeof p)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "path too long");
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST)
			return diag_set(d, SHOMEI_ERR_IO, NULL, "%s: %s", p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, mode) != 0 && errno != EEXIST)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(errno));
	struct stat st;
	if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
		return diag_set(d, SHOMEI_ERR_IO, NULL, "not a directory");
	return 0;
}
