/* Key files from outside: never a crash, never a key that is not the sealed
 * one.
 *
 * Each input is used twice:
 *  1. as a key file, opened with the passphrase of the example vector
 *     (tests/fuzz/corpus/keyfile/example.bin opens with it): refused, or
 *     accepted with the key whose public half the file names, which then
 *     seals and opens again to the same key;
 *  2. as a mask XORed onto a good key file sealed at start-up: any nonzero
 *     mask must be refused, the zero mask accepted with the sealed key.
 * A file is only opened when its Argon2id limits are cheap (at most 4 passes
 * over 64 KiB); dearer ones in bounds would cost up to seconds each and
 * exercise nothing the cheap ones do not. Out-of-bounds limits are opened:
 * they must be refused before any derivation. */
#include "keyfile.h"
#include "init.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PASS	  "shomei example passphrase"
#define OFF_OPS	  12 /* docs/keyfile.md */
#define OFF_MEM	  20
#define OFF_PK	  68
#define CHEAP_MEM (64u * 1024)

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Whether opening would derive a key at a cost we do not want per input. */
static int too_dear(const uint8_t *file, size_t size)
{
	if (size != KEYFILE_BYTES)
		return 0; /* refused before any derivation */
	uint64_t ops = be64(file + OFF_OPS), mem = be64(file + OFF_MEM);
	return keyfile_kdf_limits_check(ops, mem) == 0 && mem > CHEAP_MEM;
}

/* Opens file; returns the key or NULL, aborting on any broken promise. */
static struct ed25519_key *open_checked(const uint8_t *file, size_t size)
{
	struct ed25519_key *k = (struct ed25519_key *)&k; /* must be overwritten */
	struct shomei_diag d;
	diag_clear(&d);
	int err = keyfile_parse(file, size, PASS, strlen(PASS), &k, &d);
	if (err) {
		if (k || err > 0 || !d.what[0])
			abort();
		return NULL;
	}
	if (!k || size != KEYFILE_BYTES || memcmp(k->pk, file + OFF_PK, ED25519_PUBLIC_BYTES) != 0)
		abort();
	/* And the secret key is the public key's. */
	unsigned char check[ED25519_PUBLIC_BYTES];
	crypto_sign_ed25519_sk_to_pk(check, k->sk);
	if (memcmp(check, k->pk, sizeof check) != 0)
		abort();
	return k;
}

static struct ed25519_key *good_key;
static unsigned char good[KEYFILE_BYTES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!good_key) {
		unsigned char seed[ED25519_SEED_BYTES];
		memset(seed, 0x5a, sizeof seed);
		if (shomei_init() != 0 || !(good_key = ed25519_key_new_from_seed(seed)) ||
		    keyfile_seal(good_key, PASS, strlen(PASS), crypto_pwhash_argon2id_OPSLIMIT_MIN,
				 crypto_pwhash_argon2id_MEMLIMIT_MIN, good, NULL) != 0)
			abort();
	}

	/* 1. The input as a key file. */
	if (!too_dear(data, size)) {
		struct ed25519_key *k = open_checked(data, size);
		if (k) {
			unsigned char again[KEYFILE_BYTES];
			struct ed25519_key *k2 = NULL;
			if (keyfile_seal(k, PASS, strlen(PASS), crypto_pwhash_argon2id_OPSLIMIT_MIN,
					 crypto_pwhash_argon2id_MEMLIMIT_MIN, again, NULL) != 0 ||
			    !(k2 = open_checked(again, sizeof again)) ||
			    sodium_memcmp(k2->sk, k->sk, ED25519_SECRET_BYTES) != 0)
				abort();
			ed25519_key_free(k2);
			ed25519_key_free(k);
		}
	}

	/* 2. The input as a change to a good key file. */
	unsigned char file[KEYFILE_BYTES];
	memcpy(file, good, sizeof file);
	int changed = 0;
	for (size_t i = 0; i < size && i < sizeof file; i++) {
		file[i] ^= data[i];
		changed |= data[i];
	}
	if (!too_dear(file, sizeof file)) {
		struct ed25519_key *k = open_checked(file, sizeof file);
		if (changed ? k != NULL
			    : !k || sodium_memcmp(k->sk, good_key->sk, ED25519_SECRET_BYTES) != 0)
			abort();
		ed25519_key_free(k);
	}
	return 0;
}
