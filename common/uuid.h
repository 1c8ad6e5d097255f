/* uuid.h - random credential identifiers: urn:uuid (RFC 9562 version 4). */
#ifndef SHOMEI_UUID_H
#define SHOMEI_UUID_H

#define UUID_URN_BYTES 46 /* "urn:uuid:" + 36 + NUL */

/* A fresh random urn:uuid, lowercase, from libsodium's CSPRNG. */
int uuid_urn_random(char out[UUID_URN_BYTES]);

/* 0 when s is a well-formed urn:uuid (any version; either case), else
 * SHOMEI_ERR_INVALID. */
int uuid_urn_check(const char *s);

#endif
