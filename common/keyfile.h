/* keyfile.h - encrypted Ed25519 key files (the institution's signing key).
 *
 * The 32-byte seed is sealed with XChaCha20-Poly1305-IETF under a key derived
 * from the passphrase with Argon2id v1.3 (RFC 9106); the whole header, public
 * key included, is the associated data, so no byte of the file can change
 * unnoticed. The public key is in the clear so that the did:key can be shown
 * without the passphrase. docs/keyfile.md gives the layout byte by byte, and
 * vectors/shomei/keyfile-v1-example.bin pins it.
 *
 * The Argon2id derivation (keyfile_derive) is shared: the wallet's vault
 * derives its master key from a passphrase the same way.
 *
 * Secrets: the derived key and the seed only ever sit in sodium_malloc'd memory
 * and are wiped before any of these functions returns. Passphrases are borrowed.
 */
#ifndef SHOMEI_KEYFILE_H
#define SHOMEI_KEYFILE_H

#include "ed25519.h"
#include "err.h"

#include <stddef.h>

#define KEYFILE_MAGIC	       "SHOMEIKEY"
#define KEYFILE_MAGIC_BYTES    9
#define KEYFILE_VERSION	       1
#define KEYFILE_TYPE_ED25519   1
#define KEYFILE_KDF_ARGON2ID13 1
#define KEYFILE_SALT_BYTES     16
#define KEYFILE_NONCE_BYTES    24
#define KEYFILE_TAG_BYTES      16
/* magic, version, key type, KDF id, opslimit (u64), memlimit (u64), salt, nonce,
 * public key: everything before the ciphertext, all of it associated data */
#define KEYFILE_HEADER_BYTES                                                                       \
	(KEYFILE_MAGIC_BYTES + 3 + 8 + 8 + KEYFILE_SALT_BYTES + KEYFILE_NONCE_BYTES +              \
	 ED25519_PUBLIC_BYTES)
/* A version 1 key file is exactly this long: header, sealed seed, tag. */
#define KEYFILE_BYTES	  (KEYFILE_HEADER_BYTES + ED25519_SEED_BYTES + KEYFILE_TAG_BYTES)
#define KEYFILE_KEY_BYTES 32 /* the derived encryption key */

/* libsodium's crypto_pwhash_argon2id_OPSLIMIT_* and _MEMLIMIT_* of each name. */
enum keyfile_kdf_level {
	KEYFILE_KDF_INTERACTIVE, /* 64 MiB, 2 passes */
	KEYFILE_KDF_MODERATE,	 /* 256 MiB, 3 passes */
	KEYFILE_KDF_SENSITIVE	 /* 1 GiB, 4 passes */
};

/* The Argon2id limits of a level (a value outside the enum gives MODERATE's). */
void keyfile_kdf_limits(enum keyfile_kdf_level level, unsigned long long *ops, size_t *mem);

/* 0 when ops/mem lie within libsodium's Argon2id bounds, from its *_MIN up to
 * *_SENSITIVE; SHOMEI_ERR_INVALID otherwise. This is all a file may ask of
 * us, so that a crafted file cannot make us allocate a terabyte or compute for
 * a day. */
int keyfile_kdf_limits_check(unsigned long long ops, unsigned long long mem)
    __attribute__((warn_unused_result));

/* Derives a KEYFILE_KEY_BYTES key from pass_len bytes of pass and a salt with
 * Argon2id v1.3 at ops passes over mem bytes. Returns 0, SHOMEI_ERR_INVALID
 * for limits keyfile_kdf_limits_check refuses, SHOMEI_ERR_NOMEM when Argon2id
 * cannot get its memory. WARNING: key must be secret (sodium_malloc'd) memory. */
int keyfile_derive(const char *pass, size_t pass_len, const unsigned char salt[KEYFILE_SALT_BYTES],
		   unsigned long long ops, size_t mem, unsigned char key[KEYFILE_KEY_BYTES])
    __attribute__((warn_unused_result));

/* Seals key into a key file image in out, with a fresh random salt and nonce,
 * at Argon2id limits ops/mem (which keyfile_kdf_limits_check must accept).
 * An empty passphrase is refused (SHOMEI_ERR_USAGE). out holds no secret: the
 * seed in it is encrypted. On failure out is zeroed. */
int keyfile_seal(const struct ed25519_key *key, const char *pass, size_t pass_len,
		 unsigned long long ops, size_t mem, unsigned char out[KEYFILE_BYTES],
		 struct shomei_diag *d) __attribute__((warn_unused_result));

/* Creates the key file at path, sealed at `level`: mode 0600, written to a
 * temporary file (O_EXCL|O_NOFOLLOW), fsync'd and renamed into place in one
 * step that fails with SHOMEI_ERR_EXISTS if anything, a dangling symlink
 * included, is already at path (nothing is followed or overwritten). "-"
 * (standard output) is refused: a key file needs a file. */
int keyfile_write(const char *path, const struct ed25519_key *key, const char *pass,
		  size_t pass_len, enum keyfile_kdf_level level, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* WARNING: for tests and test vectors only. keyfile_write with explicit
 * Argon2id limits, so that tests can use libsodium's minimums, which protect
 * a passphrase from guessing hardly at all. */
int keyfile_write_with_limits(const char *path, const struct ed25519_key *key, const char *pass,
			      size_t pass_len, unsigned long long ops, size_t mem,
			      struct shomei_diag *d) __attribute__((warn_unused_result));

/* Opens a key file image of len bytes held in memory (borrowed).
 * Refusals, checked in this order:
 *   SHOMEI_ERR_PARSE        "not a shomei key file" (no magic),
 *                           "truncated key file", "key file has trailing bytes"
 *   SHOMEI_ERR_UNSUPPORTED  another format version, key type or KDF
 *   SHOMEI_ERR_INVALID      Argon2id limits out of bounds (keyfile_kdf_limits_check),
 *                           refused before any derivation
 *   SHOMEI_ERR_DECRYPT      "wrong passphrase or damaged key file": the tag does
 *                           not verify (a wrong passphrase and an altered byte
 *                           cannot be told apart), or the seed does not give the
 *                           stored public key
 * On success *out is a new key (free with ed25519_key_free) whose public key is
 * the file's; on failure *out is NULL. */
int keyfile_parse(const unsigned char *data, size_t len, const char *pass, size_t pass_len,
		  struct ed25519_key **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Reads the key file at path ("-": standard input) and opens it as
 * keyfile_parse does; a file that cannot be read is SHOMEI_ERR_IO. */
int keyfile_read(const char *path, const char *pass, size_t pass_len, struct ed25519_key **out,
		 struct shomei_diag *d) __attribute__((warn_unused_result));

/* The public key of the key file at path, without the passphrase: checks the
 * format as keyfile_parse does up to the KDF limits, then copies the public
 * key out. On failure pk is zeroed.
 * WARNING: nothing authenticates this key until the file is opened with the
 * passphrase; anyone who can write the file can change it. Use it to show a
 * did:key, not to decide whom to trust. */
int keyfile_read_public(const char *path, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d) __attribute__((warn_unused_result));

/* Opens the key file at path with old_pass and replaces it, atomically (temp
 * file, fsync, rename; mode 0600), with the same key sealed under new_pass at
 * `level` with a fresh salt and nonce. On any failure the file is unchanged. */
int keyfile_change_passphrase(const char *path, const char *old_pass, size_t old_len,
			      const char *new_pass, size_t new_len, enum keyfile_kdf_level level,
			      struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
