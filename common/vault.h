/* vault.h - the wallet's encrypted store: named items sealed at rest.
 *
 * A vault is a directory:
 *     <dir>/vault.hdr          magic, format version, Argon2id limits, salt, key check
 *     <dir>/items/<64 hex>     one sealed file per item
 * The key is derived once from the passphrase (Argon2id, RFC 9106) when the vault is
 * created or opened, kept in sodium_malloc'd read-only memory and wiped by vault_close.
 * Each item is sealed with XChaCha20-Poly1305-IETF under a fresh random nonce; its
 * associated data binds the vault header and the item's file name, so an item cannot be
 * moved to another name or another vault without failing to open. The item's name is
 * stored inside the ciphertext; its file name is a keyed hash of the name, so the disk
 * reveals neither names nor contents (only how many items there are, their sizes and
 * times). docs/wallet-store.md describes the format byte by byte.
 *
 * Every write is atomic and durable (fileio_write_atomic): files 0600, directories 0700.
 * One writer at a time: the vault takes no lock.
 *
 * Ownership: struct vault is opaque, made by vault_create/vault_open, freed by
 * vault_close. Strings and buffers passed in are borrowed for the call only. Item data
 * returned by vault_get is sodium_malloc'd (items can hold secret keys) and freed with
 * vault_free_data.
 */
#ifndef SHOMEI_VAULT_H
#define SHOMEI_VAULT_H

#include "err.h"
#include "fileio.h"
#include "keyfile.h"

#include <stddef.h>

#define VAULT_MAX_ITEM_BYTES (1u << 20) /* data of one item */
#define VAULT_MAX_NAME_BYTES 256	/* an item's name, without the NUL */
#define VAULT_MAX_ITEMS	     100000	/* items in one vault */

#define VAULT_FILE_NAME_BYTES	  64  /* hex of the 32-byte keyed hash of a name */
#define VAULT_DAMAGE_MAX_REPORTED 16  /* damaged files described one by one */
#define VAULT_DAMAGE_FILE_BYTES	  256 /* a damaged file's name, truncated, with NUL */
#define VAULT_DAMAGE_WHAT_BYTES	  96

struct vault; /* opaque */

/* One damaged file found by vault_foreach. */
struct vault_damage_item {
	char file[VAULT_DAMAGE_FILE_BYTES]; /* relative to the vault: "items/3fa2..." */
	int err;			    /* SHOMEI_ERR_DECRYPT, _PARSE, _INVALID, _IO, ... */
	char what[VAULT_DAMAGE_WHAT_BYTES]; /* "does not decrypt", "truncated", ... */
};

/* What vault_foreach could not read. The caller owns it (usually on the stack);
 * vault_foreach clears it first. `count` counts every damaged file; the first
 * VAULT_DAMAGE_MAX_REPORTED of them (in directory order) are described in item[]. */
struct vault_damage {
	size_t count;
	size_t reported; /* min(count, VAULT_DAMAGE_MAX_REPORTED) */
	struct vault_damage_item item[VAULT_DAMAGE_MAX_REPORTED];
};

/* Creates a new vault in `dir` (made with mode 0700, parents too, if missing; an
 * existing directory keeps its mode) sealed with the passphrase pass[0..pass_len)
 * (any bytes; pass may be NULL when pass_len is 0) at the Argon2id cost `level`, and
 * opens it.
 * The header is written last and never replaces anything: a vault already in `dir`
 * (or leftover items without a header) is SHOMEI_ERR_EXISTS.
 * On success *out is an open vault the caller frees with vault_close; on failure
 * *out is NULL. Borrows dir and pass. */
int vault_create(const char *dir, const char *pass, size_t pass_len, enum keyfile_kdf_level level,
		 struct vault **out, struct shomei_diag *d) __attribute__((warn_unused_result));

/* WARNING: tests only. Like vault_create but with libsodium's minimum Argon2id
 * limits (1 pass, 8 KiB), which give a passphrase almost no protection. It exists so
 * that tests and fuzzers run in milliseconds; no program may call it. */
int vault_test_limits_create(const char *dir, const char *pass, size_t pass_len, struct vault **out,
			     struct shomei_diag *d) __attribute__((warn_unused_result));

/* Opens the vault in `dir`, deriving its key from pass[0..pass_len) with the
 * header's Argon2id limits, and checks the key against the header's sealed check
 * block, so a wrong passphrase is caught here and not at the first read.
 * Returns SHOMEI_ERR_NOTFOUND when there is no vault.hdr in dir; SHOMEI_ERR_DECRYPT
 * ("wrong passphrase or damaged wallet") for a wrong passphrase or an altered header;
 * SHOMEI_ERR_PARSE for a header of the wrong size or magic; SHOMEI_ERR_UNSUPPORTED
 * for another format version; SHOMEI_ERR_INVALID for Argon2id limits outside
 * libsodium's [MIN, SENSITIVE] (refused before any work, so a crafted header cannot
 * make us allocate more than 1 GiB or loop for long).
 * On success *out is the open vault (free with vault_close); on failure *out is NULL.
 * Borrows dir and pass. */
int vault_open(const char *dir, const char *pass, size_t pass_len, struct vault **out,
	       struct shomei_diag *d) __attribute__((warn_unused_result));

/* Wipes the key and frees the vault. NULL-safe. */
void vault_close(struct vault *v);

/* Seals len bytes of data (NULL allowed when len is 0; at most VAULT_MAX_ITEM_BYTES)
 * under the item name `name` (a C string of 1..VAULT_MAX_NAME_BYTES bytes, e.g. a
 * credential id; UTF-8 is fine) and writes it atomically (mode 0600).
 * `how` is FILEIO_NO_REPLACE (an item with that name is SHOMEI_ERR_EXISTS) or
 * FILEIO_REPLACE. Adding an item beyond VAULT_MAX_ITEMS is SHOMEI_ERR_LIMIT.
 * Borrows name and data; the plaintext is assembled in sodium_malloc'd memory and
 * wiped. */
int vault_put(struct vault *v, const char *name, const void *data, size_t len, int how,
	      struct shomei_diag *d) __attribute__((warn_unused_result));

/* Reads and opens item `name`. On success *data is a sodium_malloc'd copy of the
 * item's data, NUL-terminated one byte past *len (the NUL not counted); free it with
 * vault_free_data. Returns SHOMEI_ERR_NOTFOUND when there is no such item;
 * SHOMEI_ERR_DECRYPT when its file was altered, truncated or moved from another name
 * or vault; SHOMEI_ERR_INVALID when it decrypts but its contents break the format.
 * On failure *data is NULL and *len 0. */
int vault_get(struct vault *v, const char *name, unsigned char **data, size_t *len,
	      struct shomei_diag *d) __attribute__((warn_unused_result));

/* Wipes and frees data returned by vault_get (len is its length). NULL-safe. */
void vault_free_data(unsigned char *data, size_t len);

/* Returns 1 when a file for item `name` exists, 0 otherwise (also for a name that
 * cannot be an item name). It does not decrypt the file: vault_get may still find it
 * damaged. */
int vault_has(struct vault *v, const char *name);

/* Removes item `name` (and fsyncs the directory). SHOMEI_ERR_NOTFOUND when there is
 * no such item. The file is unlinked, not overwritten: what the filesystem or the
 * disk keeps of its (encrypted) blocks is out of our hands. */
int vault_delete(struct vault *v, const char *name, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Called once per readable item with its name (a C string) and data (NUL-terminated
 * one byte past len). Both are borrowed for the call only: the data lives in
 * sodium_malloc'd memory wiped right after the call, so copy what you keep.
 * Return 0 to go on; any other value stops vault_foreach, which returns it. */
typedef int (*vault_item_fn)(void *ctx, const char *name, const unsigned char *data, size_t len);

/* Calls fn for every item in ascending byte order of the names (strcmp; for UTF-8
 * names that is code point order), a stable order independent of the disk.
 * A file that cannot be read or opened is not fatal: it is skipped, counted in
 * *damage and described there (file name and reason), and every other item is still
 * visited, so one corrupted file loses nothing else. Temporary files left by an
 * interrupted write (<file>.tmp-*) and hidden files are ignored.
 * Returns 0 when every readable item was visited (check damage->count); fn's
 * non-zero value when fn stopped the walk; a negative error when the items directory
 * cannot be listed, memory runs out or it holds more than VAULT_MAX_ITEMS items.
 * WARNING: with damage NULL, damaged files make it return SHOMEI_ERR_DECRYPT (after
 * visiting every readable item), so damage can never pass unnoticed. */
int vault_foreach(struct vault *v, vault_item_fn fn, void *ctx, struct vault_damage *damage,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
