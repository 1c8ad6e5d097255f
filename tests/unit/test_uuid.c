/* urn:uuid: the random form (RFC 9562 version 4, variant 10, lowercase) and the
 * checker's edges. */
#include "uuid.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

#define MANY 1000

static int compare(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_random_form(void **state)
{
	(void)state;
	static char ids[MANY][UUID_URN_BYTES];
	int hi_bits_seen[4] = {0}; /* the two free bits of byte 8: all four values appear */
	for (int i = 0; i < MANY; i++) {
		char *s = ids[i];
		memset(s, 'X', UUID_URN_BYTES);
		assert_int_equal(uuid_urn_random(s), 0);
		assert_int_equal(strlen(s), UUID_URN_BYTES - 1);
		assert_memory_equal(s, "urn:uuid:", 9);
		assert_int_equal(uuid_urn_check(s), 0);
		const char *u = s + 9;
		for (int k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(u[k], '-');
			else
				assert_non_null(strchr("0123456789abcdef", u[k]));
		}
		assert_int_equal(u[14], '4'); /* version: the first digit of group 3 */
		/* variant 10: the first digit of group 4 is 8, 9, a or b */
		const char *v = strchr("89ab", u[19]);
		assert_true(u[19] != '\0' && v != NULL);
		hi_bits_seen[v - "89ab"]++;
	}
	for (int k = 0; k < 4; k++)
		assert_true(hi_bits_seen[k] > 0);
	qsort(ids, MANY, sizeof ids[0], compare);
	for (int i = 1; i < MANY; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			fail_msg("duplicate %s", ids[i]);
}

static void test_check(void **state)
{
	(void)state;
	static const char *const good[] = {
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", /* RFC 4122 §3's example */
	    "urn:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6",
	    "urn:uuid:00000000-0000-0000-0000-000000000000", /* nil, RFC 9562 §5.9 */
	    "urn:uuid:ffffffff-ffff-ffff-ffff-ffffffffffff", /* max, RFC 9562 §5.10 */
	    "urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c0c07398f", /* version 7, RFC 9562 A.6 */
	    "urn:uuid:919108f7-52d1-4320-9bac-f847db4148a8", /* version 4, RFC 9562 A.3 */
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (uuid_urn_check(good[i]) != 0)
			fail_msg("refused %s", good[i]);
	static const char *const bad[] = {
	    "",
	    "urn:uuid:",
	    "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
	    "URN:UUID:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
	    "urn:uuid:{f81d4fae-7dec-11d0-a765-00a0c91e6bf6}",
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf",
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6a",
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6 ",
	    "urn:uuid:f81d4fae7dec-11d0-a765-00a0c91e6bf6-",
	    "urn:uuid:f81d4fae-7dec11d0-a765-00a0c91e6bf6",
	    "urn:uuid:f81d4fae-7dec-11d0a765-00a0c91e6bf6",
	    "urn:uuid:f81d4fae-7dec-11d0-a76500a0c91e6bf6",
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf",
	    "urn:uuid:f81d4fag-7dec-11d0-a765-00a0c91e6bf6",
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bfg",
	    "urn:uuid:f81d4fae_7dec_11d0_a765_00a0c91e6bf6",
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6b\xc3\xa9",
	    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\n",
	    "urn:uuid:0x1d4fae-7dec-11d0-a765-00a0c91e6bf6",
	    "urn:uuid: f81d4fae-7dec-11d0-a765-00a0c91e6bf",
	    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (uuid_urn_check(bad[i]) != SHOMEI_ERR_INVALID)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(uuid_urn_check(NULL), SHOMEI_ERR_INVALID);
	/* Each single-character change to a hyphen or a digit position is caught. */
	char s[UUID_URN_BYTES];
	strcpy(s, good[0]);
	for (size_t k = 9; k < UUID_URN_BYTES - 1; k++) {
		char keep = s[k];
		s[k] = s[k] == '-' ? '0' : '-';
		if (uuid_urn_check(s) != SHOMEI_ERR_INVALID)
			fail_msg("accepted %s", s);
		s[k] = keep;
	}
	assert_int_equal(uuid_urn_check(s), 0);
}

/* The pool of random bytes is not inherited: a child after fork() and its
 * parent never make the same uuid. */
static void test_fork(void **state)
{
	(void)state;
	char first[UUID_URN_BYTES];
	assert_int_equal(uuid_urn_random(first), 0); /* fills the pool */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c[UUID_URN_BYTES];
		if (uuid_urn_random(c) != 0 || write(fds[1], c, sizeof c) != (ssize_t)sizeof c)
			_exit(1);
		_exit(0);
	}
	char mine[UUID_URN_BYTES], child[UUID_URN_BYTES];
	assert_int_equal(uuid_urn_random(mine), 0);
	assert_int_equal(read(fds[0], child, sizeof child), (ssize_t)sizeof child);
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_string_not_equal(mine, child);
	close(fds[0]);
	close(fds[1]);
	/* and many in a row are all different */
	char prev[UUID_URN_BYTES];
	assert_int_equal(uuid_urn_random(prev), 0);
	for (int i = 0; i < 100; i++) {
		char next[UUID_URN_BYTES];
		assert_int_equal(uuid_urn_random(next), 0);
		assert_string_not_equal(next, prev);
		assert_int_equal(uuid_urn_check(next), 0);
		memcpy(prev, next, sizeof prev);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_form),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_fork),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
