/* C2SP tlog-tiles by hand: the format is a naming scheme and two byte layouts,
 * with no C library to take them from. */
#include "tiles.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

_Static_assert(TILES_WIDTH == 1 << TILES_HEIGHT, "a tile spans TILES_HEIGHT levels");
_Static_assert(TILES_MAX_LEVELS *TILES_HEIGHT == MERKLE_MAX_LEVELS, "8 tile levels cover 2^64");
_Static_assert(TILES_BUNDLE_MAX_BYTES == TILES_WIDTH * (2 + TILES_MAX_ENTRY), "bundle ceiling");

void tiles_index_path(uint64_t n, char out[TILES_PATH_BYTES])
{
	unsigned groups[7]; /* 2^64 - 1 has 20 digits */
	int k = 0;
	do {
		groups[k++] = (unsigned)(n % 1000);
		n /= 1000;
	} while (n);
	size_t at = 0;
	for (int i = k - 1; i >= 0; i--)
		at += (size_t)snprintf(out + at, TILES_PATH_BYTES - at, i ? "x%03u/" : "%03u",
				       groups[i]);
}

static int write_path(const char *prefix, uint64_t n, unsigned width, char out[TILES_PATH_BYTES])
{
	out[0] = '\0';
	if (width == 0 || width > TILES_WIDTH)
		return SHOMEI_ERR_USAGE;
	char index[TILES_PATH_BYTES];
	tiles_index_path(n, index);
	if (width == TILES_WIDTH)
		snprintf(out, TILES_PATH_BYTES, "%s%s", prefix, index);
	else
		snprintf(out, TILES_PATH_BYTES, "%s%s.p/%u", prefix, index, width);
	return 0;
}

int tiles_path(unsigned level, uint64_t n, unsigned width, char out[TILES_PATH_BYTES])
{
	if (level > TILES_MAX_LEVEL) {
		out[0] = '\0';
		return SHOMEI_ERR_USAGE;
	}
	char prefix[16];
	snprintf(prefix, sizeof prefix, "tile/%u/", level);
	return write_path(prefix, n, width, out);
}

int tiles_entries_path(uint64_t n, unsigned width, char out[TILES_PATH_BYTES])
{
	return write_path("tile/entries/", n, width, out);
}

/* Hashes at tree level 8 * level in a tree of `size` leaves. */
static uint64_t hashes_at(uint64_t size, unsigned level)
{
	return level >= TILES_MAX_LEVELS ? 0 : size >> (TILES_HEIGHT * level);
}

unsigned tiles_for_size(uint64_t size, struct tiles_level out[TILES_MAX_LEVELS])
{
	unsigned levels = 0;
	for (unsigned level = 0; level < TILES_MAX_LEVELS; level++) {
		uint64_t h = hashes_at(size, level);
		if (h == 0)
			break;
		out[level].full = h / TILES_WIDTH;
		out[level].partial = (unsigned)(h % TILES_WIDTH);
		levels++;
	}
	return levels;
}

unsigned tiles_width(uint64_t size, unsigned level, uint64_t n)
{
	uint64_t h = hashes_at(size, level);
	if (n < h / TILES_WIDTH)
		return TILES_WIDTH;
	if (n == h / TILES_WIDTH)
		return (unsigned)(h % TILES_WIDTH);
	return 0;
}

int tiles_new_between(uint64_t old_size, uint64_t new_size, tiles_visit_fn visit, void *ctx)
{
	if (old_size > new_size)
		return SHOMEI_ERR_USAGE;
	for (unsigned level = 0; level < TILES_MAX_LEVELS; level++) {
		uint64_t a = hashes_at(old_size, level), b = hashes_at(new_size, level);
		if (a == b)
			continue; /* and so on every level above */
		/* The tile holding hash a was partial (or absent) and is now
		 * fuller; all tiles after it are new. */
		for (uint64_t n = a / TILES_WIDTH; n < b / TILES_WIDTH; n++) {
			int err = visit(ctx, level, n, TILES_WIDTH);
			if (err)
				return err < 0 ? err : SHOMEI_ERR_INVALID;
		}
		if (b % TILES_WIDTH) {
			int err = visit(ctx, level, b / TILES_WIDTH, (unsigned)(b % TILES_WIDTH));
			if (err)
				return err < 0 ? err : SHOMEI_ERR_INVALID;
		}
	}
	return 0;
}

void tiles_locate(uint64_t level, uint64_t index, unsigned *tile_level, uint64_t *n,
		  unsigned *min_width)
{
	unsigned tl = (unsigned)(level / TILES_HEIGHT);
	unsigned d = (unsigned)(level % TILES_HEIGHT);
	*tile_level = tl;
	*n = index >> (TILES_HEIGHT - d);
	*min_width = (unsigned)((index << d) % TILES_WIDTH) + (1u << d);
}

int tiles_read_hash(const unsigned char *tile, size_t tile_len, unsigned tile_level, uint64_t n,
		    uint64_t level, uint64_t index, unsigned char out[MERKLE_HASH_BYTES])
{
	memset(out, 0, MERKLE_HASH_BYTES);
	if (tile_len == 0 || tile_len > TILES_FULL_BYTES || tile_len % MERKLE_HASH_BYTES)
		return SHOMEI_ERR_PARSE;
	size_t width = tile_len / MERKLE_HASH_BYTES;
	uint64_t base = (uint64_t)tile_level * TILES_HEIGHT;
	if (tile_level >= TILES_MAX_LEVELS || level < base || level > base + TILES_HEIGHT)
		return SHOMEI_ERR_USAGE;
	unsigned d = (unsigned)(level - base);
	/* The node covers tile hashes [first, first + 2^d) of its tile. */
	uint64_t tile_of = d == TILES_HEIGHT ? index : index >> (TILES_HEIGHT - d);
	if (tile_of != n)
		return SHOMEI_ERR_USAGE;
	size_t first = d == TILES_HEIGHT ? 0 : (size_t)((index << d) % TILES_WIDTH);
	size_t count = (size_t)1 << d;
	if (first + count > width)
		return SHOMEI_ERR_NOTFOUND;

	const unsigned char(*h)[MERKLE_HASH_BYTES] =
	    (const void *)(tile + first * MERKLE_HASH_BYTES);
	if (count == 1) {
		memcpy(out, h[0], MERKLE_HASH_BYTES);
		return 0;
	}
	/* A complete subtree over the tile's hashes: pair them up level by
	 * level, in place after the first round. */
	unsigned char work[TILES_WIDTH / 2][MERKLE_HASH_BYTES];
	for (size_t i = 0; i < count / 2; i++)
		merkle_node_hash(h[2 * i], h[2 * i + 1], work[i]);
	for (size_t k = count / 2; k > 1; k /= 2)
		for (size_t i = 0; i < k / 2; i++)
			merkle_node_hash(work[2 * i], work[2 * i + 1], work[i]);
	memcpy(out, work[0], MERKLE_HASH_BYTES);
	return 0;
}

int tiles_bundle_append(struct buf *b, const void *entry, size_t len, struct shomei_diag *d)
{
	if (len > TILES_MAX_ENTRY)
		return diag_set(
		    d, SHOMEI_ERR_LIMIT, "",
		    "entry of %zu bytes: a tile bundle holds at most %u bytes per entry", len,
		    TILES_MAX_ENTRY);
	unsigned char prefix[2] = {(unsigned char)(len >> 8), (unsigned char)len};
	int err = buf_reserve(b, 2 + len);
	if (!err)
		err = buf_append(b, prefix, 2);
	if (!err)
		err = buf_append(b, entry, len);
	if (err)
		return diag_set(d, err, "", "%s", shomei_strerror(err));
	return 0;
}

int tiles_bundle_parse(const unsigned char *data, size_t len, struct tiles_entry out[TILES_WIDTH],
		       size_t *count, struct shomei_diag *d)
{
	*count = 0;
	if (len == 0)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "empty entry bundle");
	size_t at = 0, n = 0;
	char where[32];
	while (at < len) {
		snprintf(where, sizeof where, "entry %zu", n);
		if (n == TILES_WIDTH)
			return diag_set(d, SHOMEI_ERR_LIMIT, where,
					"more than %u entries in a bundle", TILES_WIDTH);
		if (len - at < 2)
			return diag_set(d, SHOMEI_ERR_PARSE, where, "truncated length at byte %zu",
					at);
		size_t elen = (size_t)data[at] << 8 | data[at + 1];
		at += 2;
		if (len - at < elen)
			return diag_set(d, SHOMEI_ERR_PARSE, where,
					"entry of %zu bytes truncated at byte %zu", elen, len);
		out[n].data = data + at;
		out[n].len = elen;
		at += elen;
		n++;
	}
	*count = n;
	return 0;
}
