/* base45.h - RFC 9285 Base45, the encoding of binary data in the 45 characters
 * of a QR code's alphanumeric mode (ISO/IEC 18004 §7.4.4): 0-9 A-Z, space and
 * $ % * + - . / :
 *
 * Two bytes [a, b] are the number n = a * 256 + b, written as three base-45
 * digits c d e with n = c + d * 45 + e * 45 * 45, least significant first; a
 * last odd byte is two digits (RFC 9285 §4).
 *
 * Decoding is strict, so each byte string has exactly one encoding: a length
 * of 3k + 1 characters, a character outside the alphabet (lowercase too), a
 * triple above 65535 ("GGW", RFC 9285 §6) and a last pair above 255 are all
 * refused.
 */
#ifndef SHOMEI_BASE45_H
#define SHOMEI_BASE45_H

#include "err.h"

#include <stddef.h>

/* The encoder's ceiling on its input (far above what a QR code holds). */
#define BASE45_MAX_BYTES (1u << 20)

/* Characters (without the NUL) that n bytes encode to: 3 per 2 bytes and 2 for
 * a last odd byte. SIZE_MAX when n > BASE45_MAX_BYTES. */
size_t base45_encoded_len(size_t n);

/* Encodes in[0..n) into out[0..out_cap), NUL-terminated; borrows both.
 * Returns 0, or SHOMEI_ERR_LIMIT when n > BASE45_MAX_BYTES or out_cap is
 * smaller than base45_encoded_len(n) + 1; out is not touched then. */
int base45_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
    __attribute__((warn_unused_result));

/* Decodes in[0..in_len) (no NUL needed) into out[0..out_cap); *out_len gets
 * the length, 0 on failure. Returns 0, or
 *   SHOMEI_ERR_PARSE  anything but canonical Base45 (see above); the empty
 *                     string is valid and decodes to nothing;
 *   SHOMEI_ERR_LIMIT  the result would not fit out_cap.
 * On failure the part of out that might have been written is cleared. */
int base45_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		  size_t *out_len) __attribute__((warn_unused_result));

#endif
