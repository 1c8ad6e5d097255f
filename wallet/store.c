#include "wallet.h"

#include "didkey.h"
#include "jsonin.h"
#include "passphrase.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wallet_dir(const struct cli_parsed *p, char *out, size_t cap)
{
	struct shomei_diag d;
	diag_clear(&d);
	if (cli_state_dir(cli_value(p, "wallet"), "SHOMEI_WALLET", "wallet", out, cap, &d) != 0) {
		out_error(NULL, &d);
		return WALLET_EXIT_USAGE;
	}
	return 0;
}

int wallet_open(const struct cli_parsed *p, struct vault **v)
{
	struct shomei_diag d;
	diag_clear(&d);
	*v = NULL;
	char dir[4096];
	int rc = wallet_dir(p, dir, sizeof dir);
	if (rc)
		return rc;
	struct passphrase_source src;
	if (cli_passphrase_source(p, &src, &d) != 0) {
		out_error(NULL, &d);
		return WALLET_EXIT_USAGE;
	}
	char prompt[sizeof dir + 32];
	snprintf(prompt, sizeof prompt, "passphrase for wallet %s: ", dir);
	char *pass = NULL;
	size_t pass_len = 0;
	if (passphrase_get(&src, prompt, 0, &pass, &pass_len, &d) != 0) {
		out_error(NULL, &d);
		return WALLET_EXIT_FAILED;
	}
	int err = vault_open(dir, pass, pass_len, v, &d);
	passphrase_free(pass);
	if (err) {
		out_error(dir, &d);
		if (err == SHOMEI_ERR_NOTFOUND)
			out_errorf(NULL, "no wallet in %s: run 'wallet init' first", dir);
		return WALLET_EXIT_FAILED;
	}
	return 0;
}

/* Reads the holder item (wallet.h) in place: its did into did[0..cap) and,
 * when seed is not NULL, its seed into seed (secure memory). */
static int holder_item(struct vault *v, char *did, size_t cap,
		       unsigned char seed[ED25519_SEED_BYTES])
{
	struct shomei_diag d;
	diag_clear(&d);
	unsigned char *data = NULL;
	size_t len = 0;
	if (vault_get(v, WALLET_ITEM_HOLDER_KEY, &data, &len, &d) != 0) {
		out_error("holder key", &d);
		return WALLET_EXIT_FAILED;
	}
	static const char head[] = WALLET_HOLDER_ITEM_HEAD, mid[] = WALLET_HOLDER_ITEM_MID,
			  tail[] = WALLET_HOLDER_ITEM_TAIL;
	const char *s = (const char *)data, *did_end = NULL, *hex = NULL;
	size_t hex_len = 2 * ED25519_SEED_BYTES, n = 0;
	if (len > sizeof head - 1 && !memcmp(s, head, sizeof head - 1))
		did_end = memchr(s + sizeof head - 1, '"', len - (sizeof head - 1));
	if (did_end && (size_t)(s + len - did_end) == sizeof mid - 1 + hex_len + sizeof tail - 1 &&
	    !memcmp(did_end, mid, sizeof mid - 1) &&
	    !memcmp(did_end + sizeof mid - 1 + hex_len, tail, sizeof tail - 1))
		hex = did_end + sizeof mid - 1;
	size_t did_len = hex ? (size_t)(did_end - s) - (sizeof head - 1) : 0;
	int ok = hex && did_len > 0 && did_len < cap;
	if (ok && seed)
		ok = sodium_hex2bin(seed, ED25519_SEED_BYTES, hex, hex_len, NULL, &n, NULL) == 0 &&
		     n == ED25519_SEED_BYTES;
	int rc = ok ? 0 : WALLET_EXIT_FAILED;
	if (ok) {
		memcpy(did, s + sizeof head - 1, did_len);
		did[did_len] = '\0';
	} else {
		out_errorf("holder key", "damaged wallet item");
	}
	vault_free_data(data, len);
	return rc;
}

int wallet_holder_did(struct vault *v, char *out, size_t cap)
{
	return holder_item(v, out, cap, NULL);
}

struct collect {
	struct wallet_entry *e;
	size_t n, cap;
	int failed;
};

static int collect_item(void *ctx, const char *name, const unsigned char *data, size_t len)
{
	struct collect *c = ctx;
	if (strncmp(name, WALLET_ITEM_CREDENTIAL_PREFIX, strlen(WALLET_ITEM_CREDENTIAL_PREFIX)) !=
	    0)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct wallet_entry *e = realloc(c->e, cap * sizeof *e);
		if (!e) {
			c->failed = 1;
			return SHOMEI_ERR_NOMEM;
		}
		c->e = e;
		c->cap = cap;
	}
	struct wallet_entry *w = &c->e[c->n];
	memset(w, 0, sizeof *w);
	struct shomei_diag d;
	diag_clear(&d);
	w->name = strdup(name);
	w->text = malloc(len + 1);
	if (!w->name || !w->text) {
		free(w->name);
		free(w->text);
		c->failed = 1;
		return SHOMEI_ERR_NOMEM;
	}
	memcpy(w->text, data, len);
	w->text[len] = '\0';
	w->len = len;
	if (jsonin_parse(w->text, len, &w->json, &d) != 0) {
		out_error(name, &d);
		free(w->name);
		free(w->text);
		return 0;
	}
	c->n++;
	return 0;
}

static const char *member(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

static int by_date_then_id(const void *a, const void *b)
{
	const struct wallet_entry *x = a, *y = b;
	int c = strcmp(member(x->json, "awardedDate"), member(y->json, "awardedDate"));
	return c ? c : strcmp(member(x->json, "id"), member(y->json, "id"));
}

int wallet_entries(struct vault *v, struct wallet_entry **out, size_t *n)
{
	struct shomei_diag d;
	diag_clear(&d);
	struct collect c = {0};
	struct vault_damage damage;
	memset(&damage, 0, sizeof damage);
	int err = vault_foreach(v, collect_item, &c, &damage, &d);
	if (err || c.failed) {
		if (err)
			out_error(NULL, &d);
		else
			out_errorf(NULL, "out of memory");
		wallet_entries_free(c.e, c.n);
		return WALLET_EXIT_FAILED;
	}
	for (size_t i = 0; i < damage.reported; i++)
		out_errorf(damage.item[i].file, "damaged, skipped: %s", damage.item[i].what);
	if (damage.count > damage.reported)
		out_errorf(NULL, "%zu more damaged items skipped", damage.count - damage.reported);
	if (c.n > 1)
		qsort(c.e, c.n, sizeof *c.e, by_date_then_id);
	*out = c.e;
	*n = c.n;
	return 0;
}

void wallet_entries_free(struct wallet_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].text);
		json_decref(e[i].json);
	}
	free(e);
}

int wallet_find(struct wallet_entry *e, size_t n, const char *id, struct wallet_entry **found)
{
	*found = NULL;
	size_t idlen = strlen(id);
	const char *bare = strncmp(id, "urn:uuid:", 9) == 0 ? id + 9 : id;
	size_t barelen = strlen(bare);
	for (size_t i = 0; i < n; i++) {
		const char *cid = member(e[i].json, "id");
		const char *cbare = strncmp(cid, "urn:uuid:", 9) == 0 ? cid + 9 : cid;
		int match = strcmp(cid, id) == 0 ||
			    (barelen >= 4 && strncmp(cbare, bare, barelen) == 0 && idlen);
		if (!match)
			continue;
		if (*found) {
			out_errorf(id, "ambiguous: more than one credential starts so");
			*found = NULL;
			return WALLET_EXIT_USAGE;
		}
		*found = &e[i];
	}
	if (!*found) {
		out_errorf(id, "no such credential in the wallet");
		return WALLET_EXIT_REFUSED;
	}
	return 0;
}

int wallet_open_find(const struct cli_parsed *p, const char *id, struct wallet_entry **all,
		     size_t *n, struct wallet_entry **found)
{
	*all = NULL;
	*n = 0;
	*found = NULL;
	struct vault *v = NULL;
	int rc = wallet_open(p, &v);
	if (rc)
		return rc;
	rc = wallet_entries(v, all, n);
	vault_close(v);
	if (!rc)
		rc = wallet_find(*all, *n, id, found);
	if (rc) {
		wallet_entries_free(*all, *n);
		*all = NULL;
		*n = 0;
	}
	return rc;
}

int wallet_holder_key(struct vault *v, struct ed25519_key **key)
{
	*key = NULL;
	char did[DIDKEY_MAX_BYTES];
	unsigned char *seed = sodium_malloc(ED25519_SEED_BYTES);
	if (!seed) {
		out_errorf("holder key", "out of secure memory");
		return WALLET_EXIT_FAILED;
	}
	int rc = holder_item(v, did, sizeof did, seed);
	if (!rc && !(*key = ed25519_key_new_from_seed(seed))) {
		out_errorf("holder key", "out of secure memory");
		rc = WALLET_EXIT_FAILED;
	}
	sodium_free(seed);
	return rc;
}
