/* RFC 6962 / RFC 9162 Merkle trees by hand: no Debian C library offers them,
 * and the algorithms are short. Verification follows RFC 9162 §2.1.3.2 and
 * §2.1.4.2 step by step; generation walks RFC 9162's recursive definitions
 * (PATH and SUBPROOF) top-down without recursion. SHA-256 is libsodium's. */
#include "merkle.h"

#include "err.h"

#include <sodium.h>
#include <string.h>

_Static_assert(MERKLE_HASH_BYTES == crypto_hash_sha256_BYTES, "SHA-256 output size");
_Static_assert(MERKLE_MAX_PROOF >= MERKLE_MAX_LEVELS + 1, "consistency proofs need 65");

void merkle_leaf_hash(const void *entry, size_t len, unsigned char out[MERKLE_HASH_BYTES])
{
	static const unsigned char prefix = 0x00;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	if (len)
		crypto_hash_sha256_update(&st, entry, len);
	crypto_hash_sha256_final(&st, out);
}

void merkle_node_hash(const unsigned char l[MERKLE_HASH_BYTES],
		      const unsigned char r[MERKLE_HASH_BYTES],
		      unsigned char out[MERKLE_HASH_BYTES])
{
	unsigned char in[1 + 2 * MERKLE_HASH_BYTES];
	in[0] = 0x01;
	memcpy(in + 1, l, MERKLE_HASH_BYTES);
	memcpy(in + 1 + MERKLE_HASH_BYTES, r, MERKLE_HASH_BYTES);
	crypto_hash_sha256(out, in, sizeof in);
}

void merkle_empty_root(unsigned char out[MERKLE_HASH_BYTES])
{
	crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

static int same_hash(const unsigned char a[MERKLE_HASH_BYTES],
		     const unsigned char b[MERKLE_HASH_BYTES])
{
	return memcmp(a, b, MERKLE_HASH_BYTES) == 0;
}

int merkle_verify_inclusion(uint64_t index, uint64_t size,
			    const unsigned char leaf[MERKLE_HASH_BYTES],
			    const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t proof_len,
			    const unsigned char root[MERKLE_HASH_BYTES])
{
	if (index >= size || proof_len > MERKLE_MAX_PROOF)
		return SHOMEI_ERR_INVALID;
	uint64_t fn = index, sn = size - 1;
	unsigned char r[MERKLE_HASH_BYTES];
	memcpy(r, leaf, sizeof r);
	for (size_t i = 0; i < proof_len; i++) {
		if (sn == 0)
			return SHOMEI_ERR_INVALID; /* more hashes than levels */
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], r, r);
			/* A right-edge node without a sibling: climb the levels
			 * where it is carried up unchanged. */
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && same_hash(r, root) ? 0 : SHOMEI_ERR_INVALID;
}

int merkle_verify_consistency(uint64_t size1, uint64_t size2,
			      const unsigned char root1[MERKLE_HASH_BYTES],
			      const unsigned char root2[MERKLE_HASH_BYTES],
			      const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t proof_len)
{
	if (size1 == 0 || size1 > size2 || proof_len > MERKLE_MAX_PROOF)
		return SHOMEI_ERR_INVALID;
	if (size1 == size2)
		return proof_len == 0 && same_hash(root1, root2) ? 0 : SHOMEI_ERR_INVALID;
	if (proof_len == 0)
		return SHOMEI_ERR_INVALID;

	/* When the old tree is a complete subtree its root is the proof's
	 * implicit first hash (RFC 9162 §2.1.4.2 step 2). */
	int seed_is_root1 = (size1 & (size1 - 1)) == 0;
	const unsigned char *seed = seed_is_root1 ? root1 : proof[0];
	size_t next = seed_is_root1 ? 0 : 1;

	uint64_t fn = size1 - 1, sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	unsigned char fr[MERKLE_HASH_BYTES], sr[MERKLE_HASH_BYTES];
	memcpy(fr, seed, sizeof fr);
	memcpy(sr, seed, sizeof sr);
	for (size_t i = next; i < proof_len; i++) {
		if (sn == 0)
			return SHOMEI_ERR_INVALID;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], fr, fr);
			merkle_node_hash(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && same_hash(fr, root1) && same_hash(sr, root2) ? 0 : SHOMEI_ERR_INVALID;
}

/* The largest power of two below n, for n >= 2: RFC 9162's split point k. */
static uint64_t split_point(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

int merkle_range_hash(uint64_t begin, uint64_t end, merkle_get_hash_fn get, void *ctx,
		      unsigned char out[MERKLE_HASH_BYTES])
{
	memset(out, 0, MERKLE_HASH_BYTES);
	if (begin >= end)
		return SHOMEI_ERR_USAGE;
	uint64_t len = end - begin;
	/* begin must be aligned to the subtree that holds the range, so that
	 * every piece below is a complete subtree of the tree. */
	if (len > ((uint64_t)1 << 63)) {
		if (begin != 0)
			return SHOMEI_ERR_USAGE;
	} else {
		uint64_t span = len == 1 ? 1 : (uint64_t)1 << (64 - __builtin_clzll(len - 1));
		if (begin & (span - 1))
			return SHOMEI_ERR_USAGE;
	}

	/* The range splits into complete subtrees, one per bit of len, largest
	 * first; RFC 9162's recursion hashes them together from the right. */
	unsigned char parts[MERKLE_MAX_LEVELS][MERKLE_HASH_BYTES];
	size_t n = 0;
	uint64_t at = begin;
	for (int level = MERKLE_MAX_LEVELS - 1; level >= 0; level--) {
		uint64_t w = (uint64_t)1 << level;
		if (!(len & w))
			continue;
		int err = get(ctx, (uint64_t)level, at >> level, parts[n]);
		if (err) {
			sodium_memzero(parts, sizeof parts);
			return err < 0 ? err : SHOMEI_ERR_INVALID;
		}
		n++;
		at += w;
	}
	unsigned char acc[MERKLE_HASH_BYTES];
	memcpy(acc, parts[n - 1], sizeof acc);
	for (size_t i = n - 1; i > 0; i--)
		merkle_node_hash(parts[i - 1], acc, acc);
	memcpy(out, acc, MERKLE_HASH_BYTES);
	return 0;
}

int merkle_root(uint64_t size, merkle_get_hash_fn get, void *ctx,
		unsigned char out[MERKLE_HASH_BYTES])
{
	if (size == 0) {
		merkle_empty_root(out);
		return 0;
	}
	return merkle_range_hash(0, size, get, ctx, out);
}

struct range {
	uint64_t begin, end;
};

/* Hashes ranges[0..n) into proof in the given order, checking cap. */
static int fill_proof(const struct range *ranges, size_t n, merkle_get_hash_fn get, void *ctx,
		      unsigned char (*proof)[MERKLE_HASH_BYTES], size_t cap, size_t *len)
{
	if (n > cap)
		return SHOMEI_ERR_LIMIT;
	for (size_t i = 0; i < n; i++) {
		int err = merkle_range_hash(ranges[i].begin, ranges[i].end, get, ctx, proof[i]);
		if (err)
			return err;
	}
	*len = n;
	return 0;
}

static void clear_proof(unsigned char (*proof)[MERKLE_HASH_BYTES], size_t cap, size_t *len)
{
	if (proof && cap)
		memset(proof, 0, cap * MERKLE_HASH_BYTES);
	*len = 0;
}

int merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_get_hash_fn get, void *ctx,
			   unsigned char (*proof)[MERKLE_HASH_BYTES], size_t cap, size_t *len)
{
	clear_proof(proof, cap, len);
	if (index >= size)
		return SHOMEI_ERR_USAGE;
	/* Walk down from the root towards the leaf, noting each sibling; the
	 * proof lists them from the leaf up. */
	struct range down[MERKLE_MAX_LEVELS], path[MERKLE_MAX_LEVELS];
	size_t n = 0;
	uint64_t begin = 0, end = size;
	while (end - begin > 1) {
		uint64_t k = split_point(end - begin);
		if (index < begin + k) {
			down[n++] = (struct range){begin + k, end};
			end = begin + k;
		} else {
			down[n++] = (struct range){begin, begin + k};
			begin += k;
		}
	}
	for (size_t i = 0; i < n; i++)
		path[i] = down[n - 1 - i];
	int err = fill_proof(path, n, get, ctx, proof, cap, len);
	if (err)
		clear_proof(proof, cap, len);
	return err;
}

int merkle_consistency_proof(uint64_t size1, uint64_t size2, merkle_get_hash_fn get, void *ctx,
			     unsigned char (*proof)[MERKLE_HASH_BYTES], size_t cap, size_t *len)
{
	clear_proof(proof, cap, len);
	if (size1 == 0 || size1 > size2)
		return SHOMEI_ERR_USAGE;
	if (size1 == size2)
		return 0;
	/* SUBPROOF(m, D[begin..end), complete) walked down: each step notes the
	 * sibling of the side that holds the old tree's right edge. It ends at
	 * the subtree that ends where the old tree does; that subtree leads
	 * the proof unless it is the old tree itself (complete), whose root the
	 * verifier already has. */
	struct range down[MERKLE_MAX_LEVELS], path[MERKLE_MAX_PROOF];
	size_t n = 0;
	uint64_t begin = 0, end = size2;
	int complete = 1;
	while (end != size1) {
		uint64_t k = split_point(end - begin);
		if (size1 <= begin + k) {
			down[n++] = (struct range){begin + k, end};
			end = begin + k;
		} else {
			down[n++] = (struct range){begin, begin + k};
			begin += k;
			complete = 0;
		}
	}
	size_t m = 0;
	if (!complete)
		path[m++] = (struct range){begin, end};
	for (size_t i = 0; i < n; i++)
		path[m++] = down[n - 1 - i];
	int err = fill_proof(path, m, get, ctx, proof, cap, len);
	if (err)
		clear_proof(proof, cap, len);
	return err;
}

void merkle_frontier_init(struct merkle_frontier *f)
{
	memset(f, 0, sizeof *f);
}

int merkle_frontier_load(struct merkle_frontier *f, uint64_t size, merkle_get_hash_fn get,
			 void *ctx)
{
	merkle_frontier_init(f);
	uint64_t at = 0;
	for (int level = MERKLE_MAX_LEVELS - 1; level >= 0; level--) {
		uint64_t w = (uint64_t)1 << level;
		if (!(size & w))
			continue;
		int err = get(ctx, (uint64_t)level, at >> level, f->hashes[level]);
		if (err) {
			merkle_frontier_init(f);
			return err < 0 ? err : SHOMEI_ERR_INVALID;
		}
		at += w;
	}
	f->size = size;
	return 0;
}

int merkle_frontier_append(struct merkle_frontier *f, const unsigned char leaf[MERKLE_HASH_BYTES],
			   merkle_node_fn node, void *ctx)
{
	if (f->size == UINT64_MAX)
		return SHOMEI_ERR_LIMIT;
	/* Like adding one in binary: each set low bit of size is a complete
	 * subtree that merges with the new one into the next level up. */
	uint64_t size = f->size;
	unsigned char h[MERKLE_HASH_BYTES];
	memcpy(h, leaf, sizeof h);
	unsigned level = 0;
	for (;;) {
		if (node) {
			int err = node(ctx, level, size >> level, h);
			if (err)
				return err < 0 ? err : SHOMEI_ERR_INVALID;
		}
		if (!(size & ((uint64_t)1 << level)))
			break;
		merkle_node_hash(f->hashes[level], h, h);
		level++;
	}
	memcpy(f->hashes[level], h, sizeof h);
	f->size = size + 1;
	return 0;
}

void merkle_frontier_root(const struct merkle_frontier *f, unsigned char out[MERKLE_HASH_BYTES])
{
	if (f->size == 0) {
		merkle_empty_root(out);
		return;
	}
	/* The smallest subtree is the rightmost; fold leftwards. */
	unsigned char acc[MERKLE_HASH_BYTES];
	int have = 0;
	for (unsigned level = 0; level < MERKLE_MAX_LEVELS; level++) {
		if (!(f->size & ((uint64_t)1 << level)))
			continue;
		if (!have) {
			memcpy(acc, f->hashes[level], sizeof acc);
			have = 1;
		} else {
			merkle_node_hash(f->hashes[level], acc, acc);
		}
	}
	memcpy(out, acc, MERKLE_HASH_BYTES);
}
