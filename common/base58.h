/* base58.h - base58btc (the Bitcoin alphabet) and its multibase form ('z').
 *
 * Multibase (draft-multiformats-multibase) prefixes base58btc text with 'z';
 * Data Integrity proofValues and Multikeys use that form. Leading zero bytes
 * encode as leading '1's, one each, so every byte string has exactly one
 * encoding and decode(encode(x)) == x.
 */
#ifndef SHOMEI_BASE58_H
#define SHOMEI_BASE58_H

#include "err.h"

#include <stddef.h>

/* Only keys and signatures are base58-encoded: a small ceiling keeps the
 * quadratic conversion cheap and bounds hostile input. */
#define BASE58_MAX_BYTES 256
#define BASE58_MAX_CHARS 352 /* > 256 * log(256)/log(58) = 349.6 */

/* Characters needed, with the NUL, to encode n bytes: an upper bound, exact
 * enough for sizing outputs. 0 when n > BASE58_MAX_BYTES (which
 * base58_encode refuses). */
size_t base58_encoded_max(size_t n);

/* Encodes in[0..n) into out[0..out_cap), NUL-terminated; borrows both.
 * Returns 0, or SHOMEI_ERR_LIMIT when n > BASE58_MAX_BYTES or the text and
 * its NUL do not fit out_cap (base58_encoded_max(n) always does). Zero bytes
 * encode to "". On failure out is not touched. */
int base58_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
    __attribute__((warn_unused_result));

/* Decodes in[0..in_len) (no NUL needed; a NUL inside is refused like any
 * character outside the alphabet) into out[0..out_cap); *out_len gets the
 * length, 0 on failure, and out is only written on success. Returns 0, or
 *   SHOMEI_ERR_PARSE  empty input, a character outside the alphabet (no
 *                     whitespace, no '0', 'O', 'I', 'l');
 *   SHOMEI_ERR_LIMIT  more than BASE58_MAX_CHARS characters, or a result
 *                     larger than out_cap or BASE58_MAX_BYTES.
 * Every accepted string is the encoding of its result: base58btc has exactly
 * one encoding per byte string. */
int base58_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		  size_t *out_len) __attribute__((warn_unused_result));

/* The same with the multibase prefix 'z' (draft-multiformats-multibase):
 * encoding writes 'z' then the base58btc text (out_cap counts the 'z');
 * decoding refuses, with SHOMEI_ERR_PARSE, a missing 'z', any other multibase
 * prefix and a bare "z". */
int multibase_base58btc_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
    __attribute__((warn_unused_result));
int multibase_base58btc_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
			       size_t *out_len) __attribute__((warn_unused_result));

#endif
