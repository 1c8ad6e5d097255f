#include "keyfile.h"

#include "fileio.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(KEYFILE_HEADER_BYTES == 100, "header layout of docs/keyfile.md");
_Static_assert(KEYFILE_BYTES == 148, "file size of docs/keyfile.md");
_Static_assert(KEYFILE_SALT_BYTES == crypto_pwhash_argon2id_SALTBYTES, "salt size");
_Static_assert(KEYFILE_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce");
_Static_assert(KEYFILE_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag");
_Static_assert(KEYFILE_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key");

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
};

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
		return SHOMEI_ERR_NOMEM; /* Argon2id could not get its memory */
	return 0;
}

int keyfile_write_with_limits(const char *path, const struct ed25519_key *key, const char *pass,
			      size_t pass_len, unsigned long long ops, size_t mem,
			      struct shomei_diag *d)
{
	unsigned char file[KEYFILE_BYTES];
	memcpy(file, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES);
	file[OFF_VERSION] = KEYFILE_VERSION;
	file[OFF_TYPE] = KEYFILE_TYPE_ED25519;
	file[OFF_KDF] = KEYFILE_KDF_ARGON2ID13;
	put_u64(file + OFF_OPS, ops);
	put_u64(file + OFF_MEM, mem);
	randombytes_buf(file + OFF_SALT, KEYFILE_SALT_BYTES);
	randombytes_buf(file + OFF_NONCE, KEYFILE_NONCE_BYTES);
	memcpy(file + OFF_PK, key->pk, ED25519_PUBLIC_BYTES);

	int err = SHOMEI_ERR_NOMEM;
	unsigned char *secret = sodium_malloc(KEYFILE_KEY_BYTES + ED25519_SEED_BYTES);
	if (!secret) {
		diag_set(d, err, NULL, "out of secure memory");
		goto out;
	}
	unsigned char *dk = secret, *seed = secret + KEYFILE_KEY_BYTES;
	err = keyfile_derive(pass, pass_len, file + OFF_SALT, ops, mem, dk);
	if (err) {
		diag_set(d, err, NULL, "cannot derive the key from the passphrase");
		goto out;
	}
	ed25519_key_seed(key, seed);
	crypto_aead_xchacha20poly1305_ietf_encrypt(file + OFF_CT, NULL, seed, ED25519_SEED_BYTES,
						   file, KEYFILE_HEADER_BYTES, NULL,
						   file + OFF_NONCE, dk);
	err = fileio_write_atomic(path, file, sizeof file, 0600, FILEIO_NO_REPLACE, d);
out:
	sodium_free(secret);
	sodium_memzero(file, sizeof file);
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

static int check_header(const unsigned char *data, size_t len, struct shomei_diag *d)
{
	if (len < KEYFILE_MAGIC_BYTES || memcmp(data, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES) != 0)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a shomei key file");
	if (len < KEYFILE_BYTES)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "truncated key file");
	if (len > KEYFILE_BYTES)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "key file has trailing bytes");
	if (data[OFF_VERSION] != KEYFILE_VERSION)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "key file version %u not supported",
				data[OFF_VERSION]);
	if (data[OFF_TYPE] != KEYFILE_TYPE_ED25519 || data[OFF_KDF] != KEYFILE_KDF_ARGON2ID13)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "unknown key or KDF type");
	if (keyfile_kdf_limits_check(get_u64(data + OFF_OPS), get_u64(data + OFF_MEM)) != 0)
		return diag_set(d, SHOMEI_ERR_DECRYPT, NULL,
				"wrong passphrase or damaged key file (KDF limits out of range)");
	return 0;
}

int keyfile_parse(const unsigned char *data, size_t len, const char *pass, size_t pass_len,
		  struct ed25519_key **out, struct shomei_diag *d)
{
	*out = NULL;
	int err = check_header(data, len, d);
	if (err)
		return err;
	unsigned char *secret = sodium_malloc(KEYFILE_KEY_BYTES + ED25519_SEED_BYTES);
	if (!secret)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
	unsigned char *dk = secret, *seed = secret + KEYFILE_KEY_BYTES;
	struct ed25519_key *key = NULL;
	err = keyfile_derive(pass, pass_len, data + OFF_SALT, get_u64(data + OFF_OPS),
			     (size_t)get_u64(data + OFF_MEM), dk);
	if (err) {
		diag_set(d, err, NULL, "cannot derive the key from the passphrase");
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL, data + OFF_CT,
						       ED25519_SEED_BYTES + KEYFILE_TAG_BYTES, data,
						       KEYFILE_HEADER_BYTES, data + OFF_NONCE,
						       dk) != 0) {
		err = diag_set(d, SHOMEI_ERR_DECRYPT, NULL, "wrong passphrase or damaged key file");
		goto out;
	}
	key = ed25519_key_new_from_seed(seed);
	if (!key) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of secure memory");
		goto out;
	}
	/* Authenticated, so this can only fail for a file written wrongly. */
	if (sodium_memcmp(key->pk, data + OFF_PK, ED25519_PUBLIC_BYTES) != 0) {
		err = diag_set(d, SHOMEI_ERR_DECRYPT, NULL,
			       "damaged key file: public key does not match");
		goto out;
	}
	*out = key;
	key = NULL;
out:
	ed25519_key_free(key);
	sodium_free(secret);
	return err;
}

int keyfile_read(const char *path, const char *pass, size_t pass_len, struct ed25519_key **out,
		 struct shomei_diag *d)
{
	*out = NULL;
	char *data = NULL;
	size_t len = 0;
	int err = fileio_read(path, KEYFILE_BYTES + 1, &data, &len, d);
	if (err == SHOMEI_ERR_LIMIT)
		err = diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a shomei key file");
	if (!err)
		err = keyfile_parse((const unsigned char *)data, len, pass, pass_len, out, d);
	if (data) {
		sodium_memzero(data, len);
		free(data);
	}
	return err;
}

int keyfile_read_public(const char *path, unsigned char pk[ED25519_PUBLIC_BYTES],
			struct shomei_diag *d)
{
	memset(pk, 0, ED25519_PUBLIC_BYTES);
	char *data = NULL;
	size_t len = 0;
	int err = fileio_read(path, KEYFILE_BYTES + 1, &data, &len, d);
	if (err == SHOMEI_ERR_LIMIT)
		err = diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a shomei key file");
	if (!err)
		err = check_header((const unsigned char *)data, len, d);
	if (!err)
		memcpy(pk, data + OFF_PK, ED25519_PUBLIC_BYTES);
	free(data);
	return err;
}
