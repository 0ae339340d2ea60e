/*
 * agent — what one simulated device answers (test code: the device simulator). Pure: no I/O.
 *
 * A device's view is a shared, read-only snmprec walk plus a sparse, sorted set of per-device
 * overrides (a changed value, an added OID, or a hidden one). An override of an OID that the
 * walk has points at the walk's arcs instead of copying them, and values of up to
 * OVR_INLINE octets are stored inline, so a generated device with a dozen changed rows costs
 * a few hundred bytes. sysUpTime.0, when the walk has it, is live (the caller passes it).
 *
 * agent_respond answers a decoded v1/v2c request the way a real agent does: GET, GETNEXT,
 * GETBULK (non-repeaters, max-repetitions capped, trimmed to fit the datagram), SET refused
 * (v2c noAccess, v1 readOnly); v2c exceptions noSuchObject / noSuchInstance / endOfMibView;
 * v1 noSuchName with the varbind's index, Counter64 invisible to v1 (RFC 2576); tooBig when
 * a GET/GETNEXT response would exceed the size limit. agent_garbage makes broken answers.
 */
#ifndef SIM_AGENT_H
#define SIM_AGENT_H

#include "ber.h"
#include "snmprec.h"

#include <stddef.h>
#include <stdint.h>

#define OVR_INLINE 16

enum ovr_flags { OVR_OWN_ARCS = 1, OVR_HIDDEN = 2, OVR_HEAP_VALUE = 4 };

struct ovr {
	const uint32_t *arcs; /* the walk's (shared) or our own (OVR_OWN_ARCS) */
	uint8_t narcs;
	uint8_t tag;
	uint8_t flags;
	uint16_t vlen;
	union {
		uint8_t in[OVR_INLINE];
		uint8_t *heap;
	} v;
};

struct ovr_set {
	uint32_t n, cap;
	struct ovr e[];
};

/* ovr_set_value: make OID ARCS[0..N) answer TAG with VAL (VLEN <= 65535) on the device whose
 * overrides are *S (NULL = none yet; grown as needed); WALK lends its arcs when it has the OID.
 * Returns 0, or -1 when out of memory or too long. */
int ovr_set_value(struct ovr_set **s, const struct snmprec_walk *walk, const uint32_t *arcs,
		  size_t n, uint8_t tag, const uint8_t *val, size_t vlen);

/* ovr_hide: make the OID absent from the device (a walk skips it, a GET says noSuch...). */
int ovr_hide(struct ovr_set **s, const struct snmprec_walk *walk, const uint32_t *arcs, size_t n);

/* ovr_revert: forget the device's override of the OID (the walk's value, if any, is back).
 * Returns 1 when there was one, else 0. */
int ovr_revert(struct ovr_set **s, const uint32_t *arcs, size_t n);

/* ovr_compact: give back the set's unused room (after a device's initial keys). */
void ovr_compact(struct ovr_set **s);

/* ovr_free: release the set and everything it owns. */
void ovr_free(struct ovr_set *s);

/* ovr_bytes: heap octets the set uses (for the stats command). */
size_t ovr_bytes(const struct ovr_set *s);

struct agent_view {
	const struct snmprec_walk *walk;
	const struct ovr_set *ovr; /* may be NULL */
	uint32_t uptime_cs;        /* sysUpTime.0 when the walk has it, in 1/100 s */
};

struct agent_value {
	uint8_t tag;
	const uint8_t *p;
	size_t len;
	uint8_t scratch[9];
};

/* view_get: the value of exactly this OID. Returns 1 (found) or 0. */
int view_get(const struct agent_view *v, const uint32_t *arcs, size_t n, struct agent_value *out);

/* view_next: the first OID after ARCS[0..N) and its value; *OARCS points into the walk or an
 * override (valid until the view changes). Returns 1, or 0 at the end of the view. */
int view_next(const struct agent_view *v, const uint32_t *arcs, size_t n, const uint32_t **oarcs,
	      size_t *on, struct agent_value *out);

/* agent_walk_uptime: sysUpTime.0 of the walk in 1/100 s; returns 0 when the walk has none. */
int agent_walk_uptime(const struct snmprec_walk *w, uint32_t *cs);

struct agent_limits {
	size_t max_size;          /* largest response datagram, e.g. 1472 */
	uint32_t max_repetitions; /* GETBULK max-repetitions is capped to this */
};

#define AGENT_HEADROOM 320 /* header octets reserved in front of the list (community <= 255) */

enum agent_flags { AGENT_TOOBIG = 1, AGENT_TRIMMED = 2 };

/* agent_respond: the response to M (already decoded, community already checked) into OUT
 * (capacity CAP >= LIM->max_size + AGENT_HEADROOM: the list is built behind room for the
 * largest header, then moved up). Returns 0 with *OUTLEN set and AGENT_* bits in *FLAGS, or
 * -1 when an agent would not answer (a Response, Trap, Report or Inform PDU). */
int agent_respond(const struct snmp_msg *m, const struct agent_view *v,
		  const struct agent_limits *lim, uint8_t *out, size_t cap, size_t *outlen,
		  unsigned *flags);

enum garbage_mode {
	GARBAGE_OFF = 0,
	GARBAGE_RANDOM,    /* random octets */
	GARBAGE_TRUNCATED, /* a correct response cut in half */
	GARBAGE_WRONGID,   /* a correct response to another request-id */
	GARBAGE_BADBER,    /* right request-id, a varbind whose length overruns its parent */
	GARBAGE_BADVALUE,  /* right request-id, an INTEGER of 10 octets */
	GARBAGE_CYCLE,     /* each answer the next of the above */
	GARBAGE_NMODES
};

/* garbage_mode_name / garbage_mode_parse: "random", "truncated", ..., "on" = cycle, "off". */
const char *garbage_mode_name(int mode);
int garbage_mode_parse(const char *s);

/* agent_garbage: a broken answer to M in mode MODE (GARBAGE_CYCLE uses *RNG to choose);
 * *RNG is the device's xorshift state. Returns 0 with *OUTLEN set. */
int agent_garbage(const struct snmp_msg *m, const struct agent_view *v,
		  const struct agent_limits *lim, int mode, uint32_t *rng, uint8_t *out,
		  size_t cap, size_t *outlen);

/* sim_rand: xorshift32 step (never returns 0 for a non-zero state). */
uint32_t sim_rand(uint32_t *state);

#endif
