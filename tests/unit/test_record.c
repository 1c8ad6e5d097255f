/* Ledger records (common/record.h): every type built, signed, parsed back;
 * every member of every type missing, of a wrong type, or spelt otherwise;
 * canonical form, set order, limits; signatures and co-signatures; the
 * credential digest and status hash; and the records of
 * vectors/shomei/records-v1.json (each parses, re-signs to the same bytes,
 * and each malformed one is refused as the file says). */
#include "record.h"

#include "didkey.h"
#include "ed25519.h"
#include "err.h"
#include "init.h"
#include "jcs.h"
#include "jsonin.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#define T0 1775001600 /* 2026-04-01T00:00:00Z */
#define VECTORS "shomei/records-v1.json"

/* RFC 8032 §7.1 TEST 1, 2, 3 secret keys (seeds). */
static const char *const seed_hex[] = {
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
};
#define NSEEDS 3
static struct ed25519_key *k[NSEEDS];
static char did[NSEEDS][DIDKEY_MAX_BYTES];

static struct ed25519_key *key_of_seed_hex(const char *hex)
{
	unsigned char seed[ED25519_SEED_BYTES];
	assert_int_equal(tu_hex_decode(hex, seed, sizeof seed), ED25519_SEED_BYTES);
	struct ed25519_key *key = ed25519_key_new_from_seed(seed);
	assert_non_null(key);
	return key;
}

static int setup(void **state)
{
	(void)state;
	if (shomei_init() != 0)
		return -1;
	for (int i = 0; i < NSEEDS; i++) {
		k[i] = key_of_seed_hex(seed_hex[i]);
		if (didkey_from_public(k[i]->pk, did[i]) != 0)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NSEEDS; i++)
		ed25519_key_free(k[i]);
	return 0;
}

static void hash_n(unsigned n, unsigned char out[RECORD_HASH_BYTES])
{
	for (size_t i = 0; i < RECORD_HASH_BYTES; i++)
		out[i] = (unsigned char)(n * 37 + i * 11);
}

static unsigned char hashes[3][RECORD_HASH_BYTES];

/* An example of each type. */
static struct record_fields example(enum record_type t)
{
	static const char *authorities[3];
	for (int i = 0; i < 3; i++) {
		authorities[i] = did[i];
		hash_n((unsigned)(3 - i), hashes[i]); /* out of order on purpose */
	}
	struct record_fields f = {.type = t, .time = T0};
	switch (t) {
	case RECORD_GENESIS:
		f.authorities = authorities;
		f.nauthorities = 3;
		f.threshold = 2;
		break;
	case RECORD_INSTITUTION:
		f.institution = "JP-13-0001";
		f.name = "東都工業大学";
		f.key = did[1];
		break;
	case RECORD_KEY_ADD:
	case RECORD_KEY_RETIRE:
		f.institution = "JP-13-0001";
		f.key = did[2];
		break;
	case RECORD_KEY_COMPROMISED:
		f.institution = "JP-13-0001";
		f.key = did[2];
		f.since = T0 - 86400;
		break;
	case RECORD_MERGE:
	case RECORD_CLOSE:
		f.institution = "JP-13-0001";
		f.other = "JP-27-0002";
		break;
	case RECORD_ANCHOR:
	case RECORD_REVOKE:
	case RECORD_REINSTATE:
		f.institution = "JP-13-0001";
		f.hashes = (const unsigned char(*)[RECORD_HASH_BYTES])hashes;
		f.nhashes = 3;
		f.reason = RECORD_REASON_FRAUD;
		break;
	}
	return f;
}

static char *sign_with(const struct record_fields *f, size_t n, size_t *len)
{
	json_t *body = NULL;
	struct shomei_diag d;
	if (record_build(f, &body, &d) != 0)
		fail_msg("record_build: %s: %s", d.where, d.what);
	const struct ed25519_key *keys[NSEEDS];
	for (size_t i = 0; i < n; i++)
		keys[i] = k[i];
	char *out = NULL;
	if (record_sign(body, keys, n, &out, len, &d) != 0)
		fail_msg("record_sign: %s: %s", d.where, d.what);
	json_decref(body);
	return out;
}

/* The signed example as a JSON object, to be altered. */
static json_t *example_json(enum record_type t)
{
	struct record_fields f = example(t);
	size_t len;
	char *bytes = sign_with(&f, 1, &len);
	json_t *v = NULL;
	assert_int_equal(jsonin_parse(bytes, len, &v, NULL), 0);
	free(bytes);
	return v;
}

/* Canonical bytes of v, so that only the change under test is wrong. */
static char *canonical(const json_t *v, size_t *len)
{
	char *out = NULL;
	assert_int_equal(jcs_serialize(v, &out, len, NULL), 0);
	return out;
}

static void expect_refused_bytes(const char *label, const char *bytes, size_t len, int err,
				 const char *where, const char *what)
{
	struct record *rec = (struct record *)1;
	struct shomei_diag d;
	int got = record_parse(bytes, len, &rec, &d);
	if (got != err)
		fail_msg("%s: record_parse gave %d (%s: %s), expected %d", label, got, d.where,
			 d.what, err);
	assert_null(rec);
	if (where && strcmp(d.where, where) != 0)
		fail_msg("%s: where \"%s\", expected \"%s\" (%s)", label, d.where, where, d.what);
	if (what && strcmp(d.what, what) != 0)
		fail_msg("%s: what \"%s\", expected \"%s\"", label, d.what, what);
}

static void expect_refused(const char *label, const json_t *v, int err, const char *where,
			   const char *what)
{
	size_t len;
	char *bytes = canonical(v, &len);
	expect_refused_bytes(label, bytes, len, err, where, what);
	free(bytes);
}

static void test_every_type_round_trips(void **state)
{
	(void)state;
	for (int t = 0; t < RECORD_TYPES; t++) {
		struct record_fields f = example((enum record_type)t);
		size_t len;
		char *bytes = sign_with(&f, 1, &len);
		struct record *rec = NULL;
		struct shomei_diag d;
		if (record_parse(bytes, len, &rec, &d) != 0)
			fail_msg("%s: %s: %s", record_type_name(t), d.where, d.what);
		assert_int_equal(rec->f.type, t);
		assert_int_equal(rec->f.time, T0);
		assert_int_equal(rec->nsignatures, 1);
		assert_string_equal(rec->signatures[0].signer, did[0]);
		assert_memory_equal(rec->signatures[0].public_key, k[0]->pk, 32);
		assert_int_equal(record_verify_signature(rec, 0, &d), 0);
		if (f.institution)
			assert_string_equal(rec->f.institution, f.institution);
		if (t == RECORD_INSTITUTION)
			assert_string_equal(rec->f.name, f.name);
		if (f.key) {
			assert_string_equal(rec->f.key, f.key);
			unsigned char pk[32];
			assert_int_equal(didkey_to_public(f.key, pk, NULL), 0);
			assert_memory_equal(rec->key_public, pk, 32);
		}
		if (t == RECORD_KEY_COMPROMISED)
			assert_int_equal(rec->f.since, T0 - 86400);
		if (t == RECORD_MERGE || t == RECORD_CLOSE)
			assert_string_equal(rec->f.other, "JP-27-0002");
		if (t == RECORD_GENESIS) {
			assert_int_equal(rec->f.nauthorities, 3);
			assert_int_equal(rec->f.threshold, 2);
			for (size_t i = 1; i < 3; i++)
				assert_true(strcmp(rec->f.authorities[i - 1],
						   rec->f.authorities[i]) < 0);
		}
		if (f.hashes) {
			/* sorted by the builder: 1, 2, 3 */
			assert_int_equal(rec->f.nhashes, 3);
			for (unsigned i = 0; i < 3; i++) {
				unsigned char h[32];
				hash_n(i + 1, h);
				assert_memory_equal(rec->f.hashes[i], h, 32);
			}
		}
		if (t == RECORD_REVOKE)
			assert_int_equal(rec->f.reason, RECORD_REASON_FRAUD);

		/* what was signed: the context and the record without signatures */
		json_t *body = NULL;
		assert_int_equal(record_build(&f, &body, NULL), 0);
		size_t blen;
		char *b = canonical(body, &blen);
		assert_int_equal(rec->message_len, strlen(RECORD_SIGN_CONTEXT) + blen);
		assert_memory_equal(rec->message, RECORD_SIGN_CONTEXT, strlen(RECORD_SIGN_CONTEXT));
		assert_memory_equal(rec->message + strlen(RECORD_SIGN_CONTEXT), b, blen);
		/* the signature is RFC 8032 Ed25519 over exactly that, by libsodium too */
		assert_int_equal(crypto_sign_verify_detached(rec->signatures[0].sig, rec->message,
							     rec->message_len, k[0]->pk),
				 0);
		free(b);
		json_decref(body);
		record_free(rec);
		free(bytes);
	}
}

static void test_example_bytes(void **state)
{
	(void)state;
	/* The byte layout of docs/ledger-records.md: members in JCS order. */
	struct record_fields f = example(RECORD_MERGE);
	size_t len;
	char *bytes = sign_with(&f, 1, &len);
	const char *head = "{\"institution\":\"JP-13-0001\",\"into\":\"JP-27-0002\","
			   "\"signatures\":[{\"sig\":\"";
	assert_memory_equal(bytes, head, strlen(head));
	const char *tail = "\"time\":\"2026-04-01T00:00:00Z\",\"type\":\"merge\",\"v\":1}";
	assert_true(len > strlen(tail));
	assert_string_equal(bytes + len - strlen(tail), tail);
	free(bytes);
}

/* Each member replaced by values of other types, and each member removed. */
static void test_wrong_member_types(void **state)
{
	(void)state;
	static const char *const wrong[] = {"true", "null", "{}", "[]", "7", "\"x\"", "[7]",
					    "[\"x\"]", "1.5", "-1"};
	for (int t = 0; t < RECORD_TYPES; t++) {
		json_t *v = example_json((enum record_type)t);
		const char *name;
		json_t *m;
		void *iter;
		char label[128];
		/* collect member names first: we modify the object */
		char names[16][32];
		size_t n = 0;
		json_object_foreach_safe(v, iter, name, m)
		{
			assert_true(n < 16 && strlen(name) < sizeof names[0]);
			strcpy(names[n++], name);
		}
		for (size_t i = 0; i < n; i++) {
			json_t *orig = json_incref(json_object_get(v, names[i]));
			for (size_t w = 0; w < sizeof wrong / sizeof wrong[0]; w++) {
				json_t *bad = json_loads(wrong[w], JSON_DECODE_ANY, NULL);
				assert_non_null(bad);
				/* the same value, or a string for a string member (whose
				 * spelling test_values checks), is not a wrong type */
				if (json_equal(bad, orig) ||
				    (json_is_string(bad) && json_is_string(orig))) {
					json_decref(bad);
					continue;
				}
				assert_int_equal(json_object_set_new(v, names[i], bad), 0);
				size_t len;
				char *bytes = canonical(v, &len);
				struct record *rec = NULL;
				struct shomei_diag d;
				int err = record_parse(bytes, len, &rec, &d);
				snprintf(label, sizeof label, "%s.%s = %s", record_type_name(t),
					 names[i], wrong[w]);
				if (err >= 0 || err == SHOMEI_ERR_NOMEM)
					fail_msg("%s: accepted or %d", label, err);
				if (strncmp(d.where, names[i], strlen(names[i])) != 0)
					fail_msg("%s: where \"%s\" (%s)", label, d.where, d.what);
				assert_true(d.what[0] != '\0');
				/* "v": any number but 1 is another version */
				if (!strcmp(names[i], "v") && json_is_number(bad))
					assert_int_equal(err, SHOMEI_ERR_UNSUPPORTED);
				else
					assert_int_equal(err, SHOMEI_ERR_INVALID);
				free(bytes);
			}
			/* missing */
			assert_int_equal(json_object_del(v, names[i]), 0);
			snprintf(label, sizeof label, "%s without %s", record_type_name(t),
				 names[i]);
			expect_refused(label, v, SHOMEI_ERR_INVALID, names[i], "missing");
			assert_int_equal(json_object_set_new(v, names[i], orig), 0);
		}
		/* the restored object is the valid record again */
		size_t len;
		char *bytes = canonical(v, &len);
		struct record *rec = NULL;
		assert_int_equal(record_parse(bytes, len, &rec, NULL), 0);
		record_free(rec);
		free(bytes);
		json_decref(v);
	}
}

static void test_unknown_members(void **state)
{
	(void)state;
	for (int t = 0; t < RECORD_TYPES; t++) {
		json_t *v = example_json((enum record_type)t);
		char what[128];
		snprintf(what, sizeof what, "unknown member for a %s record", record_type_name(t));
		json_object_set_new(v, "extra", json_string("x"));
		expect_refused("extra", v, SHOMEI_ERR_INVALID, "extra", what);
		json_object_del(v, "extra");
		/* a member of another type */
		const char *foreign = t == RECORD_INSTITUTION ? "digests" : "name";
		json_object_set_new(v, foreign, json_string("x"));
		expect_refused(foreign, v, SHOMEI_ERR_INVALID, foreign, what);
		json_object_del(v, foreign);
		/* a strange name is quoted in the path */
		json_object_set_new(v, "a b", json_true());
		expect_refused("a b", v, SHOMEI_ERR_INVALID, "[\"a b\"]", what);
		json_object_del(v, "a b");
		/* inside a signature */
		json_t *sig = json_array_get(json_object_get(v, "signatures"), 0);
		json_object_set_new(sig, "alg", json_string("EdDSA"));
		expect_refused("signature member", v, SHOMEI_ERR_INVALID, "signatures[0].alg",
			       "unknown member");
		json_decref(v);
	}
}

static void test_non_canonical(void **state)
{
	(void)state;
	struct record_fields f = example(RECORD_INSTITUTION);
	size_t len;
	char *bytes = sign_with(&f, 1, &len);
	const char *canon_what = "not in RFC 8785 canonical form";
	char *alt = malloc(len + 64);
	assert_non_null(alt);

	/* a trailing newline */
	memcpy(alt, bytes, len);
	alt[len] = '\n';
	expect_refused_bytes("newline", alt, len + 1, SHOMEI_ERR_INVALID, "", canon_what);
	/* a space after the first colon */
	char *colon = strchr(bytes, ':');
	size_t at = (size_t)(colon - bytes) + 1;
	memcpy(alt, bytes, at);
	alt[at] = ' ';
	memcpy(alt + at + 1, bytes + at, len - at);
	expect_refused_bytes("space", alt, len + 1, SHOMEI_ERR_INVALID, "", canon_what);
	/* "v":1.0 */
	assert_memory_equal(bytes + len - 6, "\"v\":1}", 6);
	memcpy(alt, bytes, len - 1);
	memcpy(alt + len - 1, ".0}", 3);
	expect_refused_bytes("1.0", alt, len + 2, SHOMEI_ERR_INVALID, "", canon_what);
	/* "v":1e0 */
	memcpy(alt + len - 1, "e0}", 3);
	expect_refused_bytes("1e0", alt, len + 2, SHOMEI_ERR_INVALID, "", canon_what);
	/* an escape that JCS writes raw: "J" as \u004a in the id */
	char *id = strstr(bytes, "JP-13");
	at = (size_t)(id - bytes);
	memcpy(alt, bytes, at);
	memcpy(alt + at, "\\u004a", 6);
	memcpy(alt + at + 6, bytes + at + 1, len - at - 1);
	expect_refused_bytes("escape", alt, len + 5, SHOMEI_ERR_INVALID, "", canon_what);
	free(alt);

	/* members in another order: jansson keeps insertion order when dumping */
	json_t *v = NULL;
	assert_int_equal(jsonin_parse(bytes, len, &v, NULL), 0);
	char *reordered = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_t *w = json_object();
	const char *order[] = {"v", "type", "time", "institution", "key", "name", "signatures"};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		json_object_set(w, order[i], json_object_get(v, order[i]));
	free(reordered);
	reordered = json_dumps(w, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(reordered);
	assert_true(strncmp(reordered, "{\"v\":1", 6) == 0);
	expect_refused_bytes("order", reordered, strlen(reordered), SHOMEI_ERR_INVALID, "",
			     canon_what);
	free(reordered);
	json_decref(w);
	json_decref(v);
	free(bytes);

	/* not JSON, not an object, empty, duplicate members */
	expect_refused_bytes("empty", "", 0, SHOMEI_ERR_PARSE, NULL, NULL);
	expect_refused_bytes("text", "record", 6, SHOMEI_ERR_PARSE, NULL, NULL);
	expect_refused_bytes("array", "[]", 2, SHOMEI_ERR_INVALID, "", "not a JSON object");
	expect_refused_bytes("dup", "{\"v\":1,\"v\":1}", 13, SHOMEI_ERR_PARSE, NULL, NULL);
}

static void test_sets_in_order(void **state)
{
	(void)state;
	json_t *v = example_json(RECORD_ANCHOR);
	json_t *digests = json_object_get(v, "digests");
	json_t *first = json_incref(json_array_get(digests, 0));
	/* repeated */
	json_array_set(digests, 1, first);
	expect_refused("repeat", v, SHOMEI_ERR_INVALID, "digests[1]",
		       "repeated or not in ascending order");
	/* descending */
	json_array_set(digests, 1, json_array_get(digests, 2));
	json_array_set(digests, 2, first);
	expect_refused("order", v, SHOMEI_ERR_INVALID, "digests[2]",
		       "repeated or not in ascending order");
	json_decref(first);
	json_decref(v);

	v = example_json(RECORD_GENESIS);
	json_t *auth = json_object_get(v, "authorities");
	json_array_set(auth, 2, json_array_get(auth, 0));
	expect_refused("authorities", v, SHOMEI_ERR_INVALID, "authorities[2]",
		       "repeated or not in ascending order");
	json_decref(v);

	/* the same signer twice, and signers out of order */
	struct record_fields f = example(RECORD_REVOKE);
	size_t len;
	char *bytes = sign_with(&f, 2, &len);
	assert_int_equal(jsonin_parse(bytes, len, &v, NULL), 0);
	free(bytes);
	json_t *sigs = json_object_get(v, "signatures");
	json_t *s0 = json_incref(json_array_get(sigs, 0)), *s1 = json_incref(json_array_get(sigs, 1));
	json_array_set(sigs, 1, s0);
	expect_refused("duplicate signer", v, SHOMEI_ERR_INVALID, "signatures[1].signer",
		       "repeated or not in ascending order");
	json_array_set(sigs, 0, s1);
	expect_refused("signer order", v, SHOMEI_ERR_INVALID, "signatures[1].signer",
		       "repeated or not in ascending order");
	json_decref(s0);
	json_decref(s1);
	json_decref(v);
}

/* Sets member `name` of a copy of the example to the JSON text `value` and
 * expects a refusal there. */
static void expect_value_refused(enum record_type t, const char *name, const char *value, int err,
				 const char *where, const char *what)
{
	json_t *v = example_json(t);
	json_t *x = json_loads(value, JSON_DECODE_ANY, NULL);
	if (!x)
		fail_msg("bad test value %s", value);
	json_t *target = v;
	const char *dot = strchr(name, '.');
	char member[64];
	if (dot) { /* "signatures.sig": the first signature's member */
		snprintf(member, sizeof member, "%.*s", (int)(dot - name), name);
		target = json_array_get(json_object_get(v, member), 0);
		name = dot + 1;
	}
	assert_int_equal(json_object_set_new(target, name, x), 0);
	char label[256];
	snprintf(label, sizeof label, "%s %s = %s", record_type_name(t), name, value);
	expect_refused(label, v, err, where, what);
	json_decref(v);
}

static void test_values(void **state)
{
	(void)state;
	const char *time_what = "not a time of the form YYYY-MM-DDThh:mm:ssZ";
	expect_value_refused(RECORD_ANCHOR, "time", "\"2026-04-01T09:00:00+09:00\"",
			     SHOMEI_ERR_INVALID, "time", time_what);
	expect_value_refused(RECORD_ANCHOR, "time", "\"2026-04-01T00:00:00.5Z\"",
			     SHOMEI_ERR_INVALID, "time", time_what);
	expect_value_refused(RECORD_ANCHOR, "time", "\"2026-04-01T00:00:00z\"", SHOMEI_ERR_INVALID,
			     "time", time_what);
	expect_value_refused(RECORD_ANCHOR, "time", "\"2026-02-30T00:00:00Z\"", SHOMEI_ERR_INVALID,
			     "time", time_what);
	expect_value_refused(RECORD_KEY_COMPROMISED, "since", "\"2026-04-01\"", SHOMEI_ERR_INVALID,
			     "since", time_what);

	const char *id_what = "not an institution id (1 to 64 of A-Z a-z 0-9 . _ -, "
			      "starting with a letter or digit)";
	expect_value_refused(RECORD_ANCHOR, "institution", "\"\"", SHOMEI_ERR_INVALID,
			     "institution", id_what);
	expect_value_refused(RECORD_ANCHOR, "institution", "\"-JP\"", SHOMEI_ERR_INVALID,
			     "institution", id_what);
	expect_value_refused(RECORD_ANCHOR, "institution", "\"JP 13\"", SHOMEI_ERR_INVALID,
			     "institution", id_what);
	expect_value_refused(RECORD_ANCHOR, "institution", "\"東都\"", SHOMEI_ERR_INVALID,
			     "institution", id_what);
	expect_value_refused(RECORD_MERGE, "into",
			     "\"A1234567890123456789012345678901234567890123456789012345678901234\"",
			     SHOMEI_ERR_INVALID, "into", id_what);
	expect_value_refused(RECORD_CLOSE, "custodian", "\"a/b\"", SHOMEI_ERR_INVALID, "custodian",
			     id_what);

	const char *name_what = "holds a control or text-direction character";
	expect_value_refused(RECORD_INSTITUTION, "name", "\"\"", SHOMEI_ERR_INVALID, "name",
			     "not 1 to 512 bytes long");
	expect_value_refused(RECORD_INSTITUTION, "name", "\"a\\tb\"", SHOMEI_ERR_INVALID, "name",
			     name_what);
	expect_value_refused(RECORD_INSTITUTION, "name", "\"a\\u0085b\"", SHOMEI_ERR_INVALID,
			     "name", name_what);
	expect_value_refused(RECORD_INSTITUTION, "name", "\"\\u202eabc\"", SHOMEI_ERR_INVALID,
			     "name", name_what);
	expect_value_refused(RECORD_INSTITUTION, "name", "\"a\\u2028b\"", SHOMEI_ERR_INVALID,
			     "name", name_what);
	char long_name[600];
	memset(long_name, 'a', sizeof long_name);
	long_name[0] = '"';
	memcpy(long_name + 514, "\"", 2); /* 513 bytes */
	expect_value_refused(RECORD_INSTITUTION, "name", long_name, SHOMEI_ERR_INVALID, "name",
			     "not 1 to 512 bytes long");

	const char *hex_what = "not 64 lowercase hex digits";
	char upper[160];
	snprintf(upper, sizeof upper, "[\"%064d\", \"%s\"]", 0,
		 "AB00000000000000000000000000000000000000000000000000000000000000");
	expect_value_refused(RECORD_ANCHOR, "digests", upper, SHOMEI_ERR_INVALID, "digests[1]",
			     hex_what);
	expect_value_refused(RECORD_REVOKE, "status", "[\"00\"]", SHOMEI_ERR_INVALID, "status[0]",
			     hex_what);
	expect_value_refused(RECORD_REINSTATE, "status", "[]", SHOMEI_ERR_INVALID, "status",
			     "empty");

	expect_value_refused(RECORD_GENESIS, "threshold", "0", SHOMEI_ERR_INVALID, "threshold",
			     "not an integer from 1 to 3");
	expect_value_refused(RECORD_GENESIS, "threshold", "4", SHOMEI_ERR_INVALID, "threshold",
			     "not an integer from 1 to 3");
	expect_value_refused(RECORD_GENESIS, "threshold", "1.5", SHOMEI_ERR_INVALID, "threshold",
			     "not an integer from 1 to 3");
	expect_value_refused(RECORD_GENESIS, "authorities", "[\"did:example:123\"]",
			     SHOMEI_ERR_INVALID, "authorities[0]", "not an Ed25519 did:key");
	expect_value_refused(RECORD_REVOKE, "reason", "\"plagiarism by 山田\"", SHOMEI_ERR_INVALID,
			     "reason",
			     "not one of issued-in-error, fraud, superseded, withdrawn, other");

	char vm[200];
	snprintf(vm, sizeof vm, "\"%s#%s\"", did[0], did[0] + DIDKEY_PREFIX_CHARS);
	expect_value_refused(RECORD_KEY_ADD, "key", vm, SHOMEI_ERR_INVALID, "key",
			     "not an Ed25519 did:key");
	expect_value_refused(RECORD_KEY_ADD, "signatures.signer", vm, SHOMEI_ERR_INVALID,
			     "signatures[0].signer", "not an Ed25519 did:key");
	const char *sig_what = "not base64url of a 64-byte signature";
	expect_value_refused(RECORD_KEY_ADD, "signatures.sig", "\"AAAA\"", SHOMEI_ERR_INVALID,
			     "signatures[0].sig", sig_what);
	char sig[100];
	memset(sig, 'A', sizeof sig);
	sig[0] = '"';
	memcpy(sig + 1 + RECORD_SIG_CHARS - 1, "B\"", 3); /* unused low bits set */
	expect_value_refused(RECORD_KEY_ADD, "signatures.sig", sig, SHOMEI_ERR_INVALID,
			     "signatures[0].sig", sig_what);
	memcpy(sig + 1 + RECORD_SIG_CHARS - 1, "=\"", 3);
	expect_value_refused(RECORD_KEY_ADD, "signatures.sig", sig, SHOMEI_ERR_INVALID,
			     "signatures[0].sig", sig_what);

	expect_value_refused(RECORD_KEY_ADD, "v", "2", SHOMEI_ERR_UNSUPPORTED, "v",
			     "not record version 1");
	expect_value_refused(RECORD_KEY_ADD, "type", "\"key-rotate\"", SHOMEI_ERR_INVALID, "type",
			     "not a record type");
	expect_value_refused(RECORD_KEY_ADD, "signatures", "[]", SHOMEI_ERR_INVALID, "signatures",
			     "empty");
}

static void test_limits(void **state)
{
	(void)state;
	/* a full anchor batch with the most signatures fits */
	unsigned char(*many)[RECORD_HASH_BYTES] = malloc((RECORD_MAX_DIGESTS + 1) * 32);
	assert_non_null(many);
	for (unsigned i = 0; i <= RECORD_MAX_DIGESTS; i++)
		record_status_hash((char[]){'a', (char)('a' + i % 26), (char)('a' + i / 26 % 26),
					    (char)('a' + i / 676), 0},
				   many[i]) == 0
		    ? (void)0
		    : fail();
	struct ed25519_key *keys[RECORD_MAX_SIGNATURES + 1];
	for (unsigned i = 0; i <= RECORD_MAX_SIGNATURES; i++) {
		unsigned char seed[32] = {(unsigned char)i, 1};
		keys[i] = ed25519_key_new_from_seed(seed);
		assert_non_null(keys[i]);
	}
	struct record_fields f = {.type = RECORD_ANCHOR,
				  .time = T0,
				  .institution = "A123456789012345678901234567890123456789012345678901"
						 "234567890123",
				  .hashes = (const unsigned char(*)[32])many,
				  .nhashes = RECORD_ANCHOR_BATCH};
	assert_int_equal(strlen(f.institution), RECORD_ID_MAX_CHARS);
	json_t *body = NULL;
	assert_int_equal(record_build(&f, &body, NULL), 0);
	char *out = NULL;
	size_t len = 0;
	struct shomei_diag d;
	if (record_sign(body, (const struct ed25519_key *const *)keys, RECORD_MAX_SIGNATURES, &out,
			&len, &d) != 0)
		fail_msg("full batch: %s: %s", d.where, d.what);
	assert_true(len <= RECORD_MAX_BYTES);
	print_message("# a full anchor batch (%d digests, %d signatures): %zu bytes\n",
		      RECORD_ANCHOR_BATCH, RECORD_MAX_SIGNATURES, len);

	/* a 17th signature */
	char *more = NULL;
	size_t more_len;
	assert_int_equal(record_cosign(out, len, keys[RECORD_MAX_SIGNATURES], &more, &more_len, &d),
			 SHOMEI_ERR_LIMIT);
	assert_null(more);
	json_t *v = NULL;
	assert_int_equal(jsonin_parse(out, len, &v, NULL), 0);
	json_t *sigs = json_object_get(v, "signatures");
	json_array_append(sigs, json_array_get(sigs, 0));
	expect_refused("17 signatures", v, SHOMEI_ERR_LIMIT, "signatures", "more than 16 entries");
	json_decref(v);
	free(out);
	json_decref(body);
	json_t *empty = json_object();
	assert_int_equal(record_sign(empty, (const struct ed25519_key *const *)keys,
				     RECORD_MAX_SIGNATURES + 1, &out, &len, &d),
			 SHOMEI_ERR_USAGE);
	json_decref(empty);

	/* 10,000 digests do not fit 64 KiB; 10,001 are too many to build */
	f.institution = "JP-13-0001";
	f.nhashes = RECORD_MAX_DIGESTS;
	assert_int_equal(record_build(&f, &body, NULL), 0);
	assert_int_equal(record_sign(body, (const struct ed25519_key *const *)keys, 1, &out, &len,
				     &d),
			 SHOMEI_ERR_LIMIT);
	assert_null(out);
	json_decref(body);
	f.nhashes = RECORD_MAX_DIGESTS + 1;
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_LIMIT);
	assert_null(body);
	assert_string_equal(d.where, "digests");

	/* bytes above the ceiling are refused before parsing */
	char *big = malloc(RECORD_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, ' ', RECORD_MAX_BYTES + 1);
	expect_refused_bytes("big", big, RECORD_MAX_BYTES + 1, SHOMEI_ERR_LIMIT, "",
			     "record larger than 65527 bytes");
	free(big);
	for (unsigned i = 0; i <= RECORD_MAX_SIGNATURES; i++)
		ed25519_key_free(keys[i]);
	free(many);
}

static void test_signatures(void **state)
{
	(void)state;
	struct record_fields f = example(RECORD_REVOKE);
	size_t len;
	char *bytes = sign_with(&f, 3, &len);
	struct record *rec = NULL;
	assert_int_equal(record_parse(bytes, len, &rec, NULL), 0);
	assert_int_equal(rec->nsignatures, 3);
	struct shomei_diag d;
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(record_verify_signature(rec, i, &d), 0);
	assert_int_equal(record_verify_signature(rec, 3, &d), SHOMEI_ERR_USAGE);
	rec->signatures[1].sig[5] ^= 1;
	assert_int_equal(record_verify_signature(rec, 1, &d), SHOMEI_ERR_SIGNATURE);
	assert_string_equal(d.where, "signatures[1].sig");
	assert_string_equal(d.what, "signature does not verify");
	/* another key's signature under this signer's name */
	memcpy(rec->signatures[1].sig, rec->signatures[2].sig, ED25519_SIG_BYTES);
	assert_int_equal(record_verify_signature(rec, 1, &d), SHOMEI_ERR_SIGNATURE);
	record_free(rec);

	/* a changed body: the signature no longer verifies, the record still parses */
	char *p = strstr(bytes, "\"fraud\"");
	assert_non_null(p);
	memcpy(p, "\"other\"", 7);
	assert_int_equal(record_parse(bytes, len, &rec, NULL), 0);
	assert_int_equal(record_verify_signature(rec, 0, &d), SHOMEI_ERR_SIGNATURE);
	record_free(rec);
	free(bytes);
}

static void test_sign_errors(void **state)
{
	(void)state;
	struct record_fields f = example(RECORD_ANCHOR);
	json_t *body = NULL;
	assert_int_equal(record_build(&f, &body, NULL), 0);
	char *out = (char *)1;
	size_t len = 1;
	struct shomei_diag d;
	const struct ed25519_key *twice[2] = {k[0], k[0]};
	assert_int_equal(record_sign(body, twice, 2, &out, &len, &d), SHOMEI_ERR_USAGE);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_string_equal(d.what, "the same key signs twice");
	assert_int_equal(record_sign(body, twice, 0, &out, &len, &d), SHOMEI_ERR_USAGE);
	/* a body with signatures, a body that is not a record */
	json_object_set_new(body, "signatures", json_array());
	assert_int_equal(record_sign(body, twice, 1, &out, &len, &d), SHOMEI_ERR_USAGE);
	json_object_del(body, "signatures");
	json_object_set_new(body, "institution", json_string("JP 13"));
	assert_int_equal(record_sign(body, twice, 1, &out, &len, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "institution");
	assert_null(out);
	json_decref(body);
	json_t *arr = json_array();
	assert_int_equal(record_sign(arr, twice, 1, &out, &len, &d), SHOMEI_ERR_USAGE);
	json_decref(arr);

	/* the builder's own checks */
	f.institution = NULL;
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_USAGE);
	assert_null(body);
	assert_string_equal(d.where, "institution");
	f = example(RECORD_INSTITUTION);
	f.name = "\xff";
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "name");
	f = example(RECORD_ANCHOR);
	f.time = INT64_MAX;
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "time");
	f = example(RECORD_REVOKE);
	f.reason = (enum record_reason)RECORD_REASONS;
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_USAGE);
	f.type = (enum record_type)RECORD_TYPES;
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_USAGE);
	f = example(RECORD_GENESIS);
	f.nauthorities = RECORD_MAX_AUTHORITIES + 1;
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_LIMIT);
	f = example(RECORD_ANCHOR);
	f.nhashes = 0;
	assert_int_equal(record_build(&f, &body, &d), SHOMEI_ERR_USAGE);
}

static void test_cosign(void **state)
{
	(void)state;
	struct record_fields f = example(RECORD_MERGE);
	size_t len1, len3;
	char *one = sign_with(&f, 1, &len1);
	char *all = sign_with(&f, 3, &len3);
	/* signed at three places, one after another, in any order */
	char *two = NULL, *three = NULL;
	size_t len2, len3b;
	struct shomei_diag d;
	assert_int_equal(record_cosign(one, len1, k[2], &two, &len2, &d), 0);
	assert_int_equal(record_cosign(two, len2, k[1], &three, &len3b, &d), 0);
	assert_int_equal(len3b, len3);
	assert_memory_equal(three, all, len3);
	char *again = (char *)1;
	size_t alen = 1;
	assert_int_equal(record_cosign(two, len2, k[2], &again, &alen, &d), SHOMEI_ERR_EXISTS);
	assert_null(again);
	assert_int_equal(alen, 0);
	assert_int_equal(record_cosign("{}", 2, k[2], &again, &alen, &d), SHOMEI_ERR_INVALID);
	assert_int_equal(record_cosign(one, len1, NULL, &again, &alen, &d), SHOMEI_ERR_USAGE);
	free(one);
	free(two);
	free(three);
	free(all);
}

static void test_digests(void **state)
{
	(void)state;
	json_t *vc = tu_load_json_vector("shomei/diploma-example.json");
	unsigned char digest[32], again[32], status[32];
	struct shomei_diag d;
	assert_int_equal(record_credential_digest(vc, digest, &d), 0);

	/* independently: libsodium's SHA-256 over the context and JCS without proof */
	json_t *bare = json_deep_copy(vc);
	json_object_del(bare, "proof");
	size_t len;
	char *canon = canonical(bare, &len);
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)RECORD_CREDENTIAL_CONTEXT,
				  strlen(RECORD_CREDENTIAL_CONTEXT));
	crypto_hash_sha256_update(&st, (const unsigned char *)canon, len);
	crypto_hash_sha256_final(&st, again);
	assert_memory_equal(digest, again, 32);
	free(canon);

	/* the proof does not count; the content does */
	assert_int_equal(record_credential_digest(bare, again, &d), 0);
	assert_memory_equal(digest, again, 32);
	json_object_set_new(json_object_get(bare, "credentialSubject"), "name",
			    json_string("山田 次郎"));
	assert_int_equal(record_credential_digest(bare, again, &d), 0);
	assert_memory_not_equal(digest, again, 32);
	json_decref(bare);

	const char *id = json_string_value(json_object_get(vc, "id"));
	assert_int_equal(record_status_hash(id, status), 0);
	unsigned char want[32];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)RECORD_STATUS_CONTEXT,
				  strlen(RECORD_STATUS_CONTEXT));
	crypto_hash_sha256_update(&st, (const unsigned char *)id, strlen(id));
	crypto_hash_sha256_final(&st, want);
	assert_memory_equal(status, want, 32);

	/* the values written in the vectors file */
	json_t *vec = tu_load_json_vector(VECTORS);
	json_t *der = json_object_get(vec, "derivations");
	assert_true(json_array_size(der) > 0);
	size_t i;
	json_t *e;
	json_array_foreach(der, i, e)
	{
		const char *file = json_string_value(json_object_get(e, "credential"));
		assert_non_null(file);
		json_t *cred = tu_load_json_vector(file);
		char hex[RECORD_HEX_CHARS + 1];
		assert_int_equal(record_credential_digest(cred, digest, &d), 0);
		record_hex(digest, hex);
		assert_string_equal(hex, json_string_value(json_object_get(e, "credential_digest")));
		const char *cid = json_string_value(json_object_get(cred, "id"));
		assert_string_equal(cid, json_string_value(json_object_get(e, "status_id")));
		assert_int_equal(record_status_hash(cid, status), 0);
		record_hex(status, hex);
		assert_string_equal(hex, json_string_value(json_object_get(e, "status_hash")));
		json_decref(cred);
	}
	json_decref(vec);

	/* errors */
	memset(status, 0xaa, 32);
	assert_int_equal(record_status_hash("", status), SHOMEI_ERR_USAGE);
	assert_int_equal(record_status_hash(NULL, status), SHOMEI_ERR_USAGE);
	static const unsigned char zero[32];
	assert_memory_equal(status, zero, 32);
	json_t *arr = json_array();
	memset(digest, 0xaa, 32);
	assert_int_equal(record_credential_digest(arr, digest, &d), SHOMEI_ERR_USAGE);
	assert_memory_equal(digest, zero, 32);
	json_decref(arr);
	/* a long id goes through the heap path */
	char longid[300];
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	assert_int_equal(record_status_hash(longid, status), 0);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)RECORD_STATUS_CONTEXT,
				  strlen(RECORD_STATUS_CONTEXT));
	crypto_hash_sha256_update(&st, (const unsigned char *)longid, strlen(longid));
	crypto_hash_sha256_final(&st, want);
	assert_memory_equal(status, want, 32);
	json_decref(vc);
}

static void test_hex_and_names(void **state)
{
	(void)state;
	unsigned char h[32], back[32];
	for (int i = 0; i < 32; i++)
		h[i] = (unsigned char)(i * 9 + 250);
	char hex[RECORD_HEX_CHARS + 1];
	record_hex(h, hex);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(record_hex_decode(hex, back), 0);
	assert_memory_equal(h, back, 32);
	hex[3] = 'A';
	assert_int_equal(record_hex_decode(hex, back), SHOMEI_ERR_INVALID);
	hex[63] = '\0';
	assert_int_equal(record_hex_decode(hex, back), SHOMEI_ERR_INVALID);
	assert_int_equal(record_hex_decode(NULL, back), SHOMEI_ERR_INVALID);
	static const char *const types[] = {"genesis", "institution", "key-add", "key-retire",
					    "key-compromised", "merge", "close", "anchor",
					    "revoke", "reinstate"};
	for (int t = 0; t < RECORD_TYPES; t++)
		assert_string_equal(record_type_name(t), types[t]);
	assert_string_equal(record_type_name(RECORD_TYPES), "unknown");
	assert_string_equal(record_reason_name(RECORD_REASON_ISSUED_IN_ERROR), "issued-in-error");
	assert_string_equal(record_reason_name(RECORD_REASON_OTHER), "other");
	assert_string_equal(record_reason_name(RECORD_REASONS), "unknown");
}

static int error_code(const char *name)
{
	static const struct {
		const char *name;
		int err;
	} codes[] = {{"parse", SHOMEI_ERR_PARSE},
		     {"limit", SHOMEI_ERR_LIMIT},
		     {"invalid", SHOMEI_ERR_INVALID},
		     {"unsupported", SHOMEI_ERR_UNSUPPORTED}};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (name && !strcmp(name, codes[i].name))
			return codes[i].err;
	fail_msg("unknown error name %s", name ? name : "(none)");
	return 0;
}

/* Every record of the vectors: the well-formed parse, re-sign to the same
 * bytes from the listed seeds; the malformed are refused as written. */
static void test_vectors(void **state)
{
	(void)state;
	json_t *vec = tu_load_json_vector(VECTORS);
	json_t *keys = json_object_get(vec, "keys");
	size_t nchecked = 0, nmalformed = 0;

	size_t si;
	json_t *sc;
	json_array_foreach(json_object_get(vec, "scenarios"), si, sc)
	{
		size_t ei;
		json_t *e;
		json_array_foreach(json_object_get(sc, "entries"), ei, e)
		{
			const char *text = json_string_value(json_object_get(e, "record"));
			const char *expect = json_string_value(json_object_get(e, "expect"));
			assert_non_null(text);
			assert_non_null(expect);
			if (!strcmp(expect, "malformed"))
				continue;
			struct record *rec = NULL;
			struct shomei_diag d;
			if (record_parse(text, strlen(text), &rec, &d) != 0)
				fail_msg("%s[%zu]: %s: %s", json_string_value(json_object_get(sc, "name")),
					 ei, d.where, d.what);
			/* re-sign the body with the signers' seeds */
			json_t *body = NULL;
			assert_int_equal(jsonin_parse(text, strlen(text), &body, NULL), 0);
			json_object_del(body, "signatures");
			const struct ed25519_key *signers[RECORD_MAX_SIGNATURES];
			struct ed25519_key *owned[RECORD_MAX_SIGNATURES];
			size_t n = 0, j;
			json_t *name;
			json_array_foreach(json_object_get(e, "signers"), j, name)
			{
				json_t *kv = json_object_get(keys, json_string_value(name));
				assert_non_null(kv);
				owned[n] = key_of_seed_hex(
				    json_string_value(json_object_get(kv, "seed")));
				char kd[DIDKEY_MAX_BYTES];
				assert_int_equal(didkey_from_public(owned[n]->pk, kd), 0);
				assert_string_equal(kd, json_string_value(json_object_get(kv, "did")));
				signers[n] = owned[n];
				n++;
			}
			assert_int_equal(n, rec->nsignatures);
			char *out = NULL;
			size_t len;
			if (record_sign(body, signers, n, &out, &len, &d) != 0)
				fail_msg("re-sign: %s: %s", d.where, d.what);
			assert_int_equal(len, strlen(text));
			assert_memory_equal(out, text, len);
			free(out);
			for (j = 0; j < n; j++)
				ed25519_key_free(owned[j]);
			json_decref(body);
			record_free(rec);
			nchecked++;
		}
	}

	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(vec, "malformed"), i, e)
	{
		const char *text = json_string_value(json_object_get(e, "record"));
		assert_non_null(text);
		char label[128];
		snprintf(label, sizeof label, "malformed[%zu] %s", i,
			 json_string_value(json_object_get(e, "name")));
		expect_refused_bytes(label, text, strlen(text),
				     error_code(json_string_value(json_object_get(e, "error"))),
				     NULL, json_string_value(json_object_get(e, "reason")));
		nmalformed++;
	}
	json_t *more = tu_load_json_vector("shomei/records-malformed.json");
	json_array_foreach(json_object_get(more, "malformed"), i, e)
	{
		const char *text = json_string_value(json_object_get(e, "record"));
		assert_non_null(text);
		char label[128];
		snprintf(label, sizeof label, "records-malformed[%zu] %s", i,
			 json_string_value(json_object_get(e, "name")));
		expect_refused_bytes(label, text, strlen(text),
				     error_code(json_string_value(json_object_get(e, "error"))),
				     json_string_value(json_object_get(e, "where")),
				     json_string_value(json_object_get(e, "reason")));
		nmalformed++;
	}
	json_decref(more);
	assert_true(nchecked >= 20);
	assert_true(nmalformed >= 40);
	print_message("# %zu vector records re-signed, %zu malformed refused\n", nchecked,
		      nmalformed);
	json_decref(vec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_type_round_trips),
	    cmocka_unit_test(test_example_bytes),
	    cmocka_unit_test(test_wrong_member_types),
	    cmocka_unit_test(test_unknown_members),
	    cmocka_unit_test(test_non_canonical),
	    cmocka_unit_test(test_sets_in_order),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_signatures),
	    cmocka_unit_test(test_sign_errors),
	    cmocka_unit_test(test_cosign),
	    cmocka_unit_test(test_digests),
	    cmocka_unit_test(test_hex_and_names),
	    cmocka_unit_test(test_vectors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
