#include "ledgerstate.h"

#include "fileio.h"
#include "internal/buf.h"
#include "internal/sha256.h"
#include "jcs.h"
#include "jsonin.h"
#include "merkle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lstate {
	struct ledger *ledger;
	struct registry *reg;
	struct merkle_frontier frontier; /* over the entries replayed so far */
	int frontier_valid;		 /* 0 when the registry came from a snapshot */
	int64_t last_time;
	char dir[4096];
};

/* ---- the trust file ---- */

int lstate_trust_load(const char *path, struct lstate_trust *t, struct shomei_diag *d)
{
	diag_clear(d);
	memset(t, 0, sizeof *t);
	json_t *j = NULL;
	int e = jsonin_load(path, &j, d);
	if (e) {
		diag_prefix(d, path);
		return e;
	}
	e = diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a shomei trust file");
	if (!json_is_object(j) || json_object_size(j) != 4)
		goto out;
	json_t *v = json_object_get(j, "v");
	const char *origin = json_string_value(json_object_get(j, "origin"));
	const char *vkey = json_string_value(json_object_get(j, "vkey"));
	const char *genesis = json_string_value(json_object_get(j, "genesis"));
	if (!json_is_number(v) || json_number_value(v) != LSTATE_TRUST_VERSION) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "v", "not %d", LSTATE_TRUST_VERSION);
		goto out;
	}
	if (!origin || strlen(origin) > LEDGER_ORIGIN_MAX || !note_name_valid(origin, strlen(origin))) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "origin", "not a ledger origin");
		goto out;
	}
	struct note_verifier nv;
	if (!vkey || note_vkey_parse(vkey, strlen(vkey), &nv, NULL) != 0) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "vkey", "not a C2SP verifier key");
		goto out;
	}
	if (strcmp(nv.name, origin) != 0) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "vkey", "names %s, not the origin", nv.name);
		goto out;
	}
	if (!genesis || record_hex_decode(genesis, t->genesis) != 0) {
		e = diag_set(d, SHOMEI_ERR_INVALID, "genesis", "not 64 lowercase hex digits");
		goto out;
	}
	snprintf(t->origin, sizeof t->origin, "%s", origin);
	snprintf(t->vkey, sizeof t->vkey, "%s", vkey);
	diag_clear(d);
	e = 0;
out:
	json_decref(j);
	if (e) {
		memset(t, 0, sizeof *t);
		if (d) {
			char member[DIAG_WHERE_BYTES];
			memcpy(member, d->where, sizeof member);
			snprintf(d->where, sizeof d->where, "%s%s%s", path, member[0] ? ": " : "",
				 member);
		}
	}
	return e;
}

int lstate_trust_save(const char *path, const struct lstate_trust *t, int how,
		      struct shomei_diag *d)
{
	diag_clear(d);
	char hex[RECORD_HEX_CHARS + 1];
	record_hex(t->genesis, hex);
	json_t *j = json_pack("{s:s, s:s, s:i, s:s}", "genesis", hex, "origin", t->origin, "v",
			      LSTATE_TRUST_VERSION, "vkey", t->vkey);
	if (!j)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	char *text = NULL;
	size_t len = 0;
	int e = jcs_serialize(j, &text, &len, d);
	json_decref(j);
	if (e)
		return e;
	char *line = realloc(text, len + 2);
	if (!line) {
		free(text);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	line[len] = '\n';
	e = fileio_write_atomic(path, line, len + 1, 0644, how, d);
	free(line);
	return e;
}

/* ---- replay ---- */

/* Reads entries [from, size) of the view, folds each into the frontier and
 * the registry. On failure the state is unusable (the caller frees it). */
static int replay(struct lstate *s, uint64_t from, struct lstate_outcome *outcomes,
		  uint64_t first, size_t n, struct shomei_diag *d)
{
	uint64_t size = ledger_size(s->ledger);
	for (uint64_t i = from; i < size; i++) {
		int64_t t;
		unsigned char *rec = NULL;
		size_t len;
		int e = ledger_entry(s->ledger, i, &t, &rec, &len, d);
		if (e)
			return e;
		unsigned char leaf[MERKLE_HASH_BYTES];
		ledger_leaf_hash(t, rec, len, leaf);
		e = merkle_frontier_append(&s->frontier, leaf, NULL, NULL);
		if (e) {
			free(rec);
			return diag_set(d, e, NULL, "ledger too large");
		}
		/* The registry wants log times that never go back; a ledger's clock
		 * may step back, so an entry is taken at the latest time seen. */
		if (t < s->last_time)
			t = s->last_time;
		s->last_time = t;
		struct shomei_diag rd;
		diag_clear(&rd);
		int r = registry_apply(s->reg, i, t, rec, len, &rd);
		free(rec);
		if (r == SHOMEI_ERR_NOMEM || r == SHOMEI_ERR_USAGE)
			return diag_set(d, r, NULL, "entry %llu: %s", (unsigned long long)i,
					rd.what);
		if (outcomes && i >= first && i - first < n) {
			struct lstate_outcome *o = &outcomes[i - first];
			o->index = i;
			o->result = r;
			if (r)
				diag_format(&rd, o->reason, sizeof o->reason);
			else
				o->reason[0] = '\0';
		}
	}
	if (!s->frontier_valid)
		return 0; /* the snapshot's entries were checked when it was made */
	unsigned char root[MERKLE_HASH_BYTES], want[MERKLE_HASH_BYTES];
	merkle_frontier_root(&s->frontier, root);
	ledger_root(s->ledger, want);
	if (memcmp(root, want, MERKLE_HASH_BYTES))
		return diag_set(d, SHOMEI_ERR_INVALID, "tile/entries",
				"the entries do not hash to the checkpoint's root: the ledger "
				"was changed");
	return 0;
}

/* ---- compromise reported late ---- */

#define LSTATE_MAX_PASSES 5

struct compromised {
	size_t n;
	unsigned char (*pk)[ED25519_PUBLIC_BYTES];
	int64_t *since;
};

static void compromised_free(struct compromised *c)
{
	free(c->pk);
	free(c->since);
	memset(c, 0, sizeof *c);
}

static int compromised_of(const struct registry *r, struct compromised *c)
{
	memset(c, 0, sizeof *c);
	size_t n = registry_compromised_keys(r, NULL, NULL, 0);
	if (!n)
		return 0;
	c->pk = malloc(n * sizeof *c->pk);
	c->since = malloc(n * sizeof *c->since);
	if (!c->pk || !c->since) {
		compromised_free(c);
		return SHOMEI_ERR_NOMEM;
	}
	c->n = registry_compromised_keys(r, c->pk, c->since, n);
	return 0;
}

static int compromised_same(const struct compromised *a, const struct compromised *b)
{
	return a->n == b->n && (!a->n || (!memcmp(a->pk, b->pk, a->n * sizeof *a->pk) &&
					   !memcmp(a->since, b->since, a->n * sizeof *a->since)));
}

/* Replays the whole ledger again with every key the registry knows to be
 * compromised presumed so from its "since" on, until that set no longer
 * changes: then nothing such a key signed after its compromise has effect,
 * however late the log reported it (registry.h). Usually zero passes. */
static int settle(struct lstate *s, struct shomei_diag *d)
{
	struct compromised cur;
	int e = compromised_of(s->reg, &cur);
	for (int pass = 0; !e && cur.n && pass < LSTATE_MAX_PASSES; pass++) {
		struct registry *fresh = registry_new();
		if (!fresh) {
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			break;
		}
		for (size_t i = 0; !e && i < cur.n; i++)
			e = registry_presume_compromised(fresh, cur.pk[i], cur.since[i]);
		if (e) {
			registry_free(fresh);
			e = diag_set(d, e, NULL, "out of memory");
			break;
		}
		registry_free(s->reg);
		s->reg = fresh;
		merkle_frontier_init(&s->frontier);
		s->frontier_valid = 1;
		s->last_time = 0;
		e = replay(s, 0, NULL, 0, 0, d);
		struct compromised next;
		if (!e)
			e = compromised_of(s->reg, &next);
		if (e)
			break;
		int same = compromised_same(&cur, &next);
		compromised_free(&cur);
		cur = next;
		if (same)
			break;
	}
	compromised_free(&cur);
	return e;
}

/* ---- the snapshot ---- */

static void snapshot_bind(const struct lstate *s, unsigned char bind[32])
{
	struct buf b;
	buf_init(&b, 4096);
	unsigned char root[MERKLE_HASH_BYTES], size[8];
	uint64_t n = ledger_size(s->ledger);
	for (int i = 0; i < 8; i++)
		size[i] = (unsigned char)(n >> (56 - 8 * i));
	ledger_root(s->ledger, root);
	if (buf_puts(&b, "shomei-snapshot-bind-v1\n") || buf_puts(&b, ledger_origin(s->ledger)) ||
	    buf_putc(&b, '\n') || buf_append(&b, size, sizeof size) ||
	    buf_append(&b, root, sizeof root)) {
		memset(bind, 0, 32); /* matches no snapshot written with a real bind */
		bind[0] = 1;
	} else {
		sha256(b.data, b.len, bind);
	}
	buf_release(&b);
}

static int snapshot_entry(void *ctx, uint64_t index, int64_t *time, unsigned char **bytes,
			  size_t *len)
{
	struct lstate *s = ctx;
	return ledger_entry(s->ledger, index, time, bytes, len, NULL);
}

/* Best effort: a replica that cannot be written to is replayed each time. */
static void snapshot_save(struct lstate *s)
{
	char path[sizeof s->dir + 32];
	if (snprintf(path, sizeof path, "%s/%s", s->dir, LSTATE_SNAPSHOT_FILE) >=
		(int)sizeof path ||
	    access(s->dir, W_OK) != 0)
		return;
	unsigned char bind[32];
	snapshot_bind(s, bind);
	struct shomei_diag d;
	if (registry_save(s->reg, path, bind, snapshot_entry, s, &d) != 0)
		remove(path); /* a stale or partial one would only cost a replay */
}

int lstate_open(const char *dir, const struct lstate_trust *pin, struct lstate **out,
		struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	struct lstate_trust own;
	if (!pin) {
		char path[4096];
		if (snprintf(path, sizeof path, "%s/%s", dir, LSTATE_TRUST_FILE) >=
		    (int)sizeof path)
			return diag_set(d, SHOMEI_ERR_USAGE, dir, "path too long");
		struct stat st;
		if (stat(path, &st) == 0) {
			int e = lstate_trust_load(path, &own, d);
			if (e)
				return e;
			pin = &own;
		}
	}
	struct lstate *s = calloc(1, sizeof *s);
	if (!s)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	merkle_frontier_init(&s->frontier);
	int e = pin ? ledger_open_pinned(dir, pin->vkey, &s->ledger, d)
		    : ledger_open(dir, &s->ledger, d);
	if (e)
		goto fail;
	if (pin && strcmp(ledger_origin(s->ledger), pin->origin) != 0) {
		e = diag_set(d, SHOMEI_ERR_INVALID, dir, "the ledger is %s, not %s",
			     ledger_origin(s->ledger), pin->origin);
		goto fail;
	}
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	s->frontier_valid = 1;
	char snap[sizeof s->dir + 32];
	unsigned char bind[32];
	snapshot_bind(s, bind);
	snprintf(snap, sizeof snap, "%s/%s", dir, LSTATE_SNAPSHOT_FILE);
	struct shomei_diag sd;
	if (registry_load(snap, bind, &s->reg, &sd) == 0) {
		s->frontier_valid = 0;
		s->last_time = registry_last_time(s->reg);
	} else {
		s->reg = registry_new();
		if (!s->reg) {
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			goto fail;
		}
		e = replay(s, 0, NULL, 0, 0, d);
		if (!e)
			e = settle(s, d);
		if (e) {
			diag_prefix(d, dir);
			goto fail;
		}
		if (ledger_size(s->ledger) > 0)
			snapshot_save(s);
	}
	if (pin && ledger_size(s->ledger) > 0) {
		unsigned char g[RECORD_HASH_BYTES];
		if (registry_genesis_hash(s->reg, g) != 0 ||
		    memcmp(g, pin->genesis, MERKLE_HASH_BYTES)) {
			e = diag_set(d, SHOMEI_ERR_INVALID, dir,
				     "its genesis is not the one the trust file pins");
			goto fail;
		}
	}
	*out = s;
	return 0;
fail:
	lstate_free(s);
	return e;
}

void lstate_free(struct lstate *s)
{
	if (!s)
		return;
	ledger_free(s->ledger);
	registry_free(s->reg);
	free(s);
}

struct ledger *lstate_ledger(struct lstate *s)
{
	return s->ledger;
}

const struct registry *lstate_registry(const struct lstate *s)
{
	return s->reg;
}

uint64_t lstate_size(const struct lstate *s)
{
	return ledger_size(s->ledger);
}

int64_t lstate_time(const struct lstate *s)
{
	return s->last_time;
}

void lstate_root(const struct lstate *s, unsigned char out[MERKLE_HASH_BYTES])
{
	ledger_root(s->ledger, out);
}

int lstate_append(struct lstate *s, const struct ed25519_key *log_key, const void *const *records,
		  const size_t *lens, size_t n, int64_t now, struct lstate_outcome *outcomes,
		  struct shomei_diag *d)
{
	diag_clear(d);
	if (outcomes)
		memset(outcomes, 0, n * sizeof *outcomes);
	uint64_t before = ledger_size(s->ledger);
	uint64_t first = 0;
	int e = ledger_append(s->ledger, log_key, records, lens, n, now, &first, d);
	if (e) {
		/* another writer may have moved the view on: follow it */
		if (ledger_size(s->ledger) != before) {
			struct shomei_diag rd;
			(void)replay(s, before, NULL, 0, 0, &rd);
		}
		return e;
	}
	struct compromised had;
	e = compromised_of(s->reg, &had);
	if (!e)
		e = replay(s, before, outcomes, first, n, d);
	if (!e) {
		/* a compromise reported now may void what the key signed earlier */
		struct compromised after;
		e = compromised_of(s->reg, &after);
		if (!e && !compromised_same(&had, &after)) {
			if (!s->frontier_valid) {
				/* loaded from a snapshot: rebuild from the entries */
				registry_free(s->reg);
				s->reg = registry_new();
				merkle_frontier_init(&s->frontier);
				s->frontier_valid = 1;
				s->last_time = 0;
				e = s->reg ? replay(s, 0, NULL, 0, 0, d)
					   : diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			}
			if (!e)
				e = settle(s, d);
		}
		compromised_free(&after);
	}
	compromised_free(&had);
	if (e)
		diag_prefix(d, "after the append");
	else
		snapshot_save(s);
	return e;
}
