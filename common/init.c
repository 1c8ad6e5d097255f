#include "init.h"

#include "err.h"

#include <sodium.h>

int shomei_init(void)
{
	/* sodium_init returns 1 when it was already initialised. */
	return sodium_init() < 0 ? SHOMEI_ERR_UNSUPPORTED : 0;
}
