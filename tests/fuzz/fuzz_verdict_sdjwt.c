/* The verdict on arbitrary SD-JWT VC presentations (verdict_sdjwt), with an
 * issuer key trusted explicitly, key binding expected, and a status list
 * callback that hands over a genuine Status List Token for any uri: never a
 * crash, and never "valid" for anything the fuzzer can make (it holds no
 * key). The harness issues, at start, one genuine SD-JWT VC from fixed seeds
 * (its status a status list entry that the token says is valid); a valid
 * verdict must rest on that credential's issuer JWS, byte for byte. The seed
 * corpus holds that credential as issued and presented (FUZZ_SEEDS=1 in the
 * environment writes them into the current folder). */
#include "init.h"
#include "jose.h"
#include "sdjwt.h"
#include "statuslist.h"
#include "verdict.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000
#define URI "https://registrar.example.edu/status/1"

static struct ed25519_key *issuer, *holder;
static char *issued, *token, *jws;
static size_t issued_len, jws_len;

static void counter(void *ctx, unsigned char *out, size_t n)
{
	unsigned *c = ctx;
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(*c * 29 + i);
	(*c)++;
}

static int get(void *ctx, const char *uri, char **tok, size_t *len, struct shomei_diag *d)
{
	(void)ctx;
	(void)uri;
	(void)d;
	*tok = strdup(token);
	if (!*tok)
		return SHOMEI_ERR_NOMEM;
	*len = strlen(token);
	return 0;
}

static void write_seed(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(name, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
		abort();
}

static struct verdict_options options = {.at = NOW,
					 .aud = "https://employer.example",
					 .nonce = "n-1",
					 .max_age = 300,
					 .skew = 60,
					 .status_list_get = get};

static void setup(void)
{
	unsigned char s1[32] = {1}, s2[32] = {2};
	if (shomei_init() != 0 || !(issuer = ed25519_key_new_from_seed(s1)) ||
	    !(holder = ed25519_key_new_from_seed(s2)))
		abort();
	json_t *p = json_pack("{s:s, s:I, s:s, s:{s:o}, s:{s:{s:i, s:s}}, s:s, s:s, s:s}", "iss",
			      "https://registrar.example.edu", "iat", (json_int_t)(NOW - 3600), "vct",
			      "https://example.edu/credentials/degree", "cnf", "jwk",
			      jose_jwk_from_public(holder->pk), "status", "status_list", "idx", 3,
			      "uri", URI, "degree", "MSc Physics", "given_name", "Erika", "birthdate",
			      "1999-01-31");
	static const char *const sd[] = {"/given_name", "/birthdate"};
	unsigned c = 0;
	struct sdjwt_issue_options o = {.sd_paths = sd, .nsd = 2, .decoys = 1, .kid = "key-1",
					.random = counter, .random_ctx = &c};
	unsigned values[8] = {0};
	json_t *list = NULL;
	size_t tl;
	if (!p || sdjwt_issue(p, &o, issuer, &issued, &issued_len, NULL) != 0 ||
	    statuslist_build(values, 8, 2, &list, NULL) != 0 ||
	    statuslist_token_sign(list, URI, NOW - 60, NOW + 3600, 0, issuer, "key-1", &token, &tl,
				  NULL) != 0)
		abort();
	json_decref(p);
	json_decref(list);
	jws_len = (size_t)(strchr(issued, '~') - issued);
	jws = issued;
	options.trusted_key = issuer->pk;
	/* the genuine presentation is valid: the harness can tell a forgery */
	static const char *const show[] = {"/given_name"};
	struct sdjwt_kb kb = {
	    .holder = holder, .aud = "https://employer.example", .nonce = "n-1", .iat = NOW};
	char *pres = NULL;
	size_t pl;
	static struct verdict v;
	if (sdjwt_present(issued, issued_len, show, 1, &kb, &pres, &pl, NULL) != 0 ||
	    verdict_sdjwt(pres, pl, &options, &v) != 0 || v.status != VERDICT_VALID)
		abort();
	if (getenv("FUZZ_SEEDS")) {
		write_seed("issued.sd-jwt", issued, issued_len);
		write_seed("presented-kb.sd-jwt", pres, pl);
	}
	free(pres);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	static struct verdict v;
	int e = verdict_sdjwt((const char *)data, size, &options, &v);
	if (e && e != SHOMEI_ERR_PARSE && e != SHOMEI_ERR_NOMEM)
		abort(); /* aud and nonce are given: no usage error */
	if (e == 0 && v.status == VERDICT_VALID &&
	    (size < jws_len + 1 || memcmp(data, jws, jws_len) != 0 || data[jws_len] != '~'))
		abort(); /* valid without the genuine issuer JWS: a forgery */
	if (e == 0 && v.status == VERDICT_INVALID && !v.reason[0])
		abort();
	/* without the trusted key the issuer (not a did:key) cannot be verified */
	struct verdict_options bare = {.at = NOW, .aud = "a", .nonce = "n"};
	if (verdict_sdjwt((const char *)data, size, &bare, &v) == 0 && v.status == VERDICT_VALID)
		abort();
	if (e == 0) {
		json_t *report = verdict_to_json(&v);
		if (!report)
			abort();
		json_decref(report);
	}
	return 0;
}
