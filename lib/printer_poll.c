#include "printer_poll.h"

#include "arena.h"
#include "printer_snmp.h"

#include <stdlib.h>
#include <string.h>

static bool wants_snmp(const struct printer_target *t)
{
	return t->mode != PRINTER_LABEL_USB;
}

/* Fill the SNMP side of t from its finished job: the reading in a, the varbind table in
 * scratch (the engine empties it once the job is taken). */
static void take_snmp(struct printer_target *t, const struct snmp_job *job, struct arena *a,
		      struct arena *scratch)
{
	struct printer_reading *r = arena_alloc(a, sizeof *r);

	if (r == NULL) {
		err_set(&t->error, ERR_NOMEM, "out of memory");
		return;
	}
	/* Any answer proves the device is there, also an SNMP error or a malformed one. */
	t->snmp = job->status;
	if (job->status == SNMP_OK || job->status == SNMP_ERROR_STATUS ||
	    job->status == SNMP_BAD_ANSWER) {
		t->up = true;
		t->latency_ms = job->elapsed_ms;
	}
	if (printer_snmp_reading(job, t->mode == PRINTER_LASER, scratch, r, &t->error) == 0) {
		t->has_reading = true;
		t->reading = r;
	}
}

/* Label printers: TCP decides up/down when SNMP did not; the TCP story becomes the error. */
static void take_tcp(struct printer_target *t, const struct tcp_probe *p, size_t np)
{
	if (t->mode == PRINTER_LABEL_IP) {
		t->raw_port = p[0].result;
		if (p[0].result == TCP_OPEN && !t->up) {
			t->up = true;
			t->latency_ms = p[0].elapsed_ms;
		}
		if (t->up && !t->has_reading && p[0].result == TCP_OPEN)
			err_clear(&t->error); /* SNMP is optional for label printers */
		if (!t->up)
			err_set(&t->error, ERR_IO, "%s: TCP %d %s and no SNMP answer", t->address,
				PRINTER_RAW_PORT, tcp_result_name(p[0].result));
		return;
	}
	t->host_port = TCP_UNREACHABLE;
	for (size_t i = 0; i < np; i++) {
		if (tcp_host_up(p[i].result) && !t->up) {
			t->up = true;
			t->latency_ms = p[i].elapsed_ms;
		}
		if (p[i].result < t->host_port)
			t->host_port = p[i].result;
	}
	if (t->up)
		err_clear(&t->error);
	else
		err_set(&t->error, ERR_IO, "host PC %s does not answer (TCP %s on its usual ports)",
			t->host_pc != NULL ? t->host_pc : "(none)", tcp_result_name(t->host_port));
}

/* Each SNMP job is read into its target as soon as it ends, so its varbinds never pile up:
 * a batch holds readings, not walks. */
struct take_ctx {
	struct printer_target *t;
	const struct snmp_job *jobs;
	const size_t *target_of;        /* job index → target index */
	struct arena *a;
};

static void job_done(struct snmp_job *job, struct arena *scratch, void *arg)
{
	struct take_ctx *c = arg;

	take_snmp(&c->t[c->target_of[job - c->jobs]], job, c->a, scratch);
}

int printer_poll_run(struct printer_target *t, size_t n, const struct snmp_options *o,
		     struct arena *a, struct err *e)
{
	static const unsigned host_ports[] = PRINTER_HOST_PORTS;
	struct snmp_job *jobs = calloc(n ? n : 1, sizeof *jobs);
	struct tcp_probe *probes = calloc(n ? n * PRINTER_HOST_NPORTS : 1, sizeof *probes);
	size_t *probe_of = calloc(n + 1, sizeof *probe_of);
	size_t *target_of = calloc(n ? n : 1, sizeof *target_of);
	size_t nj = 0, np = 0;
	struct snmp_options so = *o;
	struct take_ctx ctx = { .t = t, .jobs = jobs, .target_of = target_of, .a = a };
	int rc = 0;

	if (jobs == NULL || probes == NULL || probe_of == NULL || target_of == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct printer_target *ti = &t[i];

		ti->up = ti->has_reading = false;
		ti->reading = NULL;
		ti->latency_ms = 0;
		ti->raw_port = ti->host_port = TCP_UNREACHABLE;
		ti->snmp = SNMP_OK;
		err_clear(&ti->error);
		probe_of[i] = np;
		if (wants_snmp(ti)) {
			struct snmp_job *j = &jobs[nj];

			j->host = ti->address;
			j->port = ti->snmp_port;
			j->community = ti->community;
			j->v1_only = ti->v1_only;
			j->start_delay_ms = ti->jitter_ms;
			if ((rc = printer_snmp_request(j, a, e)) != 0)
				goto out;
			target_of[nj++] = i;
		}
		if (ti->mode == PRINTER_LABEL_IP)
			probes[np++] = (struct tcp_probe){ .host = ti->address, .port = PRINTER_RAW_PORT };
		else if (ti->mode == PRINTER_LABEL_USB)
			for (size_t k = 0; k < PRINTER_HOST_NPORTS; k++)
				probes[np++] = (struct tcp_probe){ .host = ti->host_pc,
								   .port = host_ports[k] };
	}
	probe_of[n] = np;
	so.job_done = job_done;
	so.job_done_arg = &ctx;
	if ((rc = snmp_run(&so, jobs, nj, a, e)) != 0)
		goto out;
	if (np > 0 && (rc = tcp_probe_run(probes, np, o->timeout_ms, o->concurrency, e)) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (t[i].mode != PRINTER_LASER)
			take_tcp(&t[i], probes + probe_of[i], probe_of[i + 1] - probe_of[i]);
	}
out:
	free(jobs);
	free(probes);
	free(probe_of);
	free(target_of);
	return rc;
}
