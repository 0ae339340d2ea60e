/*
 * json — the json-c helpers every handler uses.
 *
 * Parsing is strict and bounded: one JSON value, optional surrounding whitespace, nesting at
 * most JSON_MAX_DEPTH; anything else fails with a message that names the problem and the byte
 * offset ("unexpected end of data at offset 5"). Doubles made with json_number() print in the
 * shortest form that reads back to the same value (0.51, not 0.51000000000000001), integral
 * ones without a fraction, and NaN/Inf as null. Output never escapes '/'.
 */
#ifndef INFRASCOPE_JSON_H
#define INFRASCOPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "err.h"

struct sbuf;

#define JSON_MAX_DEPTH 32

/*
 * json_parse — parse len bytes of buf. On success *out is a new reference the caller puts
 * (json_object_put). Returns 0, or ERR_INVALID with e->msg describing the problem.
 */
int json_parse(const char *buf, size_t len, json_object **out, struct err *e);

/* json_number — a double that prints sanely (see above). New reference. */
json_object *json_number(double v);

/* json_format_double — the same formatting into buf (at least 32 bytes); "null" for NaN/Inf. */
void json_format_double(double v, char *buf, size_t len);

/* json_render — append obj (compact, '/' unescaped) to out. Returns 0 or the sbuf error. */
int json_render(json_object *obj, struct sbuf *out);

/*
 * json_put_string — append s as a JSON string literal: quoted, '"' and '\\' escaped, control
 * characters as \n, \t, … or \u00XX, everything else (UTF-8 too) as it is — what json_render
 * writes for the same string. For writers that stream many rows without building objects.
 * Returns 0 or the sbuf error.
 */
int json_put_string(struct sbuf *out, const char *s);

/*
 * Typed field access for validated input. Each returns 0 and sets *out, ERR_NOTFOUND when the
 * key is absent or null (out untouched), or ERR_INVALID (with e naming the field) when present
 * with the wrong type or out of range. Strings point into obj and live as long as it does.
 */
int json_get_string(json_object *obj, const char *key, size_t max_len, const char **out,
		    struct err *e);
int json_get_int(json_object *obj, const char *key, int64_t min, int64_t max, int64_t *out,
		 struct err *e);
int json_get_bool(json_object *obj, const char *key, bool *out, struct err *e);

#endif
