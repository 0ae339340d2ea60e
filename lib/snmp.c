#include "snmp.h"

#include "arena.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

enum phase { PHASE_GET, PHASE_WALK, PHASE_DONE };

/* How often the sessions are asked whether a request timed out (ms). Retransmissions and
 * timeouts are therefore late by at most this much. */
#define SWEEP_MS 10
#define SCRATCH_CHUNK (1024 * 1024)
#define SCRATCH_LIMIT (512u << 20)

/*
 * A job's varbinds while it runs: records in one growing buffer (malloc, doubled when full;
 * realloc gives the old block back), each a header, the OID's sub-identifiers (as many as it
 * has) and the value: 8 bytes for the integer types, the octets of a string (no NUL), the
 * sub-identifiers of an OID value, nothing for NULL. Read and written with memcpy only.
 */
struct rec {
	uint16_t oid_len;
	uint8_t type;                   /* enum snmp_type */
	uint8_t pad;
	uint32_t value_len;             /* bytes of value after the sub-identifiers */
};

struct store_buf {
	unsigned char *data;
	size_t len, cap;
	size_t n;                       /* records */
};

/* One job in flight: its session, where it is in its plan, and what it gathered. */
struct job_state {
	struct snmp_job *job;
	void *sess;
	int fd;                         /* the session's socket, watched by epoll; -1 none */
	int version;                    /* 2 = v2c, 1 = v1 */
	enum phase phase;
	size_t get_next;                /* first OID of the chunk being asked */
	bool skip[SNMP_MAX_GETS];       /* v1: OIDs the agent said it has no such name for */
	size_t chunk_end;               /* one past the chunk's last OID */
	size_t chunk_size;              /* OIDs per GET; halved when the agent says tooBig */
	int reps;                       /* max-repetitions per subtree; halved likewise */
	size_t max_cols;                /* subtrees per request; halved when reps is down to 1 */
	uint32_t walk_done;             /* bit w: subtree w is finished */
	struct snmp_oid *pos;           /* per subtree: the last OID received in it (malloc) */
	size_t req[SNMP_MAX_WALKS];     /* the subtrees the request in flight asks, in order */
	size_t nreq;
	int req_reps;                   /* its max-repetitions (v2c) */
	struct store_buf buf;
	size_t active_at;               /* its place in the run's list of jobs in flight */
	bool answered;                  /* any answer at all (no v1 fallback after that) */
	bool reopen_v1;                 /* set in the callback, done by the loop */
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

static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
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

/* ---- varbinds: the compact store ---- */

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

static bool buf_reserve(struct store_buf *b, size_t more)
{
	size_t ncap;
	unsigned char *p;

	if (b->cap - b->len >= more)
		return true;
	ncap = b->cap ? b->cap : 2048;
	while (ncap - b->len < more) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	p = realloc(b->data, ncap);
	if (p == NULL)
		return false;
	b->data = p;
	b->cap = ncap;
	return true;
}

static void buf_release(struct store_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Append one record: the OID (netsnmp form, at most SNMP_OID_MAX_LEN sub-ids kept) and value. */
static bool buf_add(struct store_buf *b, const oid *name, size_t name_len, enum snmp_type type,
		    const void *value, size_t value_len, bool value_is_oid)
{
	struct rec h = { 0 };
	size_t n = name_len < SNMP_OID_MAX_LEN ? name_len : SNMP_OID_MAX_LEN;
	size_t vn = value_is_oid ? (value_len < SNMP_OID_MAX_LEN ? value_len : SNMP_OID_MAX_LEN) * 4
				 : value_len;
	size_t need = sizeof h + n * 4 + vn;
	unsigned char *p;

	if (value_len > UINT32_MAX || !buf_reserve(b, need))
		return false;
	h.oid_len = (uint16_t)n;
	h.type = (uint8_t)type;
	h.value_len = (uint32_t)vn;
	p = b->data + b->len;
	memcpy(p, &h, sizeof h);
	p += sizeof h;
	for (size_t i = 0; i < n; i++, p += 4) {
		uint32_t s = (uint32_t)name[i];

		memcpy(p, &s, 4);
	}
	if (value_is_oid) {
		const oid *v = value;

		for (size_t i = 0; i < vn / 4; i++, p += 4) {
			uint32_t s = (uint32_t)v[i];

			memcpy(p, &s, 4);
		}
	} else if (vn > 0) {
		memcpy(p, value, vn);
	}
	b->len += need;
	b->n++;
	return true;
}

static size_t rec_size(const unsigned char *p)
{
	struct rec h;

	memcpy(&h, p, sizeof h);
	return sizeof h + (size_t)h.oid_len * 4 + h.value_len;
}

/* Walk order of two records' OIDs (a prefix sorts first). */
static int rec_cmp(const void *a, const void *b, void *base)
{
	const unsigned char *pa = (const unsigned char *)base + *(const size_t *)a;
	const unsigned char *pb = (const unsigned char *)base + *(const size_t *)b;
	struct rec ha, hb;
	size_t n;

	memcpy(&ha, pa, sizeof ha);
	memcpy(&hb, pb, sizeof hb);
	n = ha.oid_len < hb.oid_len ? ha.oid_len : hb.oid_len;
	pa += sizeof ha;
	pb += sizeof hb;
	for (size_t i = 0; i < n; i++, pa += 4, pb += 4) {
		uint32_t x, y;

		memcpy(&x, pa, 4);
		memcpy(&y, pb, 4);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return ha.oid_len < hb.oid_len ? -1 : ha.oid_len > hb.oid_len ? 1 : 0;
}

/*
 * Hand the job's records over as struct snmp_varbind, sorted by OID, allocated in a.
 * false when a refuses (job->vbs NULL, nvbs 0).
 */
static bool materialise(struct job_state *js, struct arena *a)
{
	struct store_buf *b = &js->buf;
	struct snmp_job *job = js->job;
	size_t *order, at = 0;
	struct snmp_varbind *vbs;

	job->vbs = NULL;
	job->nvbs = 0;
	if (b->n == 0)
		return true;
	order = malloc(b->n * sizeof *order);
	vbs = arena_alloc(a, b->n * sizeof *vbs);
	if (order == NULL || vbs == NULL) {
		free(order);
		return false;
	}
	for (size_t i = 0; i < b->n; i++) {
		order[i] = at;
		at += rec_size(b->data + at);
	}
	qsort_r(order, b->n, sizeof *order, rec_cmp, b->data);
	for (size_t i = 0; i < b->n; i++) {
		const unsigned char *p = b->data + order[i];
		struct snmp_varbind *vb = &vbs[i];
		struct rec h;

		memcpy(&h, p, sizeof h);
		p += sizeof h;
		memset(vb, 0, sizeof *vb);
		vb->type = (enum snmp_type)h.type;
		vb->oid.len = h.oid_len;
		memcpy(vb->oid.sub, p, (size_t)h.oid_len * 4);
		p += (size_t)h.oid_len * 4;
		switch (vb->type) {
		case SNMP_TYPE_COUNTER64:
			memcpy(&vb->counter64, p, sizeof vb->counter64);
			break;
		case SNMP_TYPE_OCTET_STRING:
		case SNMP_TYPE_IPADDRESS:
		case SNMP_TYPE_OPAQUE: {
			unsigned char *bytes = arena_alloc(a, (size_t)h.value_len + 1);

			if (bytes == NULL) {
				free(order);
				return false;
			}
			memcpy(bytes, p, h.value_len);
			bytes[h.value_len] = '\0';
			vb->bytes = bytes;
			vb->len = h.value_len;
			break;
		}
		case SNMP_TYPE_OID:
			vb->oid_value.len = h.value_len / 4;
			memcpy(vb->oid_value.sub, p, h.value_len);
			break;
		case SNMP_TYPE_NULL:
			break;
		default:
			memcpy(&vb->integer, p, sizeof vb->integer);
			break;
		}
	}
	free(order);
	job->vbs = vbs;
	job->nvbs = b->n;
	return true;
}

/* Copy one answer into the job's results. false when the row bound or memory is hit. */
static bool store(struct job_state *js, const netsnmp_variable_list *v)
{
	struct snmp_job *job = js->job;
	int64_t i64;
	uint64_t u64;
	bool ok;

	if (job->nvbs >= SNMP_MAX_ROWS) {
		job->truncated = true;
		return false;
	}
	switch (v->type) {
	case ASN_INTEGER:
		i64 = *v->val.integer;
		ok = buf_add(&js->buf, v->name, v->name_length, SNMP_TYPE_INTEGER, &i64, 8, false);
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		i64 = (int64_t)(uint32_t)*v->val.integer;
		ok = buf_add(&js->buf, v->name, v->name_length,
			     v->type == ASN_COUNTER ? SNMP_TYPE_COUNTER32
			     : v->type == ASN_GAUGE ? SNMP_TYPE_GAUGE32
						    : SNMP_TYPE_TIMETICKS,
			     &i64, 8, false);
		break;
	case ASN_COUNTER64:
		u64 = ((uint64_t)v->val.counter64->high << 32) |
		      (uint64_t)(uint32_t)v->val.counter64->low;
		ok = buf_add(&js->buf, v->name, v->name_length, SNMP_TYPE_COUNTER64, &u64, 8, false);
		break;
	case ASN_OCTET_STR:
	case ASN_IPADDRESS:
	case ASN_OPAQUE:
		ok = buf_add(&js->buf, v->name, v->name_length,
			     v->type == ASN_OCTET_STR ? SNMP_TYPE_OCTET_STRING
			     : v->type == ASN_IPADDRESS ? SNMP_TYPE_IPADDRESS
							: SNMP_TYPE_OPAQUE,
			     v->val.string, v->val_len, false);
		break;
	case ASN_OBJECT_ID:
		ok = buf_add(&js->buf, v->name, v->name_length, SNMP_TYPE_OID, v->val.objid,
			     v->val_len / sizeof(oid), true);
		break;
	case ASN_NULL:
		ok = buf_add(&js->buf, v->name, v->name_length, SNMP_TYPE_NULL, NULL, 0, false);
		break;
	default:
		/* Exceptions are handled by the callers; anything else is not kept. */
		return true;
	}
	if (!ok) {
		finish(js, SNMP_LOCAL_ERROR, "out of memory keeping %zu varbinds", job->nvbs);
		return false;
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

/* The unfinished subtrees (at most max_cols) in one GETBULK (v2c) or GETNEXT (v1). */
static void send_walk_step(struct job_state *js)
{
	const struct snmp_job *job = js->job;
	netsnmp_pdu *pdu;
	oid name[SNMP_OID_MAX_LEN];

	js->nreq = 0;
	for (size_t w = 0; w < job->nwalks && js->nreq < js->max_cols; w++)
		if (!(js->walk_done & (1u << w)))
			js->req[js->nreq++] = w;
	if (js->nreq == 0) {
		finish(js, SNMP_OK, NULL);
		return;
	}
	pdu = snmp_pdu_create(js->version == 2 ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
	if (js->version == 2) {
		/* Share a budget of varbinds out between the subtrees; one subtree alone gets
		 * the full repetitions. */
		size_t share = (SNMP_WALK_BUDGET + js->nreq - 1) / js->nreq;

		js->req_reps = js->nreq == 1 || share > (size_t)js->reps ? js->reps : (int)share;
		if (js->req_reps < 1)
			js->req_reps = 1;
		pdu->non_repeaters = 0;
		pdu->max_repetitions = js->req_reps;
	}
	for (size_t i = 0; i < js->nreq; i++)
		snmp_add_null_var(pdu, name, oid_to_netsnmp(&js->pos[js->req[i]], name));
	send_pdu(js, pdu);
}

/* The next request of the plan: GET chunks, then the walks, then done. */
static void send_next(struct job_state *js)
{
	const struct snmp_job *job = js->job;

	if (js->phase == PHASE_GET) {
		if (js->get_next < job->ngets) {
			send_get_chunk(js);
			return;
		}
		js->phase = PHASE_WALK;
	}
	if (js->phase == PHASE_WALK)
		send_walk_step(js);
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

static void end_requested_walks(struct job_state *js)
{
	for (size_t i = 0; i < js->nreq; i++)
		js->walk_done |= 1u << js->req[i];
}

/*
 * An answer to a walk step. Its varbinds come row by row: the i-th belongs to the subtree
 * req[i % nreq]. A subtree ends at the first OID outside it (or endOfMibView); its later
 * varbinds in the same answer are the agent running past it and are not kept. An answer cut
 * short (the agent's message size) just leaves the rest for the next request.
 */
static void on_walk_answer(struct job_state *js, netsnmp_pdu *pdu)
{
	const struct snmp_job *job = js->job;
	bool moved = false;
	size_t i = 0;

	for (netsnmp_variable_list *v = pdu->variables; v != NULL; v = v->next_variable, i++) {
		size_t w = js->req[i % js->nreq];
		struct snmp_oid o;

		if (js->walk_done & (1u << w))
			continue;
		oid_from_netsnmp(v->name, v->name_length, &o);
		if (v->type == SNMP_ENDOFMIBVIEW || !snmp_oid_has_prefix(&o, &job->walks[w])) {
			js->walk_done |= 1u << w;
			moved = true;
			continue;
		}
		if (snmp_oid_cmp(&o, &js->pos[w]) <= 0) {
			char oidtext[256];

			snmp_oid_format(&o, oidtext, sizeof oidtext);
			finish(js, SNMP_BAD_ANSWER, "the agent's OIDs do not increase (at %s)",
			       oidtext);
			return;
		}
		moved = true;
		if (v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE) {
			js->pos[w] = o;
			continue;
		}
		if (!store(js, v)) {
			/* The row bound (or memory): every walk ends here. */
			js->walk_done = UINT32_MAX;
			return;
		}
		js->pos[w] = o;
	}
	if (!moved)
		end_requested_walks(js); /* an empty answer: nothing more to be had */
}

/* tooBig: ask for less — fewer OIDs per GET, fewer repetitions, then fewer subtrees. */
static bool ask_for_less(struct job_state *js)
{
	if (js->phase == PHASE_GET && js->chunk_size > 1) {
		js->chunk_size = (js->chunk_size + 1) / 2;
		send_get_chunk(js);
		return true;
	}
	if (js->phase == PHASE_WALK) {
		if (js->version == 2 && js->req_reps > 1) {
			js->reps = js->req_reps / 2;
			send_walk_step(js);
			return true;
		}
		if (js->nreq > 1) {
			js->max_cols = js->nreq / 2;
			send_walk_step(js);
			return true;
		}
	}
	return false;
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
		/* v1 answers "no such name" for a whole request: drop that OID and ask again. */
		if (js->version == 1 && pdu->errstat == SNMP_ERR_NOSUCHNAME) {
			size_t bad = (size_t)(pdu->errindex > 0 ? pdu->errindex : 1);

			if (js->phase == PHASE_GET) {
				size_t k = 0;

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
			/* GETNEXT past the end of the agent's MIB: that subtree is done. */
			if (bad <= js->nreq)
				js->walk_done |= 1u << js->req[bad - 1];
			else
				end_requested_walks(js);
			send_next(js);
			return 1;
		}
		/* A small agent (484-octet messages) cannot answer a big request: ask for less. */
		if (pdu->errstat == SNMP_ERR_TOOBIG && ask_for_less(js))
			return 1;
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

struct run {
	const struct snmp_options *opt;
	struct snmp_job *jobs;
	struct arena *arena;            /* the caller's: results without job_done */
	struct arena *scratch;          /* job_done's */
	int epfd;
	netsnmp_large_fd_set fds;
	int setsize;
};

static int session_fd(void *sess)
{
	netsnmp_transport *t = snmp_sess_transport(sess);

	return t != NULL ? t->sock : -1;
}

static bool open_session(struct run *r, struct job_state *js)
{
	const struct snmp_job *job = js->job;
	netsnmp_session s;
	struct epoll_event ev = { .events = EPOLLIN };
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
	js->fd = session_fd(js->sess);
	ev.data.ptr = js;
	if (js->fd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, js->fd, &ev) != 0) {
		finish(js, SNMP_LOCAL_ERROR, "cannot watch the socket to %s: %s", peer,
		       strerror(errno));
		return false;
	}
	if (js->fd >= r->setsize) {
		r->setsize = js->fd + 1024;
		netsnmp_large_fd_set_resize(&r->fds, r->setsize);
	}
	return true;
}

static void close_session(struct run *r, struct job_state *js)
{
	if (js->sess != NULL) {
		if (js->fd >= 0)
			epoll_ctl(r->epfd, EPOLL_CTL_DEL, js->fd, NULL);
		snmp_sess_close(js->sess);
		js->sess = NULL;
		js->fd = -1;
	}
}

static void start_job(struct run *r, struct job_state *js, struct snmp_job *job)
{
	memset(js, 0, sizeof *js);
	js->job = job;
	js->fd = -1;
	js->opt = r->opt;
	clock_gettime(CLOCK_MONOTONIC, &js->started);
	if (job->host == NULL || job->host[0] == '\0' || job->community == NULL ||
	    job->ngets > SNMP_MAX_GETS || job->nwalks > SNMP_MAX_WALKS ||
	    (job->ngets > 0 && job->gets == NULL) || (job->nwalks > 0 && job->walks == NULL)) {
		finish(js, SNMP_LOCAL_ERROR, "bad job: host, community or too many OIDs");
		return;
	}
	if (job->nwalks > 0) {
		js->pos = malloc(job->nwalks * sizeof *js->pos);
		if (js->pos == NULL) {
			finish(js, SNMP_LOCAL_ERROR, "out of memory");
			return;
		}
		for (size_t w = 0; w < job->nwalks; w++)
			js->pos[w] = job->walks[w];
	}
	js->version = job->v1_only ? 1 : 2;
	js->phase = PHASE_GET;
	js->chunk_size = SNMP_GET_CHUNK;
	js->reps = r->opt->bulk_repetitions;
	js->max_cols = SNMP_MAX_WALKS;
	if (open_session(r, js))
		send_next(js);
}

/* A finished job: its varbinds to job_done (scratch) or to the caller's arena. */
static void deliver(struct run *r, struct job_state *js)
{
	struct snmp_job *job = js->job;
	size_t n = job->nvbs;

	if (!materialise(js, r->opt->job_done != NULL ? r->scratch : r->arena)) {
		job->status = SNMP_LOCAL_ERROR;
		snprintf(job->message, sizeof job->message,
			 "out of memory handing over %zu varbinds", n);
	}
	buf_release(&js->buf);
	free(js->pos);
	js->pos = NULL;
	if (r->opt->job_done != NULL) {
		r->opt->job_done(job, r->scratch, r->opt->job_done_arg);
		job->vbs = NULL;
		arena_reset(r->scratch);
	}
}

/* After I/O on a job: v1 retry, or close and deliver a finished one. true when still running. */
static bool settle(struct run *r, struct job_state *js)
{
	if (js->reopen_v1) {
		js->reopen_v1 = false;
		close_session(r, js);
		js->version = 1;
		js->phase = PHASE_GET;
		js->get_next = 0;
		js->chunk_size = SNMP_GET_CHUNK;
		js->max_cols = SNMP_MAX_WALKS;
		js->walk_done = 0;
		memset(js->skip, 0, sizeof js->skip);
		for (size_t w = 0; w < js->job->nwalks; w++)
			js->pos[w] = js->job->walks[w];
		js->buf.len = js->buf.n = 0;
		js->job->nvbs = 0;
		js->job->truncated = false;
		if (open_session(r, js))
			send_next(js);
	}
	if (js->phase != PHASE_DONE)
		return true;
	close_session(r, js);
	deliver(r, js);
	return false;
}

/* A job has ended: out of the list of jobs in flight, its slot free again. */
static void retire(struct job_state *js, struct job_state **active, size_t *nactive,
		   struct job_state **freelist, size_t *nfree)
{
	struct job_state *last = active[--*nactive];

	active[js->active_at] = last;
	last->active_at = js->active_at;
	freelist[(*nfree)++] = js;
}

/* Job indexes in the order they may start: by start_delay_ms, then as given. */
static int cmp_due(const void *a, const void *b, void *jobs)
{
	const struct snmp_job *j = jobs;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (j[x].start_delay_ms != j[y].start_delay_ms)
		return j[x].start_delay_ms < j[y].start_delay_ms ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void read_session(struct run *r, struct job_state *js)
{
	if (js->sess == NULL || js->fd < 0)
		return;
	NETSNMP_LARGE_FD_SET(js->fd, &r->fds);
	snmp_sess_read2(js->sess, &r->fds);
	/* The callback may have closed nothing: the socket is still this job's. */
	if (js->fd >= 0)
		NETSNMP_LARGE_FD_CLR(js->fd, &r->fds);
}

int snmp_run(const struct snmp_options *o, struct snmp_job *jobs, size_t njobs, struct arena *a,
	     struct err *e)
{
	struct run r = { .opt = o, .jobs = jobs, .arena = a, .epfd = -1, .setsize = 1024 };
	size_t nslots = 0, nactive = 0, next = 0, nfree = 0;
	struct job_state *slots = NULL, **active = NULL, **freelist = NULL;
	struct epoll_event *events = NULL;
	size_t *order = NULL;
	double t0, next_sweep;
	int rc = 0;

	if (o->concurrency < 1 || o->timeout_ms < 1 || o->retries < 0 || o->bulk_repetitions < 1)
		return err_set(e, ERR_INVALID, "SNMP options out of range");
	snmp_init();
	for (size_t i = 0; i < njobs; i++) {
		memset(&jobs[i].status, 0, sizeof *jobs - offsetof(struct snmp_job, status));
		jobs[i].vbs = NULL;
	}
	if (njobs == 0)
		return 0;
	nslots = njobs < (size_t)o->concurrency ? njobs : (size_t)o->concurrency;
	slots = calloc(nslots, sizeof *slots);
	active = calloc(nslots, sizeof *active);
	freelist = calloc(nslots, sizeof *freelist);
	events = calloc(nslots, sizeof *events);
	order = malloc(njobs * sizeof *order);
	if (o->job_done != NULL)
		r.scratch = arena_new(SCRATCH_CHUNK, SCRATCH_LIMIT);
	if (slots == NULL || active == NULL || freelist == NULL || events == NULL || order == NULL ||
	    (o->job_done != NULL && r.scratch == NULL)) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		rc = err_set(e, ERR_IO, "epoll_create1: %s", strerror(errno));
		goto out;
	}
	netsnmp_large_fd_set_init(&r.fds, r.setsize);
	NETSNMP_LARGE_FD_ZERO(&r.fds);
	for (size_t i = 0; i < nslots; i++)
		freelist[nfree++] = &slots[nslots - 1 - i];
	for (size_t i = 0; i < njobs; i++)
		order[i] = i;
	qsort_r(order, njobs, sizeof *order, cmp_due, jobs);

	t0 = monotonic_ms();
	next_sweep = t0 + SWEEP_MS;
	while (next < njobs || nactive > 0) {
		double now = monotonic_ms();
		int timeout, nev;

		/* Start what is due while there is room (all are due within the jitter). */
		while (nfree > 0 && next < njobs && t0 + jobs[order[next]].start_delay_ms <= now) {
			struct job_state *js = freelist[--nfree];

			start_job(&r, js, &jobs[order[next++]]);
			if (settle(&r, js)) {
				js->active_at = nactive;
				active[nactive++] = js;
			} else {
				freelist[nfree++] = js;
			}
		}
		if (nactive == 0 && next >= njobs)
			break;
		timeout = (int)(next_sweep - now) + 1;
		if (nfree > 0 && next < njobs) {
			int due = (int)(t0 + jobs[order[next]].start_delay_ms - now) + 1;

			if (due < timeout)
				timeout = due;
		}
		if (timeout < 0)
			timeout = 0;
		nev = epoll_wait(r.epfd, events, (int)nslots, timeout);
		if (nev < 0 && errno != EINTR) {
			rc = err_set(e, ERR_IO, "epoll_wait: %s", strerror(errno));
			break;
		}
		/* Only the jobs that got an answer, then — now and then — every job's timers. */
		for (int k = 0; k < nev; k++) {
			struct job_state *js = events[k].data.ptr;

			read_session(&r, js);
			if (!settle(&r, js))
				retire(js, active, &nactive, freelist, &nfree);
		}
		now = monotonic_ms();
		if (now < next_sweep)
			continue;
		for (size_t i = 0; i < nactive;) {
			struct job_state *js = active[i];

			if (js->sess != NULL)
				snmp_sess_timeout(js->sess);
			if (settle(&r, js))
				i++;
			else
				retire(js, active, &nactive, freelist, &nfree);
		}
		next_sweep = now + SWEEP_MS;
	}
out:
	for (size_t i = 0; i < nactive; i++) {
		close_session(&r, active[i]);
		buf_release(&active[i]->buf);
		free(active[i]->pos);
	}
	if (r.epfd >= 0) {
		close(r.epfd);
		netsnmp_large_fd_set_cleanup(&r.fds);
	}
	arena_free(r.scratch);
	free(slots);
	free(active);
	free(freelist);
	free(events);
	free(order);
	return rc;
}
