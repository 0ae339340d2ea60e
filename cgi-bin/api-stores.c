/*
 * /api/v1/stores — the retail stores (SPEC §1, §9): a searchable, paginated list, create,
 * read (with the health of the store's devices), partial change, delete, and a store's
 * devices. Anyone signed in reads; creating, changing and deleting a store is an
 * administrator's, since a store's subnets steer discovery and IP rediscovery. Every change
 * writes a store_created / store_updated / store_deleted audit event naming who did what.
 * Deleting a store keeps its devices: they remain in the inventory without a store.
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "stores.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes a field may have before its characters are counted (4 bytes per character at most). */
#define CODE_BYTES (STORE_CODE_MAX * 4 + 64)
#define NAME_BYTES (STORE_NAME_MAX * 4 + 64)
#define NOTES_BYTES (STORE_NOTES_MAX * 4 + 64)
#define SUBNET_BYTES 64

static const char *const known_fields[] = { "code", "name", "subnets", "notes" };

/* A store change read from a request, with the room its subnets need. */
struct store_input {
	struct store_change c;
	struct cidr subnets[CIDR_STORE_MAX];
	const char *texts[CIDR_STORE_MAX];
};

/* Blanks around a code or a name are a paste accident, not part of it (arena copy). */
static const char *trimmed(struct http_ctx *x, const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(x->arena, s, n);
}

/* An unknown field is an error, not silently ignored: a typo must not look like success. */
static bool only_known_fields(struct http_ctx *x)
{
	json_object_object_foreach(x->req.json, key, val) {
		bool known = false;

		(void)val;
		for (size_t i = 0; i < sizeof known_fields / sizeof known_fields[0]; i++)
			if (strcmp(key, known_fields[i]) == 0)
				known = true;
		if (!known) {
			http_respond_error(x, 422, "validation_failed",
					   "unknown field \"%s\"; known: code, name, subnets, notes", key);
			return false;
		}
	}
	return true;
}

/* "subnets": an array of CIDR strings, checked as a whole (cidr_list_check). */
static int read_subnets(json_object *v, struct store_input *in, struct err *e)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return err_set(e, ERR_INVALID, "field \"subnets\" must be an array of networks such "
					       "as [\"10.1.2.0/24\"]");
	n = json_object_array_length(v);
	for (size_t i = 0; i < n && i < CIDR_STORE_MAX; i++) {
		json_object *item = json_object_array_get_idx(v, i);

		if (!json_object_is_type(item, json_type_string) ||
		    json_object_get_string_len(item) > SUBNET_BYTES)
			return err_set(e, ERR_INVALID, "field \"subnets\" must hold networks as strings "
						       "such as \"10.1.2.0/24\" (item %zu is not one)", i);
		in->texts[i] = json_object_get_string(item);
	}
	/* More than CIDR_STORE_MAX is refused before any item is read. */
	if (cidr_list_check(in->texts, n, in->subnets, NULL, e) != 0)
		return ERR_INVALID;
	in->c.set_subnets = true;
	in->c.subnets = in->subnets;
	in->c.nsubnets = n;
	return 0;
}

/* A text field: absent = unchanged, null = refused (code, name) or cleared (notes). */
static int read_text(struct http_ctx *x, const char *key, size_t max_bytes, bool trim,
		     bool null_clears, const char **out, struct err *e)
{
	json_object *v;
	const char *s = NULL;
	int rc;

	if (!json_object_object_get_ex(x->req.json, key, &v))
		return ERR_NOTFOUND;
	if (v == NULL) {
		if (!null_clears)
			return err_set(e, ERR_INVALID, "field \"%s\" must not be null", key);
		*out = "";
		return 0;
	}
	rc = json_get_string(x->req.json, key, max_bytes, &s, e);
	if (rc != 0)
		return rc;
	*out = trim ? trimmed(x, s) : s;
	return *out != NULL ? 0 : err_set(e, ERR_NOMEM, "out of memory");
}

/*
 * Read and validate a store from the JSON body into in (strings borrowed from the body or
 * the arena). Answers 422 itself and returns false on a bad field. creating: code and name
 * are required.
 */
static bool read_change(struct http_ctx *x, bool creating, struct store_input *in)
{
	struct err e = { 0 };
	json_object *v;
	int rc;

	memset(in, 0, sizeof *in);
	if (!api_require_object(x) || !only_known_fields(x))
		return false;
	rc = read_text(x, "code", CODE_BYTES, true, false, &in->c.code, &e);
	if (rc == 0)
		rc = store_code_check(in->c.code, &e);
	if (rc == ERR_NOTFOUND && creating)
		rc = err_set(&e, ERR_INVALID, "field \"code\" is required");
	if (rc != 0 && rc != ERR_NOTFOUND)
		goto invalid;
	rc = read_text(x, "name", NAME_BYTES, true, false, &in->c.name, &e);
	if (rc == 0)
		rc = store_name_check(in->c.name, &e);
	if (rc == ERR_NOTFOUND && creating)
		rc = err_set(&e, ERR_INVALID, "field \"name\" is required");
	if (rc != 0 && rc != ERR_NOTFOUND)
		goto invalid;
	if (json_object_object_get_ex(x->req.json, "subnets", &v)) {
		rc = v != NULL ? read_subnets(v, in, &e)
			       : err_set(&e, ERR_INVALID, "field \"subnets\" must not be null; "
							 "[] means none");
		if (rc != 0)
			goto invalid;
	}
	rc = read_text(x, "notes", NOTES_BYTES, false, true, &in->c.notes, &e);
	if (rc == 0)
		rc = store_notes_check(in->c.notes, &e);
	if (rc != 0 && rc != ERR_NOTFOUND)
		goto invalid;
	return true;
invalid:
	if (rc == ERR_NOMEM) {
		http_respond_error(x, 500, "internal", "out of memory");
		return false;
	}
	http_respond_error(x, 422, "validation_failed", "%s", e.msg);
	return false;
}

static json_object *counts_json(const struct store_counts *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "total", json_object_new_int64(c->total));
	json_object_object_add(o, "online", json_object_new_int64(c->online));
	json_object_object_add(o, "pending_offline", json_object_new_int64(c->pending_offline));
	json_object_object_add(o, "offline", json_object_new_int64(c->offline));
	json_object_object_add(o, "unknown", json_object_new_int64(c->unknown));
	json_object_object_add(o, "problems", json_object_new_int64(c->problems));
	return o;
}

static json_object *subnets_json(const char *const *subnets, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(subnets[i]));
	return a;
}

json_object *app_store_json(const struct store *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(s->id));
	json_object_object_add(o, "code", json_object_new_string(s->code));
	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "subnets", subnets_json(s->subnets, s->nsubnets));
	json_object_object_add(o, "notes", json_object_new_string(s->notes));
	json_object_object_add(o, "created_at", json_object_new_string(s->created_at));
	json_object_object_add(o, "updated_at", json_object_new_string(s->updated_at));
	json_object_object_add(o, "devices", counts_json(&s->devices));
	return o;
}

/* A string, or null when empty (a column that was NULL). */
static json_object *string_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_object_new_string(s) : NULL;
}

static json_object *device_json(const struct store_device *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(d->id));
	json_object_object_add(o, "kind", json_object_new_string(d->kind));
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "model", json_object_new_string(d->model));
	json_object_object_add(o, "address", string_or_null(d->address));
	json_object_object_add(o, "mac", string_or_null(d->mac));
	json_object_object_add(o, "mac_status", json_object_new_string(d->mac_status));
	json_object_object_add(o, "state", json_object_new_string(d->state));
	json_object_object_add(o, "last_polled_at", string_or_null(d->last_polled_at));
	json_object_object_add(o, "last_seen_at", string_or_null(d->last_seen_at));
	json_object_object_add(o, "last_error", string_or_null(d->last_error));
	json_object_object_add(o, "problem", json_object_new_boolean(d->problem));
	return o;
}

/*
 * An audit event about a store, like app_audit but filed under the store (events.store_id)
 * so the store's history can be found. payload is consumed. Failures only go to the log.
 */
static void store_audit(struct http_ctx *x, const char *type, int64_t store_id,
			const char *message, json_object *payload)
{
	struct err e = { 0 };
	int64_t user_id = app_auth_of(x)->user.id;
	struct event ev = { .type = type, .severity = "info", .user_id = user_id,
			    .store_id = store_id, .message = message, .payload = payload,
			    .trace_id = x->req.trace_id };
	struct log_line l;

	json_object_object_add(payload, "client_ip", json_object_new_string(auth_client_ip(x)));
	if (x->route != NULL)
		json_object_object_add(payload, "route", json_object_new_string(x->route->name));
	log_begin(&l, LOG_LEVEL_INFO, type, x->req.trace_id);
	log_int(&l, "user_id", user_id);
	log_str(&l, "client_ip", auth_client_ip(x));
	log_str(&l, "msg", message);
	log_end(&l);
	if (event_record(app_thread_of(x)->db, &ev, &e) != 0)
		log_msg(LOG_LEVEL_ERROR, "audit_failed", x->req.trace_id, "%s: %s", type, e.msg);
	json_object_put(payload);
}

static json_object *cidrs_json(const struct cidr *c, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		char text[CIDR_TEXT];

		cidr_format(&c[i], text);
		json_object_array_add(a, json_object_new_string(text));
	}
	return a;
}

int app_store_create(struct http_ctx *x, const struct store_change *c, int64_t *id, struct err *e)
{
	int rc = stores_create(app_thread_of(x)->db, c, id, e);
	json_object *p;

	if (rc != 0)
		return rc;
	p = json_object_new_object();
	json_object_object_add(p, "store_id", json_object_new_int64(*id));
	json_object_object_add(p, "code", json_object_new_string(c->code));
	json_object_object_add(p, "name", json_object_new_string(c->name));
	json_object_object_add(p, "subnets", cidrs_json(c->subnets, c->nsubnets));
	store_audit(x, "store_created", *id, arena_printf(x->arena, "store %s created", c->code), p);
	return 0;
}

/* Add {"field": {"from": a, "to": b}} to changes when a and b differ. */
static void changed(json_object *changes, const char *field, json_object *from, json_object *to)
{
	json_object *d;

	if (json_object_equal(from, to)) {
		json_object_put(from);
		json_object_put(to);
		return;
	}
	d = json_object_new_object();
	json_object_object_add(d, "from", from);
	json_object_object_add(d, "to", to);
	json_object_object_add(changes, field, d);
}

int app_store_update(struct http_ctx *x, int64_t id, const struct store_change *c,
		     struct store *out, struct err *e)
{
	struct store before, after;
	json_object *p, *changes;
	int rc;

	rc = stores_update(app_thread_of(x)->db, x->arena, id, c, &before, &after, e);
	if (rc != 0)
		return rc;
	if (out != NULL)
		*out = after;
	changes = json_object_new_object();
	changed(changes, "code", json_object_new_string(before.code),
		json_object_new_string(after.code));
	changed(changes, "name", json_object_new_string(before.name),
		json_object_new_string(after.name));
	changed(changes, "subnets", subnets_json(before.subnets, before.nsubnets),
		subnets_json(after.subnets, after.nsubnets));
	/* Notes can be long: the event says that they changed, the store says what they are. */
	if (strcmp(before.notes, after.notes) != 0)
		json_object_object_add(changes, "notes", json_object_new_boolean(true));
	if (json_object_object_length(changes) == 0) {
		json_object_put(changes);
		return 0;       /* nothing changed: nothing to audit */
	}
	p = json_object_new_object();
	json_object_object_add(p, "store_id", json_object_new_int64(id));
	json_object_object_add(p, "code", json_object_new_string(after.code));
	json_object_object_add(p, "changes", changes);
	store_audit(x, "store_updated", id, arena_printf(x->arena, "store %s changed", after.code), p);
	return 0;
}

int app_store_delete(struct http_ctx *x, int64_t id, struct store *gone, struct err *e)
{
	struct store s;
	json_object *p;
	int rc = stores_delete(app_thread_of(x)->db, x->arena, id, &s, e);

	if (rc != 0)
		return rc;
	if (gone != NULL)
		*gone = s;
	p = json_object_new_object();
	json_object_object_add(p, "store_id", json_object_new_int64(id));
	json_object_object_add(p, "code", json_object_new_string(s.code));
	json_object_object_add(p, "name", json_object_new_string(s.name));
	json_object_object_add(p, "subnets", subnets_json(s.subnets, s.nsubnets));
	json_object_object_add(p, "devices_detached", json_object_new_int64(s.devices.total));
	/* The row is gone, so the event cannot point at it; the payload says which it was. */
	store_audit(x, "store_deleted", 0, arena_printf(x->arena, "store %s deleted", s.code), p);
	return 0;
}

/* Store-level failures every handler maps the same way. Returns 0 when answered. */
static int respond_store_error(struct http_ctx *x, int rc, const struct err *e)
{
	if (rc == ERR_NOTFOUND) {
		http_respond_error(x, 404, "not_found", "no such store");
		return 0;
	}
	if (rc == ERR_CONFLICT) {
		http_respond_error(x, 409, "conflict", "%s", e->msg);
		return 0;
	}
	if (rc == ERR_INVALID) {
		http_respond_error(x, 422, "validation_failed", "%s", e->msg);
		return 0;
	}
	return rc;
}

/* A text query parameter checked as a search text; false when answered 422. */
static bool search_param(struct http_ctx *x, const char *name, const char **out)
{
	struct err e = { 0 };

	*out = http_param_get(&x->req.query_params, name);
	if (*out != NULL && store_search_check(*out, &e) != 0) {
		http_respond_error(x, 422, "validation_failed", "%s: %s", name, e.msg);
		return false;
	}
	return true;
}

/* GET /api/v1/stores?q=&limit=&offset= — or ?code= for the one store with that code. */
int handle_stores_list(struct http_ctx *x)
{
	struct db *db = app_thread_of(x)->db;
	struct store *items = NULL, one;
	struct err e = { 0 };
	const char *q, *code;
	size_t n = 0;
	int64_t total = 0;
	int limit, offset, rc;
	json_object *arr;

	if (!api_page_params(x, &limit, &offset) || !search_param(x, "q", &q) ||
	    !search_param(x, "code", &code))
		return 0;
	if (code != NULL) {
		rc = stores_get_by_code(db, x->arena, code, &one, &e);
		if (rc != 0 && rc != ERR_NOTFOUND)
			return rc;
		arr = json_object_new_array();
		if (rc == 0 && offset == 0)
			json_object_array_add(arr, app_store_json(&one));
		app_respond_page(x, arr, rc == 0 ? 1 : 0, limit, offset);
		return 0;
	}
	rc = stores_list(db, x->arena, q, limit, offset, &items, &n, &total, &e);
	if (rc != 0)
		return rc;
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, app_store_json(&items[i]));
	app_respond_page(x, arr, total, limit, offset);
	return 0;
}

int handle_stores_create(struct http_ctx *x)
{
	struct store_input in;
	struct store s;
	struct err e = { 0 };
	int64_t id = 0;
	int rc;

	if (!read_change(x, true, &in))
		return 0;
	rc = app_store_create(x, &in.c, &id, &e);
	if (rc == 0)
		rc = stores_get(app_thread_of(x)->db, x->arena, id, &s, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	http_header_set(&x->resp, x->arena, "Location",
			arena_printf(x->arena, "/api/v1/stores/%lld", (long long)id));
	http_respond_json(x, 201, app_store_json(&s));
	return 0;
}

/* GET /api/v1/stores/{id} — the store, and its devices counted by kind. */
int handle_store_get(struct http_ctx *x)
{
	struct db *db = app_thread_of(x)->db;
	struct store s;
	struct store_health h;
	struct err e = { 0 };
	json_object *o, *kinds;
	int rc = stores_get(db, x->arena, app_path_id(x), &s, &e);

	if (rc == 0)
		rc = stores_health(db, s.id, &h, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	o = app_store_json(&s);
	kinds = json_object_new_array();
	for (size_t i = 0; i < h.nkinds; i++) {
		json_object *k = counts_json(&h.kinds[i].counts);

		json_object_object_add(k, "kind", json_object_new_string(h.kinds[i].kind));
		json_object_array_add(kinds, k);
	}
	json_object_object_add(o, "devices_by_kind", kinds);
	http_respond_json(x, 200, o);
	return 0;
}

int handle_store_patch(struct http_ctx *x)
{
	struct store_input in;
	struct store s;
	struct err e = { 0 };
	int rc;

	if (!read_change(x, false, &in))
		return 0;
	if (in.c.code == NULL && in.c.name == NULL && in.c.notes == NULL && !in.c.set_subnets)
		rc = stores_get(app_thread_of(x)->db, x->arena, app_path_id(x), &s, &e);
	else
		rc = app_store_update(x, app_path_id(x), &in.c, &s, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	http_respond_json(x, 200, app_store_json(&s));
	return 0;
}

int handle_store_delete(struct http_ctx *x)
{
	struct err e = { 0 };
	int rc = app_store_delete(x, app_path_id(x), NULL, &e);

	if (rc != 0)
		return respond_store_error(x, rc, &e);
	x->resp.status = 204;
	return 0;
}

/* GET /api/v1/stores/{id}/devices — online first, then by name; paginated. */
int handle_store_devices(struct http_ctx *x)
{
	struct store_device *items = NULL;
	struct err e = { 0 };
	size_t n = 0;
	int64_t total = 0;
	int limit, offset, rc;
	json_object *arr;

	if (!api_page_params(x, &limit, &offset))
		return 0;
	rc = stores_devices(app_thread_of(x)->db, x->arena, app_path_id(x), STORE_DEVICES_ONLINE_FIRST,
			    limit, offset, &items, &n, &total, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, device_json(&items[i]));
	app_respond_page(x, arr, total, limit, offset);
	return 0;
}
