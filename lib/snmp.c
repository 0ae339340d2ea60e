#include "snmp.h"

#include "arena.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum phase { PHASE_GET, PHASE_WALK, PHASE_DONE };

/* One job in flight: its session, where it is in its plan, and what it gathered. */
struct job_state {
	struct snmp_job *job;
	void *sess;
	int version;                      /* 2 = v2c, 1 = v1 */
	enum phase phase;
	size_t get_next;                  /* first OID of the chunk being asked */
	bool skip[SNMP_MAX_GETS];         /* v1: OIDs the agent said it has no such name for */
	size_t chunk_end;                 /* one past the chunk's last OID */
	size_t chunk_size;                /* OIDs per GET; halved when the agent says tooBig */
	int reps;                         /* GETBULK max-repetitions; halved likewise */
	size_t walk;                      /* the subtree being walked */
	struct snmp_oid walk_pos;         /* the last OID received in it */
	bool answered;                    /* any answer at all (no v1 fallback after that) */
	bool reopen_v1;                   /* set in the callback, done by the loop */
	size_t cap;
	struct arena *arena;
	struct timespec started;
	const struct snmp_options *opt;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_library(void)
{
	/* No MIB files, configuration files or persistent state: numeric OIDs only. */
	setenv("MIBS", "", 0);
	setenv("MIBDIRS", "", 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_QUICK_PRINT, 1);
	snmp_disable_log();
	init_snmp("infrascope");
}

void snmp_init(void)
{
	pthread_once(&init_once, init_library);
}

struct snmp_options snmp_options_default(void)
{
	struct snmp_options o = { .concurrency = 256, .timeout_ms = 1000, .retries = 1,
				  .bulk_repetitions = 20, .v1_fallback = true };

	return o;
}

const char *snmp_status_name(enum snmp_status s)
{
	switch (s) {
	case SNMP_OK: return "ok";
	case SNMP_TIMEOUT: return "timeout";
	case SNMP_ERROR_STATUS: return "error_status";
	case SNMP_BAD_ANSWER: return "bad_answer";
	case SNMP_LOCAL_ERROR: return "local_error";
	}
	return "unknown";
}

static double ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

static void finish(struct job_state *js, enum snmp_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finish(struct job_state *js, enum snmp_status st, const char *fmt, ...)
{
	if (js->phase == PHASE_DONE)
		return;
	js->phase = PHASE_DONE;
	js->job->status = st;
	js->job->version = js->version;
	js->job->elapsed_ms = ms_since(&js->started);
	if (fmt != NULL) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(js->job->message, sizeof js->job->message, fmt, ap);
		va_end(ap);
	}
}

/* ---- varbinds ---- */

static void oid_from_netsnmp(const oid *name, size_t len, struct snmp_oid *out)
{
	out->len = len < SNMP_OID_MAX_LEN ? len : SNMP_OID_MAX_LEN;
	for (size_t i = 0; i < out->len; i++)
		out->sub[i] = (uint32_t)name[i];
}

static size_t oid_to_netsnmp(const struct snmp_oid *in, oid *out)
{
	for (size_t i = 0; i < in->len; i++)
		out[i] = in->sub[i];
	return in->len;
}

/* Copy one answer into the job's results. false when the row bound or the arena is hit. */
static bool store(struct job_state *js, const netsnmp_variable_list *v)
{
	struct snmp_job *job = js->job;
	struct snmp_varbind *vb;

	if (job->nvbs >= SNMP_MAX_ROWS) {
		job->truncated = true;
		return false;
	}
	if (job->nvbs == js->cap) {
		size_t ncap = js->cap == 0 ? 64 : js->cap * 2;
		void *p = arena_realloc(js->arena, job->vbs, js->cap * sizeof *job->vbs,
					ncap * sizeof *job->vbs);

		if (p == NULL)
			return false;
		job->vbs = p;
		js->cap = ncap;
	}
	vb = &job->vbs[job->nvbs];
	memset(vb, 0, sizeof *vb);
	oid_from_netsnmp(v->name, v->name_length, &vb->oid);
	switch (v->type) {
	case ASN_INTEGER:
		vb->type = SNMP_TYPE_INTEGER;
		vb->integer = *v->val.integer;
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		vb->type = v->type == ASN_COUNTER ? SNMP_TYPE_COUNTER32
			   : v->type == ASN_GAUGE ? SNMP_TYPE_GAUGE32
						  : SNMP_TYPE_TIMETICKS;
		vb->integer = (int64_t)(uint32_t)*v->val.integer;
		break;
	case ASN_COUNTER64:
		vb->type = SNMP_TYPE_COUNTER64;
		vb->counter64 = ((uint64_t)v->val.counter64->high << 32) |
				(uint64_t)(uint32_t)v->val.counter64->low;
		break;
	case ASN_OCTET_STR:
	case ASN_IPADDRESS:
	case ASN_OPAQUE:
		vb->type = v->type == ASN_OCTET_STR ? SNMP_TYPE_OCTET_STRING
			   : v->type == ASN_IPADDRESS ? SNMP_TYPE_IPADDRESS
						      : SNMP_TYPE_OPAQUE;
		vb->len = v->val_len;
		vb->bytes = arena_alloc(js->arena, v->val_len + 1);
		if (vb->bytes == NULL)
			return false;
		memcpy((unsigned char *)vb->bytes, v->val.string, v->val_len);
		((unsigned char *)vb->bytes)[v->val_len] = '\0';
		break;
	case ASN_OBJECT_ID:
		vb->type = SNMP_TYPE_OID;
		oid_from_netsnmp(v->val.objid, v->val_len / sizeof(oid), &vb->oid_value);
		break;
	case ASN_NULL:
		vb->type = SNMP_TYPE_NULL;
		break;
	default:
		/* Exceptions are handled by the callers; anything else is not kept. */
		return true;
	}
	job->nvbs++;
	return true;
}

/* ---- requests ---- */

static bool send_pdu(struct job_state *js, netsnmp_pdu *pdu)
{
	if (snmp_sess_async_send(js->sess, pdu, NULL, NULL) == 0) {
		snmp_free_pdu(pdu);
		finish(js, SNMP_LOCAL_ERROR, "cannot send: %s",
		       snmp_api_errstring(snmp_sess_session(js->sess)->s_snmp_errno));
		return false;
	}
	return true;
}

static void send_next(struct job_state *js);

static void send_get_chunk(struct job_state *js)
{
	const struct snmp_job *job = js->job;
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
	size_t added = 0;
	oid name[SNMP_OID_MAX_LEN];

	js->chunk_end = js->get_next;
	while (js->chunk_end < job->ngets && added < js->chunk_size) {
		if (!js->skip[js->chunk_end]) {
			size_t len = oid_to_netsnmp(&job->gets[js->chunk_end], name);

			snmp_add_null_var(pdu, name, len);
			added++;
		}
		js->chunk_end++;
	}
	if (added == 0) {
		snmp_free_pdu(pdu);
		js->get_next = js->chunk_end;
		send_next(js);
		return;
	}
	send_pdu(js, pdu);
}

static void send_walk_step(struct job_state *js)
{
	netsnmp_pdu *pdu = snmp_pdu_create(js->version == 2 ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
	oid name[SNMP_OID_MAX_LEN];
	size_t len = oid_to_netsnmp(&js->walk_pos, name);

	if (js->version == 2) {
		pdu->non_repeaters = 0;
		pdu->max_repetitions = js->reps;
	}
	snmp_add_null_var(pdu, name, len);
	send_pdu(js, pdu);
}

/* The next request of the plan: GET chunks, then each walk, then done. */
static void send_next(struct job_state *js)
{
	const struct snmp_job *job = js->job;

	if (js->phase == PHASE_GET) {
		if (js->get_next < job->ngets) {
			send_get_chunk(js);
			return;
		}
		js->phase = PHASE_WALK;
		js->walk = 0;
		if (job->nwalks > 0)
			js->walk_pos = job->walks[0];
	}
	if (js->phase == PHASE_WALK) {
		if (js->walk < job->nwalks) {
			send_walk_step(js);
			return;
		}
		finish(js, SNMP_OK, NULL);
	}
}

static void next_walk(struct job_state *js)
{
	js->walk++;
	if (js->walk < js->job->nwalks)
		js->walk_pos = js->job->walks[js->walk];
}

static void on_get_answer(struct job_state *js, netsnmp_pdu *pdu)
{
	for (netsnmp_variable_list *v = pdu->variables; v != NULL; v = v->next_variable) {
		if (v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE ||
		    v->type == SNMP_ENDOFMIBVIEW)
			continue;
		if (!store(js, v))
			break;
	}
	js->get_next = js->chunk_end;
}

static void on_walk_answer(struct job_state *js, netsnmp_pdu *pdu)
{
	const struct snmp_oid *root = &js->job->walks[js->walk];
	size_t got = 0;

	for (netsnmp_variable_list *v = pdu->variables; v != NULL; v = v->next_variable) {
		struct snmp_oid o;

		oid_from_netsnmp(v->name, v->name_length, &o);
		if (v->type == SNMP_ENDOFMIBVIEW || !snmp_oid_has_prefix(&o, root)) {
			next_walk(js);
			return;
		}
		if (snmp_oid_cmp(&o, &js->walk_pos) <= 0) {
			char oidtext[256];

			snmp_oid_format(&o, oidtext, sizeof oidtext);
			finish(js, SNMP_BAD_ANSWER, "the agent's OIDs do not increase (at %s)",
			       oidtext);
			return;
		}
		if (v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE) {
			js->walk_pos = o;
			continue;
		}
		if (!store(js, v)) {
			next_walk(js);
			return;
		}
		js->walk_pos = o;
		got++;
	}
	if (got == 0 && pdu->variables == NULL)
		next_walk(js);
}

static int on_answer(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct job_state *js = magic;

	(void)session;
	(void)reqid;
	if (js->phase == PHASE_DONE)
		return 1;
	if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
		if (js->version == 2 && !js->answered && js->opt->v1_fallback)
			js->reopen_v1 = true;
		else
			finish(js, SNMP_TIMEOUT, "no valid answer within %d ms x %d tries (SNMP v%s)",
			       js->opt->timeout_ms, js->opt->retries + 1, js->version == 2 ? "2c" : "1");
		return 1;
	}
	if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || pdu == NULL)
		return 1;
	js->answered = true;
	if (pdu->errstat != SNMP_ERR_NOERROR) {
		/* v1 answers "no such name" for a whole GET: drop that OID and ask again. */
		if (js->version == 1 && pdu->errstat == SNMP_ERR_NOSUCHNAME) {
			if (js->phase == PHASE_GET) {
				size_t k = 0, bad = (size_t)(pdu->errindex > 0 ? pdu->errindex : 1);

				for (size_t i = js->get_next; i < js->chunk_end; i++) {
					if (js->skip[i])
						continue;
					if (++k == bad) {
						js->skip[i] = true;
						break;
					}
				}
				send_get_chunk(js);
				return 1;
			}
			next_walk(js); /* GETNEXT past the end of the agent's MIB */
			send_next(js);
			return 1;
		}
		/* A small agent (484-octet messages) cannot answer a big request: ask for less. */
		if (pdu->errstat == SNMP_ERR_TOOBIG) {
			if (js->phase == PHASE_GET && js->chunk_size > 1) {
				js->chunk_size = (js->chunk_size + 1) / 2;
				send_get_chunk(js);
				return 1;
			}
			if (js->phase == PHASE_WALK && js->reps > 1) {
				js->reps /= 2;
				send_walk_step(js);
				return 1;
			}
		}
		finish(js, SNMP_ERROR_STATUS, "the agent answered: %s (status %ld)",
		       snmp_errstring((int)pdu->errstat), pdu->errstat);
		return 1;
	}
	if (js->phase == PHASE_GET)
		on_get_answer(js, pdu);
	else if (js->phase == PHASE_WALK)
		on_walk_answer(js, pdu);
	if (js->phase != PHASE_DONE)
		send_next(js);
	return 1;
}

/* ---- sessions ---- */

static bool open_session(struct job_state *js)
{
	const struct snmp_job *job = js->job;
	netsnmp_session s;
	char peer[300];

	snmp_sess_init(&s);
	snprintf(peer, sizeof peer, "udp:%s:%u", job->host, job->port != 0 ? job->port : 161);
	s.peername = peer;
	s.version = js->version == 2 ? SNMP_VERSION_2c : SNMP_VERSION_1;
	s.community = (u_char *)(uintptr_t)job->community;
	s.community_len = strlen(job->community);
	s.timeout = (long)js->opt->timeout_ms * 1000L;
	s.retries = js->opt->retries;
	s.callback = on_answer;
	s.callback_magic = js;
	js->sess = snmp_sess_open(&s);
	if (js->sess == NULL) {
		finish(js, SNMP_LOCAL_ERROR, "cannot open a session to %s: %s", peer,
		       snmp_api_errstring(s.s_snmp_errno));
		return false;
	}
	return true;
}

static void start_job(struct job_state *js)
{
	struct snmp_job *job = js->job;

	clock_gettime(CLOCK_MONOTONIC, &js->started);
	if (job->host == NULL || job->host[0] == '\0' || job->community == NULL ||
	    job->ngets > SNMP_MAX_GETS || job->nwalks > SNMP_MAX_WALKS) {
		finish(js, SNMP_LOCAL_ERROR, "bad job: host, community or too many OIDs");
		return;
	}
	js->version = job->v1_only ? 1 : 2;
	js->phase = PHASE_GET;
	js->chunk_size = SNMP_GET_CHUNK;
	js->reps = js->opt->bulk_repetitions;
	if (open_session(js))
		send_next(js);
}

static void close_session(struct job_state *js)
{
	if (js->sess != NULL) {
		snmp_sess_close(js->sess);
		js->sess = NULL;
	}
}

static int cmp_varbind(const void *a, const void *b)
{
	return snmp_oid_cmp(&((const struct snmp_varbind *)a)->oid,
				&((const struct snmp_varbind *)b)->oid);
}

/* After the loop: v1 retry, or close and sort a finished job. true when still running. */
static bool settle(struct job_state *js)
{
	if (js->reopen_v1) {
		js->reopen_v1 = false;
		close_session(js);
		js->version = 1;
		js->phase = PHASE_GET;
		js->get_next = 0;
		memset(js->skip, 0, sizeof js->skip);
		js->job->nvbs = 0;
		if (open_session(js))
			send_next(js);
	}
	if (js->phase != PHASE_DONE)
		return true;
	close_session(js);
	if (js->job->nvbs > 1)
		qsort(js->job->vbs, js->job->nvbs, sizeof *js->job->vbs, cmp_varbind);
	return false;
}

static int session_fd(void *sess)
{
	netsnmp_transport *t = snmp_sess_transport(sess);

	return t != NULL ? t->sock : -1;
}

static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int snmp_run(const struct snmp_options *o, struct snmp_job *jobs, size_t njobs, struct arena *a,
	     struct err *e)
{
	struct job_state *st;
	struct job_state **active;
	struct pollfd *pfd;
	netsnmp_large_fd_set fds;
	size_t next = 0, nactive = 0;
	int setsize = 1024, rc = 0;
	double t0;

	if (o->concurrency < 1 || o->timeout_ms < 1 || o->retries < 0 || o->bulk_repetitions < 1)
		return err_set(e, ERR_INVALID, "SNMP options out of range");
	snmp_init();
	st = calloc(njobs > 0 ? njobs : 1, sizeof *st);
	active = calloc((size_t)o->concurrency, sizeof *active);
	pfd = calloc((size_t)o->concurrency, sizeof *pfd);
	if (st == NULL || active == NULL || pfd == NULL) {
		free(st);
		free(active);
		free(pfd);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	netsnmp_large_fd_set_init(&fds, setsize);
	for (size_t i = 0; i < njobs; i++) {
		memset(&jobs[i].status, 0, sizeof *jobs - offsetof(struct snmp_job, status));
		st[i].job = &jobs[i];
		st[i].arena = a;
		st[i].opt = o;
	}
	t0 = monotonic_ms();
	while (next < njobs || nactive > 0) {
		int timeout = 1000;
		bool waiting = false;

		while (nactive < (size_t)o->concurrency && next < njobs) {
			struct job_state *js = &st[next];
			double due = t0 + jobs[next].start_delay_ms, now = monotonic_ms();

			/* Jitter: wait for the next job's time (all are due within the first
			 * POLL_JITTER_MAX_MS, so order costs little). */
			if (due > now) {
				timeout = (int)(due - now) + 1;
				waiting = true;
				break;
			}
			next++;
			start_job(js);
			if (settle(js))
				active[nactive++] = js;
		}
		for (size_t i = 0; i < nactive; i++) {
			struct timeval tv = { 1, 0 };
			int numfds = 0, block = 0, fd = session_fd(active[i]->sess);

			if (fd >= setsize) {
				setsize = fd + 1024;
				netsnmp_large_fd_set_resize(&fds, setsize);
			}
			snmp_sess_select_info2(active[i]->sess, &numfds, &fds, &tv, &block);
			if (!block) {
				int ms = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);

				if (ms < timeout)
					timeout = ms;
			}
			pfd[i].fd = fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (nactive == 0 && !waiting)
			continue;
		if (poll(pfd, nactive, timeout) < 0 && errno != EINTR) {
			rc = err_set(e, ERR_IO, "poll: %s", strerror(errno));
			break;
		}
		for (size_t i = 0; i < nactive; i++) {
			if (pfd[i].revents & (POLLIN | POLLERR)) {
				NETSNMP_LARGE_FD_ZERO(&fds);
				NETSNMP_LARGE_FD_SET(pfd[i].fd, &fds);
				snmp_sess_read2(active[i]->sess, &fds);
			}
			snmp_sess_timeout(active[i]->sess);
		}
		for (size_t i = 0; i < nactive;) {
			if (settle(active[i])) {
				i++;
				continue;
			}
			active[i] = active[--nactive];
		}
	}
	for (size_t i = 0; i < njobs; i++)
		close_session(&st[i]);
	netsnmp_large_fd_set_cleanup(&fds);
	free(st);
	free(active);
	free(pfd);
	return rc;
}
