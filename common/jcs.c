/* RFC 8785 by hand: no Debian C library canonicalizes JSON. jansson holds the
 * values; this file writes them out canonically. The shortest round-trip
 * digits of a number come from the C library (snprintf's correctly rounded
 * %.*e and strtod), not from a hand-written Grisu or Ryu. */
#include "jcs.h"

#include "jsonin.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(JCS_MAX_DEPTH >= JSONIN_MAX_DEPTH, "JCS must write whatever jsonin reads");
_Static_assert(JCS_MAX_BYTES >= JSONIN_MAX_BYTES, "canonical output of a jsonin document");

/* ---- numbers (RFC 8785 §3.2.2.3, ECMA-262 Number::toString) ---- */

#define SHORTEST_MAX_DIGITS 17 /* always enough to round-trip a double */
/* "-" + "0." + 5 zeros + 17 digits is the longest form; "-d.16digitse-324" is 24. */
#define NUMBER_LONGEST (1 + 2 + 5 + SHORTEST_MAX_DIGITS)
_Static_assert(NUMBER_LONGEST + 1 <= JCS_NUMBER_BYTES, "JCS_NUMBER_BYTES too small");

/* The p significant digits of x (> 0) correctly rounded, and the decimal
 * exponent of the first one; 1 when such a p-digit decimal reads back as x.
 * The closest p-digit decimal is the only candidate, except at a power of two:
 * there the gap to the next smaller double is half the gap to the next larger
 * one, so the rounding interval is lopsided and, when the closest decimal lies
 * below x and outside, the next one above may still be inside. */
static int round_trip_digits(double x, int p, int pow2, char digits[SHORTEST_MAX_DIGITS + 1],
			     int *exp10)
{
	char e[48];
	snprintf(e, sizeof e, "%.*e", p - 1, x);
	/* Digits and exponent by hand, so that the locale's decimal point does
	 * not matter: "d[.ddd]e[+-]XX". */
	int k = 0;
	const char *s = e;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && k < SHORTEST_MAX_DIGITS)
			digits[k++] = *s;
	digits[k] = '\0';
	*exp10 = *s ? atoi(s + 1) : 0;
	double back = strtod(e, NULL);
	if (back == x)
		return 1;
	if (!pow2 || back > x)
		return 0;
	/* One unit more in the last digit; written as an integer significand so
	 * that strtod needs no decimal point. */
	int i = k - 1;
	while (i >= 0 && digits[i] == '9')
		digits[i--] = '0';
	if (i >= 0) {
		digits[i]++;
	} else {
		digits[0] = '1';
		(*exp10)++;
	}
	snprintf(e, sizeof e, "%se%d", digits, *exp10 - (k - 1));
	return strtod(e, NULL) == x;
}

/* Fewest digits k that read back as x, and the ES6 exponent n (x = 0.d1..dk
 * times 10^n). Whether some p-digit decimal reads back as x only becomes true
 * as p grows (the p-digit decimals are among the (p+1)-digit ones, and the
 * rounding interval is an interval), so after trying the few digits that
 * numbers written by people have, a binary search over the rest finds the
 * fewest with about four conversions instead of up to seventeen. */
#define SHORTEST_LINEAR_DIGITS 3
static void shortest(double x, char digits[SHORTEST_MAX_DIGITS + 1], int *k, int *n)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	int pow2 = (bits & ((UINT64_C(1) << 52) - 1)) == 0 && (bits >> 52) > 1;
	char trial[SHORTEST_MAX_DIGITS + 1];
	int exp10 = 0, trial_exp, found = 0;
	for (int p = 1; p <= SHORTEST_LINEAR_DIGITS && !found; p++)
		found = round_trip_digits(x, p, pow2, digits, &exp10);
	int lo = SHORTEST_LINEAR_DIGITS + 1, hi = SHORTEST_MAX_DIGITS, hi_known = 0;
	while (!found && lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (round_trip_digits(x, mid, pow2, trial, &trial_exp)) {
			hi = mid;
			hi_known = 1;
			memcpy(digits, trial, sizeof trial);
			exp10 = trial_exp;
		} else {
			lo = mid + 1;
		}
	}
	/* 17 digits always read back; only they may be left untried. */
	if (!found && !hi_known)
		(void)round_trip_digits(x, hi, pow2, digits, &exp10);
	int len = (int)strlen(digits);
	while (len > 1 && digits[len - 1] == '0')
		len--;
	digits[len] = '\0';
	*k = len;
	*n = exp10 + 1;
}

int jcs_number(double x, char out[JCS_NUMBER_BYTES])
{
	if (!isfinite(x)) {
		out[0] = '\0';
		return SHOMEI_ERR_INVALID;
	}
	char *o = out;
	if (x == 0) { /* also -0 */
		memcpy(out, "0", 2);
		return 0;
	}
	if (x < 0) {
		*o++ = '-';
		x = -x;
	}
	/* Integers below 2^53 are exact and print as themselves (ES6 case 1). */
	if (x < 0x1p53 && x == (double)(uint64_t)x) {
		char tmp[20];
		int t = 0;
		for (uint64_t u = (uint64_t)x; u; u /= 10)
			tmp[t++] = (char)('0' + u % 10);
		while (t)
			*o++ = tmp[--t];
		*o = '\0';
		return 0;
	}
	char digits[SHORTEST_MAX_DIGITS + 1];
	int k, n;
	shortest(x, digits, &k, &n);
	if (k <= n && n <= 21) { /* 123000 */
		memcpy(o, digits, (size_t)k);
		o += k;
		memset(o, '0', (size_t)(n - k));
		o += n - k;
	} else if (0 < n && n <= 21) { /* 123.45 */
		memcpy(o, digits, (size_t)n);
		o += n;
		*o++ = '.';
		memcpy(o, digits + n, (size_t)(k - n));
		o += k - n;
	} else if (-6 < n && n <= 0) { /* 0.00012345 */
		*o++ = '0';
		*o++ = '.';
		memset(o, '0', (size_t)-n);
		o += -n;
		memcpy(o, digits, (size_t)k);
		o += k;
	} else { /* 1.2345e+21, 1e-7 */
		*o++ = digits[0];
		if (k > 1) {
			*o++ = '.';
			memcpy(o, digits + 1, (size_t)(k - 1));
			o += k - 1;
		}
		o += snprintf(o, 7, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
	}
	*o = '\0';
	return 0;
}

/* ---- strings (RFC 8785 §3.2.2.2) ---- */

/* 0: written as it is; 1: escaped; 2: first byte of a multi-byte UTF-8
 * character (checked); 3: never valid in UTF-8. */
static const unsigned char byte_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 50: '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 70: DEL raw */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 80: continuation */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 90 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* a0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* b0 */
    3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* c0: c0 c1 overlong */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* d0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* e0 */
    2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* f0: above f4 too large */
};

/* Length of the valid UTF-8 character (RFC 3629) that starts s[0..n) with a
 * lead byte of class 2, or 0. */
static size_t utf8_char_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong three- and four-byte forms, UTF-16 surrogates, above U+10FFFF. */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

struct member {
	const char *key;
	size_t len;
	const json_t *value;
};

struct writer {
	struct buf *b;
	struct shomei_diag *d;
	int located; /* d says where and what; the path is built on the way out */
	/* Members of the objects being written, innermost last: m_inline first,
	 * a heap copy once that is full. */
	struct member *m;
	size_t m_len, m_cap;
	struct member *m_inline;
};

#define INLINE_MEMBERS	   64 /* a diploma's objects need no allocation */
#define INSERTION_SORT_MAX 12

static int fail_at(struct writer *w, int err, const char *what)
{
	w->located = 1;
	return diag_set(w->d, err, NULL, "%s", what);
}

/* buf_append, without the call when the bytes fit the room already there
 * (most of them: JCS runs twice per signature). Keeps buf's promises: data
 * NUL-terminated, len at most max. */
static inline int out(struct buf *b, const void *p, size_t n)
{
	if (b->data && n < b->cap - b->len && n <= b->max - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_append(b, p, n);
}

static inline int out_char(struct buf *b, char c)
{
	return out(b, &c, 1);
}

#define BYTES_01 UINT64_C(0x0101010101010101)
#define BYTES_80 UINT64_C(0x8080808080808080)

/* Whether any of the 8 bytes in w is below 0x20, '"', '\\' or above 0x7f:
 * the bytes that need a closer look. Exact as a yes/no (the classic "has a
 * byte less than n" and "has a zero byte" tests), whatever the byte order. */
static inline int word_needs_look(uint64_t w)
{
	uint64_t q = w ^ (BYTES_01 * '"'), bs = w ^ (BYTES_01 * '\\');
	uint64_t t =
	    ((w - BYTES_01 * 0x20) & ~w) | ((q - BYTES_01) & ~q) | ((bs - BYTES_01) & ~bs) | w;
	return (t & BYTES_80) != 0;
}

/* A string value, or a member name when is_name. */
static int put_string(struct writer *w, const char *str, size_t len, int is_name)
{
	static const char hex[] = "0123456789abcdef";
	struct buf *b = w->b;
	const unsigned char *s = (const unsigned char *)str;
	if (len > SIZE_MAX - 2)
		return SHOMEI_ERR_LIMIT;
	int err = buf_reserve(b, len + 2); /* the usual case in one go */
	if (!err)
		err = out_char(b, '"');
	size_t run = 0; /* s[run..i) is still to be copied as it is */
	for (size_t i = 0; !err && i < len;) {
		if (len - i >= sizeof(uint64_t)) {
			uint64_t word;
			memcpy(&word, s + i, sizeof word);
			if (!word_needs_look(word)) {
				i += sizeof word;
				continue;
			}
		}
		unsigned cls = byte_class[s[i]];
		if (cls == 0) {
			i++;
			continue;
		}
		if (cls >= 2) {
			size_t n = cls == 2 ? utf8_char_len(s + i, len - i) : 0;
			if (n == 0)
				return fail_at(w, SHOMEI_ERR_INVALID,
					       is_name ? "member name is not valid UTF-8"
						       : "string is not valid UTF-8");
			i += n;
			continue;
		}
		char esc[6] = {'\\', 0, '0', '0', 0, 0}; /* \X or \u00XX */
		size_t esc_len = 2;
		switch (s[i]) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\t': esc[1] = 't'; break;
		case '\n': esc[1] = 'n'; break;
		case '\f': esc[1] = 'f'; break;
		case '\r': esc[1] = 'r'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[s[i] >> 4];
			esc[5] = hex[s[i] & 15];
			esc_len = 6;
		}
		err = out(b, str + run, i - run);
		if (!err)
			err = out(b, esc, esc_len);
		run = ++i;
	}
	if (!err)
		err = out(b, str + run, len - run);
	if (!err)
		err = out_char(b, '"');
	return err;
}

/* ---- member order (RFC 8785 §3.2.3) ---- */

/* UTF-16 code-unit order on UTF-8 text is byte order, except that characters
 * from U+10000 up (4-byte sequences, lead bytes f0..f4; surrogate pairs
 * d800..dfff in UTF-16) come before U+E000..U+FFFF (lead bytes ee, ef). Two
 * different characters differ first at their lead byte (same lead byte, same
 * length), so comparing bytes after this renumbering of ee..ff is enough:
 * 00..ed stay, f0..ff become ee..fd, ee and ef become fe and ff. Being a fixed
 * renumbering, it is a total order even on bytes that are not UTF-8. */
static unsigned utf16_rank(unsigned char c)
{
	return c < 0xee ? c : c < 0xf0 ? c + 0x10u : c - 2u;
}

static int member_cmp(const struct member *x, const struct member *y)
{
	const unsigned char *a = (const unsigned char *)x->key;
	const unsigned char *b = (const unsigned char *)y->key;
	size_t n = x->len < y->len ? x->len : y->len;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return utf16_rank(a[i]) < utf16_rank(b[i]) ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

static int member_qsort_cmp(const void *x, const void *y)
{
	return member_cmp(x, y);
}

static void sort_members(struct member *m, size_t n)
{
	if (n > INSERTION_SORT_MAX) {
		qsort(m, n, sizeof *m, member_qsort_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct member t = m[i];
		size_t j = i;
		for (; j > 0 && member_cmp(&t, &m[j - 1]) < 0; j--)
			m[j] = m[j - 1];
		m[j] = t;
	}
}

/* Room for n more members on w's stack. */
static int reserve_members(struct writer *w, size_t n)
{
	if (n <= w->m_cap - w->m_len)
		return 0;
	if (n > SIZE_MAX / sizeof *w->m / 2 - w->m_len)
		return SHOMEI_ERR_NOMEM;
	size_t cap = w->m_cap * 2 > w->m_len + n ? w->m_cap * 2 : w->m_len + n;
	struct member *m;
	if (w->m == w->m_inline) {
		m = malloc(cap * sizeof *m);
		if (m)
			memcpy(m, w->m, w->m_len * sizeof *m);
	} else {
		m = realloc(w->m, cap * sizeof *m);
	}
	if (!m)
		return SHOMEI_ERR_NOMEM;
	w->m = m;
	w->m_cap = cap;
	return 0;
}

/* ---- values ---- */

static int put_value(struct writer *w, const json_t *v, int depth);

/* An object's members sorted, without skip (if not NULL); where skip would
 * stand goes to hole (if not NULL). The members live on w's stack, which
 * nested objects may move: hence indexes, not pointers, across the recursion. */
static int put_object(struct writer *w, const json_t *v, int depth, const char *skip,
		      struct jcs_hole *hole)
{
	size_t n = json_object_size(v);
	int err = reserve_members(w, n);
	if (err)
		return err;
	size_t base = w->m_len, k = 0, skip_len = skip ? strlen(skip) : 0;
	const char *key;
	size_t key_len;
	json_t *value;
	json_object_keylen_foreach ((json_t *)v, key, key_len, value) {
		if (k == n) /* cannot happen: jansson counts its members */
			break;
		if (skip && key_len == skip_len && memcmp(key, skip, skip_len) == 0)
			continue;
		w->m[base + k++] = (struct member){key, key_len, value};
	}
	w->m_len = base + k;
	sort_members(w->m + base, k);
	const struct member probe = {skip, skip_len, NULL};
	int placed = hole == NULL;
	err = out_char(w->b, '{');
	for (size_t i = 0; !err && i < k; i++) {
		const struct member *m = &w->m[base + i];
		if (!placed && member_cmp(&probe, m) < 0) {
			hole->offset = w->b->len;
			hole->has_before = i > 0;
			hole->has_after = 1;
			placed = 1;
		}
		if (i)
			err = out_char(w->b, ',');
		if (!err)
			err = put_string(w, m->key, m->len, 1);
		if (err)
			break; /* a bad name is reported at the object's path */
		err = out_char(w->b, ':');
		if (!err)
			err = put_value(w, m->value, depth + 1);
		if (err && w->located) /* the stack may have moved: index again */
			jsonin_diag_member(w->d, w->m[base + i].key);
	}
	if (!err && !placed) {
		hole->offset = w->b->len;
		hole->has_before = k > 0;
		hole->has_after = 0;
	}
	w->m_len = base;
	return err ? err : out_char(w->b, '}');
}

static int put_value(struct writer *w, const json_t *v, int depth)
{
	switch (json_typeof(v)) {
	case JSON_NULL: return out(w->b, "null", 4);
	case JSON_TRUE: return out(w->b, "true", 4);
	case JSON_FALSE: return out(w->b, "false", 5);
	case JSON_STRING: return put_string(w, json_string_value(v), json_string_length(v), 0);
	case JSON_INTEGER:
	case JSON_REAL: {
		char num[JCS_NUMBER_BYTES];
		if (jcs_number(json_number_value(v), num) != 0)
			return fail_at(w, SHOMEI_ERR_INVALID, "number is not finite");
		return out(w->b, num, strlen(num));
	}
	case JSON_ARRAY:
	case JSON_OBJECT: break;
	}
	if (depth > JCS_MAX_DEPTH) {
		w->located = 1;
		return diag_set(w->d, SHOMEI_ERR_LIMIT, NULL, "nesting deeper than %d",
				JCS_MAX_DEPTH);
	}
	if (json_is_object(v))
		return put_object(w, v, depth, NULL, NULL);
	int err = out_char(w->b, '[');
	size_t n = json_array_size(v);
	for (size_t i = 0; !err && i < n; i++) {
		if (i)
			err = out_char(w->b, ',');
		if (!err)
			err = put_value(w, json_array_get(v, i), depth + 1);
		if (err && w->located)
			jsonin_diag_index(w->d, i);
	}
	return err ? err : out_char(w->b, ']');
}

/* Runs one serialization; on failure puts b back as it was and says why. */
/* On failure: b as it was at start, and d saying why if nothing more
 * precise did. */
static int undo_on_error(const struct writer *w, size_t start, int err)
{
	if (!err)
		return 0;
	struct buf *b = w->b;
	if (b->data) {
		b->len = start;
		b->data[start] = '\0';
	}
	if (!w->located && err == SHOMEI_ERR_LIMIT)
		diag_set(w->d, err, NULL, "canonical form larger than %zu bytes", b->max);
	else if (!w->located)
		diag_set(w->d, err, NULL, "out of memory");
	return err;
}

static int run(const json_t *v, struct buf *b, const char *skip, struct jcs_hole *hole,
	       struct shomei_diag *d)
{
	struct member inline_m[INLINE_MEMBERS];
	struct writer w = {b, d, 0, inline_m, 0, INLINE_MEMBERS, inline_m};
	size_t start = b->len;
	diag_clear(d);
	int err = skip ? put_object(&w, v, 1, skip, hole) : put_value(&w, v, 1);
	if (w.m != inline_m)
		free(w.m);
	return undo_on_error(&w, start, err);
}

int jcs_append(const json_t *v, struct buf *b, struct shomei_diag *d)
{
	return run(v, b, NULL, NULL, d);
}

int jcs_append_string(const char *s, size_t len, struct buf *b, struct shomei_diag *d)
{
	struct writer w = {.b = b, .d = d};
	size_t start = b->len;
	diag_clear(d);
	return undo_on_error(&w, start, put_string(&w, s, len, 0));
}

int jcs_append_without(const json_t *obj, const char *skip_key, struct buf *b,
		       struct jcs_hole *hole, struct shomei_diag *d)
{
	if (!json_is_object(obj) || !skip_key)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "not a JSON object and a member name");
	return run(obj, b, skip_key, hole, d);
}

int jcs_serialize(const json_t *v, char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	struct buf b;
	buf_init(&b, JCS_MAX_BYTES);
	int err = jcs_append(v, &b, d);
	if (err) {
		buf_release(&b);
		return err;
	}
	*out = buf_steal(&b, len);
	if (!*out)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	return 0;
}
