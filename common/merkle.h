/* merkle.h - RFC 6962 / RFC 9162 §2.1 Merkle hash trees: hashing, proof
 * verification, proof generation from stored subtree hashes, and a frontier
 * that appends leaves without keeping the tree.
 *
 * The tree over entries D[0..n) (RFC 9162 §2.1.1):
 *     MTH({})      = SHA-256()                     the empty string
 *     MTH({d})     = SHA-256(0x00 || d)            a leaf hash
 *     MTH(D[0..n)) = SHA-256(0x01 || MTH(D[0..k)) || MTH(D[k..n)))
 * where k is the largest power of two smaller than n. A "complete subtree" at
 * (level, index) is the subtree of the 2^level leaves starting at leaf
 * index << level; its hash is what tiles (tiles.h) and the frontier store.
 * docs/tlog.md has a worked example.
 *
 * Nothing here allocates or does I/O. Proofs are arrays of 32-byte hashes,
 * ordered from the leaf (or the old tree) upwards, as RFC 9162 §2.1.3 and
 * §2.1.4 define them; MERKLE_MAX_PROOF hashes always suffice.
 *
 * SHA-256 is libsodium's (crypto_hash_sha256).
 */
#ifndef SHOMEI_MERKLE_H
#define SHOMEI_MERKLE_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_BYTES 32
/* Hashes in any proof about trees below 2^64 leaves. An inclusion proof has at
 * most 64 (one per level); a consistency proof can have one more: from size 3
 * to size 2^64 - 1 it is leaf 2, leaf 3, [0, 2), then one subtree for each of
 * the 62 levels above. */
#define MERKLE_MAX_PROOF  65
#define MERKLE_MAX_LEVELS 64 /* levels of complete subtrees below 2^64 leaves */

/* out = SHA-256(0x00 || entry[0..len)), the RFC 6962 leaf hash. Borrows entry. */
void merkle_leaf_hash(const void *entry, size_t len, unsigned char out[MERKLE_HASH_BYTES]);

/* out = SHA-256(0x01 || l || r), an interior node. out may alias l or r. */
void merkle_node_hash(const unsigned char l[MERKLE_HASH_BYTES],
		      const unsigned char r[MERKLE_HASH_BYTES],
		      unsigned char out[MERKLE_HASH_BYTES]);

/* out = SHA-256 of the empty string, the root of the empty tree. */
void merkle_empty_root(unsigned char out[MERKLE_HASH_BYTES]);

/* Verifies that `leaf` (already a leaf hash) is entry `index` of the tree of
 * `size` leaves whose root is `root`, by the proof[0..proof_len) (RFC 9162
 * §2.1.3.2). Returns 0, or SHOMEI_ERR_INVALID when index >= size, the proof
 * has the wrong number of hashes (more than MERKLE_MAX_PROOF included) or the
 * computed root differs. proof may be NULL when proof_len is 0. */
int merkle_verify_inclusion(uint64_t index, uint64_t size,
			    const unsigned char leaf[MERKLE_HASH_BYTES],
			    const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t proof_len,
			    const unsigned char root[MERKLE_HASH_BYTES])
    __attribute__((warn_unused_result));

/* Verifies that the tree of size1 leaves with root1 is a prefix of the tree of
 * size2 leaves with root2, by proof[0..proof_len) (RFC 9162 §2.1.4.2).
 * Returns 0, or SHOMEI_ERR_INVALID when:
 *   - size1 == 0: every tree extends the empty one, so such a "proof" proves
 *     nothing and is refused (as transparency-dev/merkle does); a caller that
 *     has seen no checkpoint yet has nothing to check;
 *   - size1 > size2;
 *   - size1 == size2 and the proof is not empty or root1 != root2;
 *   - the proof has the wrong number of hashes or does not give both roots. */
int merkle_verify_consistency(uint64_t size1, uint64_t size2,
			      const unsigned char root1[MERKLE_HASH_BYTES],
			      const unsigned char root2[MERKLE_HASH_BYTES],
			      const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t proof_len)
    __attribute__((warn_unused_result));

/* Where proof generation gets its hashes: writes to out the hash of the
 * complete subtree of 2^level leaves starting at leaf index << level, and
 * returns 0, or a negative enum shomei_err that the caller passes on
 * (SHOMEI_ERR_NOTFOUND, SHOMEI_ERR_IO...). The functions below only ask for
 * subtrees lying wholly inside the tree they were given. */
typedef int (*merkle_get_hash_fn)(void *ctx, uint64_t level, uint64_t index,
				  unsigned char out[MERKLE_HASH_BYTES]);

/* The root of the tree of `size` leaves (merkle_empty_root for 0), from at
 * most 64 calls to get. Returns 0 or get's error (out is then zeroed). */
int merkle_root(uint64_t size, merkle_get_hash_fn get, void *ctx,
		unsigned char out[MERKLE_HASH_BYTES]) __attribute__((warn_unused_result));

/* The hash of the leaf range [begin, end) as a subtree of RFC 9162's
 * recursion: begin must be a multiple of the smallest power of two >= end -
 * begin, as the ranges inside any tree are (SHOMEI_ERR_USAGE otherwise, and
 * for begin >= end). Returns 0 or get's error; out is zeroed on failure. */
int merkle_range_hash(uint64_t begin, uint64_t end, merkle_get_hash_fn get, void *ctx,
		      unsigned char out[MERKLE_HASH_BYTES]) __attribute__((warn_unused_result));

/* The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162
 * §2.1.3.1) into proof[0..cap), *len hashes. Returns 0, or
 *   SHOMEI_ERR_USAGE  index >= size;
 *   SHOMEI_ERR_LIMIT  the proof needs more than cap hashes (MERKLE_MAX_PROOF
 *                     is always enough);
 *   get's error.
 * On failure *len is 0 and proof[0..cap) is zeroed. */
int merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_get_hash_fn get, void *ctx,
			   unsigned char (*proof)[MERKLE_HASH_BYTES], size_t cap, size_t *len)
    __attribute__((warn_unused_result));

/* The consistency proof from the tree of size1 leaves to that of size2 (RFC
 * 9162 §2.1.4.1), the same way. size1 == size2 gives an empty proof;
 * SHOMEI_ERR_USAGE for size1 == 0 (see merkle_verify_consistency) and
 * size1 > size2. */
int merkle_consistency_proof(uint64_t size1, uint64_t size2, merkle_get_hash_fn get, void *ctx,
			     unsigned char (*proof)[MERKLE_HASH_BYTES], size_t cap, size_t *len)
    __attribute__((warn_unused_result));

/* A frontier (a "compact range" from leaf 0): for every bit `level` set in
 * size, hashes[level] is the complete subtree of 2^level leaves that the bit
 * stands for, the largest leftmost. That is all it takes to append and to get
 * the root. The caller owns the struct (2 KiB); other entries of hashes are
 * unspecified. */
struct merkle_frontier {
	uint64_t size;
	unsigned char hashes[MERKLE_MAX_LEVELS][MERKLE_HASH_BYTES];
};

/* Told of every complete subtree an append forms, leaf first (level 0, index
 * the leaf's), then each parent up to the largest, so that a tile writer can
 * store them. Returns 0 or a negative enum shomei_err that stops the append. */
typedef int (*merkle_node_fn)(void *ctx, uint64_t level, uint64_t index,
			      const unsigned char hash[MERKLE_HASH_BYTES]);

/* An empty frontier. */
void merkle_frontier_init(struct merkle_frontier *f);

/* The frontier of the tree of `size` leaves, from popcount(size) calls to get
 * (to resume appending to a stored log). Returns 0 or get's error (f is then
 * empty). */
int merkle_frontier_load(struct merkle_frontier *f, uint64_t size, merkle_get_hash_fn get,
			 void *ctx) __attribute__((warn_unused_result));

/* Appends the leaf hash `leaf`, calling node (when not NULL) for each subtree
 * formed. Returns 0; SHOMEI_ERR_LIMIT when the tree has 2^64 - 1 leaves; or
 * node's error. On failure f is unchanged (node may have seen some subtrees). */
int merkle_frontier_append(struct merkle_frontier *f, const unsigned char leaf[MERKLE_HASH_BYTES],
			   merkle_node_fn node, void *ctx) __attribute__((warn_unused_result));

/* The root of the frontier's tree (merkle_empty_root when empty). */
void merkle_frontier_root(const struct merkle_frontier *f, unsigned char out[MERKLE_HASH_BYTES]);

#endif
