/*
 * infrascope-housekeeping — delete rows that can no longer matter: ended sessions, expired
 * refresh tokens, revoked access-token ids past their expiry, old login failure counters.
 * Run hourly from cron; safe to run any time and concurrently with the web app (each DELETE
 * is one statement on rows nobody can use any more). A second copy started while one runs
 * exits at once with 75.
 *
 * With --thin-history (daily from cron) it thins the sample history instead (lib/history.h:
 * all samples for 7 days, hourly to 90 days, daily after), under a lock of its own.
 *
 * Exit codes: 0 done, 64 usage, 69 PostgreSQL unreachable, 70 a statement failed,
 * 75 another copy is running, 78 bad configuration.
 */
#include "batch.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "history.h"
#include "log.h"
#include "sessions.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

enum { EX_OK = 0, EX_USAGE = 64, EX_UNAVAILABLE = 69, EX_SOFTWARE = 70, EX_TEMPFAIL = 75,
       EX_CONFIG = 78 };

/* pg_try_advisory_lock key: "housekeeping" in ASCII, so it is recognisable in pg_locks. */
#define LOCK_KEY 0x686f7573656b6565LL
#define THIN_LOCK_KEY (LOCK_KEY + 1)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: infrascope-housekeeping [--thin-history] [--help] [--help-config] [--version]\n"
		"  Deletes ended sessions, expired refresh tokens and revoked token ids, and login\n"
		"  failure counters older than LOGIN_WINDOW_MINUTES. Prints what it removed.\n"
		"  --thin-history  instead thins the poll history: every sample for 7 days, one per\n"
		"                  hour up to 90 days, one per day after that.\n");
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct err e = { 0 };
	struct purge_counts n;
	struct db *db = NULL;
	bool locked = false, thin = false;
	int rc, code = EX_OK;

	for (int i = 1; i < argc; i++) {
		if (batch_common_option("infrascope-housekeeping", argv[i], usage, &code)) {
			return code;
		} else if (strcmp(argv[i], "--thin-history") == 0) {
			thin = true;
			continue;
		}
		fprintf(stderr, "infrascope-housekeeping: unknown option %s\n", argv[i]);
		usage(stderr);
		return EX_USAGE;
	}
	if ((code = batch_config("infrascope-housekeeping", &cfg)) != 0)
		return code;
	batch_log("infrascope-housekeeping", &cfg);
	db = db_new(&cfg, "infrascope-housekeeping");
	rc = db != NULL ? db_connect(db, &e) : err_set(&e, ERR_NOMEM, "out of memory");
	if (rc == 0)
		rc = db_try_advisory_lock(db, thin ? THIN_LOCK_KEY : LOCK_KEY, &locked, &e);
	if (rc == 0 && !locked) {
		fprintf(stderr, "infrascope-housekeeping: another copy is running\n");
		code = EX_TEMPFAIL;
		goto out;
	}
	if (rc == 0 && thin) {
		struct history_thinned h;

		if ((rc = history_thin(db, &h, &e)) == 0) {
			printf("thinned %ld up/down sample(s), %ld supply sample(s)\n", h.device_samples,
			       h.supply_samples);
			log_msg(LOG_LEVEL_INFO, "history_thinned", NULL,
				"device_samples=%ld supply_samples=%ld", h.device_samples,
				h.supply_samples);
			goto out;
		}
	}
	if (rc == 0)
		rc = sessions_purge(db, cfg.login_window_minutes, &n, &e);
	if (rc != 0) {
		fprintf(stderr, "infrascope-housekeeping: %s\n", e.msg);
		log_msg(LOG_LEVEL_ERROR, "housekeeping_failed", NULL, "%s", e.msg);
		code = rc == ERR_DB_DOWN ? EX_UNAVAILABLE : EX_SOFTWARE;
		goto out;
	}
	printf("removed %ld session(s), %ld revoked token id(s), %ld login counter(s)\n", n.sessions,
	       n.revoked_tokens, n.login_attempts);
	{
		struct log_line l;

		log_begin(&l, LOG_LEVEL_INFO, "housekeeping_done", NULL);
		log_int(&l, "sessions", n.sessions);
		log_int(&l, "revoked_tokens", n.revoked_tokens);
		log_int(&l, "login_attempts", n.login_attempts);
		log_end(&l);
	}
out:
	db_free(db);
	config_free(&cfg);
	return code;
}
