/*
 * infrascope-poll — poll printers.
 *
 *   --probe ADDRESS[:PORT] [--community C] [--kind laser_printer|label_printer] [--v1] [--json]
 *       Read one device and print what InfraScope makes of it; the database is not touched
 *       (for operators debugging a printer, and for tests).
 *   --device ID [--device ID ...]
 *       Poll stored printers now and record the results (lib/printer_check.h), exactly as the
 *       API's "poll now" does.
 *   --all [--store CODE] [--kind KIND]
 *       The scheduled poll-all (cron): one at a time (a PostgreSQL advisory lock), batches
 *       recorded in one transaction each, open circuits skipped, a summary at the end and
 *       progress on a terminal; then the node_exporter textfile
 *       METRICS_TEXTFILE_DIR/infrascope_poll.prom (lib/poll_metrics.h), also after a failure.
 *
 * Exit codes: 0 done; 64 usage; 65 the device answered but not as a printer (or nonsense);
 * 69 the device (or PostgreSQL) did not answer; 70 internal error; 75 another poll-all is
 * running; 78 bad configuration.
 */
#include "arena.h"
#include "batch.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "printer_json.h"
#include "printer_poll.h"
#include "printer_reading.h"
#include "poll_all.h"
#include "poll_metrics.h"
#include "printer_check.h"
#include "sbuf.h"
#include "trace.h"
#include "version.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EX_OK = 0, EX_USAGE = 64, EX_DATAERR = 65, EX_UNAVAILABLE = 69, EX_SOFTWARE = 70,
       EX_TEMPFAIL = 75, EX_CONFIG = 78 };

#define MAX_DEVICES 1024

static void usage(FILE *out)
{
	fprintf(out,
		"usage: infrascope-poll --probe ADDRESS[:PORT] [--community C]\n"
		"                       [--kind laser_printer|label_printer] [--v1] [--json]\n"
		"       infrascope-poll --device ID [--device ID ...]\n"
		"       infrascope-poll --all [--store CODE] [--kind laser_printer|label_printer]\n"
		"                       [--timings]\n"
		"       infrascope-poll --help | --help-config | --version\n"
		"  --probe   read one device over SNMP (label printers: TCP 9100 too) and print the\n"
		"            reading; nothing is stored. PORT defaults to 161, C to \"public\".\n"
		"  --device  poll stored printers by id and record the results.\n"
		"  --all     poll every stored printer (of one store, of one kind); one at a time:\n"
		"            a second start exits with 75. POLL_CONCURRENCY, POLL_JITTER_MAX_MS.\n"
		"            Writes METRICS_TEXTFILE_DIR/infrascope_poll.prom (node_exporter).\n"
		"  --timings with --all: also print on stderr the time spent polling and writing\n"
		"            the results to PostgreSQL (poll-all timings: total_ms= poll_ms= ...).\n"
		"  SNMP_TIMEOUT_MS and SNMP_RETRIES bound each request (see --help-config).\n");
}

/* "a.b.c.d[:port]" → host (copied into host[64]) and port. */
static int parse_target(const char *s, char host[64], unsigned *port)
{
	const char *colon = strrchr(s, ':');
	size_t n = colon != NULL ? (size_t)(colon - s) : strlen(s);

	if (n == 0 || n >= 64)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	*port = 161;
	if (colon != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || *end != '\0' || v < 1 || v > 65535)
			return -1;
		*port = (unsigned)v;
	}
	return 0;
}

static void print_percent(double v)
{
	if (isnan(v))
		printf("%8s", "-");
	else
		printf("%7.1f%%", v);
}

static void print_table(const struct printer_target *t)
{
	const struct printer_reading *r = t->reading;

	printf("%s  up=%s  %.1f ms", t->address, t->up ? "yes" : "no", t->latency_ms);
	if (t->mode == PRINTER_LABEL_IP)
		printf("  tcp/%d=%s", PRINTER_RAW_PORT, tcp_result_name(t->raw_port));
	printf("\n");
	if (r == NULL)
		return;
	printf("model    %s\nvendor   %s\nserial   %s\nfirmware %s\nmac      %s\n",
	       r->model[0] ? r->model : "-", r->vendor ? r->vendor : "-",
	       r->serial[0] ? r->serial : "-", r->firmware[0] ? r->firmware : "-",
	       r->mac[0] ? r->mac : "-");
	printf("status   device=%s printer=%s severity=%s",
	       printer_device_status_name(r->status.device) ? printer_device_status_name(r->status.device) : "-",
	       printer_printer_status_name(r->status.printer) ? printer_printer_status_name(r->status.printer) : "-",
	       printer_severity_name(r->status.severity));
	for (int b = 0; b < PRINTER_ERR_BIT_COUNT; b++)
		if (r->status.errors & (1u << b))
			printf(" %s", printer_error_name((enum printer_error_bit)b));
	printf("\n");
	if (r->page_count >= 0)
		printf("pages    %lld\n", (long long)r->page_count);
	if (r->n_supplies == 0)
		return;
	printf("\n%5s  %-40s %-16s %-10s %8s %8s %-14s %8s  %s\n", "index", "description", "type",
	       "class", "max", "level", "state", "percent", "colour");
	for (size_t i = 0; i < r->n_supplies; i++) {
		const struct printer_supply *s = &r->supplies[i];
		const char *type = printer_supply_type_name(s->type);

		printf("%5u  %-40.40s %-16s %-10s ", s->index, s->description, type ? type : "?",
		       printer_class_name(s->class));
		s->has_max ? printf("%8lld ", (long long)s->max) : printf("%8s ", "-");
		s->has_level ? printf("%8lld ", (long long)s->level) : printf("%8s ", "-");
		printf("%-14s ", printer_level_state_name(s->state));
		print_percent(s->percent);
		printf("  %s", s->colour ? s->colour : "-");
		if (s->is_receptacle && !isnan(s->fullness))
			printf("  (%.1f%% full)", s->fullness);
		printf("\n");
	}
	printf("\n");
	for (int c = 0; c < PRINTER_COLOUR_COUNT; c++) {
		const struct printer_colour_summary *cs = &r->colours[c];

		if (!cs->present)
			continue;
		printf("%-8s ", printer_colour_name((enum printer_colour)c));
		print_percent(cs->percent);
		printf("  %s\n", cs->name);
	}
}

/* A stable name for what went wrong, for scripts. */
static const char *error_code(const struct printer_target *t)
{
	switch (t->snmp) {
	case SNMP_OK: return t->up ? "not_a_printer" : "unreachable";
	case SNMP_TIMEOUT: return "unreachable";
	case SNMP_ERROR_STATUS: return "snmp_error";
	case SNMP_BAD_ANSWER: return "bad_answer";
	case SNMP_LOCAL_ERROR: return "local_error";
	}
	return "unknown";
}

static int print_json(const struct printer_target *t, const char *kind)
{
	json_object *o = t->reading != NULL ? printer_reading_to_json(t->reading)
					    : json_object_new_object();
	struct sbuf b;
	int rc;

	if (o == NULL)
		return ERR_NOMEM;
	json_object_object_add(o, "address", json_object_new_string(t->address));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "up", json_object_new_boolean(t->up));
	json_object_object_add(o, "latency_ms", json_number(round(t->latency_ms * 1000) / 1000));
	if (t->mode == PRINTER_LABEL_IP)
		json_object_object_add(o, "port_9100",
				       json_object_new_string(tcp_result_name(t->raw_port)));
	if (t->error.code != ERR_OK) {
		json_object *err = json_object_new_object();

		json_object_object_add(err, "code", json_object_new_string(error_code(t)));
		json_object_object_add(err, "message", json_object_new_string(t->error.msg));
		json_object_object_add(o, "error", err);
	}
	sbuf_init(&b, NULL, 4u << 20);
	rc = json_render(o, &b);
	if (rc == 0)
		printf("%.*s\n", (int)b.len, b.data);
	sbuf_release(&b);
	json_object_put(o);
	return rc;
}

static int probe(const struct config *cfg, const char *target, const char *community,
		 const char *kind, bool v1, bool json)
{
	struct snmp_options o = snmp_options_default();
	struct printer_target t = { 0 };
	struct arena *a = arena_new(64 * 1024, 64u << 20);
	char host[64];
	struct err e = { 0 };
	int code;

	if (a == NULL)
		return EX_SOFTWARE;
	if (parse_target(target, host, &t.snmp_port) != 0) {
		fprintf(stderr, "infrascope-poll: --probe %s: expected ADDRESS[:PORT] (port 1-65535)\n",
			target);
		arena_free(a);
		return EX_USAGE;
	}
	o.timeout_ms = cfg->snmp_timeout_ms;
	o.retries = cfg->snmp_retries;
	t.mode = strcmp(kind, "label_printer") == 0 ? PRINTER_LABEL_IP : PRINTER_LASER;
	t.address = host;
	t.community = community;
	t.v1_only = v1;
	if (printer_poll_run(&t, 1, &o, a, &e) != 0) {
		fprintf(stderr, "infrascope-poll: %s\n", e.msg);
		arena_free(a);
		return EX_SOFTWARE;
	}
	if (json ? print_json(&t, kind) != 0 : (print_table(&t), 0))
		code = EX_SOFTWARE;
	else if (t.error.code == ERR_OK)
		code = EX_OK;
	else
		code = t.error.code == ERR_INVALID ? EX_DATAERR : EX_UNAVAILABLE;
	if (t.error.code != ERR_OK)
		fprintf(stderr, "infrascope-poll: %s\n", t.error.msg);
	arena_free(a);
	return code;
}

static int poll_devices(const struct config *cfg, const int64_t *ids, size_t n)
{
	struct printer_check_summary sum = { 0 };
	struct err e = { 0 };
	struct db *db = db_new(cfg, "infrascope-poll");
	int rc = db != NULL ? db_connect(db, &e) : err_set(&e, ERR_NOMEM, "out of memory");

	if (rc == 0)
		rc = printer_check_ids(db, cfg, ids, n, NULL, &sum, &e);
	db_free(db);
	if (rc != 0) {
		fprintf(stderr, "infrascope-poll: %s\n", e.msg);
		log_msg(LOG_LEVEL_ERROR, "poll_failed", NULL, "%s", e.msg);
		return rc == ERR_DB_DOWN ? EX_UNAVAILABLE : rc == ERR_NOTFOUND ? EX_USAGE : EX_SOFTWARE;
	}
	printf("polled %zu: %zu up, %zu down, %zu errors, %zu moved, %zu mac mismatches\n",
	       sum.polled, sum.up, sum.down, sum.errors, sum.moved, sum.mismatched);
	return EX_OK;
}

static void show_progress(void *arg, size_t done, size_t total)
{
	(void)arg;
	fprintf(stderr, "\rpoll-all: %zu/%zu devices", done, total);
	fflush(stderr);
}

static void print_summary(const struct printer_check_summary *s, size_t devices, double ms)
{
	printf("poll-all: %zu devices, polled %zu: %zu online, %zu offline, %zu errors, %zu skipped "
	       "by circuit, %zu moved, %zu MAC mismatches; %.1f s\n",
	       devices, s->polled, s->up, s->down, s->errors, s->skipped, s->moved, s->mismatched,
	       ms / 1000);
}

/* --timings: where the run's time went, on stderr (bench/poll reads it). */
static void print_timings(const struct printer_check_summary *s, double ms)
{
	fprintf(stderr, "poll-all timings: total_ms=%.1f poll_ms=%.1f record_ms=%.1f other_ms=%.1f\n",
		ms, s->poll_ms, s->record_ms, ms - s->poll_ms - s->record_ms);
}

/*
 * The node_exporter textfile (lib/poll_metrics.h) after every run that got the lock, also a
 * failed one (res NULL: it never reached the database). Not writing it is a warning, never a
 * failed poll.
 */
static void write_metrics(const struct config *cfg, struct db *db,
			  const struct poll_all_result *res, bool ok, const char *trace_id)
{
	struct err e = { 0 };

	if (poll_metrics_after_run(db, cfg->metrics_textfile_dir, res, ok, trace_id, &e) != 0) {
		fprintf(stderr, "infrascope-poll: warning: %s\n", e.msg);
		log_msg(LOG_LEVEL_WARN, "metrics_textfile_failed", trace_id, "%s", e.msg);
	}
}

/* The run itself (lock, poll_runs row, batches, summary) is lib/poll_all's, shared with the
 * "poll all" tasks of batch/infrascope-task. */
static int poll_all(const struct config *cfg, const char *store, const char *kind, bool timings)
{
	struct printer_check_scope scope = { .store_code = store, .kind = kind };
	struct poll_all_result res;
	struct err e = { 0 };
	struct db *db = db_new(cfg, "infrascope-poll");
	char trace_id[TRACE_ID_LEN + 1];
	bool tty = isatty(2);
	struct poll_all_options o = { .trace_id = trace_id, .wait_seconds = 0,
				      .progress = tty ? show_progress : NULL };
	int rc = db != NULL ? db_connect(db, &e) : err_set(&e, ERR_NOMEM, "out of memory");
	int code = EX_OK;
	bool ran = false;

	trace_new_id(trace_id, TRACE_ID_LEN);
	if (rc != 0) {
		log_msg(LOG_LEVEL_ERROR, "poll_all_failed", trace_id, "%s", e.msg);
	} else {
		rc = poll_all_run(db, cfg, &scope, &o, &res, &e);
		ran = true;
		if (rc == ERR_CONFLICT) {
			fprintf(stderr, "infrascope-poll: %s\n", e.msg);
			db_free(db);
			return EX_TEMPFAIL;
		}
		if (tty)
			fprintf(stderr, "\n");
	}
	if (rc != 0) {
		fprintf(stderr, "infrascope-poll: poll-all failed: %s\n", e.msg);
		code = rc == ERR_DB_DOWN ? EX_UNAVAILABLE : EX_SOFTWARE;
	} else {
		print_summary(&res.sum, res.sum.devices, (double)res.duration_ms);
		if (timings)
			print_timings(&res.sum, (double)res.duration_ms);
		if (res.record.code != ERR_OK)
			fprintf(stderr, "infrascope-poll: recording the run's summary failed: %s\n",
				res.record.msg);
	}
	write_metrics(cfg, db, ran ? &res : NULL, rc == 0, trace_id);
	db_free(db);
	return code;
}

int main(int argc, char **argv)
{
	const char *target = NULL, *community = "public", *kind = NULL;
	static int64_t ids[MAX_DEVICES];
	size_t nids = 0;
	bool json = false, v1 = false, all = false, timings = false;
	const char *store = NULL;
	struct config cfg;
	int code;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;

		if (batch_common_option("infrascope-poll", a, usage, &code)) {
			return code;
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (strcmp(a, "--v1") == 0) {
			v1 = true;
		} else if (strcmp(a, "--all") == 0) {
			all = true;
		} else if (strcmp(a, "--timings") == 0) {
			timings = true;
		} else if (next != NULL && strcmp(a, "--store") == 0) {
			store = argv[++i];
		} else if (next != NULL && strcmp(a, "--probe") == 0) {
			target = argv[++i];
		} else if (next != NULL && strcmp(a, "--community") == 0) {
			community = argv[++i];
		} else if (next != NULL && strcmp(a, "--kind") == 0) {
			kind = argv[++i];
		} else if (next != NULL && strcmp(a, "--device") == 0) {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(next, &end, 10);
			if (errno != 0 || *end != '\0' || end == next || v < 1) {
				fprintf(stderr, "infrascope-poll: --device %s: not a device id\n", next);
				return EX_USAGE;
			}
			if (nids == MAX_DEVICES) {
				fprintf(stderr, "infrascope-poll: at most %d --device\n", MAX_DEVICES);
				return EX_USAGE;
			}
			ids[nids++] = v;
			i++;
		} else {
			fprintf(stderr, "infrascope-poll: unknown option or missing value: %s\n", a);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if ((target != NULL) + (nids > 0) + all != 1) {
		fprintf(stderr, "infrascope-poll: give one of --probe ADDRESS, --device ID or --all\n");
		usage(stderr);
		return EX_USAGE;
	}
	if (store != NULL && !all) {
		fprintf(stderr, "infrascope-poll: --store goes with --all\n");
		return EX_USAGE;
	}
	if (timings && !all) {
		fprintf(stderr, "infrascope-poll: --timings goes with --all\n");
		return EX_USAGE;
	}

	if (kind != NULL && strcmp(kind, "laser_printer") != 0 &&
	    strcmp(kind, "label_printer") != 0) {
		fprintf(stderr, "infrascope-poll: --kind %s: expected laser_printer or label_printer\n",
			kind);
		return EX_USAGE;
	}
	if (strlen(community) == 0 || strlen(community) > 255) {
		fprintf(stderr, "infrascope-poll: --community: 1 to 255 characters\n");
		return EX_USAGE;
	}
	if ((code = batch_config("infrascope-poll", &cfg)) != 0)
		return code;
	batch_log("infrascope-poll", &cfg);
	if (target != NULL)
		code = probe(&cfg, target, community, kind != NULL ? kind : "laser_printer", v1, json);
	else if (all)
		code = poll_all(&cfg, store, kind, timings);
	else
		code = poll_devices(&cfg, ids, nids);
	config_free(&cfg);
	return code;
}
