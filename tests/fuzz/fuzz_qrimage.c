/* The image reader of `verifier verify --qr-image` (common/qr.h): libpng,
 * libjpeg and zbar behind our wrapper, fed what a camera or a stranger may
 * hand over. The first byte picks what the rest is:
 *  0  an image file (PNG, JPEG, or anything): qr_scan_image;
 *  1  gray pixels, the next byte the width (1..256), rows of that width
 *     after it: qr_scan_gray.
 * Either way: no crash, no leak, an answer from the documented set, the
 * outputs cleared on failure and NUL-terminated text on success, and the
 * same answer when asked again (the reader keeps no state between calls). */
#include "err.h"
#include "qr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int scan(int mode, const uint8_t *p, size_t n, char **text, size_t *len)
{
	if (mode == 0)
		return qr_scan_image(p, n, text, len, NULL);
	unsigned width = (unsigned)p[0] + 1;
	size_t height = (n - 1) / width;
	if (height == 0) {
		*text = NULL;
		*len = 0;
		return SHOMEI_ERR_NOTFOUND;
	}
	return qr_scan_gray(p + 1, width, (unsigned)height, text, len, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > (1u << 20))
		return 0;
	int mode = data[0] & 1;
	char *text = (char *)"untouched";
	size_t len = 12345;
	int rc = scan(mode, data + 1, size - 1, &text, &len);
	switch (rc) {
	case 0:
		if (!text || text[len] != '\0')
			abort();
		break;
	case SHOMEI_ERR_UNSUPPORTED:
	case SHOMEI_ERR_PARSE:
	case SHOMEI_ERR_LIMIT:
	case SHOMEI_ERR_NOTFOUND:
	case SHOMEI_ERR_INVALID:
		if (text != NULL || len != 0)
			abort();
		break;
	default:
		abort();
	}
	char *again = NULL;
	size_t again_len = 0;
	int rc2 = scan(mode, data + 1, size - 1, &again, &again_len);
	if (rc2 != rc || (rc == 0 && (again_len != len || memcmp(again, text, len) != 0)))
		abort();
	if (rc == 0) {
		free(text);
		free(again);
	}
	return 0;
}
