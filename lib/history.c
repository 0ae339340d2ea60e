#include "history.h"

#include "db.h"

#include <stdlib.h>

#include <libpq-fe.h>

/* $1 / $2: the bucket ('hour' or 'day') for samples between $3 and $4 ago. */
static const char device_sql[] =
	"DELETE FROM device_samples s USING ("
	"  SELECT device_id, at, row_number() OVER (PARTITION BY device_id, "
	"         date_trunc($1, at) ORDER BY up, at) AS rn "
	"  FROM device_samples WHERE at < now() - $2::interval AND at >= now() - $3::interval"
	") x WHERE s.device_id = x.device_id AND s.at = x.at AND x.rn > 1";

static const char supply_sql[] =
	"DELETE FROM supply_samples s USING ("
	"  SELECT device_id, supply_index, at, row_number() OVER (PARTITION BY device_id, "
	"         supply_index, date_trunc($1, at) ORDER BY at DESC) AS rn "
	"  FROM supply_samples WHERE at < now() - $2::interval AND at >= now() - $3::interval"
	") x WHERE s.device_id = x.device_id AND s.supply_index = x.supply_index "
	"AND s.at = x.at AND x.rn > 1";

static int run(struct db *db, const char *sql, const char *const *p, long *count, struct err *e)
{
	PGresult *res = NULL;
	int rc = db_exec(db, sql, 3, p, &res, e);

	if (rc == 0) {
		*count += atol(PQcmdTuples(res));
		PQclear(res);
	}
	return rc;
}

int history_thin(struct db *db, struct history_thinned *out, struct err *e)
{
	/* The day buckets reach back far enough for any history we keep. */
	static const char *const hourly[3] = { "hour", "7 days", "90 days" };
	static const char *const daily[3] = { "day", "90 days", "100 years" };
	int rc;

	out->device_samples = out->supply_samples = 0;
	if ((rc = run(db, device_sql, hourly, &out->device_samples, e)) != 0 ||
	    (rc = run(db, device_sql, daily, &out->device_samples, e)) != 0 ||
	    (rc = run(db, supply_sql, hourly, &out->supply_samples, e)) != 0 ||
	    (rc = run(db, supply_sql, daily, &out->supply_samples, e)) != 0)
		return rc;
	return 0;
}
