/* base64url.h - RFC 4648 §5 base64url without padding, as JWS (RFC 7515 §2)
 * and SD-JWT use it. Decoding is strict: no '=', no '+' or '/', no
 * whitespace, and the unused bits of the last character must be zero, so each
 * byte string has exactly one encoding. */
#ifndef SHOMEI_BASE64URL_H
#define SHOMEI_BASE64URL_H

#include <stddef.h>

#define BASE64URL_MAX_BYTES (4u << 20)

/* Characters (without the NUL) that n bytes encode to. */
size_t base64url_encoded_len(size_t n);

/* Encodes in[0..n) into out, NUL-terminated; SHOMEI_ERR_LIMIT when out_cap is
 * smaller than base64url_encoded_len(n) + 1. */
int base64url_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
	__attribute__((warn_unused_result));

/* Decodes in[0..in_len) into out; SHOMEI_ERR_PARSE for anything but canonical
 * unpadded base64url, SHOMEI_ERR_LIMIT when out_cap is too small. */
int base64url_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		     size_t *out_len) __attribute__((warn_unused_result));

#endif
