/*
 * cors — which browser origins may call the API with credentials (BACKEND_CORS_ORIGINS).
 *
 * The setting is a comma-separated list or a JSON array of origins such as
 * "https://ops.example.com" or "http://127.0.0.1:3000": scheme http or https, a host, an
 * optional port, nothing else (a trailing "/" is dropped; a path, query, "*" or "null" is
 * refused). Matching is exact, ignoring ASCII case; an origin not listed gets no CORS header.
 */
#ifndef INFRASCOPE_CORS_H
#define INFRASCOPE_CORS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define CORS_MAX_ORIGINS 32
#define CORS_ORIGIN_MAX 256

struct cors_origins {
	char items[CORS_MAX_ORIGINS][CORS_ORIGIN_MAX];
	size_t n;
};

/* cors_parse — spec ("" = none) into out. 0, or ERR_INVALID naming the bad entry. */
int cors_parse(const char *spec, struct cors_origins *out, struct err *e);

/* cors_allowed — origin (the request's Origin header; NULL = none) is listed. */
bool cors_allowed(const struct cors_origins *o, const char *origin);

#endif
