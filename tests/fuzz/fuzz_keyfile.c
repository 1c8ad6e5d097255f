/* Key files from outside: never a crash, never a key that is not the sealed
 * one. Inputs asking for more than libsodium's minimum Argon2id cost are
 * passed over after the header checks (each would take a second). */
#include "keyfile.h"
#include "init.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PASS "shomei example passphrase"

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (shomei_init() != 0)
			abort();
		ready = 1;
	}
	if (size == KEYFILE_BYTES &&
	    (be64(data + 12) != crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	     be64(data + 20) != crypto_pwhash_argon2id_MEMLIMIT_MIN))
		return 0;
	struct ed25519_key *k = NULL;
	struct shomei_diag d;
	int err = keyfile_parse(data, size, PASS, strlen(PASS), &k, &d);
	if (err) {
		if (k)
			abort();
		return 0;
	}
	/* Accepted: the key must be the one whose public half the file names. */
	if (!k || size != KEYFILE_BYTES || memcmp(k->pk, data + 68, 32) != 0)
		abort();
	ed25519_key_free(k);
	return 0;
}
