/* Ed25519 (common/ed25519.h): every vector of vectors/rfc8032/ed25519.json (see
 * its README.md), tampering, non-canonical S, random keys and the seed. */
#include "ed25519.h"
#include "err.h"
#include "init.h"
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

/* The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian
 * (RFC 8032 §5.1). */
static const unsigned char group_order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

/* S += L on the little-endian S half of a signature. S < L < 2^253, so the sum
 * still fits the 32 bytes: the same scalar mod L, a second encoding. */
static void add_group_order(unsigned char sig[ED25519_SIG_BYTES])
{
	unsigned carry = 0;
	for (int i = 0; i < 32; i++) {
		unsigned v = sig[32 + i] + group_order[i] + carry;
		sig[32 + i] = (unsigned char)v;
		carry = v >> 8;
	}
	assert_int_equal(carry, 0);
}

static const char *str_field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("vector without \"%s\"", key);
	return s;
}

static void test_rfc8032_vectors(void **state)
{
	(void)state;
	json_t *root = tu_load_json_vector("rfc8032/ed25519.json");
	json_t *vectors = json_object_get(root, "vectors");
	assert_true(json_is_array(vectors));
	assert_int_equal(json_array_size(vectors), 5);
	size_t i;
	json_t *v;
	json_array_foreach (vectors, i, v) {
		const char *name = str_field(v, "name");
		unsigned char seed[ED25519_SEED_BYTES], pk[ED25519_PUBLIC_BYTES];
		unsigned char want_sig[ED25519_SIG_BYTES], sig[ED25519_SIG_BYTES];
		assert_int_equal(tu_hex_decode(str_field(v, "secret_key"), seed, sizeof seed), 32);
		assert_int_equal(tu_hex_decode(str_field(v, "public_key"), pk, sizeof pk), 32);
		assert_int_equal(
		    tu_hex_decode(str_field(v, "signature"), want_sig, sizeof want_sig), 64);
		size_t msg_len;
		unsigned char *msg = tu_hex_decode_alloc(str_field(v, "message"), &msg_len);

		/* seed -> public key (§5.1.5) */
		struct ed25519_key *k = ed25519_key_new_from_seed(seed);
		assert_non_null(k);
		if (memcmp(k->pk, pk, sizeof pk) != 0)
			fail_msg("%s: public key derived from the seed differs", name);

		/* deterministic signature (§5.1.6), twice */
		ed25519_sign(sig, msg, msg_len, k);
		if (memcmp(sig, want_sig, sizeof sig) != 0)
			fail_msg("%s: signature differs", name);
		memset(sig, 0, sizeof sig);
		ed25519_sign(sig, msg, msg_len, k);
		assert_memory_equal(sig, want_sig, sizeof sig);

		/* verify (§5.1.7) with the published key, not the key object */
		assert_int_equal(ed25519_verify(want_sig, msg, msg_len, pk), 0);

		/* every bit of a short message, or some bits of a long one, flipped */
		unsigned char *alt = malloc(msg_len + 1);
		assert_non_null(alt);
		size_t step = msg_len > 64 ? 61 : 1;
		for (size_t bit = 0; bit < msg_len * 8; bit += step) {
			memcpy(alt, msg, msg_len);
			alt[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			if (ed25519_verify(want_sig, alt, msg_len, pk) != SHOMEI_ERR_SIGNATURE)
				fail_msg("%s: message with bit %zu flipped accepted", name, bit);
		}
		/* a byte more, a byte less */
		memcpy(alt, msg, msg_len);
		alt[msg_len] = 0;
		assert_int_equal(ed25519_verify(want_sig, alt, msg_len + 1, pk),
				 SHOMEI_ERR_SIGNATURE);
		if (msg_len > 0)
			assert_int_equal(ed25519_verify(want_sig, msg, msg_len - 1, pk),
					 SHOMEI_ERR_SIGNATURE);
		free(alt);

		/* a flipped bit in R, in S, in the key */
		for (size_t bit = 0; bit < 512; bit += 7) {
			memcpy(sig, want_sig, sizeof sig);
			sig[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			if (ed25519_verify(sig, msg, msg_len, pk) != SHOMEI_ERR_SIGNATURE)
				fail_msg("%s: signature with bit %zu flipped accepted", name, bit);
		}
		unsigned char other_pk[ED25519_PUBLIC_BYTES];
		memcpy(other_pk, pk, sizeof pk);
		other_pk[5] ^= 0x20;
		assert_int_equal(ed25519_verify(want_sig, msg, msg_len, other_pk),
				 SHOMEI_ERR_SIGNATURE);

		/* S + L: the same scalar, not canonical, refused (§5.1.7 step 1) */
		memcpy(sig, want_sig, sizeof sig);
		add_group_order(sig);
		if (ed25519_verify(sig, msg, msg_len, pk) != SHOMEI_ERR_SIGNATURE)
			fail_msg("%s: non-canonical S (S + L) accepted", name);

		/* the seed comes back out */
		unsigned char *seed_out = sodium_malloc(ED25519_SEED_BYTES);
		assert_non_null(seed_out);
		ed25519_key_seed(k, seed_out);
		assert_memory_equal(seed_out, seed, sizeof seed);
		sodium_free(seed_out);

		ed25519_key_free(k);
		free(msg);
	}
	json_decref(root);
}

static void test_random_keys(void **state)
{
	(void)state;
	struct ed25519_key *a = ed25519_key_new_random();
	struct ed25519_key *b = ed25519_key_new_random();
	assert_non_null(a);
	assert_non_null(b);
	assert_memory_not_equal(a->pk, b->pk, ED25519_PUBLIC_BYTES);
	assert_memory_not_equal(a->sk, b->sk, ED25519_SECRET_BYTES);
	/* libsodium's form: seed || public key */
	assert_memory_equal(a->sk + ED25519_SEED_BYTES, a->pk, ED25519_PUBLIC_BYTES);

	static const char msg[] = "diploma";
	unsigned char sig_a[ED25519_SIG_BYTES], sig_b[ED25519_SIG_BYTES];
	ed25519_sign(sig_a, msg, sizeof msg - 1, a);
	ed25519_sign(sig_b, msg, sizeof msg - 1, b);
	assert_int_equal(ed25519_verify(sig_a, msg, sizeof msg - 1, a->pk), 0);
	assert_int_equal(ed25519_verify(sig_b, msg, sizeof msg - 1, b->pk), 0);
	assert_int_equal(ed25519_verify(sig_a, msg, sizeof msg - 1, b->pk), SHOMEI_ERR_SIGNATURE);
	assert_int_equal(ed25519_verify(sig_b, msg, sizeof msg - 1, a->pk), SHOMEI_ERR_SIGNATURE);

	/* key -> seed -> key gives the same key pair */
	unsigned char *seed = sodium_malloc(ED25519_SEED_BYTES);
	assert_non_null(seed);
	ed25519_key_seed(a, seed);
	struct ed25519_key *a2 = ed25519_key_new_from_seed(seed);
	assert_non_null(a2);
	assert_memory_equal(a2->pk, a->pk, ED25519_PUBLIC_BYTES);
	assert_memory_equal(a2->sk, a->sk, ED25519_SECRET_BYTES);
	unsigned char sig_a2[ED25519_SIG_BYTES];
	ed25519_sign(sig_a2, msg, sizeof msg - 1, a2);
	assert_memory_equal(sig_a2, sig_a, sizeof sig_a);

	/* many fresh keys, all distinct */
	enum { N = 32 };
	unsigned char pks[N][ED25519_PUBLIC_BYTES];
	for (int i = 0; i < N; i++) {
		struct ed25519_key *k = ed25519_key_new_random();
		assert_non_null(k);
		memcpy(pks[i], k->pk, ED25519_PUBLIC_BYTES);
		ed25519_key_free(k);
		for (int j = 0; j < i; j++)
			assert_memory_not_equal(pks[i], pks[j], ED25519_PUBLIC_BYTES);
	}

	sodium_free(seed);
	ed25519_key_free(a);
	ed25519_key_free(a2);
	ed25519_key_free(b);
	ed25519_key_free(NULL);
}

static void test_refused_keys_and_signatures(void **state)
{
	(void)state;
	static const char msg[] = "x";
	unsigned char sig[ED25519_SIG_BYTES] = {0};
	unsigned char pk[ED25519_PUBLIC_BYTES] = {0};
	/* all-zero signature and key, the identity point as key (small order) */
	assert_int_equal(ed25519_verify(sig, msg, 1, pk), SHOMEI_ERR_SIGNATURE);
	pk[0] = 0x01;
	assert_int_equal(ed25519_verify(sig, msg, 1, pk), SHOMEI_ERR_SIGNATURE);
	/* The identity as key and as R with S = 0 satisfies [S]B = R + [k]A for
	 * every message; only the small-order check refuses it. */
	sig[0] = 0x01;
	assert_int_equal(ed25519_verify(sig, msg, 1, pk), SHOMEI_ERR_SIGNATURE);
	assert_int_equal(ed25519_verify(sig, "", 0, pk), SHOMEI_ERR_SIGNATURE);
	/* A real key with a small-order R (the identity) and S = 0. */
	struct ed25519_key *real = ed25519_key_new_random();
	assert_non_null(real);
	assert_int_equal(ed25519_verify(sig, msg, 1, real->pk), SHOMEI_ERR_SIGNATURE);
	ed25519_key_free(real);
	memset(sig, 0, sizeof sig);
	/* a real signature against the all-ones key (not a point) */
	struct ed25519_key *k = ed25519_key_new_random();
	assert_non_null(k);
	ed25519_sign(sig, msg, 1, k);
	memset(pk, 0xff, sizeof pk);
	assert_int_equal(ed25519_verify(sig, msg, 1, pk), SHOMEI_ERR_SIGNATURE);
	/* S = L exactly */
	memcpy(sig + 32, group_order, 32);
	assert_int_equal(ed25519_verify(sig, msg, 1, k->pk), SHOMEI_ERR_SIGNATURE);
	ed25519_key_free(k);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8032_vectors),
	    cmocka_unit_test(test_random_keys),
	    cmocka_unit_test(test_refused_keys_and_signatures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
