#include "sha256.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdlib.h>
#include <threads.h>

static EVP_MD *md;
static once_flag md_once = ONCE_FLAG_INIT;

/* Fetching the implementation once saves most of the per-call cost of
 * EVP_Digest on short inputs. */
static void fetch_md(void)
{
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void sha256(const void *data, size_t len, unsigned char out[SHA256_BYTES])
{
	call_once(&md_once, fetch_md);
	unsigned int n = 0;
	if (md && EVP_Digest(data, len, out, &n, md, NULL) == 1 && n == SHA256_BYTES)
		return;
	/* libcrypto without SHA-256 (a broken FIPS configuration): libsodium's. */
	crypto_hash_sha256(out, data, len);
}

void sha256_2(const void *a, size_t alen, const void *b, size_t blen,
	      unsigned char out[SHA256_BYTES])
{
	call_once(&md_once, fetch_md);
	EVP_MD_CTX *c = md ? EVP_MD_CTX_new() : NULL;
	unsigned int n = 0;
	int ok = c && EVP_DigestInit_ex(c, md, NULL) == 1 && EVP_DigestUpdate(c, a, alen) == 1 &&
		 EVP_DigestUpdate(c, b, blen) == 1 && EVP_DigestFinal_ex(c, out, &n) == 1 &&
		 n == SHA256_BYTES;
	EVP_MD_CTX_free(c);
	if (ok)
		return;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, a, alen);
	crypto_hash_sha256_update(&st, b, blen);
	crypto_hash_sha256_final(&st, out);
}
