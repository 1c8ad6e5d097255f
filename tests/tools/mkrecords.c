/* mkrecords - writes vectors/shomei/records-v1.json to stdout: ledger records
 * signed with keys from fixed seeds, replay scenarios with the result every
 * entry must have and the answers the registry must give, and malformed
 * records. Deterministic: Ed25519 signatures are, and nothing else is random.
 *
 * The expected results ("applied", "rejected", outcomes) are written here by
 * hand from the rules of docs/ledger-records.md, not computed by the registry:
 * test_registry replays every scenario and checks the registry against them.
 * Only the "reason" texts of malformed records are this implementation's own
 * messages (taken from record_parse); the error class is what is normative.
 *
 * Usage: mkrecords > vectors/shomei/records-v1.json (test_registry checks that
 * the committed file is what this program writes). */
#include "init.h"
#include "internal/sha256.h"
#include "jsonin.h"
#include "record.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1775001600 /* 2026-04-01T00:00:00Z */

static const char *const key_names[] = {"authority-1", "authority-2", "authority-3",
					"todai-1",     "todai-2",     "naniwa-1",
					"kita-1",      "sapporo-1",   "chikushi-1",
					"chikushi-2",  "shonan-1",    "meiji-1"};
#define NKEYS (sizeof key_names / sizeof key_names[0])
static struct ed25519_key *keys[NKEYS];
static char dids[NKEYS][DIDKEY_MAX_BYTES];

static int key_index(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(key_names[i], name))
			return (int)i;
	fprintf(stderr, "mkrecords: no key %s\n", name);
	exit(1);
}

static const char *did_of(const char *name)
{
	return dids[key_index(name)];
}

static void hash_of(const char *label, unsigned char out[RECORD_HASH_BYTES])
{
	sha256(label, strlen(label), out);
}

static char *hex_of(const char *label)
{
	unsigned char h[RECORD_HASH_BYTES];
	static char buf[8][RECORD_HEX_CHARS + 1];
	static int next;
	hash_of(label, h);
	char *out = buf[next++ % 8];
	record_hex(h, out);
	return out;
}

/* ---- one scenario ---- */

struct scenario {
	json_t *entries, *judgements;
	uint64_t index;
};

static void entry(struct scenario *s, int64_t t, struct record_fields *f, const char *expect,
		  const char *why, const char *s1, const char *s2)
{
	f->time = t;
	json_t *body = NULL;
	const struct ed25519_key *signers[2] = {keys[key_index(s1)],
						s2 ? keys[key_index(s2)] : NULL};
	char *text = NULL;
	size_t len = 0;
	struct shomei_diag d;
	if (record_build(f, &body, &d) != 0 ||
	    record_sign(body, signers, s2 ? 2 : 1, &text, &len, &d) != 0) {
		fprintf(stderr, "mkrecords: %s: %s\n", d.where, d.what);
		exit(1);
	}
	json_decref(body);
	/* record_sign orders signatures by signer; list the names that way */
	json_t *names = json_array();
	const char *a = s1, *b = s2;
	if (b && strcmp(did_of(a), did_of(b)) > 0) {
		a = s2;
		b = s1;
	}
	json_array_append_new(names, json_string(a));
	if (b)
		json_array_append_new(names, json_string(b));
	json_array_append_new(s->entries, json_pack("{s:I, s:I, s:s, s:o, s:s, s:s}", "index",
						    (json_int_t)s->index, "log_time",
						    (json_int_t)t, "record", text, "signers", names,
						    "expect", expect, "why", why));
	s->index++;
	free(text);
}

static void judge(struct scenario *s, const char *credential, const char *id, const char *signer,
		  const char *outcome, const char *why)
{
	unsigned char st[RECORD_HASH_BYTES];
	char sh[RECORD_HEX_CHARS + 1];
	if (record_status_hash(id, st) != 0)
		exit(1);
	record_hex(st, sh);
	json_array_append_new(s->judgements,
			      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "credential", credential,
					"digest", hex_of(credential), "status", sh, "signer",
					did_of(signer), "outcome", outcome, "why", why));
}

static json_t *scenario_json(const char *name, const char *about, struct scenario *s)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "name", name, "about", about, "entries",
			 s->entries, "judgements", s->judgements);
}

static void scenario_init(struct scenario *s)
{
	s->entries = json_array();
	s->judgements = json_array();
	s->index = 0;
}

/* ---- the scenarios ---- */

static void genesis1(struct scenario *s, int64_t t)
{
	const char *a[] = {did_of("authority-1")};
	struct record_fields g = {
	    .type = RECORD_GENESIS, .authorities = a, .nauthorities = 1, .threshold = 1};
	entry(s, t, &g, "applied", "the first genesis", "authority-1", NULL);
}

static void institution(struct scenario *s, int64_t t, const char *id, const char *name,
			const char *key, const char *expect, const char *why, const char *signer)
{
	struct record_fields f = {
	    .type = RECORD_INSTITUTION, .institution = id, .name = name, .key = did_of(key)};
	entry(s, t, &f, expect, why, signer, NULL);
}

static void hashes_entry(struct scenario *s, int64_t t, enum record_type type, const char *inst,
			 const char *label, const char *expect, const char *why, const char *signer)
{
	unsigned char h[RECORD_HASH_BYTES];
	if (type == RECORD_ANCHOR) {
		hash_of(label, h);
	} else if (record_status_hash(label, h) != 0) {
		exit(1);
	}
	struct record_fields f = {.type = type,
				  .institution = inst,
				  .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])h,
				  .nhashes = 1,
				  .reason = RECORD_REASON_WITHDRAWN};
	entry(s, t, &f, expect, why, signer, NULL);
}

static json_t *lifecycle(void)
{
	struct scenario s;
	scenario_init(&s);
	genesis1(&s, T0);
	institution(&s, T0 + 10, "JP-13-0001", "東都工業大学", "todai-1", "applied",
		    "the authority registers an institution", "authority-1");
	institution(&s, T0 + 10, "JP-27-0002", "浪速大学", "naniwa-1", "applied",
		    "and another", "authority-1");
	institution(&s, T0 + 11, "JP-11-0003", "北関東大学", "kita-1", "rejected",
		    "an institution cannot register another", "todai-1");
	hashes_entry(&s, T0 + 100, RECORD_ANCHOR, "JP-13-0001", "diploma-1", "applied",
		     "the institution anchors with its key", "todai-1");
	hashes_entry(&s, T0 + 101, RECORD_ANCHOR, "JP-13-0001", "diploma-x", "rejected",
		     "a key of another institution cannot anchor for it", "naniwa-1");
	struct record_fields add = {
	    .type = RECORD_KEY_ADD, .institution = "JP-13-0001", .key = did_of("todai-2")};
	entry(&s, T0 + 200, &add, "applied", "the institution adds a key", "todai-1", NULL);
	struct record_fields ret = {
	    .type = RECORD_KEY_RETIRE, .institution = "JP-13-0001", .key = did_of("todai-1")};
	entry(&s, T0 + 200, &ret, "applied", "and retires the old one with the new", "todai-2",
	      NULL);
	hashes_entry(&s, T0 + 300, RECORD_ANCHOR, "JP-13-0001", "diploma-2", "rejected",
		     "a retired key signs nothing new", "todai-1");
	hashes_entry(&s, T0 + 300, RECORD_ANCHOR, "JP-13-0001", "diploma-3", "applied",
		     "the new key anchors", "todai-2");
	struct record_fields merge = {
	    .type = RECORD_MERGE, .institution = "JP-13-0001", .other = "JP-27-0002"};
	entry(&s, T0 + 400, &merge, "rejected", "only the authority records a merger", "naniwa-1",
	      NULL);
	entry(&s, T0 + 400, &merge, "applied", "the authority merges JP-13-0001 into JP-27-0002",
	      "authority-1", NULL);
	hashes_entry(&s, T0 + 500, RECORD_ANCHOR, "JP-13-0001", "diploma-4", "rejected",
		     "a merged institution's keys sign nothing new", "todai-2");
	hashes_entry(&s, T0 + 600, RECORD_REVOKE, "JP-13-0001", "urn:uuid:diploma-3", "rejected",
		     "the merged institution itself can no longer revoke", "todai-2");
	hashes_entry(&s, T0 + 600, RECORD_REVOKE, "JP-13-0001", "urn:uuid:diploma-1", "applied",
		     "the successor revokes the absorbed institution's credential", "naniwa-1");
	judge(&s, "diploma-1", "urn:uuid:diploma-1", "todai-1", "revoked",
	      "anchored in time, then revoked by the successor");
	judge(&s, "diploma-3", "urn:uuid:diploma-3", "todai-2", "good",
	      "anchored by the new key before the merger");
	judge(&s, "diploma-2", "urn:uuid:diploma-2", "todai-1", "not anchored",
	      "its anchor was rejected");
	judge(&s, "diploma-4", "urn:uuid:diploma-4", "todai-2", "not anchored",
	      "anchored after the merger: rejected");
	judge(&s, "diploma-x", "urn:uuid:diploma-x", "sapporo-1", "unknown key",
	      "a key no institution holds");
	judge(&s, "diploma-3", "urn:uuid:diploma-3", "todai-1", "anchored too late",
	      "signed with the retired key (back-dated) and anchored after its retirement");
	return scenario_json("lifecycle",
			     "registration, anchors, key rotation, a merger and revocation by the "
			     "successor",
			     &s);
}

static json_t *closure(void)
{
	struct scenario s;
	scenario_init(&s);
	genesis1(&s, T0);
	institution(&s, T0 + 1, "JP-14-0006", "湘南短期大学", "shonan-1", "applied", "registered",
		    "authority-1");
	institution(&s, T0 + 1, "JP-11-0003", "北関東大学", "kita-1", "applied", "registered",
		    "authority-1");
	institution(&s, T0 + 1, "JP-01-0004", "札幌学院", "sapporo-1", "applied", "registered",
		    "authority-1");
	hashes_entry(&s, T0 + 10, RECORD_ANCHOR, "JP-14-0006", "shonan-a", "applied", "anchored",
		     "shonan-1");
	struct record_fields cl = {
	    .type = RECORD_CLOSE, .institution = "JP-14-0006", .other = "JP-11-0003"};
	entry(&s, T0 + 20, &cl, "applied", "the authority closes it with a custodian",
	      "authority-1", NULL);
	hashes_entry(&s, T0 + 30, RECORD_ANCHOR, "JP-14-0006", "shonan-b", "rejected",
		     "a closed institution's key anchors nothing", "shonan-1");
	hashes_entry(&s, T0 + 40, RECORD_REVOKE, "JP-14-0006", "urn:uuid:shonan-a", "rejected",
		     "an unrelated institution cannot revoke", "sapporo-1");
	hashes_entry(&s, T0 + 41, RECORD_REVOKE, "JP-14-0006", "urn:uuid:shonan-a", "applied",
		     "the custodian revokes", "kita-1");
	hashes_entry(&s, T0 + 42, RECORD_REINSTATE, "JP-14-0006", "urn:uuid:shonan-a", "applied",
		     "and reinstates", "kita-1");
	judge(&s, "shonan-a", "urn:uuid:shonan-a", "shonan-1", "good",
	      "anchored before the closure; revoked, then reinstated");
	judge(&s, "shonan-b", "urn:uuid:shonan-b", "shonan-1", "not anchored",
	      "signed after the closure");
	return scenario_json("closure", "closure with a custodian, who alone may revoke", &s);
}

static json_t *compromise(void)
{
	struct scenario s;
	scenario_init(&s);
	genesis1(&s, T0);
	institution(&s, T0 + 1, "JP-40-0005", "筑紫工科大学", "chikushi-1", "applied",
		    "registered", "authority-1");
	hashes_entry(&s, T0 + 100, RECORD_ANCHOR, "JP-40-0005", "before", "applied",
		     "anchored before the compromise", "chikushi-1");
	hashes_entry(&s, T0 + 200, RECORD_ANCHOR, "JP-40-0005", "during", "applied",
		     "anchored by the thief before anyone knew", "chikushi-1");
	struct record_fields add = {
	    .type = RECORD_KEY_ADD, .institution = "JP-40-0005", .key = did_of("chikushi-2")};
	entry(&s, T0 + 300, &add, "applied", "a new key", "chikushi-1", NULL);
	struct record_fields comp = {.type = RECORD_KEY_COMPROMISED,
				     .institution = "JP-40-0005",
				     .key = did_of("chikushi-1"),
				     .since = T0 + 150};
	entry(&s, T0 + 310, &comp, "applied", "the old key compromised since T0+150",
	      "chikushi-2", NULL);
	hashes_entry(&s, T0 + 320, RECORD_ANCHOR, "JP-40-0005", "after", "rejected",
		     "a compromised key signs nothing new", "chikushi-1");
	judge(&s, "before", "urn:uuid:before", "chikushi-1", "good", "anchored before T");
	judge(&s, "during", "urn:uuid:during", "chikushi-1", "anchored too late",
	      "anchored after T: the anchor no longer counts");
	judge(&s, "after", "urn:uuid:after", "chikushi-1", "not anchored", "rejected anchor");
	return scenario_json("compromise", "a key compromised since a time before it was reported",
			     &s);
}

static json_t *authorities(void)
{
	struct scenario s;
	scenario_init(&s);
	institution(&s, T0, "JP-99-0001", "明治大学校", "meiji-1", "rejected",
		    "nothing before the genesis", "authority-1");
	const char *a[] = {did_of("authority-1"), did_of("authority-2"), did_of("authority-3")};
	struct record_fields g = {
	    .type = RECORD_GENESIS, .authorities = a, .nauthorities = 3, .threshold = 2};
	entry(&s, T0 + 1, &g, "rejected", "a 2-of-3 genesis signed by one", "authority-1", NULL);
	entry(&s, T0 + 2, &g, "applied", "signed by two of the three", "authority-1",
	      "authority-2");
	entry(&s, T0 + 3, &g, "rejected", "a second genesis", "authority-2", "authority-3");
	institution(&s, T0 + 4, "JP-99-0001", "明治大学校", "meiji-1", "rejected",
		    "one authority is below the threshold", "authority-3");
	struct record_fields f = {.type = RECORD_INSTITUTION,
				  .institution = "JP-99-0001",
				  .name = "明治大学校",
				  .key = did_of("meiji-1")};
	entry(&s, T0 + 5, &f, "applied", "two authorities", "authority-2", "authority-3");
	entry(&s, T0 + 6, &f, "rejected", "registered twice", "authority-1", "authority-3");
	hashes_entry(&s, T0 + 7, RECORD_ANCHOR, "JP-99-0001", "meiji-a", "applied", "anchored",
		     "meiji-1");
	judge(&s, "meiji-a", "urn:uuid:meiji-a", "meiji-1", "good", "anchored");
	return scenario_json("authorities", "a 2-of-3 genesis and the authority's threshold", &s);
}

static json_t *chain(void)
{
	struct scenario s;
	scenario_init(&s);
	genesis1(&s, T0);
	institution(&s, T0 + 1, "A", "A大学", "todai-1", "applied", "registered", "authority-1");
	institution(&s, T0 + 1, "B", "B大学", "naniwa-1", "applied", "registered", "authority-1");
	institution(&s, T0 + 1, "D", "D大学", "kita-1", "applied", "registered", "authority-1");
	hashes_entry(&s, T0 + 2, RECORD_ANCHOR, "A", "a-1", "applied", "anchored", "todai-1");
	struct record_fields m1 = {.type = RECORD_MERGE, .institution = "A", .other = "B"};
	entry(&s, T0 + 3, &m1, "applied", "A into B", "authority-1", NULL);
	struct record_fields m2 = {.type = RECORD_MERGE, .institution = "B", .other = "D"};
	entry(&s, T0 + 4, &m2, "applied", "B into D", "authority-1", NULL);
	hashes_entry(&s, T0 + 5, RECORD_REVOKE, "A", "urn:uuid:a-1", "rejected",
		     "B no longer answers for A's credentials", "naniwa-1");
	hashes_entry(&s, T0 + 6, RECORD_REVOKE, "A", "urn:uuid:a-1", "applied",
		     "D, the end of the chain, does", "kita-1");
	judge(&s, "a-1", "urn:uuid:a-1", "todai-1", "revoked", "revoked by D");
	return scenario_json("chain", "A merged into B, B into D: D answers for A", &s);
}

/* ---- malformed records ---- */

static void malformed(json_t *list, const char *name, const char *text, const char *error)
{
	struct record *rec = NULL;
	struct shomei_diag d;
	int e = record_parse(text, strlen(text), &rec, &d);
	record_free(rec);
	const char *cls = e == SHOMEI_ERR_PARSE	      ? "parse"
			  : e == SHOMEI_ERR_LIMIT     ? "limit"
			  : e == SHOMEI_ERR_INVALID   ? "invalid"
			  : e == SHOMEI_ERR_UNSUPPORTED ? "unsupported"
						      : "accepted";
	if (strcmp(cls, error) != 0) {
		fprintf(stderr, "mkrecords: malformed %s: %s, wanted %s (%s: %s)\n", name, cls,
			error, d.where, d.what);
		exit(1);
	}
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "record",
					      text, "error", error, "where", d.where, "reason",
					      d.what));
}

static json_t *malformed_list(const char *good)
{
	json_t *list = json_array();
	char buf[4096];
	malformed(list, "not JSON", "{\"v\":1,", "parse");
	malformed(list, "an array", "[1]", "invalid");
	snprintf(buf, sizeof buf, "%s\n", good);
	malformed(list, "a trailing newline (not the canonical form)", buf, "invalid");
	/* good ends with ,"v":1} */
	size_t n = strlen(good);
	snprintf(buf, sizeof buf, "%.*s2}", (int)(n - 2), good);
	malformed(list, "version 2", buf, "unsupported");
	malformed(list, "an unknown type",
		  "{\"signatures\":[],\"time\":\"2026-04-01T00:00:00Z\",\"type\":\"teleport\",\"v\":1}",
		  "invalid");
	snprintf(buf, sizeof buf, "{\"extra\":true,%s", good + 1);
	malformed(list, "an unknown member", buf, "invalid");
	malformed(list, "no signatures",
		  "{\"institution\":\"A\",\"into\":\"B\",\"signatures\":[],\"time\":\"2026-04-01T00:"
		  "00:00Z\",\"type\":\"merge\",\"v\":1}",
		  "invalid");
	malformed(list, "a time with an offset",
		  "{\"institution\":\"A\",\"into\":\"B\",\"signatures\":[],\"time\":\"2026-04-01T09:"
		  "00:00+09:00\",\"type\":\"merge\",\"v\":1}",
		  "invalid");
	malformed(list, "digests out of order",
		  "{\"digests\":[\"1111111111111111111111111111111111111111111111111111111111111111\","
		  "\"0000000000000000000000000000000000000000000000000000000000000000\"],"
		  "\"institution\":\"A\",\"signatures\":[],\"time\":\"2026-04-01T00:00:00Z\","
		  "\"type\":\"anchor\",\"v\":1}",
		  "invalid");
	malformed(list, "an uppercase digest",
		  "{\"digests\":[\"AB00000000000000000000000000000000000000000000000000000000000000\"],"
		  "\"institution\":\"A\",\"signatures\":[],\"time\":\"2026-04-01T00:00:00Z\","
		  "\"type\":\"anchor\",\"v\":1}",
		  "invalid");
	malformed(list, "an institution id with a space",
		  "{\"institution\":\"A B\",\"into\":\"B\",\"signatures\":[],\"time\":\"2026-04-01T00:"
		  "00:00Z\",\"type\":\"merge\",\"v\":1}",
		  "invalid");
	malformed(list, "a free-text reason",
		  "{\"institution\":\"A\",\"reason\":\"the graduate, Mr. Yamada, cheated\","
		  "\"signatures\":[],\"status\":[\"0000000000000000000000000000000000000000000000000"
		  "000000000000000\"],\"time\":\"2026-04-01T00:00:00Z\",\"type\":\"revoke\",\"v\":1}",
		  "invalid");
	return list;
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	json_t *jkeys = json_object();
	for (size_t i = 0; i < NKEYS; i++) {
		unsigned char seed[32];
		char label[64], hex[65];
		snprintf(label, sizeof label, "shomei records-v1 key %s", key_names[i]);
		sha256(label, strlen(label), seed);
		keys[i] = ed25519_key_new_from_seed(seed);
		if (!keys[i] || didkey_from_public(keys[i]->pk, dids[i]) != 0)
			return 1;
		record_hex(seed, hex);
		json_object_set_new(jkeys, key_names[i],
				    json_pack("{s:s, s:s}", "seed", hex, "did", dids[i]));
	}
	json_t *scen = json_array();
	json_array_append_new(scen, lifecycle());
	json_array_append_new(scen, closure());
	json_array_append_new(scen, compromise());
	json_array_append_new(scen, authorities());
	json_array_append_new(scen, chain());
	const char *good = json_string_value(json_object_get(
	    json_array_get(json_object_get(json_array_get(scen, 0), "entries"), 1), "record"));

	/* the credential digest and status hash of the documented example */
	json_t *vc = NULL;
	struct shomei_diag d;
	if (jsonin_load("vectors/shomei/diploma-example.json", &vc, &d) != 0) {
		fprintf(stderr, "mkrecords: run from the repository root (%s)\n", d.what);
		return 1;
	}
	unsigned char h[RECORD_HASH_BYTES];
	char dh[RECORD_HEX_CHARS + 1], sh[RECORD_HEX_CHARS + 1];
	const char *id = json_string_value(json_object_get(vc, "id"));
	if (record_credential_digest(vc, h, &d) != 0)
		return 1;
	record_hex(h, dh);
	if (record_status_hash(id, h) != 0)
		return 1;
	record_hex(h, sh);
	json_t *der = json_pack("[{s:s, s:s, s:s, s:s}]", "credential",
				"shomei/diploma-example.json", "credential_digest", dh, "status_id",
				id, "status_hash", sh);
	json_decref(vc);

	json_t *out = json_pack(
	    "{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "description",
	    "shomei ledger records, format 1 (docs/ledger-records.md): keys from fixed seeds, "
	    "replay scenarios with the result of every entry and the registry's answers, "
	    "and malformed records",
	    "generator", "tests/tools/mkrecords.c", "licence",
	    "CC0-1.0 (made by this project)", "keys", jkeys, "derivations", der, "scenarios",
	    scen, "malformed", malformed_list(good));
	char *text = json_dumps(out, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (!text)
		return 1;
	fputs(text, stdout);
	fputc('\n', stdout);
	free(text);
	json_decref(out);
	for (size_t i = 0; i < NKEYS; i++)
		ed25519_key_free(keys[i]);
	return 0;
}
