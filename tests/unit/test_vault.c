/* test_vault.c - the wallet's encrypted store (common/vault.h).
 *
 * Most vaults here are made with vault_test_limits_create (Argon2id at libsodium's
 * minimum), so that the whole program runs in a few seconds under ASan. The format
 * tests re-derive the keys with libsodium directly from docs/wallet-store.md, so the
 * document and the code cannot drift apart.
 */
#include "testutil.h"
#include "vault.h"

#include <dirent.h>
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
#define HEADER_BYTES 82

static const char yamada[] = "山田太郎";
static const unsigned char secret32[32] = {
    0xde, 0xad, 0xbe, 0xef, 0x5e, 0xc2, 0xe7, 0x01, 0x42, 0x13, 0x37, 0x99, 0xa5, 0x5a, 0xc3, 0x3c,
    0x0f, 0xf0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

/* ---- helpers ---- */

struct fixture {
	char *tmp; /* from tu_tempdir */
	char dir[1100];
	struct vault *v;
};

static void fixture_open(struct fixture *f)
{
	struct shomei_diag d;
	f->tmp = tu_tempdir();
	snprintf(f->dir, sizeof f->dir, "%s/wallet", f->tmp);
	assert_int_equal(vault_test_limits_create(f->dir, PASS, PASS_LEN, &f->v, &d), 0);
	assert_non_null(f->v);
}

static void fixture_close(struct fixture *f)
{
	vault_close(f->v);
	f->v = NULL;
	tu_rm_rf(f->tmp);
	free(f->tmp);
}

static void put_ok(struct vault *v, const char *name, const void *data, size_t len)
{
	struct shomei_diag d;
	int err = vault_put(v, name, data, len, FILEIO_NO_REPLACE, &d);
	if (err)
		fail_msg("vault_put %s: %s: %s", name, d.where, d.what);
}

static void get_expect(struct vault *v, const char *name, const void *data, size_t len)
{
	struct shomei_diag d;
	unsigned char *got = NULL;
	size_t got_len = 99;
	int err = vault_get(v, name, &got, &got_len, &d);
	if (err)
		fail_msg("vault_get %s: %s: %s", name, d.where, d.what);
	assert_int_equal(got_len, len);
	if (len)
		assert_memory_equal(got, data, len);
	assert_int_equal(got[len], '\0');
	vault_free_data(got, got_len);
}

static void get_fails(struct vault *v, const char *name, int want)
{
	struct shomei_diag d;
	unsigned char *got = (unsigned char *)"x";
	size_t got_len = 99;
	assert_int_equal(vault_get(v, name, &got, &got_len, &d), want);
	assert_null(got);
	assert_int_equal(got_len, 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	unsigned char *p = malloc(2 << 20);
	assert_non_null(p);
	*len = fread(p, 1, 2 << 20, fp);
	fclose(fp);
	return p;
}

static void spit(const char *path, const void *p, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(p, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The item files of a vault (names only, sorted), at most `max`. */
static size_t item_files(const char *dir, char names[][80], size_t max)
{
	char p[1200];
	snprintf(p, sizeof p, "%s/items", dir);
	DIR *dp = opendir(p);
	assert_non_null(dp);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		assert_true(n < max);
		snprintf(names[n++], 80, "%s", e->d_name);
	}
	closedir(dp);
	qsort(names, n, 80, cmp_name);
	return n;
}

struct seen {
	size_t n;
	char name[16][300];
	unsigned char data[16][64];
	size_t len[16];
	int stop_at; /* 1-based visit number at which to return 7; 0 never */
};

static int collect(void *ctx, const char *name, const unsigned char *data, size_t len)
{
	struct seen *s = ctx;
	assert_true(s->n < 16);
	snprintf(s->name[s->n], sizeof s->name[0], "%s", name);
	s->len[s->n] = len;
	memcpy(s->data[s->n], data, len < 64 ? len : 64);
	assert_int_equal(data[len], '\0');
	s->n++;
	return s->stop_at && (int)s->n == s->stop_at ? 7 : 0;
}

/* ---- the format, re-derived from docs/wallet-store.md ---- */

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

struct doc_keys {
	unsigned char item[32], name[32], check[32];
};

static void doc_derive(const unsigned char hdr[HEADER_BYTES], const char *pass, struct doc_keys *k)
{
	unsigned char master[32];
	assert_memory_equal(hdr, "SHMVAULT\x00\x01", 10);
	assert_int_equal(crypto_pwhash(master, 32, pass, strlen(pass), hdr + 26, be64(hdr + 10),
				       (size_t)be64(hdr + 18), crypto_pwhash_ALG_ARGON2ID13),
			 0);
	crypto_kdf_derive_from_key(k->item, 32, 1, "shomeivt", master);
	crypto_kdf_derive_from_key(k->name, 32, 2, "shomeivt", master);
	crypto_kdf_derive_from_key(k->check, 32, 3, "shomeivt", master);
	/* check block: AEAD of "" with AD = bytes 0..41, nonce 42..65, tag 66..81 */
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(NULL, NULL, NULL, hdr + 66, 16,
								    hdr, 42, hdr + 42, k->check),
			 0);
}

static void doc_file_name(const struct doc_keys *k, const char *name, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, 32, (const unsigned char *)name, strlen(name), k->name, 32);
	sodium_bin2hex(out, 65, h, 32);
}

/* Seals plaintext pt as item file `file` of the vault with header hdr; returns the
 * file bytes (malloc'd). */
static unsigned char *doc_seal(const struct doc_keys *k, const unsigned char *hdr, const char *file,
			       const unsigned char *pt, size_t pt_len, size_t *out_len)
{
	unsigned char ad[HEADER_BYTES + 64];
	memcpy(ad, hdr, HEADER_BYTES);
	memcpy(ad + HEADER_BYTES, file, 64);
	unsigned char *c = malloc(24 + pt_len + 16);
	assert_non_null(c);
	randombytes_buf(c, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c + 24, NULL, pt, pt_len, ad, sizeof ad, NULL, c,
						   k->item);
	*out_len = 24 + pt_len + 16;
	return c;
}

static void read_header(const char *dir, unsigned char hdr[HEADER_BYTES])
{
	char p[1200];
	size_t n;
	snprintf(p, sizeof p, "%s/vault.hdr", dir);
	unsigned char *b = slurp(p, &n);
	assert_int_equal(n, HEADER_BYTES);
	memcpy(hdr, b, HEADER_BYTES);
	free(b);
}

/* ---- tests ---- */

static void test_round_trip(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	fixture_open(&f);
	put_ok(f.v, "urn:uuid:1", "diploma one", 11);
	put_ok(f.v, "key", secret32, sizeof secret32);
	put_ok(f.v, "empty", NULL, 0);
	vault_close(f.v);
	f.v = NULL;
	assert_int_equal(vault_open(f.dir, PASS, PASS_LEN, &f.v, &d), 0);
	get_expect(f.v, "urn:uuid:1", "diploma one", 11);
	get_expect(f.v, "key", secret32, sizeof secret32);
	get_expect(f.v, "empty", NULL, 0);
	fixture_close(&f);
}

static void test_wrong_passphrase(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault *v = (struct vault *)&d;
	fixture_open(&f);
	put_ok(f.v, "a", "x", 1);
	assert_int_equal(vault_open(f.dir, "correct horse battery stapler", PASS_LEN + 1, &v, &d),
			 SHOMEI_ERR_DECRYPT);
	assert_null(v);
	assert_string_equal(d.what, "wrong passphrase or damaged wallet");
	assert_string_equal(d.where, "vault.hdr");
	v = (struct vault *)&d;
	assert_int_equal(vault_open(f.dir, PASS, PASS_LEN - 1, &v, &d), SHOMEI_ERR_DECRYPT);
	assert_null(v);
	assert_int_equal(vault_open(f.dir, NULL, 0, &v, &d), SHOMEI_ERR_DECRYPT);
	assert_null(v);
	assert_int_equal(vault_open(f.dir, PASS, PASS_LEN, &v, &d), 0);
	get_expect(v, "a", "x", 1);
	vault_close(v);
	fixture_close(&f);
}

static void test_open_missing_and_create_twice(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault *v = (struct vault *)&d;
	char p[1200];
	fixture_open(&f);
	snprintf(p, sizeof p, "%s/nothing", f.tmp);
	assert_int_equal(vault_open(p, PASS, PASS_LEN, &v, &d), SHOMEI_ERR_NOTFOUND);
	assert_null(v);
	assert_int_equal(vault_open(f.tmp, PASS, PASS_LEN, &v, &d), SHOMEI_ERR_NOTFOUND);
	/* a second vault in the same place, with either passphrase */
	unsigned char before[HEADER_BYTES], after[HEADER_BYTES];
	read_header(f.dir, before);
	v = (struct vault *)&d;
	assert_int_equal(vault_test_limits_create(f.dir, PASS, PASS_LEN, &v, &d),
			 SHOMEI_ERR_EXISTS);
	assert_null(v);
	assert_int_equal(vault_test_limits_create(f.dir, "other", 5, &v, &d), SHOMEI_ERR_EXISTS);
	read_header(f.dir, after);
	assert_memory_equal(before, after, HEADER_BYTES);
	/* items without a header: refused too, they would all look damaged */
	put_ok(f.v, "a", "x", 1);
	snprintf(p, sizeof p, "%s/vault.hdr", f.dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vault_test_limits_create(f.dir, PASS, PASS_LEN, &v, &d),
			 SHOMEI_ERR_EXISTS);
	assert_null(v);
	/* bad arguments */
	assert_int_equal(vault_test_limits_create("", PASS, PASS_LEN, &v, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(vault_test_limits_create(f.dir, NULL, 3, &v, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(vault_create(f.dir, PASS, PASS_LEN, (enum keyfile_kdf_level)42, &v, &d),
			 SHOMEI_ERR_USAGE);
	assert_null(v);
	vault_close(NULL);
	fixture_close(&f);
}

/* One real create at the INTERACTIVE level: the header records libsodium's limits. */
static void test_create_interactive(void **state)
{
	(void)state;
	char *tmp = tu_tempdir();
	char dir[1100];
	struct shomei_diag d;
	struct vault *v;
	unsigned char hdr[HEADER_BYTES];
	snprintf(dir, sizeof dir, "%s/w", tmp);
	assert_int_equal(vault_create(dir, PASS, PASS_LEN, KEYFILE_KDF_INTERACTIVE, &v, &d), 0);
	put_ok(v, "a", "b", 1);
	vault_close(v);
	read_header(dir, hdr);
	assert_int_equal(be64(hdr + 10), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
	assert_int_equal(be64(hdr + 18), crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
	tu_rm_rf(tmp);
	free(tmp);
}

static void test_put_get_has_delete(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	fixture_open(&f);
	assert_int_equal(vault_has(f.v, "a"), 0);
	get_fails(f.v, "a", SHOMEI_ERR_NOTFOUND);
	put_ok(f.v, "a", "first", 5);
	assert_int_equal(vault_has(f.v, "a"), 1);
	assert_int_equal(vault_has(f.v, "b"), 0);
	get_expect(f.v, "a", "first", 5);

	assert_int_equal(vault_put(f.v, "a", "second", 6, FILEIO_NO_REPLACE, &d),
			 SHOMEI_ERR_EXISTS);
	get_expect(f.v, "a", "first", 5);
	assert_int_equal(vault_put(f.v, "a", "second", 6, FILEIO_REPLACE, &d), 0);
	get_expect(f.v, "a", "second", 6);
	/* REPLACE also creates */
	assert_int_equal(vault_put(f.v, "c", "third", 5, FILEIO_REPLACE, &d), 0);
	get_expect(f.v, "c", "third", 5);

	char files[4][80];
	assert_int_equal(item_files(f.dir, files, 4), 2);
	assert_int_equal(vault_delete(f.v, "a", &d), 0);
	assert_int_equal(vault_has(f.v, "a"), 0);
	get_fails(f.v, "a", SHOMEI_ERR_NOTFOUND);
	assert_int_equal(vault_delete(f.v, "a", &d), SHOMEI_ERR_NOTFOUND);
	assert_int_equal(item_files(f.dir, files, 4), 1);
	get_expect(f.v, "c", "third", 5);
	fixture_close(&f);
}

static void test_limits_and_usage(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	char name[VAULT_MAX_NAME_BYTES + 2];
	fixture_open(&f);
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(vault_put(f.v, name, "x", 1, FILEIO_NO_REPLACE, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(vault_put(f.v, "", "x", 1, FILEIO_NO_REPLACE, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(vault_put(f.v, NULL, "x", 1, FILEIO_NO_REPLACE, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(vault_put(f.v, "a", NULL, 1, FILEIO_NO_REPLACE, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(vault_put(f.v, "a", "x", 1, 7, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(vault_has(f.v, name), 0);
	assert_int_equal(vault_has(f.v, ""), 0);
	get_fails(f.v, name, SHOMEI_ERR_NOTFOUND);
	assert_int_equal(vault_delete(f.v, "", &d), SHOMEI_ERR_NOTFOUND);

	name[VAULT_MAX_NAME_BYTES] = '\0'; /* exactly the maximum */
	unsigned char *big = malloc(VAULT_MAX_ITEM_BYTES + 1);
	assert_non_null(big);
	for (size_t i = 0; i <= VAULT_MAX_ITEM_BYTES; i++)
		big[i] = (unsigned char)(i * 7 + 1);
	assert_int_equal(
	    vault_put(f.v, "big", big, VAULT_MAX_ITEM_BYTES + 1, FILEIO_NO_REPLACE, &d),
	    SHOMEI_ERR_LIMIT);
	assert_int_equal(vault_has(f.v, "big"), 0);
	put_ok(f.v, name, big, VAULT_MAX_ITEM_BYTES);
	get_expect(f.v, name, big, VAULT_MAX_ITEM_BYTES);
	free(big);
	fixture_close(&f);
}

static void test_japanese_names_and_order(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault_damage dm;
	struct seen s = {0};
	fixture_open(&f);
	put_ok(f.v, "卒業証書/東京大学", "u1", 2);
	put_ok(f.v, yamada, "name", 4);
	put_ok(f.v, "b", "B", 1);
	put_ok(f.v, "a", "A", 1);
	put_ok(f.v, "Z", "z", 1);
	put_ok(f.v, "卒業証書/京都大学", "u2", 2);
	get_expect(f.v, yamada, "name", 4);
	get_expect(f.v, "卒業証書/東京大学", "u1", 2);
	assert_int_equal(vault_has(f.v, "卒業証書"), 0);
	assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 0);
	assert_int_equal(dm.count, 0);
	assert_int_equal(s.n, 6);
	for (size_t i = 1; i < s.n; i++)
		assert_true(strcmp(s.name[i - 1], s.name[i]) < 0);
	assert_string_equal(s.name[0], "Z");
	assert_string_equal(s.name[1], "a");
	/* 京 U+4EAC < 東 U+6771, and 卒 U+5352 < 山 U+5C71 */
	assert_string_equal(s.name[3], "卒業証書/京都大学");
	assert_memory_equal(s.data[3], "u2", 2);
	assert_string_equal(s.name[4], "卒業証書/東京大学");
	assert_string_equal(s.name[5], yamada);
	assert_int_equal(s.len[5], 4);

	/* the callback stops the walk and its value comes back */
	memset(&s, 0, sizeof s);
	s.stop_at = 2;
	assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 7);
	assert_int_equal(s.n, 2);
	assert_int_equal(vault_foreach(f.v, NULL, &s, &dm, &d), SHOMEI_ERR_USAGE);
	fixture_close(&f);
}

static void test_file_modes(void **state)
{
	(void)state;
	struct fixture f;
	struct stat st;
	char p[1300], files[4][80];
	fixture_open(&f);
	put_ok(f.v, "a", "x", 1);
	put_ok(f.v, "b", "y", 1);
	assert_int_equal(stat(f.dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(p, sizeof p, "%s/items", f.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(p, sizeof p, "%s/vault.hdr", f.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(item_files(f.dir, files, 4), 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(strlen(files[i]), VAULT_FILE_NAME_BYTES);
		snprintf(p, sizeof p, "%s/items/%s", f.dir, files[i]);
		assert_int_equal(stat(p, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	fixture_close(&f);
}

static int contains(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

/* Nothing put in the vault, name or data, appears anywhere on disk: not in the
 * contents of any file, nor in any file name. */
static void test_no_plaintext_on_disk(void **state)
{
	(void)state;
	struct fixture f;
	char p[1300], files[8][80];
	const char *cred_id = "urn:uuid:7f1c2d9e-shomei-credential";
	const char *needles[] = {yamada, cred_id, "TOKYO-UNIVERSITY-DIPLOMA", PASS, "key:"};
	fixture_open(&f);
	put_ok(f.v, cred_id, "{\"name\":\"山田太郎\",\"school\":\"TOKYO-UNIVERSITY-DIPLOMA\"}",
	       strlen("{\"name\":\"山田太郎\",\"school\":\"TOKYO-UNIVERSITY-DIPLOMA\"}"));
	put_ok(f.v, "key:issuer", secret32, sizeof secret32);
	put_ok(f.v, yamada, yamada, strlen(yamada));
	size_t n = item_files(f.dir, files, 8);
	assert_int_equal(n, 3);
	for (size_t i = 0; i <= n; i++) {
		if (i < n)
			snprintf(p, sizeof p, "%s/items/%s", f.dir, files[i]);
		else
			snprintf(p, sizeof p, "%s/vault.hdr", f.dir);
		size_t len;
		unsigned char *b = slurp(p, &len);
		assert_true(len > 0);
		for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++) {
			assert_false(contains(b, len, needles[k], strlen(needles[k])));
			assert_null(strstr(p + strlen(f.dir), needles[k]));
		}
		/* any 8 bytes of the secret, anywhere */
		for (size_t k = 0; k + 8 <= sizeof secret32; k++)
			assert_false(contains(b, len, secret32 + k, 8));
		free(b);
	}
	fixture_close(&f);
}

/* Puts three items and returns the file name of "victim" in victim_file. */
static void three_items(struct fixture *f, char victim_file[80], char other_file[80])
{
	char files[4][80], only[1][80];
	put_ok(f->v, "victim", "VICTIM DATA", 11);
	assert_int_equal(item_files(f->dir, only, 1), 1);
	snprintf(victim_file, 80, "%s", only[0]);
	put_ok(f->v, "alpha", "ALPHA", 5);
	put_ok(f->v, "omega", secret32, sizeof secret32);
	assert_int_equal(item_files(f->dir, files, 4), 3);
	for (size_t i = 0; i < 3; i++)
		if (strcmp(files[i], victim_file) != 0)
			snprintf(other_file, 80, "%s", files[i]);
}

/* foreach must see alpha and omega intact and report exactly the victim. */
static void expect_victim_damaged(struct fixture *f, const char *victim_file, int want_err)
{
	struct shomei_diag d;
	struct vault_damage dm;
	struct seen s = {0};
	char want_file[100];
	assert_int_equal(vault_foreach(f->v, collect, &s, &dm, &d), 0);
	assert_int_equal(dm.count, 1);
	assert_int_equal(dm.reported, 1);
	snprintf(want_file, sizeof want_file, "items/%s", victim_file);
	assert_string_equal(dm.item[0].file, want_file);
	if (want_err)
		assert_int_equal(dm.item[0].err, want_err);
	assert_true(dm.item[0].what[0] != '\0');
	assert_int_equal(s.n, 2);
	assert_string_equal(s.name[0], "alpha");
	assert_memory_equal(s.data[0], "ALPHA", 5);
	assert_string_equal(s.name[1], "omega");
	assert_int_equal(s.len[1], sizeof secret32);
	assert_memory_equal(s.data[1], secret32, sizeof secret32);
	/* without a damage report, damage is an error, after the others were visited */
	memset(&s, 0, sizeof s);
	assert_int_equal(vault_foreach(f->v, collect, &s, NULL, &d), SHOMEI_ERR_DECRYPT);
	assert_int_equal(s.n, 2);
}

static void test_flip_every_item_byte(void **state)
{
	(void)state;
	struct fixture f;
	char victim[80], other[80], p[1300];
	fixture_open(&f);
	three_items(&f, victim, other);
	snprintf(p, sizeof p, "%s/items/%s", f.dir, victim);
	size_t len;
	unsigned char *orig = slurp(p, &len);
	unsigned char *b = malloc(len);
	assert_non_null(b);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			memcpy(b, orig, len);
			b[i] ^= (unsigned char)(1u << bit);
			spit(p, b, len);
			expect_victim_damaged(&f, victim, SHOMEI_ERR_DECRYPT);
			get_fails(f.v, "victim", SHOMEI_ERR_DECRYPT);
		}
	}
	spit(p, orig, len);
	get_expect(f.v, "victim", "VICTIM DATA", 11);
	free(b);
	free(orig);
	fixture_close(&f);
}

static void test_truncated_and_extended_item(void **state)
{
	(void)state;
	struct fixture f;
	char victim[80], other[80], p[1300];
	fixture_open(&f);
	three_items(&f, victim, other);
	snprintf(p, sizeof p, "%s/items/%s", f.dir, victim);
	size_t len;
	unsigned char *orig = slurp(p, &len);
	for (size_t n = 0; n < len; n++) {
		spit(p, orig, n);
		expect_victim_damaged(&f, victim, 0);
		get_fails(f.v, "victim", n < 24 + 16 + 3 ? SHOMEI_ERR_PARSE : SHOMEI_ERR_DECRYPT);
	}
	unsigned char *longer = calloc(1, len + 1);
	assert_non_null(longer);
	memcpy(longer, orig, len);
	spit(p, longer, len + 1);
	expect_victim_damaged(&f, victim, SHOMEI_ERR_DECRYPT);
	free(longer);
	/* a huge file is refused before it is read whole */
	assert_int_equal(truncate(p, 4 << 20), 0);
	expect_victim_damaged(&f, victim, SHOMEI_ERR_LIMIT);
	spit(p, orig, len);
	get_expect(f.v, "victim", "VICTIM DATA", 11);
	free(orig);
	fixture_close(&f);
}

static void test_swapped_items(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault_damage dm;
	struct seen s = {0};
	char files[4][80], pa[1300], pb[1300], pt[1300];
	fixture_open(&f);
	put_ok(f.v, "a", "AAAA", 4);
	put_ok(f.v, "b", "BBBB", 4);
	put_ok(f.v, "c", "CCCC", 4);
	assert_int_equal(item_files(f.dir, files, 4), 3);
	snprintf(pa, sizeof pa, "%s/items/%s", f.dir, files[0]);
	snprintf(pb, sizeof pb, "%s/items/%s", f.dir, files[1]);
	snprintf(pt, sizeof pt, "%s/items/swap", f.dir);
	assert_int_equal(rename(pa, pt), 0);
	assert_int_equal(rename(pb, pa), 0);
	assert_int_equal(rename(pt, pb), 0);
	assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 0);
	assert_int_equal(dm.count, 2);
	assert_int_equal(dm.item[0].err, SHOMEI_ERR_DECRYPT);
	assert_int_equal(dm.item[1].err, SHOMEI_ERR_DECRYPT);
	assert_int_equal(s.n, 1);
	int ok = 0;
	for (const char *const *n = (const char *const[]){"a", "b", "c", NULL}; *n; n++) {
		unsigned char *data;
		size_t len;
		int err = vault_get(f.v, *n, &data, &len, &d);
		if (err == 0) {
			assert_string_equal(s.name[0], *n);
			vault_free_data(data, len);
			ok++;
		} else {
			assert_int_equal(err, SHOMEI_ERR_DECRYPT);
		}
	}
	assert_int_equal(ok, 1);
	fixture_close(&f);
}

/* An item copied from another vault under the same name and passphrase fails: the
 * header (salt) is bound as associated data and the keys differ anyway. */
static void test_item_from_another_vault(void **state)
{
	(void)state;
	struct fixture f, g;
	char ff[2][80], gf[2][80], p[1300], q[1300];
	fixture_open(&f);
	fixture_open(&g);
	put_ok(f.v, "same", "from f", 6);
	put_ok(g.v, "same", "from g", 6);
	assert_int_equal(item_files(f.dir, ff, 2), 1);
	assert_int_equal(item_files(g.dir, gf, 2), 1);
	assert_string_not_equal(ff[0], gf[0]); /* names are keyed per vault */
	snprintf(p, sizeof p, "%s/items/%s", g.dir, gf[0]);
	snprintf(q, sizeof q, "%s/items/%s", f.dir, ff[0]);
	assert_int_equal(rename(p, q), 0);
	get_fails(f.v, "same", SHOMEI_ERR_DECRYPT);
	fixture_close(&f);
	fixture_close(&g);
}

/* Items are bound to the whole header: a header resealed under the same key (fresh
 * check nonce, valid tag) opens, but no item written under the old one does. */
static void test_items_bound_to_header(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault_damage dm;
	struct seen s = {0};
	struct doc_keys k;
	unsigned char hdr[HEADER_BYTES];
	char p[1300];
	fixture_open(&f);
	put_ok(f.v, "a", "AAAA", 4);
	vault_close(f.v);
	read_header(f.dir, hdr);
	doc_derive(hdr, PASS, &k);
	randombytes_buf(hdr + 42, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(hdr + 66, NULL, NULL, 0, hdr, 42, NULL, hdr + 42,
						   k.check);
	snprintf(p, sizeof p, "%s/vault.hdr", f.dir);
	spit(p, hdr, sizeof hdr);
	assert_int_equal(vault_open(f.dir, PASS, PASS_LEN, &f.v, &d), 0);
	get_fails(f.v, "a", SHOMEI_ERR_DECRYPT);
	assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 0);
	assert_int_equal(dm.count, 1);
	assert_int_equal(s.n, 0);
	fixture_close(&f);
}

static void test_flip_every_header_byte(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	char p[1300];
	fixture_open(&f);
	put_ok(f.v, "a", "x", 1);
	snprintf(p, sizeof p, "%s/vault.hdr", f.dir);
	size_t len;
	unsigned char *orig = slurp(p, &len);
	assert_int_equal(len, HEADER_BYTES);
	unsigned char b[HEADER_BYTES + 1];
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct vault *v = (struct vault *)&d;
			memcpy(b, orig, len);
			b[i] ^= (unsigned char)(1u << bit);
			/* In-range flips of a KDF limit cost at most 8 MiB and 3 passes */
			spit(p, b, len);
			int err = vault_open(f.dir, PASS, PASS_LEN, &v, &d);
			assert_null(v);
			if (i < 8)
				assert_int_equal(err, SHOMEI_ERR_PARSE);
			else if (i < 10)
				assert_int_equal(err, SHOMEI_ERR_UNSUPPORTED);
			else if (err != SHOMEI_ERR_DECRYPT && err != SHOMEI_ERR_INVALID)
				fail_msg("byte %zu bit %d: %s", i, bit, shomei_strerror(err));
		}
	}
	/* wrong sizes */
	for (size_t n = 0; n <= HEADER_BYTES + 1; n += (n == HEADER_BYTES - 1 ? 2 : 1)) {
		struct vault *v = (struct vault *)&d;
		memcpy(b, orig, len);
		b[HEADER_BYTES] = 0;
		spit(p, b, n);
		assert_int_equal(vault_open(f.dir, PASS, PASS_LEN, &v, &d), SHOMEI_ERR_PARSE);
		assert_null(v);
	}
	spit(p, orig, len);
	struct vault *v;
	assert_int_equal(vault_open(f.dir, PASS, PASS_LEN, &v, &d), 0);
	get_expect(v, "a", "x", 1);
	vault_close(v);
	free(orig);
	fixture_close(&f);
}

/* A crafted header with huge KDF limits is refused before any work. */
static void test_header_kdf_limits(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	char p[1300];
	unsigned char hdr[HEADER_BYTES];
	static const struct {
		uint64_t ops, mem;
	} bad[] = {{0, 8192},	    {5, 8192},	    {UINT64_MAX, 8192},
		   {1, 8191},	    {1, 0},	    {1, (1ull << 30) + 1},
		   {1, UINT64_MAX}, {4, 1ull << 40}};
	fixture_open(&f);
	read_header(f.dir, hdr);
	snprintf(p, sizeof p, "%s/vault.hdr", f.dir);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct vault *v = (struct vault *)&d;
		for (int k = 0; k < 8; k++) {
			hdr[10 + k] = (unsigned char)(bad[i].ops >> (56 - 8 * k));
			hdr[18 + k] = (unsigned char)(bad[i].mem >> (56 - 8 * k));
		}
		spit(p, hdr, sizeof hdr);
		assert_int_equal(vault_open(f.dir, PASS, PASS_LEN, &v, &d), SHOMEI_ERR_INVALID);
		assert_null(v);
		assert_string_equal(d.where, "vault.hdr");
	}
	fixture_close(&f);
}

static void test_leftovers_in_items(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault_damage dm;
	struct seen s = {0};
	char victim[80], other[80], p[1400];
	fixture_open(&f);
	three_items(&f, victim, other);
	/* a write interrupted before its rename, half written */
	snprintf(p, sizeof p, "%s/items/%s.tmp-0123456789abcdef", f.dir, victim);
	spit(p, "half", 4);
	snprintf(p, sizeof p, "%s/items/.hidden", f.dir);
	spit(p, "", 0);
	assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 0);
	assert_int_equal(dm.count, 0);
	assert_int_equal(s.n, 3);
	get_expect(f.v, "victim", "VICTIM DATA", 11);
	/* something that is no item file at all is reported, and loses nothing */
	snprintf(p, sizeof p, "%s/items/notes.txt", f.dir);
	spit(p, "hello", 5);
	snprintf(p, sizeof p, "%s/items/%.63s0", f.dir, victim);
	if (strcmp(p + strlen(p) - 1, victim + 63) == 0)
		p[strlen(p) - 1] = '1';
	assert_int_equal(mkdir(p, 0700), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 0);
	assert_int_equal(dm.count, 2);
	assert_int_equal(s.n, 3);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(dm.item[i].err, SHOMEI_ERR_INVALID);
	fixture_close(&f);
}

static void test_many_damaged(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault_damage dm;
	struct seen s = {0};
	char p[1300];
	fixture_open(&f);
	put_ok(f.v, "kept", "k", 1);
	for (int i = 0; i < VAULT_DAMAGE_MAX_REPORTED + 4; i++) {
		snprintf(p, sizeof p, "%s/items/%064x", f.dir, i);
		spit(p, "garbage garbage garbage garbage garbage garbage garbage", 55);
	}
	assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 0);
	assert_int_equal(dm.count, VAULT_DAMAGE_MAX_REPORTED + 4);
	assert_int_equal(dm.reported, VAULT_DAMAGE_MAX_REPORTED);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.name[0], "kept");
	fixture_close(&f);
}

/* Items that decrypt but break the format (only someone with the key can make them). */
static void test_authentic_but_malformed(void **state)
{
	(void)state;
	struct fixture f;
	struct shomei_diag d;
	struct vault_damage dm;
	struct seen s = {0};
	struct doc_keys k;
	unsigned char hdr[HEADER_BYTES];
	char file[65], p[1300];
	fixture_open(&f);
	put_ok(f.v, "good", "g", 1);
	read_header(f.dir, hdr);
	doc_derive(hdr, PASS, &k);
	doc_file_name(&k, "victim", file);
	snprintf(p, sizeof p, "%s/items/%s", f.dir, file);
	static const struct {
		const char *pt;
		size_t len;
	} cases[] = {
	    {"\x00\x00"
	     "data",
	     6},		      /* empty name */
	    {"\x00\x07victim", 8},    /* name longer than the plaintext */
	    {"\x01\x01victim", 8},    /* name over the maximum */
	    {"\x00\x06vic\x00im", 8}, /* NUL in the name */
	    {"\x00\x05other", 7},     /* another name than the file's */
	    {"\x00\x06victin", 8},    /* ditto, one letter off */
	    {"\x00", 1},	      /* shorter than a name length */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n;
		unsigned char *c =
		    doc_seal(&k, hdr, file, (const unsigned char *)cases[i].pt, cases[i].len, &n);
		spit(p, c, n);
		free(c);
		int err = i == 6 ? SHOMEI_ERR_PARSE : SHOMEI_ERR_INVALID;
		get_fails(f.v, "victim", err);
		memset(&s, 0, sizeof s);
		assert_int_equal(vault_foreach(f.v, collect, &s, &dm, &d), 0);
		assert_int_equal(dm.count, 1);
		assert_int_equal(dm.item[0].err, err);
		assert_int_equal(s.n, 1);
	}
	/* and a well-formed one made by hand from the document is read back */
	size_t n;
	unsigned char *c =
	    doc_seal(&k, hdr, file, (const unsigned char *)"\x00\x06victimpayload", 15, &n);
	spit(p, c, n);
	free(c);
	get_expect(f.v, "victim", "payload", 7);
	fixture_close(&f);
}

/* What vault_put writes is what the document says. */
static void test_format_matches_document(void **state)
{
	(void)state;
	struct fixture f;
	struct doc_keys k;
	unsigned char hdr[HEADER_BYTES];
	char file[65], p[1300];
	fixture_open(&f);
	put_ok(f.v, yamada, "diploma", 7);
	read_header(f.dir, hdr);
	assert_int_equal(be64(hdr + 10), crypto_pwhash_argon2id_OPSLIMIT_MIN);
	assert_int_equal(be64(hdr + 18), crypto_pwhash_argon2id_MEMLIMIT_MIN);
	doc_derive(hdr, PASS, &k);
	doc_file_name(&k, yamada, file);
	snprintf(p, sizeof p, "%s/items/%s", f.dir, file);
	size_t len, nm = strlen(yamada);
	unsigned char *b = slurp(p, &len);
	assert_int_equal(len, 24 + 2 + nm + 7 + 16);
	unsigned char ad[HEADER_BYTES + 64], pt[64];
	memcpy(ad, hdr, HEADER_BYTES);
	memcpy(ad + HEADER_BYTES, file, 64);
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(
			     pt, NULL, NULL, b + 24, len - 24, ad, sizeof ad, b, k.item),
			 0);
	assert_int_equal(pt[0], 0);
	assert_int_equal(pt[1], nm);
	assert_memory_equal(pt + 2, yamada, nm);
	assert_memory_equal(pt + 2 + nm, "diploma", 7);
	free(b);
	fixture_close(&f);
}

/* The worked example of docs/wallet-store.md, byte for byte. */
#define EXAMPLE_HEADER_HEX                                                                         \
	"53 48 4d 56 41 55 4c 54 00 01 00 00 00 00 00 00 "                                         \
	"00 01 00 00 00 00 00 00 20 00 13 fb 64 2d 8f 21 "                                         \
	"0f 0c 4b de bb 9a f7 4d 5d 67 f0 a2 30 15 a5 f0 "                                         \
	"58 bb 58 15 1d 11 3a 79 55 dc 75 70 69 8d d3 04 "                                         \
	"a4 c9 6e a8 6f a2 5f 0b 6b 60 6f 73 bc 2b 06 10 "                                         \
	"b1 c7"
#define EXAMPLE_ITEM_FILE "cacbf8083c5266173d18a756aca0fe4a08a324f540491ac90552df7047c5f9bb"
#define EXAMPLE_ITEM_HEX                                                                           \
	"c9 66 ed 6b 31 2a 0d 0e 87 f2 4b db af 90 87 8c "                                         \
	"3e 88 ec 97 a9 fb 42 57 8d 5b 93 87 28 53 24 4b "                                         \
	"25 9c 78 37 ab a4 4b ae 7b 48 9e 7d 3d c9 32 5c "                                         \
	"7d a9 00 19 c6 83 23 43 9c 47 08 af 97 93"

static void test_document_example(void **state)
{
	(void)state;
	char *tmp = tu_tempdir();
	char p[1300];
	unsigned char hdr[HEADER_BYTES], item[256];
	struct shomei_diag d;
	struct vault *v;
	struct doc_keys k;
	char file[65];
	assert_int_equal(tu_hex_decode(EXAMPLE_HEADER_HEX, hdr, sizeof hdr), HEADER_BYTES);
	size_t item_len = tu_hex_decode(EXAMPLE_ITEM_HEX, item, sizeof item);
	doc_derive(hdr, PASS, &k);
	doc_file_name(&k, "example", file);
	assert_string_equal(file, EXAMPLE_ITEM_FILE);
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, k.item, 32);
	assert_string_equal(hex,
			    "2d9c5a63f2067194f585ee6a585869035c8f2a1d3f6b4b5521447954a44e00ea");
	sodium_bin2hex(hex, sizeof hex, k.name, 32);
	assert_string_equal(hex,
			    "aa7d4e9ea488a21efc7907794505c6007169ba366f9413d9497de8467fd3e416");
	sodium_bin2hex(hex, sizeof hex, k.check, 32);
	assert_string_equal(hex,
			    "29f8e6452f44a8314501290f409850b5b48328c0b85be0866b8f1d030cdc59c7");
	snprintf(p, sizeof p, "%s/items", tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/vault.hdr", tmp);
	spit(p, hdr, sizeof hdr);
	snprintf(p, sizeof p, "%s/items/%s", tmp, EXAMPLE_ITEM_FILE);
	spit(p, item, item_len);
	assert_int_equal(vault_open(tmp, PASS, PASS_LEN, &v, &d), 0);
	get_expect(v, "example", "hello, wallet", 13);
	vault_close(v);
	tu_rm_rf(tmp);
	free(tmp);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_wrong_passphrase),
	    cmocka_unit_test(test_open_missing_and_create_twice),
	    cmocka_unit_test(test_create_interactive),
	    cmocka_unit_test(test_put_get_has_delete),
	    cmocka_unit_test(test_limits_and_usage),
	    cmocka_unit_test(test_japanese_names_and_order),
	    cmocka_unit_test(test_file_modes),
	    cmocka_unit_test(test_no_plaintext_on_disk),
	    cmocka_unit_test(test_flip_every_item_byte),
	    cmocka_unit_test(test_truncated_and_extended_item),
	    cmocka_unit_test(test_swapped_items),
	    cmocka_unit_test(test_item_from_another_vault),
	    cmocka_unit_test(test_items_bound_to_header),
	    cmocka_unit_test(test_flip_every_header_byte),
	    cmocka_unit_test(test_header_kdf_limits),
	    cmocka_unit_test(test_leftovers_in_items),
	    cmocka_unit_test(test_many_damaged),
	    cmocka_unit_test(test_authentic_but_malformed),
	    cmocka_unit_test(test_format_matches_document),
	    cmocka_unit_test(test_document_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
