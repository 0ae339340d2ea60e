#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char log_program[64] = "infrascope";
static enum log_level log_min = LOG_LEVEL_INFO;
static int log_fd = 2;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_init(const char *program, enum log_level min_level, int fd)
{
	snprintf(log_program, sizeof log_program, "%s", program != NULL ? program : "infrascope");
	log_min = min_level;
	log_fd = fd;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
		if (name != NULL && strcmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

bool log_enabled(enum log_level level)
{
	return level >= log_min;
}

static bool needs_quotes(const char *v)
{
	if (*v == '\0')
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
			return true;
	return false;
}

size_t log_format_value(const char *value, char *out, size_t outlen)
{
	size_t n = 0;

	if (outlen == 0)
		return 0;
	if (value == NULL)
		value = "";
	if (!needs_quotes(value)) {
		n = strlen(value);
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, value, n);
		out[n] = '\0';
		return n;
	}
	/* Reserve room for the closing quote and NUL at every step. */
	if (outlen < 3) {
		out[0] = '\0';
		return 0;
	}
	out[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
		char esc[5];
		size_t el;

		switch (*p) {
		case '"': el = 2; memcpy(esc, "\\\"", 2); break;
		case '\\': el = 2; memcpy(esc, "\\\\", 2); break;
		case '\n': el = 2; memcpy(esc, "\\n", 2); break;
		case '\t': el = 2; memcpy(esc, "\\t", 2); break;
		case '\r': el = 2; memcpy(esc, "\\r", 2); break;
		default:
			if (*p < ' ' || *p == 0x7f) {
				snprintf(esc, sizeof esc, "\\x%02x", *p);
				el = 4;
			} else {
				esc[0] = (char)*p;
				el = 1;
			}
		}
		if (n + el + 2 > outlen)
			break;
		memcpy(out + n, esc, el);
		n += el;
	}
	out[n++] = '"';
	out[n] = '\0';
	return n;
}

/* Room kept at the end of every line for " truncated=1\n". */
#define LOG_RESERVE 14

static void append_raw(struct log_line *l, const char *s, size_t n)
{
	if (l->len + n + LOG_RESERVE > sizeof l->buf) {
		l->truncated = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void append_field(struct log_line *l, const char *key, const char *formatted, size_t n)
{
	if (!l->active || l->truncated)
		return;
	/* All or nothing: a field that does not fit must not leave a dangling "key=". */
	if (l->len + 1 + strlen(key) + 1 + n + LOG_RESERVE > sizeof l->buf) {
		l->truncated = true;
		return;
	}
	append_raw(l, " ", 1);
	append_raw(l, key, strlen(key));
	append_raw(l, "=", 1);
	append_raw(l, formatted, n);
}

void log_begin(struct log_line *l, enum log_level level, const char *event, const char *trace_id)
{
	struct timespec ts;
	struct tm tm;
	char head[128];
	int n;

	l->len = 0;
	l->truncated = false;
	l->active = log_enabled(level);
	if (!l->active)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(head, sizeof head, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, ts.tv_nsec / 1000000, level_names[level]);
	append_raw(l, head, (size_t)n);
	log_str(l, "prog", log_program);
	log_str(l, "event", event);
	if (trace_id != NULL && trace_id[0] != '\0')
		log_str(l, "trace_id", trace_id);
}

void log_str(struct log_line *l, const char *key, const char *value)
{
	char tmp[LOG_LINE_MAX];
	size_t n, used;

	if (!l->active || l->truncated)
		return;
	n = log_format_value(value, tmp, sizeof tmp);
	used = l->len + 1 + strlen(key) + 1 + LOG_RESERVE;
	if (used + n > sizeof l->buf && used + 8 < sizeof l->buf) {
		/* Too long for the rest of the line: keep what fits (quotes closed), then stop. */
		n = log_format_value(value, tmp, sizeof l->buf - used + 1);
		append_field(l, key, tmp, n);
		l->truncated = true;
		return;
	}
	append_field(l, key, tmp, n);
}

void log_int(struct log_line *l, const char *key, long long value)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%lld", value);

	append_field(l, key, tmp, (size_t)n);
}

void log_dbl(struct log_line *l, const char *key, double value)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%.3f", value);

	append_field(l, key, tmp, (size_t)n);
}

void log_end(struct log_line *l)
{
	size_t off = 0;

	if (!l->active)
		return;
	if (l->truncated) {
		memcpy(l->buf + l->len, " truncated=1", 12);
		l->len += 12;
	}
	l->buf[l->len++] = '\n';
	while (off < l->len) {
		ssize_t w = write(log_fd, l->buf + off, l->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* nowhere to report a failing log sink */
		off += (size_t)w;
	}
	l->active = false;
}

void log_msg(enum log_level level, const char *event, const char *trace_id, const char *fmt, ...)
{
	struct log_line l;
	char msg[1024];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_begin(&l, level, event, trace_id);
	log_str(&l, "msg", msg);
	log_end(&l);
}
