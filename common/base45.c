/* RFC 9285 Base45 by hand: no Debian C library offers it (libsodium, OpenSSL
 * and zlib have base64 only), and it is a few lines of arithmetic. */
#include "base45.h"

#include <stdint.h>
#include <string.h>

/* RFC 9285 §4.2, Table 1. */
static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
_Static_assert(sizeof alphabet == 45 + 1, "the Base45 alphabet has 45 characters");

static int digit_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	switch (c) {
	case ' ': return 36;
	case '$': return 37;
	case '%': return 38;
	case '*': return 39;
	case '+': return 40;
	case '-': return 41;
	case '.': return 42;
	case '/': return 43;
	case ':': return 44;
	default: return -1;
	}
}

size_t base45_encoded_len(size_t n)
{
	if (n > BASE45_MAX_BYTES)
		return SIZE_MAX;
	return n / 2 * 3 + n % 2 * 2;
}

int base45_encode(const unsigned char *in, size_t n, char *out, size_t out_cap)
{
	if (n > BASE45_MAX_BYTES || out_cap < base45_encoded_len(n) + 1)
		return SHOMEI_ERR_LIMIT;
	size_t k = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned v = (unsigned)in[i] << 8 | in[i + 1];
		out[k++] = alphabet[v % 45];
		out[k++] = alphabet[v / 45 % 45];
		out[k++] = alphabet[v / (45 * 45)];
	}
	if (n % 2) {
		unsigned v = in[n - 1];
		out[k++] = alphabet[v % 45];
		out[k++] = alphabet[v / 45];
	}
	out[k] = '\0';
	return 0;
}

int base45_decode(const char *in, size_t in_len, unsigned char *out, size_t out_cap,
		  size_t *out_len)
{
	*out_len = 0;
	if (in_len % 3 == 1)
		return SHOMEI_ERR_PARSE;
	size_t need = in_len / 3 * 2 + (in_len % 3 == 2);
	if (need > out_cap)
		return SHOMEI_ERR_LIMIT;
	size_t k = 0;
	for (size_t i = 0; i < in_len; i += 3) {
		size_t group = in_len - i >= 3 ? 3 : 2;
		unsigned v = 0, scale = 1;
		for (size_t j = 0; j < group; j++) {
			int dv = digit_value((unsigned char)in[i + j]);
			if (dv < 0)
				goto refuse;
			v += (unsigned)dv * scale;
			scale *= 45;
		}
		/* 45^3 - 1 = 91124 and 45^2 - 1 = 2024 leave room for values that
		 * no byte string encodes to; RFC 9285 §6 asks to refuse them. */
		if (group == 3) {
			if (v > 0xffff)
				goto refuse;
			out[k++] = (unsigned char)(v >> 8);
			out[k++] = (unsigned char)v;
		} else {
			if (v > 0xff)
				goto refuse;
			out[k++] = (unsigned char)v;
		}
	}
	*out_len = k;
	return 0;
refuse:
	memset(out, 0, need);
	return SHOMEI_ERR_PARSE;
}
