/* ed25519.h - pure Ed25519 (RFC 8032 §5.1, no prehash, no context) on libsodium.
 *
 * Ownership: a struct ed25519_key holds a secret key and is always allocated by
 * ed25519_key_new_* in sodium_malloc'd memory (guard pages, never swapped to
 * disk where the system allows), and freed, wiped, by ed25519_key_free. The
 * public half may be read directly (k->pk); the secret half only through the
 * functions below.
 *
 * Needs shomei_init() (init.h) to have run: key generation draws on
 * libsodium's random generator, and sodium_malloc needs its set-up.
 */
#ifndef SHOMEI_ED25519_H
#define SHOMEI_ED25519_H

#include "err.h"

#include <stddef.h>

#define ED25519_PUBLIC_BYTES 32
#define ED25519_SEED_BYTES   32
#define ED25519_SECRET_BYTES 64 /* libsodium's form: seed || public key */
#define ED25519_SIG_BYTES    64

struct ed25519_key {
	unsigned char pk[ED25519_PUBLIC_BYTES];
	unsigned char sk[ED25519_SECRET_BYTES];
};

/* A new random key pair; NULL when secure memory runs out. */
struct ed25519_key *ed25519_key_new_random(void);

/* The key pair of a 32-byte seed (RFC 8032 §5.1.5); NULL on OOM. */
struct ed25519_key *ed25519_key_new_from_seed(const unsigned char seed[ED25519_SEED_BYTES]);

/* Wipes and frees. NULL-safe. */
void ed25519_key_free(struct ed25519_key *k);

/* Copies the key's seed out. WARNING: `seed` must be secret memory
 * (sodium_malloc'd) and wiped by the caller. */
void ed25519_key_seed(const struct ed25519_key *k, unsigned char seed[ED25519_SEED_BYTES]);

/* Signs len bytes of msg (RFC 8032 §5.1.6); deterministic. */
void ed25519_sign(unsigned char sig[ED25519_SIG_BYTES], const void *msg, size_t len,
		  const struct ed25519_key *k);

/* Verifies sig over msg[0..len) under pk (RFC 8032 §5.1.7). Stricter than the
 * RFC where libsodium is: S must be below L (non-canonical S + L is refused),
 * and keys and R of small order are refused. Returns 0, or
 * SHOMEI_ERR_SIGNATURE for any failure, including a pk that is not a point. */
int ed25519_verify(const unsigned char sig[ED25519_SIG_BYTES], const void *msg, size_t len,
		   const unsigned char pk[ED25519_PUBLIC_BYTES])
    __attribute__((warn_unused_result));

#endif
