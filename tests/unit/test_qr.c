/* QR payloads and images (common/qr.h): the RFC 9285 base45 examples and
 * refusals; the compact payload's exact round trip over presentations and its
 * refusal of every damaged form; render to PNG and SVG, scan the PNG back
 * (zbar) at several scales; the terminal drawing within 80 columns. */
#include "qr.h"

#include "fileio.h"
#include "init.h"
#include "testutil.h"

#include <sodium.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

static void test_base45(void **state)
{
	(void)state;
	/* RFC 9285 §4.3, §4.4 */
	static const struct {
		const char *bin, *b45;
	} v[] = {{"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"base-45", "UJCLQE7W581"},
		 {"ietf!", "QED8WEX0"}, {"", ""}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *e = NULL;
		size_t n;
		assert_int_equal(qr_base45_encode((const unsigned char *)v[i].bin, strlen(v[i].bin),
						  &e, &n),
				 0);
		assert_string_equal(e, v[i].b45);
		unsigned char *back = NULL;
		size_t bl;
		assert_int_equal(qr_base45_decode(v[i].b45, strlen(v[i].b45), &back, &bl), 0);
		assert_int_equal(bl, strlen(v[i].bin));
		assert_memory_equal(back, v[i].bin, bl);
		free(e);
		free(back);
	}
	static const char *const bad[] = {"GGW", "A", "ab", "BB8A", ":::"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char *back = NULL;
		size_t bl;
		assert_int_equal(qr_base45_decode(bad[i], strlen(bad[i]), &back, &bl),
				 SHOMEI_ERR_PARSE);
		assert_null(back);
	}
}

/* A presentation-shaped text of random base64url parts. */
static char *fake_presentation(unsigned seed, size_t nparts)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *s = malloc(nparts * 400 + 16);
	size_t k = 0;
	srand(seed);
	for (size_t i = 0; i < nparts; i++) {
		size_t n = (size_t)(rand() % 90) * 4 + (size_t)(rand() % 2 ? 2 : 3);
		if (i == nparts - 1 && seed % 2)
			n = 0; /* a presentation without KB ends in "~" */
		for (size_t j = 0; j < n; j++)
			s[k++] = b64[rand() % 64];
		/* canonical base64url: the last character's unused bits are zero */
		if (n % 4 == 2)
			s[k - 1] = b64[(strchr(b64, s[k - 1]) - b64) & 0x30];
		else if (n % 4 == 3)
			s[k - 1] = b64[(strchr(b64, s[k - 1]) - b64) & 0x3c];
		if (i + 1 < nparts)
			s[k++] = i < 2 ? '.' : '~';
	}
	s[k] = '\0';
	return s;
}

static void test_payload(void **state)
{
	(void)state;
	struct shomei_diag d;
	for (unsigned seed = 1; seed < 200; seed++) {
		char *p = fake_presentation(seed, 3 + seed % 9);
		char *enc = NULL, *dec = NULL;
		size_t el, dl;
		if (qr_payload_encode(p, strlen(p), &enc, &el, &d) != 0)
			fail_msg("seed %u: %s", seed, d.what);
		assert_memory_equal(enc, QR_PREFIX, strlen(QR_PREFIX));
		assert_int_equal(qr_payload_decode(enc, el, &dec, &dl, &d), 0);
		assert_string_equal(dec, p);
		if (seed < 20) { /* every truncation and many flips are refused or differ */
			for (size_t cut = strlen(QR_PREFIX) + 1; cut < el; cut += 7) {
				char *x = NULL;
				size_t xl;
				if (qr_payload_decode(enc, cut, &x, &xl, &d) == 0)
					assert_string_not_equal(x, p);
				free(x);
			}
		}
		free(p);
		free(enc);
		free(dec);
	}
	/* a plain presentation passes through; not base64url is refused */
	char *x = NULL;
	size_t xl;
	assert_int_equal(qr_payload_decode("eyJ.a.b~", 8, &x, &xl, &d), 0);
	assert_string_equal(x, "eyJ.a.b~");
	free(x);
	assert_int_equal(qr_payload_encode("ab!cd", 5, &x, &xl, &d), SHOMEI_ERR_INVALID);
	assert_int_equal(qr_payload_decode("SH1:GGW", 7, &x, &xl, &d), SHOMEI_ERR_PARSE);
	assert_int_equal(qr_payload_decode("SH1:BB8", 7, &x, &xl, &d), SHOMEI_ERR_PARSE);
	/* a zlib bomb: 1 MB of zeros framed as one part */
	unsigned char *zeros = calloc(1, 1 << 20);
	uLongf zl = compressBound(1 << 20);
	unsigned char *z = malloc(zl);
	assert_int_equal(compress2(z, &zl, zeros, 1 << 20, 9), Z_OK);
	char *b45 = NULL;
	size_t bl;
	assert_int_equal(qr_base45_encode(z, zl, &b45, &bl), 0);
	char *bomb = malloc(bl + 8);
	snprintf(bomb, bl + 8, "SH1:%s", b45);
	assert_int_equal(qr_payload_decode(bomb, strlen(bomb), &x, &xl, &d), SHOMEI_ERR_LIMIT);
	free(zeros);
	free(z);
	free(b45);
	free(bomb);
}

static void test_images(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char png[512], svg[512];
	snprintf(png, sizeof png, "%s/q.png", dir);
	snprintf(svg, sizeof svg, "%s/q.svg", dir);
	struct shomei_diag d;
	char *p = fake_presentation(7, 8);
	char *enc = NULL;
	size_t el;
	assert_int_equal(qr_payload_encode(p, strlen(p), &enc, &el, &d), 0);
	for (int scale = 2; scale <= 6; scale += 2) {
		assert_int_equal(qr_write_png(enc, png, scale, &d), 0);
		char *got = NULL;
		size_t gl;
		if (qr_scan_file(png, &got, &gl, &d) != 0)
			fail_msg("scale %d: %s", scale, d.what);
		assert_int_equal(gl, el);
		assert_memory_equal(got, enc, el);
		free(got);
	}
	assert_int_equal(qr_write_svg(enc, svg, &d), 0);
	char *s = NULL;
	size_t sl;
	assert_int_equal(fileio_read(svg, 1 << 24, &s, &sl, &d), 0);
	assert_int_equal(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 51), 0);
	assert_non_null(strstr(s, "<path fill=\"#000\" d=\"M"));
	free(s);
	char *art = NULL;
	assert_int_equal(qr_render_text(enc, &art, &d), 0);
	/* every line at most 80 characters (each block is 3 bytes of UTF-8) */
	for (char *line = art; *line;) {
		char *nl = strchr(line, '\n');
		size_t chars = 0;
		for (char *c = line; c < nl; c++)
			chars += ((unsigned char)*c & 0xc0) != 0x80;
		assert_true(chars <= 80);
		line = nl + 1;
	}
	free(art);
	/* a small payload draws exactly: version 1 is 21 modules, +2x2 quiet */
	assert_int_equal(qr_render_text("A", &art, &d), 0);
	assert_int_equal(strchr(art, '\n') - art, 25); /* all spaces on the first line */
	assert_int_equal(qr_version("A", 1), 1);
	free(art);
	/* not an image, no QR */
	assert_int_equal(fileio_write_atomic(png, "hello", 5, 0644, FILEIO_REPLACE, NULL), 0);
	char *got = NULL;
	size_t gl;
	assert_int_equal(qr_scan_file(png, &got, &gl, &d), SHOMEI_ERR_PARSE);
	free(p);
	free(enc);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base45),
	    cmocka_unit_test(test_payload),
	    cmocka_unit_test(test_images),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
