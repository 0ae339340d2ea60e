#include "db.h"

#include "arena.h"

#include "config.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct db {
	PGconn *conn;
	char *keys[12];
	char *vals[12];
	int64_t next_attempt_ms;   /* monotonic ms before which no reconnect is tried */
	char sqlstate[6];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_param(struct db *db, size_t *i, const char *k, const char *v)
{
	if (*i + 1 >= sizeof db->keys / sizeof db->keys[0])
		return -1;
	db->keys[*i] = strdup(k);
	db->vals[*i] = strdup(v);
	if (db->keys[*i] == NULL || db->vals[*i] == NULL)
		return -1;
	(*i)++;
	return 0;
}

struct db *db_new(const struct config *cfg, const char *app_name)
{
	struct db *db = calloc(1, sizeof *db);
	char port[16], timeout[16], options[64];
	size_t i = 0;
	int bad = 0;

	if (db == NULL)
		return NULL;
	snprintf(port, sizeof port, "%d", cfg->postgres_port);
	snprintf(timeout, sizeof timeout, "%d", cfg->db_connect_timeout);
	snprintf(options, sizeof options, "-c statement_timeout=%d", cfg->db_statement_timeout_ms);
	/* With expand_dbname, a URL in "dbname" expands first; the keywords after it override. */
	if (cfg->database_url[0] != '\0') {
		bad |= add_param(db, &i, "dbname", cfg->database_url);
	} else {
		bad |= add_param(db, &i, "host", cfg->postgres_server);
		bad |= add_param(db, &i, "port", port);
		bad |= add_param(db, &i, "user", cfg->postgres_user);
		bad |= add_param(db, &i, "dbname", cfg->postgres_db);
		if (cfg->postgres_password[0] != '\0')
			bad |= add_param(db, &i, "password", cfg->postgres_password);
	}
	bad |= add_param(db, &i, "application_name", app_name);
	bad |= add_param(db, &i, "connect_timeout", timeout);
	bad |= add_param(db, &i, "options", options);
	bad |= add_param(db, &i, "keepalives_idle", "30");
	if (bad) {
		db_free(db);
		return NULL;
	}
	return db;
}

void db_free(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	for (size_t i = 0; i < sizeof db->keys / sizeof db->keys[0]; i++) {
		free(db->keys[i]);
		free(db->vals[i]);
	}
	free(db);
}

PGconn *db_conn(struct db *db)
{
	return db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK ? db->conn : NULL;
}

/* An idle connection whose socket is readable has been told something (usually: goodbye). */
static bool idle_connection_alive(PGconn *conn)
{
	struct pollfd pfd = { .fd = PQsocket(conn), .events = POLLIN };

	if (pfd.fd < 0)
		return false;
	if (poll(&pfd, 1, 0) <= 0)
		return true;
	if (!PQconsumeInput(conn))
		return false;
	return PQstatus(conn) == CONNECTION_OK;
}

static void drop(struct db *db)
{
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
}

static void strip_newline(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	for (char *p = s; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

/* Server NOTICEs ("relation already exists, skipping") are expected chatter: debug log only. */
static void quiet_notice(void *arg, const char *message)
{
	char msg[ERR_MSG_MAX];

	(void)arg;
	snprintf(msg, sizeof msg, "%s", message);
	strip_newline(msg);
	log_msg(LOG_LEVEL_DEBUG, "db_notice", NULL, "%s", msg);
}

int db_connect(struct db *db, struct err *e)
{
	char msg[ERR_MSG_MAX];
	int64_t now;

	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK) {
		if (PQtransactionStatus(db->conn) != PQTRANS_IDLE || idle_connection_alive(db->conn))
			return 0;
		drop(db);
	}
	drop(db);
	now = now_ms();
	if (now < db->next_attempt_ms)
		return err_set(e, ERR_DB_DOWN, "database unavailable (retrying shortly)");
	db->conn = PQconnectdbParams((const char *const *)db->keys, (const char *const *)db->vals, 1);
	if (db->conn == NULL)
		return err_set(e, ERR_DB_DOWN, "database connection: out of memory");
	if (PQstatus(db->conn) != CONNECTION_OK) {
		/*
		 * A refused connection costs microseconds: try again on the next call, so service
		 * resumes the moment the server is back. One that timed out (an unreachable host)
		 * would make every request wait: back off then.
		 */
		if (now_ms() - now > DB_SLOW_CONNECT_MS)
			db->next_attempt_ms = now_ms() + DB_RECONNECT_BACKOFF_MS;
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(db->conn));
		strip_newline(msg);
		drop(db);
		return err_set(e, ERR_DB_DOWN, "database unavailable: %s", msg);
	}
	PQsetNoticeProcessor(db->conn, quiet_notice, NULL);
	db->next_attempt_ms = 0;
	return 0;
}

enum err_code db_classify_sqlstate(const char *s)
{
	if (s == NULL || strlen(s) != 5)
		return ERR_DB;
	/* 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now. */
	if (strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 || strcmp(s, "57P02") == 0 ||
	    strcmp(s, "57P03") == 0)
		return ERR_DB_DOWN;
	if (strcmp(s, "23505") == 0 || strcmp(s, "23P01") == 0)
		return ERR_CONFLICT;
	/* 22: data exception; 23: other integrity constraint violations. */
	if (strncmp(s, "22", 2) == 0 || strncmp(s, "23", 2) == 0)
		return ERR_INVALID;
	return ERR_DB;
}

static int result_error(struct db *db, PGresult *r, struct err *e)
{
	const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[ERR_MSG_MAX];
	enum err_code code;

	snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state != NULL ? state : "");
	snprintf(msg, sizeof msg, "%s", primary != NULL ? primary : PQerrorMessage(db->conn));
	strip_newline(msg);
	code = db_classify_sqlstate(state);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		code = ERR_DB_DOWN;
		drop(db);
	}
	PQclear(r);
	return err_set(e, code, "%s", msg[0] != '\0' ? msg : "database error");
}

int db_exec(struct db *db, const char *sql, int n, const char *const *params, PGresult **res,
	    struct err *e)
{
	PGresult *r;
	ExecStatusType st;
	int rc;

	if (res != NULL)
		*res = NULL;
	db->sqlstate[0] = '\0';
	/* Inside a transaction a reconnect would silently lose it, so only reconnect when idle. */
	if (db->conn == NULL || !db_in_transaction(db)) {
		rc = db_connect(db, e);
		if (rc != 0)
			return rc;
	}
	r = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
	st = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return result_error(db, r, e);
	if (res != NULL)
		*res = r;
	else
		PQclear(r);
	return 0;
}

int db_exec_script(struct db *db, const char *sql, struct err *e)
{
	PGresult *r;
	ExecStatusType st;
	int rc;

	if (db->conn == NULL || !db_in_transaction(db)) {
		rc = db_connect(db, e);
		if (rc != 0)
			return rc;
	}
	r = PQexec(db->conn, sql);
	st = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		return result_error(db, r, e);
	PQclear(r);
	return 0;
}

int db_begin(struct db *db, struct err *e)
{
	return db_exec(db, "BEGIN", 0, NULL, NULL, e);
}

int db_commit(struct db *db, struct err *e)
{
	return db_exec(db, "COMMIT", 0, NULL, NULL, e);
}

void db_rollback(struct db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK &&
	    PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		PQclear(PQexec(db->conn, "ROLLBACK"));
}

bool db_in_transaction(struct db *db)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return false;
	PGTransactionStatusType t = PQtransactionStatus(db->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

int db_try_advisory_lock(struct db *db, int64_t key, bool *acquired, struct err *e)
{
	char k[24];
	const char *p[1] = { k };
	PGresult *r;
	int rc;

	snprintf(k, sizeof k, "%" PRId64, key);
	rc = db_exec(db, "SELECT pg_try_advisory_lock($1::bigint)", 1, p, &r, e);
	if (rc != 0)
		return rc;
	*acquired = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return 0;
}

int db_advisory_unlock(struct db *db, int64_t key, struct err *e)
{
	char k[24];
	const char *p[1] = { k };

	snprintf(k, sizeof k, "%" PRId64, key);
	return db_exec(db, "SELECT pg_advisory_unlock($1::bigint)", 1, p, NULL, e);
}

const char *db_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

const char *db_get(const PGresult *res, int row, int col)
{
	if (res == NULL || row < 0 || col < 0 || row >= PQntuples(res) || col >= PQnfields(res) ||
	    PQgetisnull(res, row, col))
		return NULL;
	return PQgetvalue(res, row, col);
}

int64_t db_get_int64(const PGresult *res, int row, int col, int64_t dflt)
{
	const char *s = db_get(res, row, col);
	char *end;
	long long v;

	if (s == NULL)
		return dflt;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return dflt;
	return v;
}

int db_exec_found(struct db *db, const char *sql, int n, const char *const *params,
		  PGresult **res, const char *what, struct err *e)
{
	int rc = db_exec(db, sql, n, params, res, e);

	if (rc != 0)
		return rc;
	if (PQntuples(*res) == 0) {
		PQclear(*res);
		*res = NULL;
		return err_set(e, ERR_NOTFOUND, "no such %s", what);
	}
	return 0;
}

bool db_get_bool(const PGresult *res, int row, int col, bool dflt)
{
	const char *s = db_get(res, row, col);

	return s == NULL ? dflt : strcmp(s, "t") == 0;
}

const char *db_text_or_null(struct arena *a, const PGresult *res, int row, int col,
			    bool *nomem)
{
	const char *v = db_get(res, row, col), *copy;

	if (v == NULL)
		return NULL;
	if ((copy = arena_strdup(a, v)) == NULL)
		*nomem = true;
	return copy;
}

const char *db_text(struct arena *a, const PGresult *res, int row, int col, bool *nomem)
{
	const char *v = db_get(res, row, col), *copy = arena_strdup(a, v != NULL ? v : "");

	if (copy == NULL)
		*nomem = true;
	return copy;
}

int db_collect(PGresult *res, struct arena *a, size_t size, db_row_fn fn, void **items,
	       size_t *n, struct err *e)
{
	int rows = PQntuples(res);
	char *arr = arena_zalloc(a, size * (size_t)(rows > 0 ? rows : 1));

	*items = NULL;
	*n = 0;
	for (int r = 0; arr != NULL && r < rows; r++)
		if (fn(a, res, r, arr + size * (size_t)r) != 0)
			arr = NULL;
	PQclear(res);
	if (arr == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	*items = arr;
	*n = (size_t)rows;
	return 0;
}
