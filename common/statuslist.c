/* statuslist.c - Token Status List (statuslist.h).
 *
 * Compression is zlib's; the packing of statuses and the JWT claims are a few
 * lines over jansson and jose.h, for which no Debian library exists. */
#include "statuslist.h"

#include "base64url.h"
#include "jose.h"
#include "timeutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

_Static_assert(STATUSLIST_MAX_BYTES <= BASE64URL_MAX_BYTES, "lst must fit the encoder");
_Static_assert((uint64_t)STATUSLIST_MAX_BYTES * 8 < (uint64_t)1 << 53,
	       "every index of a full list is an exact JSON number");

static const char jws_where[] = "statuslist-jwt";

static int bits_allowed(double b)
{
	return b == 1 || b == 2 || b == 4 || b == 8;
}

/* An integral JSON number in [0, max], from either of jansson's number types. */
static int read_uint(const json_t *v, double max, uint64_t *out)
{
	*out = 0;
	double x;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i < 0)
			return -1;
		x = (double)i;
	} else if (json_is_real(v)) {
		x = json_real_value(v);
	} else {
		return -1;
	}
	if (!isfinite(x) || x < 0 || x > max || floor(x) != x)
		return -1;
	*out = (uint64_t)x;
	return 0;
}

void statuslist_release(struct statuslist *l)
{
	if (!l)
		return;
	free(l->bytes);
	free(l->aggregation_uri);
	memset(l, 0, sizeof *l);
}

/* Inflates a whole ZLIB stream into a buffer of at most STATUSLIST_MAX_BYTES:
 * the output grows as needed, so a small list costs little, and a stream that
 * would go further is stopped at the ceiling. */
static int inflate_list(const unsigned char *in, size_t n, unsigned char **out, size_t *out_len,
			struct shomei_diag *d)
{
	*out = NULL;
	*out_len = 0;
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return diag_set(d, SHOMEI_ERR_NOMEM, "lst", "out of memory");
	size_t cap =
	    n < 1024 ? 4096 : (n > STATUSLIST_MAX_BYTES / 4 ? STATUSLIST_MAX_BYTES : n * 4);
	/* one byte beyond the ceiling tells "exactly full" from "too long" */
	unsigned char *buf = malloc(cap + 1);
	int e = 0, zr = Z_OK;
	if (!buf) {
		e = diag_set(d, SHOMEI_ERR_NOMEM, "lst", "out of memory");
		goto done;
	}
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)(cap + 1);
	for (;;) {
		zr = inflate(&z, Z_FINISH);
		if (z.total_out > STATUSLIST_MAX_BYTES) {
			e = diag_set(d, SHOMEI_ERR_LIMIT, "lst",
				     "decompresses to more than %u bytes", STATUSLIST_MAX_BYTES);
			goto done;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR) {
			e = diag_set(d, SHOMEI_ERR_PARSE, "lst", "not a ZLIB stream%s",
				     zr == Z_NEED_DICT ? " (asks for a preset dictionary)" : "");
			goto done;
		}
		if (zr == Z_MEM_ERROR) {
			e = diag_set(d, SHOMEI_ERR_NOMEM, "lst", "out of memory");
			goto done;
		}
		if (z.avail_out == 0 && cap < STATUSLIST_MAX_BYTES) {
			size_t ncap =
			    cap > STATUSLIST_MAX_BYTES / 2 ? STATUSLIST_MAX_BYTES : cap * 2;
			unsigned char *nb = realloc(buf, ncap + 1);
			if (!nb) {
				e = diag_set(d, SHOMEI_ERR_NOMEM, "lst", "out of memory");
				goto done;
			}
			buf = nb;
			z.next_out = buf + z.total_out;
			z.avail_out = (uInt)(ncap + 1 - z.total_out);
			cap = ncap;
			continue;
		}
		/* input used up before the stream's end */
		e = diag_set(d, SHOMEI_ERR_PARSE, "lst", "ZLIB stream cut short");
		goto done;
	}
	if (z.avail_in != 0) {
		e = diag_set(d, SHOMEI_ERR_PARSE, "lst", "data after the ZLIB stream");
		goto done;
	}
	*out_len = z.total_out;
	*out = buf;
	buf = NULL;
done:
	inflateEnd(&z);
	free(buf);
	return e;
}

int statuslist_parse(const json_t *obj, struct statuslist *out, struct shomei_diag *d)
{
	diag_clear(d);
	memset(out, 0, sizeof *out);
	if (!json_is_object(obj))
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a JSON object");
	const json_t *b = json_object_get(obj, "bits");
	if (!b)
		return diag_set(d, SHOMEI_ERR_PARSE, "bits", "missing");
	if (!json_is_number(b))
		return diag_set(d, SHOMEI_ERR_PARSE, "bits", "not a number");
	if (!bits_allowed(json_number_value(b)))
		return diag_set(d, SHOMEI_ERR_INVALID, "bits", "not 1, 2, 4 or 8");
	const json_t *l = json_object_get(obj, "lst");
	if (!l)
		return diag_set(d, SHOMEI_ERR_PARSE, "lst", "missing");
	if (!json_is_string(l))
		return diag_set(d, SHOMEI_ERR_PARSE, "lst", "not a string");
	const json_t *agg = json_object_get(obj, "aggregation_uri");
	if (agg && (!json_is_string(agg) || json_string_length(agg) == 0))
		return diag_set(d, SHOMEI_ERR_INVALID, "aggregation_uri", "not a non-empty string");
	size_t tlen = json_string_length(l);
	if (tlen > STATUSLIST_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, "lst", "longer than %u characters",
				STATUSLIST_MAX_BYTES);
	unsigned char *z = malloc(tlen ? tlen : 1);
	if (!z)
		return diag_set(d, SHOMEI_ERR_NOMEM, "lst", "out of memory");
	size_t zlen = 0;
	int e = 0;
	if (base64url_decode(json_string_value(l), tlen, z, tlen ? tlen : 1, &zlen) != 0)
		e = diag_set(d, SHOMEI_ERR_PARSE, "lst", "not base64url");
	if (!e)
		e = inflate_list(z, zlen, &out->bytes, &out->nbytes, d);
	free(z);
	if (!e && out->nbytes == 0)
		e = diag_set(d, SHOMEI_ERR_INVALID, "lst", "an empty list");
	if (!e && agg && !(out->aggregation_uri = strdup(json_string_value(agg))))
		e = diag_set(d, SHOMEI_ERR_NOMEM, "aggregation_uri", "out of memory");
	if (e) {
		statuslist_release(out);
		return e;
	}
	out->bits = (unsigned)json_number_value(b);
	return 0;
}

uint64_t statuslist_count(const struct statuslist *l)
{
	if (!l || !l->bits)
		return 0;
	return (uint64_t)l->nbytes * 8 / l->bits;
}

int statuslist_get(const struct statuslist *l, uint64_t idx, unsigned *value, struct shomei_diag *d)
{
	*value = 0;
	if (idx >= statuslist_count(l))
		return diag_set(d, SHOMEI_ERR_INVALID, "idx", "index out of range");
	uint64_t bit = idx * l->bits; /* below 2^23 * 8 by the count's bound */
	*value = (unsigned)(l->bytes[bit / 8] >> (bit % 8)) & ((1u << l->bits) - 1);
	return 0;
}

int statuslist_build(const unsigned *values, size_t n, unsigned bits, json_t **out,
		     struct shomei_diag *d)
{
	*out = NULL;
	if (!bits_allowed(bits))
		return diag_set(d, SHOMEI_ERR_USAGE, "bits", "not 1, 2, 4 or 8");
	if (n == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no statuses");
	if (n > (size_t)STATUSLIST_MAX_BYTES * 8 / bits)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "more than %u bytes packed",
				STATUSLIST_MAX_BYTES);
	for (size_t i = 0; i < n; i++)
		if (values[i] >> bits)
			return diag_set(d, SHOMEI_ERR_USAGE, NULL, "[%zu]: %u does not fit %u bits",
					i, values[i], bits);
	size_t nbytes = (n * bits + 7) / 8;
	uLong zcap = compressBound((uLong)nbytes);
	unsigned char *packed = calloc(nbytes, 1), *z = malloc(zcap);
	char *text = NULL;
	int e = 0;
	if (!packed || !z) {
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		size_t bit = i * bits;
		packed[bit / 8] |= (unsigned char)(values[i] << (bit % 8));
	}
	uLongf zlen = zcap;
	if (compress2(z, &zlen, packed, (uLong)nbytes, Z_BEST_COMPRESSION) != Z_OK) {
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto done;
	}
	size_t tlen = base64url_encoded_len(zlen);
	text = tlen == SIZE_MAX ? NULL : malloc(tlen + 1);
	if (!text || base64url_encode(z, zlen, text, tlen + 1) != 0 ||
	    !(*out = json_pack("{s:I, s:s}", "bits", (json_int_t)bits, "lst", text)))
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
done:
	free(packed);
	free(z);
	free(text);
	return e;
}

int statuslist_reference(const json_t *status, uint64_t *idx, const char **uri,
			 struct shomei_diag *d)
{
	diag_clear(d);
	*idx = 0;
	*uri = NULL;
	if (!json_is_object(status))
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a JSON object");
	const json_t *sl = json_object_get(status, "status_list");
	if (!sl)
		return diag_set(d, SHOMEI_ERR_NOTFOUND, "status_list", "missing");
	if (!json_is_object(sl))
		return diag_set(d, SHOMEI_ERR_PARSE, "status_list", "not a JSON object");
	const json_t *i = json_object_get(sl, "idx"), *u = json_object_get(sl, "uri");
	uint64_t v;
	if (!i)
		return diag_set(d, SHOMEI_ERR_PARSE, "status_list.idx", "missing");
	if (read_uint(i, STATUSLIST_MAX_INTEGER, &v) != 0)
		return diag_set(d, SHOMEI_ERR_PARSE, "status_list.idx",
				"not a non-negative integer up to 2^53");
	if (!u)
		return diag_set(d, SHOMEI_ERR_PARSE, "status_list.uri", "missing");
	/* a NUL inside would make the uri compared differ from the one fetched */
	if (!json_is_string(u) || json_string_length(u) == 0 ||
	    strlen(json_string_value(u)) != json_string_length(u))
		return diag_set(d, SHOMEI_ERR_PARSE, "status_list.uri", "not a non-empty string");
	*idx = v;
	*uri = json_string_value(u);
	return 0;
}

void statuslist_token_release(struct statuslist_token *t)
{
	if (!t)
		return;
	statuslist_release(&t->list);
	free(t->sub);
	memset(t, 0, sizeof *t);
}

/* RFC 7515 §4.1.9: media types compare case-insensitively, and "application/"
 * may be left out. ASCII folding by hand: strcasecmp follows the locale. */
static int same_ascii_nocase(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

static int typ_matches(const char *typ, size_t n)
{
	static const char app[] = "application/";
	const size_t la = sizeof app - 1, lt = sizeof STATUSLIST_TYP - 1;
	if (n == la + lt && same_ascii_nocase(typ, app, la)) {
		typ += la;
		n -= la;
	}
	return n == lt && same_ascii_nocase(typ, STATUSLIST_TYP, lt);
}

static int token_claims(const json_t *p, const struct statuslist_token_options *o,
			struct statuslist_token *out, struct shomei_diag *d)
{
	const json_t *v = json_object_get(p, "sub");
	if (!v)
		return diag_set(d, SHOMEI_ERR_INVALID, "sub", "missing");
	if (!json_is_string(v))
		return diag_set(d, SHOMEI_ERR_INVALID, "sub", "not a string");
	if (strcmp(json_string_value(v), o->uri) != 0 || json_string_length(v) != strlen(o->uri))
		return diag_set(d, SHOMEI_ERR_INVALID, "sub",
				"not the uri the credential names (another list)");
	v = json_object_get(p, "iat");
	if (!v)
		return diag_set(d, SHOMEI_ERR_INVALID, "iat", "missing");
	if (jose_numeric_date(v, &out->iat) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "iat", "not a NumericDate");
	if (out->iat > o->now + o->skew)
		return diag_set(d, SHOMEI_ERR_INVALID, "iat", "issued in the future");
	if ((v = json_object_get(p, "exp")) != NULL) {
		if (jose_numeric_date(v, &out->exp) != 0)
			return diag_set(d, SHOMEI_ERR_INVALID, "exp", "not a NumericDate");
		out->has_exp = 1;
		if (o->now >= out->exp + o->skew)
			return diag_set(d, SHOMEI_ERR_INVALID, "exp", "expired");
	}
	/* §5.1 rule 3: valid in all other respects per RFC 7519, so nbf too (§4.1.5) */
	if ((v = json_object_get(p, "nbf")) != NULL) {
		int64_t nbf;
		if (jose_numeric_date(v, &nbf) != 0)
			return diag_set(d, SHOMEI_ERR_INVALID, "nbf", "not a NumericDate");
		if (o->now + o->skew < nbf)
			return diag_set(d, SHOMEI_ERR_INVALID, "nbf", "not yet valid");
	}
	if ((v = json_object_get(p, "ttl")) != NULL) {
		uint64_t t;
		if (read_uint(v, (double)TIMEUTIL_MAX_SECONDS, &t) != 0 || t == 0)
			return diag_set(d, SHOMEI_ERR_INVALID, "ttl", "not a positive integer");
		out->ttl = (int64_t)t;
		out->has_ttl = 1;
	}
	v = json_object_get(p, "status_list");
	if (!v)
		return diag_set(d, SHOMEI_ERR_INVALID, "status_list", "missing");
	int e = statuslist_parse(v, &out->list, d);
	if (e) {
		diag_prefix(d, "status_list");
		return e;
	}
	if (!(out->sub = strdup(o->uri)))
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	return 0;
}

int statuslist_token_verify(const char *jwt, size_t len, const struct statuslist_token_options *o,
			    struct statuslist_token *out, struct shomei_diag *d)
{
	diag_clear(d);
	memset(out, 0, sizeof *out);
	if (!o || !o->issuer_pk || !o->uri)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no issuer key or uri to check against");
	if (len > STATUSLIST_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, jws_where, "longer than %u bytes",
				STATUSLIST_MAX_BYTES);
	struct jose_jws *j = NULL;
	int e = jose_jws_parse(jwt, len, jws_where, &j, d);
	if (e)
		return e;
	const json_t *typ = json_object_get(j->header, "typ");
	if (!typ)
		e = diag_set(d, SHOMEI_ERR_INVALID, "statuslist-jwt.header.typ", "missing");
	else if (!json_is_string(typ) ||
		 !typ_matches(json_string_value(typ), json_string_length(typ)))
		e = diag_set(d, SHOMEI_ERR_INVALID, "statuslist-jwt.header.typ", "not %s",
			     STATUSLIST_TYP);
	if (!e)
		e = jose_jws_verify(j, o->issuer_pk, jws_where, d);
	if (!e)
		e = token_claims(j->payload, o, out, d);
	jose_jws_free(j);
	if (e)
		statuslist_token_release(out);
	return e;
}

int statuslist_token_sign(const json_t *status_list, const char *sub, int64_t iat, int64_t exp,
			  int64_t ttl, const struct ed25519_key *key, const char *kid, char **out,
			  size_t *len, struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	*len = 0;
	if (!sub || !*sub)
		return diag_set(d, SHOMEI_ERR_USAGE, "sub", "missing");
	if (iat < 0 || iat > TIMEUTIL_MAX_SECONDS || exp < 0 || exp > TIMEUTIL_MAX_SECONDS ||
	    ttl < 0 || ttl > TIMEUTIL_MAX_SECONDS)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "iat, exp or ttl out of range");
	struct statuslist check;
	int e = statuslist_parse(status_list, &check, d);
	statuslist_release(&check);
	if (e) {
		diag_prefix(d, "status_list");
		return e;
	}
	json_t *h = json_pack("{s:s}", "typ", STATUSLIST_TYP);
	json_t *p = json_pack("{s:s, s:I, s:O}", "sub", sub, "iat", (json_int_t)iat, "status_list",
			      (json_t *)status_list);
	if (!h || !p || (kid && json_object_set_new(h, "kid", json_string(kid)) != 0) ||
	    (exp && json_object_set_new(p, "exp", json_integer((json_int_t)exp)) != 0) ||
	    (ttl && json_object_set_new(p, "ttl", json_integer((json_int_t)ttl)) != 0))
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (!e)
		e = jose_jws_sign(h, p, key, out, len, d);
	json_decref(h);
	json_decref(p);
	return e;
}

const char *statuslist_value_name(unsigned value)
{
	switch (value) {
	case STATUSLIST_VALID: return "valid";
	case STATUSLIST_INVALID: return "invalid";
	case STATUSLIST_SUSPENDED: return "suspended";
	default: return NULL;
	}
}
