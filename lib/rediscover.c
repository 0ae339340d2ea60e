#include "rediscover.h"

#include "arena.h"
#include "mac.h"
#include "snmp_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEIGHBOURS 16
#define ARP_MAX_BYTES (1u << 20)

size_t rediscover_parse_arp(const char *text, const char *mac, char (*out)[16], size_t max)
{
	size_t n = 0;

	/* "IP address  HW type  Flags  HW address  Mask  Device", one entry per line. */
	for (const char *line = strchr(text, '\n'); line != NULL && n < max;
	     line = strchr(line, '\n')) {
		char ip[64], hw[64], flags[16], canon[MAC_TEXT];
		unsigned long fl;

		line++;
		if (sscanf(line, "%63s %*s %15s %63s", ip, flags, hw) != 3)
			continue;
		fl = strtoul(flags, NULL, 16);
		if (!(fl & 0x2) || strlen(ip) >= 16 || !mac_normalize(hw, canon) ||
		    strcmp(canon, mac) != 0)
			continue;
		memcpy(out[n++], ip, strlen(ip) + 1);
	}
	return n;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(ARP_MAX_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, ARP_MAX_BYTES, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is addr one of the (sorted copy of the) store's hosts? */
static bool listed(const char *const *sorted, size_t n, const char *addr)
{
	return bsearch(&addr, sorted, n, sizeof *sorted, cmp_str) != NULL;
}

/* Does the job's ifPhysAddress walk contain mac? */
static bool answers_with(const struct snmp_job *j, const char *mac)
{
	if (j->status != SNMP_OK)
		return false;
	for (size_t i = 0; i < j->nvbs; i++) {
		const struct snmp_varbind *vb = &j->vbs[i];
		char text[MAC_TEXT];

		if (vb->type != SNMP_TYPE_OCTET_STRING || vb->len != 6)
			continue;
		snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", vb->bytes[0],
			 vb->bytes[1], vb->bytes[2], vb->bytes[3], vb->bytes[4], vb->bytes[5]);
		if (strcmp(text, mac) == 0)
			return true;
	}
	return false;
}

/* Ask every address for its interface MACs; the first (in the given order) that lists mac. */
static int confirm(const struct rediscover_request *rq, const struct snmp_options *o,
		   const char *const *addrs, size_t n, struct arena *a, char found[16],
		   struct err *e)
{
	struct snmp_oid *walk = arena_alloc(a, sizeof *walk);
	struct snmp_job *jobs = calloc(n ? n : 1, sizeof *jobs);
	struct snmp_options quick = *o;
	int rc;

	if (walk == NULL || jobs == NULL) {
		free(jobs);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	snmp_oid_parse("1.3.6.1.2.1.2.2.1.6", walk); /* ifPhysAddress */
	for (size_t i = 0; i < n; i++)
		jobs[i] = (struct snmp_job){ .host = addrs[i], .port = rq->snmp_port,
					     .community = rq->community, .walks = walk, .nwalks = 1,
					     .v1_only = rq->v1_only };
	/* A sweep mostly meets silence: one try, no second version, per address. */
	quick.retries = 0;
	quick.v1_fallback = false;
	rc = snmp_run(&quick, jobs, n, a, e);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (answers_with(&jobs[i], rq->mac)) {
			snprintf(found, 16, "%s", addrs[i]);
			free(jobs);
			return 0;
		}
	free(jobs);
	return rc != 0 ? rc : ERR_NOTFOUND;
}

int rediscover_mac(const struct rediscover_request *rq, const struct snmp_options *o,
		   struct arena *a, struct rediscover_result *out, struct err *e)
{
	char neigh[MAX_NEIGHBOURS][16];
	const char *cand[MAX_NEIGHBOURS];
	const char **sorted, **sweep;
	size_t nn = 0, nc = 0, ns = 0;
	char *arp;
	int rc;

	memset(out, 0, sizeof *out);
	if (rq->nhosts == 0)
		return err_set(e, ERR_INVALID, "the store has no subnets to look in");
	sorted = arena_alloc(a, rq->nhosts * sizeof *sorted);
	sweep = arena_alloc(a, rq->nhosts * sizeof *sweep);
	if (sorted == NULL || sweep == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	memcpy(sorted, rq->hosts, rq->nhosts * sizeof *sorted);
	qsort(sorted, rq->nhosts, sizeof *sorted, cmp_str);

	arp = read_text(rq->neigh_path != NULL ? rq->neigh_path : "/proc/net/arp");
	if (arp != NULL) {
		nn = rediscover_parse_arp(arp, rq->mac, neigh, MAX_NEIGHBOURS);
		free(arp);
	}
	for (size_t i = 0; i < nn; i++)
		if (strcmp(neigh[i], rq->old_address) != 0 &&
		    listed(sorted, rq->nhosts, neigh[i]))
			cand[nc++] = neigh[i];
	out->neighbours = nc;
	if (nc > 0) {
		rc = confirm(rq, o, cand, nc, a, out->address, e);
		if (rc != ERR_NOTFOUND)
			return rc;
	}
	for (size_t i = 0; i < rq->nhosts; i++)
		if (strcmp(rq->hosts[i], rq->old_address) != 0)
			sweep[ns++] = rq->hosts[i];
	out->swept = ns;
	rc = confirm(rq, o, sweep, ns, a, out->address, e);
	if (rc == ERR_NOTFOUND)
		err_set(e, ERR_NOTFOUND, "MAC %s not found (%zu neighbour entries, %zu addresses "
			"asked)", rq->mac, nc, ns);
	return rc;
}
