/*
 * err — the status codes every lib/ function returns, and the caller-owned error detail.
 *
 * Contract: functions return 0 on success or a negative enum err_code; they never print.
 * When the caller passes a struct err, the callee fills a one-line, human-readable message
 * (no trailing newline) that the edge (handler, batch main) turns into a response, a log
 * line or a message on the command line. A NULL struct err is always allowed.
 */
#ifndef INFRASCOPE_ERR_H
#define INFRASCOPE_ERR_H

#include <stddef.h>

enum err_code {
	ERR_OK = 0,
	ERR_INVALID = -1,   /* bad input: the caller's fault, maps to 4xx / exit 64-65 */
	ERR_NOMEM = -2,     /* allocation failed or an arena/buffer bound was hit */
	ERR_LIMIT = -3,     /* input larger than the declared bound (body, header, list) */
	ERR_NOTFOUND = -4,
	ERR_CONFLICT = -5,  /* unique violation, lock held by someone else */
	ERR_DB_DOWN = -6,   /* PostgreSQL unreachable: maps to 503 */
	ERR_DB = -7,        /* query failed for another reason */
	ERR_IO = -8,        /* file or socket error */
	ERR_INTERNAL = -9,  /* a bug or an impossible state */
	ERR_DENIED = -10,   /* credentials or token refused: maps to 401 */
};

#define ERR_MSG_MAX 320

struct err {
	enum err_code code;
	char msg[ERR_MSG_MAX];
};

/*
 * err_set — record code and a printf-style message in e (when e is not NULL).
 * Returns code, so callers can write `return err_set(e, ERR_INVALID, "...")`.
 */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* err_clear — reset e to ERR_OK with an empty message. */
void err_clear(struct err *e);

/* err_name — a stable lower-case name of a code ("invalid", "db_down", ...). */
const char *err_name(enum err_code code);

#endif
