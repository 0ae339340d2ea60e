/*
 * /tasks — the tasks pages (SPEC §8): the list (state, scope, a progress bar, when, who, the
 * result in short; it reloads itself every 15 minutes like the other lists) and one task's
 * page (everything about it; while the task is queued or running the page reloads itself
 * every TASK_PAGE_REFRESH_SECONDS, and stops once it ended). Also the "Poll all" button the
 * printers list, a store's page and the tasks list show operators: a form posting to
 * /tasks/poll-all, which creates the task like the API does (api-tasks.c) and goes to its
 * page; the button is disabled, with "running: task N", while a poll-all of the same scope is
 * queued or running.
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "json.h"
#include "tasks.h"
#include "tpl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TASKS_PER_PAGE 50
#define TASK_PAGE_REFRESH_SECONDS 5

static bool is_operator(struct http_ctx *x)
{
	return (int)app_auth_of(x)->user.role >= ACCESS_OPERATOR;
}

/* ---- words ---- */

static const char *state_name(struct http_ctx *x, const char *state)
{
	if (strcmp(state, "queued") == 0)
		return page_text(x, "task_state_queued");
	if (strcmp(state, "running") == 0)
		return page_text(x, "task_state_running");
	if (strcmp(state, "done") == 0)
		return page_text(x, "task_state_done");
	return page_text(x, "task_state_failed");
}

/* "laser printers · MSK-014", "all printers · all stores". */
static const char *scope_text(struct http_ctx *x, const struct task_scope *s)
{
	const char *kind = s->kind == NULL ? page_text(x, "tasks_scope_all_kinds")
			   : strcmp(s->kind, "label_printer") == 0 ? page_text(x, "tasks_scope_label")
								    : page_text(x, "tasks_scope_laser");

	return arena_printf(x->arena, "%s · %s", kind,
			    s->store != NULL ? s->store : page_text(x, "tasks_scope_all_stores"));
}

/* ---- the "Poll all" button ---- */

int task_ui_poll_all_button(struct http_ctx *x, struct tpl_dict *d, const char *store,
			    const char *kind)
{
	struct task_scope scope;
	struct err e = { 0 };
	struct tpl_dict *s, *form;
	int64_t running = 0;
	int rc;

	if (!is_operator(x))
		return 0;
	rc = app_task_scope(x, store, kind, &scope, &e);
	if (rc == ERR_INVALID)
		return 0;  /* a filter naming no store: nothing to poll */
	if (rc == 0)
		rc = tasks_find_active(app_thread_of(x)->db, TASK_KIND_POLL_ALL, &scope, &running, &e);
	if (rc != 0)
		return rc;
	if ((s = tpl_section(d, "POLL_ALL")) == NULL ||
	    (form = tpl_include(s, "POLL_ALL_FORM", "poll_all_button.tpl")) == NULL)
		return ERR_NOMEM;
	tpl_set(form, "STORE", scope.store != NULL ? scope.store : "");
	tpl_set(form, "KIND", scope.kind != NULL ? scope.kind : "");
	tpl_set(form, "SCOPE", scope_text(x, &scope));
	if (running > 0) {
		struct tpl_dict *r = tpl_section(form, "RUNNING");

		if (r != NULL) {
			tpl_set_int(r, "TASK_ID", (long long)running);
			tpl_set(r, "RUNNING_TEXT", form_format(x, "tasks_running_note", running, 0, 0));
		}
	}
	return 0;
}

/* ---- progress and result ---- */

static void fill_progress(struct http_ctx *x, struct tpl_dict *d, const struct task *t)
{
	tpl_set(d, "STATE", t->state);
	tpl_set(d, "STATE_NAME", state_name(x, t->state));
	if (t->total > 0) {
		struct tpl_dict *p = tpl_section(d, "PROGRESS");

		if (p != NULL) {
			tpl_set_int(p, "DONE", (long long)t->done);
			tpl_set_int(p, "TOTAL", (long long)t->total);
			tpl_set(p, "TEXT", form_format(x, "tasks_progress", t->done, t->total, 0));
		}
	} else if (task_state_active(t->state)) {
		tpl_show(d, "PROGRESS_UNKNOWN");
	}
	if (t->note[0] != '\0') {
		struct tpl_dict *n = tpl_section(d, "NOTE");

		if (n != NULL)
			tpl_set(n, "TEXT", t->note);
	}
}

static int64_t result_int(json_object *r, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(r, key, &v) && json_object_is_type(v, json_type_int)
		       ? json_object_get_int64(v)
		       : 0;
}

/* The result summary: in short under {{#RESULT_SHORT}}, in full under {{#RESULT}} (full). */
static void fill_result(struct http_ctx *x, struct tpl_dict *d, const struct task *t, bool full)
{
	json_object *r = NULL;

	if (t->result[0] == '\0' || json_parse(t->result, strlen(t->result), &r, NULL) != 0)
		return;
	if (!full) {
		struct tpl_dict *s = tpl_section(d, "RESULT_SHORT");

		if (s != NULL) {
			tpl_set(s, "TEXT", form_format(x, "tasks_result_short", result_int(r, "polled"),
						      result_int(r, "online"),
						      result_int(r, "offline")));
			if (result_int(r, "errors") > 0) {
				struct tpl_dict *er = tpl_section(s, "ERRORS");

				if (er != NULL)
					tpl_set(er, "TEXT", form_format(x, "tasks_result_errors",
									result_int(r, "errors"), 0, 0));
			}
		}
	} else {
		static const struct {
			const char *key, *label;
		} rows[] = {
			{ "devices", "task_result_devices" },   { "polled", "task_result_polled" },
			{ "online", "task_result_online" },     { "offline", "task_result_offline" },
			{ "errors", "task_result_errors" },     { "skipped", "task_result_skipped" },
			{ "moved", "task_result_moved" },       { "mac_mismatches", "task_result_mismatches" },
		};
		struct tpl_dict *s = tpl_section(d, "RESULT");

		for (size_t i = 0; s != NULL && i < sizeof rows / sizeof rows[0]; i++) {
			struct tpl_dict *row = tpl_section(s, "RESULT_ROW");

			if (row == NULL)
				continue;
			tpl_set(row, "LABEL", page_text(x, rows[i].label));
			tpl_set_int(row, "VALUE", (long long)result_int(r, rows[i].key));
		}
		if (s != NULL)
			tpl_set(s, "DURATION",
				arena_printf(x->arena, "%.1f s",
					     (double)result_int(r, "duration_ms") / 1000));
	}
	json_object_put(r);
}

static void fill_requested_by(struct http_ctx *x, struct tpl_dict *d, const struct task *t)
{
	tpl_set(d, "REQUESTED_BY", t->requested_by > 0 ? t->requested_by_name
						       : page_text(x, "tasks_requested_by_nobody"));
}

/* ---- the list ---- */

static bool list_query(struct http_ctx *x, const char **state, int *offset)
{
	const char *s = http_param_get(&x->req.query_params, "state");
	const char *o = http_param_get(&x->req.query_params, "offset");
	char *end;
	long v;

	*state = s != NULL && s[0] != '\0' ? s : NULL;
	*offset = 0;
	if (*state != NULL && !task_state_valid(*state))
		return false;
	if (o != NULL && o[0] != '\0') {
		v = strtol(o, &end, 10);
		if (end == o || *end != '\0' || v < 0 || v > 100000000)
			return false;
		*offset = (int)v;
	}
	return true;
}

static int render_list(struct http_ctx *x, int status, const char *state, int offset,
		       const char *error)
{
	static const char *const states[] = { "queued", "running", "done", "failed" };
	struct tpl_dict *root, *page = page_begin(x, "tasks_title", "tasks.tpl", "tasks", &root);
	struct tasks_filter f = { .state = state, .limit = TASKS_PER_PAGE, .offset = offset };
	struct task *items = NULL;
	struct err e = { 0 };
	size_t n = 0;
	int64_t total = 0;
	int rc;

	if (page == NULL)
		return ERR_NOMEM;
	tpl_set(root, "CURRENT_PATH", "/tasks");
	tpl_show(root, "AUTO_REFRESH");
	tpl_set(page, "STATE_Q", state != NULL ? state : "");
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		struct tpl_dict *opt = tpl_section(page, "STATE_FILTER");

		if (opt == NULL)
			continue;
		tpl_set(opt, "VALUE", states[i]);
		tpl_set(opt, "LABEL", state_name(x, states[i]));
		if (state != NULL && strcmp(state, states[i]) == 0)
			tpl_show(opt, "SELECTED");
	}
	if (state != NULL)
		tpl_show(page, "FILTERED");
	rc = tasks_list(app_thread_of(x)->db, x->arena, &f, &items, &n, &total, &e);
	if (rc == 0)
		rc = task_ui_poll_all_button(x, page, NULL, NULL);
	if (rc != 0) {
		tpl_dict_free(root);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		const struct task *t = &items[i];
		struct tpl_dict *row = tpl_section(page, "TASK");

		if (row == NULL)
			continue;
		tpl_set_int(row, "ID", (long long)t->id);
		tpl_set(row, "KIND_NAME", page_text(x, "task_kind_poll_all"));
		tpl_set(row, "SCOPE", scope_text(x, &t->scope));
		fill_progress(x, row, t);
		tpl_set(row, "CREATED", form_time(x, t->created_at));
		tpl_set(row, "STARTED", form_time(x, t->started_at));
		tpl_set(row, "FINISHED", t->finished_at[0] != '\0' ? form_time(x, t->finished_at)
								  : "—");
		fill_requested_by(x, row, t);
		fill_result(x, row, t, false);
		if (t->error[0] != '\0') {
			struct tpl_dict *er = tpl_section(row, "ERROR_SHORT");

			if (er != NULL)
				tpl_set(er, "TEXT", t->error);
		}
	}
	tpl_set(page, "COUNT", form_format(x, "tasks_count", (long long)total, 0, 0));
	if (n == 0)
		tpl_show(page, state != NULL ? "NO_MATCH" : "NO_TASKS");
	if (total > TASKS_PER_PAGE || offset > 0) {
		struct tpl_dict *pager = tpl_section(page, "PAGER");

		if (pager != NULL) {
			tpl_set(pager, "RANGE",
				form_format(x, "pager_range", n > 0 ? offset + 1 : offset,
					    offset + (long long)n, (long long)total));
			if (offset > 0) {
				struct tpl_dict *prev = tpl_section(pager, "PREV");

				if (prev != NULL)
					tpl_set_int(prev, "OFFSET", offset > TASKS_PER_PAGE
									    ? offset - TASKS_PER_PAGE
									    : 0);
			}
			if (offset + (long long)n < total) {
				struct tpl_dict *next = tpl_section(pager, "NEXT");

				if (next != NULL)
					tpl_set_int(next, "OFFSET", offset + TASKS_PER_PAGE);
			}
		}
	}
	form_banner(page, "ERROR", error);
	return page_render(x, status, root);
}

int handle_tasks_page(struct http_ctx *x)
{
	const char *state;
	int offset;

	if (!list_query(x, &state, &offset)) {
		page_error(x, 400);
		return 0;
	}
	return render_list(x, 200, state, offset, NULL);
}

/* ---- one task ---- */

int handle_task_page(struct http_ctx *x)
{
	struct task t;
	struct err e = { 0 };
	struct tpl_dict *root, *page;
	int rc = tasks_get(app_thread_of(x)->db, x->arena, app_path_id(x), &t, &e);

	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0)
		return rc;
	page = page_begin(x, "task_title", "task.tpl", "tasks", &root);
	if (page == NULL)
		return ERR_NOMEM;
	tpl_set(root, "PAGE_TITLE",
		arena_printf(x->arena, "%s %" PRId64, page_text(x, "task_title"), t.id));
	tpl_set(root, "CURRENT_PATH", arena_printf(x->arena, "/tasks/%" PRId64, t.id));
	if (task_state_active(t.state)) {
		/* Only while it runs: a finished task's page stays still. */
		struct tpl_dict *live = tpl_section(root, "LIVE_REFRESH");

		if (live != NULL)
			tpl_set_int(live, "SECONDS", TASK_PAGE_REFRESH_SECONDS);
		tpl_set(page, "LIVE_NOTE",
			form_format(x, "task_live_note", TASK_PAGE_REFRESH_SECONDS, 0, 0));
		tpl_show(page, "LIVE");
	}
	tpl_set_int(page, "ID", (long long)t.id);
	tpl_set(page, "KIND_NAME", page_text(x, "task_kind_poll_all"));
	tpl_set(page, "SCOPE", scope_text(x, &t.scope));
	fill_progress(x, page, &t);
	tpl_set(page, "CREATED", form_time(x, t.created_at));
	tpl_set(page, "STARTED", form_time(x, t.started_at));
	tpl_set(page, "FINISHED", t.finished_at[0] != '\0' ? form_time(x, t.finished_at) : "—");
	fill_requested_by(x, page, &t);
	if (t.pid > 0) {
		struct tpl_dict *p = tpl_section(page, "PROCESS");

		if (p != NULL) {
			tpl_set_int(p, "PID", t.pid);
			tpl_set(p, "HOST", t.host);
		}
	}
	if (t.trace_id[0] != '\0') {
		struct tpl_dict *tr = tpl_section(page, "TRACE");

		if (tr != NULL)
			tpl_set(tr, "TRACE_ID", t.trace_id);
	}
	fill_result(x, page, &t, true);
	form_banner(page, "ERROR", t.error[0] != '\0' ? t.error : NULL);
	if (http_param_get(&x->req.query_params, "already") != NULL)
		form_banner(page, "NOTICE", page_text(x, "task_notice_already"));
	else if (http_param_get(&x->req.query_params, "created") != NULL)
		form_banner(page, "NOTICE", page_text(x, "task_notice_created"));
	return page_render(x, 200, root);
}

/* ---- POST /tasks/poll-all ---- */

int handle_tasks_poll_all_form(struct http_ctx *x)
{
	struct task_scope scope;
	struct err e = { 0 };
	int64_t id = 0, existing = 0;
	int rc = app_task_scope(x, form_text(x, "store"), form_text(x, "kind"), &scope, &e);

	if (rc == ERR_INVALID)
		return render_list(x, 422, NULL, 0, page_text(x, "tasks_msg_scope"));
	if (rc != 0)
		return rc;
	rc = app_task_poll_all(x, &scope, &id, &existing, &e);
	if (rc == ERR_CONFLICT && existing > 0) {
		http_redirect(x, arena_printf(x->arena, "/tasks/%" PRId64 "?already=1", existing));
		return 0;
	}
	if (rc == ERR_CONFLICT)
		return render_list(x, 409, NULL, 0, page_text(x, "tasks_msg_busy"));
	if (rc != 0)
		return rc;
	http_redirect(x, arena_printf(x->arena, "/tasks/%" PRId64 "?created=1", id));
	return 0;
}
