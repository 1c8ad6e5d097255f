/* jansson parses and checks (UTF-8, escapes, duplicates, number range); this
 * file adds the depth limit and turns jansson's byte position into a path.
 * jansson reports only where it stopped, so on the failure path (only there)
 * a small hand-written tokenizer walks the text up to that point and keeps the
 * stack of open arrays and objects; no Debian library maps offsets to paths. */
#include "jsonin.h"

#include "fileio.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jsonin_type_name(const json_t *v)
{
	if (!v)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "value";
}

/* ---- paths ---- */

#define ELLIPSIS     "..."
#define ELLIPSIS_LEN 3

/* Decodes one UTF-8 character of s[0..n) (RFC 3629: no overlong forms, no
 * surrogates, at most U+10FFFF). Returns its length, or 0 when s does not
 * start with a valid character. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Characters that could hide or reorder text on a terminal: controls, format
 * characters (bidirectional overrides, zero-width ones), line separators. */
static int unsafe_to_print(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xad || cp == 0x61c ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

/* A member name that can stand after a '.' as it is. */
static int plain_member(const char *name, size_t len)
{
	if (len == 0)
		return 0;
	const unsigned char *s = (const unsigned char *)name;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c <= 0x20 || c == 0x7f || c == '.' || c == '[' || c == ']' ||
			    c == '"' || c == '\\')
				return 0;
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || unsafe_to_print(cp))
			return 0;
		i += n;
	}
	return 1;
}

/* Writes whole units (a character, an escape) into s[0..cap), or only counts
 * them when s is NULL. In `cut` mode it stops at the first unit that would
 * leave no room for "..." and the NUL, and remembers that it stopped. */
struct pathw {
	char *s;
	size_t cap;
	size_t len;
	int cut_mode;
	int cut;
};

static void pw_put(struct pathw *w, const char *p, size_t n)
{
	if (w->cut)
		return;
	if (w->s) {
		size_t room = w->cap - w->len; /* len < cap always */
		size_t need = n + 1 + (w->cut_mode ? ELLIPSIS_LEN : 0);
		if (need > room) {
			w->cut = 1;
			return;
		}
		memcpy(w->s + w->len, p, n);
	}
	w->len += n;
}

static void pw_escape_unit(struct pathw *w, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[12];
	if (cp >= 0x10000) {
		cp -= 0x10000;
		uint32_t hi = 0xd800 | (cp >> 10), lo = 0xdc00 | (cp & 0x3ff);
		char *o = e;
		for (int k = 0; k < 2; k++) {
			uint32_t u = k ? lo : hi;
			*o++ = '\\', *o++ = 'u';
			for (int sh = 12; sh >= 0; sh -= 4)
				*o++ = hex[(u >> sh) & 15];
		}
		pw_put(w, e, 12);
		return;
	}
	e[0] = '\\', e[1] = 'u';
	for (int k = 0, sh = 12; sh >= 0; sh -= 4, k++)
		e[2 + k] = hex[(cp >> sh) & 15];
	pw_put(w, e, 6);
}

/* The name as a JSON string body, safe to print (see unsafe_to_print). */
static void pw_quoted(struct pathw *w, const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		const char *esc = NULL;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\f': esc = "\\f"; break;
		case '\r': esc = "\\r"; break;
		}
		if (esc) {
			pw_put(w, esc, 2);
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			pw_escape_unit(w, 0xfffd);
			i++;
		} else if (unsafe_to_print(cp)) {
			pw_escape_unit(w, cp);
			i += n;
		} else {
			pw_put(w, name + i, n);
			i += n;
		}
	}
}

static void pw_component(struct pathw *w, int at_root, const char *name, size_t name_len,
			 int is_index, size_t index)
{
	if (is_index) {
		char num[32];
		int n = snprintf(num, sizeof num, "[%zu]", index);
		pw_put(w, num, (size_t)n);
	} else if (plain_member(name, name_len)) {
		if (!at_root)
			pw_put(w, ".", 1);
		/* A plain name holds whole characters; cut between them. */
		for (size_t i = 0; i < name_len;) {
			size_t n = 1;
			while (i + n < name_len && ((unsigned char)name[i + n] & 0xc0) == 0x80)
				n++;
			pw_put(w, name + i, n);
			i += n;
		}
	} else {
		pw_put(w, "[\"", 2);
		pw_quoted(w, name, name_len);
		pw_put(w, "\"]", 2);
	}
}

static int path_was_cut(const char *path, size_t len)
{
	return len >= ELLIPSIS_LEN &&
	       memcmp(path + len - ELLIPSIS_LEN, ELLIPSIS, ELLIPSIS_LEN) == 0;
}

/* Appends a component to path[0..cap); the two passes find out first whether
 * it fits, so that a cut path (and only a cut one) ends with "...". */
static int path_append(char *path, size_t cap, const char *name, size_t name_len, int is_index,
		       size_t index)
{
	size_t base = strnlen(path, cap);
	if (base >= cap) { /* not terminated: make it so */
		path[cap - 1] = '\0';
		base = cap - 1;
	}
	if (path_was_cut(path, base))
		return SHOMEI_ERR_LIMIT;
	struct pathw count = {NULL, 0, 0, 0, 0};
	pw_component(&count, base == 0, name, name_len, is_index, index);
	int fits = count.len < cap - base;
	struct pathw w = {path, cap, base, !fits, 0};
	pw_component(&w, base == 0, name, name_len, is_index, index);
	if (w.cut && w.len + ELLIPSIS_LEN < cap) {
		memcpy(path + w.len, ELLIPSIS, ELLIPSIS_LEN);
		w.len += ELLIPSIS_LEN;
	}
	path[w.len] = '\0';
	return fits ? 0 : SHOMEI_ERR_LIMIT;
}

int jsonin_path_member(char *path, size_t cap, const char *member)
{
	if (!path || cap == 0)
		return SHOMEI_ERR_LIMIT;
	return path_append(path, cap, member, strlen(member), 0, 0);
}

int jsonin_path_index(char *path, size_t cap, size_t index)
{
	if (!path || cap == 0)
		return SHOMEI_ERR_LIMIT;
	return path_append(path, cap, NULL, 0, 1, index);
}

/* d->where = component + old where, cut with "..." when too long. */
static void diag_prepend(struct shomei_diag *d, const char *name, size_t name_len, int is_index,
			 size_t index)
{
	if (!d)
		return;
	char joined[2 * DIAG_WHERE_BYTES];
	joined[0] = '\0';
	(void)path_append(joined, DIAG_WHERE_BYTES, name, name_len, is_index, index);
	size_t n = strlen(joined);
	if (d->where[0] && !path_was_cut(joined, n)) {
		const char *sep = d->where[0] == '[' ? "" : ".";
		snprintf(joined + n, sizeof joined - n, "%s%s", sep, d->where);
		n = strlen(joined);
	}
	if (n >= DIAG_WHERE_BYTES) {
		n = DIAG_WHERE_BYTES - 1 - ELLIPSIS_LEN;
		while (n > 0 && ((unsigned char)joined[n] & 0xc0) == 0x80)
			n--;
		memcpy(joined + n, ELLIPSIS, ELLIPSIS_LEN + 1);
		n += ELLIPSIS_LEN;
	}
	memcpy(d->where, joined, n + 1);
}

void jsonin_diag_member(struct shomei_diag *d, const char *member)
{
	if (member)
		diag_prepend(d, member, strlen(member), 0, 0);
}

void jsonin_diag_index(struct shomei_diag *d, size_t index)
{
	diag_prepend(d, NULL, 0, 1, index);
}

/* ---- where jansson stopped ---- */

struct scan_level {
	char kind;		 /* '[' or '{' */
	char has_key;		 /* '{': the member name is read, its value is next */
	size_t index;		 /* '[': the element being read */
	size_t key_off, key_len; /* '{': the raw member name, between its quotes */
};

struct scan {
	struct scan_level lv[JSONIN_MAX_DEPTH];
	int depth;
	int too_deep;	  /* stopped at a container opened at depth JSONIN_MAX_DEPTH + 1 */
	size_t tok_start; /* where the token at which the scan stopped begins */
};

static int json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int json_delim(char c)
{
	return json_space(c) || c == '{' || c == '}' || c == '[' || c == ']' || c == ':' ||
	       c == ',' || c == '"';
}

/* Replays text[0..len) token by token: jansson accepted every token that
 * ends before `pos`, the position it reports after the token it refused. With
 * `through`, the token ending exactly at pos is taken too (a duplicate member
 * name, which jansson refuses after reading it whole; the last token before
 * the input ends too early). Stops early at nesting beyond JSONIN_MAX_DEPTH,
 * which is then the first fault in the text. */
static void scan_to(struct scan *sc, const char *text, size_t len, size_t pos, int through)
{
	memset(sc, 0, sizeof *sc);
	size_t i = 0;
	for (;;) {
		while (i < len && json_space(text[i]))
			i++;
		sc->tok_start = i < pos ? i : pos;
		if (i >= len)
			return;
		size_t start = i, end;
		char c = text[i];
		if (c == '"') {
			end = i + 1;
			while (end < len && text[end] != '"')
				end += text[end] == '\\' ? 2 : 1;
			end = end < len ? end + 1 : len + 1; /* unterminated: past everything */
		} else if (json_delim(c)) {
			end = i + 1;
		} else {
			end = i + 1;
			while (end < len && !json_delim(text[end]))
				end++;
		}
		if (through ? end > pos : end >= pos) {
			sc->tok_start = start;
			return;
		}
		struct scan_level *top = sc->depth ? &sc->lv[sc->depth - 1] : NULL;
		switch (c) {
		case '{':
		case '[':
			if (sc->depth == JSONIN_MAX_DEPTH) {
				sc->too_deep = 1;
				sc->tok_start = start;
				return;
			}
			sc->lv[sc->depth++] = (struct scan_level){.kind = c};
			break;
		case '}':
		case ']':
			if (sc->depth)
				sc->depth--;
			break;
		case ',':
			if (top && top->kind == '[')
				top->index++;
			else if (top)
				top->has_key = 0;
			break;
		case '"':
			if (top && top->kind == '{' && !top->has_key) {
				top->has_key = 1;
				top->key_off = start + 1;
				top->key_len = end - start - 2;
			}
			break;
		}
		i = end;
	}
}

static unsigned hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 0;
}

static unsigned hex4(const char *p)
{
	return hex_digit(p[0]) << 12 | hex_digit(p[1]) << 8 | hex_digit(p[2]) << 4 |
	       hex_digit(p[3]);
}

static size_t utf8_encode(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes the escapes of a raw member name that jansson accepted into out
 * (at least len bytes: decoding never grows). Returns the decoded length. */
static size_t unescape(const char *s, size_t len, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		if (s[i] != '\\' || i + 1 >= len) {
			out[n++] = s[i++];
			continue;
		}
		char e = s[i + 1];
		i += 2;
		switch (e) {
		case 'b': out[n++] = '\b'; break;
		case 't': out[n++] = '\t'; break;
		case 'n': out[n++] = '\n'; break;
		case 'f': out[n++] = '\f'; break;
		case 'r': out[n++] = '\r'; break;
		case 'u': {
			if (i + 4 > len)
				return n;
			uint32_t cp = hex4(s + i);
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= len && s[i] == '\\' &&
			    s[i + 1] == 'u') {
				uint32_t lo = hex4(s + i + 2);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			n += utf8_encode(cp, out + n);
			break;
		}
		default: out[n++] = e; /* " \ / */
		}
	}
	return n;
}

/* Appends the member name at level lv (raw in text) to the path. */
static void path_append_raw_key(char *path, size_t cap, const char *text,
				const struct scan_level *lv)
{
	char *key = malloc(lv->key_len + 1);
	if (!key) { /* the path matters less than the error: show it undecoded */
		(void)path_append(path, cap, text + lv->key_off, lv->key_len, 0, 0);
		return;
	}
	size_t n = unescape(text + lv->key_off, lv->key_len, key);
	(void)path_append(path, cap, key, n, 0, 0);
	free(key);
}

/* The path of the scan's innermost value; with `skip_last_key`, the path of
 * the innermost object itself. */
static void scan_path(const struct scan *sc, const char *text, int skip_last_key, char *path,
		      size_t cap)
{
	path[0] = '\0';
	for (int k = 0; k < sc->depth; k++) {
		const struct scan_level *lv = &sc->lv[k];
		if (lv->kind == '[')
			(void)path_append(path, cap, NULL, 0, 1, lv->index);
		else if (lv->has_key && !(skip_last_key && k == sc->depth - 1))
			path_append_raw_key(path, cap, text, lv);
	}
}

/* Line and column (from 1; the column counts characters) of text[at]. */
static void line_column(const char *text, size_t at, size_t *line, size_t *column)
{
	size_t l = 1, c = 1;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n')
			l++, c = 1;
		else if (((unsigned char)text[i] & 0xc0) != 0x80)
			c++;
	}
	*line = l;
	*column = c;
}

/* jansson's message without its raw excerpt of the input, which may hold
 * anything (terminal escapes, invalid UTF-8). */
static void jansson_reason(const char *text, char *out, size_t cap)
{
	const char *near = strstr(text, " near ");
	size_t n = near ? (size_t)(near - text) : strlen(text);
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		out[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
}

static int parse_error(const char *text, size_t len, const json_error_t *e, struct shomei_diag *d)
{
	enum json_error_code code = json_error_code(e);
	if (code == json_error_out_of_memory)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t pos = e->position < 0 ? 0 : (size_t)e->position;
	if (pos > len)
		pos = len;
	int duplicate = code == json_error_duplicate_key;
	int at_end = code == json_error_premature_end_of_input;
	struct scan sc;
	scan_to(&sc, text, len, pos, duplicate || at_end);
	char where[DIAG_WHERE_BYTES];
	if (sc.too_deep || code == json_error_stack_overflow) {
		scan_path(&sc, text, 0, where, sizeof where);
		return diag_set(d, SHOMEI_ERR_LIMIT, where, "nesting deeper than %d",
				JSONIN_MAX_DEPTH);
	}
	if (duplicate && sc.depth > 0 && sc.lv[sc.depth - 1].has_key) {
		scan_path(&sc, text, 1, where, sizeof where);
		char name[DIAG_WHAT_BYTES - 32] = "";
		const struct scan_level *lv = &sc.lv[sc.depth - 1];
		char *key = malloc(lv->key_len + 1);
		if (!key)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		size_t n = unescape(text + lv->key_off, lv->key_len, key);
		struct pathw w = {name, sizeof name, 0, 1, 0};
		pw_quoted(&w, key, n);
		free(key);
		if (w.cut)
			memcpy(name + w.len, ELLIPSIS, ELLIPSIS_LEN), w.len += ELLIPSIS_LEN;
		name[w.len] = '\0';
		return diag_set(d, SHOMEI_ERR_PARSE, where, "duplicate member \"%s\"", name);
	}
	scan_path(&sc, text, 0, where, sizeof where);
	/* Point at the offending byte itself, at the end of the input, or at the
	 * start of the token jansson refused. */
	size_t at = code == json_error_invalid_utf8 || code == json_error_premature_end_of_input
			? pos
			: sc.tok_start;
	size_t line, column;
	line_column(text, at, &line, &column);
	int err = SHOMEI_ERR_PARSE;
	char what[DIAG_WHAT_BYTES / 2];
	switch (code) {
	case json_error_invalid_utf8: snprintf(what, sizeof what, "invalid UTF-8"); break;
	case json_error_premature_end_of_input:
		snprintf(what, sizeof what, "unexpected end of input");
		break;
	case json_error_end_of_input_expected:
		snprintf(what, sizeof what, "trailing data after the top-level value");
		break;
	case json_error_null_character:
	case json_error_null_byte_in_key: snprintf(what, sizeof what, "\\u0000 in a string"); break;
	case json_error_numeric_overflow:
		err = SHOMEI_ERR_LIMIT;
		snprintf(what, sizeof what, "number beyond the range of a double");
		break;
	default:
		if (strncmp(e->text, "invalid Unicode", 15) == 0)
			snprintf(what, sizeof what, "lone surrogate escape");
		else if (strncmp(e->text, "control character", 17) == 0)
			snprintf(what, sizeof what, "unescaped control character in a string");
		else
			jansson_reason(e->text, what, sizeof what);
	}
	return diag_set(d, err, where, "%s at line %zu, column %zu", what, line, column);
}

/* jansson admits 2048 levels; the tree is walked once more for our limit. The
 * path is put together on the way out, only when there is an error. */
static int check_depth(const json_t *v, int depth, struct shomei_diag *d)
{
	if (depth > JSONIN_MAX_DEPTH)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "nesting deeper than %d",
				JSONIN_MAX_DEPTH);
	if (json_is_array(v)) {
		size_t i;
		const json_t *e;
		json_array_foreach((json_t *)v, i, e)
		{
			if (!json_is_array(e) && !json_is_object(e))
				continue;
			int err = check_depth(e, depth + 1, d);
			if (err) {
				jsonin_diag_index(d, i);
				return err;
			}
		}
	} else {
		const char *key;
		const json_t *e;
		json_object_foreach((json_t *)v, key, e)
		{
			if (!json_is_array(e) && !json_is_object(e))
				continue;
			int err = check_depth(e, depth + 1, d);
			if (err) {
				jsonin_diag_member(d, key);
				return err;
			}
		}
	}
	return 0;
}

int jsonin_parse(const char *text, size_t len, json_t **out, struct shomei_diag *d)
{
	*out = NULL;
	if (len > JSONIN_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "larger than %u bytes",
				JSONIN_MAX_BYTES);
	size_t i = 0;
	while (i < len && json_space(text[i]))
		i++;
	if (i == len)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "empty input");
	if (len - i >= 3 && memcmp(text + i, "\xef\xbb\xbf", 3) == 0)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "byte order mark before the value");
	if (text[i] != '{' && text[i] != '[') {
		size_t line, column;
		line_column(text, i, &line, &column);
		return diag_set(d, SHOMEI_ERR_PARSE, NULL,
				"top-level value is not an object or array at line %zu, column %zu",
				line, column);
	}
	json_error_t e;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &e);
	if (!j)
		return parse_error(text, len, &e, d);
	if (d)
		diag_clear(d);
	int err = check_depth(j, 1, d);
	if (err) {
		json_decref(j);
		return err;
	}
	*out = j;
	return 0;
}

int jsonin_load(const char *path, json_t **out, struct shomei_diag *d)
{
	*out = NULL;
	char *text = NULL;
	size_t len = 0;
	int err = fileio_read(path, JSONIN_MAX_BYTES, &text, &len, d);
	if (!err)
		err = jsonin_parse(text, len, out, d);
	free(text);
	return err;
}
