/* Token Status Lists from outside (common/statuslist.h): a list fetched from a
 * foreign issuer, a credential's status claim, a Status List Token.
 * Invariants, for the input read as JSON:
 *   - statuslist_parse never crashes; on refusal the list is cleared and d says
 *     why; on success bits is 1, 2, 4 or 8, the list has 1..STATUSLIST_MAX_BYTES
 *     bytes, statuslist_get answers at 0 and at the last index with a value
 *     below 2^bits and refuses the index after it (and UINT64_MAX) with value 0;
 *   - a parsed list of up to 2^16 entries rebuilds (statuslist_build) to a list
 *     with the same bytes, and signed into a token (statuslist_token_sign) it
 *     verifies back to the same bytes;
 *   - statuslist_reference either gives a non-empty uri and an idx up to 2^53,
 *     or clears both.
 * And for the input as a token: statuslist_token_verify never crashes, and
 * accepts only with sub equal to the uri, iat and exp within the time rules,
 * a positive ttl and a valid list (so a fuzzed input is accepted only if it
 * keeps a token of the seed corpus signed by the fixed key). */
#include "statuslist.h"

#include "init.h"
#include "jsonin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_URI       "https://example.com/statuslists/1"
#define FUZZ_NOW       1775001600
#define FUZZ_SKEW      60
#define ROUND_TRIP_MAX 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ed25519_key *key;

static void check_cleared(const struct statuslist *l, const struct shomei_diag *d)
{
	if (l->bits || l->bytes || l->nbytes || l->aggregation_uri || !d->what[0])
		abort();
}

static void round_trip(const struct statuslist *l)
{
	uint64_t n = statuslist_count(l);
	if (n > ROUND_TRIP_MAX)
		return;
	unsigned *vals = malloc((size_t)n * sizeof *vals);
	if (!vals)
		abort();
	for (uint64_t i = 0; i < n; i++)
		if (statuslist_get(l, i, &vals[i], NULL) != 0)
			abort();
	json_t *j = NULL;
	struct statuslist back;
	if (statuslist_build(vals, (size_t)n, l->bits, &j, NULL) != 0 ||
	    statuslist_parse(j, &back, NULL) != 0 || back.bits != l->bits ||
	    back.nbytes != l->nbytes || memcmp(back.bytes, l->bytes, l->nbytes) != 0)
		abort();
	statuslist_release(&back);
	free(vals);

	char *jwt = NULL;
	size_t len = 0;
	if (statuslist_token_sign(j, FUZZ_URI, FUZZ_NOW, 0, 0, key, NULL, &jwt, &len, NULL) != 0)
		abort();
	struct statuslist_token_options o = {
	    .issuer_pk = key->pk, .uri = FUZZ_URI, .now = FUZZ_NOW, .skew = FUZZ_SKEW};
	struct statuslist_token t;
	if (statuslist_token_verify(jwt, len, &o, &t, NULL) != 0 || t.list.nbytes != l->nbytes ||
	    memcmp(t.list.bytes, l->bytes, l->nbytes) != 0)
		abort();
	statuslist_token_release(&t);
	free(jwt);
	json_decref(j);
}

static void as_list(const json_t *v)
{
	struct statuslist l;
	struct shomei_diag d;
	if (statuslist_parse(v, &l, &d) != 0) {
		check_cleared(&l, &d);
		return;
	}
	if ((l.bits != 1 && l.bits != 2 && l.bits != 4 && l.bits != 8) || l.nbytes == 0 ||
	    l.nbytes > STATUSLIST_MAX_BYTES || !l.bytes)
		abort();
	uint64_t n = statuslist_count(&l);
	if (n != (uint64_t)l.nbytes * 8 / l.bits)
		abort();
	unsigned val = 99;
	if (statuslist_get(&l, 0, &val, NULL) != 0 || val >> l.bits)
		abort();
	val = 99;
	if (statuslist_get(&l, n - 1, &val, NULL) != 0 || val >> l.bits)
		abort();
	val = 99;
	if (statuslist_get(&l, n, &val, &d) != SHOMEI_ERR_INVALID || val != 0)
		abort();
	val = 99;
	if (statuslist_get(&l, UINT64_MAX, &val, NULL) != SHOMEI_ERR_INVALID || val != 0)
		abort();
	round_trip(&l);
	statuslist_release(&l);
}

static void as_reference(const json_t *v)
{
	uint64_t idx = 7;
	const char *uri = "x";
	struct shomei_diag d;
	if (statuslist_reference(v, &idx, &uri, &d) != 0) {
		if (idx != 0 || uri != NULL || !d.what[0])
			abort();
		return;
	}
	if (!uri || !*uri || idx > (uint64_t)1 << 53)
		abort();
}

static void as_token(const uint8_t *data, size_t size)
{
	struct statuslist_token_options o = {
	    .issuer_pk = key->pk, .uri = FUZZ_URI, .now = FUZZ_NOW, .skew = FUZZ_SKEW};
	struct statuslist_token t;
	struct shomei_diag d;
	if (statuslist_token_verify((const char *)data, size, &o, &t, &d) != 0) {
		if (t.sub || t.list.bytes || t.iat || !d.what[0])
			abort();
		return;
	}
	if (!t.sub || strcmp(t.sub, FUZZ_URI) != 0 || t.iat > FUZZ_NOW + FUZZ_SKEW ||
	    (t.has_exp && FUZZ_NOW >= t.exp + FUZZ_SKEW) || (t.has_ttl && t.ttl < 1) ||
	    statuslist_count(&t.list) == 0)
		abort();
	statuslist_token_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!key) {
		static const unsigned char seed[32] = {1};
		if (shomei_init() != 0 || !(key = ed25519_key_new_from_seed(seed)))
			abort();
	}
	json_t *v = NULL;
	if (jsonin_parse((const char *)data, size, &v, NULL) == 0) {
		as_list(v);
		as_reference(v);
		json_t *sl = json_object_get(v, "status_list");
		if (sl)
			as_list(sl);
		json_decref(v);
	}
	as_token(data, size);
	return 0;
}
