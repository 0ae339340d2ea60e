#include "printer_json.h"

#include <math.h>
#include <stdbool.h>

#include "json.h"
#include "printer_reading.h"

/* Each add takes ownership of v; false means out of memory (v is freed). */
static bool add(json_object *o, const char *key, json_object *v)
{
	if (v == NULL)
		return false;
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

static bool add_null(json_object *o, const char *key)
{
	return json_object_object_add(o, key, NULL) == 0;
}

static bool add_str(json_object *o, const char *key, const char *s)
{
	return s == NULL || s[0] == '\0' ? add_null(o, key)
					 : add(o, key, json_object_new_string(s));
}

static bool add_num(json_object *o, const char *key, double v)
{
	return isfinite(v) ? add(o, key, json_number(v)) : add_null(o, key);
}

static bool add_int(json_object *o, const char *key, bool present, int64_t v)
{
	return present ? add(o, key, json_object_new_int64(v)) : add_null(o, key);
}

static json_object *supply_json(const struct printer_supply *s)
{
	json_object *o = json_object_new_object();
	bool ok;

	if (o == NULL)
		return NULL;
	ok = add_int(o, "index", true, s->index) &&
	     add(o, "description", json_object_new_string(s->description)) &&
	     add_str(o, "type", printer_supply_type_name(s->type)) &&
	     add_str(o, "class", printer_class_name(s->class)) &&
	     add_int(o, "max", s->has_max, s->max) && add_int(o, "level", s->has_level, s->level) &&
	     add_str(o, "state", printer_level_state_name(s->state)) &&
	     add_num(o, "percent", s->percent) && add_str(o, "colour", s->colour) &&
	     (!s->is_receptacle || add_num(o, "fullness", s->fullness));
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *status_json(const struct printer_status *st)
{
	json_object *o = json_object_new_object(), *errors = json_object_new_array();
	bool ok = o != NULL && errors != NULL;

	for (int b = 0; ok && b < PRINTER_ERR_BIT_COUNT; b++)
		if (st->errors & (1u << b)) {
			json_object *name = json_object_new_string(
				printer_error_name((enum printer_error_bit)b));

			ok = name != NULL && json_object_array_add(errors, name) == 0;
			if (!ok)
				json_object_put(name);
		}
	ok = ok && add_str(o, "device", printer_device_status_name(st->device)) &&
	     add_str(o, "printer", printer_printer_status_name(st->printer));
	if (ok) {
		ok = add(o, "errors", errors);
		errors = NULL;
	}
	ok = ok && add_str(o, "severity", printer_severity_name(st->severity));
	json_object_put(errors);
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

json_object *printer_reading_to_json(const struct printer_reading *r)
{
	json_object *top = json_object_new_object(), *supplies = json_object_new_array(),
		    *colours = json_object_new_object();
	bool ok = top != NULL && supplies != NULL && colours != NULL;

	for (size_t i = 0; ok && i < r->n_supplies; i++) {
		json_object *s = supply_json(&r->supplies[i]);

		ok = s != NULL && json_object_array_add(supplies, s) == 0;
		if (!ok)
			json_object_put(s);
	}
	for (int c = 0; ok && c < PRINTER_COLOUR_COUNT; c++) {
		const struct printer_colour_summary *sum = &r->colours[c];
		json_object *o;

		if (!sum->present)
			continue;
		o = json_object_new_object();
		if (o == NULL || !add_num(o, "percent", sum->percent) ||
		    !add(o, "name", json_object_new_string(sum->name))) {
			json_object_put(o);
			ok = false;
			break;
		}
		ok = add(colours, printer_colour_name((enum printer_colour)c), o);
	}
	if (ok) {
		ok = add(top, "supplies", supplies);
		supplies = NULL;
	}
	if (ok) {
		ok = add(top, "colours", colours);
		colours = NULL;
	}
	ok = ok && add(top, "status", status_json(&r->status)) && add_str(top, "model", r->model) &&
	     add_str(top, "serial", r->serial) && add_str(top, "firmware", r->firmware) &&
	     add_int(top, "page_count", r->page_count >= 0, r->page_count) &&
	     add_str(top, "mac", r->mac);
	json_object_put(supplies);
	json_object_put(colours);
	if (!ok) {
		json_object_put(top);
		return NULL;
	}
	return top;
}
