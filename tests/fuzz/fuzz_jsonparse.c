/* fuzz_jsonparse.c - differential libFuzzer harness: common/internal/jsonparse.c
 * against jansson's json_loadb, the parser it replaced.
 *
 * Every input is read by both, jansson with jsonin's old flags
 * (JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL) and then held to
 * jsonparse's rules where they are stricter by design (not by accident):
 *   - the top level must be an object or an array (jansson already insists
 *     without JSON_DECODE_ANY; checked again);
 *   - at most DEPTH nested arrays and objects: jansson allows 2048, so a result
 *     of jansson's deeper than DEPTH counts as a refusal;
 *   - \u0000 is refused by both (jansson without JSON_ALLOW_NUL), as are lone
 *     surrogate escapes, invalid UTF-8, raw control characters, duplicates
 *     and numbers that overflow: no exception needed.
 * They must then agree on accept or refuse, and on accept give json_equal
 * values. The one disagreement found, and allowed here, is a jansson bug:
 *   - jansson loses a NUL byte that directly follows a number or a literal
 *     ("[1\0]" and "[true\0]" are accepted as [1] and [true]). Its stream keeps
 *     the look-ahead byte in a NUL-terminated buffer, so a NUL put back after a
 *     token reads as "buffer empty" and is skipped. RFC 8259 has no place for a
 *     NUL outside a string (and none raw inside one), so jsonparse is right to
 *     refuse any input holding one; when jansson accepts such an input, every
 *     NUL in it was one of those lost bytes, and jsonparse must accept the
 *     input without them, as the same value.
 * "-0" (both -0.0, equal to 0), numbers of any length (both use strtod in
 * the end; jsonparse's exact fast path must agree), underflow to 0 (both
 * accept) and overflow (both refuse) needed no exception.
 *
 * Beyond agreement: a refusal leaves no value, a known error code and a path
 * and message that are terminated and safe to print (no C0 controls or DEL);
 * an accepted value holds only reals for numbers and reads back the same
 * from jansson's JSON_ENSURE_ASCII output (so every \u escape form and
 * surrogate pair goes through jsonparse's decoder too).
 */
#include "internal/jsonparse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH	      32
#define JANSSON_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_jsonparse: %s\n", what);
		abort();
	}
}

/* Nesting of arrays and objects (the root is 1), and every number a real. */
static int depth_of(const json_t *v)
{
	int deepest = 0;
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach ((json_t *)v, i, e) {
			int d = depth_of(e);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	if (json_is_object(v)) {
		const char *k;
		json_t *e;
		json_object_foreach ((json_t *)v, k, e) {
			int d = depth_of(e);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	check(!json_is_integer(v), "a number that is not a real");
	return 0;
}

static void check_printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	check(n < cap, "diagnostic not terminated");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		check(c >= 0x20 && c != 0x7f, "diagnostic holds a control character");
	}
}

/* jsonparse on an exact-size copy (no NUL after it). */
static int parse(const uint8_t *data, size_t size, json_t **out, struct jsonparse_error *e)
{
	char *copy = malloc(size ? size : 1);
	check(copy != NULL, "out of memory");
	if (size)
		memcpy(copy, data, size);
	memset(e, 'x', sizeof *e);
	*out = (json_t *)out;
	int err = jsonparse(copy, size, DEPTH, out, e);
	free(copy);
	if (err) {
		check(*out == NULL, "a value left after a refusal");
		check(err == e->code, "error code differs from e->code");
		check(err == SHOMEI_ERR_PARSE || err == SHOMEI_ERR_LIMIT || err == SHOMEI_ERR_NOMEM,
		      "unknown error code");
		check(e->offset <= size, "offset past the input");
		check_printable(e->path, sizeof e->path);
		check_printable(e->what, sizeof e->what);
	} else {
		check(*out != NULL, "no value after success");
		check(json_is_object(*out) || json_is_array(*out), "a scalar at the top");
		check(depth_of(*out) <= DEPTH, "deeper than allowed");
	}
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *mine;
	struct jsonparse_error e;
	int err = parse(data, size, &mine, &e);
	if (err == SHOMEI_ERR_NOMEM)
		return 0;

	json_t *theirs = json_loadb((const char *)data, size, JANSSON_FLAGS, NULL);
	if (theirs &&
	    ((!json_is_object(theirs) && !json_is_array(theirs)) || depth_of(theirs) > DEPTH)) {
		json_decref(theirs);
		theirs = NULL;
	}

	/* jansson's lost NUL bytes (see the top of this file). */
	json_t *mine_stripped = NULL;
	if (memchr(data, 0, size)) {
		check(err != 0, "an input holding a NUL byte accepted");
		if (theirs) {
			uint8_t *stripped = malloc(size);
			check(stripped != NULL, "out of memory");
			size_t n = 0;
			for (size_t i = 0; i < size; i++)
				if (data[i])
					stripped[n++] = data[i];
			int err2 = parse(stripped, n, &mine_stripped, &e);
			free(stripped);
			check(err2 == 0, "jansson accepts, jsonparse refuses it even without NULs");
			check(json_equal(mine_stripped, theirs), "values differ (NULs removed)");
			json_decref(mine_stripped);
			json_decref(theirs);
			return 0;
		}
	}

	if (!mine && theirs)
		fprintf(stderr, "jsonparse refuses (%s: %s), jansson accepts\n", e.path, e.what);
	check(!mine == !theirs, "jsonparse and jansson disagree on accepting");
	if (!mine)
		return 0;
	check(json_equal(mine, theirs), "jsonparse and jansson read different values");
	json_decref(theirs);

	/* Written out again with every non-ASCII character escaped, it reads the same. */
	char *text = json_dumps(mine, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (text) {
		json_t *again;
		int err3 = parse((const uint8_t *)text, strlen(text), &again, &e);
		check(err3 == 0 || err3 == SHOMEI_ERR_NOMEM, "own value written out is refused");
		if (!err3) {
			check(json_equal(mine, again), "value written out reads differently");
			json_decref(again);
		}
		free(text);
	}
	json_decref(mine);
	return 0;
}
