/*
 * /printers — the printer list (SPEC §8) with its filters, search and pages, and the form that
 * adds a printer (admins); also what the printer pages share (ui-printers.h). One printer's
 * page and its forms are in ui-printer.c.
 *
 * The data comes from lib/printers, which also validates every change with the same rules
 * the API uses. Every word is in the string tables and every value is escaped by ctemplate.
 * Toner bars are CSS classes (static/app.css: .tw0 … .tw100), never style attributes, so the
 * pages work under CSP default-src 'self'. The SNMP community is write-only: it is never put
 * into a page. A refused form comes back with what was typed (never the community) and the
 * reason in the page's language; a change that worked redirects (303) to a page that says so.
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "printers.h"
#include "sbuf.h"
#include "tpl.h"
#include "ui-printers.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PRINTERS_PER_PAGE 50
#define STORES_MAX 1000          /* stores offered in the filter and the forms */
#define SEARCH_MAX 200           /* bytes of a search kept */
#define ERROR_SHORT_CHARS 60     /* characters of the last error in the list */
#define STALE_SECONDS 3600       /* a reading older than this is marked in the list */

/* ---- small helpers ---- */

/* A whole number in 0..max, else false ("" counts as absent: dflt). */
bool printer_ui_parse_uint(const char *s, long long max, long long dflt, long long *out)
{
	char *end;
	long long v;

	*out = dflt;
	if (s == NULL || s[0] == '\0')
		return true;
	if (s[0] < '0' || s[0] > '9')
		return false;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

const char *printer_ui_state_name(struct http_ctx *x, const char *state)
{
	if (strcmp(state, "online") == 0)
		return page_text(x, "state_online");
	if (strcmp(state, "pending_offline") == 0)
		return page_text(x, "state_pending_offline");
	if (strcmp(state, "offline") == 0)
		return page_text(x, "state_offline");
	return page_text(x, "state_unknown");
}

bool printer_ui_is_label(const char *kind)
{
	return kind != NULL && strcmp(kind, "label_printer") == 0;
}

const char *printer_ui_kind_name(struct http_ctx *x, const char *kind)
{
	if (printer_ui_is_label(kind))
		return page_text(x, "printer_kind_label");
	return page_text(x, "printer_kind_laser");
}

/* A colour as a CSS class suffix: the four toners have their own, anything else is "other". */
const char *printer_ui_colour_class(const char *c)
{
	static const char *const known[] = { "black", "cyan", "magenta", "yellow" };

	for (size_t i = 0; c != NULL && i < sizeof known / sizeof known[0]; i++)
		if (strcmp(c, known[i]) == 0)
			return known[i];
	return "other";
}

static const char *colour_letter(const char *c)
{
	switch (printer_ui_colour_class(c)[0]) {
	case 'b': return "K";
	case 'c': return "C";
	case 'm': return "M";
	case 'y': return "Y";
	}
	return "•";
}

const char *printer_ui_colour_name(struct http_ctx *x, const char *c)
{
	if (c == NULL)
		return "";
	if (strcmp(c, "black") == 0)
		return page_text(x, "printer_colour_black");
	if (strcmp(c, "cyan") == 0)
		return page_text(x, "printer_colour_cyan");
	if (strcmp(c, "magenta") == 0)
		return page_text(x, "printer_colour_magenta");
	if (strcmp(c, "yellow") == 0)
		return page_text(x, "printer_colour_yellow");
	return c;  /* another colorant name as the printer gave it */
}

/* "37%" for a known level; 0 < p < 0.5 is "<1%", never "0%" while something is left. */
static const char *percent_text(struct http_ctx *x, double p)
{
	if (p > 0 && p < 0.5)
		return "<1%";
	return arena_printf(x->arena, "%.0f%%", p);
}

/* The width class of a bar: 0..100, at least 1 while anything is left. */
static int bar_width(double p)
{
	int w;

	if (!isfinite(p) || p <= 0)
		return 0;
	w = (int)lround(p > 100 ? 100 : p);
	return w < 1 ? 1 : w;
}

/* How a level that is not a number is said. */
const char *printer_ui_level_word(struct http_ctx *x, const char *state)
{
	if (strcmp(state, "some_remaining") == 0)
		return page_text(x, "printer_level_some");
	if (strcmp(state, "unlimited") == 0)
		return page_text(x, "printer_level_unlimited");
	return page_text(x, "printer_level_unknown");
}

/*
 * One toner bar ({{>BAR}}, printer_toner.tpl) in a new repetition of section of d: the colour
 * letter, a coloured bar whose width is a CSS class, and the level in words or as a percent.
 */
void printer_ui_bar(struct http_ctx *x, struct tpl_dict *d, const char *section,
		    const char *colour, double percent, const char *state, const char *name)
{
	struct tpl_dict *s = tpl_section(d, section), *bar;
	const char *value;

	if (s == NULL || (bar = tpl_include(s, "BAR", "printer_toner.tpl")) == NULL)
		return;
	tpl_set(bar, "COLOUR", printer_ui_colour_class(colour));
	tpl_set(bar, "LETTER", colour_letter(colour));
	if (strcmp(state, "percent") == 0 && isfinite(percent)) {
		struct tpl_dict *fill = tpl_section(bar, "FILL");

		value = percent_text(x, percent);
		if (fill != NULL)
			tpl_set_int(fill, "WIDTH", bar_width(percent));
		if (percent <= PRINTER_UI_EMPTY_TONER)
			tpl_show(bar, "EMPTY");
		else if (percent <= PRINTER_UI_LOW_TONER)
			tpl_show(bar, "LOW");
	} else {
		value = printer_ui_level_word(x, state);
		if (strcmp(state, "some_remaining") == 0)
			tpl_show(bar, "SOME");
		else if (strcmp(state, "unlimited") == 0)
			tpl_show(bar, "UNLIMITED");
		else
			tpl_show(bar, "UNKNOWN");
	}
	tpl_set(bar, "VALUE", value);
	tpl_set(bar, "TITLE",
		arena_printf(x->arena, "%s%s%s: %s", printer_ui_colour_name(x, colour),
			     name != NULL && name[0] != '\0' ? " — " : "", name != NULL ? name : "",
			     value));
}

/* "5 min ago", "3 h ago", "2 d ago"; "never" for a negative age. */
const char *printer_ui_age(struct http_ctx *x, int64_t seconds)
{
	if (seconds < 0)
		return page_text(x, "time_never");
	if (seconds < 60)
		return page_text(x, "printers_age_now");
	if (seconds < 3600)
		return form_format(x, "printers_age_minutes", seconds / 60, 0, 0);
	if (seconds < 86400)
		return form_format(x, "printers_age_hours", seconds / 3600, 0, 0);
	return form_format(x, "printers_age_days", seconds / 86400, 0, 0);
}

/* The first max characters of a UTF-8 text, with "…" when cut. */
static const char *short_text(struct http_ctx *x, const char *s, size_t max)
{
	size_t chars = 0, i = 0;

	if (s == NULL)
		return "";
	for (; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			return arena_printf(x->arena, "%.*s…", (int)i, s);
	}
	return s;
}

/* ---- the stores the filter and the forms offer ---- */

int printer_ui_load_stores(struct http_ctx *x, struct printer_ui_store **out, size_t *n)
{
	PGresult *r;
	char limit[16];
	const char *params[1] = { limit };
	int rc;

	snprintf(limit, sizeof limit, "%d", STORES_MAX);
	*out = NULL;
	*n = 0;
	rc = db_exec(app_thread_of(x)->db,
		     "SELECT id, code, name FROM stores ORDER BY code LIMIT $1::int", 1, params, &r,
		     NULL);
	if (rc != 0)
		return rc;
	*out = arena_zalloc(x->arena, sizeof **out * (size_t)(PQntuples(r) + 1));
	if (*out == NULL) {
		PQclear(r);
		return ERR_NOMEM;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		(*out)[i].id = db_get_int64(r, i, 0, 0);
		(*out)[i].code = arena_strdup(x->arena, PQgetvalue(r, i, 1));
		(*out)[i].name = arena_strdup(x->arena, PQgetvalue(r, i, 2));
	}
	*n = (size_t)PQntuples(r);
	PQclear(r);
	return 0;
}

/* The stores as <option>s in section name of d, current selected; first "none" when given. */
static void store_options(struct http_ctx *x, struct tpl_dict *d, const char *name,
			  const struct printer_ui_store *stores, size_t n, int64_t current)
{
	for (size_t i = 0; i < n; i++) {
		struct tpl_dict *opt = tpl_section(d, name);

		if (opt == NULL)
			continue;
		tpl_set_int(opt, "VALUE", (long long)stores[i].id);
		tpl_set(opt, "LABEL",
			arena_printf(x->arena, "%s — %s", stores[i].code, stores[i].name));
		if (stores[i].id == current)
			tpl_show(opt, "SELECTED");
	}
}

/* ---- the create / edit form ---- */

void printer_ui_form_of(const struct printers_item *p, struct printer_ui_form *f,
			struct arena *a)
{
	f->kind = p->kind;
	f->name = p->name;
	f->model = p->model;
	f->address = p->address != NULL ? p->address : "";
	f->connection = p->connection;
	f->host_pc = p->host_pc != NULL ? p->host_pc : "";
	f->store = p->store.id != 0 ? arena_printf(a, "%" PRId64, p->store.id) : "";
	f->snmp_version = p->snmp_version;
	f->snmp_port = arena_printf(a, "%d", p->snmp_port);
	f->mac = p->mac != NULL ? p->mac : "";
	f->community_reset = false;
}

static void form_blank(struct printer_ui_form *f)
{
	*f = (struct printer_ui_form){ .kind = "laser_printer", .name = "", .model = "",
				    .address = "", .connection = "ip", .host_pc = "",
				    .store = "", .snmp_version = "2c", .snmp_port = "161",
				    .mac = "" };
}

bool printer_ui_form_read(struct http_ctx *x, struct printer_ui_form *f, const char *kind)
{
	f->kind = kind != NULL ? kind : form_text(x, "kind");
	f->name = form_text(x, "name");
	f->model = form_text(x, "model");
	f->address = form_text(x, "address");
	f->connection = form_text(x, "connection");
	f->host_pc = form_text(x, "host_pc");
	f->store = form_text(x, "store");
	f->snmp_version = form_text(x, "snmp_version");
	f->snmp_port = form_text(x, "snmp_port");
	f->mac = form_text(x, "mac");
	f->community_reset = form_checked(x, "community_reset");
	return f->kind != NULL && f->name != NULL && f->model != NULL && f->address != NULL &&
	       f->connection != NULL && f->host_pc != NULL && f->store != NULL &&
	       f->snmp_version != NULL && f->snmp_port != NULL && f->mac != NULL;
}

static void option(struct tpl_dict *d, const char *section, const char *value, const char *label,
		   const char *current)
{
	struct tpl_dict *opt = tpl_section(d, section);

	if (opt == NULL)
		return;
	tpl_set(opt, "VALUE", value);
	tpl_set(opt, "LABEL", label);
	if (current != NULL && strcmp(value, current) == 0)
		tpl_show(opt, "SELECTED");
}

/*
 * The form's fields ({{>FORM}}, printer_form.tpl) under section d. creating: the kind is
 * chosen here; else it is fixed and the community field keeps the stored one when empty.
 */
void printer_ui_form_fill(struct http_ctx *x, struct tpl_dict *d, const struct printer_ui_form *f,
			  bool creating, const struct printer_ui_store *stores, size_t nstores)
{
	struct tpl_dict *form = tpl_include(d, "FORM", "printer_form.tpl");
	long long store = 0;

	if (form == NULL)
		return;
	tpl_set(form, "F_NAME", f->name);
	tpl_set(form, "F_MODEL", f->model);
	tpl_set(form, "F_ADDRESS", f->address);
	tpl_set(form, "F_HOST_PC", f->host_pc);
	tpl_set(form, "F_SNMP_PORT", f->snmp_port);
	tpl_set(form, "F_MAC", f->mac);
	if (creating) {
		struct tpl_dict *k = tpl_section(form, "KIND_CHOICE");

		if (k != NULL) {
			option(k, "KIND_OPTION", "laser_printer", page_text(x, "printer_kind_laser"),
			       f->kind);
			option(k, "KIND_OPTION", "label_printer", page_text(x, "printer_kind_label"),
			       f->kind);
		}
		tpl_show(form, "COMMUNITY_NEW");
	} else {
		tpl_show(form, "COMMUNITY_KEEP");
	}
	/* Only label printers may hang on a PC's USB port; a laser printer is always ip. */
	if (creating || printer_ui_is_label(f->kind)) {
		struct tpl_dict *c = tpl_section(form, "CONNECTION_CHOICE");

		if (c != NULL) {
			option(c, "CONNECTION_OPTION", "ip", page_text(x, "printer_connection_ip"),
			       f->connection);
			option(c, "CONNECTION_OPTION", "usb", page_text(x, "printer_connection_usb"),
			       f->connection);
		}
	}
	option(form, "VERSION_OPTION", "2c", "SNMPv2c", f->snmp_version);
	option(form, "VERSION_OPTION", "1", "SNMPv1", f->snmp_version);
	(void)printer_ui_parse_uint(f->store, INT64_MAX, 0, &store);
	store_options(x, form, "STORE_OPTION", stores, nstores, store);
}

/*
 * The form as a printers_input. Fields the form does not carry for this printer are left
 * out (kept). Returns NULL, or the message for a field this page parses itself.
 */
const char *printer_ui_form_input(struct http_ctx *x, const struct printer_ui_form *f,
				  bool creating, struct printers_input *in)
{
	long long v;

	memset(in, 0, sizeof *in);
	in->set = PRINTERS_F_NAME | PRINTERS_F_MODEL | PRINTERS_F_ADDRESS | PRINTERS_F_HOST_PC |
		  PRINTERS_F_STORE | PRINTERS_F_SNMP_VERSION | PRINTERS_F_SNMP_PORT | PRINTERS_F_MAC;
	if (creating) {
		in->set |= PRINTERS_F_KIND;
		in->kind = f->kind;
		if (!printers_kind_valid(f->kind))
			return page_text(x, "printer_msg_kind");
	}
	in->name = f->name;
	in->model = f->model;
	in->address = f->address[0] != '\0' ? f->address : NULL;
	in->host_pc = f->host_pc[0] != '\0' ? f->host_pc : NULL;
	in->mac = f->mac[0] != '\0' ? f->mac : NULL;
	/* A field the browser did not send at all keeps its default. */
	in->snmp_version = f->snmp_version[0] != '\0' ? f->snmp_version : "2c";
	if (creating || printer_ui_is_label(f->kind)) {
		in->set |= PRINTERS_F_CONNECTION;
		in->connection = f->connection[0] != '\0' ? f->connection : "ip";
	}
	if (!printer_ui_parse_uint(f->store, INT64_MAX, 0, &v))
		return page_text(x, "printer_msg_store");
	in->store_id = (int64_t)v;
	if (!printer_ui_parse_uint(f->snmp_port, 65535, PRINTERS_DEFAULT_SNMP_PORT, &v) || v == 0)
		return page_text(x, "printer_msg_snmp_port");
	in->snmp_port = (int64_t)v;
	/* The community is write-only: typed = new; empty = unchanged (or the default when
	 * creating); "reset" = back to the default. */
	in->community = form_text(x, "community");
	if (in->community != NULL && in->community[0] != '\0') {
		in->set |= PRINTERS_F_COMMUNITY;
	} else {
		in->community = NULL;
		if (!creating && f->community_reset)
			in->set |= PRINTERS_F_COMMUNITY;
	}
	return NULL;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The message for a refused change in the page's language: lib/printers names the field
 * first ("address: ..."), which is all a technician needs to know what to correct; the
 * English text is kept for anything unforeseen.
 */
const char *printer_ui_message(struct http_ctx *x, int rc, const struct err *e)
{
	const char *m = e->msg;

	if (rc == ERR_CONFLICT)
		return page_text(x, "printer_msg_address_taken");
	if (starts(m, "kind"))
		return page_text(x, "printer_msg_kind");
	if (starts(m, "name"))
		return form_format(x, "printer_msg_name", PRINTERS_NAME_MAX, 0, 0);
	if (starts(m, "model"))
		return form_format(x, "printer_msg_model", PRINTERS_NAME_MAX, 0, 0);
	if (starts(m, "address: a USB"))
		return page_text(x, "printer_msg_address_usb");
	if (starts(m, "address"))
		return page_text(x, "printer_msg_address");
	if (starts(m, "connection"))
		return page_text(x, "printer_msg_connection");
	if (starts(m, "host_pc"))
		return page_text(x, "printer_msg_host_pc");
	if (starts(m, "store"))
		return page_text(x, "printer_msg_store");
	if (starts(m, "snmp_version"))
		return page_text(x, "printer_msg_snmp_version");
	if (starts(m, "snmp_port"))
		return page_text(x, "printer_msg_snmp_port");
	if (starts(m, "community"))
		return page_text(x, "printer_msg_community");
	if (starts(m, "mac"))
		return page_text(x, "printer_msg_mac");
	return m[0] != '\0' ? m : page_text(x, "error_500_text");
}

/* ---- the audit trail of changes and polls ---- */

void printer_ui_audit(struct http_ctx *x, const char *type, int64_t device_id, int64_t store_id,
		      const char *kind, const char *message, json_object *payload)
{
	struct err e = { 0 };
	json_object *p = payload != NULL ? payload : json_object_new_object();
	struct event ev = { .type = type, .severity = "info", .user_id = app_auth_of(x)->user.id,
			    .device_id = device_id, .store_id = store_id, .device_kind = kind,
			    .message = message, .payload = p, .trace_id = x->req.trace_id };

	json_object_object_add(p, "client_ip", json_object_new_string(auth_client_ip(x)));
	if (x->route != NULL)
		json_object_object_add(p, "route", json_object_new_string(x->route->name));
	if (event_record(app_thread_of(x)->db, &ev, &e) != 0)
		log_msg(LOG_LEVEL_ERROR, "audit_failed", x->req.trace_id, "%s: %s", type, e.msg);
	json_object_put(p);
}

/* ---- the list ---- */

struct list_query {
	const char *q, *store, *kind, *state;
	long long offset;
	struct printers_filter f;
};

static bool read_list_query(struct http_ctx *x, struct list_query *lq)
{
	const struct http_params *p = &x->req.query_params;
	const char *v;

	memset(lq, 0, sizeof *lq);
	v = http_param_get(p, "q");
	lq->q = v != NULL ? arena_strndup(x->arena, v, strnlen(v, SEARCH_MAX)) : "";
	v = http_param_get(p, "store");
	lq->store = v != NULL ? v : "";
	v = http_param_get(p, "kind");
	lq->kind = v != NULL ? v : "";
	v = http_param_get(p, "state");
	lq->state = v != NULL ? v : "";
	if (lq->q == NULL ||
	    !printer_ui_parse_uint(http_param_get(p, "offset"), 100000000, 0, &lq->offset))
		return false;
	if (lq->kind[0] != '\0' && !printers_kind_valid(lq->kind))
		return false;
	lq->f.online = -1;
	if (strcmp(lq->state, "online") == 0)
		lq->f.online = 1;
	else if (strcmp(lq->state, "offline") == 0)
		lq->f.online = 0;
	else if (lq->state[0] != '\0')
		return false;
	lq->f.q = lq->q[0] != '\0' ? lq->q : NULL;
	lq->f.store = lq->store[0] != '\0' ? lq->store : NULL;
	lq->f.kind = lq->kind[0] != '\0' ? lq->kind : NULL;
	lq->f.limit = PRINTERS_PER_PAGE;
	lq->f.offset = (int)lq->offset;
	return true;
}

/* How old each listed printer's reading is (devices.last_read_at), else its last answer. */
static int load_ages(struct http_ctx *x, const struct printers_item *items, size_t n,
		     int64_t *ages)
{
	struct sbuf ids;
	PGresult *r;
	const char *params[1];
	int rc;

	for (size_t i = 0; i < n; i++)
		ages[i] = -1;
	if (n == 0)
		return 0;
	sbuf_init(&ids, x->arena, 24 * n + 8);
	sbuf_putc(&ids, '{');
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&ids, "%s%" PRId64, i > 0 ? "," : "", items[i].id);
	sbuf_putc(&ids, '}');
	if (ids.failed)
		return ERR_NOMEM;
	params[0] = sbuf_cstr(&ids);
	rc = db_exec(app_thread_of(x)->db,
		     "SELECT d.id,"
		     " extract(epoch FROM now() - coalesce(d.last_read_at, d.last_seen_at))::bigint"
		     " FROM devices d"
		     " WHERE d.id = ANY($1::bigint[])",
		     1, params, &r, NULL);
	if (rc != 0)
		return rc;
	for (int row = 0; row < PQntuples(r); row++) {
		int64_t id = db_get_int64(r, row, 0, 0), age = db_get_int64(r, row, 1, -1);

		for (size_t i = 0; i < n; i++)
			if (items[i].id == id)
				ages[i] = age < 0 && db_get(r, row, 1) != NULL ? 0 : age;
	}
	PQclear(r);
	return 0;
}

static void fill_list_row(struct http_ctx *x, struct tpl_dict *row, const struct printers_item *p,
			  int64_t age)
{
	tpl_set_int(row, "ID", (long long)p->id);
	tpl_set(row, "NAME", p->name);
	/* Under the name: the model, and for a label printer what it is. */
	tpl_set(row, "KIND_NAME", printer_ui_kind_name(x, p->kind));
	if (printer_ui_is_label(p->kind)) {
		tpl_set(row, "MODEL", p->model);
		tpl_show(row, "LABEL_KIND");
		if (p->model[0] != '\0')
			tpl_show(row, "HAS_MODEL");
	} else {
		tpl_set(row, "MODEL", p->model[0] != '\0' ? p->model : "—");
	}
	tpl_set(row, "STATE", p->state);
	tpl_set(row, "STATE_NAME", printer_ui_state_name(x, p->state));
	if (strcmp(p->circuit, "closed") != 0)
		tpl_show(row, "CIRCUIT_OPEN");
	if (p->store.id != 0) {
		struct tpl_dict *s = tpl_section(row, "STORE");

		if (s != NULL) {
			tpl_set(s, "CODE", p->store.code);
			tpl_set(s, "STORE_NAME", p->store.name);
		}
	} else {
		tpl_show(row, "NO_STORE");
	}
	if (strcmp(p->connection, "usb") == 0) {
		struct tpl_dict *u = tpl_section(row, "USB");

		if (u != NULL)
			tpl_set(u, "HOST_PC", p->host_pc != NULL ? p->host_pc : "—");
	} else {
		struct tpl_dict *a = tpl_section(row, "IP");

		if (a != NULL)
			tpl_set(a, "ADDRESS", p->address != NULL ? p->address : "—");
	}
	if (strcmp(p->mac_status, "mismatch") == 0)
		tpl_show(row, "MAC_MISMATCH");
	for (size_t i = 0; i < p->n_colours; i++)
		printer_ui_bar(x, row, "TONER", p->colours[i].colour, p->colours[i].percent,
			       p->colours[i].state, p->colours[i].name);
	if (p->n_colours == 0) {
		struct tpl_dict *none = tpl_section(row, "NO_TONER");

		if (none != NULL)
			tpl_set(none, "TEXT", printer_ui_is_label(p->kind)
						      ? page_text(x, "printers_toner_label")
						      : page_text(x, "printers_toner_none"));
	}
	tpl_set(row, "AGE", printer_ui_age(x, age));
	if (age > STALE_SECONDS)
		tpl_show(row, "STALE");
	if (p->last_error != NULL && p->last_error[0] != '\0') {
		struct tpl_dict *e = tpl_section(row, "LAST_ERROR");

		if (e != NULL) {
			tpl_set(e, "SHORT", short_text(x, p->last_error, ERROR_SHORT_CHARS));
			tpl_set(e, "FULL", p->last_error);
		}
	}
}

/* The table, the filters and, when there is more than one page, the links between pages. */
static int fill_list(struct http_ctx *x, struct tpl_dict *page, const struct list_query *lq,
		     const struct printer_ui_store *stores, size_t nstores)
{
	struct printers_item *items = NULL;
	struct err e = { 0 };
	int64_t total = 0, *ages;
	size_t n = 0;
	long long store_id = -1;
	int rc;

	/* The filters as the form and the page links carry them. */
	tpl_set(page, "Q", lq->q);
	tpl_set(page, "STORE_Q", lq->store);
	tpl_set(page, "KIND_Q", lq->kind);
	tpl_set(page, "STATE_Q", lq->state);
	(void)printer_ui_parse_uint(lq->store, INT64_MAX, -1, &store_id);
	for (size_t i = 0; i < nstores; i++) {
		struct tpl_dict *opt = tpl_section(page, "STORE_FILTER");

		if (opt == NULL)
			continue;
		tpl_set_int(opt, "VALUE", (long long)stores[i].id);
		tpl_set(opt, "LABEL",
			arena_printf(x->arena, "%s — %s", stores[i].code, stores[i].name));
		if (stores[i].id == store_id || strcasecmp(stores[i].code, lq->store) == 0)
			tpl_show(opt, "SELECTED");
	}
	option(page, "KIND_FILTER", "laser_printer", page_text(x, "printer_kind_laser"), lq->kind);
	option(page, "KIND_FILTER", "label_printer", page_text(x, "printer_kind_label"), lq->kind);
	option(page, "STATE_FILTER", "online", page_text(x, "printers_state_online"), lq->state);
	option(page, "STATE_FILTER", "offline", page_text(x, "printers_state_offline"), lq->state);
	if (lq->q[0] != '\0' || lq->store[0] != '\0' || lq->kind[0] != '\0' || lq->state[0] != '\0')
		tpl_show(page, "FILTERED");

	rc = printers_list(app_thread_of(x)->db, x->arena, &lq->f, &items, &n, &total, &e);
	if (rc != 0)
		return rc;
	ages = arena_alloc(x->arena, sizeof *ages * (n + 1));
	if (ages == NULL)
		return ERR_NOMEM;
	rc = load_ages(x, items, n, ages);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct tpl_dict *row = tpl_section(page, "PRINTER");

		if (row != NULL)
			fill_list_row(x, row, &items[i], ages[i]);
	}
	tpl_set(page, "COUNT", form_format(x, "printers_count", (long long)total, 0, 0));
	if (n == 0)
		tpl_show(page, lq->f.q != NULL || lq->f.store != NULL || lq->f.kind != NULL ||
				       lq->f.online >= 0
			       ? "NO_MATCH"
			       : "NO_PRINTERS");
	if (total > PRINTERS_PER_PAGE || lq->offset > 0) {
		struct tpl_dict *pager = tpl_section(page, "PAGER");

		if (pager == NULL)
			return 0;
		tpl_set(pager, "RANGE",
			form_format(x, "pager_range", n > 0 ? lq->offset + 1 : lq->offset,
				    lq->offset + (long long)n, (long long)total));
		if (lq->offset > 0) {
			struct tpl_dict *prev = tpl_section(pager, "PREV");

			if (prev != NULL)
				tpl_set_int(prev, "OFFSET", lq->offset > PRINTERS_PER_PAGE
								    ? lq->offset - PRINTERS_PER_PAGE
								    : 0);
		}
		if (lq->offset + (long long)n < total) {
			struct tpl_dict *next = tpl_section(pager, "NEXT");

			if (next != NULL)
				tpl_set_int(next, "OFFSET", lq->offset + PRINTERS_PER_PAGE);
		}
	}
	return 0;
}

static int render_list(struct http_ctx *x, int status, const struct list_query *lq,
		       const struct printer_ui_form *f, const char *error, const char *notice)
{
	struct tpl_dict *root, *page = page_begin(x, "printers_title", "printers.tpl", "printers",
						   &root);
	struct printer_ui_store *stores = NULL;
	size_t nstores = 0;
	int rc;

	if (page == NULL)
		return ERR_NOMEM;
	/* After a refused form the request path is the form's target; the switch comes back here. */
	tpl_set(root, "CURRENT_PATH", "/printers");
	tpl_show(root, "AUTO_REFRESH");
	rc = printer_ui_load_stores(x, &stores, &nstores);
	if (rc == 0)
		rc = fill_list(x, page, lq, stores, nstores);
	/* "Poll all" over the store and kind filtered (ui-tasks.c). */
	if (rc == 0)
		rc = task_ui_poll_all_button(x, page, lq->store, lq->kind);
	if (rc == ERR_INVALID) {
		tpl_dict_free(root);
		page_error(x, 400);
		return 0;
	}
	if (rc != 0) {
		tpl_dict_free(root);
		return rc;
	}
	if ((int)app_auth_of(x)->user.role >= ACCESS_ADMIN) {
		struct tpl_dict *create = tpl_section(page, "CREATE");

		if (create != NULL) {
			if (error != NULL)
				tpl_show(create, "OPEN");
			printer_ui_form_fill(x, create, f, true, stores, nstores);
		}
	}
	form_banner(page, "ERROR", error);
	form_banner(page, "NOTICE", notice);
	return page_render(x, status, root);
}

int handle_printers_page(struct http_ctx *x)
{
	struct list_query lq;
	struct printer_ui_form f;
	const char *notice = NULL;

	if (!read_list_query(x, &lq)) {
		page_error(x, 400);
		return 0;
	}
	form_blank(&f);
	if (http_param_get(&x->req.query_params, "deleted") != NULL)
		notice = page_text(x, "printer_notice_deleted");
	return render_list(x, 200, &lq, &f, NULL, notice);
}

int handle_printers_create_form(struct http_ctx *x)
{
	struct list_query lq = { .q = "", .store = "", .kind = "", .state = "" };
	struct printer_ui_form f;
	struct printers_input in;
	struct err e = { 0 };
	const char *msg;
	int64_t id = 0;
	int rc;

	lq.f.online = -1;
	lq.f.limit = PRINTERS_PER_PAGE;
	if (!printer_ui_form_read(x, &f, NULL))
		return ERR_NOMEM;
	msg = printer_ui_form_input(x, &f, true, &in);
	if (msg != NULL)
		return render_list(x, 422, &lq, &f, msg, NULL);
	rc = printers_create(app_thread_of(x)->db, &app.cfg, x->arena, &in, &id, &e);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return render_list(x, rc == ERR_CONFLICT ? 409 : 422, &lq, &f,
				   printer_ui_message(x, rc, &e), NULL);
	if (rc != 0)
		return rc;
	printer_ui_audit(x, "printer_created", id, in.store_id, f.kind,
			 arena_printf(x->arena, "printer \"%s\" created", f.name), NULL);
	http_redirect(x, arena_printf(x->arena, "/printers/%" PRId64 "?created=1", id));
	return 0;
}
