/* base64url from outside (common/base64url.h). Invariants:
 *  - decoding: whatever decodes re-encodes to the identical text, which proves
 *    the decoder strict (the encoder only writes canonical text), and the
 *    accepted text never holds a character outside the url alphabet; a
 *    refusal leaves *out_len at 0;
 *  - encoding: the input bytes encode to what a bit-by-bit RFC 4648 encoder
 *    gives, of base64url_encoded_len characters, and decode back. */
#include "base64url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Inputs are capped so that a run stays quick; the codec has no size-dependent
 * path below BASE64URL_MAX_BYTES. */
#define FUZZ_MAX_BYTES 4096

static void reference_encode(const unsigned char *in, size_t n, char *out)
{
	size_t k = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[k++] = url_alphabet[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[k++] = url_alphabet[(acc << (6 - bits)) & 63];
	out[k] = '\0';
}

static unsigned char bin[FUZZ_MAX_BYTES];
static char text[FUZZ_MAX_BYTES / 3 * 4 + 8], want[FUZZ_MAX_BYTES / 3 * 4 + 8];

static void check_decode(const char *in, size_t len)
{
	size_t n = 12345;
	if (base64url_decode(in, len, bin, sizeof bin, &n) != 0) {
		if (n != 0)
			abort();
		return;
	}
	if (len % 4 == 1 || strspn(in, url_alphabet) < len)
		abort();
	if (base64url_encode(bin, n, text, sizeof text) != 0)
		abort();
	if (strlen(text) != len || memcmp(text, in, len) != 0)
		abort();
	/* One byte less room is refused, not truncated. */
	if (n > 0 && base64url_decode(in, len, bin, n - 1, &n) != SHOMEI_ERR_LIMIT)
		abort();
}

static void check_encode(const unsigned char *in, size_t n)
{
	size_t len = base64url_encoded_len(n);
	if (len + 1 > sizeof text)
		abort();
	if (base64url_encode(in, n, text, len + 1) != 0 || strlen(text) != len)
		abort();
	reference_encode(in, n, want);
	if (strcmp(text, want) != 0)
		abort();
	if (base64url_encode(in, n, text, len) != SHOMEI_ERR_LIMIT)
		abort();
	size_t back_len = 12345;
	if (base64url_decode(want, len, bin, n, &back_len) != 0 || back_len != n ||
	    memcmp(bin, in, n) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_BYTES)
		return 0;
	/* strspn above needs a terminated copy of the text. */
	char *copy = malloc(size + 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	check_decode(copy, size);
	free(copy);
	check_encode(data, size);
	return 0;
}
