/*
 * /api/v1/printers — laser and label printers (SPEC §9): list with filters and search, one
 * printer with its details, supplies and colour summary, the history charts read, create /
 * change / delete (admins), and "poll now" (operators) through the same recording path as the
 * batch poller (lib/printer_check.h).
 *
 * The SNMP community is write-only: accepted on create and change, sealed by lib/printers
 * before it reaches the database, never returned (answers say "community_set") and never put
 * into an audit event or a log line.
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "printer_check.h"
#include "printers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- answers ---- */

static json_object *str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* "" (never / none) becomes null. */
static json_object *text_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_object_new_string(s) : NULL;
}

static json_object *num_or_null(double v)
{
	return isnan(v) ? NULL : json_number(v);
}

static json_object *colours_json(const struct printers_item *it)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < it->n_colours; i++) {
		const struct printers_colour *c = &it->colours[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "colour", json_object_new_string(c->colour));
		json_object_object_add(o, "percent", num_or_null(c->percent));
		json_object_object_add(o, "state", json_object_new_string(c->state));
		json_object_object_add(o, "supply_index", json_object_new_int64(c->supply_index));
		json_object_object_add(o, "name", json_object_new_string(c->name));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* A printer as lists show it (never its community). */
static json_object *item_json(const struct printers_item *it)
{
	json_object *o = json_object_new_object(), *store = NULL;

	if (it->store.id > 0) {
		store = json_object_new_object();
		json_object_object_add(store, "id", json_object_new_int64(it->store.id));
		json_object_object_add(store, "code", json_object_new_string(it->store.code));
		json_object_object_add(store, "name", json_object_new_string(it->store.name));
	}
	json_object_object_add(o, "id", json_object_new_int64(it->id));
	json_object_object_add(o, "kind", json_object_new_string(it->kind));
	json_object_object_add(o, "name", json_object_new_string(it->name));
	json_object_object_add(o, "model", json_object_new_string(it->model));
	json_object_object_add(o, "address", str_or_null(it->address));
	json_object_object_add(o, "connection", json_object_new_string(it->connection));
	json_object_object_add(o, "host_pc", str_or_null(it->host_pc));
	json_object_object_add(o, "mac", str_or_null(it->mac));
	json_object_object_add(o, "mac_status", json_object_new_string(it->mac_status));
	json_object_object_add(o, "snmp_version", json_object_new_string(it->snmp_version));
	json_object_object_add(o, "snmp_port", json_object_new_int(it->snmp_port));
	json_object_object_add(o, "community_set", json_object_new_boolean(it->community_set));
	json_object_object_add(o, "state", json_object_new_string(it->state));
	json_object_object_add(o, "online", json_object_new_boolean(it->online));
	json_object_object_add(o, "severity", json_object_new_string(it->severity));
	{
		json_object *poll = json_object_new_object();

		json_object_object_add(poll, "circuit", json_object_new_string(it->circuit));
		json_object_object_add(poll, "failures", json_object_new_int(it->failures));
		json_object_object_add(poll, "circuit_opened_at", text_or_null(it->circuit_opened_at));
		json_object_object_add(o, "polling", poll);
	}
	json_object_object_add(o, "read_at", text_or_null(it->read_at));
	json_object_object_add(o, "last_polled_at", text_or_null(it->last_polled_at));
	json_object_object_add(o, "last_seen_at", text_or_null(it->last_seen_at));
	json_object_object_add(o, "last_error", text_or_null(it->last_error));
	json_object_object_add(o, "store", store);
	json_object_object_add(o, "colours", colours_json(it));
	json_object_object_add(o, "created_at", json_object_new_string(it->created_at));
	json_object_object_add(o, "updated_at", json_object_new_string(it->updated_at));
	return o;
}

static json_object *details_json(const struct printers_details *d)
{
	json_object *o = json_object_new_object(), *errors = json_object_new_array();

	for (size_t i = 0; i < d->n_errors; i++)
		json_object_array_add(errors, json_object_new_string(d->errors[i]));
	json_object_object_add(o, "vendor", json_object_new_string(d->vendor));
	json_object_object_add(o, "serial", json_object_new_string(d->serial));
	json_object_object_add(o, "firmware", json_object_new_string(d->firmware));
	json_object_object_add(o, "sys_name", json_object_new_string(d->sys_name));
	json_object_object_add(o, "sys_descr", json_object_new_string(d->sys_descr));
	json_object_object_add(o, "page_count",
			       d->page_count >= 0 ? json_object_new_int64(d->page_count) : NULL);
	json_object_object_add(o, "device_status",
			       d->device_status > 0 ? json_object_new_int(d->device_status) : NULL);
	json_object_object_add(o, "device_status_name", str_or_null(d->device_status_name));
	json_object_object_add(o, "printer_status",
			       d->printer_status > 0 ? json_object_new_int(d->printer_status) : NULL);
	json_object_object_add(o, "printer_status_name", str_or_null(d->printer_status_name));
	json_object_object_add(o, "error_bits", json_object_new_int64(d->error_bits));
	json_object_object_add(o, "errors", errors);
	json_object_object_add(o, "severity", json_object_new_string(d->severity));
	json_object_object_add(o, "port_9100_open",
			       d->port_9100_open < 0 ? NULL
						     : json_object_new_boolean(d->port_9100_open));
	json_object_object_add(o, "foreign_mac", str_or_null(d->foreign_mac));
	json_object_object_add(o, "read_at", text_or_null(d->read_at));
	json_object_object_add(o, "read_age_seconds",
			       d->read_age_seconds >= 0 ? json_object_new_int64(d->read_age_seconds)
							: NULL);
	return o;
}

static json_object *supply_json(const struct printers_supply *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "supply_index", json_object_new_int64(s->supply_index));
	json_object_object_add(o, "description", json_object_new_string(s->description));
	json_object_object_add(o, "type", s->type > 0 ? json_object_new_int(s->type) : NULL);
	json_object_object_add(o, "type_name", str_or_null(s->type_name));
	json_object_object_add(o, "class", json_object_new_string(s->class_));
	json_object_object_add(o, "unit", s->unit > 0 ? json_object_new_int(s->unit) : NULL);
	json_object_object_add(o, "max_capacity",
			       s->has_max ? json_object_new_int64(s->max_capacity) : NULL);
	json_object_object_add(o, "level", s->has_level ? json_object_new_int64(s->level) : NULL);
	json_object_object_add(o, "state", json_object_new_string(s->state));
	json_object_object_add(o, "percent", num_or_null(s->percent));
	json_object_object_add(o, "fullness", num_or_null(s->fullness));
	json_object_object_add(o, "colour", str_or_null(s->colour));
	json_object_object_add(o, "is_toner", json_object_new_boolean(s->is_toner));
	json_object_object_add(o, "is_receptacle", json_object_new_boolean(s->is_receptacle));
	return o;
}

/* Everything about one printer (GET /{id}, and the answers of create, change and poll). */
static json_object *full_json(const struct printers_full *p)
{
	json_object *o = item_json(&p->item), *sup = json_object_new_array();

	for (size_t i = 0; i < p->n_supplies; i++)
		json_object_array_add(sup, supply_json(&p->supplies[i]));
	json_object_object_add(o, "details", details_json(&p->details));
	json_object_object_add(o, "supplies", sup);
	return o;
}

/* Store-level failures, mapped the same way by every handler. Returns 0 when answered. */
static int respond_store_error(struct http_ctx *x, int rc, const struct err *e)
{
	switch (rc) {
	case ERR_NOTFOUND:
		http_respond_error(x, 404, "not_found", "no such printer");
		return 0;
	case ERR_CONFLICT:
		http_respond_error(x, 409, "conflict", "%s", e->msg);
		return 0;
	case ERR_INVALID:
		http_respond_error(x, 422, "validation_failed", "%s", e->msg);
		return 0;
	default:
		return rc;
	}
}

/* The printer id as GET /{id} shows it, with status. */
static int respond_printer(struct http_ctx *x, int status, int64_t id)
{
	struct printers_full p;
	struct err e = { 0 };
	int rc = printers_get(app_thread_of(x)->db, x->arena, id, &p, &e);

	if (rc != 0)
		return respond_store_error(x, rc, &e);
	http_respond_json(x, status, full_json(&p));
	return 0;
}

/* ---- audit ---- */

/*
 * An audit event about a printer: who (the caller), which device and store, from where, the
 * trace id; payload is put here. Failures only go to the log (an audit write never changes
 * the answer). Callers never put the community into payload.
 */
static void printer_audit(struct http_ctx *x, const char *type, const struct printers_ref *ref,
			  const char *message, json_object *payload)
{
	struct err e = { 0 };
	json_object *p = payload != NULL ? payload : json_object_new_object();
	const struct request_auth *who = app_auth_of(x);
	struct event ev = { .type = type, .severity = "info", .user_id = who->user.id,
			    .device_id = ref->id, .store_id = ref->store_id,
			    .device_kind = ref->kind, .message = message, .payload = p,
			    .trace_id = x->req.trace_id };
	struct log_line l;

	json_object_object_add(p, "device_id", json_object_new_int64(ref->id));
	json_object_object_add(p, "name", str_or_null(ref->name));
	json_object_object_add(p, "address", str_or_null(ref->address));
	json_object_object_add(p, "client_ip", json_object_new_string(auth_client_ip(x)));
	if (x->route != NULL)
		json_object_object_add(p, "route", json_object_new_string(x->route->name));
	log_begin(&l, LOG_LEVEL_INFO, type, x->req.trace_id);
	log_int(&l, "user_id", who->user.id);
	log_int(&l, "device_id", ref->id);
	log_str(&l, "client_ip", auth_client_ip(x));
	log_str(&l, "msg", message);
	log_end(&l);
	if (event_record(app_thread_of(x)->db, &ev, &e) != 0)
		log_msg(LOG_LEVEL_ERROR, "audit_failed", x->req.trace_id, "%s: %s", type, e.msg);
	json_object_put(p);
}

/* ---- reading a printer from the body ---- */

static const char *const fields[] = { "kind", "name", "model", "address", "connection",
				      "host_pc", "store_id", "snmp_version", "snmp_port",
				      "community", "mac" };

/*
 * Fill in from the JSON body: type checks here, the rules in printers_check(). Strings are
 * borrowed from the body. Answers 422 itself and returns false on a bad field.
 */
static bool read_input(struct http_ctx *x, struct printers_input *in)
{
	json_object *body = x->req.json;

	memset(in, 0, sizeof *in);
	if (!api_require_object(x))
		return false;
	json_object_object_foreach(body, key, val) {
		size_t i;
		unsigned bit;

		for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
			if (strcmp(key, fields[i]) == 0)
				break;
		if (i == sizeof fields / sizeof fields[0]) {
			http_respond_error(x, 422, "validation_failed",
					   "unknown field \"%s\"; known: kind, name, model, address, "
					   "connection, host_pc, store_id, snmp_version, snmp_port, "
					   "community, mac", key);
			return false;
		}
		bit = 1u << i;  /* fields[] is in the order of enum printers_field */
		if (bit == PRINTERS_F_STORE || bit == PRINTERS_F_SNMP_PORT) {
			int64_t v = 0;

			if (val == NULL && bit == PRINTERS_F_STORE) {
				v = 0;
			} else if (val == NULL || !json_object_is_type(val, json_type_int)) {
				http_respond_error(x, 422, "validation_failed",
						   "%s: must be an integer%s", key,
						   bit == PRINTERS_F_STORE ? " or null" : "");
				return false;
			} else {
				v = json_object_get_int64(val);
				if (bit == PRINTERS_F_STORE && v <= 0) {
					http_respond_error(x, 422, "validation_failed",
							   "store_id: must be a store's id, or null");
					return false;
				}
			}
			if (bit == PRINTERS_F_STORE)
				in->store_id = v;
			else
				in->snmp_port = v;
		} else {
			const char *s = NULL;

			if (val != NULL && !json_object_is_type(val, json_type_string)) {
				http_respond_error(x, 422, "validation_failed",
						   "%s: must be a string%s", key,
						   bit & (PRINTERS_F_ADDRESS | PRINTERS_F_HOST_PC |
							  PRINTERS_F_COMMUNITY | PRINTERS_F_MAC |
							  PRINTERS_F_MODEL) ? " or null" : "");
				return false;
			}
			if (val != NULL)
				s = json_object_get_string(val);
			if (val != NULL && strlen(s) != (size_t)json_object_get_string_len(val)) {
				http_respond_error(x, 422, "validation_failed",
						   "%s: must not contain NUL characters", key);
				return false;
			}
			switch (bit) {
			case PRINTERS_F_KIND: in->kind = s; break;
			case PRINTERS_F_NAME: in->name = s; break;
			case PRINTERS_F_MODEL: in->model = s; break;
			case PRINTERS_F_ADDRESS: in->address = s; break;
			case PRINTERS_F_CONNECTION: in->connection = s; break;
			case PRINTERS_F_HOST_PC: in->host_pc = s; break;
			case PRINTERS_F_SNMP_VERSION: in->snmp_version = s; break;
			case PRINTERS_F_COMMUNITY: in->community = s; break;
			case PRINTERS_F_MAC: in->mac = s; break;
			default: break;
			}
		}
		in->set |= bit;
	}
	return true;
}

/* What a change set, for the audit event: field names and new values, never the community. */
static json_object *change_summary(const struct printers_input *in, unsigned which)
{
	json_object *p = json_object_new_object(), *f = json_object_new_object();

	if (which & PRINTERS_F_KIND)
		json_object_object_add(f, "kind", str_or_null(in->kind));
	if (which & PRINTERS_F_NAME)
		json_object_object_add(f, "name", str_or_null(in->name));
	if (which & PRINTERS_F_MODEL)
		json_object_object_add(f, "model", str_or_null(in->model));
	if (which & PRINTERS_F_ADDRESS)
		json_object_object_add(f, "address", str_or_null(in->address));
	if (which & PRINTERS_F_CONNECTION)
		json_object_object_add(f, "connection", str_or_null(in->connection));
	if (which & PRINTERS_F_HOST_PC)
		json_object_object_add(f, "host_pc", str_or_null(in->host_pc));
	if (which & PRINTERS_F_STORE)
		json_object_object_add(f, "store_id",
				       in->store_id > 0 ? json_object_new_int64(in->store_id) : NULL);
	if (which & PRINTERS_F_SNMP_VERSION)
		json_object_object_add(f, "snmp_version", str_or_null(in->snmp_version));
	if (which & PRINTERS_F_SNMP_PORT)
		json_object_object_add(f, "snmp_port", json_object_new_int64(in->snmp_port));
	if (which & PRINTERS_F_MAC)
		json_object_object_add(f, "mac", str_or_null(in->mac));
	if (which & PRINTERS_F_COMMUNITY)
		json_object_object_add(f, "community",
				       json_object_new_string(in->community != NULL ? "changed"
										   : "reset"));
	json_object_object_add(p, "fields", f);
	return p;
}

/* ---- handlers ---- */

/* GET /api/v1/printers?store=&kind=&online=&q=&limit=&offset= */
int handle_printers_list(struct http_ctx *x)
{
	struct printers_filter f = { .online = -1 };
	const char *online = http_param_get(&x->req.query_params, "online");
	struct printers_item *items = NULL;
	struct err e = { 0 };
	size_t n = 0;
	int64_t total = 0;
	json_object *arr;
	int rc;

	if (!api_page_params(x, &f.limit, &f.offset))
		return 0;
	f.store = http_param_get(&x->req.query_params, "store");
	f.kind = http_param_get(&x->req.query_params, "kind");
	f.q = http_param_get(&x->req.query_params, "q");
	if (f.kind != NULL && f.kind[0] == '\0')
		f.kind = NULL;
	if (f.kind != NULL && !printers_kind_valid(f.kind)) {
		http_respond_error(x, 422, "validation_failed",
				   "kind: must be laser_printer or label_printer");
		return 0;
	}
	if (online != NULL && online[0] != '\0') {
		if (strcmp(online, "true") == 0) {
			f.online = 1;
		} else if (strcmp(online, "false") == 0) {
			f.online = 0;
		} else {
			http_respond_error(x, 422, "validation_failed", "online: must be true or false");
			return 0;
		}
	}
	rc = printers_list(app_thread_of(x)->db, x->arena, &f, &items, &n, &total, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, item_json(&items[i]));
	app_respond_page(x, arr, total, f.limit, f.offset);
	return 0;
}

/* POST /api/v1/printers */
int handle_printers_create(struct http_ctx *x)
{
	struct printers_input in;
	struct printers_ref ref;
	struct err e = { 0 };
	int64_t id = 0;
	int rc;

	if (!read_input(x, &in))
		return 0;
	rc = printers_create(app_thread_of(x)->db, &app.cfg, x->arena, &in, &id, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	if (printers_ref_of(app_thread_of(x)->db, x->arena, id, &ref, &e) == 0) {
		json_object *p = change_summary(&in, in.set & ~(unsigned)PRINTERS_F_COMMUNITY);

		json_object_object_add(p, "community_set",
				       json_object_new_boolean(in.community != NULL));
		printer_audit(x, "printer_created", &ref, "printer added", p);
	}
	http_header_set(&x->resp, x->arena, "Location",
			arena_printf(x->arena, "/api/v1/printers/%lld", (long long)id));
	return respond_printer(x, 201, id);
}

/* GET /api/v1/printers/{id} */
int handle_printer_get(struct http_ctx *x)
{
	return respond_printer(x, 200, app_path_id(x));
}

/* PATCH /api/v1/printers/{id} */
int handle_printer_patch(struct http_ctx *x)
{
	struct printers_input in;
	struct printers_ref ref;
	struct err e = { 0 };
	int64_t id = app_path_id(x);
	unsigned changed = 0;
	int rc;

	if (!read_input(x, &in))
		return 0;
	rc = printers_update(app_thread_of(x)->db, &app.cfg, x->arena, id, &in, &changed, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	if (changed != 0 && printers_ref_of(app_thread_of(x)->db, x->arena, id, &ref, &e) == 0)
		printer_audit(x, "printer_updated", &ref, "printer changed",
			      change_summary(&in, changed & in.set));
	return respond_printer(x, 200, id);
}

/* DELETE /api/v1/printers/{id} */
int handle_printer_delete(struct http_ctx *x)
{
	struct printers_ref ref;
	struct err e = { 0 };
	int rc = printers_delete(app_thread_of(x)->db, x->arena, app_path_id(x), &ref, &e);

	if (rc != 0)
		return respond_store_error(x, rc, &e);
	printer_audit(x, "printer_deleted", &ref, "printer deleted", NULL);
	x->resp.status = 204;
	return 0;
}

/* GET /api/v1/printers/{id}/history?days= */
int handle_printer_history(struct http_ctx *x)
{
	const char *ds = http_param_get(&x->req.query_params, "days");
	struct printers_history h;
	struct err e = { 0 };
	json_object *o, *series, *days;
	long d = 0;
	int rc;

	if (ds != NULL && ds[0] != '\0') {
		char *end;

		d = strtol(ds, &end, 10);
		if (end == ds || *end != '\0' || d < 1 || d > PRINTERS_HISTORY_DAYS_MAX) {
			http_respond_error(x, 422, "validation_failed", "days: must be 1 to %d",
					   PRINTERS_HISTORY_DAYS_MAX);
			return 0;
		}
	}
	rc = printers_history(app_thread_of(x)->db, x->arena, app_path_id(x), (int)d, &h, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	series = json_object_new_array();
	for (size_t i = 0; i < h.n_series; i++) {
		const struct printers_history_series *s = &h.series[i];
		json_object *so = json_object_new_object(), *pts = json_object_new_array();

		for (size_t k = 0; k < s->n_points; k++) {
			const struct printers_history_point *pt = &s->points[k];
			json_object *po = json_object_new_object();

			json_object_object_add(po, "at", json_object_new_string(pt->at));
			json_object_object_add(po, "level",
					       pt->has_level ? json_object_new_int64(pt->level) : NULL);
			json_object_object_add(po, "percent", num_or_null(pt->percent));
			json_object_object_add(po, "state", json_object_new_string(pt->state));
			json_object_array_add(pts, po);
		}
		json_object_object_add(so, "supply_index", json_object_new_int64(s->supply_index));
		json_object_object_add(so, "description", json_object_new_string(s->description));
		json_object_object_add(so, "colour", str_or_null(s->colour));
		json_object_object_add(so, "points", pts);
		json_object_array_add(series, so);
	}
	days = json_object_new_array();
	for (size_t i = 0; i < h.n_days; i++) {
		json_object *dd = json_object_new_object();

		json_object_object_add(dd, "day", json_object_new_string(h.per_day[i].day));
		json_object_object_add(dd, "up", json_object_new_int64(h.per_day[i].up));
		json_object_object_add(dd, "down", json_object_new_int64(h.per_day[i].down));
		json_object_array_add(days, dd);
	}
	o = json_object_new_object();
	json_object_object_add(o, "printer_id", json_object_new_int64(app_path_id(x)));
	json_object_object_add(o, "days", json_object_new_int(h.days));
	json_object_object_add(o, "since", json_object_new_string(h.since));
	json_object_object_add(o, "supplies", series);
	json_object_object_add(o, "truncated", json_object_new_boolean(h.truncated));
	{
		json_object *av = json_object_new_object();

		json_object_object_add(av, "up", json_object_new_int64(h.up));
		json_object_object_add(av, "down", json_object_new_int64(h.down));
		json_object_object_add(av, "per_day", days);
		json_object_object_add(o, "availability", av);
	}
	http_respond_json(x, 200, o);
	return 0;
}

/*
 * POST /api/v1/printers/{id}/poll — poll now, record like the batch poller, answer the fresh
 * printer plus "poll": {"up", "error", "moved", "mac_mismatch"}. Bounded by the SNMP timeout:
 * SNMP_TIMEOUT_MS x (SNMP_RETRIES + 1) x 2 versions, plus a rediscovery sweep when another
 * device answers at the printer's address.
 */
int handle_printer_poll(struct http_ctx *x)
{
	struct db *db = app_thread_of(x)->db;
	struct printer_check_summary sum;
	struct printers_ref ref;
	struct printers_full p;
	struct err e = { 0 };
	int64_t id = app_path_id(x);
	json_object *poll, *pl;
	int rc;

	if ((rc = printers_ref_of(db, x->arena, id, &ref, &e)) != 0)
		return respond_store_error(x, rc, &e);
	rc = printer_check_ids(db, &app.cfg, &id, 1, x->req.trace_id, &sum, &e);
	if (rc == ERR_NOTFOUND)  /* deleted meanwhile */
		return respond_store_error(x, rc, &e);
	if (rc != 0) {
		log_msg(LOG_LEVEL_ERROR, "printer_poll_failed", x->req.trace_id, "device %lld: %s",
			(long long)id, e.msg);
		return rc;
	}
	if ((rc = printers_get(db, x->arena, id, &p, &e)) != 0)
		return respond_store_error(x, rc, &e);
	poll = json_object_new_object();
	json_object_object_add(poll, "up", json_object_new_boolean(sum.answered > 0));
	json_object_object_add(poll, "error", text_or_null(p.item.last_error));
	json_object_object_add(poll, "moved", json_object_new_boolean(sum.moved > 0));
	json_object_object_add(poll, "mac_mismatch", json_object_new_boolean(sum.mismatched > 0));
	pl = json_object_new_object();
	json_object_object_add(pl, "up", json_object_new_boolean(sum.answered > 0));
	json_object_object_add(pl, "state", json_object_new_string(p.item.state));
	json_object_object_add(pl, "error", text_or_null(p.item.last_error));
	printer_audit(x, "printer_polled", &ref, sum.answered > 0 ? "printer polled: up"
							 : "printer polled: no answer", pl);
	{
		json_object *o = full_json(&p);

		json_object_object_add(o, "poll", poll);
		http_respond_json(x, 200, o);
	}
	return 0;
}
