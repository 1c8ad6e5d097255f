/* qr.h - presentations as QR codes (docs/qr.md): a compact payload
 * encoding, rendering (terminal, PNG, SVG) with libqrencode and libpng, and
 * scanning a PNG or JPEG photo with libzbar.
 *
 * Payload "SH1:" + base45(zlib(frames)), in QR alphanumeric mode, where the
 * frames re-encode the presentation's base64url parts as bytes: for each
 * part, one byte for the separator before it (0 at the start, '.' or '~')
 * and a varint of its decoded length, then the bytes. Decoding re-encodes
 * every part as canonical base64url, so qr_payload_decode(encode(s)) == s
 * exactly. A text that does not start with "SH1:" is taken as it is (a
 * presentation scanned from a QR code in byte mode).
 *
 * Ownership: outputs are malloc'd, NUL-terminated; inputs borrowed.
 */
#ifndef SHOMEI_QR_H
#define SHOMEI_QR_H

#include "err.h"

#include <stddef.h>

#define QR_PREFIX	   "SH1:"
#define QR_MAX_PAYLOAD	   4296	     /* alphanumeric capacity of version 40-L */
#define QR_MAX_DECODED	   (64u << 10) /* a payload never inflates beyond this */
#define QR_MAX_IMAGE_PIXELS (8192u * 8192u)
#define QR_MAX_IMAGE_BYTES (32u << 20)

/* The compact payload of presentation text[0..len). SHOMEI_ERR_INVALID when a
 * part is not canonical base64url (the text is then best sent as it is). */
int qr_payload_encode(const char *text, size_t len, char **out, size_t *out_len,
		      struct shomei_diag *d) __attribute__((warn_unused_result));

/* The presentation a scanned payload carries (see above). SHOMEI_ERR_PARSE
 * for a damaged payload, SHOMEI_ERR_LIMIT beyond QR_MAX_DECODED. */
int qr_payload_decode(const char *payload, size_t len, char **out, size_t *out_len,
		      struct shomei_diag *d) __attribute__((warn_unused_result));

/* Base45 (RFC 9285): encoding, and strict decoding (a triple above 65535 or
 * a pair above 255, an odd length, a character outside the alphabet:
 * SHOMEI_ERR_PARSE). Outputs malloc'd (NUL-terminated for the encoding). */
int qr_base45_encode(const unsigned char *in, size_t n, char **out, size_t *len)
    __attribute__((warn_unused_result));
int qr_base45_decode(const char *in, size_t n, unsigned char **out, size_t *len)
    __attribute__((warn_unused_result));

/* The QR version (1..40) libqrencode needs for `payload` at level M, in
 * alphanumeric mode when alnum is set (else 8-bit); 0 when it does not fit. */
int qr_version(const char *payload, int alnum);

/* Writes payload as a QR code (level M, smallest version):
 *  qr_render_text: UTF-8 half blocks, two modules a character, quiet zone 2,
 *   dark modules as blocks (for a dark-on-light terminal); SHOMEI_ERR_LIMIT
 *   when wider than 80 columns;
 *  qr_write_png: 8-bit grayscale, `scale` pixels a module, quiet zone 4;
 *  qr_write_svg: one path, viewBox in modules, quiet zone 4.
 * Files are written atomically (temp file, fsync, rename). */
int qr_render_text(const char *payload, char **out, struct shomei_diag *d)
    __attribute__((warn_unused_result));
int qr_write_png(const char *payload, const char *path, int scale, struct shomei_diag *d)
    __attribute__((warn_unused_result));
int qr_write_svg(const char *payload, const char *path, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Reads a PNG or JPEG (by its magic bytes) and returns the data of the QR
 * code zbar finds in it. SHOMEI_ERR_NOTFOUND when there is none,
 * SHOMEI_ERR_INVALID when two different ones, SHOMEI_ERR_PARSE for an
 * unreadable image, SHOMEI_ERR_LIMIT beyond the ceilings above. */
int qr_scan_file(const char *path, char **text, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

#endif
