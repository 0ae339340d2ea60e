#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	if (e != NULL) {
		va_list ap;
		e->code = code;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void err_clear(struct err *e)
{
	if (e != NULL) {
		e->code = ERR_OK;
		e->msg[0] = '\0';
	}
}

const char *err_name(enum err_code code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_INVALID: return "invalid";
	case ERR_NOMEM: return "no_memory";
	case ERR_LIMIT: return "too_large";
	case ERR_NOTFOUND: return "not_found";
	case ERR_CONFLICT: return "conflict";
	case ERR_DB_DOWN: return "db_down";
	case ERR_DB: return "db_error";
	case ERR_IO: return "io_error";
	case ERR_INTERNAL: return "internal";
	case ERR_DENIED: return "denied";
	}
	return "unknown";
}
