/* Base45 from outside (common/base45.h). Invariants:
 *  - whatever decodes re-encodes to the identical text (one spelling per byte
 *    string), and a refusal leaves *out_len at 0 and no decoded byte behind;
 *  - the input bytes, taken as binary, encode to 3 characters per 2 bytes of
 *    the alphabet and decode back. */
#include "base45.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX)
		return 0;
	static unsigned char bin[FUZZ_MAX];
	static char text[FUZZ_MAX / 2 * 3 + 3];
	size_t n = 1;
	memset(bin, 0xaa, sizeof bin);
	int rc = base45_decode((const char *)data, size, bin, sizeof bin, &n);
	if (rc == 0) {
		if (base45_encode(bin, n, text, sizeof text) != 0 || strlen(text) != size ||
		    memcmp(text, data, size) != 0)
			abort();
	} else {
		if (n != 0)
			abort();
		for (size_t i = 0; i < sizeof bin; i++)
			if (bin[i] != 0 && bin[i] != 0xaa)
				abort();
	}

	static char enc[FUZZ_MAX / 2 * 3 + 3];
	if (base45_encode(data, size, enc, sizeof enc) != 0 ||
	    strlen(enc) != base45_encoded_len(size))
		abort();
	static unsigned char back[FUZZ_MAX];
	size_t back_len;
	if (base45_decode(enc, strlen(enc), back, sizeof back, &back_len) != 0 ||
	    back_len != size || memcmp(back, data, size) != 0)
		abort();
	return 0;
}
