/* bench.h - shared by the parts of `make bench`. */
#ifndef SHOMEI_BENCH_H
#define SHOMEI_BENCH_H

#include "ed25519.h"

/* The typical credential the figures use: its issuer's key, its digest, the
 * file it is written to, and the raw Ed25519 signing rate of this run. */
struct bench_credential {
	const struct ed25519_key *key;
	unsigned char digest[32];
	const char *path;
	double raw_sign_rate;
};

/* Prints the ledger's figures; `build` is the folder holding the programs.
 * Returns 0, or -1 when a step failed. */
int bench_ledger(const char *build, const struct bench_credential *cred);

#endif
