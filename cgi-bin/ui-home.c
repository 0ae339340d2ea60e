/*
 * GET / — the home page: is the system healthy, what does it hold, what happened lately.
 * While PostgreSQL is down the page still renders (status 503) and says so, so a technician
 * sees the cause instead of a gateway error.
 */
#include "app.h"

#include "db.h"
#include "migrate.h"
#include "tpl.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

/* Device kinds in the order the product lists them (SPEC §1). */
static const char *const kinds[] = { "laser_printer", "label_printer", "iconbit",
				     "nettop",        "twix",          "switch" };

static void format_uptime(struct http_ctx *x, long seconds, char *buf, size_t len)
{
	long d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;

	if (d > 0)
		snprintf(buf, len, "%ld %s %ld %s", d, page_text(x, "unit_day"), h,
			 page_text(x, "unit_hour"));
	else if (h > 0)
		snprintf(buf, len, "%ld %s %ld %s", h, page_text(x, "unit_hour"), m,
			 page_text(x, "unit_minute"));
	else
		snprintf(buf, len, "%ld %s", m, page_text(x, "unit_minute"));
}

static int fill_inventory(struct http_ctx *x, struct db *db, struct tpl_dict *page)
{
	PGresult *r;
	int rc;

	rc = db_exec(db,
		     "SELECT (SELECT count(*) FROM stores), (SELECT count(*) FROM devices)",
		     0, NULL, &r, NULL);
	if (rc != 0)
		return rc;
	tpl_set(page, "STORES", db_get(r, 0, 0));
	tpl_set(page, "DEVICES", db_get(r, 0, 1));
	PQclear(r);

	rc = db_exec(db,
		     "SELECT kind, count(*),"
		     " count(*) FILTER (WHERE state = 'online'),"
		     " count(*) FILTER (WHERE state = 'pending_offline'),"
		     " count(*) FILTER (WHERE state = 'offline'),"
		     " count(*) FILTER (WHERE state = 'unknown')"
		     " FROM devices GROUP BY kind",
		     0, NULL, &r, NULL);
	if (rc != 0)
		return rc;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct tpl_dict *row = tpl_section(page, "KIND");
		char key[48];
		int found = -1;

		if (row == NULL)
			continue;
		for (int i = 0; i < PQntuples(r); i++)
			if (strcmp(PQgetvalue(r, i, 0), kinds[k]) == 0)
				found = i;
		snprintf(key, sizeof key, "kind_%s", kinds[k]);
		tpl_set(row, "NAME", page_text(x, key));
		tpl_set(row, "TOTAL", found >= 0 ? db_get(r, found, 1) : "0");
		tpl_set(row, "ONLINE", found >= 0 ? db_get(r, found, 2) : "0");
		tpl_set(row, "PENDING", found >= 0 ? db_get(r, found, 3) : "0");
		tpl_set(row, "OFFLINE", found >= 0 ? db_get(r, found, 4) : "0");
		tpl_set(row, "UNKNOWN", found >= 0 ? db_get(r, found, 5) : "0");
	}
	PQclear(r);
	return 0;
}

static int fill_events(struct http_ctx *x, struct db *db, struct tpl_dict *page)
{
	struct tpl_dict *table;
	PGresult *r;
	int rc = db_exec(db,
			 "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), severity,"
			 " type, message FROM events ORDER BY id DESC LIMIT 10",
			 0, NULL, &r, NULL);

	if (rc != 0)
		return rc;
	if (PQntuples(r) == 0) {
		tpl_show(page, "NO_EVENTS");
		PQclear(r);
		return 0;
	}
	table = tpl_section(page, "EVENTS");
	for (int i = 0; table != NULL && i < PQntuples(r); i++) {
		struct tpl_dict *row = tpl_section(table, "EVENT");
		char key[48];

		if (row == NULL)
			continue;
		snprintf(key, sizeof key, "severity_%s", PQgetvalue(r, i, 1));
		tpl_set(row, "AT", db_get(r, i, 0));
		tpl_set(row, "SEVERITY", PQgetvalue(r, i, 1));
		tpl_set(row, "SEVERITY_NAME", page_text(x, key));
		tpl_set(row, "TYPE", db_get(r, i, 2));
		tpl_set(row, "MESSAGE", db_get(r, i, 3));
	}
	PQclear(r);
	return 0;
}

int handle_home(struct http_ctx *x)
{
	struct db *db = app_thread_of(x)->db;
	struct tpl_dict *root, *page;
	char uptime[64];
	int version = 0, rc, status = 200;

	page = page_begin(x, "home_title", "home.tpl", "home", &root);
	if (page == NULL)
		return ERR_NOMEM;
	format_uptime(x, (long)(time(NULL) - app.started), uptime, sizeof uptime);
	tpl_set(page, "VERSION", infrascope_version());
	tpl_set(page, "UPTIME", uptime);
	tpl_set_int(page, "THREADS", app.cfg.fcgi_threads);

	rc = migrate_schema_version(db, &version, NULL);
	if (rc == 0)
		rc = fill_inventory(x, db, page);
	if (rc == 0)
		rc = fill_events(x, db, page);
	if (rc == ERR_DB_DOWN) {
		app_count_db_error(rc);
		tpl_show(page, "DB_DOWN");
		status = 503;
	} else if (rc != 0) {
		tpl_dict_free(root);
		return rc;
	} else {
		tpl_show(page, "DB_UP");
		tpl_set_int(page, "SCHEMA_VERSION", version);
	}
	return page_render(x, status, root);
}
