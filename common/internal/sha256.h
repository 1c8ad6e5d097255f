/* sha256.h - SHA-256 (FIPS 180-4) for everything libshomei hashes.
 *
 * OpenSSL's libcrypto rather than libsodium's: it uses the CPU's SHA
 * extensions where present (about 5x faster on a 1.7 KB credential here), and
 * hashing the canonical document is a large share of issuing and verifying. */
#ifndef SHOMEI_INTERNAL_SHA256_H
#define SHOMEI_INTERNAL_SHA256_H

#include <stddef.h>

#define SHA256_BYTES 32

/* out = SHA-256(data[0..len)). Aborts only if libcrypto has no SHA-256 at all,
 * which no supported system lacks. */
void sha256(const void *data, size_t len, unsigned char out[SHA256_BYTES]);

/* out = SHA-256(a[0..alen) || b[0..blen)), without joining them first. */
void sha256_2(const void *a, size_t alen, const void *b, size_t blen,
	      unsigned char out[SHA256_BYTES]);

#endif
