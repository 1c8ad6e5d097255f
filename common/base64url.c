/* base64url on libsodium's codec, with one check of our own. Its decoder,
 * called with no characters to ignore, no end pointer and the
 * URLSAFE_NO_PADDING variant, stops at '=', '+', '/', whitespace or NUL and
 * then fails because the input was not consumed, and it fails when 6 bits are
 * left over (4k + 1 characters) or the unused bits are not zero. But
 * libsodium 1.0.18 decodes every byte from 0x80 up as '_' (fuzz_base64url
 * found it; corpus/base64url/regress-high-bit), so the alphabet is checked
 * here first. tests/unit/test_base64url.c and the fuzz corpus pin these
 * refusals, so a libsodium that relaxed one would be caught. */
#include "base64url.h"

#include <sodium.h>
#include <stdint.h>

/* Bytes that in_len characters decode to, if in_len is a possible length. */
static size_t decoded_len(size_t in_len)
{
	return in_len / 4 * 3 + (in_len % 4 ? in_len % 4 - 1 : 0);
}

/* RFC 4648 Table 2. */
static int is_url_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

size_t base64url_encoded_len(size_t n)
{
	if (n / 3 > (SIZE_MAX - 3) / 4)
		return SIZE_MAX;
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

int base64url_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
{
	/* n is checked first: base64url_encoded_len(n) + 1 cannot overflow below
	 * the ceiling. libsodium aborts when the output does not fit, so the
	 * check must not be left to it. */
	if (n > BASE64URL_MAX_BYTES || out_cap < base64url_encoded_len(n) + 1)
		return SHOMEI_ERR_LIMIT;
	/* A table, not libsodium's constant-time encoder: everything encoded
	 * here is public (signatures, keys, JWS parts, salts that disclosures
	 * reveal anyway), and the table is several times faster. test_base64url
	 * checks it against libsodium's. */
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i = 0;
	char *w = out;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*w++ = t[v >> 18];
		*w++ = t[(v >> 12) & 63];
		*w++ = t[(v >> 6) & 63];
		*w++ = t[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		*w++ = t[v >> 18];
		*w++ = t[(v >> 12) & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		*w++ = t[v >> 18];
		*w++ = t[(v >> 12) & 63];
		*w++ = t[(v >> 6) & 63];
	}
	*w = '\0';
	return 0;
}

int base64url_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		     size_t *out_len)
{
	*out_len = 0;
	if (in_len % 4 == 1)
		return SHOMEI_ERR_PARSE;
	for (size_t i = 0; i < in_len; i++)
		if (!is_url_char((unsigned char)in[i]))
			return SHOMEI_ERR_PARSE;
	size_t need = decoded_len(in_len);
	if (need > out_cap)
		return SHOMEI_ERR_LIMIT;
	size_t n = 0;
	if (sodium_base642bin(out, out_cap, in, in_len, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != need) {
		sodium_memzero(out, need);
		return SHOMEI_ERR_PARSE;
	}
	*out_len = n;
	return 0;
}
