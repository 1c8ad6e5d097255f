/* RFC 8785 by hand: no Debian C library canonicalizes JSON. jansson gives the
 * parsed values; this file only writes them out canonically. */
#include "jcs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jcs_number(double x, char out[JCS_NUMBER_BYTES])
{
	if (!isfinite(x))
		return SHOMEI_ERR_INVALID;
	if (x == 0) {
		strcpy(out, "0"); /* also -0 */
		return 0;
	}
	char *o = out;
	if (x < 0) {
		*o++ = '-';
		x = -x;
	}
	/* Shortest digits that read back as x: correctly rounded %.*e at increasing
	 * precision; the first that round-trips is the one ES6 wants (fewest digits,
	 * and among those the nearest to x). */
	char e[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(e, sizeof e, "%.*e", p - 1, x);
		if (strtod(e, NULL) == x)
			break;
	}
	/* e is "d[.ddd]e[+-]XX": k digits, decimal exponent n = XX + 1. */
	char digits[20];
	int k = 0;
	const char *s = e;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			digits[k++] = *s;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	int n = atoi(s + 1) + 1;
	if (k <= n && n <= 21) {
		memcpy(o, digits, (size_t)k);
		o += k;
		for (int i = k; i < n; i++)
			*o++ = '0';
	} else if (0 < n && n <= 21) {
		memcpy(o, digits, (size_t)n);
		o += n;
		*o++ = '.';
		memcpy(o, digits + n, (size_t)(k - n));
		o += k - n;
	} else if (-6 < n && n <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -n; i++)
			*o++ = '0';
		memcpy(o, digits, (size_t)k);
		o += k;
	} else {
		*o++ = digits[0];
		if (k > 1) {
			*o++ = '.';
			memcpy(o, digits + 1, (size_t)(k - 1));
			o += k - 1;
		}
		o += snprintf(o, 8, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
	}
	*o = '\0';
	return 0;
}

static int put_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	int err = buf_putc(b, '"');
	size_t run = 0; /* bytes copied as they are, flushed in one append */
	for (size_t i = 0; !err && i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		err = buf_append(b, s + run, i - run);
		run = i + 1;
		if (err)
			break;
		char esc[7] = {'\\', 0};
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\t': esc[1] = 't'; break;
		case '\n': esc[1] = 'n'; break;
		case '\f': esc[1] = 'f'; break;
		case '\r': esc[1] = 'r'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
		}
		err = buf_append(b, esc, strlen(esc));
	}
	if (!err)
		err = buf_append(b, s + run, len - run);
	if (!err)
		err = buf_putc(b, '"');
	return err;
}

/* UTF-16 code units of a UTF-8 string, one at a time (input is valid UTF-8:
 * jansson checked it). */
struct u16_iter {
	const unsigned char *p, *end;
	unsigned pending; /* a low surrogate still to give, or 0 */
};

static int u16_next(struct u16_iter *it, unsigned *unit)
{
	if (it->pending) {
		*unit = it->pending;
		it->pending = 0;
		return 1;
	}
	if (it->p >= it->end)
		return 0;
	unsigned c = *it->p++;
	unsigned cp;
	int extra = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
	cp = extra == 0 ? c : extra == 1 ? c & 0x1f : extra == 2 ? c & 0x0f : c & 0x07;
	for (int i = 0; i < extra && it->p < it->end; i++)
		cp = cp << 6 | (*it->p++ & 0x3f);
	if (cp >= 0x10000) {
		cp -= 0x10000;
		*unit = 0xd800 | (cp >> 10);
		it->pending = 0xdc00 | (cp & 0x3ff);
	} else {
		*unit = cp;
	}
	return 1;
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

static int by_utf16(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	/* Plain bytes order equals UTF-16 order until a 4-byte sequence meets a
	 * character of U+E000..U+FFFF; compare bytes while both are ASCII. */
	size_t i = 0, n = x->len < y->len ? x->len : y->len;
	while (i < n && x->key[i] == y->key[i])
		i++;
	if (i == n)
		return x->len < y->len ? -1 : x->len > y->len;
	/* Back up to the start of the differing character. */
	while (i > 0 && ((unsigned char)x->key[i] & 0xc0) == 0x80)
		i--;
	struct u16_iter ix = {(const unsigned char *)x->key + i,
			      (const unsigned char *)x->key + x->len, 0};
	struct u16_iter iy = {(const unsigned char *)y->key + i,
			      (const unsigned char *)y->key + y->len, 0};
	for (;;) {
		unsigned ux, uy;
		int hx = u16_next(&ix, &ux), hy = u16_next(&iy, &uy);
		if (!hx || !hy)
			return hx - hy;
		if (ux != uy)
			return ux < uy ? -1 : 1;
	}
}

static int append_object(const json_t *v, const char *skip, struct jcs_hole *hole, struct buf *b,
			 int depth, struct shomei_diag *d);

static int append(const json_t *v, struct buf *b, int depth, struct shomei_diag *d)
{
	char num[JCS_NUMBER_BYTES];
	switch (json_typeof(v)) {
	case JSON_NULL: return buf_puts(b, "null");
	case JSON_TRUE: return buf_puts(b, "true");
	case JSON_FALSE: return buf_puts(b, "false");
	case JSON_STRING: return put_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
	case JSON_REAL:
		if (jcs_number(json_number_value(v), num) != 0)
			return diag_set(d, SHOMEI_ERR_INVALID, NULL, "number is not finite");
		return buf_puts(b, num);
	case JSON_ARRAY:
	case JSON_OBJECT: break;
	}
	if (depth >= JCS_MAX_DEPTH)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "nesting deeper than %d", JCS_MAX_DEPTH);
	if (json_is_array(v)) {
		int err;
		err = buf_putc(b, '[');
		for (size_t i = 0; !err && i < json_array_size(v); i++) {
			if (i)
				err = buf_putc(b, ',');
			if (!err)
				err = append(json_array_get(v, i), b, depth + 1, d);
		}
		return err ? err : buf_putc(b, ']');
	}
	return append_object(v, NULL, NULL, b, depth, d);
}

static int append_object(const json_t *v, const char *skip, struct jcs_hole *hole, struct buf *b,
			 int depth, struct shomei_diag *d)
{
	size_t n = json_object_size(v);
	struct member small[16];
	struct member *m = n <= 16 ? small : malloc(n * sizeof *m);
	if (!m)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t k = 0;
	const char *key;
	size_t key_len;
	json_t *value;
	json_object_keylen_foreach ((json_t *)v, key, key_len, value) {
		if (skip && key_len == strlen(skip) && memcmp(key, skip, key_len) == 0)
			continue;
		m[k].key = key;
		m[k].len = key_len;
		m[k].value = value;
		k++;
	}
	qsort(m, k, sizeof *m, by_utf16);
	struct member probe = {skip, skip ? strlen(skip) : 0, NULL};
	int placed = 0;
	int err = buf_putc(b, '{');
	for (size_t i = 0; !err && i < k; i++) {
		if (hole && !placed && by_utf16(&probe, &m[i]) < 0) {
			hole->offset = b->len;
			hole->has_before = i > 0;
			hole->has_after = 1;
			placed = 1;
		}
		if (i)
			err = buf_putc(b, ',');
		if (!err)
			err = put_string(b, m[i].key, m[i].len);
		if (!err)
			err = buf_putc(b, ':');
		if (!err)
			err = append(m[i].value, b, depth + 1, d);
	}
	if (hole && !placed) {
		hole->offset = b->len;
		hole->has_before = k > 0;
		hole->has_after = 0;
	}
	if (m != small)
		free(m);
	return err ? err : buf_putc(b, '}');
}

int jcs_append_without(const json_t *obj, const char *skip_key, struct buf *b,
		       struct jcs_hole *hole, struct shomei_diag *d)
{
	if (!json_is_object(obj))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a JSON object");
	int err = append_object(obj, skip_key, hole, b, 0, d);
	if (err == SHOMEI_ERR_LIMIT && d && !d->what[0])
		diag_set(d, err, NULL, "canonical form larger than %zu bytes", b->max);
	return err;
}

int jcs_append(const json_t *v, struct buf *b, struct shomei_diag *d)
{
	int err = append(v, b, 0, d);
	if (err == SHOMEI_ERR_LIMIT && d && !d->what[0])
		diag_set(d, err, NULL, "canonical form larger than %zu bytes", b->max);
	if (err == SHOMEI_ERR_NOMEM)
		diag_set(d, err, NULL, "out of memory");
	return err;
}

int jcs_serialize(const json_t *v, char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	struct buf b;
	buf_init(&b, JCS_MAX_BYTES);
	if (d)
		d->what[0] = '\0';
	int err = jcs_append(v, &b, d);
	if (err) {
		buf_release(&b);
		return err;
	}
	*out = buf_steal(&b, len);
	return *out ? 0 : diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
}
