#include "printer_record.h"

#include "arena.h"
#include "db.h"
#include "json.h"
#include "printer_reading.h"
#include "sbuf.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- the statements: $1 is a JSON array of rows (the deletes take arrays of keys) ---- */

static const char up_sql[] =
	"UPDATE devices d SET state = 'online', last_polled_at = now(), last_seen_at = now(), "
	"       last_error = x.last_error, "
	"       last_read_at = CASE WHEN x.read THEN now() ELSE d.last_read_at END, "
	"       model = CASE WHEN x.model <> '' THEN x.model ELSE d.model END, "
	"       mac = coalesce(x.mac::macaddr, d.mac), "
	"       mac_status = CASE WHEN x.mac IS NOT NULL THEN 'verified' ELSE d.mac_status END "
	"FROM json_to_recordset($1::json) AS x(id bigint, last_error text, model text, mac text, "
	"       read boolean) "
	"WHERE d.id = x.id";

static const char down_sql[] =
	"UPDATE devices d SET state = x.state, last_polled_at = now(), last_error = x.why, "
	"       mac_status = CASE WHEN x.mismatch THEN 'mismatch' ELSE d.mac_status END "
	"FROM json_to_recordset($1::json) AS x(id bigint, state text, why text, "
	"       mismatch boolean) "
	"WHERE d.id = x.id";

/* Written when the reading differs from the stored one, or to note a full supply sample. */
static const char details_sql[] =
	"INSERT INTO printer_details AS p (device_id, vendor, serial, firmware, sys_name, sys_descr, "
	"       page_count, device_status, printer_status, error_bits, severity, port_9100_open, "
	"       foreign_mac, details_fingerprint, supplies_fingerprint, sampled_at) "
	"SELECT x.id, x.vendor, x.serial, x.firmware, x.sys_name, x.sys_descr, x.page_count, "
	"       x.device_status, x.printer_status, x.error_bits, x.severity, x.port_9100_open, "
	"       NULL, x.details_fingerprint, x.supplies_fingerprint, "
	"       CASE WHEN x.sampled THEN now() END "
	"FROM json_to_recordset($1::json) AS x(id bigint, vendor text, serial text, "
	"       firmware text, sys_name text, sys_descr text, page_count bigint, "
	"       device_status smallint, printer_status smallint, error_bits integer, severity text, "
	"       port_9100_open boolean, details_fingerprint bigint, supplies_fingerprint bigint, "
	"       sampled boolean) "
	"ON CONFLICT (device_id) DO UPDATE SET vendor = EXCLUDED.vendor, serial = EXCLUDED.serial, "
	"       firmware = EXCLUDED.firmware, sys_name = EXCLUDED.sys_name, "
	"       sys_descr = EXCLUDED.sys_descr, page_count = EXCLUDED.page_count, "
	"       device_status = EXCLUDED.device_status, printer_status = EXCLUDED.printer_status, "
	"       error_bits = EXCLUDED.error_bits, severity = EXCLUDED.severity, "
	"       port_9100_open = EXCLUDED.port_9100_open, foreign_mac = NULL, "
	"       details_fingerprint = EXCLUDED.details_fingerprint, "
	"       supplies_fingerprint = EXCLUDED.supplies_fingerprint, "
	"       sampled_at = coalesce(EXCLUDED.sampled_at, p.sampled_at)";

/* Label printers without an SNMP reading: only what TCP 9100 said. */
static const char port_sql[] =
	"INSERT INTO printer_details AS p (device_id, port_9100_open) "
	"SELECT x.id, x.port_9100_open "
	"FROM json_to_recordset($1::json) AS x(id bigint, port_9100_open boolean) "
	"ON CONFLICT (device_id) DO UPDATE SET port_9100_open = EXCLUDED.port_9100_open";

static const char foreign_sql[] =
	"INSERT INTO printer_details AS p (device_id, foreign_mac) "
	"SELECT x.id, x.foreign_mac::macaddr "
	"FROM json_to_recordset($1::json) AS x(id bigint, foreign_mac text) "
	"ON CONFLICT (device_id) DO UPDATE SET foreign_mac = EXCLUDED.foreign_mac";

/* A supply or colour the printer no longer reports goes ($1: the devices read; $2, $3: the
 * (device, supply index) or (device, colour) pairs they reported, as arrays side by side); the
 * rest is upserted, writing only rows that changed (no dead rows, no index churn, little WAL). */
static const char supplies_delete_sql[] =
	"DELETE FROM printer_supplies s WHERE s.device_id = ANY ($1::bigint[]) AND NOT EXISTS ("
	"  SELECT 1 FROM unnest($2::bigint[], $3::integer[]) AS k(id, supply_index) "
	"  WHERE k.id = s.device_id AND k.supply_index = s.supply_index)";
static const char colours_delete_sql[] =
	"DELETE FROM printer_colours c WHERE c.device_id = ANY ($1::bigint[]) AND NOT EXISTS ("
	"  SELECT 1 FROM unnest($2::bigint[], $3::text[]) AS k(id, colour) "
	"  WHERE k.id = c.device_id AND k.colour = c.colour)";

static const char supplies_sql[] =
	"INSERT INTO printer_supplies AS p (device_id, supply_index, description, type, class, unit, "
	"       max_capacity, level, state, percent, fullness, colour, is_toner, is_receptacle) "
	"SELECT x.id, x.supply_index, x.description, x.type, x.class, x.unit, x.max_capacity, "
	"       x.level, x.state, x.percent, x.fullness, x.colour, x.is_toner, x.is_receptacle "
	"FROM json_to_recordset($1::json) AS x(id bigint, supply_index integer, "
	"       description text, type smallint, class text, unit smallint, max_capacity bigint, "
	"       level bigint, state text, percent real, fullness real, colour text, "
	"       is_toner boolean, is_receptacle boolean) "
	"ON CONFLICT (device_id, supply_index) DO UPDATE SET description = EXCLUDED.description, "
	"       type = EXCLUDED.type, class = EXCLUDED.class, unit = EXCLUDED.unit, "
	"       max_capacity = EXCLUDED.max_capacity, level = EXCLUDED.level, "
	"       state = EXCLUDED.state, percent = EXCLUDED.percent, fullness = EXCLUDED.fullness, "
	"       colour = EXCLUDED.colour, is_toner = EXCLUDED.is_toner, "
	"       is_receptacle = EXCLUDED.is_receptacle "
	"WHERE (p.description, p.type, p.class, p.unit, p.max_capacity, p.level, p.state, "
	"       p.percent, p.fullness, p.colour, p.is_toner, p.is_receptacle) IS DISTINCT FROM "
	"      (EXCLUDED.description, EXCLUDED.type, EXCLUDED.class, EXCLUDED.unit, "
	"       EXCLUDED.max_capacity, EXCLUDED.level, EXCLUDED.state, EXCLUDED.percent, "
	"       EXCLUDED.fullness, EXCLUDED.colour, EXCLUDED.is_toner, EXCLUDED.is_receptacle)";

static const char colours_sql[] =
	"INSERT INTO printer_colours AS c (device_id, colour, percent, state, supply_index, name) "
	"SELECT x.id, x.colour, x.percent, x.state, x.supply_index, x.name "
	"FROM json_to_recordset($1::json) AS x(id bigint, colour text, percent real, "
	"       state text, supply_index integer, name text) "
	"ON CONFLICT (device_id, colour) DO UPDATE SET percent = EXCLUDED.percent, "
	"       state = EXCLUDED.state, supply_index = EXCLUDED.supply_index, name = EXCLUDED.name "
	"WHERE (c.percent, c.state, c.supply_index, c.name) IS DISTINCT FROM "
	"      (EXCLUDED.percent, EXCLUDED.state, EXCLUDED.supply_index, EXCLUDED.name)";

/* History: a supply's level when it changed (compared with printer_supplies, which holds the
 * last reading: run before the supplies are upserted), or every supply ("every") when the
 * device's last full sample is an hour old. */
static const char supply_samples_sql[] =
	"INSERT INTO supply_samples (device_id, supply_index, at, level, percent, state) "
	"SELECT x.id, x.supply_index, now(), x.level, x.percent, x.state "
	"FROM json_to_recordset($1::json) AS x(id bigint, supply_index integer, level bigint, "
	"       percent real, state text, every boolean) "
	"LEFT JOIN printer_supplies p ON p.device_id = x.id AND p.supply_index = x.supply_index "
	"WHERE x.every OR p.device_id IS NULL OR p.level IS DISTINCT FROM x.level "
	"   OR p.state <> x.state "
	"ON CONFLICT DO NOTHING";

static const char device_samples_sql[] =
	"INSERT INTO device_samples (device_id, at, up, latency_ms) "
	"SELECT x.id, now(), x.up, x.latency_ms "
	"FROM json_to_recordset($1::json) AS x(id bigint, up boolean, latency_ms real) "
	"ON CONFLICT DO NOTHING";

/* Only rows whose values changed are sent, and only those are written (a healthy device's row
 * stays as it is: its age matters only while it fails, for the TTL reset, and a failing
 * device's row changes with every poll anyway). */
static const char poll_state_sql[] =
	"INSERT INTO device_poll_state AS s (device_id, failures, circuit, opened_at, updated_at) "
	"SELECT x.id, x.failures, x.circuit, to_timestamp(x.opened_at), now() "
	"FROM json_to_recordset($1::json) AS x(id bigint, failures integer, circuit text, "
	"       opened_at bigint) "
	"ON CONFLICT (device_id) DO UPDATE SET failures = EXCLUDED.failures, "
	"       circuit = EXCLUDED.circuit, opened_at = EXCLUDED.opened_at, updated_at = now() "
	"WHERE (s.failures, s.circuit, s.opened_at) IS DISTINCT FROM "
	"      (EXCLUDED.failures, EXCLUDED.circuit, EXCLUDED.opened_at)";

static const char events_sql[] =
	"INSERT INTO events (type, severity, device_kind, device_id, store_id, message, payload, "
	"       trace_id) "
	"SELECT x.type, x.severity, x.device_kind, x.device_id, x.store_id, x.message, "
	"       coalesce(x.payload, '{}'::jsonb), $2::text "
	"FROM json_to_recordset($1::json) AS x(type text, severity text, device_kind text, "
	"       device_id bigint, store_id bigint, message text, payload jsonb)";

/* ---- building the rows ---- */

/*
 * One statement's parameter: a JSON array of flat rows, written straight into text (a batch
 * of 500 printers is ~4,000 rows: building json-c objects for them cost a third of the
 * poller's CPU). Nested objects (an event's payload) open and close like rows.
 */
struct out {
	struct sbuf b;                  /* "[" rows… */
	size_t rows;
	bool first;                     /* no field yet in the open object */
};

struct rows {
	struct out up, down, details, port, foreign, supplies, colours, supply_samples,
		device_samples, poll_state, events;
	/* PostgreSQL array literals ("{…}"): the devices whose supplies are rewritten, and the
	 * keys of the supplies and colours they reported. */
	struct out rewritten, supply_ids, supply_indexes, colour_ids, colour_names;
};

static void obj_open(struct out *o)
{
	sbuf_putc(&o->b, '{');
	o->first = true;
}

static void obj_close(struct out *o)
{
	sbuf_putc(&o->b, '}');
	o->first = false;
}

static void row_open(struct out *o)
{
	if (o->rows++ > 0)
		sbuf_putc(&o->b, ',');
	obj_open(o);
}

static void key(struct out *o, const char *k)
{
	if (!o->first)
		sbuf_putc(&o->b, ',');
	o->first = false;
	sbuf_putc(&o->b, '"');
	sbuf_puts(&o->b, k);
	sbuf_puts(&o->b, "\":");
}

static void put_str(struct out *o, const char *k, const char *v)
{
	key(o, k);
	if (v != NULL)
		json_put_string(&o->b, v);
	else
		sbuf_puts(&o->b, "null");
}

static void put_int(struct out *o, const char *k, bool present, int64_t v)
{
	key(o, k);
	if (present)
		sbuf_printf(&o->b, "%" PRId64, v);
	else
		sbuf_puts(&o->b, "null");
}

/* NaN = null. */
static void put_num(struct out *o, const char *k, double v)
{
	char buf[32];

	json_format_double(v, buf, sizeof buf);
	key(o, k);
	sbuf_puts(&o->b, buf);
}

static void put_bool(struct out *o, const char *k, bool present, bool v)
{
	key(o, k);
	sbuf_puts(&o->b, !present ? "null" : v ? "true" : "false");
}

/* One more element of an array literal: a number, or a word that needs no quoting. */
static void list_add_int(struct out *o, int64_t v)
{
	sbuf_printf(&o->b, "%s%" PRId64, o->rows++ > 0 ? "," : "", v);
}

static void list_add_word(struct out *o, const char *word)
{
	if (o->rows++ > 0)
		sbuf_putc(&o->b, ',');
	sbuf_puts(&o->b, word);
}

/* A new row of o that starts with the device's id. */
static struct out *row_of(struct out *o, int64_t id)
{
	row_open(o);
	put_int(o, "id", true, id);
	return o;
}

/*
 * A row's fields go to a sink: into a statement's rows, or into a fingerprint. The same field
 * lists serve both, so a fingerprint covers exactly what is stored.
 */
struct sink {
	struct out *o;                  /* NULL: fingerprint into h */
	uint64_t h;                     /* FNV-1a 64 */
};

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static void mix(struct sink *s, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		s->h ^= b[i];
		s->h *= FNV_PRIME;
	}
}

/* The key and a tag for null/present, then the value with its length or width: no two
 * different rows mix the same bytes. */
static void mix_field(struct sink *s, const char *k, bool present, const void *v, size_t n)
{
	unsigned char tag = present;

	mix(s, k, strlen(k) + 1);
	mix(s, &tag, 1);
	if (present) {
		mix(s, &n, sizeof n);
		mix(s, v, n);
	}
}

static void field_str(struct sink *s, const char *k, const char *v)
{
	if (s->o != NULL)
		put_str(s->o, k, v);
	else
		mix_field(s, k, v != NULL, v, v != NULL ? strlen(v) : 0);
}

static void field_int(struct sink *s, const char *k, bool present, int64_t v)
{
	if (s->o != NULL)
		put_int(s->o, k, present, v);
	else
		mix_field(s, k, present, &v, sizeof v);
}

/* NaN = null. */
static void field_num(struct sink *s, const char *k, double v)
{
	if (s->o != NULL)
		put_num(s->o, k, v);
	else
		mix_field(s, k, !isnan(v), &v, sizeof v);
}

static void field_bool(struct sink *s, const char *k, bool present, bool v)
{
	if (s->o != NULL)
		put_bool(s->o, k, present, v);
	else
		mix_field(s, k, present, &v, sizeof v);
}

/* printer_details' reading columns. */
static void details_fields(struct sink *k, const struct printer_target *t)
{
	const struct printer_reading *p = t->reading;

	field_str(k, "vendor", p->vendor ? p->vendor : "");
	field_str(k, "serial", p->serial);
	field_str(k, "firmware", p->firmware);
	field_str(k, "sys_name", p->sys_name);
	field_str(k, "sys_descr", p->sys_descr);
	field_int(k, "page_count", p->page_count >= 0, p->page_count);
	field_int(k, "device_status", p->status.device > 0, p->status.device);
	field_int(k, "printer_status", p->status.printer > 0, p->status.printer);
	field_int(k, "error_bits", true, p->status.errors);
	field_str(k, "severity", printer_severity_name(p->status.severity));
	field_bool(k, "port_9100_open", t->mode == PRINTER_LABEL_IP, t->raw_port == TCP_OPEN);
}

static void supply_fields(struct sink *k, const struct printer_supply *s)
{
	field_int(k, "supply_index", true, s->index);
	field_str(k, "description", s->description);
	field_int(k, "type", s->type > 0, s->type);
	field_str(k, "class", printer_class_name(s->class));
	field_int(k, "unit", s->unit > 0, s->unit);
	field_int(k, "max_capacity", s->has_max, s->max);
	field_int(k, "level", s->has_level, s->level);
	field_str(k, "state", printer_level_state_name(s->state));
	field_num(k, "percent", s->percent);
	field_num(k, "fullness", s->fullness);
	field_str(k, "colour", s->colour);
	field_bool(k, "is_toner", true, s->is_toner);
	field_bool(k, "is_receptacle", true, s->is_receptacle);
}

static void colour_fields(struct sink *k, int c, const struct printer_colour_summary *cs)
{
	field_str(k, "colour", printer_colour_name((enum printer_colour)c));
	field_num(k, "percent", cs->percent);
	field_str(k, "state", printer_level_state_name(cs->state));
	field_int(k, "supply_index", true, cs->supply_index);
	field_str(k, "name", cs->name);
}

void printer_reading_fingerprints(const struct printer_target *t, int64_t *details,
				  int64_t *supplies)
{
	const struct printer_reading *p = t->reading;
	struct sink d = { .o = NULL, .h = FNV_OFFSET }, s = { .o = NULL, .h = FNV_OFFSET };

	details_fields(&d, t);
	for (size_t i = 0; i < p->n_supplies; i++)
		supply_fields(&s, &p->supplies[i]);
	for (int c = 0; c < PRINTER_COLOUR_COUNT; c++)
		if (p->colours[c].present)
			colour_fields(&s, c, &p->colours[c]);
	*details = (int64_t)d.h;
	*supplies = (int64_t)s.h;
}

static void add_reading(struct rows *w, const struct printer_record *r)
{
	const struct printer_target *t = r->t;
	const struct printer_reading *p = t->reading;
	const struct printer_stored *st = &r->stored;
	int64_t dfp, sfp;
	bool supplies_changed, details_changed;

	printer_reading_fingerprints(t, &dfp, &sfp);
	supplies_changed = !st->has_fingerprints || sfp != st->supplies_fingerprint;
	details_changed = !st->has_fingerprints || dfp != st->details_fingerprint ||
			  st->foreign_mac;
	if (details_changed || supplies_changed || st->sample_due) {
		struct sink k = { .o = row_of(&w->details, r->device_id) };

		details_fields(&k, t);
		put_int(k.o, "details_fingerprint", true, dfp);
		put_int(k.o, "supplies_fingerprint", true, sfp);
		put_bool(k.o, "sampled", true, st->sample_due);
		obj_close(k.o);
	}
	if (!supplies_changed && !st->sample_due)
		return;
	for (size_t i = 0; i < p->n_supplies; i++) {
		const struct printer_supply *s = &p->supplies[i];
		struct out *h = row_of(&w->supply_samples, r->device_id);

		put_int(h, "supply_index", true, s->index);
		put_int(h, "level", s->has_level, s->level);
		put_num(h, "percent", s->percent);
		put_str(h, "state", printer_level_state_name(s->state));
		put_bool(h, "every", true, st->sample_due);
		obj_close(h);
	}
	if (!supplies_changed)
		return;
	list_add_int(&w->rewritten, r->device_id);
	for (size_t i = 0; i < p->n_supplies; i++) {
		struct sink k = { .o = row_of(&w->supplies, r->device_id) };

		supply_fields(&k, &p->supplies[i]);
		obj_close(k.o);
		list_add_int(&w->supply_ids, r->device_id);
		list_add_int(&w->supply_indexes, p->supplies[i].index);
	}
	for (int c = 0; c < PRINTER_COLOUR_COUNT; c++)
		if (p->colours[c].present) {
			struct sink k = { .o = row_of(&w->colours, r->device_id) };

			colour_fields(&k, c, &p->colours[c]);
			obj_close(k.o);
			list_add_int(&w->colour_ids, r->device_id);
			list_add_word(&w->colour_names, printer_colour_name((enum printer_colour)c));
		}
}

static const char *const event_severity[RESILIENCE_EVENT_COUNT] = {
	[EVENT_PENDING_OFFLINE] = "info", [EVENT_OFFLINE] = "warning",
	[EVENT_RECOVERED] = "info", [EVENT_CIRCUIT_OPENED] = "warning",
	[EVENT_CIRCUIT_HALF_OPEN] = "info", [EVENT_CIRCUIT_CLOSED] = "info",
	[EVENT_STATE_RESET] = "debug",
};

/* An event row up to its payload, which the caller writes and closes (then the row). */
static struct out *event_open(struct rows *w, const struct printer_record *r, const char *type,
			      const char *severity, const char *message)
{
	struct out *o = &w->events;

	row_open(o);
	put_str(o, "type", type);
	put_str(o, "severity", severity);
	put_str(o, "device_kind", r->kind);
	put_int(o, "device_id", true, r->device_id);
	put_int(o, "store_id", r->store_id > 0, r->store_id);
	put_str(o, "message", message);
	key(o, "payload");
	obj_open(o);
	return o;
}

static void add_events(struct rows *w, const struct printer_record *r, struct arena *a)
{
	const char *where = r->address != NULL ? r->address : "(no address)";

	if (r->what == RECORD_MISMATCH && r->mismatch_event) {
		struct out *o = event_open(w, r, "mac_mismatch", "warning", r->why);

		put_str(o, "address", r->address);
		put_str(o, "expected_mac", r->expected_mac);
		put_str(o, "seen_mac", r->seen_mac);
		obj_close(o);
		obj_close(o);
	}
	for (size_t i = 0; i < r->nevents; i++) {
		enum resilience_event ev = r->events[i];
		const char *type = resilience_event_name(ev);
		bool with_why = r->why != NULL && ev != EVENT_RECOVERED && ev != EVENT_CIRCUIT_CLOSED;
		const char *msg = ev == EVENT_OFFLINE && r->why != NULL
					  ? arena_printf(a, "%s: %s — %s", where, type, r->why)
					  : arena_printf(a, "%s: %s", where, type);
		struct out *o = event_open(w, r, type, event_severity[ev], msg != NULL ? msg : type);

		put_int(o, "failures", true, r->res.failures);
		put_str(o, "circuit", circuit_state_name(r->res.circuit));
		if (with_why)
			put_str(o, "error", r->why);
		obj_close(o);
		obj_close(o);
	}
}

static void add_record(struct rows *w, const struct printer_record *r, struct arena *a)
{
	const struct printer_target *t = r->t;
	struct out *o;

	if (r->what == RECORD_UP) {
		const struct printer_reading *p = t->reading;

		o = row_of(&w->up, r->device_id);
		put_str(o, "last_error", t->error.code != ERR_OK ? t->error.msg : NULL);
		put_str(o, "model", p != NULL ? p->model : "");
		put_str(o, "mac", r->adopt_mac && p != NULL && p->mac[0] ? p->mac : NULL);
		put_bool(o, "read", true, p != NULL);
		obj_close(o);
		if (p != NULL) {
			add_reading(w, r);
		} else if (t->mode == PRINTER_LABEL_IP) {
			o = row_of(&w->port, r->device_id);
			put_bool(o, "port_9100_open", true, t->raw_port == TCP_OPEN);
			obj_close(o);
		}
	} else {
		o = row_of(&w->down, r->device_id);
		put_str(o, "state", device_state_name(r->res.state));
		put_str(o, "why", r->why);
		put_bool(o, "mismatch", true, r->what == RECORD_MISMATCH);
		obj_close(o);
		if (r->what == RECORD_MISMATCH) {
			o = row_of(&w->foreign, r->device_id);
			put_str(o, "foreign_mac", r->seen_mac);
			obj_close(o);
		}
	}
	o = row_of(&w->device_samples, r->device_id);
	put_bool(o, "up", true, r->what == RECORD_UP);
	put_num(o, "latency_ms", r->what == RECORD_UP && t != NULL ? t->latency_ms : NAN);
	obj_close(o);
	if (r->res.failures != r->was.failures || r->res.circuit != r->was.circuit ||
	    r->res.opened_at != r->was.opened_at) {
		o = row_of(&w->poll_state, r->device_id);
		put_int(o, "failures", true, r->res.failures);
		put_str(o, "circuit", circuit_state_name(r->res.circuit));
		put_int(o, "opened_at", r->res.opened_at > 0, r->res.opened_at);
		obj_close(o);
	}
	add_events(w, r, a);
}

/* An empty parameter in the batch's arena: a JSON array ('[') or an array literal ('{'). */
static void start(struct out *o, char open, struct arena *a)
{
	sbuf_init(&o->b, a, 256u << 20);
	sbuf_putc(&o->b, open);
	o->rows = 0;
	o->first = true;
}

/* The text of a statement's parameter ("[…]", or "{…}" for an array literal); NULL when
 * out of memory. */
static const char *finish(struct out *o, char close)
{
	sbuf_putc(&o->b, close);
	sbuf_putc(&o->b, '\0');
	return o->b.failed ? NULL : o->b.data;
}

/* Run sql with the rows as $1 (and trace_id as $2 when two), unless there are none. */
static int run(struct db *db, const char *sql, struct out *rows, int nparams,
	       const char *trace_id, struct err *e)
{
	const char *p[2] = { NULL, trace_id };

	if (rows->rows == 0)
		return 0;
	if ((p[0] = finish(rows, ']')) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory writing a batch's rows");
	return db_exec(db, sql, nparams, p, NULL, e);
}

int printer_record_batch(struct db *db, const struct printer_record *r, size_t n,
			 const char *trace_id, struct arena *a, struct err *e)
{
	struct rows w;
	struct out *rows[] = { &w.up, &w.down, &w.details, &w.port, &w.foreign, &w.supplies,
			       &w.colours, &w.supply_samples, &w.device_samples, &w.poll_state,
			       &w.events },
		   *lists[] = { &w.rewritten, &w.supply_ids, &w.supply_indexes, &w.colour_ids,
				&w.colour_names };
	int rc;

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		start(rows[i], '[', a);
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		start(lists[i], '{', a);
	for (size_t i = 0; i < n; i++)
		add_record(&w, &r[i], a);
	if ((rc = run(db, up_sql, &w.up, 1, NULL, e)) != 0 ||
	    (rc = run(db, down_sql, &w.down, 1, NULL, e)) != 0 ||
	    (rc = run(db, details_sql, &w.details, 1, NULL, e)) != 0 ||
	    (rc = run(db, port_sql, &w.port, 1, NULL, e)) != 0 ||
	    (rc = run(db, foreign_sql, &w.foreign, 1, NULL, e)) != 0 ||
	    (rc = run(db, supply_samples_sql, &w.supply_samples, 1, NULL, e)) != 0)
		return rc;
	if (w.rewritten.rows > 0) {
		const char *ps[3] = { finish(&w.rewritten, '}'), finish(&w.supply_ids, '}'),
				      finish(&w.supply_indexes, '}') };
		const char *pc[3] = { ps[0], finish(&w.colour_ids, '}'),
				      finish(&w.colour_names, '}') };

		if (ps[0] == NULL || ps[1] == NULL || ps[2] == NULL || pc[1] == NULL ||
		    pc[2] == NULL)
			return err_set(e, ERR_NOMEM, "out of memory writing a batch's rows");
		if ((rc = db_exec(db, supplies_delete_sql, 3, ps, NULL, e)) != 0 ||
		    (rc = db_exec(db, colours_delete_sql, 3, pc, NULL, e)) != 0 ||
		    (rc = run(db, supplies_sql, &w.supplies, 1, NULL, e)) != 0 ||
		    (rc = run(db, colours_sql, &w.colours, 1, NULL, e)) != 0)
			return rc;
	}
	if ((rc = run(db, device_samples_sql, &w.device_samples, 1, NULL, e)) != 0 ||
	    (rc = run(db, poll_state_sql, &w.poll_state, 1, NULL, e)) != 0 ||
	    (rc = run(db, events_sql, &w.events, 2, trace_id, e)) != 0)
		return rc;
	return 0;
}
