/* Data Integrity eddsa-jcs-2022: byte-exact with the W3C vc-di-eddsa vector
 * (vectors/w3c-eddsa-jcs-2022, Appendix B.3), and every refusal of §3.3.2. */
#include "dataint.h"
#include "base58.h"
#include "init.h"
#include "jcs.h"
#include "jsonin.h"
#include "record.h"
#include "internal/buf.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#define V "w3c-eddsa-jcs-2022/"

static json_t *load(const char *rel)
{
	size_t len;
	char *text = tu_read_vector(rel, &len);
	json_t *j = NULL;
	struct shomei_diag d;
	if (jsonin_parse(text, len, &j, &d) != 0)
		fail_msg("%s: %s: %s", rel, d.where, d.what);
	free(text);
	return j;
}

static struct ed25519_key *vector_key(void)
{
	json_t *kp = tu_load_json_vector(V "keyPair.decoded.json");
	unsigned char seed[ED25519_SEED_BYTES];
	assert_int_equal(tu_hex_decode(json_string_value(json_object_get(kp, "secret_seed_hex")),
				       seed, sizeof seed),
			 sizeof seed);
	json_decref(kp);
	struct ed25519_key *k = ed25519_key_new_from_seed(seed);
	assert_non_null(k);
	sodium_memzero(seed, sizeof seed);
	return k;
}

static void hex_of(const unsigned char *b, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, b, n);
}

static void test_canonical_forms_and_hashes(void **state)
{
	(void)state;
	json_t *doc = load(V "unsigned.json");
	json_t *config = load(V "proofConfigJCS.json");
	char *canon = NULL, *pcanon = NULL;
	size_t len, plen;
	assert_int_equal(jcs_serialize(doc, &canon, &len, NULL), 0);
	assert_int_equal(jcs_serialize(config, &pcanon, &plen, NULL), 0);
	size_t elen, eplen;
	char *want = tu_read_vector(V "canonDocJCS.txt", &elen);
	char *pwant = tu_read_vector(V "proofCanonJCS.txt", &eplen);
	assert_int_equal(len, elen);
	assert_memory_equal(canon, want, len);
	assert_int_equal(plen, eplen);
	assert_memory_equal(pcanon, pwant, plen);

	unsigned char hash_data[DATAINT_HASH_DATA_BYTES];
	assert_int_equal(dataint_hash_data(doc, config, hash_data, NULL), 0);
	char hex[2 * DATAINT_HASH_DATA_BYTES + 1];
	char *want_proof_hash = tu_read_vector(V "proofHashJCS.txt", NULL);
	char *want_doc_hash = tu_read_vector(V "docHashJCS.txt", NULL);
	char *want_combined = tu_read_vector(V "combinedHashJCS.txt", NULL);
	hex_of(hash_data, DATAINT_HASH_BYTES, hex);
	assert_string_equal(hex, want_proof_hash);
	hex_of(hash_data + DATAINT_HASH_BYTES, DATAINT_HASH_BYTES, hex);
	assert_string_equal(hex, want_doc_hash);
	hex_of(hash_data, DATAINT_HASH_DATA_BYTES, hex);
	assert_string_equal(hex, want_combined);

	/* The signature over hashData, and its multibase form. */
	struct ed25519_key *k = vector_key();
	unsigned char sig[ED25519_SIG_BYTES];
	ed25519_sign(sig, hash_data, sizeof hash_data, k);
	char sighex[2 * ED25519_SIG_BYTES + 1];
	hex_of(sig, sizeof sig, sighex);
	char *want_sig = tu_read_vector(V "sigHexJCS.txt", NULL);
	assert_string_equal(sighex, want_sig);
	char mb[128];
	assert_int_equal(multibase_base58btc_encode(sig, sizeof sig, mb, sizeof mb), 0);
	char *want_mb = tu_read_vector(V "sigBTC58JCS.txt", NULL);
	assert_string_equal(mb, want_mb);

	ed25519_key_free(k);
	free(canon);
	free(pcanon);
	free(want);
	free(pwant);
	free(want_proof_hash);
	free(want_doc_hash);
	free(want_combined);
	free(want_sig);
	free(want_mb);
	json_decref(doc);
	json_decref(config);
}

static void test_sign_gives_the_signed_vector(void **state)
{
	(void)state;
	json_t *doc = load(V "unsigned.json");
	json_t *want = load(V "signedJCS.json");
	json_t *kp = tu_load_json_vector(V "keyPair.decoded.json");
	struct ed25519_key *k = vector_key();
	struct dataint_proof_options o = {
	    .verification_method = json_string_value(json_object_get(kp, "verificationMethod")),
	    .created = "2023-02-24T23:36:38Z",
	};
	struct shomei_diag d;
	assert_int_equal(dataint_sign(doc, k, &o, &d), 0);
	assert_true(json_equal(doc, want));
	/* Signing twice is refused: the document already has a proof. */
	assert_int_equal(dataint_sign(doc, k, &o, &d), SHOMEI_ERR_USAGE);
	/* A verification method that is not the signing key is refused. */
	json_t *doc2 = load(V "unsigned.json");
	struct dataint_proof_options other = {
	    .verification_method = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#"
				   "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
	};
	assert_int_equal(dataint_sign(doc2, k, &other, &d), SHOMEI_ERR_USAGE);
	assert_null(json_object_get(doc2, "proof"));
	ed25519_key_free(k);
	json_decref(doc);
	json_decref(doc2);
	json_decref(want);
	json_decref(kp);
}

static void test_verify_vector(void **state)
{
	(void)state;
	json_t *doc = load(V "signedJCS.json");
	json_t *kp = tu_load_json_vector(V "keyPair.decoded.json");
	struct dataint_verified out;
	struct shomei_diag d;
	assert_int_equal(dataint_verify(doc, NULL, &out, &d), 0);
	unsigned char pk[32];
	tu_hex_decode(json_string_value(json_object_get(kp, "public_key_hex")), pk, sizeof pk);
	assert_memory_equal(out.public_key, pk, sizeof pk);
	assert_string_equal(out.verification_method,
			    json_string_value(json_object_get(kp, "verificationMethod")));
	assert_true(out.has_created);
	assert_int_equal(out.created, 1677281798);
	json_decref(doc);
	json_decref(kp);
}

/* dataint_verify_digest's digest is SHA-256(prefix || JCS(document without
 * proof)), whether the proof's @context is the document's (one canonical form
 * for both hashes) or only a prefix of it (the signed form differs). */
static void expect_digest(const json_t *doc, const char *prefix)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_puts(&b, prefix), 0);
	assert_int_equal(jcs_append_without(doc, "proof", &b, NULL, NULL), 0);
	unsigned char want[32], got[32];
	crypto_hash_sha256(want, (const unsigned char *)b.data, b.len);
	buf_release(&b);
	struct dataint_verified out;
	struct shomei_diag d;
	if (dataint_verify_digest(doc, NULL, prefix, got, &out, &d) != 0)
		fail_msg("%s: %s", d.where, d.what);
	assert_memory_equal(got, want, 32);
	assert_true(out.has_created);
	if (!strcmp(prefix, RECORD_CREDENTIAL_CONTEXT)) {
		assert_int_equal(record_credential_digest(doc, want, NULL), 0);
		assert_memory_equal(got, want, 32);
	}
}

static void test_verify_digest(void **state)
{
	(void)state;
	json_t *doc = load(V "signedJCS.json");
	expect_digest(doc, RECORD_CREDENTIAL_CONTEXT);
	expect_digest(doc, "");
	/* a longer @context than the proof's: still verifies (§3.3.2), and the
	 * digest is of the document as it is */
	json_t *ctx = json_deep_copy(json_object_get(doc, "@context"));
	assert_non_null(json_object_get(json_object_get(doc, "proof"), "@context"));
	json_array_append_new(ctx, json_string("https://example.org/extra/v1"));
	json_object_set_new(doc, "@context", ctx);
	expect_digest(doc, RECORD_CREDENTIAL_CONTEXT);
	/* refused: the digest is cleared */
	json_object_set_new(doc, "validFrom", json_string("2001-01-01T00:00:00Z"));
	unsigned char got[32], zero[32] = {0};
	struct dataint_verified out;
	assert_int_equal(dataint_verify_digest(doc, NULL, "x", got, &out, NULL),
			 SHOMEI_ERR_SIGNATURE);
	assert_memory_equal(got, zero, 32);
	json_decref(doc);
}

/* Replaces member `key` of the proof (or of the document when in_proof is 0) and
 * expects verification to fail with `err` and the diag's where. */
static void expect_refusal(const char *key, json_t *value, int in_proof, int err, const char *where)
{
	json_t *doc = load(V "signedJCS.json");
	json_t *target = in_proof ? json_object_get(doc, "proof") : doc;
	if (value)
		json_object_set_new(target, key, value);
	else
		json_object_del(target, key);
	struct dataint_verified out;
	struct shomei_diag d;
	diag_clear(&d);
	int got = dataint_verify(doc, NULL, &out, &d);
	if (got != err)
		fail_msg("%s: got %d (%s: %s), wanted %d", key, got, d.where, d.what, err);
	if (where)
		assert_string_equal(d.where, where);
	/* Outputs are cleared on failure. */
	unsigned char zero[32] = {0};
	assert_memory_equal(out.public_key, zero, 32);
	json_decref(doc);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refusal("proof", NULL, 0, SHOMEI_ERR_INVALID, "proof");
	expect_refusal("proofValue", NULL, 1, SHOMEI_ERR_INVALID, "proof.proofValue");
	expect_refusal("proofValue", json_string("z0OIl"), 1, SHOMEI_ERR_INVALID,
		       "proof.proofValue");
	expect_refusal("proofValue", json_string("u2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwM"), 1,
		       SHOMEI_ERR_INVALID, "proof.proofValue");
	expect_refusal("proofValue", json_string("z2HnFSSPPBzR36zdDgK8Pb"), 1, SHOMEI_ERR_INVALID,
		       "proof.proofValue");
	expect_refusal("proofValue", json_integer(1), 1, SHOMEI_ERR_INVALID, "proof.proofValue");
	expect_refusal("type", json_string("Ed25519Signature2020"), 1, SHOMEI_ERR_INVALID,
		       "proof.type");
	expect_refusal("cryptosuite", json_string("eddsa-rdfc-2022"), 1, SHOMEI_ERR_UNSUPPORTED,
		       "proof.cryptosuite");
	expect_refusal("proofPurpose", json_string("authentication"), 1, SHOMEI_ERR_INVALID,
		       "proof.proofPurpose");
	expect_refusal("verificationMethod", json_string("https://example.com/key#1"), 1,
		       SHOMEI_ERR_UNSUPPORTED, "proof.verificationMethod");
	expect_refusal("verificationMethod",
		       json_string("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#"
				   "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
		       1, SHOMEI_ERR_SIGNATURE, "proof.proofValue");
	expect_refusal("verificationMethod", json_string("did:key:z6MkNOT"), 1, SHOMEI_ERR_INVALID,
		       NULL);
	expect_refusal("created", json_string("2023-02-24"), 1, SHOMEI_ERR_INVALID,
		       "proof.created");
	expect_refusal("created", json_string("2023-02-24T23:36:39Z"), 1, SHOMEI_ERR_SIGNATURE,
		       "proof.proofValue");
	/* §3.3.2: the proof's @context must be a prefix of the document's. */
	expect_refusal("@context",
		       json_pack("[sss]", "https://www.w3.org/ns/credentials/v2",
				 "https://www.w3.org/ns/credentials/examples/v2",
				 "https://example.org/extra"),
		       1, SHOMEI_ERR_INVALID, "proof.@context");
	expect_refusal("@context", json_pack("[s]", "https://example.org/other"), 1,
		       SHOMEI_ERR_INVALID, "proof.@context");
	/* Any change to the document. */
	expect_refusal("name", json_string("Alumni Credential!"), 0, SHOMEI_ERR_SIGNATURE,
		       "proof.proofValue");
	expect_refusal("extra", json_true(), 0, SHOMEI_ERR_SIGNATURE, NULL);
	expect_refusal("validFrom", NULL, 0, SHOMEI_ERR_SIGNATURE, NULL);
	/* Proof sets are not silently half-checked. */
	json_t *doc = load(V "signedJCS.json");
	json_t *proof = json_object_get(doc, "proof");
	json_object_set_new(doc, "proof", json_pack("[OO]", proof, proof));
	struct dataint_verified out;
	assert_int_equal(dataint_verify(doc, NULL, &out, NULL), SHOMEI_ERR_UNSUPPORTED);
	json_decref(doc);
	/* A one-element proof array is the same proof. */
	doc = load(V "signedJCS.json");
	proof = json_object_get(doc, "proof");
	json_object_set_new(doc, "proof", json_pack("[O]", proof));
	assert_int_equal(dataint_verify(doc, NULL, &out, NULL), 0);
	json_decref(doc);
}

static void test_every_byte_of_the_signature_matters(void **state)
{
	(void)state;
	json_t *doc = load(V "signedJCS.json");
	json_t *proof = json_object_get(doc, "proof");
	unsigned char sig[64];
	size_t n;
	const char *pv = json_string_value(json_object_get(proof, "proofValue"));
	assert_int_equal(multibase_base58btc_decode(pv, strlen(pv), sig, sizeof sig, &n), 0);
	for (size_t i = 0; i < sizeof sig; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			sig[i] ^= (unsigned char)(1u << bit);
			char mb[128];
			assert_int_equal(multibase_base58btc_encode(sig, sizeof sig, mb, sizeof mb),
					 0);
			json_object_set_new(proof, "proofValue", json_string(mb));
			struct dataint_verified out;
			assert_int_equal(dataint_verify(doc, NULL, &out, NULL),
					 SHOMEI_ERR_SIGNATURE);
			sig[i] ^= (unsigned char)(1u << bit);
		}
	}
	json_decref(doc);
}

/* The batch signer gives the same signed document as dataint_sign, as the
 * canonical text of it, for documents where "proof" sorts first, in the middle
 * and last. */
static void test_signer_matches_sign(void **state)
{
	(void)state;
	json_t *kp = tu_load_json_vector(V "keyPair.decoded.json");
	struct ed25519_key *k = vector_key();
	struct dataint_proof_options o = {
	    .verification_method = json_string_value(json_object_get(kp, "verificationMethod")),
	    .created = "2023-02-24T23:36:38Z",
	};
	json_t *doc = load(V "unsigned.json");
	struct dataint_signer signer;
	assert_int_equal(
	    dataint_signer_init(&signer, k, &o, json_object_get(doc, "@context"), NULL), 0);
	static const char *const extra[] = {NULL, "a", "zzz", "proofa", "proo"};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
		json_t *d1 = json_deep_copy(doc);
		if (extra[i])
			json_object_set_new(d1, extra[i], json_true());
		char *text = NULL;
		size_t len = 0;
		assert_int_equal(dataint_signer_sign(&signer, d1, &text, &len, NULL), 0);
		assert_null(json_object_get(d1, "proof")); /* not modified */
		json_t *d2 = json_deep_copy(d1);
		assert_int_equal(dataint_sign(d2, k, &o, NULL), 0);
		char *want = NULL;
		size_t want_len = 0;
		assert_int_equal(jcs_serialize(d2, &want, &want_len, NULL), 0);
		if (len != want_len || memcmp(text, want, len) != 0)
			fail_msg("extra %s:\n got %s\nwant %s", extra[i] ? extra[i] : "-", text,
				 want);
		json_t *parsed = NULL;
		assert_int_equal(jsonin_parse(text, len, &parsed, NULL), 0);
		struct dataint_verified v;
		assert_int_equal(dataint_verify(parsed, NULL, &v, NULL), 0);
		/* the digest variant: same text, and SHA-256(prefix || JCS(doc)) */
		char *text2 = NULL;
		size_t len2 = 0;
		unsigned char digest[32], expect[32];
		assert_int_equal(dataint_signer_sign_digest(&signer, d1, "prefix\n", digest, &text2,
							    &len2, NULL),
				 0);
		assert_int_equal(len2, len);
		char *canon = NULL;
		size_t clen = 0;
		assert_int_equal(jcs_serialize(d1, &canon, &clen, NULL), 0);
		char *joined = malloc(clen + 7);
		memcpy(joined, "prefix\n", 7);
		memcpy(joined + 7, canon, clen);
		crypto_hash_sha256(expect, (const unsigned char *)joined, clen + 7);
		assert_memory_equal(digest, expect, 32);
		free(joined);
		free(canon);
		free(text2);
		json_decref(parsed);
		free(text);
		free(want);
		json_decref(d1);
		json_decref(d2);
	}
	/* An object whose only member would follow "proof". */
	json_t *other = json_pack("{s:O}", "@context", json_object_get(doc, "@context"));
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(dataint_signer_sign(&signer, other, &text, &len, NULL), 0);
	assert_int_equal(strncmp(text, "{\"@context\":", 12), 0);
	json_t *parsed = NULL;
	assert_int_equal(jsonin_parse(text, len, &parsed, NULL), 0);
	struct dataint_verified v;
	assert_int_equal(dataint_verify(parsed, NULL, &v, NULL), 0);
	json_decref(parsed);
	free(text);
	json_decref(other);
	/* Another @context, or a document with a proof, is refused. */
	json_t *ctx2 = json_pack("{s:[s]}", "@context", "https://www.w3.org/ns/credentials/v2");
	assert_int_equal(dataint_signer_sign(&signer, ctx2, &text, &len, NULL), SHOMEI_ERR_USAGE);
	assert_null(text);
	json_decref(ctx2);
	json_t *signed_doc = load(V "signedJCS.json");
	assert_int_equal(dataint_signer_sign(&signer, signed_doc, &text, &len, NULL),
			 SHOMEI_ERR_USAGE);
	json_decref(signed_doc);
	dataint_signer_release(&signer);
	ed25519_key_free(k);
	json_decref(doc);
	json_decref(kp);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_canonical_forms_and_hashes),
	    cmocka_unit_test(test_sign_gives_the_signed_vector),
	    cmocka_unit_test(test_verify_vector),
	    cmocka_unit_test(test_verify_digest),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_every_byte_of_the_signature_matters),
	    cmocka_unit_test(test_signer_matches_sign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
