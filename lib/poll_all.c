#include "poll_all.h"

#include "db.h"
#include "log.h"
#include "poll_runs.h"

#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The lock, waiting for it as o says. 0 with the lock, ERR_CONFLICT, or a database failure. */
static int take_lock(struct db *db, const struct poll_all_options *o, bool *waited, struct err *e)
{
	double deadline = now_ms() + 1000.0 * (o->wait_seconds > 0 ? o->wait_seconds : 0);

	for (;;) {
		char since[64];
		bool locked = false;
		int pid = 0, rc = poll_run_lock(db, &locked, e);

		if (rc != 0)
			return rc;
		if (locked)
			return 0;
		/* Who holds it only words the message: not knowing is no failure. */
		if (poll_run_holder(db, since, &pid, NULL) != 0) {
			since[0] = '\0';
			pid = 0;
		}
		if (o->wait_seconds <= 0 || now_ms() >= deadline) {
			if (since[0] != '\0')
				return err_set(e, ERR_CONFLICT, "poll-all already running since %s (pid %d)",
					       since, pid);
			return err_set(e, ERR_CONFLICT, "poll-all already running");
		}
		*waited = true;
		if (o->waiting != NULL)
			o->waiting(o->arg, since, pid);
		sleep_ms(1000);
	}
}

static void log_done(const struct poll_all_options *o, const struct printer_check_summary *s,
		     long ms)
{
	struct log_line l;

	log_begin(&l, LOG_LEVEL_INFO, "poll_all_done", o->trace_id);
	log_int(&l, "devices", (long long)s->devices);
	log_int(&l, "polled", (long long)s->polled);
	log_int(&l, "online", (long long)s->up);
	log_int(&l, "offline", (long long)s->down);
	log_int(&l, "errors", (long long)s->errors);
	log_int(&l, "skipped", (long long)s->skipped);
	log_dbl(&l, "duration_s", (double)ms / 1000);
	log_end(&l);
}

int poll_all_run(struct db *db, const struct config *cfg, const struct printer_check_scope *scope,
		 const struct poll_all_options *o, struct poll_all_result *out, struct err *e)
{
	const char *store = scope != NULL ? scope->store_code : NULL;
	const char *kind = scope != NULL ? scope->kind : NULL;
	struct err le = { 0 }, ignored;
	double t0;
	int rc;

	memset(out, 0, sizeof *out);
	rc = take_lock(db, o, &out->waited, &le);
	if (rc != 0) {
		if (rc != ERR_CONFLICT)
			log_msg(LOG_LEVEL_ERROR, "poll_all_failed", o->trace_id, "%s", le.msg);
		if (e != NULL)
			*e = le;
		return rc;
	}
	t0 = now_ms();
	rc = poll_run_begin(db, store, kind, o->trace_id, &out->run_id, &le);
	if (rc == 0)
		rc = printer_check_all(db, cfg, scope, o->progress, o->arg, o->trace_id, &out->sum,
				       &le);
	out->duration_ms = (long)(now_ms() - t0);
	if (rc != 0) {
		log_msg(LOG_LEVEL_ERROR, "poll_all_failed", o->trace_id, "%s", le.msg);
		if (out->run_id != 0)
			poll_run_end(db, out->run_id, false, &out->sum, -1, out->duration_ms, le.msg,
				     &ignored);
		if (e != NULL)
			*e = le;
	} else {
		log_done(o, &out->sum, out->duration_ms);
		poll_run_end(db, out->run_id, true, &out->sum, (long)out->sum.devices,
			     out->duration_ms, NULL, &out->record);
	}
	/* The lock dies with the connection anyway; a caller that goes on should not keep it. */
	db_advisory_unlock(db, POLL_ALL_LOCK_KEY, &ignored);
	return rc;
}
