#include "cors.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool host_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '[' || c == ']' || c == ':';
}

/* "scheme://host[:port]" with nothing after it. */
static bool origin_ok(const char *s)
{
	const char *host, *colon;

	if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return false;
	if (*host == '\0' || *host == ':')
		return false;
	for (const char *p = host; *p != '\0'; p++)
		if (!host_char(*p))
			return false;
	/* A port, when present, is 1-5 digits after the last colon outside brackets. */
	colon = strrchr(host, ':');
	if (colon != NULL && strchr(colon, ']') == NULL) {
		size_t digits = strspn(colon + 1, "0123456789");

		if (digits == 0 || digits > 5 || colon[1 + digits] != '\0')
			return false;
	}
	return true;
}

static int add_origin(struct cors_origins *out, const char *start, size_t len, struct err *e)
{
	char buf[CORS_ORIGIN_MAX];

	while (len > 0 && isspace((unsigned char)*start)) {
		start++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)start[len - 1]))
		len--;
	if (len >= 2 && start[0] == '"' && start[len - 1] == '"') {
		start++;
		len -= 2;
	}
	if (len > 0 && start[len - 1] == '/')
		len--;
	if (len == 0)
		return 0;
	if (len >= sizeof buf)
		return err_set(e, ERR_INVALID, "an origin is longer than %d characters", CORS_ORIGIN_MAX - 1);
	memcpy(buf, start, len);
	buf[len] = '\0';
	if (!origin_ok(buf))
		return err_set(e, ERR_INVALID, "\"%.80s\" is not an origin like https://host[:port]", buf);
	if (out->n >= CORS_MAX_ORIGINS)
		return err_set(e, ERR_INVALID, "more than %d origins", CORS_MAX_ORIGINS);
	memcpy(out->items[out->n++], buf, len + 1);
	return 0;
}

int cors_parse(const char *spec, struct cors_origins *out, struct err *e)
{
	const char *p, *end;

	out->n = 0;
	if (spec == NULL)
		return 0;
	while (isspace((unsigned char)*spec))
		spec++;
	end = spec + strlen(spec);
	while (end > spec && isspace((unsigned char)end[-1]))
		end--;
	/* A JSON array of strings: the same items between brackets, each quoted. */
	if (spec < end && *spec == '[') {
		if (end[-1] != ']')
			return err_set(e, ERR_INVALID, "a JSON array must end with ]");
		spec++;
		end--;
	}
	p = spec;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma != NULL ? comma : end;
		int rc = add_origin(out, p, (size_t)(stop - p), e);

		if (rc != 0)
			return rc;
		p = stop + 1;
	}
	return 0;
}

bool cors_allowed(const struct cors_origins *o, const char *origin)
{
	if (origin == NULL || origin[0] == '\0')
		return false;
	for (size_t i = 0; i < o->n; i++)
		if (strcasecmp(o->items[i], origin) == 0)
			return true;
	return false;
}
