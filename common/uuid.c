#include "uuid.h"

#include "err.h"

#include <sodium.h>
#include <string.h>

int uuid_urn_random(char out[UUID_URN_BYTES])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 */
	/* Formatted by hand: snprintf with sixteen conversions is a visible share
	 * of issuing one credential. */
	static const char hex[] = "0123456789abcdef";
	memcpy(out, "urn:uuid:", 9);
	char *o = out + 9;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
	return 0;
}

int uuid_urn_check(const char *s)
{
	if (!s || strlen(s) != UUID_URN_BYTES - 1 || strncmp(s, "urn:uuid:", 9) != 0)
		return SHOMEI_ERR_INVALID;
	for (int i = 0; i < 36; i++) {
		char c = s[9 + i];
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-'
			 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return SHOMEI_ERR_INVALID;
	}
	return 0;
}
