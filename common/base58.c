/* base58btc by hand: neither libsodium nor any Debian C library offers it. The
 * conversion is the textbook base change, quadratic but bounded by
 * BASE58_MAX_BYTES, with no allocation. */
#include "base58.h"

#include "err.h"

#include <string.h>

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

size_t base58_encoded_max(size_t n)
{
	/* log(256)/log(58) < 1.3658; +1 for rounding, +1 for the NUL. */
	return n * 137 / 100 + 2;
}

int base58_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
{
	if (n > BASE58_MAX_BYTES)
		return SHOMEI_ERR_LIMIT;
	size_t zeros = 0;
	while (zeros < n && in[zeros] == 0)
		zeros++;
	unsigned char digits[BASE58_MAX_CHARS]; /* base-58 digits, least significant first */
	size_t ndigits = 0;
	for (size_t i = zeros; i < n; i++) {
		unsigned carry = in[i];
		for (size_t j = 0; j < ndigits; j++) {
			carry += (unsigned)digits[j] << 8;
			digits[j] = (unsigned char)(carry % 58);
			carry /= 58;
		}
		while (carry) {
			digits[ndigits++] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	if (zeros + ndigits + 1 > out_cap)
		return SHOMEI_ERR_LIMIT;
	size_t k = 0;
	for (size_t i = 0; i < zeros; i++)
		out[k++] = '1';
	for (size_t j = ndigits; j > 0; j--)
		out[k++] = alphabet[digits[j - 1]];
	out[k] = '\0';
	return 0;
}

static int digit_of(unsigned char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int base58_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		  size_t *out_len)
{
	*out_len = 0;
	if (in_len == 0)
		return SHOMEI_ERR_PARSE;
	if (in_len > BASE58_MAX_CHARS)
		return SHOMEI_ERR_LIMIT;
	size_t zeros = 0;
	while (zeros < in_len && in[zeros] == '1')
		zeros++;
	unsigned char bytes[BASE58_MAX_CHARS]; /* base-256 digits, least significant first */
	size_t nbytes = 0;
	for (size_t i = zeros; i < in_len; i++) {
		int d = digit_of((unsigned char)in[i]);
		if (d < 0)
			return SHOMEI_ERR_PARSE;
		unsigned carry = (unsigned)d;
		for (size_t j = 0; j < nbytes; j++) {
			carry += (unsigned)bytes[j] * 58;
			bytes[j] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
		while (carry) {
			bytes[nbytes++] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
	}
	size_t total = zeros + nbytes;
	if (total > out_cap || total > BASE58_MAX_BYTES)
		return SHOMEI_ERR_LIMIT;
	memset(out, 0, zeros);
	for (size_t j = 0; j < nbytes; j++)
		out[zeros + j] = bytes[nbytes - 1 - j];
	*out_len = total;
	return 0;
}

int multibase_base58btc_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
{
	if (out_cap < 2)
		return SHOMEI_ERR_LIMIT;
	out[0] = 'z';
	return base58_encode(in, n, out + 1, out_cap - 1);
}

int multibase_base58btc_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
			       size_t *out_len)
{
	*out_len = 0;
	if (in_len < 2 || in[0] != 'z')
		return SHOMEI_ERR_PARSE;
	return base58_decode(in + 1, in_len - 1, out, out_cap, out_len);
}
