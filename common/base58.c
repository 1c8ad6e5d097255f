/* base58btc by hand: neither libsodium nor any Debian C library offers it. The
 * conversion is the textbook base change, quadratic but bounded by
 * BASE58_MAX_BYTES, with no allocation: a few kilobytes of stack at most. */
#include "base58.h"

#include "err.h"

#include <stdint.h>
#include <string.h>

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* log(256)/log(58) = 1.36566 < 1.37, so floor(1.37 n) + 1 digits are enough. */
_Static_assert(BASE58_MAX_BYTES * 137 / 100 + 1 <= BASE58_MAX_CHARS, "BASE58_MAX_CHARS too small");

size_t base58_encoded_max(size_t n)
{
	/* Beyond the ceiling base58_encode refuses anyway, and n * 137 could
	 * overflow. Otherwise +1 for rounding, +1 for the NUL. */
	if (n > BASE58_MAX_BYTES)
		return 0;
	return n * 137 / 100 + 2;
}

/* Base 58^5 limbs for encoding and base 2^32 limbs for decoding let one 64-bit
 * multiply-add do the work of five (or four) byte steps. */
#define B58_5	  656356768u /* 58^5 */
#define ENC_LIMBS (BASE58_MAX_CHARS / 5 + 2)
#define DEC_LIMBS (BASE58_MAX_BYTES / 4 + 2)

int base58_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
{
	if (n > BASE58_MAX_BYTES)
		return SHOMEI_ERR_LIMIT;
	size_t zeros = 0;
	while (zeros < n && in[zeros] == 0)
		zeros++;
	uint32_t limbs[ENC_LIMBS]; /* base 58^5, least significant first */
	size_t nlimbs = 0;
	size_t i = zeros;
	while (i < n) {
		size_t take = (n - i) % 4 ? (n - i) % 4 : 4;
		uint64_t carry = 0;
		for (size_t k = 0; k < take; k++)
			carry = carry << 8 | in[i + k];
		i += take;
		for (size_t j = 0; j < nlimbs; j++) {
			uint64_t t = ((uint64_t)limbs[j] << (8 * take)) + carry;
			limbs[j] = (uint32_t)(t % B58_5);
			carry = t / B58_5;
		}
		while (carry) {
			limbs[nlimbs++] = (uint32_t)(carry % B58_5);
			carry /= B58_5;
		}
	}
	char digits[ENC_LIMBS * 5]; /* least significant first */
	size_t ndigits = 0;
	for (size_t j = 0; j < nlimbs; j++) {
		uint32_t v = limbs[j];
		for (int k = 0; k < 5; k++) {
			digits[ndigits++] = alphabet[v % 58];
			v /= 58;
		}
	}
	while (ndigits > 0 && digits[ndigits - 1] == '1')
		ndigits--; /* the top limb's leading zeros */
	if (zeros + ndigits + 1 > out_cap)
		return SHOMEI_ERR_LIMIT;
	size_t k = 0;
	for (size_t z = 0; z < zeros; z++)
		out[k++] = '1';
	for (size_t j = ndigits; j > 0; j--)
		out[k++] = digits[j - 1];
	out[k] = '\0';
	return 0;
}

/* clang-format off */
static const signed char digit_table[128] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8, -1, -1, -1, -1, -1, -1,
	-1,  9, 10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1,
	22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
	-1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46,
	47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
};
/* clang-format on */

static int digit_of(unsigned char c)
{
	return c < 128 ? digit_table[c] : -1;
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
	uint32_t limbs[DEC_LIMBS * 2]; /* base 2^32, least significant first */
	size_t nlimbs = 0;
	size_t i = zeros;
	while (i < in_len) {
		size_t take = (in_len - i) % 5 ? (in_len - i) % 5 : 5;
		uint64_t carry = 0, mul = 1;
		for (size_t k = 0; k < take; k++) {
			int d = digit_of((unsigned char)in[i + k]);
			if (d < 0)
				return SHOMEI_ERR_PARSE;
			carry = carry * 58 + (uint64_t)d;
			mul *= 58;
		}
		i += take;
		for (size_t j = 0; j < nlimbs; j++) {
			uint64_t t = (uint64_t)limbs[j] * mul + carry;
			limbs[j] = (uint32_t)t;
			carry = t >> 32;
		}
		while (carry) {
			if (nlimbs == sizeof limbs / sizeof limbs[0])
				return SHOMEI_ERR_LIMIT;
			limbs[nlimbs++] = (uint32_t)carry;
			carry >>= 32;
		}
	}
	unsigned char bytes[sizeof limbs]; /* big-endian */
	size_t nbytes = 0;
	for (size_t j = nlimbs; j > 0; j--)
		for (int s = 24; s >= 0; s -= 8) {
			unsigned char b = (unsigned char)(limbs[j - 1] >> s);
			if (nbytes || b)
				bytes[nbytes++] = b;
		}
	size_t total = zeros + nbytes;
	if (total > out_cap || total > BASE58_MAX_BYTES)
		return SHOMEI_ERR_LIMIT;
	memset(out, 0, zeros);
	memcpy(out + zeros, bytes, nbytes);
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
