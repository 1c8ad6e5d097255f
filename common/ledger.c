/* ledger.c - the embedded ledger on disk (ledger.h, docs/ledger.md).
 *
 * The hashing, paths, file contents and signatures are merkle.h, tiles.h and
 * note.h; this file only decides which files to read and write, in which
 * order, and under which lock. Crash safety rests on one rule: every file is
 * written with fileio_write_atomic before the checkpoint that covers it, and
 * every path is derived from a checkpoint's size, so a file an interrupted
 * append left behind is never read, and the next append removes it.
 */
#include "ledger.h"

#include "fileio.h"
#include "internal/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEDGER_DIR_MODE	 0755
#define LEDGER_FILE_MODE 0644

/* One tile kept in memory per tile level, so that proofs and frontier loads
 * do not re-read a file for each of their hashes. */
struct tile_cache {
	int valid;
	uint64_t n;
	unsigned width;
	size_t len;
	unsigned char data[TILES_FULL_BYTES];
};

struct ledger {
	char dir[PATH_MAX];
	char origin[LEDGER_ORIGIN_MAX + 1];
	char vkey[NOTE_VKEY_BYTES];
	struct note_verifier verifier;
	uint64_t size;
	unsigned char root[MERKLE_HASH_BYTES];
	int lock_fd;
	struct tile_cache tiles[TILES_MAX_LEVELS];
	/* the last entry bundle read, for ledger_entry */
	int bundle_valid;
	uint64_t bundle_n;
	unsigned bundle_width;
	char *bundle;
	size_t bundle_len;
};

/* ---- paths and files ---- */

static int join(const struct ledger *l, const char *rel, char out[PATH_MAX], struct shomei_diag *d)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", l->dir, rel);
	if (n < 0 || n >= PATH_MAX)
		return diag_set(d, SHOMEI_ERR_USAGE, rel, "path too long");
	return 0;
}

static int read_rel(const struct ledger *l, const char *rel, size_t max, char **data, size_t *len,
		    struct shomei_diag *d)
{
	char path[PATH_MAX];
	int e = join(l, rel, path, d);
	if (e)
		return e;
	e = fileio_read(path, max, data, len, d);
	if (e) {
		/* fileio says what; the file is where. */
		if (d)
			snprintf(d->where, sizeof d->where, "%s", rel);
		if (e == SHOMEI_ERR_IO && errno == ENOENT)
			e = SHOMEI_ERR_NOTFOUND;
	}
	return e;
}

/* fsyncs the directory that holds path (path itself may be a directory). */
static int sync_parent(const char *path)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return fileio_sync_dir(".");
	if (slash == parent)
		return fileio_sync_dir("/");
	*slash = '\0';
	return fileio_sync_dir(parent);
}

/* mkdir -p whose new directories survive a crash: each directory made is
 * fsync'd into its parent, or a tile written into it could vanish with it
 * although the checkpoint covering it was committed. */
static int mkdirs_durable(char *path, struct shomei_diag *d)
{
	for (char *s = path + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		int e = 0;
		if (mkdir(path, LEDGER_DIR_MODE) == 0) {
			if (sync_parent(path) != 0)
				e = diag_set(d, SHOMEI_ERR_IO, path, "cannot sync directory");
		} else if (errno != EEXIST) {
			e = diag_set(d, SHOMEI_ERR_IO, path, "%s", strerror(errno));
		}
		*s = c;
		if (e || c == '\0')
			return e;
	}
}

static int write_rel(const struct ledger *l, const char *rel, const void *data, size_t len, int how,
		     struct shomei_diag *d)
{
	char path[PATH_MAX];
	int e = join(l, rel, path, d);
	if (e)
		return e;
	char *slash = strrchr(path, '/');
	*slash = '\0';
	e = mkdirs_durable(path, d);
	*slash = '/';
	if (!e)
		e = fileio_write_atomic(path, data, len, LEDGER_FILE_MODE, how, d);
	if (e && d)
		snprintf(d->where, sizeof d->where, "%s", rel);
	return e;
}

/* ---- ledger.json and the checkpoint ---- */

static int json_text(const char *origin, const char *vkey, struct buf *out)
{
	json_t *o = json_pack("{s:s,s:s}", "origin", origin, "vkey", vkey);
	if (!o)
		return SHOMEI_ERR_NOMEM;
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s)
		return SHOMEI_ERR_NOMEM;
	int e = buf_puts(out, s);
	free(s);
	if (!e)
		e = buf_putc(out, '\n');
	return e;
}

static int vkey_for(const char *origin, const unsigned char pk[ED25519_PUBLIC_BYTES],
		    struct note_verifier *v, char vkey[NOTE_VKEY_BYTES])
{
	int e = note_verifier_init(v, origin, NOTE_SIG_ED25519, pk);
	if (e)
		return e;
	note_vkey_format(v, vkey);
	return 0;
}

/* Reads ledger.json into l: strict, and only in the exact form written. */
static int read_json(struct ledger *l, struct shomei_diag *d)
{
	char *data = NULL;
	size_t len = 0;
	struct buf canon;
	buf_init(&canon, LEDGER_JSON_MAX);
	json_t *o = NULL;
	int e = read_rel(l, "ledger.json", LEDGER_JSON_MAX, &data, &len, d);
	if (e)
		goto out;
	json_error_t je;
	o = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	const char *origin = json_string_value(json_object_get(o, "origin"));
	const char *vkey = json_string_value(json_object_get(o, "vkey"));
	if (!o || !json_is_object(o) || json_object_size(o) != 2 || !origin || !vkey) {
		e = diag_set(d, SHOMEI_ERR_PARSE, "ledger.json", "not {\"origin\", \"vkey\"}");
		goto out;
	}
	if (strlen(origin) > LEDGER_ORIGIN_MAX || !note_name_valid(origin, strlen(origin))) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "ledger.json",
			     "origin is not a valid key name");
		goto out;
	}
	e = note_vkey_parse(vkey, strlen(vkey), &l->verifier, d);
	if (e) {
		diag_prefix(d, "ledger.json.vkey");
		goto out;
	}
	if (l->verifier.type != NOTE_SIG_ED25519 || strcmp(l->verifier.name, origin) != 0) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "ledger.json",
			     "vkey is not an ed25519 key named for the origin");
		goto out;
	}
	snprintf(l->origin, sizeof l->origin, "%s", origin);
	note_vkey_format(&l->verifier, l->vkey);
	e = json_text(l->origin, l->vkey, &canon);
	if (e)
		goto out;
	if (canon.len != len || memcmp(canon.data, data, len) != 0)
		e = diag_set(d, SHOMEI_ERR_PARSE, "ledger.json", "not in canonical form");
out:
	json_decref(o);
	free(data);
	buf_release(&canon);
	return e;
}

/* Reads and verifies the checkpoint under l's key and origin. */
static int read_checkpoint(const struct ledger *l, uint64_t *size,
			   unsigned char root[MERKLE_HASH_BYTES], struct shomei_diag *d)
{
	char *data = NULL;
	size_t len = 0;
	struct note note;
	struct note_checkpoint cp;
	int e = read_rel(l, "checkpoint", LEDGER_CHECKPOINT_MAX, &data, &len, d);
	if (e)
		goto out;
	e = note_open(data, len, &l->verifier, 1, &note, d);
	if (!e)
		e = note_checkpoint_parse(note.text, note.text_len, &cp, d);
	if (e) {
		diag_prefix(d, "checkpoint");
		goto out;
	}
	if (strcmp(cp.origin, l->origin) != 0) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "checkpoint", "origin is not ledger.json's");
		goto out;
	}
	*size = cp.size;
	memcpy(root, cp.root, MERKLE_HASH_BYTES);
out:
	free(data);
	return e;
}

static int sign_checkpoint(const struct ledger *l, const struct ed25519_key *key, uint64_t size,
			   const unsigned char root[MERKLE_HASH_BYTES], struct buf *out,
			   struct shomei_diag *d)
{
	struct note_checkpoint cp;
	memset(&cp, 0, sizeof cp);
	snprintf(cp.origin, sizeof cp.origin, "%s", l->origin);
	cp.size = size;
	memcpy(cp.root, root, MERKLE_HASH_BYTES);
	struct buf body;
	buf_init(&body, NOTE_CHECKPOINT_MAX_BYTES);
	int e = note_checkpoint_format(&cp, &body, d);
	if (!e)
		e = note_sign(body.data, body.len, l->origin, key->sk, sizeof key->sk, out, d);
	buf_release(&body);
	return e;
}

/* ---- hashes from the tiles ---- */

static void drop_caches(struct ledger *l)
{
	for (unsigned i = 0; i < TILES_MAX_LEVELS; i++)
		l->tiles[i].valid = 0;
	l->bundle_valid = 0;
	free(l->bundle);
	l->bundle = NULL;
}

/* Tile (level, n) of the view's tree, through the cache. */
static int load_tile(struct ledger *l, unsigned level, uint64_t n, struct tile_cache **out,
		     struct shomei_diag *d)
{
	unsigned width = tiles_width(l->size, level, n);
	if (width == 0 || level >= TILES_MAX_LEVELS)
		return diag_set(d, SHOMEI_ERR_NOTFOUND, NULL, "no tile %u/%llu in the tree", level,
				(unsigned long long)n);
	struct tile_cache *c = &l->tiles[level];
	if (!(c->valid && c->n == n && c->width == width)) {
		char rel[TILES_PATH_BYTES];
		char *data = NULL;
		size_t len = 0;
		c->valid = 0;
		int e = tiles_path(level, n, width, rel);
		if (!e)
			e = read_rel(l, rel, TILES_FULL_BYTES, &data, &len, d);
		if (e)
			return e;
		if (len != (size_t)width * MERKLE_HASH_BYTES) {
			free(data);
			return diag_set(d, SHOMEI_ERR_PARSE, rel, "not %u hashes", width);
		}
		memcpy(c->data, data, len);
		free(data);
		c->len = len;
		c->n = n;
		c->width = width;
		c->valid = 1;
	}
	*out = c;
	return 0;
}

struct get_ctx {
	struct ledger *l;
	struct shomei_diag *d;
};

static int get_hash(void *ctx, uint64_t level, uint64_t index, unsigned char out[MERKLE_HASH_BYTES])
{
	struct get_ctx *g = ctx;
	unsigned tl, min_width;
	uint64_t n;
	if (level >= MERKLE_MAX_LEVELS)
		return SHOMEI_ERR_USAGE;
	tiles_locate(level, index, &tl, &n, &min_width);
	struct tile_cache *c;
	int e = load_tile(g->l, tl, n, &c, g->d);
	if (e)
		return e;
	if (c->width < min_width)
		return diag_set(g->d, SHOMEI_ERR_NOTFOUND, NULL, "hash beyond the tree");
	return tiles_read_hash(c->data, c->len, tl, n, level, index, out);
}

/* ---- open, free, accessors ---- */

static int open_view(const char *dir, const char *pinned, struct ledger **out,
		     struct shomei_diag *d)
{
	*out = NULL;
	diag_clear(d);
	struct ledger *l = calloc(1, sizeof *l);
	if (!l)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	l->lock_fd = -1;
	int e = 0;
	int n = snprintf(l->dir, sizeof l->dir, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof l->dir - TILES_PATH_BYTES - 32) {
		e = diag_set(d, SHOMEI_ERR_USAGE, NULL, "directory name too long");
		goto fail;
	}
	e = read_json(l, d);
	if (e)
		goto fail;
	if (pinned) {
		struct note_verifier v;
		e = note_vkey_parse(pinned, strlen(pinned), &v, d);
		if (e)
			goto fail;
		if (memcmp(&v, &l->verifier, sizeof v) != 0) {
			e = diag_set(d, SHOMEI_ERR_INVALID, "ledger.json",
				     "vkey is not the pinned key");
			goto fail;
		}
	}
	e = read_checkpoint(l, &l->size, l->root, d);
	if (e)
		goto fail;
	*out = l;
	return 0;
fail:
	ledger_free(l);
	return e;
}

int ledger_open(const char *dir, struct ledger **out, struct shomei_diag *d)
{
	return open_view(dir, NULL, out, d);
}

int ledger_open_pinned(const char *dir, const char *vkey, struct ledger **out,
		       struct shomei_diag *d)
{
	if (!vkey) {
		*out = NULL;
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no vkey");
	}
	return open_view(dir, vkey, out, d);
}

void ledger_free(struct ledger *l)
{
	if (!l)
		return;
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	free(l->bundle);
	free(l);
}

uint64_t ledger_size(const struct ledger *l)
{
	return l->size;
}

void ledger_root(const struct ledger *l, unsigned char out[MERKLE_HASH_BYTES])
{
	memcpy(out, l->root, MERKLE_HASH_BYTES);
}

const char *ledger_origin(const struct ledger *l)
{
	return l->origin;
}

const char *ledger_vkey(const struct ledger *l)
{
	return l->vkey;
}

/* ---- create ---- */

static int open_lock(const char *dir, struct shomei_diag *d)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/ledger.lock", dir);
	if (n < 0 || n >= PATH_MAX)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "path too long");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, LEDGER_FILE_MODE);
	if (fd < 0)
		return diag_set(d, SHOMEI_ERR_IO, "ledger.lock", "%s", strerror(errno));
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return diag_set(d, SHOMEI_ERR_IO, "ledger.lock", "%s", strerror(e));
		}
	}
	return fd;
}

int ledger_create(const char *dir, const char *origin, const struct ed25519_key *log_key,
		  struct shomei_diag *d)
{
	diag_clear(d);
	if (!dir || !origin || !log_key)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "missing argument");
	size_t olen = strlen(origin);
	if (olen > LEDGER_ORIGIN_MAX || !note_name_valid(origin, olen))
		return diag_set(d, SHOMEI_ERR_USAGE, "origin", "not a valid key name");
	struct ledger *l = calloc(1, sizeof *l);
	if (!l)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	l->lock_fd = -1;
	struct buf b;
	buf_init(&b, NOTE_MAX_BYTES);
	int e = 0;
	int n = snprintf(l->dir, sizeof l->dir, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof l->dir - TILES_PATH_BYTES - 32) {
		e = diag_set(d, SHOMEI_ERR_USAGE, NULL, "directory name too long");
		goto out;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", dir);
	e = mkdirs_durable(path, d);
	if (e)
		goto out;
	snprintf(l->origin, sizeof l->origin, "%s", origin);
	e = vkey_for(origin, log_key->pk, &l->verifier, l->vkey);
	if (e) {
		e = diag_set(d, e, "origin", "not a valid key name");
		goto out;
	}
	e = open_lock(dir, d);
	if (e < 0)
		goto out;
	l->lock_fd = e;
	e = json_text(l->origin, l->vkey, &b);
	if (!e)
		e = write_rel(l, "ledger.json", b.data, b.len, FILEIO_NO_REPLACE, d);
	if (e)
		goto out;
	b.len = 0;
	merkle_empty_root(l->root);
	e = sign_checkpoint(l, log_key, 0, l->root, &b, d);
	if (!e)
		e = write_rel(l, "checkpoint", b.data, b.len, FILEIO_NO_REPLACE, d);
out:
	buf_release(&b);
	ledger_free(l);
	return e;
}

/* ---- repair ---- */

/* 1 when rel ("tile/...") is a file of the tree of `size` leaves, spelled
 * exactly as tiles.h spells it. */
static int tile_file_expected(const char *rel, uint64_t size)
{
	const char *p = rel + strlen("tile/");
	int entries = 0;
	unsigned level = 0;
	if (strncmp(p, "entries/", 8) == 0) {
		entries = 1;
		p += 8;
	} else {
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9') {
			level = level * 10 + (unsigned)(*p++ - '0');
			if (level > TILES_MAX_LEVEL)
				return 0;
		}
		if (*p++ != '/')
			return 0;
	}
	uint64_t n = 0;
	unsigned width = TILES_WIDTH;
	for (; *p && *p != '.'; p++) {
		if (*p == 'x' || *p == '/')
			continue;
		if (*p < '0' || *p > '9' || n > (UINT64_MAX - 9) / 10)
			return 0;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		if (strncmp(p, ".p/", 3) != 0)
			return 0;
		width = 0;
		for (p += 3; *p; p++) {
			if (*p < '0' || *p > '9' || width > TILES_WIDTH)
				return 0;
			width = width * 10 + (unsigned)(*p - '0');
		}
	}
	char canon[TILES_PATH_BYTES];
	int e = entries ? tiles_entries_path(n, width, canon) : tiles_path(level, n, width, canon);
	if (e || strcmp(canon, rel) != 0)
		return 0;
	return tiles_width(size, entries ? 0 : level, n) == width;
}

/* Removes under dir/rel every file that is not part of the tree of `size`
 * leaves, and the directories that leaves empty. */
static int remove_strays(const struct ledger *l, const char *rel, uint64_t size, int depth,
			 struct shomei_diag *d)
{
	char path[PATH_MAX];
	int e = join(l, rel, path, d);
	if (e)
		return e;
	if (depth > 16)
		return diag_set(d, SHOMEI_ERR_LIMIT, rel, "directories nested too deep");
	DIR *dp = opendir(path);
	if (!dp)
		return errno == ENOENT ? 0 : diag_set(d, SHOMEI_ERR_IO, rel, "%s", strerror(errno));
	struct dirent *de;
	while (!e && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char sub[PATH_MAX], full[PATH_MAX];
		int n = snprintf(sub, sizeof sub, "%s/%s", rel, de->d_name);
		if (n < 0 || n >= PATH_MAX || join(l, sub, full, NULL) != 0) {
			e = diag_set(d, SHOMEI_ERR_LIMIT, rel, "name too long");
			break;
		}
		struct stat st;
		if (lstat(full, &st) != 0) {
			e = diag_set(d, SHOMEI_ERR_IO, sub, "%s", strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			e = remove_strays(l, sub, size, depth + 1, d);
			if (!e)
				(void)rmdir(full); /* only succeeds when empty */
		} else if (!tile_file_expected(sub, size) && unlink(full) != 0) {
			e = diag_set(d, SHOMEI_ERR_IO, sub, "cannot remove: %s", strerror(errno));
		}
	}
	closedir(dp);
	return e;
}

static int repair(const struct ledger *l, uint64_t size, struct shomei_diag *d)
{
	static const char *const top[] = {"checkpoint", "ledger.json"};
	DIR *dp = opendir(l->dir);
	if (!dp)
		return diag_set(d, SHOMEI_ERR_IO, NULL, "%s", strerror(errno));
	struct dirent *de;
	int e = 0;
	/* fileio_write_atomic's temporary files of a crashed write. */
	while (!e && (de = readdir(dp)) != NULL) {
		for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
			size_t k = strlen(top[i]);
			if (strncmp(de->d_name, top[i], k) == 0 &&
			    strncmp(de->d_name + k, ".tmp-", 5) == 0) {
				char full[PATH_MAX];
				e = join(l, de->d_name, full, d);
				if (!e && unlink(full) != 0)
					e = diag_set(d, SHOMEI_ERR_IO, de->d_name, "cannot remove");
			}
		}
	}
	closedir(dp);
	if (!e)
		e = remove_strays(l, "tile", size, 0, d);
	return e;
}

/* ---- building and checking tiles ---- */

/* Follows the complete subtrees an append forms (merkle_frontier_append),
 * keeping the tile being filled on each tile level. In write mode a tile is
 * written when it is full and, at the end, when it is partial and changed; in
 * check mode each hash is compared, as it forms, with the stored tile. */
struct builder {
	struct ledger *l;
	int write;
	uint64_t size; /* check mode: the size whose tiles are compared */
	uint64_t n[TILES_MAX_LEVELS];
	unsigned count[TILES_MAX_LEVELS];
	int dirty[TILES_MAX_LEVELS];
	unsigned char (*hashes)[TILES_FULL_BYTES]; /* [TILES_MAX_LEVELS] */
	unsigned char (*expect)[TILES_FULL_BYTES];
	uint64_t leaf_bundle; /* check mode: where the leaf came from, for messages */
	unsigned leaf_in_bundle;
	struct shomei_diag *d;
};

static int builder_init(struct builder *b, struct ledger *l, int write, uint64_t size,
			struct shomei_diag *d)
{
	memset(b, 0, sizeof *b);
	b->l = l;
	b->write = write;
	b->size = size;
	b->d = d;
	b->hashes = calloc(TILES_MAX_LEVELS, sizeof *b->hashes);
	b->expect = write ? NULL : calloc(TILES_MAX_LEVELS, sizeof *b->expect);
	if (!b->hashes || (!write && !b->expect))
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	struct tiles_level lv[TILES_MAX_LEVELS];
	unsigned levels = tiles_for_size(write ? l->size : 0, lv);
	for (unsigned i = 0; i < levels; i++)
		b->n[i] = lv[i].full;
	return 0;
}

static void builder_release(struct builder *b)
{
	free(b->hashes);
	free(b->expect);
}

/* Writes tile (level, b->n[level]) of b->count[level] hashes. */
static int builder_write(struct builder *b, unsigned level)
{
	char rel[TILES_PATH_BYTES];
	int e = tiles_path(level, b->n[level], b->count[level], rel);
	if (!e)
		e = write_rel(b->l, rel, b->hashes[level],
			      (size_t)b->count[level] * MERKLE_HASH_BYTES, FILEIO_REPLACE, b->d);
	return e;
}

static int builder_node(void *ctx, uint64_t level, uint64_t index,
			const unsigned char hash[MERKLE_HASH_BYTES])
{
	struct builder *b = ctx;
	if (level % TILES_HEIGHT != 0 || level / TILES_HEIGHT >= TILES_MAX_LEVELS)
		return 0;
	unsigned tl = (unsigned)(level / TILES_HEIGHT);
	unsigned i = b->count[tl];
	if (index != b->n[tl] * TILES_WIDTH + i)
		return diag_set(b->d, SHOMEI_ERR_INVALID, NULL, "tile %u out of step", tl);
	if (!b->write) {
		char rel[TILES_PATH_BYTES];
		unsigned width = tiles_width(b->size, tl, b->n[tl]);
		int e = tiles_path(tl, b->n[tl], width ? width : TILES_WIDTH, rel);
		if (e)
			return e;
		if (i == 0) {
			char *data = NULL;
			size_t len = 0;
			e = read_rel(b->l, rel, TILES_FULL_BYTES, &data, &len, b->d);
			if (e)
				return e;
			if (len != (size_t)width * MERKLE_HASH_BYTES) {
				free(data);
				return diag_set(b->d, SHOMEI_ERR_INVALID, rel, "not %u hashes",
						width);
			}
			memcpy(b->expect[tl], data, len);
			free(data);
		}
		if (memcmp(b->expect[tl] + (size_t)i * MERKLE_HASH_BYTES, hash,
			   MERKLE_HASH_BYTES) != 0) {
			if (tl == 0) {
				char brel[TILES_PATH_BYTES];
				e = tiles_entries_path(b->leaf_bundle, width, brel);
				if (e)
					return e;
				return diag_set(b->d, SHOMEI_ERR_INVALID, brel,
						"entry %u does not hash to %s", b->leaf_in_bundle,
						rel);
			}
			return diag_set(b->d, SHOMEI_ERR_INVALID, rel,
					"hash %u does not match the tiles below", i);
		}
	} else {
		memcpy(b->hashes[tl] + (size_t)i * MERKLE_HASH_BYTES, hash, MERKLE_HASH_BYTES);
	}
	b->count[tl] = i + 1;
	b->dirty[tl] = 1;
	if (b->count[tl] == TILES_WIDTH) {
		if (b->write) {
			int e = builder_write(b, tl);
			if (e)
				return e;
		}
		b->n[tl]++;
		b->count[tl] = 0;
		b->dirty[tl] = 0;
	}
	return 0;
}

/* ---- append ---- */

static void put_time(unsigned char out[LEDGER_TIME_BYTES], int64_t t)
{
	uint64_t u = (uint64_t)t;
	for (int i = LEDGER_TIME_BYTES - 1; i >= 0; i--) {
		out[i] = (unsigned char)u;
		u >>= 8;
	}
}

static int64_t get_time(const unsigned char in[LEDGER_TIME_BYTES])
{
	uint64_t u = 0;
	for (int i = 0; i < LEDGER_TIME_BYTES; i++)
		u = u << 8 | in[i];
	return (int64_t)u; /* times are written from non-negative int64_t */
}

void ledger_leaf_hash(int64_t time, const void *record, size_t len,
		      unsigned char out[MERKLE_HASH_BYTES])
{
	unsigned char *entry = malloc(LEDGER_TIME_BYTES + len);
	if (!entry) { /* cannot happen for records of legal length on a sane system */
		memset(out, 0, MERKLE_HASH_BYTES);
		return;
	}
	put_time(entry, time);
	if (len)
		memcpy(entry + LEDGER_TIME_BYTES, record, len);
	merkle_leaf_hash(entry, LEDGER_TIME_BYTES + len, out);
	free(entry);
}

/* Under the lock: moves l to the checkpoint on disk if it is consistent. */
static int reload(struct ledger *l, struct shomei_diag *d)
{
	uint64_t size;
	unsigned char root[MERKLE_HASH_BYTES];
	int e = read_checkpoint(l, &size, root, d);
	if (e)
		return e;
	if (size == l->size && memcmp(root, l->root, MERKLE_HASH_BYTES) == 0)
		return 0;
	uint64_t old_size = l->size;
	unsigned char old_root[MERKLE_HASH_BYTES];
	memcpy(old_root, l->root, MERKLE_HASH_BYTES);
	l->size = size;
	memcpy(l->root, root, MERKLE_HASH_BYTES);
	drop_caches(l);
	e = ledger_check_consistent(l, old_size, old_root, d);
	if (e) {
		l->size = old_size;
		memcpy(l->root, old_root, MERKLE_HASH_BYTES);
		drop_caches(l);
	}
	return e;
}

int ledger_refresh(struct ledger *l, struct shomei_diag *d)
{
	diag_clear(d);
	return reload(l, d);
}

/* Deletes the partial tiles and bundle of the tree of old_size leaves that
 * the tree of new_size leaves replaced. Best effort: a leftover is removed by
 * the next append's repair. */
static void remove_replaced(const struct ledger *l, uint64_t old_size, uint64_t new_size)
{
	struct tiles_level lv[TILES_MAX_LEVELS];
	unsigned levels = tiles_for_size(old_size, lv);
	for (unsigned i = 0; i < levels; i++) {
		if (lv[i].partial == 0 || tiles_width(new_size, i, lv[i].full) == lv[i].partial)
			continue;
		char rel[TILES_PATH_BYTES], full[PATH_MAX];
		for (int entries = 0; entries <= (i == 0); entries++) {
			int e = entries ? tiles_entries_path(lv[i].full, lv[i].partial, rel)
					: tiles_path(i, lv[i].full, lv[i].partial, rel);
			if (e || join(l, rel, full, NULL) != 0)
				continue;
			(void)unlink(full);
			*strrchr(full, '/') = '\0';
			(void)rmdir(full); /* the .p directory, when empty */
		}
	}
}

static int check_batch(const void *const *records, const size_t *lens, size_t n, int64_t now,
		       uint64_t size, struct shomei_diag *d)
{
	if (n == 0 || !records || !lens)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "empty batch");
	if (n > LEDGER_MAX_BATCH)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "more than %d records in a batch",
				LEDGER_MAX_BATCH);
	if (now < 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "time before 1970");
	if (size > UINT64_MAX - n)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "ledger full");
	for (size_t i = 0; i < n; i++) {
		if (lens[i] > LEDGER_MAX_RECORD)
			return diag_set(d, SHOMEI_ERR_LIMIT, NULL,
					"record %zu longer than %d bytes", i, LEDGER_MAX_RECORD);
		if (lens[i] && !records[i])
			return diag_set(d, SHOMEI_ERR_USAGE, NULL, "record %zu is NULL", i);
	}
	return 0;
}

/* Loads the partial tiles and bundle the batch extends into b and bundle. */
static int load_partials(struct ledger *l, struct builder *b, struct buf *bundle,
			 struct shomei_diag *d)
{
	struct tiles_level lv[TILES_MAX_LEVELS];
	unsigned levels = tiles_for_size(l->size, lv);
	for (unsigned i = 0; i < levels; i++) {
		if (lv[i].partial == 0)
			continue;
		struct tile_cache *c;
		int e = load_tile(l, i, lv[i].full, &c, d);
		if (e)
			return e;
		memcpy(b->hashes[i], c->data, c->len);
		b->count[i] = lv[i].partial;
	}
	if (levels > 0 && lv[0].partial) {
		char rel[TILES_PATH_BYTES];
		char *data = NULL;
		size_t len = 0;
		struct tiles_entry ents[TILES_WIDTH];
		size_t count = 0;
		int e = tiles_entries_path(lv[0].full, lv[0].partial, rel);
		if (!e)
			e = read_rel(l, rel, TILES_BUNDLE_MAX_BYTES, &data, &len, d);
		if (!e)
			e = tiles_bundle_parse((unsigned char *)data, len, ents, &count, d);
		if (!e && count != lv[0].partial)
			e = diag_set(d, SHOMEI_ERR_INVALID, rel, "not %u entries", lv[0].partial);
		if (!e)
			e = buf_append(bundle, data, len);
		free(data);
		if (e)
			return e;
	}
	return 0;
}

static int write_bundle(struct ledger *l, uint64_t n, unsigned width, struct buf *bundle,
			struct shomei_diag *d)
{
	char rel[TILES_PATH_BYTES];
	int e = tiles_entries_path(n, width, rel);
	if (!e)
		e = write_rel(l, rel, bundle->data, bundle->len, FILEIO_REPLACE, d);
	return e;
}

static int append_locked(struct ledger *l, const struct ed25519_key *key,
			 const void *const *records, const size_t *lens, size_t n, int64_t now,
			 struct shomei_diag *d)
{
	struct builder b;
	struct buf bundle, entry, cp;
	buf_init(&bundle, TILES_BUNDLE_MAX_BYTES);
	buf_init(&entry, TILES_MAX_ENTRY);
	buf_init(&cp, NOTE_MAX_BYTES);
	struct get_ctx g = {l, d};
	struct merkle_frontier *f = malloc(sizeof *f);
	int e = builder_init(&b, l, 1, 0, d);
	if (!e && !f)
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (!e)
		e = reload(l, d);
	if (!e)
		e = check_batch(records, lens, n, now, l->size, d);
	if (!e)
		e = repair(l, l->size, d);
	if (e)
		goto out;
	/* The tiles and partial bundle this append extends must be the ones the
	 * signed root stands for, or the new checkpoint would sign garbage. */
	e = merkle_frontier_load(f, l->size, get_hash, &g);
	unsigned char root[MERKLE_HASH_BYTES];
	if (!e) {
		merkle_frontier_root(f, root);
		if (memcmp(root, l->root, MERKLE_HASH_BYTES) != 0)
			e = diag_set(d, SHOMEI_ERR_INVALID, "tile",
				     "the tiles do not give the checkpoint's root");
	}
	builder_release(&b);
	if (!e)
		e = builder_init(&b, l, 1, 0, d);
	if (!e)
		e = load_partials(l, &b, &bundle, d);
	if (e)
		goto out;
	unsigned bcount = (unsigned)(l->size % TILES_WIDTH);
	uint64_t bn = l->size / TILES_WIDTH;
	unsigned char stamp[LEDGER_TIME_BYTES];
	put_time(stamp, now);
	for (size_t i = 0; i < n && !e; i++) {
		unsigned char leaf[MERKLE_HASH_BYTES];
		entry.len = 0;
		e = buf_append(&entry, stamp, sizeof stamp);
		if (!e && lens[i])
			e = buf_append(&entry, records[i], lens[i]);
		if (!e)
			e = tiles_bundle_append(&bundle, entry.data, entry.len, d);
		if (e)
			break;
		merkle_leaf_hash(entry.data, entry.len, leaf);
		e = merkle_frontier_append(f, leaf, builder_node, &b);
		if (!e && ++bcount == TILES_WIDTH) {
			e = write_bundle(l, bn, TILES_WIDTH, &bundle, d);
			bn++;
			bcount = 0;
			bundle.len = 0;
		}
	}
	if (!e && bcount)
		e = write_bundle(l, bn, bcount, &bundle, d);
	for (unsigned i = 0; i < TILES_MAX_LEVELS && !e; i++) {
		if (b.dirty[i] && b.count[i])
			e = builder_write(&b, i);
	}
	if (e)
		goto out;
	merkle_frontier_root(f, root);
	e = sign_checkpoint(l, key, f->size, root, &cp, d);
	if (!e)
		e = write_rel(l, "checkpoint", cp.data, cp.len, FILEIO_REPLACE, d);
	if (e)
		goto out;
	/* Committed. */
	uint64_t old_size = l->size;
	l->size = f->size;
	memcpy(l->root, root, MERKLE_HASH_BYTES);
	drop_caches(l);
	remove_replaced(l, old_size, l->size);
out:
	builder_release(&b);
	free(f);
	buf_release(&bundle);
	buf_release(&entry);
	buf_release(&cp);
	return e;
}

int ledger_append(struct ledger *l, const struct ed25519_key *log_key, const void *const *records,
		  const size_t *lens, size_t n, int64_t now, uint64_t *first_index,
		  struct shomei_diag *d)
{
	diag_clear(d);
	*first_index = 0;
	if (!l || !log_key)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "missing argument");
	struct note_verifier v;
	char vkey[NOTE_VKEY_BYTES];
	if (vkey_for(l->origin, log_key->pk, &v, vkey) != 0 ||
	    memcmp(&v, &l->verifier, sizeof v) != 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "not the ledger's key");
	if (l->lock_fd < 0) {
		int fd = open_lock(l->dir, d);
		if (fd < 0)
			return fd;
		l->lock_fd = fd;
	} else {
		while (flock(l->lock_fd, LOCK_EX) != 0) {
			if (errno != EINTR)
				return diag_set(d, SHOMEI_ERR_IO, "ledger.lock", "%s",
						strerror(errno));
		}
	}
	int e = append_locked(l, log_key, records, lens, n, now, d);
	uint64_t first = l->size - (e ? 0 : n);
	(void)flock(l->lock_fd, LOCK_UN);
	if (!e)
		*first_index = first;
	return e;
}

/* ---- reading ---- */

int ledger_entry(struct ledger *l, uint64_t index, int64_t *time, unsigned char **record,
		 size_t *len, struct shomei_diag *d)
{
	diag_clear(d);
	*time = 0;
	*record = NULL;
	*len = 0;
	if (index >= l->size)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "entry %llu beyond the ledger's %llu",
				(unsigned long long)index, (unsigned long long)l->size);
	uint64_t bn = index / TILES_WIDTH;
	unsigned width = tiles_width(l->size, 0, bn);
	char rel[TILES_PATH_BYTES];
	int e = tiles_entries_path(bn, width, rel);
	if (e)
		return e;
	if (!(l->bundle_valid && l->bundle_n == bn && l->bundle_width == width)) {
		l->bundle_valid = 0;
		free(l->bundle);
		l->bundle = NULL;
		e = read_rel(l, rel, TILES_BUNDLE_MAX_BYTES, &l->bundle, &l->bundle_len, d);
		if (e)
			return e;
		l->bundle_n = bn;
		l->bundle_width = width;
		l->bundle_valid = 1;
	}
	struct tiles_entry *ents = malloc(TILES_WIDTH * sizeof *ents);
	if (!ents)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t count = 0;
	e = tiles_bundle_parse((unsigned char *)l->bundle, l->bundle_len, ents, &count, d);
	if (e) {
		diag_prefix(d, rel);
		goto out;
	}
	const struct tiles_entry *en = &ents[index % TILES_WIDTH];
	if (count != width || en->len < LEDGER_TIME_BYTES) {
		e = diag_set(d, SHOMEI_ERR_PARSE, rel,
			     count != width ? "not %u entries" : "entry %u without a time",
			     count != width ? width : (unsigned)(index % TILES_WIDTH));
		goto out;
	}
	size_t rlen = en->len - LEDGER_TIME_BYTES;
	unsigned char *r = malloc(rlen + 1);
	if (!r) {
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	memcpy(r, en->data + LEDGER_TIME_BYTES, rlen);
	r[rlen] = '\0';
	*time = get_time(en->data);
	*record = r;
	*len = rlen;
out:
	free(ents);
	return e;
}

int ledger_inclusion_proof(struct ledger *l, uint64_t index,
			   unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH_BYTES], size_t *len,
			   struct shomei_diag *d)
{
	diag_clear(d);
	*len = 0;
	if (index >= l->size)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "entry beyond the ledger");
	struct get_ctx g = {l, d};
	return merkle_inclusion_proof(index, l->size, get_hash, &g, proof, MERKLE_MAX_PROOF, len);
}

int ledger_consistency_proof(struct ledger *l, uint64_t old_size,
			     unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH_BYTES], size_t *len,
			     struct shomei_diag *d)
{
	diag_clear(d);
	*len = 0;
	if (old_size == 0 || old_size > l->size)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "old size not in 1..%llu",
				(unsigned long long)l->size);
	struct get_ctx g = {l, d};
	return merkle_consistency_proof(old_size, l->size, get_hash, &g, proof, MERKLE_MAX_PROOF,
					len);
}

int ledger_check_consistent(struct ledger *l, uint64_t old_size,
			    const unsigned char old_root[MERKLE_HASH_BYTES], struct shomei_diag *d)
{
	diag_clear(d);
	if (old_size == 0)
		return 0;
	if (old_size > l->size)
		return diag_set(d, SHOMEI_ERR_INVALID, "checkpoint",
				"ledger rolled back: %llu entries, %llu seen before",
				(unsigned long long)l->size, (unsigned long long)old_size);
	if (old_size == l->size) {
		if (memcmp(old_root, l->root, MERKLE_HASH_BYTES) != 0)
			return diag_set(d, SHOMEI_ERR_INVALID, "checkpoint",
					"ledger forked: another root at size %llu than seen before",
					(unsigned long long)old_size);
		return 0;
	}
	unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH_BYTES];
	size_t len;
	int e = ledger_consistency_proof(l, old_size, proof, &len, d);
	if (!e && merkle_verify_consistency(old_size, l->size, old_root, l->root, proof, len) != 0)
		e = SHOMEI_ERR_INVALID;
	if (e)
		return diag_set(d, SHOMEI_ERR_INVALID, "checkpoint",
				"ledger forked or rewritten: size %llu is not an extension of "
				"the size %llu seen before",
				(unsigned long long)l->size, (unsigned long long)old_size);
	return 0;
}

int ledger_verify(struct ledger *l, struct shomei_diag *d)
{
	diag_clear(d);
	struct builder b;
	struct merkle_frontier *f = malloc(sizeof *f);
	struct tiles_entry *ents = malloc(TILES_WIDTH * sizeof *ents);
	int e = builder_init(&b, l, 0, l->size, d);
	if (!e && (!f || !ents))
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (e)
		goto out;
	merkle_frontier_init(f);
	for (uint64_t bn = 0; !e && bn * TILES_WIDTH < l->size; bn++) {
		unsigned width = tiles_width(l->size, 0, bn);
		char rel[TILES_PATH_BYTES];
		char *data = NULL;
		size_t len = 0, count = 0;
		e = tiles_entries_path(bn, width, rel);
		if (!e)
			e = read_rel(l, rel, TILES_BUNDLE_MAX_BYTES, &data, &len, d);
		if (!e) {
			e = tiles_bundle_parse((unsigned char *)data, len, ents, &count, d);
			if (e)
				diag_prefix(d, rel);
		}
		if (!e && count != width)
			e = diag_set(d, SHOMEI_ERR_INVALID, rel, "not %u entries", width);
		for (size_t i = 0; !e && i < count; i++) {
			unsigned char leaf[MERKLE_HASH_BYTES];
			if (ents[i].len < LEDGER_TIME_BYTES) {
				e = diag_set(d, SHOMEI_ERR_INVALID, rel, "entry %zu without a time",
					     i);
				break;
			}
			merkle_leaf_hash(ents[i].data, ents[i].len, leaf);
			b.leaf_bundle = bn;
			b.leaf_in_bundle = (unsigned)i;
			e = merkle_frontier_append(f, leaf, builder_node, &b);
		}
		free(data);
	}
	if (e)
		goto out;
	unsigned char root[MERKLE_HASH_BYTES];
	merkle_frontier_root(f, root);
	if (f->size != l->size || memcmp(root, l->root, MERKLE_HASH_BYTES) != 0)
		e = diag_set(d, SHOMEI_ERR_INVALID, "checkpoint",
			     "root does not match the entries");
out:
	builder_release(&b);
	free(f);
	free(ents);
	return e;
}

int ledger_verify_dir(const char *dir, const char *vkey, struct shomei_diag *d)
{
	struct ledger *l = NULL;
	int e = vkey ? ledger_open_pinned(dir, vkey, &l, d) : ledger_open(dir, &l, d);
	if (!e)
		e = ledger_verify(l, d);
	ledger_free(l);
	return e;
}
