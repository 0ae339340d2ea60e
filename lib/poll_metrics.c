#include "poll_metrics.h"

#include "arena.h"
#include "db.h"
#include "metrics.h"
#include "poll_all.h"
#include "printer_check.h"
#include "sbuf.h"
#include "textfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOB "poll_all"
#define SUCCESS_SERIES "infrascope_last_success_timestamp_seconds{job=\"" JOB "\"} "

static const char *const device_states[] = { "online", "pending_offline", "offline", "unknown" };
static const char *const circuit_events[] = { "circuit_opened", "circuit_half_open",
					      "circuit_closed" };
static const char *const device_events[] = { "pending_offline", "offline", "recovered",
					     "resilience_reset", "mac_mismatch", "ip_changed" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- exposition text ---- */

struct label {
	const char *name, *value;
};

/* Length of the valid UTF-8 sequence at s, or 0 (overlong, surrogate, above U+10FFFF, cut). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A label value: \\ \" \n escaped, invalid UTF-8 replaced by U+FFFD (the parser refuses it). */
static void put_label_value(struct sbuf *b, const char *v)
{
	const unsigned char *s = (const unsigned char *)(v != NULL ? v : "");

	while (*s != '\0') {
		size_t n = utf8_seq(s);

		if (n == 0) {
			sbuf_puts(b, "\xef\xbf\xbd");
			s++;
		} else if (*s == '\\') {
			sbuf_puts(b, "\\\\");
			s++;
		} else if (*s == '"') {
			sbuf_puts(b, "\\\"");
			s++;
		} else if (*s == '\n') {
			sbuf_puts(b, "\\n");
			s++;
		} else {
			sbuf_append(b, s, n);
			s += n;
		}
	}
}

static void put_header(struct sbuf *b, const char *name, const char *help)
{
	sbuf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void put_sample(struct sbuf *b, const char *name, const struct label *l, size_t nl,
		       double v)
{
	char num[40];

	sbuf_puts(b, name);
	if (nl > 0) {
		sbuf_putc(b, '{');
		for (size_t i = 0; i < nl; i++) {
			sbuf_printf(b, "%s%s=\"", i > 0 ? "," : "", l[i].name);
			put_label_value(b, l[i].value);
			sbuf_putc(b, '"');
		}
		sbuf_putc(b, '}');
	}
	metrics_format_value(v, num, sizeof num);
	sbuf_printf(b, " %s\n", num);
}

/* A gauge with one label whose values are a fixed list, each with its count. */
static void put_fixed(struct sbuf *b, const char *name, const char *help, const char *label,
		      const char *const *values, const long long *counts, size_t n)
{
	put_header(b, name, help);
	for (size_t i = 0; i < n; i++) {
		struct label l = { label, values[i] };

		put_sample(b, name, &l, 1, (double)counts[i]);
	}
}

static void put_job_gauge(struct sbuf *b, const char *name, const char *help, double v)
{
	struct label l = { "job", JOB };

	put_header(b, name, help);
	put_sample(b, name, &l, 1, v);
}

static void put_run(struct sbuf *b, const struct poll_metrics *m)
{
	put_job_gauge(b, "infrascope_poll_last_run_success",
		      "Whether the last poll-all finished (1) or failed (0).", m->run_ok ? 1 : 0);
	put_job_gauge(b, "infrascope_poll_duration_seconds",
		      "Wall-clock duration of the last poll-all.",
		      isfinite(m->duration_seconds) && m->duration_seconds > 0 ? m->duration_seconds
									       : 0);
	if (isfinite(m->last_success))
		put_job_gauge(b, "infrascope_last_success_timestamp_seconds",
			      "Unix time the last poll-all that finished ended; a failed run keeps "
			      "the previous value.",
			      m->last_success);
	if (m->summary != NULL) {
		static const char *const results[] = { "polled", "skipped", "error", "moved",
						       "mac_mismatch" };
		const struct printer_check_summary *s = m->summary;
		long long counts[] = { (long long)s->polled, (long long)s->skipped,
				       (long long)s->errors, (long long)s->moved,
				       (long long)s->mismatched };

		put_fixed(b, "infrascope_poll_devices_last_run",
			  "Devices of the last poll-all by result: polled (recorded), skipped (open "
			  "circuit), error (failed poll or not recorded), moved, mac_mismatch; the "
			  "results overlap.",
			  "result", results, counts, COUNT(results));
	}
}

static long long event_count(const struct poll_metrics *m, const char *type)
{
	long long n = 0;

	for (size_t i = 0; i < m->nevents; i++)
		if (m->events[i].type != NULL && strcmp(m->events[i].type, type) == 0)
			n += m->events[i].count;
	return n;
}

static void put_events(struct sbuf *b, const struct poll_metrics *m)
{
	static const char *const protocols[] = { "snmp", "tcp" };
	long long errors[] = { m->errors_snmp, m->errors_tcp };
	long long circuit[COUNT(circuit_events)], device[COUNT(device_events)];

	put_fixed(b, "infrascope_poll_errors_last_run",
		  "Devices whose poll in the last poll-all failed, by the protocol that failed.",
		  "protocol", protocols, errors, COUNT(protocols));
	for (size_t i = 0; i < COUNT(circuit_events); i++)
		circuit[i] = event_count(m, circuit_events[i]);
	put_fixed(b, "infrascope_circuit_events_last_run",
		  "Circuit breaker transitions written as events by the last poll-all.", "event",
		  circuit_events, circuit, COUNT(circuit_events));
	for (size_t i = 0; i < COUNT(device_events); i++)
		device[i] = event_count(m, device_events[i]);
	put_fixed(b, "infrascope_device_events_last_run",
		  "Device state transitions written as events by the last poll-all.", "event",
		  device_events, device, COUNT(device_events));
}

static const char *nz(const char *s)
{
	return s != NULL ? s : "";
}

static int cmp_devices(const void *pa, const void *pb)
{
	const struct poll_metrics_devices *a = pa, *b = pb;
	int c = strcmp(nz(a->kind), nz(b->kind));

	if (c == 0)
		c = strcmp(nz(a->store), nz(b->store));
	if (c == 0)
		c = strcmp(nz(a->state), nz(b->state));
	return c;
}

static bool same_group(const struct poll_metrics_devices *a, const struct poll_metrics_devices *b)
{
	return strcmp(nz(a->kind), nz(b->kind)) == 0 && strcmp(nz(a->store), nz(b->store)) == 0;
}

static long long state_count(const struct poll_metrics_devices *g, size_t n, const char *state)
{
	long long c = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(nz(g[i].state), state) == 0)
			c += g[i].count;
	return c;
}

static bool known_state(const char *state)
{
	for (size_t i = 0; i < COUNT(device_states); i++)
		if (strcmp(state, device_states[i]) == 0)
			return true;
	return false;
}

/* Devices by (kind, store): every known state, zero included, then any other state seen. */
static void put_devices(struct sbuf *b, const struct poll_metrics_devices *d, size_t n)
{
	static const char devices[] = "infrascope_devices", up[] = "infrascope_devices_up";

	if (n == 0)
		return;
	put_header(b, devices, "Devices by kind, store code (\"\" for none) and shown state.");
	for (size_t at = 0, end; at < n; at = end) {
		struct label l[3] = { { "kind", nz(d[at].kind) }, { "store", nz(d[at].store) },
				      { "state", NULL } };

		for (end = at + 1; end < n && same_group(&d[at], &d[end]); end++)
			;
		for (size_t s = 0; s < COUNT(device_states); s++) {
			l[2].value = device_states[s];
			put_sample(b, devices, l, 3, (double)state_count(d + at, end - at,
									 device_states[s]));
		}
		for (size_t i = at; i < end; i++) {
			if (known_state(nz(d[i].state)) ||
			    (i > at && strcmp(nz(d[i].state), nz(d[i - 1].state)) == 0))
				continue;
			l[2].value = nz(d[i].state);
			put_sample(b, devices, l, 3, (double)state_count(d + i, end - i, l[2].value));
		}
	}
	put_header(b, up, "Devices shown online (online or pending_offline) by kind and store code.");
	for (size_t at = 0, end; at < n; at = end) {
		struct label l[2] = { { "kind", nz(d[at].kind) }, { "store", nz(d[at].store) } };

		for (end = at + 1; end < n && same_group(&d[at], &d[end]); end++)
			;
		put_sample(b, up, l, 2, (double)(state_count(d + at, end - at, "online") +
						 state_count(d + at, end - at, "pending_offline")));
	}
}

static void put_supplies(struct sbuf *b, const struct poll_metrics_supply *s, size_t n)
{
	static const char name[] = "infrascope_printer_supply_level_ratio";
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		char id[24], idx[16];
		double v = s[i].ratio;
		struct label l[5] = { { "device", id }, { "name", nz(s[i].name) },
				      { "store", nz(s[i].store) }, { "colour", nz(s[i].colour) },
				      { "supply", idx } };

		if (!isfinite(v))
			continue;
		if (!any)
			put_header(b, name, "Remaining level of each printer colour's toner (0-1); "
					    "absent when the printer reports unknown or \"some "
					    "remaining\".");
		any = true;
		snprintf(id, sizeof id, "%lld", (long long)s[i].device_id);
		snprintf(idx, sizeof idx, "%d", s[i].supply_index);
		put_sample(b, name, l, 5, v < 0 ? 0 : v > 1 ? 1 : v);
	}
}

int poll_metrics_render(const struct poll_metrics *m, struct sbuf *out)
{
	struct poll_metrics_devices *sorted = NULL;

	if (m == NULL || out == NULL)
		return ERR_INVALID;
	put_run(out, m);
	if (m->have_db) {
		put_events(out, m);
		if (m->ndevices > 0) {
			sorted = malloc(m->ndevices * sizeof *sorted);
			if (sorted == NULL)
				return ERR_NOMEM;
			memcpy(sorted, m->devices, m->ndevices * sizeof *sorted);
			qsort(sorted, m->ndevices, sizeof *sorted, cmp_devices);
			put_devices(out, sorted, m->ndevices);
			free(sorted);
		}
		put_supplies(out, m->supplies, m->nsupplies);
	}
	return out->failed ? ERR_LIMIT : 0;
}

double poll_metrics_previous_success(const char *text)
{
	static const char series[] = SUCCESS_SERIES;

	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, series, sizeof series - 1) == 0) {
			char *end;
			double v = strtod(p + sizeof series - 1, &end);

			if (end != p + sizeof series - 1 && isfinite(v) && v > 0)
				return v;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return NAN;
}

/* ---- PostgreSQL ---- */

/*
 * Everything but the supplies in one statement of (what, a, b, c, value) rows:
 *   devices      kind, store code, state, count          (all devices, now)
 *   error        protocol, -, -, count                    (this run's failed polls)
 *   event        type, -, -, count                        (this run's events: its trace_id)
 *   last_success -, -, -, epoch seconds                   (the last run that finished)
 * A failed poll is one that left devices.last_error in this run (last_polled_at since the run
 * began, the run's scope); the protocol is the one that decided it: laser printers are read
 * over SNMP; a label printer is SNMP when it answered (an SNMP error), else TCP (9100 in ip
 * mode, the host PC's ports in usb mode). A MAC mismatch is not a protocol error: it is
 * counted in result="mac_mismatch".
 */
static const char facts_sql[] =
	"WITH run AS (SELECT started_at, scope FROM poll_runs WHERE id = $1::bigint) "
	"SELECT 'devices', d.kind, coalesce(s.code, ''), d.state, count(*)::text "
	"  FROM devices d LEFT JOIN stores s ON s.id = d.store_id "
	"  GROUP BY d.kind, s.code, d.state "
	"UNION ALL "
	"SELECT 'error', CASE WHEN d.kind = 'laser_printer' THEN 'snmp' "
	"                     WHEN p.connection = 'usb' THEN 'tcp' "
	"                     WHEN d.last_seen_at IS NULL OR d.last_seen_at < d.last_polled_at "
	"                     THEN 'tcp' ELSE 'snmp' END, '', '', count(*)::text "
	"  FROM devices d JOIN run r ON d.last_polled_at >= r.started_at "
	"  LEFT JOIN printer_details p ON p.device_id = d.id "
	"  LEFT JOIN stores s ON s.id = d.store_id "
	"  WHERE d.kind IN ('laser_printer', 'label_printer') AND d.last_error IS NOT NULL "
	"    AND d.mac_status <> 'mismatch' "
	"    AND (r.scope->>'kind' IS NULL OR d.kind = r.scope->>'kind') "
	"    AND (r.scope->>'store' IS NULL OR search_fold(s.code) = search_fold(r.scope->>'store')) "
	"  GROUP BY 2 "
	"UNION ALL "
	"SELECT 'event', type, '', '', count(*)::text FROM events WHERE trace_id = $2::text "
	"  GROUP BY type "
	"UNION ALL "
	"SELECT 'last_success', '', '', '', extract(epoch FROM max(finished_at))::text "
	"  FROM poll_runs WHERE status = 'done' HAVING max(finished_at) IS NOT NULL "
	"ORDER BY 1, 2, 3, 4";

static const char supplies_sql[] =
	"SELECT d.id, d.name, coalesce(s.code, ''), c.colour, c.supply_index, "
	"       round(c.percent::numeric / 100, 4)::text "
	"FROM printer_colours c JOIN devices d ON d.id = c.device_id "
	"LEFT JOIN stores s ON s.id = d.store_id "
	"WHERE c.state = 'percent' AND c.percent IS NOT NULL "
	"ORDER BY s.code NULLS FIRST, d.name, d.id, c.colour";

static int take_facts(const PGresult *res, struct arena *a, struct poll_metrics *m,
		      struct err *e)
{
	int rows = PQntuples(res);
	struct poll_metrics_devices *dev = arena_zalloc(a, (size_t)rows * sizeof *dev + 1);
	struct poll_metrics_event *ev = arena_zalloc(a, (size_t)rows * sizeof *ev + 1);
	bool nomem = false;

	if (dev == NULL || ev == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int r = 0; r < rows; r++) {
		const char *what = db_get(res, r, 0), *key = db_get(res, r, 1);
		const char *value = db_get(res, r, 4);
		long long n = db_get_int64(res, r, 4, 0);

		if (what == NULL || key == NULL || value == NULL)
			continue;
		if (strcmp(what, "devices") == 0) {
			struct poll_metrics_devices *d = &dev[m->ndevices++];

			d->kind = db_text(a, res, r, 1, &nomem);
			d->store = db_text(a, res, r, 2, &nomem);
			d->state = db_text(a, res, r, 3, &nomem);
			d->count = n;
		} else if (strcmp(what, "error") == 0) {
			if (strcmp(key, "snmp") == 0)
				m->errors_snmp += n;
			else
				m->errors_tcp += n;
		} else if (strcmp(what, "event") == 0) {
			struct poll_metrics_event *x = &ev[m->nevents++];

			x->type = db_text(a, res, r, 1, &nomem);
			x->count = n;
		} else if (strcmp(what, "last_success") == 0) {
			char *end;
			double v = strtod(value, &end);

			if (end != value && isfinite(v))
				m->last_success = v;
		}
	}
	m->devices = dev;
	m->events = ev;
	return nomem ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

static int take_supplies(const PGresult *res, struct arena *a, struct poll_metrics *m,
			 struct err *e)
{
	int rows = PQntuples(res);
	struct poll_metrics_supply *s = arena_zalloc(a, (size_t)rows * sizeof *s + 1);
	bool nomem = false;

	if (s == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int r = 0; r < rows; r++) {
		struct poll_metrics_supply *x = &s[m->nsupplies];
		const char *ratio = db_get(res, r, 5);
		char *end;

		if (ratio == NULL)
			continue;
		x->ratio = strtod(ratio, &end);
		if (end == ratio)
			continue;
		x->device_id = db_get_int64(res, r, 0, 0);
		x->name = db_text(a, res, r, 1, &nomem);
		x->store = db_text(a, res, r, 2, &nomem);
		x->colour = db_text(a, res, r, 3, &nomem);
		x->supply_index = (int)db_get_int64(res, r, 4, 0);
		m->nsupplies++;
	}
	m->supplies = s;
	return nomem ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

int poll_metrics_collect(struct db *db, int64_t run_id, const char *trace_id, struct arena *a,
			 struct poll_metrics *m, struct err *e)
{
	char id[24];
	const char *p[2] = { NULL, trace_id };
	PGresult *res = NULL;
	int rc;

	m->have_db = false;
	m->errors_snmp = m->errors_tcp = 0;
	m->nevents = m->ndevices = m->nsupplies = 0;
	if (run_id > 0) {
		snprintf(id, sizeof id, "%lld", (long long)run_id);
		p[0] = id;
	}
	if ((rc = db_exec(db, facts_sql, 2, p, &res, e)) != 0)
		return rc;
	rc = take_facts(res, a, m, e);
	PQclear(res);
	if (rc != 0)
		return rc;
	if ((rc = db_exec(db, supplies_sql, 0, NULL, &res, e)) != 0)
		return rc;
	rc = take_supplies(res, a, m, e);
	PQclear(res);
	if (rc != 0)
		return rc;
	m->have_db = true;
	return 0;
}

/* ---- the file ---- */

int poll_metrics_write(struct db *db, const char *dir, const struct poll_metrics_run *run,
		       struct err *e)
{
	struct poll_metrics m = { .run_ok = run->ok, .duration_seconds = run->duration_seconds,
				  .summary = run->summary, .last_success = NAN };
	struct arena *a = arena_new(64 * 1024, TEXTFILE_MAX_BYTES * 2);
	struct err db_err = { 0 }, file_err = { 0 };
	struct sbuf text;
	int db_rc = ERR_DB_DOWN, rc;

	if (a == NULL)
		return err_set(e, ERR_NOMEM, "metrics textfile: out of memory");
	if (db != NULL)
		db_rc = poll_metrics_collect(db, run->run_id, run->trace_id, a, &m, &db_err);
	else
		err_set(&db_err, ERR_DB_DOWN, "no database connection");
	if (db_rc != 0)
		m.have_db = false;
	/* No finished run on record (or no database): keep what the file said. */
	if (!isfinite(m.last_success)) {
		char *old = NULL;

		if (textfile_read(dir, POLL_METRICS_FILE, &old, NULL, NULL) == 0)
			m.last_success = poll_metrics_previous_success(old);
		free(old);
	}
	sbuf_init(&text, NULL, TEXTFILE_MAX_BYTES);
	rc = poll_metrics_render(&m, &text);
	if (rc != 0)
		err_set(e, rc, "metrics textfile %s/%s: the text exceeds %zu bytes or memory", dir,
			POLL_METRICS_FILE, TEXTFILE_MAX_BYTES);
	else if ((rc = textfile_write(dir, POLL_METRICS_FILE, text.data, text.len, &file_err)) != 0)
		err_set(e, rc, "metrics textfile not written (the previous one stays): %s",
			file_err.msg);
	else if (db_rc != 0)
		rc = err_set(e, db_rc, "metrics textfile %s/%s written without the database's "
				       "metrics: %s", dir, POLL_METRICS_FILE, db_err.msg);
	sbuf_release(&text);
	arena_free(a);
	return rc;
}

int poll_metrics_after_run(struct db *db, const char *dir, const struct poll_all_result *res,
			   bool ok, const char *trace_id, struct err *e)
{
	struct poll_metrics_run run = { .ok = ok, .trace_id = trace_id };

	if (res != NULL) {
		run.run_id = res->run_id;
		run.summary = res->run_id != 0 ? &res->sum : NULL;
		run.duration_seconds = (double)res->duration_ms / 1000;
	}
	return poll_metrics_write(res != NULL ? db : NULL, dir, &run, e);
}
