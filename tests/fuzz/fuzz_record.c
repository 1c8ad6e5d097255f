/* Ledger records from outside (common/record.h, common/registry.h): whatever a
 * mirror serves is parsed, and applied to a registry holding a genesis and an
 * institution. Invariants:
 *  - record_parse accepts only bytes that are their own RFC 8785 form (the
 *    input re-serialized from its parse is the input), and a refusal leaves
 *    *out NULL with a reason;
 *  - an accepted record's signatures verify or not, without crashing;
 *  - registry_apply never crashes, returns 0, REGISTRY_REJECTED or a
 *    negative error, and a refusal adds exactly one rejection;
 *  - the registry still answers a judge query afterwards. */
#include "jcs.h"
#include "jsonin.h"
#include "record.h"
#include "registry.h"

#include "didkey.h"
#include "init.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct registry *base(void)
{
	static const unsigned char seed[32] = {1};
	static const unsigned char seed2[32] = {2};
	struct ed25519_key *auth = ed25519_key_new_from_seed(seed);
	struct ed25519_key *inst = ed25519_key_new_from_seed(seed2);
	char ad[DIDKEY_MAX_BYTES], id[DIDKEY_MAX_BYTES];
	struct registry *r = registry_new();
	if (!auth || !inst || !r || didkey_from_public(auth->pk, ad) != 0 ||
	    didkey_from_public(inst->pk, id) != 0)
		abort();
	const char *auths[] = {ad};
	struct record_fields f[2] = {
	    {.type = RECORD_GENESIS, .authorities = auths, .nauthorities = 1, .threshold = 1},
	    {.type = RECORD_INSTITUTION, .institution = "A", .name = "A", .key = id}};
	for (int i = 0; i < 2; i++) {
		json_t *body = NULL;
		char *out = NULL;
		size_t len;
		const struct ed25519_key *k = auth;
		f[i].time = 1775001600;
		if (record_build(&f[i], &body, NULL) != 0 ||
		    record_sign(body, &k, 1, &out, &len, NULL) != 0 ||
		    registry_apply(r, (uint64_t)i, 1775001600, out, len, NULL) != 0)
			abort();
		json_decref(body);
		free(out);
	}
	ed25519_key_free(auth);
	ed25519_key_free(inst);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (shomei_init() != 0)
			abort();
		ready = 1;
	}
	struct record *rec = (struct record *)1;
	struct shomei_diag d;
	int e = record_parse(data, size, &rec, &d);
	if (e) {
		if (rec != NULL || d.what[0] == '\0')
			abort();
	} else {
		json_t *v = NULL;
		char *canon = NULL;
		size_t clen = 0;
		if (jsonin_parse((const char *)data, size, &v, NULL) != 0 ||
		    jcs_serialize(v, &canon, &clen, NULL) != 0 || clen != size ||
		    memcmp(canon, data, size) != 0)
			abort();
		for (size_t i = 0; i < rec->nsignatures; i++) {
			int s = record_verify_signature(rec, i, NULL);
			if (s != 0 && s != SHOMEI_ERR_SIGNATURE)
				abort();
		}
		json_decref(v);
		free(canon);
		record_free(rec);
	}
	struct registry *r = base();
	size_t before = registry_rejection_count(r);
	int a = registry_apply(r, 2, 1775001700, data, size, &d);
	if (a > 0 && a != REGISTRY_REJECTED)
		abort();
	if (a == SHOMEI_ERR_USAGE)
		abort();
	if (a != 0 && a != SHOMEI_ERR_NOMEM && registry_rejection_count(r) != before + 1)
		abort();
	unsigned char h[RECORD_HASH_BYTES] = {0};
	struct registry_answer ans;
	if (registry_judge(r, h, h, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
			   &ans) != 0)
		abort();
	registry_free(r);
	return 0;
}
