/* qr.c - QR payloads, rendering and scanning (qr.h).
 *
 * Libraries do the work: libqrencode draws, libpng and libjpeg read and write
 * pixels, zlib compresses, libzbar finds and decodes. Base45 (RFC 9285) is
 * written here: Debian has no C library for it, and it is a few lines. */
#include "qr.h"

#include "base64url.h"
#include "fileio.h"
#include "internal/buf.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
/* after stdio.h: jpeglib.h uses FILE without including it */
#include <jpeglib.h>
#include <png.h>
#include <qrencode.h>
#include <string.h>
#include <zbar.h>
#include <zlib.h>

static const char B45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static int b45_encode(const unsigned char *in, size_t n, struct buf *b)
{
	int e = 0;
	for (size_t i = 0; !e && i + 1 < n; i += 2) {
		unsigned v = in[i] * 256u + in[i + 1];
		char c[3] = {B45[v % 45], B45[v / 45 % 45], B45[v / 2025]};
		e = buf_append(b, c, 3);
	}
	if (!e && n % 2) {
		unsigned v = in[n - 1];
		char c[2] = {B45[v % 45], B45[v / 45]};
		e = buf_append(b, c, 2);
	}
	return e;
}

static int b45_val(char c)
{
	const char *p = c ? strchr(B45, c) : NULL;
	return p ? (int)(p - B45) : -1;
}

static int b45_decode(const char *in, size_t n, struct buf *b)
{
	if (n % 3 == 1)
		return SHOMEI_ERR_PARSE;
	for (size_t i = 0; i < n; i += 3) {
		int a = b45_val(in[i]), c = b45_val(in[i + 1]);
		if (a < 0 || c < 0)
			return SHOMEI_ERR_PARSE;
		if (i + 2 < n) {
			int e = b45_val(in[i + 2]);
			if (e < 0)
				return SHOMEI_ERR_PARSE;
			unsigned v = (unsigned)a + (unsigned)c * 45 + (unsigned)e * 2025;
			if (v > 65535)
				return SHOMEI_ERR_PARSE;
			unsigned char two[2] = {(unsigned char)(v >> 8), (unsigned char)v};
			if (buf_append(b, two, 2))
				return SHOMEI_ERR_NOMEM;
		} else {
			unsigned v = (unsigned)a + (unsigned)c * 45;
			if (v > 255)
				return SHOMEI_ERR_PARSE;
			if (buf_putc(b, (char)v))
				return SHOMEI_ERR_NOMEM;
		}
	}
	return 0;
}

int qr_base45_encode(const unsigned char *in, size_t n, char **out, size_t *len)
{
	struct buf b;
	buf_init(&b, 8u << 20);
	int e = b45_encode(in, n, &b);
	*out = e ? NULL : buf_steal(&b, len);
	buf_release(&b);
	return e ? e : *out ? 0 : SHOMEI_ERR_NOMEM;
}

int qr_base45_decode(const char *in, size_t n, unsigned char **out, size_t *len)
{
	struct buf b;
	buf_init(&b, 8u << 20);
	int e = b45_decode(in, n, &b);
	*out = e ? NULL : (unsigned char *)buf_steal(&b, len);
	buf_release(&b);
	if (!e && !*out)
		e = SHOMEI_ERR_NOMEM;
	if (e)
		*len = 0;
	return e;
}

static int is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int put_varint(struct buf *b, size_t v)
{
	do {
		unsigned char x = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			x |= 0x80;
		if (buf_putc(b, (char)x))
			return SHOMEI_ERR_NOMEM;
	} while (v);
	return 0;
}

int qr_payload_encode(const char *text, size_t len, char **out, size_t *out_len,
		      struct shomei_diag *d)
{
	*out = NULL;
	*out_len = 0;
	if (len > QR_MAX_DECODED)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "presentation too large for a QR code");
	struct buf frames, res;
	buf_init(&frames, QR_MAX_DECODED * 2);
	buf_init(&res, QR_MAX_DECODED * 4);
	unsigned char *part = malloc(len + 1);
	int e = part ? 0 : SHOMEI_ERR_NOMEM;
	size_t i = 0;
	char sep = 0;
	while (!e) {
		size_t j = i;
		while (j < len && is_b64(text[j]))
			j++;
		size_t n = 0;
		if (base64url_decode(text + i, j - i, part, len + 1, &n) != 0) {
			e = diag_set(d, SHOMEI_ERR_INVALID, NULL, "not base64url parts");
			break;
		}
		if (buf_putc(&frames, sep) || put_varint(&frames, n) || buf_append(&frames, part, n)) {
			e = SHOMEI_ERR_NOMEM;
			break;
		}
		if (j == len)
			break;
		if (text[j] != '.' && text[j] != '~') {
			e = diag_set(d, SHOMEI_ERR_INVALID, NULL, "a character that is not base64url");
			break;
		}
		sep = text[j];
		i = j + 1;
	}
	uLongf zlen = 0;
	unsigned char *z = NULL;
	if (!e) {
		zlen = compressBound((uLong)frames.len);
		z = malloc(zlen);
		if (!z || compress2(z, &zlen, (const Bytef *)frames.data, (uLong)frames.len, 9) != Z_OK)
			e = SHOMEI_ERR_NOMEM;
	}
	if (!e && (buf_puts(&res, QR_PREFIX) || b45_encode(z, zlen, &res)))
		e = SHOMEI_ERR_NOMEM;
	if (!e && !(*out = buf_steal(&res, out_len)))
		e = SHOMEI_ERR_NOMEM;
	if (e == SHOMEI_ERR_NOMEM)
		diag_set(d, e, NULL, "out of memory");
	free(z);
	free(part);
	buf_release(&frames);
	buf_release(&res);
	return e;
}

int qr_payload_decode(const char *payload, size_t len, char **out, size_t *out_len,
		      struct shomei_diag *d)
{
	*out = NULL;
	*out_len = 0;
	size_t pl = strlen(QR_PREFIX);
	if (len < pl || memcmp(payload, QR_PREFIX, pl) != 0) {
		*out = malloc(len + 1);
		if (!*out)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		memcpy(*out, payload, len);
		(*out)[len] = '\0';
		*out_len = len;
		return 0;
	}
	struct buf z, res;
	buf_init(&z, QR_MAX_DECODED);
	buf_init(&res, QR_MAX_DECODED * 2);
	unsigned char *raw = malloc(QR_MAX_DECODED);
	uLongf rawlen = QR_MAX_DECODED;
	int e = raw ? b45_decode(payload + pl, len - pl, &z) : SHOMEI_ERR_NOMEM;
	if (e == SHOMEI_ERR_PARSE)
		diag_set(d, e, "payload", "not base45");
	if (!e) {
		int zr = uncompress(raw, &rawlen, (const Bytef *)z.data, (uLong)z.len);
		if (zr == Z_BUF_ERROR)
			e = diag_set(d, SHOMEI_ERR_LIMIT, "payload", "inflates beyond %u bytes",
				     QR_MAX_DECODED);
		else if (zr != Z_OK)
			e = diag_set(d, SHOMEI_ERR_PARSE, "payload", "not zlib data");
	}
	size_t i = 0;
	while (!e && i < rawlen) {
		char sep = (char)raw[i++];
		if ((i == 1) != (sep == 0) || (sep && sep != '.' && sep != '~')) {
			e = diag_set(d, SHOMEI_ERR_PARSE, "payload", "a bad separator");
			break;
		}
		size_t n = 0;
		int shift = 0;
		for (;;) {
			if (i >= rawlen || shift > 28) {
				e = diag_set(d, SHOMEI_ERR_PARSE, "payload", "a bad length");
				break;
			}
			unsigned char x = raw[i++];
			n |= (size_t)(x & 0x7f) << shift;
			shift += 7;
			if (!(x & 0x80))
				break;
		}
		if (e)
			break;
		if (n > rawlen - i) {
			e = diag_set(d, SHOMEI_ERR_PARSE, "payload", "truncated");
			break;
		}
		char *b64 = malloc(base64url_encoded_len(n) + 1);
		if (!b64 || (sep && buf_putc(&res, sep)) ||
		    base64url_encode(raw + i, n, b64, base64url_encoded_len(n) + 1) != 0 ||
		    buf_puts(&res, b64)) {
			free(b64);
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			break;
		}
		free(b64);
		i += n;
	}
	if (!e && !(*out = buf_steal(&res, out_len)))
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (e == SHOMEI_ERR_NOMEM && d && !d->what[0])
		diag_set(d, e, NULL, "out of memory");
	free(raw);
	buf_release(&z);
	buf_release(&res);
	return e;
}

static int is_alnum_payload(const char *s)
{
	return strncmp(s, QR_PREFIX, strlen(QR_PREFIX)) == 0;
}

static QRcode *encode(const char *payload)
{
	if (is_alnum_payload(payload))
		return QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	return QRcode_encodeData((int)strlen(payload), (const unsigned char *)payload, 0,
				 QR_ECLEVEL_M);
}

int qr_version(const char *payload, int alnum)
{
	QRcode *q = alnum ? QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1)
			  : QRcode_encodeData((int)strlen(payload), (const unsigned char *)payload,
					      0, QR_ECLEVEL_M);
	int v = q ? q->version : 0;
	QRcode_free(q);
	return v;
}

static int dark(const QRcode *q, int quiet, int x, int y)
{
	x -= quiet;
	y -= quiet;
	return x >= 0 && y >= 0 && x < q->width && y < q->width && (q->data[y * q->width + x] & 1);
}

int qr_render_text(const char *payload, char **out, struct shomei_diag *d)
{
	*out = NULL;
	QRcode *q = encode(payload);
	if (!q)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "too large for one QR code");
	/* Half blocks (one module a column) while the code fits 80 columns,
	 * quadrant blocks (two modules a column) beyond. */
	int quiet = 2, w = q->width + 2 * quiet;
	int quad = w > 80;
	if (quad && (w + 1) / 2 > 80) {
		int v = q->version;
		QRcode_free(q);
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL,
				"a version %d QR code is wider than 80 columns; use --qr-png or "
				"--qr-svg",
				v);
	}
	static const char *const quads[16] = {
	    " ",	    "\xe2\x96\x98", "\xe2\x96\x9d", "\xe2\x96\x80",
	    "\xe2\x96\x96", "\xe2\x96\x8c", "\xe2\x96\x9e", "\xe2\x96\x9b",
	    "\xe2\x96\x97", "\xe2\x96\x9a", "\xe2\x96\x90", "\xe2\x96\x9c",
	    "\xe2\x96\x84", "\xe2\x96\x99", "\xe2\x96\x9f", "\xe2\x96\x88"};
	struct buf b;
	buf_init(&b, 1u << 20);
	int e = 0;
	for (int y = 0; !e && y < w; y += 2) {
		for (int x = 0; !e && x < w; x += quad ? 2 : 1) {
			int bits = dark(q, quiet, x, y) | dark(q, quiet, x, y + 1) << 2;
			if (quad)
				bits |= dark(q, quiet, x + 1, y) << 1 | dark(q, quiet, x + 1, y + 1) << 3;
			else
				bits = (bits & 1) * 3 | (bits >> 2) * 12; /* full-width halves */
			e = buf_puts(&b, quads[bits]);
		}
		if (!e)
			e = buf_putc(&b, '\n');
	}
	QRcode_free(q);
	size_t len;
	if (!e && !(*out = buf_steal(&b, &len)))
		e = SHOMEI_ERR_NOMEM;
	buf_release(&b);
	return e ? diag_set(d, e, NULL, "out of memory") : 0;
}

int qr_write_png(const char *payload, const char *path, int scale, struct shomei_diag *d)
{
	if (scale < 1 || scale > 64)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "scale out of range");
	QRcode *q = encode(payload);
	if (!q)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "too large for one QR code");
	int quiet = 4, w = (q->width + 2 * quiet) * scale;
	unsigned char *px = malloc((size_t)w * (size_t)w);
	if (!px) {
		QRcode_free(q);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++) {
			int mx = x / scale - quiet, my = y / scale - quiet;
			int dark = mx >= 0 && my >= 0 && mx < q->width && my < q->width &&
				   (q->data[my * q->width + mx] & 1);
			px[(size_t)y * (size_t)w + (size_t)x] = dark ? 0 : 255;
		}
	QRcode_free(q);
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)w;
	img.format = PNG_FORMAT_GRAY;
	png_alloc_size_t size = 0;
	int e = 0;
	if (!png_image_write_to_memory(&img, NULL, &size, 0, px, 0, NULL))
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "cannot encode the PNG");
	void *mem = e ? NULL : malloc(size);
	if (!e && (!mem || !png_image_write_to_memory(&img, mem, &size, 0, px, 0, NULL)))
		e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "cannot encode the PNG");
	if (!e)
		e = fileio_write_atomic(path, mem, size, 0644, FILEIO_REPLACE, d);
	free(mem);
	free(px);
	return e;
}

int qr_write_svg(const char *payload, const char *path, struct shomei_diag *d)
{
	QRcode *q = encode(payload);
	if (!q)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "too large for one QR code");
	int quiet = 4, w = q->width + 2 * quiet;
	struct buf b;
	buf_init(&b, 8u << 20);
	char line[200];
	snprintf(line, sizeof line,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		 "shape-rendering=\"crispEdges\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
		 "<path fill=\"#000\" d=\"",
		 w, w, w, w);
	int e = buf_puts(&b, line);
	for (int y = 0; !e && y < q->width; y++)
		for (int x = 0; !e && x < q->width; x++)
			if (q->data[y * q->width + x] & 1) {
				snprintf(line, sizeof line, "M%d %dh1v1h-1z", x + quiet, y + quiet);
				e = buf_puts(&b, line);
			}
	if (!e)
		e = buf_puts(&b, "\"/>\n</svg>\n");
	QRcode_free(q);
	if (!e)
		e = fileio_write_atomic(path, b.data, b.len, 0644, FILEIO_REPLACE, d);
	else
		diag_set(d, e, NULL, "out of memory");
	buf_release(&b);
	return e;
}

/* ---- scanning ---- */

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
};

static void jpeg_fail(j_common_ptr c)
{
	longjmp(((struct jerr *)(void *)c->err)->jump, 1);
}

/* Decodes a JPEG to 8-bit gray. */
static int read_jpeg(const unsigned char *data, size_t len, unsigned char **px, unsigned *w,
		     unsigned *h, struct shomei_diag *d)
{
	struct jpeg_decompress_struct c;
	struct jerr err;
	unsigned char *volatile buf = NULL;
	c.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = jpeg_fail;
	if (setjmp(err.jump)) {
		jpeg_destroy_decompress(&c);
		free(buf);
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a readable JPEG image");
	}
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, data, (unsigned long)len);
	jpeg_read_header(&c, TRUE);
	if ((uint64_t)c.image_width * c.image_height > QR_MAX_IMAGE_PIXELS) {
		jpeg_destroy_decompress(&c);
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "image larger than %u pixels",
				QR_MAX_IMAGE_PIXELS);
	}
	c.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&c);
	buf = malloc((size_t)c.output_width * c.output_height);
	if (!buf) {
		jpeg_destroy_decompress(&c);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	while (c.output_scanline < c.output_height) {
		JSAMPROW row = buf + (size_t)c.output_scanline * c.output_width;
		jpeg_read_scanlines(&c, &row, 1);
	}
	*w = c.output_width;
	*h = c.output_height;
	jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	*px = buf;
	return 0;
}

static int read_png(const unsigned char *data, size_t len, unsigned char **px, unsigned *w,
		    unsigned *h, struct shomei_diag *d)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a readable PNG image");
	if ((uint64_t)img.width * img.height > QR_MAX_IMAGE_PIXELS) {
		png_image_free(&img);
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "image larger than %u pixels",
				QR_MAX_IMAGE_PIXELS);
	}
	img.format = PNG_FORMAT_GRAY;
	unsigned char *buf = malloc(PNG_IMAGE_SIZE(img));
	png_color white = {255, 255, 255};
	if (!buf || !png_image_finish_read(&img, &white, buf, 0, NULL)) {
		free(buf);
		png_image_free(&img);
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a readable PNG image");
	}
	*w = img.width;
	*h = img.height;
	*px = buf;
	return 0;
}

int qr_scan_file(const char *path, char **text, size_t *len, struct shomei_diag *d)
{
	*text = NULL;
	*len = 0;
	char *data = NULL;
	size_t n = 0;
	int e = fileio_read(path, QR_MAX_IMAGE_BYTES, &data, &n, d);
	if (e)
		return e;
	unsigned char *px = NULL;
	unsigned w = 0, h = 0;
	const unsigned char *u = (const unsigned char *)data;
	if (n >= 8 && !memcmp(u, "\x89PNG\r\n\x1a\n", 8))
		e = read_png(u, n, &px, &w, &h, d);
	else if (n >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff)
		e = read_jpeg(u, n, &px, &w, &h, d);
	else
		e = diag_set(d, SHOMEI_ERR_PARSE, NULL, "neither a PNG nor a JPEG image");
	free(data);
	if (e)
		return e;
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	if (!sc || !img) {
		free(px);
		zbar_image_scanner_destroy(sc);
		zbar_image_destroy(img);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, w, h);
	zbar_image_set_data(img, px, (unsigned long)w * h, NULL);
	int found = zbar_scan_image(sc, img);
	e = found > 0 ? 0 : diag_set(d, SHOMEI_ERR_NOTFOUND, NULL, "no QR code found in the image");
	for (const zbar_symbol_t *s = zbar_image_first_symbol(img); !e && s;
	     s = zbar_symbol_next(s)) {
		const char *sd = zbar_symbol_get_data(s);
		unsigned sl = zbar_symbol_get_data_length(s);
		if (*text) {
			if (sl != *len || memcmp(sd, *text, sl) != 0)
				e = diag_set(d, SHOMEI_ERR_INVALID, NULL,
					     "two different QR codes in the image");
			continue;
		}
		*text = malloc(sl + 1);
		if (!*text) {
			e = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
			break;
		}
		memcpy(*text, sd, sl);
		(*text)[sl] = '\0';
		*len = sl;
	}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	free(px);
	if (e) {
		free(*text);
		*text = NULL;
		*len = 0;
	}
	return e;
}
