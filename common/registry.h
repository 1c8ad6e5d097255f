/* registry.h - the state the ledger's records fold into, and the questions it answers.
 *
 * A registry is built by replaying the log: registry_apply takes each entry in
 * log order with the log's own time for it (not the record's "time" claim),
 * checks that the record's signers were entitled to write it (DESIGN.md §Trust
 * model) and, if so, applies it. A record that is well formed but not
 * entitled has no effect; it is reported (REGISTRY_REJECTED, and kept in the
 * rejection list), and replay goes on. docs/ledger-records.md states the rules;
 * in short:
 *
 *  - genesis: the first record applied, and only once; signed by at least
 *    `threshold` of the authorities it names, and by no one else.
 *  - A record is signed either by the authority (>= threshold distinct
 *    authority keys and nothing else) or by exactly one key of the entitled
 *    institution, valid at the log time: its institution is active, the key
 *    is not retired and not compromised since a time <= the log time.
 *  - institution, merge, close: the authority only.
 *  - key-add, key-retire, key-compromised, anchor: the authority or a key of
 *    that institution. revoke, reinstate: the authority or a key of the
 *    institution now answering for the credentials: the institution itself
 *    while active, after "merge A into B" B, after "close A, custodian C" C,
 *    following the chain (A into B, B into D: D).
 *  - A key marked compromised "since T" invalidates its signatures at log
 *    times >= T: later records it signs are refused, and anchors it signed at
 *    log times >= T do not count when a credential is judged.
 *
 * Ownership: registry_new/registry_free. Queries copy into caller structs;
 * nothing returned points into the registry except registry_rejection's
 * pointer, valid until the next registry_apply or registry_free.
 *
 * Memory: each anchored digest costs 36 bytes of entry (the digest and the
 * number of its anchor record, in chunks of 8192 entries) plus 4 bytes per
 * slot of an open-addressing index kept between 3/8 and 3/4 full, so 41 to 47
 * bytes: about 45 MB for 10^6 digests (tests/unit/test_registry.c measures it
 * and prints the figure). Lookups are O(1) expected; the index is keyed with a
 * random SipHash key per registry, so digests chosen to collide cannot slow
 * replay down.
 *
 * Needs shomei_init() (init.h). Not thread-safe: one writer, or readers only.
 */
#ifndef SHOMEI_REGISTRY_H
#define SHOMEI_REGISTRY_H

#include "err.h"
#include "record.h"

#include <stddef.h>
#include <stdint.h>

/* registry_apply's result for a well-formed record whose signers were not
 * entitled to write it. Positive: not an error of the caller's. */
#define REGISTRY_REJECTED 1

#define REGISTRY_MAX_INSTITUTIONS (1u << 20)
#define REGISTRY_MAX_KEYS	  (1u << 20)
#define REGISTRY_MAX_ANCHORS	  (1u << 26) /* anchor records */
#define REGISTRY_MAX_DIGESTS	  (1u << 28) /* anchored digests in all */
#define REGISTRY_MAX_STATUSES	  (1u << 26) /* distinct (status hash, institution) pairs */
#define REGISTRY_MAX_REJECTIONS	  4096	     /* rejections kept; all are counted */
#define REGISTRY_REASON_BYTES	  (DIAG_WHERE_BYTES + DIAG_WHAT_BYTES)
#define REGISTRY_DIGEST_ENTRY_BYTES 36 /* see Memory above; checked in registry.c */

struct registry;

/* An empty registry; NULL when out of memory. */
struct registry *registry_new(void);

/* Frees r and everything in it. NULL-safe. */
void registry_free(struct registry *r);

/* Applies log entry `index`, appended at log time `log_time` (Unix seconds),
 * holding bytes[0..len). index must be above every index given before and
 * log_time not below the last one (else SHOMEI_ERR_USAGE, and nothing
 * happens). Returns
 *   0                  the record was applied;
 *   REGISTRY_REJECTED  well formed but not entitled, or in conflict with the
 *                      state (an institution registered twice, a key added
 *                      twice, ...): no effect; d says why;
 *   < 0                not a record (record_parse's errors): no effect; d says
 *                      why. The caller may go on with the next entry.
 * Both kinds of refusal are added to the rejection list. SHOMEI_ERR_NOMEM
 * leaves the registry exactly as it was, the entry not consumed, so it may be
 * applied again. */
int registry_apply(struct registry *r, uint64_t index, int64_t log_time, const void *bytes,
		   size_t len, struct shomei_diag *d) __attribute__((warn_unused_result));

struct registry_rejection {
	uint64_t index;
	int64_t log_time;
	int result; /* REGISTRY_REJECTED, or the negative error */
	char reason[REGISTRY_REASON_BYTES]; /* "where: what" (diag_format) */
};

/* How many entries were refused in all; the first REGISTRY_MAX_REJECTIONS
 * are kept and returned by registry_rejection (NULL beyond). */
size_t registry_rejection_count(const struct registry *r);
const struct registry_rejection *registry_rejection(const struct registry *r, size_t i);

/* SHA-256 of the genesis record's bytes, which a replica compares with the
 * one it was configured with: on a log anyone may append to, the first
 * well-formed genesis wins, so the genesis must be pinned. SHOMEI_ERR_NOTFOUND
 * (out cleared) before a genesis was applied. */
int registry_genesis_hash(const struct registry *r, unsigned char out[RECORD_HASH_BYTES])
    __attribute__((warn_unused_result));

enum registry_standing {
	REGISTRY_ACTIVE,
	REGISTRY_MERGED, /* into `successor` at standing_time */
	REGISTRY_CLOSED	 /* at standing_time, with `successor` the custodian */
};

struct registry_institution {
	char id[RECORD_ID_BYTES];
	char name[RECORD_NAME_BYTES];
	uint64_t index; /* of its institution record */
	int64_t time;	/* the log time of that record */
	enum registry_standing standing;
	uint64_t standing_index; /* of the merge or close record; 0 when active */
	int64_t standing_time;
	char successor[RECORD_ID_BYTES]; /* merged into, or custodian; "" when active */
	char successor_name[RECORD_NAME_BYTES];
	char responsible[RECORD_ID_BYTES]; /* who answers for its credentials now: the
					      active end of the successor chain */
	char responsible_name[RECORD_NAME_BYTES];
};

/* The institution `id`. 0, or SHOMEI_ERR_NOTFOUND (out cleared). */
int registry_institution(const struct registry *r, const char *id,
			 struct registry_institution *out) __attribute__((warn_unused_result));

struct registry_key {
	char did[DIDKEY_MAX_BYTES];
	char institution[RECORD_ID_BYTES];
	uint64_t added_index; /* of the institution or key-add record */
	int64_t added_time;
	int retired;
	uint64_t retired_index;
	int64_t retired_time; /* the log time of the key-retire record */
	int compromised;
	uint64_t compromised_index; /* of the record that set compromised_since */
	int64_t compromised_since;  /* min(since, that record's log time) */
};

/* The institution key `did` ("did:key:X", or "did:key:X#X"). 0, or
 * SHOMEI_ERR_NOTFOUND for a key never registered, SHOMEI_ERR_INVALID for
 * something that is not a did:key (out cleared). Authority keys are not
 * institution keys and are NOTFOUND. */
int registry_key_owner(const struct registry *r, const char *did, struct registry_key *out)
    __attribute__((warn_unused_result));

struct registry_anchor {
	uint64_t index; /* of the anchor record */
	int64_t time;	/* its log time */
	char institution[RECORD_ID_BYTES];
	int by_authority;	   /* signed by the authority, not an institution key */
	char signer[DIDKEY_MAX_BYTES]; /* the institution key that signed it; "" if by_authority */
};

/* The anchor of `digest` written for `institution`, or, when institution is
 * NULL, the earliest anchor of it for anyone. A digest anchored again for the
 * same institution keeps its first anchor. 0, or SHOMEI_ERR_NOTFOUND (out
 * cleared). */
int registry_anchor(const struct registry *r, const unsigned char digest[RECORD_HASH_BYTES],
		    const char *institution, struct registry_anchor *out)
    __attribute__((warn_unused_result));

struct registry_status {
	int revoked; /* 1: revoked; 0: reinstated after a revocation */
	enum record_reason reason;	   /* of the revocation in force (revoked only) */
	uint64_t index;			   /* of the revoke or reinstate record in force */
	int64_t time;			   /* its log time */
	int by_authority;		   /* written by the authority */
	char by[RECORD_ID_BYTES];	   /* else the institution whose key wrote it */
	char signer[DIDKEY_MAX_BYTES];	   /* and that key */
};

/* Whether `institution`'s credential with this status hash is revoked.
 * Revocations are per institution: the status hash alone says nothing about
 * whose credential it is, so a revocation counts only for the institution its
 * record names (a record the signer was entitled to write). 0 with out filled
 * when the status was ever revoked (out->revoked says whether it still is);
 * SHOMEI_ERR_NOTFOUND (out cleared) when never. A second revocation of a
 * revoked status keeps the first; a reinstatement of one not revoked does
 * nothing. */
int registry_status(const struct registry *r, const unsigned char status[RECORD_HASH_BYTES],
		    const char *institution, struct registry_status *out)
    __attribute__((warn_unused_result));

/* 1 when a revoke or reinstate record for `institution` signed by the key
 * `did` alone would be entitled now (a valid key of the institution answering
 * for it), else 0 (also for unknown names). Authority keys are not asked
 * about: the authority needs its threshold. */
int registry_may_revoke(const struct registry *r, const char *institution, const char *did);

/* The ledger's answer about one credential, from the first failing check. */
enum registry_outcome {
	REGISTRY_UNKNOWN_KEY = 0,   /* the signing key is no registered institution's */
	REGISTRY_NOT_ANCHORED,	    /* its institution never anchored the digest */
	REGISTRY_ANCHOR_BEFORE_KEY, /* anchored before the key was registered */
	REGISTRY_ANCHOR_TOO_LATE,   /* anchored after the key was retired or compromised, or
				       after the institution merged or closed, or the anchor's
				       own signing key was compromised by then */
	REGISTRY_REVOKED,	    /* revoked (and not reinstated) */
	REGISTRY_GOOD		    /* every ledger check passed */
};

struct registry_answer {
	enum registry_outcome outcome;
	char reason[REGISTRY_REASON_BYTES]; /* why, when not REGISTRY_GOOD; "" then */
	int key_known;
	struct registry_key key;		 /* when key_known */
	struct registry_institution institution; /* the key's, when key_known: standing,
						    successor or custodian, responsible */
	int anchored;				 /* by the key's institution */
	struct registry_anchor anchor;		 /* when anchored */
	int key_at_anchor;   /* the key was the institution's before the anchor */
	int anchor_in_time;  /* the anchor precedes the key's retirement and compromise,
				the institution's merger or closure, and its signer's
				compromise */
	int status_known;    /* the status hash was ever revoked for the institution */
	struct registry_status status; /* when status_known; status.revoked decides */
};

/* Answers for the credential whose digest (record_credential_digest) and
 * status hash (record_status_hash) are given, signed by `signing_did` (the
 * did:key, or the "did:key:X#X" verification method of its proof):
 *   - was the key an institution's, and was it so when the digest was
 *     anchored by that institution;
 *   - does the anchor precede the key's retirement and compromise and the
 *     institution's merger or closure (DESIGN.md: a credential whose key has
 *     since been retired or compromised is valid only if its anchor precedes
 *     that time);
 *   - is it revoked;
 *   - the institution's standing, with successor or custodian and names.
 * Every fact that applies is filled, whatever the outcome. Returns 0 when an
 * answer was reached (read a->outcome: only REGISTRY_GOOD passes), or
 * SHOMEI_ERR_USAGE for NULL arguments; *a starts cleared, so a forgotten
 * check reads REGISTRY_UNKNOWN_KEY. It does not check the credential's own
 * signature: that is the verdict's. */
int registry_judge(const struct registry *r, const unsigned char digest[RECORD_HASH_BYTES],
		   const unsigned char status[RECORD_HASH_BYTES], const char *signing_did,
		   struct registry_answer *a) __attribute__((warn_unused_result));

/* "unknown key", "not anchored", "anchored before the key", "anchored too
 * late", "revoked", "good"; "active", "merged", "closed". Static strings. */
const char *registry_outcome_name(enum registry_outcome o);
const char *registry_standing_name(enum registry_standing s);

/* The institutions in the order they were registered: count, and the i-th
 * (0, or SHOMEI_ERR_NOTFOUND beyond the count, out cleared). */
size_t registry_institution_count(const struct registry *r);
int registry_institution_at(const struct registry *r, size_t i, struct registry_institution *out)
    __attribute__((warn_unused_result));

/* How many (status hash, institution) pairs are revoked now (revoked and not
 * reinstated). */
size_t registry_revoked_count(const struct registry *r);

/* Snapshots: a replica's registry kept on disk, so that a verifier need not
 * replay a large ledger for every question (docs/ledger-records.md,
 * "Snapshots"). A snapshot keeps the bytes of every entry that was not an
 * applied anchor (they are replayed on load, signatures checked again), the
 * anchor records' facts, and every anchored digest in a table sorted by
 * digest that registry_load maps from the file and binary-searches: loading
 * costs the small records plus one page per lookup, whatever the number of
 * digests. The snapshot is a local cache, as trustworthy as the folder it
 * sits in: a checksum covers all but the digest table, whose entries are
 * bounds-checked; `verifier ledger verify` and a fresh replay remain the
 * authority. The digest table is in this machine's byte order.
 *
 * `bind` (32 bytes) ties a snapshot to the ledger state it was made from (the
 * caller passes a hash of origin, size and root); registry_load refuses
 * another with SHOMEI_ERR_NOTFOUND, as it does a missing file; a damaged file
 * is SHOMEI_ERR_INVALID. A loaded registry answers every query as the
 * replayed one did, and takes further registry_apply calls. `get` fetches
 * entry bytes by index (malloc'd, the caller of get frees them). */
typedef int (*registry_entry_fn)(void *ctx, uint64_t index, int64_t *time, unsigned char **bytes,
				 size_t *len);
int registry_save(const struct registry *r, const char *path, const unsigned char bind[32],
		  registry_entry_fn get, void *ctx, struct shomei_diag *d)
    __attribute__((warn_unused_result));
int registry_load(const char *path, const unsigned char bind[32], struct registry **out,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

/* Compromise known before replay. A key-compromised record "since T"
 * written at log time L voids the key's anchors from T on, but records the
 * key signed between T and L were applied when replayed. To void those too
 * (DESIGN.md §Trust model 5), a replay is run again with every key that the
 * first replay found compromised presumed so from the start:
 * registry_compromised_keys lists them (with their since; returns how many
 * there are, filling at most max), registry_presume_compromised sets one on
 * a fresh registry before any entry is applied (0, or SHOMEI_ERR_NOMEM).
 * ledgerstate.c repeats this until the list no longer changes. */
int registry_presume_compromised(struct registry *r, const unsigned char pk[ED25519_PUBLIC_BYTES],
				 int64_t since) __attribute__((warn_unused_result));
size_t registry_compromised_keys(const struct registry *r,
				 unsigned char (*pk)[ED25519_PUBLIC_BYTES], int64_t *since,
				 size_t max);

/* The log time of the last entry applied (0 before any). */
int64_t registry_last_time(const struct registry *r);

/* Counts and the bytes the registry holds allocated (its own accounting of
 * every allocation it makes), for capacity planning and the load test. */
struct registry_stats {
	size_t institutions, keys, anchors, digests, statuses, rejections;
	size_t bytes;
};
void registry_stats(const struct registry *r, struct registry_stats *out);

#endif
