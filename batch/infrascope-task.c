/*
 * infrascope-task — run tasks (lib/tasks.h): the poll-alls an operator starts from a page or
 * the API.
 *
 *   ID
 *       Run queued task ID in the foreground: claim it (running, with this pid), poll every
 *       printer of its scope exactly as `infrascope-poll --all` does (lib/poll_all.h: the same
 *       advisory lock, poll_runs row and summary), report progress as it goes, finish it with
 *       the summary or the error. While a scheduled poll-all holds the lock the task waits
 *       for it (its progress says so), up to TASK_LOCK_WAIT_SECONDS.
 *   --detach ID
 *       The same in the background: the program forks and the first process exits at once
 *       (0 when the second runs). The web app and --drain start tasks this way.
 *   --drain
 *       For cron, every minute: start queued tasks whose start was lost (queued for more than
 *       DRAIN_LOST_SECONDS), fail those queued for more than DRAIN_GIVE_UP_SECONDS, fail running
 *       tasks whose process died (its pid is gone on this host, or it has not touched its row
 *       for DRAIN_STALE_SECONDS). Prints what it did; nothing when there was nothing to do.
 *
 * Exit codes: 0 done; 64 usage, or no such task; 69 PostgreSQL did not answer; 70 the task
 * failed; 75 busy (the task is not queued any more, another poll-all kept the lock, another
 * --drain runs); 78 bad configuration.
 */
#include "arena.h"
#include "batch.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "poll_all.h"
#include "poll_metrics.h"
#include "sbuf.h"
#include "tasks.h"
#include "trace.h"
#include "version.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EX_OK = 0, EX_USAGE = 64, EX_UNAVAILABLE = 69, EX_SOFTWARE = 70,
       EX_TEMPFAIL = 75, EX_CONFIG = 78 };

#define TASK_LOCK_WAIT_SECONDS 600     /* how long a task waits for a running poll-all */
#define DRAIN_LOST_SECONDS 30          /* queued longer than this: its start was lost */
#define DRAIN_GIVE_UP_SECONDS 600      /* queued longer than this: failed, not started again */
#define DRAIN_STALE_SECONDS 300        /* running without a heartbeat this long: dead */

/* pg_try_advisory_lock key of --drain: "taskdrn" in ASCII. */
#define TASKS_DRAIN_LOCK_KEY 0x7461736b64726eLL

static void usage(FILE *out)
{
	fprintf(out,
		"usage: infrascope-task ID\n"
		"       infrascope-task --detach ID\n"
		"       infrascope-task --drain\n"
		"       infrascope-task --help | --help-config | --version\n"
		"  ID        run queued task ID (a poll-all) in the foreground; it waits up to %d s\n"
		"            for a poll-all that is already running.\n"
		"  --detach  the same in the background (the web app starts tasks so).\n"
		"  --drain   (cron, every minute) start tasks whose start was lost, fail tasks whose\n"
		"            process died; prints what it did.\n",
		TASK_LOCK_WAIT_SECONDS);
}

static void host_name(char host[256])
{
	if (gethostname(host, 255) != 0)
		host[0] = '\0';
	host[255] = '\0';
}

/* ---- the heartbeat: a thread with its own connection touches the row every 30 s ---- */

struct heartbeat {
	const struct config *cfg;
	int64_t id;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, started;
};

static void *heartbeat_main(void *arg)
{
	struct heartbeat *h = arg;
	struct db *db = db_new(h->cfg, "infrascope-task");

	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		struct timespec until;
		struct err e = { 0 };

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += TASKS_HEARTBEAT_SECONDS;
		while (!h->stop && pthread_cond_timedwait(&h->cv, &h->mu, &until) != ETIMEDOUT)
			;
		if (h->stop)
			break;
		pthread_mutex_unlock(&h->mu);
		if (db == NULL || tasks_heartbeat(db, h->id, &e) != 0)
			log_msg(LOG_LEVEL_WARN, "task_heartbeat_failed", NULL, "task %" PRId64 ": %s",
				h->id, db == NULL ? "out of memory" : e.msg);
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	db_free(db);
	return NULL;
}

static void heartbeat_start(struct heartbeat *h, const struct config *cfg, int64_t id)
{
	pthread_condattr_t ca;

	memset(h, 0, sizeof *h);
	h->cfg = cfg;
	h->id = id;
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	h->started = pthread_create(&h->tid, NULL, heartbeat_main, h) == 0;
	if (!h->started)
		log_msg(LOG_LEVEL_WARN, "task_heartbeat_failed", NULL,
			"task %" PRId64 ": no heartbeat thread", id);
}

static void heartbeat_stop(struct heartbeat *h)
{
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (h->started)
		pthread_join(h->tid, NULL);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
}

/* ---- one task ---- */

struct run {
	struct db *db;
	int64_t id;
	const char *trace_id;
	char last_note[160];
};

/* Progress failures are only logged: the poll goes on and the end says how it went. */
static void on_progress(void *arg, size_t done, size_t total)
{
	struct run *r = arg;
	struct err e = { 0 };

	r->last_note[0] = '\0';
	if (tasks_progress(r->db, r->id, (int64_t)done, (int64_t)total, NULL, &e) != 0)
		log_msg(LOG_LEVEL_WARN, "task_progress_failed", r->trace_id, "task %" PRId64 ": %s",
			r->id, e.msg);
}

static void on_waiting(void *arg, const char *since, int pid)
{
	struct run *r = arg;
	char note[160];
	struct err e = { 0 };

	if (since[0] != '\0')
		snprintf(note, sizeof note, "waiting for the poll-all running since %s (pid %d)",
			 since, pid);
	else
		snprintf(note, sizeof note, "waiting for the poll-all that is running");
	if (strcmp(note, r->last_note) == 0)
		return;
	snprintf(r->last_note, sizeof r->last_note, "%s", note);
	log_msg(LOG_LEVEL_INFO, "task_waiting", r->trace_id, "task %" PRId64 ": %s", r->id, note);
	if (tasks_progress(r->db, r->id, 0, 0, note, &e) != 0)
		log_msg(LOG_LEVEL_WARN, "task_progress_failed", r->trace_id, "task %" PRId64 ": %s",
			r->id, e.msg);
}

static json_object *result_json(const struct poll_all_result *res)
{
	json_object *o = json_object_new_object();
	const struct printer_check_summary *s = &res->sum;

	json_object_object_add(o, "devices", json_object_new_int64((int64_t)s->devices));
	json_object_object_add(o, "polled", json_object_new_int64((int64_t)s->polled));
	json_object_object_add(o, "online", json_object_new_int64((int64_t)s->up));
	json_object_object_add(o, "offline", json_object_new_int64((int64_t)s->down));
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)s->errors));
	json_object_object_add(o, "skipped", json_object_new_int64((int64_t)s->skipped));
	json_object_object_add(o, "moved", json_object_new_int64((int64_t)s->moved));
	json_object_object_add(o, "mac_mismatches", json_object_new_int64((int64_t)s->mismatched));
	json_object_object_add(o, "duration_ms", json_object_new_int64(res->duration_ms));
	json_object_object_add(o, "poll_run_id", json_object_new_int64(res->run_id));
	json_object_object_add(o, "waited_for_lock", json_object_new_boolean(res->waited));
	return o;
}

/* The event of a task's end (or of --drain failing it); failures only go to the log. */
static void task_event(struct db *db, int64_t id, int64_t user, bool ok, const char *message,
		       json_object *payload, const char *trace_id)
{
	json_object *p = payload != NULL ? payload : json_object_new_object();
	struct event ev = { .type = ok ? "task_done" : "task_failed",
			    .severity = ok ? "info" : "error", .user_id = user, .message = message,
			    .payload = p, .trace_id = trace_id };
	struct err e = { 0 };

	json_object_object_add(p, "task_id", json_object_new_int64(id));
	if (event_record(db, &ev, &e) != 0)
		log_msg(LOG_LEVEL_ERROR, "event_failed", trace_id, "%s: %s", ev.type, e.msg);
	json_object_put(p);
}

static const char *scope_words(const struct task_scope *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", s->store != NULL ? "store " : "every store",
		 s->store != NULL ? s->store : "", s->kind != NULL ? ", " : "",
		 s->kind != NULL ? s->kind : "");
	return buf;
}

static int run_task(const struct config *cfg, int64_t id)
{
	struct arena *a = arena_new(16 * 1024, 16u << 20);
	struct db *db = db_new(cfg, "infrascope-task");
	struct err e = { 0 };
	struct task t;
	struct heartbeat hb;
	struct poll_all_result res;
	struct printer_check_scope scope;
	struct poll_all_options o = { .wait_seconds = TASK_LOCK_WAIT_SECONDS };
	struct run r = { .db = db, .id = id };
	char host[256], trace_id[TRACE_ID_LEN + 1], words[160];
	int rc, code;

	if (a == NULL || db == NULL) {
		fprintf(stderr, "infrascope-task: out of memory\n");
		arena_free(a);
		db_free(db);
		return EX_SOFTWARE;
	}
	host_name(host);
	rc = db_connect(db, &e);
	if (rc == 0)
		rc = tasks_claim(db, a, id, (int)getpid(), host, &t, &e);
	if (rc != 0) {
		fprintf(stderr, "infrascope-task: task %" PRId64 ": %s\n", id, e.msg);
		log_msg(LOG_LEVEL_ERROR, "task_not_started", NULL, "task %" PRId64 ": %s", id, e.msg);
		code = rc == ERR_NOTFOUND ? EX_USAGE : rc == ERR_CONFLICT ? EX_TEMPFAIL
				 : rc == ERR_DB_DOWN ? EX_UNAVAILABLE : EX_SOFTWARE;
		goto out;
	}
	if (strlen(t.trace_id) == TRACE_ID_LEN)
		snprintf(trace_id, sizeof trace_id, "%s", t.trace_id);
	else
		trace_new_id(trace_id, TRACE_ID_LEN);
	r.trace_id = trace_id;
	o.trace_id = trace_id;
	o.waiting = on_waiting;
	o.progress = on_progress;
	o.arg = &r;
	scope_words(&t.scope, words, sizeof words);
	{
		struct log_line l;

		log_begin(&l, LOG_LEVEL_INFO, "task_started", trace_id);
		log_int(&l, "task_id", id);
		log_str(&l, "kind", t.kind);
		log_str(&l, "scope", words);
		log_end(&l);
	}

	heartbeat_start(&hb, cfg, id);
	scope = (struct printer_check_scope){ .store_code = t.scope.store, .kind = t.scope.kind };
	rc = poll_all_run(db, cfg, &scope, &o, &res, &e);
	heartbeat_stop(&hb);
	/* The node_exporter textfile, as the scheduled poll-all writes it. */
	if (rc != ERR_CONFLICT) {
		struct err me = { 0 };

		if (poll_metrics_after_run(db, cfg->metrics_textfile_dir, &res, rc == 0, trace_id,
					   &me) != 0) {
			fprintf(stderr, "infrascope-task: warning: %s\n", me.msg);
			log_msg(LOG_LEVEL_WARN, "metrics_textfile_failed", trace_id, "%s", me.msg);
		}
	}

	if (rc == 0) {
		json_object *result = result_json(&res);
		struct sbuf b;
		struct err fe = { 0 };
		int frc;

		sbuf_init(&b, a, 64 * 1024);
		json_render(result, &b);
		frc = tasks_finish(db, id, true, sbuf_cstr(&b), NULL, &fe);
		printf("task %" PRId64 " done: poll-all of %s: %zu devices, polled %zu: %zu online, "
		       "%zu offline, %zu errors, %zu skipped by circuit, %zu moved, %zu MAC "
		       "mismatches; %.1f s\n",
		       id, words, res.sum.devices, res.sum.polled, res.sum.up, res.sum.down,
		       res.sum.errors, res.sum.skipped, res.sum.moved, res.sum.mismatched,
		       (double)res.duration_ms / 1000);
		if (frc != 0) {
			fprintf(stderr, "infrascope-task: task %" PRId64 ": recording its result "
				"failed: %s\n", id, fe.msg);
			log_msg(LOG_LEVEL_ERROR, "task_finish_failed", trace_id, "task %" PRId64 ": %s",
				id, fe.msg);
			code = frc == ERR_DB_DOWN ? EX_UNAVAILABLE : EX_SOFTWARE;
		} else {
			code = EX_OK;
		}
		json_object_object_add(result, "kind", json_object_new_string(t.kind));
		json_object_object_add(result, "scope", task_scope_json(&t.scope));
		task_event(db, id, t.requested_by, true,
			   arena_printf(a, "poll-all of %s done: %zu devices, %zu online, %zu offline",
					words, res.sum.devices, res.sum.up, res.sum.down),
			   result, trace_id);
	} else {
		const char *why = rc == ERR_CONFLICT
			? arena_printf(a, "another poll-all kept running for %d s (%s); try again later",
				       TASK_LOCK_WAIT_SECONDS, e.msg)
			: arena_printf(a, "poll-all failed: %s", e.msg);
		struct err fe = { 0 };
		json_object *p = json_object_new_object();

		fprintf(stderr, "infrascope-task: task %" PRId64 ": %s\n", id, why);
		log_msg(LOG_LEVEL_ERROR, "task_failed", trace_id, "task %" PRId64 ": %s", id, why);
		if (tasks_finish(db, id, false, NULL, why, &fe) != 0)
			fprintf(stderr, "infrascope-task: task %" PRId64 ": recording the failure "
				"failed: %s\n", id, fe.msg);
		code = rc == ERR_CONFLICT ? EX_TEMPFAIL : rc == ERR_DB_DOWN ? EX_UNAVAILABLE
										 : EX_SOFTWARE;
		json_object_object_add(p, "kind", json_object_new_string(t.kind));
		json_object_object_add(p, "scope", task_scope_json(&t.scope));
		json_object_object_add(p, "error", json_object_new_string(why));
		task_event(db, id, t.requested_by, false,
			   arena_printf(a, "poll-all of %s failed", words), p, trace_id);
	}
out:
	db_free(db);
	arena_free(a);
	return code;
}

/* ---- --drain ---- */

static int drain(const struct config *cfg)
{
	struct arena *a = arena_new(16 * 1024, 16u << 20);
	struct db *db = db_new(cfg, "infrascope-task");
	struct tasks_drain_action *acts = NULL;
	struct err e = { 0 };
	char host[256];
	struct tasks_drain_options o = { .batch_dir = cfg->batch_dir, .host = host,
					 .lost_after_seconds = DRAIN_LOST_SECONDS,
					 .give_up_seconds = DRAIN_GIVE_UP_SECONDS,
					 .stale_seconds = DRAIN_STALE_SECONDS };
	bool locked = false;
	size_t n = 0;
	int rc, code = EX_OK;

	if (a == NULL || db == NULL) {
		fprintf(stderr, "infrascope-task: out of memory\n");
		arena_free(a);
		db_free(db);
		return EX_SOFTWARE;
	}
	host_name(host);
	rc = db_connect(db, &e);
	if (rc == 0)
		rc = db_try_advisory_lock(db, TASKS_DRAIN_LOCK_KEY, &locked, &e);
	if (rc == 0 && !locked) {
		fprintf(stderr, "infrascope-task: another --drain is running\n");
		code = EX_TEMPFAIL;
		goto out;
	}
	if (rc == 0)
		rc = tasks_drain(db, a, &o, &acts, &n, &e);
	if (rc != 0) {
		fprintf(stderr, "infrascope-task: --drain: %s\n", e.msg);
		log_msg(LOG_LEVEL_ERROR, "task_drain_failed", NULL, "%s", e.msg);
		code = rc == ERR_DB_DOWN ? EX_UNAVAILABLE : EX_SOFTWARE;
	}
	/* What was done before a failure is done: say so either way. */
	for (size_t i = 0; i < n; i++) {
		struct log_line l;

		printf("task %" PRId64 ": %s (%s)\n", acts[i].id,
		       acts[i].started ? "started again" : "failed", acts[i].why);
		log_begin(&l, acts[i].started ? LOG_LEVEL_INFO : LOG_LEVEL_WARN,
			  acts[i].started ? "task_restarted" : "task_drained", NULL);
		log_int(&l, "task_id", acts[i].id);
		log_str(&l, "msg", acts[i].why);
		log_end(&l);
		if (!acts[i].started)
			task_event(db, acts[i].id, 0, false,
				   arena_printf(a, "task %" PRId64 " failed: %s", acts[i].id,
						acts[i].why),
				   NULL, NULL);
	}
out:
	db_free(db);
	arena_free(a);
	return code;
}

static bool parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || s[0] < '0' || s[0] > '9')
		return false;
	*id = v;
	return true;
}

int main(int argc, char **argv)
{
	struct config cfg;
	bool detach = false, drain_mode = false;
	const char *id_arg = NULL;
	int64_t id = 0;
	int code;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (batch_common_option("infrascope-task", a, usage, &code)) {
			return code;
		} else if (strcmp(a, "--detach") == 0) {
			detach = true;
		} else if (strcmp(a, "--drain") == 0) {
			drain_mode = true;
		} else if (a[0] != '-' && id_arg == NULL) {
			id_arg = a;
		} else {
			fprintf(stderr, "infrascope-task: unknown option or extra argument: %s\n", a);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (drain_mode == (id_arg != NULL) || (drain_mode && detach)) {
		fprintf(stderr, "infrascope-task: give a task id, --detach ID or --drain\n");
		usage(stderr);
		return EX_USAGE;
	}
	if (id_arg != NULL && !parse_id(id_arg, &id)) {
		fprintf(stderr, "infrascope-task: %s: not a task id\n", id_arg);
		return EX_USAGE;
	}
	if ((code = batch_config("infrascope-task", &cfg)) != 0)
		return code;
	if (detach) {
		/* The first process returns at once (its parent reaps it); the task runs in the
		 * second, which nobody waits for. */
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "infrascope-task: fork: %s\n", strerror(errno));
			config_free(&cfg);
			return EX_SOFTWARE;
		}
		if (pid > 0)
			_exit(EX_OK);
	}
	batch_log("infrascope-task", &cfg);
	code = drain_mode ? drain(&cfg) : run_task(&cfg, id);
	config_free(&cfg);
	return code;
}
