/* keyfile.c - the key file format of docs/keyfile.md, on libsodium's Argon2id
 * (crypto_pwhash) and XChaCha20-Poly1305-IETF (crypto_aead_xchacha20poly1305_ietf).
 * Only the fixed byte layout is ours.
 */
#include "keyfile.h"

#include "fileio.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(KEYFILE_HEADER_BYTES == 100, "header layout of docs/keyfile.md");
_Static_assert(KEYFILE_BYTES == 148, "file size of docs/keyfile.md");
_Static_assert(sizeof KEYFILE_MAGIC - 1 == KEYFILE_MAGIC_BYTES, "magic length");
_Static_assert(KEYFILE_SALT_BYTES == crypto_pwhash_argon2id_SALTBYTES, "salt size");
_Static_assert(KEYFILE_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce");
_Static_assert(KEYFILE_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag");
_Static_assert(KEYFILE_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key");
_Static_assert(crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE <= SIZE_MAX, "memlimit fits a size_t");

/* Offsets of docs/keyfile.md. */
enum {
	OFF_VERSION = KEYFILE_MAGIC_BYTES,
	OFF_TYPE = OFF_VERSION + 1,
	OFF_KDF = OFF_TYPE + 1,
	OFF_OPS = OFF_KDF + 1,
	OFF_MEM = OFF_OPS + 8,
	OFF_SALT = OFF_MEM + 8,
	OFF_NONCE = OFF_SALT + KEYFILE_SALT_BYTES,
	OFF_PK = OFF_NONCE + KEYFILE_NONCE_BYTES,
	OFF_CT = OFF_PK + ED25519_PUBLIC_BYTES,
	OFF_TAG = OFF_CT + ED25519_SEED_BYTES,
};
_Static_assert(OFF_CT == KEYFILE_HEADER_BYTES, "the ciphertext follows the header");
_Static_assert(OFF_TAG + KEYFILE_TAG_BYTES == KEYFILE_BYTES, "the tag ends the file");

/* The derived key and the seed, together in one guarded allocation. */
struct keyfile_secret {
	unsigned char key[KEYFILE_KEY_BYTES];
	unsigned char seed[ED25519_SEED_BYTES];
};

#define DECRYPT_WHAT "wrong passphrase or damaged key file"

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void keyfile_kdf_limits(enum keyfile_kdf_level level, unsigned long long *ops, size_t *mem)
{
	switch (level) {
	case KEYFILE_KDF_INTERACTIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
		return;
	case KEYFILE_KDF_SENSITIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
		return;
	case KEYFILE_KDF_MODERATE: break;
	}
	*ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
	*mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
}

int keyfile_kdf_limits_check(unsigned long long ops, unsigned long long mem)
{
	if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	    ops > crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE ||
	    mem < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
	    mem > crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE)
		return SHOMEI_ERR_INVALID;
	return 0;
}

int keyfile_derive(const char *pass, size_t pass_len, const unsigned char salt[KEYFILE_SALT_BYTES],
		   unsigned long long ops, size_t mem, unsigned char key[KEYFILE_KEY_BYTES])
{
	if (keyfile_kdf_limits_check(ops, mem) != 0)
		return SHOMEI_ERR_INVALID;
	if (crypto_pwhash(key, KEYFILE_KEY_BYTES, pass, pass_len, salt, ops, mem,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SHOMEI_ERR_NOMEM; /* the only way it fails with limits in bounds */
	return 0;
}

int keyfile_seal(const struct ed25519_key *key, const char *pass, size_t pass_len,
		 unsigned long long ops, size_t mem, unsigned char out[KEYFILE_BYTES],
		 struct shomei_diag *d)
{
	memset(out, 0, KEYFILE_BYTES);
	if (!key || !pass)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no key or no passphrase");
	if (pass_len == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "empty passphrase");
	if (keyfile_kdf_limits_check(ops, mem) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL,
				"Argon2id limits out of bounds (opslimit %llu, memlimit %zu)", ops,
				mem);

	unsigned char *h = out;
	memcpy(h, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES);
	h[OFF_VERSION] = KEYFILE_VERSION;
	h[OFF_TYPE] = KEYFILE_TYPE_ED25519;
	h[OFF_KDF] = KEYFILE_KDF_ARGON2ID13;
	put_u64(h + OFF_OPS, ops);
	put_u64(h + OFF_MEM, mem);
	randombytes_buf(h + OFF_SALT, KEYFILE_SALT_BYTES);
	randombytes_buf(h + OFF_NONCE, KEYFILE_NONCE_BYTES);
	memcpy(h + OFF_PK, key->pk, ED25519_PUBLIC_BYTES);

	int err;
	struct keyfile_secret *s = sodium_malloc(sizeof *s);
	if (!s) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
		goto out;
	}
	err = keyfile_derive(pass, pass_len, h + OFF_SALT, ops, mem, s->key);
	if (err) {
		diag_set(d, err, NULL, "cannot derive a key from the passphrase (out of memory)");
		goto out;
	}
	ed25519_key_seed(key, s->seed);
	/* Ciphertext and tag are contiguous: OFF_CT .. KEYFILE_BYTES. */
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + OFF_CT, NULL, s->seed, ED25519_SEED_BYTES,
						   h, KEYFILE_HEADER_BYTES, NULL, h + OFF_NONCE,
						   s->key);
out:
	sodium_free(s); /* wipes the derived key and the seed */
	if (err)
		memset(out, 0, KEYFILE_BYTES);
	return err;
}

int keyfile_write_with_limits(const char *path, const struct ed25519_key *key, const char *pass,
			      size_t pass_len, unsigned long long ops, size_t mem,
			      struct shomei_diag *d)
{
	if (!path || strcmp(path, "-") == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL,
				"a key file must be a file, not standard output");
	unsigned char file[KEYFILE_BYTES];
	int err = keyfile_seal(key, pass, pass_len, ops, mem, file, d);
	if (!err)
		err = fileio_write_atomic(path, file, sizeof file, 0600, FILEIO_NO_REPLACE, d);
	return err;
}

int keyfile_write(const char *path, const struct ed25519_key *key, const char *pass,
		  size_t pass_len, enum keyfile_kdf_level level, struct shomei_diag *d)
{
	unsigned long long ops;
	size_t mem;
	keyfile_kdf_limits(level, &ops, &mem);
	return keyfile_write_with_limits(path, key, pass, pass_len, ops, mem, d);
}

/* Everything that can be checked without the passphrase. */
static int check_header(const unsigned char *data, size_t len, struct shomei_diag *d)
{
	if (len < KEYFILE_MAGIC_BYTES || memcmp(data, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES) != 0)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a shomei key file");
	if (len < KEYFILE_BYTES)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "truncated key file (%zu of %d bytes)",
				len, KEYFILE_BYTES);
	if (len > KEYFILE_BYTES)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "key file has trailing bytes");
	if (data[OFF_VERSION] != KEYFILE_VERSION)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL,
				"key file version %u not supported", data[OFF_VERSION]);
	if (data[OFF_TYPE] != KEYFILE_TYPE_ED25519)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "key type %u not supported",
				data[OFF_TYPE]);
	if (data[OFF_KDF] != KEYFILE_KDF_ARGON2ID13)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "key derivation %u not supported",
				data[OFF_KDF]);
	uint64_t ops = get_u64(data + OFF_OPS), mem = get_u64(data + OFF_MEM);
	if (keyfile_kdf_limits_check(ops, mem) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL,
				"damaged key file: Argon2id limits out of bounds (opslimit %llu, "
				"memlimit %llu)",
				(unsigned long long)ops, (unsigned long long)mem);
	return 0;
}

int keyfile_parse(const unsigned char *data, size_t len, const char *pass, size_t pass_len,
		  struct ed25519_key **out, struct shomei_diag *d)
{
	*out = NULL;
	if (!data || !pass)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no key file or no passphrase");
	int err = check_header(data, len, d);
	if (err)
		return err;
	struct ed25519_key *key = NULL;
	struct keyfile_secret *s = sodium_malloc(sizeof *s);
	if (!s) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
		goto out;
	}
	/* In bounds (check_header), so the cast cannot truncate. */
	err = keyfile_derive(pass, pass_len, data + OFF_SALT, get_u64(data + OFF_OPS),
			     (size_t)get_u64(data + OFF_MEM), s->key);
	if (err) {
		diag_set(d, err, NULL, "cannot derive a key from the passphrase (out of memory)");
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		s->seed, NULL, NULL, data + OFF_CT, KEYFILE_BYTES - OFF_CT, data,
		KEYFILE_HEADER_BYTES, data + OFF_NONCE, s->key) != 0) {
		err = diag_set(d, SHOMEI_ERR_DECRYPT, NULL, DECRYPT_WHAT);
		goto out;
	}
	key = ed25519_key_new_from_seed(s->seed);
	if (!key) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
		goto out;
	}
	/* The tag covers the stored public key, so a mismatch means a file
	 * sealed wrongly (or by someone holding the passphrase): still refused,
	 * since the did:key shown from it would name another key. */
	if (sodium_memcmp(key->pk, data + OFF_PK, ED25519_PUBLIC_BYTES) != 0) {
		err = diag_set(d, SHOMEI_ERR_DECRYPT, NULL,
			       DECRYPT_WHAT " (the public key does not match the seed)");
		goto out;
	}
	*out = key;
	key = NULL;
out:
	ed25519_key_free(key);
	sodium_free(s);
	return err;
}

/* Reads a whole key file; one byte more than a key file is enough to know it
 * is not one. */
static int read_file(const char *path, char **data, size_t *len, struct shomei_diag *d)
{
	int err = fileio_read(path, KEYFILE_BYTES + 1, data, len, d);
	if (err == SHOMEI_ERR_LIMIT)
		err = diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a shomei key file (too long)");
	return err;
}

int keyfile_read(const char *path, const char *pass, size_t pass_len, struct ed25519_key **out,
		 struct shomei_diag *d)
{
	*out = NULL;
	char *data = NULL;
	size_t len = 0;
	int err = read_file(path, &data, &len, d);
	if (!err)
		err = keyfile_parse((const unsigned char *)data, len, pass, pass_len, out, d);
	free(data); /* the seed in it is sealed: nothing secret */
	return err;
}

int keyfile_read_public(const char *path, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d)
{
	memset(pk, 0, ED25519_PUBLIC_BYTES);
	char *data = NULL;
	size_t len = 0;
	int err = read_file(path, &data, &len, d);
	if (!err)
		err = check_header((const unsigned char *)data, len, d);
	if (!err)
		memcpy(pk, data + OFF_PK, ED25519_PUBLIC_BYTES);
	free(data);
	return err;
}

int keyfile_change_passphrase(const char *path, const char *old_pass, size_t old_len,
			      const char *new_pass, size_t new_len, enum keyfile_kdf_level level,
			      struct shomei_diag *d)
{
	if (!path || strcmp(path, "-") == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL,
				"a key file must be a file, not standard input");
	struct ed25519_key *key = NULL;
	int err = keyfile_read(path, old_pass, old_len, &key, d);
	if (err)
		return err;
	unsigned long long ops;
	size_t mem;
	keyfile_kdf_limits(level, &ops, &mem);
	unsigned char file[KEYFILE_BYTES];
	err = keyfile_seal(key, new_pass, new_len, ops, mem, file, d);
	ed25519_key_free(key);
	if (!err)
		err = fileio_write_atomic(path, file, sizeof file, 0600, FILEIO_REPLACE, d);
	return err;
}
