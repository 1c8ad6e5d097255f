/* tlog-tiles data from outside (common/tiles.h). Invariants:
 *  - an accepted entry bundle has 1..256 entries lying inside the input, in
 *    order, and re-encodes (tiles_bundle_append) to exactly the input; a
 *    refusal sets the count to 0 and says where;
 *  - the input read as a tile (when its length is a multiple of 32): every
 *    hash tiles_read_hash computes at a level above the tile's own is the
 *    node hash of the two below it, and reads past the width are refused;
 *  - paths built from the input's first bytes fit TILES_PATH_BYTES and their
 *    index part reads back as the number. */
#include "tiles.h"

#include "init.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bundle(const uint8_t *data, size_t size)
{
	static struct tiles_entry e[TILES_WIDTH];
	size_t count = 12345;
	struct shomei_diag d;
	d.what[0] = '\0';
	int err = tiles_bundle_parse(data, size, e, &count, &d);
	if (err) {
		if ((err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_LIMIT) || count != 0 ||
		    d.what[0] == '\0')
			abort();
		return;
	}
	if (count == 0 || count > TILES_WIDTH)
		abort();
	struct buf b;
	buf_init(&b, TILES_BUNDLE_MAX_BYTES);
	const unsigned char *at = data;
	for (size_t i = 0; i < count; i++) {
		if (e[i].data != at + 2 || e[i].len > TILES_MAX_ENTRY ||
		    e[i].data + e[i].len > data + size)
			abort();
		at = e[i].data + e[i].len;
		if (tiles_bundle_append(&b, e[i].data, e[i].len, NULL) != 0)
			abort();
	}
	if (at != data + size || b.len != size || memcmp(b.data, data, size) != 0)
		abort();
	buf_release(&b);
}

static void check_tile(const uint8_t *data, size_t size)
{
	if (size == 0 || size % MERKLE_HASH_BYTES || size > TILES_FULL_BYTES)
		return;
	size_t width = size / MERKLE_HASH_BYTES;
	unsigned tl = data[0] % TILES_MAX_LEVELS;
	uint64_t n = data[size - 1];
	uint64_t base = (uint64_t)tl * TILES_HEIGHT;
	for (unsigned dlev = 0; dlev <= TILES_HEIGHT; dlev++) {
		uint64_t per_tile = (uint64_t)TILES_WIDTH >> dlev;
		for (uint64_t j = 0; j < per_tile; j++) {
			uint64_t index = n * per_tile + j;
			unsigned char h[MERKLE_HASH_BYTES];
			int err = tiles_read_hash(data, size, tl, n, base + dlev, index, h);
			size_t need = (size_t)(j + 1) << dlev;
			if ((need <= width) != (err == 0))
				abort();
			if (err) {
				if (err != SHOMEI_ERR_NOTFOUND)
					abort();
				break;
			}
			if (dlev == 0) {
				if (memcmp(h, data + j * MERKLE_HASH_BYTES, MERKLE_HASH_BYTES) != 0)
					abort();
				continue;
			}
			unsigned char l[MERKLE_HASH_BYTES], r[MERKLE_HASH_BYTES],
			    want[MERKLE_HASH_BYTES];
			if (tiles_read_hash(data, size, tl, n, base + dlev - 1, 2 * index, l) !=
				0 ||
			    tiles_read_hash(data, size, tl, n, base + dlev - 1, 2 * index + 1, r) !=
				0)
				abort();
			merkle_node_hash(l, r, want);
			if (memcmp(h, want, MERKLE_HASH_BYTES) != 0)
				abort();
			/* Which tile tiles_locate names for it. */
			unsigned ltl, mw;
			uint64_t ln;
			tiles_locate(base + dlev, index, &ltl, &ln, &mw);
			if (dlev < TILES_HEIGHT && (ltl != tl || ln != n || mw != need))
				abort();
		}
	}
}

static void check_paths(const uint8_t *data, size_t size)
{
	if (size < 11)
		return;
	unsigned level = data[0] % 70, width = (unsigned)(data[1] << 8 | data[2]) % 260;
	uint64_t n = 0;
	for (int i = 0; i < 8; i++)
		n = n << 8 | data[3 + i];
	if (data[0] & 0x80)
		n %= 1000000; /* small numbers too */
	char p[TILES_PATH_BYTES];
	int err = tiles_path(level, n, width, p);
	int ok = level <= TILES_MAX_LEVEL && width >= 1 && width <= TILES_WIDTH;
	if ((err == 0) != ok || strlen(p) >= TILES_PATH_BYTES)
		abort();
	err = tiles_entries_path(n, width, p);
	if ((err == 0) != (width >= 1 && width <= TILES_WIDTH))
		abort();
	char idx[TILES_PATH_BYTES], digits[TILES_PATH_BYTES];
	tiles_index_path(n, idx);
	size_t k = 0;
	for (const char *s = idx; *s; s++) {
		if (*s == 'x' || *s == '/')
			continue;
		if (*s < '0' || *s > '9')
			abort();
		digits[k++] = *s;
	}
	digits[k] = '\0';
	if (k % 3 || strtoull(digits, NULL, 10) != n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (shomei_init() != 0)
			abort();
		ready = 1;
	}
	check_bundle(data, size);
	check_tile(data, size);
	check_paths(data, size);
	return 0;
}
