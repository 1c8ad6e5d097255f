/* registry.c - replaying ledger records into the registry state (registry.h).
 *
 * The hash tables are hand-written: four small open-addressing indexes of
 * 32-bit entry numbers over arrays the registry owns, because the digest
 * index must stay near 45 bytes per digest at 10^6 digests, which no Debian
 * library's generic table does with the entries kept apart from the slots.
 * Keys are hashed with libsodium's SipHash-2-4 (crypto_shorthash) under a
 * random key, so an entitled but hostile writer cannot pick colliding digests.
 *
 * Every apply reserves all the memory it needs before it changes anything, so
 * running out of memory leaves the registry as it was. */
#include "registry.h"

#include "didkey.h"
#include "fileio.h"
#include "internal/buf.h"
#include "internal/sha256.h"
#include "timeutil.h"

#include <sodium.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE	      UINT32_MAX
#define CHUNK_SHIFT   13
#define CHUNK_ENTRIES (1u << CHUNK_SHIFT)
#define CHUNK_MASK    (CHUNK_ENTRIES - 1)
#define TABLE_MIN     16
#define TIME_BYTES    TIMEUTIL_RFC3339_BYTES

struct inst {
	char id[RECORD_ID_BYTES];
	char name[RECORD_NAME_BYTES];
	uint64_t index;
	int64_t time;
	enum registry_standing standing;
	uint64_t standing_index;
	int64_t standing_time;
	uint32_t successor; /* NONE while active */
};

struct key {
	unsigned char pk[ED25519_PUBLIC_BYTES];
	uint32_t inst;
	uint64_t added_index;
	int64_t added_time;
	int retired;
	uint64_t retired_index;
	int64_t retired_time;
	int compromised;
	uint64_t compromised_index;
	int64_t since;
};

/* One anchor record; its digests point here. */
struct arec {
	uint64_t index;
	int64_t time;
	uint32_t inst;
	uint32_t key; /* NONE: the authority signed */
};

struct anchored {
	unsigned char digest[RECORD_HASH_BYTES];
	uint32_t arec;
};
_Static_assert(sizeof(struct anchored) == REGISTRY_DIGEST_ENTRY_BYTES, "the documented cost");

struct presumed {
	unsigned char pk[ED25519_PUBLIC_BYTES];
	int64_t since;
};

/* An entry a snapshot replays: any but an applied anchor. */
struct other {
	uint64_t index;
	int64_t time;
};

/* One revoke or reinstate record. */
struct srec {
	uint64_t index;
	int64_t time;
	uint32_t by_inst; /* NONE: the authority */
	uint32_t by_key;
	enum record_reason reason;
};

struct status {
	unsigned char hash[RECORD_HASH_BYTES];
	uint32_t inst; /* whose credential */
	uint32_t srec; /* the record in force */
	int revoked;
};

/* slots[i] is 0 when empty, else an entry number + 1. cap is 0 or a power of two. */
struct table {
	uint32_t *slots;
	size_t cap;
	size_t count;
};

enum tab { TAB_INST, TAB_KEY, TAB_DIGEST, TAB_STATUS };

struct registry {
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	int has_last;
	uint64_t last_index;
	int64_t last_time;

	int has_genesis;
	unsigned char genesis_hash[RECORD_HASH_BYTES];
	size_t nauth;
	unsigned threshold;
	unsigned char auth[RECORD_MAX_AUTHORITIES][ED25519_PUBLIC_BYTES];

	struct inst *insts;
	size_t ninsts, insts_cap;
	struct table inst_tab;

	struct key *keys;
	size_t nkeys, keys_cap;
	struct table key_tab;

	struct arec *arecs;
	size_t narecs, arecs_cap;
	struct anchored **chunks;
	size_t nchunks, chunks_cap;
	size_t ndigests;
	struct table digest_tab;

	struct srec *srecs;
	size_t nsrecs, srecs_cap;
	struct status *statuses;
	size_t nstatuses, statuses_cap;
	struct table status_tab;

	struct registry_rejection *rej;
	size_t nrej_kept, rej_cap, nrej;

	/* For snapshots: every entry that was not an applied anchor, in order
	 * (a snapshot keeps those records and replays them), and the digests a
	 * loaded snapshot maps from its file, sorted by digest. */
	struct other *others;
	size_t nothers, others_cap;
	const struct anchored *ext;
	size_t next;
	void *map;
	size_t map_len;

	/* Keys known (from a previous replay) to be compromised since a time:
	 * nothing they sign from then on is applied, even before the log reports
	 * the compromise (DESIGN.md §Trust model 5). */
	struct presumed *presumed;
	size_t npresumed, presumed_cap;

	size_t bytes;
};

/* --- memory -------------------------------------------------------------- */

/* Makes room for `need` elements in *p (capacity *cap), up to max. The new
 * pointer goes to *out (== p when nothing moved). */
static int grow_array(struct registry *r, void *p, size_t *cap, size_t need, size_t elem,
		      size_t max, void **out)
{
	*out = p;
	if (need <= *cap)
		return 0;
	if (need > max)
		return SHOMEI_ERR_LIMIT;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	if (ncap > max)
		ncap = max;
	if (ncap > SIZE_MAX / elem)
		return SHOMEI_ERR_LIMIT;
	void *q = realloc(p, ncap * elem);
	if (!q)
		return SHOMEI_ERR_NOMEM;
	r->bytes += (ncap - *cap) * elem;
	*cap = ncap;
	*out = q;
	return 0;
}

/* err = grow_array() for the array `arr` (a struct member), storing the new
 * pointer back. */
#define GROW(err, r, arr, cap, need, max)                                                          \
	do {                                                                                       \
		void *grown_;                                                                      \
		(err) = grow_array((r), (arr), &(cap), (need), sizeof *(arr), (max), &grown_);     \
		(arr) = grown_;                                                                    \
	} while (0)

/* Entry numbers with EXT set are a loaded snapshot's (r->ext), the others
 * the registry's own chunks. */
#define EXT ((uint32_t)1 << 31)
_Static_assert(REGISTRY_MAX_DIGESTS < EXT, "entry numbers leave the EXT bit free");

static const struct anchored *digest_entry_any(const struct registry *r, uint32_t e)
{
	if (e & EXT)
		return &r->ext[e & ~EXT];
	return &r->chunks[e >> CHUNK_SHIFT][e & CHUNK_MASK];
}

static struct anchored *digest_entry(const struct registry *r, size_t e)
{
	return &r->chunks[e >> CHUNK_SHIFT][e & CHUNK_MASK];
}

/* Chunks enough for `need` digest entries in all. */
static int reserve_digests(struct registry *r, size_t need)
{
	if (need > REGISTRY_MAX_DIGESTS)
		return SHOMEI_ERR_LIMIT;
	size_t chunks = (need + CHUNK_MASK) >> CHUNK_SHIFT;
	int err;
	GROW(err, r, r->chunks, r->chunks_cap, chunks, SIZE_MAX / sizeof(void *));
	if (err)
		return err;
	while (r->nchunks < chunks) {
		struct anchored *c = malloc(CHUNK_ENTRIES * sizeof *c);
		if (!c)
			return SHOMEI_ERR_NOMEM;
		r->bytes += CHUNK_ENTRIES * sizeof *c;
		r->chunks[r->nchunks++] = c;
	}
	return 0;
}

/* --- hash tables --------------------------------------------------------- */

static uint64_t hash_bytes(const struct registry *r, const void *p, size_t n)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, p, n, r->hash_key);
	uint64_t x;
	memcpy(&x, h, sizeof x);
	return x;
}

static uint64_t entry_hash(const struct registry *r, enum tab kind, uint32_t e)
{
	switch (kind) {
	case TAB_INST: return hash_bytes(r, r->insts[e].id, strlen(r->insts[e].id));
	case TAB_KEY: return hash_bytes(r, r->keys[e].pk, ED25519_PUBLIC_BYTES);
	case TAB_DIGEST: return hash_bytes(r, digest_entry(r, e)->digest, RECORD_HASH_BYTES);
	case TAB_STATUS: return hash_bytes(r, r->statuses[e].hash, RECORD_HASH_BYTES);
	}
	return 0;
}

static void slot_put(uint32_t *slots, size_t cap, uint64_t h, uint32_t e)
{
	size_t i = (size_t)h & (cap - 1);
	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = e + 1;
}

/* Room for `extra` more entries at a load of at most 3/4. */
static int table_reserve(struct registry *r, struct table *t, enum tab kind, size_t extra)
{
	size_t need = t->count + extra;
	if (t->cap && need <= t->cap / 4 * 3)
		return 0;
	size_t cap = t->cap ? t->cap : TABLE_MIN;
	while (need > cap / 4 * 3) {
		if (cap > SIZE_MAX / 2 / sizeof(uint32_t))
			return SHOMEI_ERR_LIMIT;
		cap *= 2;
	}
	uint32_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return SHOMEI_ERR_NOMEM;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i])
			slot_put(slots, cap, entry_hash(r, kind, t->slots[i] - 1), t->slots[i] - 1);
	free(t->slots);
	r->bytes += (cap - t->cap) * sizeof *slots;
	t->slots = slots;
	t->cap = cap;
	return 0;
}

static void table_insert(struct registry *r, struct table *t, enum tab kind, uint32_t e)
{
	slot_put(t->slots, t->cap, entry_hash(r, kind, e), e);
	t->count++;
}

static uint32_t find_inst(const struct registry *r, const char *id)
{
	const struct table *t = &r->inst_tab;
	if (!id || !t->cap)
		return NONE;
	size_t n = strlen(id);
	if (n == 0 || n > RECORD_ID_MAX_CHARS)
		return NONE;
	for (size_t i = (size_t)hash_bytes(r, id, n) & (t->cap - 1); t->slots[i];
	     i = (i + 1) & (t->cap - 1))
		if (strcmp(r->insts[t->slots[i] - 1].id, id) == 0)
			return t->slots[i] - 1;
	return NONE;
}

static uint32_t find_key(const struct registry *r, const unsigned char pk[ED25519_PUBLIC_BYTES])
{
	const struct table *t = &r->key_tab;
	if (!t->cap)
		return NONE;
	for (size_t i = (size_t)hash_bytes(r, pk, ED25519_PUBLIC_BYTES) & (t->cap - 1);
	     t->slots[i]; i = (i + 1) & (t->cap - 1))
		if (memcmp(r->keys[t->slots[i] - 1].pk, pk, ED25519_PUBLIC_BYTES) == 0)
			return t->slots[i] - 1;
	return NONE;
}

/* The digest's entry for institution inst, or with inst NONE the earliest of
 * all (entries are numbered in log order). */
/* Whether entry a was anchored before entry b (by the log index of their
 * anchor records; within one record, the earlier entry). */
static int anchored_before(const struct registry *r, uint32_t a, uint32_t b)
{
	uint64_t ia = r->arecs[digest_entry_any(r, a)->arec].index;
	uint64_t ib = r->arecs[digest_entry_any(r, b)->arec].index;
	return ia < ib;
}

/* The digest's entry for institution inst, or with inst NONE the earliest of
 * all, among the registry's own entries and a loaded snapshot's. */
static uint32_t find_anchor(const struct registry *r, const unsigned char *digest, uint32_t inst)
{
	const struct table *t = &r->digest_tab;
	uint32_t best = NONE;
	if (r->next) {
		size_t lo = 0, hi = r->next;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (memcmp(r->ext[mid].digest, digest, RECORD_HASH_BYTES) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < r->next && !memcmp(r->ext[lo].digest, digest, RECORD_HASH_BYTES);
		     lo++) {
			uint32_t e = (uint32_t)lo | EXT;
			if (r->ext[lo].arec >= r->narecs) /* a damaged snapshot: ignored */
				continue;
			if (inst != NONE && r->arecs[r->ext[lo].arec].inst != inst)
				continue;
			if (best == NONE || anchored_before(r, e, best))
				best = e;
		}
		if (inst != NONE && best != NONE)
			return best;
	}
	if (!t->cap)
		return best;
	for (size_t i = (size_t)hash_bytes(r, digest, RECORD_HASH_BYTES) & (t->cap - 1);
	     t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		uint32_t e = t->slots[i] - 1;
		const struct anchored *a = digest_entry(r, e);
		if (memcmp(a->digest, digest, RECORD_HASH_BYTES) != 0)
			continue;
		if (inst == NONE ? (best == NONE || anchored_before(r, e, best))
				 : r->arecs[a->arec].inst == inst)
			best = e;
		if (inst != NONE && best != NONE)
			break;
	}
	return best;
}

static uint32_t find_status(const struct registry *r, const unsigned char *hash, uint32_t inst)
{
	const struct table *t = &r->status_tab;
	if (!t->cap)
		return NONE;
	for (size_t i = (size_t)hash_bytes(r, hash, RECORD_HASH_BYTES) & (t->cap - 1);
	     t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		const struct status *s = &r->statuses[t->slots[i] - 1];
		if (s->inst == inst && memcmp(s->hash, hash, RECORD_HASH_BYTES) == 0)
			return t->slots[i] - 1;
	}
	return NONE;
}

/* --- life cycle ---------------------------------------------------------- */

struct registry *registry_new(void)
{
	struct registry *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	crypto_shorthash_keygen(r->hash_key);
	r->bytes = sizeof *r;
	return r;
}

void registry_free(struct registry *r)
{
	if (!r)
		return;
	free(r->insts);
	free(r->inst_tab.slots);
	free(r->keys);
	free(r->key_tab.slots);
	free(r->arecs);
	for (size_t i = 0; i < r->nchunks; i++)
		free(r->chunks[i]);
	free(r->chunks);
	free(r->digest_tab.slots);
	free(r->srecs);
	free(r->statuses);
	free(r->status_tab.slots);
	free(r->rej);
	free(r->others);
	free(r->presumed);
	if (r->map)
		munmap(r->map, r->map_len);
	free(r);
}

/* --- entitlement --------------------------------------------------------- */

static int reject(struct shomei_diag *d, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int reject(struct shomei_diag *d, const char *where, const char *fmt, ...)
{
	if (d) {
		snprintf(d->where, sizeof d->where, "%s", where ? where : "");
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(d->what, sizeof d->what, fmt, ap);
		va_end(ap);
	}
	return REGISTRY_REJECTED;
}

/* A ceiling of the registry refuses the record, the same way on every replica. */
static int refused(int err, struct shomei_diag *d, const char *what)
{
	if (err == SHOMEI_ERR_LIMIT)
		return reject(d, NULL, "the registry holds its maximum number of %s", what);
	return err;
}

static const char *when(int64_t t, char buf[TIME_BYTES])
{
	if (timeutil_format(t, buf) != 0)
		snprintf(buf, TIME_BYTES, "%lld", (long long)t);
	return buf;
}

static int is_authority(const struct registry *r, const unsigned char *pk)
{
	for (size_t i = 0; i < r->nauth; i++)
		if (memcmp(r->auth[i], pk, ED25519_PUBLIC_BYTES) == 0)
			return 1;
	return 0;
}

/* The active institution now answering for inst's credentials. The chain has
 * no cycle (merge and close need an active target, and no institution becomes
 * active again), and its length is bounded by the count anyway. */
static uint32_t responsible(const struct registry *r, uint32_t inst)
{
	for (size_t n = 0; n <= r->ninsts && r->insts[inst].standing != REGISTRY_ACTIVE; n++)
		inst = r->insts[inst].successor;
	return inst;
}

/* Why key k cannot sign at log time t, or 0. */
static int key_valid(const struct registry *r, uint32_t k, int64_t t, const char *where,
		     struct shomei_diag *d)
{
	const struct key *key = &r->keys[k];
	const struct inst *in = &r->insts[key->inst];
	char tb[TIME_BYTES];
	if (in->standing == REGISTRY_MERGED)
		return reject(d, where, "a key of %s, which merged into %s at %s", in->id,
			      r->insts[in->successor].id, when(in->standing_time, tb));
	if (in->standing == REGISTRY_CLOSED)
		return reject(d, where, "a key of %s, which closed at %s", in->id,
			      when(in->standing_time, tb));
	if (key->retired)
		return reject(d, where, "key retired at %s", when(key->retired_time, tb));
	if (key->compromised && key->since <= t)
		return reject(d, where, "key compromised since %s", when(key->since, tb));
	for (size_t i = 0; i < r->npresumed; i++)
		if (!memcmp(r->presumed[i].pk, key->pk, ED25519_PUBLIC_BYTES) &&
		    r->presumed[i].since <= t)
			return reject(d, where, "key compromised since %s (reported later in the log)",
				      when(r->presumed[i].since, tb));
	return 0;
}

/* Whether rec's signers may write it for institution `inst` at log time t:
 * the authority (threshold, authority keys only), or, when inst is not NONE,
 * one valid key of inst, whose number goes to *by_key. */
static int entitled(const struct registry *r, const struct record *rec, uint32_t inst, int64_t t,
		    uint32_t *by_key, struct shomei_diag *d)
{
	*by_key = NONE;
	size_t nauth = 0, other = 0;
	for (size_t i = 0; i < rec->nsignatures; i++) {
		if (is_authority(r, rec->signatures[i].public_key))
			nauth++;
		else
			other = i;
	}
	if (nauth == rec->nsignatures) {
		if (nauth >= r->threshold)
			return 0;
		return reject(d, "signatures", "%zu authority signature%s, the threshold is %u",
			      nauth, nauth == 1 ? "" : "s", r->threshold);
	}
	char where[64];
	snprintf(where, sizeof where, "signatures[%zu].signer", other);
	if (inst == NONE)
		return reject(d, where, "not an authority key: only the authority writes a %s record",
			      record_type_name(rec->f.type));
	if (rec->nsignatures != 1)
		return reject(d, "signatures",
			      "an institution's record carries exactly one signature, not %zu",
			      rec->nsignatures);
	uint32_t k = find_key(r, rec->signatures[0].public_key);
	if (k == NONE)
		return reject(d, where, "neither an authority key nor a registered key");
	int err = key_valid(r, k, t, where, d);
	if (err)
		return err;
	if (r->keys[k].inst != inst)
		return reject(d, where, "a key of %s, not of %s", r->insts[r->keys[k].inst].id,
			      r->insts[inst].id);
	*by_key = k;
	return 0;
}

static int known_inst(const struct registry *r, const char *id, const char *where, uint32_t *out,
		      struct shomei_diag *d)
{
	*out = find_inst(r, id);
	if (*out == NONE)
		return reject(d, where, "%s is not a registered institution", id);
	return 0;
}

static int active_inst(const struct registry *r, uint32_t i, const char *where,
		       struct shomei_diag *d)
{
	const struct inst *in = &r->insts[i];
	char tb[TIME_BYTES];
	if (in->standing == REGISTRY_MERGED)
		return reject(d, where, "%s merged into %s at %s", in->id,
			      r->insts[in->successor].id, when(in->standing_time, tb));
	if (in->standing == REGISTRY_CLOSED)
		return reject(d, where, "%s closed at %s", in->id, when(in->standing_time, tb));
	return 0;
}

/* A key may be registered once, to one institution, and never be an authority's. */
static int new_key(const struct registry *r, const unsigned char *pk, struct shomei_diag *d)
{
	uint32_t k = find_key(r, pk);
	if (k != NONE)
		return reject(d, "key", "already registered, to %s", r->insts[r->keys[k].inst].id);
	if (is_authority(r, pk))
		return reject(d, "key", "an authority key cannot be an institution's");
	return 0;
}

/* Reserves a key entry; add_key then cannot fail. */
static int reserve_key(struct registry *r)
{
	int err;
	GROW(err, r, r->keys, r->keys_cap, r->nkeys + 1, REGISTRY_MAX_KEYS);
	if (!err)
		err = table_reserve(r, &r->key_tab, TAB_KEY, 1);
	return err;
}

static void add_key(struct registry *r, const unsigned char *pk, uint32_t inst, uint64_t index,
		    int64_t t)
{
	struct key *k = &r->keys[r->nkeys];
	memset(k, 0, sizeof *k);
	memcpy(k->pk, pk, ED25519_PUBLIC_BYTES);
	k->inst = inst;
	k->added_index = index;
	k->added_time = t;
	table_insert(r, &r->key_tab, TAB_KEY, (uint32_t)r->nkeys);
	r->nkeys++;
}

/* --- applying each type -------------------------------------------------- */

static int apply_genesis(struct registry *r, const struct record *rec, const void *bytes,
			 size_t len, struct shomei_diag *d)
{
	if (r->has_genesis)
		return reject(d, "type", "a genesis is already recorded");
	for (size_t i = 0; i < rec->nsignatures; i++) {
		size_t j;
		for (j = 0; j < rec->f.nauthorities; j++)
			if (memcmp(rec->authority_public[j], rec->signatures[i].public_key,
				   ED25519_PUBLIC_BYTES) == 0)
				break;
		if (j == rec->f.nauthorities) {
			char where[64];
			snprintf(where, sizeof where, "signatures[%zu].signer", i);
			return reject(d, where, "not one of the genesis authorities");
		}
	}
	if (rec->nsignatures < rec->f.threshold)
		return reject(d, "signatures", "%zu authority signature%s, the threshold is %u",
			      rec->nsignatures, rec->nsignatures == 1 ? "" : "s",
			      rec->f.threshold);
	r->nauth = rec->f.nauthorities;
	memcpy(r->auth, rec->authority_public, r->nauth * ED25519_PUBLIC_BYTES);
	r->threshold = rec->f.threshold;
	sha256(bytes, len, r->genesis_hash);
	r->has_genesis = 1;
	return 0;
}

static int apply_institution(struct registry *r, const struct record *rec, uint64_t index,
			     int64_t t, struct shomei_diag *d)
{
	uint32_t by;
	int err = entitled(r, rec, NONE, t, &by, d);
	if (err)
		return err;
	if (find_inst(r, rec->institution) != NONE)
		return reject(d, "institution", "%s is already registered", rec->institution);
	err = new_key(r, rec->key_public, d);
	if (err)
		return err;
	GROW(err, r, r->insts, r->insts_cap, r->ninsts + 1, REGISTRY_MAX_INSTITUTIONS);
	if (!err)
		err = table_reserve(r, &r->inst_tab, TAB_INST, 1);
	if (!err)
		err = reserve_key(r);
	if (err)
		return refused(err, d, "institutions or keys");
	struct inst *in = &r->insts[r->ninsts];
	memset(in, 0, sizeof *in);
	memcpy(in->id, rec->institution, sizeof in->id);
	memcpy(in->name, rec->name, sizeof in->name);
	in->index = index;
	in->time = t;
	in->standing = REGISTRY_ACTIVE;
	in->successor = NONE;
	table_insert(r, &r->inst_tab, TAB_INST, (uint32_t)r->ninsts);
	add_key(r, rec->key_public, (uint32_t)r->ninsts, index, t);
	r->ninsts++;
	return 0;
}

/* The key named by key-retire and key-compromised, which must be inst's. */
static int key_of(const struct registry *r, const struct record *rec, uint32_t inst, uint32_t *k,
		  struct shomei_diag *d)
{
	*k = find_key(r, rec->key_public);
	if (*k == NONE)
		return reject(d, "key", "not a registered key");
	if (r->keys[*k].inst != inst)
		return reject(d, "key", "a key of %s, not of %s", r->insts[r->keys[*k].inst].id,
			      rec->institution);
	return 0;
}

static int apply_key(struct registry *r, const struct record *rec, uint64_t index, int64_t t,
		     struct shomei_diag *d)
{
	uint32_t inst, by, k = NONE;
	int err = known_inst(r, rec->institution, "institution", &inst, d);
	if (!err && rec->f.type == RECORD_KEY_ADD)
		err = active_inst(r, inst, "institution", d);
	if (!err && rec->f.type != RECORD_KEY_ADD)
		err = key_of(r, rec, inst, &k, d);
	if (!err)
		err = entitled(r, rec, inst, t, &by, d);
	if (err)
		return err;
	char tb[TIME_BYTES];
	struct key *key = k == NONE ? NULL : &r->keys[k];
	switch (rec->f.type) {
	case RECORD_KEY_ADD:
		err = new_key(r, rec->key_public, d);
		if (!err)
			err = reserve_key(r);
		if (err)
			return refused(err, d, "keys");
		add_key(r, rec->key_public, inst, index, t);
		return 0;
	case RECORD_KEY_RETIRE:
		if (key->retired)
			return reject(d, "key", "already retired at %s",
				      when(key->retired_time, tb));
		key->retired = 1;
		key->retired_index = index;
		key->retired_time = t;
		return 0;
	case RECORD_KEY_COMPROMISED: {
		/* A "since" after the log time takes effect at the log time; a
		 * later record may move it earlier, never later. */
		int64_t since = rec->f.since < t ? rec->f.since : t;
		if (!key->compromised || since < key->since) {
			key->compromised = 1;
			key->since = since;
			key->compromised_index = index;
		}
		return 0;
	}
	default: return reject(d, "type", "not a key record");
	}
}

static int apply_standing(struct registry *r, const struct record *rec, uint64_t index,
			  int64_t t, struct shomei_diag *d)
{
	const char *member = rec->f.type == RECORD_MERGE ? "into" : "custodian";
	uint32_t inst, other, by;
	int err = known_inst(r, rec->institution, "institution", &inst, d);
	if (!err)
		err = known_inst(r, rec->other, member, &other, d);
	if (err)
		return err;
	if (inst == other)
		return reject(d, member, "%s cannot be its own %s", rec->institution,
			      rec->f.type == RECORD_MERGE ? "successor" : "custodian");
	err = active_inst(r, inst, "institution", d);
	if (!err)
		err = active_inst(r, other, member, d);
	if (!err)
		err = entitled(r, rec, NONE, t, &by, d);
	if (err)
		return err;
	struct inst *in = &r->insts[inst];
	in->standing = rec->f.type == RECORD_MERGE ? REGISTRY_MERGED : REGISTRY_CLOSED;
	in->standing_index = index;
	in->standing_time = t;
	in->successor = other;
	return 0;
}

static int apply_anchor(struct registry *r, const struct record *rec, uint64_t index, int64_t t,
			struct shomei_diag *d)
{
	uint32_t inst, by;
	int err = known_inst(r, rec->institution, "institution", &inst, d);
	if (!err)
		err = active_inst(r, inst, "institution", d);
	if (!err)
		err = entitled(r, rec, inst, t, &by, d);
	if (err)
		return err;
	size_t n = rec->f.nhashes;
	GROW(err, r, r->arecs, r->arecs_cap, r->narecs + 1, REGISTRY_MAX_ANCHORS);
	if (!err)
		err = reserve_digests(r, r->ndigests + n);
	if (!err)
		err = table_reserve(r, &r->digest_tab, TAB_DIGEST, n);
	if (err)
		return refused(err, d, "anchored digests");
	uint32_t a = (uint32_t)r->narecs;
	r->arecs[a] = (struct arec){.index = index, .time = t, .inst = inst, .key = by};
	r->narecs++;
	for (size_t i = 0; i < n; i++) {
		/* The first anchor of a digest for an institution is its proof of
		 * time; a repeat adds nothing. */
		if (find_anchor(r, rec->f.hashes[i], inst) != NONE)
			continue;
		struct anchored *e = digest_entry(r, r->ndigests);
		memcpy(e->digest, rec->f.hashes[i], RECORD_HASH_BYTES);
		e->arec = a;
		table_insert(r, &r->digest_tab, TAB_DIGEST, (uint32_t)r->ndigests);
		r->ndigests++;
	}
	return 0;
}

static int apply_status(struct registry *r, const struct record *rec, uint64_t index, int64_t t,
			struct shomei_diag *d)
{
	uint32_t inst, by;
	int err = known_inst(r, rec->institution, "institution", &inst, d);
	if (err)
		return err;
	uint32_t answering = responsible(r, inst);
	err = entitled(r, rec, answering, t, &by, d);
	if (err)
		return err;
	int revoke = rec->f.type == RECORD_REVOKE;
	size_t n = rec->f.nhashes;
	GROW(err, r, r->srecs, r->srecs_cap, r->nsrecs + 1, REGISTRY_MAX_ANCHORS);
	if (!err && revoke)
		GROW(err, r, r->statuses, r->statuses_cap, r->nstatuses + n,
		     REGISTRY_MAX_STATUSES);
	if (!err && revoke)
		err = table_reserve(r, &r->status_tab, TAB_STATUS, n);
	if (err)
		return refused(err, d, "revocations");
	uint32_t s = (uint32_t)r->nsrecs;
	r->srecs[s] = (struct srec){.index = index,
				    .time = t,
				    .by_inst = by == NONE ? NONE : answering,
				    .by_key = by,
				    .reason = rec->f.reason};
	r->nsrecs++;
	for (size_t i = 0; i < n; i++) {
		uint32_t e = find_status(r, rec->f.hashes[i], inst);
		if (revoke && e == NONE) {
			struct status *st = &r->statuses[r->nstatuses];
			memcpy(st->hash, rec->f.hashes[i], RECORD_HASH_BYTES);
			st->inst = inst;
			st->srec = s;
			st->revoked = 1;
			table_insert(r, &r->status_tab, TAB_STATUS, (uint32_t)r->nstatuses);
			r->nstatuses++;
		} else if (e != NONE && r->statuses[e].revoked != revoke) {
			r->statuses[e].revoked = revoke;
			r->statuses[e].srec = s;
		}
	}
	return 0;
}

static int apply_record(struct registry *r, const struct record *rec, uint64_t index, int64_t t,
			const void *bytes, size_t len, struct shomei_diag *d)
{
	/* Not signed by whom it says: nobody's record. */
	for (size_t i = 0; i < rec->nsignatures; i++)
		if (record_verify_signature(rec, i, d) != 0)
			return REGISTRY_REJECTED;
	if (rec->f.type == RECORD_GENESIS)
		return apply_genesis(r, rec, bytes, len, d);
	if (!r->has_genesis)
		return reject(d, "type", "no genesis recorded yet");
	switch (rec->f.type) {
	case RECORD_INSTITUTION: return apply_institution(r, rec, index, t, d);
	case RECORD_KEY_ADD:
	case RECORD_KEY_RETIRE:
	case RECORD_KEY_COMPROMISED: return apply_key(r, rec, index, t, d);
	case RECORD_MERGE:
	case RECORD_CLOSE: return apply_standing(r, rec, index, t, d);
	case RECORD_ANCHOR: return apply_anchor(r, rec, index, t, d);
	case RECORD_REVOKE:
	case RECORD_REINSTATE: return apply_status(r, rec, index, t, d);
	case RECORD_GENESIS: break;
	}
	return reject(d, "type", "not a record type");
}

int registry_apply(struct registry *r, uint64_t index, int64_t log_time, const void *bytes,
		   size_t len, struct shomei_diag *d)
{
	diag_clear(d);
	if (!r || (!bytes && len))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no registry or no bytes");
	if (r->has_last && index <= r->last_index)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "entry %llu does not follow entry %llu",
				(unsigned long long)index, (unsigned long long)r->last_index);
	if (r->has_last && log_time < r->last_time)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "log time goes backwards");
	if (log_time < TIMEUTIL_MIN_SECONDS || log_time > TIMEUTIL_MAX_SECONDS)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "log time out of range");
	/* A refusal must be recordable before anything happens. */
	if (r->nrej_kept < REGISTRY_MAX_REJECTIONS) {
		int err;
		GROW(err, r, r->rej, r->rej_cap, r->nrej_kept + 1, REGISTRY_MAX_REJECTIONS);
		if (err)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}

	{
		int err;
		GROW(err, r, r->others, r->others_cap, r->nothers + 1, SIZE_MAX / sizeof(struct other));
		if (err)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}

	struct shomei_diag local;
	diag_clear(&local);
	struct record *rec = NULL;
	int err = record_parse(bytes, len, &rec, &local);
	if (!err)
		err = apply_record(r, rec, index, log_time, bytes, len, &local);
	int applied_anchor = !err && rec->f.type == RECORD_ANCHOR;
	record_free(rec);
	if (err != SHOMEI_ERR_NOMEM && !applied_anchor)
		r->others[r->nothers++] = (struct other){.index = index, .time = log_time};
	if (d)
		*d = local;
	if (err == SHOMEI_ERR_NOMEM)
		return err;
	r->has_last = 1;
	r->last_index = index;
	r->last_time = log_time;
	if (err) {
		if (r->nrej_kept < REGISTRY_MAX_REJECTIONS) {
			struct registry_rejection *x = &r->rej[r->nrej_kept++];
			x->index = index;
			x->log_time = log_time;
			x->result = err;
			diag_format(&local, x->reason, sizeof x->reason);
		}
		r->nrej++;
	}
	return err;
}

/* --- queries ------------------------------------------------------------- */

size_t registry_rejection_count(const struct registry *r)
{
	return r ? r->nrej : 0;
}

const struct registry_rejection *registry_rejection(const struct registry *r, size_t i)
{
	return r && i < r->nrej_kept ? &r->rej[i] : NULL;
}

int registry_genesis_hash(const struct registry *r, unsigned char out[RECORD_HASH_BYTES])
{
	if (!r || !r->has_genesis) {
		memset(out, 0, RECORD_HASH_BYTES);
		return SHOMEI_ERR_NOTFOUND;
	}
	memcpy(out, r->genesis_hash, RECORD_HASH_BYTES);
	return 0;
}

static void fill_institution(const struct registry *r, uint32_t i,
			     struct registry_institution *out)
{
	const struct inst *in = &r->insts[i];
	memset(out, 0, sizeof *out);
	memcpy(out->id, in->id, sizeof out->id);
	memcpy(out->name, in->name, sizeof out->name);
	out->index = in->index;
	out->time = in->time;
	out->standing = in->standing;
	out->standing_index = in->standing_index;
	out->standing_time = in->standing_time;
	if (in->successor != NONE) {
		memcpy(out->successor, r->insts[in->successor].id, sizeof out->successor);
		memcpy(out->successor_name, r->insts[in->successor].name,
		       sizeof out->successor_name);
	}
	uint32_t a = responsible(r, i);
	memcpy(out->responsible, r->insts[a].id, sizeof out->responsible);
	memcpy(out->responsible_name, r->insts[a].name, sizeof out->responsible_name);
}

int registry_institution(const struct registry *r, const char *id,
			 struct registry_institution *out)
{
	uint32_t i = r ? find_inst(r, id) : NONE;
	if (i == NONE) {
		memset(out, 0, sizeof *out);
		return SHOMEI_ERR_NOTFOUND;
	}
	fill_institution(r, i, out);
	return 0;
}

static void fill_key(const struct registry *r, uint32_t k, struct registry_key *out)
{
	const struct key *key = &r->keys[k];
	memset(out, 0, sizeof *out);
	if (didkey_from_public(key->pk, out->did) != 0)
		out->did[0] = '\0';
	memcpy(out->institution, r->insts[key->inst].id, sizeof out->institution);
	out->added_index = key->added_index;
	out->added_time = key->added_time;
	out->retired = key->retired;
	out->retired_index = key->retired_index;
	out->retired_time = key->retired_time;
	out->compromised = key->compromised;
	out->compromised_index = key->compromised_index;
	out->compromised_since = key->since;
}

/* did or "did:key:X#X" to a key number; NONE when unknown, *bad when not a did:key. */
static uint32_t lookup_did(const struct registry *r, const char *did, int *bad)
{
	unsigned char pk[ED25519_PUBLIC_BYTES];
	*bad = didkey_vm_to_public(did, pk, NULL) != 0;
	return *bad ? NONE : find_key(r, pk);
}

int registry_key_owner(const struct registry *r, const char *did, struct registry_key *out)
{
	memset(out, 0, sizeof *out);
	if (!r || !did)
		return SHOMEI_ERR_USAGE;
	int bad;
	uint32_t k = lookup_did(r, did, &bad);
	if (bad)
		return SHOMEI_ERR_INVALID;
	if (k == NONE)
		return SHOMEI_ERR_NOTFOUND;
	fill_key(r, k, out);
	return 0;
}

static void fill_anchor(const struct registry *r, uint32_t e, struct registry_anchor *out)
{
	const struct arec *a = &r->arecs[digest_entry_any(r, e)->arec];
	memset(out, 0, sizeof *out);
	out->index = a->index;
	out->time = a->time;
	memcpy(out->institution, r->insts[a->inst].id, sizeof out->institution);
	out->by_authority = a->key == NONE;
	if (a->key != NONE && didkey_from_public(r->keys[a->key].pk, out->signer) != 0)
		out->signer[0] = '\0';
}

int registry_anchor(const struct registry *r, const unsigned char digest[RECORD_HASH_BYTES],
		    const char *institution, struct registry_anchor *out)
{
	memset(out, 0, sizeof *out);
	if (!r || !digest)
		return SHOMEI_ERR_USAGE;
	uint32_t inst = NONE;
	if (institution && (inst = find_inst(r, institution)) == NONE)
		return SHOMEI_ERR_NOTFOUND;
	uint32_t e = find_anchor(r, digest, inst);
	if (e == NONE)
		return SHOMEI_ERR_NOTFOUND;
	fill_anchor(r, e, out);
	return 0;
}

static void fill_status(const struct registry *r, uint32_t e, struct registry_status *out)
{
	const struct status *st = &r->statuses[e];
	const struct srec *s = &r->srecs[st->srec];
	memset(out, 0, sizeof *out);
	out->revoked = st->revoked;
	out->reason = s->reason;
	out->index = s->index;
	out->time = s->time;
	out->by_authority = s->by_inst == NONE;
	if (s->by_inst != NONE) {
		memcpy(out->by, r->insts[s->by_inst].id, sizeof out->by);
		if (didkey_from_public(r->keys[s->by_key].pk, out->signer) != 0)
			out->signer[0] = '\0';
	}
}

int registry_status(const struct registry *r, const unsigned char status[RECORD_HASH_BYTES],
		    const char *institution, struct registry_status *out)
{
	memset(out, 0, sizeof *out);
	if (!r || !status || !institution)
		return SHOMEI_ERR_USAGE;
	uint32_t inst = find_inst(r, institution);
	uint32_t e = inst == NONE ? NONE : find_status(r, status, inst);
	if (e == NONE)
		return SHOMEI_ERR_NOTFOUND;
	fill_status(r, e, out);
	return 0;
}

int registry_may_revoke(const struct registry *r, const char *institution, const char *did)
{
	if (!r || !did)
		return 0;
	uint32_t inst = find_inst(r, institution);
	int bad;
	uint32_t k = lookup_did(r, did, &bad);
	if (inst == NONE || k == NONE)
		return 0;
	return r->keys[k].inst == responsible(r, inst) &&
	       key_valid(r, k, r->last_time, NULL, NULL) == 0;
}

const char *registry_outcome_name(enum registry_outcome o)
{
	switch (o) {
	case REGISTRY_UNKNOWN_KEY: return "unknown key";
	case REGISTRY_NOT_ANCHORED: return "not anchored";
	case REGISTRY_ANCHOR_BEFORE_KEY: return "anchored before the key";
	case REGISTRY_ANCHOR_TOO_LATE: return "anchored too late";
	case REGISTRY_REVOKED: return "revoked";
	case REGISTRY_GOOD: return "good";
	}
	return "unknown";
}

const char *registry_standing_name(enum registry_standing s)
{
	switch (s) {
	case REGISTRY_ACTIVE: return "active";
	case REGISTRY_MERGED: return "merged";
	case REGISTRY_CLOSED: return "closed";
	}
	return "unknown";
}

static void say(struct registry_answer *a, enum registry_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first failure only: checks run in order of importance. */
static void say(struct registry_answer *a, enum registry_outcome o, const char *fmt, ...)
{
	if (a->reason[0])
		return;
	a->outcome = o;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof a->reason, fmt, ap);
	va_end(ap);
}

/* Why the anchor at (index, time) does not precede what ends the key's or the
 * institution's right to sign; "" when it does. */
static void anchor_timing(const struct registry *r, const struct key *key, const struct arec *an,
			  char *why, size_t cap)
{
	const struct inst *in = &r->insts[key->inst];
	char tb[TIME_BYTES], ta[TIME_BYTES];
	why[0] = '\0';
	when(an->time, ta);
	if (key->retired && key->retired_index < an->index)
		snprintf(why, cap, "anchored at %s, after the key was retired at %s", ta,
			 when(key->retired_time, tb));
	else if (key->compromised && key->since <= an->time)
		snprintf(why, cap, "anchored at %s, after the key's compromise since %s", ta,
			 when(key->since, tb));
	else if (in->standing != REGISTRY_ACTIVE && in->standing_index < an->index)
		snprintf(why, cap, "anchored at %s, after %s %s at %s", ta, in->id,
			 in->standing == REGISTRY_MERGED ? "merged" : "closed",
			 when(in->standing_time, tb));
	else if (an->key != NONE && r->keys[an->key].compromised &&
		 r->keys[an->key].since <= an->time)
		snprintf(why, cap, "the anchor at %s was signed by a key compromised since %s", ta,
			 when(r->keys[an->key].since, tb));
}

int registry_judge(const struct registry *r, const unsigned char digest[RECORD_HASH_BYTES],
		   const unsigned char status[RECORD_HASH_BYTES], const char *signing_did,
		   struct registry_answer *a)
{
	if (!a)
		return SHOMEI_ERR_USAGE;
	memset(a, 0, sizeof *a);
	a->outcome = REGISTRY_UNKNOWN_KEY;
	if (!r || !digest || !status || !signing_did) {
		snprintf(a->reason, sizeof a->reason, "nothing to judge");
		return SHOMEI_ERR_USAGE;
	}
	int bad;
	uint32_t k = lookup_did(r, signing_did, &bad);
	if (bad) {
		say(a, REGISTRY_UNKNOWN_KEY, "the signing key is not a did:key");
		return 0;
	}
	if (k == NONE) {
		say(a, REGISTRY_UNKNOWN_KEY, "the signing key is no registered institution's");
		return 0;
	}
	const struct key *key = &r->keys[k];
	a->key_known = 1;
	fill_key(r, k, &a->key);
	fill_institution(r, key->inst, &a->institution);

	uint32_t e = find_anchor(r, digest, key->inst);
	if (e == NONE) {
		uint32_t other = find_anchor(r, digest, NONE);
		if (other != NONE)
			say(a, REGISTRY_NOT_ANCHORED, "not anchored by %s, only by %s",
			    r->insts[key->inst].id,
			    r->insts[r->arecs[digest_entry_any(r, other)->arec].inst].id);
		else
			say(a, REGISTRY_NOT_ANCHORED, "not anchored by %s", r->insts[key->inst].id);
	} else {
		const struct arec *an = &r->arecs[digest_entry_any(r, e)->arec];
		a->anchored = 1;
		fill_anchor(r, e, &a->anchor);
		char tb[TIME_BYTES], ta[TIME_BYTES];
		a->key_at_anchor = key->added_index < an->index;
		if (!a->key_at_anchor)
			say(a, REGISTRY_ANCHOR_BEFORE_KEY,
			    "anchored at %s, before the key was registered at %s",
			    when(an->time, ta), when(key->added_time, tb));
		char why[REGISTRY_REASON_BYTES];
		anchor_timing(r, key, an, why, sizeof why);
		a->anchor_in_time = why[0] == '\0';
		if (!a->anchor_in_time)
			say(a, REGISTRY_ANCHOR_TOO_LATE, "%s", why);
	}

	uint32_t s = find_status(r, status, key->inst);
	if (s != NONE) {
		a->status_known = 1;
		fill_status(r, s, &a->status);
		if (a->status.revoked) {
			char tb[TIME_BYTES];
			say(a, REGISTRY_REVOKED, "revoked at %s by %s (%s)",
			    when(a->status.time, tb),
			    a->status.by_authority ? "the authority" : a->status.by,
			    record_reason_name(a->status.reason));
		}
	}
	if (!a->reason[0])
		a->outcome = REGISTRY_GOOD;
	return 0;
}

void registry_stats(const struct registry *r, struct registry_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!r)
		return;
	out->institutions = r->ninsts;
	out->keys = r->nkeys;
	out->anchors = r->narecs;
	out->digests = r->ndigests;
	out->statuses = r->nstatuses;
	out->rejections = r->nrej;
	out->bytes = r->bytes;
}

/* --- listing (for `verifier ledger status`) -------------------------------- */

size_t registry_institution_count(const struct registry *r)
{
	return r ? r->ninsts : 0;
}

int registry_institution_at(const struct registry *r, size_t i, struct registry_institution *out)
{
	if (!r || i >= r->ninsts) {
		memset(out, 0, sizeof *out);
		return SHOMEI_ERR_NOTFOUND;
	}
	fill_institution(r, (uint32_t)i, out);
	return 0;
}

size_t registry_revoked_count(const struct registry *r)
{
	size_t n = 0;
	for (size_t i = 0; r && i < r->nstatuses; i++)
		n += r->statuses[i].revoked != 0;
	return n;
}

/* --- snapshots ------------------------------------------------------------ */

#define SNAP_MAGIC	"shomei-regsnap2\n"
#define SNAP_MAGIC_LEN	16
#define SNAP_HEADER_LEN (SNAP_MAGIC_LEN + 32 + 8 * 8 + 32 + 8)
#define SNAP_PRESUMED_LEN (ED25519_PUBLIC_BYTES + 8)
#define SNAP_OTHER_HEAD 20 /* index, time, length */
#define SNAP_AREC_LEN	24

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmp_anchored(const void *a, const void *b)
{
	const struct anchored *x = a, *y = b;
	int c = memcmp(x->digest, y->digest, RECORD_HASH_BYTES);
	return c ? c : (x->arec > y->arec) - (x->arec < y->arec);
}

int registry_save(const struct registry *r, const char *path, const unsigned char bind[32],
		  registry_entry_fn get, void *ctx, struct shomei_diag *d)
{
	diag_clear(d);
	if (!r || !path || !bind || !get)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "missing argument");
	struct buf b;
	buf_init(&b, SIZE_MAX / 2);
	unsigned char head[SNAP_HEADER_LEN] = {0};
	struct anchored *all = NULL;
	size_t nall = r->ndigests + r->next;
	int err = buf_append(&b, head, sizeof head);
	for (size_t i = 0; !err && i < r->npresumed; i++) {
		unsigned char ph[SNAP_PRESUMED_LEN];
		memcpy(ph, r->presumed[i].pk, ED25519_PUBLIC_BYTES);
		put64(ph + ED25519_PUBLIC_BYTES, (uint64_t)r->presumed[i].since);
		err = buf_append(&b, ph, sizeof ph);
	}
	/* the entries that are replayed on load */
	for (size_t i = 0; !err && i < r->nothers; i++) {
		int64_t t;
		unsigned char *bytes = NULL;
		size_t len = 0;
		err = get(ctx, r->others[i].index, &t, &bytes, &len);
		if (err) {
			diag_set(d, err, NULL, "entry %llu unreadable",
				 (unsigned long long)r->others[i].index);
			break;
		}
		unsigned char oh[SNAP_OTHER_HEAD];
		put64(oh, r->others[i].index);
		put64(oh + 8, (uint64_t)r->others[i].time);
		put32(oh + 16, (uint32_t)len);
		err = len > UINT32_MAX ? SHOMEI_ERR_LIMIT : buf_append(&b, oh, sizeof oh);
		if (!err)
			err = buf_append(&b, bytes, len);
		free(bytes);
	}
	for (size_t i = 0; !err && i < r->narecs; i++) {
		unsigned char ah[SNAP_AREC_LEN];
		put64(ah, r->arecs[i].index);
		put64(ah + 8, (uint64_t)r->arecs[i].time);
		put32(ah + 16, r->arecs[i].inst);
		put32(ah + 20, r->arecs[i].key);
		err = buf_append(&b, ah, sizeof ah);
	}
	while (!err && b.len % 4)
		err = buf_putc(&b, 0);
	size_t ext_off = b.len;
	if (!err) {
		all = malloc(nall ? nall * sizeof *all : 1);
		if (!all)
			err = SHOMEI_ERR_NOMEM;
	}
	if (!err) {
		for (size_t i = 0; i < r->ndigests; i++)
			all[i] = *digest_entry(r, i);
		if (r->next)
			memcpy(all + r->ndigests, r->ext, r->next * sizeof *all);
		qsort(all, nall, sizeof *all, cmp_anchored);
		err = buf_append(&b, all, nall * sizeof *all);
	}
	if (err) {
		if (!d || !d->what[0])
			diag_set(d, err, NULL, "cannot build the snapshot");
		goto out;
	}
	unsigned char *h = (unsigned char *)b.data;
	memcpy(h, SNAP_MAGIC, SNAP_MAGIC_LEN);
	memcpy(h + SNAP_MAGIC_LEN, bind, 32);
	unsigned char *n = h + SNAP_MAGIC_LEN + 32;
	put64(n, r->last_index);
	put64(n + 8, (uint64_t)r->last_time);
	put64(n + 16, (uint64_t)r->has_last);
	put64(n + 24, r->nothers);
	put64(n + 32, r->narecs);
	put64(n + 40, nall);
	put64(n + 48, ext_off);
	put64(n + 56, sizeof(struct anchored));
	put64(n + 96, r->npresumed);
	/* the checksum covers everything before the digest table */
	sha256(h, ext_off, n + 64);
	err = fileio_write_atomic(path, b.data, b.len, 0644, FILEIO_REPLACE, d);
out:
	free(all);
	buf_release(&b);
	return err;
}

int registry_load(const char *path, const unsigned char bind[32], struct registry **out,
		  struct shomei_diag *d)
{
	diag_clear(d);
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, SHOMEI_ERR_NOTFOUND, path, "no snapshot");
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size < SNAP_HEADER_LEN) {
		close(fd);
		return diag_set(d, SHOMEI_ERR_INVALID, path, "not a registry snapshot");
	}
	size_t size = (size_t)st.st_size;
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return diag_set(d, SHOMEI_ERR_IO, path, "cannot map the snapshot");
	const unsigned char *p = map;
	const unsigned char *n = p + SNAP_MAGIC_LEN + 32;
	struct registry *r = NULL;
	int err = SHOMEI_ERR_INVALID;
	if (memcmp(p, SNAP_MAGIC, SNAP_MAGIC_LEN) != 0) {
		diag_set(d, err, path, "not a registry snapshot");
		goto fail;
	}
	if (memcmp(p + SNAP_MAGIC_LEN, bind, 32) != 0) {
		err = diag_set(d, SHOMEI_ERR_NOTFOUND, path, "made at another checkpoint");
		goto fail;
	}
	uint64_t last_index = get64(n), has_last = get64(n + 16);
	int64_t last_time = (int64_t)get64(n + 8);
	uint64_t nothers = get64(n + 24), narecs = get64(n + 32), nall = get64(n + 40);
	uint64_t ext_off = get64(n + 48), esize = get64(n + 56);
	if (esize != sizeof(struct anchored) || ext_off < SNAP_HEADER_LEN || ext_off > size ||
	    ext_off % 4 || nall > REGISTRY_MAX_DIGESTS || narecs > REGISTRY_MAX_ANCHORS ||
	    (size - ext_off) / sizeof(struct anchored) != nall ||
	    (size - ext_off) % sizeof(struct anchored)) {
		diag_set(d, err, path, "damaged snapshot (sizes)");
		goto fail;
	}
	unsigned char check[32], *copy = malloc(ext_off);
	if (!copy) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto fail;
	}
	memcpy(copy, p, ext_off);
	memset(copy + SNAP_MAGIC_LEN + 32 + 64, 0, 32);
	sha256(copy, ext_off, check);
	free(copy);
	if (memcmp(check, n + 64, 32) != 0) {
		diag_set(d, err, path, "damaged snapshot (checksum)");
		goto fail;
	}
	r = registry_new();
	if (!r) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto fail;
	}
	size_t at = SNAP_HEADER_LEN;
	uint64_t npres = get64(n + 96);
	if (npres > REGISTRY_MAX_KEYS || (ext_off - at) / SNAP_PRESUMED_LEN < npres) {
		diag_set(d, err, path, "damaged snapshot (presumed)");
		goto fail;
	}
	for (uint64_t i = 0; i < npres; i++, at += SNAP_PRESUMED_LEN) {
		if (registry_presume_compromised(r, p + at,
						 (int64_t)get64(p + at + ED25519_PUBLIC_BYTES)) != 0) {
			err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			goto fail;
		}
	}
	for (uint64_t i = 0; i < nothers; i++) {
		if (ext_off - at < SNAP_OTHER_HEAD) {
			diag_set(d, err, path, "damaged snapshot (entries)");
			goto fail;
		}
		uint64_t index = get64(p + at);
		int64_t t = (int64_t)get64(p + at + 8);
		uint32_t len = get32(p + at + 16);
		at += SNAP_OTHER_HEAD;
		if (ext_off - at < len) {
			diag_set(d, err, path, "damaged snapshot (entries)");
			goto fail;
		}
		struct shomei_diag rd;
		int e = registry_apply(r, index, t, p + at, len, &rd);
		if (e == SHOMEI_ERR_NOMEM || e == SHOMEI_ERR_USAGE) {
			err = diag_set(d, e == SHOMEI_ERR_NOMEM ? e : SHOMEI_ERR_INVALID, path,
				       "entry %llu: %s", (unsigned long long)index, rd.what);
			goto fail;
		}
		at += len;
	}
	if (ext_off - at < narecs * SNAP_AREC_LEN || ext_off - at - narecs * SNAP_AREC_LEN >= 4) {
		diag_set(d, err, path, "damaged snapshot (anchors)");
		goto fail;
	}
	int e;
	GROW(e, r, r->arecs, r->arecs_cap, narecs, REGISTRY_MAX_ANCHORS);
	if (e) {
		err = diag_set(d, e, NULL, "out of memory");
		goto fail;
	}
	for (uint64_t i = 0; i < narecs; i++, at += SNAP_AREC_LEN) {
		struct arec a = {.index = get64(p + at),
				 .time = (int64_t)get64(p + at + 8),
				 .inst = get32(p + at + 16),
				 .key = get32(p + at + 20)};
		if (a.inst >= r->ninsts || (a.key != NONE && a.key >= r->nkeys)) {
			diag_set(d, err, path, "damaged snapshot (anchors)");
			goto fail;
		}
		r->arecs[r->narecs++] = a;
	}
	/* The digest table is not read here: that would touch every page of
	 * it. find_anchor checks each entry it reads. */
	const struct anchored *ext = (const struct anchored *)(const void *)(p + ext_off);
	r->ext = ext;
	r->next = nall;
	r->map = map;
	r->map_len = size;
	if (has_last && (!r->has_last || last_index >= r->last_index)) {
		r->has_last = 1;
		r->last_index = last_index;
		r->last_time = last_time > r->last_time ? last_time : r->last_time;
	}
	*out = r;
	return 0;
fail:
	registry_free(r);
	munmap(map, size);
	return err;
}

int64_t registry_last_time(const struct registry *r)
{
	return r && r->has_last ? r->last_time : 0;
}

int registry_presume_compromised(struct registry *r, const unsigned char pk[ED25519_PUBLIC_BYTES],
				 int64_t since)
{
	if (!r)
		return SHOMEI_ERR_USAGE;
	int err;
	GROW(err, r, r->presumed, r->presumed_cap, r->npresumed + 1, REGISTRY_MAX_KEYS);
	if (err)
		return err;
	memcpy(r->presumed[r->npresumed].pk, pk, ED25519_PUBLIC_BYTES);
	r->presumed[r->npresumed].since = since;
	r->npresumed++;
	return 0;
}

size_t registry_compromised_keys(const struct registry *r,
				 unsigned char (*pk)[ED25519_PUBLIC_BYTES], int64_t *since,
				 size_t max)
{
	size_t n = 0;
	for (size_t i = 0; r && i < r->nkeys; i++) {
		if (!r->keys[i].compromised)
			continue;
		if (n < max) {
			memcpy(pk[n], r->keys[i].pk, ED25519_PUBLIC_BYTES);
			since[n] = r->keys[i].since;
		}
		n++;
	}
	return n;
}
