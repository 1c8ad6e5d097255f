/* testutil.h - helpers shared by the cmocka unit tests.
 * Tests run from the repository root; vectors are read from vectors/. Every
 * helper fails the running test (cmocka fail_msg) rather than returning an
 * error, so a missing vector can never make a test pass. */
#ifndef SHOMEI_TESTUTIL_H
#define SHOMEI_TESTUTIL_H

#include <stddef.h>
#include <jansson.h>

/* Reads vectors/<rel> whole; malloc'd, NUL-terminated; *len may be NULL. */
char *tu_read_vector(const char *rel, size_t *len);

/* Parses vectors/<rel> as JSON (jansson, strict about duplicates). */
json_t *tu_load_json_vector(const char *rel);

/* Decodes lowercase or uppercase hex (whitespace skipped) into out; fails the
 * test on odd length, bad digits or more than `max` bytes. Returns the length. */
size_t tu_hex_decode(const char *hex, unsigned char *out, size_t max);

/* Like tu_hex_decode into a malloc'd buffer (never NULL). */
unsigned char *tu_hex_decode_alloc(const char *hex, size_t *len);

/* Makes a fresh empty directory under $TMPDIR (or /tmp); caller frees the
 * string. tu_rm_rf removes a tree made by a test. */
char *tu_tempdir(void);
void tu_rm_rf(const char *path);

#endif
