/*
 * /api/v1/tasks — work that outlives a request (SPEC §4, §9): start a poll-all as a task
 * (operators), list tasks and read one (everyone). Also what the tasks pages and the "Poll
 * all" buttons share with the API (app.h): the scope as a form or a body names it, creating a
 * task with its audit event and starting its process, a task as JSON.
 *
 * A task runs in a process of its own (batch/infrascope-task, started from BATCH_DIR through
 * lib/tasks' tasks_spawn: nothing of ours is inherited but stderr, its own session, reaped
 * at once), so the request answers 202 at once and the task goes on when the web app
 * restarts. At most one queued or running poll-all per scope: a second one is 409 with the
 * running task's id (the database's partial unique index decides, so two requests at the same
 * moment cannot both win).
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "tasks.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared with the pages ---- */

static json_object *text_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_object_new_string(s) : NULL;
}

json_object *app_task_json(const struct task *t)
{
	json_object *o = json_object_new_object(), *progress = json_object_new_object();
	json_object *result = NULL, *who = NULL;

	if (t->result[0] != '\0' && json_parse(t->result, strlen(t->result), &result, NULL) != 0)
		result = NULL;
	if (t->requested_by > 0) {
		who = json_object_new_object();
		json_object_object_add(who, "id", json_object_new_int64(t->requested_by));
		json_object_object_add(who, "name", json_object_new_string(t->requested_by_name));
	}
	json_object_object_add(progress, "done", json_object_new_int64(t->done));
	json_object_object_add(progress, "total", json_object_new_int64(t->total));
	json_object_object_add(progress, "note", text_or_null(t->note));
	json_object_object_add(o, "id", json_object_new_int64(t->id));
	json_object_object_add(o, "kind", json_object_new_string(t->kind));
	json_object_object_add(o, "state", json_object_new_string(t->state));
	json_object_object_add(o, "scope", task_scope_json(&t->scope));
	json_object_object_add(o, "progress", progress);
	json_object_object_add(o, "created_at", json_object_new_string(t->created_at));
	json_object_object_add(o, "started_at", text_or_null(t->started_at));
	json_object_object_add(o, "finished_at", text_or_null(t->finished_at));
	json_object_object_add(o, "updated_at", json_object_new_string(t->updated_at));
	json_object_object_add(o, "pid", t->pid > 0 ? json_object_new_int(t->pid) : NULL);
	json_object_object_add(o, "host", text_or_null(t->host));
	json_object_object_add(o, "result", result);
	json_object_object_add(o, "error", text_or_null(t->error));
	json_object_object_add(o, "requested_by", who);
	json_object_object_add(o, "trace_id", text_or_null(t->trace_id));
	return o;
}

int app_task_scope(struct http_ctx *x, const char *store, const char *kind,
		   struct task_scope *out, struct err *e)
{
	const char *code = NULL;
	int rc;

	out->store = store != NULL && store[0] != '\0' ? store : NULL;
	out->kind = kind != NULL && kind[0] != '\0' ? kind : NULL;
	if (out->kind != NULL && task_scope_check(&(struct task_scope){ .kind = out->kind }, e) != 0)
		return ERR_INVALID;
	if (out->store == NULL)
		return 0;
	rc = tasks_resolve_store(app_thread_of(x)->db, x->arena, out->store, &code, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_INVALID, "store: there is no store \"%.64s\"", out->store);
	if (rc != 0)
		return rc;
	out->store = code;
	return task_scope_check(out, e);
}

int app_task_poll_all(struct http_ctx *x, const struct task_scope *scope, int64_t *id,
		      int64_t *existing, struct err *e)
{
	struct db *db = app_thread_of(x)->db;
	struct request_auth *who = app_auth_of(x);
	struct err se = { 0 };
	json_object *p;
	int rc = tasks_create(db, TASK_KIND_POLL_ALL, scope, who->user.id, x->req.trace_id, id,
			      existing, e);

	if (rc != 0)
		return rc;
	p = json_object_new_object();
	json_object_object_add(p, "task_id", json_object_new_int64(*id));
	json_object_object_add(p, "scope", task_scope_json(scope));
	app_audit(x, "poll_all_requested", "info", who->user.id,
		  arena_printf(x->arena, "poll-all of %s%s%s%s requested (task %" PRId64 ")",
			       scope->store != NULL ? "store " : "every store",
			       scope->store != NULL ? scope->store : "",
			       scope->kind != NULL ? ", " : "", scope->kind != NULL ? scope->kind : "",
			       *id),
		  p);
	/* A start that fails leaves the task queued: infrascope-task --drain (cron, every minute)
	 * starts it, or fails it when it cannot. */
	if (tasks_spawn(app.cfg.batch_dir, *id, &se) != 0)
		log_msg(LOG_LEVEL_ERROR, "task_spawn_failed", x->req.trace_id,
			"task %" PRId64 ": %s", *id, se.msg);
	return 0;
}

/* ---- handlers ---- */

static void respond_conflict(struct http_ctx *x, int64_t existing)
{
	json_object *o = json_object_new_object(), *err = json_object_new_object();

	json_object_object_add(err, "code", json_object_new_string("conflict"));
	json_object_object_add(err, "message",
			       json_object_new_string(arena_printf(
				       x->arena,
				       "a poll-all of this scope is already running (task %" PRId64 ")",
				       existing)));
	json_object_object_add(err, "task_id", json_object_new_int64(existing));
	json_object_object_add(o, "error", err);
	http_respond_json(x, 409, o);
}

/* POST /api/v1/tasks/poll-all — body optional: {"store": CODE, "kind": KIND}. */
int handle_tasks_poll_all(struct http_ctx *x)
{
	struct task_scope scope;
	struct task t;
	struct err e = { 0 };
	int64_t id = 0, existing = 0;
	int rc;

	if (x->req.body_len > 0 && x->req.json == NULL) {
		http_respond_error(x, 422, "validation_failed",
				   "the body must be a JSON object (or empty)");
		return 0;
	}
	if (task_scope_from_json(x->req.json, &scope, &e) != 0) {
		http_respond_error(x, 422, "validation_failed", "%s", e.msg);
		return 0;
	}
	rc = app_task_scope(x, scope.store, scope.kind, &scope, &e);
	if (rc == ERR_INVALID) {
		http_respond_error(x, 422, "validation_failed", "%s", e.msg);
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = app_task_poll_all(x, &scope, &id, &existing, &e);
	if (rc == ERR_CONFLICT && existing > 0) {
		respond_conflict(x, existing);
		return 0;
	}
	if (rc == ERR_CONFLICT) {
		http_respond_error(x, 409, "conflict", "%s", e.msg);
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = tasks_get(app_thread_of(x)->db, x->arena, id, &t, &e);
	if (rc != 0)
		return rc;
	http_header_set(&x->resp, x->arena, "Location",
			arena_printf(x->arena, "/api/v1/tasks/%" PRId64, id));
	http_respond_json(x, 202, app_task_json(&t));
	return 0;
}

/* GET /api/v1/tasks?state=&kind=&limit=&offset= */
int handle_tasks_list(struct http_ctx *x)
{
	struct tasks_filter f = { 0 };
	struct task *items = NULL;
	struct err e = { 0 };
	size_t n = 0;
	int64_t total = 0;
	json_object *arr;
	int rc;

	if (!api_page_params(x, &f.limit, &f.offset))
		return 0;
	f.state = http_param_get(&x->req.query_params, "state");
	f.kind = http_param_get(&x->req.query_params, "kind");
	if (f.state != NULL && f.state[0] == '\0')
		f.state = NULL;
	if (f.kind != NULL && f.kind[0] == '\0')
		f.kind = NULL;
	if (f.state != NULL && !task_state_valid(f.state)) {
		http_respond_error(x, 422, "validation_failed",
				   "state: must be queued, running, done or failed");
		return 0;
	}
	if (f.kind != NULL && !task_kind_valid(f.kind)) {
		http_respond_error(x, 422, "validation_failed", "kind: must be poll_all");
		return 0;
	}
	rc = tasks_list(app_thread_of(x)->db, x->arena, &f, &items, &n, &total, &e);
	if (rc != 0)
		return rc;
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, app_task_json(&items[i]));
	app_respond_page(x, arr, total, f.limit, f.offset);
	return 0;
}

/* GET /api/v1/tasks/{id} */
int handle_task_get(struct http_ctx *x)
{
	struct task t;
	struct err e = { 0 };
	int rc = tasks_get(app_thread_of(x)->db, x->arena, app_path_id(x), &t, &e);

	if (rc == ERR_NOTFOUND) {
		http_respond_error(x, 404, "not_found", "no such task");
		return 0;
	}
	if (rc != 0)
		return rc;
	http_respond_json(x, 200, app_task_json(&t));
	return 0;
}
