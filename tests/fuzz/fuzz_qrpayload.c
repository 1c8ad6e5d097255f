/* QR payloads scanned from outside (common/qr.h). Invariants: decoding never
 * crashes and never returns more than QR_MAX_DECODED bytes; a decoded
 * compact payload re-encodes to a payload that decodes to the same text;
 * base45 decoding is strict (decode then encode gives the input back). */
#include "qr.h"

#include "init.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, *again = NULL, *back = NULL;
	size_t ol = 0, al = 0, bl = 0;
	if (qr_payload_decode((const char *)data, size, &out, &ol, NULL) == 0) {
		if (ol > QR_MAX_DECODED && size >= 4 && !memcmp(data, QR_PREFIX, 4))
			abort();
		if (size >= 4 && !memcmp(data, QR_PREFIX, 4)) {
			if (qr_payload_encode(out, ol, &again, &al, NULL) != 0 ||
			    qr_payload_decode(again, al, &back, &bl, NULL) != 0 || bl != ol ||
			    memcmp(back, out, ol) != 0)
				abort();
		}
	}
	free(out);
	free(again);
	free(back);
	unsigned char *bin = NULL;
	size_t n = 0;
	if (qr_base45_decode((const char *)data, size, &bin, &n) == 0) {
		char *enc = NULL;
		size_t el = 0;
		if (qr_base45_encode(bin, n, &enc, &el) != 0 || el != size ||
		    memcmp(enc, data, size) != 0)
			abort();
		free(enc);
	}
	free(bin);
	return 0;
}
