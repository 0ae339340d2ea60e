#include "trace.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static bool hex_ok(const char *s, int n)
{
	bool nonzero = false;

	for (int i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		if (c != '0')
			nonzero = true;
	}
	return nonzero;
}

/* Two lower-case hex digits (any value, zero included): version and flags. */
static bool hex2_ok(const char *s)
{
	return strspn(s, "0123456789abcdef") >= 2;
}

bool trace_parse(const char *tp, char trace_id[TRACE_ID_LEN + 1])
{
	/* version(2) - trace(32) - parent(16) - flags(2) */
	if (tp == NULL || strlen(tp) < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-')
		return false;
	if (!hex2_ok(tp) || !hex2_ok(tp + 53))
		return false;
	/* Version 00 ends here; a later version may only add "-…" fields. */
	if (tp[55] != '\0' && (strncmp(tp, "00", 2) == 0 || tp[55] != '-'))
		return false;
	if (strncmp(tp, "ff", 2) == 0 || !hex_ok(tp + 3, TRACE_ID_LEN) ||
	    !hex_ok(tp + 36, TRACE_SPAN_LEN))
		return false;
	memcpy(trace_id, tp + 3, TRACE_ID_LEN);
	trace_id[TRACE_ID_LEN] = '\0';
	return true;
}

void trace_new_id(char *out, int hex_len)
{
	unsigned char raw[32];
	int bytes = hex_len / 2;
	bool nonzero = false;

	if (bytes > (int)sizeof raw)
		bytes = (int)sizeof raw;
	if (getrandom(raw, (size_t)bytes, 0) != bytes) {
		/* getrandom cannot fail for <= 256 bytes once the pool is ready; keep ids unique anyway. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		for (int i = 0; i < bytes; i++)
			raw[i] = (unsigned char)((ts.tv_nsec >> (i % 4 * 8)) ^ (ts.tv_sec >> (i % 8)) ^ i);
	}
	for (int i = 0; i < bytes; i++) {
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
		if (raw[i] != 0)
			nonzero = true;
	}
	if (!nonzero && bytes > 0)
		out[2 * bytes - 1] = '1';
	out[2 * bytes] = '\0';
}

void trace_start(const char *traceparent, char trace_id[TRACE_ID_LEN + 1],
		 char span_id[TRACE_SPAN_LEN + 1])
{
	if (!trace_parse(traceparent, trace_id))
		trace_new_id(trace_id, TRACE_ID_LEN);
	trace_new_id(span_id, TRACE_SPAN_LEN);
}

void trace_format(const char *trace_id, const char *span_id, char out[56])
{
	snprintf(out, 56, "00-%.32s-%.16s-01", trace_id, span_id);
}
