/* objcopy.h - a shallow copy of a JSON object that is whole or nothing.
 *
 * jansson's json_copy() of an object ignores the failures of its member
 * insertions, so under memory exhaustion it returns an object missing some
 * members (seen with jansson 2.14: a copy of six members with two). A proof
 * checked or signed over such a copy would be judged on another document.
 * objcopy_shallow() checks every insertion.
 */
#ifndef SHOMEI_INTERNAL_OBJCOPY_H
#define SHOMEI_INTERNAL_OBJCOPY_H

#include <jansson.h>

/* A new object holding every member of obj (new references to the same
 * values), or NULL when obj is not an object or memory runs out. */
json_t *objcopy_shallow(const json_t *obj);

#endif
