/* jsonparse.c - the strict RFC 8259 parser behind jsonin.
 *
 * Hand-written rather than jansson's json_loadb: jansson's lexer fetches the
 * text a byte at a time through a callback, copies every token into a growing
 * buffer and unescapes each string in a second pass, so a 1.7 KB credential
 * took about 20 us to parse, most of the budget of a verification (the target
 * is 70% of the raw Ed25519 rate, about 49 us per verify). This parser makes a
 * single pass over the text and still builds jansson values (json_t), so the
 * rest of the code is unchanged. It checks all of jsonin's rules as it reads
 * (jansson's depth limit is 2048, so jsonin used to walk the tree again), and
 * it knows the path of the value it is reading when something is wrong, where
 * jansson reports a byte position only.
 */
#include "jsonparse.h"

#include <float.h>
#include <locale.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Length of the well-formed UTF-8 character at s[0..n) (n >= 1, s[0] >= 0x80),
 * or 0: RFC 3629 §4 / Unicode Table 3-7, so no overlong forms, no surrogates
 * (ED A0..BF), nothing above U+10FFFF (F4 90.., F5..FF) and no truncation. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c < 0xF5) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
			       (s[3] & 0xC0) == 0x80
			   ? 4
			   : 0;
	}
	return 0;
}

/* The code point of a character utf8_len accepted. */
static uint32_t utf8_code(const unsigned char *s, size_t k)
{
	if (k == 1)
		return s[0];
	uint32_t cp = s[0] & (0x7Fu >> k);
	for (size_t i = 1; i < k; i++)
		cp = cp << 6 | (s[i] & 0x3Fu);
	return cp;
}

static size_t utf8_put(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- paths ---------------------------------------------------------------- */

/* Characters a terminal may hide or act on: C1 controls, format characters
 * (Unicode general category Cf: soft hyphen, zero-width and bidirectional
 * controls, tags...) and the line and paragraph separators. They are escaped
 * wherever a member name is shown. */
static int cp_hidden(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
	    {0x0080, 0x009F},	{0x00AD, 0x00AD},   {0x0600, 0x0605},	{0x061C, 0x061C},
	    {0x06DD, 0x06DD},	{0x070F, 0x070F},   {0x0890, 0x0891},	{0x08E2, 0x08E2},
	    {0x180E, 0x180E},	{0x200B, 0x200F},   {0x2028, 0x202E},	{0x2060, 0x2064},
	    {0x2066, 0x206F},	{0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},	{0x110BD, 0x110BD},
	    {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A},
	    {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return 1;
	return 0;
}

/* Space separators (Zs) other than U+0020: shown as they are, but like the
 * ASCII space they make a name need brackets. */
static int cp_space(uint32_t cp)
{
	return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

/* A writer into a fixed path (or message) buffer that cuts at whole units
 * (characters, escapes) and then ends the text with "...". `safe` is the last
 * unit boundary after which "..." still fits. */
struct pathw {
	char *buf;
	size_t cap, len, safe;
	int cut;
};

static void pw_open(struct pathw *w, char *buf, size_t cap)
{
	size_t len = strnlen(buf, cap - 1);
	w->buf = buf;
	w->cap = cap;
	w->len = len;
	buf[len] = '\0';
	/* No component ends in "...", so a path that does is one already cut. */
	w->cut = len >= 3 && memcmp(buf + len - 3, "...", 3) == 0;
	if (len + 3 < cap) {
		w->safe = len;
	} else {
		size_t k = cap > 4 ? cap - 4 : 0;
		while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80)
			k--;
		w->safe = k;
	}
}

static void pw_unit(struct pathw *w, const void *s, size_t n)
{
	if (w->cut)
		return;
	if (n < w->cap - w->len) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
		w->buf[w->len] = '\0';
		if (w->len + 3 < w->cap)
			w->safe = w->len;
		return;
	}
	/* Only a whole "..." marks the cut (a buffer of 3 bytes or less has
	 * no room for one). */
	size_t dots = w->cap - 1 - w->safe >= 3 ? 3 : 0;
	memcpy(w->buf + w->safe, "...", dots);
	w->len = w->safe + dots;
	w->buf[w->len] = '\0';
	w->cut = 1;
}

static void pw_escape(struct pathw *w, uint32_t cp)
{
	char tmp[16];
	int n;
	if (cp < 0x10000) {
		n = snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)cp);
	} else {
		cp -= 0x10000;
		n = snprintf(tmp, sizeof tmp, "\\u%04x\\u%04x", (unsigned)(0xD800 + (cp >> 10)),
			     (unsigned)(0xDC00 + (cp & 0x3FF)));
	}
	pw_unit(w, tmp, (size_t)n);
}

/* s[0..n) as the inside of a JSON string, safe to print. */
static void pw_quoted(struct pathw *w, const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			const char *esc = NULL;
			switch (c) {
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			}
			if (esc) {
				pw_unit(w, esc, 2);
			} else if (c < 0x20 || c == 0x7F) {
				pw_escape(w, c);
			} else {
				char one = (char)c;
				pw_unit(w, &one, 1);
			}
			i++;
			continue;
		}
		size_t k = utf8_len(s + i, n - i);
		if (!k) {
			pw_unit(w, "\\ufffd", 6);
			i++;
		} else {
			uint32_t cp = utf8_code(s + i, k);
			if (cp_hidden(cp))
				pw_escape(w, cp);
			else
				pw_unit(w, s + i, k);
			i += k;
		}
	}
}

/* A name that can stand in a path as it is: non-empty, printable ASCII other
 * than . [ ] " \ and space, or non-ASCII that is neither hidden nor a space. */
static int name_is_plain(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c <= 0x20 || c == 0x7F || c == '.' || c == '[' || c == ']' ||
			    c == '"' || c == '\\')
				return 0;
			i++;
			continue;
		}
		size_t k = utf8_len(s + i, n - i);
		if (!k)
			return 0;
		uint32_t cp = utf8_code(s + i, k);
		if (cp_hidden(cp) || cp_space(cp))
			return 0;
		i += k;
	}
	return 1;
}

/* Length of the character (or lone byte) at s[0..n), for cutting whole ones. */
static size_t char_len(const unsigned char *s, size_t n)
{
	size_t k = s[0] < 0x80 ? 1 : utf8_len(s, n);
	return k ? k : 1;
}

int jsonparse_path_member(char *path, size_t cap, const char *name, size_t name_len)
{
	struct pathw w;
	pw_open(&w, path, cap);
	const unsigned char *s = (const unsigned char *)name;
	if (name_is_plain(s, name_len)) {
		/* The '.' goes with the first character, so a cut path never ends in
		 * a bare separator. */
		size_t k = char_len(s, name_len);
		char first[5];
		size_t n = 0;
		if (w.len > 0)
			first[n++] = '.';
		memcpy(first + n, s, k);
		pw_unit(&w, first, n + k);
		for (size_t i = k; i < name_len; i += k) {
			k = char_len(s + i, name_len - i);
			pw_unit(&w, s + i, k);
		}
	} else {
		pw_unit(&w, "[\"", 2);
		pw_quoted(&w, s, name_len);
		pw_unit(&w, "\"]", 2);
	}
	return w.cut ? SHOMEI_ERR_LIMIT : 0;
}

int jsonparse_path_index(char *path, size_t cap, size_t index)
{
	struct pathw w;
	pw_open(&w, path, cap);
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "[%zu]", index);
	pw_unit(&w, tmp, (size_t)n);
	return w.cut ? SHOMEI_ERR_LIMIT : 0;
}

int jsonparse_path_join(char *path, size_t cap, const char *rest)
{
	struct pathw w;
	pw_open(&w, path, cap);
	const unsigned char *s = (const unsigned char *)rest;
	size_t n = strlen(rest);
	for (size_t i = 0, k; i < n; i += k) {
		k = char_len(s + i, n - i);
		if (i == 0 && w.len > 0 && s[0] != '[') {
			char first[5] = ".";
			memcpy(first + 1, s, k);
			pw_unit(&w, first, k + 1);
		} else {
			pw_unit(&w, s + i, k);
		}
	}
	return w.cut ? SHOMEI_ERR_LIMIT : 0;
}

/* ---- the parser ----------------------------------------------------------- */

/* One open array or object. `active` says a member's value (after its name)
 * or an element is being read, so that the path names it. */
struct frame {
	const char *key; /* the member being read: in the text or in scratch */
	size_t key_len;
	size_t index; /* the element being read */
	char kind;    /* '[' or '{' */
	char active;
};

struct parser {
	const unsigned char *text, *p, *end;
	int max_depth;
	/* Strings with escapes are decoded here: len bytes, allocated at the
	 * first escape. A member name stays below scratch_top while its value
	 * is read (names of the open objects are stacked); a string decodes to
	 * at most its length in the text, and the strings held at once are
	 * disjoint parts of the text, so len bytes always suffice. */
	char *scratch;
	size_t scratch_top;
	struct jsonparse_error *e;
	struct frame frames[JSONPARSE_MAX_DEPTH + 1]; /* [1] is the root */
};

/* Bytes that end a run of plain string characters: controls, '"', '\\' and
 * everything from 0x80 (checked as UTF-8 separately). */
static const unsigned char str_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20: '"' */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50: '\\' */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x70 */
};

/* Skips plain string bytes (str_plain) from p: eight at a time while it can
 * (a string is most of a credential), then one by one. */
static inline const unsigned char *skip_plain(const unsigned char *p, const unsigned char *end)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = ones << 7;
	while (end - p >= 8) {
		uint64_t x, q, b;
		memcpy(&x, p, 8);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		/* Stop at a byte from 0x80 (its high bit); below that, a byte of x
		 * under 0x20, or a zero byte of q or b ('"' or '\\' in x), borrows
		 * into its own high bit (the has-less-than and has-zero-byte
		 * tricks; a borrow only spreads from a byte that already hit). */
		if ((x | (x - ones * 0x20) | (q - ones) | (b - ones)) & high)
			break;
		p += 8;
	}
	while (p < end && str_plain[*p])
		p++;
	return p;
}

static void build_path(const struct parser *P, int depth, char *out, size_t cap)
{
	out[0] = '\0';
	for (int k = 1; k <= depth; k++) {
		const struct frame *f = &P->frames[k];
		if (!f->active)
			break;
		if (f->kind == '[')
			(void)jsonparse_path_index(out, cap, f->index);
		else
			(void)jsonparse_path_member(out, cap, f->key, f->key_len);
	}
}

/* Records an error found at `at` while the innermost open container was at
 * `depth`. A syntax error (`located`) says where it is in the text. */
__attribute__((cold, noinline, format(printf, 6, 7))) static int
fail(struct parser *P, int depth, int code, const unsigned char *at, int located, const char *fmt,
     ...)
{
	struct jsonparse_error *e = P->e;
	if (!e)
		return code;
	e->code = code;
	e->offset = (size_t)(at - P->text);
	build_path(P, depth, e->path, sizeof e->path);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->what, sizeof e->what, fmt, ap);
	va_end(ap);
	if (located && n >= 0 && (size_t)n < sizeof e->what) {
		size_t line = 1, column = 1;
		for (const unsigned char *q = P->text; q < at; q++) {
			if (*q == '\n') {
				line++;
				column = 1;
			} else if ((*q & 0xC0) != 0x80) {
				column++;
			}
		}
		snprintf(e->what + n, sizeof e->what - (size_t)n, " at line %zu, column %zu", line,
			 column);
	}
	return code;
}

__attribute__((cold, noinline)) static int end_of_input(struct parser *P, int depth)
{
	return fail(P, depth, SHOMEI_ERR_PARSE, P->end, 1, "unexpected end of input");
}

/* Where a value should start: a character that may not stand there (a
 * punctuation mark: unexpected), or one that starts no token at all. The
 * offending text is never quoted: it could be anything. */
__attribute__((cold, noinline)) static int bad_value(struct parser *P, int depth,
						     const unsigned char *at)
{
	if (at >= P->end)
		return end_of_input(P, depth);
	if (*at == ',' || *at == ':' || *at == ']' || *at == '}')
		return fail(P, depth, SHOMEI_ERR_PARSE, at, 1, "unexpected token");
	return fail(P, depth, SHOMEI_ERR_PARSE, at, 1, "invalid token");
}

__attribute__((cold, noinline)) static int expected(struct parser *P, int depth,
						    const unsigned char *at, const char *what)
{
	if (at >= P->end)
		return end_of_input(P, depth);
	return fail(P, depth, SHOMEI_ERR_PARSE, at, 1, "expected %s", what);
}

__attribute__((cold, noinline)) static int nomem(struct parser *P, int depth)
{
	return fail(P, depth, SHOMEI_ERR_NOMEM, P->p, 0, "out of memory");
}

__attribute__((cold, noinline)) static int
duplicate(struct parser *P, int depth, const unsigned char *at, const char *key, size_t key_len)
{
	int err = fail(P, depth, SHOMEI_ERR_PARSE, at, 0, "duplicate member \"");
	if (P->e) {
		struct pathw w;
		pw_open(&w, P->e->what, sizeof P->e->what);
		pw_quoted(&w, (const unsigned char *)key, key_len);
		pw_unit(&w, "\"", 1);
	}
	return err;
}

__attribute__((cold, noinline)) static int control_in_string(struct parser *P, int depth,
							     const unsigned char *at)
{
	if (*at == '\n') /* most likely a string left open */
		return fail(P, depth, SHOMEI_ERR_PARSE, at, 1, "unexpected newline in a string");
	return fail(P, depth, SHOMEI_ERR_PARSE, at, 1, "unescaped control character in a string");
}

static inline void skip_ws(struct parser *P)
{
	const unsigned char *p = P->p, *end = P->end;
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	P->p = p;
}

static int hex_digit(unsigned c)
{
	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20;
	if (c - 'a' < 6)
		return (int)(c - 'a' + 10);
	return -1;
}

/* The four hex digits at s: the value, -1 for a non-hex digit, -2 at the end. */
static int32_t hex4(const unsigned char *s, const unsigned char *end)
{
	int32_t v = 0;
	for (int i = 0; i < 4; i++) {
		if (s + i >= end)
			return -2;
		int d = hex_digit(s[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* The rest of a string from its first backslash at p, unescaped into scratch. */
static int parse_escaped(struct parser *P, int depth, int keep, const unsigned char *start,
			 const unsigned char *p, const char **out, size_t *out_len)
{
	const unsigned char *end = P->end;
	if (!P->scratch) {
		P->scratch = malloc((size_t)(end - P->text));
		if (!P->scratch)
			return nomem(P, depth);
	}
	unsigned char *o0 = (unsigned char *)P->scratch + P->scratch_top, *o = o0;
	memcpy(o, start, (size_t)(p - start));
	o += p - start;
	for (;;) {
		const unsigned char *run = p;
		p = skip_plain(p, end);
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
		if (p == end)
			return end_of_input(P, depth);
		unsigned c = *p;
		if (c == '"')
			break;
		if (c == '\\') {
			if (end - p < 2)
				return end_of_input(P, depth);
			switch (p[1]) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u': {
				int32_t cp = hex4(p + 2, end);
				if (cp == -2)
					return end_of_input(P, depth);
				if (cp < 0)
					return fail(P, depth, SHOMEI_ERR_PARSE, p, 1,
						    "invalid escape");
				if (cp == 0)
					return fail(P, depth, SHOMEI_ERR_PARSE, p, 1,
						    "\\u0000 in a string");
				if (cp >= 0xD800 && cp <= 0xDFFF) {
					/* RFC 8259 §7: only a high surrogate followed by a
					 * low one is a character. */
					int32_t lo = -1;
					if (cp <= 0xDBFF && end - p >= 12 && p[6] == '\\' &&
					    p[7] == 'u')
						lo = hex4(p + 8, end);
					if (lo < 0xDC00 || lo > 0xDFFF)
						return fail(P, depth, SHOMEI_ERR_PARSE, p, 1,
							    "lone surrogate escape");
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
				o += utf8_put(o, (uint32_t)cp);
				p += 6;
				continue;
			}
			default: return fail(P, depth, SHOMEI_ERR_PARSE, p, 1, "invalid escape");
			}
			p += 2;
			continue;
		}
		if (c < 0x20)
			return control_in_string(P, depth, p);
		size_t k = utf8_len(p, (size_t)(end - p));
		if (!k)
			return fail(P, depth, SHOMEI_ERR_PARSE, p, 1, "invalid UTF-8");
		memcpy(o, p, k);
		o += k;
		p += k;
	}
	*out = (const char *)o0;
	*out_len = (size_t)(o - o0);
	if (keep)
		P->scratch_top += *out_len;
	P->p = p + 1;
	return 0;
}

/* The string whose opening quote is at P->p, as *out[0..*out_len): in the text
 * itself when it has no escape (the common case), else in scratch. keep: the
 * result must outlive the strings read after it (a member name). */
static int parse_string(struct parser *P, int depth, int keep, const char **out, size_t *out_len)
{
	const unsigned char *p = P->p + 1, *end = P->end;
	const unsigned char *start = p;
	for (;;) {
		p = skip_plain(p, end);
		if (p == end)
			return end_of_input(P, depth);
		unsigned c = *p;
		if (c == '"')
			break;
		if (c == '\\')
			return parse_escaped(P, depth, keep, start, p, out, out_len);
		if (c < 0x20)
			return control_in_string(P, depth, p);
		size_t k = utf8_len(p, (size_t)(end - p));
		if (!k)
			return fail(P, depth, SHOMEI_ERR_PARSE, p, 1, "invalid UTF-8");
		p += k;
	}
	*out = (const char *)start;
	*out_len = (size_t)(p - start);
	P->p = p + 1;
	return 0;
}

/* strtod's radix character is the locale's; ours is always '.', so numbers
 * are converted under a "C" locale of their own (made once, kept for the life
 * of the process), in this thread only (uselocale). */
static _Atomic(locale_t) c_locale_cache;

static locale_t c_locale(void)
{
	locale_t c = atomic_load_explicit(&c_locale_cache, memory_order_acquire);
	if (c != (locale_t)0)
		return c;
	locale_t fresh = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (fresh == (locale_t)0)
		return fresh;
	locale_t expected = (locale_t)0;
	if (atomic_compare_exchange_strong(&c_locale_cache, &expected, fresh))
		return fresh;
	freelocale(fresh); /* another thread was first */
	return expected;
}

/* s[0..n) is a number in RFC 8259 §6 syntax; *v gets the nearest double. */
static int number_strtod(const unsigned char *s, size_t n, double *v)
{
	char small[64];
	char *buf = n < sizeof small ? small : malloc(n + 1);
	if (!buf)
		return SHOMEI_ERR_NOMEM;
	memcpy(buf, s, n);
	buf[n] = '\0';
	int err = SHOMEI_ERR_NOMEM;
	locale_t c = c_locale();
	locale_t old = c != (locale_t)0 ? uselocale(c) : (locale_t)0;
	if (old != (locale_t)0) {
		*v = strtod(buf, NULL);
		uselocale(old);
		err = 0;
	}
	if (buf != small)
		free(buf);
	return err;
}

static int is_digit(unsigned c)
{
	return c - '0' < 10;
}

/* 10^0 .. 10^22: every one exact in a double. */
static const double exact_pow10[] = {1e0,  1e1,	 1e2,  1e3,  1e4,  1e5,	 1e6,  1e7,
				     1e8,  1e9,	 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int parse_number(struct parser *P, int depth, json_t **out)
{
	const unsigned char *start = P->p, *p = start, *end = P->end;
	int neg = 0, many = 0, sig = 0; /* significant digits in m; more than fit */
	uint64_t m = 0;
	long scale = 0; /* the value is m * 10^scale unless `many` */
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p == end)
		return end_of_input(P, depth);
	if (*p == '0') {
		p++;
		if (p < end && is_digit(*p))
			return fail(P, depth, SHOMEI_ERR_PARSE, p, 1, "invalid number");
	} else if (is_digit(*p)) {
		do {
			if (sig < 19) {
				m = m * 10 + (unsigned)(*p - '0');
				sig++;
			} else {
				many = 1;
			}
			p++;
		} while (p < end && is_digit(*p));
	} else {
		return fail(P, depth, SHOMEI_ERR_PARSE, p, 1, "invalid number");
	}
	if (p < end && *p == '.') {
		p++;
		if (p == end)
			return end_of_input(P, depth);
		if (!is_digit(*p))
			return fail(P, depth, SHOMEI_ERR_PARSE, p, 1, "invalid number");
		do {
			unsigned d = (unsigned)(*p - '0');
			if (m == 0 && d == 0) {
				scale--;
			} else if (sig < 19) {
				m = m * 10 + d;
				sig++;
				scale--;
			} else {
				many = 1;
			}
			p++;
		} while (p < end && is_digit(*p));
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		int eneg = 0;
		if (p < end && (*p == '+' || *p == '-')) {
			eneg = *p == '-';
			p++;
		}
		if (p == end)
			return end_of_input(P, depth);
		if (!is_digit(*p))
			return fail(P, depth, SHOMEI_ERR_PARSE, p, 1, "invalid number");
		long x = 0;
		do {
			if (x < 1000000)
				x = x * 10 + (*p - '0');
			p++;
		} while (p < end && is_digit(*p));
		scale += eneg ? -x : x;
	}
	double v;
#if FLT_EVAL_METHOD == 0
	/* Clinger's fast path: m and 10^|scale| are exact doubles, so one IEEE
	 * multiplication or division rounds correctly, as strtod would. */
	if (!many && m == 0) {
		v = 0.0;
	} else if (!many && m <= UINT64_C(1) << 53 && scale >= -22 && scale <= 22) {
		v = scale < 0 ? (double)m / exact_pow10[-scale] : (double)m * exact_pow10[scale];
	} else
#endif
	{
		int err = number_strtod(start + neg, (size_t)(p - start - neg), &v);
		if (err)
			return nomem(P, depth);
		if (v > DBL_MAX)
			return fail(P, depth, SHOMEI_ERR_LIMIT, start, 0,
				    "number beyond the range of a double");
	}
	P->p = p;
	*out = json_real(neg ? -v : v);
	return *out ? 0 : nomem(P, depth);
}

static int parse_literal(struct parser *P, int depth, const char *word, size_t n, json_t *value,
			 json_t **out)
{
	const unsigned char *p = P->p;
	for (size_t i = 0; i < n; i++) {
		if (p + i == P->end)
			return end_of_input(P, depth);
		if (p[i] != (unsigned char)word[i])
			return bad_value(P, depth, p);
	}
	/* "truex" is one bad token, not true and then an x. */
	if (p + n < P->end && ((p[n] | 0x20u) - 'a') < 26)
		return bad_value(P, depth, p);
	P->p = p + n;
	*out = value;
	return 0;
}

static int parse_object(struct parser *P, int depth, json_t **out);
static int parse_array(struct parser *P, int depth, json_t **out);

/* The value at P->p (after whitespace) inside the container at `depth`. */
static int parse_value(struct parser *P, int depth, json_t **out)
{
	skip_ws(P);
	if (P->p == P->end)
		return end_of_input(P, depth);
	switch (*P->p) {
	case '{': return parse_object(P, depth + 1, out);
	case '[': return parse_array(P, depth + 1, out);
	case '"': {
		const char *s;
		size_t n;
		int err = parse_string(P, depth, 0, &s, &n);
		if (err)
			return err;
		/* parse_string checked the UTF-8, so jansson need not again. */
		*out = json_stringn_nocheck(s, n);
		return *out ? 0 : nomem(P, depth);
	}
	case 't': return parse_literal(P, depth, "true", 4, json_true(), out);
	case 'f': return parse_literal(P, depth, "false", 5, json_false(), out);
	case 'n': return parse_literal(P, depth, "null", 4, json_null(), out);
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9': return parse_number(P, depth, out);
	default: return bad_value(P, depth, P->p);
	}
}

static int too_deep(struct parser *P, int depth)
{
	return fail(P, depth - 1, SHOMEI_ERR_LIMIT, P->p, 0, "nesting deeper than %d",
		    P->max_depth);
}

/* The array whose '[' is at P->p; it is at `depth`. */
static int parse_array(struct parser *P, int depth, json_t **out)
{
	if (depth > P->max_depth)
		return too_deep(P, depth);
	json_t *a = json_array();
	if (!a)
		return nomem(P, depth - 1);
	struct frame *f = &P->frames[depth];
	f->kind = '[';
	f->active = 0;
	f->index = 0;
	P->p++;
	skip_ws(P);
	int err;
	if (P->p == P->end) { /* not even an element begun: the array's own path */
		err = end_of_input(P, depth);
		goto fail;
	}
	if (*P->p == ']') {
		P->p++;
		*out = a;
		return 0;
	}
	for (;;) {
		json_t *v;
		f->active = 1;
		err = parse_value(P, depth, &v);
		if (err)
			goto fail;
		if (json_array_append_new(a, v)) {
			err = nomem(P, depth);
			goto fail;
		}
		skip_ws(P); /* an error up to the ',' is still about this element */
		if (P->p < P->end && *P->p == ',') {
			P->p++;
			f->index++;
			continue;
		}
		if (P->p < P->end && *P->p == ']') {
			P->p++;
			*out = a;
			return 0;
		}
		err = expected(P, depth, P->p, "',' or ']'");
		goto fail;
	}
fail:
	json_decref(a);
	return err;
}

/* The object whose '{' is at P->p; it is at `depth`. */
static int parse_object(struct parser *P, int depth, json_t **out)
{
	if (depth > P->max_depth)
		return too_deep(P, depth);
	json_t *o = json_object();
	if (!o)
		return nomem(P, depth - 1);
	struct frame *f = &P->frames[depth];
	f->kind = '{';
	f->active = 0;
	P->p++;
	skip_ws(P);
	int err;
	if (P->p < P->end && *P->p == '}') {
		P->p++;
		*out = o;
		return 0;
	}
	size_t mark = P->scratch_top;
	for (;;) {
		if (P->p == P->end || *P->p != '"') {
			err = expected(P, depth, P->p, "a member name");
			goto fail;
		}
		const unsigned char *at = P->p;
		const char *key;
		size_t key_len;
		err = parse_string(P, depth, 1, &key, &key_len);
		if (err)
			goto fail;
		/* RFC 8259 §4 leaves duplicates to the reader; we refuse them. */
		if (json_object_getn(o, key, key_len)) {
			err = duplicate(P, depth, at, key, key_len);
			goto fail;
		}
		f->key = key;
		f->key_len = key_len;
		f->active = 1;
		skip_ws(P);
		if (P->p == P->end || *P->p != ':') {
			err = expected(P, depth, P->p, "':'");
			goto fail;
		}
		P->p++;
		json_t *v;
		err = parse_value(P, depth, &v);
		if (err)
			goto fail;
		/* The name has no \u0000 and is valid UTF-8 (parse_string). */
		if (json_object_setn_new_nocheck(o, key, key_len, v)) {
			err = nomem(P, depth);
			goto fail;
		}
		P->scratch_top = mark; /* f->key stays valid: nothing is decoded until ',' */
		skip_ws(P);
		if (P->p < P->end && *P->p == ',') {
			P->p++;
			f->active = 0;
			skip_ws(P);
			continue;
		}
		if (P->p < P->end && *P->p == '}') {
			P->p++;
			*out = o;
			return 0;
		}
		err = expected(P, depth, P->p, "',' or '}'");
		goto fail;
	}
fail:
	json_decref(o);
	return err;
}

int jsonparse(const char *text, size_t len, int max_depth, json_t **out, struct jsonparse_error *e)
{
	*out = NULL;
	if (max_depth < 0 || max_depth > JSONPARSE_MAX_DEPTH) {
		if (e) {
			e->code = SHOMEI_ERR_USAGE;
			e->offset = 0;
			e->path[0] = '\0';
			snprintf(e->what, sizeof e->what, "max_depth %d outside 0..%d", max_depth,
				 JSONPARSE_MAX_DEPTH);
		}
		return SHOMEI_ERR_USAGE;
	}
	if (!text && len == 0)
		text = ""; /* no arithmetic on a null pointer */
	struct parser P;
	P.text = P.p = (const unsigned char *)text;
	P.end = P.text + len;
	P.max_depth = max_depth;
	P.scratch = NULL;
	P.scratch_top = 0;
	P.e = e;
	int err;
	json_t *v = NULL;
	skip_ws(&P);
	if (P.p == P.end)
		err = fail(&P, 0, SHOMEI_ERR_PARSE, P.p, 0, "empty input");
	else if (P.end - P.p >= 3 && memcmp(P.p, "\xef\xbb\xbf", 3) == 0)
		err = fail(&P, 0, SHOMEI_ERR_PARSE, P.p, 0, "byte order mark before the value");
	else if (*P.p != '{' && *P.p != '[')
		err = fail(&P, 0, SHOMEI_ERR_PARSE, P.p, 1,
			   "top-level value is not an object or array");
	else
		err = parse_value(&P, 0, &v);
	if (!err) {
		skip_ws(&P);
		if (P.p != P.end) {
			err = fail(&P, 0, SHOMEI_ERR_PARSE, P.p, 1,
				   "trailing data after the top-level value");
			json_decref(v);
		}
	}
	free(P.scratch);
	if (!err)
		*out = v;
	return err;
}
