/* qr_sample.h - realistic SD-JWT presentations for test_qrpayload.c and
 * test_qr.c (static functions, header only, so no other test links them).
 *
 * The shape is a shomei diploma in SD-JWT VC form: a JWS whose header names
 * the issuer's did:key, a payload with iss, iat, exp, vct, cnf.jwk, a status
 * list entry, the institution and degree in clear and `nsd` _sd digests
 * (43 characters each), `ndisc` Disclosures of 60-90 characters and, with
 * `kb`, a KB-JWT of about 250 characters with its sd_hash. Signatures, salts,
 * digests and keys are random bytes from a fixed-seed generator: only their
 * sizes matter here, not that they verify. */
#ifndef SHOMEI_QR_SAMPLE_H
#define SHOMEI_QR_SAMPLE_H

#include "base64url.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qs_rng {
	uint64_t s;
};

static inline uint64_t qs_next(struct qs_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1du;
}

static inline void qs_fill(struct qs_rng *r, unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(qs_next(r) >> 56);
}

#define QS_MAX 65536

struct qs_text {
	char s[QS_MAX];
	size_t len;
};

static inline void qs_put(struct qs_text *t, const char *s, size_t n)
{
	if (t->len + n >= QS_MAX)
		abort();
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static inline void qs_puts(struct qs_text *t, const char *s)
{
	qs_put(t, s, strlen(s));
}

static inline void qs_b64(struct qs_text *t, const unsigned char *p, size_t n)
{
	char tmp[QS_MAX];
	if (base64url_encode(p, n, tmp, sizeof tmp) != 0)
		abort();
	qs_puts(t, tmp);
}

static inline void qs_random_b64(struct qs_rng *r, struct qs_text *t, size_t bytes)
{
	unsigned char b[256];
	qs_fill(r, b, bytes);
	qs_b64(t, b, bytes);
}

static inline void qs_didkey(struct qs_rng *r, char out[57])
{
	static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	memcpy(out, "did:key:z6Mk", 12);
	for (int i = 0; i < 44; i++)
		out[12 + i] = b58[qs_next(r) % 58];
	out[56] = '\0';
}

/* Appends the base64url of JSON j. */
static inline void qs_json(struct qs_text *t, const struct qs_text *j)
{
	qs_b64(t, (const unsigned char *)j->s, j->len);
}

static const char *const qs_claims[][2] = {
    {"name", "\u5c71\u7530 \u592a\u90ce"}, /* 山田 太郎 */
    {"birthDate", "2003-04-02"},
    {"studentId", "S2022-0001"},
    {"fieldOfStudy", "\u60c5\u5831\u5de5\u5b66"}, /* 情報工学 */
    {"awardedDate", "2026-03-25"},
    {"given_name_kana", "\u30bf\u30ed\u30a6"},	/* タロウ */
    {"family_name_kana", "\u30e4\u30de\u30c0"}, /* ヤマダ */
    {"studentEmail", "taro.yamada@student.toto-tech.ac.jp"},
};
#define QS_CLAIMS (sizeof qs_claims / sizeof qs_claims[0])

/* A presentation into *out (which must be zeroed or reused). */
static inline void qs_presentation(uint64_t seed, unsigned ndisc, int kb, unsigned nsd,
				   struct qs_text *out)
{
	struct qs_rng r = {seed * 0x9e3779b97f4a7c15u + 1};
	static struct qs_text j;
	char dk[57], line[256];
	out->len = 0;
	qs_didkey(&r, dk);

	j.len = 0;
	snprintf(line, sizeof line, "{\"alg\":\"EdDSA\",\"typ\":\"dc+sd-jwt\",\"kid\":\"%s#%s\"}",
		 dk, dk + 8);
	qs_puts(&j, line);
	qs_json(out, &j);
	qs_puts(out, ".");

	j.len = 0;
	qs_puts(&j, "{\"_sd\":[");
	for (unsigned i = 0; i < nsd; i++) {
		qs_puts(&j, i ? ",\"" : "\"");
		qs_random_b64(&r, &j, 32);
		qs_puts(&j, "\"");
	}
	unsigned long iat = 1774000000ul + qs_next(&r) % 1000000;
	snprintf(line, sizeof line,
		 "],\"iss\":\"%s\",\"iat\":%lu,\"exp\":%lu,"
		 "\"vct\":\"https://shomei.example/vct/diploma/v1\","
		 "\"cnf\":{\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"",
		 dk, iat, iat + 50ul * 365 * 86400);
	qs_puts(&j, line);
	qs_random_b64(&r, &j, 32);
	snprintf(line, sizeof line,
		 "\"}},\"status\":{\"status_list\":{\"idx\":%lu,"
		 "\"uri\":\"https://registry.shomei.example/status/7\"}},",
		 (unsigned long)(qs_next(&r) % 100000));
	qs_puts(&j, line);
	qs_puts(&j, "\"institution\":{\"name\":\"\u6771\u90fd\u5de5\u696d\u5927\u5b66\","
		    "\"code\":\"F113310100010\"},"
		    "\"degree\":{\"achievementType\":\"BachelorDegree\","
		    "\"name\":\"\u5b66\u58eb\uff08\u5de5\u5b66\uff09\"},\"_sd_alg\":\"sha-256\"}");
	qs_json(out, &j);
	qs_puts(out, ".");
	qs_random_b64(&r, out, 64);
	qs_puts(out, "~");

	for (unsigned i = 0; i < ndisc; i++) {
		j.len = 0;
		qs_puts(&j, "[\"");
		qs_random_b64(&r, &j, 16);
		snprintf(line, sizeof line, "\",\"%s\",\"%s\"]", qs_claims[i % QS_CLAIMS][0],
			 qs_claims[i % QS_CLAIMS][1]);
		qs_puts(&j, line);
		qs_json(out, &j);
		qs_puts(out, "~");
	}
	if (!kb)
		return;
	j.len = 0;
	qs_puts(&j, "{\"alg\":\"EdDSA\",\"typ\":\"kb+jwt\"}");
	qs_json(out, &j);
	qs_puts(out, ".");
	j.len = 0;
	snprintf(line, sizeof line,
		 "{\"iat\":%lu,\"aud\":\"https://hr.employer.example\",\"nonce\":\"",
		 iat + 86400ul * 200);
	qs_puts(&j, line);
	qs_random_b64(&r, &j, 16);
	qs_puts(&j, "\",\"sd_hash\":\"");
	qs_random_b64(&r, &j, 32);
	qs_puts(&j, "\"}");
	qs_json(out, &j);
	qs_puts(out, ".");
	qs_random_b64(&r, out, 64);
}

/* The "typical diploma presentation" of docs/qr.md: 8 digests, 4 disclosures
 * and a KB-JWT, about 1.9 KB. */
static inline void qs_typical(uint64_t seed, struct qs_text *out)
{
	qs_presentation(seed, 4, 1, 8, out);
}

#endif
