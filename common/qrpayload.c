/* The SH1 QR payload (qrpayload.h; the layout is drawn in docs/qr.md).
 *
 * Why this shape: a presentation is base64url of JSON plus signatures, so
 * decoding each part to its bytes gives deflate JSON to work on (a quarter
 * less input and text it can model) instead of base64 (which hides JSON's
 * repetitions at three different byte alignments). What deflate cannot
 * shrink - signatures and the base64url strings of 16 or 32 random bytes that
 * fill SD-JWT payloads (_sd digests, salts, cnf.jwk.x, sd_hash, nonces) - is
 * taken out of the deflate stream as raw bytes ("side" bytes), where it costs
 * 8 bits a byte instead of the 6+ a character the literal codes give it. The
 * fixed JSON vocabulary of SD-JWT VC and of shomei's claims is a preset
 * dictionary, so even its first occurrence is a short back-reference. Base45
 * then costs 5.5 bits per 2/3 byte = 8.25 bits a byte in alphanumeric mode,
 * against 8 in 8-bit mode: 3 % more, for text that every scanner returns as it
 * is (8-bit mode goes through scanners' character set guessing).
 */
#include "qrpayload.h"

#include "base45.h"
#include "base64url.h"
#include "internal/buf.h"
#include "qr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PREFIX_LEN (sizeof QRPAYLOAD_PREFIX - 1)

enum { KIND_TEXT = 0, KIND_PARTS = 1 };
#define FRAME_HEADER_BYTES 5 /* kind, CRC-32 big-endian */

/* Escapes inside a transformed JSON part (docs/qr.md "Parts"). */
#define BYTE_ESCAPE	0x00
#define BYTE_TOKEN	0x01
#define TOKEN_MIN_CHARS 16
#define TOKEN_MAX_CHARS 255

/* Lengths are LEB128, at most 3 bytes: 2^21 > every ceiling below. */
#define VARINT_MAX_BYTES 3
_Static_assert(QRPAYLOAD_MAX_TEXT_BYTES < (1u << (7 * VARINT_MAX_BYTES)),
	       "a length must fit VARINT_MAX_BYTES");

/* Ceilings for the encoder's intermediate buffers: escaping at most doubles a
 * part, deflate adds a few bytes a block. */
#define BODY_MAX_BYTES	(2 * QRPAYLOAD_MAX_TEXT_BYTES + 64)
#define FRAME_MAX_BYTES (2 * BODY_MAX_BYTES + 1024)
_Static_assert(FRAME_MAX_BYTES <= BASE45_MAX_BYTES, "a frame must fit Base45's ceiling");
/* A payload's Base45 decodes to at most this many bytes. */
#define PAYLOAD_MAX_FRAME_BYTES (QRPAYLOAD_MAX_PAYLOAD_CHARS / 3 * 2 + 1)

enum pack_flags { PACK_DICT = 1, PACK_TOKENS = 2, PACK_SIDE = 4 };
#define PACK_SH1 (PACK_DICT | PACK_TOKENS | PACK_SIDE)

/* The SH1 preset dictionary. Its bytes are part of the format: change one and
 * every existing payload inflates to garbage (the CRC-32 then refuses it), so
 * a new dictionary means a new prefix. deflate reaches a dictionary string
 * more cheaply the nearer it is to the end, so the most frequent come last. */
static const char sh1_dictionary[] =
    "\xe5\xad\xa6\xe5\xa3\xab\xe4\xbf\xae\xe5\xa3\xab\xe5\x8d\x9a\xe5\xa3\xab" /* 学士修士博士 */
    "\xe5\xb7\xa5\xe5\xad\xa6\xe6\x83\x85\xe5\xa0\xb1\xe5\xa4\xa7\xe5\xad\xa6" /* 工学情報大学 */
    "https://www.w3.org/ns/credentials/v2\"urn:uuid:\"type\":[\"Profile\"]"
    "\"description\":\"\"narrative\":\"\"criteria\":{\"id\":\"urn:uuid:"
    "\"DoctoralDegree\"\"MasterDegree\"\"Certificate\"\"License\"\"Diploma\""
    "\"awardedDate\",\"20\"fieldOfStudy\",\"\"studentId\",\"\"birthDate\",\"\"name\",\""
    "\"given_name\",\"\"family_name\",\"\"birthdate\",\"\"student_id\",\""
    "\"family_name_kana\",\"\"given_name_kana\",\"\"degree\",\"\"major\",\""
    "\"achievement\":{\"achievementType\":\"BachelorDegree\",\"name\":\""
    "\"institution\":{\"name\":\"\",\"code\":\"\"},\"degree\":{\"type\":\""
    "{\"alg\":\"EdDSA\",\"typ\":\"kb+jwt\"}"
    "{\"iat\":17\"aud\":\"https://\",\"nonce\":\"\",\"sd_hash\":\""
    "\"status\":{\"status_list\":{\"idx\":\"uri\":\"https://\"}},"
    "\"cnf\":{\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
    "\"vct\":\"https://\"exp\":17\"iat\":17\"_sd_alg\":\"sha-256\""
    "\"iss\":\"did:key:z6Mk\"],\"_sd\":[\""
    "{\"alg\":\"EdDSA\",\"typ\":\"dc+sd-jwt\",\"kid\":\"did:key:z6Mk";
#define SH1_DICTIONARY_BYTES (sizeof sh1_dictionary - 1)
_Static_assert(SH1_DICTIONARY_BYTES < 32768, "a deflate dictionary is at most the window");

/* ---- small helpers ---- */

static int put_varint(struct buf *b, size_t v)
{
	unsigned char tmp[VARINT_MAX_BYTES];
	size_t n = 0;
	do {
		if (n == VARINT_MAX_BYTES)
			return SHOMEI_ERR_LIMIT;
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	return buf_append(b, tmp, n);
}

static int is_url_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Characters a run of L base64url characters decodes to bytes: L % 4 != 1. */
static size_t b64_decoded_len(size_t chars)
{
	return chars / 4 * 3 + (chars % 4 ? chars % 4 - 1 : 0);
}

/* Appends the base64url form of p[0..n) to b. */
static int put_b64(struct buf *b, const unsigned char *p, size_t n)
{
	size_t chars = base64url_encoded_len(n);
	if (chars == SIZE_MAX)
		return SHOMEI_ERR_LIMIT;
	int rc = buf_reserve(b, chars + 1);
	if (rc != 0)
		return rc;
	rc = base64url_encode(p, n, b->data + b->len, b->cap - b->len);
	if (rc != 0)
		return rc;
	b->len += chars;
	return 0;
}

/* ---- encoding ---- */

/* A token is a quoted run of base64url characters that looks random (upper,
 * lower and digit all present: claim names and words rarely do) and is
 * canonical, so that decoding and re-encoding it gives the same characters. */
static size_t token_at(const unsigned char *p, size_t n, size_t i, unsigned char *bin,
		       size_t *bin_len)
{
	size_t j = i;
	int upper = 0, lower = 0, digit = 0;
	while (j < n && j - i <= TOKEN_MAX_CHARS && is_url_char(p[j])) {
		upper |= p[j] >= 'A' && p[j] <= 'Z';
		lower |= p[j] >= 'a' && p[j] <= 'z';
		digit |= p[j] >= '0' && p[j] <= '9';
		j++;
	}
	size_t run = j - i;
	if (run < TOKEN_MIN_CHARS || run > TOKEN_MAX_CHARS || j >= n || p[j] != '"' ||
	    !(upper && lower && digit))
		return 0;
	if (base64url_decode((const char *)p + i, run, bin, (TOKEN_MAX_CHARS / 4 + 1) * 3,
			     bin_len) != 0)
		return 0;
	return run;
}

/* Appends varint(length) and the transformed JSON bytes p[0..n) to body; with
 * PACK_TOKENS the tokens' bytes go to side. */
static int pack_json(const unsigned char *p, size_t n, unsigned flags, struct buf *body,
		     struct buf *side)
{
	struct buf t;
	buf_init(&t, BODY_MAX_BYTES);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		unsigned char c = p[i];
		if (c == BYTE_ESCAPE || c == BYTE_TOKEN) {
			unsigned char esc[2] = {BYTE_ESCAPE, c};
			rc = buf_append(&t, esc, 2);
			continue;
		}
		rc = buf_putc(&t, (char)c);
		if (rc != 0 || c != '"' || !(flags & PACK_TOKENS))
			continue;
		unsigned char bin[(TOKEN_MAX_CHARS / 4 + 1) * 3];
		size_t bin_len;
		size_t run = token_at(p, n, i + 1, bin, &bin_len);
		if (run == 0)
			continue;
		unsigned char tok[2] = {BYTE_TOKEN, (unsigned char)run};
		rc = buf_append(&t, tok, 2);
		if (rc == 0)
			rc = buf_append(side, bin, bin_len);
		i += run; /* the closing quote is copied next */
	}
	if (rc == 0)
		rc = put_varint(body, t.len);
	if (rc == 0)
		rc = buf_append(body, t.data, t.len);
	buf_release(&t);
	return rc;
}

/* Decodes the base64url text s[0..n) into a malloc'd *out; SHOMEI_ERR_PARSE
 * when it is not canonical base64url (the caller then packs the whole text). */
static int b64_to_bytes(const char *s, size_t n, unsigned char **out, size_t *out_len)
{
	*out = malloc(n / 4 * 3 + 3);
	if (!*out)
		return SHOMEI_ERR_NOMEM;
	int rc = base64url_decode(s, n, *out, n / 4 * 3 + 3, out_len);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

static int pack_json_b64(const char *s, size_t n, unsigned flags, struct buf *body,
			 struct buf *side)
{
	unsigned char *bin;
	size_t bin_len;
	int rc = b64_to_bytes(s, n, &bin, &bin_len);
	if (rc != 0)
		return rc;
	rc = pack_json(bin, bin_len, flags, body, side);
	free(bin);
	return rc;
}

static int pack_sig_b64(const char *s, size_t n, unsigned flags, struct buf *body, struct buf *side)
{
	unsigned char *bin;
	size_t bin_len;
	int rc = b64_to_bytes(s, n, &bin, &bin_len);
	if (rc != 0)
		return rc;
	rc = put_varint(body, bin_len);
	if (rc == 0)
		rc = buf_append(flags & PACK_SIDE ? side : body, bin, bin_len);
	free(bin);
	return rc;
}

/* A JWS in compact form, s[0..n): header and payload as JSON, the signature
 * as bytes. SHOMEI_ERR_PARSE unless exactly three base64url parts. */
static int pack_jws(const char *s, size_t n, unsigned flags, struct buf *body, struct buf *side)
{
	const char *dot1 = memchr(s, '.', n);
	if (!dot1)
		return SHOMEI_ERR_PARSE;
	const char *dot2 = memchr(dot1 + 1, '.', n - (size_t)(dot1 + 1 - s));
	if (!dot2 || memchr(dot2 + 1, '.', n - (size_t)(dot2 + 1 - s)))
		return SHOMEI_ERR_PARSE;
	int rc = pack_json_b64(s, (size_t)(dot1 - s), flags, body, side);
	if (rc == 0)
		rc = pack_json_b64(dot1 + 1, (size_t)(dot2 - dot1 - 1), flags, body, side);
	if (rc == 0)
		rc = pack_sig_b64(dot2 + 1, n - (size_t)(dot2 + 1 - s), flags, body, side);
	return rc;
}

/* The parts body (docs/qr.md). SHOMEI_ERR_PARSE when text is not an SD-JWT
 * this layout can carry exactly. */
static int pack_parts(const char *text, size_t len, unsigned flags, struct buf *body,
		      struct buf *side)
{
	const char *first = memchr(text, '~', len);
	if (!first)
		return SHOMEI_ERR_PARSE;
	const char *last = first;
	size_t count = 0; /* disclosures */
	for (const char *p = first + 1; p < text + len; p++)
		if (*p == '~') {
			if (p == last + 1)
				return SHOMEI_ERR_PARSE; /* an empty disclosure */
			last = p;
			count++;
		}
	if (count > QRPAYLOAD_MAX_DISCLOSURES)
		return SHOMEI_ERR_PARSE;
	int rc = pack_jws(text, (size_t)(first - text), flags, body, side);
	if (rc == 0)
		rc = put_varint(body, count);
	const char *p = first + 1;
	while (rc == 0 && p <= last && count > 0) {
		const char *end = memchr(p, '~', (size_t)(last + 1 - p));
		rc = pack_json_b64(p, (size_t)(end - p), flags, body, side);
		p = end + 1;
	}
	size_t kb_len = len - (size_t)(last + 1 - text);
	if (rc == 0)
		rc = buf_putc(body, kb_len ? 1 : 0);
	if (rc == 0 && kb_len)
		rc = pack_jws(last + 1, kb_len, flags, body, side);
	return rc;
}

static int deflate_into(const unsigned char *in, size_t n, int dict, struct buf *out)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	/* Raw deflate (no zlib header or Adler-32: the frame has its own CRC),
	 * the largest window and the best compression. */
	if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return SHOMEI_ERR_NOMEM;
	int rc = 0;
	if (dict && deflateSetDictionary(&zs, (const Bytef *)sh1_dictionary,
					 (uInt)SH1_DICTIONARY_BYTES) != Z_OK)
		rc = SHOMEI_ERR_NOMEM;
	uLong bound = deflateBound(&zs, (uLong)n);
	if (rc == 0)
		rc = buf_reserve(out, bound);
	if (rc == 0) {
		zs.next_in = (Bytef *)(uintptr_t)in;
		zs.avail_in = (uInt)n;
		zs.next_out = (Bytef *)out->data + out->len;
		zs.avail_out = (uInt)(out->cap - out->len);
		if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
			rc = SHOMEI_ERR_LIMIT;
		else
			out->len += zs.total_out;
	}
	deflateEnd(&zs);
	return rc;
}

/* kind || CRC-32 || deflate(body) || side into frame. Returns SHOMEI_ERR_PARSE
 * when KIND_PARTS does not fit the text. */
static int build_frame(const char *text, size_t len, int kind, unsigned flags, struct buf *frame)
{
	struct buf body, side;
	buf_init(&body, BODY_MAX_BYTES);
	buf_init(&side, BODY_MAX_BYTES);
	int rc = 0;
	if (kind == KIND_PARTS)
		rc = pack_parts(text, len, flags, &body, &side);
	else
		rc = buf_append(&body, text, len);
	uLong crc = crc32(0L, (const Bytef *)text, (uInt)len);
	unsigned char head[FRAME_HEADER_BYTES] = {(unsigned char)kind, (unsigned char)(crc >> 24),
						  (unsigned char)(crc >> 16),
						  (unsigned char)(crc >> 8), (unsigned char)crc};
	if (rc == 0)
		rc = buf_append(frame, head, sizeof head);
	if (rc == 0)
		rc = deflate_into((const unsigned char *)body.data, body.len, flags & PACK_DICT,
				  frame);
	if (rc == 0)
		rc = buf_append(frame, side.data, side.len);
	buf_release(&body);
	buf_release(&side);
	return rc;
}

/* The SH1 frame: the parts layout when the text allows it and it is smaller,
 * else the whole text deflated. */
static int build_sh1_frame(const char *text, size_t len, struct buf *frame)
{
	struct buf parts;
	buf_init(&parts, FRAME_MAX_BYTES);
	int rc = build_frame(text, len, KIND_PARTS, PACK_SH1, &parts);
	if (rc != 0 && rc != SHOMEI_ERR_PARSE) {
		buf_release(&parts);
		return rc;
	}
	int have_parts = rc == 0;
	rc = build_frame(text, len, KIND_TEXT, PACK_DICT, frame);
	if (rc == 0 && have_parts && parts.len < frame->len) {
		buf_release(frame);
		*frame = parts;
		return 0;
	}
	buf_release(&parts);
	return rc;
}

static int frame_to_payload(const struct buf *frame, char **payload, size_t *payload_len)
{
	size_t chars = base45_encoded_len(frame->len);
	if (chars == SIZE_MAX)
		return SHOMEI_ERR_LIMIT;
	char *out = malloc(PREFIX_LEN + chars + 1);
	if (!out)
		return SHOMEI_ERR_NOMEM;
	memcpy(out, QRPAYLOAD_PREFIX, PREFIX_LEN);
	int rc = base45_encode((const unsigned char *)frame->data, frame->len, out + PREFIX_LEN,
			       chars + 1);
	if (rc != 0) {
		free(out);
		return rc;
	}
	*payload = out;
	if (payload_len)
		*payload_len = PREFIX_LEN + chars;
	return 0;
}

int qrpayload_encode(const char *presentation, size_t len, char **payload, size_t *payload_len,
		     struct shomei_diag *d)
{
	*payload = NULL;
	if (payload_len)
		*payload_len = 0;
	if (len == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "empty presentation");
	if (len > QRPAYLOAD_MAX_TEXT_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "presentation longer than %u bytes",
				QRPAYLOAD_MAX_TEXT_BYTES);
	struct buf frame;
	buf_init(&frame, FRAME_MAX_BYTES);
	int rc = build_sh1_frame(presentation, len, &frame);
	size_t n = 0;
	if (rc == 0)
		rc = frame_to_payload(&frame, payload, &n);
	buf_release(&frame);
	if (rc != 0)
		return diag_set(d, rc, NULL, "%s",
				rc == SHOMEI_ERR_NOMEM ? "out of memory"
						       : "presentation too large");
	/* What qrpayload_decode would refuse is refused here. */
	if (n > QRPAYLOAD_MAX_PAYLOAD_CHARS) {
		free(*payload);
		*payload = NULL;
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "packs to %zu characters, more than %u",
				n, QRPAYLOAD_MAX_PAYLOAD_CHARS);
	}
	if (payload_len)
		*payload_len = n;
	return 0;
}

/* ---- decoding ---- */

struct reader {
	const unsigned char *p;
	size_t n, pos;
};

static int take(struct reader *r, size_t k, const unsigned char **out)
{
	if (k > r->n - r->pos)
		return SHOMEI_ERR_PARSE;
	*out = r->p + r->pos;
	r->pos += k;
	return 0;
}

/* A minimal LEB128 length of at most VARINT_MAX_BYTES, at most `max`. */
static int get_varint(struct reader *r, size_t max, size_t *v)
{
	*v = 0;
	for (size_t i = 0; i < VARINT_MAX_BYTES; i++) {
		if (r->pos >= r->n)
			return SHOMEI_ERR_PARSE;
		unsigned char c = r->p[r->pos++];
		*v |= (size_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			/* One spelling per number: no trailing zero group. */
			if (i > 0 && c == 0)
				return SHOMEI_ERR_PARSE;
			return *v <= max ? 0 : SHOMEI_ERR_PARSE;
		}
	}
	return SHOMEI_ERR_PARSE;
}

struct unpack {
	struct reader body, side;
	struct buf out;	 /* the presentation */
	struct buf json; /* one part's JSON, reused */
	const char *what;
};

static int fail(struct unpack *u, const char *what)
{
	u->what = what;
	return SHOMEI_ERR_PARSE;
}

/* One transformed JSON part: undoes the escapes and tokens, then appends the
 * part's base64url to the presentation. */
static int unpack_json(struct unpack *u)
{
	size_t n;
	const unsigned char *p;
	if (get_varint(&u->body, QRPAYLOAD_MAX_TEXT_BYTES, &n) != 0 || take(&u->body, n, &p) != 0)
		return fail(u, "truncated part");
	u->json.len = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (p[i] == BYTE_ESCAPE) {
			if (i + 1 >= n || (p[i + 1] != BYTE_ESCAPE && p[i + 1] != BYTE_TOKEN))
				return fail(u, "bad escape in a part");
			rc = buf_putc(&u->json, (char)p[++i]);
		} else if (p[i] == BYTE_TOKEN) {
			if (i + 1 >= n)
				return fail(u, "truncated token");
			size_t chars = p[++i];
			const unsigned char *bin;
			if (chars < TOKEN_MIN_CHARS || chars % 4 == 1)
				return fail(u, "bad token length");
			if (take(&u->side, b64_decoded_len(chars), &bin) != 0)
				return fail(u, "side bytes missing");
			rc = put_b64(&u->json, bin, b64_decoded_len(chars));
		} else {
			rc = buf_putc(&u->json, (char)p[i]);
		}
	}
	if (rc == 0)
		rc = put_b64(&u->out, (const unsigned char *)u->json.data, u->json.len);
	return rc;
}

static int unpack_sig(struct unpack *u)
{
	size_t n;
	const unsigned char *bin;
	if (get_varint(&u->body, QRPAYLOAD_MAX_TEXT_BYTES, &n) != 0)
		return fail(u, "truncated signature length");
	if (take(&u->side, n, &bin) != 0)
		return fail(u, "side bytes missing");
	return put_b64(&u->out, bin, n);
}

static int unpack_jws(struct unpack *u)
{
	int rc = unpack_json(u);
	if (rc == 0)
		rc = buf_putc(&u->out, '.');
	if (rc == 0)
		rc = unpack_json(u);
	if (rc == 0)
		rc = buf_putc(&u->out, '.');
	if (rc == 0)
		rc = unpack_sig(u);
	return rc;
}

static int unpack_parts(struct unpack *u)
{
	int rc = unpack_jws(u);
	if (rc == 0)
		rc = buf_putc(&u->out, '~');
	size_t count = 0;
	if (rc == 0 && get_varint(&u->body, QRPAYLOAD_MAX_DISCLOSURES, &count) != 0)
		return fail(u, "bad disclosure count");
	for (size_t i = 0; i < count && rc == 0; i++) {
		rc = unpack_json(u);
		if (rc == 0)
			rc = buf_putc(&u->out, '~');
	}
	if (rc != 0)
		return rc;
	const unsigned char *kb;
	if (take(&u->body, 1, &kb) != 0 || *kb > 1)
		return fail(u, "bad key binding flag");
	if (*kb)
		rc = unpack_jws(u);
	return rc;
}

/* Inflates in[0..n) (SH1 dictionary) into out, at most QRPAYLOAD_MAX_TEXT_BYTES;
 * *used gets the bytes the stream took. */
static int inflate_body(const unsigned char *in, size_t n, struct buf *out, size_t *used,
			const char **what)
{
	int rc = buf_reserve(out, QRPAYLOAD_MAX_TEXT_BYTES + 1);
	if (rc != 0)
		return rc;
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, -15) != Z_OK)
		return SHOMEI_ERR_NOMEM;
	/* A raw stream takes its dictionary before any input. */
	if (inflateSetDictionary(&zs, (const Bytef *)sh1_dictionary, (uInt)SH1_DICTIONARY_BYTES) !=
	    Z_OK) {
		inflateEnd(&zs);
		return SHOMEI_ERR_NOMEM;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)out->data;
	/* One byte more than allowed, so that a full buffer means "too much". */
	zs.avail_out = QRPAYLOAD_MAX_TEXT_BYTES + 1;
	int z = inflate(&zs, Z_FINISH);
	/* zlib pads the last byte with zero bits and inflate ignores them: they
	 * must be zero, or a damaged byte there would go unnoticed. data_type's
	 * low 3 bits count the unused bits of the last byte taken. */
	unsigned unused = (unsigned)zs.data_type & 7;
	if (z == Z_STREAM_END && zs.total_out <= QRPAYLOAD_MAX_TEXT_BYTES) {
		*used = n - zs.avail_in;
		if (unused && *used > 0 && (in[*used - 1] >> (8 - unused)) != 0) {
			*what = "damaged deflate stream";
			rc = SHOMEI_ERR_PARSE;
		} else {
			out->len = zs.total_out;
			out->data[out->len] = '\0';
		}
	} else if (z == Z_MEM_ERROR) {
		rc = SHOMEI_ERR_NOMEM;
	} else if (zs.avail_out == 0) {
		*what = "inflates to more than 64 KiB";
		rc = SHOMEI_ERR_LIMIT;
	} else {
		*what = z == Z_BUF_ERROR ? "truncated deflate stream" : "damaged deflate stream";
		rc = SHOMEI_ERR_PARSE;
	}
	inflateEnd(&zs);
	return rc;
}

static int decode_frame(const unsigned char *frame, size_t n, struct buf *out, const char **what)
{
	if (n < FRAME_HEADER_BYTES + 1) {
		*what = "payload too short";
		return SHOMEI_ERR_PARSE;
	}
	int kind = frame[0];
	if (kind != KIND_TEXT && kind != KIND_PARTS) {
		*what = "unknown payload kind";
		return SHOMEI_ERR_UNSUPPORTED;
	}
	uLong want =
	    (uLong)frame[1] << 24 | (uLong)frame[2] << 16 | (uLong)frame[3] << 8 | frame[4];
	struct unpack u;
	memset(&u, 0, sizeof u);
	buf_init(&u.json, QRPAYLOAD_MAX_TEXT_BYTES);
	struct buf body;
	buf_init(&body, QRPAYLOAD_MAX_TEXT_BYTES + 1);
	size_t used = 0;
	int rc =
	    inflate_body(frame + FRAME_HEADER_BYTES, n - FRAME_HEADER_BYTES, &body, &used, what);
	if (rc != 0)
		goto out;
	const unsigned char *side = frame + FRAME_HEADER_BYTES + used;
	size_t side_len = n - FRAME_HEADER_BYTES - used;
	if (kind == KIND_TEXT) {
		if (side_len != 0) {
			*what = "bytes after the deflate stream";
			rc = SHOMEI_ERR_PARSE;
			goto out;
		}
		*out = body;
		buf_init(&body, 0);
	} else {
		u.body = (struct reader){(const unsigned char *)body.data, body.len, 0};
		u.side = (struct reader){side, side_len, 0};
		u.out = *out;
		rc = unpack_parts(&u);
		*out = u.out;
		if (rc == SHOMEI_ERR_LIMIT)
			*what = "presentation longer than 64 KiB";
		else if (rc != 0)
			*what = u.what ? u.what : "out of memory";
		else if (u.body.pos != u.body.n || u.side.pos != u.side.n) {
			*what = u.body.pos != u.body.n ? "bytes after the parts"
						       : "side bytes left over";
			rc = SHOMEI_ERR_PARSE;
		}
		if (rc != 0)
			goto out;
	}
	if (out->len == 0 || crc32(0L, (const Bytef *)out->data, (uInt)out->len) != want) {
		*what = "checksum mismatch";
		rc = SHOMEI_ERR_INVALID;
	}
out:
	buf_release(&u.json);
	buf_release(&body);
	return rc;
}

static int is_plain_char(unsigned char c)
{
	return is_url_char(c) || c == '.' || c == '~';
}

int qrpayload_decode(const char *payload, size_t len, char **presentation, size_t *out_len,
		     struct shomei_diag *d)
{
	*presentation = NULL;
	*out_len = 0;
	if (len == 0)
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "empty payload");
	if (len >= 2 && payload[0] == 'e' && payload[1] == 'y') {
		if (len > QRPAYLOAD_MAX_TEXT_BYTES)
			return diag_set(d, SHOMEI_ERR_LIMIT, NULL,
					"presentation longer than %u bytes",
					QRPAYLOAD_MAX_TEXT_BYTES);
		for (size_t i = 0; i < len; i++)
			if (!is_plain_char((unsigned char)payload[i]))
				return diag_set(d, SHOMEI_ERR_PARSE, NULL,
						"character %zu: not in an sd-jwt", i + 1);
		char *copy = malloc(len + 1);
		if (!copy)
			return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		memcpy(copy, payload, len);
		copy[len] = '\0';
		*presentation = copy;
		*out_len = len;
		return 0;
	}
	if (len < PREFIX_LEN || memcmp(payload, QRPAYLOAD_PREFIX, PREFIX_LEN) != 0) {
		/* "SH<digits>:" is a later version of this format. */
		size_t i = 2;
		while (i < len && i < 8 && payload[i] >= '0' && payload[i] <= '9')
			i++;
		if (len > 2 && payload[0] == 'S' && payload[1] == 'H' && i > 2 && i < len &&
		    payload[i] == ':')
			return diag_set(d, SHOMEI_ERR_UNSUPPORTED, NULL,
					"payload version %.*s not supported", (int)(i - 2),
					payload + 2);
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not a shomei qr payload or sd-jwt");
	}
	if (len > QRPAYLOAD_MAX_PAYLOAD_CHARS)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "payload longer than %u characters",
				QRPAYLOAD_MAX_PAYLOAD_CHARS);
	unsigned char *frame = malloc(PAYLOAD_MAX_FRAME_BYTES);
	if (!frame)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	size_t n;
	int rc = base45_decode(payload + PREFIX_LEN, len - PREFIX_LEN, frame,
			       PAYLOAD_MAX_FRAME_BYTES, &n);
	if (rc != 0) {
		free(frame);
		return diag_set(d, SHOMEI_ERR_PARSE, NULL, "not base45");
	}
	struct buf out;
	buf_init(&out, QRPAYLOAD_MAX_TEXT_BYTES);
	const char *what = "out of memory";
	rc = decode_frame(frame, n, &out, &what);
	free(frame);
	if (rc != 0) {
		buf_release(&out);
		return diag_set(d, rc, NULL, "%s", what);
	}
	*presentation = buf_steal(&out, out_len);
	if (!*presentation) {
		*out_len = 0;
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	return 0;
}

/* ---- measuring ---- */

static const char *const candidate_names[QRPAYLOAD_CANDIDATES] = {
    [QRPAYLOAD_TEXT_BYTE] = "(a) text, 8-bit",
    [QRPAYLOAD_DEFLATE_TEXT_B45] = "(b) deflate(text), base45",
    [QRPAYLOAD_PARTS_B45] = "(c) parts, deflate, base45",
    [QRPAYLOAD_PARTS_BYTE] = "(c) parts, deflate, 8-bit",
    [QRPAYLOAD_PARTS_DICT_B45] = "(d) parts, deflate+dict, base45",
    [QRPAYLOAD_PARTS_DICT_BYTE] = "(d) parts, deflate+dict, 8-bit",
    [QRPAYLOAD_SH1_B45] = "(d) sh1: +side bytes, base45",
    [QRPAYLOAD_SH1_BYTE] = "(d) sh1: +side bytes, 8-bit",
};

const char *qrpayload_candidate_name(int c)
{
	if (c < 0 || c >= QRPAYLOAD_CANDIDATES)
		return "?";
	return candidate_names[c];
}

/* The QR version data[0..n) needs; 0 above 40. */
static int version_of(const void *data, size_t n, int *version, struct shomei_diag *d)
{
	struct qr_code q;
	*version = 0;
	int rc = qr_encode(data, n, &q, d);
	if (rc == SHOMEI_ERR_LIMIT)
		return 0;
	if (rc != 0)
		return rc;
	*version = q.version;
	qr_code_release(&q);
	return 0;
}

/* Measures one frame both as "SH1:" + Base45 and as "SH1:" + bytes. */
static int measure_frame(const struct buf *frame, int b45_slot, int byte_slot,
			 struct qrpayload_sizes *out, struct shomei_diag *d)
{
	char *payload;
	size_t n;
	int rc = frame_to_payload(frame, &payload, &n);
	if (rc != 0)
		return diag_set(d, rc, NULL, "presentation too large");
	out->c[b45_slot].bytes = n;
	rc = version_of(payload, n, &out->c[b45_slot].version, d);
	free(payload);
	if (rc != 0 || byte_slot < 0)
		return rc;
	struct buf raw;
	buf_init(&raw, FRAME_MAX_BYTES + PREFIX_LEN);
	rc = buf_append(&raw, QRPAYLOAD_PREFIX, PREFIX_LEN);
	if (rc == 0)
		rc = buf_append(&raw, frame->data, frame->len);
	if (rc == 0) {
		out->c[byte_slot].bytes = raw.len;
		rc = version_of(raw.data, raw.len, &out->c[byte_slot].version, d);
	}
	buf_release(&raw);
	return rc;
}

int qrpayload_measure(const char *presentation, size_t len, struct qrpayload_sizes *out,
		      struct shomei_diag *d)
{
	memset(out, 0, sizeof *out);
	if (len == 0 || len > QRPAYLOAD_MAX_TEXT_BYTES)
		return diag_set(d, len ? SHOMEI_ERR_LIMIT : SHOMEI_ERR_USAGE, NULL,
				"presentation empty or longer than %u bytes",
				QRPAYLOAD_MAX_TEXT_BYTES);
	out->text_bytes = len;
	out->c[QRPAYLOAD_TEXT_BYTE].bytes = len;
	int rc = version_of(presentation, len, &out->c[QRPAYLOAD_TEXT_BYTE].version, d);
	static const struct {
		int kind;
		unsigned flags;
		int b45_slot, byte_slot;
	} plan[] = {
	    {KIND_TEXT, 0, QRPAYLOAD_DEFLATE_TEXT_B45, -1},
	    {KIND_PARTS, 0, QRPAYLOAD_PARTS_B45, QRPAYLOAD_PARTS_BYTE},
	    {KIND_PARTS, PACK_DICT, QRPAYLOAD_PARTS_DICT_B45, QRPAYLOAD_PARTS_DICT_BYTE},
	    {-1, PACK_SH1, QRPAYLOAD_SH1_B45, QRPAYLOAD_SH1_BYTE},
	};
	for (size_t i = 0; i < sizeof plan / sizeof plan[0] && rc == 0; i++) {
		struct buf frame;
		buf_init(&frame, FRAME_MAX_BYTES);
		if (plan[i].kind < 0) {
			rc = build_sh1_frame(presentation, len, &frame);
		} else {
			rc = build_frame(presentation, len, plan[i].kind, plan[i].flags, &frame);
			if (rc == SHOMEI_ERR_PARSE) { /* not an SD-JWT: what encode does */
				buf_release(&frame);
				rc = build_sh1_frame(presentation, len, &frame);
			}
		}
		if (rc == 0)
			rc = measure_frame(&frame, plan[i].b45_slot, plan[i].byte_slot, out, d);
		else
			diag_set(d, rc, NULL, "presentation too large");
		buf_release(&frame);
	}
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
