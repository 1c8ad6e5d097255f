/* did:key identifiers and Multikeys from outside (common/didkey.h). The input,
 * cut at its first NUL as a C string would be, goes through every decoder:
 *  - an accepted did:key or verification method re-encodes to the input's DID
 *    part, and a fragment, when there was one, to the whole input;
 *  - an accepted Multikey re-encodes to the input (public), or is the
 *    multibase form of 0x80 0x26 || seed (secret);
 *  - a refusal clears the key and says what was wrong. */
#include "didkey.h"

#include "base58.h"
#include "init.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_CHARS 1024

static const unsigned char zeros[32];

static void expect_refusal(int err, const unsigned char key[32], const struct shomei_diag *d)
{
	if ((err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_INVALID) || memcmp(key, zeros, 32) != 0 ||
	    d->what[0] == '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (shomei_init() != 0)
			abort();
		ready = 1;
	}
	if (size > FUZZ_MAX_CHARS)
		return 0;
	char in[FUZZ_MAX_CHARS + 1];
	memcpy(in, data, size);
	in[size] = '\0';
	size_t len = strlen(in);

	unsigned char pk[ED25519_PUBLIC_BYTES];
	char out[DIDKEY_VM_MAX_BYTES];
	struct shomei_diag d;

	/* a verification method, or a bare did:key */
	memset(pk, 0xaa, sizeof pk);
	diag_clear(&d);
	int err = didkey_vm_to_public(in, pk, &d);
	if (err) {
		expect_refusal(err, pk, &d);
	} else {
		const char *hash = strchr(in, '#');
		size_t did_len = hash ? (size_t)(hash - in) : len;
		if (didkey_from_public(pk, out) != 0 || strlen(out) != did_len ||
		    memcmp(out, in, did_len) != 0)
			abort();
		if (hash && (didkey_vm_from_public(pk, out) != 0 || strcmp(out, in) != 0))
			abort();
	}
	int vm_err = err;

	/* a did:key */
	memset(pk, 0xaa, sizeof pk);
	diag_clear(&d);
	err = didkey_to_public(in, pk, &d);
	if (err) {
		expect_refusal(err, pk, &d);
	} else {
		if (didkey_from_public(pk, out) != 0 || strcmp(out, in) != 0)
			abort();
		if (vm_err) /* every did:key is also a verification method */
			abort();
	}

	/* a public Multikey */
	memset(pk, 0xaa, sizeof pk);
	diag_clear(&d);
	err = multikey_decode_public(in, pk, &d);
	if (err) {
		expect_refusal(err, pk, &d);
	} else {
		char mb[MULTIKEY_MAX_BYTES];
		if (multikey_encode_public(pk, mb) != 0 || strcmp(mb, in) != 0 ||
		    len != MULTIKEY_ED25519_CHARS)
			abort();
	}

	/* a secret Multikey */
	unsigned char seed[ED25519_SEED_BYTES];
	memset(seed, 0xaa, sizeof seed);
	diag_clear(&d);
	err = multikey_decode_secret(in, seed, &d);
	if (err) {
		expect_refusal(err, seed, &d);
	} else {
		unsigned char raw[2 + ED25519_SEED_BYTES] = {0x80, 0x26};
		memcpy(raw + 2, seed, sizeof seed);
		char mb[MULTIKEY_MAX_BYTES];
		if (multibase_base58btc_encode(raw, sizeof raw, mb, sizeof mb) != 0 ||
		    strcmp(mb, in) != 0 || len != MULTIKEY_ED25519_CHARS)
			abort();
	}
	return 0;
}
