/* sdjwt.c - SD-JWT and SD-JWT VC with Ed25519 (sdjwt.h).
 *
 * Hand-written: Debian 12 packages no SD-JWT library for C. The JSON work is
 * jansson's, hashing libcrypto's (internal/sha256.h), signatures libsodium's
 * through jose.c. Sets (seen digests, disclosures by digest) are jansson
 * objects, whose hash tables keep the checks linear however many digests an
 * attacker packs into a token. */
#include "sdjwt.h"

#include "base64url.h"
#include "didkey.h"
#include "internal/buf.h"
#include "internal/sha256.h"
#include "jcs.h"
#include "jose.h"
#include "jsonin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void sdjwt_digest(const char *text, size_t len, char out[SDJWT_DIGEST_CHARS + 1])
{
	unsigned char h[32];
	sha256(text, len, h);
	if (base64url_encode(h, sizeof h, out, SDJWT_DIGEST_CHARS + 1) != 0)
		out[0] = '\0';
}

/* ---- JSON Pointers ---- */

/* Appends "/" + the escaped token (RFC 6901 §3) to base; new string. */
static char *path_join(const char *base, const char *token)
{
	size_t n = strlen(base), extra = 0;
	for (const char *p = token; *p; p++)
		extra += (*p == '~' || *p == '/');
	char *out = malloc(n + 1 + strlen(token) + extra + 1);
	if (!out)
		return NULL;
	memcpy(out, base, n);
	char *w = out + n;
	*w++ = '/';
	for (const char *p = token; *p; p++) {
		if (*p == '~') {
			*w++ = '~';
			*w++ = '0';
		} else if (*p == '/') {
			*w++ = '~';
			*w++ = '1';
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

static char *path_index(const char *base, size_t i)
{
	char tok[32];
	snprintf(tok, sizeof tok, "%zu", i);
	return path_join(base, tok);
}

/* Splits a pointer into unescaped tokens (a new array of strings). */
static json_t *path_tokens(const char *path)
{
	if (!path || path[0] != '/')
		return NULL;
	json_t *arr = json_array();
	const char *p = path + 1;
	for (;;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *tok = malloc(n + 1);
		size_t k = 0;
		int bad = !tok;
		for (size_t i = 0; !bad && i < n; i++) {
			if (p[i] == '~') {
				if (i + 1 < n && p[i + 1] == '0')
					tok[k++] = '~';
				else if (i + 1 < n && p[i + 1] == '1')
					tok[k++] = '/';
				else
					bad = 1;
				i++;
			} else {
				tok[k++] = p[i];
			}
		}
		if (bad || !arr) {
			free(tok);
			json_decref(arr);
			return NULL;
		}
		tok[k] = '\0';
		json_array_append_new(arr, json_string(tok));
		free(tok);
		if (!end)
			break;
		p = end + 1;
	}
	return arr;
}

static int array_index(const char *tok, size_t size, size_t *out)
{
	if (!*tok || (tok[0] == '0' && tok[1]) || strspn(tok, "0123456789") != strlen(tok) ||
	    strlen(tok) > 9)
		return -1;
	*out = (size_t)strtoul(tok, NULL, 10);
	return *out < size ? 0 : -1;
}

/* ---- disclosures ---- */

struct disc {
	const char *text; /* base64url, into the caller's string */
	size_t len;
	char digest[SDJWT_DIGEST_CHARS + 1];
	json_t *arr; /* decoded [salt, name, value] or [salt, value] */
	int used;
	char *path;
};

static void discs_free(struct disc *ds, size_t n)
{
	for (size_t i = 0; ds && i < n; i++) {
		json_decref(ds[i].arr);
		free(ds[i].path);
	}
	free(ds);
}

static int disc_decode(struct disc *x, size_t i, struct shomei_diag *d)
{
	char where[48];
	snprintf(where, sizeof where, "disclosures[%zu]", i);
	unsigned char *buf = malloc(x->len ? x->len : 1);
	if (!buf)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t n = 0;
	if (base64url_decode(x->text, x->len, buf, x->len ? x->len : 1, &n) != 0) {
		free(buf);
		return diag_set(d, SHOMEI_ERR_PARSE, where, "not base64url");
	}
	int e = jsonin_parse((const char *)buf, n, &x->arr, d);
	free(buf);
	if (e) {
		diag_prefix(d, where);
		return e;
	}
	size_t k = json_array_size(x->arr);
	if (!json_is_array(x->arr) || (k != 2 && k != 3))
		return diag_set(d, SHOMEI_ERR_INVALID, where, "not an array of 2 or 3 elements");
	if (!json_is_string(json_array_get(x->arr, 0)))
		return diag_set(d, SHOMEI_ERR_INVALID, where, "the salt is not a string");
	if (k == 3) {
		const char *name = json_string_value(json_array_get(x->arr, 1));
		if (!name)
			return diag_set(d, SHOMEI_ERR_INVALID, where, "the claim name is not a string");
		if (!strcmp(name, "_sd") || !strcmp(name, "..."))
			return diag_set(d, SHOMEI_ERR_INVALID, where, "the claim name \"%s\" is reserved",
					name);
	}
	sdjwt_digest(x->text, x->len, x->digest);
	return 0;
}

/* ---- processing (RFC 9901 §7.1 steps 3-5) ---- */

struct proc {
	struct disc *ds;
	size_t n;
	json_t *by_digest; /* digest -> index */
	json_t *seen;	   /* every digest met in the payload */
	json_t *disclosed; /* paths, in walk order */
	size_t undisclosed;
	struct shomei_diag *d;
};

static int check_digest(struct proc *p, const char *dg, const char *where)
{
	if (!dg || strlen(dg) != SDJWT_DIGEST_CHARS)
		return diag_set(p->d, SHOMEI_ERR_INVALID, where, "not a SHA-256 digest in base64url");
	if (json_object_get(p->seen, dg))
		return diag_set(p->d, SHOMEI_ERR_INVALID, where, "digest %s appears twice", dg);
	if (json_object_set_new(p->seen, dg, json_true()) != 0)
		return diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	return 0;
}

static int find_disc(struct proc *p, const char *dg)
{
	json_t *i = json_object_get(p->by_digest, dg);
	return i ? (int)json_integer_value(i) : -1;
}

static int process(struct proc *p, const json_t *v, const char *path, int depth, int top,
		   json_t **out);

static int process_object(struct proc *p, const json_t *v, const char *path, int depth, int top,
			  json_t **out)
{
	json_t *o = json_object();
	if (!o)
		return diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	const char *k;
	json_t *m;
	int e = 0;
	json_object_foreach((json_t *)v, k, m)
	{
		if (!strcmp(k, "_sd") || (top && !strcmp(k, "_sd_alg")))
			continue;
		if (!strcmp(k, "...")) {
			e = diag_set(p->d, SHOMEI_ERR_INVALID, path[0] ? path : "/",
				     "\"...\" outside an array element");
			break;
		}
		char *sub = path_join(path, k);
		json_t *pv = NULL;
		e = sub ? process(p, m, sub, depth + 1, 0, &pv)
			: diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		free(sub);
		if (!e)
			e = json_object_set_new(o, k, pv);
		if (e)
			break;
	}
	const json_t *sd = json_object_get(v, "_sd");
	if (!e && sd) {
		char where[DIAG_WHERE_BYTES];
		snprintf(where, sizeof where, "%s/_sd", path);
		if (!json_is_array(sd))
			e = diag_set(p->d, SHOMEI_ERR_INVALID, where, "not an array");
		size_t i;
		const json_t *x;
		json_array_foreach(sd, i, x)
		{
			if (e)
				break;
			const char *dg = json_string_value(x);
			e = check_digest(p, dg, where);
			if (e)
				break;
			int di = find_disc(p, dg);
			if (di < 0) {
				p->undisclosed++;
				continue;
			}
			struct disc *ds = &p->ds[di];
			char dwhere[48];
			snprintf(dwhere, sizeof dwhere, "disclosures[%d]", di);
			if (json_array_size(ds->arr) != 3) {
				e = diag_set(p->d, SHOMEI_ERR_INVALID, dwhere,
					     "an array element's disclosure referenced from _sd");
				break;
			}
			const char *name = json_string_value(json_array_get(ds->arr, 1));
			if (json_object_get(o, name) || json_object_get(v, name)) {
				e = diag_set(p->d, SHOMEI_ERR_INVALID, dwhere,
					     "claim \"%.100s\" is already present", name);
				break;
			}
			ds->used = 1;
			ds->path = path_join(path, name);
			json_t *pv = NULL;
			e = ds->path ? process(p, json_array_get(ds->arr, 2), ds->path, depth + 1, 0,
					       &pv)
				     : diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			if (!e && (json_object_set_new(o, name, pv) != 0 ||
				   json_array_append_new(p->disclosed, json_string(ds->path)) != 0))
				e = diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		}
	}
	if (e) {
		json_decref(o);
		return e;
	}
	*out = o;
	return 0;
}

static int process_array(struct proc *p, const json_t *v, const char *path, int depth, json_t **out)
{
	json_t *a = json_array();
	if (!a)
		return diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t i;
	const json_t *x;
	int e = 0;
	json_array_foreach(v, i, x)
	{
		char *sub = path_index(path, i);
		if (!sub) {
			e = diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			break;
		}
		const json_t *dots = json_object_get(x, "...");
		if (json_is_object(x) && dots && json_object_size(x) == 1) {
			const char *dg = json_string_value(dots);
			e = check_digest(p, dg, sub);
			int di = e ? -1 : find_disc(p, dg);
			if (!e && di < 0) {
				p->undisclosed++;
			} else if (!e) {
				struct disc *ds = &p->ds[di];
				if (json_array_size(ds->arr) != 2) {
					e = diag_set(p->d, SHOMEI_ERR_INVALID, sub,
						     "an object member's disclosure in an array");
				} else {
					ds->used = 1;
					ds->path = sub;
					sub = NULL;
					json_t *pv = NULL;
					e = process(p, json_array_get(ds->arr, 1), ds->path, depth + 1,
						    0, &pv);
					if (!e && (json_array_append_new(a, pv) != 0 ||
						   json_array_append_new(p->disclosed,
									 json_string(ds->path)) != 0))
						e = diag_set(p->d, SHOMEI_ERR_NOMEM, NULL,
							     "out of memory");
				}
			}
		} else {
			json_t *pv = NULL;
			e = process(p, x, sub, depth + 1, 0, &pv);
			if (!e && json_array_append_new(a, pv) != 0)
				e = diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		}
		free(sub);
		if (e)
			break;
	}
	if (e) {
		json_decref(a);
		return e;
	}
	*out = a;
	return 0;
}

static int process(struct proc *p, const json_t *v, const char *path, int depth, int top,
		   json_t **out)
{
	*out = NULL;
	if (depth > SDJWT_MAX_DEPTH)
		return diag_set(p->d, SHOMEI_ERR_LIMIT, path, "nested deeper than %d",
				SDJWT_MAX_DEPTH);
	if (json_is_object(v))
		return process_object(p, v, path, depth, top, out);
	if (json_is_array(v))
		return process_array(p, v, path, depth, out);
	*out = json_deep_copy(v);
	return *out ? 0 : diag_set(p->d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
}

/* Runs the processing over ds[0..n), decoded. */
static int run_process(const json_t *payload, struct disc *ds, size_t n, json_t **claims,
		       json_t **disclosed, size_t *undisclosed, struct shomei_diag *d)
{
	struct proc p = {.ds = ds, .n = n, .d = d};
	p.by_digest = json_object();
	p.seen = json_object();
	p.disclosed = json_array();
	int e = (!p.by_digest || !p.seen || !p.disclosed)
		    ? diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory")
		    : 0;
	for (size_t i = 0; !e && i < n; i++) {
		if (json_object_get(p.by_digest, ds[i].digest)) {
			char where[48];
			snprintf(where, sizeof where, "disclosures[%zu]", i);
			e = diag_set(d, SHOMEI_ERR_INVALID, where, "the same disclosure twice");
		} else if (json_object_set_new(p.by_digest, ds[i].digest, json_integer((json_int_t)i)) !=
			   0) {
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		}
	}
	const json_t *alg = json_object_get(payload, "_sd_alg");
	if (!e && alg && (!json_is_string(alg) || strcmp(json_string_value(alg), "sha-256") != 0))
		e = diag_set(d, SHOMEI_ERR_UNSUPPORTED, "_sd_alg", "only sha-256 is accepted");
	json_t *out = NULL;
	if (!e && !json_is_object(payload))
		e = diag_set(d, SHOMEI_ERR_INVALID, "payload", "not an object");
	if (!e)
		e = process(&p, payload, "", 0, 1, &out);
	for (size_t i = 0; !e && i < n; i++)
		if (!ds[i].used) {
			char where[48];
			snprintf(where, sizeof where, "disclosures[%zu]", i);
			e = diag_set(d, SHOMEI_ERR_INVALID, where, "not referenced by any digest");
		}
	json_decref(p.by_digest);
	json_decref(p.seen);
	if (e) {
		json_decref(out);
		json_decref(p.disclosed);
		return e;
	}
	*claims = out;
	*disclosed = p.disclosed;
	*undisclosed = p.undisclosed;
	return 0;
}

int sdjwt_process(const json_t *payload, const char *const *texts, size_t n, json_t **claims,
		  json_t **disclosed, size_t *undisclosed, struct shomei_diag *d)
{
	diag_clear(d);
	*claims = NULL;
	*disclosed = NULL;
	*undisclosed = 0;
	if (n > SDJWT_MAX_DISCLOSURES)
		return diag_set(d, SHOMEI_ERR_LIMIT, "disclosures", "more than %d",
				SDJWT_MAX_DISCLOSURES);
	struct disc *ds = calloc(n ? n : 1, sizeof *ds);
	if (!ds)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	int e = 0;
	for (size_t i = 0; !e && i < n; i++) {
		ds[i].text = texts[i];
		ds[i].len = strlen(texts[i]);
		e = disc_decode(&ds[i], i, d);
	}
	if (!e)
		e = run_process(payload, ds, n, claims, disclosed, undisclosed, d);
	discs_free(ds, n);
	return e;
}

/* ---- the compact form ---- */

struct parsed {
	const char *jws;
	size_t jws_len;
	struct disc *ds;
	size_t n;
	const char *kb; /* "" when none */
	size_t kb_len;
	size_t presented_len; /* up to and including the last '~' */
};

static int split(const char *text, size_t len, struct parsed *p, struct shomei_diag *d)
{
	memset(p, 0, sizeof *p);
	if (len > SDJWT_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "longer than %u bytes", SDJWT_MAX_BYTES);
	if (memchr(text, '\0', len))
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "a NUL byte");
	const char *last = NULL;
	for (size_t i = len; i > 0; i--)
		if (text[i - 1] == '~') {
			last = text + i - 1;
			break;
		}
	if (!last)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not an SD-JWT (no '~')");
	const char *first = memchr(text, '~', len);
	p->jws = text;
	p->jws_len = (size_t)(first - text);
	p->kb = last + 1;
	p->kb_len = len - (size_t)(last + 1 - text);
	p->presented_len = (size_t)(last + 1 - text);
	size_t n = 0;
	for (const char *c = first; c < last; c++)
		n += *c == '~';
	if (n > SDJWT_MAX_DISCLOSURES)
		return diag_set(d, SHOMEI_ERR_LIMIT, "disclosures", "more than %d",
				SDJWT_MAX_DISCLOSURES);
	p->ds = calloc(n ? n : 1, sizeof *p->ds);
	if (!p->ds)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	p->n = n;
	const char *c = first + 1;
	for (size_t i = 0; i < n; i++) {
		const char *e = memchr(c, '~', (size_t)(last + 1 - c));
		p->ds[i].text = c;
		p->ds[i].len = (size_t)(e - c);
		if (!p->ds[i].len) {
			char where[48];
			snprintf(where, sizeof where, "disclosures[%zu]", i);
			return diag_set(d, SHOMEI_ERR_PARSE, where, "empty");
		}
		int err = disc_decode(&p->ds[i], i, d);
		if (err)
			return err;
		c = e + 1;
	}
	return 0;
}

static void parsed_free(struct parsed *p)
{
	discs_free(p->ds, p->n);
	p->ds = NULL;
}

/* The issuer's payload with every disclosure's path worked out. */
static int holder_view(const char *issued, size_t len, struct parsed *p, struct jose_jws **jws,
		       json_t **claims, struct shomei_diag *d)
{
	*jws = NULL;
	*claims = NULL;
	int e = split(issued, len, p, d);
	if (!e)
		e = jose_jws_parse(p->jws, p->jws_len, "issuer-jwt", jws, d);
	json_t *disclosed = NULL;
	size_t und = 0;
	if (!e)
		e = run_process((*jws)->payload, p->ds, p->n, claims, &disclosed, &und, d);
	json_decref(disclosed);
	return e;
}

int sdjwt_disclosable(const char *issued, size_t len, json_t **out, struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	struct parsed p;
	struct jose_jws *jws = NULL;
	json_t *claims = NULL;
	int e = holder_view(issued, len, &p, &jws, &claims, d);
	json_t *arr = e ? NULL : json_array();
	for (size_t i = 0; !e && i < p.n; i++) {
		const json_t *val = json_array_get(p.ds[i].arr, json_array_size(p.ds[i].arr) - 1);
		if (!arr || json_array_append_new(arr, json_pack("{s:s, s:O}", "path", p.ds[i].path,
								 "value", val)) != 0)
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	if (e)
		json_decref(arr);
	else
		*out = arr;
	json_decref(claims);
	jose_jws_free(jws);
	parsed_free(&p);
	return e;
}

static int is_prefix_path(const char *anc, const char *path)
{
	size_t n = strlen(anc);
	return strncmp(anc, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int sdjwt_present(const char *issued, size_t len, const char *const *paths, size_t npaths,
		  const struct sdjwt_kb *kb, char **out, size_t *out_len, struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	*out_len = 0;
	struct parsed p;
	struct jose_jws *jws = NULL;
	json_t *claims = NULL;
	struct buf b;
	buf_init(&b, SDJWT_MAX_BYTES);
	int e = holder_view(issued, len, &p, &jws, &claims, d);
	for (size_t k = 0; !e && k < npaths; k++) {
		size_t i;
		for (i = 0; i < p.n && strcmp(p.ds[i].path, paths[k]) != 0; i++)
			;
		if (i == p.n)
			e = diag_set(d, SHOMEI_ERR_NOTFOUND, paths[k], "not a selectively disclosable claim");
	}
	if (!e)
		e = buf_append(&b, p.jws, p.jws_len);
	if (!e)
		e = buf_putc(&b, '~');
	for (size_t i = 0; !e && i < p.n; i++) {
		int want = 0;
		for (size_t k = 0; k < npaths && !want; k++)
			want = is_prefix_path(p.ds[i].path, paths[k]);
		if (want && !(e = buf_append(&b, p.ds[i].text, p.ds[i].len)))
			e = buf_putc(&b, '~');
	}
	if (!e && kb) {
		char sd_hash[SDJWT_DIGEST_CHARS + 1];
		sdjwt_digest(b.data, b.len, sd_hash);
		json_t *h = json_pack("{s:s}", "typ", SDJWT_TYP_KB);
		json_t *pl = json_pack("{s:s, s:I, s:s, s:s}", "aud", kb->aud ? kb->aud : "", "iat",
				       (json_int_t)kb->iat, "nonce", kb->nonce ? kb->nonce : "",
				       "sd_hash", sd_hash);
		char *t = NULL;
		size_t tl = 0;
		e = h && pl ? jose_jws_sign(h, pl, kb->holder, &t, &tl, d)
			    : diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		if (!e)
			e = buf_append(&b, t, tl);
		free(t);
		json_decref(h);
		json_decref(pl);
	}
	if (!e) {
		*out = buf_steal(&b, out_len);
		if (!*out)
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	if (e == SHOMEI_ERR_NOMEM && d && !d->what[0])
		diag_set(d, e, NULL, "out of memory");
	buf_release(&b);
	json_decref(claims);
	jose_jws_free(jws);
	parsed_free(&p);
	return e;
}

/* ---- issuance ---- */

/* Randomness for one issuance: the caller's source, or one draw from the
 * system for all the salts and decoys (a system call each costs as much as
 * the rest of a disclosure). */
struct rnd {
	const struct sdjwt_issue_options *o;
	unsigned char *pool;
	size_t len, pos;
};

#define RND_POOL_BYTES 512

/* The random bytes an issuance will use (`want`, in the order fill_random
 * hands them out) in one draw when they fit the caller's pool[RND_POOL_BYTES];
 * the pool is wiped as it is used and by the caller at the end. */
static struct rnd rnd_start(const struct sdjwt_issue_options *o,
			    unsigned char pool[RND_POOL_BYTES], size_t want)
{
	struct rnd r = {.o = o};
	if (!o->random && want <= RND_POOL_BYTES) {
		randombytes_buf(pool, want);
		r.pool = pool;
		r.len = want;
	}
	return r;
}

static void fill_random(struct rnd *r, unsigned char *out, size_t n)
{
	if (r->o->random) {
		r->o->random(r->o->random_ctx, out, n);
	} else if (r->pool && r->len - r->pos >= n) {
		memcpy(out, r->pool + r->pos, n);
		sodium_memzero(r->pool + r->pos, n);
		r->pos += n;
	} else {
		randombytes_buf(out, n);
	}
}

static int cmp_str(const void *a, const void *b)
{
	const char *x = json_string_value(*(json_t *const *)a);
	const char *y = json_string_value(*(json_t *const *)b);
	return strcmp(x, y);
}

/* Sorts every _sd array in v, after adding `decoys` to each. */
static int finish_sd(json_t *v, const struct sdjwt_issue_options *o, struct rnd *rng, int depth)
{
	if (depth > SDJWT_MAX_DEPTH)
		return SHOMEI_ERR_LIMIT;
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		json_object_foreach(v, k, m)
		{
			if (!strcmp(k, "_sd"))
				continue;
			int e = finish_sd(m, o, rng, depth + 1);
			if (e)
				return e;
		}
		json_t *sd = json_object_get(v, "_sd");
		if (sd) {
			for (unsigned i = 0; i < o->decoys; i++) {
				unsigned char r[32];
				char dg[SDJWT_DIGEST_CHARS + 1];
				fill_random(rng, r, sizeof r);
				sdjwt_digest((const char *)r, sizeof r, dg);
				if (json_array_append_new(sd, json_string(dg)) != 0)
					return SHOMEI_ERR_NOMEM;
			}
			size_t n = json_array_size(sd);
			json_t **items = malloc((n ? n : 1) * sizeof *items);
			if (!items)
				return SHOMEI_ERR_NOMEM;
			for (size_t i = 0; i < n; i++)
				items[i] = json_incref(json_array_get(sd, i));
			qsort(items, n, sizeof *items, cmp_str);
			json_array_clear(sd);
			for (size_t i = 0; i < n; i++)
				json_array_append_new(sd, items[i]);
			free(items);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			int e = finish_sd(x, o, rng, depth + 1);
			if (e)
				return e;
		}
	}
	return 0;
}

static int cmp_depth(const void *a, const void *b)
{
	/* deepest first: more '/' first */
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = 0, ny = 0;
	for (; *x; x++)
		nx += *x == '/';
	for (; *y; y++)
		ny += *y == '/';
	return (ny > nx) - (ny < nx);
}

/* Claims SD-JWT VC says must stay plain (draft §3.2.2.2), and cnf (the holder
 * key the KB-JWT is checked with). */
static int must_stay_plain(const char *tok0)
{
	static const char *const names[] = {"iss", "nbf", "exp", "cnf", "vct", "status", "_sd_alg"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(tok0, names[i]))
			return 1;
	return 0;
}

static int make_disclosure(json_t *arr, char **text, size_t *len, char digest[SDJWT_DIGEST_CHARS + 1],
			   struct shomei_diag *d)
{
	int e = jose_b64_json(arr, text, len, d);
	if (!e)
		sdjwt_digest(*text, *len, digest);
	return e;
}

static int issue(json_t *work, const struct sdjwt_issue_options *o, const struct ed25519_key *key,
		 char **out, size_t *len, struct shomei_diag *d);

int sdjwt_issue(const json_t *payload, const struct sdjwt_issue_options *o,
		const struct ed25519_key *key, char **out, size_t *len, struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	*len = 0;
	if (!json_is_object(payload))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "the payload is not an object");
	json_t *work = json_deep_copy(payload);
	if (!work)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	return issue(work, o, key, out, len, d);
}

/* Issues from `work`, which it owns and changes. */
static int issue(json_t *work, const struct sdjwt_issue_options *o, const struct ed25519_key *key,
		 char **out, size_t *len, struct shomei_diag *d)
{
	if (o->nsd > SDJWT_MAX_DISCLOSURES) {
		json_decref(work);
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "too many disclosable claims");
	}
	const char **order = calloc(o->nsd ? o->nsd : 1, sizeof *order);
	char **discs = calloc(o->nsd ? o->nsd : 1, sizeof *discs);
	size_t *dlens = calloc(o->nsd ? o->nsd : 1, sizeof *dlens);
	struct buf b;
	buf_init(&b, SDJWT_MAX_BYTES);
	int e = (!work || !order || !discs || !dlens)
		    ? diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory")
		    : 0;
	unsigned char pool[RND_POOL_BYTES];
	struct rnd rng = rnd_start(o, pool,
				   SDJWT_SALT_BYTES * o->nsd + 32 * (size_t)o->decoys * (o->nsd + 1));
	for (size_t i = 0; !e && i < o->nsd; i++)
		order[i] = o->sd_paths[i];
	if (!e)
		qsort(order, o->nsd, sizeof *order, cmp_depth);
	size_t ndisc = 0;
	for (size_t i = 0; !e && i < o->nsd; i++) {
		const char *path = order[i];
		json_t *toks = path_tokens(path);
		size_t nt = json_array_size(toks);
		if (!toks || nt == 0 || !json_string_value(json_array_get(toks, 0))[0]) {
			json_decref(toks);
			e = diag_set(d, SHOMEI_ERR_USAGE, path ? path : "", "not a claim path");
			break;
		}
		if (must_stay_plain(json_string_value(json_array_get(toks, 0)))) {
			json_decref(toks);
			e = diag_set(d, SHOMEI_ERR_USAGE, path, "this claim must stay plain");
			break;
		}
		json_t *parent = work;
		for (size_t t = 0; parent && t + 1 < nt; t++) {
			const char *tok = json_string_value(json_array_get(toks, t));
			size_t idx;
			if (json_is_object(parent))
				parent = json_object_get(parent, tok);
			else if (json_is_array(parent) && array_index(tok, json_array_size(parent), &idx) == 0)
				parent = json_array_get(parent, idx);
			else
				parent = NULL;
		}
		const char *last = json_string_value(json_array_get(toks, nt - 1));
		json_t *arr = NULL;
		unsigned char salt[SDJWT_SALT_BYTES];
		char salt_b64[32];
		fill_random(&rng, salt, sizeof salt);
		if (base64url_encode(salt, sizeof salt, salt_b64, sizeof salt_b64) != 0)
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		char digest[SDJWT_DIGEST_CHARS + 1];
		size_t idx;
		if (e) {
		} else if (json_is_object(parent) && json_object_get(parent, last) &&
			   strcmp(last, "_sd") != 0 && strcmp(last, "...") != 0) {
			/* its own disclosable members get their decoys and order now,
			 * before the value is sealed into a disclosure */
			if (finish_sd(json_object_get(parent, last), o, &rng, 1) != 0)
				e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			arr = e ? NULL
				: json_pack("[s, s, O]", salt_b64, last, json_object_get(parent, last));
			e = arr ? make_disclosure(arr, &discs[ndisc], &dlens[ndisc], digest, d)
				: diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			if (!e) {
				json_object_del(parent, last);
				json_t *sd = json_object_get(parent, "_sd");
				if (!sd) {
					sd = json_array();
					json_object_set_new(parent, "_sd", sd);
				}
				json_array_append_new(sd, json_string(digest));
				ndisc++;
			}
		} else if (json_is_array(parent) &&
			   array_index(last, json_array_size(parent), &idx) == 0) {
			if (finish_sd(json_array_get(parent, idx), o, &rng, 1) != 0)
				e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			arr = e ? NULL : json_pack("[s, O]", salt_b64, json_array_get(parent, idx));
			e = arr ? make_disclosure(arr, &discs[ndisc], &dlens[ndisc], digest, d)
				: diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			if (!e) {
				json_array_set_new(parent, idx, json_pack("{s:s}", "...", digest));
				ndisc++;
			}
		} else {
			e = diag_set(d, SHOMEI_ERR_USAGE, path, "names no claim of the payload");
		}
		json_decref(arr);
		json_decref(toks);
	}
	if (!e && finish_sd(work, o, &rng, 0) != 0)
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (!e && json_object_set_new(work, "_sd_alg", json_string("sha-256")) != 0)
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	json_t *h = e ? NULL : json_pack("{s:s}", "typ", o->typ ? o->typ : SDJWT_TYP_VC);
	if (!e && o->kid)
		json_object_set_new(h, "kid", json_string(o->kid));
	char *jws = NULL;
	size_t jl = 0;
	if (!e)
		e = h ? jose_jws_sign(h, work, key, &jws, &jl, d)
		      : diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (!e)
		e = buf_append(&b, jws, jl);
	if (!e)
		e = buf_putc(&b, '~');
	/* disclosures in the order of the paths given, not the working order */
	for (size_t i = 0; !e && i < o->nsd; i++) {
		size_t k;
		for (k = 0; k < ndisc && order[k] != o->sd_paths[i]; k++)
			;
		if (k < ndisc && !(e = buf_append(&b, discs[k], dlens[k])))
			e = buf_putc(&b, '~');
	}
	if (!e) {
		*out = buf_steal(&b, len);
		if (!*out)
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	if (e == SHOMEI_ERR_NOMEM && d && !d->what[0])
		diag_set(d, e, NULL, "out of memory");
	buf_release(&b);
	free(jws);
	json_decref(h);
	for (size_t i = 0; discs && i < ndisc; i++)
		free(discs[i]);
	free(discs);
	free(dlens);
	free(order);
	json_decref(work);
	sodium_memzero(pool, sizeof pool);
	return e;
}

/* ---- the flat fast path: the same bytes as issue(), written as text ---- */

static int flat_name_ok(const char *name)
{
	if (!name[0] || !strcmp(name, "_sd") || !strcmp(name, "_sd_alg") || !strcmp(name, "..."))
		return 0;
	for (const char *c = name; *c; c++)
		if (*c < 0x20 || *c > 0x7e || *c == '"' || *c == '\\')
			return 0;
	return 1;
}

static int cmp_member(const void *a, const void *b)
{
	/* printable ASCII: byte order is JCS's UTF-16 order */
	return strcmp((*(const struct sdjwt_member *const *)a)->name,
		      (*(const struct sdjwt_member *const *)b)->name);
}

/* before, s, after: the flat path writes text without printf */
static int put_quoted(struct buf *b, const char *before, const char *s, const char *after)
{
	int e = buf_append(b, before, strlen(before));
	if (!e)
		e = buf_append(b, s, strlen(s));
	if (!e)
		e = buf_append(b, after, strlen(after));
	return e;
}

static int cmp_digest(const void *a, const void *b)
{
	return strcmp(a, b);
}

int sdjwt_issue_flat(const struct sdjwt_member *m, size_t n, const struct sdjwt_issue_options *o,
		     const struct ed25519_key *key, char **out, size_t *len, struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	*len = 0;
	if (n > SDJWT_FLAT_MAX_MEMBERS)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "more than %d members",
				SDJWT_FLAT_MAX_MEMBERS);
	const struct sdjwt_member *sorted[SDJWT_FLAT_MAX_MEMBERS + 2];
	size_t nsd = 0;
	for (size_t i = 0; i < n; i++) {
		if (!m[i].name || !m[i].json || !flat_name_ok(m[i].name))
			return diag_set(d, SHOMEI_ERR_USAGE, m[i].name ? m[i].name : "",
					"not a member name this payload may have");
		for (size_t k = 0; k < i; k++)
			if (!strcmp(m[k].name, m[i].name))
				return diag_set(d, SHOMEI_ERR_USAGE, m[i].name, "repeated");
		if (m[i].sd && must_stay_plain(m[i].name))
			return diag_set(d, SHOMEI_ERR_USAGE, m[i].name, "this claim must stay plain");
		nsd += m[i].sd != 0;
	}
	/* the random bytes in issue()'s order: the salts in the order of m, then
	 * the decoys of the one _sd array */
	unsigned ndecoys = nsd ? o->decoys : 0;
	if (ndecoys > SDJWT_FLAT_MAX_MEMBERS)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "too many decoys");
	char digests[2 * SDJWT_FLAT_MAX_MEMBERS][SDJWT_DIGEST_CHARS + 1];
	size_t ndg = 0;
	unsigned char pool[RND_POOL_BYTES];
	struct rnd rng = rnd_start(o, pool, SDJWT_SALT_BYTES * nsd + 32 * (size_t)ndecoys);
	struct buf disc, text;
	buf_init(&disc, SDJWT_MAX_BYTES);
	buf_init(&text, SDJWT_MAX_BYTES);
	size_t dstart[SDJWT_FLAT_MAX_MEMBERS], dend[SDJWT_FLAT_MAX_MEMBERS];
	int e = 0;
	for (size_t i = 0; !e && i < n; i++) {
		if (!m[i].sd)
			continue;
		unsigned char salt[SDJWT_SALT_BYTES];
		char salt_b64[32];
		fill_random(&rng, salt, sizeof salt);
		if (base64url_encode(salt, sizeof salt, salt_b64, sizeof salt_b64) != 0) {
			e = SHOMEI_ERR_NOMEM;
			break;
		}
		/* ["salt","name",value], then its base64url into disc */
		text.len = 0;
		e = put_quoted(&text, "[\"", salt_b64, "\",\"");
		if (!e)
			e = put_quoted(&text, "", m[i].name, "\",");
		if (!e)
			e = buf_append(&text, m[i].json, m[i].json_len);
		if (!e)
			e = buf_putc(&text, ']');
		size_t bl = base64url_encoded_len(text.len);
		if (!e)
			e = buf_reserve(&disc, bl + 1);
		if (!e)
			e = base64url_encode((const unsigned char *)text.data, text.len,
					     disc.data + disc.len, bl + 1);
		if (!e) {
			sdjwt_digest(disc.data + disc.len, bl, digests[ndg++]);
			dstart[i] = disc.len;
			disc.len += bl;
			dend[i] = disc.len;
		}
	}
	for (unsigned i = 0; !e && i < ndecoys; i++) {
		unsigned char r[32];
		fill_random(&rng, r, sizeof r);
		sdjwt_digest((const char *)r, sizeof r, digests[ndg++]);
	}
	qsort(digests, ndg, sizeof digests[0], cmp_digest);
	/* the payload: the plain members, "_sd" (when there are digests) and
	 * "_sd_alg", in canonical order */
	struct buf sdarr;
	buf_init(&sdarr, SDJWT_MAX_BYTES);
	for (size_t k = 0; !e && k < ndg; k++)
		e = put_quoted(&sdarr, k ? ",\"" : "[\"", digests[k], "\"");
	if (!e && ndg)
		e = buf_putc(&sdarr, ']');
	struct sdjwt_member extra[2] = {
	    {.name = "_sd", .json = sdarr.data, .json_len = sdarr.len},
	    {.name = "_sd_alg", .json = "\"sha-256\"", .json_len = 9},
	};
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		if (!m[i].sd)
			sorted[np++] = &m[i];
	if (ndg)
		sorted[np++] = &extra[0];
	sorted[np++] = &extra[1];
	qsort(sorted, np, sizeof *sorted, cmp_member);
	text.len = 0;
	for (size_t i = 0; !e && i < np; i++) {
		e = put_quoted(&text, i ? ",\"" : "{\"", sorted[i]->name, "\":");
		if (!e)
			e = buf_append(&text, sorted[i]->json, sorted[i]->json_len);
	}
	if (!e)
		e = buf_putc(&text, '}');
	buf_release(&sdarr);
	/* the header: alg, kid, typ in canonical order */
	struct buf h;
	buf_init(&h, SDJWT_MAX_BYTES);
	if (!e)
		e = buf_puts(&h, "{\"alg\":\"EdDSA\",");
	if (!e && o->kid) {
		e = buf_puts(&h, "\"kid\":");
		if (!e)
			e = jcs_append_string(o->kid, strlen(o->kid), &h, d);
		if (!e)
			e = buf_putc(&h, ',');
	}
	const char *typ = o->typ ? o->typ : SDJWT_TYP_VC;
	if (!e)
		e = buf_puts(&h, "\"typ\":");
	if (!e)
		e = jcs_append_string(typ, strlen(typ), &h, d);
	if (!e)
		e = buf_putc(&h, '}');
	char *jws = NULL;
	size_t jl = 0;
	if (!e)
		e = jose_jws_sign_text(h.data, h.len, text.data, text.len, key, &jws, &jl, d);
	/* "<jws>~<disclosure>~...~" with the disclosures in the order of m */
	text.len = 0;
	if (!e)
		e = buf_reserve(&text, jl + disc.len + nsd + 1);
	if (!e)
		e = buf_append(&text, jws, jl);
	if (!e)
		e = buf_putc(&text, '~');
	for (size_t i = 0; !e && i < n; i++)
		if (m[i].sd && !(e = buf_append(&text, disc.data + dstart[i], dend[i] - dstart[i])))
			e = buf_putc(&text, '~');
	if (!e) {
		*out = buf_steal(&text, len);
		if (!*out)
			e = SHOMEI_ERR_NOMEM;
	}
	if (e == SHOMEI_ERR_NOMEM && (!d || !d->what[0]))
		diag_set(d, e, NULL, "out of memory");
	else if (e && (!d || !d->what[0]))
		diag_set(d, e, NULL, "SD-JWT larger than %u bytes", SDJWT_MAX_BYTES);
	free(jws);
	buf_release(&h);
	buf_release(&text);
	buf_release(&disc);
	sodium_memzero(pool, sizeof pool);
	return e;
}

/* ---- verification ---- */

static int time_claim(const json_t *claims, const char *name, int *has, int64_t *t,
		      struct shomei_diag *d)
{
	const json_t *v = json_object_get(claims, name);
	*has = v != NULL;
	*t = 0;
	if (v && jose_numeric_date(v, t) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, name,
				json_is_number(v) ? "out of range" : "not a NumericDate");
	return 0;
}

void sdjwt_verified_release(struct sdjwt_verified *v)
{
	if (!v)
		return;
	json_decref(v->claims);
	json_decref(v->disclosed);
	memset(v, 0, sizeof *v);
}

static int issuer_key(const struct jose_jws *j, const struct sdjwt_verify_options *o,
		      struct sdjwt_verified *out, struct shomei_diag *d)
{
	const char *kid = json_string_value(json_object_get(j->header, "kid"));
	if (kid)
		snprintf(out->issuer_vm, sizeof out->issuer_vm, "%s", kid);
	if (o->issuer_pk) {
		memcpy(out->issuer_pk, o->issuer_pk, ED25519_PUBLIC_BYTES);
		return 0;
	}
	if (kid && didkey_vm_to_public(kid, out->issuer_pk, NULL) == 0)
		return 0;
	const char *iss = json_string_value(json_object_get(j->payload, "iss"));
	if (iss && didkey_to_public(iss, out->issuer_pk, NULL) == 0) {
		snprintf(out->issuer_vm, sizeof out->issuer_vm, "%s", iss);
		return 0;
	}
	if (o->fallback_pk) {
		memcpy(out->issuer_pk, o->fallback_pk, ED25519_PUBLIC_BYTES);
		return 0;
	}
	return diag_set(d, SHOMEI_ERR_INVALID, "issuer-jwt.header.kid",
			"no did:key to verify the issuer's signature with");
}

int sdjwt_verify(const char *text, size_t len, const struct sdjwt_verify_options *o,
		 struct sdjwt_verified *out, struct shomei_diag *d)
{
	diag_clear(d);
	memset(out, 0, sizeof *out);
	struct parsed p;
	struct jose_jws *jws = NULL, *kbj = NULL;
	int e = split(text, len, &p, d);
	if (!e)
		e = jose_jws_parse(p.jws, p.jws_len, "issuer-jwt", &jws, d);
	if (!e) {
		const char *typ = json_string_value(json_object_get(jws->header, "typ"));
		if (o->vc && (!typ || (strcmp(typ, SDJWT_TYP_VC) && strcmp(typ, SDJWT_TYP_VC_LEGACY))))
			e = diag_set(d, SHOMEI_ERR_INVALID, "issuer-jwt.header.typ", "not %s",
				     SDJWT_TYP_VC);
	}
	if (!e)
		e = issuer_key(jws, o, out, d);
	if (!e)
		e = jose_jws_verify(jws, out->issuer_pk, "issuer-jwt", d);
	if (!e)
		e = run_process(jws->payload, p.ds, p.n, &out->claims, &out->disclosed,
				&out->undisclosed, d);
	/* time claims, SD-JWT VC members */
	int has;
	int64_t t;
	if (!e && !(e = time_claim(out->claims, "exp", &has, &t, d)) && has && o->now >= t + o->skew)
		e = diag_set(d, SHOMEI_ERR_INVALID, "exp", "expired");
	if (!e && !(e = time_claim(out->claims, "nbf", &has, &t, d)) && has && o->now + o->skew < t)
		e = diag_set(d, SHOMEI_ERR_INVALID, "nbf", "not yet valid");
	if (!e && !(e = time_claim(out->claims, "iat", &has, &t, d)) && has && o->now + o->skew < t)
		e = diag_set(d, SHOMEI_ERR_INVALID, "iat", "issued in the future");
	if (!e && o->vc && !json_is_string(json_object_get(out->claims, "vct")))
		e = diag_set(d, SHOMEI_ERR_INVALID, "vct", "missing or not a string");
	if (!e && o->vc && !json_is_string(json_object_get(out->claims, "iss")))
		e = diag_set(d, SHOMEI_ERR_INVALID, "iss", "missing or not a string");
	/* key binding */
	if (!e && p.kb_len == 0 && o->require_kb)
		e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt", "missing, and key binding is required");
	if (!e && p.kb_len) {
		e = jose_jws_parse(p.kb, p.kb_len, "kb-jwt", &kbj, d);
		const char *typ = e ? NULL : json_string_value(json_object_get(kbj->header, "typ"));
		unsigned char hpk[ED25519_PUBLIC_BYTES];
		if (!e && (!typ || strcmp(typ, SDJWT_TYP_KB) != 0))
			e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt.header.typ", "not %s", SDJWT_TYP_KB);
		if (!e) {
			const json_t *jwk = json_object_get(json_object_get(out->claims, "cnf"), "jwk");
			if (!jwk)
				e = diag_set(d, SHOMEI_ERR_INVALID, "cnf.jwk",
					     "missing: a KB-JWT cannot be checked");
			else if ((e = jose_jwk_to_public(jwk, hpk, d)) != 0)
				diag_prefix(d, "cnf.jwk");
		}
		if (!e)
			e = jose_jws_verify(kbj, hpk, "kb-jwt", d);
		const json_t *kp = e ? NULL : kbj->payload;
		const char *aud = json_string_value(json_object_get(kp, "aud"));
		const char *nonce = json_string_value(json_object_get(kp, "nonce"));
		const char *sd_hash = json_string_value(json_object_get(kp, "sd_hash"));
		if (!e && (!o->aud || !o->nonce))
			e = diag_set(d, SHOMEI_ERR_USAGE, "kb-jwt",
				     "the expected audience and nonce must be given");
		if (!e && (!aud || strcmp(aud, o->aud) != 0))
			e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt.aud", "is not %.100s", o->aud);
		if (!e && (!nonce || strcmp(nonce, o->nonce) != 0))
			e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt.nonce", "does not match");
		if (!e) {
			e = time_claim(kp, "iat", &has, &t, d);
			if (e)
				diag_prefix(d, "kb-jwt");
			else if (!has)
				e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt.iat", "missing");
			else if (t > o->now + o->skew)
				e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt.iat", "in the future");
			else if (t < o->now - o->max_age - o->skew)
				e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt.iat",
					     "older than %lld seconds", (long long)o->max_age);
		}
		char want[SDJWT_DIGEST_CHARS + 1];
		if (!e) {
			sdjwt_digest(text, p.presented_len, want);
			if (!sd_hash || strcmp(sd_hash, want) != 0)
				e = diag_set(d, SHOMEI_ERR_INVALID, "kb-jwt.sd_hash",
					     "does not match the presentation");
		}
		if (!e)
			out->kb = 1;
	}
	if (!e)
		sha256_2(SDJWT_JWS_HASH_CONTEXT, strlen(SDJWT_JWS_HASH_CONTEXT), p.jws, p.jws_len, out->jws_hash);
	jose_jws_free(jws);
	jose_jws_free(kbj);
	parsed_free(&p);
	if (e)
		sdjwt_verified_release(out);
	return e;
}
