/* bench - throughput of issuance and verification on one core, reported as
 * ratios against libsodium's raw Ed25519 rates measured in the same run (the
 * machines are shared and noisy, so absolute figures mean little).
 * Run by `make bench` (optimised build, no sanitizers). */
#include "bench.h"
#include "credential.h"
#include "dataint.h"
#include "didkey.h"
#include "ed25519.h"
#include "init.h"
#include "diploma_sd.h"
#include "fileio.h"
#include "qrpayload.h"
#include "sdjwt.h"
#include "jsonin.h"
#include "record.h"
#include "registry.h"
#include "timeutil.h"
#include "verdict.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROUND_SECONDS 0.3
#define ROUNDS	      9

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef void (*op_fn)(void *ctx);

/* Operations per second over one round of about ROUND_SECONDS. */
static double round_rate(op_fn op, void *ctx)
{
	long n = 0;
	double t0 = now_s(), t;
	do {
		for (int i = 0; i < 16; i++)
			op(ctx);
		n += 16;
		t = now_s();
	} while (t - t0 < ROUND_SECONDS);
	return (double)n / (t - t0);
}

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	return v[n / 2];
}

/* The machines are shared: each round measures the baseline and the operation
 * back to back, and the ratio reported is the median of the rounds' ratios,
 * so a burst of load elsewhere skews one round, not the figure. */
struct pair {
	double base, op, ratio;
};

static struct pair measure(op_fn base, op_fn op, void *ctx)
{
	double b[ROUNDS], o[ROUNDS], r[ROUNDS];
	for (int i = 0; i < ROUNDS; i++) {
		b[i] = round_rate(base, ctx);
		o[i] = round_rate(op, ctx);
		r[i] = o[i] / b[i];
	}
	return (struct pair){median(b, ROUNDS), median(o, ROUNDS), median(r, ROUNDS)};
}

/* The SD-JWT VC figures: issuance of the SD-JWT form, and verification of a
 * typical presentation (institution, degree, conferral date and name shown,
 * birth date and student number withheld, with a KB-JWT) with the ledger. */
struct sdctx {
	const struct credential_claims *claims;
	const struct credential_issuer *iss;
	const struct ed25519_key *key;
	const char *kid;
	char *paths[DIPLOMA_SD_MAX_CLAIMS];
	size_t npaths;
	char *pres;
	size_t plen;
	struct verdict_options vo;
	unsigned char sig[ED25519_SIG_BYTES], msg[64];
	int failed;
};

static void op_sd_issue(void *p)
{
	struct sdctx *c = p;
	char *out = NULL;
	size_t len;
	unsigned char dg[RECORD_HASH_BYTES];
	if (diploma_sd_issue(c->claims, c->iss, "urn:uuid:3f2a0000-0000-4000-8000-000000000001",
			     1774396800, c->key, c->kid, c->paths, c->npaths, &out, &len, dg,
			     NULL) != 0)
		c->failed = 1;
	free(out);
}

static void op_sd_verify(void *p)
{
	struct sdctx *c = p;
	static struct verdict v;
	if (verdict_sdjwt(c->pres, c->plen, &c->vo, &v) != 0 || v.status != VERDICT_VALID)
		c->failed = 1;
}

static void op_sd_raw_sign(void *p)
{
	struct sdctx *c = p;
	ed25519_sign(c->sig, c->msg, sizeof c->msg, c->key);
}

/* Two raw verifications: what a key-bound presentation's signatures cost. */
static void op_sd_raw_verify2(void *p)
{
	struct sdctx *c = p;
	if (ed25519_verify(c->sig, c->msg, sizeof c->msg, c->key->pk) != 0 ||
	    ed25519_verify(c->sig, c->msg, sizeof c->msg, c->key->pk) != 0)
		c->failed = 1;
}

struct ctx {
	struct ed25519_key *key;
	unsigned char msg[DATAINT_HASH_DATA_BYTES];
	unsigned char sig[ED25519_SIG_BYTES];
	struct credential_claims claims;
	struct credential_issuer iss;
	char vm[DIDKEY_VM_MAX_BYTES];
	char *text;
	size_t len;
	int failed;
	struct dataint_signer signer;
	struct verdict_ledger ledger; /* a registry where the credential is anchored */
};

static void op_raw_sign(void *p)
{
	struct ctx *c = p;
	ed25519_sign(c->sig, c->msg, sizeof c->msg, c->key);
}

static void op_raw_verify(void *p)
{
	struct ctx *c = p;
	if (ed25519_verify(c->sig, c->msg, sizeof c->msg, c->key->pk) != 0)
		c->failed = 1;
}

/* What `issuer issue` does per credential, short of the file write and the
 * ledger append (measured per batch below): build the credential, take its
 * digest for the anchor, sign it, and produce the text written out (the
 * signer is set up once per batch, as the issuer does). */
static char *issue_one(struct ctx *c)
{
	json_t *vc = NULL;
	char *text = NULL;
	size_t len;
	unsigned char digest[RECORD_HASH_BYTES];
	if (credential_build(&c->claims, &c->iss, NULL, 1774396800, &vc, NULL) != 0 ||
	    dataint_signer_sign_digest(&c->signer, vc, RECORD_CREDENTIAL_CONTEXT, digest, &text,
				       &len, NULL) != 0)
		c->failed = 1;
	json_decref(vc);
	return text;
}

static void op_issue(void *p)
{
	free(issue_one(p));
}

/* What `verifier verify` does per credential once its replica is open:
 * parse strictly and judge, ledger checks included. */
static void op_verify(void *p)
{
	struct ctx *c = p;
	static struct verdict v;
	json_t *doc = NULL;
	struct verdict_options o = {.at = 1800000000, .ledger = &c->ledger};
	if (jsonin_parse(c->text, c->len, &doc, NULL) != 0 ||
	    verdict_credential(doc, &o, &v) != 0 || v.status != VERDICT_VALID)
		c->failed = 1;
	json_decref(doc);
}

static char *signed_record(struct record_fields *f, const struct ed25519_key *key, size_t *len)
{
	json_t *body = NULL;
	char *out = NULL;
	if (record_build(f, &body, NULL) != 0 || record_sign(body, &key, 1, &out, len, NULL) != 0)
		out = NULL;
	json_decref(body);
	return out;
}

/* A registry of a genesis, the institution, and an anchor of `digest`. */
static struct registry *registry_for(const struct ed25519_key *inst, const char *inst_did,
				     const unsigned char digest[RECORD_HASH_BYTES])
{
	struct registry *r = registry_new();
	struct ed25519_key *auth = ed25519_key_new_random();
	char auth_did[DIDKEY_MAX_BYTES];
	if (!r || !auth || didkey_from_public(auth->pk, auth_did) != 0)
		goto fail;
	const char *auths[] = {auth_did};
	struct record_fields f[3] = {
	    {.type = RECORD_GENESIS, .authorities = auths, .nauthorities = 1, .threshold = 1},
	    {.type = RECORD_INSTITUTION,
	     .institution = "JP-13-0001",
	     .name = "東都工業大学",
	     .key = inst_did},
	    {.type = RECORD_ANCHOR,
	     .institution = "JP-13-0001",
	     .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])digest,
	     .nhashes = 1},
	};
	for (int i = 0; i < 3; i++) {
		size_t len;
		f[i].time = 1774396800;
		char *rec = signed_record(&f[i], i < 2 ? auth : inst, &len);
		int e = !rec || registry_apply(r, (uint64_t)i, 1774396800, rec, len, NULL) != 0;
		free(rec);
		if (e)
			goto fail;
	}
	ed25519_key_free(auth);
	return r;
fail:
	ed25519_key_free(auth);
	registry_free(r);
	return NULL;
}

int main(int argc, char **argv)
{
	if (shomei_init() != 0)
		return 1;
	const char *build = argc > 1 ? argv[1] : "build";
	static struct ctx c;
	c.key = ed25519_key_new_random();
	struct ed25519_key *holder = ed25519_key_new_random();
	char did[DIDKEY_MAX_BYTES], holder_did[DIDKEY_MAX_BYTES];
	if (!c.key || !holder || didkey_from_public(c.key->pk, did) != 0 ||
	    didkey_vm_from_public(c.key->pk, c.vm) != 0 ||
	    didkey_from_public(holder->pk, holder_did) != 0)
		return 1;
	randombytes_buf(c.msg, sizeof c.msg);
	c.iss = (struct credential_issuer){.did = did, .name = "東都工業大学"};
	c.claims = (struct credential_claims){
	    .holder = holder_did,
	    .name = "山田 太郎",
	    .student_id = "S2022-0001",
	    .birth_date = "2003-04-02",
	    .achievement_type = "BachelorDegree",
	    .degree = "学士（工学）",
	    .field_of_study = "情報工学",
	    .conferral_date = "2026-03-25",
	};
	struct dataint_proof_options po = {.verification_method = c.vm,
					   .created = "2026-03-25T00:00:00Z"};
	json_t *ctx = credential_context_new();
	if (!ctx || dataint_signer_init(&c.signer, c.key, &po, ctx, NULL) != 0)
		return 1;
	json_decref(ctx);
	c.text = issue_one(&c);
	if (!c.text)
		return 1;
	c.len = strlen(c.text);
	op_raw_sign(&c);
	json_t *parsed = NULL;
	unsigned char digest[RECORD_HASH_BYTES];
	if (jsonin_parse(c.text, c.len, &parsed, NULL) != 0 ||
	    record_credential_digest(parsed, digest, NULL) != 0)
		return 1;
	json_decref(parsed);
	struct registry *reg = registry_for(c.key, did, digest);
	if (!reg)
		return 1;
	c.ledger = (struct verdict_ledger){
	    .registry = reg, .origin = "bench.example/ledger", .size = 3, .time = 1774396800};

	printf("shomei bench: one core; a typical diploma of %zu bytes\n\n", c.len);
	struct pair sign = measure(op_raw_sign, op_issue, &c);
	struct pair verify = measure(op_raw_verify, op_verify, &c);
	if (c.failed) {
		fprintf(stderr, "bench: an operation failed\n");
		return 1;
	}
	printf("%-46s %12s %8s %8s\n", "operation", "per second", "ratio", "target");
	printf("%-46s %12.0f %8s %8s\n", "raw Ed25519 sign (libsodium, 64 bytes)", sign.base,
	       "1.00", "");
	printf("%-46s %12.0f %8.2f %8s\n", "issue a diploma (build, JCS, sign, serialize)", sign.op,
	       sign.ratio, ">= 0.60");
	printf("%-46s %12.0f %8s %8s\n", "raw Ed25519 verify (libsodium, 64 bytes)", verify.base,
	       "1.00", "");
	printf("%-46s %12.0f %8.2f %8s\n", "verify a diploma (parse, JCS, verify, ledger)",
	       verify.op, verify.ratio, ">= 0.70");
	printf("\n(rates: medians over %d rounds of %.1f s; ratio: median of the per-round "
	       "ratios)\n",
	       ROUNDS, ROUND_SECONDS);

	/* ---- the SD-JWT VC form and the QR code ---- */
	static struct sdctx sc;
	struct ed25519_key *hk = holder;
	sc.claims = &c.claims;
	sc.iss = &c.iss;
	sc.key = c.key;
	sc.kid = c.vm;
	if (diploma_sd_paths(DIPLOMA_SD_DEFAULT, sc.paths, &sc.npaths, NULL) != 0)
		return 1;
	char *issued = NULL;
	size_t ilen;
	unsigned char sdg[RECORD_HASH_BYTES];
	if (diploma_sd_issue(&c.claims, &c.iss, "urn:uuid:3f2a0000-0000-4000-8000-000000000001",
			     1774396800, c.key, c.vm, sc.paths, sc.npaths, &issued, &ilen, sdg,
			     NULL) != 0)
		return 1;
	static const char *const show[] = {"/name"};
	struct sdjwt_kb kb = {
	    .holder = hk, .aud = "https://employer.example", .nonce = "n-0S6_WzA2Mj", .iat = 1800000000};
	if (sdjwt_present(issued, ilen, show, 1, &kb, &sc.pres, &sc.plen, NULL) != 0)
		return 1;
	struct registry *sreg = registry_for(c.key, did, sdg);
	if (!sreg)
		return 1;
	struct verdict_ledger sl = {
	    .registry = sreg, .origin = "bench.example/ledger", .size = 3, .time = 1774396800};
	sc.vo = (struct verdict_options){.at = 1800000000,
					 .ledger = &sl,
					 .aud = "https://employer.example",
					 .nonce = "n-0S6_WzA2Mj",
					 .require_kb = 1,
					 .max_age = 300,
					 .skew = 60};
	randombytes_buf(sc.msg, sizeof sc.msg);
	op_sd_raw_sign(&sc);
	struct pair sds = measure(op_sd_raw_sign, op_sd_issue, &sc);
	struct pair sdv = measure(op_sd_raw_verify2, op_sd_verify, &sc);
	if (sc.failed) {
		fprintf(stderr, "bench: an SD-JWT operation failed\n");
		return 1;
	}
	printf("\nSD-JWT VC (a presentation of %zu bytes: name shown, birth date and student "
	       "number withheld, KB-JWT)\n",
	       sc.plen);
	printf("%-46s %12.0f %8s %8s\n", "raw Ed25519 sign", sds.base, "1.00", "");
	printf("%-46s %12.0f %8.2f %8s\n", "issue the SD-JWT VC form", sds.op, sds.ratio,
	       ">= 0.50");
	printf("%-46s %12.0f %8s %8s\n", "two raw Ed25519 verifies (the limit)", sdv.base, "1.00",
	       "");
	printf("%-46s %12.0f %8.2f %8s\n", "verify the presentation (KB, ledger)", sdv.op,
	       sdv.ratio, ">= 0.60");
	struct qrpayload_sizes qs;
	if (qrpayload_measure(sc.pres, sc.plen, &qs, NULL) != 0)
		return 1;
	printf("\nQR code of that presentation at level M (docs/qr.md):\n");
	for (int k = 0; k < QRPAYLOAD_CANDIDATES; k++)
		printf("  %-44s %6zu, version %d%s\n", qrpayload_candidate_name(k), qs.c[k].bytes,
		       qs.c[k].version, k == QRPAYLOAD_SH1_B45 ? "  (chosen)" : "");
	free(issued);
	free(sc.pres);
	diploma_sd_paths_free(sc.paths, sc.npaths);
	registry_free(sreg);

	char path[] = "/tmp/shomei-bench-credential.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, c.text, c.len) != (ssize_t)c.len || close(fd) != 0)
		return 1;
	struct bench_credential bc = {.key = c.key, .path = path, .raw_sign_rate = sign.base};
	memcpy(bc.digest, digest, sizeof digest);
	int lrc = bench_ledger(build, &bc);
	unlink(path);
	registry_free(reg);
	if (lrc != 0) {
		fprintf(stderr, "bench: the ledger figures failed\n");
		return 1;
	}
	free(c.text);
	dataint_signer_release(&c.signer);
	ed25519_key_free(c.key);
	ed25519_key_free(holder);
	return 0;
}
