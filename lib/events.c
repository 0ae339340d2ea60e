#include "events.h"

#include "db.h"

#include <stdio.h>
#include <string.h>

static const char *id_or_null(int64_t id, char buf[24])
{
	if (id <= 0)
		return NULL;
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

int event_record(struct db *db, const struct event *ev, struct err *e)
{
	char uid[24], did[24], sid[24];
	const char *payload = ev->payload != NULL
				      ? json_object_to_json_string_ext(ev->payload, JSON_C_TO_STRING_PLAIN)
				      : "{}";
	const char *p[9] = { ev->type,
			     ev->severity != NULL ? ev->severity : "info",
			     id_or_null(ev->user_id, uid),
			     id_or_null(ev->device_id, did),
			     id_or_null(ev->store_id, sid),
			     ev->device_kind,
			     ev->message != NULL ? ev->message : "",
			     payload,
			     ev->trace_id != NULL && ev->trace_id[0] != '\0' ? ev->trace_id : NULL };

	/* A user deleted meanwhile must not lose the event: the reference is dropped instead. */
	return db_exec(db,
		       "INSERT INTO events (type, severity, user_id, device_id, store_id, device_kind, "
		       "message, payload, trace_id) "
		       "VALUES ($1, $2, (SELECT id FROM users WHERE id = $3::bigint), "
		       "(SELECT id FROM devices WHERE id = $4::bigint), "
		       "(SELECT id FROM stores WHERE id = $5::bigint), $6, left($7, 4000), $8::jsonb, $9)",
		       9, p, NULL, e);
}
