/* note.h - C2SP signed notes, tlog checkpoints and witness cosignatures.
 *
 * A signed note (c2sp.org/signed-note@v1.0.0) is a text followed by a blank
 * line and signature lines:
 *     <text, each line ending in \n>
 *     \n
 *     — <key name> <base64(key id (4, big-endian) || signature)>\n     (one or more)
 * The dash is U+2014 (bytes E2 80 94); base64 is RFC 4648 §4 with padding. The
 * whole note is UTF-8 with no control character below U+0020 except \n (DEL
 * and C1 controls are allowed by the spec, so whoever prints a note's text or
 * names must escape them). The text ends at the last blank line.
 *
 * Keys (vkeys, "<name>+<8 lowercase hex key id>+<base64(type || public key)>")
 * of two signature types are understood:
 *   0x01  Ed25519 over the text (signed-note "Ed25519 signatures");
 *   0x04  cosignature/v1 (c2sp.org/tlog-cosignature): 8-byte big-endian
 *         timestamp || Ed25519 over "cosignature/v1\ntime <T>\n" || text.
 * key id = SHA-256(name || 0x0A || type || 32-byte public key)[:4]. Lines of
 * other types (0x05 RFC 6962 tree head signatures, 0x06 ML-DSA-44
 * cosignatures...) are lines by unknown keys and are skipped.
 *
 * A checkpoint (c2sp.org/tlog-checkpoint@v1.0.0) is a note whose text is
 *     <origin>\n<tree size, decimal>\n<base64 of the 32-byte root hash>\n[extension lines]
 *
 * Secrets: signing takes a 32-byte seed or libsodium's 64-byte secret key
 * (seed || public key) from the caller, who keeps it in sodium_malloc'd
 * memory; a key derived from a seed lives in sodium_malloc'd memory and is
 * wiped before return. Needs shomei_init() (init.h) for that.
 * docs/tlog.md has a worked example.
 */
#ifndef SHOMEI_NOTE_H
#define SHOMEI_NOTE_H

#include "err.h"
#include "internal/buf.h"
#include "merkle.h"

#include <stddef.h>
#include <stdint.h>

#define NOTE_MAX_BYTES	     (16 * 1024) /* a whole note; parse refuses larger */
#define NOTE_MAX_SIGS	     32		 /* signature lines (the spec asks for >= 16) */
#define NOTE_NAME_MAX_BYTES  255	 /* key names and checkpoint origins */
#define NOTE_KEY_ID_BYTES    4
#define NOTE_PUBLIC_BYTES    32 /* Ed25519, both types */
#define NOTE_SEED_BYTES	     32
#define NOTE_SECRET_BYTES    64 /* libsodium's Ed25519 secret key: seed || public key */
#define NOTE_SIG_BYTES	     64 /* Ed25519 signature */
#define NOTE_TIMESTAMP_BYTES 8
#define NOTE_COSIG_BYTES     (NOTE_TIMESTAMP_BYTES + NOTE_SIG_BYTES) /* timestamped_signature */
#define NOTE_COSIG_MAX_TIME  UINT64_C(0x7fffffffffffffff) /* tlog-cosignature: <= 2^63 - 1 */
/* A vkey this module writes: name, '+', 8 hex digits, '+', base64 of 33 bytes. */
#define NOTE_VKEY_BYTES (NOTE_NAME_MAX_BYTES + 1 + 8 + 1 + 44 + 1)
/* vkeys read may be longer (an ML-DSA-44 vkey is about 1800 characters). */
#define NOTE_VKEY_MAX_BYTES 4096

enum note_sig_type {
	NOTE_SIG_ED25519 = 0x01,	/* signed-note Ed25519 */
	NOTE_SIG_COSIGNATURE_V1 = 0x04, /* tlog-cosignature timestamped Ed25519 */
};

/* A key notes are verified with. Fill it with note_vkey_parse or
 * note_verifier_init; the caller owns it. */
struct note_verifier {
	char name[NOTE_NAME_MAX_BYTES + 1];
	uint32_t key_id;
	unsigned char type; /* enum note_sig_type */
	unsigned char public_key[NOTE_PUBLIC_BYTES];
};

/* SHA-256(name || 0x0A || type || key)[:4] as a big-endian number. Borrows
 * name (name_len bytes, no NUL needed) and key. */
uint32_t note_key_id(const char *name, size_t name_len, unsigned char type,
		     const unsigned char *key, size_t key_len);

/* 1 when name[0..len) is a valid key name: 1..NOTE_NAME_MAX_BYTES bytes of
 * UTF-8 with no Unicode space (Go's unicode.IsSpace set), no '+' and no
 * character below U+0020 (signed-note "Format"; DEL is allowed, as in Go's
 * note package); else 0. */
int note_name_valid(const char *name, size_t len);

/* Fills v for the key `name` (NUL-terminated) of `type` with public key pk,
 * computing the key id. Returns 0, or SHOMEI_ERR_USAGE for an invalid name
 * or a type not in enum note_sig_type (v is then zeroed). */
int note_verifier_init(struct note_verifier *v, const char *name, unsigned char type,
		       const unsigned char pk[NOTE_PUBLIC_BYTES])
    __attribute__((warn_unused_result));

/* Parses the vkey vkey[0..len) (no NUL needed). Strict: the key id must be 8
 * lowercase hex digits and match the key, base64 canonical with padding.
 * Returns 0, or
 *   SHOMEI_ERR_PARSE	    not three '+'-separated parts, a bad name, id or
 *                          base64, no key material, a key not 32 bytes;
 *   SHOMEI_ERR_INVALID     the key id does not match name, type and key;
 *   SHOMEI_ERR_UNSUPPORTED a signature type other than 0x01 and 0x04 (an
 *                          ML-DSA-44 key, type 0x06, for one);
 *   SHOMEI_ERR_LIMIT       len above NOTE_VKEY_MAX_BYTES.
 * v is zeroed on failure. */
int note_vkey_parse(const char *vkey, size_t len, struct note_verifier *v, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Writes v as a vkey into out (NUL-terminated). */
void note_vkey_format(const struct note_verifier *v, char out[NOTE_VKEY_BYTES]);

/* One signature line of a parsed note. Pointers borrow the note's bytes. */
struct note_sig {
	const char *name; /* the key name, name_len bytes, not NUL-terminated */
	size_t name_len;
	uint32_t key_id;
	const char *b64; /* base64(key id || signature), b64_len characters */
	size_t b64_len;
	int key;	    /* note_open: index of the verifier that verified it, else -1 */
	uint64_t timestamp; /* note_open: the time of a verified cosignature/v1, else 0 */
};

/* A parsed note. The caller owns the struct (about 1.7 KiB); its pointers
 * borrow the bytes given to note_parse / note_open, which must outlive it. */
struct note {
	const char *text; /* the text, with its final newline: text_len bytes */
	size_t text_len;
	size_t nsigs;
	struct note_sig sigs[NOTE_MAX_SIGS];
};

/* Parses msg[0..len) as a signed note without verifying anything: the text
 * rules above, the last blank line, each signature line's dash, name (see
 * note_name_valid), single space, canonical base64 of at least 5 bytes, and
 * the final newline. Returns 0, or SHOMEI_ERR_PARSE (d->where is "line N",
 * counted from 1) or SHOMEI_ERR_LIMIT (more than NOTE_MAX_BYTES, or more than
 * NOTE_MAX_SIGS signature lines). On failure *n is zeroed. Every parsed note
 * serializes (note_serialize) to exactly msg. */
int note_parse(const char *msg, size_t len, struct note *n, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Parses msg[0..len) and verifies it against keys[0..nkeys) (C2SP
 * signed-note "Signatures"): a line whose name and key id both match a key is
 * verified with it; other lines are ignored. Returns 0 when at least one line
 * verified and none failed; else
 *   SHOMEI_ERR_PARSE, SHOMEI_ERR_LIMIT  as note_parse;
 *   SHOMEI_ERR_SIGNATURE  a line of a known key does not verify (wrong length,
 *                         bad signature, cosignature time above 2^63 - 1): the
 *                         whole note is refused, d->what names the key;
 *   SHOMEI_ERR_INVALID    two lines of the same known key;
 *   SHOMEI_ERR_NOTFOUND   no line of a known key.
 * On success each n->sigs[i].key says which key verified line i (-1: not
 * known). Which keys a caller requires (the log's, a quorum of witnesses) is
 * its own policy: see note_verified_by. On failure *n is zeroed. */
int note_open(const char *msg, size_t len, const struct note_verifier *keys, size_t nkeys,
	      struct note *n, struct shomei_diag *d) __attribute__((warn_unused_result));

/* 1 when note_open verified a line of keys[key] in n (*timestamp, when not
 * NULL, gets its cosignature time, 0 for type 0x01), else 0. */
int note_verified_by(const struct note *n, size_t key, uint64_t *timestamp);

/* Appends the note n (text, blank line, its signature lines) to out. Returns
 * 0, SHOMEI_ERR_LIMIT (out's ceiling) or SHOMEI_ERR_NOMEM; out is unchanged
 * on failure. */
int note_serialize(const struct note *n, struct buf *out) __attribute__((warn_unused_result));

/* Appends to out the signature line "— <name> <base64(key id || sig)>\n" of an
 * Ed25519 (type 0x01) signature over text[0..text_len). key is a 32-byte seed
 * (key_len NOTE_SEED_BYTES) or a libsodium secret key (NOTE_SECRET_BYTES,
 * seed || public key, whose public half names the key id), borrowed. The text must be a valid note
 * text (the rules above, ending in \n) of at most NOTE_MAX_BYTES, and name a valid key name.
 * Returns 0, or SHOMEI_ERR_USAGE (bad text, name or key_len; d says which), SHOMEI_ERR_LIMIT,
 * SHOMEI_ERR_NOMEM; out is unchanged on failure. */
int note_sign_line(const char *text, size_t text_len, const char *name, const unsigned char *key,
		   size_t key_len, struct buf *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The whole signed note: text, blank line, note_sign_line's line. Also
 * SHOMEI_ERR_LIMIT when the note would exceed NOTE_MAX_BYTES. */
int note_sign(const char *text, size_t text_len, const char *name, const unsigned char *key,
	      size_t key_len, struct buf *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Appends to out "cosignature/v1\ntime <timestamp>\n" || body, the message a
 * cosignature/v1 signs (tlog-cosignature "Ed25519 signed message"). */
int note_cosignature_message(const char *body, size_t body_len, uint64_t timestamp, struct buf *out)
    __attribute__((warn_unused_result));

/* Appends to out a witness cosignature line (type 0x04) by key over the
 * checkpoint body[0..body_len) at `timestamp` (POSIX seconds, at most
 * NOTE_COSIG_MAX_TIME): "— <name> <base64(key id || timestamp || sig)>\n". A
 * cosigned checkpoint is the signed checkpoint followed by such lines. Keys,
 * errors and out as note_sign_line; a body that is not a valid checkpoint
 * (note_checkpoint_parse) is SHOMEI_ERR_USAGE. */
int note_cosign_line(const char *body, size_t body_len, const char *name, const unsigned char *key,
		     size_t key_len, uint64_t timestamp, struct buf *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

#define NOTE_CHECKPOINT_EXT_MAX_BYTES 1024 /* extension lines together */
/* origin, size (20 digits at most), root (44), extensions, newlines. */
#define NOTE_CHECKPOINT_MAX_BYTES                                                                  \
	(NOTE_NAME_MAX_BYTES + 1 + 20 + 1 + 44 + 1 + NOTE_CHECKPOINT_EXT_MAX_BYTES)

/* A checkpoint body. The caller owns it. */
struct note_checkpoint {
	char origin[NOTE_NAME_MAX_BYTES + 1]; /* NUL-terminated, 1..255 bytes */
	uint64_t size;
	unsigned char root[MERKLE_HASH_BYTES];
	size_t ext_len; /* extension lines verbatim, each ending in \n; usually 0 */
	char ext[NOTE_CHECKPOINT_EXT_MAX_BYTES + 1];
};

/* Parses a checkpoint body (a note's text) body[0..len). Strict: note text
 * rules, origin non-empty and at most NOTE_NAME_MAX_BYTES (tlog-cosignature's
 * ML-DSA message bounds it to 255; no other rule, as tlog-checkpoint says),
 * size in decimal without sign or leading zero (except "0") and below 2^64,
 * root exactly 44 characters of canonical base64 for 32 bytes, extension
 * lines non-empty, final newline. Returns 0, or SHOMEI_ERR_PARSE (d->where is
 * "line N") or SHOMEI_ERR_LIMIT (origin, extensions or body too long); c is
 * zeroed on failure. Format gives back exactly body. */
int note_checkpoint_parse(const char *body, size_t len, struct note_checkpoint *c,
			  struct shomei_diag *d) __attribute__((warn_unused_result));

/* Appends the body of c to out. Returns 0, SHOMEI_ERR_USAGE when c would not
 * parse back (empty origin, a newline in it, bad extension lines), or
 * SHOMEI_ERR_LIMIT / SHOMEI_ERR_NOMEM; out is unchanged on failure. */
int note_checkpoint_format(const struct note_checkpoint *c, struct buf *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

#endif
