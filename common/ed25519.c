#include "ed25519.h"

#include "err.h"

#include <sodium.h>
#include <string.h>

_Static_assert(ED25519_PUBLIC_BYTES == crypto_sign_ed25519_PUBLICKEYBYTES, "public key size");
_Static_assert(ED25519_SEED_BYTES == crypto_sign_ed25519_SEEDBYTES, "seed size");
_Static_assert(ED25519_SECRET_BYTES == crypto_sign_ed25519_SECRETKEYBYTES, "secret key size");
_Static_assert(ED25519_SIG_BYTES == crypto_sign_ed25519_BYTES, "signature size");

struct ed25519_key *ed25519_key_new_random(void)
{
	struct ed25519_key *k = sodium_malloc(sizeof *k);
	if (k)
		crypto_sign_ed25519_keypair(k->pk, k->sk);
	return k;
}

struct ed25519_key *ed25519_key_new_from_seed(const unsigned char seed[ED25519_SEED_BYTES])
{
	struct ed25519_key *k = sodium_malloc(sizeof *k);
	if (k)
		crypto_sign_ed25519_seed_keypair(k->pk, k->sk, seed);
	return k;
}

void ed25519_key_free(struct ed25519_key *k)
{
	sodium_free(k); /* wipes before freeing; NULL-safe */
}

void ed25519_key_seed(const struct ed25519_key *k, unsigned char seed[ED25519_SEED_BYTES])
{
	crypto_sign_ed25519_sk_to_seed(seed, k->sk);
}

void ed25519_sign(unsigned char sig[ED25519_SIG_BYTES], const void *msg, size_t len,
		  const struct ed25519_key *k)
{
	crypto_sign_ed25519_detached(sig, NULL, msg, len, k->sk);
}

int ed25519_verify(const unsigned char sig[ED25519_SIG_BYTES], const void *msg, size_t len,
		   const unsigned char pk[ED25519_PUBLIC_BYTES])
{
	if (crypto_sign_ed25519_verify_detached(sig, msg, len, pk) != 0)
		return SHOMEI_ERR_SIGNATURE;
	return 0;
}
