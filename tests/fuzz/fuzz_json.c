/* Strict JSON input and RFC 8785: whatever jsonin accepts canonicalizes, and
 * the canonical text is a fixed point (parse it again: the same bytes). */
#include "jcs.h"
#include "jsonin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = NULL;
	struct shomei_diag d;
	if (jsonin_parse((const char *)data, size, &j, &d) != 0) {
		if (j)
			abort(); /* outputs are cleared on failure */
		return 0;
	}
	char *c1 = NULL, *c2 = NULL;
	size_t l1, l2;
	if (jcs_serialize(j, &c1, &l1, &d) != 0)
		abort(); /* everything jsonin admits has a canonical form */
	json_t *again = NULL;
	if (jsonin_parse(c1, l1, &again, &d) != 0)
		abort();
	if (!json_equal(j, again))
		abort();
	if (jcs_serialize(again, &c2, &l2, &d) != 0 || l1 != l2 || memcmp(c1, c2, l1) != 0)
		abort();
	free(c1);
	free(c2);
	json_decref(j);
	json_decref(again);
	return 0;
}
