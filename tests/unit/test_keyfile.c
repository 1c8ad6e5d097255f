/* Encrypted key files: round trip, refusals, every byte of the file bound, the
 * format pinned by vectors/shomei/keyfile-v1-example.bin and checked against
 * libsodium called by hand at the offsets of docs/keyfile.md. */
#include "keyfile.h"
#include "init.h"
#include "testutil.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#define PASS	     "correct horse battery staple"
#define PASS_LEN     (sizeof PASS - 1)
#define MIN_OPS	     crypto_pwhash_argon2id_OPSLIMIT_MIN
#define MIN_MEM	     crypto_pwhash_argon2id_MEMLIMIT_MIN
#define DECRYPT_WHAT "wrong passphrase or damaged key file"

/* The layout of docs/keyfile.md, written out again here on purpose: if
 * keyfile.c moved a field, these tests would notice. */
enum {
	DOC_VERSION = 9,
	DOC_TYPE = 10,
	DOC_KDF = 11,
	DOC_OPS = 12,
	DOC_MEM = 20,
	DOC_SALT = 28,
	DOC_NONCE = 44,
	DOC_PK = 68,
	DOC_CT = 100,
	DOC_TAG = 132,
	DOC_END = 148
};

struct fixture {
	char *dir;
	char *path; /* dir/issuer.key, not created */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = tu_tempdir();
	f->path = malloc(strlen(f->dir) + 16);
	sprintf(f->path, "%s/issuer.key", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tu_rm_rf(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

/* The whole file (at most 4096 bytes; fails the test if it cannot be read). */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	unsigned char *buf = malloc(4096);
	*len = fread(buf, 1, 4096, f);
	fclose(f);
	return buf;
}

static void spill(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/* A key file image at libsodium's minimum limits (cheap to open). */
static void seal_min(const struct ed25519_key *k, unsigned char file[KEYFILE_BYTES])
{
	struct shomei_diag d;
	assert_int_equal(keyfile_seal(k, PASS, PASS_LEN, MIN_OPS, MIN_MEM, file, &d), 0);
}

static void test_layout_constants(void **state)
{
	(void)state;
	assert_int_equal(KEYFILE_HEADER_BYTES, DOC_CT);
	assert_int_equal(KEYFILE_BYTES, DOC_END);
	assert_int_equal(DOC_TAG - DOC_CT, ED25519_SEED_BYTES);
	unsigned long long ops;
	size_t mem;
	keyfile_kdf_limits(KEYFILE_KDF_INTERACTIVE, &ops, &mem);
	assert_int_equal(ops, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
	assert_int_equal(mem, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
	keyfile_kdf_limits(KEYFILE_KDF_MODERATE, &ops, &mem);
	assert_int_equal(ops, crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
	assert_int_equal(mem, crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
	keyfile_kdf_limits(KEYFILE_KDF_SENSITIVE, &ops, &mem);
	assert_int_equal(ops, crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
	assert_int_equal(mem, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE);
	/* The bounds a file may ask for. */
	assert_int_equal(keyfile_kdf_limits_check(MIN_OPS, MIN_MEM), 0);
	assert_int_equal(keyfile_kdf_limits_check(ops, mem), 0);
	assert_int_equal(keyfile_kdf_limits_check(MIN_OPS - 1, MIN_MEM), SHOMEI_ERR_INVALID);
	assert_int_equal(keyfile_kdf_limits_check(MIN_OPS, MIN_MEM - 1), SHOMEI_ERR_INVALID);
	assert_int_equal(keyfile_kdf_limits_check(ops + 1, mem), SHOMEI_ERR_INVALID);
	assert_int_equal(keyfile_kdf_limits_check(ops, mem + 1ULL), SHOMEI_ERR_INVALID);
	assert_int_equal(keyfile_kdf_limits_check(MIN_OPS, 1ULL << 40), SHOMEI_ERR_INVALID);
}

static void test_round_trip_interactive(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *k = ed25519_key_new_random();
	struct shomei_diag d;
	assert_int_equal(keyfile_write(f->path, k, PASS, PASS_LEN, KEYFILE_KDF_INTERACTIVE, &d), 0);

	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, KEYFILE_BYTES);

	size_t len;
	unsigned char *file = slurp(f->path, &len);
	assert_memory_equal(file, "SHOMEIKEY\x01\x01\x01", 12);
	assert_int_equal(be64(file + DOC_OPS), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
	assert_int_equal(be64(file + DOC_MEM), crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
	assert_memory_equal(file + DOC_PK, k->pk, ED25519_PUBLIC_BYTES);
	/* The seed is nowhere in the file, not even 8 bytes of it. */
	unsigned char *seed = sodium_malloc(ED25519_SEED_BYTES);
	ed25519_key_seed(k, seed);
	for (size_t i = 0; i + 8 <= len; i++)
		for (size_t j = 0; j + 8 <= ED25519_SEED_BYTES; j++)
			assert_false(memcmp(file + i, seed + j, 8) == 0);
	sodium_free(seed);

	struct ed25519_key *back = NULL;
	assert_int_equal(keyfile_read(f->path, PASS, PASS_LEN, &back, &d), 0);
	assert_memory_equal(back->pk, k->pk, ED25519_PUBLIC_BYTES);
	assert_memory_equal(back->sk, k->sk, ED25519_SECRET_BYTES);
	ed25519_key_free(back);

	/* The public key without the passphrase. */
	unsigned char pk[ED25519_PUBLIC_BYTES];
	assert_int_equal(keyfile_read_public(f->path, pk, &d), 0);
	assert_memory_equal(pk, k->pk, sizeof pk);

	/* A wrong passphrase, or the right one with a byte more or less. */
	back = (struct ed25519_key *)&back;
	assert_int_equal(keyfile_read(f->path, "wrong", 5, &back, &d), SHOMEI_ERR_DECRYPT);
	assert_string_equal(d.what, DECRYPT_WHAT);
	assert_null(back);
	assert_int_equal(keyfile_read(f->path, PASS, PASS_LEN - 1, &back, &d), SHOMEI_ERR_DECRYPT);
	assert_int_equal(keyfile_read(f->path, PASS "!", PASS_LEN + 1, &back, &d),
			 SHOMEI_ERR_DECRYPT);
	assert_null(back);

	/* Never over an existing file: refused, and the file is untouched. */
	struct ed25519_key *k2 = ed25519_key_new_random();
	assert_int_equal(keyfile_write(f->path, k2, PASS, PASS_LEN, KEYFILE_KDF_INTERACTIVE, &d),
			 SHOMEI_ERR_EXISTS);
	size_t len2;
	unsigned char *file2 = slurp(f->path, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(file2, file, len);
	free(file2);
	free(file);
	ed25519_key_free(k2);
	ed25519_key_free(k);
}

static void test_write_refusals(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *k = ed25519_key_new_random();
	struct shomei_diag d;
	assert_int_equal(keyfile_write_with_limits(f->path, k, "", 0, MIN_OPS, MIN_MEM, &d),
			 SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "empty passphrase");
	assert_int_equal(
	    keyfile_write_with_limits(f->path, k, PASS, PASS_LEN, MIN_OPS, MIN_MEM - 1, &d),
	    SHOMEI_ERR_INVALID);
	assert_int_equal(
	    keyfile_write_with_limits(f->path, NULL, PASS, PASS_LEN, MIN_OPS, MIN_MEM, &d),
	    SHOMEI_ERR_USAGE);
	assert_int_equal(keyfile_write_with_limits("-", k, PASS, PASS_LEN, MIN_OPS, MIN_MEM, &d),
			 SHOMEI_ERR_USAGE);
	/* Nothing was left behind, not even a temporary file. */
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(rmdir(f->dir), 0);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	/* A directory that is not there. */
	char *deep = path_in(f->dir, "no/such/dir/k");
	assert_int_equal(keyfile_write_with_limits(deep, k, PASS, PASS_LEN, MIN_OPS, MIN_MEM, &d),
			 SHOMEI_ERR_IO);
	free(deep);

	/* keyfile_seal clears its output when it refuses. */
	unsigned char file[KEYFILE_BYTES];
	memset(file, 0xaa, sizeof file);
	assert_int_equal(keyfile_seal(k, PASS, PASS_LEN, MIN_OPS, 1ULL << 31, file, &d),
			 SHOMEI_ERR_INVALID);
	for (size_t i = 0; i < sizeof file; i++)
		assert_int_equal(file[i], 0);
	/* Two seals of the same key differ (fresh salt and nonce) and both open. */
	unsigned char again[KEYFILE_BYTES];
	seal_min(k, file);
	seal_min(k, again);
	assert_memory_not_equal(file + DOC_SALT, again + DOC_SALT, KEYFILE_SALT_BYTES);
	assert_memory_not_equal(file + DOC_NONCE, again + DOC_NONCE, KEYFILE_NONCE_BYTES);
	struct ed25519_key *a = NULL, *b = NULL;
	assert_int_equal(keyfile_parse(file, sizeof file, PASS, PASS_LEN, &a, &d), 0);
	assert_int_equal(keyfile_parse(again, sizeof again, PASS, PASS_LEN, &b, &d), 0);
	assert_memory_equal(a->sk, b->sk, ED25519_SECRET_BYTES);
	ed25519_key_free(a);
	ed25519_key_free(b);
	ed25519_key_free(k);
}

/* What changing byte i of a good file must give. */
static int expected_error(size_t i, const unsigned char *changed)
{
	if (i < DOC_VERSION)
		return SHOMEI_ERR_PARSE;
	if (i < DOC_OPS)
		return SHOMEI_ERR_UNSUPPORTED;
	if (i < DOC_SALT &&
	    keyfile_kdf_limits_check(be64(changed + DOC_OPS), be64(changed + DOC_MEM)) != 0)
		return SHOMEI_ERR_INVALID;
	return SHOMEI_ERR_DECRYPT;
}

/* Every byte of the file, each bit alone and all eight at once: refused, with
 * the error its field calls for, never accepted. Changed limits still in
 * bounds are opened (and fail the tag) unless they would make one Argon2id
 * run cost more than 16 MiB; those few are counted, not run. */
static void test_every_byte_is_bound(void **state)
{
	(void)state;
	struct ed25519_key *k = ed25519_key_new_random();
	unsigned char file[KEYFILE_BYTES];
	seal_min(k, file);
	struct shomei_diag d;
	size_t tried = 0, skipped = 0;
	for (size_t i = 0; i < sizeof file; i++) {
		for (int m = 0; m <= 8; m++) {
			unsigned char mask = m < 8 ? (unsigned char)(1u << m) : 0xff;
			file[i] ^= mask;
			int want = expected_error(i, file);
			if (want == SHOMEI_ERR_DECRYPT && i >= DOC_OPS && i < DOC_SALT &&
			    be64(file + DOC_MEM) > 16u << 20) {
				skipped++;
				file[i] ^= mask;
				continue;
			}
			struct ed25519_key *out = (struct ed25519_key *)&out;
			diag_clear(&d);
			int err = keyfile_parse(file, sizeof file, PASS, PASS_LEN, &out, &d);
			if (err != want)
				fail_msg("byte %zu ^ 0x%02x: got %d (%s), want %d", i, mask, err,
					 d.what, want);
			assert_null(out);
			assert_true(d.what[0] != '\0');
			if (i >= DOC_SALT)
				assert_string_equal(d.what, DECRYPT_WHAT);
			file[i] ^= mask;
			tried++;
		}
	}
	assert_int_equal(tried + skipped, KEYFILE_BYTES * 9);
	assert_true(skipped < 16);
	/* Unchanged, it opens. */
	struct ed25519_key *out = NULL;
	assert_int_equal(keyfile_parse(file, sizeof file, PASS, PASS_LEN, &out, &d), 0);
	assert_memory_equal(out->sk, k->sk, ED25519_SECRET_BYTES);
	ed25519_key_free(out);
	ed25519_key_free(k);
}

static void test_truncated_and_long(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *k = ed25519_key_new_random();
	unsigned char file[KEYFILE_BYTES + 1];
	seal_min(k, file);
	file[KEYFILE_BYTES] = 0;
	struct shomei_diag d;
	char what[64];
	for (size_t n = 0; n < KEYFILE_BYTES; n++) {
		struct ed25519_key *out = (struct ed25519_key *)&out;
		assert_int_equal(keyfile_parse(file, n, PASS, PASS_LEN, &out, &d),
				 SHOMEI_ERR_PARSE);
		assert_null(out);
		if (n < KEYFILE_MAGIC_BYTES) {
			assert_string_equal(d.what, "not a shomei key file");
		} else {
			snprintf(what, sizeof what, "truncated key file (%zu of 148 bytes)", n);
			assert_string_equal(d.what, what);
		}
	}
	struct ed25519_key *out = NULL;
	assert_int_equal(keyfile_parse(file, KEYFILE_BYTES + 1, PASS, PASS_LEN, &out, &d),
			 SHOMEI_ERR_PARSE);
	assert_string_equal(d.what, "key file has trailing bytes");

	/* The same through files: read and read_public. */
	unsigned char pk[ED25519_PUBLIC_BYTES];
	size_t lengths[] = {0, 1, 9, 99, 100, 147, 149};
	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		unlink(f->path);
		spill(f->path, file, lengths[i]);
		assert_int_equal(keyfile_read(f->path, PASS, PASS_LEN, &out, &d), SHOMEI_ERR_PARSE);
		assert_null(out);
		memset(pk, 0xaa, sizeof pk);
		assert_int_equal(keyfile_read_public(f->path, pk, &d), SHOMEI_ERR_PARSE);
		for (size_t j = 0; j < sizeof pk; j++)
			assert_int_equal(pk[j], 0);
	}
	/* Much longer, starting as a key file does. */
	unsigned char big[4096];
	memset(big, 0, sizeof big);
	memcpy(big, file, KEYFILE_BYTES);
	unlink(f->path);
	spill(f->path, big, sizeof big);
	assert_int_equal(keyfile_read(f->path, PASS, PASS_LEN, &out, &d), SHOMEI_ERR_PARSE);
	assert_int_equal(keyfile_read_public(f->path, pk, &d), SHOMEI_ERR_PARSE);
	/* Something else altogether. */
	unlink(f->path);
	spill(f->path, "-----BEGIN PRIVATE KEY-----\n", 28);
	assert_int_equal(keyfile_read(f->path, PASS, PASS_LEN, &out, &d), SHOMEI_ERR_PARSE);
	assert_string_equal(d.what, "not a shomei key file");
	ed25519_key_free(k);
}

/* Crafted headers are refused before any key is derived: a file asking for a
 * terabyte of memory must not get it. */
static void test_crafted_headers(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *k = ed25519_key_new_random();
	unsigned char good[KEYFILE_BYTES], file[KEYFILE_BYTES];
	seal_min(k, good);
	struct shomei_diag d;
	struct ed25519_key *out = NULL;
	struct {
		size_t off;
		int is_u64;
		uint64_t value;
		int err;
		const char *what;
	} cases[] = {
	    {DOC_VERSION, 0, 2, SHOMEI_ERR_UNSUPPORTED, "key file version 2 not supported"},
	    {DOC_VERSION, 0, 0, SHOMEI_ERR_UNSUPPORTED, "key file version 0 not supported"},
	    {DOC_TYPE, 0, 2, SHOMEI_ERR_UNSUPPORTED, "key type 2 not supported"},
	    {DOC_KDF, 0, 2, SHOMEI_ERR_UNSUPPORTED, "key derivation 2 not supported"},
	    {DOC_OPS, 1, 0, SHOMEI_ERR_INVALID,
	     "damaged key file: Argon2id limits out of bounds (opslimit 0, memlimit 8192)"},
	    {DOC_OPS, 1, UINT64_MAX, SHOMEI_ERR_INVALID, NULL},
	    {DOC_OPS, 1, crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE + 1, SHOMEI_ERR_INVALID, NULL},
	    {DOC_MEM, 1, 1ULL << 40, SHOMEI_ERR_INVALID,
	     "damaged key file: Argon2id limits out of bounds (opslimit 1, memlimit "
	     "1099511627776)"},
	    {DOC_MEM, 1, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE + 1ULL, SHOMEI_ERR_INVALID,
	     NULL},
	    {DOC_MEM, 1, MIN_MEM - 1, SHOMEI_ERR_INVALID, NULL},
	    {DOC_MEM, 1, UINT64_MAX, SHOMEI_ERR_INVALID, NULL},
	    /* In bounds but not what was sealed: the tag says no. */
	    {DOC_OPS, 1, 2, SHOMEI_ERR_DECRYPT, DECRYPT_WHAT},
	    {DOC_MEM, 1, 2 * MIN_MEM, SHOMEI_ERR_DECRYPT, DECRYPT_WHAT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(file, good, sizeof file);
		if (cases[i].is_u64)
			put_be64(file + cases[i].off, cases[i].value);
		else
			file[cases[i].off] = (unsigned char)cases[i].value;
		int err = keyfile_parse(file, sizeof file, PASS, PASS_LEN, &out, &d);
		if (err != cases[i].err)
			fail_msg("case %zu: got %d (%s), want %d", i, err, d.what, cases[i].err);
		assert_null(out);
		if (cases[i].what)
			assert_string_equal(d.what, cases[i].what);
		/* Without the passphrase, only the tag cannot be checked. */
		unlink(f->path);
		spill(f->path, file, sizeof file);
		unsigned char pk[ED25519_PUBLIC_BYTES];
		err = keyfile_read_public(f->path, pk, &d);
		assert_int_equal(err, cases[i].err == SHOMEI_ERR_DECRYPT ? 0 : cases[i].err);
	}
	ed25519_key_free(k);
}

/* Seals seed under pass with libsodium directly, at the offsets of
 * docs/keyfile.md, naming `pk` as the public key. */
static void seal_by_hand(const unsigned char seed[32], const unsigned char pk[32], const char *pass,
			 unsigned char file[DOC_END])
{
	memcpy(file, "SHOMEIKEY", 9);
	file[DOC_VERSION] = 1;
	file[DOC_TYPE] = 1;
	file[DOC_KDF] = 1;
	put_be64(file + DOC_OPS, MIN_OPS);
	put_be64(file + DOC_MEM, MIN_MEM);
	randombytes_buf(file + DOC_SALT, 16);
	randombytes_buf(file + DOC_NONCE, 24);
	memcpy(file + DOC_PK, pk, 32);
	unsigned char *key = sodium_malloc(32);
	assert_int_equal(crypto_pwhash(key, 32, pass, strlen(pass), file + DOC_SALT, MIN_OPS,
				       MIN_MEM, crypto_pwhash_ALG_ARGON2ID13),
			 0);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(file + DOC_CT, &clen, seed, 32, file, DOC_CT,
						   NULL, file + DOC_NONCE, key);
	assert_int_equal(clen, DOC_END - DOC_CT);
	sodium_free(key);
}

/* An independent writer (libsodium by hand) and our reader agree; a file whose
 * public key is not the seed's, though sealed with the passphrase, is refused. */
static void test_hand_sealed(void **state)
{
	(void)state;
	unsigned char *seed = sodium_malloc(32);
	randombytes_buf(seed, 32);
	struct ed25519_key *k = ed25519_key_new_from_seed(seed);
	unsigned char file[DOC_END];
	seal_by_hand(seed, k->pk, PASS, file);
	struct shomei_diag d;
	struct ed25519_key *out = NULL;
	assert_int_equal(keyfile_parse(file, sizeof file, PASS, PASS_LEN, &out, &d), 0);
	assert_memory_equal(out->sk, k->sk, ED25519_SECRET_BYTES);
	ed25519_key_free(out);

	struct ed25519_key *other = ed25519_key_new_random();
	seal_by_hand(seed, other->pk, PASS, file);
	out = (struct ed25519_key *)&out;
	assert_int_equal(keyfile_parse(file, sizeof file, PASS, PASS_LEN, &out, &d),
			 SHOMEI_ERR_DECRYPT);
	assert_string_equal(d.what, DECRYPT_WHAT " (the public key does not match the seed)");
	assert_null(out);
	ed25519_key_free(other);
	ed25519_key_free(k);
	sodium_free(seed);
}

static void test_symlinks_not_followed(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *k = ed25519_key_new_random();
	struct shomei_diag d;
	/* A symlink to a file someone cares about. */
	char *victim = path_in(f->dir, "victim");
	spill(victim, "keep", 4);
	assert_int_equal(symlink(victim, f->path), 0);
	assert_int_equal(
	    keyfile_write_with_limits(f->path, k, PASS, PASS_LEN, MIN_OPS, MIN_MEM, &d),
	    SHOMEI_ERR_EXISTS);
	size_t len;
	unsigned char *kept = slurp(victim, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(kept, "keep", 4);
	free(kept);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* A dangling one: its target must not come into being. */
	char *target = path_in(f->dir, "target");
	char *link = path_in(f->dir, "dangling.key");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(keyfile_write_with_limits(link, k, PASS, PASS_LEN, MIN_OPS, MIN_MEM, &d),
			 SHOMEI_ERR_EXISTS);
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* Reading: a missing file and a directory are I/O errors. */
	struct ed25519_key *out = NULL;
	unlink(link);
	assert_int_equal(keyfile_read(link, PASS, PASS_LEN, &out, &d), SHOMEI_ERR_IO);
	assert_null(out);
	unsigned char pk[ED25519_PUBLIC_BYTES];
	assert_int_equal(keyfile_read_public(link, pk, &d), SHOMEI_ERR_IO);
	assert_int_equal(keyfile_read(f->dir, PASS, PASS_LEN, &out, &d), SHOMEI_ERR_IO);
	free(victim);
	free(target);
	free(link);
	ed25519_key_free(k);
}

static void test_change_passphrase(void **state)
{
	struct fixture *f = *state;
	struct ed25519_key *k = ed25519_key_new_random();
	struct shomei_diag d;
	assert_int_equal(
	    keyfile_write_with_limits(f->path, k, PASS, PASS_LEN, MIN_OPS, MIN_MEM, &d), 0);
	size_t len;
	unsigned char *before = slurp(f->path, &len);

	/* Wrong old passphrase, or an empty new one: the file is unchanged. */
	assert_int_equal(keyfile_change_passphrase(f->path, "nope", 4, "new one", 7,
						   KEYFILE_KDF_INTERACTIVE, &d),
			 SHOMEI_ERR_DECRYPT);
	assert_int_equal(
	    keyfile_change_passphrase(f->path, PASS, PASS_LEN, "", 0, KEYFILE_KDF_INTERACTIVE, &d),
	    SHOMEI_ERR_USAGE);
	size_t len2;
	unsigned char *after = slurp(f->path, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(after, before, len);
	free(after);

	assert_int_equal(keyfile_change_passphrase(f->path, PASS, PASS_LEN, "new one", 7,
						   KEYFILE_KDF_INTERACTIVE, &d),
			 0);
	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	after = slurp(f->path, &len2);
	assert_int_equal(len2, KEYFILE_BYTES);
	assert_int_equal(be64(after + DOC_OPS), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
	assert_memory_not_equal(after + DOC_SALT, before + DOC_SALT, KEYFILE_SALT_BYTES);
	free(after);
	struct ed25519_key *out = NULL;
	assert_int_equal(keyfile_read(f->path, PASS, PASS_LEN, &out, &d), SHOMEI_ERR_DECRYPT);
	assert_int_equal(keyfile_read(f->path, "new one", 7, &out, &d), 0);
	assert_memory_equal(out->sk, k->sk, ED25519_SECRET_BYTES);
	ed25519_key_free(out);
	free(before);
	ed25519_key_free(k);
}

static void test_derive(void **state)
{
	(void)state;
	unsigned char salt[KEYFILE_SALT_BYTES] = {1, 2, 3};
	unsigned char *a = sodium_malloc(3 * KEYFILE_KEY_BYTES);
	unsigned char *b = a + KEYFILE_KEY_BYTES, *c = b + KEYFILE_KEY_BYTES;
	assert_int_equal(keyfile_derive(PASS, PASS_LEN, salt, MIN_OPS, MIN_MEM, a), 0);
	assert_int_equal(keyfile_derive(PASS, PASS_LEN, salt, MIN_OPS, MIN_MEM, b), 0);
	assert_memory_equal(a, b, KEYFILE_KEY_BYTES);
	salt[15] = 1;
	assert_int_equal(keyfile_derive(PASS, PASS_LEN, salt, MIN_OPS, MIN_MEM, c), 0);
	assert_memory_not_equal(a, c, KEYFILE_KEY_BYTES);
	/* The same as libsodium's Argon2id v1.3, nothing added. */
	assert_int_equal(crypto_pwhash(c, KEYFILE_KEY_BYTES, PASS, PASS_LEN, salt, MIN_OPS, MIN_MEM,
				       crypto_pwhash_ALG_ARGON2ID13),
			 0);
	assert_int_equal(keyfile_derive(PASS, PASS_LEN, salt, MIN_OPS, MIN_MEM, b), 0);
	assert_memory_equal(b, c, KEYFILE_KEY_BYTES);
	assert_int_equal(keyfile_derive(PASS, PASS_LEN, salt, 0, MIN_MEM, a), SHOMEI_ERR_INVALID);
	assert_int_equal(keyfile_derive(PASS, PASS_LEN, salt, MIN_OPS, (size_t)1 << 31, a),
			 SHOMEI_ERR_INVALID);
	sodium_free(a);
}

/* The format is pinned by vectors/shomei/keyfile-v1-example.bin: our reader
 * opens it, and so does libsodium called by hand at the documented offsets. */
static void test_example_vector(void **state)
{
	(void)state;
	json_t *meta = tu_load_json_vector("shomei/keyfile-v1-example.json");
	const char *pass = json_string_value(json_object_get(meta, "passphrase"));
	const char *seed_hex = json_string_value(json_object_get(meta, "seed_hex"));
	const char *pk_hex = json_string_value(json_object_get(meta, "public_key_hex"));
	json_t *ops = json_object_get(meta, "opslimit"), *mem = json_object_get(meta, "memlimit");
	assert_non_null(pass);
	assert_non_null(seed_hex);
	assert_non_null(pk_hex);
	assert_true(json_is_integer(ops) && json_is_integer(mem));
	unsigned char want_seed[32], want_pk[32];
	assert_int_equal(tu_hex_decode(seed_hex, want_seed, 32), 32);
	assert_int_equal(tu_hex_decode(pk_hex, want_pk, 32), 32);

	size_t len;
	unsigned char *file =
	    (unsigned char *)tu_read_vector("shomei/keyfile-v1-example.bin", &len);
	assert_int_equal(len, DOC_END);
	assert_memory_equal(file, "SHOMEIKEY", 12);
	assert_int_equal(be64(file + DOC_OPS), json_integer_value(ops));
	assert_int_equal(be64(file + DOC_MEM), json_integer_value(mem));
	assert_memory_equal(file + DOC_PK, want_pk, 32);

	/* The file's parts, as the vector lists them. */
	struct {
		const char *field;
		size_t off, len;
	} parts[] = {{"salt_hex", DOC_SALT, 16},
		     {"nonce_hex", DOC_NONCE, 24},
		     {"ciphertext_hex", DOC_CT, 32},
		     {"tag_hex", DOC_TAG, 16}};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		const char *hex = json_string_value(json_object_get(meta, parts[i].field));
		assert_non_null(hex);
		unsigned char part[32];
		assert_int_equal(tu_hex_decode(hex, part, sizeof part), parts[i].len);
		assert_memory_equal(file + parts[i].off, part, parts[i].len);
	}
	/* keyfile_derive gives the vector's intermediate key (Argon2id v1.3, one
	 * lane, memlimit in bytes). */
	unsigned char want_key[32];
	const char *key_hex = json_string_value(json_object_get(meta, "derived_key_hex"));
	assert_non_null(key_hex);
	assert_int_equal(tu_hex_decode(key_hex, want_key, 32), 32);
	unsigned char *derived = sodium_malloc(KEYFILE_KEY_BYTES);
	assert_int_equal(keyfile_derive(pass, strlen(pass), file + DOC_SALT,
					(unsigned long long)json_integer_value(ops),
					(size_t)json_integer_value(mem), derived),
			 0);
	assert_memory_equal(derived, want_key, 32);
	sodium_free(derived);

	/* Our reader, from memory and from the file. */
	struct shomei_diag d;
	struct ed25519_key *out = NULL;
	assert_int_equal(keyfile_parse(file, len, pass, strlen(pass), &out, &d), 0);
	assert_memory_equal(out->pk, want_pk, 32);
	unsigned char *seed = sodium_malloc(32);
	ed25519_key_seed(out, seed);
	assert_memory_equal(seed, want_seed, 32);
	ed25519_key_free(out);
	assert_int_equal(
	    keyfile_read("vectors/shomei/keyfile-v1-example.bin", pass, strlen(pass), &out, &d), 0);
	assert_memory_equal(out->pk, want_pk, 32);
	ed25519_key_free(out);
	unsigned char pk[32];
	assert_int_equal(keyfile_read_public("vectors/shomei/keyfile-v1-example.bin", pk, &d), 0);
	assert_memory_equal(pk, want_pk, 32);
	assert_int_equal(keyfile_parse(file, len, PASS, PASS_LEN, &out, &d), SHOMEI_ERR_DECRYPT);

	/* By hand, as docs/keyfile.md tells it. */
	unsigned char *key = sodium_malloc(32);
	assert_int_equal(crypto_pwhash(key, 32, pass, strlen(pass), file + DOC_SALT,
				       be64(file + DOC_OPS), (size_t)be64(file + DOC_MEM),
				       crypto_pwhash_ALG_ARGON2ID13),
			 0);
	memset(seed, 0, 32);
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL, file + DOC_CT,
								    DOC_END - DOC_CT, file, DOC_CT,
								    file + DOC_NONCE, key),
			 0);
	assert_memory_equal(key, want_key, 32);
	assert_memory_equal(seed, want_seed, 32);
	unsigned char derived_pk[32], sk[64];
	crypto_sign_ed25519_seed_keypair(derived_pk, sk, seed);
	assert_memory_equal(derived_pk, want_pk, 32);
	sodium_memzero(sk, sizeof sk);
	sodium_free(key);
	sodium_free(seed);
	free(file);
	json_decref(meta);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout_constants),
	    cmocka_unit_test_setup_teardown(test_round_trip_interactive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_refusals, setup, teardown),
	    cmocka_unit_test(test_every_byte_is_bound),
	    cmocka_unit_test_setup_teardown(test_truncated_and_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crafted_headers, setup, teardown),
	    cmocka_unit_test(test_hand_sealed),
	    cmocka_unit_test_setup_teardown(test_symlinks_not_followed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_passphrase, setup, teardown),
	    cmocka_unit_test(test_derive),
	    cmocka_unit_test(test_example_vector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
