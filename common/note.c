/* C2SP signed notes, checkpoints and cosignatures by hand: no Debian C library
 * implements them (the reference is Go's golang.org/x/mod/sumdb/note). Ed25519,
 * SHA-256 and base64 are libsodium's; libsodium's base64 decoder is strict
 * (exact padding, zero trailing bits, no stray characters), which is what
 * makes every parsed note re-serialize to its own bytes. */
#include "note.h"

#include "err.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(NOTE_PUBLIC_BYTES == crypto_sign_PUBLICKEYBYTES, "Ed25519 public key size");
_Static_assert(NOTE_SECRET_BYTES == crypto_sign_SECRETKEYBYTES, "libsodium secret key size");
_Static_assert(NOTE_SEED_BYTES == crypto_sign_SEEDBYTES, "Ed25519 seed size");
_Static_assert(NOTE_SIG_BYTES == crypto_sign_BYTES, "Ed25519 signature size");
_Static_assert(NOTE_VKEY_BYTES >= NOTE_NAME_MAX_BYTES + 1 + 8 + 1 +
				      sodium_base64_ENCODED_LEN(1 + NOTE_PUBLIC_BYTES,
								sodium_base64_VARIANT_ORIGINAL),
	       "NOTE_VKEY_BYTES too small");
_Static_assert(NOTE_CHECKPOINT_MAX_BYTES <= NOTE_MAX_BYTES, "a checkpoint fits a note");

#define B64	       sodium_base64_VARIANT_ORIGINAL
#define ROOT_B64_CHARS 44 /* base64 of 32 bytes, padded */
_Static_assert(sodium_base64_ENCODED_LEN(MERKLE_HASH_BYTES, B64) == ROOT_B64_CHARS + 1, "root b64");

static const char dash[] = "\xE2\x80\x94 "; /* U+2014 and a space: a signature line's start */
#define DASH_BYTES (sizeof dash - 1)

/* The cosignature/v1 header and time line: 15 + 5 + 20 digits + 1. */
#define COSIG_PREFIX_MAX_BYTES 48

/* A signature line's decoded bytes are at most 3/4 of a note. */
#define SIG_DECODED_MAX (NOTE_MAX_BYTES / 4 * 3)

/* Decodes one UTF-8 character at s[0..len) into *cp; returns its length, or
 * 0 when it is not valid UTF-8 (overlong forms, surrogates and code points
 * above U+10FFFF are invalid, RFC 3629 §4). */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		*cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		*cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		*cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char b = s[i];
		if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
			return 0;
		*cp = *cp << 6 | (b & 0x3F);
	}
	return n;
}

/* The note text rules: UTF-8, no control character but \n. Returns 0, or
 * SHOMEI_ERR_PARSE with *bad at the offending byte. */
static int text_check(const char *text, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 && s[i] != '\n') {
				*bad = i;
				return SHOMEI_ERR_PARSE;
			}
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		if (n == 0) {
			*bad = i;
			return SHOMEI_ERR_PARSE;
		}
		i += n;
	}
	return 0;
}

/* Line number (from 1) of byte offset `at` of text. */
static size_t line_of(const char *text, size_t at)
{
	size_t line = 1;
	for (size_t i = 0; i < at; i++)
		line += text[i] == '\n';
	return line;
}

static int text_error(struct shomei_diag *d, const char *text, size_t bad)
{
	char where[32];
	snprintf(where, sizeof where, "line %zu", line_of(text, bad));
	unsigned char c = (unsigned char)text[bad];
	if (c < 0x20)
		return diag_set(d, SHOMEI_ERR_PARSE, where, "control character 0x%02x", c);
	return diag_set(d, SHOMEI_ERR_PARSE, where, "not UTF-8");
}

/* Go's unicode.IsSpace: the Unicode White_Space characters. */
static int is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

int note_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > NOTE_NAME_MAX_BYTES)
		return 0;
	const unsigned char *s = (const unsigned char *)name;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == '+' || is_space(cp))
			return 0;
		i += n;
	}
	return 1;
}

uint32_t note_key_id(const char *name, size_t name_len, unsigned char type,
		     const unsigned char *key, size_t key_len)
{
	static const unsigned char nl = 0x0A;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, name_len);
	crypto_hash_sha256_update(&st, &nl, 1);
	crypto_hash_sha256_update(&st, &type, 1);
	crypto_hash_sha256_update(&st, key, key_len);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

static int type_known(unsigned type)
{
	return type == NOTE_SIG_ED25519 || type == NOTE_SIG_COSIGNATURE_V1;
}

int note_verifier_init(struct note_verifier *v, const char *name, unsigned char type,
		       const unsigned char pk[NOTE_PUBLIC_BYTES])
{
	memset(v, 0, sizeof *v);
	size_t len = strlen(name);
	if (!note_name_valid(name, len) || !type_known(type))
		return SHOMEI_ERR_USAGE;
	memcpy(v->name, name, len);
	v->type = type;
	memcpy(v->public_key, pk, NOTE_PUBLIC_BYTES);
	v->key_id = note_key_id(name, len, type, pk, NOTE_PUBLIC_BYTES);
	return 0;
}

/* Strict base64 (RFC 4648 §4, padded, canonical) of s[0..len) into out. */
static int b64_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *out_len)
{
	*out_len = 0;
	/* libsodium 1.0.18 decodes some bytes above 0x7F as if they were
	 * base64 digits (found by fuzz_checkpoint): let only the alphabet in. */
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/' || c == '='))
			return SHOMEI_ERR_PARSE;
	}
	if (sodium_base642bin(out, cap, s, len, NULL, out_len, NULL, B64) != 0) {
		*out_len = 0;
		return SHOMEI_ERR_PARSE;
	}
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* uppercase too: vkeys are written in lowercase */
}

int note_vkey_parse(const char *vkey, size_t len, struct note_verifier *v, struct shomei_diag *d)
{
	memset(v, 0, sizeof *v);
	if (len > NOTE_VKEY_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, "", "vkey longer than %d bytes",
				NOTE_VKEY_MAX_BYTES);
	const char *p1 = memchr(vkey, '+', len);
	const char *p2 = p1 ? memchr(p1 + 1, '+', len - (size_t)(p1 + 1 - vkey)) : NULL;
	if (!p2)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "not <name>+<key id>+<key>");
	size_t name_len = (size_t)(p1 - vkey);
	if (!note_name_valid(vkey, name_len))
		return diag_set(d, SHOMEI_ERR_PARSE, "", "invalid key name");
	if (p2 - p1 - 1 != 8)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "key id is not 8 hex digits");
	uint32_t id = 0;
	for (int i = 0; i < 8; i++) {
		int x = hex_digit(p1[1 + i]);
		if (x < 0)
			return diag_set(d, SHOMEI_ERR_PARSE, "",
					"key id is not 8 lowercase hex digits");
		id = id << 4 | (uint32_t)x;
	}
	const char *b64 = p2 + 1;
	size_t b64_len = len - (size_t)(b64 - vkey);
	unsigned char key[NOTE_VKEY_MAX_BYTES / 4 * 3];
	size_t key_len;
	if (b64_decode(b64, b64_len, key, sizeof key, &key_len) != 0)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "key is not base64");
	if (key_len == 0)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "no key material");
	if (note_key_id(vkey, name_len, key[0], key + 1, key_len - 1) != id)
		return diag_set(d, SHOMEI_ERR_INVALID, "", "key id does not match the key");
	if (!type_known(key[0]))
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, "", "signature type 0x%02x", key[0]);
	if (key_len - 1 != NOTE_PUBLIC_BYTES)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "Ed25519 key of %zu bytes", key_len - 1);
	memcpy(v->name, vkey, name_len);
	v->key_id = id;
	v->type = key[0];
	memcpy(v->public_key, key + 1, NOTE_PUBLIC_BYTES);
	return 0;
}

void note_vkey_format(const struct note_verifier *v, char out[NOTE_VKEY_BYTES])
{
	unsigned char key[1 + NOTE_PUBLIC_BYTES];
	key[0] = v->type;
	memcpy(key + 1, v->public_key, NOTE_PUBLIC_BYTES);
	char b64[sodium_base64_ENCODED_LEN(sizeof key, B64)];
	sodium_bin2base64(b64, sizeof b64, key, sizeof key, B64);
	snprintf(out, NOTE_VKEY_BYTES, "%s+%08" PRIx32 "+%s", v->name, v->key_id, b64);
}

int note_parse(const char *msg, size_t len, struct note *n, struct shomei_diag *d)
{
	memset(n, 0, sizeof *n);
	if (len > NOTE_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, "", "note longer than %d bytes",
				NOTE_MAX_BYTES);
	size_t bad;
	if (text_check(msg, len, &bad) != 0)
		return text_error(d, msg, bad);
	if (len == 0 || msg[len - 1] != '\n')
		return diag_set(d, SHOMEI_ERR_PARSE, "", "does not end in a newline");
	/* The text ends at the last blank line (signed-note "Format"). */
	size_t split = len;
	for (size_t i = len - 1; i > 0; i--) {
		if (msg[i] == '\n' && msg[i - 1] == '\n') {
			split = i - 1;
			break;
		}
	}
	if (split == len)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "no blank line before the signatures");
	size_t at = split + 2;
	size_t line = line_of(msg, at);
	if (at == len)
		return diag_set(d, SHOMEI_ERR_PARSE, "", "no signature lines");

	unsigned char raw[SIG_DECODED_MAX];
	char where[32];
	struct note_sig *sigs = n->sigs;
	size_t nsigs = 0;
	for (; at < len; line++) {
		snprintf(where, sizeof where, "line %zu", line);
		const char *s = msg + at;
		const char *end = memchr(s, '\n', len - at); /* found: msg ends in \n */
		size_t line_len = (size_t)(end - s);
		at += line_len + 1;
		if (nsigs == NOTE_MAX_SIGS) {
			memset(n, 0, sizeof *n);
			return diag_set(d, SHOMEI_ERR_LIMIT, where, "more than %d signatures",
					NOTE_MAX_SIGS);
		}
		if (line_len < DASH_BYTES || memcmp(s, dash, DASH_BYTES) != 0)
			goto malformed;
		const char *name = s + DASH_BYTES;
		const char *sp = memchr(name, ' ', (size_t)(end - name));
		if (!sp || !note_name_valid(name, (size_t)(sp - name)))
			goto malformed;
		const char *b64 = sp + 1;
		size_t raw_len;
		if (b64_decode(b64, (size_t)(end - b64), raw, sizeof raw, &raw_len) != 0 ||
		    raw_len < NOTE_KEY_ID_BYTES + 1)
			goto malformed;
		sigs[nsigs] = (struct note_sig){
		    .name = name,
		    .name_len = (size_t)(sp - name),
		    .key_id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
			      (uint32_t)raw[2] << 8 | raw[3],
		    .b64 = b64,
		    .b64_len = (size_t)(end - b64),
		    .key = -1,
		};
		nsigs++;
	}
	n->text = msg;
	n->text_len = split + 1;
	n->nsigs = nsigs;
	return 0;

malformed:
	memset(n, 0, sizeof *n);
	return diag_set(d, SHOMEI_ERR_PARSE, where,
			"not a signature line (\xE2\x80\x94 <key name> <base64 signature>)");
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

/* Verifies one line of the known key k over the note's text. */
static int verify_line(const struct note *n, struct note_sig *sig, const struct note_verifier *k)
{
	unsigned char raw[NOTE_KEY_ID_BYTES + NOTE_COSIG_BYTES];
	size_t raw_len, want = NOTE_KEY_ID_BYTES +
			       (k->type == NOTE_SIG_ED25519 ? NOTE_SIG_BYTES : NOTE_COSIG_BYTES);
	/* A longer signature does not fit raw and fails here too. */
	if (b64_decode(sig->b64, sig->b64_len, raw, sizeof raw, &raw_len) != 0 || raw_len != want)
		return SHOMEI_ERR_SIGNATURE;
	const unsigned char *text = (const unsigned char *)n->text;
	if (k->type == NOTE_SIG_ED25519) {
		if (crypto_sign_verify_detached(raw + NOTE_KEY_ID_BYTES, text, n->text_len,
						k->public_key) != 0)
			return SHOMEI_ERR_SIGNATURE;
		sig->timestamp = 0;
		return 0;
	}
	uint64_t t = be64(raw + NOTE_KEY_ID_BYTES);
	if (t > NOTE_COSIG_MAX_TIME)
		return SHOMEI_ERR_SIGNATURE;
	unsigned char m[COSIG_PREFIX_MAX_BYTES + NOTE_MAX_BYTES];
	int p =
	    snprintf((char *)m, COSIG_PREFIX_MAX_BYTES, "cosignature/v1\ntime %" PRIu64 "\n", t);
	memcpy(m + p, text, n->text_len);
	if (crypto_sign_verify_detached(raw + NOTE_KEY_ID_BYTES + NOTE_TIMESTAMP_BYTES, m,
					(size_t)p + n->text_len, k->public_key) != 0)
		return SHOMEI_ERR_SIGNATURE;
	sig->timestamp = t;
	return 0;
}

int note_open(const char *msg, size_t len, const struct note_verifier *keys, size_t nkeys,
	      struct note *n, struct shomei_diag *d)
{
	int err = note_parse(msg, len, n, d);
	if (err)
		return err;
	size_t verified = 0;
	size_t first_sig_line = line_of(msg, n->text_len + 1);
	for (size_t i = 0; i < n->nsigs; i++) {
		struct note_sig *sig = &n->sigs[i];
		size_t k = 0;
		for (; k < nkeys; k++)
			if (keys[k].key_id == sig->key_id &&
			    strlen(keys[k].name) == sig->name_len &&
			    memcmp(keys[k].name, sig->name, sig->name_len) == 0)
				break;
		if (k == nkeys)
			continue; /* unknown key: ignored (signed-note "Signatures") */
		char where[32];
		snprintf(where, sizeof where, "line %zu", first_sig_line + i);
		for (size_t j = 0; j < i; j++) {
			if (n->sigs[j].key == (int)k) {
				memset(n, 0, sizeof *n);
				return diag_set(d, SHOMEI_ERR_INVALID, where,
						"second signature by %s", keys[k].name);
			}
		}
		if (verify_line(n, sig, &keys[k]) != 0) {
			memset(n, 0, sizeof *n);
			return diag_set(d, SHOMEI_ERR_SIGNATURE, where,
					"signature by %s+%08" PRIx32 " does not verify",
					keys[k].name, keys[k].key_id);
		}
		sig->key = (int)k;
		verified++;
	}
	if (verified == 0) {
		memset(n, 0, sizeof *n);
		return diag_set(d, SHOMEI_ERR_NOTFOUND, "", "no signature by a known key");
	}
	return 0;
}

int note_verified_by(const struct note *n, size_t key, uint64_t *timestamp)
{
	for (size_t i = 0; i < n->nsigs; i++) {
		if (n->sigs[i].key >= 0 && (size_t)n->sigs[i].key == key) {
			if (timestamp)
				*timestamp = n->sigs[i].timestamp;
			return 1;
		}
	}
	if (timestamp)
		*timestamp = 0;
	return 0;
}

/* Undoes appends to b after a failure, back to length `mark`. */
static void buf_rewind(struct buf *b, size_t mark)
{
	b->len = mark;
	if (b->data)
		b->data[mark] = '\0';
}

int note_serialize(const struct note *n, struct buf *out)
{
	size_t mark = out->len;
	int err = buf_append(out, n->text, n->text_len);
	if (!err)
		err = buf_putc(out, '\n');
	for (size_t i = 0; i < n->nsigs && !err; i++) {
		const struct note_sig *s = &n->sigs[i];
		err = buf_append(out, dash, DASH_BYTES);
		if (!err)
			err = buf_append(out, s->name, s->name_len);
		if (!err)
			err = buf_putc(out, ' ');
		if (!err)
			err = buf_append(out, s->b64, s->b64_len);
		if (!err)
			err = buf_putc(out, '\n');
	}
	if (err)
		buf_rewind(out, mark);
	return err;
}

/* Checks text for signing: a non-empty note text of at most NOTE_MAX_BYTES
 * that ends in a newline. */
static int sign_text_check(const char *text, size_t len, struct shomei_diag *d)
{
	size_t bad;
	if (len > NOTE_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, "", "text longer than %d bytes",
				NOTE_MAX_BYTES);
	if (text_check(text, len, &bad) != 0) {
		text_error(d, text, bad);
		return SHOMEI_ERR_USAGE;
	}
	if (len == 0 || text[len - 1] != '\n')
		return diag_set(d, SHOMEI_ERR_USAGE, "", "text does not end in a newline");
	return 0;
}

/* Appends "— name base64(key id || [timestamp] || Ed25519(prefix || msg))\n".
 * The secret key comes from key (seed or libsodium secret key). */
static int append_sig_line(const char *name, unsigned char type, const unsigned char *key,
			   size_t key_len, const unsigned char *prefix, size_t prefix_len,
			   const char *msg, size_t msg_len, const unsigned char *stamp,
			   struct buf *out, struct shomei_diag *d)
{
	size_t name_len = strlen(name);
	if (!note_name_valid(name, name_len))
		return diag_set(d, SHOMEI_ERR_USAGE, "", "invalid key name");
	if (key_len != NOTE_SEED_BYTES && key_len != NOTE_SECRET_BYTES)
		return diag_set(d, SHOMEI_ERR_USAGE, "",
				"key of %zu bytes is neither a seed nor a "
				"secret key",
				key_len);

	int err = 0;
	unsigned char *sk_owned = NULL, *m = NULL;
	const unsigned char *sk = key;
	if (key_len == NOTE_SEED_BYTES) {
		unsigned char pk[NOTE_PUBLIC_BYTES];
		sk_owned = sodium_malloc(NOTE_SECRET_BYTES);
		if (!sk_owned) {
			err = diag_set(d, SHOMEI_ERR_NOMEM, "", "out of secure memory");
			goto out;
		}
		crypto_sign_seed_keypair(pk, sk_owned, key);
		sk = sk_owned;
	}
	/* Ed25519 is not incremental: the prefixed message is signed whole. */
	const unsigned char *signed_msg = (const unsigned char *)msg;
	size_t signed_len = msg_len;
	if (prefix_len) {
		m = malloc(prefix_len + msg_len);
		if (!m) {
			err = diag_set(d, SHOMEI_ERR_NOMEM, "", "out of memory");
			goto out;
		}
		memcpy(m, prefix, prefix_len);
		memcpy(m + prefix_len, msg, msg_len);
		signed_msg = m;
		signed_len = prefix_len + msg_len;
	}

	unsigned char raw[NOTE_KEY_ID_BYTES + NOTE_COSIG_BYTES];
	size_t raw_len = 0;
	uint32_t id = note_key_id(name, name_len, type, sk + NOTE_SEED_BYTES, NOTE_PUBLIC_BYTES);
	raw[raw_len++] = (unsigned char)(id >> 24);
	raw[raw_len++] = (unsigned char)(id >> 16);
	raw[raw_len++] = (unsigned char)(id >> 8);
	raw[raw_len++] = (unsigned char)id;
	if (stamp) {
		memcpy(raw + raw_len, stamp, NOTE_TIMESTAMP_BYTES);
		raw_len += NOTE_TIMESTAMP_BYTES;
	}
	crypto_sign_detached(raw + raw_len, NULL, signed_msg, signed_len, sk);
	raw_len += NOTE_SIG_BYTES;
	char b64[sodium_base64_ENCODED_LEN(sizeof raw, B64)];
	sodium_bin2base64(b64, sizeof b64, raw, raw_len, B64);

	size_t mark = out->len, b64_len = strlen(b64);
	err = buf_reserve(out, DASH_BYTES + name_len + 1 + b64_len + 1);
	if (!err)
		err = buf_append(out, dash, DASH_BYTES);
	if (!err)
		err = buf_append(out, name, name_len);
	if (!err)
		err = buf_putc(out, ' ');
	if (!err)
		err = buf_append(out, b64, b64_len);
	if (!err)
		err = buf_putc(out, '\n');
	if (err) {
		buf_rewind(out, mark);
		diag_set(d, err, "", "%s", shomei_strerror(err));
	}
out:
	sodium_free(sk_owned); /* wipes; NULL-safe */
	free(m);
	return err;
}

int note_sign_line(const char *text, size_t text_len, const char *name, const unsigned char *key,
		   size_t key_len, struct buf *out, struct shomei_diag *d)
{
	int err = sign_text_check(text, text_len, d);
	if (err)
		return err;
	return append_sig_line(name, NOTE_SIG_ED25519, key, key_len, NULL, 0, text, text_len, NULL,
			       out, d);
}

int note_sign(const char *text, size_t text_len, const char *name, const unsigned char *key,
	      size_t key_len, struct buf *out, struct shomei_diag *d)
{
	int err = sign_text_check(text, text_len, d);
	if (err)
		return err;
	size_t mark = out->len;
	err = buf_append(out, text, text_len);
	if (!err)
		err = buf_putc(out, '\n');
	if (err) {
		buf_rewind(out, mark);
		return diag_set(d, err, "", "%s", shomei_strerror(err));
	}
	err = append_sig_line(name, NOTE_SIG_ED25519, key, key_len, NULL, 0, text, text_len, NULL,
			      out, d);
	if (!err && out->len - mark > NOTE_MAX_BYTES)
		err = diag_set(d, SHOMEI_ERR_LIMIT, "", "signed note longer than %d bytes",
			       NOTE_MAX_BYTES);
	if (err)
		buf_rewind(out, mark);
	return err;
}

/* The cosignature/v1 header and time line for t; returns its length. */
static size_t cosig_prefix(uint64_t t, char out[COSIG_PREFIX_MAX_BYTES])
{
	return (size_t)snprintf(out, COSIG_PREFIX_MAX_BYTES, "cosignature/v1\ntime %" PRIu64 "\n",
				t);
}

int note_cosignature_message(const char *body, size_t body_len, uint64_t timestamp, struct buf *out)
{
	char prefix[COSIG_PREFIX_MAX_BYTES];
	size_t plen = cosig_prefix(timestamp, prefix);
	size_t mark = out->len;
	int err = buf_reserve(out, plen + body_len);
	if (!err)
		err = buf_append(out, prefix, plen);
	if (!err)
		err = buf_append(out, body, body_len);
	if (err)
		buf_rewind(out, mark);
	return err;
}

int note_cosign_line(const char *body, size_t body_len, const char *name, const unsigned char *key,
		     size_t key_len, uint64_t timestamp, struct buf *out, struct shomei_diag *d)
{
	if (timestamp > NOTE_COSIG_MAX_TIME)
		return diag_set(d, SHOMEI_ERR_USAGE, "", "timestamp above 2^63 - 1");
	struct note_checkpoint c;
	int err = note_checkpoint_parse(body, body_len, &c, d);
	if (err) {
		diag_prefix(d, "checkpoint");
		return err == SHOMEI_ERR_LIMIT ? err : SHOMEI_ERR_USAGE;
	}
	char prefix[COSIG_PREFIX_MAX_BYTES];
	size_t plen = cosig_prefix(timestamp, prefix);
	unsigned char stamp[NOTE_TIMESTAMP_BYTES];
	put_be64(stamp, timestamp);
	return append_sig_line(name, NOTE_SIG_COSIGNATURE_V1, key, key_len,
			       (const unsigned char *)prefix, plen, body, body_len, stamp, out, d);
}

int note_checkpoint_parse(const char *body, size_t len, struct note_checkpoint *c,
			  struct shomei_diag *d)
{
	memset(c, 0, sizeof *c);
	int err = 0;
	size_t bad;
	if (len > NOTE_CHECKPOINT_MAX_BYTES) {
		err = diag_set(d, SHOMEI_ERR_LIMIT, "", "checkpoint longer than %d bytes",
			       NOTE_CHECKPOINT_MAX_BYTES);
		goto fail;
	}
	if (text_check(body, len, &bad) != 0) {
		err = text_error(d, body, bad);
		goto fail;
	}
	if (len == 0 || body[len - 1] != '\n') {
		err = diag_set(d, SHOMEI_ERR_PARSE, "", "does not end in a newline");
		goto fail;
	}

	/* Lines 1 to 3; each is found because the body ends in a newline. */
	const char *line[3];
	size_t line_len[3], at = 0;
	for (int i = 0; i < 3; i++) {
		if (at == len) {
			err = diag_set(d, SHOMEI_ERR_PARSE, "", "fewer than 3 lines");
			goto fail;
		}
		line[i] = body + at;
		const char *nl = memchr(line[i], '\n', len - at);
		line_len[i] = (size_t)(nl - line[i]);
		at += line_len[i] + 1;
	}

	if (line_len[0] == 0) {
		err = diag_set(d, SHOMEI_ERR_PARSE, "line 1", "empty origin");
		goto fail;
	}
	if (line_len[0] > NOTE_NAME_MAX_BYTES) {
		err = diag_set(d, SHOMEI_ERR_LIMIT, "line 1", "origin longer than %d bytes",
			       NOTE_NAME_MAX_BYTES);
		goto fail;
	}
	memcpy(c->origin, line[0], line_len[0]);

	/* tlog-checkpoint: ASCII decimal, no leading zeroes except "0". */
	const char *s = line[1];
	size_t n = line_len[1];
	if (n == 0 || (s[0] == '0' && n > 1)) {
		err = diag_set(d, SHOMEI_ERR_PARSE, "line 2",
			       "tree size is empty or has a leading zero");
		goto fail;
	}
	uint64_t size = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			err = diag_set(d, SHOMEI_ERR_PARSE, "line 2",
				       "tree size is not decimal digits");
			goto fail;
		}
		unsigned digit = (unsigned)(s[i] - '0');
		if (size > (UINT64_MAX - digit) / 10) {
			err = diag_set(d, SHOMEI_ERR_PARSE, "line 2", "tree size above 2^64 - 1");
			goto fail;
		}
		size = size * 10 + digit;
	}
	c->size = size;

	size_t root_len = 0;
	if (line_len[2] != ROOT_B64_CHARS ||
	    b64_decode(line[2], line_len[2], c->root, sizeof c->root, &root_len) != 0 ||
	    root_len != MERKLE_HASH_BYTES) {
		err =
		    diag_set(d, SHOMEI_ERR_PARSE, "line 3", "root hash is not base64 of 32 bytes");
		goto fail;
	}

	/* Extension lines: opaque, but never empty (an empty line would end a
	 * note's text). */
	size_t ext_len = len - at;
	if (ext_len > NOTE_CHECKPOINT_EXT_MAX_BYTES) {
		err =
		    diag_set(d, SHOMEI_ERR_LIMIT, "line 4", "extension lines longer than %d bytes",
			     NOTE_CHECKPOINT_EXT_MAX_BYTES);
		goto fail;
	}
	for (size_t i = at; i < len; i++) {
		if (body[i] == '\n' && (i == at || body[i - 1] == '\n')) {
			char where[32];
			snprintf(where, sizeof where, "line %zu", line_of(body, i));
			err = diag_set(d, SHOMEI_ERR_PARSE, where, "empty extension line");
			goto fail;
		}
	}
	memcpy(c->ext, body + at, ext_len);
	c->ext_len = ext_len;
	return 0;

fail:
	memset(c, 0, sizeof *c);
	return err;
}

int note_checkpoint_format(const struct note_checkpoint *c, struct buf *out, struct shomei_diag *d)
{
	size_t origin_len = strnlen(c->origin, sizeof c->origin);
	if (origin_len == 0 || origin_len > NOTE_NAME_MAX_BYTES ||
	    c->ext_len > NOTE_CHECKPOINT_EXT_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_USAGE, "", "origin or extension lines out of bounds");
	char root[ROOT_B64_CHARS + 1];
	sodium_bin2base64(root, sizeof root, c->root, sizeof c->root, B64);
	size_t mark = out->len;
	int err = buf_printf(out, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, root);
	if (!err)
		err = buf_append(out, c->ext, c->ext_len);
	if (err) {
		buf_rewind(out, mark);
		return diag_set(d, err, "", "%s", shomei_strerror(err));
	}
	/* What we write must read back as c: no newline hidden in the origin,
	 * well-formed extension lines. */
	struct note_checkpoint back;
	if (note_checkpoint_parse(out->data + mark, out->len - mark, &back, d) != 0 ||
	    strcmp(back.origin, c->origin) != 0 || back.ext_len != c->ext_len ||
	    memcmp(back.ext, c->ext, c->ext_len) != 0) {
		buf_rewind(out, mark);
		return diag_set(d, SHOMEI_ERR_USAGE, "checkpoint",
				"would not read back as the same checkpoint");
	}
	return 0;
}
