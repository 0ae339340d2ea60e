#include "tasks.h"

#include "arena.h"
#include "db.h"
#include "stores.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

extern char **environ;

/* ---- rules ---- */

bool task_kind_valid(const char *kind)
{
	return kind != NULL && strcmp(kind, TASK_KIND_POLL_ALL) == 0;
}

bool task_state_valid(const char *state)
{
	static const char *const states[] = { "queued", "running", "done", "failed" };

	for (size_t i = 0; state != NULL && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(state, states[i]) == 0)
			return true;
	return false;
}

bool task_state_active(const char *state)
{
	return state != NULL && (strcmp(state, "queued") == 0 || strcmp(state, "running") == 0);
}

int task_scope_check(const struct task_scope *s, struct err *e)
{
	struct err inner;

	if (s->kind != NULL && strcmp(s->kind, "laser_printer") != 0 &&
	    strcmp(s->kind, "label_printer") != 0)
		return err_set(e, ERR_INVALID, "kind: must be laser_printer or label_printer, or null");
	if (s->store != NULL && store_code_check(s->store, &inner) != 0)
		return err_set(e, ERR_INVALID, "store: %s", inner.msg);
	return 0;
}

static bool same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

bool task_scope_equal(const struct task_scope *a, const struct task_scope *b)
{
	return same(a->store, b->store) && same(a->kind, b->kind);
}

int task_scope_from_json(json_object *body, struct task_scope *out, struct err *e)
{
	out->store = NULL;
	out->kind = NULL;
	if (body == NULL)
		return 0;
	if (!json_object_is_type(body, json_type_object))
		return err_set(e, ERR_INVALID, "the body must be a JSON object (or empty)");
	json_object_object_foreach(body, key, val) {
		const char **field;

		if (strcmp(key, "store") == 0)
			field = &out->store;
		else if (strcmp(key, "kind") == 0)
			field = &out->kind;
		else
			return err_set(e, ERR_INVALID, "unknown field \"%.64s\"; known: store, kind", key);
		if (val == NULL)
			continue;
		if (!json_object_is_type(val, json_type_string))
			return err_set(e, ERR_INVALID, "%s: must be a string or null", key);
		*field = json_object_get_string(val);
		if (strlen(*field) != (size_t)json_object_get_string_len(val))
			return err_set(e, ERR_INVALID, "%s: must not contain NUL characters", key);
	}
	return task_scope_check(out, e);
}

json_object *task_scope_json(const struct task_scope *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "store", s->store != NULL ? json_object_new_string(s->store) : NULL);
	json_object_object_add(o, "kind", s->kind != NULL ? json_object_new_string(s->kind) : NULL);
	return o;
}

/* ---- storage ---- */

#define ISO(col) "to_char((" col ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define SCOPE_OF(store, kind)                                                                   \
	"jsonb_strip_nulls(jsonb_build_object('store', " store "::text, 'kind', " kind "::text))"

/* The columns read_task() reads; the statements add their WHERE (compile-time text). */
#define TASK_SELECT                                                                             \
	"SELECT t.id, t.kind, t.state, coalesce(t.scope ->> 'store', ''), "                        \
	"coalesce(t.scope ->> 'kind', ''), t.progress_done, t.progress_total, "                    \
	"coalesce(t.progress_note, ''), " ISO("t.created_at") ", "                                 \
	"coalesce(" ISO("t.started_at") ", ''), coalesce(" ISO("t.finished_at") ", ''), "          \
	ISO("t.updated_at") ", greatest(0, extract(epoch FROM now() - t.updated_at))::bigint, "    \
	"coalesce(t.pid, 0), coalesce(t.host, ''), coalesce(t.result::text, ''), "                 \
	"coalesce(t.error, ''), coalesce(t.requested_by, 0), "                                     \
	"coalesce(nullif(u.full_name, ''), u.email, ''), coalesce(t.trace_id, '') "                \
	"FROM tasks t LEFT JOIN users u ON u.id = t.requested_by "

/* A scope's store or kind: "" is "any" (NULL). */
static const char *scope_part(struct arena *a, const PGresult *r, int row, int c, bool *nomem)
{
	const char *v = db_get(r, row, c);

	return v == NULL || v[0] == '\0' ? NULL : db_text(a, r, row, c, nomem);
}

static int read_task(struct arena *a, const PGresult *r, int row, struct task *t)
{
	bool nomem = false;

	t->id = db_get_int64(r, row, 0, 0);
	t->kind = db_text(a, r, row, 1, &nomem);
	t->state = db_text(a, r, row, 2, &nomem);
	t->scope.store = scope_part(a, r, row, 3, &nomem);
	t->scope.kind = scope_part(a, r, row, 4, &nomem);
	t->done = db_get_int64(r, row, 5, 0);
	t->total = db_get_int64(r, row, 6, 0);
	t->note = db_text(a, r, row, 7, &nomem);
	t->created_at = db_text(a, r, row, 8, &nomem);
	t->started_at = db_text(a, r, row, 9, &nomem);
	t->finished_at = db_text(a, r, row, 10, &nomem);
	t->updated_at = db_text(a, r, row, 11, &nomem);
	t->heartbeat_age = db_get_int64(r, row, 12, 0);
	t->pid = (int)db_get_int64(r, row, 13, 0);
	t->host = db_text(a, r, row, 14, &nomem);
	t->result = db_text(a, r, row, 15, &nomem);
	t->error = db_text(a, r, row, 16, &nomem);
	t->requested_by = db_get_int64(r, row, 17, 0);
	t->requested_by_name = db_text(a, r, row, 18, &nomem);
	t->trace_id = db_text(a, r, row, 19, &nomem);
	if (nomem)
		return ERR_NOMEM;
	return 0;
}

static void id_text(char buf[24], int64_t id)
{
	snprintf(buf, 24, "%" PRId64, id);
}

int tasks_resolve_store(struct db *db, struct arena *a, const char *store, const char **code,
			struct err *e)
{
	const char *p[1] = { store };
	PGresult *r = NULL;
	bool nomem = false;
	int rc;

	*code = NULL;
	if (store == NULL || store[0] == '\0')
		return err_set(e, ERR_NOTFOUND, "no such store");
	rc = db_exec(db,
		     "SELECT code FROM stores WHERE id::text = $1 OR search_fold(code) = search_fold($1) "
		     "ORDER BY id::text = $1 DESC LIMIT 1",
		     1, p, &r, e);
	if (rc != 0)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return err_set(e, ERR_NOTFOUND, "no such store: %.64s", store);
	}
	*code = db_text(a, r, 0, 0, &nomem);
	PQclear(r);
	return nomem ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

int tasks_find_active(struct db *db, const char *kind, const struct task_scope *scope,
		      int64_t *id, struct err *e)
{
	const char *p[3] = { kind, scope->store, scope->kind };
	PGresult *r = NULL;
	int rc = db_exec(db,
			 "SELECT id FROM tasks WHERE kind = $1 AND scope = " SCOPE_OF("$2", "$3")
			 " AND state IN ('queued', 'running') ORDER BY id LIMIT 1",
			 3, p, &r, e);

	*id = 0;
	if (rc != 0)
		return rc;
	if (PQntuples(r) == 1)
		*id = db_get_int64(r, 0, 0, 0);
	PQclear(r);
	return 0;
}

int tasks_create(struct db *db, const char *kind, const struct task_scope *scope,
		 int64_t requested_by, const char *trace_id, int64_t *id, int64_t *existing,
		 struct err *e)
{
	char user[24];
	const char *p[5] = { kind, scope->store, scope->kind, requested_by > 0 ? user : NULL,
			     trace_id != NULL && trace_id[0] != '\0' ? trace_id : NULL };
	int rc;

	*id = 0;
	*existing = 0;
	id_text(user, requested_by);
	/* The insert either wins or meets the active one; that one may finish in between, so the
	 * two steps are tried again a few times. */
	for (int attempt = 0; attempt < 5; attempt++) {
		PGresult *r = NULL;

		rc = db_exec(db,
			     "INSERT INTO tasks (kind, scope, requested_by, trace_id) "
			     "VALUES ($1, " SCOPE_OF("$2", "$3") ", $4::bigint, $5) "
			     "ON CONFLICT (kind, scope) WHERE state IN ('queued', 'running') "
			     "DO NOTHING RETURNING id",
			     5, p, &r, e);
		if (rc != 0)
			return rc;
		if (PQntuples(r) == 1) {
			*id = db_get_int64(r, 0, 0, 0);
			PQclear(r);
			return 0;
		}
		PQclear(r);
		rc = tasks_find_active(db, kind, scope, existing, e);
		if (rc != 0)
			return rc;
		if (*existing != 0)
			return err_set(e, ERR_CONFLICT, "a task of this scope is already queued or "
				       "running (task %" PRId64 ")", *existing);
	}
	return err_set(e, ERR_CONFLICT, "tasks of this scope keep starting and ending; try again");
}

int tasks_get(struct db *db, struct arena *a, int64_t id, struct task *t, struct err *e)
{
	char idt[24];
	const char *p[1] = { idt };
	PGresult *r = NULL;
	int rc;

	id_text(idt, id);
	rc = db_exec_found(db, TASK_SELECT "WHERE t.id = $1", 1, p, &r, "task", e);
	if (rc != 0)
		return rc;
	rc = read_task(a, r, 0, t);
	PQclear(r);
	return rc == 0 ? 0 : err_set(e, rc, "out of memory");
}

int tasks_list(struct db *db, struct arena *a, const struct tasks_filter *f, struct task **items,
	       size_t *n, int64_t *total, struct err *e)
{
	char limit[24], offset[24];
	const char *p[4] = { f->state, f->kind, limit, offset };
	PGresult *r = NULL;
	int rc;

	*items = NULL;
	*n = 0;
	*total = 0;
	id_text(limit, f->limit);
	id_text(offset, f->offset);
	rc = db_exec(db,
		     "SELECT count(*) FROM tasks WHERE ($1::text IS NULL OR state = $1) "
		     "AND ($2::text IS NULL OR kind = $2)",
		     2, p, &r, e);
	if (rc != 0)
		return rc;
	*total = db_get_int64(r, 0, 0, 0);
	PQclear(r);
	rc = db_exec(db,
		     TASK_SELECT "WHERE ($1::text IS NULL OR t.state = $1) "
		     "AND ($2::text IS NULL OR t.kind = $2) "
		     "ORDER BY t.id DESC LIMIT $3::int OFFSET $4::int",
		     4, p, &r, e);
	if (rc != 0)
		return rc;
	*items = arena_zalloc(a, sizeof **items * (size_t)(PQntuples(r) + 1));
	if (*items == NULL) {
		PQclear(r);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < PQntuples(r); i++) {
		if (read_task(a, r, i, &(*items)[i]) != 0) {
			PQclear(r);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
	}
	*n = (size_t)PQntuples(r);
	PQclear(r);
	return 0;
}

/* ---- the task's own process ---- */

/* An UPDATE ... RETURNING id with these parameters: 0 when it changed a row, else ERR_NOTFOUND. */
static int update_one(struct db *db, const char *sql, int n, const char *const *p, struct err *e)
{
	PGresult *r = NULL;
	int rc = db_exec(db, sql, n, p, &r, e), rows;

	if (rc != 0)
		return rc;
	rows = PQntuples(r);
	PQclear(r);
	return rows > 0 ? 0 : err_set(e, ERR_NOTFOUND, "the task is not in a state for this");
}

int tasks_claim(struct db *db, struct arena *a, int64_t id, int pid, const char *host,
		struct task *t, struct err *e)
{
	char idt[24], pidt[24];
	const char *p[3] = { idt, pidt, host != NULL && host[0] != '\0' ? host : NULL };
	int rc;

	id_text(idt, id);
	id_text(pidt, pid);
	rc = update_one(db,
			"UPDATE tasks SET state = 'running', pid = $2::int, host = left($3, 255), "
			"started_at = now(), progress_note = NULL "
			"WHERE id = $1::bigint AND state = 'queued' RETURNING id",
			3, p, e);
	if (rc != 0 && rc != ERR_NOTFOUND)
		return rc;
	{
		int grc = tasks_get(db, a, id, t, e);

		if (grc != 0)
			return grc;
	}
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_CONFLICT, "task %" PRId64 " is %s, not queued", id, t->state);
	return 0;
}

int tasks_progress(struct db *db, int64_t id, int64_t done, int64_t total, const char *note,
		   struct err *e)
{
	char idt[24], d[24], tt[24];
	const char *p[4] = { idt, d, tt, note };

	id_text(idt, id);
	id_text(d, done);
	id_text(tt, total);
	return update_one(db,
			  "UPDATE tasks SET progress_done = $2::int, progress_total = $3::int, "
			  "progress_note = left($4, 500) "
			  "WHERE id = $1::bigint AND state = 'running' RETURNING id",
			  4, p, e);
}

int tasks_heartbeat(struct db *db, int64_t id, struct err *e)
{
	char idt[24];
	const char *p[1] = { idt };

	id_text(idt, id);
	return update_one(db,
			  "UPDATE tasks SET updated_at = now() WHERE id = $1::bigint "
			  "AND state = 'running' RETURNING id",
			  1, p, e);
}

int tasks_finish(struct db *db, int64_t id, bool ok, const char *result, const char *error,
		 struct err *e)
{
	char idt[24];
	const char *p[4] = { idt, ok ? "done" : "failed", result, ok ? NULL : error };

	id_text(idt, id);
	return update_one(db,
			  "UPDATE tasks SET state = $2, finished_at = now(), result = $3::jsonb, "
			  "error = left($4, 2000), progress_note = NULL "
			  "WHERE id = $1::bigint AND state = 'running' RETURNING id",
			  4, p, e);
}

int tasks_fail(struct db *db, int64_t id, const char *error, struct err *e)
{
	char idt[24];
	const char *p[2] = { idt, error };

	id_text(idt, id);
	return update_one(db,
			  "UPDATE tasks SET state = 'failed', finished_at = now(), "
			  "error = left($2, 2000), progress_note = NULL "
			  "WHERE id = $1::bigint AND state IN ('queued', 'running') RETURNING id",
			  2, p, e);
}

/* ---- processes ---- */

int tasks_spawn(const char *batch_dir, int64_t id, struct err *e)
{
	static const int reset[] = { SIGPIPE, SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM,
				     SIGUSR1, SIGUSR2, SIGALRM };
	char path[PATH_MAX], arg[24], detach[] = "--detach";
	char *argv[] = { path, detach, arg, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, defaults;
	pid_t pid;
	int rc, status;

	if (batch_dir == NULL || batch_dir[0] == '\0' ||
	    (size_t)snprintf(path, sizeof path, "%s/%s", batch_dir, TASKS_PROGRAM) >= sizeof path)
		return err_set(e, ERR_INVALID, "BATCH_DIR is empty or too long");
	id_text(arg, id);
	sigemptyset(&none);
	sigemptyset(&defaults);
	for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
		sigaddset(&defaults, reset[i]);
	if (posix_spawn_file_actions_init(&fa) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	/* stdin and stdout: nothing; stderr stays (the task's log lines go where ours go); every
	 * other descriptor — the FastCGI socket, accepted connections, database connections,
	 * whatever another thread opened a moment ago without O_CLOEXEC — is closed. */
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&at, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&at, &defaults);
	if (rc == 0)
		rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
						     POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawn(&pid, path, &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return err_set(e, ERR_IO, "cannot start %s: %s", path, strerror(rc));
	/* The first process only forks the task's own and exits: reap it. */
	while (waitpid(pid, &status, 0) < 0) {
		if (errno == ECHILD)  /* SIGCHLD ignored: the kernel reaped it, status unknown */
			return 0;
		if (errno != EINTR)
			return err_set(e, ERR_IO, "waiting for %s (pid %d): %s", path, (int)pid,
				       strerror(errno));
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, ERR_IO, "%s --detach %s did not detach (%s %d)", path, arg,
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

bool tasks_process_alive(int pid)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
		return false;
	/* A zombie has ended: only its parent has not collected it yet. */
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			char *paren;

			buf[n] = '\0';
			paren = strrchr(buf, ')');
			if (paren != NULL && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'))
				return false;
		}
	}
	/* A pid taken over by another program: the task's process is gone. */
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;  /* cannot tell: trust kill() */
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n <= 0)
		return true;
	return memmem(buf, (size_t)n, TASKS_PROGRAM, strlen(TASKS_PROGRAM)) != NULL;
}

/* ---- repair ---- */

static int drain_fail(struct db *db, const char *id, const char *pid, const char *why,
		      bool *changed, struct err *e)
{
	const char *p[3] = { id, why, pid };
	int rc = update_one(db,
			    "UPDATE tasks SET state = 'failed', finished_at = now(), "
			    "error = left($2, 2000), progress_note = NULL WHERE id = $1::bigint "
			    "AND ((state = 'queued' AND $3::int IS NULL) "
			    "OR (state = 'running' AND pid = $3::int)) RETURNING id",
			    3, p, e);

	*changed = rc == 0;
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int tasks_drain(struct db *db, struct arena *a, const struct tasks_drain_options *o,
		struct tasks_drain_action **acts, size_t *n, struct err *e)
{
	char lost[24];
	const char *p[1] = { lost };
	PGresult *queued = NULL, *running = NULL;
	int rc;

	*acts = NULL;
	*n = 0;
	id_text(lost, o->lost_after_seconds);
	rc = db_exec(db,
		     "SELECT id, greatest(0, extract(epoch FROM now() - created_at))::bigint "
		     "FROM tasks WHERE state = 'queued' "
		     "AND created_at < now() - make_interval(secs => $1::int) ORDER BY id LIMIT 1000",
		     1, p, &queued, e);
	if (rc == 0)
		rc = db_exec(db,
			     "SELECT id, coalesce(pid, 0), coalesce(host, ''), "
			     "greatest(0, extract(epoch FROM now() - updated_at))::bigint "
			     "FROM tasks WHERE state = 'running' ORDER BY id LIMIT 1000",
			     0, NULL, &running, e);
	if (rc != 0)
		goto out;
	*acts = arena_zalloc(a, sizeof **acts *
				       (size_t)(PQntuples(queued) + PQntuples(running) + 1));
	if (*acts == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < PQntuples(queued); i++) {
		struct tasks_drain_action *act = &(*acts)[*n];
		const char *id = db_get(queued, i, 0);
		int64_t age = db_get_int64(queued, i, 1, 0);
		struct err se = { 0 };
		bool changed = false;

		act->id = db_get_int64(queued, i, 0, 0);
		if (age >= o->give_up_seconds) {
			act->why = arena_printf(a, "not started within %d s of its creation",
						o->give_up_seconds);
		} else if (tasks_spawn(o->batch_dir, act->id, &se) == 0) {
			act->started = true;
			act->why = arena_printf(a, "queued for %" PRId64 " s: its start was lost", age);
			(*n)++;
			continue;
		} else {
			act->why = arena_printf(a, "could not be started: %s", se.msg);
		}
		if ((rc = drain_fail(db, id, NULL, act->why, &changed, e)) != 0)
			goto out;
		if (changed)
			(*n)++;
	}
	for (int i = 0; i < PQntuples(running); i++) {
		struct tasks_drain_action *act = &(*acts)[*n];
		const char *id = db_get(running, i, 0), *host = db_get(running, i, 2);
		int pid = (int)db_get_int64(running, i, 1, 0);
		int64_t age = db_get_int64(running, i, 3, 0);
		char pidt[24];
		bool changed = false;

		act->id = db_get_int64(running, i, 0, 0);
		if (o->host != NULL && host != NULL && strcmp(host, o->host) == 0 &&
		    !tasks_process_alive(pid))
			act->why = arena_printf(a, "its process (pid %d) ended without finishing it",
						pid);
		else if (age >= o->stale_seconds)
			act->why = arena_printf(a, "no heartbeat from its process (pid %d on %s) for "
						"%" PRId64 " s", pid, host != NULL ? host : "?", age);
		else
			continue;
		id_text(pidt, pid);
		if ((rc = drain_fail(db, id, pidt, act->why, &changed, e)) != 0)
			goto out;
		if (changed)
			(*n)++;
	}
out:
	PQclear(queued);
	PQclear(running);
	return rc;
}
