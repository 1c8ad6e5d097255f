#include "fetch.h"

#include "fileio.h"
#include "internal/buf.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fetcher {
	char base[PATH_MAX];
	int remote;
	CURL *curl;
};

static int path_ok(const char *path)
{
	size_t n = strlen(path);
	if (n == 0 || n > FETCH_PATH_MAX || path[0] == '/' || path[n - 1] == '/')
		return 0;
	const char *seg = path;
	for (const char *p = path;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t len = (size_t)(p - seg);
			if (len == 0 || (len == 1 && seg[0] == '.') ||
			    (len == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (*p == '\0')
				return 1;
			seg = p + 1;
		} else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-')) {
			return 0;
		}
	}
}

int fetcher_new(const char *base, struct fetcher **out, struct shomei_diag *d)
{
	*out = NULL;
	struct fetcher *f = calloc(1, sizeof *f);
	if (!f)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t n = strlen(base);
	while (n > 1 && base[n - 1] == '/')
		n--; /* "http://x/ledger/" and "http://x/ledger" are the same base */
	if (n >= sizeof f->base) {
		free(f);
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "mirror address too long");
	}
	memcpy(f->base, base, n);
	f->base[n] = '\0';
	f->remote = strncmp(base, "http://", 7) == 0 || strncmp(base, "https://", 8) == 0;
	if (!f->remote && strstr(base, "://")) {
		free(f);
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "only http, https or a folder");
	}
	if (f->remote) {
		f->curl = curl_easy_init();
		if (!f->curl) {
			free(f);
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "cannot start libcurl");
		}
	}
	*out = f;
	return 0;
}

void fetcher_free(struct fetcher *f)
{
	if (!f)
		return;
	if (f->curl)
		curl_easy_cleanup(f->curl);
	free(f);
}

int fetcher_is_remote(const struct fetcher *f)
{
	return f->remote;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;
	/* Returning less than n makes libcurl stop with CURLE_WRITE_ERROR. */
	return buf_append(b, ptr, n) == 0 ? n : 0;
}

static int get_remote(struct fetcher *f, const char *path, size_t max, char **data, size_t *len,
		      struct shomei_diag *d)
{
	char url[PATH_MAX + FETCH_PATH_MAX + 2];
	snprintf(url, sizeof url, "%s/%s", f->base, path);
	struct buf b;
	buf_init(&b, max);
	CURL *c = f->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_SECONDS);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "shomei-verifier");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	int err = 0;
	if (rc == CURLE_FILESIZE_EXCEEDED || (rc == CURLE_WRITE_ERROR && b.len + 1 > max))
		err = diag_set(d, SHOMEI_ERR_LIMIT, path, "larger than %zu bytes", max);
	else if (rc != CURLE_OK)
		err = diag_set(d, SHOMEI_ERR_IO, path, "%s", curl_easy_strerror(rc));
	else if (status == 404 || status == 410)
		err =
		    diag_set(d, SHOMEI_ERR_NOTFOUND, path, "not on the mirror (HTTP %ld)", status);
	else if (status != 200)
		err = diag_set(d, SHOMEI_ERR_IO, path, "HTTP status %ld", status);
	if (err) {
		buf_release(&b);
		return err;
	}
	*data = buf_steal(&b, len);
	return *data ? 0 : diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
}

int fetcher_get(struct fetcher *f, const char *path, size_t max, char **data, size_t *len,
		struct shomei_diag *d)
{
	*data = NULL;
	*len = 0;
	if (!path_ok(path))
		return diag_set(d, SHOMEI_ERR_USAGE, path, "not a mirror path");
	if (f->remote)
		return get_remote(f, path, max, data, len, d);
	char full[PATH_MAX + FETCH_PATH_MAX + 2];
	snprintf(full, sizeof full, "%s/%s", f->base, path);
	int err = fileio_read(full, max, data, len, d);
	if (err == SHOMEI_ERR_IO && d && strcmp(d->what, "No such file or directory") == 0)
		err = SHOMEI_ERR_NOTFOUND;
	if (err)
		diag_prefix(d, path);
	return err;
}
