/* base64url.h - RFC 4648 §5 base64url without padding, as JWS (RFC 7515 §2)
 * and SD-JWT use it.
 *
 * Decoding is strict, so that each byte string has exactly one encoding and a
 * signed text cannot be altered without changing its bytes: no '=' padding,
 * no '+' or '/' (RFC 4648 §4's alphabet), no whitespace or line breaks, no
 * length of 4k + 1 characters, and the unused low bits of the last character
 * must be zero (RFC 4648 §3.5, "canonical encoding").
 */
#ifndef SHOMEI_BASE64URL_H
#define SHOMEI_BASE64URL_H

#include "err.h"

#include <stddef.h>

/* The encoder's ceiling on its input. */
#define BASE64URL_MAX_BYTES (4u << 20)

/* Characters (without the NUL) that n bytes encode to: 4 per 3 bytes, and 2
 * or 3 for a last group of 1 or 2 bytes. SIZE_MAX when that does not fit a
 * size_t. */
size_t base64url_encoded_len(size_t n);

/* Encodes in[0..n) into out[0..out_cap), NUL-terminated; borrows both.
 * Returns 0, or SHOMEI_ERR_LIMIT when n > BASE64URL_MAX_BYTES or out_cap is
 * smaller than base64url_encoded_len(n) + 1; out is not touched then. */
int base64url_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
    __attribute__((warn_unused_result));

/* Decodes in[0..in_len) (no NUL needed) into out[0..out_cap); *out_len gets
 * the length, 0 on failure. Returns 0, or
 *   SHOMEI_ERR_PARSE  anything but canonical unpadded base64url (see above);
 *                     the empty string is valid and decodes to nothing;
 *   SHOMEI_ERR_LIMIT  the result would not fit out_cap.
 * On failure the part of out that might have been written is cleared. */
int base64url_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		     size_t *out_len) __attribute__((warn_unused_result));

#endif
