/* The parsing itself is internal/jsonparse.c (a single pass that enforces the
 * rules of jsonin.h and knows the path of what it reads); the path syntax is
 * kept there too, so that parse errors and the other modules' validation
 * errors name places alike. */
#include "jsonin.h"

#include "fileio.h"
#include "internal/jsonparse.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(JSONIN_MAX_DEPTH <= JSONPARSE_MAX_DEPTH, "jsonparse bounds its recursion");

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

int jsonin_path_member(char *path, size_t cap, const char *member)
{
	if (!path || cap == 0)
		return SHOMEI_ERR_LIMIT;
	return jsonparse_path_member(path, cap, member, strlen(member));
}

int jsonin_path_index(char *path, size_t cap, size_t index)
{
	if (!path || cap == 0)
		return SHOMEI_ERR_LIMIT;
	return jsonparse_path_index(path, cap, index);
}

/* d->where = component + old where, cut with "..." when too long. */
static void diag_prepend(struct shomei_diag *d, const char *member, size_t index)
{
	if (!d)
		return;
	char joined[DIAG_WHERE_BYTES] = "";
	if (member)
		(void)jsonparse_path_member(joined, sizeof joined, member, strlen(member));
	else
		(void)jsonparse_path_index(joined, sizeof joined, index);
	(void)jsonparse_path_join(joined, sizeof joined, d->where);
	memcpy(d->where, joined, sizeof joined);
}

void jsonin_diag_member(struct shomei_diag *d, const char *member)
{
	if (member)
		diag_prepend(d, member, 0);
}

void jsonin_diag_index(struct shomei_diag *d, size_t index)
{
	diag_prepend(d, NULL, index);
}

int jsonin_parse(const char *text, size_t len, json_t **out, struct shomei_diag *d)
{
	*out = NULL;
	if (len > JSONIN_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "larger than %u bytes",
				JSONIN_MAX_BYTES);
	struct jsonparse_error e;
	int err = jsonparse(text, len, JSONIN_MAX_DEPTH, out, d ? &e : NULL);
	if (err)
		return diag_set(d, err, e.path, "%s", e.what);
	diag_clear(d);
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
