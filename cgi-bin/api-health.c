/*
 * GET /api/v1/health — is the app able to serve? 200 {"status":"ok","db":"ok",...} when
 * PostgreSQL answers, 503 {"status":"degraded","db":"down",...} when it does not. Cheap
 * enough for load balancers and Prometheus' blackbox prober to call every second.
 */
#include "app.h"

#include "json.h"
#include "log.h"
#include "migrate.h"
#include "version.h"

int handle_health(struct http_ctx *x)
{
	struct err e = { 0 };
	json_object *o = json_object_new_object();
	int version = 0;
	int rc = migrate_schema_version(app_thread_of(x)->db, &version, &e);
	bool up = rc == 0;

	if (rc != 0) {
		/* The reason goes to the log, not to an unauthenticated caller. */
		app_count_db_error(rc);
		log_msg(LOG_LEVEL_WARN, "health_db_down", x->req.trace_id, "%s", e.msg);
	}
	json_object_object_add(o, "status", json_object_new_string(up ? "ok" : "degraded"));
	json_object_object_add(o, "db", json_object_new_string(up ? "ok" : "down"));
	json_object_object_add(o, "schema_version", up ? json_object_new_int(version) : NULL);
	json_object_object_add(o, "version", json_object_new_string(infrascope_version()));
	json_object_object_add(o, "uptime_seconds",
			       json_object_new_int64((int64_t)(time(NULL) - app.started)));
	http_respond_json(x, up ? 200 : 503, o);
	return 0;
}
