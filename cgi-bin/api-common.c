/*
 * What every JSON resource answers the same way: the {id} of its path, and a page of a list
 * ({"items":[…],"total":N,"limit":L,"offset":O}, docs/API.md "Lists").
 */
#include "app.h"

#include <stdlib.h>

int64_t app_path_id(struct http_ctx *x)
{
	const char *s = http_param_get(&x->req.path_params, "id");

	return s != NULL ? strtoll(s, NULL, 10) : 0;
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
