/* didkey.h - Ed25519 Multikeys and did:key identifiers.
 *
 * A Multikey (W3C Controlled Identifiers §2.2.2) is 'z' + base58btc(multicodec
 * header || key): header 0xed 0x01 (the varint of ed25519-pub) for a public
 * key, which makes every one start "z6Mk"; 0x80 0x26 (ed25519-priv) for a
 * secret key seed. A did:key is "did:key:" + the public Multikey, and its
 * verification method is "did:key:X#X" (did:key method, §Read).
 */
#ifndef SHOMEI_DIDKEY_H
#define SHOMEI_DIDKEY_H

#include "ed25519.h"
#include "err.h"

#define MULTIKEY_ED25519_CHARS 48                 /* "z6Mk..." for 34 bytes */
#define MULTIKEY_MAX_BYTES 64                     /* a Multikey + NUL, with room */
#define DIDKEY_MAX_BYTES 64                       /* "did:key:" + Multikey + NUL */
#define DIDKEY_VM_MAX_BYTES 128                   /* "did:key:X#X" + NUL */
_Static_assert(8 + MULTIKEY_ED25519_CHARS + 1 <= DIDKEY_MAX_BYTES, "did:key fits");
_Static_assert(8 + 2 * MULTIKEY_ED25519_CHARS + 2 <= DIDKEY_VM_MAX_BYTES, "method fits");

int multikey_encode_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			   char out[MULTIKEY_MAX_BYTES]) __attribute__((warn_unused_result));

/* Decodes a public Multikey; refuses other multibase prefixes ("not base58btc"),
 * other multicodecs ("not an Ed25519 public key (multicodec 0x....)"), and
 * wrong lengths. pk is cleared on failure. */
int multikey_decode_public(const char *mb, unsigned char pk[ED25519_PUBLIC_BYTES],
			   struct shomei_diag *d) __attribute__((warn_unused_result));

/* Decodes a secret Multikey (0x8026 header) into a 32-byte seed. WARNING: seed
 * must be secret memory. */
int multikey_decode_secret(const char *mb, unsigned char seed[ED25519_SEED_BYTES],
			   struct shomei_diag *d) __attribute__((warn_unused_result));

int didkey_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES], char out[DIDKEY_MAX_BYTES])
	__attribute__((warn_unused_result));

/* "did:key:z6Mk..." to the key; "not a did:key" for anything else. */
int didkey_to_public(const char *did, unsigned char pk[ED25519_PUBLIC_BYTES],
		     struct shomei_diag *d) __attribute__((warn_unused_result));

int didkey_vm_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			  char out[DIDKEY_VM_MAX_BYTES]) __attribute__((warn_unused_result));

/* "did:key:X#X" (or a bare "did:key:X") to the key; the fragment, when
 * present, must equal X. */
int didkey_vm_to_public(const char *vm, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
