#include "mirror.h"

#include "fetch.h"
#include "fileio.h"
#include "ledger.h"
#include "note.h"
#include "tiles.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sync {
	struct fetcher *f;
	const char *replica;
	size_t files;
	struct shomei_diag *d;
};

/* Fetches one file of the mirror and stores it under the same path. */
static int copy_file(struct sync *s, const char *path, size_t max)
{
	char *data = NULL;
	size_t len = 0;
	int err = fetcher_get(s->f, path, max, &data, &len, s->d);
	if (err)
		return err;
	char full[PATH_MAX];
	snprintf(full, sizeof full, "%s/%s", s->replica, path);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", full);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	err = fileio_mkdirs(dir, 0755, s->d);
	if (!err)
		err = fileio_write_atomic(full, data, len, 0644, FILEIO_REPLACE, s->d);
	if (err)
		diag_prefix(s->d, path);
	free(data);
	s->files++;
	return err;
}

static int visit_tile(void *ctx, unsigned level, uint64_t n, unsigned width)
{
	struct sync *s = ctx;
	char path[TILES_PATH_BYTES];
	int err = tiles_path(level, n, width, path);
	if (!err)
		err = copy_file(s, path, TILES_FULL_BYTES);
	if (!err && level == 0) {
		err = tiles_entries_path(n, width, path);
		if (!err)
			err = copy_file(s, path, TILES_BUNDLE_MAX_BYTES);
	}
	return err;
}

static int read_local(const char *replica, const char *name, size_t max, char **data, size_t *len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", replica, name);
	struct shomei_diag ignored;
	return fileio_read(path, max, data, len, &ignored);
}

static int checkpoint_size(const char *text, size_t len, uint64_t *size, struct shomei_diag *d)
{
	struct note *n = malloc(sizeof *n);
	struct note_checkpoint *c = malloc(sizeof *c);
	int err = !n || !c ? diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory") : 0;
	if (!err)
		err = note_parse(text, len, n, d);
	if (!err)
		err = note_checkpoint_parse(n->text, n->text_len, c, d);
	if (!err)
		*size = c->size;
	else
		diag_prefix(d, "checkpoint");
	free(n);
	free(c);
	return err;
}

int mirror_sync(const char *source, const char *replica, const char *vkey,
		struct mirror_result *r, struct shomei_diag *d)
{
	memset(r, 0, sizeof *r);
	struct sync s = {.replica = replica, .d = d};
	struct ledger *old = NULL, *now = NULL;
	char *remote_json = NULL, *local_json = NULL, *cp = NULL, *old_cp = NULL;
	size_t remote_json_len = 0, local_json_len = 0, cp_len = 0, old_cp_len = 0;
	unsigned char old_root[MERKLE_HASH_BYTES] = {0};
	char pinned[NOTE_VKEY_MAX_BYTES];
	pinned[0] = '\0';
	if (vkey)
		snprintf(pinned, sizeof pinned, "%s", vkey);

	int err = fetcher_new(source, &s.f, d);
	if (err)
		goto out;
	int have_local = read_local(replica, "ledger.json", LEDGER_JSON_MAX, &local_json,
				    &local_json_len) == 0;
	if (have_local) {
		err = vkey ? ledger_open_pinned(replica, vkey, &old, d) : ledger_open(replica, &old, d);
		if (err) {
			diag_prefix(d, "replica");
			goto out;
		}
		r->old_size = ledger_size(old);
		ledger_root(old, old_root);
		snprintf(pinned, sizeof pinned, "%s", ledger_vkey(old));
		if (read_local(replica, "checkpoint", LEDGER_CHECKPOINT_MAX, &old_cp,
			       &old_cp_len) != 0) {
			err = diag_set(d, SHOMEI_ERR_IO, "replica/checkpoint", "unreadable");
			goto out;
		}
	}
	err = fetcher_get(s.f, "ledger.json", LEDGER_JSON_MAX, &remote_json, &remote_json_len, d);
	if (err)
		goto out;
	if (have_local && (remote_json_len != local_json_len ||
			   memcmp(remote_json, local_json, local_json_len) != 0)) {
		err = diag_set(d, SHOMEI_ERR_INVALID, "ledger.json",
			       "the mirror serves another ledger (origin or key differ)");
		goto out;
	}
	if (!have_local) {
		err = fileio_mkdirs(replica, 0755, d);
		if (!err)
			err = copy_file(&s, "ledger.json", LEDGER_JSON_MAX);
		if (err)
			goto out;
	}
	err = fetcher_get(s.f, "checkpoint", LEDGER_CHECKPOINT_MAX, &cp, &cp_len, d);
	uint64_t new_size = 0;
	if (!err)
		err = checkpoint_size(cp, cp_len, &new_size, d);
	if (err)
		goto out;
	if (new_size < r->old_size) {
		err = diag_set(d, SHOMEI_ERR_INVALID, "checkpoint",
			       "the mirror's ledger (%llu entries) is older than the replica's "
			       "(%llu): refused",
			       (unsigned long long)new_size, (unsigned long long)r->old_size);
		goto out;
	}
	err = tiles_new_between(r->old_size, new_size, visit_tile, &s);
	if (err)
		goto out;
	/* The checkpoint last: before it, the replica's view is the old one. */
	char cp_path[PATH_MAX];
	snprintf(cp_path, sizeof cp_path, "%s/checkpoint", replica);
	err = fileio_write_atomic(cp_path, cp, cp_len, 0644, FILEIO_REPLACE, d);
	if (err)
		goto out;
	s.files++;
	err = pinned[0] ? ledger_open_pinned(replica, pinned, &now, d) : ledger_open(replica, &now, d);
	if (!err)
		err = ledger_verify(now, d);
	if (!err && r->old_size > 0)
		err = ledger_check_consistent(now, r->old_size, old_root, d);
	if (err) {
		/* Keep the replica's last good view. */
		struct shomei_diag ignored;
		if (old_cp) {
			if (fileio_write_atomic(cp_path, old_cp, old_cp_len, 0644, FILEIO_REPLACE,
						&ignored) != 0 &&
			    d) {
				struct shomei_diag was = *d;
				diag_set(d, err, was.where,
					 "%s; and the old checkpoint could not be put back",
					 was.what);
			}
		} else
			unlink(cp_path);
		goto out;
	}
	r->new_size = ledger_size(now);
out:
	r->files = s.files;
	if (err && !r->new_size)
		r->new_size = r->old_size;
	ledger_free(old);
	ledger_free(now);
	fetcher_free(s.f);
	free(remote_json);
	free(local_json);
	free(cp);
	free(old_cp);
	return err;
}
