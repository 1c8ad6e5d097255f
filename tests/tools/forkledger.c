/* forkledger - test fixture: an operator who rewrites history. Usage:
 *     forkledger SRC DEST N
 * makes DEST (emptied first) a ledger with SRC's origin and key whose first N
 * entries are SRC's and whose later ones are SRC's other entries, each with
 * its time moved one second on, plus one more: a tree as large as SRC's and
 * larger, signed by the genuine log key (SRC.key, passphrase from
 * $SHOMEI_LEDGER_PASS), that is not an extension of SRC's. */
#include "init.h"
#include "keyfile.h"
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const struct shomei_diag *d)
{
	fprintf(stderr, "forkledger: %s: %s\n", d->where, d->what);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 4 || shomei_init() != 0) {
		fprintf(stderr, "usage: forkledger SRC DEST N\n");
		return 2;
	}
	const char *pass = getenv("SHOMEI_LEDGER_PASS");
	if (!pass)
		return 2;
	char keypath[4200];
	snprintf(keypath, sizeof keypath, "%s.key", argv[1]);
	struct shomei_diag d;
	struct ed25519_key *key = NULL;
	struct ledger *src = NULL, *dst = NULL;
	if (keyfile_read(keypath, pass, strlen(pass), &key, &d) != 0 ||
	    ledger_open(argv[1], &src, &d) != 0)
		return fail(&d);
	char cmd[8600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", argv[2]);
	if (system(cmd) != 0)
		return 1;
	if (ledger_create(argv[2], ledger_origin(src), key, &d) != 0 ||
	    ledger_open(argv[2], &dst, &d) != 0)
		return fail(&d);
	uint64_t n = strtoull(argv[3], NULL, 10), size = ledger_size(src);
	for (uint64_t i = 0; i <= size; i++) {
		int64_t t = 0;
		unsigned char *rec = NULL;
		size_t len = 0;
		if (i < size && ledger_entry(src, i, &t, &rec, &len, &d) != 0)
			return fail(&d);
		if (i >= size) {
			rec = (unsigned char *)strdup("not a record");
			len = strlen((char *)rec);
		}
		const void *recs[1] = {rec};
		uint64_t first;
		if (ledger_append(dst, key, recs, &len, 1, t + (i >= n), &first, &d) != 0)
			return fail(&d);
		free(rec);
	}
	printf("forked %s at %llu: %llu entries\n", argv[2], (unsigned long long)n,
	       (unsigned long long)ledger_size(dst));
	ledger_free(src);
	ledger_free(dst);
	ed25519_key_free(key);
	return 0;
}
