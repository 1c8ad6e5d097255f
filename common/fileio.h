/* fileio.h - bounded reads and crash-safe writes.
 *
 * Writes never leave a half-written file under the final name: the data goes to
 * a temporary file in the same directory (created O_EXCL|O_NOFOLLOW with the
 * requested mode), is fsync'd, renamed over the target, and the directory is
 * fsync'd, so that after a crash the target holds either the old or the new
 * contents.
 */
#ifndef SHOMEI_FILEIO_H
#define SHOMEI_FILEIO_H

#include "err.h"

#include <stddef.h>
#include <sys/types.h>

/* Reads at most `max` bytes from `path` ("-" reads standard input) into a
 * malloc'd buffer, NUL-terminated one byte past *len (the NUL is not counted).
 * A larger input fails with SHOMEI_ERR_LIMIT; an unreadable one with
 * SHOMEI_ERR_IO (d->what says why, e.g. "no such file or directory").
 * On failure *out is NULL. The caller frees *out. */
int fileio_read(const char *path, size_t max, char **out, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

enum {
	FILEIO_REPLACE = 0,   /* an existing target is replaced atomically */
	FILEIO_NO_REPLACE = 1 /* an existing target is an error (SHOMEI_ERR_EXISTS) */
};

/* Writes len bytes to path atomically and durably (see above), creating it with
 * `mode` (e.g. 0600 for anything secret). `how` is FILEIO_REPLACE or
 * FILEIO_NO_REPLACE; with FILEIO_NO_REPLACE the check and the rename are one
 * atomic step (renameat2 RENAME_NOREPLACE). "-" writes to standard output. */
int fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, int how,
			struct shomei_diag *d) __attribute__((warn_unused_result));

/* Creates directory `path` and any missing parents with `mode`; an existing
 * directory is fine. */
int fileio_mkdirs(const char *path, mode_t mode, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* fsyncs the directory holding `path` (or `path` itself when it is a directory). */
int fileio_sync_dir(const char *dir);

#endif
