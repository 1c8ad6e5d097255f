/* SD-JWT presentations from outside (common/sdjwt.h): a scanned QR code or a
 * file. Invariants: sdjwt_verify never crashes; it accepts only when the
 * issuer JWS verifies under the fixed key (so a fuzzed input is accepted only
 * if it keeps a genuine issuer JWS of the seed corpus), and then the
 * processed claims carry no "_sd", "_sd_alg" or "..." and each disclosed path
 * is a JSON Pointer; a refusal says why and returns no claims. The holder's
 * side (sdjwt_disclosable, sdjwt_present) never crashes on the same input. */
#include "sdjwt.h"

#include "init.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int clean(const json_t *v)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		json_object_foreach((json_t *)v, k, m)
		{
			if (!strcmp(k, "_sd") || !strcmp(k, "_sd_alg") || !strcmp(k, "...") || !clean(m))
				return 0;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (!clean(x))
				return 0;
		}
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct ed25519_key *issuer;
	if (!ready) {
		static const unsigned char seed[32] = {1};
		if (shomei_init() != 0 || !(issuer = ed25519_key_new_from_seed(seed)))
			abort();
		ready = 1;
	}
	struct sdjwt_verify_options o = {.issuer_pk = issuer->pk,
					 .now = 1775001600,
					 .skew = 60,
					 .max_age = 300,
					 .aud = "https://employer.example",
					 .nonce = "n-0S6_WzA2Mj"};
	struct sdjwt_verified v;
	struct shomei_diag d;
	int e = sdjwt_verify((const char *)data, size, &o, &v, &d);
	if (e == 0) {
		if (!clean(v.claims))
			abort();
		size_t i;
		json_t *p;
		json_array_foreach(v.disclosed, i, p)
		{
			const char *s = json_string_value(p);
			if (!s || s[0] != '/')
				abort();
		}
		sdjwt_verified_release(&v);
	} else if (v.claims || d.what[0] == '\0') {
		abort();
	}
	json_t *list = NULL;
	if (sdjwt_disclosable((const char *)data, size, &list, NULL) == 0) {
		char *out = NULL;
		size_t len = 0;
		const char *paths[1] = {json_string_value(json_object_get(json_array_get(list, 0), "path"))};
		if (sdjwt_present((const char *)data, size, paths, paths[0] ? 1 : 0, NULL, &out, &len,
				  NULL) == 0)
			free(out);
		json_decref(list);
	}
	return 0;
}
