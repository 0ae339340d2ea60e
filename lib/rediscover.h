/*
 * rediscover — find a printer that moved (DHCP gave it another address) by its MAC, inside
 * its store's subnets (SPEC §2 "IP rediscovery").
 *
 * 1. The neighbour table (/proc/net/arp): entries with the MAC inside the subnets are only
 *    candidates — an entry can outlive the host (TOOLCHAIN §8) — so each is confirmed by SNMP.
 * 2. Else a bounded sweep: every host address of the subnets (the caller lists them, at most
 *    REDISCOVERY_MAX_HOSTS; the old address excluded) is asked for its interface MACs.
 * A host counts only when its own SNMP answer lists the MAC among its interfaces: a device at
 * the old address, or one whose neighbour entry merely carries the MAC, is never taken for
 * the printer. The first confirmed address (lowest) wins.
 */
#ifndef INFRASCOPE_REDISCOVER_H
#define INFRASCOPE_REDISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "snmp.h"

struct arena;

struct rediscover_request {
	const char *mac;            /* canonical "aa:bb:cc:dd:ee:ff" */
	const char *old_address;    /* never a candidate */
	const char *const *hosts;   /* the store's subnets' host addresses, in order */
	size_t nhosts;
	const char *community;
	unsigned snmp_port;         /* 0 = 161 */
	bool v1_only;
	const char *neigh_path;     /* NULL = /proc/net/arp */
};

struct rediscover_result {
	char address[16];           /* where the MAC answers now */
	size_t neighbours;          /* candidates from the neighbour table */
	size_t swept;               /* addresses asked in the sweep */
};

/*
 * rediscover_mac — 0 and out->address when found; ERR_NOTFOUND when not (out's counters say
 * how far it looked); ERR_INVALID when there are no hosts to look at; ERR_NOMEM.
 */
int rediscover_mac(const struct rediscover_request *rq, const struct snmp_options *o,
		   struct arena *a, struct rediscover_result *out, struct err *e);

/*
 * rediscover_parse_arp — pure: the addresses in a /proc/net/arp text whose MAC equals mac
 * (complete entries only, flags 0x2), at most max into out[max][16]. Returns how many.
 */
size_t rediscover_parse_arp(const char *text, const char *mac, char (*out)[16], size_t max);

#endif
