/* Syncing a replica from a real HTTP mirror on 127.0.0.1 (python3 -m
 * http.server): incremental syncs, and refusal of a rewritten, forked, older
 * or foreign ledger, with the replica left at its last good checkpoint. */
#include "mirror.h"
#include "init.h"
#include "ledger.h"
#include "testutil.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

struct world {
	char *root; /* served over HTTP */
	pid_t server;
	int port;
	struct ed25519_key *log_key, *other_key;
};

static void copy_dir(const char *from, const char *to)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static void make_ledger(const char *dir, const struct ed25519_key *key, uint64_t n,
			const char *salt)
{
	struct shomei_diag d;
	if (ledger_create(dir, "example.org/diplomas", key, &d) != 0)
		fail_msg("create %s: %s: %s", dir, d.where, d.what);
	struct ledger *l = NULL;
	assert_int_equal(ledger_open(dir, &l, &d), 0);
	enum { BATCH = 50 };
	char bufs[BATCH][48];
	const void *recs[BATCH];
	size_t lens[BATCH];
	for (uint64_t i = 0; i < n; i += BATCH) {
		size_t k = 0;
		for (; k < BATCH && i + k < n; k++) {
			lens[k] = (size_t)snprintf(bufs[k], sizeof bufs[k], "record %s %llu", salt,
						   (unsigned long long)(i + k));
			recs[k] = bufs[k];
		}
		uint64_t first;
		if (ledger_append(l, key, recs, lens, k, 1774396800 + (int64_t)i, &first, &d) != 0)
			fail_msg("append: %s: %s", d.where, d.what);
	}
	assert_int_equal(ledger_size(l), n);
	ledger_free(l);
}

static void append_more(const char *dir, const struct ed25519_key *key, uint64_t n)
{
	struct ledger *l = NULL;
	struct shomei_diag d;
	assert_int_equal(ledger_open(dir, &l, &d), 0);
	uint64_t base = ledger_size(l);
	ledger_free(l);
	(void)base;
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", dir);
	/* Appending more to an existing ledger goes through the same code. */
	assert_int_equal(ledger_open(dir, &l, &d), 0);
	for (uint64_t i = 0; i < n; i++) {
		char rec[48];
		size_t len = (size_t)snprintf(rec, sizeof rec, "more %llu", (unsigned long long)i);
		const void *recs[1] = {rec};
		uint64_t first;
		assert_int_equal(ledger_append(l, key, recs, &len, 1, 1774500000, &first, &d), 0);
	}
	ledger_free(l);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	w->root = tu_tempdir();
	w->log_key = ed25519_key_new_random();
	w->other_key = ed25519_key_new_random();
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	w->server = fork();
	assert_true(w->server >= 0);
	if (w->server == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
		       "--directory", w->root, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[256];
	while (fgets(line, sizeof line, out))
		if (sscanf(line, "Serving HTTP on %*s port %d", &w->port) == 1)
			break;
	assert_true(w->port > 0);
	/* The server logs each request to the pipe: drain it in a child. */
	if (fork() == 0) {
		while (fgets(line, sizeof line, out))
			;
		_exit(0);
	}
	fclose(out);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	kill(w->server, SIGTERM);
	waitpid(w->server, NULL, 0);
	tu_rm_rf(w->root);
	free(w->root);
	ed25519_key_free(w->log_key);
	ed25519_key_free(w->other_key);
	free(w);
	return 0;
}

static void url(const struct world *w, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "http://127.0.0.1:%d/%s", w->port, name);
}

static uint64_t replica_size(const char *replica)
{
	struct ledger *l = NULL;
	struct shomei_diag d;
	if (ledger_open(replica, &l, &d) != 0)
		fail_msg("replica: %s: %s", d.where, d.what);
	uint64_t n = ledger_size(l);
	ledger_free(l);
	return n;
}

static void test_sync_and_refusals(void **state)
{
	struct world *w = *state;
	char a[1100], a_old[1100], fork_dir[1100], other[1100], replica[1100], u[256];
	snprintf(a, sizeof a, "%s/a", w->root);
	snprintf(a_old, sizeof a_old, "%s/a-old", w->root);
	snprintf(fork_dir, sizeof fork_dir, "%s/fork", w->root);
	snprintf(other, sizeof other, "%s/other", w->root);
	snprintf(replica, sizeof replica, "%s/replica", w->root);
	make_ledger(a, w->log_key, 300, "a");
	copy_dir(a, a_old);

	struct mirror_result r;
	struct shomei_diag d;
	url(w, "a", u, sizeof u);
	if (mirror_sync(u, replica, NULL, &r, &d) != 0)
		fail_msg("first sync: %s: %s", d.where, d.what);
	assert_int_equal(r.old_size, 0);
	assert_int_equal(r.new_size, 300);
	size_t full_files = r.files;
	assert_int_equal(ledger_verify_dir(replica, NULL, &d), 0);

	/* Incremental: 20 more entries fetch only the new and changed tiles. */
	append_more(a, w->log_key, 20);
	assert_int_equal(mirror_sync(u, replica, NULL, &r, &d), 0);
	assert_int_equal(r.old_size, 300);
	assert_int_equal(r.new_size, 320);
	assert_true(r.files < full_files);
	/* Nothing new: nothing but the checkpoint. */
	assert_int_equal(mirror_sync(u, replica, NULL, &r, &d), 0);
	assert_int_equal(r.new_size, 320);

	/* An older copy of the same ledger: refused. */
	url(w, "a-old", u, sizeof u);
	assert_int_equal(mirror_sync(u, replica, NULL, &r, &d), SHOMEI_ERR_INVALID);
	assert_non_null(strstr(d.what, "older"));
	assert_int_equal(replica_size(replica), 320);

	/* A fork: same log key and origin, other history, longer. */
	make_ledger(fork_dir, w->log_key, 400, "forged");
	url(w, "fork", u, sizeof u);
	int err = mirror_sync(u, replica, NULL, &r, &d);
	assert_int_equal(err, SHOMEI_ERR_INVALID);
	assert_int_equal(replica_size(replica), 320);
	assert_int_equal(ledger_verify_dir(replica, NULL, &d), 0);

	/* Another ledger altogether. */
	make_ledger(other, w->other_key, 10, "other");
	url(w, "other", u, sizeof u);
	assert_int_equal(mirror_sync(u, replica, NULL, &r, &d), SHOMEI_ERR_INVALID);
	assert_non_null(strstr(d.what, "another ledger"));

	/* A pinned key that is not the replica's: refused before any fetch. */
	assert_int_not_equal(mirror_sync(u, replica, "example.org/diplomas+00000000+AQ==", &r, &d),
			     0);

	/* The mirror tampers with a new entry: the sync is refused. */
	append_more(a, w->log_key, 5);
	char bundle[1200];
	snprintf(bundle, sizeof bundle, "%s/tile/entries/001.p/69", a);
	FILE *f = fopen(bundle, "r+b");
	assert_non_null(f);
	fseek(f, 3, SEEK_SET);
	fputc('X', f);
	fclose(f);
	url(w, "a", u, sizeof u);
	assert_int_not_equal(mirror_sync(u, replica, NULL, &r, &d), 0);
	assert_int_equal(replica_size(replica), 320);

	/* A folder works as a mirror too. */
	char replica2[1100];
	snprintf(replica2, sizeof replica2, "%s/replica2", w->root);
	assert_int_equal(mirror_sync(a_old, replica2, NULL, &r, &d), 0);
	assert_int_equal(r.new_size, 300);
}

int main(void)
{
	if (shomei_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_and_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
