#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *shomei_strerror(int err)
{
	switch (err) {
	case SHOMEI_OK: return "success";
	case SHOMEI_ERR_NOMEM: return "out of memory";
	case SHOMEI_ERR_IO: return "input/output error";
	case SHOMEI_ERR_PARSE: return "malformed input";
	case SHOMEI_ERR_LIMIT: return "input exceeds a limit";
	case SHOMEI_ERR_INVALID: return "invalid input";
	case SHOMEI_ERR_SIGNATURE: return "signature does not verify";
	case SHOMEI_ERR_DECRYPT: return "wrong passphrase or damaged data";
	case SHOMEI_ERR_EXISTS: return "already exists";
	case SHOMEI_ERR_NOTFOUND: return "not found";
	case SHOMEI_ERR_USAGE: return "wrong usage";
	case SHOMEI_ERR_UNSUPPORTED: return "unsupported";
	}
	return "unknown error";
}

void diag_clear(struct shomei_diag *d)
{
	if (d) {
		d->where[0] = '\0';
		d->what[0] = '\0';
	}
}

int diag_set(struct shomei_diag *d, int err, const char *where, const char *fmt, ...)
{
	if (!d)
		return err;
	snprintf(d->where, sizeof d->where, "%s", where ? where : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->what, sizeof d->what, fmt, ap);
	va_end(ap);
	return err;
}

void diag_prefix(struct shomei_diag *d, const char *prefix)
{
	if (!d || !prefix || !*prefix)
		return;
	char old[DIAG_WHERE_BYTES];
	memcpy(old, d->where, sizeof old);
	const char *sep = (old[0] == '\0' || old[0] == '[') ? "" : ".";
	snprintf(d->where, sizeof d->where, "%s%s%s", prefix, sep, old);
}

void diag_format(const struct shomei_diag *d, char *out, size_t out_len)
{
	if (!out || out_len == 0)
		return;
	if (!d) {
		out[0] = '\0';
		return;
	}
	if (d->where[0])
		snprintf(out, out_len, "%s: %s", d->where, d->what);
	else
		snprintf(out, out_len, "%s", d->what);
}
