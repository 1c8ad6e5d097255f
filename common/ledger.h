/* ledger.h - the embedded ledger: an append-only Merkle log of records in a
 * directory laid out as C2SP tlog-tiles, so that any static web server can
 * mirror it (docs/ledger.md has the layout, the append protocol and a worked
 * example).
 *
 *     <dir>/ledger.json       {"origin":"<origin>","vkey":"<vkey>"} (public)
 *     <dir>/ledger.lock       empty; writers serialize with flock() on it
 *     <dir>/checkpoint        C2SP tlog-checkpoint signed by the log key
 *     <dir>/tile/<L>/<N>[.p/<W>]        hash tiles (tiles.h)
 *     <dir>/tile/entries/<N>[.p/<W>]    entry bundles (tiles.h)
 *
 * Records are opaque byte strings. Entry i of the log, the bytes its Merkle
 * leaf hashes (merkle.h), is the 8-byte big-endian Unix time at which the
 * ledger accepted it followed by the record. The checkpoint's size says which
 * files belong to the log: readers derive every path from it and never look
 * at files beyond it (leftovers of an append that crashed).
 *
 * Ownership: a struct ledger is a heap object (ledger_open*, ledger_free). It
 * is a view of the checkpoint read when it was opened (or last appended to or
 * refreshed); it is not thread-safe. Secrets: the log key is borrowed for the
 * duration of a call and never copied. Needs shomei_init() (init.h).
 */
#ifndef SHOMEI_LEDGER_H
#define SHOMEI_LEDGER_H

#include "ed25519.h"
#include "err.h"
#include "merkle.h"
#include "note.h"
#include "tiles.h"

#include <stddef.h>
#include <stdint.h>

#define LEDGER_TIME_BYTES     8 /* big-endian Unix time in front of each record */
#define LEDGER_MAX_RECORD     (TILES_MAX_ENTRY - LEDGER_TIME_BYTES)
#define LEDGER_MAX_BATCH      100000 /* records in one ledger_append */
#define LEDGER_ORIGIN_MAX     NOTE_NAME_MAX_BYTES
#define LEDGER_JSON_MAX	      (4 * 1024)
#define LEDGER_CHECKPOINT_MAX NOTE_MAX_BYTES

_Static_assert(LEDGER_MAX_RECORD + LEDGER_TIME_BYTES == TILES_MAX_ENTRY,
	       "an entry must fit a bundle's uint16 length");

struct ledger;

/* Creates a new empty ledger in dir (created if missing, with parents):
 * ledger.lock, ledger.json and the checkpoint of size 0, signed by log_key
 * (borrowed) under the key name `origin`. origin must be a valid note key name
 * (note_name_valid: no spaces, no '+', at most LEDGER_ORIGIN_MAX bytes);
 * C2SP logs use a schema-less URL such as "example.org/diplomas".
 * Returns 0, or SHOMEI_ERR_USAGE (bad origin), SHOMEI_ERR_EXISTS (dir already
 * holds a ledger.json), SHOMEI_ERR_IO, SHOMEI_ERR_NOMEM. */
int ledger_create(const char *dir, const char *origin, const struct ed25519_key *log_key,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

/* Opens a read-only view of the ledger in dir: reads ledger.json (which must
 * be byte for byte the form ledger_create writes), then the checkpoint, whose
 * origin must be ledger.json's and which must carry a valid signature by
 * ledger.json's vkey (lines of other keys, e.g. witness cosignatures, are
 * allowed). Reads no tile: see ledger_verify. *out is the new view (free it
 * with ledger_free), NULL on failure. Returns 0, or SHOMEI_ERR_IO,
 * SHOMEI_ERR_PARSE, SHOMEI_ERR_INVALID, SHOMEI_ERR_SIGNATURE,
 * SHOMEI_ERR_NOTFOUND (no signature by the log key), SHOMEI_ERR_NOMEM;
 * d->where names the file. */
int ledger_open(const char *dir, struct ledger **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* As ledger_open, but trusts only the caller's vkey (a string, borrowed):
 * ledger.json must name that same key, else SHOMEI_ERR_INVALID. This is how a
 * verifier that knows the log's key opens a mirror it does not trust. */
int ledger_open_pinned(const char *dir, const char *vkey, struct ledger **out,
		       struct shomei_diag *d) __attribute__((warn_unused_result));

/* Frees the view and releases its lock file descriptor. NULL-safe. */
void ledger_free(struct ledger *l);

/* The view's tree size, root hash (out), origin and vkey (borrowed from l). */
uint64_t ledger_size(const struct ledger *l);
void ledger_root(const struct ledger *l, unsigned char out[MERKLE_HASH_BYTES]);
const char *ledger_origin(const struct ledger *l);
const char *ledger_vkey(const struct ledger *l);

/* Appends the batch records[0..n) (records[i] of lens[i] bytes, at most
 * LEDGER_MAX_RECORD; 1..LEDGER_MAX_BATCH records; all borrowed) at time `now`
 * (Unix seconds, >= 0), signing the new checkpoint with log_key, which must be
 * the key of the ledger's vkey. Atomic and durable: under an exclusive flock
 * on ledger.lock it re-reads and verifies the checkpoint (another writer may
 * have appended: that view must be consistent with l's, else
 * SHOMEI_ERR_INVALID), removes every file that is not part of it (repair of a
 * crashed append), writes the new tiles and bundles, and then the checkpoint,
 * each with fileio_write_atomic; the checkpoint's rename is the commit point.
 * Returns 0 only after that, with *first_index the index of records[0] and l
 * viewing the new checkpoint. On failure nothing the old checkpoint covers was
 * changed, l keeps its old view (or the other writer's) and *first_index is 0:
 * SHOMEI_ERR_USAGE (bad arguments or not the log key), SHOMEI_ERR_LIMIT,
 * SHOMEI_ERR_IO, SHOMEI_ERR_NOMEM, or what ledger_open says of the checkpoint.
 * The entries' times are not required to increase (clocks step back). */
int ledger_append(struct ledger *l, const struct ed25519_key *log_key, const void *const *records,
		  const size_t *lens, size_t n, int64_t now, uint64_t *first_index,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

/* Re-reads the checkpoint (as ledger_open does with l's vkey) and moves l to
 * it if it is consistent with l's current view (ledger_check_consistent);
 * otherwise l is unchanged and the error is returned. */
int ledger_refresh(struct ledger *l, struct shomei_diag *d) __attribute__((warn_unused_result));

/* Entry `index` (< ledger_size) as stored: *time its acceptance time, *record
 * a malloc'd copy of the record (the caller frees it; NUL-terminated one byte
 * past *len for convenience), *len its length. WARNING: the bytes are read
 * from the bundle as they are, unchecked against the root: check them with
 * ledger_inclusion_proof or ledger_verify before trusting a mirror. Returns 0,
 * or SHOMEI_ERR_USAGE (index out of range), SHOMEI_ERR_IO, SHOMEI_ERR_PARSE
 * (a malformed bundle), SHOMEI_ERR_NOMEM. Outputs are cleared on failure. */
int ledger_entry(struct ledger *l, uint64_t index, int64_t *time, unsigned char **record,
		 size_t *len, struct shomei_diag *d) __attribute__((warn_unused_result));

/* The Merkle leaf hash of the entry (time, record[0..len)). */
void ledger_leaf_hash(int64_t time, const void *record, size_t len,
		      unsigned char out[MERKLE_HASH_BYTES]);

/* The inclusion proof of entry `index` in the view's tree (RFC 9162
 * §2.1.3.1), from the tiles, into proof[0..*len). Returns 0, or
 * SHOMEI_ERR_USAGE (index >= size), SHOMEI_ERR_IO, SHOMEI_ERR_NOTFOUND /
 * SHOMEI_ERR_PARSE (a missing or malformed tile). On failure *len is 0. */
int ledger_inclusion_proof(struct ledger *l, uint64_t index,
			   unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH_BYTES], size_t *len,
			   struct shomei_diag *d) __attribute__((warn_unused_result));

/* The consistency proof from the tree of old_size leaves to the view's tree
 * (RFC 9162 §2.1.4.1); old_size must be 1..ledger_size (SHOMEI_ERR_USAGE). */
int ledger_consistency_proof(struct ledger *l, uint64_t old_size,
			     unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH_BYTES], size_t *len,
			     struct shomei_diag *d) __attribute__((warn_unused_result));

/* Checks the whole log under the view's checkpoint: every entry bundle parses
 * with the width its path promises and every entry has a time; every entry is
 * re-hashed, every tile rebuilt and compared with the stored one, byte for
 * byte, and the root with the checkpoint's. Returns 0, or SHOMEI_ERR_INVALID
 * (d->where names the first file that is wrong), SHOMEI_ERR_PARSE,
 * SHOMEI_ERR_IO, SHOMEI_ERR_NOMEM. Files beyond the checkpoint are ignored. */
int ledger_verify(struct ledger *l, struct shomei_diag *d) __attribute__((warn_unused_result));

/* ledger_open (or ledger_open_pinned when vkey is not NULL), then
 * ledger_verify, then ledger_free. */
int ledger_verify_dir(const char *dir, const char *vkey, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The remembered-checkpoint rule: returns 0 when the view's tree extends the
 * tree of old_size leaves with root old_root that the caller saw before
 * (same root at the same size; a consistency proof from the tiles that
 * verifies against both roots otherwise; nothing to check for old_size 0).
 * Else SHOMEI_ERR_INVALID, with d->what saying that the ledger was rolled
 * back (smaller than before) or forked or rewritten. */
int ledger_check_consistent(struct ledger *l, uint64_t old_size,
			    const unsigned char old_root[MERKLE_HASH_BYTES], struct shomei_diag *d)
    __attribute__((warn_unused_result));

#endif
