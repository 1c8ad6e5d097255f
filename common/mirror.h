/* mirror.h - keeping a local replica of a ledger in step with a mirror.
 *
 * A verifier answers from its local replica alone (DESIGN.md: offline, in
 * milliseconds); mirror_sync brings the replica up to date from any copy of
 * the ledger directory: a folder or an http(s) URL (fetch.h). It fetches only
 * what the new checkpoint adds (tiles_new_between), writes the new checkpoint
 * last, then opens the replica with the pinned log key, re-checks every tile
 * and entry against the signed root (ledger_verify), and refuses a view that
 * is not consistent with the checkpoint it held before: a mirror that
 * rewrote or forked history is refused and the replica keeps its old
 * checkpoint.
 *
 * Trust: the log key is pinned by the caller (vkey), or, on the very first
 * sync without one, taken from the mirror's ledger.json and kept in the
 * replica from then on (trust on first use; docs/ledger.md).
 */
#ifndef SHOMEI_MIRROR_H
#define SHOMEI_MIRROR_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>

struct mirror_result {
	uint64_t old_size; /* entries the replica had (0 for a new replica) */
	uint64_t new_size; /* entries it has now */
	size_t files;      /* files fetched */
};

/* Syncs replica (a directory, created when missing) from source. vkey may be
 * NULL (see above). Returns 0, or SHOMEI_ERR_INVALID with d->what saying what
 * the mirror did wrong (another ledger, an older checkpoint, a rewritten
 * history, a tile that does not match the root), SHOMEI_ERR_SIGNATURE,
 * SHOMEI_ERR_NOTFOUND, SHOMEI_ERR_IO (unreachable), SHOMEI_ERR_NOMEM. */
int mirror_sync(const char *source, const char *replica, const char *vkey,
		struct mirror_result *r, struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
