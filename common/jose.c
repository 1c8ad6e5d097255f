/* jose.c - Ed25519 JWK and compact JWS (jose.h).
 *
 * Hand-written rather than taken from a library: Debian 12's JOSE libraries
 * (libjose, cjose) bring their own JSON and crypto stacks and accept more than
 * SD-JWT may (other algorithms, lax base64, duplicate members); what is needed
 * here is a few dozen lines over jansson, libsodium and our strict parsers. */
#include "jose.h"

#include "base64url.h"
#include "internal/objcopy.h"
#include "jcs.h"
#include "jsonin.h"
#include "timeutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *jose_jwk_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES])
{
	char x[64];
	if (base64url_encode(pk, ED25519_PUBLIC_BYTES, x, sizeof x) != 0)
		return NULL;
	return json_pack("{s:s, s:s, s:s}", "crv", "Ed25519", "kty", "OKP", "x", x);
}

int jose_jwk_to_public(const json_t *jwk, unsigned char pk[ED25519_PUBLIC_BYTES],
		       struct shomei_diag *d)
{
	memset(pk, 0, ED25519_PUBLIC_BYTES);
	if (!json_is_object(jwk))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a JWK object");
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	const char *x = json_string_value(json_object_get(jwk, "x"));
	if (!kty || strcmp(kty, "OKP") != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "kty", "not OKP");
	if (!crv || strcmp(crv, "Ed25519") != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "crv", "not Ed25519");
	if (json_object_get(jwk, "d"))
		return diag_set(d, SHOMEI_ERR_INVALID, "d", "a private key where a public one belongs");
	size_t n = 0;
	unsigned char buf[ED25519_PUBLIC_BYTES + 1];
	if (!x || base64url_decode(x, strlen(x), buf, sizeof buf, &n) != 0 ||
	    n != ED25519_PUBLIC_BYTES)
		return diag_set(d, SHOMEI_ERR_INVALID, "x", "not 32 bytes of base64url");
	memcpy(pk, buf, ED25519_PUBLIC_BYTES);
	return 0;
}

int jose_b64_json(const json_t *v, char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	char *text = NULL;
	size_t tlen = 0;
	int e = jcs_serialize(v, &text, &tlen, d);
	if (e)
		return e;
	size_t n = base64url_encoded_len(tlen);
	char *b = n == SIZE_MAX ? NULL : malloc(n + 1);
	if (!b || base64url_encode((const unsigned char *)text, tlen, b, n + 1) != 0) {
		free(text);
		free(b);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	free(text);
	*out = b;
	*len = n;
	return 0;
}

int jose_numeric_date(const json_t *v, int64_t *t)
{
	*t = 0;
	if (!json_is_number(v))
		return SHOMEI_ERR_INVALID;
	double x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > (double)TIMEUTIL_MAX_SECONDS)
		return SHOMEI_ERR_INVALID;
	*t = (int64_t)x;
	return 0;
}

int jose_jws_sign_text(const char *header, size_t header_len, const char *payload,
		       size_t payload_len, const struct ed25519_key *key, char **out, size_t *len,
		       struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	if (header_len > JOSE_JWS_MAX_BYTES || payload_len > JOSE_JWS_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "JWS larger than %u bytes",
				JOSE_JWS_MAX_BYTES);
	size_t hl = base64url_encoded_len(header_len), pl = base64url_encoded_len(payload_len);
	size_t sl = base64url_encoded_len(ED25519_SIG_BYTES);
	size_t total = hl + 1 + pl + 1 + sl;
	char *res = malloc(total + 1);
	if (!res)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	unsigned char sig[ED25519_SIG_BYTES];
	if (base64url_encode((const unsigned char *)header, header_len, res, hl + 1) != 0 ||
	    base64url_encode((const unsigned char *)payload, payload_len, res + hl + 1, pl + 1) != 0) {
		free(res);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	res[hl] = '.';
	ed25519_sign(sig, res, hl + 1 + pl, key);
	res[hl + 1 + pl] = '.';
	if (base64url_encode(sig, sizeof sig, res + hl + 2 + pl, sl + 1) != 0) {
		free(res);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	*out = res;
	*len = total;
	return 0;
}

int jose_jws_sign(const json_t *header, const json_t *payload, const struct ed25519_key *key,
		  char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	json_t *h = objcopy_shallow(header);
	if (!h || json_object_set_new(h, "alg", json_string("EdDSA")) != 0) {
		json_decref(h);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	char *ht = NULL, *pt = NULL;
	size_t htl = 0, ptl = 0;
	int e = jcs_serialize(h, &ht, &htl, d);
	if (!e)
		e = jcs_serialize(payload, &pt, &ptl, d);
	if (!e)
		e = jose_jws_sign_text(ht, htl, pt, ptl, key, out, len, d);
	free(ht);
	free(pt);
	json_decref(h);
	return e;
}

void jose_jws_free(struct jose_jws *j)
{
	if (!j)
		return;
	json_decref(j->header);
	json_decref(j->payload);
	free(j);
}

/* Decodes one base64url part that holds JSON. */
static int json_part(const char *p, size_t n, const char *pre, const char *what, json_t **out,
		     struct shomei_diag *d)
{
	*out = NULL;
	unsigned char *buf = malloc(n ? n : 1);
	if (!buf)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t len = 0;
	int e = base64url_decode(p, n, buf, n ? n : 1, &len);
	if (e) {
		free(buf);
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "%s.%s: not base64url", pre, what);
	}
	e = jsonin_parse((const char *)buf, len, out, d);
	free(buf);
	if (e) {
		char where[DIAG_WHERE_BYTES];
		snprintf(where, sizeof where, "%s.%s", pre, what);
		diag_prefix(d, where);
		return e;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "%s.%s: not a JSON object", pre, what);
	}
	return 0;
}

int jose_jws_parse(const char *text, size_t len, const char *pre, struct jose_jws **out,
		   struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	if (len > JOSE_JWS_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, pre, "longer than %u bytes", JOSE_JWS_MAX_BYTES);
	const char *dot1 = memchr(text, '.', len);
	const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - text)) : NULL;
	if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - text)))
		return diag_set(d, SHOMEI_ERR_PARSE, pre, "not a compact JWS (three dot-separated parts)");
	struct jose_jws *j = calloc(1, sizeof *j);
	if (!j)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	int e = json_part(text, (size_t)(dot1 - text), pre, "header", &j->header, d);
	if (!e)
		e = json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), pre, "payload", &j->payload, d);
	if (e)
		goto fail;
	size_t slen = len - (size_t)(dot2 + 1 - text), n = 0;
	unsigned char sig[ED25519_SIG_BYTES + 1];
	if (base64url_decode(dot2 + 1, slen, sig, sizeof sig, &n) != 0 || n != ED25519_SIG_BYTES) {
		e = diag_set(d, SHOMEI_ERR_PARSE, NULL, "%s.signature: not 64 bytes of base64url", pre);
		goto fail;
	}
	memcpy(j->sig, sig, sizeof j->sig);
	const char *alg = json_string_value(json_object_get(j->header, "alg"));
	if (!alg) {
		e = diag_set(d, SHOMEI_ERR_INVALID, NULL, "%s.header.alg: missing", pre);
		goto fail;
	}
	if (strcmp(alg, "EdDSA") != 0 && strcmp(alg, "Ed25519") != 0) {
		e = diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL,
			     "%s.header.alg: \"%.40s\" not accepted (only EdDSA)", pre, alg);
		goto fail;
	}
	if (json_object_get(j->header, "crit")) {
		e = diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL,
			     "%s.header.crit: no critical extension is understood", pre);
		goto fail;
	}
	j->signing_input = text;
	j->signing_input_len = (size_t)(dot2 - text);
	*out = j;
	return 0;
fail:
	jose_jws_free(j);
	return e;
}

int jose_jws_verify(const struct jose_jws *j, const unsigned char pk[ED25519_PUBLIC_BYTES],
		    const char *pre, struct shomei_diag *d)
{
	if (ed25519_verify(j->sig, j->signing_input, j->signing_input_len, pk) != 0)
		return diag_set(d, SHOMEI_ERR_SIGNATURE, NULL, "%s.signature: does not verify", pre);
	return 0;
}
