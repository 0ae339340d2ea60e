/*
 * What every resource reads and answers the same way: the {id} of its path, the paging of a
 * list (?limit= and ?offset=), and a page of a list in JSON ({"items":[…],"total":N,
 * "limit":L,"offset":O}, docs/API.md "Lists"). Pages and the API share them.
 */
#include "app.h"

#include <stdlib.h>

#define PAGE_DEFAULT 50
#define PAGE_MAX 500
#define OFFSET_MAX 100000000

int64_t app_path_id(struct http_ctx *x)
{
	const char *s = http_param_get(&x->req.path_params, "id");

	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

/* The query parameter name as a whole number lo..hi; absent or empty leaves *out as it is. */
static bool query_number(struct http_ctx *x, const char *name, long lo, long hi, int *out)
{
	const char *s = http_param_get(&x->req.query_params, name);
	char *end;
	long v;

	if (s == NULL || s[0] == '\0')
		return true;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

bool app_offset_param(struct http_ctx *x, int *offset)
{
	*offset = 0;
	return query_number(x, "offset", 0, OFFSET_MAX, offset);
}

bool api_page_params(struct http_ctx *x, int *limit, int *offset)
{
	*limit = PAGE_DEFAULT;
	if (!query_number(x, "limit", 1, PAGE_MAX, limit)) {
		http_respond_error(x, 422, "validation_failed", "limit must be 1 to %d", PAGE_MAX);
		return false;
	}
	if (!app_offset_param(x, offset)) {
		http_respond_error(x, 422, "validation_failed", "offset must be 0 or more");
		return false;
	}
	return true;
}

void app_respond_page(struct http_ctx *x, json_object *items, int64_t total, int limit,
		      int offset)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "limit", json_object_new_int(limit));
	json_object_object_add(o, "offset", json_object_new_int(offset));
	http_respond_json(x, 200, o);
}
