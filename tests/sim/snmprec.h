/*
 * snmprec — load an snmpsim "snmprec" walk (OID|TAG|VALUE lines) into a sorted, read-only
 * table that many simulated devices share (test code: the device simulator).
 *
 * Rules (PROTOCOLS.md §8): split each line on the first two '|' only; skip empty lines and
 * '#' comments; tags 2 4 5 6 64 65 66 67 68 70, an 'x' suffix means the value is hex; a
 * variation-module tag 'N:module' is type N, and only 'writecache' gives a value (its
 * "value=..." option), other modules are skipped; a line whose OID or value does not parse
 * (e.g. anonymised 'xx' arcs) is skipped and counted, never fatal. Records are sorted by OID;
 * of duplicate OIDs the first in the file wins. Values are stored as BER content octets, so
 * answering is a copy.
 *
 * A walk is immutable after loading: lookups are safe from anywhere; snmprec_free releases it.
 */
#ifndef SIM_SNMPREC_H
#define SIM_SNMPREC_H

#include <stddef.h>
#include <stdint.h>

#define SNMPREC_MAX_VALUE 65535 /* octets of one value */

struct snmprec_rec {
	uint32_t arc_off; /* into walk->arcs */
	uint32_t val_off; /* into walk->vals */
	uint32_t val_len;
	uint8_t narcs;
	uint8_t tag; /* BER tag (enum ber_tag) */
};

struct snmprec_walk {
	char *path;     /* as given to snmprec_load (owned) */
	size_t n;       /* records */
	struct snmprec_rec *rec;
	uint32_t *arcs;
	uint8_t *vals;
	size_t lines;   /* data lines read (not comments or empty lines) */
	size_t skipped; /* of those: invalid OID or value, variation module, duplicate */
};

/* snmprec_parse: a walk from the LEN bytes of TEXT; PATH names it (copied).
 * Returns the walk (caller frees with snmprec_free) or NULL when out of memory. */
struct snmprec_walk *snmprec_parse(const char *text, size_t len, const char *path);

/* snmprec_load: read and parse the file PATH (at most 256 MiB).
 * Returns the walk or NULL with a message in ERR. */
struct snmprec_walk *snmprec_load(const char *path, char *err, size_t errlen);

void snmprec_free(struct snmprec_walk *w);

/* snmprec_oid: the arcs of record I. */
static inline const uint32_t *snmprec_oid(const struct snmprec_walk *w, size_t i)
{
	return w->arcs + w->rec[i].arc_off;
}

/* snmprec_lower_bound: index of the first record whose OID is >= ARCS[0..N) (w->n if none). */
size_t snmprec_lower_bound(const struct snmprec_walk *w, const uint32_t *arcs, size_t n);

/* snmprec_find: index of the record with exactly this OID, or -1. */
long snmprec_find(const struct snmprec_walk *w, const uint32_t *arcs, size_t n);

/* snmprec_next: index of the first record whose OID is > ARCS[0..N) (w->n if none). */
size_t snmprec_next(const struct snmprec_walk *w, const uint32_t *arcs, size_t n);

/* oid_cmp: lexicographic order of OIDs, as SNMP walks them. */
int oid_cmp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* oid_parse: dotted decimal ("1.3.6.1" or ".1.3.6.1") into ARCS (capacity CAP).
 * Returns 0, or -1 when empty, not digits, an arc over 32 bits or more than CAP arcs. */
int oid_parse(const char *s, size_t len, uint32_t *arcs, size_t cap, size_t *n);

/* oid_format: dotted decimal (no leading dot) into BUF. Returns BUF. */
char *oid_format(const uint32_t *arcs, size_t n, char *buf, size_t size);

/* snmprec_value: a value as the snmprec TAG text says ("2", "4x", "70", "4:writecache", ...)
 * into a BER tag and content octets (OUT, capacity CAP; SNMPREC_MAX_VALUE is enough).
 * Returns 0, -1 when the tag or value is invalid, 1 when it is a variation to skip. */
int snmprec_value(const char *tag, size_t taglen, const char *val, size_t vlen, uint8_t *tag_out,
		  uint8_t *out, size_t cap, size_t *outlen);

#endif
