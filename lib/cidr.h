/*
 * cidr — IPv4 networks in CIDR notation ("10.1.2.0/24"): parsing, membership, the hosts a
 * network holds, and the rules a store's list of subnets follows (SPEC §1). Pure: no I/O and
 * no allocation, so the web app, batch jobs (discovery, IP rediscovery) and unit tests share it.
 *
 * Parsing is strict, so what is stored reads back exactly as typed: four decimal octets 0..255
 * without leading zeros, '/', a prefix length 0..32 without leading zeros, nothing before or
 * after. A network with host bits set ("10.1.2.3/24") is refused, as PostgreSQL's cidr type
 * refuses it, and the message names the network that was probably meant. Addresses are
 * uint32_t in host byte order (10.1.2.3 = 0x0a010203).
 */
#ifndef INFRASCOPE_CIDR_H
#define INFRASCOPE_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CIDR_ADDR_TEXT 16          /* "255.255.255.255" + NUL */
#define CIDR_TEXT 19               /* "255.255.255.255/32" + NUL */
#define CIDR_SHOWN 48              /* a refused item as quoted in a message (bytes, with NUL) */

/* A store's subnets (SPEC §1): at most this many, each at least a /8 and at most a /32. */
#define CIDR_STORE_MAX 32
#define CIDR_STORE_MIN_PREFIX 8

struct cidr {
	uint32_t network;          /* host bits are zero */
	unsigned prefix;           /* 0..32 */
};

/* cidr_addr_parse — a dotted quad ("10.1.2.3") into *addr. 0 or ERR_INVALID with e. */
int cidr_addr_parse(const char *s, uint32_t *addr, struct err *e);

/* cidr_addr_format — addr as a dotted quad into buf (CIDR_ADDR_TEXT bytes). */
void cidr_addr_format(uint32_t addr, char buf[CIDR_ADDR_TEXT]);

/* cidr_mask — the netmask of a prefix length 0..32 (/24 → 0xffffff00). */
uint32_t cidr_mask(unsigned prefix);

/*
 * cidr_parse — "a.b.c.d/len" into *c. Returns 0, or ERR_INVALID with e saying why:
 * not CIDR notation, or host bits set ("10.1.2.3/24 has host bits set; did you mean
 * 10.1.2.0/24?").
 */
int cidr_parse(const char *s, struct cidr *c, struct err *e);

/* cidr_format — c as "a.b.c.d/len" into buf (CIDR_TEXT bytes). */
void cidr_format(const struct cidr *c, char buf[CIDR_TEXT]);

/* cidr_contains — whether addr lies in c (network and broadcast addresses included). */
bool cidr_contains(const struct cidr *c, uint32_t addr);

/* cidr_overlaps — whether a and b share an address (then one contains the other). */
bool cidr_overlaps(const struct cidr *a, const struct cidr *b);

/*
 * cidr_host_count — the addresses a scan of c visits: for /0../30 every address but the
 * network and broadcast ones (2^(32-len) - 2), for /31 both (RFC 3021), for /32 the one.
 */
uint64_t cidr_host_count(const struct cidr *c);

/*
 * cidr_host_at — the i-th of those hosts, in ascending order (i from 0). Returns 0 with *addr
 * set, or ERR_LIMIT when i >= cidr_host_count(c) (*addr untouched).
 */
int cidr_host_at(const struct cidr *c, uint64_t i, uint32_t *addr);

/* What is wrong with a list of subnets (cidr_list_check). */
enum cidr_fault {
	CIDR_FAULT_NONE = 0,
	CIDR_FAULT_SYNTAX,         /* item is not "a.b.c.d/len" */
	CIDR_FAULT_PREFIX,         /* prefix length outside CIDR_STORE_MIN_PREFIX..32 */
	CIDR_FAULT_HOST_BITS,      /* host bits set; other = the network meant */
	CIDR_FAULT_TOO_MANY,       /* more than CIDR_STORE_MAX items; index = the count */
	CIDR_FAULT_DUPLICATE,      /* the same network twice; other = its first mention */
	CIDR_FAULT_OVERLAP,        /* item lies inside other, or other inside item (see inner) */
};

struct cidr_problem {
	enum cidr_fault fault;
	size_t index;              /* the item at fault (0-based), or the count for TOO_MANY */
	char item[CIDR_SHOWN];     /* the item as typed, shortened and without control characters */
	char other[CIDR_TEXT];     /* see enum cidr_fault; "" when not used */
	bool inner;                /* OVERLAP: item is the smaller network (inside other) */
};

/*
 * cidr_list_check — a store's subnets: at most CIDR_STORE_MAX, each "a.b.c.d/len" with len
 * CIDR_STORE_MIN_PREFIX..32 and no host bits, no network twice, none inside another (a scan
 * would visit those addresses twice, and IP rediscovery could not tell which entry it found a
 * device by). On success returns 0 and fills out[0..n-1] (out holds at least
 * min(n, CIDR_STORE_MAX) entries). Otherwise ERR_INVALID: e has an English message naming
 * the item, and p (when not NULL) the fault and its details for a translated message.
 */
int cidr_list_check(const char *const *items, size_t n, struct cidr *out, struct cidr_problem *p,
		    struct err *e);

#endif
