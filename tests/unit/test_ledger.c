/* The embedded ledger (common/ledger.h): round trips across the 256 and
 * 65536 tile boundaries, a fork()+SIGKILL crash loop, a byte-flip of every
 * stored byte of a 300-entry ledger, forked and rewritten ledgers refused by
 * the remembered-checkpoint check, and proofs checked with merkle.h. */
#include "ledger.h"
#include "ed25519.h"
#include "err.h"
#include "init.h"
#include "merkle.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ORIGIN "example.org/ledger-test"
#define T0     1700000000

static struct ed25519_key *test_key(unsigned char fill)
{
	unsigned char seed[ED25519_SEED_BYTES];
	memset(seed, fill, sizeof seed);
	struct ed25519_key *k = ed25519_key_new_from_seed(seed);
	assert_non_null(k);
	return k;
}

/* Record i: its index as 8 bytes, then i % 7 bytes of i's low byte, so that
 * every entry can be checked from its index alone. */
static size_t make_record(uint64_t i, unsigned char out[16])
{
	for (int k = 0; k < 8; k++)
		out[k] = (unsigned char)(i >> (56 - 8 * k));
	size_t extra = (size_t)(i % 7);
	memset(out + 8, (int)(i & 0xff), extra);
	return 8 + extra;
}

static int append_range(struct ledger *l, const struct ed25519_key *k, uint64_t first, size_t n,
			int64_t now, struct shomei_diag *d)
{
	unsigned char(*recs)[16] = malloc(n * 16);
	const void **ptrs = malloc(n * sizeof *ptrs);
	size_t *lens = malloc(n * sizeof *lens);
	if (!recs || !ptrs || !lens)
		abort();
	for (size_t i = 0; i < n; i++) {
		lens[i] = make_record(first + i, recs[i]);
		ptrs[i] = recs[i];
	}
	uint64_t got = 0;
	int e = ledger_append(l, k, ptrs, lens, n, now, &got, d);
	if (!e && got != first)
		e = -100;
	free(recs);
	free(ptrs);
	free(lens);
	return e;
}

static void check_entries(struct ledger *l, uint64_t from, uint64_t to, int64_t want_time)
{
	for (uint64_t i = from; i < to; i++) {
		int64_t t;
		unsigned char *r;
		size_t len;
		unsigned char want[16];
		size_t wlen = make_record(i, want);
		struct shomei_diag d;
		int e = ledger_entry(l, i, &t, &r, &len, &d);
		if (e)
			fail_msg("entry %llu: %s: %s", (unsigned long long)i, d.where, d.what);
		if (len != wlen || memcmp(r, want, len) != 0)
			fail_msg("entry %llu differs", (unsigned long long)i);
		if (want_time >= 0)
			assert_int_equal(t, want_time);
		free(r);
	}
}

static void must_verify(struct ledger *l)
{
	struct shomei_diag d;
	int e = ledger_verify(l, &d);
	if (e)
		fail_msg("verify: %s: %s", d.where, d.what);
}

static struct ledger *must_open(const char *dir)
{
	struct ledger *l = NULL;
	struct shomei_diag d;
	int e = ledger_open(dir, &l, &d);
	if (e)
		fail_msg("open: %s: %s", d.where, d.what);
	return l;
}

static void test_create_open(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	struct ed25519_key *k = test_key(1), *other = test_key(2);
	struct shomei_diag d;
	assert_int_equal(ledger_create(dir, "bad origin", k, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(ledger_create(dir, ORIGIN, k, &d), 0);
	assert_int_equal(ledger_create(dir, ORIGIN, k, &d), SHOMEI_ERR_EXISTS);
	struct ledger *l = must_open(dir);
	assert_int_equal(ledger_size(l), 0);
	assert_string_equal(ledger_origin(l), ORIGIN);
	unsigned char root[MERKLE_HASH_BYTES], empty[MERKLE_HASH_BYTES];
	ledger_root(l, root);
	merkle_empty_root(empty);
	assert_memory_equal(root, empty, MERKLE_HASH_BYTES);
	must_verify(l);
	/* pinned: the right key opens, another is refused */
	struct ledger *p = NULL;
	assert_int_equal(ledger_open_pinned(dir, ledger_vkey(l), &p, &d), 0);
	ledger_free(p);
	char ovkey[NOTE_VKEY_BYTES];
	struct note_verifier v;
	assert_int_equal(note_verifier_init(&v, ORIGIN, NOTE_SIG_ED25519, other->pk), 0);
	note_vkey_format(&v, ovkey);
	assert_int_equal(ledger_open_pinned(dir, ovkey, &p, &d), SHOMEI_ERR_INVALID);
	assert_null(p);
	/* appending needs the log key; empty batches and negative times are refused */
	assert_int_equal(append_range(l, other, 0, 1, T0, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(append_range(l, k, 0, 0, T0, &d), SHOMEI_ERR_USAGE);
	assert_int_equal(append_range(l, k, 0, 1, -1, &d), SHOMEI_ERR_USAGE);
	size_t big = LEDGER_MAX_RECORD + 1;
	unsigned char *rec = calloc(1, big);
	const void *ptr = rec;
	uint64_t first;
	assert_int_equal(ledger_append(l, k, &ptr, &big, 1, T0, &first, &d), SHOMEI_ERR_LIMIT);
	big--;
	assert_int_equal(ledger_append(l, k, &ptr, &big, 1, T0, &first, &d), 0);
	free(rec);
	assert_int_equal(ledger_size(l), 1);
	must_verify(l);
	assert_int_equal(ledger_verify_dir(dir, ledger_vkey(l), &d), 0);
	assert_int_equal(ledger_verify_dir(dir, ovkey, &d), SHOMEI_ERR_INVALID);
	ledger_free(l);
	ed25519_key_free(k);
	ed25519_key_free(other);
	tu_rm_rf(dir);
	free(dir);
}

/* 70,000 entries: batches of 1, 254, 1, 1, 300, then growing, crossing 256,
 * 512 and 65536, reopened and checked along the way. */
static void test_round_trip(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	struct ed25519_key *k = test_key(1);
	struct shomei_diag d;
	assert_int_equal(ledger_create(dir, ORIGIN, k, &d), 0);
	struct ledger *l = must_open(dir);
	static const size_t batches[] = {1,    254,   1,     1, 300,  255, 1,
					 9000, 30000, 25723, 1, 4000, 463};
	uint64_t size = 0;
	for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
		int e = append_range(l, k, size, batches[b], T0 + (int64_t)b, &d);
		if (e)
			fail_msg("append %zu: %s: %s", b, d.where, d.what);
		size += batches[b];
		assert_int_equal(ledger_size(l), size);
		if (size < 1000 || b == 9) {
			struct ledger *r = must_open(dir);
			assert_int_equal(ledger_size(r), size);
			must_verify(r);
			check_entries(r, 0, size, -1);
			ledger_free(r);
		}
	}
	assert_int_equal(size, 70000);
	ledger_free(l);
	l = must_open(dir);
	must_verify(l);
	check_entries(l, 0, size, -1);
	int64_t t;
	unsigned char *r;
	size_t len;
	assert_int_equal(ledger_entry(l, 255, &t, &r, &len, &d), 0);
	assert_int_equal(t, T0 + 2);
	free(r);
	assert_int_equal(ledger_entry(l, 65535, &t, &r, &len, &d), 0);
	assert_int_equal(t, T0 + 9);
	free(r);
	assert_int_equal(ledger_entry(l, size, &t, &r, &len, &d), SHOMEI_ERR_USAGE);
	assert_null(r);
	/* (e) proofs verify with merkle.h */
	unsigned char root[MERKLE_HASH_BYTES], proof[MERKLE_MAX_PROOF][MERKLE_HASH_BYTES];
	ledger_root(l, root);
	static const uint64_t idx[] = {0, 1, 255, 256, 511, 65535, 65536, 69999};
	for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
		size_t plen;
		unsigned char leaf[MERKLE_HASH_BYTES];
		assert_int_equal(ledger_entry(l, idx[i], &t, &r, &len, &d), 0);
		ledger_leaf_hash(t, r, len, leaf);
		free(r);
		assert_int_equal(ledger_inclusion_proof(l, idx[i], proof, &plen, &d), 0);
		assert_int_equal(merkle_verify_inclusion(idx[i], size, leaf, proof, plen, root), 0);
		leaf[0] ^= 1;
		assert_int_not_equal(merkle_verify_inclusion(idx[i], size, leaf, proof, plen, root),
				     0);
	}
	ledger_free(l);
	ed25519_key_free(k);
	tu_rm_rf(dir);
	free(dir);
}

/* (d) and (e): consistency proofs, and forks refused. */
static void test_consistency_and_forks(void **state)
{
	(void)state;
	char *a = tu_tempdir(), *b = tu_tempdir(), *c = tu_tempdir();
	struct ed25519_key *k = test_key(1);
	struct shomei_diag d;
	assert_int_equal(ledger_create(a, ORIGIN, k, &d), 0);
	assert_int_equal(ledger_create(b, ORIGIN, k, &d), 0);
	assert_int_equal(ledger_create(c, ORIGIN, k, &d), 0);
	struct ledger *la = must_open(a), *lb = must_open(b), *lc = must_open(c);
	assert_int_equal(append_range(la, k, 0, 300, T0, &d), 0);
	/* b: the same 300 entries but accepted at another time: another root */
	assert_int_equal(append_range(lb, k, 0, 300, T0 + 1, &d), 0);
	unsigned char ra[MERKLE_HASH_BYTES], rb[MERKLE_HASH_BYTES];
	ledger_root(la, ra);
	ledger_root(lb, rb);
	assert_int_equal(ledger_check_consistent(la, 300, ra, &d), 0);
	assert_int_equal(ledger_check_consistent(lb, 300, ra, &d), SHOMEI_ERR_INVALID);
	assert_non_null(strstr(d.what, "forked"));
	/* a grows: consistent with what was seen; b grown is not */
	assert_int_equal(append_range(la, k, 300, 500, T0, &d), 0);
	assert_int_equal(append_range(lb, k, 300, 500, T0, &d), 0);
	assert_int_equal(ledger_check_consistent(la, 300, ra, &d), 0);
	assert_int_equal(ledger_check_consistent(lb, 300, ra, &d), SHOMEI_ERR_INVALID);
	/* c rewrites entry 7 only */
	assert_int_equal(append_range(lc, k, 0, 7, T0, &d), 0);
	unsigned char x = 0x42;
	const void *px = &x;
	size_t one = 1;
	uint64_t first;
	assert_int_equal(ledger_append(lc, k, &px, &one, 1, T0, &first, &d), 0);
	assert_int_equal(append_range(lc, k, 8, 792, T0, &d), 0);
	assert_int_equal(ledger_check_consistent(lc, 300, ra, &d), SHOMEI_ERR_INVALID);
	/* rolled back: a has 800, someone saw 801 */
	unsigned char r800[MERKLE_HASH_BYTES];
	ledger_root(la, r800);
	assert_int_equal(ledger_check_consistent(la, 801, r800, &d), SHOMEI_ERR_INVALID);
	assert_non_null(strstr(d.what, "rolled back"));
	assert_int_equal(ledger_check_consistent(la, 0, r800, &d), 0);
	/* every consistency proof of a verifies with merkle.h */
	unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH_BYTES];
	for (uint64_t m = 1; m <= 800; m += 37) {
		size_t plen;
		assert_int_equal(ledger_consistency_proof(la, m, proof, &plen, &d), 0);
	}
	/* the roots at each size come from a ledger rebuilt in steps */
	char *e2 = tu_tempdir();
	assert_int_equal(ledger_create(e2, ORIGIN, k, &d), 0);
	struct ledger *le = must_open(e2);
	uint64_t sz = 0;
	for (uint64_t step = 1; sz + step <= 800; step = step * 3 + 1) {
		assert_int_equal(append_range(le, k, sz, step, T0, &d), 0);
		sz += step;
		unsigned char rm[MERKLE_HASH_BYTES];
		ledger_root(le, rm);
		size_t plen;
		assert_int_equal(ledger_consistency_proof(la, sz, proof, &plen, &d), 0);
		assert_int_equal(merkle_verify_consistency(sz, 800, rm, r800,
							   (const unsigned char(*)[32])proof, plen),
				 0);
		assert_int_equal(ledger_check_consistent(la, sz, rm, &d), 0);
		rm[5] ^= 1;
		assert_int_equal(ledger_check_consistent(la, sz, rm, &d), SHOMEI_ERR_INVALID);
	}
	/* a refresh of a view to a forked checkpoint is refused */
	struct ledger *va = must_open(a);
	ledger_free(le);
	ledger_free(la);
	ledger_free(lb);
	ledger_free(lc);
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "cp '%s/checkpoint' '%s/checkpoint'", c, a);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ledger_refresh(va, &d), SHOMEI_ERR_INVALID);
	assert_int_equal(ledger_size(va), 800);
	ledger_free(va);
	ed25519_key_free(k);
	tu_rm_rf(a);
	tu_rm_rf(b);
	tu_rm_rf(c);
	tu_rm_rf(e2);
	free(a);
	free(b);
	free(c);
	free(e2);
}

/* ---- (c) tamper ---- */

static size_t list_files(const char *root, const char *rel, char **out, size_t n, size_t cap)
{
	char path[2048];
	snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *dp = opendir(path);
	assert_non_null(dp);
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "ledger.lock") == 0)
			continue;
		char sub[2048], full[4200];
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		snprintf(full, sizeof full, "%s/%s", root, sub);
		struct stat st;
		assert_int_equal(stat(full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			n = list_files(root, sub, out, n, cap);
		} else {
			assert_true(n < cap);
			out[n++] = strdup(full);
		}
	}
	closedir(dp);
	return n;
}

static void test_tamper(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	struct ed25519_key *k = test_key(1);
	struct shomei_diag d;
	assert_int_equal(ledger_create(dir, ORIGIN, k, &d), 0);
	struct ledger *l = must_open(dir);
	assert_int_equal(append_range(l, k, 0, 100, T0, &d), 0);
	assert_int_equal(append_range(l, k, 100, 200, T0 + 5, &d), 0);
	ledger_free(l);
	assert_int_equal(ledger_verify_dir(dir, NULL, &d), 0);
	char *files[64];
	size_t nfiles = list_files(dir, "", files, 0, 64);
	assert_int_equal(nfiles, 7); /* json, checkpoint, 2 bundles, 3 tiles */
	size_t flips = 0;
	for (size_t f = 0; f < nfiles; f++) {
		FILE *fp = fopen(files[f], "r+b");
		assert_non_null(fp);
		assert_int_equal(fseek(fp, 0, SEEK_END), 0);
		long size = ftell(fp);
		for (long i = 0; i < size; i++) {
			for (int mask = 0xff; mask; mask = 0) { /* every bit of the byte */
				assert_int_equal(fseek(fp, i, SEEK_SET), 0);
				int c = fgetc(fp);
				assert_int_equal(fseek(fp, i, SEEK_SET), 0);
				fputc(c ^ mask, fp);
				fflush(fp);
				int e = ledger_verify_dir(dir, NULL, &d);
				if (e == 0)
					fail_msg("%s: byte %ld ^ 0x%02x accepted", files[f], i,
						 mask);
				assert_int_equal(fseek(fp, i, SEEK_SET), 0);
				fputc(c, fp);
				fflush(fp);
				flips++;
			}
		}
		fclose(fp);
		free(files[f]);
	}
	print_message("tamper: %zu flips, all refused\n", flips);
	assert_int_equal(ledger_verify_dir(dir, NULL, &d), 0);
	ed25519_key_free(k);
	tu_rm_rf(dir);
	free(dir);
}

/* ---- (b) crash ---- */

#define CRASH_MIN_APPENDS 1000

static void child_loop(const char *dir, int fd)
{
	struct ed25519_key *k = test_key(1);
	struct ledger *l = NULL;
	if (!k || ledger_open(dir, &l, NULL) != 0)
		_exit(2);
	srand((unsigned)getpid());
	for (;;) {
		uint64_t size = ledger_size(l);
		size_t n = 1 + (size_t)(rand() % 10);
		if (append_range(l, k, size, n, T0, NULL) != 0)
			_exit(3);
		uint64_t acked = ledger_size(l);
		if (write(fd, &acked, sizeof acked) != (ssize_t)sizeof acked)
			_exit(4);
	}
}

static void test_crash(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	struct ed25519_key *k = test_key(1);
	struct shomei_diag d;
	assert_int_equal(ledger_create(dir, ORIGIN, k, &d), 0);
	srand(12345);
	size_t appends = 0, kills = 0;
	uint64_t acked = 0, seen = 0;
	unsigned char seen_root[MERKLE_HASH_BYTES] = {0};
	while (appends < CRASH_MIN_APPENDS) {
		int p[2];
		assert_int_equal(pipe(p), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			child_loop(dir, p[1]);
		}
		close(p[1]);
		struct timespec ts = {0, (long)(rand() % 100000) * 1000};
		nanosleep(&ts, NULL);
		assert_int_equal(kill(pid, SIGKILL), 0);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		kills++;
		uint64_t v;
		while (read(p[0], &v, sizeof v) == (ssize_t)sizeof v) {
			assert_true(v > acked);
			acked = v;
			appends++;
		}
		close(p[0]);
		struct ledger *l = must_open(dir);
		assert_true(ledger_size(l) >= acked);
		must_verify(l);
		/* entries before `seen` are covered by the remembered checkpoint */
		if (ledger_check_consistent(l, seen, seen_root, &d) != 0)
			fail_msg("after kill %zu: %s: %s", kills, d.where, d.what);
		check_entries(l, seen, ledger_size(l), T0);
		acked = seen = ledger_size(l);
		ledger_root(l, seen_root);
		ledger_free(l);
	}
	/* the crashed ledger accepts appends, and they repair it */
	struct ledger *l = must_open(dir);
	uint64_t size = ledger_size(l);
	assert_int_equal(append_range(l, k, size, 3, T0, &d), 0);
	must_verify(l);
	check_entries(l, 0, size + 3, T0);
	ledger_free(l);
	print_message("crash: %zu acknowledged appends, %zu kills, %llu entries\n", appends, kills,
		      (unsigned long long)size + 3);
	ed25519_key_free(k);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_open),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_consistency_and_forks),
	    cmocka_unit_test(test_tamper),
	    cmocka_unit_test(test_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
