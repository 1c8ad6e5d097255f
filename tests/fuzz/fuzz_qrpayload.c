/* The SH1 QR payload from outside (common/qrpayload.h). The first byte picks
 * what the rest is:
 *  0  a payload as read from a QR code: decoding never crashes, refuses with
 *     a NULL output, and what it accepts re-encodes and decodes to itself;
 *  1  a presentation (any bytes): encode, then decode, gives it back exactly;
 *  2  a frame (the bytes under the Base45): "SH1:" + Base45(frame) is decoded,
 *     which reaches the inflater and the parts parser with arbitrary bytes;
 *  3  the parts of an SD-JWT (split on 0xff, each base64url-encoded and joined
 *     as JWS~disclosures~KB-JWT): encode then decode gives it back exactly,
 *     which exercises the escapes and the tokens with arbitrary JSON bytes. */
#include "base45.h"
#include "base64url.h"
#include "qrpayload.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 8192

static void check_round_trip(const char *text, size_t len)
{
	char *payload;
	size_t n;
	int rc = qrpayload_encode(text, len, &payload, &n, NULL);
	if (rc != 0) {
		/* Only emptiness or size may refuse. */
		if (payload != NULL || (len != 0 && rc != -4))
			abort();
		return;
	}
	if (strlen(payload) != n || memcmp(payload, QRPAYLOAD_PREFIX, 4) != 0)
		abort();
	char *back;
	size_t back_len;
	if (qrpayload_decode(payload, n, &back, &back_len, NULL) != 0 || back_len != len ||
	    memcmp(back, text, len) != 0 || back[len] != '\0')
		abort();
	free(back);
	free(payload);
}

static void check_decode(const char *payload, size_t len)
{
	char *out = (char *)1;
	size_t n = 1;
	int rc = qrpayload_decode(payload, len, &out, &n, NULL);
	if (rc != 0) {
		if (out != NULL || n != 0)
			abort();
		return;
	}
	if (n == 0 || n > QRPAYLOAD_MAX_TEXT_BYTES || out[n] != '\0')
		abort();
	check_round_trip(out, n);
	free(out);
}

static char text[4 * FUZZ_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 4) {
	case 0: check_decode((const char *)p, n); break;
	case 1: check_round_trip((const char *)p, n); break;
	case 2: {
		memcpy(text, QRPAYLOAD_PREFIX, 4);
		if (base45_encode(p, n, text + 4, sizeof text - 4) != 0)
			abort();
		check_decode(text, strlen(text));
		break;
	}
	case 3: {
		/* Parts separated by 0xff; separators alternate '.', '.', '~' for
		 * the JWS, then '~' between disclosures. */
		size_t len = 0, part = 0, start = 0;
		for (size_t i = 0; i <= n; i++) {
			if (i < n && p[i] != 0xff)
				continue;
			size_t k = base64url_encoded_len(i - start);
			if (len + k + 2 > sizeof text)
				return 0;
			if (base64url_encode(p + start, i - start, text + len, sizeof text - len) !=
			    0)
				abort();
			len += k;
			if (i < n)
				text[len++] = part < 2 ? '.' : '~';
			part++;
			start = i + 1;
		}
		check_round_trip(text, len);
		break;
	}
	}
	return 0;
}
