/* jsonin.h - strict JSON input: everything from outside is read through here.
 *
 * On top of jansson's RFC 8259 parser: valid UTF-8 only, no duplicate member
 * names (RFC 8259 §4 leaves them undefined; an attacker could make two readers
 * see two documents), no \u0000, no lone surrogates, at most JSONIN_MAX_BYTES
 * and JSONIN_MAX_DEPTH levels, an object or array at the top, nothing after
 * it. Numbers are read as IEEE-754 doubles (as RFC 8785 and ECMAScript do); one
 * that overflows to infinity is refused.
 *
 * Errors name the offending path: d->where is "credentialSubject.achievement"
 * or "@context[1]" (members joined with '.', array indexes as [n]; "" for the
 * root) and d->what says what, e.g. duplicate member "name".
 */
#ifndef SHOMEI_JSONIN_H
#define SHOMEI_JSONIN_H

#include "err.h"

#include <jansson.h>
#include <stddef.h>

#define JSONIN_MAX_BYTES (1u << 20) /* one document */
#define JSONIN_MAX_DEPTH 32         /* nesting of arrays and objects */

/* Parses text[0..len). On success *out is a new reference the caller owns;
 * on failure *out is NULL and the error is SHOMEI_ERR_PARSE (malformed,
 * duplicate member, bad UTF-8) or SHOMEI_ERR_LIMIT (size, depth). */
int jsonin_parse(const char *text, size_t len, json_t **out, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* Reads `path` ("-" for standard input; at most JSONIN_MAX_BYTES) and parses it
 * as above. An unreadable file is SHOMEI_ERR_IO with the system's reason. */
int jsonin_load(const char *path, json_t **out, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* "object", "array", "string", "number", "true", "false" or "null". */
const char *jsonin_type_name(const json_t *v);

#endif
