/*
 * trace — W3C Trace Context ids for logs, events and tasks.
 *
 * A request keeps the trace id of a valid incoming `traceparent` header (nginx or a client
 * may send one) and gets a new span id; without one, both are made from the kernel's CSPRNG.
 * Ids are lower-case hex: trace 32 characters, span 16, never all zeros.
 */
#ifndef INFRASCOPE_TRACE_H
#define INFRASCOPE_TRACE_H

#include <stdbool.h>

#define TRACE_ID_LEN 32
#define TRACE_SPAN_LEN 16

/* trace_parse — take the trace id (33 bytes incl. NUL) from a traceparent header value. */
bool trace_parse(const char *traceparent, char trace_id[TRACE_ID_LEN + 1]);

/* trace_new_id — hex_len random hex digits (not all zero) into out (hex_len + 1 bytes). */
void trace_new_id(char *out, int hex_len);

/* trace_start — trace id from the header when valid, else new; a new span id either way. */
void trace_start(const char *traceparent, char trace_id[TRACE_ID_LEN + 1],
		 char span_id[TRACE_SPAN_LEN + 1]);

/* trace_format — "00-<trace>-<span>-01" into out (56 bytes). */
void trace_format(const char *trace_id, const char *span_id, char out[56]);

#endif
