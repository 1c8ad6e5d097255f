/* didkey.h - Ed25519 Multikeys and did:key identifiers.
 *
 * A Multikey (W3C Controlled Identifiers v1.0 §2.2.2 Multikey) is 'z' +
 * base58btc(multicodec header || key). The header is the unsigned varint of
 * the multicodec: 0xed 0x01 for ed25519-pub (0xed), which makes every public
 * Multikey start "z6Mk", and 0x80 0x26 for ed25519-priv (0x1300), which makes
 * a secret one start "z3u2". A did:key (did:key Method v0.7) is "did:key:" +
 * the public Multikey, and the id of its one verification method is
 * "did:key:X#X" with the same X on both sides.
 *
 * Every function borrows its arguments; outputs are caller arrays of the
 * sizes below. Decoders are strict (one accepted spelling per key), fill an
 * optional struct shomei_diag (where is left empty, for the caller to prefix),
 * and clear their key output on failure. A decoded public key is checked for
 * its length only, not for being a point of the curve: ed25519_verify refuses
 * signatures under a key that is not.
 */
#ifndef SHOMEI_DIDKEY_H
#define SHOMEI_DIDKEY_H

#include "ed25519.h"
#include "err.h"

#define DIDKEY_PREFIX	    "did:key:"
#define DIDKEY_PREFIX_CHARS 8
_Static_assert(sizeof DIDKEY_PREFIX - 1 == DIDKEY_PREFIX_CHARS, "prefix length");

/* 'z' + 47 base58 digits: 0xed01 || 32 bytes lies in [58^46, 58^47) for every key, and
 * so does 0x8026 || 32 bytes; tests/unit/test_didkey.c checks it. */
#define MULTIKEY_ED25519_CHARS 48
#define DIDKEY_ED25519_CHARS   (DIDKEY_PREFIX_CHARS + MULTIKEY_ED25519_CHARS) /* 56 */

#define MULTIKEY_MAX_BYTES  64	/* a Multikey + NUL, with room */
#define DIDKEY_MAX_BYTES    64	/* "did:key:" + Multikey + NUL */
#define DIDKEY_VM_MAX_BYTES 128 /* "did:key:X#X" + NUL */
_Static_assert(MULTIKEY_ED25519_CHARS + 1 <= MULTIKEY_MAX_BYTES, "Multikey fits");
_Static_assert(DIDKEY_ED25519_CHARS + 1 <= DIDKEY_MAX_BYTES, "did:key fits");
_Static_assert(DIDKEY_ED25519_CHARS + 1 + MULTIKEY_ED25519_CHARS + 1 <= DIDKEY_VM_MAX_BYTES,
	       "verification method fits");

/* Writes the public Multikey of pk ("z6Mk...", MULTIKEY_ED25519_CHARS long)
 * into out. Returns 0; the result exists for uniformity and is never an error
 * for a 32-byte key. */
int multikey_encode_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			   char out[MULTIKEY_MAX_BYTES]) __attribute__((warn_unused_result));

/* Decodes the NUL-terminated public Multikey mb into pk. Returns 0, or
 *   SHOMEI_ERR_PARSE    "not base58btc (multibase 'z')" for another multibase
 *                       prefix or none; "not base58btc" for a character
 *                       outside the alphabet, a bare "z" or an absurd length;
 *   SHOMEI_ERR_INVALID  "not an Ed25519 public key (multicodec 0xec01)" (the
 *                       first two bytes found are shown, e.g. 0x8026 for a
 *                       secret Multikey); "wrong length: N key bytes".
 * pk is cleared on failure; mb NULL is refused like "". */
int multikey_decode_public(const char *mb, unsigned char pk[ED25519_PUBLIC_BYTES],
			   struct shomei_diag *d) __attribute__((warn_unused_result));

/* Decodes a secret Multikey (header 0x80 0x26, "z3u2...") into the 32-byte
 * RFC 8032 seed, with the same errors ("not an Ed25519 secret key (multicodec
 * 0x....)"). WARNING: seed must be secret memory (sodium_malloc'd), wiped by
 * the caller; the function wipes its own copies and clears seed on failure. */
int multikey_decode_secret(const char *mb, unsigned char seed[ED25519_SEED_BYTES],
			   struct shomei_diag *d) __attribute__((warn_unused_result));

/* Writes "did:key:" + the public Multikey of pk (DIDKEY_ED25519_CHARS long)
 * into out. Returns 0 (see multikey_encode_public). */
int didkey_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES], char out[DIDKEY_MAX_BYTES])
    __attribute__((warn_unused_result));

/* Decodes the NUL-terminated "did:key:z6Mk..." into pk. SHOMEI_ERR_INVALID
 * "not a did:key" when did is NULL or does not start with "did:key:" (which
 * is case-sensitive); otherwise the errors of multikey_decode_public. A DID
 * URL (with "#fragment", path or query) is not a DID and is refused. pk is
 * cleared on failure. */
int didkey_to_public(const char *did, unsigned char pk[ED25519_PUBLIC_BYTES], struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Writes the verification method id "did:key:X#X" of pk into out. Returns 0
 * (see multikey_encode_public). */
int didkey_vm_from_public(const unsigned char pk[ED25519_PUBLIC_BYTES],
			  char out[DIDKEY_VM_MAX_BYTES]) __attribute__((warn_unused_result));

/* Decodes a verification method id, "did:key:X#X", or a bare "did:key:X",
 * into pk. A fragment, when present, must equal X exactly: SHOMEI_ERR_INVALID
 * "fragment is not the did:key's own key" otherwise. Other errors as
 * didkey_to_public. pk is cleared on failure. */
int didkey_vm_to_public(const char *vm, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
