#include "dataint.h"

#include "base58.h"
#include "internal/buf.h"
#include "internal/objcopy.h"
#include "internal/sha256.h"
#include "jcs.h"
#include "timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* A credential is at most JSONIN-sized; canonical forms are bounded the same way. */
#define DATAINT_CANON_MAX JCS_MAX_BYTES
/* 'z' + at most 88 base58 characters for 64 bytes + NUL. */
#define DATAINT_PROOF_VALUE_BYTES 96

static int hash_canonical(const json_t *v, unsigned char out[DATAINT_HASH_BYTES],
			  struct shomei_diag *d)
{
	struct buf b;
	buf_init(&b, DATAINT_CANON_MAX);
	int err = jcs_append(v, &b, d);
	if (!err)
		sha256(b.data, b.len, out);
	buf_release(&b);
	return err;
}

static int check_config(const json_t *config, struct shomei_diag *d)
{
	const json_t *type = json_object_get(config, "type");
	if (!json_is_string(type) || strcmp(json_string_value(type), DATAINT_PROOF_TYPE) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.type", "not %s", DATAINT_PROOF_TYPE);
	const json_t *suite = json_object_get(config, "cryptosuite");
	if (!json_is_string(suite))
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.cryptosuite", "missing");
	if (strcmp(json_string_value(suite), DATAINT_CRYPTOSUITE) != 0)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, "proof.cryptosuite",
				"unsupported cryptosuite %.64s", json_string_value(suite));
	const json_t *created = json_object_get(config, "created");
	if (created) {
		int64_t t;
		if (!json_is_string(created) ||
		    timeutil_parse_datetime(json_string_value(created), &t, NULL) != 0)
			return diag_set(d, SHOMEI_ERR_INVALID, "proof.created",
					"not an XML Schema dateTimeStamp");
	}
	return 0;
}

int dataint_hash_data(const json_t *unsecured, const json_t *proof_config,
		      unsigned char out[DATAINT_HASH_DATA_BYTES], struct shomei_diag *d)
{
	memset(out, 0, DATAINT_HASH_DATA_BYTES);
	if (!json_is_object(unsecured) || !json_is_object(proof_config))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a JSON object");
	int err = check_config(proof_config, d);
	if (err)
		return err;
	/* §3.3.4: proofConfigHash first, then transformedDocumentHash. */
	err = hash_canonical(proof_config, out, d);
	if (!err)
		err = hash_canonical(unsecured, out + DATAINT_HASH_BYTES, d);
	if (err)
		memset(out, 0, DATAINT_HASH_DATA_BYTES);
	return err;
}

/* The proof options as a proof configuration: §3.3.1 steps 1-2. */
static int make_config(const struct ed25519_key *key, const struct dataint_proof_options *o,
		       const json_t *ctx, json_t **out, struct shomei_diag *d)
{
	*out = NULL;
	unsigned char vm_pk[ED25519_PUBLIC_BYTES];
	if (didkey_vm_to_public(o->verification_method, vm_pk, d) != 0)
		return SHOMEI_ERR_USAGE;
	if (sodium_memcmp(vm_pk, key->pk, sizeof vm_pk) != 0)
		return diag_set(d, SHOMEI_ERR_USAGE, "proof.verificationMethod",
				"does not name the signing key");
	json_t *proof = json_object();
	int failed = !proof;
	if (!failed && ctx)
		failed = json_object_set_new(proof, "@context", json_deep_copy(ctx)) != 0;
	if (!failed)
		failed = json_object_set_new(proof, "type", json_string(DATAINT_PROOF_TYPE)) != 0 ||
			 json_object_set_new(proof, "cryptosuite",
					     json_string(DATAINT_CRYPTOSUITE)) != 0;
	if (!failed && o->created)
		failed = json_object_set_new(proof, "created", json_string(o->created)) != 0;
	if (!failed)
		failed =
		    json_object_set_new(proof, "verificationMethod",
					json_string(o->verification_method)) != 0 ||
		    json_object_set_new(
			proof, "proofPurpose",
			json_string(o->proof_purpose ? o->proof_purpose : "assertionMethod")) != 0;
	if (failed) {
		json_decref(proof);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	int err = check_config(proof, d);
	if (err) {
		json_decref(proof);
		return err;
	}
	*out = proof;
	return 0;
}

/* Signs hashData and adds proofValue to the (caller's) proof object. */
static int add_proof_value(json_t *proof, const unsigned char hash_data[DATAINT_HASH_DATA_BYTES],
			   const struct ed25519_key *key, struct shomei_diag *d)
{
	unsigned char sig[ED25519_SIG_BYTES];
	ed25519_sign(sig, hash_data, DATAINT_HASH_DATA_BYTES, key);
	char value[DATAINT_PROOF_VALUE_BYTES];
	if (multibase_base58btc_encode(sig, sizeof sig, value, sizeof value) != 0)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "proofValue does not fit");
	if (json_object_set_new(proof, "proofValue", json_string(value)) != 0)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	return 0;
}

int dataint_sign(json_t *doc, const struct ed25519_key *key, const struct dataint_proof_options *o,
		 struct shomei_diag *d)
{
	if (!json_is_object(doc))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "document is not a JSON object");
	if (json_object_get(doc, "proof"))
		return diag_set(d, SHOMEI_ERR_USAGE, "proof", "document already has a proof");
	json_t *proof = NULL;
	int err = make_config(key, o, json_object_get(doc, "@context"), &proof, d);
	unsigned char hash_data[DATAINT_HASH_DATA_BYTES];
	if (!err)
		err = dataint_hash_data(doc, proof, hash_data, d);
	if (!err)
		err = add_proof_value(proof, hash_data, key, d);
	if (!err && json_object_set(doc, "proof", proof) != 0)
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	json_decref(proof);
	return err;
}

/* The canonical proof with an empty proofValue, split where the value's
 * characters go (base58btc needs no escaping, and JCS puts the member in the
 * same place whatever its value). Left NULL, and the proof built per
 * document, if the marker is not found exactly once. */
static int prepare_proof_text(struct dataint_signer *s)
{
	static const char marker[] = "\"proofValue\":\"\"";
	json_t *proof = objcopy_shallow(s->config);
	char *text = NULL;
	size_t len = 0;
	if (!proof || json_object_set_new(proof, "proofValue", json_string("")) != 0 ||
	    jcs_serialize(proof, &text, &len, NULL) != 0) {
		json_decref(proof);
		return SHOMEI_ERR_NOMEM;
	}
	json_decref(proof);
	char *at = strstr(text, marker);
	if (!at || strstr(at + 1, marker)) {
		free(text);
		return 0;
	}
	s->proof_text = text;
	s->proof_head = (size_t)(at - text) + sizeof marker - 2; /* after the opening quote */
	s->proof_len = len;
	return 0;
}

int dataint_signer_init(struct dataint_signer *s, const struct ed25519_key *key,
			const struct dataint_proof_options *o, const json_t *context,
			struct shomei_diag *d)
{
	memset(s, 0, sizeof *s);
	s->key = key;
	int err = make_config(key, o, context, &s->config, d);
	if (!err)
		err = hash_canonical(s->config, s->config_hash, d);
	if (!err && prepare_proof_text(s) != 0)
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	if (err)
		dataint_signer_release(s);
	return err;
}

void dataint_signer_release(struct dataint_signer *s)
{
	json_decref(s->config);
	free(s->proof_text);
	memset(s, 0, sizeof *s);
}

/* The canonical proof of hash_data into b. */
static int proof_canonical(const struct dataint_signer *s,
			   const unsigned char hash_data[DATAINT_HASH_DATA_BYTES], struct buf *b,
			   struct shomei_diag *d)
{
	if (!s->proof_text) {
		json_t *proof = objcopy_shallow(s->config);
		int err = proof ? add_proof_value(proof, hash_data, s->key, d)
				: diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
		if (!err)
			err = jcs_append(proof, b, d);
		json_decref(proof);
		return err;
	}
	unsigned char sig[ED25519_SIG_BYTES];
	ed25519_sign(sig, hash_data, DATAINT_HASH_DATA_BYTES, s->key);
	char value[DATAINT_PROOF_VALUE_BYTES];
	if (multibase_base58btc_encode(sig, sizeof sig, value, sizeof value) != 0)
		return diag_set(d, SHOMEI_ERR_LIMIT, NULL, "proofValue does not fit");
	int err = buf_append(b, s->proof_text, s->proof_head);
	if (!err)
		err = buf_puts(b, value);
	if (!err)
		err = buf_append(b, s->proof_text + s->proof_head, s->proof_len - s->proof_head);
	return err;
}

int dataint_signer_sign(const struct dataint_signer *s, const json_t *doc, char **text, size_t *len,
			struct shomei_diag *d)
{
	return dataint_signer_sign_digest(s, doc, NULL, NULL, text, len, d);
}

int dataint_signer_sign_digest(const struct dataint_signer *s, const json_t *doc,
			       const char *prefix, unsigned char digest[DATAINT_HASH_BYTES],
			       char **text, size_t *len, struct shomei_diag *d)
{
	*text = NULL;
	*len = 0;
	if (digest)
		memset(digest, 0, DATAINT_HASH_BYTES);
	if (!json_is_object(doc) || json_object_get(doc, "proof"))
		return diag_set(d, SHOMEI_ERR_USAGE, NULL, "not an object without a proof");
	const json_t *ctx = json_object_get(doc, "@context");
	const json_t *want = json_object_get(s->config, "@context");
	if ((ctx || want) && !(ctx && want && json_equal(ctx, want)))
		return diag_set(d, SHOMEI_ERR_USAGE, "@context", "not the signer's @context");

	struct buf doc_canon, proof_canon, out;
	buf_init(&doc_canon, DATAINT_CANON_MAX);
	buf_init(&proof_canon, DATAINT_CANON_MAX);
	buf_init(&out, DATAINT_CANON_MAX);
	struct jcs_hole hole;
	unsigned char hash_data[DATAINT_HASH_DATA_BYTES];
	memcpy(hash_data, s->config_hash, DATAINT_HASH_BYTES);
	/* A diploma is about 2 KB: one allocation each instead of a doubling series. */
	int err = buf_reserve(&doc_canon, 4096);
	if (!err)
		err = buf_reserve(&out, 4096);
	if (!err)
		err = jcs_append_without(doc, "proof", &doc_canon, &hole, d);
	if (err)
		goto out;
	sha256(doc_canon.data, doc_canon.len, hash_data + DATAINT_HASH_BYTES);
	if (digest)
		sha256_2(prefix ? prefix : "", prefix ? strlen(prefix) : 0, doc_canon.data,
			 doc_canon.len, digest);
	err = proof_canonical(s, hash_data, &proof_canon, d);
	/* Splice ,"proof":{...} into the canonical document where JCS puts it. */
	if (!err)
		err = buf_append(&out, doc_canon.data, hole.offset);
	if (!err)
		err = buf_puts(&out, hole.has_before ? ",\"proof\":" : "\"proof\":");
	if (!err)
		err = buf_append(&out, proof_canon.data, proof_canon.len);
	if (!err && !hole.has_before && hole.has_after)
		err = buf_putc(&out, ',');
	if (!err)
		err = buf_append(&out, doc_canon.data + hole.offset, doc_canon.len - hole.offset);
	if (err)
		goto out;
	*text = buf_steal(&out, len);
	if (!*text)
		err = diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
out:
	buf_release(&doc_canon);
	buf_release(&proof_canon);
	buf_release(&out);
	if (err == SHOMEI_ERR_LIMIT && d && !d->what[0])
		diag_set(d, err, NULL, "document too large");
	return err;
}

/* §3.3.2 step: the proof's @context must be a prefix of the document's. */
static int context_is_prefix(const json_t *proof_ctx, const json_t *doc_ctx)
{
	if (!doc_ctx)
		return 0;
	if (!json_is_array(proof_ctx))
		return json_equal(proof_ctx, json_is_array(doc_ctx) && json_array_size(doc_ctx) > 0
						 ? json_array_get(doc_ctx, 0)
						 : doc_ctx);
	if (!json_is_array(doc_ctx))
		return json_array_size(proof_ctx) == 1 &&
		       json_equal(json_array_get(proof_ctx, 0), doc_ctx);
	size_t n = json_array_size(proof_ctx);
	if (n > json_array_size(doc_ctx))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!json_equal(json_array_get(proof_ctx, i), json_array_get(doc_ctx, i)))
			return 0;
	return 1;
}

static int verify(const json_t *doc, const char *purpose, const char *prefix,
		  unsigned char *digest, struct dataint_verified *out, struct shomei_diag *d)
{
	if (!json_is_object(doc))
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "not a JSON object");
	const json_t *proof = json_object_get(doc, "proof");
	if (!proof)
		return diag_set(d, SHOMEI_ERR_INVALID, "proof", "missing");
	if (json_is_array(proof)) {
		if (json_array_size(proof) != 1)
			return diag_set(d, SHOMEI_ERR_UNSUPPORTED, "proof",
					"proof sets of %zu proofs are not supported",
					json_array_size(proof));
		proof = json_array_get(proof, 0);
	}
	if (!json_is_object(proof))
		return diag_set(d, SHOMEI_ERR_INVALID, "proof", "not an object");

	const json_t *pv = json_object_get(proof, "proofValue");
	if (!json_is_string(pv))
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.proofValue",
				"missing or not a string");
	unsigned char sig[ED25519_SIG_BYTES];
	size_t sig_len = 0;
	if (multibase_base58btc_decode(json_string_value(pv), json_string_length(pv), sig,
				       sizeof sig, &sig_len) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.proofValue", "not base58btc");
	if (sig_len != ED25519_SIG_BYTES)
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.proofValue",
				"not a 64-byte Ed25519 signature");

	const json_t *vm = json_object_get(proof, "verificationMethod");
	if (!json_is_string(vm))
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.verificationMethod",
				"missing or not a string");
	if (strncmp(json_string_value(vm), "did:key:", 8) != 0)
		return diag_set(d, SHOMEI_ERR_UNSUPPORTED, "proof.verificationMethod",
				"only did:key verification methods are supported");
	if (didkey_vm_to_public(json_string_value(vm), out->public_key, d) != 0) {
		diag_prefix(d, "proof.verificationMethod");
		return SHOMEI_ERR_INVALID;
	}
	snprintf(out->verification_method, sizeof out->verification_method, "%s",
		 json_string_value(vm));

	const json_t *pp = json_object_get(proof, "proofPurpose");
	const char *want = purpose ? purpose : "assertionMethod";
	if (!json_is_string(pp))
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.proofPurpose", "missing");
	if (strcmp(json_string_value(pp), want) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, "proof.proofPurpose", "not %s", want);
	snprintf(out->proof_purpose, sizeof out->proof_purpose, "%s", want);

	const json_t *created = json_object_get(proof, "created");
	if (json_is_string(created) &&
	    timeutil_parse_datetime(json_string_value(created), &out->created, NULL) == 0)
		out->has_created = 1;
	const json_t *expires = json_object_get(proof, "expires");
	if (expires) {
		if (!json_is_string(expires) ||
		    timeutil_parse_datetime(json_string_value(expires), &out->expires, NULL) != 0)
			return diag_set(d, SHOMEI_ERR_INVALID, "proof.expires",
					"not an XML Schema dateTimeStamp");
		out->has_expires = 1;
	}

	/* Shallow copies: the unsecured document and the proof configuration share
	 * their members with the input, which is never modified. */
	int err = SHOMEI_ERR_NOMEM;
	json_t *unsecured = objcopy_shallow(doc);
	json_t *config = objcopy_shallow(proof);
	if (!unsecured || !config)
		goto out;
	json_object_del(unsecured, "proof");
	json_object_del(config, "proofValue");
	const json_t *proof_ctx = json_object_get(config, "@context");
	if (proof_ctx) {
		if (!context_is_prefix(proof_ctx, json_object_get(unsecured, "@context"))) {
			err = diag_set(d, SHOMEI_ERR_INVALID, "proof.@context",
				       "not a prefix of the document's @context");
			goto out;
		}
		if (json_object_set(unsecured, "@context", (json_t *)proof_ctx) != 0)
			goto out;
	}
	unsigned char hash_data[DATAINT_HASH_DATA_BYTES];
	if (digest && (!proof_ctx || json_equal((json_t *)proof_ctx, json_object_get(doc, "@context")))) {
		/* the document hashed for the signature is the document without
		 * its proof: one canonical form for both hashes */
		struct buf b;
		buf_init(&b, DATAINT_CANON_MAX);
		err = check_config(config, d);
		if (!err)
			err = hash_canonical(config, hash_data, d);
		if (!err)
			err = jcs_append(unsecured, &b, d);
		if (!err) {
			sha256(b.data, b.len, hash_data + DATAINT_HASH_BYTES);
			sha256_2(prefix, strlen(prefix), b.data, b.len, digest);
		}
		buf_release(&b);
	} else {
		err = dataint_hash_data(unsecured, config, hash_data, d);
		if (!err && digest) {
			struct buf b;
			buf_init(&b, DATAINT_CANON_MAX);
			err = buf_puts(&b, prefix);
			if (!err)
				err = jcs_append_without(doc, "proof", &b, NULL, d);
			if (!err)
				sha256(b.data, b.len, digest);
			buf_release(&b);
		}
	}
	if (err)
		goto out;
	if (ed25519_verify(sig, hash_data, sizeof hash_data, out->public_key) != 0)
		err = diag_set(d, SHOMEI_ERR_SIGNATURE, "proof.proofValue",
			       "signature does not verify");
out:
	json_decref(unsecured);
	json_decref(config);
	if (err == SHOMEI_ERR_NOMEM)
		diag_set(d, err, NULL, "out of memory");
	return err;
}

int dataint_verify(const json_t *doc, const char *expected_purpose, struct dataint_verified *out,
		   struct shomei_diag *d)
{
	memset(out, 0, sizeof *out);
	int err = verify(doc, expected_purpose, NULL, NULL, out, d);
	if (err)
		memset(out, 0, sizeof *out);
	return err;
}

int dataint_verify_digest(const json_t *doc, const char *expected_purpose, const char *prefix,
			  unsigned char digest[DATAINT_HASH_BYTES], struct dataint_verified *out,
			  struct shomei_diag *d)
{
	memset(out, 0, sizeof *out);
	memset(digest, 0, DATAINT_HASH_BYTES);
	int err = verify(doc, expected_purpose, prefix ? prefix : "", digest, out, d);
	if (err) {
		memset(out, 0, sizeof *out);
		memset(digest, 0, DATAINT_HASH_BYTES);
	}
	return err;
}
