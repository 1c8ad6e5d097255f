/* The verdict on arbitrary documents: never a crash, and never "valid" for
 * anything the fuzzer can make (it holds no key: a valid verdict would be a
 * forgery). Only documents carrying one of the genuine signatures of the
 * corpus (the W3C vector, vectors/shomei/diploma-example.json) can be valid,
 * and each signature covers its document exactly. */
#include "init.h"
#include "jsonin.h"
#include "verdict.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const genuine[] = {
    "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX",
    "zn6PvbVCFSmFcuRNbN2iaPMcdLDaRmToftoT4f2YUVxrxtHLk2ULzwAemni6D2khnWt3hJBYcuZ6BnMs5m1gYPCq",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (shomei_init() != 0)
			abort();
		ready = 1;
	}
	json_t *j = NULL;
	if (jsonin_parse((const char *)data, size, &j, NULL) != 0)
		return 0;
	static struct verdict v;
	struct verdict_options o = {.at = 1800000000};
	if (verdict_credential(j, &o, &v) != 0)
		abort();
	if (v.status != VERDICT_INVALID) {
		/* Only a document carrying the W3C vector's genuine signature can be
		 * valid; that signature covers the document exactly. */
		const json_t *proof = json_object_get(j, "proof");
		if (json_is_array(proof))
			proof = json_array_get(proof, 0);
		const char *pv = json_string_value(json_object_get(proof, "proofValue"));
		int known = 0;
		for (size_t i = 0; pv && i < sizeof genuine / sizeof genuine[0]; i++)
			known |= strcmp(pv, genuine[i]) == 0;
		if (!known)
			abort();
	}
	json_t *report = verdict_to_json(&v);
	if (!report)
		abort();
	json_decref(report);
	json_decref(j);
	return 0;
}
