/* keyfile.h - encrypted Ed25519 key files (the institution's signing key).
 *
 * The seed is sealed with XChaCha20-Poly1305-IETF under a key derived from the
 * passphrase with Argon2id (RFC 9106); the whole header, public key included,
 * is the associated data, so no byte of the file can change unnoticed. The
 * public key is in the clear so that the did:key can be shown without the
 * passphrase. docs/keyfile.md gives the layout byte by byte.
 */
#ifndef SHOMEI_KEYFILE_H
#define SHOMEI_KEYFILE_H

#include "ed25519.h"
#include "err.h"

#include <stddef.h>

#define KEYFILE_MAGIC "SHOMEIKEY"
#define KEYFILE_MAGIC_BYTES 9
#define KEYFILE_VERSION 1
#define KEYFILE_TYPE_ED25519 1
#define KEYFILE_KDF_ARGON2ID13 1
#define KEYFILE_SALT_BYTES 16
#define KEYFILE_NONCE_BYTES 24
#define KEYFILE_TAG_BYTES 16
#define KEYFILE_HEADER_BYTES                                                                       \
	(KEYFILE_MAGIC_BYTES + 3 + 8 + 8 + KEYFILE_SALT_BYTES + KEYFILE_NONCE_BYTES +               \
	 ED25519_PUBLIC_BYTES)
#define KEYFILE_BYTES (KEYFILE_HEADER_BYTES + ED25519_SEED_BYTES + KEYFILE_TAG_BYTES)
#define KEYFILE_KEY_BYTES 32 /* the derived encryption key */

enum keyfile_kdf_level {
	KEYFILE_KDF_INTERACTIVE, /* libsodium's crypto_pwhash_*_INTERACTIVE: 64 MiB, 2 passes */
	KEYFILE_KDF_MODERATE,    /* _MODERATE: 256 MiB, 3 passes */
	KEYFILE_KDF_SENSITIVE    /* _SENSITIVE: 1 GiB, 4 passes */
};

/* The Argon2id limits of a level. */
void keyfile_kdf_limits(enum keyfile_kdf_level level, unsigned long long *ops, size_t *mem);

/* 0 when ops/mem lie within libsodium's Argon2id [MIN, SENSITIVE] bounds: what
 * a file may ask of us, so a crafted file cannot make us allocate terabytes. */
int keyfile_kdf_limits_check(unsigned long long ops, unsigned long long mem);

/* Derives a KEYFILE_KEY_BYTES key from a passphrase and a salt with Argon2id.
 * WARNING: key must be secret memory. */
int keyfile_derive(const char *pass, size_t pass_len, const unsigned char salt[KEYFILE_SALT_BYTES],
		   unsigned long long ops, size_t mem, unsigned char key[KEYFILE_KEY_BYTES])
	__attribute__((warn_unused_result));

/* Creates the key file at path (mode 0600, never over an existing file:
 * SHOMEI_ERR_EXISTS; written temp -> fsync -> rename). */
int keyfile_write(const char *path, const struct ed25519_key *key, const char *pass,
		  size_t pass_len, enum keyfile_kdf_level level, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* WARNING: tests only. keyfile_write with explicit Argon2id limits, so tests
 * can use libsodium's minimums. */
int keyfile_write_with_limits(const char *path, const struct ed25519_key *key, const char *pass,
			      size_t pass_len, unsigned long long ops, size_t mem,
			      struct shomei_diag *d) __attribute__((warn_unused_result));

/* Opens a key file held in memory. A wrong passphrase or any altered byte is
 * SHOMEI_ERR_DECRYPT ("wrong passphrase or damaged key file"); a short file or
 * wrong magic SHOMEI_ERR_PARSE; another version SHOMEI_ERR_UNSUPPORTED. On
 * success *out is a new key (ed25519_key_free); on failure NULL. */
int keyfile_parse(const unsigned char *data, size_t len, const char *pass, size_t pass_len,
		  struct ed25519_key **out, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* Reads and opens the key file at path, as keyfile_parse. */
int keyfile_read(const char *path, const char *pass, size_t pass_len, struct ed25519_key **out,
		 struct shomei_diag *d) __attribute__((warn_unused_result));

/* The public key of the key file at path, without the passphrase (checked only
 * for the format: the passphrase is what authenticates it). */
int keyfile_read_public(const char *path, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
