/*
 * /printers/{id} — one printer's page (SPEC §8): identity, MAC check, status and decoded
 * error conditions, the colour summary bars, the supplies table with the printer's raw
 * numbers and what they mean, a small chart of each toner's level over 30 days, the times;
 * and its forms: edit and delete (admins), poll now (operators).
 *
 * Poll now goes through lib/printer_check, the batch poller's own code path (state machine,
 * MAC verification, history), then redirects back to the page with the result as a notice.
 * The charts are SVG from lib/svg_chart, which escapes its own text: the one value printer.tpl
 * inserts as it is ({{CHART:none}}). What the printer pages share is in ui-printers.h.
 */
#include "app.h"

#include "arena.h"
#include "log.h"
#include "printer_check.h"
#include "printers.h"
#include "sbuf.h"
#include "svg_chart.h"
#include "tpl.h"
#include "ui-printers.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHART_DAYS 30            /* the level charts cover this many days */
#define CHART_BYTES (SVG_CHART_MAX_BYTES + 1024)


/* The notice after the redirect that brought the user here; *bad when it reports a failure. */
static const char *printer_notice(struct http_ctx *x, bool *bad)
{
	const char *polled = http_param_get(&x->req.query_params, "polled");

	*bad = false;
	if (http_param_get(&x->req.query_params, "created") != NULL)
		return page_text(x, "printer_notice_created");
	if (http_param_get(&x->req.query_params, "saved") != NULL)
		return page_text(x, "printer_notice_saved");
	if (polled == NULL)
		return NULL;
	if (strcmp(polled, "up") == 0)
		return page_text(x, "printer_poll_up");
	if (strcmp(polled, "moved") == 0)
		return page_text(x, "printer_poll_moved");
	*bad = true;
	if (strcmp(polled, "mismatch") == 0)
		return page_text(x, "printer_poll_mismatch");
	if (strcmp(polled, "down") == 0)
		return page_text(x, "printer_poll_down");
	return page_text(x, "printer_poll_failed");
}

static const char *device_status_text(struct http_ctx *x, int v)
{
	switch (v) {
	case 1: return page_text(x, "printer_devstatus_unknown");
	case 2: return page_text(x, "printer_devstatus_running");
	case 3: return page_text(x, "printer_devstatus_warning");
	case 4: return page_text(x, "printer_devstatus_testing");
	case 5: return page_text(x, "printer_devstatus_down");
	}
	return page_text(x, "printer_not_reported");
}

static const char *printer_status_text(struct http_ctx *x, int v)
{
	switch (v) {
	case 1: return page_text(x, "printer_prnstatus_other");
	case 2: return page_text(x, "printer_prnstatus_unknown");
	case 3: return page_text(x, "printer_prnstatus_idle");
	case 4: return page_text(x, "printer_prnstatus_printing");
	case 5: return page_text(x, "printer_prnstatus_warmup");
	}
	return page_text(x, "printer_not_reported");
}

static const char *severity_text(struct http_ctx *x, const char *s)
{
	if (strcmp(s, "ok") == 0)
		return page_text(x, "printer_severity_ok");
	if (strcmp(s, "warning") == 0)
		return page_text(x, "printer_severity_warning");
	if (strcmp(s, "critical") == 0)
		return page_text(x, "printer_severity_critical");
	return page_text(x, "printer_severity_unknown");
}

/* hrPrinterDetectedErrorState bits by the names lib/printer_reading gives them. */
static const char *error_text(struct http_ctx *x, const char *name)
{
	if (strcmp(name, "lowPaper") == 0)
		return page_text(x, "printer_err_low_paper");
	if (strcmp(name, "noPaper") == 0)
		return page_text(x, "printer_err_no_paper");
	if (strcmp(name, "lowToner") == 0)
		return page_text(x, "printer_err_low_toner");
	if (strcmp(name, "noToner") == 0)
		return page_text(x, "printer_err_no_toner");
	if (strcmp(name, "doorOpen") == 0)
		return page_text(x, "printer_err_door_open");
	if (strcmp(name, "jammed") == 0)
		return page_text(x, "printer_err_jammed");
	if (strcmp(name, "offline") == 0)
		return page_text(x, "printer_err_offline");
	if (strcmp(name, "serviceRequested") == 0)
		return page_text(x, "printer_err_service_requested");
	if (strcmp(name, "inputTrayMissing") == 0)
		return page_text(x, "printer_err_input_tray_missing");
	if (strcmp(name, "outputTrayMissing") == 0)
		return page_text(x, "printer_err_output_tray_missing");
	if (strcmp(name, "markerSupplyMissing") == 0)
		return page_text(x, "printer_err_marker_supply_missing");
	if (strcmp(name, "outputNearFull") == 0)
		return page_text(x, "printer_err_output_near_full");
	if (strcmp(name, "outputFull") == 0)
		return page_text(x, "printer_err_output_full");
	if (strcmp(name, "inputTrayEmpty") == 0)
		return page_text(x, "printer_err_input_tray_empty");
	if (strcmp(name, "overduePreventMaint") == 0)
		return page_text(x, "printer_err_overdue_maintenance");
	return name;
}

static const char *class_text(struct http_ctx *x, const char *c)
{
	if (c != NULL && strcmp(c, "consumed") == 0)
		return page_text(x, "printer_class_consumed");
	if (c != NULL && strcmp(c, "receptacle") == 0)
		return page_text(x, "printer_class_receptacle");
	return page_text(x, "printer_class_other");
}

static void fill_identity(struct http_ctx *x, struct tpl_dict *page, const struct printers_full *p)
{
	const struct printers_item *it = &p->item;
	const struct printers_details *d = &p->details;
	const char *dash = "—";

	tpl_set(page, "MODEL", it->model[0] != '\0' ? it->model : dash);
	tpl_set(page, "VENDOR", d->vendor[0] != '\0' ? d->vendor : dash);
	tpl_set(page, "SERIAL", d->serial[0] != '\0' ? d->serial : dash);
	tpl_set(page, "FIRMWARE", d->firmware[0] != '\0' ? d->firmware : dash);
	tpl_set(page, "SYS_NAME", d->sys_name[0] != '\0' ? d->sys_name : dash);
	tpl_set(page, "SYS_DESCR", d->sys_descr[0] != '\0' ? d->sys_descr : dash);
	tpl_set(page, "KIND_NAME", printer_ui_kind_name(x, it->kind));
	tpl_set(page, "SNMP", arena_printf(x->arena, "SNMPv%s, %s %d", it->snmp_version,
					   page_text(x, "printer_port"), it->snmp_port));
	tpl_set(page, "COMMUNITY_STATE", it->community_set ? page_text(x, "printer_community_set")
							   : page_text(x, "printer_community_default"));
	if (it->store.id != 0) {
		struct tpl_dict *s = tpl_section(page, "STORE");

		if (s != NULL) {
			tpl_set(s, "CODE", it->store.code);
			tpl_set(s, "STORE_NAME", it->store.name);
		}
	} else {
		tpl_show(page, "NO_STORE");
	}
	if (strcmp(it->connection, "usb") == 0) {
		struct tpl_dict *u = tpl_section(page, "USB");

		if (u != NULL)
			tpl_set(u, "HOST_PC", it->host_pc != NULL ? it->host_pc : dash);
	} else {
		struct tpl_dict *a = tpl_section(page, "IP");

		if (a != NULL) {
			tpl_set(a, "ADDRESS", it->address != NULL ? it->address : dash);
			if (it->host_pc != NULL) {
				struct tpl_dict *h = tpl_section(a, "HOST_NOTE");

				if (h != NULL)
					tpl_set(h, "HOST_PC", it->host_pc);
			}
		}
	}
	/* The MAC and what the last poll made of it. */
	tpl_set(page, "MAC", it->mac != NULL ? it->mac : dash);
	if (strcmp(it->mac_status, "verified") == 0) {
		tpl_show(page, "MAC_VERIFIED");
	} else if (strcmp(it->mac_status, "mismatch") == 0) {
		struct tpl_dict *m = tpl_section(page, "MAC_MISMATCH");

		if (m != NULL) {
			tpl_set(m, "FOREIGN_MAC", d->foreign_mac != NULL ? d->foreign_mac : dash);
			tpl_set(m, "ADDRESS", it->address != NULL ? it->address : dash);
		}
	} else {
		tpl_show(page, "MAC_UNKNOWN");
	}
	if (d->page_count >= 0)
		tpl_set(page, "PAGE_COUNT", arena_printf(x->arena, "%" PRId64, d->page_count));
	else
		tpl_set(page, "PAGE_COUNT", page_text(x, "printer_not_reported"));
	tpl_set(page, "LAST_POLLED", form_time(x, it->last_polled_at));
	tpl_set(page, "LAST_SEEN", form_time(x, it->last_seen_at));
	tpl_set(page, "READ_AT", form_time(x, d->read_at));
	if (d->read_age_seconds >= 0) {
		struct tpl_dict *age = tpl_section(page, "READ_AGE");

		if (age != NULL)
			tpl_set(age, "AGE", printer_ui_age(x, d->read_age_seconds));
	}
	if (it->last_error != NULL && it->last_error[0] != '\0') {
		struct tpl_dict *e = tpl_section(page, "LAST_ERROR");

		if (e != NULL)
			tpl_set(e, "TEXT", it->last_error);
	}
}

static void fill_status(struct http_ctx *x, struct tpl_dict *page, const struct printers_full *p)
{
	const struct printers_details *d = &p->details;

	tpl_set(page, "DEVICE_STATUS", device_status_text(x, d->device_status));
	tpl_set(page, "PRINTER_STATUS", printer_status_text(x, d->printer_status));
	tpl_set(page, "SEVERITY", d->severity);
	tpl_set(page, "SEVERITY_NAME", severity_text(x, d->severity));
	for (size_t i = 0; i < d->n_errors && i < PRINTERS_ERRORS_MAX; i++) {
		struct tpl_dict *c = tpl_section(page, "CONDITION");

		if (c != NULL) {
			tpl_set(c, "TEXT", error_text(x, d->errors[i]));
			tpl_set(c, "CODE", d->errors[i]);
		}
	}
	if (d->n_errors == 0)
		tpl_show(page, "NO_CONDITIONS");
	if (printer_ui_is_label(p->item.kind) && strcmp(p->item.connection, "ip") == 0) {
		struct tpl_dict *r = tpl_section(page, "RAW_PORT");

		const char *key = d->port_9100_open == 1   ? "printer_port_open"
				  : d->port_9100_open == 0 ? "printer_port_closed"
							   : "printer_not_reported";

		if (r != NULL)
			tpl_set(r, "TEXT", page_text(x, key));
	}
}

static const char *raw_number(struct http_ctx *x, bool has, int64_t v)
{
	return has ? arena_printf(x->arena, "%" PRId64, v) : "—";
}

static void fill_supplies(struct http_ctx *x, struct tpl_dict *page, const struct printers_full *p)
{
	struct tpl_dict *table;

	for (size_t i = 0; i < p->item.n_colours; i++)
		printer_ui_bar(x, page, "COLOUR", p->item.colours[i].colour,
			       p->item.colours[i].percent, p->item.colours[i].state,
			       p->item.colours[i].name);
	if (p->item.n_colours == 0)
		tpl_show(page, "NO_COLOURS");
	if (p->n_supplies == 0) {
		tpl_show(page, "NO_SUPPLIES");
		return;
	}
	table = tpl_section(page, "SUPPLIES");
	for (size_t i = 0; table != NULL && i < p->n_supplies; i++) {
		const struct printers_supply *s = &p->supplies[i];
		struct tpl_dict *row = tpl_section(table, "SUPPLY");

		if (row == NULL)
			continue;
		tpl_set_int(row, "INDEX", (long long)s->supply_index);
		tpl_set(row, "DESCRIPTION", s->description[0] != '\0' ? s->description : "—");
		tpl_set(row, "TYPE", s->type_name != NULL ? s->type_name
				     : s->type != 0 ? arena_printf(x->arena, "%d", s->type) : "—");
		tpl_set(row, "CLASS", class_text(x, s->class_));
		tpl_set(row, "MAX", raw_number(x, s->has_max, s->max_capacity));
		tpl_set(row, "LEVEL", raw_number(x, s->has_level, s->level));
		if (s->is_receptacle) {
			/* A waste box reports free space: what matters is how full it is. */
			struct tpl_dict *r = tpl_section(row, "RECEPTACLE");

			if (r != NULL && isfinite(s->fullness))
				tpl_set(r, "TEXT", form_format(x, "printer_fullness",
							       (long long)lround(s->fullness), 0, 0));
			else if (r != NULL)
				tpl_set(r, "TEXT", printer_ui_level_word(x, s->state));
		} else {
			printer_ui_bar(x, row, "LEVEL_BAR", s->colour, s->percent, s->state,
				       s->description);
		}
		if (s->colour != NULL) {
			struct tpl_dict *c = tpl_section(row, "SWATCH");

			if (c != NULL) {
				tpl_set(c, "COLOUR", printer_ui_colour_class(s->colour));
				tpl_set(c, "NAME", printer_ui_colour_name(x, s->colour));
			}
		}
		if (s->is_toner)
			tpl_show(row, "TONER");
	}
}

/* "2024-05-01T12:00:00Z" as Unix seconds; NaN when it is not such a time. */
static double iso_seconds(const char *iso)
{
	struct tm tm = { 0 };
	const char *end;

	if (iso == NULL || iso[0] == '\0')
		return NAN;
	end = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		return NAN;
	return (double)timegm(&tm);
}

/* One small chart per toner with history: its level over the last CHART_DAYS days. */
static int fill_charts(struct http_ctx *x, struct tpl_dict *page, const struct printers_full *p)
{
	struct printers_history h;
	struct err e = { 0 };
	double now = (double)time(NULL), since;
	struct svg_chart_label xl[4], yl[3] = { { 0, "0%" }, { 50, "50%" }, { 100, "100%" } };
	int rc, charts = 0;

	rc = printers_history(app_thread_of(x)->db, x->arena, p->item.id, CHART_DAYS, &h, &e);
	if (rc != 0)
		return rc;
	since = iso_seconds(h.since);
	if (!isfinite(since) || since >= now)
		since = now - CHART_DAYS * 86400.0;
	for (int i = 0; i < 4; i++) {
		time_t t = (time_t)(since + (now - since) * i / 3);
		struct tm tm;

		gmtime_r(&t, &tm);
		xl[i].at = (double)t;
		xl[i].text = arena_printf(x->arena, "%02d.%02d", tm.tm_mday, tm.tm_mon + 1);
	}
	for (size_t i = 0; i < h.n_series; i++) {
		const struct printers_history_series *hs = &h.series[i];
		const struct printers_supply *s = NULL;
		struct svg_chart_point *pts;
		struct svg_chart_series series;
		struct svg_chart c;
		struct tpl_dict *d;
		struct sbuf svg;
		size_t first, n;

		for (size_t k = 0; k < p->n_supplies; k++)
			if (p->supplies[k].supply_index == hs->supply_index)
				s = &p->supplies[k];
		if (s == NULL || !s->is_toner || hs->n_points == 0)
			continue;
		/* The newest samples when there are more than a chart holds. */
		first = hs->n_points > SVG_CHART_MAX_POINTS ? hs->n_points - SVG_CHART_MAX_POINTS : 0;
		n = hs->n_points - first;
		pts = arena_alloc(x->arena, sizeof *pts * n);
		if (pts == NULL)
			return ERR_NOMEM;
		for (size_t k = 0; k < n; k++) {
			const struct printers_history_point *hp = &hs->points[first + k];
			double t = iso_seconds(hp->at);

			pts[k].t = isfinite(t) ? t : since;
			pts[k].value = strcmp(hp->state, "percent") == 0 ? hp->percent : NAN;
		}
		series = (struct svg_chart_series){
			.name = s->description,
			.css_class = arena_printf(x->arena, "toner-%s",
						  printer_ui_colour_class(s->colour)),
			.points = pts,
			.n = n,
		};
		c = (struct svg_chart){ .width = 360, .height = 140, .t_min = since, .t_max = now,
					.title = s->description,
					.empty_text = page_text(x, "printer_chart_no_numbers"),
					.x_labels = xl, .n_x_labels = 4, .y_labels = yl,
					.n_y_labels = 3, .series = &series, .n_series = 1 };
		sbuf_init(&svg, x->arena, CHART_BYTES);
		rc = svg_chart_render(&c, &svg, &e);
		if (rc != 0) {
			log_msg(LOG_LEVEL_WARN, "chart_failed", x->req.trace_id, "%s", e.msg);
			continue;
		}
		d = tpl_section(page, "CHART");
		if (d == NULL)
			continue;
		tpl_set(d, "NAME", s->description[0] != '\0' ? s->description : "—");
		tpl_set(d, "COLOUR", printer_ui_colour_class(s->colour));
		tpl_set(d, "CHART", sbuf_cstr(&svg));
		tpl_set_int(d, "SUPPLY", (long long)s->supply_index);
		charts++;
	}
	if (charts == 0)
		tpl_show(page, "NO_CHARTS");
	tpl_set_int(page, "CHART_DAYS", CHART_DAYS);
	return 0;
}

/*
 * The printer's page: p as stored (heading, facts, readings), f as the edit form shows it
 * (what was typed when a change was refused, else p).
 */
static int render_printer(struct http_ctx *x, int status, const struct printers_full *p,
			  const struct printer_ui_form *f, const char *error, const char *notice,
			  bool notice_bad)
{
	const struct request_auth *auth = app_auth_of(x);
	struct tpl_dict *root, *page = page_begin(x, "printer_title", "printer.tpl", "printers",
						   &root);
	struct printer_ui_store *stores = NULL;
	size_t nstores = 0;
	int rc;

	if (page == NULL)
		return ERR_NOMEM;
	tpl_set(root, "PAGE_TITLE", p->item.name);
	/* Not .../poll or .../delete, which have no page to come back to. */
	tpl_set(root, "CURRENT_PATH", arena_printf(x->arena, "/printers/%" PRId64, p->item.id));
	tpl_set_int(page, "ID", (long long)p->item.id);
	tpl_set(page, "NAME", p->item.name);
	tpl_set(page, "STATE", p->item.state);
	tpl_set(page, "STATE_NAME", printer_ui_state_name(x, p->item.state));
	if (strcmp(p->item.circuit, "closed") != 0) {
		struct tpl_dict *c = tpl_section(page, "CIRCUIT_OPEN");

		if (c != NULL) {
			tpl_set_int(c, "FAILURES", p->item.failures);
			tpl_set(c, "SINCE", p->item.circuit_opened_at[0] != '\0'
						    ? form_time(x, p->item.circuit_opened_at) : "—");
		}
	} else if (strcmp(p->item.state, "pending_offline") == 0) {
		struct tpl_dict *c = tpl_section(page, "PENDING_NOTE");

		if (c != NULL)
			tpl_set_int(c, "FAILURES", p->item.failures);
	}
	if (strcmp(p->item.connection, "usb") == 0) {
		struct tpl_dict *u = tpl_section(page, "USB_NOTE");

		const char *host = p->item.host_pc != NULL ? p->item.host_pc : "—";

		if (u != NULL)
			tpl_set(u, "TEXT", arena_printf(x->arena, "%s %s",
							page_text(x, "printer_usb_note"), host));
	}
	fill_identity(x, page, p);
	fill_status(x, page, p);
	/* A label printer has no toner: its panels only when it reports supplies after all. */
	rc = 0;
	if (!printer_ui_is_label(p->item.kind) || p->n_supplies > 0) {
		struct tpl_dict *readings = tpl_section(page, "READINGS");

		if (readings == NULL) {
			tpl_dict_free(root);
			return ERR_NOMEM;
		}
		fill_supplies(x, readings, p);
		rc = fill_charts(x, readings, p);
	} else {
		tpl_show(page, "LABEL_NO_READINGS");
	}
	if (rc == 0 && (int)auth->user.role >= ACCESS_ADMIN)
		rc = printer_ui_load_stores(x, &stores, &nstores);
	if (rc != 0) {
		tpl_dict_free(root);
		return rc;
	}
	if ((int)auth->user.role >= ACCESS_OPERATOR)
		tpl_show(page, "POLL_FORM");
	if ((int)auth->user.role >= ACCESS_ADMIN) {
		struct tpl_dict *admin = tpl_section(page, "ADMIN");

		if (admin != NULL)
			printer_ui_form_fill(x, admin, f, false, stores, nstores);
	}
	form_banner(page, "ERROR", error);
	form_banner(page, notice_bad ? "ERROR" : "NOTICE", notice);
	return page_render(x, status, root);
}

/* Load the printer of the path; answers the 404 page itself (then returns 1). */
static int load_printer(struct http_ctx *x, struct printers_full *p)
{
	struct err e = { 0 };
	int rc = printers_get(app_thread_of(x)->db, x->arena, app_path_id(x), p, &e);

	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 1;
	}
	return rc;
}

int handle_printer_page(struct http_ctx *x)
{
	struct printers_full p;
	struct printer_ui_form f;
	const char *notice;
	bool bad;
	int rc = load_printer(x, &p);

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	printer_ui_form_of(&p.item, &f, x->arena);
	notice = printer_notice(x, &bad);
	return render_printer(x, 200, &p, &f, NULL, notice, bad);
}

int handle_printer_edit_form(struct http_ctx *x)
{
	struct printers_full p;
	struct printer_ui_form f;
	struct printers_input in;
	struct err e = { 0 };
	unsigned changed = 0;
	const char *msg;
	int rc = load_printer(x, &p);

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	if (!printer_ui_form_read(x, &f, p.item.kind))
		return ERR_NOMEM;
	msg = printer_ui_form_input(x, &f, false, &in);
	if (msg != NULL)
		return render_printer(x, 422, &p, &f, msg, NULL, false);
	rc = printers_update(app_thread_of(x)->db, &app.cfg, x->arena, p.item.id, &in, &changed, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return render_printer(x, rc == ERR_CONFLICT ? 409 : 422, &p, &f,
				      printer_ui_message(x, rc, &e), NULL, false);
	if (rc != 0)
		return rc;
	if (changed != 0) {
		json_object *payload = json_object_new_object();

		/* Which fields changed, never their secret values. */
		json_object_object_add(payload, "changed", json_object_new_int64(changed));
		json_object_object_add(payload, "community_changed",
				       json_object_new_boolean((changed & PRINTERS_F_COMMUNITY) != 0));
		printer_ui_audit(x, "printer_updated", p.item.id, in.store_id, p.item.kind,
				 arena_printf(x->arena, "printer \"%s\" changed", f.name), payload);
	}
	http_redirect(x, arena_printf(x->arena, "/printers/%" PRId64 "?saved=1", p.item.id));
	return 0;
}

int handle_printer_delete_form(struct http_ctx *x)
{
	struct printers_full p;
	struct printer_ui_form f;
	struct printers_ref ref;
	struct err e = { 0 };
	int rc = load_printer(x, &p);

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	/* A deletion cannot be undone: one click on the wrong button must not do it. */
	if (!form_checked(x, "confirm")) {
		printer_ui_form_of(&p.item, &f, x->arena);
		return render_printer(x, 422, &p, &f, page_text(x, "printer_msg_delete_confirm"),
				      NULL, false);
	}
	rc = printers_delete(app_thread_of(x)->db, x->arena, p.item.id, &ref, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0)
		return rc;
	/* The device row is gone: the event keeps its kind, name and address in words. */
	printer_ui_audit(x, "printer_deleted", 0, p.item.store.id, p.item.kind,
			 arena_printf(x->arena, "printer \"%s\" (id %" PRId64 ", %s) deleted",
				      p.item.name, p.item.id,
				      p.item.address != NULL ? p.item.address : "usb"),
			 NULL);
	http_redirect(x, "/printers?deleted=1");
	return 0;
}

int handle_printer_poll_form(struct http_ctx *x)
{
	struct printer_check_summary sum = { 0 };
	struct printers_ref ref;
	struct err e = { 0 };
	int64_t id = app_path_id(x);
	const char *result;
	json_object *payload;
	int rc;

	rc = printers_ref_of(app_thread_of(x)->db, x->arena, id, &ref, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = printer_check_ids(app_thread_of(x)->db, &app.cfg, &id, 1, x->req.trace_id, &sum, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0) {
		log_msg(LOG_LEVEL_WARN, "poll_now_failed", x->req.trace_id, "%s", e.msg);
		if (rc == ERR_DB_DOWN)
			return rc;
		result = "failed";
	} else if (sum.mismatched > 0) {
		result = "mismatch";
	} else if (sum.moved > 0) {
		result = "moved";
	} else if (sum.answered > 0) {
		result = "up";
	} else if (sum.polled > 0) {
		result = "down";
	} else {
		result = "failed";
	}
	payload = json_object_new_object();
	json_object_object_add(payload, "result", json_object_new_string(result));
	printer_ui_audit(x, "printer_polled", id, ref.store_id, ref.kind,
			 arena_printf(x->arena, "poll now of \"%s\": %s", ref.name, result), payload);
	http_redirect(x, arena_printf(x->arena, "/printers/%" PRId64 "?polled=%s", id, result));
	return 0;
}
