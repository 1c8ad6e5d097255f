/* tiles.h - C2SP tlog-tiles: where a tiled log keeps its Merkle tree hashes
 * and entries, and what those files hold (c2sp.org/tlog-tiles).
 *
 * A tile at tile level L, index N holds up to TILES_WIDTH consecutive hashes
 * of the Merkle tree (merkle.h) at tree level 8 * L: hash i is the complete
 * subtree at (8 * L, N * 256 + i), i.e. MTH(D[(N*256 + i) * 256^L :
 * (N*256 + i + 1) * 256^L]). A full tile has 256 hashes (8192 bytes); the
 * rightmost tile of a level is partial, 1..255 hashes, and has its own path.
 * Tree levels between multiples of 8 are not stored: they are recomputed from
 * the tile below (tiles_read_hash). Entry bundles hold the entries of the
 * level-0 tile with the same index and width.
 *
 * Paths ("tile/<L>/<N>[.p/<W>]", "tile/entries/<N>[.p/<W>]"): N is written
 * in zero-padded groups of 3 digits, each but the last prefixed by 'x'
 * (1234067 is "x001/x234/067"); W, the width of a partial tile, and L are
 * plain decimal.
 *
 * Nothing here allocates (except through a struct buf) or does I/O.
 */
#ifndef SHOMEI_TILES_H
#define SHOMEI_TILES_H

#include "err.h"
#include "internal/buf.h"
#include "merkle.h"

#include <stddef.h>
#include <stdint.h>

#define TILES_HEIGHT	       8   /* tree levels per tile level */
#define TILES_WIDTH	       256 /* hashes in a full tile, entries in a full bundle */
#define TILES_FULL_BYTES       (TILES_WIDTH * MERKLE_HASH_BYTES)
#define TILES_MAX_LEVEL	       63    /* the spec's bound on <L> in a path */
#define TILES_MAX_LEVELS       8     /* tile levels of a tree below 2^64 leaves (256^8 = 2^64) */
#define TILES_PATH_BYTES       64    /* any path, with its NUL (the longest is 52 characters) */
#define TILES_MAX_ENTRY	       65535 /* an entry's length is a big-endian uint16 in a bundle */
#define TILES_BUNDLE_MAX_BYTES (TILES_WIDTH * (2 + TILES_MAX_ENTRY))

/* Writes the index part of a path for N ("000", "x001/000") into out. */
void tiles_index_path(uint64_t n, char out[TILES_PATH_BYTES]);

/* Writes "tile/<level>/<N>" (width == TILES_WIDTH) or "tile/<level>/<N>.p/<width>"
 * (width 1..255) into out. Returns 0, or SHOMEI_ERR_USAGE for level above
 * TILES_MAX_LEVEL or width outside 1..256 (out is then ""). */
int tiles_path(unsigned level, uint64_t n, unsigned width, char out[TILES_PATH_BYTES])
    __attribute__((warn_unused_result));

/* Writes "tile/entries/<N>[.p/<width>]" into out, the same way. */
int tiles_entries_path(uint64_t n, unsigned width, char out[TILES_PATH_BYTES])
    __attribute__((warn_unused_result));

/* The tiles of one tile level of a tree. */
struct tiles_level {
	uint64_t full;	  /* full tiles: indexes 0..full-1 */
	unsigned partial; /* width of the partial tile at index `full`; 0: none */
};

/* The tiles a tree of `size` leaves consists of, level by level from 0 (the
 * same for entry bundles as for level 0). Returns the number of levels filled
 * in out (0 for the empty tree): a level exists while size >= 256^level. */
unsigned tiles_for_size(uint64_t size, struct tiles_level out[TILES_MAX_LEVELS]);

/* The width of tile (level, n) in a tree of `size` leaves: TILES_WIDTH for a
 * full tile, 1..255 for the partial one, 0 when the tree has no such tile. */
unsigned tiles_width(uint64_t size, unsigned level, uint64_t n);

/* Told of one tile: level, index and width (TILES_WIDTH = full). */
typedef int (*tiles_visit_fn)(void *ctx, unsigned level, uint64_t n, unsigned width);

/* Calls visit for every tile of the tree of new_size leaves that the tree of
 * old_size leaves did not have with the same width (what a writer must write
 * or a mirror fetch to go from one to the other), by level, then index. A
 * level-0 tile visited stands for its entry bundle too. Returns 0;
 * SHOMEI_ERR_USAGE when old_size > new_size; or visit's error, which stops
 * the walk. */
int tiles_new_between(uint64_t old_size, uint64_t new_size, tiles_visit_fn visit, void *ctx)
    __attribute__((warn_unused_result));

/* Where the complete subtree hash (level, index) of merkle.h lives: tile
 * level level / 8, tile index *n, in a tile of at least *min_width hashes.
 * Every level has one: tiles_read_hash computes the levels tiles skip. Level
 * must be below MERKLE_MAX_LEVELS (tile level 7 at most). */
void tiles_locate(uint64_t level, uint64_t index, unsigned *tile_level, uint64_t *n,
		  unsigned *min_width);

/* Reads the complete subtree hash (level, index) out of the bytes of tile
 * (tile_level, n), tile[0..tile_len): directly when level == 8 * tile_level,
 * else by hashing the 2^(level - 8 * tile_level) tile hashes it covers (up to
 * level 8 * tile_level + 8, the whole full tile). This is what a
 * merkle_get_hash_fn over stored tiles calls. Returns 0, or
 *   SHOMEI_ERR_PARSE  tile_len is not 32 * w for a width w of 1..256;
 *   SHOMEI_ERR_USAGE  (level, index) is not in this tile;
 *   SHOMEI_ERR_NOTFOUND  it is, but past this (partial) tile's width.
 * out is zeroed on failure. */
int tiles_read_hash(const unsigned char *tile, size_t tile_len, unsigned tile_level, uint64_t n,
		    uint64_t level, uint64_t index, unsigned char out[MERKLE_HASH_BYTES])
    __attribute__((warn_unused_result));

/* Appends one entry to an entry bundle being built in b: its length as a
 * big-endian uint16, then its bytes. Returns 0; SHOMEI_ERR_LIMIT when len >
 * TILES_MAX_ENTRY (such an entry cannot be stored in a tlog-tiles log; d says
 * so) or b's ceiling is reached (b is then unchanged); SHOMEI_ERR_NOMEM. */
int tiles_bundle_append(struct buf *b, const void *entry, size_t len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* One entry of a parsed bundle: borrowed from the bundle's bytes. */
struct tiles_entry {
	const unsigned char *data;
	size_t len;
};

/* Splits the bundle data[0..len) into its entries (out[0..*count), pointing
 * into data). Strict: every length prefix and entry must be complete, nothing
 * may follow the last entry, and there must be 1..TILES_WIDTH entries.
 * Returns 0, or SHOMEI_ERR_PARSE (empty bundle, truncated entry; d->where is
 * "entry N" and the byte offset is in d->what) or SHOMEI_ERR_LIMIT (more than
 * TILES_WIDTH entries). On failure *count is 0. The caller checks that the
 * count is the width the path promised. */
int tiles_bundle_parse(const unsigned char *data, size_t len, struct tiles_entry out[TILES_WIDTH],
		       size_t *count, struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
