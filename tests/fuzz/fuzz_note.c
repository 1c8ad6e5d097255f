/* Signed notes and vkeys from outside (common/note.h), against a fixed key set
 * (the Go test keys, sum.golang.org, and the RFC 8032 TEST 1 key as a log and
 * as a witness). Invariants:
 *  - note_parse: an accepted note re-serializes to exactly the input, has
 *    1..NOTE_MAX_SIGS lines and a text ending in \n; a refusal clears *n and
 *    says what;
 *  - note_open agrees with note_parse on malformed input, and whatever it
 *    accepts re-serializes to the input and has a verified line that
 *    libsodium, called directly, also verifies;
 *  - an accepted text signs (and, when it is a checkpoint, cosigns) to a note
 *    that opens with the signer's key and no other;
 *  - an accepted vkey formats back to the input. */
#include "note.h"

#include "init.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *vkeys[] = {
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
    "example.com/shomei-test-log+daa00a78+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea",
    "example.com/shomei-test-witness+b9e0fc85+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea",
};
#define NKEYS	    (sizeof vkeys / sizeof vkeys[0])
#define LOG_KEY	    3
#define WITNESS_KEY 4

static struct note_verifier keys[NKEYS];
/* RFC 8032 §7.1 TEST 1, a published test key. */
static const unsigned char seed[NOTE_SEED_BYTES] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};

static void setup(void)
{
	if (shomei_init() != 0)
		abort();
	for (size_t i = 0; i < NKEYS; i++)
		if (note_vkey_parse(vkeys[i], strlen(vkeys[i]), &keys[i], NULL) != 0)
			abort();
}

static void check_round_trip(const struct note *n, const uint8_t *data, size_t size)
{
	struct buf b;
	buf_init(&b, NOTE_MAX_BYTES);
	if (note_serialize(n, &b) != 0 || b.len != size || memcmp(b.data, data, size) != 0)
		abort();
	buf_release(&b);
}

/* libsodium directly, for one verified line. */
static void reverify(const struct note *n, const struct note_sig *s)
{
	const struct note_verifier *k = &keys[s->key];
	unsigned char raw[4 + 8 + 64];
	size_t len;
	if (sodium_base642bin(raw, sizeof raw, s->b64, s->b64_len, NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		abort();
	if (k->type == NOTE_SIG_ED25519) {
		if (len != 68 ||
		    crypto_sign_verify_detached(raw + 4, (const unsigned char *)n->text,
						n->text_len, k->public_key) != 0)
			abort();
		return;
	}
	struct buf m;
	buf_init(&m, NOTE_MAX_BYTES + 64);
	if (len != 76 || note_cosignature_message(n->text, n->text_len, s->timestamp, &m) != 0 ||
	    crypto_sign_verify_detached(raw + 12, (const unsigned char *)m.data, m.len,
					k->public_key) != 0)
		abort();
	buf_release(&m);
}

static void check_sign(const char *text, size_t len)
{
	struct buf b;
	struct note n;
	struct shomei_diag d;
	buf_init(&b, 2 * NOTE_MAX_BYTES);
	int err = note_sign(text, len, keys[LOG_KEY].name, seed, sizeof seed, &b, &d);
	if (err == SHOMEI_ERR_LIMIT) { /* the text plus a line is too long */
		if (b.len != 0)
			abort();
		buf_release(&b);
		return;
	}
	if (err != 0 || note_open(b.data, b.len, keys, NKEYS, &n, &d) != 0 ||
	    !note_verified_by(&n, LOG_KEY, NULL) || n.text_len != len ||
	    memcmp(n.text, text, len) != 0)
		abort();
	/* Nobody else's key opens it. */
	if (note_open(b.data, b.len, keys, LOG_KEY, &n, &d) != SHOMEI_ERR_NOTFOUND)
		abort();
	struct note_checkpoint c;
	if (note_checkpoint_parse(text, len, &c, NULL) == 0) {
		if (note_cosign_line(text, len, keys[WITNESS_KEY].name, seed, sizeof seed, 1234567,
				     &b, &d) != 0)
			abort();
		uint64_t t;
		if (b.len <= NOTE_MAX_BYTES &&
		    (note_open(b.data, b.len, keys, NKEYS, &n, &d) != 0 ||
		     !note_verified_by(&n, WITNESS_KEY, &t) || t != 1234567))
			abort();
	}
	buf_release(&b);
}

static void check_vkey(const uint8_t *data, size_t size)
{
	struct note_verifier v;
	struct shomei_diag d;
	d.what[0] = '\0';
	if (note_vkey_parse((const char *)data, size, &v, &d) != 0) {
		static const struct note_verifier zero;
		if (memcmp(&v, &zero, sizeof v) != 0 || d.what[0] == '\0')
			abort();
		return;
	}
	char out[NOTE_VKEY_BYTES];
	note_vkey_format(&v, out);
	if (strlen(out) != size || memcmp(out, data, size) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	const char *msg = (const char *)data;
	struct note n;
	struct shomei_diag d;
	d.what[0] = '\0';
	int perr = note_parse(msg, size, &n, &d);
	if (perr) {
		if ((perr != SHOMEI_ERR_PARSE && perr != SHOMEI_ERR_LIMIT) || n.nsigs != 0 ||
		    n.text != NULL || d.what[0] == '\0')
			abort();
		if (note_open(msg, size, keys, NKEYS, &n, &d) != perr)
			abort();
	} else {
		if (n.nsigs == 0 || n.nsigs > NOTE_MAX_SIGS || n.text_len == 0 ||
		    n.text_len >= size || n.text[n.text_len - 1] != '\n')
			abort();
		for (size_t i = 0; i < n.nsigs; i++)
			if (!note_name_valid(n.sigs[i].name, n.sigs[i].name_len) ||
			    n.sigs[i].key != -1)
				abort();
		check_round_trip(&n, data, size);

		int oerr = note_open(msg, size, keys, NKEYS, &n, &d);
		if (oerr == 0) {
			check_round_trip(&n, data, size);
			size_t verified = 0;
			for (size_t i = 0; i < n.nsigs; i++) {
				if (n.sigs[i].key < 0)
					continue;
				reverify(&n, &n.sigs[i]);
				verified++;
			}
			if (verified == 0)
				abort();
		} else if (oerr != SHOMEI_ERR_SIGNATURE && oerr != SHOMEI_ERR_NOTFOUND &&
			   oerr != SHOMEI_ERR_INVALID) {
			abort();
		}
		if (note_parse(msg, size, &n, NULL) != 0)
			abort();
		check_sign(n.text, n.text_len);
	}
	if (size <= NOTE_VKEY_MAX_BYTES + 16)
		check_vkey(data, size);
	return 0;
}
