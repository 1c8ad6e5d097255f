/* jcs.h - RFC 8785 JSON Canonicalization Scheme over jansson values.
 *
 * The canonical bytes are what shomei hashes and signs (eddsa-jcs-2022):
 * no whitespace; strings with the minimal escapes of RFC 8785 §3.2.2.2;
 * numbers as ECMAScript's Number.prototype.toString prints them (§3.2.2.3);
 * object members sorted by the UTF-16 code units of their names (§3.2.3);
 * arrays in order. docs/jcs.md has a worked example.
 */
#ifndef SHOMEI_JCS_H
#define SHOMEI_JCS_H

#include "err.h"
#include "internal/buf.h"

#include <jansson.h>
#include <stddef.h>

#define JCS_MAX_BYTES (4u << 20) /* canonical output of one document */
#define JCS_NUMBER_BYTES 32      /* any ES6 number string + NUL */
#define JCS_MAX_DEPTH 64         /* nesting; jsonin admits at most 32 */

/* Canonical form of v into a malloc'd, NUL-terminated buffer the caller frees.
 * Fails on NaN or infinite numbers (SHOMEI_ERR_INVALID), output above
 * JCS_MAX_BYTES or nesting above JCS_MAX_DEPTH (SHOMEI_ERR_LIMIT). */
int jcs_serialize(const json_t *v, char **out, size_t *len, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* The same, appended to b (whose own ceiling also applies). On failure b may
 * hold a partial output: discard it. */
int jcs_append(const json_t *v, struct buf *b, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* Where jcs_append_without left room for the skipped member. */
struct jcs_hole {
	size_t offset;  /* byte offset in the buffer at which to insert it */
	int has_before; /* a member precedes it: insert ",\"key\":value" */
	int has_after;  /* a member follows it (matters when none precedes) */
};

/* Appends the canonical form of the object obj without its member skip_key
 * (present or not), and says where that member would stand in canonical
 * order, so that a caller can splice it in afterwards without serializing the
 * whole object again (a signature is over the object without its proof, the
 * signed document is the object with it). */
int jcs_append_without(const json_t *obj, const char *skip_key, struct buf *b,
		       struct jcs_hole *hole, struct shomei_diag *d)
	__attribute__((warn_unused_result));

/* x as ECMAScript prints it (ECMA-262 Number::toString; RFC 8785 §3.2.2.3):
 * "1e+21", "0.000001", "1e-7", "-0" as "0". NaN and ±Infinity fail. */
int jcs_number(double x, char out[JCS_NUMBER_BYTES]) __attribute__((warn_unused_result));

#endif
