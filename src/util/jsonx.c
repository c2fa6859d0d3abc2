#include "util/jsonx.h"

#include <string.h>

bool jx_str(json_t *obj, const char *key, char *out, size_t outsz, bool optional, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	out[0] = '\0';
	if (!v || json_is_null(v)) {
		if (optional)
			return true;
		err_set(e, ST_INVALID, "缺少字段 %s", key);
		return false;
	}
	if (!json_is_string(v)) {
		err_set(e, ST_INVALID, "字段 %s 应为文本", key);
		return false;
	}
	size_t n = json_string_length(v);
	if (n >= outsz || memchr(json_string_value(v), '\0', n)) {
		err_set(e, ST_INVALID, "字段 %s 过长或含有无效字符", key);
		return false;
	}
	memcpy(out, json_string_value(v), n + 1);
	return true;
}

const char *jx_cstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool jx_int(json_t *obj, const char *key, long long *out, bool optional, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		*out = 0;
		if (optional)
			return true;
		err_set(e, ST_INVALID, "缺少字段 %s", key);
		return false;
	}
	if (!json_is_integer(v)) {
		err_set(e, ST_INVALID, "字段 %s 应为整数", key);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

bool jx_bool(json_t *obj, const char *key, bool *out, bool optional, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		*out = false;
		if (optional)
			return true;
		err_set(e, ST_INVALID, "缺少字段 %s", key);
		return false;
	}
	if (!json_is_boolean(v)) {
		err_set(e, ST_INVALID, "字段 %s 应为 true 或 false", key);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

char *jx_dump(const json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}
