/* Encrypted key files: round trip, refusals, and every byte of the file bound. */
#include "keyfile.h"
#include "init.h"
#include "testutil.h"

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

#define PASS "correct horse battery staple"
#define MIN_OPS crypto_pwhash_argon2id_OPSLIMIT_MIN
#define MIN_MEM crypto_pwhash_argon2id_MEMLIMIT_MIN

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *buf = malloc(4096);
	*len = fread(buf, 1, 4096, f);
	fclose(f);
	return buf;
}

static void test_round_trip_interactive(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *path = path_in(dir, "issuer.key");
	struct ed25519_key *k = ed25519_key_new_random();
	struct shomei_diag d;
	assert_int_equal(keyfile_write(path, k, PASS, strlen(PASS), KEYFILE_KDF_INTERACTIVE, &d), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, KEYFILE_BYTES);
	struct ed25519_key *back = NULL;
	assert_int_equal(keyfile_read(path, PASS, strlen(PASS), &back, &d), 0);
	assert_memory_equal(back->pk, k->pk, ED25519_PUBLIC_BYTES);
	assert_memory_equal(back->sk, k->sk, ED25519_SECRET_BYTES);
	unsigned char pk[ED25519_PUBLIC_BYTES];
	assert_int_equal(keyfile_read_public(path, pk, &d), 0);
	assert_memory_equal(pk, k->pk, sizeof pk);
	/* The seed is nowhere in the file. */
	size_t len;
	unsigned char *file = read_all(path, &len);
	unsigned char seed[ED25519_SEED_BYTES];
	ed25519_key_seed(k, seed);
	for (size_t i = 0; i + 8 <= len; i++)
		assert_false(memcmp(file + i, seed, 8) == 0);
	free(file);
	/* Wrong passphrase. */
	struct ed25519_key *none = NULL;
	assert_int_equal(keyfile_read(path, "wrong", 5, &none, &d), SHOMEI_ERR_DECRYPT);
	assert_string_equal(d.what, "wrong passphrase or damaged key file");
	assert_null(none);
	/* Never over an existing file. */
	struct ed25519_key *k2 = ed25519_key_new_random();
	assert_int_equal(keyfile_write(path, k2, PASS, strlen(PASS), KEYFILE_KDF_INTERACTIVE, &d),
			 SHOMEI_ERR_EXISTS);
	assert_int_equal(keyfile_read(path, PASS, strlen(PASS), &none, &d), 0);
	assert_memory_equal(none->pk, k->pk, ED25519_PUBLIC_BYTES);
	ed25519_key_free(none);
	ed25519_key_free(k2);
	ed25519_key_free(k);
	ed25519_key_free(back);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void test_every_byte_is_bound(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *path = path_in(dir, "k");
	struct ed25519_key *k = ed25519_key_new_random();
	struct shomei_diag d;
	assert_int_equal(keyfile_write_with_limits(path, k, PASS, strlen(PASS), MIN_OPS, MIN_MEM, &d),
			 0);
	size_t len;
	unsigned char *file = read_all(path, &len);
	assert_int_equal(len, KEYFILE_BYTES);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			file[i] ^= (unsigned char)(1u << bit);
			struct ed25519_key *out = NULL;
			int err = keyfile_parse(file, len, PASS, strlen(PASS), &out, &d);
			if (err == 0)
				fail_msg("byte %zu bit %d: accepted", i, bit);
			assert_null(out);
			assert_true(err == SHOMEI_ERR_DECRYPT || err == SHOMEI_ERR_PARSE ||
				    err == SHOMEI_ERR_UNSUPPORTED || err == SHOMEI_ERR_INVALID);
			file[i] ^= (unsigned char)(1u << bit);
		}
	}
	/* Every truncation and an extra byte. */
	for (size_t n = 0; n < len; n++) {
		struct ed25519_key *out = NULL;
		assert_int_equal(keyfile_parse(file, n, PASS, strlen(PASS), &out, &d),
				 SHOMEI_ERR_PARSE);
	}
	unsigned char longer[KEYFILE_BYTES + 1];
	memcpy(longer, file, len);
	longer[len] = 0;
	struct ed25519_key *out = NULL;
	assert_int_equal(keyfile_parse(longer, len + 1, PASS, strlen(PASS), &out, &d),
			 SHOMEI_ERR_PARSE);
	/* Unchanged, it opens. */
	assert_int_equal(keyfile_parse(file, len, PASS, strlen(PASS), &out, &d), 0);
	ed25519_key_free(out);
	free(file);
	ed25519_key_free(k);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void test_symlink_and_garbage(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *path = path_in(dir, "k");
	char *victim = path_in(dir, "victim");
	FILE *f = fopen(victim, "w");
	fputs("keep", f);
	fclose(f);
	assert_int_equal(symlink(victim, path), 0);
	struct ed25519_key *k = ed25519_key_new_random();
	struct shomei_diag d;
	assert_int_equal(keyfile_write_with_limits(path, k, PASS, strlen(PASS), MIN_OPS, MIN_MEM, &d),
			 SHOMEI_ERR_EXISTS);
	size_t len;
	unsigned char *kept = read_all(victim, &len);
	assert_int_equal(len, 4);
	free(kept);
	/* Not a key file at all, or an absurd KDF cost. */
	struct ed25519_key *out = NULL;
	assert_int_equal(keyfile_read(victim, PASS, strlen(PASS), &out, &d), SHOMEI_ERR_PARSE);
	assert_string_equal(d.what, "not a shomei key file");
	assert_int_equal(keyfile_kdf_limits_check(1ULL << 40, MIN_MEM), SHOMEI_ERR_INVALID);
	assert_int_equal(keyfile_kdf_limits_check(MIN_OPS, 1ULL << 40), SHOMEI_ERR_INVALID);
	assert_int_equal(keyfile_kdf_limits_check(MIN_OPS, MIN_MEM), 0);
	unsigned char pk[32];
	assert_int_equal(keyfile_read_public(victim, pk, &d), SHOMEI_ERR_PARSE);
	char *missing = path_in(dir, "missing");
	assert_int_equal(keyfile_read(missing, PASS, strlen(PASS), &out, &d), SHOMEI_ERR_IO);
	free(missing);
	ed25519_key_free(k);
	tu_rm_rf(dir);
	free(path);
	free(victim);
	free(dir);
}

/* The format is pinned by vectors/shomei/keyfile-v1-example.bin. */
static void test_example_vector(void **state)
{
	(void)state;
	json_t *meta = tu_load_json_vector("shomei/keyfile-v1-example.json");
	size_t len;
	char *file = tu_read_vector("shomei/keyfile-v1-example.bin", &len);
	const char *pass = json_string_value(json_object_get(meta, "passphrase"));
	struct ed25519_key *out = NULL;
	struct shomei_diag d;
	assert_int_equal(keyfile_parse((unsigned char *)file, len, pass, strlen(pass), &out, &d), 0);
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, out->pk, 32);
	assert_string_equal(hex, json_string_value(json_object_get(meta, "public_key_hex")));
	unsigned char seed[32];
	ed25519_key_seed(out, seed);
	sodium_bin2hex(hex, sizeof hex, seed, 32);
	assert_string_equal(hex, json_string_value(json_object_get(meta, "seed_hex")));
	ed25519_key_free(out);
	free(file);
	json_decref(meta);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_interactive),
		cmocka_unit_test(test_every_byte_is_bound),
		cmocka_unit_test(test_symlink_and_garbage),
		cmocka_unit_test(test_example_vector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
