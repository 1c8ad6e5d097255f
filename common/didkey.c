#include "didkey.h"

#include "base58.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define MULTICODEC_BYTES 2
static const unsigned char ed25519_pub[MULTICODEC_BYTES] = {0xed, 0x01};
static const unsigned char ed25519_priv[MULTICODEC_BYTES] = {0x80, 0x26};

static int encode(const unsigned char header[MULTICODEC_BYTES], const unsigned char key[32],
		  char *out, size_t cap)
{
	unsigned char raw[MULTICODEC_BYTES + 32];
	memcpy(raw, header, MULTICODEC_BYTES);
	memcpy(raw + MULTICODEC_BYTES, key, 32);
	int err = multibase_base58btc_encode(raw, sizeof raw, out, cap);
	sodium_memzero(raw, sizeof raw);
	return err;
}

static int decode(const char *mb, size_t len, const unsigned char header[MULTICODEC_BYTES],
		  const char *kind, unsigned char key[32], struct shomei_diag *d)
{
	unsigned char raw[BASE58_MAX_BYTES];
	size_t n = 0;
	int err = 0;
	if (len == 0 || mb[0] != 'z')
		err = diag_set(d, SHOMEI_ERR_PARSE, NULL, "not base58btc (multibase 'z')");
	else if (multibase_base58btc_decode(mb, len, raw, sizeof raw, &n) != 0)
		err = diag_set(d, SHOMEI_ERR_PARSE, NULL, "not base58btc");
	else if (n < MULTICODEC_BYTES || memcmp(raw, header, MULTICODEC_BYTES) != 0)
		err = diag_set(d, SHOMEI_ERR_INVALID, NULL,
			       "not an Ed25519 %s key (multicodec 0x%02x%02x)", kind,
			       n > 0 ? raw[0] : 0, n > 1 ? raw[1] : 0);
	else if (n != MULTICODEC_BYTES + 32)
		err = diag_set(d, SHOMEI_ERR_INVALID, NULL, "wrong length: %zu key bytes",
			       n - MULTICODEC_BYTES);
	else
		memcpy(key, raw + MULTICODEC_BYTES, 32);
	sodium_memzero(raw, sizeof raw);
	if (err)
		memset(key, 0, 32);
	return err;
}

int multikey_encode_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			   char out[MULTIKEY_MAX_BYTES])
{
	return encode(ed25519_pub, pk, out, MULTIKEY_MAX_BYTES);
}

int multikey_decode_public(const char *mb, unsigned char pk[ED25519_PUBLIC_BYTES],
			   struct shomei_diag *d)
{
	return decode(mb, strlen(mb), ed25519_pub, "public", pk, d);
}

int multikey_decode_secret(const char *mb, unsigned char seed[ED25519_SEED_BYTES],
			   struct shomei_diag *d)
{
	return decode(mb, strlen(mb), ed25519_priv, "secret", seed, d);
}

int didkey_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES], char out[DIDKEY_MAX_BYTES])
{
	memcpy(out, "did:key:", 8);
	return encode(ed25519_pub, pk, out + 8, DIDKEY_MAX_BYTES - 8);
}

int didkey_to_public(const char *did, unsigned char pk[ED25519_PUBLIC_BYTES],
		     struct shomei_diag *d)
{
	memset(pk, 0, ED25519_PUBLIC_BYTES);
	if (!did || strncmp(did, "did:key:", 8) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a did:key");
	return decode(did + 8, strlen(did + 8), ed25519_pub, "public", pk, d);
}

int didkey_vm_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			  char out[DIDKEY_VM_MAX_BYTES])
{
	char mb[MULTIKEY_MAX_BYTES];
	int err = multikey_encode_public(pk, mb);
	if (err)
		return err;
	int n = snprintf(out, DIDKEY_VM_MAX_BYTES, "did:key:%s#%s", mb, mb);
	return n < 0 || n >= DIDKEY_VM_MAX_BYTES ? SHOMEI_ERR_LIMIT : 0;
}

int didkey_vm_to_public(const char *vm, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d)
{
	memset(pk, 0, ED25519_PUBLIC_BYTES);
	if (!vm || strncmp(vm, "did:key:", 8) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a did:key");
	const char *id = vm + 8;
	const char *hash = strchr(id, '#');
	size_t len = hash ? (size_t)(hash - id) : strlen(id);
	if (hash && (strlen(hash + 1) != len || memcmp(hash + 1, id, len) != 0))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL,
				"fragment is not the did:key's own key");
	return decode(id, len, ed25519_pub, "public", pk, d);
}
