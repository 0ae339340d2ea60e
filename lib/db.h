/*
 * db — one PostgreSQL connection and the only way lib/ runs SQL.
 *
 * A struct db is owned by one thread (the web app keeps one per request thread, a batch job
 * one per process). It connects lazily and comes back by itself after the server restarts:
 * db_connect() notices a connection the server has closed (the socket turns readable while
 * idle) and reconnects. While PostgreSQL is down every call fails fast with ERR_DB_DOWN:
 * a refused connection is retried on the next call, one that took longer than
 * DB_SLOW_CONNECT_MS (an unreachable host) is not retried for DB_RECONNECT_BACKOFF_MS, so
 * requests never queue behind connect timeouts. Statements run only through
 * PQexecParams with text parameters; the one exception is db_exec_script for migration files.
 * Statements are never retried automatically: a failed write is the caller's decision.
 */
#ifndef INFRASCOPE_DB_H
#define INFRASCOPE_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "err.h"

struct config;
struct db;

#define DB_SLOW_CONNECT_MS 250
#define DB_RECONNECT_BACKOFF_MS 1000

/*
 * db_new — a handle that will connect with the settings in cfg (DATABASE_URL, else
 * POSTGRES_*), reporting application_name app_name to the server. Does not connect.
 * Returns NULL when out of memory. The caller owns it and frees it with db_free.
 */
struct db *db_new(const struct config *cfg, const char *app_name);
void db_free(struct db *db);

/*
 * db_connect — make sure the connection is live: connect or reconnect when needed.
 * Returns 0, or ERR_DB_DOWN with e saying why (server unreachable, auth failed, ...).
 */
int db_connect(struct db *db, struct err *e);

/* db_conn — the underlying PGconn (NULL when not connected), for libpq calls not wrapped here. */
PGconn *db_conn(struct db *db);

/*
 * db_exec — run one statement with n text parameters (NULL entries are SQL NULL).
 * On success returns 0 and, when res is not NULL, *res holds the result (caller PQclear()s it;
 * when res is NULL the result is cleared here). On failure *res is NULL and the code is:
 * ERR_DB_DOWN (connection lost or server shutting down), ERR_CONFLICT (unique or exclusion
 * violation), ERR_INVALID (a constraint or data error: bad input reached the database), ERR_DB.
 */
int db_exec(struct db *db, const char *sql, int n, const char *const *params, PGresult **res,
	    struct err *e);

/*
 * db_exec_found — db_exec for a statement about one thing (a SELECT by id, an UPDATE or
 * DELETE … RETURNING): no row is ERR_NOTFOUND "no such <what>" (nothing left to clear);
 * otherwise as db_exec, *res holding at least one row.
 */
int db_exec_found(struct db *db, const char *sql, int n, const char *const *params,
		  PGresult **res, const char *what, struct err *e);

/* db_exec_script — run a multi-statement script with PQexec (migrations only). */
int db_exec_script(struct db *db, const char *sql, struct err *e);

/* Transactions. db_rollback is safe to call in any state, also after the connection died. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);

/*
 * db_try_advisory_lock — pg_try_advisory_lock(key) on this session: *acquired tells whether
 * it was taken. Session locks die with the connection, so a killed job leaves none behind.
 */
int db_try_advisory_lock(struct db *db, int64_t key, bool *acquired, struct err *e);
int db_advisory_unlock(struct db *db, int64_t key, struct err *e);

/* db_sqlstate — the five-character SQLSTATE of the last failure ("" when none). */
const char *db_sqlstate(const struct db *db);

/* Result helpers: the text at (row, col), NULL for SQL NULL or out of range. */
const char *db_get(const PGresult *res, int row, int col);
/* db_get_int64 — the value at (row, col) as a number, dflt for NULL or non-numbers. */
int64_t db_get_int64(const PGresult *res, int row, int col, int64_t dflt);
/* db_get_bool — a boolean at (row, col) ("t"/"f"), dflt for NULL. */
bool db_get_bool(const PGresult *res, int row, int col, bool dflt);

struct arena;

/*
 * db_text — the text at (row, col) copied into the arena: "" for SQL NULL (db_text_or_null:
 * NULL). A failed copy returns NULL and sets *nomem, so a row converter copies every column
 * and checks once at the end (`return nomem ? ERR_NOMEM : 0`).
 */
const char *db_text(struct arena *a, const PGresult *res, int row, int col, bool *nomem);
const char *db_text_or_null(struct arena *a, const PGresult *res, int row, int col,
			    bool *nomem);

/* db_row_fn — fill item (one element of the array db_collect builds) from row of res. */
typedef int (*db_row_fn)(struct arena *a, const PGresult *res, int row, void *item);

/*
 * db_collect — every row of res as one element (size bytes, zeroed, then filled by fn) of a new
 * array in arena a: *items and *n receive it. res is cleared in every case. Returns 0, or
 * ERR_NOMEM when the arena is exhausted or fn failed.
 */
int db_collect(PGresult *res, struct arena *a, size_t size, db_row_fn fn, void **items,
	       size_t *n, struct err *e);

/* db_classify_sqlstate — the err_code a failure with this SQLSTATE maps to (pure; tested). */
enum err_code db_classify_sqlstate(const char *sqlstate);

#endif
