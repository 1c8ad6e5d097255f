#include "uuid.h"

#include <sodium.h>
#include <sys/types.h>
#include <unistd.h>
#include <string.h>

/* Hyphens sit before bytes 4, 6, 8 and 10 (RFC 9562 §4). */
static int hyphen_before(int byte)
{
	return byte == 4 || byte == 6 || byte == 8 || byte == 10;
}

/* Random bytes for 16 uuids at a time: one system call each costs as much as
 * the rest of making a uuid, and a class makes two a credential. The pool is
 * per thread and is refilled in a child after fork(), which must never hand
 * out its parent's values (UUID uniqueness). */
#define UUID_POOL_BYTES (16 * UUID_BYTES)
static _Thread_local unsigned char pool[UUID_POOL_BYTES];
static _Thread_local size_t pool_left;
static _Thread_local pid_t pool_pid;

static void random_bytes(unsigned char b[UUID_BYTES])
{
	pid_t pid = getpid();
	if (pool_left < UUID_BYTES || pool_pid != pid) {
		randombytes_buf(pool, sizeof pool);
		pool_left = sizeof pool;
		pool_pid = pid;
	}
	pool_left -= UUID_BYTES;
	memcpy(b, pool + pool_left, UUID_BYTES);
	sodium_memzero(pool + pool_left, UUID_BYTES);
}

int uuid_urn_random(char out[UUID_URN_BYTES])
{
	unsigned char b[UUID_BYTES];
	random_bytes(b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 (RFC 9562 §4.2) */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 (RFC 9562 §4.1) */
	/* Formatted by hand: snprintf with sixteen conversions is a visible share
	 * of issuing one credential. */
	static const char hex[] = "0123456789abcdef";
	memcpy(out, UUID_URN_PREFIX, sizeof UUID_URN_PREFIX - 1);
	char *o = out + sizeof UUID_URN_PREFIX - 1;
	for (int i = 0; i < UUID_BYTES; i++) {
		if (hyphen_before(i))
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
	return 0;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int uuid_urn_check(const char *s)
{
	const size_t prefix = sizeof UUID_URN_PREFIX - 1;
	if (!s || strncmp(s, UUID_URN_PREFIX, prefix) != 0)
		return SHOMEI_ERR_INVALID;
	const char *p = s + prefix;
	for (int i = 0; i < UUID_BYTES; i++) {
		if (hyphen_before(i) && *p++ != '-')
			return SHOMEI_ERR_INVALID;
		/* is_hex('\0') is false, so a short string stops here. */
		if (!is_hex(p[0]) || !is_hex(p[1]))
			return SHOMEI_ERR_INVALID;
		p += 2;
	}
	return *p == '\0' ? 0 : SHOMEI_ERR_INVALID;
}
