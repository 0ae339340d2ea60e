#include "printer_check.h"

#include "arena.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "json.h"
#include "mac.h"
#include "printer_poll.h"
#include "printer_reading.h"
#include "rediscover.h"
#include "resilience.h"
#include "sbuf.h"
#include "secret.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#define COMMUNITY_PURPOSE "snmp_community"
#define DEFAULT_COMMUNITY "public"

/* One stored printer, as loaded for a poll. */
struct device_row {
	int64_t id, store_id;
	const char *kind, *address, *state, *mac_status, *connection, *host_pc, *subnets;
	char mac[MAC_TEXT];
	unsigned snmp_port;
	bool v1_only;
	char community[SECRET_PLAIN_MAX + 1];
	struct err load_error;       /* e.g. the community does not decrypt: not polled */
	struct resilience res;       /* the state machine's memory (device_poll_state) */
	enum resilience_event gate_events[RESILIENCE_MAX_EVENTS]; /* from the gate */
	size_t ngate_events;
};

static const char load_sql[] =
	"SELECT d.id, d.kind, d.address, d.snmp_port, d.snmp_version, d.snmp_community, "
	"       coalesce(d.mac::text, ''), d.mac_status, d.state, coalesce(d.store_id, 0), "
	"       coalesce(p.connection, 'ip'), p.host_pc, "
	"       coalesce(array_to_string(s.subnets, ','), ''), coalesce(ps.failures, 0), "
	"       coalesce(ps.circuit, 'closed'), "
	"       coalesce(extract(epoch FROM ps.opened_at)::bigint, 0), "
	"       coalesce(extract(epoch FROM ps.updated_at)::bigint, 0) "
	"FROM devices d LEFT JOIN printer_details p ON p.device_id = d.id "
	"LEFT JOIN stores s ON s.id = d.store_id "
	"LEFT JOIN device_poll_state ps ON ps.device_id = d.id "
	"WHERE d.id = ANY($1::bigint[]) AND d.kind IN ('laser_printer', 'label_printer') "
	"ORDER BY d.id";

/* "{1,2,3}" for the ids. */
static char *id_array(const int64_t *ids, size_t n, struct arena *a)
{
	size_t size = n * 21 + 3, used = 1;
	char *s = arena_alloc(a, size);

	if (s == NULL)
		return NULL;
	s[0] = '{';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(s + used, size - used, "%s%" PRId64, i ? "," : "", ids[i]);
	snprintf(s + used, size - used, "}");
	return s;
}

/* bytea in text form ("\x0a1b...") → bytes; returns the length or -1. */
static long unhex_bytea(const char *text, unsigned char *out, size_t max)
{
	size_t n;

	if (strncmp(text, "\\x", 2) != 0)
		return -1;
	text += 2;
	n = strlen(text);
	if (n % 2 != 0 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(text + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return (long)(n / 2);
}

static void open_community(struct device_row *d, const char *stored, const struct secret_key *key)
{
	unsigned char sealed[SECRET_SEALED_MAX];
	long n;

	if (stored == NULL) {
		snprintf(d->community, sizeof d->community, "%s", DEFAULT_COMMUNITY);
		return;
	}
	n = unhex_bytea(stored, sealed, sizeof sealed);
	if (n < 0)
		err_set(&d->load_error, ERR_INVALID,
			"the stored SNMP community is malformed; set the community again");
	else if (secret_open(key, COMMUNITY_PURPOSE, sealed, (size_t)n, d->community,
			     sizeof d->community, NULL) != 0)
		err_set(&d->load_error, ERR_INVALID,
			"the stored SNMP community cannot be decrypted (was DEVICE_SECRET_KEY "
			"changed?); set the community again");
}

static int load(struct db *db, const struct config *cfg, const int64_t *ids, size_t n,
		struct device_row **out, size_t *nout, struct arena *a, struct err *e)
{
	const char *params[1] = { id_array(ids, n, a) };
	struct secret_key key;
	PGresult *res = NULL;
	struct device_row *rows;
	int rc, nr;

	if (params[0] == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = db_exec(db, load_sql, 1, params, &res, e)) != 0)
		return rc;
	nr = PQntuples(res);
	if ((size_t)nr != n) {
		PQclear(res);
		return err_set(e, ERR_NOTFOUND, "%zu of the %zu device id(s) are not printers",
			       n - (size_t)nr, n);
	}
	rows = arena_zalloc(a, (size_t)nr * sizeof *rows + 1);
	if (rows == NULL) {
		PQclear(res);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	secret_key_derive(cfg->device_secret_key, &key);
	for (int i = 0; i < nr; i++) {
		struct device_row *d = &rows[i];
		const char *addr = db_get(res, i, 2), *host = db_get(res, i, 11);

		d->id = db_get_int64(res, i, 0, 0);
		d->kind = arena_strdup(a, db_get(res, i, 1));
		d->address = addr != NULL ? arena_strdup(a, addr) : NULL;
		d->snmp_port = (unsigned)db_get_int64(res, i, 3, 161);
		d->v1_only = strcmp(db_get(res, i, 4), "1") == 0;
		open_community(d, db_get(res, i, 5), &key);
		mac_normalize(db_get(res, i, 6), d->mac);
		d->mac_status = arena_strdup(a, db_get(res, i, 7));
		d->state = arena_strdup(a, db_get(res, i, 8));
		d->store_id = db_get_int64(res, i, 9, 0);
		d->connection = arena_strdup(a, db_get(res, i, 10));
		d->host_pc = host != NULL ? arena_strdup(a, host) : NULL;
		d->subnets = arena_strdup(a, db_get(res, i, 12));
		if (!device_state_parse(d->state, &d->res.state))
			d->res.state = DEVICE_UNKNOWN;
		d->res.failures = (int)db_get_int64(res, i, 13, 0);
		if (!circuit_state_parse(db_get(res, i, 14), &d->res.circuit))
			d->res.circuit = CIRCUIT_CLOSED;
		d->res.opened_at = db_get_int64(res, i, 15, 0);
		d->res.updated_at = db_get_int64(res, i, 16, 0);
		if (d->kind == NULL || d->state == NULL || d->connection == NULL ||
		    d->subnets == NULL || d->mac_status == NULL) {
			PQclear(res);
			memset(&key, 0, sizeof key);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
	}
	PQclear(res);
	memset(&key, 0, sizeof key);
	*out = rows;
	*nout = (size_t)nr;
	return 0;
}

static void target_for(const struct device_row *d, struct printer_target *t)
{
	memset(t, 0, sizeof *t);
	if (strcmp(d->kind, "label_printer") == 0)
		t->mode = strcmp(d->connection, "usb") == 0 ? PRINTER_LABEL_USB : PRINTER_LABEL_IP;
	else
		t->mode = PRINTER_LASER;
	t->address = d->address;
	t->snmp_port = d->snmp_port;
	t->community = d->community;
	t->v1_only = d->v1_only;
	t->host_pc = d->host_pc;
}

/* ---- recording ---- */

static json_object *num_or_null(double v)
{
	return isnan(v) ? NULL : json_number(v);
}

static json_object *supplies_json(const struct printer_reading *r)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; arr != NULL && i < r->n_supplies; i++) {
		const struct printer_supply *s = &r->supplies[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "supply_index", json_object_new_int64(s->index));
		json_object_object_add(o, "description", json_object_new_string(s->description));
		json_object_object_add(o, "type", s->type > 0 ? json_object_new_int(s->type) : NULL);
		json_object_object_add(o, "class", json_object_new_string(printer_class_name(s->class)));
		json_object_object_add(o, "unit", s->unit > 0 ? json_object_new_int(s->unit) : NULL);
		json_object_object_add(o, "max_capacity",
				       s->has_max ? json_object_new_int64(s->max) : NULL);
		json_object_object_add(o, "level", s->has_level ? json_object_new_int64(s->level) : NULL);
		json_object_object_add(o, "state",
				       json_object_new_string(printer_level_state_name(s->state)));
		json_object_object_add(o, "percent", num_or_null(s->percent));
		json_object_object_add(o, "fullness", num_or_null(s->fullness));
		json_object_object_add(o, "colour", s->colour ? json_object_new_string(s->colour) : NULL);
		json_object_object_add(o, "is_toner", json_object_new_boolean(s->is_toner));
		json_object_object_add(o, "is_receptacle", json_object_new_boolean(s->is_receptacle));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *colours_json(const struct printer_reading *r)
{
	json_object *arr = json_object_new_array();

	for (int c = 0; arr != NULL && c < PRINTER_COLOUR_COUNT; c++) {
		const struct printer_colour_summary *cs = &r->colours[c];
		json_object *o;

		if (!cs->present)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "colour",
				       json_object_new_string(printer_colour_name((enum printer_colour)c)));
		json_object_object_add(o, "percent", num_or_null(cs->percent));
		json_object_object_add(o, "state",
				       json_object_new_string(printer_level_state_name(cs->state)));
		json_object_object_add(o, "supply_index", json_object_new_int64(cs->supply_index));
		json_object_object_add(o, "name", json_object_new_string(cs->name));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Render and free a json-c value into the arena (NULL when out of memory). */
static const char *render(json_object *o, struct arena *a)
{
	struct sbuf b;
	const char *s = NULL;

	if (o == NULL)
		return NULL;
	sbuf_init(&b, a, 1u << 20);
	if (json_render(o, &b) == 0 && sbuf_putc(&b, '\0') == 0)
		s = b.data;
	json_object_put(o);
	return s;
}

static int exec(struct db *db, const char *sql, int n, const char *const *p, struct err *e)
{
	return db_exec(db, sql, n, p, NULL, e);
}

static int event(struct db *db, const struct device_row *d, const char *type, const char *severity,
		 const char *message, json_object *payload, const char *trace_id, struct err *e)
{
	struct event ev = { .type = type, .severity = severity, .device_id = d->id,
			    .store_id = d->store_id, .device_kind = d->kind, .message = message,
			    .payload = payload, .trace_id = trace_id };
	int rc = event_record(db, &ev, e);

	json_object_put(payload);
	return rc;
}

static const char update_online_sql[] =
	"UPDATE devices SET state = 'online', last_polled_at = now(), last_seen_at = now(), "
	"       last_error = $2, model = CASE WHEN $3 <> '' THEN $3 ELSE model END, "
	"       mac = coalesce($4::macaddr, mac), "
	"       mac_status = CASE WHEN $4 IS NOT NULL THEN 'verified' ELSE mac_status END "
	"WHERE id = $1";

static const char details_sql[] =
	"INSERT INTO printer_details AS p (device_id, vendor, serial, firmware, sys_name, sys_descr, "
	"       page_count, device_status, printer_status, error_bits, severity, port_9100_open, "
	"       foreign_mac, read_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, now()) "
	"ON CONFLICT (device_id) DO UPDATE SET vendor = $2, serial = $3, firmware = $4, "
	"       sys_name = $5, sys_descr = $6, page_count = $7, device_status = $8, "
	"       printer_status = $9, error_bits = $10, severity = $11, port_9100_open = $12, "
	"       foreign_mac = NULL, read_at = now()";

static const char port_only_sql[] =
	"INSERT INTO printer_details AS p (device_id, port_9100_open) VALUES ($1, $2) "
	"ON CONFLICT (device_id) DO UPDATE SET port_9100_open = $2";

static const char supplies_sql[] =
	"INSERT INTO printer_supplies (device_id, supply_index, description, type, class, unit, "
	"       max_capacity, level, state, percent, fullness, colour, is_toner, is_receptacle) "
	"SELECT $1, x.supply_index, x.description, x.type, x.class, x.unit, x.max_capacity, "
	"       x.level, x.state, x.percent, x.fullness, x.colour, x.is_toner, x.is_receptacle "
	"FROM jsonb_to_recordset($2::jsonb) AS x(supply_index integer, description text, "
	"       type smallint, class text, unit smallint, max_capacity bigint, level bigint, "
	"       state text, percent real, fullness real, colour text, is_toner boolean, "
	"       is_receptacle boolean)";

/* Replaced as a whole: a supply the printer no longer reports disappears. */
static const char supplies_delete_sql[] = "DELETE FROM printer_supplies WHERE device_id = $1";
static const char colours_delete_sql[] = "DELETE FROM printer_colours WHERE device_id = $1";

static const char colours_sql[] =
	"INSERT INTO printer_colours (device_id, colour, percent, state, supply_index, name) "
	"SELECT $1, x.colour, x.percent, x.state, x.supply_index, x.name "
	"FROM jsonb_to_recordset($2::jsonb) AS x(colour text, percent real, state text, "
	"       supply_index integer, name text)";

/* History: a supply's level when it changed, or when its last sample is an hour old. */
static const char samples_sql[] =
	"INSERT INTO supply_samples (device_id, supply_index, at, level, percent, state) "
	"SELECT $1, x.supply_index, now(), x.level, x.percent, x.state "
	"FROM jsonb_to_recordset($2::jsonb) AS x(supply_index integer, level bigint, percent real, "
	"       state text) "
	"LEFT JOIN LATERAL (SELECT s.at, s.level, s.state FROM supply_samples s "
	"                   WHERE s.device_id = $1 AND s.supply_index = x.supply_index "
	"                   ORDER BY s.at DESC LIMIT 1) last ON true "
	"WHERE last.at IS NULL OR last.at <= now() - interval '1 hour' "
	"   OR last.level IS DISTINCT FROM x.level OR last.state <> x.state "
	"ON CONFLICT DO NOTHING";

static const char device_sample_sql[] =
	"INSERT INTO device_samples (device_id, at, up, latency_ms) VALUES ($1, now(), $2, $3) "
	"ON CONFLICT DO NOTHING";

static int record_sample(struct db *db, const char *id, bool up, double latency, struct err *e)
{
	char lat[32];
	const char *p[3] = { id, up ? "true" : "false", up ? lat : NULL };

	snprintf(lat, sizeof lat, "%.3f", latency);
	return exec(db, device_sample_sql, 3, p, e);
}

/* The device answered: store the reading (when there is one) and mark it online. */
static int record_up(struct db *db, const struct device_row *d, const struct printer_target *t,
		     bool adopt_mac, struct arena *a, struct err *e)
{
	const struct printer_reading *r = t->reading;
	char id[24], pages[24], dev[8], prn[8], bits[16];
	const char *port = t->mode == PRINTER_LABEL_IP ? (t->raw_port == TCP_OPEN ? "true" : "false")
						       : NULL;
	int rc;

	snprintf(id, sizeof id, "%" PRId64, d->id);
	{
		const char *p[4] = { id, t->error.code != ERR_OK ? t->error.msg : NULL,
				     r != NULL ? r->model : "",
				     adopt_mac && r != NULL && r->mac[0] ? r->mac : NULL };

		if ((rc = exec(db, update_online_sql, 4, p, e)) != 0)
			return rc;
	}
	if (r != NULL) {
		const char *sup = render(supplies_json(r), a), *col = render(colours_json(r), a);
		const char *p[12] = { id, r->vendor ? r->vendor : "", r->serial, r->firmware,
				      r->sys_name, r->sys_descr, r->page_count >= 0 ? pages : NULL,
				      r->status.device > 0 ? dev : NULL,
				      r->status.printer > 0 ? prn : NULL, bits,
				      printer_severity_name(r->status.severity), port };
		const char *ps[2] = { id, sup }, *pc[2] = { id, col };

		if (sup == NULL || col == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		snprintf(pages, sizeof pages, "%lld", (long long)r->page_count);
		snprintf(dev, sizeof dev, "%d", r->status.device);
		snprintf(prn, sizeof prn, "%d", r->status.printer);
		snprintf(bits, sizeof bits, "%u", (unsigned)r->status.errors);
		if ((rc = exec(db, details_sql, 12, p, e)) != 0 ||
		    (rc = exec(db, supplies_delete_sql, 1, p, e)) != 0 ||
		    (rc = exec(db, supplies_sql, 2, ps, e)) != 0 ||
		    (rc = exec(db, colours_delete_sql, 1, p, e)) != 0 ||
		    (rc = exec(db, colours_sql, 2, pc, e)) != 0 ||
		    (rc = exec(db, samples_sql, 2, ps, e)) != 0)
			return rc;
	} else if (port != NULL) {
		const char *p[2] = { id, port };

		if ((rc = exec(db, port_only_sql, 2, p, e)) != 0)
			return rc;
	}
	return record_sample(db, id, true, t->latency_ms, e);
}

static const char update_down_sql[] =
	"UPDATE devices SET state = $3, last_polled_at = now(), last_error = $2 WHERE id = $1";

/* No answer (or not the printer): keep the readings, note the error; the state is what the
 * state machine says (pending_offline until confirmed). */
static int record_down(struct db *db, const struct device_row *d, const char *why,
		       const struct resilience *r, struct err *e)
{
	char id[24];
	const char *p[3] = { id, why, device_state_name(r->state) };
	int rc;

	snprintf(id, sizeof id, "%" PRId64, d->id);
	if ((rc = exec(db, update_down_sql, 3, p, e)) != 0)
		return rc;
	return record_sample(db, id, false, 0, e);
}

static const char poll_state_sql[] =
	"INSERT INTO device_poll_state AS s (device_id, failures, circuit, opened_at, updated_at) "
	"VALUES ($1, $2, $3, to_timestamp($4::bigint), now()) "
	"ON CONFLICT (device_id) DO UPDATE SET failures = $2, circuit = $3, "
	"       opened_at = to_timestamp($4::bigint), updated_at = now()";

static const char *const event_severity[RESILIENCE_EVENT_COUNT] = {
	[EVENT_PENDING_OFFLINE] = "info", [EVENT_OFFLINE] = "warning",
	[EVENT_RECOVERED] = "info", [EVENT_CIRCUIT_OPENED] = "warning",
	[EVENT_CIRCUIT_HALF_OPEN] = "info", [EVENT_CIRCUIT_CLOSED] = "info",
	[EVENT_STATE_RESET] = "debug",
};

/* The state machine's memory, and one event per transition it reported. */
static int record_resilience(struct db *db, const struct device_row *d,
			     const struct resilience *r, const enum resilience_event *ev,
			     size_t nev, const char *why, const char *trace_id, struct arena *a,
			     struct err *e)
{
	char id[24], failures[16], opened[24];
	const char *p[4] = { id, failures, circuit_state_name(r->circuit),
			     r->opened_at > 0 ? opened : NULL };
	int rc;

	snprintf(id, sizeof id, "%" PRId64, d->id);
	snprintf(failures, sizeof failures, "%d", r->failures);
	snprintf(opened, sizeof opened, "%" PRId64, r->opened_at);
	if ((rc = exec(db, poll_state_sql, 4, p, e)) != 0)
		return rc;
	for (size_t i = 0; i < nev; i++) {
		json_object *pl = json_object_new_object();
		const char *type = resilience_event_name(ev[i]);

		json_object_object_add(pl, "failures", json_object_new_int(r->failures));
		json_object_object_add(pl, "circuit",
				       json_object_new_string(circuit_state_name(r->circuit)));
		if (why != NULL && ev[i] != EVENT_RECOVERED && ev[i] != EVENT_CIRCUIT_CLOSED)
			json_object_object_add(pl, "error", json_object_new_string(why));
		rc = event(db, d, type, event_severity[ev[i]],
			   arena_printf(a, "%s: %s%s%s", d->address ? d->address : "(no address)",
					type, why != NULL && ev[i] == EVENT_OFFLINE ? " — " : "",
					why != NULL && ev[i] == EVENT_OFFLINE ? why : ""),
			   pl, trace_id, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static const char mismatch_sql[] =
	"UPDATE devices SET mac_status = 'mismatch', last_polled_at = now(), last_error = $2 "
	"WHERE id = $1";
static const char foreign_mac_sql[] =
	"INSERT INTO printer_details (device_id, foreign_mac) VALUES ($1, $2) "
	"ON CONFLICT (device_id) DO UPDATE SET foreign_mac = $2";

/* Another device answers at the printer's address: note it, store none of its data. */
static int record_mismatch(struct db *db, const struct device_row *d, const char *seen,
			   const char *msg, const char *trace_id, struct err *e)
{
	char id[24];
	const char *p[2] = { id, msg }, *pf[2] = { id, seen };
	int rc;

	snprintf(id, sizeof id, "%" PRId64, d->id);
	if ((rc = exec(db, mismatch_sql, 2, p, e)) != 0 ||
	    (rc = exec(db, foreign_mac_sql, 2, pf, e)) != 0)
		return rc;
	if (strcmp(d->mac_status, "mismatch") != 0) {
		json_object *pl = json_object_new_object();

		json_object_object_add(pl, "address", json_object_new_string(d->address));
		json_object_object_add(pl, "expected_mac", json_object_new_string(d->mac));
		json_object_object_add(pl, "seen_mac", json_object_new_string(seen));
		rc = event(db, d, "mac_mismatch", "warning", msg, pl, trace_id, e);
	}
	return rc;
}

static const char move_sql[] =
	"UPDATE devices SET address = $2 WHERE id = $1 "
	"AND NOT EXISTS (SELECT 1 FROM devices o WHERE lower(o.address) = lower($2) AND o.id <> $1)";

/* The printer was found at a new address: move it there (never onto another device's). */
static int record_move(struct db *db, const struct device_row *d, const char *to,
		       const char *trace_id, bool *moved, struct arena *a, struct err *e)
{
	char id[24];
	const char *p[2] = { id, to };
	PGresult *res = NULL;
	json_object *pl = json_object_new_object();
	int rc;

	snprintf(id, sizeof id, "%" PRId64, d->id);
	json_object_object_add(pl, "old_address", json_object_new_string(d->address));
	json_object_object_add(pl, "new_address", json_object_new_string(to));
	json_object_object_add(pl, "mac", json_object_new_string(d->mac));
	if ((rc = db_exec(db, move_sql, 2, p, &res, e)) != 0) {
		json_object_put(pl);
		return rc;
	}
	*moved = atoi(PQcmdTuples(res)) == 1;
	PQclear(res);
	if (*moved)
		return event(db, d, "ip_changed", "warning",
			     arena_printf(a, "the printer moved from %s to %s (same MAC %s)",
					  d->address, to, d->mac),
			     pl, trace_id, e);
	return event(db, d, "ip_change_conflict", "error",
		     arena_printf(a, "the printer (MAC %s) now answers at %s, but another device is "
				     "registered there; fix the addresses by hand", d->mac, to),
		     pl, trace_id, e);
}

/* ---- one device ---- */

struct check_ctx {
	struct db *db;
	const struct config *cfg;
	const struct resilience_config *rcfg;
	int64_t now;                    /* epoch seconds of this round */
	const struct snmp_options *opt;
	const char *trace_id;
	struct arena *a;
	struct printer_check_summary *sum;
};

/* Run fn inside a transaction: every device is recorded whole or not at all. */
static int in_tx(struct check_ctx *c, int (*fn)(struct check_ctx *, void *), void *arg,
		 struct err *e)
{
	int rc;

	if ((rc = db_begin(c->db, e)) != 0)
		return rc;
	if ((rc = fn(c, arg)) != 0) {
		db_rollback(c->db);
		return rc;
	}
	return db_commit(c->db, e);
}

struct outcome {
	const struct device_row *d;
	const struct printer_target *t;  /* what is recorded: first, or the rediscovered one */
	const struct printer_target *first; /* the poll at the stored address */
	bool ok;                       /* a success for the state machine */
	enum mac_verdict verdict;
	const char *found;             /* rediscovery: the new address, or NULL */
	bool moved;
	struct resilience res;         /* after this poll */
	enum resilience_event events[RESILIENCE_MAX_EVENTS];
	size_t nevents;
	struct err *e;
};

static int record_outcome(struct check_ctx *c, void *arg)
{
	struct outcome *o = arg;
	const struct device_row *d = o->d;
	const struct printer_target *t = o->t;
	const char *why = NULL;
	int rc;

	if (o->found != NULL) {
		if ((rc = record_move(c->db, d, o->found, c->trace_id, &o->moved, c->a, o->e)) != 0)
			return rc;
		if (!o->moved)
			t = o->t = o->first;
	}
	if (t->has_reading && mac_verify(d->mac, t->reading->mac) == MAC_MISMATCH) {
		const char *seen = t->reading->mac;

		why = arena_printf(c->a,
				   "another device (MAC %s) answers at %s; the printer (MAC %s) was "
				   "not found in its store's subnets", seen, d->address, d->mac);
		if ((rc = record_mismatch(c->db, d, seen, why, c->trace_id, o->e)) != 0 ||
		    (rc = record_down(c->db, d, why, &o->res, o->e)) != 0)
			return rc;
	} else if (!o->ok) {
		why = t->error.msg;
		if ((rc = record_down(c->db, d, why, &o->res, o->e)) != 0)
			return rc;
	} else if ((rc = record_up(c->db, d, t, mac_verify(d->mac, t->has_reading ? t->reading->mac
										: "") != MAC_NOTHING_SEEN,
				   c->a, o->e)) != 0) {
		return rc;
	}
	return record_resilience(c->db, d, &o->res, o->events, o->nevents, why, c->trace_id, c->a,
				 o->e);
}

/* The host addresses of the device's store's IPv4 subnets, at most max (in order). */
static const char hosts_sql[] =
	"SELECT host(network(s) + i) FROM stores st "
	"CROSS JOIN LATERAL unnest(st.subnets) AS s "
	"CROSS JOIN LATERAL generate_series(CASE WHEN masklen(s) >= 31 THEN 0 ELSE 1 END, "
	"       (2::bigint ^ (32 - masklen(s)))::bigint - CASE WHEN masklen(s) >= 31 THEN 1 ELSE 2 END) "
	"       AS i "
	"WHERE st.id = $1 AND family(s) = 4 LIMIT $2";

static int store_hosts(struct check_ctx *c, const struct device_row *d, const char *const **out,
		       size_t *n, struct err *e)
{
	char id[24], lim[16];
	const char *p[2] = { id, lim };
	PGresult *res = NULL;
	const char **hosts;
	int rc;

	snprintf(id, sizeof id, "%" PRId64, d->store_id);
	snprintf(lim, sizeof lim, "%d", c->cfg->rediscovery_max_hosts);
	if ((rc = db_exec(c->db, hosts_sql, 2, p, &res, e)) != 0)
		return rc;
	*n = (size_t)PQntuples(res);
	hosts = arena_alloc(c->a, *n * sizeof *hosts + 1);
	for (size_t i = 0; hosts != NULL && i < *n; i++)
		if ((hosts[i] = arena_strdup(c->a, db_get(res, (int)i, 0))) == NULL)
			hosts = NULL;
	PQclear(res);
	if (hosts == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	*out = hosts;
	return 0;
}

/* Look for the printer's MAC elsewhere and read it there. true when found and read. */
static bool rediscover(struct check_ctx *c, const struct device_row *d, struct printer_target *t,
		       const char **found)
{
	struct rediscover_request rq = { .mac = d->mac, .old_address = d->address,
					 .community = d->community, .snmp_port = d->snmp_port,
					 .v1_only = d->v1_only };
	struct rediscover_result res;
	struct err e;
	char *addr;

	if (d->store_id == 0 || store_hosts(c, d, &rq.hosts, &rq.nhosts, &e) != 0 ||
	    rediscover_mac(&rq, c->opt, c->a, &res, &e) != 0)
		return false;
	addr = arena_strdup(c->a, res.address);
	if (addr == NULL)
		return false;
	target_for(d, t);
	t->address = addr;
	if (printer_poll_run(t, 1, c->opt, c->a, &e) != 0 || !t->has_reading ||
	    mac_verify(d->mac, t->reading->mac) != MAC_MATCH)
		return false;
	*found = addr;
	return true;
}

/* A poll counts as a success when the printer itself answered usefully: a laser printer with
 * its reading, a label printer reachable; never another device at its address. */
static bool poll_succeeded(const struct device_row *d, const struct printer_target *t)
{
	if (!t->up || (t->mode == PRINTER_LASER && !t->has_reading))
		return false;
	return !(t->has_reading && mac_verify(d->mac, t->reading->mac) == MAC_MISMATCH);
}

static int check_one(struct check_ctx *c, const struct device_row *d, struct printer_target *t,
		     struct err *fatal)
{
	struct outcome o = { .d = d, .t = t, .first = t, .res = d->res };
	struct printer_target moved_t;
	struct err e = { 0 };
	bool mismatch = t->has_reading && mac_verify(d->mac, t->reading->mac) == MAC_MISMATCH;
	int rc;

	o.e = &e;
	memcpy(o.events, d->gate_events, d->ngate_events * sizeof *o.events);
	o.nevents = d->ngate_events;
	if (mismatch && rediscover(c, d, &moved_t, &o.found))
		o.t = &moved_t;
	o.ok = poll_succeeded(d, o.t);
	resilience_apply(&o.res, c->rcfg, o.ok, c->now, o.events, &o.nevents);
	rc = in_tx(c, record_outcome, &o, &e);
	if (rc != 0) {
		/* A device the database refuses (bad data) is one error; a lost server stops all. */
		if (rc == ERR_DB_DOWN || rc == ERR_NOMEM)
			return err_set(fatal, rc, "recording the poll of device %" PRId64 ": %s", d->id,
				       e.msg);
		c->sum->errors++;
		return 0;
	}
	c->sum->polled++;
	c->sum->moved += o.found != NULL && o.moved;
	c->sum->mismatched += mismatch && !(o.found != NULL && o.moved);
	if (o.ok)
		c->sum->up++;
	else
		c->sum->down++;
	if (o.t->error.code != ERR_OK)
		c->sum->errors++;
	return 0;
}

/*
 * Poll the devices whose settings loaded. One whose community does not decrypt is not polled
 * (sending "public" instead would be a guess at a device configured otherwise): its target
 * carries the load error and goes through the state machine as a failed poll.
 */
static int poll_loadable(const struct device_row *rows, struct printer_target *t, size_t n,
			 const struct snmp_options *opt, struct arena *a, struct err *e)
{
	struct printer_target *live = arena_alloc(a, n * sizeof *live + 1);
	size_t nlive = 0;
	int rc;

	if (live == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (rows[i].load_error.code == ERR_OK)
			live[nlive++] = t[i];
	if ((rc = printer_poll_run(live, nlive, opt, a, e)) != 0)
		return rc;
	for (size_t i = 0, k = 0; i < n; i++) {
		if (rows[i].load_error.code == ERR_OK) {
			t[i] = live[k++];
			continue;
		}
		t[i].up = t[i].has_reading = false;
		t[i].reading = NULL;
		t[i].error = rows[i].load_error;
	}
	return 0;
}

int printer_check_ids(struct db *db, const struct config *cfg, const int64_t *ids, size_t n,
		      const char *trace_id, struct printer_check_summary *out, struct err *e)
{
	struct snmp_options opt = snmp_options_default();
	struct arena *a;
	struct device_row *rows = NULL;
	struct printer_target *t = NULL;
	size_t nrows = 0;
	struct resilience_config rcfg = {
		.offline_confirmations = cfg->poll_offline_confirmations,
		.failure_threshold = cfg->poll_circuit_failure_threshold,
		.open_seconds = cfg->poll_circuit_open_seconds,
		.state_ttl_seconds = cfg->poll_resilience_state_ttl_seconds,
	};
	struct check_ctx c = { .db = db, .cfg = cfg, .rcfg = &rcfg, .now = (int64_t)time(NULL),
			       .opt = &opt, .trace_id = trace_id, .sum = out };
	int rc;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return 0;
	if ((a = arena_new(256 * 1024, 512u << 20)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	c.a = a;
	opt.timeout_ms = cfg->snmp_timeout_ms;
	opt.retries = cfg->snmp_retries;
	if ((rc = load(db, cfg, ids, n, &rows, &nrows, a, e)) != 0)
		goto done;
	t = arena_zalloc(a, nrows * sizeof *t + 1);
	if (t == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nrows; i++) {
		struct device_row *d = &rows[i];

		target_for(d, &t[i]);
		/* Asked for by id (an operator's "poll now", or --device): an open circuit does not
		 * stop it; the poll counts as the half-open probe. Poll-all honours the skip. */
		resilience_gate(&d->res, &rcfg, c.now, d->gate_events, &d->ngate_events);
	}
	if ((rc = poll_loadable(rows, t, nrows, &opt, a, e)) != 0)
		goto done;
	for (size_t i = 0; i < nrows; i++)
		if ((rc = check_one(&c, &rows[i], &t[i], e)) != 0)
			goto done;
done:
	arena_free(a);
	return rc;
}
