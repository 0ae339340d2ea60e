/*
 * snmp — asynchronous SNMP reads over many devices at once (net-snmp, single-session API).
 *
 * A job names one device (address, port, community) and what to read from it: a list of
 * scalar GETs and a list of subtrees to walk. snmp_run() works through any number of jobs
 * with at most `concurrency` in flight, each with its own timeout and retries, all in one
 * thread: sockets are watched with epoll, so there is no 1,024-descriptor ceiling and a busy
 * run costs per answer, not per job in flight. Jobs start in the order of their
 * start_delay_ms. The GETs go SNMP_GET_CHUNK to a PDU; the subtrees are walked side by side,
 * every unfinished one in each GETBULK (v2c; max-repetitions shared out, SNMP_WALK_BUDGET
 * varbinds asked per request, at most bulk_repetitions per subtree) or GETNEXT (v1; one row),
 * so a device costs a few round trips, not one per subtree. A walk stops at the end of its
 * subtree; OIDs that do not increase are refused and SNMP_MAX_ROWS rows stop the job. An agent
 * answering tooBig is asked for less (fewer OIDs, repetitions, then subtrees per request). A
 * device that does not answer v2c is asked again in v1 (old print servers). Every failure —
 * timeout, an error status, a malformed answer — lands in that job's status and message; the
 * others go on.
 *
 * Results: while a job runs its varbinds are kept compactly (each OID with its real length)
 * outside the arena. When it ends they are sorted by OID and handed over as struct
 * snmp_varbind: either into the caller's arena (job->vbs, valid after snmp_run), or — when
 * options.job_done is set — to that callback at once, in a scratch arena that is emptied after
 * it returns, so a run over thousands of devices holds only the jobs in flight plus what the
 * callback keeps.
 *
 * snmp_init() must run once per process before the first snmp_run (it sets net-snmp up not to
 * read MIBs, configuration files or persistent state).
 */
#ifndef INFRASCOPE_SNMP_H
#define INFRASCOPE_SNMP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "snmp_value.h"

struct arena;

#define SNMP_MAX_GETS 64        /* scalar OIDs per job */
#define SNMP_MAX_WALKS 32       /* subtrees per job */
#define SNMP_MAX_ROWS 20000     /* varbinds per job, all walks together */
#define SNMP_GET_CHUNK 32       /* OIDs per GET PDU (halved on tooBig) */
#define SNMP_WALK_BUDGET 40     /* varbinds asked per GETBULK when several subtrees share it */

enum snmp_status {
	SNMP_OK = 0,
	SNMP_TIMEOUT,          /* no answer in either version */
	SNMP_ERROR_STATUS,     /* the agent answered with an error (authorization, genErr...) */
	SNMP_BAD_ANSWER,       /* OIDs not increasing, too many rows, undecodable */
	SNMP_LOCAL_ERROR,      /* bad address, no socket, out of memory */
};

struct snmp_job {
	/* Input. */
	const char *host;               /* IPv4 address or host name */
	unsigned port;                  /* 0 = 161 */
	const char *community;
	const struct snmp_oid *gets;
	size_t ngets;
	const struct snmp_oid *walks;
	size_t nwalks;
	bool v1_only;                   /* skip v2c (known v1-only device) */
	unsigned start_delay_ms;        /* jitter: first request no sooner than this after snmp_run
					 * started (so a store's devices are not hit in one burst) */

	/* Output (valid after snmp_run). */
	enum snmp_status status;
	char message[160];
	int version;                    /* 1 or 2 (v2c): the version that answered */
	struct snmp_varbind *vbs;       /* sorted by OID, in the arena (with job_done: only
					 * during the callback, NULL after it) */
	size_t nvbs;                    /* how many (also after job_done) */
	bool truncated;                 /* SNMP_MAX_ROWS was reached */
	double elapsed_ms;              /* from the first request to the last answer */
};

struct snmp_options {
	int concurrency;                /* jobs in flight, >= 1 */
	int timeout_ms;                 /* per request */
	int retries;                    /* per request, after the first try */
	int bulk_repetitions;           /* GETBULK max-repetitions of one subtree */
	bool v1_fallback;               /* ask again in v1 after a v2c timeout */
	/*
	 * Optional: called in snmp_run's thread as soon as a job has ended (every job, once), with
	 * its outputs set and job->vbs/nvbs in scratch — an arena that is emptied when the
	 * callback returns (it may allocate there too). Afterwards job->vbs is NULL; nvbs stays.
	 */
	void (*job_done)(struct snmp_job *job, struct arena *scratch, void *arg);
	void *job_done_arg;
};

/* snmp_options_default — 256 in flight, 1000 ms, 1 retry, 20 repetitions, v1 fallback on,
 * no job_done. */
struct snmp_options snmp_options_default(void);

/* snmp_init — set net-snmp up for this process (idempotent, thread-safe). */
void snmp_init(void);

/*
 * snmp_run — run every job to completion. Returns 0 (each job's own status says how it
 * went; one whose varbinds do not fit in the arena ends SNMP_LOCAL_ERROR "out of memory"),
 * ERR_INVALID for bad options, ERR_NOMEM when the run itself cannot get memory, ERR_IO when
 * the descriptors cannot be watched.
 */
int snmp_run(const struct snmp_options *o, struct snmp_job *jobs, size_t njobs, struct arena *a,
	     struct err *e);

const char *snmp_status_name(enum snmp_status s);

#endif
