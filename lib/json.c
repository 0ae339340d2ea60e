#include "json.h"

#include "sbuf.h"

#include <json-c/printbuf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

/*
 * What json-c's strict mode still lets through in a parsed value: single-quoted keys
 * ({'a':1}), NaN, Infinity and raw control characters inside strings. RFC 8259 allows none
 * of them; outside strings valid JSON has no quote, 'N' or 'I'.
 */
static int strict_check(const char *buf, size_t len, struct err *e)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			else if (c < 0x20)
				return err_set(e, ERR_INVALID,
					       "invalid JSON: control character in a string at offset %zu", i);
		} else if (c == '"') {
			in_string = true;
		} else if (c == '\'' || c == 'N' || c == 'I') {
			return err_set(e, ERR_INVALID, "invalid JSON: unexpected character at offset %zu", i);
		}
	}
	return 0;
}

int json_parse(const char *buf, size_t len, json_object **out, struct err *e)
{
	json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	const char *nul;
	size_t end;
	int rc = 0;

	*out = NULL;
	if (len == 0 || only_space(buf, len))
		return err_set(e, ERR_INVALID, "request body is empty; a JSON value was expected");
	if (len > (size_t)INT32_MAX)
		return err_set(e, ERR_LIMIT, "JSON document too large");
	nul = memchr(buf, '\0', len);
	if (nul != NULL)
		return err_set(e, ERR_INVALID, "invalid JSON: NUL byte at offset %zu", (size_t)(nul - buf));
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (tok == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	/* Trailing data is reported below, with a clearer message than json-c's. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
				    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	/* A number or literal at the very end ("42", "true") stays open until a terminator. */
	if (jerr == json_tokener_continue) {
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	/* All bytes consumed but the value is open: the document stopped too early. */
	if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof) {
		rc = err_set(e, ERR_INVALID, "invalid JSON: unexpected end of data at offset %zu", len);
		goto out;
	}
	if (jerr != json_tokener_success) {
		rc = err_set(e, ERR_INVALID, "invalid JSON: %s at offset %zu",
			     json_tokener_error_desc(jerr), end);
		goto out;
	}
	rc = strict_check(buf, end, e);
	if (rc != 0)
		goto out;
	if (end < len && !only_space(buf + end, len - end)) {
		rc = err_set(e, ERR_INVALID, "invalid JSON: unexpected data after the value at offset %zu",
			     end);
		goto out;
	}
	*out = obj;
	obj = NULL;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

void json_format_double(double v, char *buf, size_t len)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "null");
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static int serialize_double(json_object *jso, struct printbuf *pb, int level, int flags)
{
	char tmp[40];

	(void)level;
	(void)flags;
	json_format_double(json_object_get_double(jso), tmp, sizeof tmp);
	return printbuf_memappend(pb, tmp, (int)strlen(tmp));
}

json_object *json_number(double v)
{
	json_object *o = json_object_new_double(v);

	if (o != NULL)
		json_object_set_serializer(o, serialize_double, NULL, NULL);
	return o;
}

int json_render(json_object *obj, struct sbuf *out)
{
	size_t n = 0;
	const char *s = json_object_to_json_string_length(
		obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	if (s == NULL)
		return ERR_NOMEM;
	return sbuf_append(out, s, n);
}

int json_put_string(struct sbuf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	int rc = sbuf_putc(out, '"');

	for (; rc == 0 && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 0 };
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		/* The plain run before this character, then its escape. */
		if ((rc = sbuf_append(out, run, (size_t)(s - run))) == 0)
			rc = sbuf_append(out, esc, n);
		run = s + 1;
	}
	if (rc == 0)
		rc = sbuf_append(out, run, strlen(run));
	return rc != 0 ? rc : sbuf_putc(out, '"');
}

static json_object *field(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v; /* NULL for a JSON null */
}

int json_get_string(json_object *obj, const char *key, size_t max_len, const char **out,
		    struct err *e)
{
	json_object *v = field(obj, key);

	if (v == NULL)
		return ERR_NOTFOUND;
	if (!json_object_is_type(v, json_type_string))
		return err_set(e, ERR_INVALID, "field \"%s\" must be a string", key);
	if ((size_t)json_object_get_string_len(v) > max_len)
		return err_set(e, ERR_INVALID, "field \"%s\" is longer than %zu bytes", key, max_len);
	if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
		return err_set(e, ERR_INVALID, "field \"%s\" contains a NUL character", key);
	*out = json_object_get_string(v);
	return 0;
}

int json_get_int(json_object *obj, const char *key, int64_t min, int64_t max, int64_t *out,
		 struct err *e)
{
	json_object *v = field(obj, key);
	int64_t n;

	if (v == NULL)
		return ERR_NOTFOUND;
	if (!json_object_is_type(v, json_type_int))
		return err_set(e, ERR_INVALID, "field \"%s\" must be an integer", key);
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return err_set(e, ERR_INVALID, "field \"%s\" must be between %lld and %lld", key,
			       (long long)min, (long long)max);
	*out = n;
	return 0;
}

int json_get_bool(json_object *obj, const char *key, bool *out, struct err *e)
{
	json_object *v = field(obj, key);

	if (v == NULL)
		return ERR_NOTFOUND;
	if (!json_object_is_type(v, json_type_boolean))
		return err_set(e, ERR_INVALID, "field \"%s\" must be true or false", key);
	*out = json_object_get_boolean(v);
	return 0;
}
