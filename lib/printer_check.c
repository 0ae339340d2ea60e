#include "printer_check.h"

#include "arena.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "json.h"
#include "mac.h"
#include "printer_poll.h"
#include "printer_reading.h"
#include "printer_record.h"
#include "rediscover.h"
#include "resilience.h"
#include "sbuf.h"
#include "secret.h"

#include <inttypes.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	struct resilience stored_res; /* the same as loaded, before the gate moves it */
	struct printer_stored stored; /* what printer_details says of the stored reading */
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
	"       coalesce(extract(epoch FROM ps.updated_at)::bigint, 0), "
	"       p.details_fingerprint, p.supplies_fingerprint, "
	"       p.sampled_at IS NULL OR p.sampled_at <= now() - interval '1 hour', "
	"       p.foreign_mac IS NOT NULL "
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
		bool strict, struct device_row **out, size_t *nout, struct arena *a, struct err *e)
{
	const char *params[1] = { id_array(ids, n, a) };
	struct secret_key key;
	PGresult *res = NULL;
	struct device_row *rows;
	bool nomem = false;
	int rc, nr;

	if (params[0] == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = db_exec(db, load_sql, 1, params, &res, e)) != 0)
		return rc;
	nr = PQntuples(res);
	if (strict && (size_t)nr != n) {
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

		d->id = db_get_int64(res, i, 0, 0);
		d->kind = db_text(a, res, i, 1, &nomem);
		d->address = db_text_or_null(a, res, i, 2, &nomem);
		d->snmp_port = (unsigned)db_get_int64(res, i, 3, 161);
		d->v1_only = strcmp(db_get(res, i, 4), "1") == 0;
		open_community(d, db_get(res, i, 5), &key);
		mac_normalize(db_get(res, i, 6), d->mac);
		d->mac_status = db_text(a, res, i, 7, &nomem);
		d->state = db_text(a, res, i, 8, &nomem);
		d->store_id = db_get_int64(res, i, 9, 0);
		d->connection = db_text(a, res, i, 10, &nomem);
		d->host_pc = db_text_or_null(a, res, i, 11, &nomem);
		d->subnets = db_text(a, res, i, 12, &nomem);
		if (nomem) {
			PQclear(res);
			memset(&key, 0, sizeof key);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		if (!device_state_parse(d->state, &d->res.state))
			d->res.state = DEVICE_UNKNOWN;
		d->res.failures = (int)db_get_int64(res, i, 13, 0);
		if (!circuit_state_parse(db_get(res, i, 14), &d->res.circuit))
			d->res.circuit = CIRCUIT_CLOSED;
		d->res.opened_at = db_get_int64(res, i, 15, 0);
		d->res.updated_at = db_get_int64(res, i, 16, 0);
		d->stored_res = d->res;
		d->stored.has_fingerprints = db_get(res, i, 17) != NULL && db_get(res, i, 18) != NULL;
		d->stored.details_fingerprint = db_get_int64(res, i, 17, 0);
		d->stored.supplies_fingerprint = db_get_int64(res, i, 18, 0);
		d->stored.sample_due = db_get_bool(res, i, 19, true);
		d->stored.foreign_mac = db_get_bool(res, i, 20, false);
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
	unsigned *jitter_seed;          /* poll-all: spread first requests; NULL = none */
	double started_ms;              /* poll-all: when the run started (monotonic ms) */
};

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

/* What one polled device comes to: its record, and what the summary counts. */
struct decision {
	struct printer_record rec;
	struct printer_target moved;    /* the poll at the rediscovered address */
	enum resilience_event events[RESILIENCE_MAX_EVENTS];
	bool ok, moved_ok, mismatch;
};

static int move_in_tx(struct check_ctx *c, const struct device_row *d, const char *to,
		      bool *moved, struct err *e)
{
	int rc;

	if ((rc = db_begin(c->db, e)) != 0)
		return rc;
	if ((rc = record_move(c->db, d, to, c->trace_id, moved, c->a, e)) != 0) {
		db_rollback(c->db);
		return rc;
	}
	return db_commit(c->db, e);
}

/*
 * Decide what a poll means for its device: the MAC verdict (with a rediscovery and a move
 * when another device answers), success or failure for the state machine, and the record.
 * Only a move touches the database here (its own small transaction: it is rare).
 */
static int decide(struct check_ctx *c, const struct device_row *d, const struct printer_target *t,
		  struct decision *x, struct err *e)
{
	const struct printer_target *used = t;
	const char *found = NULL;
	struct printer_record *r = &x->rec;
	int rc;

	memset(x, 0, sizeof *x);
	x->mismatch = t->has_reading && mac_verify(d->mac, t->reading->mac) == MAC_MISMATCH;
	if (x->mismatch && rediscover(c, d, &x->moved, &found)) {
		bool moved = false;

		if ((rc = move_in_tx(c, d, found, &moved, e)) != 0)
			return rc;
		if (moved) {
			used = &x->moved;
			x->moved_ok = true;
		}
	}
	x->ok = poll_succeeded(d, used);
	r->res = d->res;
	r->was = d->stored_res;
	r->stored = d->stored;
	memcpy(x->events, d->gate_events, d->ngate_events * sizeof *x->events);
	r->nevents = d->ngate_events;
	resilience_apply(&r->res, c->rcfg, x->ok, c->now, x->events, &r->nevents);
	r->events = x->events;
	r->device_id = d->id;
	r->store_id = d->store_id;
	r->kind = d->kind;
	r->address = x->moved_ok ? used->address : d->address;
	r->t = used;
	if (x->ok) {
		r->what = RECORD_UP;
		r->adopt_mac = used->has_reading &&
			       mac_verify(d->mac, used->reading->mac) != MAC_NOTHING_SEEN;
	} else if (used->has_reading && mac_verify(d->mac, used->reading->mac) == MAC_MISMATCH) {
		r->what = RECORD_MISMATCH;
		r->seen_mac = used->reading->mac;
		r->expected_mac = d->mac;
		r->mismatch_event = strcmp(d->mac_status, "mismatch") != 0;
		r->why = arena_printf(c->a,
				      "another device (MAC %s) answers at %s; the printer (MAC %s) "
				      "was not found in its store's subnets",
				      r->seen_mac, d->address, d->mac);
	} else {
		r->what = RECORD_DOWN;
		r->why = used->error.code != ERR_OK ? used->error.msg : "no answer";
	}
	return 0;
}

/* Record a batch in one transaction; when the database refuses it (bad data, not a lost
 * server), record the devices one by one so one bad device costs only itself. */
static int record_all(struct check_ctx *c, const struct printer_record *r, size_t n,
		      bool *failed, struct err *e)
{
	int rc;

	for (size_t i = 0; i < n; i++)
		failed[i] = false;
	if ((rc = db_begin(c->db, e)) == 0 &&
	    (rc = printer_record_batch(c->db, r, n, c->trace_id, c->a, e)) == 0 &&
	    (rc = db_commit(c->db, e)) == 0)
		return 0;
	db_rollback(c->db);
	if (rc == ERR_DB_DOWN || rc == ERR_NOMEM || n == 1) {
		failed[0] = n == 1;
		return rc == ERR_DB_DOWN || rc == ERR_NOMEM ? rc : 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct err one;

		if ((rc = db_begin(c->db, &one)) == 0 &&
		    (rc = printer_record_batch(c->db, &r[i], 1, c->trace_id, c->a, &one)) == 0 &&
		    (rc = db_commit(c->db, &one)) == 0)
			continue;
		db_rollback(c->db);
		if (rc == ERR_DB_DOWN || rc == ERR_NOMEM) {
			*e = one;
			return rc;
		}
		failed[i] = true;
	}
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

static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Random 0..max ms from a cheap generator seeded per run; jitter needs no crypto. */
static unsigned jitter(unsigned *seed, int max)
{
	*seed = *seed * 1103515245u + 12345u;
	return max > 0 ? (*seed >> 8) % (unsigned)(max + 1) : 0;
}

/* A batch polled and decided, waiting to be recorded (everything in its arena a). */
struct polled_batch {
	struct arena *a;
	struct printer_record *recs;
	struct decision *x;
	bool *failed;
	size_t n;
};

/*
 * Gate, poll and decide a batch of loaded rows. honour_circuit: an open circuit skips the
 * device (poll-all); otherwise the poll is the half-open probe (asked for by id).
 */
static int check_poll(struct check_ctx *c, struct device_row *rows, size_t n,
		      bool honour_circuit, struct polled_batch *b, struct err *e)
{
	struct printer_target *t = arena_zalloc(c->a, n * sizeof *t + 1);
	struct device_row *live = arena_zalloc(c->a, n * sizeof *live + 1);
	size_t nlive = 0;
	double t0;
	int rc;

	b->a = c->a;
	b->x = arena_zalloc(c->a, n * sizeof *b->x + 1);
	b->recs = arena_zalloc(c->a, n * sizeof *b->recs + 1);
	b->failed = arena_zalloc(c->a, n * sizeof *b->failed + 1);
	b->n = 0;
	if (t == NULL || b->x == NULL || b->recs == NULL || live == NULL || b->failed == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct device_row *d = &rows[i];

		if (resilience_gate(&d->res, c->rcfg, c->now, d->gate_events, &d->ngate_events) ==
			    GATE_SKIP && honour_circuit) {
			c->sum->skipped++;
			continue;
		}
		live[nlive++] = *d;
	}
	for (size_t i = 0; i < nlive; i++) {
		target_for(&live[i], &t[i]);
		/* Each device's first request waits a random 0..POLL_JITTER_MAX_MS from the run's
		 * start: later batches are already spread by the batches before them. */
		if (c->jitter_seed != NULL) {
			double late = monotonic_ms() - c->started_ms;
			unsigned j = jitter(c->jitter_seed, c->cfg->poll_jitter_max_ms);

			t[i].jitter_ms = j > late ? (unsigned)(j - late) : 0;
		}
	}
	t0 = monotonic_ms();
	rc = poll_loadable(live, t, nlive, c->opt, c->a, e);
	c->sum->poll_ms += monotonic_ms() - t0;
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < nlive; i++) {
		if ((rc = decide(c, &live[i], &t[i], &b->x[i], e)) != 0)
			return rc;
		b->recs[i] = b->x[i].rec;
	}
	b->n = nlive;
	return 0;
}

/* Record a polled batch (with c's database connection) and count it in the summary. */
static int check_record(struct check_ctx *c, const struct polled_batch *b, struct err *e)
{
	double t0 = monotonic_ms();
	int rc;

	c->a = b->a;
	rc = record_all(c, b->recs, b->n, b->failed, e);
	c->sum->record_ms += monotonic_ms() - t0;
	if (rc != 0)
		return err_set(e, rc, "recording the polls failed: %s", e->msg);
	for (size_t i = 0; i < b->n; i++) {
		const struct decision *x = &b->x[i];

		if (b->failed[i]) {
			c->sum->errors++;
			continue;
		}
		c->sum->polled++;
		c->sum->moved += x->moved_ok;
		c->sum->mismatched += x->mismatch && !x->moved_ok;
		c->sum->answered += x->ok;
		/* Counted by the state shown: pending_offline is still online. */
		if (b->recs[i].res.state == DEVICE_OFFLINE)
			c->sum->down++;
		else
			c->sum->up++;
		if (b->recs[i].t->error.code != ERR_OK)
			c->sum->errors++;
	}
	return 0;
}

/* One round over loaded rows in this thread: poll, decide, record. */
static int check_rows(struct check_ctx *c, struct device_row *rows, size_t n,
		      bool honour_circuit, struct err *e)
{
	struct polled_batch b;
	int rc = check_poll(c, rows, n, honour_circuit, &b, e);

	return rc != 0 ? rc : check_record(c, &b, e);
}

/*
 * The recorder of a poll-all: a thread with its own database connection that records batch
 * k while the caller polls batch k+1 (polling waits on the network, recording on PostgreSQL:
 * side by side a run takes about the longer of the two, not their sum). One batch at a time.
 */
struct recorder {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct check_ctx c;             /* its own db; the summary is shared (other fields) */
	const struct polled_batch *work; /* NULL = idle */
	bool quit;
	int rc;                         /* the first failure; later batches are not recorded */
	struct err e;
};

static void *recorder_main(void *arg)
{
	struct recorder *r = arg;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		const struct polled_batch *b;

		while (r->work == NULL && !r->quit)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->work == NULL)
			break;
		b = r->work;
		pthread_mutex_unlock(&r->mu);
		if (r->rc == 0)
			r->rc = check_record(&r->c, b, &r->e);
		pthread_mutex_lock(&r->mu);
		r->work = NULL;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Wait until the recorder is idle; its first failure (copied into e), or 0. */
static int recorder_idle(struct recorder *r, struct err *e)
{
	int rc;

	pthread_mutex_lock(&r->mu);
	while (r->work != NULL)
		pthread_cond_wait(&r->cv, &r->mu);
	rc = r->rc;
	if (rc != 0)
		*e = r->e;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

static void recorder_give(struct recorder *r, const struct polled_batch *b)
{
	pthread_mutex_lock(&r->mu);
	r->work = b;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static int recorder_start(struct recorder *r, const struct check_ctx *c, struct err *e)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->c = *c;
	if ((r->c.db = db_new(c->cfg, "infrascope-poll")) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = db_connect(r->c.db, e)) != 0) {
		db_free(r->c.db);
		return rc;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->thread, NULL, recorder_main, r) != 0) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		db_free(r->c.db);
		return err_set(e, ERR_INTERNAL, "cannot start the recording thread");
	}
	return 0;
}

static void recorder_stop(struct recorder *r)
{
	pthread_mutex_lock(&r->mu);
	r->quit = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	db_free(r->c.db);
}

static struct resilience_config resilience_config_of(const struct config *cfg)
{
	struct resilience_config r = {
		.offline_confirmations = cfg->poll_offline_confirmations,
		.failure_threshold = cfg->poll_circuit_failure_threshold,
		.open_seconds = cfg->poll_circuit_open_seconds,
		.state_ttl_seconds = cfg->poll_resilience_state_ttl_seconds,
	};

	return r;
}

static struct snmp_options snmp_options_of(const struct config *cfg)
{
	struct snmp_options o = snmp_options_default();

	o.timeout_ms = cfg->snmp_timeout_ms;
	o.retries = cfg->snmp_retries;
	o.concurrency = cfg->poll_concurrency;
	return o;
}

int printer_check_ids(struct db *db, const struct config *cfg, const int64_t *ids, size_t n,
		      const char *trace_id, struct printer_check_summary *out, struct err *e)
{
	struct snmp_options opt = snmp_options_of(cfg);
	struct resilience_config rcfg = resilience_config_of(cfg);
	struct check_ctx c = { .db = db, .cfg = cfg, .rcfg = &rcfg, .now = (int64_t)time(NULL),
			       .opt = &opt, .trace_id = trace_id, .sum = out };
	struct device_row *rows = NULL;
	size_t nrows = 0;
	int rc;

	memset(out, 0, sizeof *out);
	out->devices = n;
	if (n == 0)
		return 0;
	if ((c.a = arena_new(256 * 1024, 512u << 20)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = load(db, cfg, ids, n, true, &rows, &nrows, c.a, e)) == 0)
		rc = check_rows(&c, rows, nrows, false, e);
	arena_free(c.a);
	return rc;
}

static const char scope_sql[] =
	"SELECT d.id FROM devices d LEFT JOIN stores s ON s.id = d.store_id "
	"WHERE d.kind IN ('laser_printer', 'label_printer') "
	"AND ($1::text IS NULL OR search_fold(s.code) = search_fold($1)) "
	"AND ($2::text IS NULL OR d.kind = $2) ORDER BY d.id";

static int scope_ids(struct db *db, const struct printer_check_scope *scope, int64_t **ids,
		     size_t *n, struct err *e)
{
	const char *p[2] = { scope != NULL ? scope->store_code : NULL,
			     scope != NULL ? scope->kind : NULL };
	PGresult *res = NULL;
	int rc = db_exec(db, scope_sql, 2, p, &res, e);

	if (rc != 0)
		return rc;
	*n = (size_t)PQntuples(res);
	*ids = malloc(*n * sizeof **ids + 1);
	if (*ids == NULL) {
		PQclear(res);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < *n; i++)
		(*ids)[i] = db_get_int64(res, (int)i, 0, 0);
	PQclear(res);
	return 0;
}

int printer_check_all(struct db *db, const struct config *cfg,
		      const struct printer_check_scope *scope, printer_check_progress_fn progress,
		      void *progress_arg, const char *trace_id, struct printer_check_summary *out,
		      struct err *e)
{
	struct snmp_options opt = snmp_options_of(cfg);
	struct resilience_config rcfg = resilience_config_of(cfg);
	struct check_ctx c = { .db = db, .cfg = cfg, .rcfg = &rcfg, .opt = &opt,
			       .trace_id = trace_id, .sum = out, .started_ms = monotonic_ms() };
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	struct arena *arenas[2] = { NULL, NULL };
	struct polled_batch batches[2];
	struct recorder rec;
	int64_t *ids = NULL;
	size_t n = 0, batch = (size_t)cfg->poll_batch_size, given = 0;
	int rc, rrc;

	memset(out, 0, sizeof *out);
	if ((rc = scope_ids(db, scope, &ids, &n, e)) != 0)
		return rc;
	out->devices = n;
	if (progress != NULL)
		progress(progress_arg, 0, n);
	arenas[0] = arena_new(1024 * 1024, 1024u << 20);
	arenas[1] = arena_new(1024 * 1024, 1024u << 20);
	if (arenas[0] == NULL || arenas[1] == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto free;
	}
	if ((rc = recorder_start(&rec, &c, e)) != 0)
		goto free;
	/* Batch i is polled into arenas[i % 2] while batch i - 1 is being recorded. */
	for (size_t at = 0, i = 0; rc == 0 && at < n; at += batch, i++) {
		size_t k = n - at < batch ? n - at : batch, nrows = 0;
		struct device_row *rows = NULL;

		c.a = arenas[i % 2];
		arena_reset(c.a);
		c.now = (int64_t)time(NULL);
		c.jitter_seed = &seed;
		/* A device deleted since the list was read is simply not there any more. */
		rc = load(db, cfg, ids + at, k, false, &rows, &nrows, c.a, e);
		if (rc == 0)
			rc = check_poll(&c, rows, nrows, true, &batches[i % 2], e);
		if (rc != 0)
			break;
		if ((rc = recorder_idle(&rec, e)) != 0)
			break;
		if (progress != NULL && given > 0)
			progress(progress_arg, given, n);
		recorder_give(&rec, &batches[i % 2]);
		given = at + k;
	}
	rrc = recorder_idle(&rec, rc == 0 ? e : &(struct err){ 0 });
	if (rc == 0)
		rc = rrc;
	recorder_stop(&rec);
	if (rc == 0 && progress != NULL)
		progress(progress_arg, n, n);
free:
	arena_free(arenas[0]);
	arena_free(arenas[1]);
	free(ids);
	return rc;
}
