#include "didkey.h"

#include "base58.h"

#include <sodium.h>
#include <string.h>

#define MULTICODEC_BYTES   2
#define MULTIKEY_RAW_BYTES (MULTICODEC_BYTES + ED25519_PUBLIC_BYTES)
_Static_assert(ED25519_SEED_BYTES == ED25519_PUBLIC_BYTES, "one raw size for both kinds");

static const unsigned char ed25519_pub[MULTICODEC_BYTES] = {0xed, 0x01};
static const unsigned char ed25519_priv[MULTICODEC_BYTES] = {0x80, 0x26};

static int encode_public(const unsigned char pk[ED25519_PUBLIC_BYTES], char *out, size_t cap)
{
	unsigned char raw[MULTIKEY_RAW_BYTES];
	memcpy(raw, ed25519_pub, MULTICODEC_BYTES);
	memcpy(raw + MULTICODEC_BYTES, pk, ED25519_PUBLIC_BYTES);
	return multibase_base58btc_encode(raw, sizeof raw, out, cap);
}

/* mb[0..len) to the 32 bytes after `header`. raw may hold a secret seed, so it
 * is wiped on every path. */
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
		/* Fewer than two bytes show as zeros: "z1" says 0x0000. */
		err = diag_set(d, SHOMEI_ERR_INVALID, NULL,
			       "not an Ed25519 %s key (multicodec 0x%02x%02x)", kind,
			       n > 0 ? raw[0] : 0, n > 1 ? raw[1] : 0);
	else if (n != MULTIKEY_RAW_BYTES)
		err = diag_set(d, SHOMEI_ERR_INVALID, NULL, "wrong length: %zu key bytes",
			       n - MULTICODEC_BYTES);
	else
		memcpy(key, raw + MULTICODEC_BYTES, 32);
	sodium_memzero(raw, sizeof raw);
	if (err)
		sodium_memzero(key, 32);
	return err;
}

int multikey_encode_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			   char out[MULTIKEY_MAX_BYTES])
{
	return encode_public(pk, out, MULTIKEY_MAX_BYTES);
}

int multikey_decode_public(const char *mb, unsigned char pk[ED25519_PUBLIC_BYTES],
			   struct shomei_diag *d)
{
	return decode(mb ? mb : "", mb ? strlen(mb) : 0, ed25519_pub, "public", pk, d);
}

int multikey_decode_secret(const char *mb, unsigned char seed[ED25519_SEED_BYTES],
			   struct shomei_diag *d)
{
	return decode(mb ? mb : "", mb ? strlen(mb) : 0, ed25519_priv, "secret", seed, d);
}

int didkey_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES], char out[DIDKEY_MAX_BYTES])
{
	memcpy(out, DIDKEY_PREFIX, DIDKEY_PREFIX_CHARS);
	return encode_public(pk, out + DIDKEY_PREFIX_CHARS, DIDKEY_MAX_BYTES - DIDKEY_PREFIX_CHARS);
}

int didkey_to_public(const char *did, unsigned char pk[ED25519_PUBLIC_BYTES], struct shomei_diag *d)
{
	if (!did || strncmp(did, DIDKEY_PREFIX, DIDKEY_PREFIX_CHARS) != 0) {
		sodium_memzero(pk, ED25519_PUBLIC_BYTES);
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a did:key");
	}
	const char *mb = did + DIDKEY_PREFIX_CHARS;
	return decode(mb, strlen(mb), ed25519_pub, "public", pk, d);
}

int didkey_vm_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			  char out[DIDKEY_VM_MAX_BYTES])
{
	char mb[MULTIKEY_MAX_BYTES];
	int err = multikey_encode_public(pk, mb);
	if (err)
		return err;
	size_t len = strlen(mb);
	/* "did:key:" mb "#" mb NUL; the _Static_asserts of didkey.h make it fit. */
	char *p = out;
	memcpy(p, DIDKEY_PREFIX, DIDKEY_PREFIX_CHARS);
	p += DIDKEY_PREFIX_CHARS;
	memcpy(p, mb, len);
	p += len;
	*p++ = '#';
	memcpy(p, mb, len + 1);
	return 0;
}

int didkey_vm_to_public(const char *vm, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d)
{
	if (!vm || strncmp(vm, DIDKEY_PREFIX, DIDKEY_PREFIX_CHARS) != 0) {
		sodium_memzero(pk, ED25519_PUBLIC_BYTES);
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a did:key");
	}
	const char *id = vm + DIDKEY_PREFIX_CHARS;
	const char *hash = strchr(id, '#');
	size_t len = hash ? (size_t)(hash - id) : strlen(id);
	/* A did:key document has one verification method, whose id is the DID,
	 * '#' and the Multikey again (did:key Method, Document Creation Algorithm);
	 * any other fragment names nothing, so it is refused rather than ignored. */
	if (hash && (strlen(hash + 1) != len || memcmp(hash + 1, id, len) != 0)) {
		sodium_memzero(pk, ED25519_PUBLIC_BYTES);
		return diag_set(d, SHOMEI_ERR_INVALID, NULL,
				"fragment is not the did:key's own key");
	}
	return decode(id, len, ed25519_pub, "public", pk, d);
}
