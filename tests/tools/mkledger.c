/* mkledger - test fixture: makes (or extends) an embedded ledger of N opaque
 * records with a log key from a fixed 32-byte hex seed, for the end-to-end
 * tests of `verifier ledger`. Usage: mkledger DIR SEEDHEX N [SALT] */
#include "init.h"
#include "ledger.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 4 || shomei_init() != 0) {
		fprintf(stderr, "usage: mkledger DIR SEEDHEX N [SALT]\n");
		return 2;
	}
	unsigned char seed[32];
	size_t n = 0;
	if (sodium_hex2bin(seed, sizeof seed, argv[2], strlen(argv[2]), NULL, &n, NULL) != 0 ||
	    n != sizeof seed)
		return 2;
	struct ed25519_key *key = ed25519_key_new_from_seed(seed);
	struct shomei_diag d;
	struct ledger *l = NULL;
	if (ledger_open(argv[1], &l, &d) != 0) {
		if (ledger_create(argv[1], "example.org/diplomas", key, &d) != 0 ||
		    ledger_open(argv[1], &l, &d) != 0) {
			fprintf(stderr, "mkledger: %s: %s\n", d.where, d.what);
			return 1;
		}
	}
	long count = atol(argv[3]);
	const char *salt = argc > 4 ? argv[4] : "r";
	for (long i = 0; i < count; i++) {
		char rec[64];
		size_t len = (size_t)snprintf(rec, sizeof rec, "%s %llu", salt,
					      (unsigned long long)(ledger_size(l) + 0));
		const void *recs[1] = {rec};
		uint64_t first;
		if (ledger_append(l, key, recs, &len, 1, 1774396800 + i, &first, &d) != 0) {
			fprintf(stderr, "mkledger: %s: %s\n", d.where, d.what);
			return 1;
		}
	}
	printf("%s\n", ledger_vkey(l));
	ledger_free(l);
	ed25519_key_free(key);
	return 0;
}
