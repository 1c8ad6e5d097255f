/* ledgerstate.h - a ledger directory read as the registry it records.
 *
 * The ledger (ledger.h) orders and timestamps opaque records; the registry
 * (registry.h) is what those records mean. This module joins them: it opens a
 * ledger, checks it against the trust a deployment pins (the log's key and the
 * hash of its genesis record), replays every entry into a registry while
 * recomputing the Merkle root from the very bytes it replays, and appends new
 * records so that the registry follows.
 *
 * The trust file (docs/ledger-records.md, "Pinning"), written by `issuer
 * authority init` and given to every verifier:
 *
 *     {"genesis":"<64 hex>","origin":"<origin>","v":1,"vkey":"<C2SP vkey>"}
 *
 * in RFC 8785 form. A replica keeps its copy as <dir>/trust.json.
 *
 * Ownership: struct lstate is a heap object (lstate_open, lstate_free) owning
 * its ledger view and registry; the pointers lstate_ledger and
 * lstate_registry return are borrowed from it. Not thread-safe. Needs
 * shomei_init().
 */
#ifndef SHOMEI_LEDGERSTATE_H
#define SHOMEI_LEDGERSTATE_H

#include "ed25519.h"
#include "err.h"
#include "ledger.h"
#include "note.h"
#include "record.h"
#include "registry.h"

#include <stddef.h>
#include <stdint.h>

#define LSTATE_TRUST_FILE    "trust.json"
#define LSTATE_TRUST_VERSION 1
#define LSTATE_TRUST_MAX     (8 * 1024)
#define LSTATE_SNAPSHOT_FILE "registry.snapshot"

struct lstate_trust {
	char origin[LEDGER_ORIGIN_MAX + 1];
	char vkey[NOTE_VKEY_BYTES];
	unsigned char genesis[RECORD_HASH_BYTES]; /* SHA-256 of the genesis record's bytes */
};

/* Reads a trust file. 0, or SHOMEI_ERR_IO, SHOMEI_ERR_PARSE, SHOMEI_ERR_INVALID
 * (a member missing, of the wrong form, or extra; d->where names it). *t is
 * cleared on failure. */
int lstate_trust_load(const char *path, struct lstate_trust *t, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Writes *t as a trust file (atomically, mode 0644; how as fileio_write_atomic:
 * FILEIO_NO_REPLACE or FILEIO_REPLACE). */
int lstate_trust_save(const char *path, const struct lstate_trust *t, int how,
		      struct shomei_diag *d) __attribute__((warn_unused_result));

struct lstate;

/* Opens the ledger in dir and replays it. When pin is not NULL the ledger must
 * have pin's origin and vkey (ledger_open_pinned) and its entry 0 must be the
 * genesis record whose hash pin names; when pin is NULL, <dir>/trust.json is
 * the pin if it exists, else the ledger is taken as it is (a writer's own
 * ledger). Every entry is read once, its leaf hash folded into a Merkle
 * frontier, and the resulting root compared with the signed checkpoint's, so
 * a changed, missing or extra byte in any entry bundle is found here
 * (SHOMEI_ERR_INVALID); hash tiles are not read (ledger_verify checks them).
 * After a replay the registry is saved as <dir>/registry.snapshot (when the
 * folder is writable), bound to the checkpoint's origin, size and root; an
 * open at that same checkpoint loads it instead of replaying (registry.h,
 * registry_load), which is what keeps a verifier fast on a large ledger.
 * lstate_append saves it again after each append.
 * Records the registry refuses are not errors: see registry_rejection.
 * Returns 0 with *out set, or the errors of ledger_open, ledger_entry and
 * registry_apply (SHOMEI_ERR_NOMEM), SHOMEI_ERR_INVALID for a ledger that does
 * not match its pin. *out is NULL on failure. */
int lstate_open(const char *dir, const struct lstate_trust *pin, struct lstate **out,
		struct shomei_diag *d) __attribute__((warn_unused_result));

void lstate_free(struct lstate *s);

struct ledger *lstate_ledger(struct lstate *s);
const struct registry *lstate_registry(const struct lstate *s);

/* The checkpoint the state rests on: tree size, root, and the ledger's time
 * for it, which is the acceptance time of its last entry (0 when empty). */
uint64_t lstate_size(const struct lstate *s);
int64_t lstate_time(const struct lstate *s);
void lstate_root(const struct lstate *s, unsigned char out[MERKLE_HASH_BYTES]);

/* What became of one appended record. */
struct lstate_outcome {
	uint64_t index;
	int result; /* 0 applied, REGISTRY_REJECTED, or registry_apply's negative error */
	char reason[REGISTRY_REASON_BYTES]; /* "" when applied */
};

/* Appends records[0..n) (ledger_append: one durable append, time `now`, the
 * checkpoint signed with log_key), then replays into the registry every entry
 * the ledger gained, including other writers' appended meanwhile, and tells
 * in outcomes[0..n) (may be NULL) what the registry made of each of the
 * caller's records. A record the registry rejects is still on the ledger,
 * where it has no effect: that is the design (DESIGN.md §Trust model), and
 * the caller reports it. Returns 0 once the append is durable; otherwise the
 * errors of ledger_append, and nothing was appended. */
int lstate_append(struct lstate *s, const struct ed25519_key *log_key, const void *const *records,
		  const size_t *lens, size_t n, int64_t now, struct lstate_outcome *outcomes,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
