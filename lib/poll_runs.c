#include "poll_runs.h"

#include "db.h"
#include "printer_check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

int poll_run_lock(struct db *db, bool *acquired, struct err *e)
{
	return db_try_advisory_lock(db, POLL_ALL_LOCK_KEY, acquired, e);
}

int poll_run_holder(struct db *db, char since[64], int *pid, struct err *e)
{
	PGresult *res = NULL;
	int rc = db_exec(db,
			 "SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"'), "
			 "pid FROM poll_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1",
			 0, NULL, &res, e);

	since[0] = '\0';
	*pid = 0;
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 1) {
		snprintf(since, 64, "%s", db_get(res, 0, 0));
		*pid = (int)db_get_int64(res, 0, 1, 0);
	}
	PQclear(res);
	return 0;
}

int poll_run_begin(struct db *db, const char *store_code, const char *kind, const char *trace_id,
		   int64_t *id, struct err *e)
{
	char pid[16], host[256] = "";
	const char *p[5] = { pid, host, store_code, kind, trace_id };
	PGresult *res = NULL;
	int rc;

	/* We hold the lock: a row still "running" belongs to a run that was killed. */
	rc = db_exec(db,
		     "UPDATE poll_runs SET status = 'failed', finished_at = now(), "
		     "message = 'ended without finishing (killed or lost its database connection)' "
		     "WHERE status = 'running'",
		     0, NULL, NULL, e);
	if (rc != 0)
		return rc;
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	gethostname(host, sizeof host - 1);
	rc = db_exec(db,
		     "INSERT INTO poll_runs (pid, host, scope, trace_id) "
		     "VALUES ($1, $2, jsonb_strip_nulls(jsonb_build_object('store', $3::text, "
		     "'kind', $4::text)), $5) RETURNING id",
		     5, p, &res, e);
	if (rc != 0)
		return rc;
	*id = db_get_int64(res, 0, 0, 0);
	PQclear(res);
	return 0;
}

int poll_run_end(struct db *db, int64_t id, bool ok, const struct printer_check_summary *s,
		 long devices, long duration_ms, const char *message, struct err *e)
{
	char v[9][24];
	const char *p[11];

	snprintf(v[0], sizeof v[0], "%" PRId64, id);
	snprintf(v[1], sizeof v[1], "%ld", devices);
	snprintf(v[2], sizeof v[2], "%zu", s->polled);
	snprintf(v[3], sizeof v[3], "%zu", s->up);
	snprintf(v[4], sizeof v[4], "%zu", s->down);
	snprintf(v[5], sizeof v[5], "%zu", s->errors);
	snprintf(v[6], sizeof v[6], "%zu", s->skipped);
	snprintf(v[7], sizeof v[7], "%zu", s->moved);
	snprintf(v[8], sizeof v[8], "%ld", duration_ms);
	for (int i = 0; i < 9; i++)
		p[i] = v[i];
	p[9] = ok ? "done" : "failed";
	p[10] = message;
	return db_exec(db,
		       "UPDATE poll_runs SET finished_at = now(), devices = $2, polled = $3, up = $4, "
		       "down = $5, errors = $6, skipped = $7, moved = $8, duration_ms = $9, "
		       "status = $10, message = $11 WHERE id = $1",
		       11, p, NULL, e);
}
