#include "init.h"

#include "err.h"

#include <curl/curl.h>
#include <sodium.h>

int shomei_init(void)
{
	/* sodium_init returns 1 when it was already initialised. */
	if (sodium_init() < 0)
		return SHOMEI_ERR_UNSUPPORTED;
	/* libcurl's global set-up is not thread-safe: done here, once, before
	 * anything can fetch a ledger mirror. */
	static int curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return SHOMEI_ERR_UNSUPPORTED;
		curl_ready = 1;
	}
	return 0;
}
