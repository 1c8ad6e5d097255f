/* jsonparse.h - the strict RFC 8259 parser behind jsonin (internal to libshomei).
 *
 * jsonparse reads a whole document in one pass and builds jansson values, under
 * exactly the rules jsonin.h promises its callers:
 *   - RFC 8259 grammar, nothing more: whitespace is space, tab, LF and CR (§2);
 *     the top level is an object or an array, followed by whitespace only;
 *     literals true, false, null; numbers as in §6 (no leading zeros, no '+',
 *     no ".5" or "1.", no hex, NaN or Infinity);
 *   - strings (§7) hold valid UTF-8 (RFC 3629: no overlong forms, no encoded
 *     surrogates, nothing above U+10FFFF), no raw control characters below
 *     0x20, only the escapes \" \\ \/ \b \f \n \r \t and \uXXXX, surrogate
 *     escapes only in high+low pairs (combined into one character), and no
 *     \u0000 anywhere (member names included);
 *   - no duplicate member names, compared after unescaping (RFC 8259 §4);
 *   - at most max_depth nested arrays and objects (the root is depth 1);
 *   - every number becomes a JSON_REAL holding the nearest double (as
 *     JSON_DECODE_INT_AS_REAL does; RFC 8785 §3.2.2.3), read the same way in
 *     every locale; one that overflows to infinity is refused, one that
 *     underflows becomes 0.
 *
 * Paths. Errors, and the other modules' validation errors through jsonin, name
 * a place in a document with one syntax (jsonin.h describes it):
 *     ""  the root;  a.b  members;  a[3]  elements;  a["x y"]  a member whose
 *     name is empty or not plain (anything but printable ASCII other than
 *     . [ ] " \ and space, or non-ASCII characters that are not control, format
 *     or separator characters), written as a JSON string in which control,
 *     format and line-separator characters are escaped (\u2028), and an invalid
 *     UTF-8 byte shows as \ufffd; so a path is always safe to print.
 * A path that does not fit its buffer is cut at a character and ends with
 * "..."; such a path is never extended again.
 */
#ifndef SHOMEI_INTERNAL_JSONPARSE_H
#define SHOMEI_INTERNAL_JSONPARSE_H

#include "../err.h"

#include <jansson.h>
#include <stddef.h>

/* The deepest nesting a caller may ask for; it bounds the parser's recursion. */
#define JSONPARSE_MAX_DEPTH 64

struct jsonparse_error {
	int code;		     /* SHOMEI_ERR_PARSE, _LIMIT, _NOMEM (or _USAGE, see below) */
	size_t offset;		     /* where in text the problem is (len: at the end) */
	char path[DIAG_WHERE_BYTES]; /* path of the offending value, as above */
	char what[DIAG_WHAT_BYTES];  /* lowercase reason, no full stop */
};

/* Parses text[0..len) (no NUL terminator needed; it is only read) under the
 * rules above, with at most max_depth (0..JSONPARSE_MAX_DEPTH) levels.
 *
 * On success returns 0 and *out is a new reference the caller owns
 * (json_decref). On failure *out is NULL and the result, also in e->code, is
 *   SHOMEI_ERR_PARSE   malformed JSON, invalid UTF-8, a bad escape, \u0000, a
 *                      lone surrogate, a duplicate member, a scalar at the top,
 *                      trailing data, empty input;
 *   SHOMEI_ERR_LIMIT   nesting deeper than max_depth, or a number beyond the
 *                      range of a double (RFC 8259 §6 lets a parser limit it);
 *   SHOMEI_ERR_NOMEM   out of memory;
 *   SHOMEI_ERR_USAGE   max_depth outside 0..JSONPARSE_MAX_DEPTH.
 * e (optional: NULL says nothing) then gets the byte offset of the problem,
 * a path and what. The path names the value being read: an element from its
 * start up to the ',' after it, a member from its name up to the ',' after
 * it; else (in a member name, before the first element, at a duplicate) the
 * enclosing object or array; for too deep a nesting, the array or object that
 * is one level too deep. what is one of
 *   duplicate member "name"        (the name escaped as in a path, maybe cut)
 *   nesting deeper than 32
 *   number beyond the range of a double
 *   out of memory
 *   empty input                    (nothing but whitespace)
 *   byte order mark before the value
 * or, for a syntax error, one of these followed by " at line L, column C"
 * (both from 1; a column counts characters, lines end at LF):
 *   unexpected end of input, invalid token (no value starts there; the text
 *   is never quoted), unexpected token (',' ':' ']' '}' where a value should
 *   be), expected ',' or ']', expected ',' or '}', expected ':', expected a
 *   member name, invalid number, invalid UTF-8, invalid escape, \u0000 in a
 *   string, lone surrogate escape, unescaped control character in a string,
 *   unexpected newline in a string, top-level value is not an object or
 *   array, trailing data after the top-level value. */
int jsonparse(const char *text, size_t len, int max_depth, json_t **out, struct jsonparse_error *e)
    __attribute__((warn_unused_result));

/* Appends one component to the NUL-terminated path in path[0..cap) (cap >= 1):
 * the member name[0..name_len) (".name", "name" at the root, or ["..."]) or
 * the array index ("[3]"). name need not be NUL-terminated nor valid UTF-8.
 * Returns 0, or SHOMEI_ERR_LIMIT when the result did not fit (then cut as
 * described above). */
int jsonparse_path_member(char *path, size_t cap, const char *name, size_t name_len);
int jsonparse_path_index(char *path, size_t cap, size_t index);

/* Appends the path `rest` (a path as built above, NUL-terminated) to path,
 * with a '.' between them unless either is empty or rest starts with '['.
 * Returns as above. For errors reported on the way out of a recursion. */
int jsonparse_path_join(char *path, size_t cap, const char *rest);

#endif
