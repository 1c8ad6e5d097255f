/* The SH1 QR payload (common/qrpayload.h): the measurements behind the format
 * (printed as a table), round trips on realistic and on random presentations,
 * the fallback for other text, plain SD-JWTs passed through, refusal of every
 * damaged or truncated payload and of hand-made bad frames, the limits, and
 * the worked example of docs/qr.md. */
#include "base45.h"
#include "err.h"
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
#include <zlib.h>
#include <cmocka.h>

static struct qs_text sample;

/* encode, then decode, and the same bytes must come back; returns the frame's
 * kind byte (0 text, 1 parts) and the payload length. */
static int round_trip(const char *text, size_t len, size_t *payload_len)
{
	char *payload;
	size_t n;
	struct shomei_diag d;
	int rc = qrpayload_encode(text, len, &payload, &n, &d);
	if (rc != 0)
		fail_msg("encode: %s", d.what);
	assert_int_equal(strlen(payload), n);
	assert_memory_equal(payload, QRPAYLOAD_PREFIX, 4);
	for (size_t i = 4; i < n; i++)
		assert_non_null(
		    strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", payload[i]));
	char *back;
	size_t back_len;
	rc = qrpayload_decode(payload, n, &back, &back_len, &d);
	if (rc != 0)
		fail_msg("decode: %s", d.what);
	assert_int_equal(back_len, len);
	assert_memory_equal(back, text, len);
	assert_int_equal(back[len], '\0');
	unsigned char frame[8];
	size_t fn;
	/* The first triple is the kind byte and the CRC's first byte. */
	assert_int_equal(base45_decode(payload + 4, 3, frame, sizeof frame, &fn), 0);
	free(back);
	free(payload);
	if (payload_len)
		*payload_len = n;
	return frame[0];
}

static void test_measure_table(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		unsigned ndisc, kb, nsd;
	} shapes[] = {
	    {"small: 4 digests, 2 disclosures, no KB", 2, 0, 4},
	    {"typical: 8 digests, 4 disclosures, KB", 4, 1, 8},
	    {"typical without KB", 4, 0, 8},
	    {"larger: 10 digests, 4 disclosures, KB", 4, 1, 10},
	    {"large: 14 digests, 8 disclosures, KB", 8, 1, 14},
	};
	print_message("# QR payload candidates, level M: characters or bytes / version\n");
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
		qs_presentation(7, shapes[s].ndisc, (int)shapes[s].kb, shapes[s].nsd, &sample);
		struct qrpayload_sizes z;
		struct shomei_diag d;
		if (qrpayload_measure(sample.s, sample.len, &z, &d) != 0)
			fail_msg("measure: %s", d.what);
		print_message("# %s: %zu bytes of text\n", shapes[s].name, z.text_bytes);
		for (int c = 0; c < QRPAYLOAD_CANDIDATES; c++)
			print_message("#   %-34s %5zu  v%d\n", qrpayload_candidate_name(c),
				      z.c[c].bytes, z.c[c].version);
		/* What encode emits is the SH1 candidate, and no Base45 candidate
		 * is smaller or needs a lower version. */
		char *payload;
		size_t n;
		assert_int_equal(qrpayload_encode(sample.s, sample.len, &payload, &n, NULL), 0);
		assert_int_equal(n, z.c[QRPAYLOAD_SH1_B45].bytes);
		free(payload);
		assert_true(z.c[QRPAYLOAD_SH1_B45].version > 0);
		for (int c = QRPAYLOAD_DEFLATE_TEXT_B45; c < QRPAYLOAD_CANDIDATES; c++) {
			if (c == QRPAYLOAD_PARTS_BYTE || c == QRPAYLOAD_PARTS_DICT_BYTE ||
			    c == QRPAYLOAD_SH1_BYTE)
				continue;
			assert_true(z.c[QRPAYLOAD_SH1_B45].bytes <= z.c[c].bytes);
			assert_true(z.c[QRPAYLOAD_SH1_B45].version <= z.c[c].version);
		}
		assert_true(z.c[QRPAYLOAD_SH1_B45].version < z.c[QRPAYLOAD_TEXT_BYTE].version ||
			    z.c[QRPAYLOAD_TEXT_BYTE].version == 0);
	}
	assert_string_equal(qrpayload_candidate_name(-1), "?");
	assert_string_equal(qrpayload_candidate_name(QRPAYLOAD_CANDIDATES), "?");
}

/* The requirement: a typical presentation fits version 30 at level M. */
static void test_typical_fits_version_30(void **state)
{
	(void)state;
	int worst = 0;
	size_t text_max = 0;
	for (uint64_t seed = 0; seed < 20; seed++) {
		qs_typical(seed, &sample);
		assert_true(sample.len >= 1200 && sample.len <= 2200);
		if (sample.len > text_max)
			text_max = sample.len;
		char *payload;
		size_t n;
		assert_int_equal(qrpayload_encode(sample.s, sample.len, &payload, &n, NULL), 0);
		struct qr_code q;
		assert_int_equal(qr_encode(payload, n, &q, NULL), 0);
		if (q.version > worst)
			worst = q.version;
		qr_code_release(&q);
		free(payload);
	}
	print_message("# 20 typical presentations up to %zu bytes: at most version %d\n", text_max,
		      worst);
	assert_true(worst <= 30);
}

static void test_round_trip_samples(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 300; seed++) {
		unsigned ndisc = (unsigned)(seed % 13), nsd = (unsigned)(seed * 7 % 21);
		int kb = (int)(seed / 13 % 2);
		qs_presentation(seed, ndisc, kb, nsd, &sample);
		assert_int_equal(round_trip(sample.s, sample.len, NULL), 1);
	}
}

/* Appends the base64url of n random bytes, some of them the escape bytes,
 * quotes and quoted base64url runs of every interesting length. */
static void random_json_part(struct qs_rng *r, struct qs_text *out)
{
	static unsigned char buf[4096];
	size_t n = 0;
	size_t pieces = qs_next(r) % 8;
	for (size_t p = 0; p < pieces; p++) {
		switch (qs_next(r) % 4) {
		case 0: { /* random bytes, escapes included */
			size_t k = qs_next(r) % 40;
			qs_fill(r, buf + n, k);
			n += k;
			break;
		}
		case 1: /* escape bytes themselves */
			buf[n++] = (unsigned char)(qs_next(r) % 2);
			buf[n++] = (unsigned char)(qs_next(r) % 3);
			break;
		default: { /* a quoted run of base64url characters, 10..260 long */
			static const char url[] =
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
			size_t k = 10 + qs_next(r) % 251;
			buf[n++] = '"';
			for (size_t i = 0; i < k; i++)
				buf[n++] = (unsigned char)url[qs_next(r) % 64];
			if (qs_next(r) % 3)
				buf[n++] = '"';
			break;
		}
		}
	}
	qs_b64(out, buf, n);
}

static void random_jws(struct qs_rng *r, struct qs_text *out)
{
	random_json_part(r, out);
	qs_puts(out, ".");
	random_json_part(r, out);
	qs_puts(out, ".");
	qs_random_b64(r, out, qs_next(r) % 3 ? 64 : qs_next(r) % 200);
}

static void test_round_trip_random_parts(void **state)
{
	(void)state;
	struct qs_rng r = {0x0123456789abcdefu};
	for (int round = 0; round < 400; round++) {
		sample.len = 0;
		sample.s[0] = '\0';
		random_jws(&r, &sample);
		qs_puts(&sample, "~");
		size_t nd = qs_next(&r) % 6;
		for (size_t i = 0; i < nd; i++) {
			random_json_part(&r, &sample);
			if (sample.s[sample.len - 1] == '~')
				qs_puts(&sample, "AA"); /* an empty part would be "~~" */
			qs_puts(&sample, "~");
		}
		if (qs_next(&r) % 2)
			random_jws(&r, &sample);
		/* Empty disclosures cannot be framed; the rest must be. */
		int kind = round_trip(sample.s, sample.len, NULL);
		if (strstr(sample.s, "~~") == NULL && kind != 1)
			fail_msg("round %d was not packed as parts: %s", round, sample.s);
	}
}

static void test_text_fallback(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "x",
	    "not a presentation at all",
	    "eyJhbGciOiJFZERTQSJ9.e30.AA",	 /* no '~' */
	    "eyJhbGciOiJFZERTQSJ9.e30.AA~~",	 /* an empty disclosure */
	    "eyJhbGciOiJFZERTQSJ9.e30~",	 /* two parts */
	    "eyJhbGciOiJFZERTQSJ9.e30.AA.AA~",	 /* four parts */
	    "eyJhbGciOiJFZERTQSJ9.e30.AB~",	 /* non-canonical: "AB" has unused bits */
	    "eyJhbGciOiJFZERTQSJ9.e30.AA~e30=~", /* padding */
	    "eyJhbGciOiJFZERTQSJ9.e30.AA~e30~e30.e30",
	    "eyJ+/.e30.AA~",
	    "~",
	    "~~~",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		assert_int_equal(round_trip(texts[i], strlen(texts[i]), NULL), 0);
	/* Well-formed minimal ones may pack either way (the smaller wins). */
	round_trip("e30.e30.~", 9, NULL);
	round_trip("..~", 3, NULL);
	round_trip("..~..", 5, NULL);
	/* Any bytes, NULs included. */
	struct qs_rng r = {42};
	unsigned char bin[3000];
	for (int round = 0; round < 50; round++) {
		size_t n = 1 + qs_next(&r) % sizeof bin;
		qs_fill(&r, bin, n);
		round_trip((const char *)bin, n, NULL);
	}
}

static void test_plain_passthrough(void **state)
{
	(void)state;
	qs_typical(3, &sample);
	char *out;
	size_t n;
	struct shomei_diag d;
	assert_int_equal(qrpayload_decode(sample.s, sample.len, &out, &n, &d), 0);
	assert_int_equal(n, sample.len);
	assert_memory_equal(out, sample.s, n);
	free(out);
	assert_int_equal(qrpayload_decode("eyJ", 3, &out, &n, &d), 0);
	free(out);
	static const char *const bad[] = {"eyJ hbG", "eyJ\n", "eyJ=", "eyJ+", "ey\xc3\xa9"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out = (char *)1;
		n = 9;
		assert_int_equal(qrpayload_decode(bad[i], strlen(bad[i]), &out, &n, &d),
				 SHOMEI_ERR_PARSE);
		assert_null(out);
		assert_int_equal(n, 0);
		assert_non_null(strstr(d.what, "not in an sd-jwt"));
	}
}

static void expect_refused(const char *payload, size_t len, int want_rc, const char *want_what)
{
	char *out = (char *)1;
	size_t n = 9;
	struct shomei_diag d;
	diag_clear(&d);
	int rc = qrpayload_decode(payload, len, &out, &n, &d);
	if (rc == 0 || (want_rc && rc != want_rc))
		fail_msg("'%.60s' (%zu chars): got %d (%s), want %d", payload, len, rc, d.what,
			 want_rc);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_true(d.what[0] != '\0');
	if (want_what && !strstr(d.what, want_what))
		fail_msg("what '%s', want '%s'", d.what, want_what);
}

/* Every single-character change and every truncation of a typical payload
 * is refused. */
static void test_every_corruption_refused(void **state)
{
	(void)state;
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	qs_typical(11, &sample);
	char *payload;
	size_t n;
	assert_int_equal(qrpayload_encode(sample.s, sample.len, &payload, &n, NULL), 0);
	char *copy = malloc(n + 1);
	assert_non_null(copy);
	size_t tried = 0;
	for (size_t i = 0; i < n; i++) {
		const char *pos = strchr(alphabet, payload[i]);
		assert_non_null(pos);
		size_t a = (size_t)(pos - alphabet);
		/* The neighbour in the alphabet (one unit of the base-45 digit) and
		 * a far one. */
		size_t subs[2] = {(a + 1) % 45, (a + 23) % 45};
		for (int k = 0; k < 2; k++) {
			memcpy(copy, payload, n + 1);
			copy[i] = alphabet[subs[k]];
			expect_refused(copy, n, 0, NULL);
			tried++;
		}
	}
	for (size_t cut = 0; cut < n; cut++) {
		expect_refused(payload, cut, 0, NULL);
		tried++;
	}
	print_message("# %zu damaged or truncated payloads of %zu characters, all refused\n", tried,
		      n);
	free(copy);
	free(payload);
}

/* A hand-made frame: kind, the CRC-32 of crc_of, raw deflate of body (no
 * dictionary: a stream that uses none inflates the same with one), side. */
static char *make_payload(int kind, const char *crc_of, size_t crc_len, const void *body,
			  size_t body_len, const void *side, size_t side_len, size_t *out_len)
{
	static unsigned char frame[1 << 18];
	uLong crc = crc32(0L, (const Bytef *)crc_of, (uInt)crc_len);
	frame[0] = (unsigned char)kind;
	frame[1] = (unsigned char)(crc >> 24);
	frame[2] = (unsigned char)(crc >> 16);
	frame[3] = (unsigned char)(crc >> 8);
	frame[4] = (unsigned char)crc;
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)body;
	zs.avail_in = (uInt)body_len;
	zs.next_out = frame + 5;
	zs.avail_out = (uInt)(sizeof frame - 5);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t n = 5 + zs.total_out;
	deflateEnd(&zs);
	assert_true(n + side_len <= sizeof frame);
	if (side_len)
		memcpy(frame + n, side, side_len);
	n += side_len;
	size_t chars = base45_encoded_len(n);
	char *p = malloc(4 + chars + 1);
	assert_non_null(p);
	memcpy(p, "SH1:", 4);
	assert_int_equal(base45_encode(frame, n, p + 4, chars + 1), 0);
	*out_len = 4 + chars;
	return p;
}

static void test_hand_made_frames(void **state)
{
	(void)state;
	size_t n;
	char *p;
	char *out;
	size_t out_len;

	/* The helper itself makes a good text frame... */
	p = make_payload(0, "hello", 5, "hello", 5, NULL, 0, &n);
	assert_int_equal(qrpayload_decode(p, n, &out, &out_len, NULL), 0);
	assert_int_equal(out_len, 5);
	assert_memory_equal(out, "hello", 5);
	free(out);
	free(p);
	/* ...and a good parts frame: "..~" is three empty parts, no disclosure,
	 * no KB: lengths 0, 0, signature length 0, count 0, flag 0. */
	static const unsigned char empty_parts[] = {0, 0, 0, 0, 0};
	p = make_payload(1, "..~", 3, empty_parts, sizeof empty_parts, NULL, 0, &n);
	assert_int_equal(qrpayload_decode(p, n, &out, &out_len, NULL), 0);
	assert_int_equal(out_len, 3);
	assert_memory_equal(out, "..~", 3);
	free(out);
	free(p);
	/* "e30.e30.AA~" from parts: {} {} and one zero byte of signature on the side. */
	static const unsigned char sig_parts[] = {2, '{', '}', 2, '{', '}', 1, 0, 0};
	static const unsigned char zero = 0;
	p = make_payload(1, "e30.e30.AA~", 11, sig_parts, sizeof sig_parts, &zero, 1, &n);
	assert_int_equal(qrpayload_decode(p, n, &out, &out_len, NULL), 0);
	assert_memory_equal(out, "e30.e30.AA~", 11);
	free(out);
	free(p);

	static const struct {
		int kind;
		const char *crc_of;
		unsigned char body[16];
		size_t body_len;
		unsigned char side[4];
		size_t side_len;
		int rc;
		const char *what;
	} bad[] = {
	    {0, "hellp", "hello", 5, {0}, 0, SHOMEI_ERR_INVALID, "checksum mismatch"},
	    {2, "hello", "hello", 5, {0}, 0, SHOMEI_ERR_UNSUPPORTED, "unknown payload kind"},
	    {0, "hello", "hello", 5, {1}, 1, SHOMEI_ERR_PARSE, "bytes after the deflate stream"},
	    {0, "", "", 0, {0}, 0, SHOMEI_ERR_INVALID, "checksum mismatch"},
	    {1, "..~", {0, 0, 0, 0, 0}, 5, {7}, 1, SHOMEI_ERR_PARSE, "side bytes left over"},
	    {1, "..~", {0, 0, 0, 0, 0, 0}, 6, {0}, 0, SHOMEI_ERR_PARSE, "bytes after the parts"},
	    {1, "..~", {0, 0, 0, 0, 2}, 5, {0}, 0, SHOMEI_ERR_PARSE, "key binding flag"},
	    {1, "..~", {0, 0, 0, 0}, 4, {0}, 0, SHOMEI_ERR_PARSE, "key binding flag"},
	    {1, "..~", {0, 0, 1, 0, 0}, 5, {0}, 0, SHOMEI_ERR_PARSE, "side bytes missing"},
	    {1, "..~", {0x80, 0, 0, 0, 0, 0}, 6, {0}, 0, SHOMEI_ERR_PARSE, "truncated part"},
	    {1, "..~", {0x80, 0x80, 0x80, 0x01}, 4, {0}, 0, SHOMEI_ERR_PARSE, "truncated part"},
	    {1, "..~", {3, 'a', 0, 'b', 0, 0, 0, 0}, 8, {0}, 0, SHOMEI_ERR_PARSE, "bad escape"},
	    {1, "..~", {1, 0, 0, 0, 0, 0}, 6, {0}, 0, SHOMEI_ERR_PARSE, "bad escape"},
	    {1, "..~", {2, 1, 15, 0, 0, 0, 0}, 7, {0}, 0, SHOMEI_ERR_PARSE, "bad token length"},
	    {1, "..~", {2, 1, 17, 0, 0, 0, 0}, 7, {0}, 0, SHOMEI_ERR_PARSE, "bad token length"},
	    {1, "..~", {2, 1, 16, 0, 0, 0, 0}, 7, {0}, 0, SHOMEI_ERR_PARSE, "side bytes missing"},
	    {1, "..~", {1, 1, 0, 0, 0, 0}, 6, {0}, 0, SHOMEI_ERR_PARSE, "truncated token"},
	    {1, "..~", {0, 0, 0, 0x81, 0x10, 0}, 6, {0}, 0, SHOMEI_ERR_PARSE, "disclosure count"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = make_payload(bad[i].kind, bad[i].crc_of, strlen(bad[i].crc_of), bad[i].body,
				 bad[i].body_len, bad[i].side, bad[i].side_len, &n);
		expect_refused(p, n, bad[i].rc, bad[i].what);
		free(p);
	}

	/* A deflate bomb: 1 MiB of zeros in a few hundred bytes. */
	unsigned char *zeros = calloc(1, 1 << 20);
	assert_non_null(zeros);
	p = make_payload(0, "x", 1, zeros, 1 << 20, NULL, 0, &n);
	assert_true(n < 4000);
	expect_refused(p, n, SHOMEI_ERR_LIMIT, "more than 64 KiB");
	free(p);
	/* Exactly the ceiling inflates; one byte more does not. */
	p = make_payload(0, (const char *)zeros, QRPAYLOAD_MAX_TEXT_BYTES, zeros,
			 QRPAYLOAD_MAX_TEXT_BYTES, NULL, 0, &n);
	assert_int_equal(qrpayload_decode(p, n, &out, &out_len, NULL), 0);
	assert_int_equal(out_len, QRPAYLOAD_MAX_TEXT_BYTES);
	free(out);
	free(p);
	p = make_payload(0, (const char *)zeros, QRPAYLOAD_MAX_TEXT_BYTES + 1, zeros,
			 QRPAYLOAD_MAX_TEXT_BYTES + 1, NULL, 0, &n);
	expect_refused(p, n, SHOMEI_ERR_LIMIT, "more than 64 KiB");
	free(p);
	free(zeros);
}

static void test_prefix_and_size_refusals(void **state)
{
	(void)state;
	expect_refused("", 0, SHOMEI_ERR_PARSE, "empty payload");
	expect_refused("SH2:BB8", 7, SHOMEI_ERR_UNSUPPORTED, "payload version 2 not supported");
	expect_refused("SH10:BB8", 8, SHOMEI_ERR_UNSUPPORTED, "payload version 10");
	expect_refused("sh1:BB8", 7, SHOMEI_ERR_PARSE, "not a shomei qr payload");
	expect_refused("SH1", 3, SHOMEI_ERR_PARSE, "not a shomei qr payload");
	expect_refused("SH:", 3, SHOMEI_ERR_PARSE, "not a shomei qr payload");
	expect_refused("HC1:BB8", 7, SHOMEI_ERR_PARSE, "not a shomei qr payload");
	expect_refused("SH1:", 4, SHOMEI_ERR_PARSE, "too short");
	expect_refused("SH1:bb8", 7, SHOMEI_ERR_PARSE, "not base45");
	expect_refused("SH1:GGW", 7, SHOMEI_ERR_PARSE, "not base45");
	expect_refused("SH1:BB8B", 8, SHOMEI_ERR_PARSE, "not base45");
	char *big = malloc(QRPAYLOAD_MAX_PAYLOAD_CHARS + 2);
	assert_non_null(big);
	memcpy(big, "SH1:", 4);
	memset(big + 4, '0', QRPAYLOAD_MAX_PAYLOAD_CHARS - 2);
	expect_refused(big, QRPAYLOAD_MAX_PAYLOAD_CHARS + 1, SHOMEI_ERR_LIMIT, "longer than");
	free(big);

	char *payload = (char *)1;
	size_t n = 9;
	assert_int_equal(qrpayload_encode("", 0, &payload, &n, NULL), SHOMEI_ERR_USAGE);
	assert_null(payload);
	char *text = malloc(QRPAYLOAD_MAX_TEXT_BYTES + 1);
	assert_non_null(text);
	memset(text, 'A', QRPAYLOAD_MAX_TEXT_BYTES + 1);
	assert_int_equal(qrpayload_encode(text, QRPAYLOAD_MAX_TEXT_BYTES + 1, &payload, &n, NULL),
			 SHOMEI_ERR_LIMIT);
	assert_null(payload);
	/* The ceiling itself packs, when it compresses... */
	size_t len = 0;
	assert_int_equal(round_trip(text, QRPAYLOAD_MAX_TEXT_BYTES, &len), 0);
	/* ...and random text that cannot fit a payload is refused at encoding. */
	struct qs_rng r = {5};
	qs_fill(&r, (unsigned char *)text, 8000);
	struct shomei_diag d;
	assert_int_equal(qrpayload_encode(text, 8000, &payload, &n, &d), SHOMEI_ERR_LIMIT);
	assert_null(payload);
	assert_non_null(strstr(d.what, "more than"));
	free(text);
	struct qrpayload_sizes z;
	assert_int_equal(qrpayload_measure("", 0, &z, NULL), SHOMEI_ERR_USAGE);
}

/* Reads the text between "<!-- BEGIN name -->" and "<!-- END name -->" in doc,
 * without the ``` fence lines; malloc'd. */
static char *doc_block(const char *doc, const char *name)
{
	char begin[128], end[128];
	snprintf(begin, sizeof begin, "<!-- BEGIN %s -->\n```text\n", name);
	snprintf(end, sizeof end, "\n```\n<!-- END %s -->", name);
	const char *b = strstr(doc, begin);
	if (!b)
		fail_msg("docs/qr.md has no block %s", name);
	b += strlen(begin);
	const char *e = strstr(b, end);
	assert_non_null(e);
	char *out = malloc((size_t)(e - b) + 1);
	assert_non_null(out);
	memcpy(out, b, (size_t)(e - b));
	out[e - b] = '\0';
	return out;
}

static char *read_doc(void)
{
	FILE *f = fopen("docs/qr.md", "rb");
	if (!f)
		fail_msg("docs/qr.md: cannot open (tests run from the repository root)");
	static char doc[1 << 17];
	size_t n = fread(doc, 1, sizeof doc - 1, f);
	fclose(f);
	doc[n] = '\0';
	return doc;
}

/* The worked example of docs/qr.md is what the code does, both ways. */
static void test_docs_example(void **state)
{
	(void)state;
	const char *doc = read_doc();
	char *presentation = doc_block(doc, "qr-example-presentation");
	char *want = doc_block(doc, "qr-example-payload");
	char *payload;
	size_t n;
	assert_int_equal(qrpayload_encode(presentation, strlen(presentation), &payload, &n, NULL),
			 0);
	if (strcmp(payload, want) != 0)
		fail_msg("docs/qr.md's payload is stale; the code gives\n%s", payload);
	char *back;
	size_t back_len;
	assert_int_equal(qrpayload_decode(want, strlen(want), &back, &back_len, NULL), 0);
	assert_string_equal(back, presentation);
	free(back);
	free(payload);
	free(presentation);
	free(want);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_measure_table),
	    cmocka_unit_test(test_typical_fits_version_30),
	    cmocka_unit_test(test_round_trip_samples),
	    cmocka_unit_test(test_round_trip_random_parts),
	    cmocka_unit_test(test_text_fallback),
	    cmocka_unit_test(test_plain_passthrough),
	    cmocka_unit_test(test_every_corruption_refused),
	    cmocka_unit_test(test_hand_made_frames),
	    cmocka_unit_test(test_prefix_and_size_refusals),
	    cmocka_unit_test(test_docs_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
