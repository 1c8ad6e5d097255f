/* Token Status List (common/statuslist.h): every example of the draft
 * (statuses, uncompressed bytes, the printed ZLIB bytes), build/parse round
 * trips for every width, each refusal of a list, a reference and a token, and
 * the worked example of docs/status-list.md, whose token text is checked
 * against the document. */
#include "statuslist.h"

#include "base64url.h"
#include "init.h"
#include "jose.h"
#include "jsonin.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#define NOW  1775001600 /* 2026-04-01T00:00:00Z */
#define URI  "https://example.com/statuslists/1"
#define SKEW 60

static struct ed25519_key *issuer, *other;

static int setup(void **state)
{
	(void)state;
	unsigned char s1[32] = {1}, s2[32] = {2};
	if (shomei_init() != 0)
		return -1;
	issuer = ed25519_key_new_from_seed(s1);
	other = ed25519_key_new_from_seed(s2);
	return issuer && other ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ed25519_key_free(issuer);
	ed25519_key_free(other);
	return 0;
}

/* {"bits": bits, "lst": base64url(z[0..n))} */
static json_t *list_json(unsigned bits, const unsigned char *z, size_t n)
{
	char *t = malloc(base64url_encoded_len(n) + 1);
	assert_non_null(t);
	assert_int_equal(base64url_encode(z, n, t, base64url_encoded_len(n) + 1), 0);
	json_t *j = json_pack("{s:i, s:s}", "bits", (int)bits, "lst", t);
	free(t);
	assert_non_null(j);
	return j;
}

/* list_json of zlib(raw[0..n)) at level 9. */
static json_t *list_of_bytes(unsigned bits, const unsigned char *raw, size_t n)
{
	uLongf zl = compressBound((uLong)n);
	unsigned char *z = malloc(zl);
	assert_non_null(z);
	assert_int_equal(compress2(z, &zl, raw, (uLong)n, 9), Z_OK);
	json_t *j = list_json(bits, z, zl);
	free(z);
	return j;
}

static int parse_code(const json_t *j, const char *where)
{
	struct statuslist l;
	struct shomei_diag d;
	int e = statuslist_parse(j, &l, &d);
	if (e) {
		assert_null(l.bytes);
		assert_int_equal(l.nbytes, 0);
		assert_int_equal(l.bits, 0);
		if (where)
			assert_string_equal(d.where, where);
		assert_true(d.what[0] != '\0');
	}
	statuslist_release(&l);
	return e;
}

static void check_statuses(const struct statuslist *l, const json_t *statuses)
{
	size_t i;
	json_t *v;
	json_array_foreach (statuses, i, v) {
		unsigned got = 99;
		assert_int_equal(statuslist_get(l, i, &got, NULL), 0);
		assert_int_equal(got, (unsigned)json_integer_value(v));
	}
}

static void test_vectors(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("status-list/token-status-list-examples.json");
	json_t *ex;
	size_t k, seen = 0;
	json_array_foreach (json_object_get(v, "examples"), k, ex) {
		unsigned bits = (unsigned)json_integer_value(json_object_get(ex, "bits"));
		json_t *statuses = json_object_get(ex, "statuses");
		size_t n = json_array_size(statuses), rawlen, zlen;
		assert_true(n > 0);
		unsigned char *raw = tu_hex_decode_alloc(
		    json_string_value(json_object_get(ex, "uncompressed_hex")), &rawlen);
		unsigned char *z =
		    tu_hex_decode_alloc(json_string_value(json_object_get(ex, "zlib_hex")), &zlen);
		struct statuslist l;
		struct shomei_diag d;

		/* the JSON form as given (jansson integers) */
		const json_t *sl = json_object_get(ex, "status_list_json");
		assert_int_equal(statuslist_parse(sl, &l, &d), 0);
		assert_int_equal(l.bits, bits);
		assert_int_equal(l.nbytes, rawlen);
		assert_memory_equal(l.bytes, raw, rawlen);
		assert_null(l.aggregation_uri);
		assert_int_equal(statuslist_count(&l), rawlen * 8 / bits);
		check_statuses(&l, statuses);
		unsigned val = 7;
		assert_int_equal(statuslist_get(&l, statuslist_count(&l), &val, &d),
				 SHOMEI_ERR_INVALID);
		assert_int_equal(val, 0);
		assert_string_equal(d.what, "index out of range");
		statuslist_release(&l);

		/* the same read through the strict parser (numbers become reals) */
		char *text = json_dumps(sl, JSON_COMPACT);
		json_t *strict = NULL;
		assert_int_equal(jsonin_parse(text, strlen(text), &strict, NULL), 0);
		assert_true(json_is_real(json_object_get(strict, "bits")));
		assert_int_equal(statuslist_parse(strict, &l, NULL), 0);
		assert_memory_equal(l.bytes, raw, rawlen);
		statuslist_release(&l);
		json_decref(strict);
		free(text);

		/* the ZLIB bytes printed in the draft inflate to the same */
		json_t *printed = list_json(bits, z, zlen);
		assert_int_equal(statuslist_parse(printed, &l, NULL), 0);
		assert_int_equal(l.nbytes, rawlen);
		assert_memory_equal(l.bytes, raw, rawlen);
		statuslist_release(&l);
		json_decref(printed);

		/* shomei's own build of the statuses reads back to the same bytes */
		unsigned *vals = calloc(n, sizeof *vals);
		assert_non_null(vals);
		for (size_t i = 0; i < n; i++)
			vals[i] = (unsigned)json_integer_value(json_array_get(statuses, i));
		json_t *built = NULL;
		assert_int_equal(statuslist_build(vals, n, bits, &built, NULL), 0);
		assert_int_equal(statuslist_parse(built, &l, NULL), 0);
		assert_int_equal(l.nbytes, rawlen);
		assert_memory_equal(l.bytes, raw, rawlen);
		check_statuses(&l, statuses);
		statuslist_release(&l);
		json_decref(built);
		free(vals);
		free(raw);
		free(z);
		seen++;
	}
	assert_int_equal(seen, 2);
	json_decref(v);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_round_trip(void **state)
{
	(void)state;
	static const unsigned widths[] = {1, 2, 4, 8};
	static const size_t sizes[] = {1, 3, 7, 8, 9, 100, 4097, 100000};
	for (size_t w = 0; w < 4; w++) {
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			unsigned bits = widths[w];
			size_t n = sizes[s];
			unsigned *vals = malloc(n * sizeof *vals);
			assert_non_null(vals);
			for (size_t i = 0; i < n; i++)
				vals[i] = (unsigned)(rng() & ((1u << bits) - 1));
			json_t *j = NULL;
			assert_int_equal(statuslist_build(vals, n, bits, &j, NULL), 0);
			assert_int_equal(json_integer_value(json_object_get(j, "bits")), bits);
			struct statuslist l;
			assert_int_equal(statuslist_parse(j, &l, NULL), 0);
			assert_int_equal(l.bits, bits);
			assert_int_equal(l.nbytes, (n * bits + 7) / 8);
			for (size_t i = 0; i < n; i++) {
				unsigned got = 99;
				assert_int_equal(statuslist_get(&l, i, &got, NULL), 0);
				assert_int_equal(got, vals[i]);
			}
			/* the padding of the last byte reads as 0, then the list ends */
			for (uint64_t i = n; i < statuslist_count(&l); i++) {
				unsigned got = 99;
				assert_int_equal(statuslist_get(&l, i, &got, NULL), 0);
				assert_int_equal(got, 0);
			}
			unsigned got = 99;
			assert_int_equal(statuslist_get(&l, statuslist_count(&l), &got, NULL),
					 SHOMEI_ERR_INVALID);
			assert_int_equal(statuslist_get(&l, UINT64_MAX, &got, NULL),
					 SHOMEI_ERR_INVALID);
			statuslist_release(&l);
			statuslist_release(&l); /* safe twice */
			json_decref(j);
			free(vals);
		}
	}
}

static void test_list_refusals(void **state)
{
	(void)state;
	static const unsigned char one[2] = {0xb9, 0xa3};
	json_t *j = list_of_bytes(1, one, 2);
	assert_int_equal(parse_code(j, NULL), 0);
	const char *good = json_string_value(json_object_get(j, "lst"));
	char buf[128];

	/* bits */
	static const char *const bad_bits[] = {"3",   "0",     "16",   "-1",
					       "1.5", "\"1\"", "null", "true"};
	for (size_t i = 0; i < sizeof bad_bits / sizeof bad_bits[0]; i++) {
		snprintf(buf, sizeof buf, "{\"bits\":%s,\"lst\":\"%s\"}", bad_bits[i], good);
		json_t *x = json_loads(buf, 0, NULL);
		assert_non_null(x);
		int e = parse_code(x, "bits");
		assert_true(e == SHOMEI_ERR_INVALID || e == SHOMEI_ERR_PARSE);
		assert_int_equal(e, i < 5 ? SHOMEI_ERR_INVALID : SHOMEI_ERR_PARSE);
		json_decref(x);
	}
	json_t *x = json_pack("{s:s}", "lst", good);
	assert_int_equal(parse_code(x, "bits"), SHOMEI_ERR_PARSE);
	json_decref(x);
	/* lst: missing, not a string, padded, bad characters, not base64url at all */
	x = json_pack("{s:i}", "bits", 1);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);
	x = json_pack("{s:i, s:i}", "bits", 1, "lst", 5);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);
	static const char *const bad_lst[] = {
	    "eNrbuRgAAhcBXQ==", "eNrbuRgAAhcBXQ=", "eNrbuRgAAhcBX+", "eNrbuRgAAhcB/Q",
	    "eNrbu RgAAhcBXQ",	"eNrbuRgAAhcBXR",  "eNrbuRgAAhcBX"};
	for (size_t i = 0; i < sizeof bad_lst / sizeof bad_lst[0]; i++) {
		x = json_pack("{s:i, s:s}", "bits", 1, "lst", bad_lst[i]);
		assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
		json_decref(x);
	}
	/* the printed stream is "eNrbuRgAAhcBXQ" and parses */
	x = json_pack("{s:i, s:s}", "bits", 1, "lst", "eNrbuRgAAhcBXQ");
	assert_int_equal(parse_code(x, NULL), 0);
	json_decref(x);

	/* not zlib: raw bytes, raw DEFLATE (no header), gzip */
	static const unsigned char hello[] = "hello, world";
	x = list_json(1, hello, sizeof hello - 1);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);
	static const unsigned char zlib_1bit[] = {0x78, 0xda, 0xdb, 0xb9, 0x18,
						  0x00, 0x02, 0x17, 0x01, 0x5d};
	x = list_json(1, zlib_1bit + 2, sizeof zlib_1bit - 2);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);
	/* gzip wrapping of the same DEFLATE data */
	static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xdb,
					   0xb9, 0x18, 0x00, 0, 0, 0, 0, 2, 0, 0,    0};
	x = list_json(1, gz, sizeof gz);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);
	/* trailing garbage after the stream, a stream cut short, a wrong Adler-32 */
	unsigned char t[sizeof zlib_1bit + 1];
	memcpy(t, zlib_1bit, sizeof zlib_1bit);
	t[sizeof zlib_1bit] = 0;
	x = list_json(1, t, sizeof t);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);
	for (size_t cut = 0; cut < sizeof zlib_1bit; cut++) {
		x = list_json(1, zlib_1bit, cut);
		int e = parse_code(x, "lst");
		assert_true(e == SHOMEI_ERR_PARSE);
		json_decref(x);
	}
	memcpy(t, zlib_1bit, sizeof zlib_1bit);
	t[sizeof zlib_1bit - 1] ^= 1;
	x = list_json(1, t, sizeof zlib_1bit);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);
	/* two streams back to back: the second is data after the first */
	unsigned char two[2 * sizeof zlib_1bit];
	memcpy(two, zlib_1bit, sizeof zlib_1bit);
	memcpy(two + sizeof zlib_1bit, zlib_1bit, sizeof zlib_1bit);
	x = list_json(1, two, sizeof two);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);

	/* a preset dictionary is refused */
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit(&zs, 9), Z_OK);
	static const unsigned char dict[] = "dictionary";
	assert_int_equal(deflateSetDictionary(&zs, dict, sizeof dict - 1), Z_OK);
	unsigned char zd[64];
	zs.next_in = (unsigned char *)one;
	zs.avail_in = 2;
	zs.next_out = zd;
	zs.avail_out = sizeof zd;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t zdl = zs.total_out;
	deflateEnd(&zs);
	x = list_json(1, zd, zdl);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_PARSE);
	json_decref(x);

	/* an empty list */
	x = list_of_bytes(1, one, 0);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_INVALID);
	json_decref(x);

	/* aggregation_uri: kept when a string, refused otherwise; unknown members ignored */
	x = json_pack("{s:i, s:s, s:s, s:[]}", "bits", 1, "lst", good, "aggregation_uri",
		      "https://example.com/statuslists", "other", "x");
	struct statuslist l;
	assert_int_equal(statuslist_parse(x, &l, NULL), 0);
	assert_string_equal(l.aggregation_uri, "https://example.com/statuslists");
	statuslist_release(&l);
	json_decref(x);
	x = json_pack("{s:i, s:s, s:i}", "bits", 1, "lst", good, "aggregation_uri", 1);
	assert_int_equal(parse_code(x, "aggregation_uri"), SHOMEI_ERR_INVALID);
	json_decref(x);
	x = json_pack("{s:i, s:s, s:s}", "bits", 1, "lst", good, "aggregation_uri", "");
	assert_int_equal(parse_code(x, "aggregation_uri"), SHOMEI_ERR_INVALID);
	json_decref(x);

	/* not an object */
	x = json_pack("[i]", 1);
	assert_int_equal(parse_code(x, ""), SHOMEI_ERR_PARSE);
	json_decref(x);
	assert_int_equal(parse_code(NULL, ""), SHOMEI_ERR_PARSE);
	json_decref(j);
}

static void test_ceilings(void **state)
{
	(void)state;
	/* exactly the ceiling is accepted, one byte more is a bomb stopped at the ceiling */
	unsigned char *raw = calloc(STATUSLIST_MAX_BYTES + 1, 1);
	assert_non_null(raw);
	raw[STATUSLIST_MAX_BYTES - 1] = 0x80;
	json_t *x = list_of_bytes(1, raw, STATUSLIST_MAX_BYTES);
	assert_true(json_string_length(json_object_get(x, "lst")) < 2048);
	struct statuslist l;
	assert_int_equal(statuslist_parse(x, &l, NULL), 0);
	assert_int_equal(statuslist_count(&l), (uint64_t)STATUSLIST_MAX_BYTES * 8);
	unsigned v = 9;
	assert_int_equal(statuslist_get(&l, (uint64_t)STATUSLIST_MAX_BYTES * 8 - 1, &v, NULL), 0);
	assert_int_equal(v, 1);
	assert_int_equal(statuslist_get(&l, 0, &v, NULL), 0);
	assert_int_equal(v, 0);
	statuslist_release(&l);
	json_decref(x);
	x = list_of_bytes(1, raw, STATUSLIST_MAX_BYTES + 1);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_LIMIT);
	json_decref(x);
	free(raw);
	/* a bomb: 64 MiB of zeros in about 64 KiB */
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit(&zs, 9), Z_OK);
	static unsigned char zeros[1 << 16];
	size_t zcap = 1 << 20;
	unsigned char *z = malloc(zcap);
	assert_non_null(z);
	zs.next_out = z;
	zs.avail_out = (uInt)zcap;
	for (int i = 0; i < 1024; i++) {
		zs.next_in = zeros;
		zs.avail_in = sizeof zeros;
		assert_int_equal(deflate(&zs, i == 1023 ? Z_FINISH : Z_NO_FLUSH),
				 i == 1023 ? Z_STREAM_END : Z_OK);
	}
	x = list_json(8, z, zs.total_out);
	deflateEnd(&zs);
	free(z);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_LIMIT);
	json_decref(x);
	/* lst text longer than the ceiling */
	char *big = malloc(STATUSLIST_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, 'A', STATUSLIST_MAX_BYTES + 1);
	big[STATUSLIST_MAX_BYTES + 1] = '\0';
	x = json_pack("{s:i, s:s}", "bits", 1, "lst", big);
	assert_int_equal(parse_code(x, "lst"), SHOMEI_ERR_LIMIT);
	json_decref(x);
	free(big);
}

static void test_build_refusals(void **state)
{
	(void)state;
	unsigned vals[3] = {0, 1, 3};
	json_t *j = (json_t *)1;
	assert_int_equal(statuslist_build(vals, 3, 3, &j, NULL), SHOMEI_ERR_USAGE);
	assert_null(j);
	assert_int_equal(statuslist_build(vals, 0, 1, &j, NULL), SHOMEI_ERR_USAGE);
	struct shomei_diag d;
	assert_int_equal(statuslist_build(vals, 3, 1, &j, &d), SHOMEI_ERR_USAGE);
	assert_null(j);
	assert_string_equal(d.what, "[2]: 3 does not fit 1 bits");
	assert_int_equal(statuslist_build(vals, 3, 2, &j, NULL), 0);
	json_decref(j);
	vals[0] = 256;
	assert_int_equal(statuslist_build(vals, 3, 8, &j, NULL), SHOMEI_ERR_USAGE);
	size_t n = STATUSLIST_MAX_BYTES + 1;
	unsigned *many = calloc(n, sizeof *many);
	assert_non_null(many);
	assert_int_equal(statuslist_build(many, n, 8, &j, NULL), SHOMEI_ERR_LIMIT);
	assert_int_equal(statuslist_build(many, n - 1, 8, &j, NULL), 0);
	json_decref(j);
	free(many);
}

static int ref_code(const char *status_json, uint64_t *idx, const char **uri, json_t **keep)
{
	json_t *s = NULL;
	assert_int_equal(jsonin_parse(status_json, strlen(status_json), &s, NULL), 0);
	struct shomei_diag d;
	int e = statuslist_reference(s, idx, uri, &d);
	if (e) {
		assert_int_equal(*idx, 0);
		assert_null(*uri);
		assert_true(d.what[0] != '\0');
	}
	*keep = s;
	return e;
}

static void test_reference(void **state)
{
	(void)state;
	uint64_t idx = 1;
	const char *uri = NULL;
	json_t *s = NULL;
	assert_int_equal(
	    ref_code("{\"status_list\":{\"idx\":0,\"uri\":\"" URI "\"}}", &idx, &uri, &s), 0);
	assert_int_equal(idx, 0);
	assert_string_equal(uri, URI);
	json_decref(s);
	assert_int_equal(
	    ref_code(
		"{\"other\":1,\"status_list\":{\"idx\":9007199254740992,\"uri\":\"u\",\"x\":2}}",
		&idx, &uri, &s),
	    0);
	assert_int_equal(idx, (uint64_t)1 << 53);
	json_decref(s);
	assert_int_equal(ref_code("{\"status_list\":{\"idx\":1e3,\"uri\":\"u\"}}", &idx, &uri, &s),
			 0);
	assert_int_equal(idx, 1000);
	json_decref(s);
	/* jansson integers (a credential built in memory) */
	json_t *b = json_pack("{s:{s:I, s:s}}", "status_list", "idx", (json_int_t)42, "uri", URI);
	assert_int_equal(statuslist_reference(b, &idx, &uri, NULL), 0);
	assert_int_equal(idx, 42);
	json_decref(b);
	b = json_pack("{s:{s:I, s:s}}", "status_list", "idx", (json_int_t)-1, "uri", URI);
	assert_int_equal(statuslist_reference(b, &idx, &uri, NULL), SHOMEI_ERR_PARSE);
	json_decref(b);

	/* another mechanism only */
	assert_int_equal(ref_code("{\"shomei_ledger\":{\"status_hash\":\"ab\"}}", &idx, &uri, &s),
			 SHOMEI_ERR_NOTFOUND);
	json_decref(s);
	static const char *const bad[] = {
	    "[1]",
	    "{\"status_list\":[]}",
	    "{\"status_list\":\"x\"}",
	    "{\"status_list\":{\"uri\":\"u\"}}",
	    "{\"status_list\":{\"idx\":-1,\"uri\":\"u\"}}",
	    "{\"status_list\":{\"idx\":1.5,\"uri\":\"u\"}}",
	    "{\"status_list\":{\"idx\":9007199254740994,\"uri\":\"u\"}}",
	    "{\"status_list\":{\"idx\":\"1\",\"uri\":\"u\"}}",
	    "{\"status_list\":{\"idx\":null,\"uri\":\"u\"}}",
	    "{\"status_list\":{\"idx\":1}}",
	    "{\"status_list\":{\"idx\":1,\"uri\":\"\"}}",
	    "{\"status_list\":{\"idx\":1,\"uri\":7}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(ref_code(bad[i], &idx, &uri, &s), SHOMEI_ERR_PARSE);
		json_decref(s);
	}
	struct shomei_diag d;
	assert_int_equal(statuslist_reference(NULL, &idx, &uri, &d), SHOMEI_ERR_PARSE);
	/* a NUL in the uri (possible in a value built in memory) */
	b = json_pack("{s:{s:i, s:s#}}", "status_list", "idx", 1, "uri", "u\0v", (int)3);
	assert_non_null(b);
	assert_int_equal(statuslist_reference(b, &idx, &uri, &d), SHOMEI_ERR_PARSE);
	assert_null(uri);
	json_decref(b);
}

/* ---- tokens ---- */

static json_t *two_bit_list(void)
{
	return json_pack("{s:i, s:s}", "bits", 2, "lst", "eNo76fITAAPfAgc");
}

static struct statuslist_token_options opts(const struct ed25519_key *k)
{
	struct statuslist_token_options o = {
	    .issuer_pk = k->pk, .uri = URI, .now = NOW, .skew = SKEW};
	return o;
}

static int verify_code(const char *jwt, const struct statuslist_token_options *o, const char *where)
{
	struct statuslist_token t;
	struct shomei_diag d;
	int e = statuslist_token_verify(jwt, strlen(jwt), o, &t, &d);
	if (e) {
		assert_null(t.sub);
		assert_null(t.list.bytes);
		assert_int_equal(t.iat, 0);
		if (where)
			assert_string_equal(d.where, where);
		assert_true(d.what[0] != '\0');
	}
	statuslist_token_release(&t);
	return e;
}

/* A token of any header and payload, signed by key (jose sets alg EdDSA). */
static char *raw_token(json_t *header, json_t *payload, const struct ed25519_key *key)
{
	char *out = NULL;
	size_t len;
	assert_int_equal(jose_jws_sign(header, payload, key, &out, &len, NULL), 0);
	json_decref(header);
	json_decref(payload);
	return out;
}

static json_t *payload_base(void)
{
	return json_pack("{s:s, s:i, s:o}", "sub", URI, "iat", NOW - 3600, "status_list",
			 two_bit_list());
}

static void test_token_round_trip(void **state)
{
	(void)state;
	json_t *sl = two_bit_list();
	char *jwt = NULL;
	size_t len = 0;
	assert_int_equal(statuslist_token_sign(sl, URI, NOW - 10, NOW + 3600, 43200, issuer,
					       "key-1", &jwt, &len, NULL),
			 0);
	assert_int_equal(strlen(jwt), len);
	struct statuslist_token_options o = opts(issuer);
	struct statuslist_token t;
	struct shomei_diag d;
	assert_int_equal(statuslist_token_verify(jwt, len, &o, &t, &d), 0);
	assert_string_equal(t.sub, URI);
	assert_int_equal(t.iat, NOW - 10);
	assert_true(t.has_exp);
	assert_int_equal(t.exp, NOW + 3600);
	assert_true(t.has_ttl);
	assert_int_equal(t.ttl, 43200);
	assert_int_equal(t.list.bits, 2);
	static const unsigned want[12] = {1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3};
	for (unsigned i = 0; i < 12; i++) {
		unsigned v = 99;
		assert_int_equal(statuslist_get(&t.list, i, &v, NULL), 0);
		assert_int_equal(v, want[i]);
	}
	statuslist_token_release(&t);
	statuslist_token_release(&t);
	/* the header carries kid and typ */
	struct jose_jws *j = NULL;
	assert_int_equal(jose_jws_parse(jwt, len, "t", &j, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(j->header, "kid")), "key-1");
	assert_string_equal(json_string_value(json_object_get(j->header, "typ")), "statuslist+jwt");
	assert_string_equal(json_string_value(json_object_get(j->header, "alg")), "EdDSA");
	jose_jws_free(j);
	free(jwt);

	/* no exp, no ttl, no kid */
	assert_int_equal(statuslist_token_sign(sl, URI, NOW, 0, 0, issuer, NULL, &jwt, &len, NULL),
			 0);
	assert_int_equal(statuslist_token_verify(jwt, len, &o, &t, NULL), 0);
	assert_false(t.has_exp);
	assert_false(t.has_ttl);
	statuslist_token_release(&t);
	assert_int_equal(jose_jws_parse(jwt, len, "t", &j, NULL), 0);
	assert_null(json_object_get(j->header, "kid"));
	assert_null(json_object_get(j->payload, "exp"));
	assert_null(json_object_get(j->payload, "ttl"));
	jose_jws_free(j);

	/* wrong key; payload tampered (another token's payload under this signature) */
	struct statuslist_token_options wrong = opts(other);
	assert_int_equal(verify_code(jwt, &wrong, NULL), SHOMEI_ERR_SIGNATURE);
	char *jwt2 = NULL;
	size_t len2;
	assert_int_equal(
	    statuslist_token_sign(sl, URI, NOW - 1, 0, 0, issuer, NULL, &jwt2, &len2, NULL), 0);
	char *p1 = strchr(jwt, '.'), *p2 = strchr(jwt2, '.');
	char *s1 = strrchr(jwt, '.'), *s2 = strrchr(jwt2, '.');
	assert_int_equal(s1 - p1, s2 - p2); /* same length: iat has as many digits */
	memcpy(p1, p2, (size_t)(s2 - p2));
	assert_int_equal(verify_code(jwt, &o, NULL), SHOMEI_ERR_SIGNATURE);
	/* a flipped signature bit */
	jwt2[len2 - 2] = jwt2[len2 - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(verify_code(jwt2, &o, NULL), SHOMEI_ERR_SIGNATURE);
	free(jwt2);
	free(jwt);

	/* usage */
	struct statuslist_token_options none = {.uri = URI, .now = NOW};
	assert_int_equal(verify_code("a.b.c", &none, NULL), SHOMEI_ERR_USAGE);
	struct statuslist_token_options nouri = {.issuer_pk = issuer->pk, .now = NOW};
	assert_int_equal(verify_code("a.b.c", &nouri, NULL), SHOMEI_ERR_USAGE);
	assert_int_equal(verify_code("not a jws", &o, NULL), SHOMEI_ERR_PARSE);
	json_decref(sl);
}

static void test_token_refusals(void **state)
{
	(void)state;
	struct statuslist_token_options o = opts(issuer);
	char *jwt;

	/* the base case passes, so that each refusal below is for its one change */
	jwt = raw_token(json_pack("{s:s}", "typ", "statuslist+jwt"), payload_base(), issuer);
	assert_int_equal(verify_code(jwt, &o, NULL), 0);
	free(jwt);

	/* typ: missing, different, not a string; the media-type spellings are accepted */
	jwt = raw_token(json_object(), payload_base(), issuer);
	assert_int_equal(verify_code(jwt, &o, "statuslist-jwt.header.typ"), SHOMEI_ERR_INVALID);
	free(jwt);
	static const char *const bad_typ[] = {"jwt",
					      "JWT",
					      "dc+sd-jwt",
					      "statuslist+cwt",
					      "statuslist+jwt ",
					      "application/statuslist+jwtx",
					      "text/statuslist+jwt",
					      "",
					      "applicationXstatuslist+jwt"};
	for (size_t i = 0; i < sizeof bad_typ / sizeof bad_typ[0]; i++) {
		jwt = raw_token(json_pack("{s:s}", "typ", bad_typ[i]), payload_base(), issuer);
		assert_int_equal(verify_code(jwt, &o, "statuslist-jwt.header.typ"),
				 SHOMEI_ERR_INVALID);
		free(jwt);
	}
	jwt = raw_token(json_pack("{s:i}", "typ", 1), payload_base(), issuer);
	assert_int_equal(verify_code(jwt, &o, "statuslist-jwt.header.typ"), SHOMEI_ERR_INVALID);
	free(jwt);
	static const char *const good_typ[] = {"StatusList+JWT", "application/statuslist+jwt",
					       "Application/StatusList+Jwt"};
	for (size_t i = 0; i < sizeof good_typ / sizeof good_typ[0]; i++) {
		jwt = raw_token(json_pack("{s:s}", "typ", good_typ[i]), payload_base(), issuer);
		assert_int_equal(verify_code(jwt, &o, NULL), 0);
		free(jwt);
	}

	/* alg none and ES256: built by hand, jose_jws_sign always writes EdDSA */
	static const char *const algs[] = {"none", "ES256", "HS256"};
	for (size_t i = 0; i < 3; i++) {
		json_t *h = json_pack("{s:s, s:s}", "alg", algs[i], "typ", "statuslist+jwt");
		json_t *p = payload_base();
		char *hb, *pb;
		size_t hl, pl;
		assert_int_equal(jose_b64_json(h, &hb, &hl, NULL), 0);
		assert_int_equal(jose_b64_json(p, &pb, &pl, NULL), 0);
		char tok[4096];
		int n = snprintf(tok, sizeof tok, "%s.%s", hb, pb);
		unsigned char sig[ED25519_SIG_BYTES];
		ed25519_sign(sig, tok, (size_t)n, issuer);
		tok[n] = '.';
		assert_int_equal(base64url_encode(sig, sizeof sig, tok + n + 1, sizeof tok - n - 1),
				 0);
		assert_int_equal(verify_code(tok, &o, NULL), SHOMEI_ERR_UNSUPPORTED);
		/* and with no signature at all */
		tok[n + 1] = '\0';
		assert_int_not_equal(verify_code(tok, &o, NULL), 0);
		free(hb);
		free(pb);
		json_decref(h);
		json_decref(p);
	}

	/* sub: another list, missing, not a string, a prefix */
	struct {
		const char *member;
		json_t *value; /* NULL: removed */
		const char *where;
	} cases[] = {
	    {"sub", json_string("https://example.com/statuslists/2"), "sub"},
	    {"sub", NULL, "sub"},
	    {"sub", json_integer(1), "sub"},
	    {"sub", json_string("https://example.com/statuslists/"), "sub"},
	    {"sub", json_string(URI "/"), "sub"},
	    {"iat", NULL, "iat"},
	    {"iat", json_string("2026-04-01T00:00:00Z"), "iat"},
	    {"iat", json_integer(-1), "iat"},
	    {"iat", json_integer(NOW + SKEW + 1), "iat"},
	    {"exp", json_integer(NOW - SKEW - 100), "exp"},
	    {"exp", json_integer(NOW - SKEW), "exp"},
	    {"exp", json_string("never"), "exp"},
	    {"exp", json_real(1e300), "exp"},
	    {"nbf", json_integer(NOW + SKEW + 1), "nbf"},
	    {"nbf", json_string("soon"), "nbf"},
	    {"ttl", json_integer(0), "ttl"},
	    {"ttl", json_integer(-5), "ttl"},
	    {"ttl", json_real(1.5), "ttl"},
	    {"ttl", json_string("3600"), "ttl"},
	    {"ttl", json_real(1e300), "ttl"},
	    {"status_list", NULL, "status_list"},
	    {"status_list", json_string("x"), "status_list"},
	    {"status_list", json_pack("{s:i, s:s}", "bits", 3, "lst", "eNo76fITAAPfAgc"),
	     "status_list.bits"},
	    {"status_list", json_pack("{s:i, s:s}", "bits", 2, "lst", "eNo76fITAAPfAgc="),
	     "status_list.lst"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *p = payload_base();
		if (cases[i].value)
			json_object_set_new(p, cases[i].member, cases[i].value);
		else
			json_object_del(p, cases[i].member);
		jwt = raw_token(json_pack("{s:s}", "typ", "statuslist+jwt"), p, issuer);
		if (verify_code(jwt, &o, cases[i].where) == 0)
			fail_msg("case %zu (%s) accepted", i, cases[i].member);
		free(jwt);
	}

	/* exp: expired at exp + skew, accepted just before; skew 0 exact */
	json_t *p = payload_base();
	json_object_set_new(p, "exp", json_integer(NOW - SKEW + 1));
	jwt = raw_token(json_pack("{s:s}", "typ", "statuslist+jwt"), p, issuer);
	assert_int_equal(verify_code(jwt, &o, NULL), 0);
	struct statuslist_token_options strict = o;
	strict.skew = 0;
	assert_int_equal(verify_code(jwt, &strict, "exp"), SHOMEI_ERR_INVALID);
	strict.now = NOW - SKEW;
	assert_int_equal(verify_code(jwt, &strict, NULL), 0);
	free(jwt);
	/* iat within skew in the future is accepted; fractional times truncate */
	p = payload_base();
	json_object_set_new(p, "iat", json_real(NOW + SKEW + 0.5));
	json_object_set_new(p, "ttl", json_real(300.0));
	json_object_set_new(p, "nbf", json_integer(NOW + SKEW));
	jwt = raw_token(json_pack("{s:s}", "typ", "statuslist+jwt"), p, issuer);
	struct statuslist_token t;
	assert_int_equal(statuslist_token_verify(jwt, strlen(jwt), &o, &t, NULL), 0);
	assert_int_equal(t.iat, NOW + SKEW);
	assert_int_equal(t.ttl, 300);
	statuslist_token_release(&t);
	free(jwt);

	/* too long */
	size_t big = STATUSLIST_MAX_BYTES + 1;
	char *huge = malloc(big + 1);
	assert_non_null(huge);
	memset(huge, 'a', big);
	huge[big] = '\0';
	struct shomei_diag d;
	assert_int_equal(statuslist_token_verify(huge, big, &o, &t, &d), SHOMEI_ERR_LIMIT);
	free(huge);
}

static void test_sign_refusals(void **state)
{
	(void)state;
	json_t *sl = two_bit_list();
	char *jwt = (char *)1;
	size_t len = 9;
	assert_int_equal(statuslist_token_sign(sl, "", NOW, 0, 0, issuer, NULL, &jwt, &len, NULL),
			 SHOMEI_ERR_USAGE);
	assert_null(jwt);
	assert_int_equal(len, 0);
	assert_int_equal(statuslist_token_sign(sl, NULL, NOW, 0, 0, issuer, NULL, &jwt, &len, NULL),
			 SHOMEI_ERR_USAGE);
	assert_int_equal(statuslist_token_sign(sl, URI, -1, 0, 0, issuer, NULL, &jwt, &len, NULL),
			 SHOMEI_ERR_USAGE);
	assert_int_equal(statuslist_token_sign(sl, URI, NOW, -1, 0, issuer, NULL, &jwt, &len, NULL),
			 SHOMEI_ERR_USAGE);
	assert_int_equal(statuslist_token_sign(sl, URI, NOW, 0, -1, issuer, NULL, &jwt, &len, NULL),
			 SHOMEI_ERR_USAGE);
	json_t *bad = json_pack("{s:i, s:s}", "bits", 3, "lst", "eNo76fITAAPfAgc");
	struct shomei_diag d;
	assert_int_equal(statuslist_token_sign(bad, URI, NOW, 0, 0, issuer, NULL, &jwt, &len, &d),
			 SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "status_list.bits");
	assert_null(jwt);
	json_decref(bad);
	json_decref(sl);
}

static void test_value_names(void **state)
{
	(void)state;
	assert_string_equal(statuslist_value_name(STATUSLIST_VALID), "valid");
	assert_string_equal(statuslist_value_name(STATUSLIST_INVALID), "invalid");
	assert_string_equal(statuslist_value_name(STATUSLIST_SUSPENDED), "suspended");
	assert_null(statuslist_value_name(3));
	assert_null(statuslist_value_name(255));
}

/* docs/status-list.md's worked example: the same token, byte for byte, and the
 * statuses the document lists. */
#define DOC_TOKEN                                                                                  \
	"eyJhbGciOiJFZERTQSIsImtpZCI6InN0YXR1cy1rZXktMSIsInR5cCI6InN0YXR1c2xpc3Qrand0In0."         \
	"eyJleHAiOjIyOTE3MjAxNzAsImlhdCI6MTY4NjkyMDE3MCwic3RhdHVzX2xpc3QiOnsiYml0cyI6MiwibHN0Ijoi" \
	"ZU5vNzZmSVRBQVBmQWdjIn0sInN1YiI6Imh0dHBzOi8vZXhhbXBsZS5jb20vc3RhdHVzbGlzdHMvMSIsInR0bCI6" \
	"NDMyMDB9.TP1iovMnI1hzxovVKV31EJMmo6GX_PcHcLuSqIUAmI4-tk1dDBd8GKVBoxTglz5i3Znv_"           \
	"WfXQXhxwqQE64dQ"                                                                          \
	"AQ"
#define DOC_PAYLOAD                                                                                \
	"{\"exp\":2291720170,\"iat\":1686920170,\"status_list\":{\"bits\":2,\"lst\":"              \
	"\"eNo76fITAAPfAgc\"},\"sub\":\"https://example.com/statuslists/1\",\"ttl\":43200}"

/* Fails the test unless the document holds text. */
static void doc_has(const char *doc, const char *text)
{
	if (!strstr(doc, text))
		fail_msg("docs/status-list.md does not hold: %s", text);
}

static void test_doc_example(void **state)
{
	(void)state;
	unsigned char seed[32];
	for (unsigned i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	struct ed25519_key *k = ed25519_key_new_from_seed(seed);
	assert_non_null(k);
	json_t *sl = two_bit_list();
	char *jwt = NULL;
	size_t len;
	assert_int_equal(statuslist_token_sign(sl, URI, 1686920170, 2291720170, 43200, k,
					       "status-key-1", &jwt, &len, NULL),
			 0);
	assert_string_equal(jwt, DOC_TOKEN);
	char *doc = tu_read_vector("../docs/status-list.md", NULL);
	doc_has(doc, jwt);
	char pkhex[2 * ED25519_PUBLIC_BYTES + 1];
	for (size_t i = 0; i < ED25519_PUBLIC_BYTES; i++)
		snprintf(pkhex + 2 * i, 3, "%02x", k->pk[i]);
	doc_has(doc, pkhex);
	json_t *jwk = jose_jwk_from_public(k->pk);
	doc_has(doc, json_string_value(json_object_get(jwk, "x")));
	json_decref(jwk);
	/* the payload as printed is the token's, byte for byte */
	const char *p1 = strchr(jwt, '.') + 1, *p2 = strrchr(jwt, '.');
	unsigned char pl[512];
	size_t pn = 0;
	assert_int_equal(base64url_decode(p1, (size_t)(p2 - p1), pl, sizeof pl - 1, &pn), 0);
	pl[pn] = '\0';
	assert_string_equal((const char *)pl, DOC_PAYLOAD);
	doc_has(doc, DOC_PAYLOAD);
	doc_has(doc, "{\"bits\":2,\"lst\":\"eNo76fITAAPfAgc\"}");
	doc_has(doc, "{\"alg\":\"EdDSA\",\"kid\":\"status-key-1\",\"typ\":\"statuslist+jwt\"}");

	/* the credential's claim, and what each index reads */
	static const char status[] = "{\"status_list\":{\"idx\":1,\"uri\":\"" URI "\"}}";
	assert_non_null(strstr(doc, status));
	json_t *s = NULL;
	assert_int_equal(jsonin_parse(status, sizeof status - 1, &s, NULL), 0);
	uint64_t idx;
	const char *uri;
	assert_int_equal(statuslist_reference(s, &idx, &uri, NULL), 0);
	struct statuslist_token_options o = {
	    .issuer_pk = k->pk, .uri = uri, .now = NOW, .skew = SKEW};
	struct statuslist_token t;
	assert_int_equal(statuslist_token_verify(jwt, len, &o, &t, NULL), 0);
	unsigned v;
	assert_int_equal(statuslist_get(&t.list, idx, &v, NULL), 0);
	assert_int_equal(v, STATUSLIST_SUSPENDED);
	assert_string_equal(statuslist_value_name(v), "suspended");
	assert_int_equal(statuslist_get(&t.list, 0, &v, NULL), 0);
	assert_string_equal(statuslist_value_name(v), "invalid");
	assert_int_equal(statuslist_get(&t.list, 2, &v, NULL), 0);
	assert_string_equal(statuslist_value_name(v), "valid");
	assert_int_equal(statuslist_get(&t.list, 3, &v, NULL), 0);
	assert_int_equal(v, 3);
	assert_null(statuslist_value_name(v));
	struct shomei_diag d;
	char msg[DIAG_WHERE_BYTES + DIAG_WHAT_BYTES];
	assert_int_equal(statuslist_get(&t.list, 12, &v, &d), SHOMEI_ERR_INVALID);
	diag_format(&d, msg, sizeof msg);
	assert_string_equal(msg, "idx: index out of range");
	doc_has(doc, msg);
	assert_int_equal(statuslist_count(&t.list), 12);
	statuslist_token_release(&t);
	/* from exp + skew on it is refused, not a second before */
	o.now = 2291720170 + SKEW - 1;
	assert_int_equal(statuslist_token_verify(jwt, len, &o, &t, &d), 0);
	statuslist_token_release(&t);
	o.now = 2291720170 + SKEW;
	assert_int_equal(statuslist_token_verify(jwt, len, &o, &t, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "exp");
	doc_has(doc, "`exp: expired`");
	/* another issuer's key */
	o.now = NOW;
	o.issuer_pk = issuer->pk;
	assert_int_equal(statuslist_token_verify(jwt, len, &o, &t, &d), SHOMEI_ERR_SIGNATURE);
	diag_format(&d, msg, sizeof msg);
	doc_has(doc, msg);
	json_decref(s);
	json_decref(sl);
	free(doc);
	free(jwt);
	ed25519_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),	     cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_list_refusals),    cmocka_unit_test(test_ceilings),
	    cmocka_unit_test(test_build_refusals),   cmocka_unit_test(test_reference),
	    cmocka_unit_test(test_token_round_trip), cmocka_unit_test(test_token_refusals),
	    cmocka_unit_test(test_sign_refusals),    cmocka_unit_test(test_value_names),
	    cmocka_unit_test(test_doc_example),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
