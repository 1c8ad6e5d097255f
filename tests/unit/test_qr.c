/* QR codes (common/qr.h): encoding, the terminal text (a hand-checked small
 * case, the 80-column limits, inverted and quadrant forms read back module by
 * module), PNG and SVG output, and scanning back what was rendered: PNG at
 * 2 and 3 pixels a module, rotated, stretched, RGBA with transparency, 16-bit
 * gray, JPEG; and the scanner's refusals. */
#include "err.h"
#include "fileio.h"
#include "init.h"
#include "qr.h"
#include "qrpayload.h"
#include "qr_sample.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <jpeglib.h>
#include <cmocka.h>

static struct qs_text sample;

/* The SH1 payload of the typical presentation of docs/qr.md, seed 1. */
static char *typical_payload(size_t *n)
{
	qs_typical(1, &sample);
	char *payload;
	assert_int_equal(qrpayload_encode(sample.s, sample.len, &payload, n, NULL), 0);
	return payload;
}

static void test_encode(void **state)
{
	(void)state;
	struct qr_code q;
	struct shomei_diag d;
	assert_int_equal(qr_encode("SH1:TEST", 8, &q, &d), 0);
	assert_int_equal(q.version, 1);
	assert_int_equal(q.width, 21);
	/* The top-left finder pattern: a dark 7x7 ring around a 3x3 core. */
	for (int i = 0; i < 7; i++) {
		assert_int_equal(q.dark[i], 1);
		assert_int_equal(q.dark[6 * 21 + i], 1);
		assert_int_equal(q.dark[i * 21], 1);
	}
	assert_int_equal(q.dark[1 * 21 + 1], 0);
	assert_int_equal(q.dark[3 * 21 + 3], 1);
	qr_code_release(&q);
	qr_code_release(&q); /* safe twice */
	qr_code_release(NULL);

	/* Version 1 at M holds 20 alphanumeric characters (ISO/IEC 18004
	 * Table 7), so 21 take version 2. */
	assert_int_equal(qr_encode("ABCDEFGHIJKLMNOPQRST", 20, &q, NULL), 0);
	assert_int_equal(q.version, 1);
	qr_code_release(&q);
	assert_int_equal(qr_encode("ABCDEFGHIJKLMNOPQRSTU", 21, &q, NULL), 0);
	assert_int_equal(q.version, 2);
	qr_code_release(&q);
	/* 8-bit: 14 bytes fit version 1 at M, 15 do not. */
	assert_int_equal(qr_encode("abcdefghijklmn", 14, &q, NULL), 0);
	assert_int_equal(q.version, 1);
	qr_code_release(&q);
	assert_int_equal(qr_encode("abcdefghijklmno", 15, &q, NULL), 0);
	assert_int_equal(q.version, 2);
	qr_code_release(&q);
	/* Binary with NULs. */
	static const unsigned char bin[] = {0, 1, 2, 0, 255};
	assert_int_equal(qr_encode(bin, sizeof bin, &q, NULL), 0);
	assert_int_equal(q.version, 1);
	qr_code_release(&q);

	assert_int_equal(qr_encode("", 0, &q, &d), SHOMEI_ERR_USAGE);
	assert_null(q.dark);
	static char big[QR_MAX_DATA_BYTES + 1];
	memset(big, 'a', sizeof big);
	assert_int_equal(qr_encode(big, sizeof big, &q, &d), SHOMEI_ERR_LIMIT);
	/* 2331 bytes is version 40's 8-bit capacity at M; one more does not fit. */
	assert_int_equal(qr_encode(big, 2331, &q, &d), 0);
	assert_int_equal(q.version, 40);
	qr_code_release(&q);
	assert_int_equal(qr_encode(big, 2332, &q, &d), SHOMEI_ERR_LIMIT);
	assert_string_equal(d.what, "needs a version above 40");
	assert_null(q.dark);
}

/* Checked by hand against the module grid of "SH1:TEST" (version 1): each
 * character is a module of two rows, the first two lines and the last two
 * are the border, and the last line's lower half is outside the 29-module
 * square, so light. */
static const char small_art[] = "                             \n"
				"                             \n"
				"    █▀▀▀▀▀█ ▄▀ ▀▀ █▀▀▀▀▀█    \n"
				"    █ ███ █  ▄▄▀▄ █ ███ █    \n"
				"    █ ▀▀▀ █ ▀▄▄█▀ █ ▀▀▀ █    \n"
				"    ▀▀▀▀▀▀▀ ▀▄█ ▀ ▀▀▀▀▀▀▀    \n"
				"    █ █ ▀ ▀▄▄▀▀▄▀▄ ▄▀▄ ▀     \n"
				"    ▄▄▄██ ▀▀▄▄ █▄█▀█▄▄█▀▄    \n"
				"      ▀▀  ▀▀█▀█▀ ▀██ █ █     \n"
				"    █▀▀▀▀▀█  ▄  ▀ ▄▄▀▀ █▀    \n"
				"    █ ███ █ ▀▄█▄▀▄▀▄ ▄██▀    \n"
				"    █ ▀▀▀ █ ▀▄▀█▄█▀█▀▀█▄█    \n"
				"    ▀▀▀▀▀▀▀ ▀  ▀ ▀▀     ▀    \n"
				"                             \n"
				"                             \n";

static const char *const glyphs[16] = {
    " ",      "\u2598", "\u259d", "\u2580", "\u2596", "\u258c", "\u259e", "\u259b",
    "\u2597", "\u259a", "\u2590", "\u259c", "\u2584", "\u2599", "\u259f", "\u2588",
};

/* Reads terminal art back into a grid of side x side modules (1 = ink).
 * Returns the number of columns of the widest line. */
static unsigned art_to_modules(const char *art, int quad, unsigned char *grid, unsigned side)
{
	unsigned row = 0, col = 0, widest = 0;
	memset(grid, 0, (size_t)side * side);
	const char *p = art;
	while (*p) {
		if (*p == '\n') {
			if (col > widest)
				widest = col;
			row += 2;
			col = 0;
			p++;
			continue;
		}
		int bits = -1;
		for (int g = 0; g < 16; g++)
			if (strncmp(p, glyphs[g], strlen(glyphs[g])) == 0) {
				bits = g;
				p += strlen(glyphs[g]);
				break;
			}
		if (bits < 0)
			fail_msg("unexpected byte 0x%02x in the art", (unsigned char)*p);
		unsigned x = quad ? 2 * col : col;
		for (int k = 0; k < 4; k++) {
			unsigned dx = (unsigned)k & 1, dy = (unsigned)k >> 1;
			if (!(bits & (1 << k)))
				continue;
			if (!quad && dx)
				continue;
			if (x + dx < side && row + dy < side)
				grid[(row + dy) * side + x + dx] = 1;
		}
		/* Half blocks: bit 1 (top right) mirrors top left; ignore. */
		col++;
	}
	return widest;
}

static void check_art_matches(const struct qr_code *q, const char *art, int quad, int invert,
			      unsigned quiet)
{
	unsigned side = (unsigned)q->width + 2 * quiet;
	unsigned char *grid = malloc((size_t)side * side);
	assert_non_null(grid);
	art_to_modules(art, quad, grid, side);
	for (unsigned y = 0; y < side; y++)
		for (unsigned x = 0; x < side; x++) {
			int dark = 0;
			if (x >= quiet && y >= quiet && x - quiet < (unsigned)q->width &&
			    y - quiet < (unsigned)q->width)
				dark = q->dark[(y - quiet) * (unsigned)q->width + (x - quiet)];
			int ink = invert ? !dark : dark;
			if (grid[y * side + x] != ink)
				fail_msg("module (%u, %u) is %d, want %d", x, y, grid[y * side + x],
					 ink);
		}
	free(grid);
}

static unsigned line_count(const char *s)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Columns of the widest line: UTF-8 characters, not bytes. */
static unsigned widest_line(const char *s)
{
	unsigned w = 0, col = 0;
	for (; *s; s++) {
		if (*s == '\n') {
			w = col > w ? col : w;
			col = 0;
		} else if (((unsigned char)*s & 0xc0) != 0x80) {
			col++;
		}
	}
	return w;
}

static void test_text_small(void **state)
{
	(void)state;
	struct qr_code q;
	assert_int_equal(qr_encode("SH1:TEST", 8, &q, NULL), 0);
	char *art;
	size_t n;
	assert_int_equal(qr_render_text(&q, 0, 0, &art, &n, NULL), 0);
	assert_int_equal(n, strlen(art));
	if (strcmp(art, small_art) != 0)
		fail_msg("got\n%s", art);
	check_art_matches(&q, art, 0, 0, QR_QUIET_MODULES);
	free(art);

	/* Inverted: ink for the light modules and the border. */
	assert_int_equal(qr_render_text(&q, QR_TEXT_INVERT, 0, &art, &n, NULL), 0);
	check_art_matches(&q, art, 0, 1, QR_QUIET_MODULES);
	assert_int_equal(line_count(art), 15);
	assert_true(strncmp(art, "█████", strlen("█████")) == 0);
	free(art);

	/* Quadrants: 15 columns for 29 modules. */
	assert_int_equal(qr_render_text(&q, QR_TEXT_QUADRANTS, 0, &art, &n, NULL), 0);
	check_art_matches(&q, art, 1, 0, QR_QUIET_MODULES);
	assert_int_equal(widest_line(art), 15);
	free(art);
	assert_int_equal(qr_render_text(&q, QR_TEXT_QUADRANTS | QR_TEXT_INVERT, 0, &art, &n, NULL),
			 0);
	check_art_matches(&q, art, 1, 1, QR_QUIET_MODULES);
	free(art);

	/* A narrow terminal: 29 columns take the full border, 25 the reduced
	 * one, 24 nothing. */
	assert_int_equal(qr_render_text(&q, 0, 29, &art, &n, NULL), 0);
	assert_int_equal(widest_line(art), 29);
	free(art);
	assert_int_equal(qr_render_text(&q, 0, 28, &art, &n, NULL), 0);
	assert_int_equal(widest_line(art), 25);
	check_art_matches(&q, art, 0, 0, QR_TEXT_MIN_QUIET);
	free(art);
	struct shomei_diag d;
	art = (char *)1;
	assert_int_equal(qr_render_text(&q, 0, 24, &art, &n, &d), SHOMEI_ERR_LIMIT);
	assert_null(art);
	assert_string_equal(d.what, "a version 1 code needs 25 columns, the terminal has 24");
	assert_int_equal(qr_render_text(&q, 4, 0, &art, &n, &d), SHOMEI_ERR_USAGE);
	qr_code_release(&q);
}

/* A blank code of a given version, for the width limits. */
static void blank_code(struct qr_code *q, int version)
{
	q->version = version;
	q->width = 17 + 4 * version;
	q->dark = calloc((size_t)q->width * (size_t)q->width, 1);
	assert_non_null(q->dark);
}

static void test_text_80_columns(void **state)
{
	(void)state;
	static const struct {
		unsigned flags;
		int version;
		int fits;
		unsigned columns;
	} cases[] = {
	    {0, 13, 1, 77}, /* full border */
	    {0, 14, 1, 77}, /* reduced border */
	    {0, QR_TEXT_HALF_MAX_VERSION_80, 1, 77},
	    {0, QR_TEXT_HALF_MAX_VERSION_80 + 1, 0, 0},
	    {QR_TEXT_QUADRANTS, 33, 1, 79},
	    {QR_TEXT_QUADRANTS, QR_TEXT_QUAD_MAX_VERSION_80, 1, 79},
	    {QR_TEXT_QUADRANTS, QR_TEXT_QUAD_MAX_VERSION_80 + 1, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct qr_code q;
		blank_code(&q, cases[i].version);
		char *art;
		size_t n;
		int rc = qr_render_text(&q, cases[i].flags, 80, &art, &n, NULL);
		if (cases[i].fits) {
			assert_int_equal(rc, 0);
			assert_int_equal(widest_line(art), cases[i].columns);
			free(art);
		} else {
			assert_int_equal(rc, SHOMEI_ERR_LIMIT);
		}
		qr_code_release(&q);
	}

	/* The typical presentation: too wide in half blocks, fine in quadrants. */
	size_t pn;
	char *payload = typical_payload(&pn);
	struct qr_code q;
	assert_int_equal(qr_encode(payload, pn, &q, NULL), 0);
	assert_true(q.version > QR_TEXT_HALF_MAX_VERSION_80);
	assert_true(q.version <= QR_TEXT_QUAD_MAX_VERSION_80);
	char *art;
	size_t n;
	struct shomei_diag d;
	assert_int_equal(qr_render_text(&q, 0, 80, &art, &n, &d), SHOMEI_ERR_LIMIT);
	print_message("# typical presentation, version %d, half blocks: %s\n", q.version, d.what);
	assert_int_equal(qr_render_text(&q, QR_TEXT_QUADRANTS, 80, &art, &n, NULL), 0);
	print_message("# quadrants: %u columns, %u lines\n", widest_line(art), line_count(art));
	assert_true(widest_line(art) <= 80);
	check_art_matches(&q, art, 1, 0, QR_QUIET_MODULES);
	free(art);
	/* A wide terminal takes the half blocks. */
	assert_int_equal(qr_render_text(&q, 0, 200, &art, &n, NULL), 0);
	assert_int_equal(widest_line(art), (unsigned)q.width + 2 * QR_QUIET_MODULES);
	check_art_matches(&q, art, 0, 0, QR_QUIET_MODULES);
	free(art);
	qr_code_release(&q);
	free(payload);
}

/* 8-bit gray pixels of q: sx by sy pixels a module, a 4-module border. */
static unsigned char *to_pixels(const struct qr_code *q, unsigned sx, unsigned sy, unsigned *w,
				unsigned *h)
{
	unsigned side = (unsigned)q->width + 2 * QR_QUIET_MODULES;
	*w = side * sx;
	*h = side * sy;
	unsigned char *p = malloc((size_t)*w * *h);
	assert_non_null(p);
	for (unsigned y = 0; y < *h; y++)
		for (unsigned x = 0; x < *w; x++) {
			int mx = (int)(x / sx) - QR_QUIET_MODULES,
			    my = (int)(y / sy) - QR_QUIET_MODULES;
			int dark = mx >= 0 && my >= 0 && mx < q->width && my < q->width &&
				   q->dark[my * q->width + mx];
			p[(size_t)y * *w + x] = dark ? 0 : 255;
		}
	return p;
}

static void expect_scan(const unsigned char *img, size_t n, const char *want, size_t want_len)
{
	char *text;
	size_t len;
	struct shomei_diag d;
	int rc = qr_scan_image(img, n, &text, &len, &d);
	if (rc != 0)
		fail_msg("scan: %d %s", rc, d.what);
	assert_int_equal(len, want_len);
	assert_memory_equal(text, want, want_len);
	assert_int_equal(text[len], '\0');
	free(text);
}

static unsigned char *png_of(const void *pixels, unsigned w, unsigned h, png_uint_32 format,
			     size_t *n)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = w;
	img.height = h;
	img.format = format;
	png_alloc_size_t size = 0;
	assert_true(png_image_write_to_memory(&img, NULL, &size, 0, pixels, 0, NULL));
	unsigned char *out = malloc(size);
	assert_non_null(out);
	assert_true(png_image_write_to_memory(&img, out, &size, 0, pixels, 0, NULL));
	*n = size;
	return out;
}

static unsigned char *jpeg_of(const unsigned char *pixels, unsigned w, unsigned h, size_t *n)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	unsigned char *mem = NULL;
	unsigned long size = 0;
	jpeg_mem_dest(&c, &mem, &size);
	c.image_width = w;
	c.image_height = h;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 75, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < h) {
		JSAMPROW row = (JSAMPROW)(pixels + (size_t)c.next_scanline * w);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	*n = size;
	return mem;
}

static void test_png_round_trip(void **state)
{
	(void)state;
	size_t pn;
	char *payload = typical_payload(&pn);
	struct qr_code q;
	assert_int_equal(qr_encode(payload, pn, &q, NULL), 0);
	for (unsigned scale = 1; scale <= 4; scale++) {
		unsigned char *png;
		size_t n;
		assert_int_equal(qr_render_png(&q, scale, &png, &n, NULL), 0);
		assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
		/* IHDR: width and height big-endian at bytes 16 and 20. */
		unsigned side = ((unsigned)q.width + 8) * scale;
		assert_int_equal((unsigned)png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19],
				 side);
		if (scale >= 2) /* zbar needs 2 pixels a module */
			expect_scan(png, n, payload, pn);
		free(png);
	}
	struct shomei_diag d;
	unsigned char *png = (unsigned char *)1;
	size_t n;
	assert_int_equal(qr_render_png(&q, 0, &png, &n, &d), SHOMEI_ERR_USAGE);
	assert_null(png);
	assert_int_equal(qr_render_png(&q, QR_PNG_MAX_SCALE + 1, &png, &n, &d), SHOMEI_ERR_USAGE);

	/* Through a file, written atomically, named without an extension. */
	char *dir = tu_tempdir();
	char path[4096];
	snprintf(path, sizeof path, "%s/code", dir);
	assert_int_equal(qr_write_png(&q, 3, path, NULL), 0);
	char *text;
	size_t len;
	assert_int_equal(qr_scan_file(path, &text, &len, NULL), 0);
	assert_int_equal(len, pn);
	assert_memory_equal(text, payload, pn);
	free(text);
	/* Replacing it works too. */
	assert_int_equal(qr_write_png(&q, 2, path, NULL), 0);
	assert_int_equal(qr_scan_file(path, &text, &len, NULL), 0);
	free(text);
	tu_rm_rf(dir);
	free(dir);
	qr_code_release(&q);
	free(payload);
}

static void test_scan_transforms(void **state)
{
	(void)state;
	size_t pn;
	char *payload = typical_payload(&pn);
	struct qr_code q;
	assert_int_equal(qr_encode(payload, pn, &q, NULL), 0);
	unsigned w, h;
	size_t n;

	/* 2 and 3 pixels a module, as 8-bit gray PNG; the raw pixels too. */
	for (unsigned s = 2; s <= 3; s++) {
		unsigned char *px = to_pixels(&q, s, s, &w, &h);
		unsigned char *png = png_of(px, w, h, PNG_FORMAT_GRAY, &n);
		expect_scan(png, n, payload, pn);
		char *text;
		size_t len;
		assert_int_equal(qr_scan_gray(px, w, h, &text, &len, NULL), 0);
		assert_int_equal(len, pn);
		free(text);
		free(png);
		free(px);
	}

	/* Rotated by 90 degrees. */
	unsigned char *px = to_pixels(&q, 3, 3, &w, &h);
	unsigned char *rot = malloc((size_t)w * h);
	assert_non_null(rot);
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++)
			rot[(size_t)x * h + (h - 1 - y)] = px[(size_t)y * w + x];
	unsigned char *png = png_of(rot, h, w, PNG_FORMAT_GRAY, &n);
	expect_scan(png, n, payload, pn);
	free(png);

	/* JPEG (lossy), told by its magic bytes. */
	unsigned char *jpg = jpeg_of(px, w, h, &n);
	assert_memory_equal(jpg, "\xff\xd8\xff", 3);
	expect_scan(jpg, n, payload, pn);
	/* A truncated JPEG is refused, not crashed on. */
	char *text = (char *)1;
	size_t len = 9;
	struct shomei_diag d;
	int rc = qr_scan_image(jpg, 400, &text, &len, &d);
	assert_true(rc == SHOMEI_ERR_PARSE || rc == SHOMEI_ERR_NOTFOUND);
	assert_null(text);
	free(jpg);

	/* RGBA: dark modules opaque black, light ones fully transparent; libpng
	 * composes them over white. */
	unsigned char *rgba = malloc((size_t)w * h * 4);
	assert_non_null(rgba);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = 0;
		rgba[4 * i + 3] = px[i] ? 0 : 255;
	}
	png = png_of(rgba, w, h, PNG_FORMAT_RGBA, &n);
	expect_scan(png, n, payload, pn);
	free(png);
	free(rgba);

	/* 16-bit linear gray. */
	uint16_t *g16 = malloc((size_t)w * h * 2);
	assert_non_null(g16);
	for (size_t i = 0; i < (size_t)w * h; i++)
		g16[i] = px[i] ? 65535 : 0;
	png = png_of(g16, w, h, PNG_FORMAT_LINEAR_Y, &n);
	expect_scan(png, n, payload, pn);
	free(png);
	free(g16);
	free(rot);
	free(px);

	/* Modules twice as tall as wide, as the quadrant terminal text draws
	 * them in a 1:2 cell. */
	px = to_pixels(&q, 3, 6, &w, &h);
	png = png_of(px, w, h, PNG_FORMAT_GRAY, &n);
	expect_scan(png, n, payload, pn);
	free(png);
	free(px);
	qr_code_release(&q);
	free(payload);
}

static void expect_scan_error(const unsigned char *img, size_t n, int want, const char *what)
{
	char *text = (char *)1;
	size_t len = 9;
	struct shomei_diag d;
	diag_clear(&d);
	int rc = qr_scan_image(img, n, &text, &len, &d);
	if (rc != want)
		fail_msg("got %d (%s), want %d", rc, d.what, want);
	assert_null(text);
	assert_int_equal(len, 0);
	if (what && !strstr(d.what, what))
		fail_msg("what '%s', want '%s'", d.what, what);
}

static void test_scan_errors(void **state)
{
	(void)state;
	size_t n;
	/* A white image. */
	unsigned char *white = malloc(200 * 200);
	assert_non_null(white);
	memset(white, 255, 200 * 200);
	unsigned char *png = png_of(white, 200, 200, PNG_FORMAT_GRAY, &n);
	expect_scan_error(png, n, SHOMEI_ERR_NOTFOUND, "no qr code found");
	/* Truncated PNG. */
	expect_scan_error(png, 40, SHOMEI_ERR_PARSE, "png");
	free(png);
	free(white);

	/* Two different codes side by side; the same code twice is one. */
	struct qr_code a, b;
	assert_int_equal(qr_encode("SH1:FIRST", 9, &a, NULL), 0);
	assert_int_equal(qr_encode("SH1:OTHER", 9, &b, NULL), 0);
	unsigned aw, ah, bw, bh;
	unsigned char *pa = to_pixels(&a, 4, 4, &aw, &ah);
	unsigned char *pb = to_pixels(&b, 4, 4, &bw, &bh);
	assert_int_equal(aw, bw);
	unsigned w = aw * 2, h = ah;
	unsigned char *two = malloc((size_t)w * h);
	assert_non_null(two);
	for (unsigned y = 0; y < h; y++) {
		memcpy(two + (size_t)y * w, pa + (size_t)y * aw, aw);
		memcpy(two + (size_t)y * w + aw, pb + (size_t)y * aw, aw);
	}
	png = png_of(two, w, h, PNG_FORMAT_GRAY, &n);
	expect_scan_error(png, n, SHOMEI_ERR_INVALID, "more than one qr code");
	free(png);
	for (unsigned y = 0; y < h; y++)
		memcpy(two + (size_t)y * w + aw, pa + (size_t)y * aw, aw);
	png = png_of(two, w, h, PNG_FORMAT_GRAY, &n);
	expect_scan(png, n, "SH1:FIRST", 9);
	free(png);
	free(two);
	free(pa);
	free(pb);
	qr_code_release(&a);
	qr_code_release(&b);

	/* Not an image; an SVG is not one either. */
	expect_scan_error((const unsigned char *)"GIF89a...", 9, SHOMEI_ERR_UNSUPPORTED,
			  "not a png or jpeg");
	expect_scan_error((const unsigned char *)"<svg", 4, SHOMEI_ERR_UNSUPPORTED, NULL);
	expect_scan_error((const unsigned char *)"\x89PNG", 4, SHOMEI_ERR_UNSUPPORTED, NULL);
	/* A JPEG header and nothing else. */
	expect_scan_error((const unsigned char *)"\xff\xd8\xff\xe0\0\x10JFIF\0", 11,
			  SHOMEI_ERR_PARSE, "jpeg");

	/* Too wide: QR_SCAN_MAX_SIDE + 1 pixels by 1. */
	unsigned char *line = malloc(QR_SCAN_MAX_SIDE + 1);
	assert_non_null(line);
	memset(line, 255, QR_SCAN_MAX_SIDE + 1);
	png = png_of(line, QR_SCAN_MAX_SIDE + 1, 1, PNG_FORMAT_GRAY, &n);
	expect_scan_error(png, n, SHOMEI_ERR_LIMIT, "more than 8192");
	free(png);
	png = png_of(line, QR_SCAN_MAX_SIDE, 1, PNG_FORMAT_GRAY, &n);
	expect_scan_error(png, n, SHOMEI_ERR_NOTFOUND, NULL);
	free(png);
	free(line);
	unsigned char one = 0;
	char *text;
	size_t len;
	assert_int_equal(qr_scan_gray(&one, 0, 1, &text, &len, NULL), SHOMEI_ERR_PARSE);
	expect_scan_error(&one, QR_SCAN_MAX_FILE_BYTES + 1u, SHOMEI_ERR_LIMIT, "larger than");

	/* Files: missing, and too large. */
	struct shomei_diag d;
	assert_int_equal(qr_scan_file("/nonexistent/shomei/code.png", &text, &len, &d),
			 SHOMEI_ERR_IO);
	assert_null(text);
}

/* Sums the dark modules an SVG path draws ("M x yhNv1h-Nz" runs). */
static size_t svg_dark_modules(const char *d, size_t *runs)
{
	size_t total = 0;
	*runs = 0;
	const char *p = d;
	while (*p == 'M') {
		int x, y, h1, h2, used = 0;
		if (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &h1, &h2, &used) != 4 || used == 0)
			fail_msg("bad path at '%.20s'", p);
		assert_int_equal(h1, h2);
		total += (size_t)h1;
		(*runs)++;
		p += used;
	}
	assert_int_equal(*p, '"');
	return total;
}

static void test_svg(void **state)
{
	(void)state;
	size_t pn;
	char *payload = typical_payload(&pn);
	struct qr_code q;
	assert_int_equal(qr_encode(payload, pn, &q, NULL), 0);
	char *svg;
	size_t n;
	assert_int_equal(qr_render_svg(&q, &svg, &n, NULL), 0);
	assert_int_equal(strlen(svg), n);
	assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	char viewbox[64];
	snprintf(viewbox, sizeof viewbox, "viewBox=\"0 0 %d %d\"", q.width + 8, q.width + 8);
	assert_non_null(strstr(svg, viewbox));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	const char *path = strstr(svg, "<path ");
	assert_non_null(path);
	assert_null(strstr(path + 1, "<path")); /* exactly one path */
	assert_true(n > 7 && strcmp(svg + n - 7, "</svg>\n") == 0);
	const char *dattr = strstr(path, " d=\"");
	assert_non_null(dattr);
	size_t runs;
	size_t drawn = svg_dark_modules(dattr + 4, &runs);
	size_t dark = 0;
	for (int i = 0; i < q.width * q.width; i++)
		dark += q.dark[i];
	assert_int_equal(drawn, dark);
	assert_true(runs < dark);
	/* Every element opened is closed. */
	assert_non_null(strstr(svg, "<rect "));
	assert_non_null(strstr(svg, "\"/>\n</svg>"));

	char *dir = tu_tempdir();
	char file[4096];
	snprintf(file, sizeof file, "%s/code.svg", dir);
	assert_int_equal(qr_write_svg(&q, file, NULL), 0);
	char *back;
	size_t back_len;
	assert_int_equal(fileio_read(file, 1 << 20, &back, &back_len, NULL), 0);
	assert_int_equal(back_len, n);
	assert_memory_equal(back, svg, n);
	free(back);
	/* A file that is not an image is refused by the scanner. */
	char *text;
	size_t len;
	assert_int_equal(qr_scan_file(file, &text, &len, NULL), SHOMEI_ERR_UNSUPPORTED);
	tu_rm_rf(dir);
	free(dir);
	free(svg);
	struct qr_code bad = {0};
	assert_int_equal(qr_render_svg(&bad, &svg, &n, NULL), SHOMEI_ERR_USAGE);
	assert_null(svg);
	qr_code_release(&q);
	free(payload);
}

/* The whole path: presentation -> SH1 payload -> QR -> PNG -> scan ->
 * payload -> the same presentation. */
static void test_end_to_end(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 6; seed++) {
		qs_presentation(seed, (unsigned)seed, (int)(seed % 2), 6 + (unsigned)seed, &sample);
		char *payload;
		size_t pn;
		assert_int_equal(qrpayload_encode(sample.s, sample.len, &payload, &pn, NULL), 0);
		struct qr_code q;
		assert_int_equal(qr_encode(payload, pn, &q, NULL), 0);
		unsigned char *png;
		size_t n;
		assert_int_equal(qr_render_png(&q, 2, &png, &n, NULL), 0);
		char *text;
		size_t len;
		assert_int_equal(qr_scan_image(png, n, &text, &len, NULL), 0);
		char *back;
		size_t back_len;
		assert_int_equal(qrpayload_decode(text, len, &back, &back_len, NULL), 0);
		assert_int_equal(back_len, sample.len);
		assert_memory_equal(back, sample.s, back_len);
		free(back);
		free(text);
		free(png);
		qr_code_release(&q);
		free(payload);
	}
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_text_small),
	    cmocka_unit_test(test_text_80_columns),
	    cmocka_unit_test(test_png_round_trip),
	    cmocka_unit_test(test_scan_transforms),
	    cmocka_unit_test(test_scan_errors),
	    cmocka_unit_test(test_svg),
	    cmocka_unit_test(test_end_to_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
