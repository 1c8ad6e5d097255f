/* qr.h - QR codes (ISO/IEC 18004): making one from a payload, showing it on a
 * terminal, writing it as PNG or SVG, and reading one back from a PNG or JPEG.
 *
 * Encoding uses libqrencode at error-correction level M (15 % of the code
 * words can be lost) with the smallest version that holds the data; the data
 * is split into numeric, alphanumeric and 8-bit segments as libqrencode finds
 * best, so a payload of QR alphanumeric characters (see qrpayload.h) costs
 * 5.5 bits a character. Scanning uses zbar with only the QR reader on, in
 * binary mode: the bytes come back as they were encoded, with no character
 * set guessing.
 *
 * Ownership: struct qr_code is the caller's (qr_code_release frees what
 * qr_encode put in it); every char ** / unsigned char ** output is malloc'd,
 * NUL-terminated one byte past *len, and the caller frees it.
 */
#ifndef SHOMEI_QR_H
#define SHOMEI_QR_H

#include "err.h"

#include <stddef.h>

#define QR_MIN_VERSION 1
#define QR_MAX_VERSION 40
#define QR_MAX_WIDTH   (17 + 4 * QR_MAX_VERSION) /* modules per side of version 40 */
/* The most a version-40 code holds (numeric mode); the encoder's input ceiling. */
#define QR_MAX_DATA_BYTES 7089
/* The white border the standard asks for (ISO/IEC 18004 §6.3.8). */
#define QR_QUIET_MODULES 4
/* The border used on a terminal when the full one does not fit. */
#define QR_TEXT_MIN_QUIET 2
/* Terminal width assumed when the caller passes 0. */
#define QR_TEXT_DEFAULT_COLUMNS 80
/* The largest versions that fit 80 columns: half blocks are one module per
 * column, so 17 + 4v + 2 * 4 <= 80 gives version 13 with the full border and
 * 17 + 4v + 2 * 2 <= 80 version 14 with the reduced one; quadrant blocks are two
 * modules per column, so version 34 with the reduced border (33 with the full). */
#define QR_TEXT_HALF_MAX_VERSION_80 14
#define QR_TEXT_QUAD_MAX_VERSION_80 34
#define QR_PNG_MAX_SCALE	    32 /* pixels per module */
#define QR_SCAN_MAX_FILE_BYTES	    (32u << 20)
#define QR_SCAN_MAX_SIDE	    8192u /* pixels, either way */

_Static_assert(17 + 4 * 13 + 2 * QR_QUIET_MODULES <= 80 && 17 + 4 * 14 + 2 * QR_QUIET_MODULES > 80,
	       "version 13 is the last to fit 80 columns with the full border");
_Static_assert(17 + 4 * QR_TEXT_HALF_MAX_VERSION_80 + 2 * QR_TEXT_MIN_QUIET <= 80 &&
		   17 + 4 * (QR_TEXT_HALF_MAX_VERSION_80 + 1) + 2 * QR_TEXT_MIN_QUIET > 80,
	       "QR_TEXT_HALF_MAX_VERSION_80");
_Static_assert((17 + 4 * QR_TEXT_QUAD_MAX_VERSION_80 + 2 * QR_TEXT_MIN_QUIET + 1) / 2 <= 80 &&
		   (17 + 4 * (QR_TEXT_QUAD_MAX_VERSION_80 + 1) + 2 * QR_TEXT_MIN_QUIET + 1) / 2 >
		       80,
	       "QR_TEXT_QUAD_MAX_VERSION_80");

struct qr_code {
	int version;	     /* 1..40 */
	int width;	     /* modules per side: 17 + 4 * version */
	unsigned char *dark; /* width * width bytes, row by row, 1 = dark module, 0 = light */
};

/* Encodes data[0..len) (borrowed; any bytes, NULs too) at level M in the
 * smallest version that holds it. Returns 0 and fills *out, or
 *   SHOMEI_ERR_LIMIT  more than version 40 would hold ("needs a version above 40")
 *   SHOMEI_ERR_USAGE  len == 0
 *   SHOMEI_ERR_NOMEM
 * On failure *out is cleared (nothing to release). */
int qr_encode(const void *data, size_t len, struct qr_code *out, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Frees q->dark and clears q. NULL-safe, and safe on a cleared struct. */
void qr_code_release(struct qr_code *q);

enum {
	/* Quadrant blocks (U+2596..U+259F): 2 x 2 modules a character, so twice as
	 * many modules fit a line, but each module is drawn twice as tall as it is
	 * wide in the usual 1:2 terminal cell. Default: half blocks, square modules. */
	QR_TEXT_QUADRANTS = 1,
	/* Draw the light modules and the border with the glyphs instead of the
	 * dark ones: for light-on-dark terminals, where the default output would
	 * come out as a negative, which many scanners refuse. */
	QR_TEXT_INVERT = 2
};

/* Renders q for a terminal as UTF-8 lines of "▀", "▄", "█" and " " (two modules
 * of a column a character; with QR_TEXT_QUADRANTS also the quadrant blocks),
 * each line ending in "\n", the glyphs standing for dark modules (for a
 * dark-on-light terminal; see QR_TEXT_INVERT). The border is QR_QUIET_MODULES
 * wide, or QR_TEXT_MIN_QUIET when that is what makes it fit max_columns
 * (0 means QR_TEXT_DEFAULT_COLUMNS). Returns 0, or SHOMEI_ERR_LIMIT when even
 * the reduced border does not fit ("needs N columns, the terminal has M"),
 * SHOMEI_ERR_USAGE for unknown flags or a malformed q. *out is NULL on failure. */
int qr_render_text(const struct qr_code *q, unsigned flags, unsigned max_columns, char **out,
		   size_t *len, struct shomei_diag *d) __attribute__((warn_unused_result));

/* Renders q as an 8-bit grayscale PNG (black on white), `scale` pixels a
 * module (1..QR_PNG_MAX_SCALE) with a QR_QUIET_MODULES border, into memory.
 * Returns 0, SHOMEI_ERR_USAGE for a bad scale or q, SHOMEI_ERR_NOMEM, or
 * SHOMEI_ERR_IO when libpng fails (d->what has its message). */
int qr_render_png(const struct qr_code *q, unsigned scale, unsigned char **out, size_t *len,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

/* Renders q as an SVG document: a viewBox of width + 2 * QR_QUIET_MODULES
 * units, a white background and one black <path> with crispEdges, one unit a
 * module (the viewer scales it). Returns 0, SHOMEI_ERR_USAGE or SHOMEI_ERR_NOMEM. */
int qr_render_svg(const struct qr_code *q, char **out, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* qr_render_png / qr_render_svg written to path atomically (fileio.h, mode
 * 0644, an existing file is replaced). Returns what those return, or what
 * fileio_write_atomic returns. */
int qr_write_png(const struct qr_code *q, unsigned scale, const char *path, struct shomei_diag *d)
    __attribute__((warn_unused_result));
int qr_write_svg(const struct qr_code *q, const char *path, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* Reads the image file at path (at most QR_SCAN_MAX_FILE_BYTES; PNG or JPEG,
 * told by its first bytes, not its name; at most QR_SCAN_MAX_SIDE pixels
 * either way) and returns the data of the QR code in it: *text malloc'd,
 * NUL-terminated one byte past *len, the caller frees it. Returns 0, or
 *   SHOMEI_ERR_IO           the file cannot be read
 *   SHOMEI_ERR_UNSUPPORTED  neither PNG nor JPEG, or a JPEG colour space
 *                           libjpeg cannot turn into gray (CMYK)
 *   SHOMEI_ERR_PARSE        a damaged image
 *   SHOMEI_ERR_LIMIT        too large a file or image
 *   SHOMEI_ERR_NOTFOUND     no QR code found
 *   SHOMEI_ERR_INVALID      more than one QR code, with different data
 * On failure *text is NULL and *len 0. */
int qr_scan_file(const char *path, char **text, size_t *len, struct shomei_diag *d)
    __attribute__((warn_unused_result));

/* qr_scan_file on the file's bytes data[0..n) (borrowed). */
int qr_scan_image(const unsigned char *data, size_t n, char **text, size_t *len,
		  struct shomei_diag *d) __attribute__((warn_unused_result));

/* qr_scan_file on 8-bit gray pixels (row by row, width * height bytes,
 * borrowed, 0 black, 255 white). */
int qr_scan_gray(const unsigned char *pixels, unsigned width, unsigned height, char **text,
		 size_t *len, struct shomei_diag *d) __attribute__((warn_unused_result));

#endif
