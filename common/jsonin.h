/* jsonin.h - strict JSON input: every document from outside is read through here.
 *
 * jsonin_parse admits RFC 8259 JSON, builds jansson values (json_t), and of
 * that JSON only:
 *   - valid UTF-8 (RFC 8259 §8.1), no byte order mark;
 *   - an object or an array at the top level, and nothing but whitespace after it;
 *   - no duplicate member names, also when they differ only in escapes
 *     ("a" and "\u0061"): RFC 8259 §4 leaves duplicates undefined, and two
 *     readers that pick different ones would see two different documents;
 *   - no \u0000 in strings and no lone surrogate escapes (RFC 8785 §3.2.2.2);
 *   - at most JSONIN_MAX_BYTES bytes and JSONIN_MAX_DEPTH nested arrays/objects;
 *   - numbers that are finite IEEE-754 doubles: every number is read as a
 *     double, as ECMAScript and RFC 8785 §3.2.2.3 do (9007199254740993 becomes
 *     9007199254740992, 1e-400 becomes 0); one that overflows to infinity
 *     (1e400) is refused. Values are therefore JSON_REAL, never JSON_INTEGER.
 *
 * Paths. Errors name the offending place with a path in d->where:
 *     ""                              the document as a whole (the root)
 *     credentialSubject.achievement   members joined with '.'
 *     @context[1]                     array elements as [n], counted from 0
 *     proof["a.b c"]                  a member whose name is empty, or holds
 *                                     anything but printable ASCII other than
 *                                     . [ ] " \ and space, or safe non-ASCII
 *                                     characters, is written as [ + the name
 *                                     as a JSON string + ]; control, format and
 *                                     line-separator characters are escaped,
 *                                     so a path is always safe to print
 *     a.very.long.pa...               a path too long for its buffer is cut at
 *                                     a character and ends with "..."
 * The same syntax is used by the other modules for their validation errors:
 * jsonin_path_member/_index build one, jsonin_diag_member/_index put one
 * component in front of a diagnostic's path while an error travels outwards.
 *
 * d->what then says what, e.g. `duplicate member "name"`, `nesting deeper than
 * 32`, `invalid UTF-8 at line 3, column 7`, `unexpected end of input at line 9,
 * column 1` (lines and columns count from 1; a column counts characters).
 */
#ifndef SHOMEI_JSONIN_H
#define SHOMEI_JSONIN_H

#include "err.h"

#include <jansson.h>
#include <stddef.h>

#define JSONIN_MAX_BYTES (1u << 20) /* one document */
#define JSONIN_MAX_DEPTH 32	    /* nesting of arrays and objects; the root is 1 */

/* Parses text[0..len) (it need not be NUL-terminated) under the rules above.
 * On success *out is a new reference the caller owns (json_decref). On
 * failure *out is NULL and the result is
 *   SHOMEI_ERR_PARSE  malformed JSON, invalid UTF-8, a duplicate member, \u0000,
 *                     a lone surrogate, a scalar at the top, trailing data, no input;
 *   SHOMEI_ERR_LIMIT  more than JSONIN_MAX_BYTES, nesting deeper than
 *                     JSONIN_MAX_DEPTH, a number beyond the range of a double
 *                     (RFC 8259 §6 lets a parser limit the range);
 *   SHOMEI_ERR_NOMEM  out of memory;
 * with d->where the path of the offending value (for a duplicate member, the
 * path of the object holding it) and d->what the reason. */
int jsonin_parse(const char *text, size_t len, json_t **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Reads `path` ("-" for standard input) with fileio_read, at most
 * JSONIN_MAX_BYTES, and parses it with jsonin_parse. A missing or unreadable
 * file is SHOMEI_ERR_IO with the system's reason in d->what ("no such file or
 * directory") and d->where ""; a larger one is SHOMEI_ERR_LIMIT. The caller
 * names the file in its message. *out as for jsonin_parse. */
int jsonin_load(const char *path, json_t **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* "object", "array", "string", "number", "true", "false" or "null" (a static
 * string; "nothing" for NULL), for messages such as `expected a string, not
 * an array`. */
const char *jsonin_type_name(const json_t *v);

/* Appends one component to the NUL-terminated path in path[0..cap): the member
 * name (".name", "name" at the root, or ["..."] as described above) or the
 * array index ("[3]"). Returns 0, or SHOMEI_ERR_LIMIT when the result did not
 * fit: the path is then cut and ends with "...", and later appends leave it
 * as it is. `member` is NUL-terminated UTF-8 (an invalid byte shows as
 * \ufffd). cap must be at least 1. */
int jsonin_path_member(char *path, size_t cap, const char *member);
int jsonin_path_index(char *path, size_t cap, size_t index);

/* Puts a member (or an index) in front of d->where, e.g. "proofValue" with
 * member "proof" becomes "proof.proofValue", and "[2]" with member "@context"
 * becomes "@context[2]". For an error found deep inside a value and reported
 * on the way out of the recursion. NULL-safe. */
void jsonin_diag_member(struct shomei_diag *d, const char *member);
void jsonin_diag_index(struct shomei_diag *d, size_t index);

#endif
