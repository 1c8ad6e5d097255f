/* fuzz_vault.c - libFuzzer harness for the wallet store (common/vault.h).
 *
 * Once per process a vault is laid out in a temporary directory from the worked
 * example of docs/wallet-store.md (passphrase PASS, Argon2id at libsodium's minimum
 * limits): a header and the item "example" = "hello, wallet", plus a second item
 * "keep" written through vault_put. Every input is then used three ways:
 *  1. as the bytes of the item file of "example": vault_get must fail, with no data,
 *     unless the input is the genuine file; vault_foreach must still visit "keep" and
 *     report the forged file as damage;
 *  2. as a plaintext sealed with the vault's real keys (re-derived here from the
 *     document): the format checks behind the AEAD must accept exactly the
 *     well-formed plaintexts "u16 BE length || example || data" and return that data;
 *  3. as the header file of a second vault holding the genuine item: vault_open must
 *     fail, with no vault, unless the input is the genuine header.
 */
#include "vault.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define PASS	     "correct horse battery staple"
#define HEADER_BYTES 82
#define EXAMPLE_FILE "cacbf8083c5266173d18a756aca0fe4a08a324f540491ac90552df7047c5f9bb"
#define EXAMPLE_DATA "hello, wallet"
/* In-range header limits above this would only make Argon2id slow, not find bugs. */
#define FUZZ_MAX_MEMLIMIT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char example_header[HEADER_BYTES] = {
    0x53, 0x48, 0x4d, 0x56, 0x41, 0x55, 0x4c, 0x54, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x13, 0xfb,
    0x64, 0x2d, 0x8f, 0x21, 0x0f, 0x0c, 0x4b, 0xde, 0xbb, 0x9a, 0xf7, 0x4d, 0x5d, 0x67,
    0xf0, 0xa2, 0x30, 0x15, 0xa5, 0xf0, 0x58, 0xbb, 0x58, 0x15, 0x1d, 0x11, 0x3a, 0x79,
    0x55, 0xdc, 0x75, 0x70, 0x69, 0x8d, 0xd3, 0x04, 0xa4, 0xc9, 0x6e, 0xa8, 0x6f, 0xa2,
    0x5f, 0x0b, 0x6b, 0x60, 0x6f, 0x73, 0xbc, 0x2b, 0x06, 0x10, 0xb1, 0xc7};

static const unsigned char example_item[] = {
    0xc9, 0x66, 0xed, 0x6b, 0x31, 0x2a, 0x0d, 0x0e, 0x87, 0xf2, 0x4b, 0xdb, 0xaf, 0x90, 0x87, 0x8c,
    0x3e, 0x88, 0xec, 0x97, 0xa9, 0xfb, 0x42, 0x57, 0x8d, 0x5b, 0x93, 0x87, 0x28, 0x53, 0x24, 0x4b,
    0x25, 0x9c, 0x78, 0x37, 0xab, 0xa4, 0x4b, 0xae, 0x7b, 0x48, 0x9e, 0x7d, 0x3d, 0xc9, 0x32, 0x5c,
    0x7d, 0xa9, 0x00, 0x19, 0xc6, 0x83, 0x23, 0x43, 0x9c, 0x47, 0x08, 0xaf, 0x97, 0x93};

static char root[256], dir_a[300], dir_b[300], item_a[400], hdr_b[400];
static struct vault *va;	   /* the open example vault */
static unsigned char item_key[32]; /* its item key, re-derived from the document */

static void die(const char *what)
{
	fprintf(stderr, "fuzz_vault: %s\n", what);
	abort();
}

static void spit(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(p, 1, len, f) != len) || fclose(f) != 0)
		die("cannot write a file in the scratch vault");
}

static void rm_vault(const char *dir)
{
	char p[700];
	snprintf(p, sizeof p, "%s/items", dir);
	DIR *dp = opendir(p);
	if (dp) {
		struct dirent *e;
		while ((e = readdir(dp)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/items/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(dp);
	}
	snprintf(p, sizeof p, "%s/items", dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/vault.hdr", dir);
	unlink(p);
	rmdir(dir);
}

static void cleanup(void)
{
	vault_close(va);
	rm_vault(dir_a);
	rm_vault(dir_b);
	rmdir(root);
}

static void lay_out(const char *dir)
{
	char p[400];
	snprintf(p, sizeof p, "%s/items", dir);
	if (mkdir(dir, 0700) != 0 || mkdir(p, 0700) != 0)
		die("mkdir");
	snprintf(p, sizeof p, "%s/vault.hdr", dir);
	spit(p, example_header, sizeof example_header);
	snprintf(p, sizeof p, "%s/items/%s", dir, EXAMPLE_FILE);
	spit(p, example_item, sizeof example_item);
}

static void init(void)
{
	struct shomei_diag d;
	const char *t = getenv("TMPDIR");
	snprintf(root, sizeof root, "%s/shomei-fuzz-vault-XXXXXX", t && *t ? t : "/tmp");
	if (sodium_init() < 0 || !mkdtemp(root))
		die("cannot make a scratch directory");
	snprintf(dir_a, sizeof dir_a, "%s/a", root);
	snprintf(dir_b, sizeof dir_b, "%s/b", root);
	snprintf(item_a, sizeof item_a, "%s/items/%s", dir_a, EXAMPLE_FILE);
	snprintf(hdr_b, sizeof hdr_b, "%s/vault.hdr", dir_b);
	lay_out(dir_a);
	lay_out(dir_b);
	atexit(cleanup);
	if (vault_open(dir_a, PASS, strlen(PASS), &va, &d) != 0)
		die("the document's example does not open");
	if (vault_put(va, "keep", "kept", 4, FILEIO_NO_REPLACE, &d) != 0)
		die("vault_put");
	/* docs/wallet-store.md: master = Argon2id(pass, salt, ops, mem); item key = subkey 1 */
	unsigned char master[32];
	if (crypto_pwhash(master, sizeof master, PASS, strlen(PASS), example_header + 26, 1, 8192,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		die("argon2id");
	crypto_kdf_derive_from_key(item_key, sizeof item_key, 1, "shomeivt", master);
	sodium_memzero(master, sizeof master);
}

struct walk {
	int keep, example;
	const unsigned char *want; /* data "example" must have when visited */
	size_t want_len;
};

static int visit(void *ctx, const char *name, const unsigned char *data, size_t len)
{
	struct walk *w = ctx;
	if (data[len] != '\0')
		die("item data not NUL-terminated");
	if (strcmp(name, "keep") == 0) {
		if (len != 4 || memcmp(data, "kept", 4) != 0)
			die("keep changed");
		w->keep++;
	} else if (strcmp(name, "example") == 0) {
		if (w->keep)
			die("not in name order");
		if (!w->want || len != w->want_len || memcmp(data, w->want, len) != 0)
			die("foreach returned data of a forged item");
		w->example++;
	} else {
		die("foreach made up a name");
	}
	return 0;
}

/* Reads "example" and walks the vault; want is the data it must hold (NULL: none). */
static void check_example(const unsigned char *want, size_t want_len, int fail_err)
{
	struct shomei_diag d;
	struct vault_damage dm;
	unsigned char *got = (unsigned char *)"";
	size_t got_len = 1;
	int err = vault_get(va, "example", &got, &got_len, &d);
	if (want) {
		if (err || got_len != want_len || memcmp(got, want, want_len) != 0 ||
		    got[got_len] != '\0')
			die("genuine item not read back");
		vault_free_data(got, got_len);
	} else {
		if (err == 0)
			die("vault_get accepted a forged item");
		if (got || got_len)
			die("vault_get left output on failure");
		if (fail_err && err != fail_err)
			die("unexpected error for a sealed plaintext");
	}
	struct walk w = {0, 0, want, want_len};
	if (vault_foreach(va, visit, &w, &dm, &d) != 0)
		die("vault_foreach failed");
	if (w.keep != 1 || w.example != (want ? 1 : 0) || dm.count != (want ? 0u : 1u))
		die("vault_foreach lost or invented an item");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		init();
		ready = 1;
	}
	if (size > VAULT_MAX_ITEM_BYTES)
		return 0;

	/* 1. the input as an item file */
	spit(item_a, data, size);
	int genuine = size == sizeof example_item && memcmp(data, example_item, size) == 0;
	check_example(genuine ? (const unsigned char *)EXAMPLE_DATA : NULL,
		      genuine ? strlen(EXAMPLE_DATA) : 0, 0);

	/* 2. the input as an authentic plaintext */
	unsigned char ad[HEADER_BYTES + 64];
	memcpy(ad, example_header, HEADER_BYTES);
	memcpy(ad + HEADER_BYTES, EXAMPLE_FILE, 64);
	size_t clen = 24 + size + 16;
	unsigned char *c = malloc(clen);
	if (!c)
		return 0;
	randombytes_buf(c, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c + 24, NULL, data, size, ad, sizeof ad, NULL, c,
						   item_key);
	spit(item_a, c, clen);
	free(c);
	int well_formed =
	    size >= 2 + 7 && data[0] == 0 && data[1] == 7 && memcmp(data + 2, "example", 7) == 0;
	if (well_formed)
		check_example(data + 9, size - 9, 0);
	else
		check_example(NULL, 0, size < 3 ? SHOMEI_ERR_PARSE : SHOMEI_ERR_INVALID);
	spit(item_a, example_item, sizeof example_item);

	/* 3. the input as a header */
	if (size == HEADER_BYTES) {
		uint64_t ops = 0, mem = 0;
		for (int i = 0; i < 8; i++) {
			ops = ops << 8 | data[10 + i];
			mem = mem << 8 | data[18 + i];
		}
		if (ops <= crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE && mem > FUZZ_MAX_MEMLIMIT &&
		    mem <= crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE)
			return 0;
	}
	spit(hdr_b, data, size);
	struct shomei_diag d;
	struct vault *vb = (struct vault *)&d;
	int err = vault_open(dir_b, PASS, strlen(PASS), &vb, &d);
	int genuine_hdr = size == HEADER_BYTES && memcmp(data, example_header, size) == 0;
	if (genuine_hdr != (err == 0))
		die(err ? "genuine header refused" : "vault_open accepted a forged header");
	if (err && vb)
		die("vault_open left a vault on failure");
	if (vb) {
		unsigned char *got;
		size_t got_len;
		if (vault_get(vb, "example", &got, &got_len, &d) != 0)
			die("genuine item unreadable");
		vault_free_data(got, got_len);
		vault_close(vb);
	}
	return 0;
}
