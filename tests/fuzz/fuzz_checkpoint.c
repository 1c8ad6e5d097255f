/* Checkpoint bodies from outside (common/note.h, tlog-checkpoint). Invariants:
 *  - an accepted body formats back to exactly the input, and the formatted
 *    body parses to the same checkpoint; its origin is 1..255 bytes with no
 *    newline, and an independent reading of line 2 gives the same size;
 *  - a refusal clears the checkpoint and says where and what;
 *  - an accepted body is a valid note text: it signs to a note that opens. */
#include "note.h"

#include "init.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char seed[NOTE_SEED_BYTES] = {7};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct note_verifier key;
	if (!ready) {
		unsigned char pk[NOTE_PUBLIC_BYTES], sk[NOTE_SECRET_BYTES];
		if (shomei_init() != 0)
			abort();
		crypto_sign_seed_keypair(pk, sk, seed);
		if (note_verifier_init(&key, "fuzz.example/log", NOTE_SIG_ED25519, pk) != 0)
			abort();
		ready = 1;
	}
	const char *body = (const char *)data;
	struct note_checkpoint c;
	struct shomei_diag d;
	d.what[0] = '\0';
	int err = note_checkpoint_parse(body, size, &c, &d);
	if (err) {
		static const struct note_checkpoint zero;
		if ((err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_LIMIT) ||
		    memcmp(&c, &zero, sizeof c) != 0 || d.what[0] == '\0')
			abort();
		return 0;
	}
	size_t olen = strlen(c.origin);
	if (olen == 0 || olen > NOTE_NAME_MAX_BYTES || memchr(c.origin, '\n', olen) ||
	    memcmp(c.origin, body, olen) != 0 || body[olen] != '\n')
		abort();
	/* Line 2 read again, plainly. */
	uint64_t size_again = 0;
	const char *p = body + olen + 1;
	while (*p != '\n')
		size_again = size_again * 10 + (uint64_t)(*p++ - '0');
	if (size_again != c.size)
		abort();

	struct buf b;
	buf_init(&b, NOTE_MAX_BYTES);
	if (note_checkpoint_format(&c, &b, &d) != 0 || b.len != size ||
	    memcmp(b.data, body, size) != 0)
		abort();
	struct note_checkpoint again;
	if (note_checkpoint_parse(b.data, b.len, &again, NULL) != 0 ||
	    memcmp(&again, &c, sizeof c) != 0)
		abort();
	buf_release(&b);

	buf_init(&b, NOTE_MAX_BYTES);
	struct note n;
	if (note_sign(body, size, key.name, seed, sizeof seed, &b, &d) != 0 ||
	    note_open(b.data, b.len, &key, 1, &n, &d) != 0 || n.text_len != size)
		abort();
	buf_release(&b);
	return 0;
}
