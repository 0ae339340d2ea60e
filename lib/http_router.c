/*
 * Route matching over a static table. Patterns are compared segment by segment against the
 * raw path: literal segments byte for byte, "{name}" any non-empty segment (percent-decoded
 * into the parameter), "{name:int}" 1-18 ASCII digits. First match in table order wins, so
 * "/users/me" must come before "/users/{id}" when both could match.
 */
#include "http.h"

#include "arena.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Next segment of s (no leading '/'): sets *len, returns pointer after it. */
static const char *segment(const char *s, size_t *len)
{
	const char *slash = strchr(s, '/');

	*len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	return s + *len;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * Match path against pattern. With a NULL arena only answers yes/no; otherwise also collects
 * the decoded parameters into params.
 */
static bool match(const char *pattern, const char *path, struct arena *a, struct http_params *params)
{
	struct http_param found[16];
	size_t nfound = 0;

	if (pattern[0] != '/' || path[0] != '/')
		return false;
	pattern++;
	path++;
	for (;;) {
		size_t plen, slen;
		const char *pend = segment(pattern, &plen);
		const char *send = segment(path, &slen);

		if (plen > 2 && pattern[0] == '{' && pattern[plen - 1] == '}') {
			const char *colon = memchr(pattern, ':', plen);
			size_t name_len = (colon != NULL ? (size_t)(colon - pattern) : plen - 1) - 1;

			if (slen == 0)
				return false;
			if (colon != NULL && strncmp(colon, ":int}", 5) == 0 && !all_digits(path, slen))
				return false;
			if (a != NULL) {
				char *value, *name;
				size_t vlen;

				if (nfound >= sizeof found / sizeof found[0])
					return false;
				if (http_url_decode(a, path, slen, false, &value, &vlen) != 0)
					return false;
				name = arena_strndup(a, pattern + 1, name_len);
				if (name == NULL)
					return false;
				found[nfound].name = name;
				found[nfound].value = value;
				found[nfound].value_len = vlen;
				nfound++;
			}
		} else if (plen != slen || strncmp(pattern, path, plen) != 0) {
			return false;
		}
		if (*pend == '\0' || *send == '\0') {
			if (*pend != *send)
				return false;
			break;
		}
		pattern = pend + 1;
		path = send + 1;
	}
	if (a != NULL && nfound > 0) {
		params->items = arena_alloc(a, nfound * sizeof found[0]);
		if (params->items == NULL)
			return false;
		memcpy(params->items, found, nfound * sizeof found[0]);
		params->n = nfound;
	}
	return true;
}

enum http_match http_route_find(const struct http_route *routes, size_t n, enum http_method method,
				const char *path, struct arena *a, const struct http_route **route,
				struct http_params *params, unsigned *allowed)
{
	unsigned seen = 0;

	params->items = NULL;
	params->n = 0;
	*route = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned m = routes[i].methods;

		if (m & HTTP_GET)
			m |= HTTP_HEAD;
		if (!match(routes[i].pattern, path, NULL, NULL))
			continue;
		if (m & (unsigned)method) {
			if (!match(routes[i].pattern, path, a, params))
				return HTTP_MATCH_NOT_FOUND; /* decoding failed: treat as unknown */
			*route = &routes[i];
			return HTTP_MATCH_OK;
		}
		seen |= m;
	}
	if (seen == 0)
		return HTTP_MATCH_NOT_FOUND;
	*allowed = seen | HTTP_OPTIONS;
	return HTTP_MATCH_METHOD;
}

static bool pattern_ok(const char *p, char *why, size_t whylen)
{
	size_t params = 0;

	if (p == NULL || p[0] != '/') {
		snprintf(why, whylen, "must start with '/'");
		return false;
	}
	for (const char *s = p + 1;;) {
		size_t len;
		const char *end = segment(s, &len);

		if (len == 0 && *end != '\0') {
			snprintf(why, whylen, "empty segment");
			return false;
		}
		if (memchr(s, '{', len) != NULL || memchr(s, '}', len) != NULL) {
			const char *colon = memchr(s, ':', len);
			size_t name_end = colon != NULL ? (size_t)(colon - s) : len - 1;

			if (s[0] != '{' || s[len - 1] != '}' || name_end < 2) {
				snprintf(why, whylen, "a parameter must fill a whole segment: {name}");
				return false;
			}
			for (size_t i = 1; i < name_end; i++)
				if (!islower((unsigned char)s[i]) && s[i] != '_') {
					snprintf(why, whylen, "parameter names are [a-z_]+");
					return false;
				}
			if (colon != NULL && !(len - (size_t)(colon - s) == 5 && strncmp(colon, ":int}", 5) == 0)) {
				snprintf(why, whylen, "the only constraint is :int");
				return false;
			}
			if (++params > 16) {
				snprintf(why, whylen, "more than 16 parameters");
				return false;
			}
		}
		if (*end == '\0')
			break;
		s = end + 1;
	}
	return true;
}

int http_routes_check(const struct http_route *routes, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		char why[96];

		if (routes[i].methods == 0 || routes[i].handler == NULL || routes[i].name == NULL)
			return err_set(e, ERR_INVALID, "route %zu: methods, handler and name are required", i);
		if (!pattern_ok(routes[i].pattern, why, sizeof why))
			return err_set(e, ERR_INVALID, "route \"%s\": %s", routes[i].pattern, why);
		for (size_t j = 0; j < i; j++)
			if (strcmp(routes[i].name, routes[j].name) == 0)
				return err_set(e, ERR_INVALID, "route name \"%s\" used twice", routes[i].name);
	}
	return 0;
}
