/* jcs.h - RFC 8785 JSON Canonicalization Scheme over jansson values.
 *
 * The canonical bytes are what shomei hashes and signs (eddsa-jcs-2022):
 *   - no whitespace; literals true, false, null;
 *   - strings (§3.2.2.2) as raw UTF-8, escaping only '"' and '\' (as \" and \\)
 *     and U+0000..U+001F: \b \t \n \f \r, else \u00xx in lowercase hex; U+007F,
 *     U+2028 and everything else raw; no Unicode normalisation;
 *   - numbers (§3.2.2.3) as ECMAScript's Number.prototype.toString prints the
 *     double: shortest round-trip digits, "1e+21", "0.000001", "1e-7", -0 as
 *     "0"; a json_integer is written as the double it converts to;
 *   - object members (§3.2.3) sorted by the UTF-16 code units of their names
 *     (so U+1F600, d83d de00, sorts before U+FB33), arrays in their order.
 * docs/jcs.md has a worked example and the input rules (jsonin.h).
 *
 * Ownership: every function borrows its json_t; none keeps a reference.
 */
#ifndef SHOMEI_JCS_H
#define SHOMEI_JCS_H

#include "err.h"
#include "internal/buf.h"

#include <jansson.h>
#include <stddef.h>

#define JCS_MAX_BYTES	 (4u << 20) /* canonical output of jcs_serialize */
#define JCS_NUMBER_BYTES 32	    /* any ES6 number string (at most 25 bytes) + NUL */
#define JCS_MAX_DEPTH	 64	    /* nesting, the root being 1; jsonin admits 32 */

/* Canonical form of v into a malloc'd, NUL-terminated buffer (*len bytes, the
 * NUL not counted) that the caller frees. Fails, with *out NULL and *len 0, on
 *   SHOMEI_ERR_INVALID  a NaN or infinite number, a string or member name that
 *                       is not valid UTF-8 (possible only for values built with
 *                       jansson's *_nocheck functions);
 *   SHOMEI_ERR_LIMIT    output above JCS_MAX_BYTES, nesting above JCS_MAX_DEPTH;
 *   SHOMEI_ERR_NOMEM;
 * d->where is then the path of the offending value (jsonin.h syntax). Strings
 * may hold U+0000 (written \u0000), although jsonin never produces one. */
int jcs_serialize(const json_t *v, char **out, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The same, appended to b, whose own ceiling (b->max) applies instead of
 * JCS_MAX_BYTES. On failure b is as it was before the call. */
int jcs_append(const json_t *v, struct buf *b, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* The canonical form of the string s[0..len) (valid UTF-8, may hold U+0000),
 * quotes included, appended to b: for callers that write canonical JSON text
 * of a fixed shape themselves (sdjwt_issue_flat). Errors and b as for
 * jcs_append (SHOMEI_ERR_INVALID: not valid UTF-8). */
int jcs_append_string(const char *s, size_t len, struct buf *b, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Where jcs_append_without left room for the skipped member. */
struct jcs_hole {
	size_t offset;	/* byte offset in the buffer at which to insert it */
	int has_before; /* a member precedes it: insert ",\"key\":value" */
	int has_after;	/* a member follows it (matters when none precedes) */
};

/* Appends the canonical form of the object obj without its member skip_key
 * (present or not), and, when hole is not NULL, says where that member would
 * stand in canonical order, so that a caller can splice it in afterwards
 * without serializing the whole object again (a signature is over the object
 * without its proof, the signed document is the object with it). Errors and b
 * as for jcs_append; obj not an object is SHOMEI_ERR_USAGE. */
int jcs_append_without(const json_t *obj, const char *skip_key, struct buf *b,
		       struct jcs_hole *hole, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* x as ECMAScript prints it (ECMA-262 Number::toString, which RFC 8785
 * §3.2.2.3 adopts) into out, NUL-terminated. Returns 0, or SHOMEI_ERR_INVALID
 * for NaN and ±Infinity (out is then ""). */
int jcs_number(double x, char out[JCS_NUMBER_BYTES]) __attribute__((warn_unused_result));

#endif
