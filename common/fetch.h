/* fetch.h - reading a ledger mirror: files under a base that is either a
 * directory or an http(s):// URL (libcurl), so a verifier can sync its replica
 * from any static web server, CDN or copied folder.
 *
 * Paths are relative, '/'-separated, made of [A-Za-z0-9._-] segments, never
 * "." or "..": what a C2SP tlog-tiles mirror serves ("checkpoint",
 * "tile/0/x001/234", "tile/entries/005.p/7"). Sizes are capped by the caller,
 * redirects are not followed, only http and https are spoken.
 *
 * Ownership: struct fetcher is opaque (fetcher_new/fetcher_free); fetched data
 * is malloc'd and the caller frees it.
 */
#ifndef SHOMEI_FETCH_H
#define SHOMEI_FETCH_H

#include "err.h"

#include <stddef.h>

#define FETCH_PATH_MAX	      256
#define FETCH_TIMEOUT_SECONDS 30

struct fetcher;

/* base: "http://host:port/prefix", "https://...", or a directory path. */
int fetcher_new(const char *base, struct fetcher **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));
void fetcher_free(struct fetcher *f);

/* 1 when the base is a URL, 0 when it is a directory. */
int fetcher_is_remote(const struct fetcher *f);

/* Fetches base/path whole, at most max bytes, into a malloc'd buffer
 * NUL-terminated past *len. SHOMEI_ERR_NOTFOUND when the file is not there
 * (HTTP 404/410, ENOENT); SHOMEI_ERR_LIMIT above max; SHOMEI_ERR_USAGE for a path
 * outside the rules above; SHOMEI_ERR_IO otherwise (with the reason). */
int fetcher_get(struct fetcher *f, const char *path, size_t max, char **data, size_t *len,
		struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
