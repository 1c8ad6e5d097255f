/* QR codes on libqrencode (encoding), libpng (PNG both ways, through its
 * "simplified" png_image API, which does every colour type and bit depth
 * conversion itself and reports errors without longjmp), libjpeg (JPEG
 * reading) and zbar (finding and decoding the code in the pixels). */
#include "qr.h"

#include "fileio.h"
#include "internal/buf.h"

#include <errno.h>
#include <limits.h>
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <zbar.h>

/* QR alphanumeric mode's characters (ISO/IEC 18004 §7.4.4, Table 5). */
static int is_alnum_mode_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '$' ||
	       c == '%' || c == '*' || c == '+' || c == '-' || c == '.' || c == '/' || c == ':';
}

/* One alphanumeric segment for the whole text; NULL on failure (errno set). */
static QRcode *encode_alnum(const unsigned char *data, size_t len)
{
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
	if (!in)
		return NULL;
	QRcode *code = NULL;
	if (QRinput_append(in, QR_MODE_AN, (int)len, data) == 0)
		code = QRcode_encodeInput(in);
	int saved = errno;
	QRinput_free(in);
	errno = saved;
	return code;
}

int qr_encode(const void *data, size_t len, struct qr_code *out, struct shomei_diag *d)
{
	memset(out, 0, sizeof *out);
	if (len == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "nothing to encode");
	if (len > QR_MAX_DATA_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "needs a version above %d",
				QR_MAX_VERSION);
	const unsigned char *p = data;
	int has_nul = memchr(p, 0, len) != NULL;
	int all_alnum = 1;
	for (size_t i = 0; i < len && all_alnum; i++)
		all_alnum = is_alnum_mode_char(p[i]);

	/* libqrencode's own segmentation (numeric runs inside alphanumeric or
	 * 8-bit text) needs a C string; binary with NULs goes in one 8-bit
	 * segment. For alphanumeric text the single segment is tried too, and the
	 * smaller code kept. */
	QRcode *code = NULL;
	errno = 0;
	if (has_nul) {
		code = QRcode_encodeData((int)len, p, 0, QR_ECLEVEL_M);
	} else {
		char *z = malloc(len + 1);
		if (!z)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		memcpy(z, p, len);
		z[len] = '\0';
		code = QRcode_encodeString(z, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		free(z);
		if (all_alnum) {
			QRcode *an = encode_alnum(p, len);
			if (an && (!code || an->version < code->version)) {
				QRcode_free(code);
				code = an;
			} else {
				QRcode_free(an);
			}
		}
	}
	if (!code) {
		if (errno == ENOMEM)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "needs a version above %d",
				QR_MAX_VERSION);
	}
	size_t w = (size_t)code->width;
	if (code->version < QR_MIN_VERSION || code->version > QR_MAX_VERSION ||
	    w != 17 + 4 * (size_t)code->version) {
		QRcode_free(code);
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "libqrencode returned a bad symbol");
	}
	out->dark = malloc(w * w);
	if (!out->dark) {
		QRcode_free(code);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	/* libqrencode's bit 0 is the module's colour; the others say what the
	 * module is part of. */
	for (size_t i = 0; i < w * w; i++)
		out->dark[i] = code->data[i] & 1;
	out->version = code->version;
	out->width = code->width;
	QRcode_free(code);
	return 0;
}

void qr_code_release(struct qr_code *q)
{
	if (!q)
		return;
	free(q->dark);
	memset(q, 0, sizeof *q);
}

static int code_ok(const struct qr_code *q)
{
	return q && q->dark && q->version >= QR_MIN_VERSION && q->version <= QR_MAX_VERSION &&
	       q->width == 17 + 4 * q->version;
}

/* Module (x, y) of the code with a border of `quiet` light modules around it. */
static int module_dark(const struct qr_code *q, int quiet, int x, int y)
{
	x -= quiet;
	y -= quiet;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->dark[(size_t)y * (size_t)q->width + (size_t)x];
}

/* Indexed by top-left 1, top-right 2, bottom-left 4, bottom-right 8. */
static const char *const quadrants[16] = {
    " ",      "\u2598", "\u259d", "\u2580", "\u2596", "\u258c", "\u259e", "\u259b",
    "\u2597", "\u259a", "\u2590", "\u259c", "\u2584", "\u2599", "\u259f", "\u2588",
};

int qr_render_text(const struct qr_code *q, unsigned flags, unsigned max_columns, char **out,
		   size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	if (len)
		*len = 0;
	if (!code_ok(q) || (flags & ~(unsigned)(QR_TEXT_QUADRANTS | QR_TEXT_INVERT)))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "bad qr code or flags");
	if (max_columns == 0)
		max_columns = QR_TEXT_DEFAULT_COLUMNS;
	int quad = (flags & QR_TEXT_QUADRANTS) != 0;
	int invert = (flags & QR_TEXT_INVERT) != 0;
	int quiet = QR_QUIET_MODULES;
	unsigned side = (unsigned)q->width + 2 * QR_QUIET_MODULES;
	unsigned cols = quad ? (side + 1) / 2 : side;
	if (cols > max_columns) {
		quiet = QR_TEXT_MIN_QUIET;
		side = (unsigned)q->width + 2 * QR_TEXT_MIN_QUIET;
		cols = quad ? (side + 1) / 2 : side;
		if (cols > max_columns)
			return diag_set(d, SHOMEI_ERR_LIMIT, NULL,
					"a version %d code needs %u columns, the terminal has %u",
					q->version, cols, max_columns);
	}
	int xstep = quad ? 2 : 1;
	struct buf b;
	/* At most 3 UTF-8 bytes a character, plus the line ends. */
	buf_init(&b, (size_t)(side + 1) * (side + 1) * 3 + 1);
	int rc = 0;
	for (int y = 0; y < (int)side && rc == 0; y += 2) {
		for (int x = 0; x < (int)side && rc == 0; x += xstep) {
			/* Outside the bottom or right edge (odd side) is light, like the
			 * border; inverted, it gets ink like the border. */
			int bits = 0;
			for (int k = 0; k < 4; k++) {
				int dx = k & 1, dy = k >> 1;
				if (dx && !quad)
					continue;
				int inside = x + dx < (int)side && y + dy < (int)side;
				int ink = module_dark(q, quiet, x + dx, y + dy);
				if (invert)
					ink = inside && !ink;
				if (ink)
					bits |= quad ? 1 << k : (dy ? 12 : 3);
			}
			rc = buf_puts(&b, quadrants[bits]);
		}
		if (rc == 0)
			rc = buf_putc(&b, '\n');
	}
	if (rc != 0) {
		buf_release(&b);
		return diag_set(d, rc, NULL, "out of memory");
	}
	*out = buf_steal(&b, len);
	if (!*out)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	return 0;
}

int qr_render_png(const struct qr_code *q, unsigned scale, unsigned char **out, size_t *len,
		  struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	if (!code_ok(q) || scale < 1 || scale > QR_PNG_MAX_SCALE)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "bad qr code or scale");
	size_t side = ((size_t)q->width + 2 * QR_QUIET_MODULES) * scale;
	unsigned char *pixels = malloc(side * side);
	if (!pixels)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	for (size_t y = 0; y < side; y++)
		for (size_t x = 0; x < side; x++)
			pixels[y * side + x] =
			    module_dark(q, QR_QUIET_MODULES, (int)(x / scale), (int)(y / scale))
				? 0
				: 255;
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)side;
	img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GRAY;
	int rc = 0;
	png_alloc_size_t size = 0;
	/* The first call only measures; the second writes. */
	if (!png_image_write_to_memory(&img, NULL, &size, 0, pixels, 0, NULL)) {
		rc = diag_set(d, SHOMEI_ERR_IO, NULL, "libpng: %s", img.message);
		goto out;
	}
	*out = malloc(size + 1);
	if (!*out) {
		rc = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	if (!png_image_write_to_memory(&img, *out, &size, 0, pixels, 0, NULL)) {
		rc = diag_set(d, SHOMEI_ERR_IO, NULL, "libpng: %s", img.message);
		free(*out);
		*out = NULL;
		goto out;
	}
	(*out)[size] = 0;
	*len = size;
out:
	png_image_free(&img);
	free(pixels);
	return rc;
}

int qr_render_svg(const struct qr_code *q, char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	if (len)
		*len = 0;
	if (!code_ok(q))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "bad qr code");
	int side = q->width + 2 * QR_QUIET_MODULES;
	struct buf b;
	/* A run of dark modules is at most ~30 bytes and there are fewer runs than
	 * modules / 2 + rows; 64 KiB of slack covers the header. */
	buf_init(&b, (size_t)q->width * (size_t)q->width * 16 + 65536);
	int rc = buf_printf(&b,
			    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
			    "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n"
			    "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
			    "<path fill=\"#000000\" d=\"",
			    side, side, side, side);
	for (int y = 0; y < q->width && rc == 0; y++) {
		int x = 0;
		while (x < q->width && rc == 0) {
			if (!q->dark[(size_t)y * (size_t)q->width + (size_t)x]) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < q->width &&
			       q->dark[(size_t)y * (size_t)q->width + (size_t)(x + run)])
				run++;
			rc = buf_printf(&b, "M%d %dh%dv1h-%dz", x + QR_QUIET_MODULES,
					y + QR_QUIET_MODULES, run, run);
			x += run;
		}
	}
	if (rc == 0)
		rc = buf_puts(&b, "\"/>\n</svg>\n");
	if (rc != 0) {
		buf_release(&b);
		return diag_set(d, rc, NULL, "svg too large or out of memory");
	}
	*out = buf_steal(&b, len);
	if (!*out)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	return 0;
}

int qr_write_png(const struct qr_code *q, unsigned scale, const char *path, struct shomei_diag *d)
{
	unsigned char *png;
	size_t n;
	int rc = qr_render_png(q, scale, &png, &n, d);
	if (rc != 0)
		return rc;
	rc = fileio_write_atomic(path, png, n, 0644, FILEIO_REPLACE, d);
	free(png);
	return rc;
}

int qr_write_svg(const struct qr_code *q, const char *path, struct shomei_diag *d)
{
	char *svg;
	size_t n;
	int rc = qr_render_svg(q, &svg, &n, d);
	if (rc != 0)
		return rc;
	rc = fileio_write_atomic(path, svg, n, 0644, FILEIO_REPLACE, d);
	free(svg);
	return rc;
}

/* ---- scanning ---- */

static int check_side(unsigned long w, unsigned long h, struct shomei_diag *d)
{
	if (w == 0 || h == 0)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "empty image");
	if (w > QR_SCAN_MAX_SIDE || h > QR_SCAN_MAX_SIDE)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "image of %lux%lu pixels, more than %u",
				w, h, QR_SCAN_MAX_SIDE);
	return 0;
}

static int png_to_gray(const unsigned char *data, size_t n, unsigned char **pixels, unsigned *width,
		       unsigned *height, struct shomei_diag *d)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, n))
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "png: %s", img.message);
	int rc = check_side(img.width, img.height, d);
	if (rc != 0) {
		png_image_free(&img);
		return rc;
	}
	/* libpng converts every colour type and depth to 8-bit gray; transparency
	 * is composed over white, the colour a QR code's background should be. */
	img.format = PNG_FORMAT_GRAY;
	png_color white = {255, 255, 255};
	size_t size = (size_t)img.width * img.height;
	unsigned char *buf = malloc(size);
	if (!buf) {
		png_image_free(&img);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	if (!png_image_finish_read(&img, &white, buf, 0, NULL)) {
		rc = diag_set(d, SHOMEI_ERR_PARSE, NULL, "png: %s", img.message);
		png_image_free(&img);
		free(buf);
		return rc;
	}
	*pixels = buf;
	*width = img.width;
	*height = img.height;
	return 0;
}

struct jpeg_guard {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	char message[JMSG_LENGTH_MAX];
};

/* libjpeg's default error handler exits the process; ours jumps back. */
static void jpeg_fail(j_common_ptr cinfo)
{
	struct jpeg_guard *g = (struct jpeg_guard *)cinfo->err;
	(*cinfo->err->format_message)(cinfo, g->message);
	longjmp(g->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level;
}

static int jpeg_to_gray(const unsigned char *data, size_t n, unsigned char **pixels,
			unsigned *width, unsigned *height, struct shomei_diag *d)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_guard guard;
	/* Changed between setjmp and a possible longjmp, so volatile. */
	unsigned char *volatile buf = NULL;
	volatile int rc = 0;
	memset(&cinfo, 0, sizeof cinfo);
	cinfo.err = jpeg_std_error(&guard.mgr);
	guard.mgr.error_exit = jpeg_fail;
	guard.mgr.emit_message = jpeg_quiet;
	guard.message[0] = '\0';
	if (setjmp(guard.jump)) {
		if (rc == 0)
			rc = diag_set(d, SHOMEI_ERR_PARSE, NULL, "jpeg: %s", guard.message);
		goto out;
	}
	jpeg_create_decompress(&cinfo);
	if (n > ULONG_MAX) {
		rc = diag_set(d, SHOMEI_ERR_LIMIT, NULL, "jpeg too large");
		goto out;
	}
	jpeg_mem_src(&cinfo, data, (unsigned long)n);
	jpeg_read_header(&cinfo, TRUE);
	rc = check_side(cinfo.image_width, cinfo.image_height, d);
	if (rc != 0)
		goto out;
	if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
		rc = diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "cmyk jpeg");
		goto out;
	}
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_components != 1) {
		rc = diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "jpeg not convertible to gray");
		goto out;
	}
	size_t w = cinfo.output_width, h = cinfo.output_height;
	buf = malloc(w * h);
	if (!buf) {
		rc = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = buf + (size_t)cinfo.output_scanline * w;
		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	*pixels = buf;
	*width = (unsigned)w;
	*height = (unsigned)h;
	buf = NULL;
out:
	jpeg_destroy_decompress(&cinfo);
	free(buf);
	return rc;
}

int qr_scan_gray(const unsigned char *pixels, unsigned width, unsigned height, char **text,
		 size_t *len, struct shomei_diag *d)
{
	*text = NULL;
	*len = 0;
	int rc = check_side(width, height, d);
	if (rc != 0)
		return rc;
	zbar_image_scanner_t *scanner = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	if (!scanner || !img) {
		rc = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	/* QR codes only, and their bytes as they are: without ZBAR_CFG_BINARY
	 * zbar re-encodes 8-bit segments from a guessed character set. */
	zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, width, height);
	/* zbar only reads the pixels; no cleanup handler, they stay the caller's. */
	zbar_image_set_data(img, pixels, (unsigned long)width * height, NULL);
	int found = zbar_scan_image(scanner, img);
	if (found < 0) {
		rc = diag_set(d, SHOMEI_ERR_PARSE, NULL, "zbar could not scan the image");
		goto out;
	}
	const zbar_symbol_t *first = NULL;
	for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
		if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
			continue;
		if (!first) {
			first = s;
			continue;
		}
		/* The same code seen twice is one code. */
		if (zbar_symbol_get_data_length(s) != zbar_symbol_get_data_length(first) ||
		    memcmp(zbar_symbol_get_data(s), zbar_symbol_get_data(first),
			   zbar_symbol_get_data_length(s)) != 0) {
			rc = diag_set(d, SHOMEI_ERR_INVALID, NULL, "more than one qr code");
			goto out;
		}
	}
	if (!first) {
		rc = diag_set(d, SHOMEI_ERR_NOTFOUND, NULL, "no qr code found");
		goto out;
	}
	size_t n = zbar_symbol_get_data_length(first);
	char *copy = malloc(n + 1);
	if (!copy) {
		rc = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	memcpy(copy, zbar_symbol_get_data(first), n);
	copy[n] = '\0';
	*text = copy;
	*len = n;
out:
	if (img)
		zbar_image_destroy(img);
	if (scanner)
		zbar_image_scanner_destroy(scanner);
	return rc;
}

static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
static const unsigned char jpeg_magic[3] = {0xff, 0xd8, 0xff};

int qr_scan_image(const unsigned char *data, size_t n, char **text, size_t *len,
		  struct shomei_diag *d)
{
	*text = NULL;
	*len = 0;
	if (n > QR_SCAN_MAX_FILE_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "image file larger than %u bytes",
				QR_SCAN_MAX_FILE_BYTES);
	unsigned char *pixels = NULL;
	unsigned w = 0, h = 0;
	int rc;
	if (n >= sizeof png_magic && memcmp(data, png_magic, sizeof png_magic) == 0)
		rc = png_to_gray(data, n, &pixels, &w, &h, d);
	else if (n >= sizeof jpeg_magic && memcmp(data, jpeg_magic, sizeof jpeg_magic) == 0)
		rc = jpeg_to_gray(data, n, &pixels, &w, &h, d);
	else
		rc = diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL, "not a png or jpeg image");
	if (rc != 0)
		return rc;
	rc = qr_scan_gray(pixels, w, h, text, len, d);
	free(pixels);
	return rc;
}

int qr_scan_file(const char *path, char **text, size_t *len, struct shomei_diag *d)
{
	*text = NULL;
	*len = 0;
	char *data;
	size_t n;
	int rc = fileio_read(path, QR_SCAN_MAX_FILE_BYTES, &data, &n, d);
	if (rc != 0)
		return rc;
	rc = qr_scan_image((const unsigned char *)data, n, text, len, d);
	free(data);
	return rc;
}
