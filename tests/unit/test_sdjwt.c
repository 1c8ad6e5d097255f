/* SD-JWT (common/sdjwt.h, common/jose.h): every disclosure of RFC 9901 and the
 * hashing examples; the processing of the RFC 9901 and SD-JWT VC examples
 * into their processed payloads, their sd_hash, and their refusal (ES256);
 * Ed25519 issuance, presentation and verification, and every refusal of
 * RFC 9901 §7 that a forger or a broken wallet could cause. */
#include "sdjwt.h"

#include "base64url.h"
#include "didkey.h"
#include "init.h"
#include "jcs.h"
#include "jose.h"
#include "jsonin.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define NOW 1775001600 /* 2026-04-01T00:00:00Z */

/* Equal as JSON values (numbers by value: the strict parser reads every
 * number as a real, jansson's loader reads 1 as an integer). */
static int same(const json_t *a, const json_t *b)
{
	char *x = NULL, *y = NULL;
	size_t lx, ly;
	if (!a || !b || jcs_serialize(a, &x, &lx, NULL) != 0 || jcs_serialize(b, &y, &ly, NULL) != 0) {
		free(x);
		return 0;
	}
	int eq = lx == ly && memcmp(x, y, lx) == 0;
	free(x);
	free(y);
	return eq;
}

static void test_disclosure_vectors(void **state)
{
	(void)state;
	static const char *const files[] = {"sd-jwt/rfc9901-disclosures.json",
					    "sd-jwt/rfc9901-hashing-examples.json"};
	size_t total = 0;
	for (size_t f = 0; f < 2; f++) {
		json_t *v = tu_load_json_vector(files[f]);
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(v, "entries"), i, e)
		{
			const char *disc = json_string_value(json_object_get(e, "disclosure"));
			char dg[SDJWT_DIGEST_CHARS + 1];
			sdjwt_digest(disc, strlen(disc), dg);
			assert_string_equal(dg, json_string_value(json_object_get(e, "sha256")));
			/* decoding: a payload referencing it processes to the decoded value */
			json_t *decoded = json_object_get(e, "decoded");
			json_t *payload = json_array_size(decoded) == 3
					      ? json_pack("{s:[s]}", "_sd", dg)
					      : json_pack("{s:[{s:s}]}", "a", "...", dg);
			json_t *claims = NULL, *paths = NULL;
			size_t und = 9;
			const char *texts[1] = {disc};
			struct shomei_diag d;
			if (sdjwt_process(payload, texts, 1, &claims, &paths, &und, &d) != 0)
				fail_msg("%s: %s: %s", json_string_value(json_object_get(e, "label")),
					 d.where, d.what);
			/* a recursive disclosure's value keeps digests of its own */
			char *dt = json_dumps(decoded, 0);
			int recursive = strstr(dt, "\"_sd\"") || strstr(dt, "\"...\"");
			free(dt);
			assert_int_equal(und == 0, !recursive);
			if (recursive)
				; /* its processed value has those removed */
			else if (json_array_size(decoded) == 3)
				assert_true(same(
				    json_object_get(claims,
						    json_string_value(json_array_get(decoded, 1))),
				    json_array_get(decoded, 2)));
			else
				assert_true(same(json_array_get(json_object_get(claims, "a"), 0),
						 json_array_get(decoded, 1)));
			json_decref(claims);
			json_decref(paths);
			json_decref(payload);
			total++;
		}
		json_decref(v);
	}
	assert_true(total >= 90);
	print_message("# %zu disclosures: digest and decoding\n", total);
}

/* Decodes the JWS payload of a compact SD-JWT's first part. */
static json_t *jws_payload(const char *sdjwt)
{
	const char *dot1 = strchr(sdjwt, '.');
	const char *dot2 = strchr(dot1 + 1, '.');
	size_t n = (size_t)(dot2 - dot1 - 1);
	unsigned char *buf = malloc(n);
	size_t len = 0;
	assert_int_equal(base64url_decode(dot1 + 1, n, buf, n, &len), 0);
	json_t *v = NULL;
	assert_int_equal(jsonin_parse((const char *)buf, len, &v, NULL), 0);
	free(buf);
	return v;
}

/* The disclosures of a compact SD-JWT (new strings in *out). */
static size_t disclosures_of(const char *sdjwt, char ***out)
{
	char *copy = strdup(sdjwt);
	char **list = calloc(64, sizeof *list);
	size_t n = 0;
	char *last = strrchr(copy, '~');
	char *p = strchr(copy, '~');
	while (p && p < last) {
		char *next = strchr(p + 1, '~');
		*next = '\0';
		list[n++] = strdup(p + 1);
		*next = '~';
		p = next;
	}
	free(copy);
	*out = list;
	return n;
}

static void check_example(const char *label, json_t *ex, const char *presentation_key)
{
	const char *pres = json_string_value(json_object_get(ex, presentation_key));
	assert_non_null(pres);
	json_t *payload = jws_payload(pres);
	assert_true(same(payload, json_object_get(ex, "issuer_jwt_payload")));
	char **discs = NULL;
	size_t n = disclosures_of(pres, &discs);
	json_t *claims = NULL, *paths = NULL;
	size_t und = 0;
	struct shomei_diag d;
	if (sdjwt_process(payload, (const char *const *)discs, n, &claims, &paths, &und, &d) != 0)
		fail_msg("%s: %s: %s", label, d.where, d.what);
	if (!same(claims, json_object_get(ex, "processed_payload"))) {
		char *got = json_dumps(claims, JSON_SORT_KEYS);
		fail_msg("%s: processed payload differs: %s", label, got);
	}
	assert_int_equal(json_array_size(paths), n);
	/* sd_hash, when there is a KB-JWT */
	json_t *kbp = json_object_get(ex, "kb_jwt_payload");
	if (kbp) {
		const char *cut = strrchr(pres, '~');
		char dg[SDJWT_DIGEST_CHARS + 1];
		sdjwt_digest(pres, (size_t)(cut + 1 - pres), dg);
		assert_string_equal(dg, json_string_value(json_object_get(kbp, "sd_hash")));
	}
	/* and shomei refuses the token itself: ES256 */
	struct sdjwt_verify_options o = {.now = NOW, .skew = 60, .max_age = 300};
	struct sdjwt_verified v;
	unsigned char pk[32] = {0};
	o.issuer_pk = pk;
	assert_int_equal(sdjwt_verify(pres, strlen(pres), &o, &v, &d), SHOMEI_ERR_UNSUPPORTED);
	assert_string_equal(d.what, "issuer-jwt.header.alg: \"ES256\" not accepted (only EdDSA)");
	for (size_t i = 0; i < n; i++)
		free(discs[i]);
	free(discs);
	json_decref(claims);
	json_decref(paths);
	json_decref(payload);
}

static void test_examples(void **state)
{
	(void)state;
	json_t *s5 = tu_load_json_vector("sd-jwt/rfc9901-section5-example.json");
	json_t *pres_copy = json_deep_copy(s5);
	json_t *s5p = json_pack("{s:O, s:O, s:O, s:O}", "presentation_sd_jwt_kb",
				json_object_get(s5, "presentation_sd_jwt_kb"), "issuer_jwt_payload",
				json_object_get(s5, "issuer_jwt_payload"), "kb_jwt_payload",
				json_object_get(s5, "kb_jwt_payload"), "processed_payload",
				json_object_get(s5, "processed_payload"));
	check_example("§5 presented", s5p, "presentation_sd_jwt_kb");
	/* sd_hash_input is exactly the presentation up to its last '~' */
	const char *in = json_string_value(json_object_get(s5, "sd_hash_input"));
	char dg[SDJWT_DIGEST_CHARS + 1];
	sdjwt_digest(in, strlen(in), dg);
	assert_string_equal(
	    dg, json_string_value(json_object_get(json_object_get(s5, "kb_jwt_payload"), "sd_hash")));
	json_decref(s5p);
	json_decref(pres_copy);
	json_decref(s5);

	json_t *a1 = tu_load_json_vector("sd-jwt/rfc9901-appendix-a1-example.json");
	check_example("A.1", a1, "presentation_sd_jwt");
	json_decref(a1);
	json_t *a3 = tu_load_json_vector("sd-jwt/rfc9901-appendix-a3-sd-jwt-vc-example.json");
	check_example("A.3", a3, "presentation_sd_jwt_kb");
	json_decref(a3);
	json_t *vc = tu_load_json_vector("sd-jwt/sd-jwt-vc-section2.3-example.json");
	check_example("VC 2.3 example 1", json_object_get(vc, "example_1"), "presentation_sd_jwt_kb");
	check_example("VC 2.3 example 2", json_object_get(vc, "example_2_without_kb"),
		      "presentation_sd_jwt");
	json_decref(vc);
}

/* ---- Ed25519 round trips ---- */

static void counter_random(void *ctx, unsigned char *out, size_t n)
{
	unsigned *c = ctx;
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(*c * 31 + i);
	(*c)++;
}

struct world {
	struct ed25519_key *issuer, *holder, *other;
	char kid[DIDKEY_VM_MAX_BYTES];
	char *issued;
	size_t len;
};

static json_t *diploma_payload(const struct world *w)
{
	char iss[DIDKEY_MAX_BYTES];
	assert_int_equal(didkey_from_public(w->issuer->pk, iss), 0);
	json_t *p = json_pack(
	    "{s:s, s:I, s:s, s:{s:o}, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:[s, s, s]}", "iss",
	    iss, "iat", (json_int_t)(NOW - 100), "vct", "urn:shomei:vct:diploma:1", "cnf", "jwk",
	    jose_jwk_from_public(w->holder->pk), "name", "山田 太郎", "birthDate", "2003-04-02",
	    "studentId", "S2022-0001", "degree", "学士（工学）", "conferralDate", "2026-03-25",
	    "institution", "id", "JP-13-0001", "name", "東都工業大学", "honours", "cum laude",
	    "dean's list", "best thesis");
	assert_non_null(p);
	return p;
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	unsigned char s1[32] = {1}, s2[32] = {2}, s3[32] = {3};
	w->issuer = ed25519_key_new_from_seed(s1);
	w->holder = ed25519_key_new_from_seed(s2);
	w->other = ed25519_key_new_from_seed(s3);
	assert_int_equal(didkey_vm_from_public(w->issuer->pk, w->kid), 0);
	json_t *p = diploma_payload(w);
	static const char *const sd[] = {"/name",	  "/birthDate",	  "/studentId",
					 "/honours/1",	  "/honours/2",	  "/institution/name",
					 "/institution"};
	unsigned ctr = 0;
	struct sdjwt_issue_options o = {.sd_paths = sd,
					.nsd = sizeof sd / sizeof sd[0],
					.decoys = 2,
					.kid = w->kid,
					.random = counter_random,
					.random_ctx = &ctr};
	struct shomei_diag d;
	if (sdjwt_issue(p, &o, w->issuer, &w->issued, &w->len, &d) != 0)
		fail_msg("issue: %s: %s", d.where, d.what);
	json_decref(p);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	ed25519_key_free(w->issuer);
	ed25519_key_free(w->holder);
	ed25519_key_free(w->other);
	free(w->issued);
	free(w);
	return 0;
}

static struct sdjwt_verify_options opts(void)
{
	return (struct sdjwt_verify_options){.now = NOW,
					     .skew = SDJWT_DEFAULT_SKEW,
					     .max_age = SDJWT_DEFAULT_MAX_AGE,
					     .aud = "https://employer.example",
					     .nonce = "n-0S6_WzA2Mj",
					     .vc = 1};
}

static char *present(struct world *w, const char *const *paths, size_t n, int kb,
		     const struct ed25519_key *signer, const char *nonce, int64_t iat)
{
	struct sdjwt_kb k = {.holder = signer ? signer : w->holder,
			     .aud = "https://employer.example",
			     .nonce = nonce ? nonce : "n-0S6_WzA2Mj",
			     .iat = iat ? iat : NOW};
	char *out = NULL;
	size_t len;
	struct shomei_diag d;
	if (sdjwt_present(w->issued, w->len, paths, n, kb ? &k : NULL, &out, &len, &d) != 0)
		fail_msg("present: %s: %s", d.where, d.what);
	return out;
}

static void expect_refused(const char *label, const char *text, const struct sdjwt_verify_options *o,
			   int err, const char *where, const char *what_part)
{
	struct sdjwt_verified v;
	struct shomei_diag d;
	int got = sdjwt_verify(text, strlen(text), o, &v, &d);
	if (got != err)
		fail_msg("%s: gave %d (%s: %s), expected %d", label, got, d.where, d.what, err);
	assert_null(v.claims);
	if (where && strcmp(d.where, where) != 0)
		fail_msg("%s: where %s (%s)", label, d.where, d.what);
	if (what_part && !strstr(d.what, what_part))
		fail_msg("%s: what \"%s\" lacks \"%s\"", label, d.what, what_part);
}

static void test_round_trip(void **state)
{
	struct world *w = *state;
	/* the holder's view: what can be disclosed */
	json_t *list = NULL;
	struct shomei_diag d;
	assert_int_equal(sdjwt_disclosable(w->issued, w->len, &list, &d), 0);
	assert_int_equal(json_array_size(list), 7);
	/* everything issued verifies, without KB */
	struct sdjwt_verify_options o = opts();
	struct sdjwt_verified v;
	if (sdjwt_verify(w->issued, w->len, &o, &v, &d) != 0)
		fail_msg("issued: %s: %s", d.where, d.what);
	assert_string_equal(json_string_value(json_object_get(v.claims, "name")), "山田 太郎");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(v.claims, "institution"), "name")),
	    "東都工業大学");
	assert_int_equal(json_array_size(json_object_get(v.claims, "honours")), 3);
	assert_null(json_object_get(v.claims, "_sd_alg"));
	assert_int_equal(v.undisclosed, 2 * 2); /* two decoys in each of the two _sd arrays */
	assert_int_equal(v.kb, 0);
	assert_string_equal(v.issuer_vm, w->kid);
	sdjwt_verified_release(&v);

	/* a presentation: name and the institution's name, with KB */
	static const char *const some[] = {"/name", "/institution/name"};
	char *p = present(w, some, 2, 1, NULL, NULL, 0);
	o.require_kb = 1;
	if (sdjwt_verify(p, strlen(p), &o, &v, &d) != 0)
		fail_msg("presented: %s: %s", d.where, d.what);
	assert_int_equal(v.kb, 1);
	assert_non_null(json_object_get(v.claims, "name"));
	assert_null(json_object_get(v.claims, "birthDate"));
	assert_null(json_object_get(v.claims, "studentId"));
	assert_int_equal(json_array_size(json_object_get(v.claims, "honours")), 1);
	assert_int_equal(json_array_size(v.disclosed), 3); /* institution, its name, name */
	assert_true(v.undisclosed >= 4);
	unsigned char first[32];
	memcpy(first, v.jws_hash, 32);
	sdjwt_verified_release(&v);

	/* the same credential's other presentation has the same issuer JWS hash */
	static const char *const honour[] = {"/honours/2"};
	char *p2 = present(w, honour, 1, 1, NULL, NULL, 0);
	assert_int_equal(sdjwt_verify(p2, strlen(p2), &o, &v, &d), 0);
	assert_memory_equal(v.jws_hash, first, 32);
	assert_string_equal(json_string_value(json_array_get(v.disclosed, 0)), "/honours/2");
	assert_string_equal(json_string_value(json_array_get(json_object_get(v.claims, "honours"), 1)),
			    "best thesis");
	sdjwt_verified_release(&v);
	free(p2);

	/* the refusals */
	struct sdjwt_verify_options wrong = o;
	wrong.nonce = "another";
	expect_refused("wrong nonce (a replay)", p, &wrong, SHOMEI_ERR_INVALID, "kb-jwt.nonce", NULL);
	wrong = o;
	wrong.aud = "https://other.example";
	expect_refused("wrong audience", p, &wrong, SHOMEI_ERR_INVALID, "kb-jwt.aud", NULL);
	wrong = o;
	wrong.now = NOW + 3600;
	expect_refused("stale KB-JWT", p, &wrong, SHOMEI_ERR_INVALID, "kb-jwt.iat", "older");
	char *future = present(w, some, 2, 1, NULL, NULL, NOW + 3600);
	expect_refused("KB-JWT from the future", future, &o, SHOMEI_ERR_INVALID, "kb-jwt.iat",
		       "future");
	free(future);
	/* KB removed */
	char *cut = strdup(p);
	*(strrchr(cut, '~') + 1) = '\0';
	expect_refused("KB-JWT removed", cut, &o, SHOMEI_ERR_INVALID, "kb-jwt", "required");
	/* KB-JWT signed by another key */
	char *forged = present(w, some, 2, 1, w->other, NULL, 0);
	expect_refused("KB by a key other than cnf", forged, &o, SHOMEI_ERR_SIGNATURE, NULL,
		       "kb-jwt.signature");
	free(forged);
	/* a disclosure dropped after the KB-JWT was made: sd_hash */
	char *dropped = strdup(p);
	char *t1 = strchr(dropped, '~');
	char *t2 = strchr(t1 + 1, '~');
	memmove(t1, t2, strlen(t2) + 1);
	expect_refused("a disclosure removed under KB", dropped, &o, SHOMEI_ERR_INVALID,
		       "kb-jwt.sd_hash", NULL);
	free(dropped);
	free(cut);
	free(p);
	json_decref(list);
}

/* Tampering with the disclosures and the issuer JWT, without KB. */
static void test_forgeries(void **state)
{
	struct world *w = *state;
	struct sdjwt_verify_options o = opts();
	o.aud = o.nonce = NULL;
	char **discs = NULL;
	size_t n = disclosures_of(w->issued, &discs);
	assert_int_equal(n, 7);
	const char *tilde = strchr(w->issued, '~');
	size_t jl = (size_t)(tilde - w->issued);
	char buf[8192];

	/* a changed disclosure: the name re-encoded with another value */
	json_t *arr = json_pack("[s, s, s]", "AAAAAAAAAAAAAAAAAAAAAA", "name", "山田 次郎");
	char *fake = NULL;
	size_t fl;
	assert_int_equal(jose_b64_json(arr, &fake, &fl, NULL), 0);
	snprintf(buf, sizeof buf, "%.*s~%s~", (int)jl, w->issued, fake);
	expect_refused("a changed disclosure", buf, &o, SHOMEI_ERR_INVALID, "disclosures[0]",
		       "not referenced");
	free(fake);
	json_decref(arr);

	/* a disclosure from another credential */
	json_t *p = diploma_payload(w);
	static const char *const sd[] = {"/name"};
	struct sdjwt_issue_options io = {.sd_paths = sd, .nsd = 1, .kid = w->kid};
	char *issued2 = NULL;
	size_t l2;
	assert_int_equal(sdjwt_issue(p, &io, w->issuer, &issued2, &l2, NULL), 0);
	char **d2 = NULL;
	size_t n2 = disclosures_of(issued2, &d2);
	snprintf(buf, sizeof buf, "%.*s~%s~", (int)jl, w->issued, d2[0]);
	expect_refused("another credential's disclosure", buf, &o, SHOMEI_ERR_INVALID,
		       "disclosures[0]", "not referenced");
	for (size_t i = 0; i < n2; i++)
		free(d2[i]);
	free(d2);
	free(issued2);
	json_decref(p);

	/* the same disclosure twice */
	snprintf(buf, sizeof buf, "%.*s~%s~%s~", (int)jl, w->issued, discs[0], discs[0]);
	expect_refused("a disclosure twice", buf, &o, SHOMEI_ERR_INVALID, "disclosures[1]", "twice");
	/* an empty disclosure */
	snprintf(buf, sizeof buf, "%.*s~~", (int)jl, w->issued);
	expect_refused("an empty disclosure", buf, &o, SHOMEI_ERR_PARSE, "disclosures[0]", NULL);
	/* no tilde at all, garbage, a changed issuer payload byte */
	expect_refused("no tilde", "abc", &o, SHOMEI_ERR_PARSE, NULL, NULL);
	snprintf(buf, sizeof buf, "%.*s~", (int)jl, w->issued);
	buf[jl / 2] = buf[jl / 2] == 'A' ? 'B' : 'A';
	struct sdjwt_verified v;
	struct shomei_diag d;
	assert_int_not_equal(sdjwt_verify(buf, strlen(buf), &o, &v, &d), 0);
	/* the wrong issuer key */
	o.issuer_pk = w->other->pk;
	snprintf(buf, sizeof buf, "%.*s~", (int)jl, w->issued);
	expect_refused("another issuer key", buf, &o, SHOMEI_ERR_SIGNATURE, NULL,
		       "issuer-jwt.signature");
	o.issuer_pk = NULL;

	/* alg none, and a crit header, made by hand */
	json_t *h = json_pack("{s:s, s:s}", "alg", "none", "typ", "dc+sd-jwt");
	json_t *pl = json_pack("{s:s, s:s}", "iss", "x", "vct", "y");
	char *hb = NULL, *pb = NULL;
	size_t hl, pbl;
	assert_int_equal(jose_b64_json(h, &hb, &hl, NULL), 0);
	assert_int_equal(jose_b64_json(pl, &pb, &pbl, NULL), 0);
	snprintf(buf, sizeof buf, "%s.%s.%s~", hb, pb,
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_refused("alg none", buf, &o, SHOMEI_ERR_UNSUPPORTED, NULL, "\"none\" not accepted");
	free(hb);
	json_decref(h);
	h = json_pack("{s:s, s:[s]}", "alg", "EdDSA", "crit", "exp");
	assert_int_equal(jose_b64_json(h, &hb, &hl, NULL), 0);
	snprintf(buf, sizeof buf, "%s.%s.%s~", hb, pb,
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_refused("crit", buf, &o, SHOMEI_ERR_UNSUPPORTED, NULL, "crit");
	free(hb);
	free(pb);
	json_decref(h);
	json_decref(pl);
	for (size_t i = 0; i < n; i++)
		free(discs[i]);
	free(discs);
}

/* Payloads signed by the issuer that break the processing rules. */
static void test_processing_rules(void **state)
{
	(void)state;
	struct shomei_diag d;
	json_t *claims = NULL, *paths = NULL;
	size_t und;
	json_t *a = json_pack("[s, s, s]", "c2FsdA", "name", "x");
	json_t *res = json_pack("[s, s, s]", "c2FsdA", "_sd", "x");
	json_t *el = json_pack("[s, s]", "c2FsdA", "x");
	char *ta = NULL, *tr = NULL, *te = NULL;
	size_t l;
	assert_int_equal(jose_b64_json(a, &ta, &l, NULL), 0);
	assert_int_equal(jose_b64_json(res, &tr, &l, NULL), 0);
	assert_int_equal(jose_b64_json(el, &te, &l, NULL), 0);
	char da[SDJWT_DIGEST_CHARS + 1], dr[SDJWT_DIGEST_CHARS + 1], de[SDJWT_DIGEST_CHARS + 1];
	sdjwt_digest(ta, strlen(ta), da);
	sdjwt_digest(tr, strlen(tr), dr);
	sdjwt_digest(te, strlen(te), de);
	struct {
		const char *label;
		json_t *payload;
		const char *disc;
		int err;
		const char *what;
	} cases[] = {
	    {"claim collision", json_pack("{s:s, s:[s]}", "name", "y", "_sd", da), ta,
	     SHOMEI_ERR_INVALID, "already present"},
	    {"digest twice", json_pack("{s:[s, s]}", "_sd", da, da), ta, SHOMEI_ERR_INVALID, "twice"},
	    {"reserved name", json_pack("{s:[s]}", "_sd", dr), tr, SHOMEI_ERR_INVALID, "reserved"},
	    {"element disclosure in _sd", json_pack("{s:[s]}", "_sd", de), te, SHOMEI_ERR_INVALID,
	     "array element"},
	    {"member disclosure in an array", json_pack("{s:[{s:s}]}", "x", "...", da), ta,
	     SHOMEI_ERR_INVALID, "object member"},
	    {"_sd not an array", json_pack("{s:s}", "_sd", da), ta, SHOMEI_ERR_INVALID, "not an array"},
	    {"_sd_alg sha-512", json_pack("{s:s, s:[s]}", "_sd_alg", "sha-512", "_sd", da), ta,
	     SHOMEI_ERR_UNSUPPORTED, "sha-256"},
	    {"unreferenced", json_pack("{s:[]}", "_sd"), ta, SHOMEI_ERR_INVALID, "not referenced"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *t[1] = {cases[i].disc};
		int e = sdjwt_process(cases[i].payload, t, 1, &claims, &paths, &und, &d);
		if (e != cases[i].err || !strstr(d.what, cases[i].what))
			fail_msg("%s: %d %s: %s", cases[i].label, e, d.where, d.what);
		assert_null(claims);
		json_decref(cases[i].payload);
	}
	/* decoys and an undisclosed element are dropped, counted */
	json_t *ok = json_pack("{s:[s, s], s:[{s:s}, s]}", "_sd", da,
			       "kWsT1w9bZfPOp9lp0PUFhLh4sWHDXbkCKYjaK9f2B0I", "x", "...", de, "plain");
	const char *both[2] = {ta, te};
	assert_int_equal(sdjwt_process(ok, both, 2, &claims, &paths, &und, &d), 0);
	assert_int_equal(und, 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(claims, "x"), 0)), "x");
	json_decref(claims);
	json_decref(paths);
	const char *one[1] = {ta};
	assert_int_equal(sdjwt_process(ok, one, 1, &claims, &paths, &und, &d), 0);
	assert_int_equal(und, 2);
	assert_int_equal(json_array_size(json_object_get(claims, "x")), 1);
	json_decref(claims);
	json_decref(paths);
	json_decref(ok);
	free(ta);
	free(tr);
	free(te);
	json_decref(a);
	json_decref(res);
	json_decref(el);
}

static void test_issue_errors(void **state)
{
	struct world *w = *state;
	json_t *p = diploma_payload(w);
	static const char *const bad[] = {"", "/", "/nope", "/cnf/jwk", "/iss", "/honours/9",
					  "name"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sdjwt_issue_options o = {.sd_paths = &bad[i], .nsd = 1};
		char *out = NULL;
		size_t len;
		struct shomei_diag d;
		assert_int_equal(sdjwt_issue(p, &o, w->issuer, &out, &len, &d), SHOMEI_ERR_USAGE);
		assert_null(out);
	}
	static const char *const nope[] = {"/degree"};
	char *out = NULL;
	size_t len;
	struct shomei_diag d;
	assert_int_equal(sdjwt_present(w->issued, w->len, nope, 1, NULL, &out, &len, &d),
			 SHOMEI_ERR_NOTFOUND);
	json_decref(p);
	/* JWK */
	unsigned char pk[32];
	json_t *jwk = jose_jwk_from_public(w->holder->pk);
	assert_int_equal(jose_jwk_to_public(jwk, pk, NULL), 0);
	assert_memory_equal(pk, w->holder->pk, 32);
	json_object_set_new(jwk, "d", json_string("AAAA"));
	assert_int_equal(jose_jwk_to_public(jwk, pk, &d), SHOMEI_ERR_INVALID);
	assert_string_equal(d.where, "d");
	json_object_del(jwk, "d");
	json_object_set_new(jwk, "crv", json_string("X25519"));
	assert_int_equal(jose_jwk_to_public(jwk, pk, &d), SHOMEI_ERR_INVALID);
	json_decref(jwk);
}

/* RFC 8037 A.1-A.5: our JWK reading and EdDSA JWS give the RFC's bytes. */
static void test_rfc8037(void **state)
{
	(void)state;
	json_t *v = tu_load_json_vector("sd-jwt/rfc8037-ed25519.json");
	const json_t *priv = json_object_get(v, "private_jwk");
	unsigned char seed[32], pk[32];
	size_t n = 0;
	assert_int_equal(base64url_decode(json_string_value(json_object_get(priv, "d")), 43, seed,
					  sizeof seed, &n),
			 0);
	assert_int_equal(n, 32);
	struct ed25519_key *k = ed25519_key_new_from_seed(seed);
	assert_non_null(k);
	/* the public JWK is read as the key the private one derives; the
	 * private JWK is refused as an issuer key */
	struct shomei_diag d;
	assert_int_equal(jose_jwk_to_public(json_object_get(v, "public_jwk"), pk, &d), 0);
	assert_memory_equal(pk, k->pk, 32);
	assert_int_equal(jose_jwk_to_public(priv, pk, &d), SHOMEI_ERR_INVALID);
	/* A.4: the JWS of the payload under {"alg":"EdDSA"} */
	const char *want = json_string_value(json_object_get(v, "jws_compact"));
	const char *payload = json_string_value(json_object_get(v, "jws_payload"));
	char *jws = NULL;
	size_t len;
	assert_int_equal(jose_jws_sign_text("{\"alg\":\"EdDSA\"}", 15, payload, strlen(payload), k,
					    &jws, &len, NULL),
			 0);
	assert_string_equal(jws, want);
	assert_int_equal(len, strlen(want));
	free(jws);
	/* A.5: it validates, and a changed byte does not (a JWS whose payload is
	 * not JSON is not a JWT: jose_jws_parse would refuse it, so the check is
	 * on the signature itself) */
	const char *dot = strrchr(want, '.');
	unsigned char sig[64];
	assert_int_equal(base64url_decode(dot + 1, strlen(dot + 1), sig, sizeof sig, &n), 0);
	assert_int_equal(n, 64);
	assert_int_equal(ed25519_verify(sig, want, (size_t)(dot - want), k->pk), 0);
	sig[10] ^= 1;
	assert_int_not_equal(ed25519_verify(sig, want, (size_t)(dot - want), k->pk), 0);
	ed25519_key_free(k);
	json_decref(v);
}

/* sdjwt_issue_flat gives byte for byte what sdjwt_issue gives for the same
 * payload (as the fast path of the diploma relies on). */
static void flat_vs_generic(const char *label, const json_t *p, const char *const *sd, size_t nsd,
			    unsigned decoys, const char *kid, const char *typ,
			    const struct ed25519_key *key)
{
	struct sdjwt_member m[SDJWT_FLAT_MAX_MEMBERS];
	char *texts[SDJWT_FLAT_MAX_MEMBERS];
	size_t n = 0;
	const char *k;
	json_t *v;
	/* the plain members first, then the disclosable ones in sd's order */
	for (int pass = 0; pass < 2; pass++)
		json_object_foreach((json_t *)p, k, v)
		{
			size_t s;
			for (s = 0; s < nsd && strcmp(sd[s] + 1, k); s++)
				;
			if ((s < nsd) != pass)
				continue;
			assert_int_equal(jcs_serialize(v, &texts[n], &m[n].json_len, NULL), 0);
			m[n].name = k;
			m[n].json = texts[n];
			m[n].sd = pass;
			n++;
		}
	/* flat takes the sd members in the order of m: sort them as sd says */
	size_t first_sd = n - nsd;
	for (size_t s = 0; s < nsd; s++)
		for (size_t i = first_sd + s; i < n; i++)
			if (!strcmp(m[i].name, sd[s] + 1)) {
				struct sdjwt_member t = m[i];
				char *tt = texts[i];
				m[i] = m[first_sd + s];
				texts[i] = texts[first_sd + s];
				m[first_sd + s] = t;
				texts[first_sd + s] = tt;
			}
	unsigned c1 = 7, c2 = 7;
	struct sdjwt_issue_options o1 = {.sd_paths = sd, .nsd = nsd, .decoys = decoys, .kid = kid,
					 .typ = typ, .random = counter_random, .random_ctx = &c1};
	struct sdjwt_issue_options o2 = o1;
	o2.sd_paths = NULL;
	o2.nsd = 0;
	o2.random_ctx = &c2;
	char *a = NULL, *b = NULL;
	size_t al, bl;
	struct shomei_diag d;
	if (sdjwt_issue(p, &o1, key, &a, &al, &d) != 0)
		fail_msg("%s: generic: %s: %s", label, d.where, d.what);
	if (sdjwt_issue_flat(m, n, &o2, key, &b, &bl, &d) != 0)
		fail_msg("%s: flat: %s: %s", label, d.where, d.what);
	if (al != bl || memcmp(a, b, al) != 0)
		fail_msg("%s: flat and generic differ:\n%s\n%s", label, a, b);
	assert_int_equal(c1, c2);
	free(a);
	free(b);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
}

static void test_issue_flat(void **state)
{
	struct world *w = *state;
	json_t *p = json_pack("{s:s, s:I, s:s, s:{s:{s:s}}, s:s, s:s, s:s, s:[i, s], s:b, s:n}",
			      "iss", "did:example:issuer", "iat", (json_int_t)1774396800, "vct",
			      "urn:shomei:vct:diploma:1", "status", "shomei_ledger", "status_hash", "00ff",
			      "name", "山田 太郎", "birthDate", "2003-04-02", "odd",
			      "quote \" backslash \\ newline \n bell \a del \x7f end",
			      "list", 1, "x", "flag", 1, "none");
	assert_non_null(p);
	static const char *const sd[] = {"/birthDate", "/name", "/odd", "/list"};
	flat_vs_generic("four disclosures", p, sd, 4, 2, w->kid, NULL, w->issuer);
	flat_vs_generic("no decoys, no kid", p, sd, 2, 0, NULL, NULL, w->issuer);
	flat_vs_generic("no disclosures", p, sd, 0, 3, w->kid, "example+sd-jwt", w->issuer);
	/* names that sort between "_sd" and "_sd_alg", and before and after */
	json_object_set_new(p, "_sdA", json_string("between"));
	json_object_set_new(p, "_s", json_string("before"));
	json_object_set_new(p, "_sd_b", json_string("after"));
	json_object_set_new(p, "A", json_integer(-5));
	flat_vs_generic("names around _sd", p, sd, 3, 1, w->kid, NULL, w->issuer);
	json_decref(p);
	/* refusals */
	struct sdjwt_member m[3] = {{.name = "iss", .json = "\"x\"", .json_len = 3},
				    {.name = "name", .json = "\"y\"", .json_len = 3, .sd = 1},
				    {.name = "vct", .json = "\"z\"", .json_len = 3}};
	struct sdjwt_issue_options o = {.decoys = 1};
	static const char *const badnames[] = {"",	  "_sd", "_sd_alg", "...",
					       "na\"me", "a\\b", "名前",	"tab\t"};
	char *out = (char *)"untouched";
	size_t len = 9;
	struct shomei_diag d;
	for (size_t i = 0; i < sizeof badnames / sizeof badnames[0]; i++) {
		m[2].name = badnames[i];
		assert_int_equal(sdjwt_issue_flat(m, 3, &o, w->issuer, &out, &len, &d),
				 SHOMEI_ERR_USAGE);
		assert_null(out);
		assert_int_equal(len, 0);
	}
	m[2].name = "iss";
	assert_int_equal(sdjwt_issue_flat(m, 3, &o, w->issuer, &out, &len, &d), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "repeated");
	m[2].name = "vct";
	m[0].sd = 1;
	assert_int_equal(sdjwt_issue_flat(m, 3, &o, w->issuer, &out, &len, &d), SHOMEI_ERR_USAGE);
	assert_string_equal(d.what, "this claim must stay plain");
	m[0].sd = 0;
	assert_int_equal(sdjwt_issue_flat(m, SDJWT_FLAT_MAX_MEMBERS + 1, &o, w->issuer, &out, &len,
					  &d),
			 SHOMEI_ERR_LIMIT);
	assert_int_equal(sdjwt_issue_flat(m, 3, &o, w->issuer, &out, &len, &d), 0);
	free(out);
}

/* The worked example of docs/sd-jwt.md is what the code produces. */
static void test_doc_example(void **state)
{
	(void)state;
	unsigned char s1[32] = {1}, s2[32] = {2};
	struct ed25519_key *iss = ed25519_key_new_from_seed(s1), *h = ed25519_key_new_from_seed(s2);
	char did[DIDKEY_MAX_BYTES], vm[DIDKEY_VM_MAX_BYTES];
	assert_int_equal(didkey_from_public(iss->pk, did), 0);
	assert_int_equal(didkey_vm_from_public(iss->pk, vm), 0);
	json_t *p = json_pack(
	    "{s:s, s:i, s:s, s:s, s:{s:o}, s:{s:{s:s}}, s:s, s:s, s:s, s:s, s:s, s:s}", "iss", did,
	    "iat", 1774396800, "vct", "urn:shomei:vct:diploma:1", "jti",
	    "urn:uuid:0eea0f5d-d289-4b88-8f45-9d143c9be83c", "cnf", "jwk", jose_jwk_from_public(h->pk),
	    "status", "shomei_ledger", "status_hash",
	    "e2033cc2834f8bae205fe17d81a8e76bbcf5cb2cc0fc5cc9e46e2fc3017714c1", "institution",
	    "東都工業大学", "achievementType", "BachelorDegree", "degree", "学士（工学）",
	    "conferralDate", "2026-03-25", "name", "山田 太郎", "birthDate", "2003-04-02");
	static const char *const sd[] = {"/name", "/birthDate"};
	unsigned ctr = 0;
	struct sdjwt_issue_options o = {.sd_paths = sd,
					.nsd = 2,
					.decoys = 1,
					.kid = vm,
					.random = counter_random,
					.random_ctx = &ctr};
	char *out = NULL, *pr = NULL;
	size_t len, pl;
	assert_int_equal(sdjwt_issue(p, &o, iss, &out, &len, NULL), 0);
	static const char *const show[] = {"/name"};
	struct sdjwt_kb kb = {
	    .holder = h, .aud = "https://employer.example", .nonce = "n-0S6_WzA2Mj", .iat = NOW};
	assert_int_equal(sdjwt_present(out, len, show, 1, &kb, &pr, &pl, NULL), 0);
	size_t dl = 0;
	char *doc = NULL;
	FILE *f = fopen("docs/sd-jwt.md", "r");
	assert_non_null(f);
	doc = malloc(1 << 20);
	dl = fread(doc, 1, (1 << 20) - 1, f);
	fclose(f);
	doc[dl] = '\0';
	char *block = strstr(doc, "<!-- sdjwt-example -->\n```\n");
	assert_non_null(block);
	block += strlen("<!-- sdjwt-example -->\n```\n");
	char *want = malloc(len + pl + 8);
	snprintf(want, len + pl + 8, "%s\n%s\n```", out, pr);
	if (strncmp(block, want, strlen(want)) != 0)
		fail_msg("docs/sd-jwt.md's example is not what the code produces:\n%s", want);
	/* and it verifies */
	struct sdjwt_verify_options vo = opts();
	vo.require_kb = 1;
	struct sdjwt_verified v;
	struct shomei_diag d;
	if (sdjwt_verify(pr, pl, &vo, &v, &d) != 0)
		fail_msg("%s: %s", d.where, d.what);
	sdjwt_verified_release(&v);
	free(want);
	free(doc);
	free(out);
	free(pr);
	json_decref(p);
	ed25519_key_free(iss);
	ed25519_key_free(h);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_disclosure_vectors),
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forgeries, setup, teardown),
	    cmocka_unit_test(test_processing_rules),
	    cmocka_unit_test_setup_teardown(test_issue_errors, setup, teardown),
	    cmocka_unit_test(test_doc_example),
	    cmocka_unit_test(test_rfc8037),
	    cmocka_unit_test_setup_teardown(test_issue_flat, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
