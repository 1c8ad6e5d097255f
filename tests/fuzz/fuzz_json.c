/* fuzz_json.c - libFuzzer harness for strict JSON input (common/jsonin.h) and
 * RFC 8785 canonicalization (common/jcs.h).
 *
 * Every input is parsed with jsonin_parse. A refusal must leave no value, a
 * known error, and a diagnostic that is safe to print (no control bytes). An
 * accepted document must canonicalize; the canonical text must be accepted by
 * jsonin again, denote the same value, and canonicalize to the very same
 * bytes (JCS is idempotent). For an object, jcs_append_without plus the
 * skipped member spliced into its hole must give those bytes too.
 */
#include "jcs.h"
#include "jsonin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		abort(); /* not terminated */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			abort();
	}
}

/* Splices the first member of obj back into jcs_append_without's output. */
static void check_hole(const json_t *obj, const char *canon, size_t canon_len)
{
	void *it = json_object_iter((json_t *)obj);
	if (!it)
		return;
	const char *key = json_object_iter_key(it);
	struct buf b, m, spliced;
	buf_init(&b, JCS_MAX_BYTES);
	buf_init(&m, JCS_MAX_BYTES);
	buf_init(&spliced, JCS_MAX_BYTES);
	struct jcs_hole hole;
	if (jcs_append_without(obj, key, &b, &hole, NULL) != 0 ||
	    jcs_append(json_object_iter_value(it), &m, NULL) != 0 || hole.offset > b.len)
		abort();
	json_t *name = json_string(key);
	if (!name)
		abort();
	int err = buf_append(&spliced, b.data, hole.offset);
	if (!err && hole.has_before)
		err = buf_putc(&spliced, ',');
	if (!err)
		err = jcs_append(name, &spliced, NULL);
	if (!err)
		err = buf_putc(&spliced, ':');
	if (!err)
		err = buf_append(&spliced, m.data, m.len);
	if (!err && !hole.has_before && hole.has_after)
		err = buf_putc(&spliced, ',');
	if (!err)
		err = buf_append(&spliced, b.data + hole.offset, b.len - hole.offset);
	if (err || spliced.len != canon_len || memcmp(spliced.data, canon, canon_len) != 0)
		abort();
	json_decref(name);
	buf_release(&b);
	buf_release(&m);
	buf_release(&spliced);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = (json_t *)&doc;
	struct shomei_diag d;
	memset(&d, 'x', sizeof d);
	int err = jsonin_parse((const char *)data, size, &doc, &d);
	if (err) {
		if (doc || (err != SHOMEI_ERR_PARSE && err != SHOMEI_ERR_LIMIT))
			abort();
		check_printable(d.where, sizeof d.where);
		check_printable(d.what, sizeof d.what);
		if (!d.what[0])
			abort();
		return 0;
	}
	if (!json_is_object(doc) && !json_is_array(doc))
		abort();
	char *canon = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	if (jcs_serialize(doc, &canon, &len, &d) != 0 || strlen(canon) != len)
		abort();
	json_t *back = NULL;
	if (jsonin_parse(canon, len, &back, &d) != 0 || !json_equal(doc, back))
		abort();
	if (jcs_serialize(back, &again, &again_len, &d) != 0 || again_len != len ||
	    memcmp(again, canon, len) != 0)
		abort();
	if (json_is_object(doc))
		check_hole(doc, canon, len);
	free(canon);
	free(again);
	json_decref(back);
	json_decref(doc);
	return 0;
}
