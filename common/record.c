/* record.c - the ledger's signed records (record.h).
 *
 * Built on jsonin (strict input), jcs (RFC 8785), didkey, base64url and
 * ed25519; what is hand-written here is only the record's own grammar. */
#include "record.h"

#include "base64url.h"
#include "internal/buf.h"
#include "internal/objcopy.h"
#include "internal/sha256.h"
#include "jcs.h"
#include "jsonin.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT_CHARS (sizeof RECORD_SIGN_CONTEXT - 1)
#define PATH_BYTES    64

static const char *const type_names[RECORD_TYPES] = {
    "genesis", "institution", "key-add", "key-retire", "key-compromised",
    "merge",   "close",	      "anchor",	 "revoke",     "reinstate",
};

static const char *const reason_names[RECORD_REASONS] = {
    "issued-in-error", "fraud", "superseded", "withdrawn", "other",
};

/* The type-specific members, as bits. */
enum member {
	M_AUTHORITIES,
	M_THRESHOLD,
	M_INSTITUTION,
	M_NAME,
	M_KEY,
	M_SINCE,
	M_INTO,
	M_CUSTODIAN,
	M_DIGESTS,
	M_STATUS,
	M_REASON,
	MEMBERS
};

static const char *const member_names[MEMBERS] = {
    "authorities", "threshold", "institution", "name",	 "key",	   "since",
    "into",	   "custodian", "digests",     "status", "reason",
};

#define BIT(m) (1u << (m))
static const unsigned type_members[RECORD_TYPES] = {
    [RECORD_GENESIS] = BIT(M_AUTHORITIES) | BIT(M_THRESHOLD),
    [RECORD_INSTITUTION] = BIT(M_INSTITUTION) | BIT(M_NAME) | BIT(M_KEY),
    [RECORD_KEY_ADD] = BIT(M_INSTITUTION) | BIT(M_KEY),
    [RECORD_KEY_RETIRE] = BIT(M_INSTITUTION) | BIT(M_KEY),
    [RECORD_KEY_COMPROMISED] = BIT(M_INSTITUTION) | BIT(M_KEY) | BIT(M_SINCE),
    [RECORD_MERGE] = BIT(M_INSTITUTION) | BIT(M_INTO),
    [RECORD_CLOSE] = BIT(M_INSTITUTION) | BIT(M_CUSTODIAN),
    [RECORD_ANCHOR] = BIT(M_INSTITUTION) | BIT(M_DIGESTS),
    [RECORD_REVOKE] = BIT(M_INSTITUTION) | BIT(M_STATUS) | BIT(M_REASON),
    [RECORD_REINSTATE] = BIT(M_INSTITUTION) | BIT(M_STATUS),
};

const char *record_type_name(enum record_type t)
{
	return (unsigned)t < RECORD_TYPES ? type_names[t] : "unknown";
}

const char *record_reason_name(enum record_reason r)
{
	return (unsigned)r < RECORD_REASONS ? reason_names[r] : "unknown";
}

void record_hex(const unsigned char hash[RECORD_HASH_BYTES], char out[RECORD_HEX_CHARS + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < RECORD_HASH_BYTES; i++) {
		out[2 * i] = digits[hash[i] >> 4];
		out[2 * i + 1] = digits[hash[i] & 15];
	}
	out[RECORD_HEX_CHARS] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int record_hex_decode(const char *s, unsigned char out[RECORD_HASH_BYTES])
{
	if (s && strlen(s) == RECORD_HEX_CHARS) {
		size_t i;
		for (i = 0; i < RECORD_HASH_BYTES; i++) {
			int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
			if (hi < 0 || lo < 0)
				break;
			out[i] = (unsigned char)(hi << 4 | lo);
		}
		if (i == RECORD_HASH_BYTES)
			return 0;
	}
	memset(out, 0, RECORD_HASH_BYTES);
	return SHOMEI_ERR_INVALID;
}

/* --- parsing ------------------------------------------------------------- */

static int bad(struct shomei_diag *d, int err, const char *where, const char *what)
{
	return diag_set(d, err, where, "%s", what);
}

/* "a string", "an array", "true", ... for "expected X, not Y". */
static const char *type_phrase(const json_t *v)
{
	if (!v)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "nothing";
}

static int get_string(const json_t *v, const char *where, const char **s, struct shomei_diag *d)
{
	*s = "";
	if (!json_is_string(v))
		return diag_set(d, SHOMEI_ERR_INVALID, where, "expected a string, not %s",
				type_phrase(v));
	*s = json_string_value(v);
	return 0;
}

/* A number that is exactly an integer in [lo, hi]. jsonin reads every number
 * as a double, so 1.0 and 1 are the same value here; the canonical-form check
 * at the end refuses the spelling "1.0". */
static int get_integer(const json_t *v, const char *where, double lo, double hi, double *out,
		       struct shomei_diag *d)
{
	if (!json_is_number(v))
		return diag_set(d, SHOMEI_ERR_INVALID, where, "expected a number, not %s",
				type_phrase(v));
	double x = json_number_value(v);
	if (!(x >= lo && x <= hi) || x != (double)(long long)x)
		return diag_set(d, SHOMEI_ERR_INVALID, where, "not an integer from %.0f to %.0f",
				lo, hi);
	*out = x;
	return 0;
}

static int get_time(const json_t *v, const char *where, int64_t *t, struct shomei_diag *d)
{
	const char *s;
	int err = get_string(v, where, &s, d);
	if (err)
		return err;
	char back[TIMEUTIL_RFC3339_BYTES];
	if (timeutil_parse_datetime(s, t, d) != 0 || timeutil_format(*t, back) != 0 ||
	    strcmp(back, s) != 0) {
		*t = 0;
		return bad(d, SHOMEI_ERR_INVALID, where, "not a time of the form YYYY-MM-DDThh:mm:ssZ");
	}
	return 0;
}

static int get_did(const json_t *v, const char *where, char did[DIDKEY_MAX_BYTES],
		   unsigned char pk[ED25519_PUBLIC_BYTES], struct shomei_diag *d)
{
	const char *s;
	int err = get_string(v, where, &s, d);
	if (err)
		return err;
	/* didkey_to_public has one spelling per key; the re-encoding says so again. */
	if (didkey_to_public(s, pk, d) != 0 || didkey_from_public(pk, did) != 0 ||
	    strcmp(did, s) != 0) {
		memset(did, 0, DIDKEY_MAX_BYTES);
		return bad(d, SHOMEI_ERR_INVALID, where, "not an Ed25519 did:key");
	}
	return 0;
}

static int id_char(char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '-' || c == '.' || c == '_');
}

static int get_id(const json_t *v, const char *where, char id[RECORD_ID_BYTES],
		  struct shomei_diag *d)
{
	const char *s;
	int err = get_string(v, where, &s, d);
	if (err)
		return err;
	size_t n = strlen(s);
	int ok = n >= 1 && n <= RECORD_ID_MAX_CHARS;
	for (size_t i = 0; ok && i < n; i++)
		ok = id_char(s[i], i == 0);
	if (!ok)
		return bad(d, SHOMEI_ERR_INVALID, where,
			   "not an institution id (1 to 64 of A-Z a-z 0-9 . _ -, "
			   "starting with a letter or digit)");
	memcpy(id, s, n + 1);
	return 0;
}

/* Next code point of valid UTF-8 (jsonin checked it), advancing *p. */
static unsigned long next_code_point(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned long c = s[0];
	size_t n = 1;
	if (c >= 0xf0) {
		c &= 0x07;
		n = 4;
	} else if (c >= 0xe0) {
		c &= 0x0f;
		n = 3;
	} else if (c >= 0xc0) {
		c &= 0x1f;
		n = 2;
	}
	for (size_t i = 1; i < n; i++)
		c = c << 6 | (s[i] & 0x3f);
	*p = s + n;
	return c;
}

/* Control, line-separator and bidirectional-formatting characters could make
 * a name print as something else on a verifier's screen. */
static int name_char_ok(unsigned long c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return 0;
	if (c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c)
		return 0;
	return 1;
}

static int get_name(const json_t *v, const char *where, char name[RECORD_NAME_BYTES],
		    struct shomei_diag *d)
{
	const char *s;
	int err = get_string(v, where, &s, d);
	if (err)
		return err;
	size_t n = json_string_length(v);
	if (n == 0 || n > RECORD_NAME_MAX_CHARS)
		return bad(d, SHOMEI_ERR_INVALID, where, "not 1 to 512 bytes long");
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end)
		if (!name_char_ok(next_code_point(&p)))
			return bad(d, SHOMEI_ERR_INVALID, where,
				   "holds a control or text-direction character");
	memcpy(name, s, n + 1);
	return 0;
}

static int get_array(const json_t *v, const char *where, size_t max, size_t *n,
		     struct shomei_diag *d)
{
	if (!json_is_array(v))
		return diag_set(d, SHOMEI_ERR_INVALID, where, "expected an array, not %s",
				type_phrase(v));
	*n = json_array_size(v);
	if (*n == 0)
		return bad(d, SHOMEI_ERR_INVALID, where, "empty");
	if (*n > max)
		return diag_set(d, SHOMEI_ERR_LIMIT, where, "more than %zu entries", max);
	return 0;
}

static void path_index(char path[PATH_BYTES], const char *member, size_t i)
{
	snprintf(path, PATH_BYTES, "%s[%zu]", member, i);
}

static int get_authorities(const json_t *v, struct record *rec, struct shomei_diag *d)
{
	size_t n;
	int err = get_array(v, "authorities", RECORD_MAX_AUTHORITIES, &n, d);
	if (err)
		return err;
	char path[PATH_BYTES];
	for (size_t i = 0; i < n; i++) {
		path_index(path, "authorities", i);
		err = get_did(json_array_get(v, i), path, rec->authorities[i],
			      rec->authority_public[i], d);
		if (err)
			return err;
		if (i > 0 && strcmp(rec->authorities[i - 1], rec->authorities[i]) >= 0)
			return bad(d, SHOMEI_ERR_INVALID, path, "repeated or not in ascending order");
		rec->authority_list[i] = rec->authorities[i];
	}
	rec->f.authorities = rec->authority_list;
	rec->f.nauthorities = n;
	return 0;
}

static int get_hashes(const json_t *v, const char *member, struct record *rec,
		      struct shomei_diag *d)
{
	size_t n;
	int err = get_array(v, member, RECORD_MAX_DIGESTS, &n, d);
	if (err)
		return err;
	rec->hashes = malloc(n * RECORD_HASH_BYTES);
	if (!rec->hashes)
		return diag_set(d, SHOMEI_ERR_NOMEM, member, "out of memory");
	char path[PATH_BYTES];
	for (size_t i = 0; i < n; i++) {
		const char *s;
		path_index(path, member, i);
		err = get_string(json_array_get(v, i), path, &s, d);
		if (err)
			return err;
		if (record_hex_decode(s, rec->hashes[i]) != 0)
			return bad(d, SHOMEI_ERR_INVALID, path, "not 64 lowercase hex digits");
		if (i > 0 && memcmp(rec->hashes[i - 1], rec->hashes[i], RECORD_HASH_BYTES) >= 0)
			return bad(d, SHOMEI_ERR_INVALID, path, "repeated or not in ascending order");
	}
	rec->f.hashes = (const unsigned char(*)[RECORD_HASH_BYTES])rec->hashes;
	rec->f.nhashes = n;
	return 0;
}

static int get_reason(const json_t *v, enum record_reason *r, struct shomei_diag *d)
{
	const char *s;
	int err = get_string(v, "reason", &s, d);
	if (err)
		return err;
	for (unsigned i = 0; i < RECORD_REASONS; i++) {
		if (strcmp(s, reason_names[i]) == 0) {
			*r = (enum record_reason)i;
			return 0;
		}
	}
	return bad(d, SHOMEI_ERR_INVALID, "reason",
		   "not one of issued-in-error, fraud, superseded, withdrawn, other");
}

static int get_signatures(const json_t *v, struct record *rec, struct shomei_diag *d)
{
	size_t n;
	int err = get_array(v, "signatures", RECORD_MAX_SIGNATURES, &n, d);
	if (err)
		return err;
	char path[PATH_BYTES], sub[PATH_BYTES + 8];
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(v, i);
		struct record_signature *s = &rec->signatures[i];
		path_index(path, "signatures", i);
		if (!json_is_object(e))
			return diag_set(d, SHOMEI_ERR_INVALID, path, "expected an object, not %s",
					type_phrase(e));
		const char *k;
		const json_t *m;
		json_object_foreach((json_t *)e, k, m)
		{
			if (strcmp(k, "sig") != 0 && strcmp(k, "signer") != 0) {
				char mp[PATH_BYTES + 8];
				snprintf(mp, sizeof mp, "%s", path);
				jsonin_path_member(mp, sizeof mp, k);
				return bad(d, SHOMEI_ERR_INVALID, mp, "unknown member");
			}
		}
		snprintf(sub, sizeof sub, "%s.signer", path);
		const json_t *signer = json_object_get(e, "signer");
		if (!signer)
			return bad(d, SHOMEI_ERR_INVALID, sub, "missing");
		err = get_did(signer, sub, s->signer, s->public_key, d);
		if (err)
			return err;
		if (i > 0 && strcmp(rec->signatures[i - 1].signer, s->signer) >= 0)
			return bad(d, SHOMEI_ERR_INVALID, sub, "repeated or not in ascending order");
		snprintf(sub, sizeof sub, "%s.sig", path);
		const json_t *sig = json_object_get(e, "sig");
		if (!sig)
			return bad(d, SHOMEI_ERR_INVALID, sub, "missing");
		const char *text;
		err = get_string(sig, sub, &text, d);
		if (err)
			return err;
		size_t got = 0;
		if (json_string_length(sig) != RECORD_SIG_CHARS ||
		    base64url_decode(text, RECORD_SIG_CHARS, s->sig, sizeof s->sig, &got) != 0 ||
		    got != ED25519_SIG_BYTES)
			return bad(d, SHOMEI_ERR_INVALID, sub,
				   "not base64url of a 64-byte signature");
	}
	rec->nsignatures = n;
	return 0;
}

/* Every member, checked in a fixed order so that the first fault reported
 * does not depend on jansson's iteration order. */
static int parse_members(const json_t *obj, struct record *rec, struct shomei_diag *d)
{
	const json_t *v = json_object_get(obj, "v");
	double x;
	if (!v)
		return bad(d, SHOMEI_ERR_INVALID, "v", "missing");
	if (!json_is_number(v))
		return get_integer(v, "v", 1, 1, &x, d);
	if (json_number_value(v) != RECORD_VERSION)
		return bad(d, SHOMEI_ERR_UNSUPPORTED, "v", "not record version 1");

	const json_t *t = json_object_get(obj, "type");
	const char *type;
	if (!t)
		return bad(d, SHOMEI_ERR_INVALID, "type", "missing");
	int err = get_string(t, "type", &type, d);
	if (err)
		return err;
	unsigned ti;
	for (ti = 0; ti < RECORD_TYPES && strcmp(type, type_names[ti]) != 0; ti++)
		;
	if (ti == RECORD_TYPES)
		return bad(d, SHOMEI_ERR_INVALID, "type", "not a record type");
	rec->f.type = (enum record_type)ti;
	unsigned want = type_members[ti];

	const char *k;
	const json_t *m;
	json_object_foreach((json_t *)obj, k, m)
	{
		if (!strcmp(k, "v") || !strcmp(k, "type") || !strcmp(k, "time") ||
		    !strcmp(k, "signatures"))
			continue;
		unsigned mi;
		for (mi = 0; mi < MEMBERS && strcmp(k, member_names[mi]) != 0; mi++)
			;
		if (mi == MEMBERS || !(want & BIT(mi))) {
			char path[DIAG_WHERE_BYTES] = "";
			jsonin_path_member(path, sizeof path, k);
			return diag_set(d, SHOMEI_ERR_INVALID, path,
					"unknown member for a %s record", type);
		}
	}

	const json_t *time = json_object_get(obj, "time");
	if (!time)
		return bad(d, SHOMEI_ERR_INVALID, "time", "missing");
	err = get_time(time, "time", &rec->f.time, d);
	if (err)
		return err;

	for (unsigned mi = 0; mi < MEMBERS; mi++) {
		if (!(want & BIT(mi)))
			continue;
		const char *name = member_names[mi];
		m = json_object_get(obj, name);
		if (!m)
			return bad(d, SHOMEI_ERR_INVALID, name, "missing");
		switch ((enum member)mi) {
		case M_AUTHORITIES: err = get_authorities(m, rec, d); break;
		case M_THRESHOLD:
			/* authorities come first in member order, so the count is known */
			err = get_integer(m, name, 1, (double)rec->f.nauthorities, &x, d);
			if (!err)
				rec->f.threshold = (unsigned)x;
			break;
		case M_INSTITUTION:
			err = get_id(m, name, rec->institution, d);
			rec->f.institution = rec->institution;
			break;
		case M_NAME:
			err = get_name(m, name, rec->name, d);
			rec->f.name = rec->name;
			break;
		case M_KEY:
			err = get_did(m, name, rec->key, rec->key_public, d);
			rec->f.key = rec->key;
			break;
		case M_SINCE: err = get_time(m, name, &rec->f.since, d); break;
		case M_INTO:
		case M_CUSTODIAN:
			err = get_id(m, name, rec->other, d);
			rec->f.other = rec->other;
			break;
		case M_DIGESTS:
		case M_STATUS: err = get_hashes(m, name, rec, d); break;
		case M_REASON: err = get_reason(m, &rec->f.reason, d); break;
		case MEMBERS: break;
		}
		if (err)
			return err;
	}

	const json_t *sigs = json_object_get(obj, "signatures");
	if (!sigs)
		return bad(d, SHOMEI_ERR_INVALID, "signatures", "missing");
	return get_signatures(sigs, rec, d);
}

void record_free(struct record *rec)
{
	if (!rec)
		return;
	free(rec->hashes);
	free(rec->message);
	free(rec);
}

int record_parse(const void *bytes, size_t len, struct record **out, struct shomei_diag *d)
{
	*out = NULL;
	diag_clear(d);
	if (!bytes && len)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no input");
	if (len > RECORD_MAX_BYTES)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "record larger than %u bytes",
				RECORD_MAX_BYTES);
	json_t *obj = NULL;
	char *canon = NULL;
	size_t canon_len = 0;
	struct buf msg;
	buf_init(&msg, CONTEXT_CHARS + RECORD_MAX_BYTES);
	struct record *rec = calloc(1, sizeof *rec);
	int err = SHOMEI_ERR_NOMEM;
	if (!rec) {
		diag_set(d, err, NULL, "out of memory");
		goto out;
	}
	err = jsonin_parse(bytes ? bytes : "", len, &obj, d);
	if (err)
		goto out;
	if (!json_is_object(obj)) {
		err = bad(d, SHOMEI_ERR_INVALID, NULL, "not a JSON object");
		goto out;
	}
	err = parse_members(obj, rec, d);
	if (err)
		goto out;
	err = jcs_serialize(obj, &canon, &canon_len, d);
	if (err)
		goto out;
	if (canon_len != len || memcmp(canon, bytes, len) != 0) {
		err = bad(d, SHOMEI_ERR_INVALID, NULL, "not in RFC 8785 canonical form");
		goto out;
	}
	err = buf_append(&msg, RECORD_SIGN_CONTEXT, CONTEXT_CHARS);
	if (!err)
		err = jcs_append_without(obj, "signatures", &msg, NULL, d);
	if (err) {
		if (err == SHOMEI_ERR_NOMEM)
			diag_set(d, err, NULL, "out of memory");
		goto out;
	}
	rec->message = (unsigned char *)buf_steal(&msg, &rec->message_len);
	if (!rec->message) {
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	*out = rec;
	rec = NULL;
out:
	record_free(rec);
	json_decref(obj);
	free(canon);
	buf_release(&msg);
	return err;
}

int record_verify_signature(const struct record *rec, size_t i, struct shomei_diag *d)
{
	if (!rec || i >= rec->nsignatures)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no such signature");
	const struct record_signature *s = &rec->signatures[i];
	if (ed25519_verify(s->sig, rec->message, rec->message_len, s->public_key) != 0) {
		char path[PATH_BYTES];
		snprintf(path, sizeof path, "signatures[%zu].sig", i);
		return bad(d, SHOMEI_ERR_SIGNATURE, path, "signature does not verify");
	}
	return 0;
}

/* --- building ------------------------------------------------------------ */

static int put(json_t *obj, const char *key, json_t *v)
{
	/* json_object_set_new steals v, also when it fails (and NULL fails) */
	return json_object_set_new(obj, key, v) == 0 ? 0 : SHOMEI_ERR_NOMEM;
}

static int put_str(json_t *obj, const char *key, const char *s, struct shomei_diag *d)
{
	if (!s)
		return diag_set(d, SHOMEI_ERR_USAGE, key, "missing");
	json_t *v = json_string(s);
	if (!v) /* invalid UTF-8 or no memory: jansson does not say which */
		return diag_set(d, SHOMEI_ERR_INVALID, key, "not a valid UTF-8 string");
	return put(obj, key, v);
}

static int put_time(json_t *obj, const char *key, int64_t t, struct shomei_diag *d)
{
	char s[TIMEUTIL_RFC3339_BYTES];
	if (timeutil_format(t, s) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, key, "time out of range");
	return put_str(obj, key, s, d);
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, RECORD_HASH_BYTES);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int put_hashes(json_t *obj, const char *key, const struct record_fields *f,
		      struct shomei_diag *d)
{
	if (!f->hashes || f->nhashes == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, key, "missing");
	if (f->nhashes > RECORD_MAX_DIGESTS)
		return diag_set(d, SHOMEI_ERR_LIMIT, key, "more than %d entries",
				RECORD_MAX_DIGESTS);
	unsigned char(*sorted)[RECORD_HASH_BYTES] = malloc(f->nhashes * RECORD_HASH_BYTES);
	json_t *arr = json_array();
	int err = SHOMEI_ERR_NOMEM;
	if (!sorted || !arr)
		goto out;
	memcpy(sorted, f->hashes, f->nhashes * RECORD_HASH_BYTES);
	qsort(sorted, f->nhashes, RECORD_HASH_BYTES, cmp_hash);
	for (size_t i = 0; i < f->nhashes; i++) {
		char hex[RECORD_HEX_CHARS + 1];
		record_hex(sorted[i], hex);
		if (json_array_append_new(arr, json_string(hex)) != 0)
			goto out;
	}
	err = put(obj, key, arr);
	arr = NULL;
out:
	free(sorted);
	json_decref(arr);
	return err;
}

static int put_authorities(json_t *obj, const struct record_fields *f, struct shomei_diag *d)
{
	if (!f->authorities || f->nauthorities == 0)
		return diag_set(d, SHOMEI_ERR_USAGE, "authorities", "missing");
	if (f->nauthorities > RECORD_MAX_AUTHORITIES)
		return diag_set(d, SHOMEI_ERR_LIMIT, "authorities", "more than %d entries",
				RECORD_MAX_AUTHORITIES);
	const char *sorted[RECORD_MAX_AUTHORITIES];
	for (size_t i = 0; i < f->nauthorities; i++) {
		if (!f->authorities[i])
			return diag_set(d, SHOMEI_ERR_USAGE, "authorities", "missing");
		sorted[i] = f->authorities[i];
	}
	qsort(sorted, f->nauthorities, sizeof sorted[0], cmp_str);
	json_t *arr = json_array();
	if (!arr)
		return SHOMEI_ERR_NOMEM;
	for (size_t i = 0; i < f->nauthorities; i++) {
		json_t *s = json_string(sorted[i]);
		if (!s || json_array_append_new(arr, s) != 0) {
			json_decref(arr);
			return diag_set(d, s ? SHOMEI_ERR_NOMEM : SHOMEI_ERR_INVALID, "authorities",
					"not a valid UTF-8 string");
		}
	}
	int err = put(obj, "authorities", arr);
	if (!err)
		err = put(obj, "threshold", json_integer(f->threshold));
	return err;
}

int record_build(const struct record_fields *f, json_t **body, struct shomei_diag *d)
{
	*body = NULL;
	diag_clear(d);
	if (!f || (unsigned)f->type >= RECORD_TYPES)
		return diag_set(d, SHOMEI_ERR_USAGE, "type", "not a record type");
	json_t *obj = json_object();
	if (!obj)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	unsigned want = type_members[f->type];
	int err = put(obj, "v", json_integer(RECORD_VERSION));
	if (!err)
		err = put_str(obj, "type", type_names[f->type], d);
	if (!err)
		err = put_time(obj, "time", f->time, d);
	if (!err && (want & BIT(M_AUTHORITIES)))
		err = put_authorities(obj, f, d);
	if (!err && (want & BIT(M_INSTITUTION)))
		err = put_str(obj, "institution", f->institution, d);
	if (!err && (want & BIT(M_NAME)))
		err = put_str(obj, "name", f->name, d);
	if (!err && (want & BIT(M_KEY)))
		err = put_str(obj, "key", f->key, d);
	if (!err && (want & BIT(M_SINCE)))
		err = put_time(obj, "since", f->since, d);
	if (!err && (want & BIT(M_INTO)))
		err = put_str(obj, "into", f->other, d);
	if (!err && (want & BIT(M_CUSTODIAN)))
		err = put_str(obj, "custodian", f->other, d);
	if (!err && (want & BIT(M_DIGESTS)))
		err = put_hashes(obj, "digests", f, d);
	if (!err && (want & BIT(M_STATUS)))
		err = put_hashes(obj, "status", f, d);
	if (!err && (want & BIT(M_REASON))) {
		if ((unsigned)f->reason >= RECORD_REASONS)
			err = diag_set(d, SHOMEI_ERR_USAGE, "reason", "not a reason");
		else
			err = put_str(obj, "reason", reason_names[f->reason], d);
	}
	if (err) {
		if (err == SHOMEI_ERR_NOMEM)
			diag_set(d, err, NULL, "out of memory");
		json_decref(obj);
		return err;
	}
	*body = obj;
	return 0;
}

static int signature_object(const struct record_signature *s, json_t **out)
{
	char sig[RECORD_SIG_CHARS + 1];
	*out = NULL;
	if (base64url_encode(s->sig, ED25519_SIG_BYTES, sig, sizeof sig) != 0)
		return SHOMEI_ERR_USAGE;
	json_t *o = json_object();
	if (!o || put(o, "sig", json_string(sig)) != 0 ||
	    put(o, "signer", json_string(s->signer)) != 0) {
		json_decref(o);
		return SHOMEI_ERR_NOMEM;
	}
	*out = o;
	return 0;
}

static int cmp_signature(const void *a, const void *b)
{
	return strcmp(((const struct record_signature *)a)->signer,
		      ((const struct record_signature *)b)->signer);
}

/* body + sigs (sorted here) into canonical bytes, checked by record_parse. */
static int assemble(const json_t *body, struct record_signature *sigs, size_t n, char **out,
		    size_t *len, struct shomei_diag *d)
{
	qsort(sigs, n, sizeof *sigs, cmp_signature);
	for (size_t i = 1; i < n; i++)
		if (strcmp(sigs[i - 1].signer, sigs[i].signer) == 0)
			return diag_set(d, SHOMEI_ERR_USAGE, "signatures",
					"the same key signs twice");
	json_t *copy = objcopy_shallow(body);
	json_t *arr = json_array();
	int err = SHOMEI_ERR_NOMEM;
	if (!copy || !arr)
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		err = signature_object(&sigs[i], &o);
		if (err)
			goto out;
		if (json_array_append_new(arr, o) != 0) {
			err = SHOMEI_ERR_NOMEM;
			goto out;
		}
	}
	err = put(copy, "signatures", arr);
	arr = NULL;
	if (err)
		goto out;
	err = jcs_serialize(copy, out, len, d);
	if (err)
		goto out;
	struct record *check = NULL;
	err = record_parse(*out, *len, &check, d);
	record_free(check);
	if (err) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
out:
	if (err == SHOMEI_ERR_NOMEM)
		diag_set(d, err, NULL, "out of memory");
	json_decref(copy);
	json_decref(arr);
	return err;
}

int record_sign(const json_t *body, const struct ed25519_key *const *keys, size_t nkeys,
		char **out, size_t *len, struct shomei_diag *d)
{
	*out = NULL;
	*len = 0;
	diag_clear(d);
	if (!json_is_object(body) || json_object_get(body, "signatures"))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "not an object without signatures");
	if (!keys || nkeys == 0 || nkeys > RECORD_MAX_SIGNATURES)
		return diag_set(d, SHOMEI_ERR_USAGE, "signatures", "1 to %d keys needed",
				RECORD_MAX_SIGNATURES);
	struct buf msg;
	buf_init(&msg, CONTEXT_CHARS + RECORD_MAX_BYTES);
	int err = buf_append(&msg, RECORD_SIGN_CONTEXT, CONTEXT_CHARS);
	if (!err)
		err = jcs_append(body, &msg, d);
	if (err) {
		if (err == SHOMEI_ERR_NOMEM)
			diag_set(d, err, NULL, "out of memory");
		else if (err == SHOMEI_ERR_LIMIT)
			diag_set(d, err, NULL, "record larger than %u bytes", RECORD_MAX_BYTES);
		buf_release(&msg);
		return err;
	}
	struct record_signature sigs[RECORD_MAX_SIGNATURES];
	memset(sigs, 0, sizeof sigs);
	for (size_t i = 0; i < nkeys; i++) {
		if (!keys[i]) {
			buf_release(&msg);
			return diag_set(d, SHOMEI_ERR_USAGE, "signatures", "no key");
		}
		ed25519_sign(sigs[i].sig, msg.data, msg.len, keys[i]);
		memcpy(sigs[i].public_key, keys[i]->pk, ED25519_PUBLIC_BYTES);
		if (didkey_from_public(keys[i]->pk, sigs[i].signer) != 0) {
			buf_release(&msg);
			return diag_set(d, SHOMEI_ERR_USAGE, "signatures", "key not encodable");
		}
	}
	buf_release(&msg);
	return assemble(body, sigs, nkeys, out, len, d);
}

int record_cosign(const void *bytes, size_t len, const struct ed25519_key *key, char **out,
		  size_t *outlen, struct shomei_diag *d)
{
	*out = NULL;
	*outlen = 0;
	if (!key)
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "no key");
	struct record *rec = NULL;
	json_t *obj = NULL;
	int err = record_parse(bytes, len, &rec, d);
	if (err)
		return err;
	struct record_signature sigs[RECORD_MAX_SIGNATURES + 1];
	size_t n = rec->nsignatures;
	memcpy(sigs, rec->signatures, n * sizeof sigs[0]);
	for (size_t i = 0; i < n; i++) {
		if (memcmp(sigs[i].public_key, key->pk, ED25519_PUBLIC_BYTES) == 0) {
			err = diag_set(d, SHOMEI_ERR_EXISTS, "signatures", "the key already signed");
			goto out;
		}
	}
	if (n == RECORD_MAX_SIGNATURES) {
		err = diag_set(d, SHOMEI_ERR_LIMIT, "signatures", "more than %d entries",
			       RECORD_MAX_SIGNATURES);
		goto out;
	}
	ed25519_sign(sigs[n].sig, rec->message, rec->message_len, key);
	memcpy(sigs[n].public_key, key->pk, ED25519_PUBLIC_BYTES);
	if (didkey_from_public(key->pk, sigs[n].signer) != 0) {
		err = diag_set(d, SHOMEI_ERR_USAGE, NULL, "key not encodable");
		goto out;
	}
	/* The body is the record as it was, less its signatures. */
	err = jsonin_parse(bytes, len, &obj, d);
	if (err)
		goto out;
	if (json_object_del(obj, "signatures") != 0) {
		err = diag_set(d, SHOMEI_ERR_INVALID, "signatures", "missing");
		goto out;
	}
	err = assemble(obj, sigs, n + 1, out, outlen, d);
out:
	json_decref(obj);
	record_free(rec);
	return err;
}

/* --- digests ------------------------------------------------------------- */

int record_credential_digest(const json_t *vc, unsigned char out[RECORD_HASH_BYTES],
			     struct shomei_diag *d)
{
	memset(out, 0, RECORD_HASH_BYTES);
	if (!json_is_object(vc))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "not an object");
	struct buf b;
	buf_init(&b, JCS_MAX_BYTES);
	int err = buf_puts(&b, RECORD_CREDENTIAL_CONTEXT);
	if (!err)
		err = jcs_append_without(vc, "proof", &b, NULL, d);
	if (!err)
		sha256(b.data, b.len, out);
	else if (err == SHOMEI_ERR_NOMEM)
		diag_set(d, err, NULL, "out of memory");
	buf_release(&b);
	return err;
}

int record_status_hash(const char *id, unsigned char out[RECORD_HASH_BYTES])
{
	memset(out, 0, RECORD_HASH_BYTES);
	if (!id || !*id)
		return SHOMEI_ERR_USAGE;
	size_t n = strlen(id), prefix = sizeof RECORD_STATUS_CONTEXT - 1;
	/* a stack buffer for the usual urn:uuid, the heap beyond it */
	char small[128];
	char *m = n <= sizeof small - prefix ? small : malloc(prefix + n);
	if (!m)
		return SHOMEI_ERR_NOMEM;
	memcpy(m, RECORD_STATUS_CONTEXT, prefix);
	memcpy(m + prefix, id, n);
	sha256(m, prefix + n, out);
	if (m != small)
		free(m);
	return 0;
}
