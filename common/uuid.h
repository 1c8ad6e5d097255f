/* uuid.h - random credential identifiers: urn:uuid (RFC 4122 §3 namespace, RFC
 * 9562 §5.4 version 4 UUIDs).
 *
 * A credential's id (VC Data Model 2.0 §4.4) and an achievement's id are
 * "urn:uuid:" followed by the 36-character hyphenated hex form (RFC 9562 §4),
 * 122 random bits from libsodium's CSPRNG, so two issuers never collide.
 */
#ifndef SHOMEI_UUID_H
#define SHOMEI_UUID_H

#include "err.h"

#define UUID_BYTES	16
#define UUID_URN_PREFIX "urn:uuid:"
#define UUID_TEXT_CHARS 36 /* 8-4-4-4-12 hex digits with 4 hyphens */
#define UUID_URN_BYTES	46 /* "urn:uuid:" + 36 + NUL */

_Static_assert(UUID_URN_BYTES == sizeof UUID_URN_PREFIX + UUID_TEXT_CHARS,
	       "prefix, text and the NUL");
_Static_assert(UUID_TEXT_CHARS == 2 * UUID_BYTES + 4, "hex digits and hyphens");

/* Writes a fresh random urn:uuid, version 4 and variant 10 (RFC 9562 §4.1,
 * §4.2), lowercase hex as RFC 9562 §4 recommends, NUL-terminated, into out.
 * Needs sodium_init() (or shomei_init()) to have run. Returns 0 (libsodium's
 * randombytes_buf has no failure return; it aborts the process when the
 * system's random source is unusable). */
int uuid_urn_random(char out[UUID_URN_BYTES]);

/* Returns 0 when s is exactly "urn:uuid:" and 36 characters in 8-4-4-4-12 hex
 * groups, NUL-terminated, else SHOMEI_ERR_INVALID (also for NULL). Any version
 * and variant, hex in either case (RFC 9562 §4: input is case-insensitive);
 * the "urn:uuid:" prefix must be lowercase, as shomei writes it. */
int uuid_urn_check(const char *s) __attribute__((warn_unused_result));

#endif
