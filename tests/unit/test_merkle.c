/* RFC 6962 / RFC 9162 Merkle trees (common/merkle.h): every hash of
 * vectors/tlog/rfc6962-tree.json, every case of inclusion-proofs.json and
 * consistency-proofs.json with its wantErr, tiles.json's 300-entry tree, and
 * proof generation checked three ways (it verifies, it equals an independent
 * recursive transcription of RFC 9162's PATH and SUBPROOF, and tampering
 * breaks it) for every tree of 1..300 leaves. */
#include "merkle.h"
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

#define H MERKLE_HASH_BYTES

/* ---- vector helpers ---- */

static const char *str_field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("vector without \"%s\"", key);
	return s;
}

/* inclusion-proofs.json has a leafIdx of 2^64 - 1 written by a JSON encoder
 * that rounds to doubles (18446744073709552000), which jansson refuses as an
 * integer: load such files with integers as reals. */
static json_t *load_json_reals(const char *rel)
{
	size_t len;
	char *text = tu_read_vector(rel, &len);
	json_error_t e;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &e);
	free(text);
	if (!j)
		fail_msg("vectors/%s: %s (line %d)", rel, e.text, e.line);
	return j;
}

/* A size or index: exact below 2^53, and 2^64 (the rounded 2^64 - 1) maps to
 * UINT64_MAX, the value the upstream vector means ("leafIdx sub 1" of 0). */
static uint64_t u64_field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	if (!json_is_real(v))
		fail_msg("vector without numeric \"%s\"", key);
	double x = json_real_value(v);
	if (x >= 18446744073709551616.0)
		return UINT64_MAX;
	if (x < 0 || x > 9007199254740992.0 || (double)(uint64_t)x != x)
		fail_msg("\"%s\" = %f is not an exact index", key, x);
	return (uint64_t)x;
}

/* Decodes standard base64 into a 32-byte hash, zero-padding shorter values
 * (the vectors carry 0-, 12- and 16-byte "hashes" on purpose; padding keeps
 * equal values equal and different ones different). Returns the length. */
static size_t b64_hash(const char *b64, unsigned char out[H])
{
	unsigned char tmp[64];
	size_t n = 0;
	if (sodium_base642bin(tmp, sizeof tmp, b64, strlen(b64), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		fail_msg("bad base64 in vector: %s", b64);
	if (n > H)
		fail_msg("hash longer than 32 bytes in vector: %s", b64);
	memset(out, 0, H);
	memcpy(out, tmp, n);
	return n;
}

static void hex_hash(const char *hex, unsigned char out[H])
{
	assert_int_equal(tu_hex_decode(hex, out, H), H);
}

/* Loads a JSON array of base64 hashes (or null) into proof; returns the count
 * and sets *odd when one is not 32 bytes long. */
static size_t load_proof(json_t *arr, unsigned char (*proof)[H], size_t cap, int *odd)
{
	*odd = 0;
	if (json_is_null(arr) || !arr)
		return 0;
	size_t n = json_array_size(arr);
	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		assert_non_null(s);
		if (b64_hash(s, proof[i]) != H)
			*odd = 1;
	}
	return n;
}

/* ---- an in-memory tree: every complete subtree of up to MAXN leaves ---- */

#define MAXN	 300
#define MAXLEVEL 9 /* 2^8 = 256 <= 300 < 512 */

struct store {
	unsigned char node[MAXLEVEL][MAXN][H];
	size_t count[MAXLEVEL];
	uint64_t size; /* the tree the getter serves: it refuses anything past it */
	unsigned calls;
};

static int store_node(void *ctx, uint64_t level, uint64_t index, const unsigned char hash[H])
{
	struct store *s = ctx;
	assert_true(level < MAXLEVEL);
	assert_int_equal(index, s->count[level]); /* in order, each once */
	memcpy(s->node[level][index], hash, H);
	s->count[level]++;
	return 0;
}

static int store_get(void *ctx, uint64_t level, uint64_t index, unsigned char out[H])
{
	struct store *s = ctx;
	s->calls++;
	if (level >= MAXLEVEL || index >= s->count[level])
		fail_msg("asked for (%llu, %llu), never stored", (unsigned long long)level,
			 (unsigned long long)index);
	/* Only complete subtrees inside the tree may be asked for. */
	if (((index + 1) << level) > s->size)
		fail_msg("asked for (%llu, %llu) outside a tree of %llu", (unsigned long long)level,
			 (unsigned long long)index, (unsigned long long)s->size);
	memcpy(out, s->node[level][index], H);
	return 0;
}

/* ---- RFC 9162 §2.1 transcribed recursively, as a reference ---- */

static uint64_t k_of(uint64_t n)
{
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

static void ref_mth(unsigned char (*leaf)[H], uint64_t begin, uint64_t end, unsigned char out[H])
{
	if (end - begin == 1) {
		memcpy(out, leaf[begin], H);
		return;
	}
	uint64_t k = k_of(end - begin);
	unsigned char l[H], r[H];
	ref_mth(leaf, begin, begin + k, l);
	ref_mth(leaf, begin + k, end, r);
	merkle_node_hash(l, r, out);
}

static void ref_path(unsigned char (*leaf)[H], uint64_t m, uint64_t begin, uint64_t end,
		     unsigned char (*out)[H], size_t *n)
{
	if (end - begin == 1)
		return;
	uint64_t k = k_of(end - begin);
	if (m < k) {
		ref_path(leaf, m, begin, begin + k, out, n);
		ref_mth(leaf, begin + k, end, out[(*n)++]);
	} else {
		ref_path(leaf, m - k, begin + k, end, out, n);
		ref_mth(leaf, begin, begin + k, out[(*n)++]);
	}
}

static void ref_subproof(unsigned char (*leaf)[H], uint64_t m, uint64_t begin, uint64_t end, int b,
			 unsigned char (*out)[H], size_t *n)
{
	uint64_t len = end - begin;
	if (m == len) {
		if (!b)
			ref_mth(leaf, begin, end, out[(*n)++]);
		return;
	}
	uint64_t k = k_of(len);
	if (m <= k) {
		ref_subproof(leaf, m, begin, begin + k, b, out, n);
		ref_mth(leaf, begin + k, end, out[(*n)++]);
	} else {
		ref_subproof(leaf, m - k, begin + k, end, 0, out, n);
		ref_mth(leaf, begin, begin + k, out[(*n)++]);
	}
}

/* ---- tests ---- */

static void test_hash_primitives(void **state)
{
	(void)state;
	unsigned char h[H], want[H];
	merkle_empty_root(h);
	hex_hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
	assert_memory_equal(h, want, H);
	/* SHA-256(0x00) is the leaf hash of the empty entry. */
	merkle_leaf_hash("", 0, h);
	hex_hash("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want);
	assert_memory_equal(h, want, H);
	/* out may alias an input. */
	unsigned char l[H], r[H], a[H];
	merkle_leaf_hash("a", 1, l);
	merkle_leaf_hash("b", 1, r);
	merkle_node_hash(l, r, a);
	merkle_node_hash(l, r, l);
	assert_memory_equal(a, l, H);
}

static void test_rfc6962_tree(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/rfc6962-tree.json");
	json_t *leaves = json_object_get(v, "leaves_hex");
	json_t *nodes = json_object_get(v, "node_hashes_hex");
	json_t *roots = json_object_get(v, "roots_hex_by_size");
	size_t nleaves = json_array_size(leaves);
	assert_int_equal(nleaves, 8);
	assert_int_equal(json_array_size(roots), nleaves + 1);

	/* Leaves, then every complete subtree from its children. */
	json_t *level0 = json_array_get(nodes, 0);
	for (size_t i = 0; i < nleaves; i++) {
		size_t len;
		unsigned char *entry =
		    tu_hex_decode_alloc(json_string_value(json_array_get(leaves, i)), &len);
		unsigned char h[H], want[H];
		merkle_leaf_hash(entry, len, h);
		free(entry);
		hex_hash(json_string_value(json_array_get(level0, i)), want);
		assert_memory_equal(h, want, H);
	}
	size_t checked = 0;
	for (size_t level = 1; level < json_array_size(nodes); level++) {
		json_t *row = json_array_get(nodes, level),
		       *below = json_array_get(nodes, level - 1);
		assert_int_equal(json_array_size(row) * 2, json_array_size(below));
		for (size_t i = 0; i < json_array_size(row); i++) {
			unsigned char l[H], r[H], h[H], want[H];
			hex_hash(json_string_value(json_array_get(below, 2 * i)), l);
			hex_hash(json_string_value(json_array_get(below, 2 * i + 1)), r);
			merkle_node_hash(l, r, h);
			hex_hash(json_string_value(json_array_get(row, i)), want);
			assert_memory_equal(h, want, H);
			checked++;
		}
	}
	assert_int_equal(checked, 4 + 2 + 1);

	/* The root of every prefix, from the frontier and from stored hashes. */
	struct store *s = calloc(1, sizeof *s);
	assert_non_null(s);
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (size_t n = 0; n <= nleaves; n++) {
		unsigned char want[H], got[H];
		hex_hash(json_string_value(json_array_get(roots, n)), want);
		merkle_frontier_root(&f, got);
		assert_memory_equal(got, want, H);
		s->size = n;
		assert_int_equal(merkle_root(n, store_get, s, got), 0);
		assert_memory_equal(got, want, H);
		if (n < nleaves) {
			unsigned char leaf[H];
			hex_hash(json_string_value(json_array_get(level0, n)), leaf);
			assert_int_equal(merkle_frontier_append(&f, leaf, store_node, s), 0);
		}
	}
	free(s);

	json_t *extra = json_object_get(v, "extra");
	assert_int_equal(json_array_size(extra), 2);
	for (size_t i = 0; i < json_array_size(extra); i++) {
		json_t *e = json_array_get(extra, i);
		size_t len;
		unsigned char *entry = tu_hex_decode_alloc(str_field(e, "entry_hex"), &len);
		unsigned char h[H], want[H];
		merkle_leaf_hash(entry, len, h);
		free(entry);
		json_t *root = json_object_get(e, "root_b64");
		json_t *leaf = json_object_get(e, "leaf_hash_b64");
		assert_true(root || leaf);
		assert_int_equal(b64_hash(json_string_value(root ? root : leaf), want), H);
		assert_memory_equal(h, want, H);
		if (root) { /* a one-leaf tree: its root is its leaf hash */
			struct merkle_frontier one;
			merkle_frontier_init(&one);
			assert_int_equal(merkle_frontier_append(&one, h, NULL, NULL), 0);
			unsigned char r[H];
			merkle_frontier_root(&one, r);
			assert_memory_equal(r, want, H);
		}
	}
	json_decref(v);
}

static void test_inclusion_vectors(void **state)
{
	(void)state;
	json_t *v = load_json_reals("tlog/inclusion-proofs.json");
	json_t *cases = json_object_get(v, "cases");
	assert_int_equal(json_array_size(cases), 98);
	size_t valid = 0, refused = 0;
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		const char *file = str_field(c, "file");
		int want_err = json_is_true(json_object_get(c, "wantErr"));
		unsigned char leaf[H], root[H], proof[MERKLE_MAX_PROOF][H];
		size_t leaf_len = b64_hash(str_field(c, "leafHash"), leaf);
		size_t root_len = b64_hash(str_field(c, "root"), root);
		int odd;
		size_t n = load_proof(json_object_get(c, "proof"), proof, MERKLE_MAX_PROOF, &odd);
		/* A hash that is not 32 bytes cannot even be passed in: the
		 * caller's decoder refuses it, and every such case expects an
		 * error. They are still tried zero-padded, which must fail too,
		 * except where a leaf and a root of the same odd length ("" and
		 * "") would pad to equal values. */
		if (odd && !want_err)
			fail_msg("%s: odd-length proof hash in a valid case", file);
		if (leaf_len != H || root_len != H) {
			if (!want_err)
				fail_msg("%s: odd-length hash in a valid case", file);
			refused++;
			if (leaf_len == root_len)
				continue;
		}
		int err = merkle_verify_inclusion(u64_field(c, "leafIdx"), u64_field(c, "treeSize"),
						  leaf, (const unsigned char(*)[H])proof, n, root);
		if (want_err ? err != SHOMEI_ERR_INVALID : err != 0)
			fail_msg("%s (%s): got %d, wantErr %d", file, str_field(c, "desc"), err,
				 want_err);
		valid += !want_err;
	}
	assert_int_equal(valid, 6);
	assert_int_equal(refused, 16);
	json_decref(v);
}

static void test_consistency_vectors(void **state)
{
	(void)state;
	json_t *v = load_json_reals("tlog/consistency-proofs.json");
	json_t *cases = json_object_get(v, "cases");
	assert_int_equal(json_array_size(cases), 98);
	size_t valid = 0;
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		const char *file = str_field(c, "file");
		int want_err = json_is_true(json_object_get(c, "wantErr"));
		unsigned char r1[H], r2[H], proof[MERKLE_MAX_PROOF][H];
		/* 12- and 16-byte roots are compared as given (zero-padded): the
		 * size1 == size2 case with equal 12-byte roots is valid upstream. */
		b64_hash(str_field(c, "root1"), r1);
		b64_hash(str_field(c, "root2"), r2);
		int odd;
		size_t n = load_proof(json_object_get(c, "proof"), proof, MERKLE_MAX_PROOF, &odd);
		if (odd && !want_err)
			fail_msg("%s: odd-length proof hash in a valid case", file);
		int err = merkle_verify_consistency(u64_field(c, "size1"), u64_field(c, "size2"),
						    r1, r2, (const unsigned char(*)[H])proof, n);
		if (want_err ? err != SHOMEI_ERR_INVALID : err != 0)
			fail_msg("%s (%s): got %d, wantErr %d", file, str_field(c, "desc"), err,
				 want_err);
		valid += !want_err;
	}
	assert_int_equal(valid, 6);
	json_decref(v);
}

/* Builds the tree of entries "0".."n-1" (tiles.json's tree300) or of leaf
 * hashes SHA-256-derived from i, storing every subtree and each prefix root. */
static void build(struct store *s, unsigned char (*leaf)[H], unsigned char (*roots)[H], size_t n,
		  int decimal_entries)
{
	memset(s, 0, sizeof *s);
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	merkle_frontier_root(&f, roots[0]);
	for (size_t i = 0; i < n; i++) {
		char entry[32];
		int len = snprintf(entry, sizeof entry, decimal_entries ? "%zu" : "entry %zu", i);
		merkle_leaf_hash(entry, (size_t)len, leaf[i]);
		assert_int_equal(merkle_frontier_append(&f, leaf[i], store_node, s), 0);
		assert_int_equal(f.size, i + 1);
		merkle_frontier_root(&f, roots[i + 1]);
	}
}

static void test_generation_all_sizes(void **state)
{
	(void)state;
	struct store *s = malloc(sizeof *s);
	unsigned char(*leaf)[H] = malloc(MAXN * H);
	unsigned char(*roots)[H] = malloc((MAXN + 1) * H);
	assert_true(s && leaf && roots);
	build(s, leaf, roots, MAXN, 0);

	unsigned char proof[MERKLE_MAX_PROOF][H], want[MERKLE_MAX_PROOF][H];
	size_t len, want_len;
	for (uint64_t size = 1; size <= MAXN; size++) {
		unsigned char root[H], ref[H];
		s->size = size;
		assert_int_equal(merkle_root(size, store_get, s, root), 0);
		assert_memory_equal(root, roots[size], H); /* stored hashes = frontier */
		ref_mth(leaf, 0, size, ref);
		assert_memory_equal(root, ref, H); /* = RFC 9162 recursion */

		/* The frontier reloaded from stored hashes continues the same. */
		struct merkle_frontier f;
		assert_int_equal(merkle_frontier_load(&f, size, store_get, s), 0);
		merkle_frontier_root(&f, ref);
		assert_memory_equal(ref, root, H);
		if (size < MAXN) {
			assert_int_equal(merkle_frontier_append(&f, leaf[size], NULL, NULL), 0);
			merkle_frontier_root(&f, ref);
			assert_memory_equal(ref, roots[size + 1], H);
		}

		for (uint64_t i = 0; i < size; i++) {
			assert_int_equal(merkle_inclusion_proof(i, size, store_get, s, proof,
								MERKLE_MAX_PROOF, &len),
					 0);
			assert_int_equal(merkle_verify_inclusion(i, size, leaf[i],
								 (const unsigned char(*)[H])proof,
								 len, root),
					 0);
			if (size <= 70) {
				want_len = 0;
				ref_path(leaf, i, 0, size, want, &want_len);
				assert_int_equal(len, want_len);
				if (len)
					assert_memory_equal(proof, want, len * H);
			}
			/* Another leaf, index or size does not verify. */
			assert_int_not_equal(
			    merkle_verify_inclusion(i, size, leaf[(i + 1) % MAXN],
						    (const unsigned char(*)[H])proof, len, root),
			    0);
			if (size > 1)
				assert_int_not_equal(
				    merkle_verify_inclusion((i + 1) % size, size, leaf[i],
							    (const unsigned char(*)[H])proof, len,
							    root),
				    0);
			if (size < MAXN)
				assert_int_not_equal(
				    merkle_verify_inclusion(i, size + 1, leaf[i],
							    (const unsigned char(*)[H])proof, len,
							    roots[size + 1]),
				    0);
		}
	}

	/* Consistency between every pair of sizes up to 70, and from every size
	 * to 300 and 257. */
	size_t pairs = 0;
	for (uint64_t size2 = 1; size2 <= MAXN; size2++) {
		for (uint64_t size1 = 1; size1 <= size2; size1++) {
			if (size2 > 70 && size2 != MAXN && size2 != 257)
				continue;
			s->size = size2;
			assert_int_equal(merkle_consistency_proof(size1, size2, store_get, s, proof,
								  MERKLE_MAX_PROOF, &len),
					 0);
			assert_int_equal(
			    merkle_verify_consistency(size1, size2, roots[size1], roots[size2],
						      (const unsigned char(*)[H])proof, len),
			    0);
			want_len = 0;
			ref_subproof(leaf, size1, 0, size2, 1, want, &want_len);
			assert_int_equal(len, want_len);
			if (len)
				assert_memory_equal(proof, want, len * H);
			if (size1 < size2) {
				assert_true(len > 0);
				/* Flip one bit of each hash in turn: refused. */
				for (size_t j = 0; j < len; j++) {
					proof[j][j % H] ^= 0x10;
					assert_int_equal(merkle_verify_consistency(
							     size1, size2, roots[size1],
							     roots[size2],
							     (const unsigned char(*)[H])proof, len),
							 SHOMEI_ERR_INVALID);
					proof[j][j % H] ^= 0x10;
				}
				/* Wrong old root, one hash short. */
				assert_int_equal(merkle_verify_consistency(
						     size1, size2, roots[size1 - 1], roots[size2],
						     (const unsigned char(*)[H])proof, len),
						 SHOMEI_ERR_INVALID);
				assert_int_equal(merkle_verify_consistency(
						     size1, size2, roots[size1], roots[size2],
						     (const unsigned char(*)[H])proof, len - 1),
						 SHOMEI_ERR_INVALID);
			}
			pairs++;
		}
	}
	assert_int_equal(pairs, 70 * 71 / 2 + 257 + 300);
	free(s);
	free(leaf);
	free(roots);
}

/* A getter over a tree too big to store: every leaf is the same, so the
 * complete subtrees of one level all have one hash, level[l] =
 * H(level[l-1], level[l-1]), and the tree is consistent however it is cut.
 * Trees at the 2^64 ceiling can then be proved about. */
struct uniform {
	uint64_t size;
	unsigned char level[64][H];
};

static void uniform_init(struct uniform *u, uint64_t size)
{
	u->size = size;
	merkle_leaf_hash("x", 1, u->level[0]);
	for (int l = 1; l < 64; l++)
		merkle_node_hash(u->level[l - 1], u->level[l - 1], u->level[l]);
}

static int uniform_get(void *ctx, uint64_t level, uint64_t index, unsigned char out[H])
{
	const struct uniform *u = ctx;
	if (level >= 64 || index > ((u->size - 1) >> level) ||
	    (index << level) + (((uint64_t)1 << level) - 1) > u->size - 1)
		fail_msg("uniform tree: (%llu, %llu) outside", (unsigned long long)level,
			 (unsigned long long)index);
	memcpy(out, u->level[level], H);
	return 0;
}

static void test_extreme_sizes(void **state)
{
	(void)state;
	struct uniform big, small;
	uniform_init(&big, UINT64_MAX); /* 2^64 - 1 leaves, the largest tree */
	uniform_init(&small, 3);
	unsigned char proof[MERKLE_MAX_PROOF][H], root2[H], root1[H];
	const unsigned char *leaf = big.level[0];
	size_t len;
	assert_int_equal(merkle_root(big.size, uniform_get, &big, root2), 0);
	assert_int_equal(merkle_root(3, uniform_get, &small, root1), 0);

	/* The longest consistency proof: 65 hashes. */
	assert_int_equal(
	    merkle_consistency_proof(3, big.size, uniform_get, &big, proof, MERKLE_MAX_PROOF, &len),
	    0);
	assert_int_equal(len, 65);
	assert_int_equal(merkle_verify_consistency(3, big.size, root1, root2,
						   (const unsigned char(*)[H])proof, len),
			 0);
	proof[64][0] ^= 1; /* the last hash counts */
	assert_int_equal(merkle_verify_consistency(3, big.size, root1, root2,
						   (const unsigned char(*)[H])proof, len),
			 SHOMEI_ERR_INVALID);
	/* One slot short is refused, and clears the output. */
	assert_int_equal(merkle_consistency_proof(3, big.size, uniform_get, &big, proof, 64, &len),
			 SHOMEI_ERR_LIMIT);
	assert_int_equal(len, 0);
	static const unsigned char zero[64][H];
	assert_memory_equal(proof, zero, sizeof zero);

	/* The deepest leaves: 64 hashes; the last leaf: 63 (it sits at the end
	 * of the right-hand 2^63 - 1 leaves). */
	assert_int_equal(
	    merkle_inclusion_proof(2, big.size, uniform_get, &big, proof, MERKLE_MAX_PROOF, &len),
	    0);
	assert_int_equal(len, 64);
	assert_int_equal(merkle_verify_inclusion(2, big.size, leaf,
						 (const unsigned char(*)[H])proof, len, root2),
			 0);
	assert_int_equal(merkle_inclusion_proof(big.size - 1, big.size, uniform_get, &big, proof,
						MERKLE_MAX_PROOF, &len),
			 0);
	assert_int_equal(len, 63);
	assert_int_equal(merkle_verify_inclusion(big.size - 1, big.size, leaf,
						 (const unsigned char(*)[H])proof, len, root2),
			 0);
	assert_int_equal(merkle_verify_inclusion(big.size, big.size, leaf,
						 (const unsigned char(*)[H])proof, len, root2),
			 SHOMEI_ERR_INVALID);

	/* A frontier at its ceiling refuses one more leaf. */
	struct merkle_frontier f;
	assert_int_equal(merkle_frontier_load(&f, big.size, uniform_get, &big), 0);
	unsigned char r[H];
	merkle_frontier_root(&f, r);
	assert_memory_equal(r, root2, H);
	assert_int_equal(merkle_frontier_append(&f, leaf, NULL, NULL), SHOMEI_ERR_LIMIT);
	assert_int_equal(f.size, big.size);
}

static int fail_at_level2(void *ctx, uint64_t level, uint64_t index, const unsigned char hash[H])
{
	(void)index;
	(void)hash;
	(*(int *)ctx)++;
	return level == 2 ? SHOMEI_ERR_IO : 0;
}

static int get_fails(void *ctx, uint64_t level, uint64_t index, unsigned char out[H])
{
	(void)ctx;
	(void)level;
	(void)index;
	memset(out, 0xAA, H);
	return SHOMEI_ERR_NOTFOUND;
}

static void test_errors(void **state)
{
	(void)state;
	unsigned char proof[MERKLE_MAX_PROOF][H], h[H];
	size_t len = 99;
	struct store *s = calloc(1, sizeof *s);
	assert_non_null(s);
	unsigned char(*leaf)[H] = malloc(MAXN * H);
	unsigned char(*roots)[H] = malloc((MAXN + 1) * H);
	build(s, leaf, roots, 8, 0);
	s->size = 8;

	assert_int_equal(merkle_inclusion_proof(8, 8, store_get, s, proof, MERKLE_MAX_PROOF, &len),
			 SHOMEI_ERR_USAGE);
	assert_int_equal(len, 0);
	assert_int_equal(merkle_inclusion_proof(0, 0, store_get, s, proof, MERKLE_MAX_PROOF, &len),
			 SHOMEI_ERR_USAGE);
	assert_int_equal(merkle_inclusion_proof(3, 8, store_get, s, proof, 2, &len),
			 SHOMEI_ERR_LIMIT);
	assert_int_equal(
	    merkle_consistency_proof(0, 8, store_get, s, proof, MERKLE_MAX_PROOF, &len),
	    SHOMEI_ERR_USAGE);
	assert_int_equal(
	    merkle_consistency_proof(5, 4, store_get, s, proof, MERKLE_MAX_PROOF, &len),
	    SHOMEI_ERR_USAGE);
	assert_int_equal(
	    merkle_consistency_proof(4, 4, store_get, s, proof, MERKLE_MAX_PROOF, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(merkle_range_hash(3, 3, store_get, s, h), SHOMEI_ERR_USAGE);
	assert_int_equal(merkle_range_hash(2, 6, store_get, s, h),
			 SHOMEI_ERR_USAGE); /* unaligned */
	assert_int_equal(merkle_range_hash(4, 7, store_get, s, h), 0);

	/* The getter's error comes back, with outputs cleared. */
	assert_int_equal(merkle_root(5, get_fails, NULL, h), SHOMEI_ERR_NOTFOUND);
	static const unsigned char zero[H];
	assert_memory_equal(h, zero, H);
	assert_int_equal(
	    merkle_inclusion_proof(1, 5, get_fails, NULL, proof, MERKLE_MAX_PROOF, &len),
	    SHOMEI_ERR_NOTFOUND);
	assert_int_equal(len, 0);
	assert_int_equal(
	    merkle_consistency_proof(3, 5, get_fails, NULL, proof, MERKLE_MAX_PROOF, &len),
	    SHOMEI_ERR_NOTFOUND);
	struct merkle_frontier f;
	assert_int_equal(merkle_frontier_load(&f, 5, get_fails, NULL), SHOMEI_ERR_NOTFOUND);
	assert_int_equal(f.size, 0);

	/* A failing node callback leaves the frontier as it was: appending the
	 * 4th leaf forms levels 0, 1, 2. */
	merkle_frontier_init(&f);
	for (int i = 0; i < 3; i++)
		assert_int_equal(merkle_frontier_append(&f, leaf[i], NULL, NULL), 0);
	struct merkle_frontier before = f;
	int calls = 0;
	assert_int_equal(merkle_frontier_append(&f, leaf[3], fail_at_level2, &calls),
			 SHOMEI_ERR_IO);
	assert_int_equal(calls, 3);
	assert_memory_equal(&f, &before, sizeof f);

	/* Verifiers: empty trees, sizes out of order, overlong proofs. */
	merkle_empty_root(h);
	assert_int_equal(merkle_verify_inclusion(0, 0, h, NULL, 0, h), SHOMEI_ERR_INVALID);
	assert_int_equal(merkle_verify_consistency(0, 0, h, h, NULL, 0), SHOMEI_ERR_INVALID);
	assert_int_equal(merkle_verify_consistency(1, 1, roots[1], roots[1], NULL, 0), 0);
	assert_int_equal(merkle_verify_consistency(2, 1, roots[2], roots[1], NULL, 0),
			 SHOMEI_ERR_INVALID);
	unsigned char big[MERKLE_MAX_PROOF + 1][H];
	memset(big, 0, sizeof big);
	assert_int_equal(merkle_verify_inclusion(0, 1, leaf[0], (const unsigned char(*)[H])big,
						 MERKLE_MAX_PROOF + 1, roots[1]),
			 SHOMEI_ERR_INVALID);
	free(s);
	free(leaf);
	free(roots);
}

/* tiles.json's tree300: entry i is the decimal digits of i. */
static void test_tree300(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/tiles.json");
	json_t *t = json_object_get(v, "tree300");
	struct store *s = malloc(sizeof *s);
	unsigned char(*leaf)[H] = malloc(MAXN * H);
	unsigned char(*roots)[H] = malloc((MAXN + 1) * H);
	assert_true(s && leaf && roots);
	build(s, leaf, roots, 300, 1);

	json_t *by_size = json_object_get(t, "root_b64_by_size");
	const char *key;
	json_t *val;
	size_t n = 0;
	json_object_foreach (by_size, key, val) {
		uint64_t size = strtoull(key, NULL, 10);
		unsigned char want[H], got[H];
		assert_int_equal(b64_hash(json_string_value(val), want), H);
		s->size = size;
		assert_int_equal(merkle_root(size, store_get, s, got), 0);
		assert_memory_equal(got, want, H);
		assert_memory_equal(roots[size], want, H);
		n++;
	}
	assert_int_equal(n, 3);

	unsigned char proof[MERKLE_MAX_PROOF][H], want[MERKLE_MAX_PROOF][H];
	size_t len;
	json_t *ip = json_object_get(t, "inclusion_proof_b64");
	uint64_t index = u64_field(ip, "index"), size = u64_field(ip, "size");
	int odd;
	size_t want_len = load_proof(json_object_get(ip, "proof"), want, MERKLE_MAX_PROOF, &odd);
	assert_false(odd);
	s->size = size;
	assert_int_equal(
	    merkle_inclusion_proof(index, size, store_get, s, proof, MERKLE_MAX_PROOF, &len), 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(proof, want, len * H);
	assert_int_equal(merkle_verify_inclusion(index, size, leaf[index],
						 (const unsigned char(*)[H])want, want_len,
						 roots[size]),
			 0);

	json_t *cp = json_object_get(t, "consistency_proof_b64");
	uint64_t size1 = u64_field(cp, "size1"), size2 = u64_field(cp, "size2");
	want_len = load_proof(json_object_get(cp, "proof"), want, MERKLE_MAX_PROOF, &odd);
	assert_false(odd);
	s->size = size2;
	assert_int_equal(
	    merkle_consistency_proof(size1, size2, store_get, s, proof, MERKLE_MAX_PROOF, &len), 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(proof, want, len * H);
	assert_int_equal(merkle_verify_consistency(size1, size2, roots[size1], roots[size2],
						   (const unsigned char(*)[H])want, want_len),
			 0);
	free(s);
	free(leaf);
	free(roots);
	json_decref(v);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_primitives),
	    cmocka_unit_test(test_rfc6962_tree),
	    cmocka_unit_test(test_inclusion_vectors),
	    cmocka_unit_test(test_consistency_vectors),
	    cmocka_unit_test(test_generation_all_sizes),
	    cmocka_unit_test(test_extreme_sizes),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_tree300),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
