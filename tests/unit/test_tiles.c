/* C2SP tlog-tiles (common/tiles.h): every case of vectors/tlog/tiles.json
 * (index and tile paths, tile sets per size, the bytes of every tile and
 * bundle of the 8- and 300-entry logs), then roots and proofs served from
 * those tiles through tiles_read_hash, the tiles that change between sizes,
 * and the bundle parser's refusals. */
#include "tiles.h"
#include "err.h"
#include "init.h"
#include "merkle.h"
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

static const char *str_field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("vector without \"%s\"", key);
	return s;
}

static uint64_t int_field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		fail_msg("vector without integer \"%s\"", key);
	return (uint64_t)json_integer_value(v);
}

static void b64_hash(const char *b64, unsigned char out[H])
{
	size_t n = 0;
	if (sodium_base642bin(out, H, b64, strlen(b64), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != H)
		fail_msg("not base64 of 32 bytes: %s", b64);
}

/* ---- a tiled log in memory, written by the frontier's node callback ---- */

#define MAXN 300

struct tlog {
	unsigned char hashes[2][MAXN][H]; /* tree levels 0 and 8 */
	size_t count[2];
	unsigned char entry[MAXN][16];
	size_t entry_len[MAXN];
	uint64_t size; /* the tree the getter serves */
	unsigned reads;
};

static int tile_writer(void *ctx, uint64_t level, uint64_t index, const unsigned char hash[H])
{
	struct tlog *t = ctx;
	if (level % TILES_HEIGHT)
		return 0; /* between tile levels: recomputed when needed */
	size_t tl = (size_t)(level / TILES_HEIGHT);
	assert_true(tl < 2);
	assert_int_equal(index, t->count[tl]);
	memcpy(t->hashes[tl][index], hash, H);
	t->count[tl]++;
	return 0;
}

/* Entries: "0".."n-1" (decimal) or the 8 RFC 6962 reference leaves. */
static void tlog_build(struct tlog *t, size_t n, json_t *hex_leaves)
{
	memset(t, 0, sizeof *t);
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (size_t i = 0; i < n; i++) {
		if (hex_leaves)
			t->entry_len[i] =
			    tu_hex_decode(json_string_value(json_array_get(hex_leaves, i)),
					  t->entry[i], sizeof t->entry[i]);
		else
			t->entry_len[i] =
			    (size_t)snprintf((char *)t->entry[i], sizeof t->entry[i], "%zu", i);
		unsigned char leaf[H];
		merkle_leaf_hash(t->entry[i], t->entry_len[i], leaf);
		assert_int_equal(merkle_frontier_append(&f, leaf, tile_writer, t), 0);
	}
	t->size = n;
}

/* The bytes of tile (level, n) of width w, as a server would hold them. */
static const unsigned char *tile_bytes(const struct tlog *t, unsigned level, uint64_t n, unsigned w,
				       size_t *len)
{
	assert_true(level < 2);
	assert_true(n * TILES_WIDTH + w <= t->count[level]);
	*len = (size_t)w * H;
	return t->hashes[level][n * TILES_WIDTH];
}

/* A merkle_get_hash_fn that reads only tiles of the tree of t->size. */
static int tiles_get(void *ctx, uint64_t level, uint64_t index, unsigned char out[H])
{
	struct tlog *t = ctx;
	unsigned tl, min_width;
	uint64_t n;
	tiles_locate(level, index, &tl, &n, &min_width);
	unsigned w = tiles_width(t->size, tl, n);
	if (w < min_width)
		fail_msg("(%llu, %llu) needs tile %u/%llu of width %u; the tree has %u",
			 (unsigned long long)level, (unsigned long long)index, tl,
			 (unsigned long long)n, min_width, w);
	size_t len;
	const unsigned char *tile = tile_bytes(t, tl, n, w, &len);
	t->reads++;
	return tiles_read_hash(tile, len, tl, n, level, index, out);
}

/* Serializes the file at `path` of the log of t->size leaves. */
static unsigned char *file_for_path(const struct tlog *t, const char *path, size_t *len)
{
	struct tiles_level levels[TILES_MAX_LEVELS];
	unsigned nlevels = tiles_for_size(t->size, levels);
	char p[TILES_PATH_BYTES];
	for (unsigned level = 0; level < nlevels; level++) {
		for (uint64_t n = 0; n <= levels[level].full; n++) {
			unsigned w = n < levels[level].full ? TILES_WIDTH : levels[level].partial;
			if (w == 0)
				continue;
			assert_int_equal(tiles_path(level, n, w, p), 0);
			if (strcmp(p, path) == 0) {
				size_t tl;
				const unsigned char *b = tile_bytes(t, level, n, w, &tl);
				unsigned char *copy = malloc(tl);
				assert_non_null(copy);
				memcpy(copy, b, tl);
				*len = tl;
				return copy;
			}
			if (level > 0)
				continue;
			assert_int_equal(tiles_entries_path(n, w, p), 0);
			if (strcmp(p, path) == 0) {
				struct buf b;
				buf_init(&b, TILES_BUNDLE_MAX_BYTES);
				for (unsigned i = 0; i < w; i++) {
					size_t e = (size_t)n * TILES_WIDTH + i;
					assert_int_equal(tiles_bundle_append(&b, t->entry[e],
									     t->entry_len[e], NULL),
							 0);
				}
				return (unsigned char *)buf_steal(&b, len);
			}
		}
	}
	fail_msg("no file %s in a log of %llu entries", path, (unsigned long long)t->size);
	return NULL;
}

/* ---- tests ---- */

static void test_paths(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/tiles.json");
	json_t *cases = json_object_get(v, "index_paths");
	assert_true(json_array_size(cases) >= 9);
	char p[TILES_PATH_BYTES];
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		tiles_index_path(int_field(c, "n"), p);
		assert_string_equal(p, str_field(c, "path"));
	}
	cases = json_object_get(v, "full_paths");
	assert_true(json_array_size(cases) >= 5);
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		unsigned w = (unsigned)int_field(c, "width");
		uint64_t n = int_field(c, "n");
		if (json_is_true(json_object_get(c, "entries")))
			assert_int_equal(tiles_entries_path(n, w, p), 0);
		else
			assert_int_equal(tiles_path((unsigned)int_field(c, "level"), n, w, p), 0);
		assert_string_equal(p, str_field(c, "path"));
	}
	json_decref(v);

	/* The longest path fits; bad levels and widths are refused. */
	assert_int_equal(tiles_entries_path(UINT64_MAX, 255, p), 0);
	assert_string_equal(p, "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255");
	assert_true(strlen(p) < TILES_PATH_BYTES);
	assert_int_equal(tiles_path(63, UINT64_MAX, 255, p), 0);
	assert_string_equal(p, "tile/63/x018/x446/x744/x073/x709/x551/615.p/255");
	assert_int_equal(tiles_path(64, 0, 1, p), SHOMEI_ERR_USAGE);
	assert_string_equal(p, "");
	assert_int_equal(tiles_path(0, 0, 0, p), SHOMEI_ERR_USAGE);
	assert_int_equal(tiles_path(0, 0, 257, p), SHOMEI_ERR_USAGE);
	assert_int_equal(tiles_entries_path(0, 0, p), SHOMEI_ERR_USAGE);
	assert_int_equal(tiles_path(1, 999, 256, p), 0);
	assert_string_equal(p, "tile/1/999");
}

static void test_tiles_for_size(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/tiles.json");
	json_t *cases = json_object_get(v, "tiles_for_size");
	assert_true(json_array_size(cases) >= 9);
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		uint64_t size = int_field(c, "size");
		json_t *want = json_object_get(c, "levels");
		struct tiles_level got[TILES_MAX_LEVELS];
		unsigned n = tiles_for_size(size, got);
		assert_int_equal(n, json_array_size(want));
		for (unsigned l = 0; l < n; l++) {
			json_t *w = json_array_get(want, l);
			assert_int_equal(int_field(w, "level"), l);
			assert_int_equal(got[l].full, int_field(w, "full"));
			assert_int_equal(got[l].partial, int_field(w, "partialWidth"));
			/* tiles_width agrees tile by tile. */
			if (got[l].full)
				assert_int_equal(tiles_width(size, l, got[l].full - 1),
						 TILES_WIDTH);
			assert_int_equal(tiles_width(size, l, got[l].full), got[l].partial);
			assert_int_equal(tiles_width(size, l, got[l].full + 1), 0);
		}
		assert_int_equal(tiles_width(size, n, 0), 0);
	}
	json_decref(v);

	/* The largest tree has 8 levels. */
	struct tiles_level got[TILES_MAX_LEVELS];
	assert_int_equal(tiles_for_size(UINT64_MAX, got), 8);
	assert_int_equal(got[7].full, 0);
	assert_int_equal(got[7].partial, 255);
	assert_int_equal(got[0].full, UINT64_MAX / 256);
	assert_int_equal(tiles_width(UINT64_MAX, 8, 0), 0);
}

static void check_files(struct tlog *t, json_t *files)
{
	for (size_t i = 0; i < json_array_size(files); i++) {
		json_t *f = json_array_get(files, i);
		const char *path = str_field(f, "path");
		size_t len;
		unsigned char *got = file_for_path(t, path, &len);
		json_t *bytes = json_object_get(f, "bytes");
		if (bytes)
			assert_int_equal(len, json_integer_value(bytes));
		json_t *hex = json_object_get(f, "content_hex");
		json_t *digest = json_object_get(f, "sha256_hex");
		assert_true(hex || digest);
		if (hex) {
			size_t want_len;
			unsigned char *want =
			    tu_hex_decode_alloc(json_string_value(hex), &want_len);
			assert_int_equal(len, want_len);
			assert_memory_equal(got, want, len);
			free(want);
		}
		if (digest) {
			unsigned char h[H], want[H];
			crypto_hash_sha256(h, got, len);
			assert_int_equal(tu_hex_decode(json_string_value(digest), want, H), H);
			if (memcmp(h, want, H) != 0)
				fail_msg("%s: digest differs", path);
		}
		/* Bundles parse back to the entries. */
		if (strncmp(path, "tile/entries/", 13) == 0) {
			struct tiles_entry e[TILES_WIDTH];
			size_t count;
			assert_int_equal(tiles_bundle_parse(got, len, e, &count, NULL), 0);
			const char *dot = strstr(path, ".p/");
			assert_int_equal(count, dot ? strtoul(dot + 3, NULL, 10) : TILES_WIDTH);
			/* Entry k hashes to the level-0 tile hash it stands for. */
			unsigned char leaf[H];
			merkle_leaf_hash(e[0].data, e[0].len, leaf);
			size_t base = 0;
			while (base < t->count[0] && memcmp(leaf, t->hashes[0][base], H) != 0)
				base++;
			assert_true(base < t->count[0] && base % TILES_WIDTH == 0);
			for (size_t k = 0; k < count; k++) {
				merkle_leaf_hash(e[k].data, e[k].len, leaf);
				assert_memory_equal(leaf, t->hashes[0][base + k], H);
			}
		}
		free(got);
	}
}

static void test_tree8(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/tiles.json");
	json_t *ref = tu_load_json_vector("tlog/rfc6962-tree.json");
	json_t *t8 = json_object_get(v, "tree8");
	struct tlog *t = malloc(sizeof *t);
	assert_non_null(t);
	tlog_build(t, 8, json_object_get(ref, "leaves_hex"));
	json_t *files = json_object_get(t8, "files");
	assert_int_equal(json_array_size(files), 2);
	check_files(t, files);
	unsigned char root[H], want[H];
	b64_hash(str_field(t8, "root_b64"), want);
	assert_int_equal(merkle_root(8, tiles_get, t, root), 0);
	assert_memory_equal(root, want, H);
	free(t);
	json_decref(ref);
	json_decref(v);
}

static void test_tree300(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("tlog/tiles.json");
	json_t *t300 = json_object_get(v, "tree300");
	struct tlog *t = malloc(sizeof *t);
	assert_non_null(t);
	tlog_build(t, 300, NULL);
	assert_int_equal(t->count[0], 300);
	assert_int_equal(t->count[1], 1);
	json_t *files = json_object_get(t300, "files");
	assert_int_equal(json_array_size(files), 5);
	check_files(t, files);

	/* Roots and proofs served from tiles alone. */
	const char *key;
	json_t *val;
	json_object_foreach (json_object_get(t300, "root_b64_by_size"), key, val) {
		unsigned char root[H], want[H];
		t->size = strtoull(key, NULL, 10);
		b64_hash(json_string_value(val), want);
		assert_int_equal(merkle_root(t->size, tiles_get, t, root), 0);
		assert_memory_equal(root, want, H);
	}
	unsigned char proof[MERKLE_MAX_PROOF][H], want[H];
	size_t len;
	json_t *ip = json_object_get(t300, "inclusion_proof_b64");
	t->size = int_field(ip, "size");
	assert_int_equal(merkle_inclusion_proof(int_field(ip, "index"), t->size, tiles_get, t,
						proof, MERKLE_MAX_PROOF, &len),
			 0);
	json_t *wp = json_object_get(ip, "proof");
	assert_int_equal(len, json_array_size(wp));
	for (size_t i = 0; i < len; i++) {
		b64_hash(json_string_value(json_array_get(wp, i)), want);
		assert_memory_equal(proof[i], want, H);
	}
	json_t *cp = json_object_get(t300, "consistency_proof_b64");
	t->size = int_field(cp, "size2");
	assert_int_equal(merkle_consistency_proof(int_field(cp, "size1"), t->size, tiles_get, t,
						  proof, MERKLE_MAX_PROOF, &len),
			 0);
	wp = json_object_get(cp, "proof");
	assert_int_equal(len, json_array_size(wp));
	for (size_t i = 0; i < len; i++) {
		b64_hash(json_string_value(json_array_get(wp, i)), want);
		assert_memory_equal(proof[i], want, H);
	}

	/* Every tree size up to 300 from tiles equals the frontier's roots,
	 * and every inclusion proof of the 300-tree verifies. */
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (size_t n = 1; n <= 300; n++) {
		assert_int_equal(merkle_frontier_append(&f, t->hashes[0][n - 1], NULL, NULL), 0);
		unsigned char a[H], b[H];
		merkle_frontier_root(&f, a);
		t->size = n;
		assert_int_equal(merkle_root(n, tiles_get, t, b), 0);
		assert_memory_equal(a, b, H);
	}
	unsigned char root[H];
	merkle_frontier_root(&f, root);
	for (uint64_t i = 0; i < 300; i++) {
		assert_int_equal(
		    merkle_inclusion_proof(i, 300, tiles_get, t, proof, MERKLE_MAX_PROOF, &len), 0);
		assert_int_equal(merkle_verify_inclusion(i, 300, t->hashes[0][i],
							 (const unsigned char(*)[H])proof, len,
							 root),
				 0);
	}
	free(t);
	json_decref(v);
}

static void test_read_hash(void **state)
{
	(void)state;
	struct tlog *t = malloc(sizeof *t);
	assert_non_null(t);
	tlog_build(t, 300, NULL);
	unsigned char h[H], want[H];
	size_t len;
	const unsigned char *full = tile_bytes(t, 0, 0, 256, &len);
	/* The whole full tile hashes to the level-1 tile's first hash. */
	assert_int_equal(tiles_read_hash(full, len, 0, 0, 8, 0, h), 0);
	assert_memory_equal(h, t->hashes[1][0], H);
	/* Level 3, index 5: leaves 40..47. */
	unsigned tl, mw;
	uint64_t n;
	tiles_locate(3, 5, &tl, &n, &mw);
	assert_int_equal(tl, 0);
	assert_int_equal(n, 0);
	assert_int_equal(mw, 48);
	assert_int_equal(tiles_read_hash(full, len, 0, 0, 3, 5, h), 0);
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (int i = 40; i < 48; i++)
		assert_int_equal(merkle_frontier_append(&f, t->hashes[0][i], NULL, NULL), 0);
	merkle_frontier_root(&f, want);
	assert_memory_equal(h, want, H);
	/* Leaf 299 sits in tile 1 at 43; level 2 index 74 (leaves 296..299)
	 * needs width 44. */
	tiles_locate(0, 299, &tl, &n, &mw);
	assert_true(tl == 0 && n == 1 && mw == 44);
	tiles_locate(2, 74, &tl, &n, &mw);
	assert_true(tl == 0 && n == 1 && mw == 44);
	tiles_locate(8, 1, &tl, &n, &mw);
	assert_true(tl == 1 && n == 0 && mw == 2);
	tiles_locate(63, 0, &tl, &n, &mw);
	assert_true(tl == 7 && n == 0 && mw == 128);

	const unsigned char *part = tile_bytes(t, 0, 1, 44, &len);
	assert_int_equal(tiles_read_hash(part, len, 0, 1, 0, 299, h), 0);
	assert_memory_equal(h, t->hashes[0][299], H);
	assert_int_equal(tiles_read_hash(part, len, 0, 1, 2, 74, h), 0);
	/* Past the partial tile's width, outside the tile, bad lengths. */
	static const unsigned char zero[H];
	assert_int_equal(tiles_read_hash(part, len, 0, 1, 0, 300, h), SHOMEI_ERR_NOTFOUND);
	assert_memory_equal(h, zero, H);
	assert_int_equal(tiles_read_hash(part, len, 0, 1, 3, 37, h), SHOMEI_ERR_NOTFOUND);
	assert_int_equal(tiles_read_hash(part, len, 0, 1, 0, 3, h), SHOMEI_ERR_USAGE);
	assert_int_equal(tiles_read_hash(part, len, 0, 1, 9, 0, h), SHOMEI_ERR_USAGE);
	assert_int_equal(tiles_read_hash(part, len, 1, 1, 0, 299, h), SHOMEI_ERR_USAGE);
	assert_int_equal(tiles_read_hash(part, len, 8, 0, 64, 0, h), SHOMEI_ERR_USAGE);
	assert_int_equal(tiles_read_hash(part, len - 1, 0, 1, 0, 299, h), SHOMEI_ERR_PARSE);
	assert_int_equal(tiles_read_hash(part, 0, 0, 1, 0, 299, h), SHOMEI_ERR_PARSE);
	assert_int_equal(tiles_read_hash(full, TILES_FULL_BYTES + H, 0, 0, 0, 0, h),
			 SHOMEI_ERR_PARSE);
	free(t);
}

/* ---- tiles_new_between against a set difference of tiles_for_size ---- */

struct visits {
	unsigned count;
	uint64_t old_size, new_size;
	int ordered_level;
	uint64_t last_n;
	unsigned stop_after;
};

static int visit(void *ctx, unsigned level, uint64_t n, unsigned width)
{
	struct visits *v = ctx;
	/* Each tile visited is in the new tree with this width, and was not in
	 * the old one with it. */
	assert_int_equal(tiles_width(v->new_size, level, n), width);
	assert_int_not_equal(tiles_width(v->old_size, level, n), width);
	if ((int)level == v->ordered_level)
		assert_true(n > v->last_n);
	else
		assert_true((int)level > v->ordered_level);
	v->ordered_level = (int)level;
	v->last_n = n;
	v->count++;
	if (v->stop_after && v->count == v->stop_after)
		return SHOMEI_ERR_IO;
	return 0;
}

/* How many tiles of new_size are missing from old_size (same width). */
static unsigned count_new(uint64_t old_size, uint64_t new_size)
{
	struct tiles_level l[TILES_MAX_LEVELS];
	unsigned levels = tiles_for_size(new_size, l), count = 0;
	for (unsigned level = 0; level < levels; level++)
		for (uint64_t n = 0; n <= l[level].full; n++) {
			unsigned w = tiles_width(new_size, level, n);
			if (w && tiles_width(old_size, level, n) != w)
				count++;
		}
	return count;
}

static void test_new_between(void **state)
{
	(void)state;
	static const uint64_t sizes[] = {0,   1,   2,	8,     255,   256,   257,  300,
					 511, 512, 513, 65535, 65536, 65537, 70000};
	size_t ns = sizeof sizes / sizeof sizes[0];
	for (size_t i = 0; i < ns; i++) {
		for (size_t j = i; j < ns; j++) {
			struct visits v = {0, sizes[i], sizes[j], -1, 0, 0};
			assert_int_equal(tiles_new_between(sizes[i], sizes[j], visit, &v), 0);
			assert_int_equal(v.count, count_new(sizes[i], sizes[j]));
		}
	}
	/* 256 -> 257: the partial level-0 tile 1 of width 1 only. */
	struct visits v = {0, 256, 257, -1, 0, 0};
	assert_int_equal(tiles_new_between(256, 257, visit, &v), 0);
	assert_int_equal(v.count, 1);
	assert_int_equal(tiles_new_between(5, 4, visit, &v), SHOMEI_ERR_USAGE);
	/* visit's error stops the walk. */
	struct visits stop = {0, 0, 70000, -1, 0, 3};
	assert_int_equal(tiles_new_between(0, 70000, visit, &stop), SHOMEI_ERR_IO);
	assert_int_equal(stop.count, 3);
}

static void test_bundles(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, TILES_BUNDLE_MAX_BYTES);
	struct shomei_diag d;
	unsigned char *big = calloc(1, TILES_MAX_ENTRY + 1);
	assert_non_null(big);
	/* The largest entry fits; one byte more cannot be stored. */
	assert_int_equal(tiles_bundle_append(&b, big, TILES_MAX_ENTRY, &d), 0);
	assert_int_equal(b.len, 2 + TILES_MAX_ENTRY);
	assert_int_equal(tiles_bundle_append(&b, big, TILES_MAX_ENTRY + 1, &d), SHOMEI_ERR_LIMIT);
	assert_non_null(strstr(d.what, "65535"));
	assert_int_equal(b.len, 2 + TILES_MAX_ENTRY);
	assert_int_equal(tiles_bundle_append(&b, "", 0, &d), 0);
	struct tiles_entry e[TILES_WIDTH];
	size_t count = 99;
	assert_int_equal(tiles_bundle_parse((unsigned char *)b.data, b.len, e, &count, &d), 0);
	assert_int_equal(count, 2);
	assert_int_equal(e[0].len, TILES_MAX_ENTRY);
	assert_int_equal(e[1].len, 0);
	assert_ptr_equal(e[0].data, (unsigned char *)b.data + 2);
	buf_release(&b);
	free(big);

	/* A buffer's own ceiling leaves it unchanged. */
	buf_init(&b, 10);
	assert_int_equal(tiles_bundle_append(&b, "abcdefgh", 8, &d), 0);
	assert_int_equal(tiles_bundle_append(&b, "x", 1, &d), SHOMEI_ERR_LIMIT);
	assert_int_equal(b.len, 10);
	buf_release(&b);

	/* Refusals. */
	static const unsigned char trunc_len[] = {0x00, 0x01, 'a', 0x00};
	static const unsigned char trunc_entry[] = {0x00, 0x03, 'a', 'b'};
	count = 99;
	assert_int_equal(tiles_bundle_parse(trunc_len, 0, e, &count, &d), SHOMEI_ERR_PARSE);
	assert_int_equal(count, 0);
	assert_int_equal(tiles_bundle_parse(trunc_len, sizeof trunc_len, e, &count, &d),
			 SHOMEI_ERR_PARSE);
	assert_string_equal(d.where, "entry 1");
	assert_int_equal(count, 0);
	assert_int_equal(tiles_bundle_parse(trunc_entry, sizeof trunc_entry, e, &count, &d),
			 SHOMEI_ERR_PARSE);
	assert_string_equal(d.where, "entry 0");
	/* 256 empty entries are a full bundle; 257 are too many. */
	unsigned char zeros[2 * (TILES_WIDTH + 1)] = {0};
	assert_int_equal(tiles_bundle_parse(zeros, 2 * TILES_WIDTH, e, &count, &d), 0);
	assert_int_equal(count, TILES_WIDTH);
	assert_int_equal(tiles_bundle_parse(zeros, sizeof zeros, e, &count, &d), SHOMEI_ERR_LIMIT);
	assert_int_equal(count, 0);
	assert_string_equal(d.where, "entry 256");
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paths),     cmocka_unit_test(test_tiles_for_size),
	    cmocka_unit_test(test_tree8),     cmocka_unit_test(test_tree300),
	    cmocka_unit_test(test_read_hash), cmocka_unit_test(test_new_between),
	    cmocka_unit_test(test_bundles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
