#include "base64url.h"

#include "err.h"

#include <sodium.h>

size_t base64url_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

int base64url_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
{
	if (n > BASE64URL_MAX_BYTES || out_cap < base64url_encoded_len(n) + 1)
		return SHOMEI_ERR_LIMIT;
	sodium_bin2base64(out, out_cap, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

static int is_b64url(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int value_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : 63;
}

int base64url_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		     size_t *out_len)
{
	*out_len = 0;
	if (in_len % 4 == 1)
		return SHOMEI_ERR_PARSE;
	for (size_t i = 0; i < in_len; i++)
		if (!is_b64url((unsigned char)in[i]))
			return SHOMEI_ERR_PARSE;
	/* Non-zero unused bits would give a second encoding of the same bytes. */
	if (in_len % 4) {
		int last = value_of((unsigned char)in[in_len - 1]);
		int unused_mask = in_len % 4 == 2 ? 0x0f : 0x03;
		if (last & unused_mask)
			return SHOMEI_ERR_PARSE;
	}
	size_t need = in_len / 4 * 3 + (in_len % 4 ? in_len % 4 - 1 : 0);
	if (need > out_cap)
		return SHOMEI_ERR_LIMIT;
	size_t n = 0;
	if (sodium_base642bin(out, out_cap, in, in_len, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != need)
		return SHOMEI_ERR_PARSE;
	*out_len = n;
	return 0;
}
