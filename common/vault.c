/* vault.c - the wallet's encrypted store (format: docs/wallet-store.md).
 *
 * All cryptography is libsodium's: Argon2id (crypto_pwhash, through keyfile_derive, which
 * the key files share) turns the passphrase into a master key, crypto_kdf splits it into one key
 * per purpose, XChaCha20-Poly1305-IETF seals, keyed BLAKE2b (crypto_generichash) names the files.
 * What is hand-written here is only the framing around them (a fixed 82-byte header, nonce ||
 * ciphertext items), which is small enough that a general container format would add more than it
 * saves.
 */
#include "vault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

/* Header layout; every field at a fixed offset (docs/wallet-store.md). */
#define VAULT_MAGIC	  "SHMVAULT"
#define VAULT_MAGIC_BYTES 8
#define VAULT_VERSION	  1
#define VAULT_SALT_BYTES  16
#define VAULT_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define VAULT_TAG_BYTES	  crypto_aead_xchacha20poly1305_ietf_ABYTES
#define VAULT_KEY_BYTES	  crypto_aead_xchacha20poly1305_ietf_KEYBYTES

#define HDR_OFF_VERSION	   VAULT_MAGIC_BYTES
#define HDR_OFF_OPSLIMIT   (HDR_OFF_VERSION + 2)
#define HDR_OFF_MEMLIMIT   (HDR_OFF_OPSLIMIT + 8)
#define HDR_OFF_SALT	   (HDR_OFF_MEMLIMIT + 8)
#define HDR_OFF_NONCE	   (HDR_OFF_SALT + VAULT_SALT_BYTES)
#define HDR_OFF_TAG	   (HDR_OFF_NONCE + VAULT_NONCE_BYTES)
#define VAULT_HEADER_BYTES (HDR_OFF_TAG + VAULT_TAG_BYTES)

_Static_assert(sizeof VAULT_MAGIC - 1 == VAULT_MAGIC_BYTES, "magic size");
_Static_assert(VAULT_SALT_BYTES == KEYFILE_SALT_BYTES, "salt size of keyfile_derive");
_Static_assert(HDR_OFF_SALT == 26 && HDR_OFF_NONCE == 42, "header layout");
_Static_assert(VAULT_HEADER_BYTES == 82, "header layout");
_Static_assert(VAULT_KEY_BYTES == crypto_kdf_KEYBYTES && VAULT_KEY_BYTES == KEYFILE_KEY_BYTES,
	       "subkeys come from the master key keyfile_derive makes");
_Static_assert(VAULT_KEY_BYTES >= crypto_generichash_KEYBYTES_MIN &&
		   VAULT_KEY_BYTES <= crypto_generichash_KEYBYTES_MAX,
	       "name key size");

/* crypto_kdf subkey ids under context "shomeivt". */
#define VAULT_KDF_CONTEXT  "shomeivt"
#define VAULT_SUBKEY_ITEM  1
#define VAULT_SUBKEY_NAME  2
#define VAULT_SUBKEY_CHECK 3
_Static_assert(sizeof VAULT_KDF_CONTEXT - 1 == crypto_kdf_CONTEXTBYTES, "kdf context size");

#define VAULT_NAME_HASH_BYTES (VAULT_FILE_NAME_BYTES / 2)
_Static_assert(VAULT_NAME_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
		   VAULT_NAME_HASH_BYTES <= crypto_generichash_BYTES_MAX,
	       "name hash size");

/* Item plaintext: u16 BE name length || name || data. */
#define VAULT_NAME_LEN_BYTES 2
_Static_assert(VAULT_MAX_NAME_BYTES <= 0xffff, "name length fits in a u16");
#define VAULT_MAX_PLAIN_BYTES (VAULT_NAME_LEN_BYTES + VAULT_MAX_NAME_BYTES + VAULT_MAX_ITEM_BYTES)
#define VAULT_MIN_FILE_BYTES  (VAULT_NONCE_BYTES + VAULT_TAG_BYTES + VAULT_NAME_LEN_BYTES + 1)
#define VAULT_MAX_FILE_BYTES  (VAULT_NONCE_BYTES + VAULT_MAX_PLAIN_BYTES + VAULT_TAG_BYTES)
#define VAULT_AD_BYTES	      (VAULT_HEADER_BYTES + VAULT_FILE_NAME_BYTES)

#define VAULT_HEADER_FILE "vault.hdr"
#define VAULT_ITEMS_DIR	  "items"
#define VAULT_TMP_MARK	  ".tmp-" /* fileio_write_atomic's temporary files: <target>.tmp-<hex> */

/* What keyfile_kdf_limits_check accepts; named here for the diagnostics. */
#define VAULT_OPSLIMIT_MIN ((uint64_t)crypto_pwhash_argon2id_OPSLIMIT_MIN)
#define VAULT_OPSLIMIT_MAX ((uint64_t)crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE)
#define VAULT_MEMLIMIT_MIN ((uint64_t)crypto_pwhash_argon2id_MEMLIMIT_MIN)
#define VAULT_MEMLIMIT_MAX ((uint64_t)crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE)
_Static_assert(crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE <= SIZE_MAX, "memlimit fits size_t");

/* The keys, in one sodium_malloc'd block made read-only once derived. */
struct vault_keys {
	unsigned char item[VAULT_KEY_BYTES];
	unsigned char name[VAULT_KEY_BYTES];
};

struct vault {
	char *dir;
	char *items; /* <dir>/items */
	unsigned char header[VAULT_HEADER_BYTES];
	struct vault_keys *keys;
};

static void put_u16be(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static unsigned get_u16be(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void put_u64be(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

static uint64_t get_u64be(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > PATH_MAX || lb > PATH_MAX)
		return NULL;
	char *p = malloc(la + 1 + lb + 1);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

static int is_item_file_name(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++) {
		if (i >= VAULT_FILE_NAME_BYTES)
			return 0;
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return i == VAULT_FILE_NAME_BYTES;
}

/* A name is a C string of 1..VAULT_MAX_NAME_BYTES bytes. */
static int name_len_ok(const char *name, size_t *len)
{
	if (!name)
		return 0;
	size_t n = strnlen(name, VAULT_MAX_NAME_BYTES + 1);
	*len = n;
	return n >= 1 && n <= VAULT_MAX_NAME_BYTES;
}

/* file gets VAULT_FILE_NAME_BYTES hex digits and a NUL. */
static void item_file_name(const struct vault *v, const char *name, size_t name_len,
			   char file[VAULT_FILE_NAME_BYTES + 1])
{
	unsigned char h[VAULT_NAME_HASH_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)name, name_len, v->keys->name,
			   sizeof v->keys->name);
	sodium_bin2hex(file, VAULT_FILE_NAME_BYTES + 1, h, sizeof h);
}

/* AD of an item: the whole header (binds the vault) || the file name (binds the name). */
static void item_ad(const struct vault *v, const char *file, unsigned char ad[VAULT_AD_BYTES])
{
	memcpy(ad, v->header, VAULT_HEADER_BYTES);
	memcpy(ad + VAULT_HEADER_BYTES, file, VAULT_FILE_NAME_BYTES);
}

/* Derives the keys of the vault whose header is v->header (limits already checked)
 * and verifies the header's check tag. Secrets exist only in sodium_malloc'd memory:
 * the master and check keys in `tmp`, freed (wiped) here; the kept keys in v->keys,
 * read-only from here on. */
static int derive_keys(struct vault *v, const char *pass, size_t pass_len, int seal_check,
		       struct shomei_diag *d)
{
	struct {
		unsigned char master[VAULT_KEY_BYTES];
		unsigned char check[VAULT_KEY_BYTES];
	} *tmp = sodium_malloc(sizeof *tmp);
	int err = 0;
	v->keys = sodium_malloc(sizeof *v->keys);
	if (!tmp || !v->keys) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	unsigned char *h = v->header;
	uint64_t ops = get_u64be(h + HDR_OFF_OPSLIMIT), mem = get_u64be(h + HDR_OFF_MEMLIMIT);
	err = keyfile_derive(pass ? pass : "", pass_len, h + HDR_OFF_SALT, (unsigned long long)ops,
			     (size_t)mem, tmp->master);
	if (err) {
		err = diag_set(d, err, VAULT_HEADER_FILE,
			       "cannot derive the key from the passphrase");
		goto out;
	}
	crypto_kdf_derive_from_key(v->keys->item, sizeof v->keys->item, VAULT_SUBKEY_ITEM,
				   VAULT_KDF_CONTEXT, tmp->master);
	crypto_kdf_derive_from_key(v->keys->name, sizeof v->keys->name, VAULT_SUBKEY_NAME,
				   VAULT_KDF_CONTEXT, tmp->master);
	crypto_kdf_derive_from_key(tmp->check, sizeof tmp->check, VAULT_SUBKEY_CHECK,
				   VAULT_KDF_CONTEXT, tmp->master);
	/* The check block seals the empty message with AD = magic..salt: its tag proves
	 * the passphrase and that none of those bytes changed. */
	if (seal_check) {
		unsigned long long tag_len;
		randombytes_buf(h + HDR_OFF_NONCE, VAULT_NONCE_BYTES);
		crypto_aead_xchacha20poly1305_ietf_encrypt(h + HDR_OFF_TAG, &tag_len, NULL, 0, h,
							   HDR_OFF_NONCE, NULL, h + HDR_OFF_NONCE,
							   tmp->check);
	} else if (crypto_aead_xchacha20poly1305_ietf_decrypt(NULL, NULL, NULL, h + HDR_OFF_TAG,
							      VAULT_TAG_BYTES, h, HDR_OFF_NONCE,
							      h + HDR_OFF_NONCE, tmp->check) != 0) {
		err = diag_set(d, SHOMEI_ERR_DECRYPT, VAULT_HEADER_FILE,
			       "wrong passphrase or damaged wallet");
		goto out;
	}
	sodium_mprotect_readonly(v->keys);
out:
	sodium_free(tmp);
	if (err) {
		sodium_free(v->keys);
		v->keys = NULL;
	}
	return err;
}

static struct vault *vault_alloc(const char *dir)
{
	struct vault *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->dir = strdup(dir);
	v->items = path_join(dir, VAULT_ITEMS_DIR);
	if (!v->dir || !v->items) {
		vault_close(v);
		return NULL;
	}
	return v;
}

void vault_close(struct vault *v)
{
	if (!v)
		return;
	sodium_free(v->keys); /* wipes, also when read-only */
	free(v->dir);
	free(v->items);
	free(v);
}

/* Is there a non-temporary, non-hidden entry in dir? (A missing dir has none.) */
static int dir_has_items(const char *dir, int *has, struct shomei_diag *d)
{
	*has = 0;
	DIR *dp = opendir(dir);
	if (!dp) {
		if (errno == ENOENT)
			return 0;
		return diag_set(d, SHOMEI_ERR_IO, VAULT_ITEMS_DIR, "%s", strerror(errno));
	}
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] != '.' && !strstr(e->d_name, VAULT_TMP_MARK)) {
			*has = 1;
			break;
		}
	}
	closedir(dp);
	return 0;
}

static int create_with_limits(const char *dir, const char *pass, size_t pass_len, uint64_t ops,
			      uint64_t mem, struct vault **out, struct shomei_diag *d)
{
	*out = NULL;
	if (!dir || !*dir || (!pass && pass_len))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no directory or passphrase");
	if (sodium_init() < 0)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "libsodium cannot start");
	struct vault *v = vault_alloc(dir);
	char *hdr_path = path_join(dir, VAULT_HEADER_FILE);
	int err = 0, has = 0;
	struct stat st;
	if (!v || !hdr_path) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	/* Cheap early refusals before the expensive KDF; the O_EXCL-like rename at the end
	 * is what really guarantees nothing is replaced. */
	if (lstat(hdr_path, &st) == 0) {
		err =
		    diag_set(d, SHOMEI_ERR_EXISTS, VAULT_HEADER_FILE, "a wallet is already there");
		goto out;
	}
	if ((err = dir_has_items(v->items, &has, d)) != 0)
		goto out;
	if (has) {
		err = diag_set(d, SHOMEI_ERR_EXISTS, VAULT_ITEMS_DIR,
			       "holds items of another wallet");
		goto out;
	}
	if ((err = fileio_mkdirs(dir, 0700, d)) != 0) {
		diag_prefix(d, dir);
		goto out;
	}
	if (mkdir(v->items, 0700) != 0 && errno != EEXIST) {
		err = diag_set(d, SHOMEI_ERR_IO, VAULT_ITEMS_DIR, "%s", strerror(errno));
		goto out;
	}
	if (lstat(v->items, &st) != 0 || !S_ISDIR(st.st_mode) || chmod(v->items, 0700) != 0) {
		err = diag_set(d, SHOMEI_ERR_IO, VAULT_ITEMS_DIR, "not a usable directory");
		goto out;
	}
	unsigned char *h = v->header;
	memcpy(h, VAULT_MAGIC, VAULT_MAGIC_BYTES);
	put_u16be(h + HDR_OFF_VERSION, VAULT_VERSION);
	put_u64be(h + HDR_OFF_OPSLIMIT, ops);
	put_u64be(h + HDR_OFF_MEMLIMIT, mem);
	randombytes_buf(h + HDR_OFF_SALT, VAULT_SALT_BYTES);
	if ((err = derive_keys(v, pass, pass_len, 1, d)) != 0)
		goto out;
	if ((err = fileio_write_atomic(hdr_path, h, VAULT_HEADER_BYTES, 0600, FILEIO_NO_REPLACE,
				       d)) != 0) {
		if (err == SHOMEI_ERR_EXISTS)
			diag_set(d, err, VAULT_HEADER_FILE, "a wallet is already there");
		else
			diag_prefix(d, VAULT_HEADER_FILE);
		goto out;
	}
	*out = v;
	v = NULL;
out:
	free(hdr_path);
	vault_close(v);
	return err;
}

int vault_create(const char *dir, const char *pass, size_t pass_len, enum keyfile_kdf_level level,
		 struct vault **out, struct shomei_diag *d)
{
	unsigned long long ops;
	size_t mem;
	*out = NULL;
	/* keyfile_kdf_limits would quietly take an unknown level as MODERATE */
	if (level != KEYFILE_KDF_INTERACTIVE && level != KEYFILE_KDF_MODERATE &&
	    level != KEYFILE_KDF_SENSITIVE)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "unknown key derivation level");
	keyfile_kdf_limits(level, &ops, &mem);
	return create_with_limits(dir, pass, pass_len, ops, mem, out, d);
}

int vault_test_limits_create(const char *dir, const char *pass, size_t pass_len, struct vault **out,
			     struct shomei_diag *d)
{
	return create_with_limits(dir, pass, pass_len, VAULT_OPSLIMIT_MIN, VAULT_MEMLIMIT_MIN, out,
				  d);
}

static int check_header(const unsigned char *h, size_t len, struct shomei_diag *d)
{
	if (len != VAULT_HEADER_BYTES)
		return diag_set(d, SHOMEI_ERR_PARSE, VAULT_HEADER_FILE, "%zu bytes, expected %d",
				len, VAULT_HEADER_BYTES);
	if (memcmp(h, VAULT_MAGIC, VAULT_MAGIC_BYTES) != 0)
		return diag_set(d, SHOMEI_ERR_PARSE, VAULT_HEADER_FILE, "not a shomei wallet");
	unsigned version = get_u16be(h + HDR_OFF_VERSION);
	if (version != VAULT_VERSION)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, VAULT_HEADER_FILE,
				"format version %u, this program reads %d", version, VAULT_VERSION);
	uint64_t ops = get_u64be(h + HDR_OFF_OPSLIMIT), mem = get_u64be(h + HDR_OFF_MEMLIMIT);
	if (keyfile_kdf_limits_check(ops, mem) == 0)
		return 0;
	if (ops < VAULT_OPSLIMIT_MIN || ops > VAULT_OPSLIMIT_MAX)
		return diag_set(d, SHOMEI_ERR_INVALID, VAULT_HEADER_FILE,
				"argon2id opslimit %llu outside [%llu, %llu]",
				(unsigned long long)ops, (unsigned long long)VAULT_OPSLIMIT_MIN,
				(unsigned long long)VAULT_OPSLIMIT_MAX);
	return diag_set(d, SHOMEI_ERR_INVALID, VAULT_HEADER_FILE,
			"argon2id memlimit %llu outside [%llu, %llu]", (unsigned long long)mem,
			(unsigned long long)VAULT_MEMLIMIT_MIN,
			(unsigned long long)VAULT_MEMLIMIT_MAX);
}

int vault_open(const char *dir, const char *pass, size_t pass_len, struct vault **out,
	       struct shomei_diag *d)
{
	*out = NULL;
	if (!dir || !*dir || (!pass && pass_len))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no directory or passphrase");
	if (sodium_init() < 0)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "libsodium cannot start");
	struct vault *v = vault_alloc(dir);
	char *hdr_path = path_join(dir, VAULT_HEADER_FILE);
	char *raw = NULL;
	size_t raw_len = 0;
	struct stat st;
	int err = 0;
	if (!v || !hdr_path) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	if (lstat(hdr_path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			err = diag_set(d, SHOMEI_ERR_NOTFOUND, dir, "no wallet here");
		else
			err = diag_set(d, SHOMEI_ERR_IO, VAULT_HEADER_FILE, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = diag_set(d, SHOMEI_ERR_PARSE, VAULT_HEADER_FILE, "not a regular file");
		goto out;
	}
	/* Read one byte more than a header so that a longer file is seen as such. */
	err = fileio_read(hdr_path, VAULT_HEADER_BYTES + 1, &raw, &raw_len, d);
	if (err == SHOMEI_ERR_LIMIT) {
		err = diag_set(d, SHOMEI_ERR_PARSE, VAULT_HEADER_FILE, "longer than %d bytes",
			       VAULT_HEADER_BYTES);
		goto out;
	}
	if (err) {
		diag_prefix(d, VAULT_HEADER_FILE);
		goto out;
	}
	if ((err = check_header((const unsigned char *)raw, raw_len, d)) != 0)
		goto out;
	memcpy(v->header, raw, VAULT_HEADER_BYTES);
	if ((err = derive_keys(v, pass, pass_len, 0, d)) != 0)
		goto out;
	*out = v;
	v = NULL;
out:
	free(raw);
	free(hdr_path);
	vault_close(v);
	return err;
}

/* Seals one item. file is its file name, the plaintext pt[0..pt_len). */
static int item_seal(const struct vault *v, const char *file, const unsigned char *pt,
		     size_t pt_len, unsigned char **ct, size_t *ct_len, struct shomei_diag *d)
{
	unsigned char ad[VAULT_AD_BYTES];
	size_t n = VAULT_NONCE_BYTES + pt_len + VAULT_TAG_BYTES;
	unsigned char *c = malloc(n);
	if (!c)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	item_ad(v, file, ad);
	randombytes_buf(c, VAULT_NONCE_BYTES);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(c + VAULT_NONCE_BYTES, &clen, pt, pt_len, ad,
						   sizeof ad, NULL, c, v->keys->item);
	*ct = c;
	*ct_len = n;
	return 0;
}

/* An opened item: pt is sodium_malloc'd (pt_len + 1 bytes, NUL at the end); the name
 * is at pt + 2 and is NUL-free; the data follows it. */
struct item {
	unsigned char *pt;
	size_t pt_len;
	size_t name_len;
};

static void item_release(struct item *it)
{
	sodium_free(it->pt);
	it->pt = NULL;
	it->pt_len = it->name_len = 0;
}

/* Reads items/<file> and opens it. where for diagnostics is "items/<file>". */
static int item_load(const struct vault *v, const char *file, struct item *it,
		     struct shomei_diag *d)
{
	char where[sizeof VAULT_ITEMS_DIR + VAULT_FILE_NAME_BYTES + 1];
	char *path = path_join(v->items, file);
	char *raw = NULL;
	size_t raw_len = 0;
	struct stat st;
	int err = 0;
	memset(it, 0, sizeof *it);
	snprintf(where, sizeof where, "%s/%s", VAULT_ITEMS_DIR, file);
	if (!path)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			err = diag_set(d, SHOMEI_ERR_NOTFOUND, where, "no such item");
		else
			err = diag_set(d, SHOMEI_ERR_IO, where, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = diag_set(d, SHOMEI_ERR_INVALID, where, "not a regular file");
		goto out;
	}
	if ((err = fileio_read(path, VAULT_MAX_FILE_BYTES, &raw, &raw_len, d)) != 0) {
		diag_prefix(d, where);
		goto out;
	}
	if (raw_len < VAULT_MIN_FILE_BYTES) {
		err = diag_set(d, SHOMEI_ERR_PARSE, where, "truncated (%zu bytes)", raw_len);
		goto out;
	}
	it->pt_len = raw_len - VAULT_NONCE_BYTES - VAULT_TAG_BYTES;
	it->pt = sodium_malloc(it->pt_len + 1);
	if (!it->pt) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	unsigned char ad[VAULT_AD_BYTES];
	item_ad(v, file, ad);
	const unsigned char *nonce = (const unsigned char *)raw;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		it->pt, NULL, NULL, nonce + VAULT_NONCE_BYTES, raw_len - VAULT_NONCE_BYTES, ad,
		sizeof ad, nonce, v->keys->item) != 0) {
		err = diag_set(d, SHOMEI_ERR_DECRYPT, where,
			       "does not decrypt (altered, truncated or moved)");
		goto out;
	}
	it->pt[it->pt_len] = '\0';
	/* Authentic, so written by someone holding the key: these checks catch our own
	 * bugs and a format we do not know, not forgeries. */
	size_t n = get_u16be(it->pt);
	if (n < 1 || n > VAULT_MAX_NAME_BYTES || n > it->pt_len - VAULT_NAME_LEN_BYTES) {
		err = diag_set(d, SHOMEI_ERR_INVALID, where, "bad name length %zu", n);
		goto out;
	}
	const char *name = (const char *)it->pt + VAULT_NAME_LEN_BYTES;
	if (memchr(name, '\0', n)) {
		err = diag_set(d, SHOMEI_ERR_INVALID, where, "name holds a NUL byte");
		goto out;
	}
	if (it->pt_len - VAULT_NAME_LEN_BYTES - n > VAULT_MAX_ITEM_BYTES) {
		err = diag_set(d, SHOMEI_ERR_INVALID, where, "data larger than %u bytes",
			       VAULT_MAX_ITEM_BYTES);
		goto out;
	}
	char expect[VAULT_FILE_NAME_BYTES + 1];
	item_file_name(v, name, n, expect);
	if (sodium_memcmp(expect, file, VAULT_FILE_NAME_BYTES) != 0) {
		err = diag_set(d, SHOMEI_ERR_INVALID, where, "name does not match the file name");
		goto out;
	}
	it->name_len = n;
out:
	if (err)
		item_release(it);
	free(raw);
	free(path);
	return err;
}

/* Counts item files in items/, up to `stop`. */
static int count_items(const struct vault *v, size_t stop, size_t *count, struct shomei_diag *d)
{
	*count = 0;
	DIR *dp = opendir(v->items);
	if (!dp)
		return diag_set(d, SHOMEI_ERR_IO, VAULT_ITEMS_DIR, "%s", strerror(errno));
	struct dirent *e;
	while (*count < stop && (e = readdir(dp)) != NULL) {
		if (is_item_file_name(e->d_name))
			(*count)++;
	}
	closedir(dp);
	return 0;
}

int vault_put(struct vault *v, const char *name, const void *data, size_t len, int how,
	      struct shomei_diag *d)
{
	size_t name_len;
	if (!v || !name_len_ok(name, &name_len))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "item name must be 1 to %d bytes",
				VAULT_MAX_NAME_BYTES);
	if (how != FILEIO_REPLACE && how != FILEIO_NO_REPLACE)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "bad write mode");
	if (len > VAULT_MAX_ITEM_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, name, "item larger than %u bytes",
				VAULT_MAX_ITEM_BYTES);
	if (!data && len)
		return diag_set(d, SHOMEI_ERR_USAGE, name, "no data");
	char file[VAULT_FILE_NAME_BYTES + 1];
	item_file_name(v, name, name_len, file);
	char *path = path_join(v->items, file);
	size_t pt_len = VAULT_NAME_LEN_BYTES + name_len + len;
	unsigned char *pt = sodium_malloc(pt_len);
	unsigned char *ct = NULL;
	size_t ct_len = 0, count;
	struct stat st;
	int err = 0;
	if (!path || !pt) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	if (lstat(path, &st) != 0) {
		if ((err = count_items(v, VAULT_MAX_ITEMS, &count, d)) != 0)
			goto out;
		if (count >= VAULT_MAX_ITEMS) {
			err = diag_set(d, SHOMEI_ERR_LIMIT, name,
				       "the wallet holds %d items already", VAULT_MAX_ITEMS);
			goto out;
		}
	} else if (how == FILEIO_NO_REPLACE) {
		err = diag_set(d, SHOMEI_ERR_EXISTS, name, "already in the wallet");
		goto out;
	}
	put_u16be(pt, (unsigned)name_len);
	memcpy(pt + VAULT_NAME_LEN_BYTES, name, name_len);
	if (len)
		memcpy(pt + VAULT_NAME_LEN_BYTES + name_len, data, len);
	if ((err = item_seal(v, file, pt, pt_len, &ct, &ct_len, d)) != 0)
		goto out;
	err = fileio_write_atomic(path, ct, ct_len, 0600, how, d);
	if (err == SHOMEI_ERR_EXISTS)
		diag_set(d, err, name, "already in the wallet");
	else if (err)
		diag_prefix(d, name);
out:
	sodium_free(pt);
	free(ct);
	free(path);
	return err;
}

int vault_get(struct vault *v, const char *name, unsigned char **data, size_t *len,
	      struct shomei_diag *d)
{
	size_t name_len;
	*data = NULL;
	*len = 0;
	if (!v || !name_len_ok(name, &name_len))
		return diag_set(d, SHOMEI_ERR_NOTFOUND, NULL, "no such item");
	char file[VAULT_FILE_NAME_BYTES + 1];
	item_file_name(v, name, name_len, file);
	struct item it;
	int err = item_load(v, file, &it, d);
	if (err)
		return err;
	/* The hash matched, but compare the names too rather than trust it alone. */
	if (it.name_len != name_len || memcmp(it.pt + VAULT_NAME_LEN_BYTES, name, name_len) != 0) {
		item_release(&it);
		return diag_set(d, SHOMEI_ERR_INVALID, name, "item holds another name");
	}
	size_t skip = VAULT_NAME_LEN_BYTES + name_len;
	size_t n = it.pt_len - skip;
	/* Move the data (and the NUL after it) to the front of the same secure block, so
	 * the caller's pointer is the one sodium_free wants. */
	memmove(it.pt, it.pt + skip, n + 1);
	sodium_memzero(it.pt + n + 1, skip);
	*data = it.pt;
	*len = n;
	return 0;
}

void vault_free_data(unsigned char *data, size_t len)
{
	(void)len; /* sodium_free wipes the whole block */
	sodium_free(data);
}

int vault_has(struct vault *v, const char *name)
{
	size_t name_len;
	if (!v || !name_len_ok(name, &name_len))
		return 0;
	char file[VAULT_FILE_NAME_BYTES + 1];
	item_file_name(v, name, name_len, file);
	char *path = path_join(v->items, file);
	struct stat st;
	int has = path && lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return has;
}

int vault_delete(struct vault *v, const char *name, struct shomei_diag *d)
{
	size_t name_len;
	if (!v || !name_len_ok(name, &name_len))
		return diag_set(d, SHOMEI_ERR_NOTFOUND, NULL, "no such item");
	char file[VAULT_FILE_NAME_BYTES + 1];
	item_file_name(v, name, name_len, file);
	char *path = path_join(v->items, file);
	if (!path)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	int err = 0;
	if (unlink(path) != 0) {
		if (errno == ENOENT)
			err = diag_set(d, SHOMEI_ERR_NOTFOUND, name, "no such item");
		else
			err = diag_set(d, SHOMEI_ERR_IO, name, "%s", strerror(errno));
	} else if (fileio_sync_dir(v->items) != 0) {
		err = diag_set(d, SHOMEI_ERR_IO, VAULT_ITEMS_DIR, "cannot sync directory");
	}
	free(path);
	return err;
}

static void damage_add(struct vault_damage *dm, const char *file, int err, const char *what)
{
	if (!dm)
		return;
	if (dm->reported < VAULT_DAMAGE_MAX_REPORTED) {
		struct vault_damage_item *di = &dm->item[dm->reported++];
		snprintf(di->file, sizeof di->file, "%s/%s", VAULT_ITEMS_DIR, file);
		di->err = err;
		snprintf(di->what, sizeof di->what, "%s", what);
	}
	dm->count++;
}

/* One readable item found by the first pass of vault_foreach. */
struct found {
	char file[VAULT_FILE_NAME_BYTES + 1];
	char *name;
};

static int found_cmp(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name, ((const struct found *)b)->name);
}

/* Names are private (credential ids): wipe them before freeing. */
static void found_free(struct found *f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++) {
		if (f[i].name) {
			sodium_memzero(f[i].name, strlen(f[i].name));
			free(f[i].name);
		}
	}
	free(f);
}

/* Lists the item files of v into *files (malloc'd, n of them); damage for the rest. */
static int list_files(const struct vault *v, char (**files)[VAULT_FILE_NAME_BYTES + 1], size_t *n,
		      struct vault_damage *dm, size_t *damaged, struct shomei_diag *d)
{
	char(*f)[VAULT_FILE_NAME_BYTES + 1] = NULL;
	size_t len = 0, cap = 0;
	int err = 0;
	*files = NULL;
	*n = 0;
	DIR *dp = opendir(v->items);
	if (!dp)
		return diag_set(d, SHOMEI_ERR_IO, VAULT_ITEMS_DIR, "%s", strerror(errno));
	int dfd = dirfd(dp);
	struct dirent *e;
	errno = 0;
	while ((e = readdir(dp)) != NULL) {
		const char *s = e->d_name;
		if (s[0] == '.' || strstr(s, VAULT_TMP_MARK))
			continue; /* hidden, or a write interrupted before its rename */
		if (!is_item_file_name(s)) {
			damage_add(dm, s, SHOMEI_ERR_INVALID, "not a wallet item file name");
			(*damaged)++;
			continue;
		}
		struct stat st;
		if (fstatat(dfd, s, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
			damage_add(dm, s, SHOMEI_ERR_INVALID, "not a regular file");
			(*damaged)++;
			continue;
		}
		if (len == VAULT_MAX_ITEMS) {
			err = diag_set(d, SHOMEI_ERR_LIMIT, VAULT_ITEMS_DIR, "more than %d items",
				       VAULT_MAX_ITEMS);
			goto out;
		}
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			if (ncap > VAULT_MAX_ITEMS)
				ncap = VAULT_MAX_ITEMS;
			void *p = realloc(f, ncap * sizeof *f);
			if (!p) {
				err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
				goto out;
			}
			f = p;
			cap = ncap;
		}
		memcpy(f[len++], s, VAULT_FILE_NAME_BYTES + 1);
		errno = 0;
	}
	if (errno) {
		err = diag_set(d, SHOMEI_ERR_IO, VAULT_ITEMS_DIR, "%s", strerror(errno));
		goto out;
	}
	*files = f;
	*n = len;
	f = NULL;
out:
	closedir(dp);
	free(f);
	return err;
}

int vault_foreach(struct vault *v, vault_item_fn fn, void *ctx, struct vault_damage *damage,
		  struct shomei_diag *d)
{
	if (damage)
		memset(damage, 0, sizeof *damage);
	if (!v || !fn)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no wallet or no callback");
	char(*files)[VAULT_FILE_NAME_BYTES + 1] = NULL;
	struct found *found = NULL;
	size_t nfiles = 0, nfound = 0, damaged = 0;
	struct item it = {0};
	struct shomei_diag why;
	int err = list_files(v, &files, &nfiles, damage, &damaged, d);
	if (err)
		goto out;
	/* Two passes: names live inside the ciphertexts, so sorting by name needs them all
	 * opened once; keeping every item's data meanwhile could take gigabytes, so the
	 * second pass opens each again. */
	if (nfiles) {
		found = calloc(nfiles, sizeof *found);
		if (!found) {
			err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < nfiles; i++) {
		int e = item_load(v, files[i], &it, &why);
		if (e == SHOMEI_ERR_NOMEM) {
			err = diag_set(d, e, NULL, "out of memory");
			goto out;
		}
		if (e) {
			damage_add(damage, files[i], e, why.what);
			damaged++;
			continue;
		}
		struct found *f = &found[nfound];
		memcpy(f->file, files[i], sizeof f->file);
		f->name = malloc(it.name_len + 1);
		if (!f->name) {
			err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			goto out;
		}
		memcpy(f->name, it.pt + VAULT_NAME_LEN_BYTES, it.name_len);
		f->name[it.name_len] = '\0';
		nfound++;
		item_release(&it);
	}
	qsort(found, nfound, sizeof *found, found_cmp);
	for (size_t i = 0; i < nfound; i++) {
		int e = item_load(v, found[i].file, &it, &why);
		if (e == SHOMEI_ERR_NOMEM) {
			err = diag_set(d, e, NULL, "out of memory");
			goto out;
		}
		/* Changed on disk between the passes: treat it like any damage. */
		if (!e && (it.name_len != strlen(found[i].name) ||
			   memcmp(it.pt + VAULT_NAME_LEN_BYTES, found[i].name, it.name_len) != 0)) {
			item_release(&it);
			e = diag_set(&why, SHOMEI_ERR_INVALID, NULL, "changed while being read");
		}
		if (e) {
			damage_add(damage, found[i].file, e, why.what);
			damaged++;
			continue;
		}
		size_t skip = VAULT_NAME_LEN_BYTES + it.name_len;
		int r = fn(ctx, found[i].name, it.pt + skip, it.pt_len - skip);
		item_release(&it);
		if (r) {
			err = r;
			goto out;
		}
	}
	if (!damage && damaged)
		err = diag_set(d, SHOMEI_ERR_DECRYPT, VAULT_ITEMS_DIR, "%zu damaged item%s",
			       damaged, damaged == 1 ? "" : "s");
out:
	item_release(&it);
	found_free(found, nfiles); /* calloc'd: unused slots have no name */
	free(files);
	return err;
}
