#include "jsonin.h"

#include "fileio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jsonin_type_name(const json_t *v)
{
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

/* The path to the value being read at byte `pos` of text, rebuilt on the
 * error path only by a small tokenizer (jansson reports a byte position, not a
 * path). For an object, `key` is the member being read; `key_done` says the
 * key string was complete. */
struct level {
	char kind; /* '{' or '[' */
	size_t index;
	const char *key;
	size_t key_len;
	int in_value; /* object: after ':' */
};

static void path_at(const char *text, size_t pos, int member_only, char *out, size_t cap,
		    char *last_key, size_t last_key_cap)
{
	struct level st[JSONIN_MAX_DEPTH + 2];
	int depth = 0;
	size_t i = 0;
	out[0] = '\0';
	if (last_key)
		last_key[0] = '\0';
	while (i < pos) {
		char c = text[i];
		if (c == '"') {
			size_t start = ++i;
			while (i < pos && text[i] != '"')
				i += text[i] == '\\' ? 2 : 1;
			if (depth > 0 && depth <= (int)(sizeof st / sizeof st[0]) &&
			    st[depth - 1].kind == '{' && !st[depth - 1].in_value) {
				st[depth - 1].key = text + start;
				st[depth - 1].key_len = (i < pos ? i : pos) - start;
			}
			i++;
			continue;
		}
		if (c == '{' || c == '[') {
			if (depth < (int)(sizeof st / sizeof st[0]))
				st[depth] = (struct level){.kind = c};
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
		} else if (c == ':' && depth > 0 && depth <= (int)(sizeof st / sizeof st[0])) {
			st[depth - 1].in_value = 1;
		} else if (c == ',' && depth > 0 && depth <= (int)(sizeof st / sizeof st[0])) {
			struct level *l = &st[depth - 1];
			l->index++;
			l->in_value = 0;
			l->key = NULL;
		}
		i++;
	}
	if (depth > (int)(sizeof st / sizeof st[0]))
		depth = (int)(sizeof st / sizeof st[0]);
	size_t n = 0;
	for (int k = 0; k < depth && n < cap; k++) {
		const struct level *l = &st[k];
		int last = k == depth - 1;
		if (l->kind == '[') {
			n += (size_t)snprintf(out + n, cap - n, "[%zu]", l->index);
		} else if (l->key && !(last && member_only)) {
			n += (size_t)snprintf(out + n, cap - n, "%s%.*s", n ? "." : "",
					      (int)l->key_len, l->key);
		}
		if (last && l->kind == '{' && l->key && last_key)
			snprintf(last_key, last_key_cap, "%.*s", (int)l->key_len, l->key);
	}
	if (n >= cap)
		out[cap - 1] = '\0';
}

static int check_depth(const json_t *v, int depth, char *path, size_t cap, struct shomei_diag *d)
{
	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (depth > JSONIN_MAX_DEPTH)
		return diag_set(d, SHOMEI_ERR_LIMIT, path, "nesting deeper than %d",
				JSONIN_MAX_DEPTH);
	size_t base = strlen(path);
	if (json_is_array(v)) {
		size_t i;
		const json_t *e;
		json_array_foreach ((json_t *)v, i, e) {
			snprintf(path + base, cap - base, "[%zu]", i);
			int err = check_depth(e, depth + 1, path, cap, d);
			if (err)
				return err;
		}
	} else {
		const char *key;
		const json_t *e;
		json_object_foreach ((json_t *)v, key, e) {
			snprintf(path + base, cap - base, "%s%s", base ? "." : "", key);
			int err = check_depth(e, depth + 1, path, cap, d);
			if (err)
				return err;
		}
	}
	path[base] = '\0';
	return 0;
}

int jsonin_parse(const char *text, size_t len, json_t **out, struct shomei_diag *d)
{
	*out = NULL;
	if (len > JSONIN_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "larger than %u bytes", JSONIN_MAX_BYTES);
	json_error_t e;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &e);
	if (!j) {
		char where[DIAG_WHERE_BYTES], key[DIAG_WHAT_BYTES / 2];
		size_t pos = e.position < 0 ? 0 : (size_t)e.position;
		if (pos > len)
			pos = len;
		enum json_error_code code = json_error_code(&e);
		if (code == json_error_duplicate_key) {
			path_at(text, pos, 1, where, sizeof where, key, sizeof key);
			return diag_set(d, SHOMEI_ERR_PARSE, where, "duplicate member \"%s\"", key);
		}
		if (code == json_error_stack_overflow)
			return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "nesting deeper than %d",
					JSONIN_MAX_DEPTH);
		path_at(text, pos, 0, where, sizeof where, NULL, 0);
		return diag_set(d, SHOMEI_ERR_PARSE, where, "%s at line %d, column %d", e.text,
				e.line, e.column);
	}
	char path[DIAG_WHERE_BYTES] = "";
	int err = check_depth(j, 1, path, sizeof path, d);
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
