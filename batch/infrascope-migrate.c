/*
 * infrascope-migrate — apply the pending migrations in SQL_DIR, or list them (--status);
 * then make sure the first administrator (FIRST_SUPERUSER_EMAIL) exists. An existing account
 * of that email is left alone. Without FIRST_SUPERUSER_PASSWORD (never in production) a
 * password is generated and printed once.
 *
 * Exit codes: 0 done (also when nothing was pending), 64 usage, 65 migration files and
 * database disagree (a file changed or is missing, or a file is misnamed), 69 PostgreSQL
 * unreachable, 70 a migration failed (rolled back), 78 bad configuration.
 */
#include "batch.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "events.h"
#include "log.h"
#include "migrate.h"
#include "password.h"
#include "users.h"
#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EX_OK = 0, EX_USAGE = 64, EX_DATAERR = 65, EX_UNAVAILABLE = 69, EX_SOFTWARE = 70,
       EX_CONFIG = 78 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: infrascope-migrate [--status] [--help] [--help-config] [--version]\n"
		"  (no option)    apply pending migrations from SQL_DIR, each in its own transaction\n"
		"  --status       list every migration: applied, pending, changed or missing\n"
		"  --help-config  list the environment variables and their accepted values\n");
}

static int exit_code(int rc)
{
	switch (rc) {
	case ERR_DB_DOWN: return EX_UNAVAILABLE;
	case ERR_CONFLICT:
	case ERR_INVALID:
	case ERR_LIMIT: return EX_DATAERR;
	default: return EX_SOFTWARE;
	}
}

static const char *state_name(enum migrate_state s)
{
	switch (s) {
	case MIGRATE_APPLIED: return "applied";
	case MIGRATE_PENDING: return "pending";
	case MIGRATE_CHANGED: return "CHANGED";
	case MIGRATE_MISSING: return "MISSING";
	}
	return "?";
}

static int print_status(struct db *db, const struct migrate_file *files, size_t n, struct err *e)
{
	struct migrate_applied *rows = NULL;
	struct migrate_entry *entries = NULL;
	size_t nrows = 0;
	long nentries;
	int rc, problems = 0;

	rc = migrate_load_applied(db, &rows, &nrows, e);
	if (rc != 0)
		return rc;
	nentries = migrate_plan(files, n, rows, nrows, &entries);
	if (nentries < 0) {
		free(rows);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	printf("%-7s %-32s %-8s %-21s %s\n", "VERSION", "NAME", "STATE", "APPLIED (UTC)", "SHA256");
	for (long i = 0; i < nentries; i++) {
		const struct migrate_entry *en = &entries[i];

		printf("%04d    %-32s %-8s %-21s %.12s\n", en->version, en->name, state_name(en->state),
		       en->applied_at[0] != '\0' ? en->applied_at : "-",
		       en->checksum_file[0] != '\0' ? en->checksum_file : en->checksum_db);
		if (en->state == MIGRATE_CHANGED || en->state == MIGRATE_MISSING)
			problems++;
	}
	free(rows);
	free(entries);
	if (problems > 0)
		return err_set(e, ERR_CONFLICT, "%d migration(s) differ from what the database recorded",
			       problems);
	return 0;
}

static int ensure_first_admin(struct db *db, const struct config *cfg, struct err *e)
{
	const char *email = cfg->first_superuser_email;
	const char *password = cfg->first_superuser_password;
	char generated[21], hash[PASSWORD_HASH_MAX];
	struct err inner = { 0 };
	struct event ev = { .type = "user_created", .severity = "info",
			    .message = "first administrator created by infrascope-migrate" };
	bool exists = false;
	int64_t id = 0;
	int rc;

	if (user_email_check(email, &inner) != 0)
		return err_set(e, ERR_INVALID, "FIRST_SUPERUSER_EMAIL: %s", inner.msg);
	rc = users_exists_email(db, email, &exists, e);
	if (rc != 0 || exists)
		return rc;
	if (password[0] == '\0') {
		if (password_generate(generated) != 0)
			return err_set(e, ERR_IO, "no random bytes for a password");
		password = generated;
	} else if (password_policy_check(password, email, &inner) != 0) {
		return err_set(e, ERR_INVALID, "FIRST_SUPERUSER_PASSWORD: %s", inner.msg);
	}
	rc = password_hash(password, hash, e);
	if (rc == 0)
		rc = users_create(db, email, "", ROLE_ADMIN, true, hash, NULL, &id, e);
	if (rc != 0)
		return rc;
	ev.user_id = id;
	event_record(db, &ev, NULL);
	printf("created the first administrator: %s\n", email);
	if (password == generated)
		printf("its password (shown only this once; change it on the Account page): %s\n",
		       generated);
	return 0;
}

static void report_applied(const struct migrate_file *f, double ms, void *arg)
{
	(void)arg;
	printf("applied %s (%.0f ms)\n", f->file, ms);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct err e = { 0 };
	struct migrate_file *files = NULL;
	struct db *db = NULL;
	size_t n = 0;
	bool status = false;
	int applied = 0, version = 0, rc, code = EX_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--status") == 0) {
			status = true;
		} else if (batch_common_option("infrascope-migrate", argv[i], usage, &code)) {
			return code;
		} else {
			fprintf(stderr, "infrascope-migrate: unknown option %s\n", argv[i]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if ((code = batch_config("infrascope-migrate", &cfg)) != 0)
		return code;
	batch_log("infrascope-migrate", &cfg);
	/* All failures after this point jump to out. */
	rc = migrate_scan(cfg.sql_dir, &files, &n, &e);
	if (rc != 0)
		goto out;
	db = db_new(&cfg, "infrascope-migrate");
	if (db == NULL) {
		rc = err_set(&e, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = db_connect(db, &e);
	if (rc != 0)
		goto out;
	if (status) {
		rc = print_status(db, files, n, &e);
		goto out;
	}
	rc = migrate_run(db, files, n, report_applied, NULL, &applied, &e);
	if (rc != 0)
		goto out;
	rc = migrate_schema_version(db, &version, &e);
	if (rc != 0)
		goto out;
	if (applied == 0)
		printf("nothing to apply: schema is at version %d\n", version);
	else
		printf("applied %d migration(s): schema is at version %d\n", applied, version);
	rc = ensure_first_admin(db, &cfg, &e);
	if (rc == ERR_INVALID) {
		/* A bad FIRST_SUPERUSER_* is a settings problem, like any other variable. */
		fprintf(stderr, "infrascope-migrate: configuration error: %s\n", e.msg);
		code = EX_CONFIG;
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	{
		struct log_line l;

		log_begin(&l, LOG_LEVEL_INFO, "migrate_done", NULL);
		log_int(&l, "applied", applied);
		log_int(&l, "schema_version", version);
		log_end(&l);
	}
out:
	if (rc != 0) {
		fprintf(stderr, "infrascope-migrate: %s\n", e.msg);
		log_msg(LOG_LEVEL_ERROR, "migrate_failed", NULL, "%s", e.msg);
		code = exit_code(rc);
	}
	db_free(db);
	migrate_files_free(files, n);
	config_free(&cfg);
	return code;
}
