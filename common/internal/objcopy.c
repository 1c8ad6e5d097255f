#include "internal/objcopy.h"

json_t *objcopy_shallow(const json_t *obj)
{
	if (!json_is_object(obj))
		return NULL;
	json_t *copy = json_object();
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)obj, key, value)
	{
		if (!copy || json_object_set(copy, key, value) != 0) {
			json_decref(copy);
			return NULL;
		}
	}
	return copy;
}
