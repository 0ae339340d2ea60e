/*
 * tasks — work that outlives a request (SPEC §4 "poll ... all (as a task)", §8 the tasks
 * page): the tasks table (sql/0008_tasks.sql), the rules of a task's scope, starting a task's
 * process and repairing what went wrong with it.
 *
 * Life of a task: tasks_create() inserts it queued — at most one queued or running task of a
 * kind per scope (a partial unique index: of two requests at the same moment one gets
 * ERR_CONFLICT with the other's id) — and tasks_spawn() starts `infrascope-task --detach ID`
 * from BATCH_DIR. That process claims the row (tasks_claim: running, its pid and host),
 * reports progress (tasks_progress, and tasks_heartbeat every TASKS_HEARTBEAT_SECONDS) and
 * finishes it (tasks_finish: done with a result, or failed with the error). tasks_drain(),
 * run by cron every minute, starts queued tasks whose start was lost and fails running tasks
 * whose process died: its pid is gone on this host, or its heartbeat stopped.
 *
 * The spawned process inherits nothing of its parent but stderr (stdin and stdout are
 * /dev/null, every other descriptor is closed in the child: no FastCGI socket, no database
 * connection), starts with an empty signal mask and default dispositions, and lives in a
 * session of its own. `--detach` forks once more and the first process exits at once, so
 * tasks_spawn() reaps its child within milliseconds and the task itself is nobody's child:
 * the web app neither collects zombies nor takes the task down when it restarts.
 *
 * Strings in the structs below live in the caller's arena; "" stands for SQL NULL. Every
 * function returns 0 or a negative err_code with e saying why.
 */
#ifndef INFRASCOPE_TASKS_H
#define INFRASCOPE_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "err.h"

struct arena;
struct db;

#define TASK_KIND_POLL_ALL "poll_all"
#define TASK_NOTE_MAX 500                /* characters of progress_note */
#define TASK_ERROR_MAX 2000              /* characters of error */
#define TASKS_HEARTBEAT_SECONDS 30       /* a running task touches its row at least this often */
#define TASKS_PROGRAM "infrascope-task"  /* in BATCH_DIR */

/* What a poll-all task covers: NULL = all. */
struct task_scope {
	const char *store;              /* a store's code as stored */
	const char *kind;               /* laser_printer | label_printer */
};

struct task {
	int64_t id;
	const char *kind;               /* poll_all */
	const char *state;              /* queued | running | done | failed */
	struct task_scope scope;
	int64_t done, total;            /* devices polled of the devices in scope */
	const char *note;               /* what it does while not counting ("waiting ...") */
	const char *created_at;         /* ISO 8601, UTC; "" = not yet */
	const char *started_at;
	const char *finished_at;
	const char *updated_at;         /* the heartbeat */
	int64_t heartbeat_age;          /* seconds since updated_at */
	int pid;                        /* 0 = none */
	const char *host;
	const char *result;             /* the result object as JSON text */
	const char *error;
	int64_t requested_by;           /* 0 = nobody (cron) or a deleted user */
	const char *requested_by_name;  /* the user's full name, else email */
	const char *trace_id;
};

/* ---- rules (pure) ---- */

bool task_kind_valid(const char *kind);           /* poll_all */
bool task_state_valid(const char *state);         /* queued | running | done | failed */
bool task_state_active(const char *state);        /* queued | running */

/*
 * task_scope_check — kind NULL or a printer kind; store NULL or a store code by the rules of
 * lib/stores.h (whether the store exists is tasks_resolve_store's question).
 */
int task_scope_check(const struct task_scope *s, struct err *e);

/* task_scope_equal — the same scope: both fields equal, NULL only equal to NULL. */
bool task_scope_equal(const struct task_scope *a, const struct task_scope *b);

/*
 * task_scope_from_json — a request body: NULL (no body) or an object with at most "store"
 * and "kind", each a string or null. Strings are borrowed from body. Checked with
 * task_scope_check; ERR_INVALID names the field.
 */
int task_scope_from_json(json_object *body, struct task_scope *out, struct err *e);

/* task_scope_json — {"store": code or null, "kind": kind or null}. */
json_object *task_scope_json(const struct task_scope *s);

/* ---- storage ---- */

/*
 * tasks_resolve_store — a store named by its id (digits) or code (as people type it: case
 * and look-alike letters do not matter) → its code as stored (in a). ERR_NOTFOUND.
 */
int tasks_resolve_store(struct db *db, struct arena *a, const char *store, const char **code,
			struct err *e);

/*
 * tasks_create — a queued task of kind over scope (checked), requested by user (0 = none),
 * with trace_id (NULL = none); *id gets its id. ERR_CONFLICT when a queued or running task of
 * the kind has this scope: *existing gets that task's id.
 */
int tasks_create(struct db *db, const char *kind, const struct task_scope *scope,
		 int64_t requested_by, const char *trace_id, int64_t *id, int64_t *existing,
		 struct err *e);

/* tasks_find_active — the queued or running task of kind with this scope: *id (0 = none). */
int tasks_find_active(struct db *db, const char *kind, const struct task_scope *scope,
		      int64_t *id, struct err *e);

/* tasks_get — one task; ERR_NOTFOUND. */
int tasks_get(struct db *db, struct arena *a, int64_t id, struct task *t, struct err *e);

struct tasks_filter {
	const char *state;              /* NULL = any */
	const char *kind;               /* NULL = any */
	int limit, offset;
};

/* tasks_list — newest first, a page of them and how many match in all. */
int tasks_list(struct db *db, struct arena *a, const struct tasks_filter *f, struct task **items,
	       size_t *n, int64_t *total, struct err *e);

/* ---- the task's own process ---- */

/*
 * tasks_claim — queued → running with pid and host (started_at now); t gets the task as it is
 * then. ERR_NOTFOUND; ERR_CONFLICT when it is not queued any more (t says its state).
 */
int tasks_claim(struct db *db, struct arena *a, int64_t id, int pid, const char *host,
		struct task *t, struct err *e);

/* tasks_progress — done of total, and the note (NULL = none; cut to TASK_NOTE_MAX). */
int tasks_progress(struct db *db, int64_t id, int64_t done, int64_t total, const char *note,
		   struct err *e);

/* tasks_heartbeat — the running task is alive (touches updated_at). */
int tasks_heartbeat(struct db *db, int64_t id, struct err *e);

/*
 * tasks_finish — running → done with result (a JSON object as text), or → failed with error
 * (cut to TASK_ERROR_MAX). ERR_NOTFOUND when the task is not running (drain failed it meanwhile).
 */
int tasks_finish(struct db *db, int64_t id, bool ok, const char *result, const char *error,
		 struct err *e);

/* tasks_fail — a queued or running task → failed with error. ERR_NOTFOUND when not active. */
int tasks_fail(struct db *db, int64_t id, const char *error, struct err *e);

/* ---- processes ---- */

/*
 * tasks_spawn — start `BATCH_DIR/infrascope-task --detach ID` as described above and reap the
 * first process. ERR_IO when it could not be started or did not detach.
 */
int tasks_spawn(const char *batch_dir, int64_t id, struct err *e);

/*
 * tasks_process_alive — whether pid on this host still is a task process: it exists, is not
 * a zombie and, when its command line can be read, runs infrascope-task (a pid reused by
 * another program counts as gone).
 */
bool tasks_process_alive(int pid);

/* ---- repair (cron) ---- */

struct tasks_drain_options {
	const char *batch_dir;          /* where infrascope-task is */
	const char *host;               /* this host's name, as tasks_claim recorded it */
	int lost_after_seconds;         /* a task still queued this long after creation was lost */
	int give_up_seconds;            /* ... and one queued this long is failed, not started */
	int stale_seconds;              /* a running task without a heartbeat this long is dead */
};

struct tasks_drain_action {
	int64_t id;
	bool started;                   /* started again; else failed */
	const char *why;
};

/* tasks_drain — start lost tasks, fail dead ones; what it did in *acts (arena). */
int tasks_drain(struct db *db, struct arena *a, const struct tasks_drain_options *o,
		struct tasks_drain_action **acts, size_t *n, struct err *e);

#endif
