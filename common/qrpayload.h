/* qrpayload.h - an SD-JWT presentation packed for a QR code, and back.
 *
 * An SD-JWT presentation (RFC 9901 §4: "<JWS>~<Disclosure>~...~<KB-JWT>", or
 * ending in "~" without a KB-JWT) is base64url text, which a QR code can only
 * carry in 8-bit mode. qrpayload_encode turns it into
 *
 *     "SH1:" Base45( kind || CRC-32 || raw-deflate(body) || side )
 *
 * whose characters are all in the QR alphanumeric set (RFC 9285), so the
 * code is about half the size: a typical diploma presentation drops from
 * version 34-39 to 22-25 at level M. The byte layout, the preset deflate
 * dictionary and the measurements behind the choice are in docs/qr.md; the
 * "1" of "SH1:" names this layout and this dictionary, and changes with
 * either.
 *
 * Integrity: the CRC-32 catches damage and mistakes, not forgery; a
 * presentation is trusted only after its signatures are verified.
 */
#ifndef SHOMEI_QRPAYLOAD_H
#define SHOMEI_QRPAYLOAD_H

#include "err.h"

#include <stddef.h>

#define QRPAYLOAD_PREFIX "SH1:"
/* Ceiling on the presentation text either way; inflating stops there too. */
#define QRPAYLOAD_MAX_TEXT_BYTES (64u << 10)
/* Ceiling on a payload to decode (a version-40 code holds 4296 characters). */
#define QRPAYLOAD_MAX_PAYLOAD_CHARS 8192u
/* Disclosures a packed presentation may carry. */
#define QRPAYLOAD_MAX_DISCLOSURES 1024u

/* Packs presentation[0..len) (borrowed) into *payload: malloc'd, NUL-terminated
 * one byte past *payload_len, the caller frees it. Any bytes up to
 * QRPAYLOAD_MAX_TEXT_BYTES are accepted and qrpayload_decode gives them back
 * exactly; a well-formed SD-JWT (every part canonical base64url) packs much
 * smaller than other text. Returns 0, or SHOMEI_ERR_USAGE (empty),
 * SHOMEI_ERR_LIMIT (longer than QRPAYLOAD_MAX_TEXT_BYTES, or a payload longer
 * than QRPAYLOAD_MAX_PAYLOAD_CHARS) or SHOMEI_ERR_NOMEM; *payload is NULL then.
 * Whether the payload fits one QR code is qr_encode's to say (version 40 at
 * level M holds 4296 characters). */
int qrpayload_encode(const char *presentation, size_t len, char **payload, size_t *payload_len,
		     struct shomei_diag *d) __attribute__((warn_unused_result));

/* The inverse of qrpayload_encode, for text read from a QR code (borrowed).
 * A payload starting "SH1:" is unpacked; a plain SD-JWT (starting "ey", only
 * base64url characters, '.' and '~') is returned unchanged. *presentation is
 * malloc'd, NUL-terminated one byte past *out_len; the caller frees it.
 * Returns 0, or
 *   SHOMEI_ERR_PARSE        not a payload: bad prefix, bad Base45, a damaged
 *                           deflate stream, a malformed body, bytes left over
 *   SHOMEI_ERR_INVALID      well formed, but the CRC-32 does not match
 *   SHOMEI_ERR_UNSUPPORTED  another version ("SH2:") or an unknown kind
 *   SHOMEI_ERR_LIMIT        more than QRPAYLOAD_MAX_PAYLOAD_CHARS in, or
 *                           more than QRPAYLOAD_MAX_TEXT_BYTES out
 *   SHOMEI_ERR_NOMEM
 * with d->what saying which; *presentation is NULL and *out_len 0 then. */
int qrpayload_decode(const char *payload, size_t len, char **presentation, size_t *out_len,
		     struct shomei_diag *d) __attribute__((warn_unused_result));

/* The encodings measured for docs/qr.md (and `make bench`). Every candidate
 * carries the same 4-character prefix and the same 5-byte kind and CRC header,
 * so they differ only in how the presentation itself is packed. */
enum qrpayload_candidate {
	QRPAYLOAD_TEXT_BYTE,	    /* (a) the text as it is, 8-bit mode */
	QRPAYLOAD_DEFLATE_TEXT_B45, /* (b) deflate(text), Base45, alphanumeric mode */
	QRPAYLOAD_PARTS_B45,	    /* (c) parts base64url-decoded, framed, deflated, Base45 */
	QRPAYLOAD_PARTS_BYTE,	    /* (c) the same bytes in 8-bit mode */
	QRPAYLOAD_PARTS_DICT_B45,   /* (d) (c) with the preset dictionary */
	QRPAYLOAD_PARTS_DICT_BYTE,  /* (d) the same bytes in 8-bit mode */
	QRPAYLOAD_SH1_B45,	    /* (d) SH1: dictionary, digests and signatures kept
				       out of the deflate stream; what qrpayload_encode emits */
	QRPAYLOAD_SH1_BYTE,	    /* (d) the same bytes in 8-bit mode */
	QRPAYLOAD_CANDIDATES
};

struct qrpayload_sizes {
	size_t text_bytes; /* the presentation's length */
	struct {
		size_t bytes; /* what the QR code carries: characters or bytes */
		int version;  /* smallest QR version at level M; 0 if above 40 */
	} c[QRPAYLOAD_CANDIDATES];
};

/* A short lowercase name of candidate c ("sh1 base45"), "?" out of range. */
const char *qrpayload_candidate_name(int c);

/* Measures every candidate on presentation[0..len) (borrowed). The candidates
 * (c) and (d) need a well-formed SD-JWT: for other text they report what
 * qrpayload_encode would fall back to. Returns 0, or what qrpayload_encode
 * and qr_encode return for reasons other than size. */
int qrpayload_measure(const char *presentation, size_t len, struct qrpayload_sizes *out,
		      struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
