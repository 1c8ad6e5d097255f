/* did:key and Multikeys (common/didkey.h): every valid and invalid entry of
 * vectors/did-key/did-key-ed25519.json (see its README.md), the key pairs of
 * vectors/w3c-eddsa-jcs-2022, verification method ids, and the diagnostics. */
#include "didkey.h"
#include "base58.h"
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

static const unsigned char zero_key[32];

static const char *str_field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("vector without \"%s\"", key);
	return s;
}

/* The public key a seed gives, by way of ed25519.h. */
static void public_of_seed(const unsigned char seed[ED25519_SEED_BYTES],
			   unsigned char pk[ED25519_PUBLIC_BYTES])
{
	struct ed25519_key *k = ed25519_key_new_from_seed(seed);
	assert_non_null(k);
	memcpy(pk, k->pk, ED25519_PUBLIC_BYTES);
	ed25519_key_free(k);
}

/* A secret Multikey decodes to a seed whose public key is pk. */
static void check_secret_multikey(const char *label, const char *mb,
				  const unsigned char pk[ED25519_PUBLIC_BYTES],
				  const char *seed_hex)
{
	unsigned char *seed = sodium_malloc(ED25519_SEED_BYTES);
	assert_non_null(seed);
	struct shomei_diag d;
	if (multikey_decode_secret(mb, seed, &d) != 0)
		fail_msg("%s: secret Multikey %s refused: %s", label, mb, d.what);
	if (seed_hex) {
		unsigned char want[ED25519_SEED_BYTES];
		assert_int_equal(tu_hex_decode(seed_hex, want, sizeof want), 32);
		assert_memory_equal(seed, want, sizeof want);
	}
	unsigned char derived[ED25519_PUBLIC_BYTES];
	public_of_seed(seed, derived);
	if (memcmp(derived, pk, ED25519_PUBLIC_BYTES) != 0)
		fail_msg("%s: public key of the secret Multikey's seed differs", label);
	sodium_free(seed);

	/* Neither form is accepted as the other. */
	unsigned char key[32];
	memset(key, 0xaa, sizeof key);
	assert_int_equal(multikey_decode_public(mb, key, &d), SHOMEI_ERR_INVALID);
	assert_memory_equal(key, zero_key, 32);
	assert_string_equal(d.what, "not an Ed25519 public key (multicodec 0x8026)");
}

/* Everything that can be said about one public key and its Multikey. */
static void check_public(const char *label, const char *mb,
			 const unsigned char pk[ED25519_PUBLIC_BYTES])
{
	struct shomei_diag d;
	unsigned char got[ED25519_PUBLIC_BYTES];

	/* Multikey both ways */
	if (multikey_decode_public(mb, got, &d) != 0)
		fail_msg("%s: Multikey %s refused: %s", label, mb, d.what);
	assert_memory_equal(got, pk, 32);
	char mb_out[MULTIKEY_MAX_BYTES];
	assert_int_equal(multikey_encode_public(pk, mb_out), 0);
	assert_string_equal(mb_out, mb);
	assert_int_equal(strlen(mb_out), MULTIKEY_ED25519_CHARS);
	assert_int_equal(strncmp(mb_out, "z6Mk", 4), 0);

	/* the public Multikey is refused as a secret one */
	unsigned char seed[32];
	memset(seed, 0xaa, sizeof seed);
	assert_int_equal(multikey_decode_secret(mb, seed, &d), SHOMEI_ERR_INVALID);
	assert_memory_equal(seed, zero_key, 32);
	assert_string_equal(d.what, "not an Ed25519 secret key (multicodec 0xed01)");

	/* did:key both ways */
	char did[DIDKEY_MAX_BYTES];
	assert_int_equal(didkey_from_public(pk, did), 0);
	assert_int_equal(strncmp(did, "did:key:", 8), 0);
	assert_string_equal(did + 8, mb);
	memset(got, 0, sizeof got);
	assert_int_equal(didkey_to_public(did, got, &d), 0);
	assert_memory_equal(got, pk, 32);

	/* verification method: "did:key:X#X" and bare "did:key:X" */
	char vm[DIDKEY_VM_MAX_BYTES];
	assert_int_equal(didkey_vm_from_public(pk, vm), 0);
	char want_vm[DIDKEY_VM_MAX_BYTES];
	snprintf(want_vm, sizeof want_vm, "did:key:%s#%s", mb, mb);
	assert_string_equal(vm, want_vm);
	memset(got, 0, sizeof got);
	assert_int_equal(didkey_vm_to_public(vm, got, &d), 0);
	assert_memory_equal(got, pk, 32);
	memset(got, 0, sizeof got);
	assert_int_equal(didkey_vm_to_public(did, got, &d), 0);
	assert_memory_equal(got, pk, 32);
}

static void test_did_key_valid(void **state)
{
	(void)state;
	json_t *root = tu_load_json_vector("did-key/did-key-ed25519.json");
	json_t *valid = json_object_get(root, "valid");
	assert_true(json_is_array(valid));
	assert_int_equal(json_array_size(valid), 10);
	size_t i;
	json_t *v;
	json_array_foreach (valid, i, v) {
		const char *label = str_field(v, "label");
		const char *did = str_field(v, "did");
		const char *vm = str_field(v, "verification_method_id");
		const char *mb = str_field(v, "publicKeyMultibase");
		unsigned char pk[32], raw[34];
		assert_int_equal(tu_hex_decode(str_field(v, "raw_public_key_hex"), pk, sizeof pk),
				 32);
		assert_int_equal(
		    tu_hex_decode(str_field(v, "multicodec_bytes_hex"), raw, sizeof raw), 34);

		struct shomei_diag d;
		unsigned char got[32];
		if (didkey_to_public(did, got, &d) != 0)
			fail_msg("%s: %s refused: %s", label, did, d.what);
		assert_memory_equal(got, pk, 32);
		memset(got, 0, sizeof got);
		if (didkey_vm_to_public(vm, got, &d) != 0)
			fail_msg("%s: %s refused: %s", label, vm, d.what);
		assert_memory_equal(got, pk, 32);
		char out[DIDKEY_VM_MAX_BYTES];
		assert_int_equal(didkey_from_public(pk, out), 0);
		assert_string_equal(out, did);
		assert_int_equal(didkey_vm_from_public(pk, out), 0);
		assert_string_equal(out, vm);
		check_public(label, mb, pk);

		/* the multicodec bytes are what base58btc carries */
		unsigned char bytes[64];
		size_t n;
		assert_int_equal(
		    multibase_base58btc_decode(mb, strlen(mb), bytes, sizeof bytes, &n), 0);
		assert_int_equal(n, 34);
		assert_memory_equal(bytes, raw, 34);
		assert_memory_equal(raw + 2, pk, 32);

		/* the bare base58 key, where published */
		const char *b58 = json_string_value(json_object_get(v, "publicKeyBase58"));
		if (b58) {
			assert_int_equal(base58_decode(b58, strlen(b58), bytes, sizeof bytes, &n),
					 0);
			assert_int_equal(n, 32);
			assert_memory_equal(bytes, pk, 32);
		}

		/* the seed, where published, gives the key */
		const char *seed_hex = json_string_value(json_object_get(v, "secret_seed_hex"));
		if (seed_hex) {
			unsigned char seed[32], derived[32];
			assert_int_equal(tu_hex_decode(seed_hex, seed, sizeof seed), 32);
			public_of_seed(seed, derived);
			assert_memory_equal(derived, pk, 32);
		}
		const char *secret_mb = json_string_value(json_object_get(v, "secretKeyMultibase"));
		if (secret_mb)
			check_secret_multikey(label, secret_mb, pk, seed_hex);

		/* the X25519 key-agreement Multikey is a different multicodec */
		json_t *x = json_object_get(v, "x25519_key_agreement");
		if (x) {
			const char *xmb = str_field(x, "publicKeyMultibase");
			memset(got, 0xaa, sizeof got);
			assert_int_equal(multikey_decode_public(xmb, got, &d), SHOMEI_ERR_INVALID);
			assert_memory_equal(got, zero_key, 32);
			assert_string_equal(d.what,
					    "not an Ed25519 public key (multicodec 0xec01)");
		}
	}
	json_decref(root);
}

/* One refused did:key: every entry point says no, clears the key, explains. */
static void expect_refused_did(const char *input)
{
	struct shomei_diag d;
	unsigned char pk[32];
	memset(pk, 0xaa, sizeof pk);
	int err = didkey_to_public(input, pk, &d);
	if (err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_INVALID)
		fail_msg("didkey_to_public(\"%s\") gave %d", input, err);
	assert_memory_equal(pk, zero_key, 32);
	assert_true(d.what[0] != '\0');
	assert_string_equal(d.where, "");

	memset(pk, 0xaa, sizeof pk);
	err = didkey_vm_to_public(input, pk, &d);
	if (err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_INVALID)
		fail_msg("didkey_vm_to_public(\"%s\") gave %d", input, err);
	assert_memory_equal(pk, zero_key, 32);
	assert_true(d.what[0] != '\0');

	/* and as a verification method with its own fragment */
	const char *id = strncmp(input, "did:key:", 8) == 0 ? input + 8 : input;
	char vm[256];
	snprintf(vm, sizeof vm, "%s#%s", input, id);
	memset(pk, 0xaa, sizeof pk);
	err = didkey_vm_to_public(vm, pk, &d);
	if (err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_INVALID)
		fail_msg("didkey_vm_to_public(\"%s\") gave %d", vm, err);
	assert_memory_equal(pk, zero_key, 32);

	/* and the Multikey alone */
	memset(pk, 0xaa, sizeof pk);
	err = multikey_decode_public(id, pk, &d);
	if (err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_INVALID)
		fail_msg("multikey_decode_public(\"%s\") gave %d", id, err);
	assert_memory_equal(pk, zero_key, 32);

	/* and with no diagnostics wanted */
	assert_true(didkey_to_public(input, pk, NULL) < 0);
	assert_true(didkey_vm_to_public(input, pk, NULL) < 0);
}

static void test_did_key_invalid(void **state)
{
	(void)state;
	json_t *root = tu_load_json_vector("did-key/did-key-ed25519.json");
	json_t *invalid = json_object_get(root, "invalid");
	assert_true(json_is_array(invalid));
	assert_int_equal(json_array_size(invalid), 9);
	size_t i;
	json_t *v;
	json_array_foreach (invalid, i, v) {
		str_field(v, "reason");
		expect_refused_did(str_field(v, "input"));
	}
	json_decref(root);
}

static void test_eddsa_jcs_key_pair(void **state)
{
	(void)state;
	json_t *kp = tu_load_json_vector("w3c-eddsa-jcs-2022/keyPair.json");
	json_t *dec = tu_load_json_vector("w3c-eddsa-jcs-2022/keyPair.decoded.json");
	const char *pub_mb = str_field(kp, "publicKeyMultibase");
	const char *priv_mb = str_field(kp, "privateKeyMultibase");
	assert_string_equal(pub_mb, str_field(dec, "publicKeyMultibase"));
	assert_string_equal(priv_mb, str_field(dec, "privateKeyMultibase"));

	unsigned char pk[32], raw[34];
	assert_int_equal(tu_hex_decode(str_field(dec, "public_key_hex"), pk, sizeof pk), 32);
	assert_int_equal(
	    tu_hex_decode(str_field(dec, "public_multicodec_bytes_hex"), raw, sizeof raw), 34);
	assert_memory_equal(raw + 2, pk, 32);
	check_public("keyPair.json", pub_mb, pk);
	assert_int_equal(
	    tu_hex_decode(str_field(dec, "private_multicodec_bytes_hex"), raw, sizeof raw), 34);
	assert_int_equal(raw[0], 0x80);
	assert_int_equal(raw[1], 0x26);
	check_secret_multikey("keyPair.json", priv_mb, pk, str_field(dec, "secret_seed_hex"));

	struct shomei_diag d;
	unsigned char got[32];
	assert_int_equal(didkey_to_public(str_field(dec, "did"), got, &d), 0);
	assert_memory_equal(got, pk, 32);
	assert_int_equal(didkey_vm_to_public(str_field(dec, "verificationMethod"), got, &d), 0);
	assert_memory_equal(got, pk, 32);
	char out[DIDKEY_VM_MAX_BYTES];
	assert_int_equal(didkey_from_public(pk, out), 0);
	assert_string_equal(out, str_field(dec, "did"));
	assert_int_equal(didkey_vm_from_public(pk, out), 0);
	assert_string_equal(out, str_field(dec, "verificationMethod"));
	json_decref(kp);
	json_decref(dec);
}

static void test_multi_key_pairs(void **state)
{
	(void)state;
	json_t *root = tu_load_json_vector("w3c-eddsa-jcs-2022/multiKeyPairs.json");
	assert_true(json_is_object(root));
	assert_int_equal(json_object_size(root), 4);
	const char *name;
	json_t *kp;
	json_object_foreach (root, name, kp) {
		const char *pub_mb = str_field(kp, "publicKeyMultibase");
		const char *priv_mb = str_field(kp, "privateKeyMultibase");
		unsigned char pk[32];
		struct shomei_diag d;
		if (multikey_decode_public(pub_mb, pk, &d) != 0)
			fail_msg("%s: %s", name, d.what);
		check_public(name, pub_mb, pk);
		check_secret_multikey(name, priv_mb, pk, NULL);
	}
	json_decref(root);
}

static void test_verification_methods(void **state)
{
	(void)state;
	static const char a[] = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
	static const char b[] = "z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
	unsigned char pk_a[32], pk[32];
	struct shomei_diag d;
	assert_int_equal(multikey_decode_public(a, pk_a, &d), 0);

	char vm[256];
	snprintf(vm, sizeof vm, "did:key:%s#%s", a, a);
	assert_int_equal(didkey_vm_to_public(vm, pk, &d), 0);
	assert_memory_equal(pk, pk_a, 32);
	snprintf(vm, sizeof vm, "did:key:%s", a);
	memset(pk, 0, sizeof pk);
	assert_int_equal(didkey_vm_to_public(vm, pk, &d), 0);
	assert_memory_equal(pk, pk_a, 32);

	/* a fragment that is not the key itself: another valid key, a prefix, an
	 * extension, empty, a second '#', and a fragment the did:key form refuses */
	static const char *const frags[] = {b, "z6Mk", "key-1", "", "#"};
	for (size_t i = 0; i < sizeof frags / sizeof frags[0]; i++) {
		snprintf(vm, sizeof vm, "did:key:%s#%s", a, frags[i]);
		memset(pk, 0xaa, sizeof pk);
		diag_clear(&d);
		if (didkey_vm_to_public(vm, pk, &d) != SHOMEI_ERR_INVALID)
			fail_msg("%s accepted", vm);
		assert_memory_equal(pk, zero_key, 32);
		assert_string_equal(d.what, "fragment is not the did:key's own key");
	}
	/* "did:key:" a <id_tail> "#" a <frag_tail>: never the same on both sides */
	static const char *const odd[][2] = {{"", "x"}, {"", "#"}, {"", "#z"}, {"x", ""}};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		snprintf(vm, sizeof vm, "did:key:%s%s#%s%s", a, odd[i][0], a, odd[i][1]);
		memset(pk, 0xaa, sizeof pk);
		if (didkey_vm_to_public(vm, pk, &d) != SHOMEI_ERR_INVALID)
			fail_msg("%s accepted", vm);
		assert_memory_equal(pk, zero_key, 32);
	}
	/* A did:key with a fragment is not a did:key. */
	snprintf(vm, sizeof vm, "did:key:%s#%s", a, a);
	assert_int_equal(didkey_to_public(vm, pk, &d), SHOMEI_ERR_PARSE);
	assert_memory_equal(pk, zero_key, 32);
	/* A fragment only, on an empty did:key. */
	assert_int_equal(didkey_vm_to_public("did:key:#", pk, &d), SHOMEI_ERR_PARSE);
	assert_string_equal(d.what, "not base58btc (multibase 'z')");
}

static void expect_diag(int got, int want_err, const struct shomei_diag *d, const char *want_what)
{
	assert_int_equal(got, want_err);
	if (strcmp(d->what, want_what) != 0)
		fail_msg("what: got '%s', want '%s'", d->what, want_what);
	assert_string_equal(d->where, "");
}

static void test_diagnostics(void **state)
{
	(void)state;
	struct shomei_diag d;
	unsigned char pk[32];

	/* not a did:key at all */
	static const char *const not_did_key[] = {
	    "",
	    "did:key",
	    "did:web:example.com",
	    "DID:KEY:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
	    "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
	    " did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"};
	for (size_t i = 0; i < sizeof not_did_key / sizeof not_did_key[0]; i++) {
		memset(pk, 0xaa, sizeof pk);
		expect_diag(didkey_to_public(not_did_key[i], pk, &d), SHOMEI_ERR_INVALID, &d,
			    "not a did:key");
		assert_memory_equal(pk, zero_key, 32);
		memset(pk, 0xaa, sizeof pk);
		expect_diag(didkey_vm_to_public(not_did_key[i], pk, &d), SHOMEI_ERR_INVALID, &d,
			    "not a did:key");
		assert_memory_equal(pk, zero_key, 32);
	}
	expect_diag(didkey_to_public(NULL, pk, &d), SHOMEI_ERR_INVALID, &d, "not a did:key");
	expect_diag(didkey_vm_to_public(NULL, pk, &d), SHOMEI_ERR_INVALID, &d, "not a did:key");

	/* another multibase prefix, or none */
	static const char *const not_z[] = {
	    "did:key:",
	    "did:key:fed013b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
	    "did:key:u7QE7aie8zrakLWKjqNAqbw1zZTIVdx3iQ6Y6wEihi1naKQ",
	    "did:key:Z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"};
	for (size_t i = 0; i < sizeof not_z / sizeof not_z[0]; i++)
		expect_diag(didkey_to_public(not_z[i], pk, &d), SHOMEI_ERR_PARSE, &d,
			    "not base58btc (multibase 'z')");
	expect_diag(multikey_decode_public("", pk, &d), SHOMEI_ERR_PARSE, &d,
		    "not base58btc (multibase 'z')");
	expect_diag(multikey_decode_public(NULL, pk, &d), SHOMEI_ERR_PARSE, &d,
		    "not base58btc (multibase 'z')");
	expect_diag(multikey_decode_secret(NULL, pk, &d), SHOMEI_ERR_PARSE, &d,
		    "not base58btc (multibase 'z')");
	expect_diag(multikey_decode_secret("f8026", pk, &d), SHOMEI_ERR_PARSE, &d,
		    "not base58btc (multibase 'z')");

	/* 'z' and then not base58 */
	static const char *const not_b58[] = {
	    "did:key:z", "did:key:z6Mk0TBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
	    "did:key:z6MklTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
	    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp ",
	    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp\n"};
	for (size_t i = 0; i < sizeof not_b58 / sizeof not_b58[0]; i++)
		expect_diag(didkey_to_public(not_b58[i], pk, &d), SHOMEI_ERR_PARSE, &d,
			    "not base58btc");
	/* a DID URL (path, query, fragment) is not a DID */
	static const char *const did_urls[] = {
	    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp/path",
	    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp?service=x",
	    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#key-1"};
	for (size_t i = 0; i < sizeof did_urls / sizeof did_urls[0]; i++) {
		memset(pk, 0xaa, sizeof pk);
		expect_diag(didkey_to_public(did_urls[i], pk, &d), SHOMEI_ERR_PARSE, &d,
			    "not base58btc");
		assert_memory_equal(pk, zero_key, 32);
	}
	for (size_t i = 0; i < 2; i++)
		expect_diag(didkey_vm_to_public(did_urls[i], pk, &d), SHOMEI_ERR_PARSE, &d,
			    "not base58btc");

	/* base58 longer than any key: refused by the decoder's ceiling */
	char long_did[8 + 1 + 400 + 1];
	memcpy(long_did, "did:key:z", 9);
	memset(long_did + 9, '2', 400);
	long_did[9 + 400] = '\0';
	expect_diag(didkey_to_public(long_did, pk, &d), SHOMEI_ERR_PARSE, &d, "not base58btc");

	/* the wrong multicodec, including too short for one */
	expect_diag(
	    didkey_to_public("did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW", pk, &d),
	    SHOMEI_ERR_INVALID, &d, "not an Ed25519 public key (multicodec 0xec01)");
	expect_diag(
	    didkey_to_public("did:key:z4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS", pk, &d),
	    SHOMEI_ERR_INVALID, &d, "not an Ed25519 public key (multicodec 0x3b6a)");
	expect_diag(
	    didkey_to_public("did:key:z3u2RDonZ81AFKiw8QCPKcsyg8Yy2MmYQNxfBn51SS2QmMiw", pk, &d),
	    SHOMEI_ERR_INVALID, &d, "not an Ed25519 public key (multicodec 0x8026)");
	expect_diag(didkey_to_public("did:key:z1", pk, &d), SHOMEI_ERR_INVALID, &d,
		    "not an Ed25519 public key (multicodec 0x0000)");
	expect_diag(didkey_to_public("did:key:zz", pk, &d), SHOMEI_ERR_INVALID, &d,
		    "not an Ed25519 public key (multicodec 0x3900)");

	/* one header byte right, the other wrong */
	unsigned char near[34] = {0xed, 0x02, 0x3b, 0x6a};
	char near_mb[MULTIKEY_MAX_BYTES];
	assert_int_equal(multibase_base58btc_encode(near, sizeof near, near_mb, sizeof near_mb), 0);
	expect_diag(multikey_decode_public(near_mb, pk, &d), SHOMEI_ERR_INVALID, &d,
		    "not an Ed25519 public key (multicodec 0xed02)");
	near[0] = 0xec;
	near[1] = 0x01;
	assert_int_equal(multibase_base58btc_encode(near, sizeof near, near_mb, sizeof near_mb), 0);
	expect_diag(multikey_decode_public(near_mb, pk, &d), SHOMEI_ERR_INVALID, &d,
		    "not an Ed25519 public key (multicodec 0xec01)");
	near[0] = 0x80;
	near[1] = 0x27;
	assert_int_equal(multibase_base58btc_encode(near, sizeof near, near_mb, sizeof near_mb), 0);
	expect_diag(multikey_decode_secret(near_mb, pk, &d), SHOMEI_ERR_INVALID, &d,
		    "not an Ed25519 secret key (multicodec 0x8027)");
	near[0] = 0x81;
	near[1] = 0x26;
	assert_int_equal(multibase_base58btc_encode(near, sizeof near, near_mb, sizeof near_mb), 0);
	expect_diag(multikey_decode_secret(near_mb, pk, &d), SHOMEI_ERR_INVALID, &d,
		    "not an Ed25519 secret key (multicodec 0x8126)");

	/* the right multicodec with the wrong length: 31 and 33 key bytes */
	unsigned char short_key[2 + 31] = {0xed, 0x01, 0x3b, 0x6a};
	unsigned char long_key[2 + 33] = {0xed, 0x01, 0x3b, 0x6a};
	char did[DIDKEY_VM_MAX_BYTES] = "did:key:";
	assert_int_equal(
	    multibase_base58btc_encode(short_key, sizeof short_key, did + 8, sizeof did - 8), 0);
	expect_diag(didkey_to_public(did, pk, &d), SHOMEI_ERR_INVALID, &d,
		    "wrong length: 31 key bytes");
	assert_int_equal(
	    multibase_base58btc_encode(long_key, sizeof long_key, did + 8, sizeof did - 8), 0);
	expect_diag(didkey_to_public(did, pk, &d), SHOMEI_ERR_INVALID, &d,
		    "wrong length: 33 key bytes");
	unsigned char header_only[2] = {0xed, 0x01};
	char mb[16];
	assert_int_equal(multibase_base58btc_encode(header_only, 2, mb, sizeof mb), 0);
	expect_diag(multikey_decode_public(mb, pk, &d), SHOMEI_ERR_INVALID, &d,
		    "wrong length: 0 key bytes");
	unsigned char long_secret[2 + 64] = {0x80, 0x26};
	char long_mb[128];
	assert_int_equal(
	    multibase_base58btc_encode(long_secret, sizeof long_secret, long_mb, sizeof long_mb),
	    0);
	unsigned char *seed = sodium_malloc(32);
	assert_non_null(seed);
	expect_diag(multikey_decode_secret(long_mb, seed, &d), SHOMEI_ERR_INVALID, &d,
		    "wrong length: 64 key bytes");
	assert_memory_equal(seed, zero_key, 32);
	sodium_free(seed);

	/* the fragment */
	expect_diag(didkey_vm_to_public("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#"
					"z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
					pk, &d),
		    SHOMEI_ERR_INVALID, &d, "fragment is not the did:key's own key");
}

static void test_random_round_trips(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		unsigned char pk[32];
		randombytes_buf(pk, sizeof pk);
		if (i == 0)
			memset(pk, 0, sizeof pk);
		if (i == 1)
			memset(pk, 0xff, sizeof pk);
		char mb[MULTIKEY_MAX_BYTES];
		assert_int_equal(multikey_encode_public(pk, mb), 0);
		check_public("random", mb, pk);

		/* the same 32 bytes as a seed: a secret Multikey, "z3u2" and also
		 * MULTIKEY_ED25519_CHARS long, that decodes back to them */
		unsigned char raw[34] = {0x80, 0x26};
		memcpy(raw + 2, pk, 32);
		assert_int_equal(multibase_base58btc_encode(raw, sizeof raw, mb, sizeof mb), 0);
		assert_int_equal(strlen(mb), MULTIKEY_ED25519_CHARS);
		assert_int_equal(strncmp(mb, "z3u2", 4), 0);
		unsigned char *seed = sodium_malloc(ED25519_SEED_BYTES);
		assert_non_null(seed);
		struct shomei_diag d;
		assert_int_equal(multikey_decode_secret(mb, seed, &d), 0);
		assert_memory_equal(seed, pk, 32);
		sodium_free(seed);
	}
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_did_key_valid),	 cmocka_unit_test(test_did_key_invalid),
	    cmocka_unit_test(test_eddsa_jcs_key_pair),	 cmocka_unit_test(test_multi_key_pairs),
	    cmocka_unit_test(test_verification_methods), cmocka_unit_test(test_diagnostics),
	    cmocka_unit_test(test_random_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
