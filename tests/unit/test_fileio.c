/* Bounded reads and atomic, durable writes; diagnostics. */
#include "fileio.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static void test_write_read(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char path[1200];
	snprintf(path, sizeof path, "%s/a.json", dir);
	struct shomei_diag d;
	assert_int_equal(fileio_write_atomic(path, "hello", 5, 0600, FILEIO_NO_REPLACE, &d), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	char *data;
	size_t len;
	assert_int_equal(fileio_read(path, 100, &data, &len, &d), 0);
	assert_int_equal(len, 5);
	assert_string_equal(data, "hello");
	free(data);
	/* No replace: refused, old contents kept. */
	assert_int_equal(fileio_write_atomic(path, "other", 5, 0600, FILEIO_NO_REPLACE, &d),
			 SHOMEI_ERR_EXISTS);
	assert_int_equal(fileio_read(path, 100, &data, &len, &d), 0);
	assert_string_equal(data, "hello");
	free(data);
	/* Replace. */
	assert_int_equal(fileio_write_atomic(path, "bye", 3, 0644, FILEIO_REPLACE, &d), 0);
	assert_int_equal(fileio_read(path, 100, &data, &len, &d), 0);
	assert_string_equal(data, "bye");
	free(data);
	/* Limit. */
	assert_int_equal(fileio_read(path, 2, &data, &len, &d), SHOMEI_ERR_LIMIT);
	assert_null(data);
	assert_string_equal(d.what, "larger than 2 bytes");
	/* Missing file, directory. */
	snprintf(path, sizeof path, "%s/missing", dir);
	assert_int_equal(fileio_read(path, 100, &data, &len, &d), SHOMEI_ERR_IO);
	assert_string_equal(d.what, "No such file or directory");
	assert_int_equal(fileio_read(dir, 100, &data, &len, &d), SHOMEI_ERR_IO);
	assert_string_equal(d.what, "is a directory");
	/* No temporary file is left behind. */
	char cmd[1300];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	/* mkdirs */
	snprintf(path, sizeof path, "%s/x/y/z", dir);
	assert_int_equal(fileio_mkdirs(path, 0700, &d), 0);
	assert_int_equal(fileio_mkdirs(path, 0700, &d), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(path, sizeof path, "%s/a.json/z", dir);
	assert_int_not_equal(fileio_mkdirs(path, 0700, &d), 0);
	tu_rm_rf(dir);
	free(dir);
}

static void test_symlink_target_not_followed_for_temp(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char path[1200], victim[1200];
	snprintf(path, sizeof path, "%s/link", dir);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	struct shomei_diag d;
	assert_int_equal(fileio_write_atomic(victim, "keep", 4, 0600, FILEIO_NO_REPLACE, &d), 0);
	assert_int_equal(symlink(victim, path), 0);
	/* No replace: an existing link counts as existing. */
	assert_int_equal(fileio_write_atomic(path, "evil", 4, 0600, FILEIO_NO_REPLACE, &d),
			 SHOMEI_ERR_EXISTS);
	char *data;
	size_t len;
	assert_int_equal(fileio_read(victim, 100, &data, &len, &d), 0);
	assert_string_equal(data, "keep");
	free(data);
	tu_rm_rf(dir);
	free(dir);
}

static void test_diag(void **state)
{
	(void)state;
	struct shomei_diag d;
	diag_clear(&d);
	assert_int_equal(diag_set(&d, SHOMEI_ERR_PARSE, "proofValue", "not %s", "base58btc"),
			 SHOMEI_ERR_PARSE);
	diag_prefix(&d, "proof");
	char line[600];
	diag_format(&d, line, sizeof line);
	assert_string_equal(line, "proof.proofValue: not base58btc");
	diag_set(&d, SHOMEI_ERR_PARSE, "[1]", "x");
	diag_prefix(&d, "@context");
	assert_string_equal(d.where, "@context[1]");
	diag_set(&d, SHOMEI_ERR_PARSE, NULL, "whole");
	diag_format(&d, line, sizeof line);
	assert_string_equal(line, "whole");
	assert_int_equal(diag_set(NULL, SHOMEI_ERR_IO, "x", "y"), SHOMEI_ERR_IO);
	for (int e = 0; e >= -11; e--)
		assert_string_not_equal(shomei_strerror(e), "unknown error");
	assert_string_equal(shomei_strerror(-99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_read),
	    cmocka_unit_test(test_symlink_target_not_followed_for_temp),
	    cmocka_unit_test(test_diag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
