/* base58btc from outside (common/base58.h). Three invariants:
 *  - decoding: whatever decodes re-encodes to the identical text, in both the
 *    bare and the multibase 'z' form (one spelling per byte string), and a
 *    refusal leaves *out_len at 0;
 *  - encoding: the input bytes (up to BASE58_MAX_BYTES) encode to what a
 *    textbook encoder gives, within base58_encoded_max, and decode back;
 *  - the limits: more than BASE58_MAX_BYTES is refused either way. */
#include "base58.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Repeated division of the big-endian number by 58, independent of the
 * module's limb-wise arithmetic. out needs 2 * n + 1 bytes. */
static void reference_encode(const unsigned char *in, size_t n, char *out)
{
	unsigned char num[BASE58_MAX_BYTES];
	char rev[2 * BASE58_MAX_BYTES];
	memcpy(num, in, n);
	size_t zeros = 0;
	while (zeros < n && in[zeros] == 0)
		zeros++;
	size_t nd = 0, start = zeros;
	while (start < n) {
		unsigned rem = 0;
		for (size_t i = start; i < n; i++) {
			unsigned cur = rem * 256 + num[i];
			num[i] = (unsigned char)(cur / 58);
			rem = cur % 58;
		}
		rev[nd++] = alphabet[rem];
		while (start < n && num[start] == 0)
			start++;
	}
	size_t k = 0;
	for (size_t z = 0; z < zeros; z++)
		out[k++] = '1';
	while (nd > 0)
		out[k++] = rev[--nd];
	out[k] = '\0';
}

static void check_decode(const char *text, size_t len)
{
	unsigned char bin[BASE58_MAX_BYTES];
	char again[BASE58_MAX_CHARS + 2];
	size_t n = 12345;
	if (base58_decode(text, len, bin, sizeof bin, &n) != 0) {
		if (n != 0)
			abort();
	} else {
		if (n == 0 || n > BASE58_MAX_BYTES)
			abort();
		if (base58_encode(bin, n, again, sizeof again) != 0)
			abort();
		if (strlen(again) != len || memcmp(again, text, len) != 0)
			abort();
		/* One byte less room is refused, not truncated. */
		if (base58_decode(text, len, bin, n - 1, &n) == 0)
			abort();
	}

	n = 12345;
	if (multibase_base58btc_decode(text, len, bin, sizeof bin, &n) != 0) {
		if (n != 0)
			abort();
		return;
	}
	if (len < 2 || text[0] != 'z')
		abort();
	if (multibase_base58btc_encode(bin, n, again, sizeof again) != 0)
		abort();
	if (strlen(again) != len || memcmp(again, text, len) != 0)
		abort();
}

static void check_encode(const unsigned char *bin, size_t n)
{
	char out[BASE58_MAX_CHARS + 1], want[2 * BASE58_MAX_BYTES + 1];
	if (n > BASE58_MAX_BYTES) {
		if (base58_encode(bin, n, out, sizeof out) != SHOMEI_ERR_LIMIT)
			abort();
		return;
	}
	size_t cap = base58_encoded_max(n);
	if (cap == 0 || cap > sizeof out)
		abort();
	if (base58_encode(bin, n, out, cap) != 0)
		abort();
	reference_encode(bin, n, want);
	if (strcmp(out, want) != 0)
		abort();
	size_t len = strlen(out);
	/* Exactly enough room works, one less is refused. */
	if (base58_encode(bin, n, out, len + 1) != 0 || strcmp(out, want) != 0)
		abort();
	if (base58_encode(bin, n, out, len) != SHOMEI_ERR_LIMIT)
		abort();
	if (n == 0)
		return;
	unsigned char back[BASE58_MAX_BYTES];
	size_t back_len = 0;
	if (base58_decode(want, len, back, sizeof back, &back_len) != 0 || back_len != n ||
	    memcmp(back, bin, n) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_decode((const char *)data, size);
	check_encode(data, size);
	return 0;
}
