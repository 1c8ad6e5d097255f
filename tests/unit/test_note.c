/* C2SP signed notes, checkpoints and cosignatures (common/note.h): every case
 * of vectors/tlog/signed-notes.json, checkpoints.json and
 * cosignature-witness.json with its expected verdict, signing round trips,
 * the parser's refusals, and the worked example of docs/tlog.md (whose
 * numbers were also computed independently, with Python's hashlib and the
 * cryptography package). */
#include "note.h"
#include "err.h"
#include "init.h"
#include "merkle.h"
#include "testutil.h"
#include "tiles.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#define B64	sodium_base64_VARIANT_ORIGINAL
#define H	MERKLE_HASH_BYTES
#define MAXKEYS 8

static const char *str_field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("vector without \"%s\"", key);
	return s;
}

static size_t b64_decode(const char *s, unsigned char *out, size_t cap)
{
	size_t n = 0;
	if (sodium_base642bin(out, cap, s, strlen(s), NULL, &n, NULL, B64) != 0)
		fail_msg("bad base64 in vector: %.60s", s);
	return n;
}

static void parse_vkey(const char *vkey, struct note_verifier *v)
{
	struct shomei_diag d;
	if (note_vkey_parse(vkey, strlen(vkey), v, &d) != 0)
		fail_msg("vkey %.80s refused: %s", vkey, d.what);
}

/* Parses a JSON array of vkeys into keys; returns the count. */
static size_t load_keys(json_t *arr, struct note_verifier *keys)
{
	size_t n = json_array_size(arr);
	assert_true(n <= MAXKEYS);
	for (size_t i = 0; i < n; i++)
		parse_vkey(json_string_value(json_array_get(arr, i)), &keys[i]);
	return n;
}

/* "PRIVATE+KEY+<name>+<id>+base64(0x01 || seed)", Go's note signer key. */
static void go_skey_seed(const char *skey, char *name, size_t name_cap,
			 unsigned char seed[NOTE_SEED_BYTES])
{
	const char *prefix = "PRIVATE+KEY+";
	assert_memory_equal(skey, prefix, strlen(prefix));
	const char *p = skey + strlen(prefix), *plus = strchr(p, '+');
	assert_non_null(plus);
	assert_true((size_t)(plus - p) < name_cap);
	memcpy(name, p, (size_t)(plus - p));
	name[plus - p] = '\0';
	unsigned char raw[64];
	assert_int_equal(b64_decode(plus + 1 + 8 + 1, raw, sizeof raw), 1 + NOTE_SEED_BYTES);
	assert_int_equal(raw[0], 0x01);
	memcpy(seed, raw + 1, NOTE_SEED_BYTES);
}

/* The 64-byte libsodium secret key of a seed, in secure memory. */
static unsigned char *secret_of_seed(const unsigned char seed[NOTE_SEED_BYTES])
{
	unsigned char pk[NOTE_PUBLIC_BYTES];
	unsigned char *sk = sodium_malloc(NOTE_SECRET_BYTES);
	assert_non_null(sk);
	crypto_sign_seed_keypair(pk, sk, seed);
	return sk;
}

static int verified_name(const struct note *n, const struct note_verifier *keys, const char *name)
{
	for (size_t i = 0; i < n->nsigs; i++)
		if (n->sigs[i].key >= 0 && strcmp(keys[n->sigs[i].key].name, name) == 0)
			return 1;
	return 0;
}

static size_t count_verified(const struct note *n)
{
	size_t c = 0;
	for (size_t i = 0; i < n->nsigs; i++)
		c += n->sigs[i].key >= 0;
	return c;
}

/* serialize(parse(msg)) == msg */
static void check_round_trip(const struct note *n, const char *msg, size_t len)
{
	struct buf b;
	buf_init(&b, NOTE_MAX_BYTES);
	assert_int_equal(note_serialize(n, &b), 0);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, msg, len);
	buf_release(&b);
}

/* ---- signed-notes.json ---- */

static void test_vkeys(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/signed-notes.json");
	json_t *good = json_object_get(v, "verifier_keys");
	assert_true(json_array_size(good) >= 4);
	for (size_t i = 0; i < json_array_size(good); i++) {
		json_t *c = json_array_get(good, i);
		const char *vkey = str_field(c, "vkey");
		struct note_verifier k;
		parse_vkey(vkey, &k);
		assert_string_equal(k.name, str_field(c, "name"));
		char id[9];
		snprintf(id, sizeof id, "%08" PRIx32, k.key_id);
		assert_string_equal(id, str_field(c, "key_id_hex"));
		assert_int_equal(k.type, json_integer_value(json_object_get(c, "type")));
		json_t *pk = json_object_get(c, "pubkey_hex");
		if (pk) {
			unsigned char want[NOTE_PUBLIC_BYTES];
			assert_int_equal(tu_hex_decode(json_string_value(pk), want, sizeof want),
					 NOTE_PUBLIC_BYTES);
			assert_memory_equal(k.public_key, want, NOTE_PUBLIC_BYTES);
		}
		char again[NOTE_VKEY_BYTES];
		note_vkey_format(&k, again);
		assert_string_equal(again, vkey);
		/* note_verifier_init computes the same id. */
		struct note_verifier k2;
		assert_int_equal(note_verifier_init(&k2, k.name, k.type, k.public_key), 0);
		assert_memory_equal(&k2, &k, sizeof k);
	}

	json_t *bad = json_object_get(v, "bad_verifier_keys");
	assert_true(json_array_size(bad) >= 4);
	for (size_t i = 0; i < json_array_size(bad); i++) {
		json_t *c = json_array_get(bad, i);
		const char *vkey = str_field(c, "vkey"), *why = str_field(c, "why");
		struct note_verifier k;
		struct shomei_diag d;
		memset(&k, 0xAA, sizeof k);
		int err = note_vkey_parse(vkey, strlen(vkey), &k, &d);
		int want = strstr(why, "unknown signature type") ? SHOMEI_ERR_UNSUPPORTED
			   : strstr(why, "does not match")	 ? SHOMEI_ERR_INVALID
								 : SHOMEI_ERR_PARSE;
		if (err != want)
			fail_msg("%s (%s): got %d (%s), want %d", vkey, why, err, d.what, want);
		static const struct note_verifier zero;
		assert_memory_equal(&k, &zero, sizeof k); /* cleared */
	}

	/* Go accepts an uppercase key id; shomei does not (C2SP writes lowercase). */
	json_t *lenient = json_object_get(v, "lenient_verifier_keys");
	assert_true(json_array_size(lenient) >= 1);
	for (size_t i = 0; i < json_array_size(lenient); i++) {
		const char *vkey = str_field(json_array_get(lenient, i), "vkey");
		struct note_verifier k;
		assert_int_equal(note_vkey_parse(vkey, strlen(vkey), &k, NULL), SHOMEI_ERR_PARSE);
	}

	/* Go's signing key gives PeterNeumann's vkey. */
	json_t *sk = json_object_get(v, "signing_keys");
	assert_int_equal(json_array_size(sk), 1);
	char name[64];
	unsigned char seed[NOTE_SEED_BYTES], pk[NOTE_PUBLIC_BYTES], skb[NOTE_SECRET_BYTES];
	go_skey_seed(str_field(json_array_get(sk, 0), "skey"), name, sizeof name, seed);
	crypto_sign_seed_keypair(pk, skb, seed);
	struct note_verifier peter;
	assert_int_equal(note_verifier_init(&peter, name, NOTE_SIG_ED25519, pk), 0);
	char vkey[NOTE_VKEY_BYTES];
	note_vkey_format(&peter, vkey);
	assert_string_equal(vkey,
			    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	sodium_memzero(skb, sizeof skb);
	sodium_memzero(seed, sizeof seed);
	json_decref(v);
}

static void test_signed_notes(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/signed-notes.json");
	json_t *notes = json_object_get(v, "notes");
	assert_true(json_array_size(notes) >= 16);
	size_t valid = 0, signed_again = 0;
	for (size_t i = 0; i < json_array_size(notes); i++) {
		json_t *c = json_array_get(notes, i);
		const char *desc = str_field(c, "desc"), *msg = str_field(c, "note");
		size_t len = strlen(msg);
		struct note_verifier keys[MAXKEYS];
		size_t nkeys = load_keys(json_object_get(c, "verifiers"), keys);
		int want_valid = strcmp(str_field(c, "expect"), "valid") == 0;
		struct note n;
		struct shomei_diag d;
		int err = note_open(msg, len, keys, nkeys, &n, &d);
		if (want_valid != (err == 0))
			fail_msg("%s: got %d (%s: %s)", desc, err, d.where, d.what);
		/* Every note here is well formed: refusals are about keys. */
		struct note parsed;
		assert_int_equal(note_parse(msg, len, &parsed, NULL), 0);
		check_round_trip(&parsed, msg, len);
		if (!want_valid) {
			assert_true(err == SHOMEI_ERR_SIGNATURE || err == SHOMEI_ERR_NOTFOUND);
			assert_int_equal(n.nsigs, 0); /* cleared */
			continue;
		}
		valid++;
		check_round_trip(&n, msg, len);
		json_t *signers = json_object_get(c, "verified_signers");
		assert_int_equal(count_verified(&n), json_array_size(signers));
		for (size_t s = 0; s < json_array_size(signers); s++)
			assert_true(
			    verified_name(&n, keys, json_string_value(json_array_get(signers, s))));

		json_t *tb = json_object_get(c, "text_b64");
		if (tb) {
			unsigned char text[256];
			size_t tl = b64_decode(json_string_value(tb), text, sizeof text);
			assert_int_equal(n.text_len, tl);
			assert_memory_equal(n.text, text, tl);
		}
		/* Ed25519 is deterministic: re-signing gives the very note, from
		 * the seed and from libsodium's secret key alike. */
		json_t *skey = json_object_get(c, "sign_with_skey");
		if (skey) {
			char name[64];
			unsigned char seed[NOTE_SEED_BYTES];
			go_skey_seed(json_string_value(skey), name, sizeof name, seed);
			unsigned char *sk = secret_of_seed(seed);
			struct buf b;
			buf_init(&b, NOTE_MAX_BYTES);
			assert_int_equal(
			    note_sign(n.text, n.text_len, name, seed, sizeof seed, &b, &d), 0);
			assert_string_equal(b.data, msg);
			buf_release(&b);
			assert_int_equal(
			    note_sign(n.text, n.text_len, name, sk, NOTE_SECRET_BYTES, &b, &d), 0);
			assert_string_equal(b.data, msg);
			buf_release(&b);
			sodium_free(sk);
			sodium_memzero(seed, sizeof seed);
			signed_again++;
		}
	}
	assert_int_equal(valid, 12);
	assert_int_equal(signed_again, 1);

	/* Malformed, whatever the keys. */
	struct note_verifier all[MAXKEYS];
	size_t nall = 0;
	json_t *good = json_object_get(v, "verifier_keys");
	for (size_t i = 0; i < json_array_size(good); i++)
		parse_vkey(str_field(json_array_get(good, i), "vkey"), &all[nall++]);
	json_t *bad = json_object_get(v, "malformed_notes_hex");
	assert_int_equal(json_array_size(bad), 9);
	for (size_t i = 0; i < json_array_size(bad); i++) {
		json_t *c = json_array_get(bad, i);
		size_t len;
		unsigned char *msg = tu_hex_decode_alloc(str_field(c, "hex"), &len);
		struct note n;
		struct shomei_diag d;
		int err = note_parse((const char *)msg, len, &n, &d);
		if (err != SHOMEI_ERR_PARSE)
			fail_msg("%s: parse gave %d", str_field(c, "desc"), err);
		assert_int_equal(note_open((const char *)msg, len, all, nall, &n, &d),
				 SHOMEI_ERR_PARSE);
		assert_int_equal(n.nsigs, 0);
		free(msg);
	}
	json_decref(v);
}

/* ---- checkpoints.json ---- */

static void test_real_checkpoints(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/checkpoints.json");
	json_t *real = json_object_get(v, "real_checkpoints");
	assert_int_equal(json_array_size(real), 2);

	/* 1: log signature, four Ed25519 cosignatures, a type 0x05 line. */
	json_t *c = json_array_get(real, 0);
	const char *msg = str_field(c, "note");
	struct note_verifier keys[MAXKEYS];
	parse_vkey(str_field(c, "log_vkey"), &keys[0]);
	size_t nkeys = 1 + load_keys(json_object_get(c, "cosigner_vkeys"), keys + 1);
	assert_int_equal(nkeys, 5);
	struct note n;
	struct shomei_diag d;
	if (note_open(msg, strlen(msg), keys, nkeys, &n, &d) != 0)
		fail_msg("real checkpoint 1: %s: %s", d.where, d.what);
	assert_int_equal(n.nsigs, 6);
	assert_int_equal(count_verified(&n), 5);
	assert_int_equal(n.sigs[0].key, -1); /* the RFC 6962 line, skipped */
	uint64_t t;
	assert_true(note_verified_by(&n, 0, &t));
	assert_int_equal(t, 0);
	for (size_t k = 1; k < nkeys; k++) {
		assert_true(note_verified_by(&n, k, &t));
		assert_int_equal(t, 1779573024); /* 0x6a122120, in all four lines */
	}
	check_round_trip(&n, msg, strlen(msg));
	struct note_checkpoint cp;
	assert_int_equal(note_checkpoint_parse(n.text, n.text_len, &cp, &d), 0);
	assert_string_equal(cp.origin, "arche2025h1.staging.ct.transparency.dev");
	assert_int_equal(cp.size, 1432088532);
	assert_int_equal(cp.ext_len, 0);
	/* Without the log key the cosignatures alone still verify the note;
	 * requiring the log's signature is the caller's policy. */
	assert_int_equal(note_open(msg, strlen(msg), keys + 1, nkeys - 1, &n, &d), 0);
	assert_int_equal(count_verified(&n), 4);
	assert_true(note_verified_by(&n, 3, NULL));
	assert_false(note_verified_by(&n, 4, NULL));
	/* A flipped root byte breaks every signature. */
	char *bent = strdup(msg);
	assert_non_null(bent);
	bent[strlen(cp.origin) + 12] ^= 0x01; /* inside the root line's base64 */
	assert_int_equal(note_open(bent, strlen(bent), keys, nkeys, &n, &d), SHOMEI_ERR_SIGNATURE);
	assert_non_null(strstr(d.what, "does not verify"));
	free(bent);

	/* 2: Ed25519 and ML-DSA-44 cosignatures by one witness; the ML-DSA key
	 * is of a type shomei does not verify, so its line is skipped. */
	c = json_array_get(real, 1);
	msg = str_field(c, "note");
	json_t *vk = json_object_get(c, "cosigner_vkeys");
	assert_int_equal(json_array_size(vk), 2);
	parse_vkey(json_string_value(json_array_get(vk, 0)), &keys[0]);
	assert_int_equal(keys[0].type, NOTE_SIG_COSIGNATURE_V1);
	const char *mldsa = json_string_value(json_array_get(vk, 1));
	struct note_verifier unused;
	assert_int_equal(note_vkey_parse(mldsa, strlen(mldsa), &unused, &d),
			 SHOMEI_ERR_UNSUPPORTED);
	assert_non_null(strstr(d.what, "0x06"));
	if (note_open(msg, strlen(msg), keys, 1, &n, &d) != 0)
		fail_msg("real checkpoint 2: %s: %s", d.where, d.what);
	assert_int_equal(n.nsigs, 3);
	assert_true(note_verified_by(&n, 0, &t));
	assert_true(t > 0);
	assert_int_equal(n.sigs[2].key, -1);
	assert_true(n.sigs[2].b64_len > 3000); /* 4 + 8 + 2420 bytes */
	check_round_trip(&n, msg, strlen(msg));
	assert_int_equal(note_checkpoint_parse(n.text, n.text_len, &cp, &d), 0);
	assert_int_equal(cp.size, 185550722);

	/* Same key, two types: two key ids. */
	json_t *ex = json_array_get(json_object_get(v, "key_id_examples"), 0);
	struct note_verifier k1, k4;
	parse_vkey(str_field(ex, "vkey_type_01"), &k1);
	parse_vkey(str_field(ex, "vkey_type_04"), &k4);
	assert_int_equal(k1.type, NOTE_SIG_ED25519);
	assert_int_equal(k4.type, NOTE_SIG_COSIGNATURE_V1);
	assert_memory_equal(k1.public_key, k4.public_key, NOTE_PUBLIC_BYTES);
	assert_int_not_equal(k1.key_id, k4.key_id);
	json_decref(v);
}

static void check_checkpoint_round_trip(const char *body, size_t len)
{
	struct note_checkpoint c;
	struct shomei_diag d;
	if (note_checkpoint_parse(body, len, &c, &d) != 0)
		fail_msg("checkpoint refused: %s: %s", d.where, d.what);
	struct buf b;
	buf_init(&b, NOTE_MAX_BYTES);
	assert_int_equal(note_checkpoint_format(&c, &b, &d), 0);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, body, len);
	buf_release(&b);
}

static void test_checkpoint_bodies(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/checkpoints.json");
	json_t *spec = json_object_get(v, "spec_examples_format_only");
	assert_true(json_array_size(spec) >= 1);
	for (size_t i = 0; i < json_array_size(spec); i++) {
		const char *msg = str_field(json_array_get(spec, i), "note");
		struct note n;
		assert_int_equal(note_parse(msg, strlen(msg), &n, NULL), 0);
		check_checkpoint_round_trip(n.text, n.text_len);
		struct note_checkpoint c;
		assert_int_equal(note_checkpoint_parse(n.text, n.text_len, &c, NULL), 0);
		assert_string_equal(c.origin, "example.com/behind-the-sofa");
		assert_int_equal(c.size, 20852163);
	}
	json_t *bad = json_object_get(v, "bad_checkpoint_bodies");
	assert_int_equal(json_array_size(bad), 6);
	for (size_t i = 0; i < json_array_size(bad); i++) {
		json_t *c = json_array_get(bad, i);
		const char *body = str_field(c, "body");
		struct note_checkpoint cp;
		memset(&cp, 0xAA, sizeof cp);
		struct shomei_diag d;
		int err = note_checkpoint_parse(body, strlen(body), &cp, &d);
		if (err != SHOMEI_ERR_PARSE)
			fail_msg("%s: got %d", str_field(c, "desc"), err);
		static const struct note_checkpoint zero;
		assert_memory_equal(&cp, &zero, sizeof cp);
	}
	json_decref(v);

	/* Edges of the size and extension lines. */
	static const char *good[] = {
	    "o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    "o\n18446744073709551615\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\n\xE2\x80\x94 two\n",
	    ("\xE4\xBE\x8B\xE3\x81\x88 log with spaces+plus\n7\n"
	     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"),
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		check_checkpoint_round_trip(good[i], strlen(good[i]));
	static const char *bad_bodies[] = {
	    "o\n18446744073709551616\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", /* 2^64 */
	    "o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    "o\n1 \nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    "o\n\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n", /* non-canonical */
	    "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", /* no padding */
	    "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",   /* no final newline */
	    "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n\nmore\n",
	    "o\r\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    "o\xC0\x80\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", /* overlong NUL */
	    /* libsodium 1.0.18 alone would decode the UTF-8 of U+03B8 here */
	    "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB\xCE\xB8PA3j2jxq2I=\n",
	    "",
	};
	for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
		struct note_checkpoint c;
		if (note_checkpoint_parse(bad_bodies[i], strlen(bad_bodies[i]), &c, NULL) !=
		    SHOMEI_ERR_PARSE)
			fail_msg("bad body %zu accepted", i);
	}

	/* Ceilings: a 255-byte origin is fine, 256 is not; extensions too. */
	char body[NOTE_MAX_BYTES];
	struct note_checkpoint c;
	memset(body, 'a', 255);
	strcpy(body + 255, "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	check_checkpoint_round_trip(body, strlen(body));
	memset(body, 'a', 256);
	strcpy(body + 256, "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	assert_int_equal(note_checkpoint_parse(body, strlen(body), &c, NULL), SHOMEI_ERR_LIMIT);
	size_t at = (size_t)sprintf(body, "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	memset(body + at, 'e', NOTE_CHECKPOINT_EXT_MAX_BYTES - 1);
	strcpy(body + at + NOTE_CHECKPOINT_EXT_MAX_BYTES - 1, "\n");
	check_checkpoint_round_trip(body, strlen(body));
	strcpy(body + at + NOTE_CHECKPOINT_EXT_MAX_BYTES - 1, "e\n");
	assert_int_equal(note_checkpoint_parse(body, strlen(body), &c, NULL), SHOMEI_ERR_LIMIT);

	/* Format refuses what would not read back. */
	struct buf b;
	buf_init(&b, NOTE_MAX_BYTES);
	memset(&c, 0, sizeof c);
	assert_int_equal(note_checkpoint_format(&c, &b, NULL), SHOMEI_ERR_USAGE); /* no origin */
	strcpy(c.origin, "a\nb");
	assert_int_equal(note_checkpoint_format(&c, &b, NULL), SHOMEI_ERR_USAGE);
	strcpy(c.origin, "ok");
	strcpy(c.ext, "no newline");
	c.ext_len = strlen(c.ext);
	assert_int_equal(note_checkpoint_format(&c, &b, NULL), SHOMEI_ERR_USAGE);
	assert_int_equal(b.len, 0);
	strcpy(c.ext, "x\n");
	c.ext_len = 2;
	c.size = UINT64_MAX;
	assert_int_equal(note_checkpoint_format(&c, &b, NULL), 0);
	assert_string_equal(
	    b.data, "ok\n18446744073709551615\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nx\n");
	buf_release(&b);
}

/* ---- cosignature-witness.json ---- */

/* Splits "<header lines>\n\n<rest>" at the first blank line. */
static const char *after_blank(const char *s)
{
	const char *p = strstr(s, "\n\n");
	assert_non_null(p);
	return p + 2;
}

static void test_cosignature_witness(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/cosignature-witness.json");
	unsigned char seed[NOTE_SEED_BYTES], pk[NOTE_PUBLIC_BYTES], want_pk[NOTE_PUBLIC_BYTES];
	assert_int_equal(tu_hex_decode(str_field(v, "secret_seed_hex"), seed, sizeof seed), 32);
	assert_int_equal(tu_hex_decode(str_field(v, "public_key_hex"), want_pk, sizeof want_pk),
			 32);
	unsigned char *sk = secret_of_seed(seed);
	memcpy(pk, sk + NOTE_SEED_BYTES, sizeof pk);
	assert_memory_equal(pk, want_pk, sizeof pk);

	json_t *log = json_object_get(v, "log"), *wit = json_object_get(v, "witness");
	const char *log_name = str_field(log, "name"), *wit_name = str_field(wit, "name");
	struct note_verifier keys[2];
	char vkey[NOTE_VKEY_BYTES];
	assert_int_equal(note_verifier_init(&keys[0], log_name, NOTE_SIG_ED25519, pk), 0);
	note_vkey_format(&keys[0], vkey);
	assert_string_equal(vkey, str_field(log, "vkey"));
	assert_int_equal(note_verifier_init(&keys[1], wit_name, NOTE_SIG_COSIGNATURE_V1, pk), 0);
	note_vkey_format(&keys[1], vkey);
	assert_string_equal(vkey, str_field(wit, "vkey"));

	/* The log's checkpoint, signed again byte for byte. */
	const char *cp8 = str_field(v, "checkpoint_size8");
	struct note n;
	struct shomei_diag d;
	assert_int_equal(note_open(cp8, strlen(cp8), keys, 2, &n, &d), 0);
	const char *body = n.text;
	size_t body_len = n.text_len;
	struct buf b;
	buf_init(&b, NOTE_MAX_BYTES);
	assert_int_equal(note_sign(body, body_len, log_name, sk, NOTE_SECRET_BYTES, &b, &d), 0);
	assert_string_equal(b.data, cp8);
	buf_release(&b);

	/* The cosigned message and the cosignature line. */
	json_t *cs = json_object_get(v, "cosignature");
	uint64_t ts = (uint64_t)json_integer_value(json_object_get(cs, "timestamp"));
	assert_int_equal(note_cosignature_message(body, body_len, ts, &b), 0);
	assert_string_equal(b.data, str_field(cs, "signed_message_utf8"));
	size_t hex_len;
	unsigned char *hex = tu_hex_decode_alloc(str_field(cs, "signed_message_hex"), &hex_len);
	assert_int_equal(b.len, hex_len);
	assert_memory_equal(b.data, hex, hex_len);
	free(hex);
	buf_release(&b);
	assert_int_equal(note_cosign_line(body, body_len, wit_name, seed, sizeof seed, ts, &b, &d),
			 0);
	assert_string_equal(b.data, str_field(cs, "signature_line"));
	assert_string_equal(b.data, str_field(v, "add_checkpoint_response"));
	buf_release(&b);

	/* The cosigned checkpoint is the checkpoint plus that line. */
	const char *cosigned = str_field(v, "cosigned_checkpoint");
	assert_int_equal(strncmp(cosigned, cp8, strlen(cp8)), 0);
	assert_string_equal(cosigned + strlen(cp8), str_field(cs, "signature_line"));
	assert_int_equal(note_open(cosigned, strlen(cosigned), keys, 2, &n, &d), 0);
	uint64_t t;
	assert_true(note_verified_by(&n, 0, &t));
	assert_int_equal(t, 0);
	assert_true(note_verified_by(&n, 1, &t));
	assert_int_equal(t, ts);
	/* The witness key alone, or the log key alone, each suffice to open. */
	assert_int_equal(note_open(cosigned, strlen(cosigned), keys + 1, 1, &n, &d), 0);
	assert_int_equal(count_verified(&n), 1);

	/* add-checkpoint requests: "old N", the proof, a blank line, the note. */
	json_t *ref = tu_load_json_vector("tlog/rfc6962-tree.json");
	json_t *roots = json_object_get(ref, "roots_hex_by_size");
	const char *req = str_field(v, "add_checkpoint_request_4_to_8");
	assert_int_equal(strncmp(req, "old 4\n", 6), 0);
	unsigned char proof[MERKLE_MAX_PROOF][H], r4[H];
	size_t plen = 0;
	for (const char *p = req + 6; *p != '\n'; p = strchr(p, '\n') + 1) {
		char line[64];
		size_t l = (size_t)(strchr(p, '\n') - p);
		assert_true(l < sizeof line);
		memcpy(line, p, l);
		line[l] = '\0';
		assert_int_equal(b64_decode(line, proof[plen++], H), H);
	}
	assert_int_equal(tu_hex_decode(json_string_value(json_array_get(roots, 4)), r4, H), H);
	const char *note8 = after_blank(req);
	assert_string_equal(note8, cp8);
	struct note_checkpoint c8;
	assert_int_equal(note_open(note8, strlen(note8), keys, 1, &n, &d), 0);
	assert_int_equal(note_checkpoint_parse(n.text, n.text_len, &c8, &d), 0);
	assert_int_equal(c8.size, 8);
	assert_int_equal(
	    merkle_verify_consistency(4, 8, r4, c8.root, (const unsigned char(*)[H])proof, plen),
	    0);
	req = str_field(v, "add_checkpoint_request_0_to_4");
	assert_int_equal(strncmp(req, "old 0\n\n", 7), 0); /* no proof from the empty tree */
	const char *note4 = after_blank(req);
	struct note_checkpoint c4;
	assert_int_equal(note_open(note4, strlen(note4), keys, 1, &n, &d), 0);
	assert_int_equal(note_checkpoint_parse(n.text, n.text_len, &c4, &d), 0);
	assert_int_equal(c4.size, 4);
	assert_memory_equal(c4.root, r4, H);
	/* The checkpoint of size 4 re-signs to the same note. */
	assert_int_equal(note_sign(n.text, n.text_len, log_name, seed, sizeof seed, &b, &d), 0);
	assert_string_equal(b.data, note4);
	buf_release(&b);

	/* A tlog-proof: index, inclusion proof, blank line, cosigned checkpoint. */
	const char *tp = str_field(v, "tlog_proof_index5");
	assert_int_equal(strncmp(tp, "c2sp.org/tlog-proof@v1\nindex 5\n", 31), 0);
	plen = 0;
	for (const char *p = tp + 31; *p != '\n'; p = strchr(p, '\n') + 1) {
		char line[64];
		size_t l = (size_t)(strchr(p, '\n') - p);
		assert_true(l < sizeof line);
		memcpy(line, p, l);
		line[l] = '\0';
		assert_int_equal(b64_decode(line, proof[plen++], H), H);
	}
	const char *proven = after_blank(tp);
	assert_string_equal(proven, cosigned);
	assert_int_equal(note_open(proven, strlen(proven), keys, 2, &n, &d), 0);
	size_t leaf_len;
	unsigned char *entry = tu_hex_decode_alloc(str_field(v, "tlog_proof_leaf_hex"), &leaf_len);
	unsigned char leaf[H];
	merkle_leaf_hash(entry, leaf_len, leaf);
	free(entry);
	assert_int_equal(merkle_verify_inclusion(5, c8.size, leaf, (const unsigned char(*)[H])proof,
						 plen, c8.root),
			 0);
	json_decref(ref);
	sodium_free(sk);
	sodium_memzero(seed, sizeof seed);
	json_decref(v);
}

/* ---- round trips and refusals ---- */

static void test_sign_round_trip(void **state)
{
	(void)state;
	unsigned char seed[NOTE_SEED_BYTES], pk[NOTE_PUBLIC_BYTES];
	struct note_verifier keys[3];
	unsigned char *sk = sodium_malloc(NOTE_SECRET_BYTES);
	assert_non_null(sk);
	struct buf b;
	struct note n;
	struct shomei_diag d;
	char text[512];
	for (int round = 0; round < 50; round++) {
		randombytes_buf(seed, sizeof seed);
		crypto_sign_seed_keypair(pk, sk, seed);
		const char *name =
		    round % 2 ? "example.com/log" : "\xE4\xBE\x8B.jp/\xE3\x83\xAD\xE3\x82\xB0";
		assert_int_equal(note_verifier_init(&keys[0], name, NOTE_SIG_ED25519, pk), 0);
		assert_int_equal(
		    note_verifier_init(&keys[1], "w.example/1", NOTE_SIG_COSIGNATURE_V1, pk), 0);
		/* A text with blank lines and a line that looks like a signature. */
		snprintf(text, sizeof text,
			 "example.com/log\n%d\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
			 round);
		int is_checkpoint = round % 3 != 0;
		if (!is_checkpoint)
			snprintf(text, sizeof text, "line %d\n\n\xE2\x80\x94 fake AAAAAAA=\n\n",
				 round);
		size_t tl = strlen(text);
		buf_init(&b, NOTE_MAX_BYTES);
		assert_int_equal(note_sign(text, tl, name, round % 4 ? seed : sk,
					   round % 4 ? NOTE_SEED_BYTES : NOTE_SECRET_BYTES, &b, &d),
				 0);
		if (is_checkpoint) {
			uint64_t ts = (uint64_t)round * 1000003u;
			assert_int_equal(note_cosign_line(text, tl, "w.example/1", sk,
							  NOTE_SECRET_BYTES, ts, &b, &d),
					 0);
			assert_int_equal(note_open(b.data, b.len, keys, 2, &n, &d), 0);
			uint64_t t = 99;
			assert_true(note_verified_by(&n, 1, &t));
			assert_int_equal(t, ts);
		} else {
			assert_int_equal(note_open(b.data, b.len, keys, 2, &n, &d), 0);
			assert_false(note_verified_by(&n, 1, NULL));
		}
		assert_int_equal(n.text_len, tl);
		assert_memory_equal(n.text, text, tl);
		assert_true(note_verified_by(&n, 0, NULL));
		check_round_trip(&n, b.data, b.len);
		/* Any one flipped bit of the text is refused. */
		b.data[round % tl] ^= 0x04;
		int err = note_open(b.data, b.len, keys, 2, &n, &d);
		assert_true(err == SHOMEI_ERR_SIGNATURE || err == SHOMEI_ERR_PARSE);
		buf_release(&b);
	}
	sodium_free(sk);
}

/* A note with `count` signature lines by unknown keys after one by key. */
static char *many_sigs(size_t count, const unsigned char seed[NOTE_SEED_BYTES], size_t *len)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(note_sign("t\n", 2, "k", seed, NOTE_SEED_BYTES, &b, NULL), 0);
	for (size_t i = 1; i < count; i++)
		assert_int_equal(buf_printf(&b, "\xE2\x80\x94 other%zu AAAAAAA=\n", i), 0);
	return buf_steal(&b, len);
}

static void test_refusals(void **state)
{
	(void)state;
	unsigned char seed[NOTE_SEED_BYTES] = {1}, pk[NOTE_PUBLIC_BYTES], sk[NOTE_SECRET_BYTES];
	crypto_sign_seed_keypair(pk, sk, seed);
	struct note_verifier k, other;
	assert_int_equal(note_verifier_init(&k, "k", NOTE_SIG_ED25519, pk), 0);
	struct note n;
	struct shomei_diag d;
	struct buf b;
	size_t len;

	/* NOTE_MAX_SIGS lines are fine, one more is not. */
	char *msg = many_sigs(NOTE_MAX_SIGS, seed, &len);
	assert_int_equal(note_open(msg, len, &k, 1, &n, &d), 0);
	assert_int_equal(n.nsigs, NOTE_MAX_SIGS);
	free(msg);
	msg = many_sigs(NOTE_MAX_SIGS + 1, seed, &len);
	assert_int_equal(note_open(msg, len, &k, 1, &n, &d), SHOMEI_ERR_LIMIT);
	free(msg);

	/* Size ceiling. */
	char *big = malloc(NOTE_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, 'a', NOTE_MAX_BYTES + 1);
	big[NOTE_MAX_BYTES] = '\n';
	assert_int_equal(note_parse(big, NOTE_MAX_BYTES + 1, &n, &d), SHOMEI_ERR_LIMIT);
	buf_init(&b, 1 << 20);
	assert_int_equal(note_sign(big, NOTE_MAX_BYTES + 1, "k", seed, 32, &b, &d),
			 SHOMEI_ERR_LIMIT);
	/* A text of exactly NOTE_MAX_BYTES signs to a note that is too long. */
	big[NOTE_MAX_BYTES - 1] = '\n';
	assert_int_equal(note_sign(big, NOTE_MAX_BYTES, "k", seed, 32, &b, &d), SHOMEI_ERR_LIMIT);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	free(big);

	/* Two lines by one known key; unknown lines sharing a name or an id. */
	buf_init(&b, NOTE_MAX_BYTES);
	assert_int_equal(note_sign("t\n", 2, "k", seed, 32, &b, &d), 0);
	assert_int_equal(note_sign_line("t\n", 2, "k", seed, 32, &b, &d), 0);
	assert_int_equal(note_open(b.data, b.len, &k, 1, &n, &d), SHOMEI_ERR_INVALID);
	buf_release(&b);
	assert_int_equal(note_sign("t\n", 2, "k", seed, 32, &b, &d), 0);
	unsigned char seed2[NOTE_SEED_BYTES] = {2};
	assert_int_equal(note_sign_line("t\n", 2, "k", seed2, 32, &b, &d), 0); /* same name */
	assert_int_equal(note_open(b.data, b.len, &k, 1, &n, &d), 0);
	assert_int_equal(count_verified(&n), 1);
	buf_release(&b);
	/* Right name and id, wrong signature: the whole note is refused. */
	unsigned char pk2[NOTE_PUBLIC_BYTES], sk2[NOTE_SECRET_BYTES];
	crypto_sign_seed_keypair(pk2, sk2, seed2);
	assert_int_equal(note_verifier_init(&other, "k", NOTE_SIG_ED25519, pk2), 0);
	other.key_id = k.key_id; /* a colliding id, as an attacker could make */
	assert_int_equal(note_sign("t\n", 2, "k", seed, 32, &b, &d), 0);
	struct note_verifier both[2] = {other, k};
	assert_int_equal(note_open(b.data, b.len, both, 2, &n, &d), SHOMEI_ERR_SIGNATURE);
	buf_release(&b);

	/* A cosignature whose time is above 2^63 - 1 does not verify. */
	struct note_verifier w;
	assert_int_equal(note_verifier_init(&w, "w", NOTE_SIG_COSIGNATURE_V1, pk), 0);
	const char *body = "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	assert_int_equal(
	    note_cosign_line(body, strlen(body), "w", seed, 32, NOTE_COSIG_MAX_TIME + 1, &b, &d),
	    SHOMEI_ERR_USAGE);
	unsigned char raw[4 + 8 + 64];
	uint64_t t = NOTE_COSIG_MAX_TIME + 1;
	raw[0] = (unsigned char)(w.key_id >> 24);
	raw[1] = (unsigned char)(w.key_id >> 16);
	raw[2] = (unsigned char)(w.key_id >> 8);
	raw[3] = (unsigned char)w.key_id;
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (unsigned char)(t >> (56 - 8 * i));
	char m[256];
	int ml = snprintf(m, sizeof m, "cosignature/v1\ntime %" PRIu64 "\n%s", t, body);
	crypto_sign_detached(raw + 12, NULL, (unsigned char *)m, (unsigned long long)ml, sk);
	char b64[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, B64);
	assert_int_equal(buf_printf(&b, "%s\n\xE2\x80\x94 w %s\n", body, b64), 0);
	assert_int_equal(note_open(b.data, b.len, &w, 1, &n, &d), SHOMEI_ERR_SIGNATURE);
	buf_release(&b);
	/* Cosigning needs a checkpoint. */
	assert_int_equal(note_cosign_line("hello\n", 6, "w", seed, 32, 1, &b, &d),
			 SHOMEI_ERR_USAGE);
	assert_int_equal(b.len, 0);

	/* Bad arguments to signing leave out alone. */
	static const char *bad_names[] = {"",	  "a b", "a+b", "a\xC2\xA0!", "a\xE3\x80\x80!",
					  "a\tb", "\xFF"};
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		assert_int_equal(note_sign("t\n", 2, bad_names[i], seed, 32, &b, &d),
				 SHOMEI_ERR_USAGE);
		assert_false(note_name_valid(bad_names[i], strlen(bad_names[i])));
		struct note_verifier x;
		assert_int_equal(note_verifier_init(&x, bad_names[i], NOTE_SIG_ED25519, pk),
				 SHOMEI_ERR_USAGE);
	}
	assert_int_equal(b.len, 0);
	assert_int_equal(note_sign("t", 1, "k", seed, 32, &b, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(note_sign("", 0, "k", seed, 32, &b, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(note_sign("t\r\n", 3, "k", seed, 32, &b, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(note_sign("t\n", 2, "k", seed, 16, &b, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(b.len, 0);
	struct note_verifier x;
	buf_release(&b);
	assert_int_equal(note_verifier_init(&x, "k", 0x06, pk), SHOMEI_ERR_USAGE);
	assert_true(note_name_valid("\xE4\xBE\x8B.jp/log\x7F", 11)); /* DEL is not below U+0020 */

	/* Parser refusals beyond the vectors. */
	static const char *bad_notes[] = {
	    "t\n\n\xE2\x80\x94 k\n",			     /* no signature */
	    "t\n\n\xE2\x80\x94 k AAAA\n",		     /* 3 bytes: no room for a key id */
	    "t\n\n\xE2\x80\x94 k AAAAAAA\n",		     /* unpadded */
	    "t\n\n\xE2\x80\x94 k  AAAAAAA=\n",		     /* two spaces */
	    "t\n\n\xE2\x80\x94  k AAAAAAA=\n",		     /* empty name */
	    "t\n\n\xE2\x80\x94 k AAAAAAA=\n\xE2\x80\x94",    /* no final newline */
	    "t\n\n\xE2\x80\x94 k AAAAAAA= \n",		     /* trailing space */
	    "\xED\xA0\x80\n\n\xE2\x80\x94 k AAAAAAA=\n",     /* surrogate */
	    "\xF4\x90\x80\x80\n\n\xE2\x80\x94 k AAAAAAA=\n", /* above U+10FFFF */
	    "\xE2\x80\n\n\xE2\x80\x94 k AAAAAAA=\n",	     /* truncated */
	    "t\n\n\xE2\x80\x94 k AAAAAAA=\n\n",		     /* blank last line */
	    "t\n\n\xE2\x80\x94 k AAAA\xCE\xB8==\n",	     /* non-ASCII in base64 */
	    "",
	};
	for (size_t i = 0; i < sizeof bad_notes / sizeof bad_notes[0]; i++) {
		int err = note_parse(bad_notes[i], strlen(bad_notes[i]), &n, &d);
		if (err != SHOMEI_ERR_PARSE)
			fail_msg("bad note %zu: got %d", i, err);
	}
	/* The diagnostics say where. */
	const char *three = "a\nb\n\n\xE2\x80\x94 k AAAAAAA=\nnot a signature\n";
	assert_int_equal(note_parse(three, strlen(three), &n, &d), SHOMEI_ERR_PARSE);
	assert_string_equal(d.where, "line 5");
	const char *ctl = "a\nb\x01\n\n\xE2\x80\x94 k AAAAAAA=\n";
	assert_int_equal(note_parse(ctl, strlen(ctl), &n, &d), SHOMEI_ERR_PARSE);
	assert_string_equal(d.where, "line 2");
	assert_string_equal(d.what, "control character 0x01");
	/* A text that is just a newline, and unknown lines only. */
	const char *bare = "\n\n\xE2\x80\x94 k AAAAAAA=\n";
	assert_int_equal(note_parse(bare, strlen(bare), &n, &d), 0);
	assert_int_equal(n.text_len, 1);
	assert_int_equal(note_open(bare, strlen(bare), &k, 1, &n, &d), SHOMEI_ERR_NOTFOUND);

	/* vkeys: each part, and the ceiling. */
	static const char *bad_vkeys[] = {
	    "",
	    "k",
	    "k+",
	    "k+1234567+AQ==",
	    "k+123456789+AQ==",
	    "k+1234567g+AQ==",
	    "k+12345678+",
	    "a b+12345678+AQ==",
	    "k+12345678+AQ\xCE\xB8",
	};
	for (size_t i = 0; i < sizeof bad_vkeys / sizeof bad_vkeys[0]; i++)
		assert_int_equal(note_vkey_parse(bad_vkeys[i], strlen(bad_vkeys[i]), &x, NULL),
				 SHOMEI_ERR_PARSE);
	char longv[NOTE_VKEY_MAX_BYTES + 2];
	memset(longv, 'A', sizeof longv);
	memcpy(longv, "k+12345678+", 11);
	assert_int_equal(note_vkey_parse(longv, sizeof longv, &x, NULL), SHOMEI_ERR_LIMIT);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(sk2, sizeof sk2);
}

/* ---- docs/tlog.md's worked example ---- */

static void doc_has(const char *doc, const char *s)
{
	if (!strstr(doc, s))
		fail_msg("docs/tlog.md does not show:\n%s", s);
}

static void test_docs_example(void **state)
{
	(void)state;
	char *doc = tu_read_vector("../docs/tlog.md", NULL);
	static const char *entries[] = {"entry 0", "entry 1", "entry 2"};
	static const char *leaf_hex[] = {
	    "773885a613489e24ce2cf76199d6a423f042e4bbf12d7eecee912ef276c65701",
	    "2dfb36c6f66cac361429cf46df868ab8242d3a6441f1099c8fb3f98ec5d108a4",
	    "57c79f4f31ae029c5d4bd30b073c27c94df93438b2b4697e1e1eef5bc0394a41",
	};
	unsigned char leaf[3][H], want[H], root[H], n01[H];
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	char hex[2 * H + 1];
	for (int i = 0; i < 3; i++) {
		merkle_leaf_hash(entries[i], strlen(entries[i]), leaf[i]);
		assert_int_equal(tu_hex_decode(leaf_hex[i], want, H), H);
		assert_memory_equal(leaf[i], want, H);
		doc_has(doc, leaf_hex[i]);
		assert_int_equal(merkle_frontier_append(&f, leaf[i], NULL, NULL), 0);
	}
	merkle_node_hash(leaf[0], leaf[1], n01);
	sodium_bin2hex(hex, sizeof hex, n01, H);
	assert_string_equal(hex,
			    "5a47662fd8a317d96049a3f9f47c55dc67ca66051baa3683dbb19b2fe09a07b0");
	doc_has(doc, hex);
	merkle_frontier_root(&f, root);
	sodium_bin2hex(hex, sizeof hex, root, H);
	assert_string_equal(hex,
			    "94fbd0dd836f50301692e6d0eade728ee19ec52bfff1606ed807c8575d5aaa19");
	doc_has(doc, hex);

	/* The checkpoint, signed with the RFC 8032 §7.1 TEST 1 key, and a
	 * witness cosignature by the same key pair. */
	unsigned char seed[NOTE_SEED_BYTES], pk[NOTE_PUBLIC_BYTES], sk[NOTE_SECRET_BYTES];
	tu_hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", seed, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
	struct note_checkpoint c = {.origin = "example.com/shomei-test-log", .size = 3};
	memcpy(c.root, root, H);
	struct buf body, note;
	buf_init(&body, NOTE_MAX_BYTES);
	buf_init(&note, NOTE_MAX_BYTES);
	assert_int_equal(note_checkpoint_format(&c, &body, NULL), 0);
	assert_string_equal(body.data, "example.com/shomei-test-log\n3\n"
				       "lPvQ3YNvUDAWkubQ6t5yjuGexSv/8WBu2AfIV11aqhk=\n");
	assert_int_equal(note_sign(body.data, body.len, c.origin, seed, 32, &note, NULL), 0);
	assert_int_equal(note_cosign_line(body.data, body.len, "example.com/shomei-test-witness",
					  seed, 32, 1700000000, &note, NULL),
			 0);
	const char *want_note = "example.com/shomei-test-log\n"
				"3\n"
				"lPvQ3YNvUDAWkubQ6t5yjuGexSv/8WBu2AfIV11aqhk=\n"
				"\n"
				"\xE2\x80\x94 example.com/shomei-test-log "
				"2qAKeHqjXV7rSOcCLS377Pl0XPXMBo3ReOa2NxkQyU53k1BLQ5z0iL37PjEvJA5Ko6"
				"gG1Bpc12WlCWC+St171AKApQI=\n"
				"\xE2\x80\x94 example.com/shomei-test-witness "
				"ueD8hQAAAABlU/"
				"EA5fLCDduIDk5TDP35HQ+zDcd5M2z06aDRz4w2iOUNhA+9wnc1+"
				"6ZSG6iuETdn5JVU0gSro3Pmx787NiGT/FKRBw==\n";
	assert_string_equal(note.data, want_note);
	doc_has(doc, want_note);
	struct note_verifier keys[2];
	char vkey[NOTE_VKEY_BYTES];
	assert_int_equal(note_verifier_init(&keys[0], c.origin, NOTE_SIG_ED25519, pk), 0);
	note_vkey_format(&keys[0], vkey);
	assert_string_equal(vkey, "example.com/shomei-test-log+daa00a78+"
				  "AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea");
	doc_has(doc, vkey);
	assert_int_equal(note_verifier_init(&keys[1], "example.com/shomei-test-witness",
					    NOTE_SIG_COSIGNATURE_V1, pk),
			 0);
	note_vkey_format(&keys[1], vkey);
	doc_has(doc, vkey);
	struct note n;
	assert_int_equal(note_open(note.data, note.len, keys, 2, &n, NULL), 0);
	assert_int_equal(count_verified(&n), 2);

	/* Proofs: entry 1 in the 3-tree; 2 -> 3. */
	unsigned char proof[2][H] = {{0}};
	memcpy(proof[0], leaf[0], H);
	memcpy(proof[1], leaf[2], H);
	assert_int_equal(
	    merkle_verify_inclusion(1, 3, leaf[1], (const unsigned char(*)[H])proof, 2, root), 0);
	assert_int_equal(
	    merkle_verify_consistency(2, 3, n01, root, (const unsigned char(*)[H])(proof + 1), 1),
	    0);

	/* The tiles: one partial level-0 tile and its bundle. */
	char path[TILES_PATH_BYTES];
	assert_int_equal(tiles_path(0, 0, 3, path), 0);
	assert_string_equal(path, "tile/0/000.p/3");
	doc_has(doc, path);
	assert_int_equal(tiles_entries_path(0, 3, path), 0);
	assert_string_equal(path, "tile/entries/000.p/3");
	doc_has(doc, path);
	struct buf bundle;
	buf_init(&bundle, TILES_BUNDLE_MAX_BYTES);
	for (int i = 0; i < 3; i++)
		assert_int_equal(tiles_bundle_append(&bundle, entries[i], strlen(entries[i]), NULL),
				 0);
	char bhex[2 * 64 + 1];
	assert_true(bundle.len < 64);
	sodium_bin2hex(bhex, sizeof bhex, (unsigned char *)bundle.data, bundle.len);
	assert_string_equal(bhex, "0007656e74727920300007656e74727920310007656e7472792032");
	doc_has(doc, bhex);
	struct tiles_level levels[TILES_MAX_LEVELS];
	assert_int_equal(tiles_for_size(3, levels), 1);
	assert_int_equal(levels[0].full, 0);
	assert_int_equal(levels[0].partial, 3);

	buf_release(&bundle);
	buf_release(&body);
	buf_release(&note);
	sodium_memzero(sk, sizeof sk);
	free(doc);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vkeys),
	    cmocka_unit_test(test_signed_notes),
	    cmocka_unit_test(test_real_checkpoints),
	    cmocka_unit_test(test_checkpoint_bodies),
	    cmocka_unit_test(test_cosignature_witness),
	    cmocka_unit_test(test_sign_round_trip),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_docs_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
