/* base58.h - base58btc (the Bitcoin alphabet) and its multibase form ('z').
 *
 * Multibase (draft-multiformats-multibase) prefixes base58btc text with 'z';
 * Data Integrity proofValues and Multikeys use that form. Leading zero bytes
 * encode as leading '1's, one each, so every byte string has exactly one
 * encoding and decode(encode(x)) == x.
 */
#ifndef SHOMEI_BASE58_H
#define SHOMEI_BASE58_H

#include <stddef.h>

/* Only keys and signatures are base58-encoded: a small ceiling keeps the
 * quadratic conversion cheap and bounds hostile input. */
#define BASE58_MAX_BYTES 256
#define BASE58_MAX_CHARS 352 /* > 256 * log(256)/log(58) = 349.6 */

/* Characters needed (with the NUL) to encode n bytes, n <= BASE58_MAX_BYTES. */
size_t base58_encoded_max(size_t n);

/* Encodes in[0..n) into out (NUL-terminated). SHOMEI_ERR_LIMIT when n >
 * BASE58_MAX_BYTES or out_cap is too small. */
int base58_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
	__attribute__((warn_unused_result));

/* Decodes in[0..in_len) into out; *out_len gets the length. Refuses (with
 * SHOMEI_ERR_PARSE) empty input and characters outside the alphabet, and
 * (SHOMEI_ERR_LIMIT) results larger than out_cap or BASE58_MAX_BYTES. */
int base58_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		  size_t *out_len) __attribute__((warn_unused_result));

/* The same with the multibase 'z' prefix; decoding refuses any other prefix. */
int multibase_base58btc_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
	__attribute__((warn_unused_result));
int multibase_base58btc_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
			       size_t *out_len) __attribute__((warn_unused_result));

#endif
