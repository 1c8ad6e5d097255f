/* buf.h - a growable byte buffer with a ceiling (internal to libshomei).
 *
 * Ownership: the caller owns the struct (buf_init/buf_release); the buffer owns
 * its data until buf_steal hands it over. The data is always NUL-terminated one
 * byte past len, so text can be used as a C string. Appending past `max` bytes
 * fails with SHOMEI_ERR_LIMIT and leaves the contents as they were.
 */
#ifndef SHOMEI_INTERNAL_BUF_H
#define SHOMEI_INTERNAL_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void buf_init(struct buf *b, size_t max);

/* Makes room for n more bytes in one allocation (for outputs whose size is
 * known in advance); SHOMEI_ERR_LIMIT beyond max. */
int buf_reserve(struct buf *b, size_t n) __attribute__((warn_unused_result));
void buf_release(struct buf *b);

int buf_append(struct buf *b, const void *p, size_t n) __attribute__((warn_unused_result));
int buf_putc(struct buf *b, char c) __attribute__((warn_unused_result));
int buf_puts(struct buf *b, const char *s) __attribute__((warn_unused_result));
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), warn_unused_result));

/* Returns the data (malloc'd, NUL-terminated; "" for an empty buffer, or NULL
 * when that allocation fails) and leaves b empty. *len gets the length if
 * len is not NULL. The caller frees it. */
char *buf_steal(struct buf *b, size_t *len);

#endif
