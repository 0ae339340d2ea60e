/*
 * log — one key=value line per event, written with a single write(2) so lines from several
 * threads never interleave.
 *
 *   ts=2026-11-26T19:30:01.123Z level=info prog=infrascope.fcgi event=request trace_id=4bf9…
 *     method=GET path=/api/v1/health status=200 ms=0.41
 *
 * Values that contain spaces, quotes, '=' or control characters are double-quoted with \" \\ \n
 * \t and \xNN escapes; a line longer than LOG_LINE_MAX is cut and ends with truncated=1.
 * Lines below the configured level cost one comparison.
 */
#ifndef INFRASCOPE_LOG_H
#define INFRASCOPE_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

#define LOG_LINE_MAX 2048

struct log_line {
	char buf[LOG_LINE_MAX];
	size_t len;
	bool active;      /* false when below the level: every call is a no-op */
	bool truncated;
};

/*
 * log_init — program name (copied, at most 63 bytes), minimum level and the output fd
 * (normally 2). Call once before threads start; until then lines go to fd 2 at level info.
 */
void log_init(const char *program, enum log_level min_level, int fd);

/* log_level_parse — "debug"|"info"|"warn"|"error" → level; -1 when unknown. */
int log_level_parse(const char *name);

/* log_enabled — whether a line at this level would be written. */
bool log_enabled(enum log_level level);

/* Build a line: begin, any number of fields, end (which writes it). trace_id may be NULL. */
void log_begin(struct log_line *l, enum log_level level, const char *event, const char *trace_id);
void log_str(struct log_line *l, const char *key, const char *value);
void log_int(struct log_line *l, const char *key, long long value);
void log_dbl(struct log_line *l, const char *key, double value);
void log_end(struct log_line *l);

/* log_msg — shorthand: a line with event, trace_id and a formatted msg= field. */
void log_msg(enum log_level level, const char *event, const char *trace_id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * log_format_value — quote/escape value into out (always NUL-terminated) as it would appear
 * after "key=". Returns the length written. Exposed for tests.
 */
size_t log_format_value(const char *value, char *out, size_t outlen);

#endif
