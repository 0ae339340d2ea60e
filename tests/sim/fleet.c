/*
 * fleet.c — devices, the shared walk cache, fleet files, the generator, per-device keys.
 */
#include "fleet.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EMPTY UINT32_MAX
#define LINE_MAX_TOKENS 128

static const uint32_t oid_sys_descr[] = {1, 3, 6, 1, 2, 1, 1, 1, 0};
static const uint32_t oid_sys_contact[] = {1, 3, 6, 1, 2, 1, 1, 4, 0};
static const uint32_t oid_sys_name[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
static const uint32_t oid_sys_location[] = {1, 3, 6, 1, 2, 1, 1, 6, 0};
static const uint32_t oid_if_phys[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 6};
static const uint32_t oid_prt_serial[] = {1, 3, 6, 1, 2, 1, 43, 5, 1, 1, 17};
static const uint32_t oid_ent_serial[] = {1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1, 11};
static const uint32_t oid_supply_max[] = {1, 3, 6, 1, 2, 1, 43, 11, 1, 1, 8};
static const uint32_t oid_supply_level[] = {1, 3, 6, 1, 2, 1, 43, 11, 1, 1, 9};
#define N(a) (sizeof(a) / sizeof(a)[0])

/* vendor serial numbers (PROTOCOLS.md §1.8) */
static const char *const vendor_serials[] = {
	"1.3.6.1.4.1.1347.43.5.1.1.28.1",      /* Kyocera / UTAX */
	"1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0", /* Brother */
	"1.3.6.1.4.1.367.3.2.1.2.1.4.0",       /* Ricoh */
	"1.3.6.1.4.1.683.1.5.0",               /* Zebra ESI print server */
	"1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0",  /* HP serial-number.0 */
};

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- addresses ---- */

int fleet_parse_addr(const char *s, uint16_t default_port, uint32_t *addr, uint16_t *port)
{
	unsigned a, b, c, d, p = default_port;
	int n = -1;

	if (sscanf(s, "%3u.%3u.%3u.%3u%n", &a, &b, &c, &d, &n) != 4 || n < 7)
		return -1;
	if (s[n] == ':') {
		char *end;
		unsigned long v;
		errno = 0;
		v = strtoul(s + n + 1, &end, 10);
		if (errno || *end || end == s + n + 1 || v == 0 || v > 65535)
			return -1;
		p = (unsigned)v;
	} else if (s[n] != '\0') {
		return -1;
	}
	if (a != 127 || b > 255 || c > 255 || d > 255)
		return -1; /* loopback only: never anything that could leave the machine */
	*addr = a << 24 | b << 16 | c << 8 | d;
	if (*addr == 0x7f000000u || *addr == 0x7fffffffu)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

char *fleet_format_addr(uint32_t addr, uint16_t port, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u:%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff, (unsigned)port);
	return buf;
}

/* ---- the address hash ---- */

static size_t hash_slot(uint32_t addr, uint16_t port, size_t cap)
{
	uint32_t h = addr * 0x9e3779b1u ^ (uint32_t)port * 0x85ebca77u;

	h ^= h >> 15;
	return h & (cap - 1);
}

static int hash_rebuild(struct fleet *f)
{
	size_t cap = 16, i;
	uint32_t *h;

	while (cap < 2 * f->live + 2)
		cap *= 2;
	h = malloc(cap * sizeof *h);
	if (!h)
		return -1;
	for (i = 0; i < cap; i++)
		h[i] = EMPTY;
	for (i = 0; i < f->n; i++) {
		size_t s;
		if (f->dev[i].removed)
			continue;
		s = hash_slot(f->dev[i].addr, f->dev[i].port, cap);
		while (h[s] != EMPTY)
			s = (s + 1) & (cap - 1);
		h[s] = (uint32_t)i;
	}
	free(f->hash);
	f->hash = h;
	f->hash_cap = cap;
	return 0;
}

long fleet_find(const struct fleet *f, uint32_t addr, uint16_t port)
{
	size_t s;

	if (!f->hash)
		return -1;
	s = hash_slot(addr, port, f->hash_cap);
	while (f->hash[s] != EMPTY) {
		const struct device *d = &f->dev[f->hash[s]];
		if (d->addr == addr && d->port == port && !d->removed)
			return (long)f->hash[s];
		s = (s + 1) & (f->hash_cap - 1);
	}
	return -1;
}

/* ---- setup ---- */

void fleet_init(struct fleet *f, uint16_t default_port, const char *snmprec_dir)
{
	memset(f, 0, sizeof *f);
	f->default_port = default_port;
	f->snmprec_dir = snmprec_dir;
}

void fleet_free(struct fleet *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (!f->dev[i].removed && f->ops.release)
			f->ops.release(f->ops.ctx, f, i);
		ovr_free(f->dev[i].ovr);
	}
	for (i = 0; i < f->nwalks; i++)
		snmprec_free(f->walks[i]);
	for (i = 0; i < f->ncommunities; i++)
		free(f->communities[i]);
	free(f->dev);
	free(f->walks);
	free(f->communities);
	free(f->hash);
	memset(f, 0, sizeof *f);
}

static long community_index(struct fleet *f, const char *c)
{
	size_t i;
	char **nc, *dup;

	for (i = 0; i < f->ncommunities; i++) {
		if (strcmp(f->communities[i], c) == 0)
			return (long)i;
	}
	if (f->ncommunities >= UINT16_MAX || strlen(c) > 255)
		return -1;
	nc = realloc(f->communities, (f->ncommunities + 1) * sizeof *nc);
	if (!nc)
		return -1;
	f->communities = nc;
	dup = strdup(c);
	if (!dup)
		return -1;
	f->communities[f->ncommunities] = dup;
	return (long)f->ncommunities++;
}

/* walk_index: the shared walk for NAME, loading it on first use. */
static long walk_index(struct fleet *f, const char *name, const char *basedir, char *err,
		       size_t errlen)
{
	char cand[PATH_MAX], real[PATH_MAX];
	const char *found = NULL;
	struct snmprec_walk *w, **nw;
	size_t i;

	if (name[0] == '/') {
		found = name;
	} else {
		if (f->snmprec_dir) {
			snprintf(cand, sizeof cand, "%s/%s", f->snmprec_dir, name);
			if (access(cand, R_OK) == 0)
				found = cand;
		}
		if (!found && basedir) {
			snprintf(cand, sizeof cand, "%s/%s", basedir, name);
			if (access(cand, R_OK) == 0)
				found = cand;
		}
		if (!found)
			found = name;
	}
	if (!realpath(found, real)) {
		errf(err, errlen, "walk %s: %s (looked in %s%s%s)", name, strerror(errno),
		     f->snmprec_dir ? f->snmprec_dir : "", basedir ? " and " : "",
		     basedir ? basedir : "");
		return -1;
	}
	for (i = 0; i < f->nwalks; i++) {
		if (strcmp(f->walks[i]->path, real) == 0)
			return (long)i;
	}
	if (f->nwalks >= UINT16_MAX) {
		errf(err, errlen, "too many different walks");
		return -1;
	}
	w = snmprec_load(real, err, errlen);
	if (!w)
		return -1;
	if (w->n == 0) {
		errf(err, errlen, "walk %s has no usable records", real);
		snmprec_free(w);
		return -1;
	}
	nw = realloc(f->walks, (f->nwalks + 1) * sizeof *nw);
	if (!nw) {
		snmprec_free(w);
		errf(err, errlen, "out of memory");
		return -1;
	}
	f->walks = nw;
	f->walks[f->nwalks] = w;
	return (long)f->nwalks++;
}

/* add_device: a new live device, bound through the ops. Returns its index or -1. */
static long add_device(struct fleet *f, uint32_t addr, uint16_t port, size_t community,
		       size_t walk, char *err, size_t errlen)
{
	struct device *d;
	uint32_t up;
	size_t i;

	if (fleet_find(f, addr, port) >= 0) {
		char a[32];
		errf(err, errlen, "%s is already a device", fleet_format_addr(addr, port, a, sizeof a));
		return -1;
	}
	if (f->n >= UINT32_MAX - 1) {
		errf(err, errlen, "too many devices");
		return -1;
	}
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 64;
		struct device *nd = realloc(f->dev, ncap * sizeof *nd);
		if (!nd) {
			errf(err, errlen, "out of memory");
			return -1;
		}
		f->dev = nd;
		f->cap = ncap;
	}
	i = f->n;
	d = &f->dev[i];
	memset(d, 0, sizeof *d);
	d->addr = addr;
	d->port = port;
	d->community = (uint16_t)community;
	d->walk = (uint16_t)walk;
	d->fd = -1;
	d->rng = addr ^ ((uint32_t)port << 16) ^ 0x2545f491u;
	d->boot_ms = f->now_ms;
	if (agent_walk_uptime(f->walks[walk], &up))
		d->boot_ms -= (int64_t)up * 10;
	f->n++;
	if (f->ops.rebind && f->ops.rebind(f->ops.ctx, f, i, addr, port, err, errlen) != 0) {
		f->n--;
		return -1;
	}
	f->live++;
	if (2 * f->live + 2 > f->hash_cap) {
		if (hash_rebuild(f) != 0)
			goto oom;
	} else {
		size_t s = hash_slot(addr, port, f->hash_cap);
		while (f->hash[s] != EMPTY)
			s = (s + 1) & (f->hash_cap - 1);
		f->hash[s] = (uint32_t)i;
	}
	return (long)i;
oom:
	errf(err, errlen, "out of memory");
	fleet_remove(f, i);
	return -1;
}

int fleet_move(struct fleet *f, size_t dev, uint32_t addr, uint16_t port, char *err,
	       size_t errlen)
{
	struct device *d = &f->dev[dev];

	if (d->addr == addr && d->port == port)
		return 0;
	if (fleet_find(f, addr, port) >= 0) {
		char a[32];
		errf(err, errlen, "%s is already a device", fleet_format_addr(addr, port, a, sizeof a));
		return -1;
	}
	if (f->ops.rebind && f->ops.rebind(f->ops.ctx, f, dev, addr, port, err, errlen) != 0)
		return -1;
	d = &f->dev[dev];
	d->addr = addr;
	d->port = port;
	if (hash_rebuild(f) != 0) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void fleet_remove(struct fleet *f, size_t dev)
{
	struct device *d = &f->dev[dev];

	if (d->removed)
		return;
	if (f->ops.release)
		f->ops.release(f->ops.ctx, f, dev);
	d = &f->dev[dev];
	ovr_free(d->ovr);
	d->ovr = NULL;
	d->removed = 1;
	d->fd = -1;
	f->live--;
	hash_rebuild(f); /* on failure the old table still finds it, but fleet_find checks removed */
}

void fleet_view(const struct fleet *f, size_t dev, struct agent_view *v)
{
	const struct device *d = &f->dev[dev];
	int64_t up = (f->now_ms - d->boot_ms) / 10;

	v->walk = f->walks[d->walk];
	v->ovr = d->ovr;
	v->uptime_cs = (uint32_t)(up < 0 ? 0 : up); /* TimeTicks wrap at 2^32, as real ones do */
}

/* ---- values ---- */

int fleet_value(const char *type, const char *val, uint8_t *tag, uint8_t *out, size_t cap,
		size_t *outlen)
{
	static const struct {
		const char *name, *tag;
	} names[] = {
		{"i", "2"}, {"integer", "2"}, {"s", "4"}, {"string", "4"}, {"x", "4x"},
		{"hex", "4x"}, {"o", "6"}, {"oid", "6"}, {"a", "64"}, {"ipaddress", "64"},
		{"c", "65"}, {"counter32", "65"}, {"g", "66"}, {"u", "66"}, {"gauge32", "66"},
		{"t", "67"}, {"timeticks", "67"}, {"C", "70"}, {"counter64", "70"},
		{"opaque", "68x"}, {"n", "5"}, {"null", "5"},
	};
	const char *t = type;
	size_t i, tl, vl = strlen(val);
	char *clean = NULL;
	int rc;

	for (i = 0; i < N(names); i++) {
		if (strcmp(type, names[i].name) == 0) {
			t = names[i].tag;
			break;
		}
	}
	tl = strlen(t);
	if (strchr(t, ':'))
		return -1; /* variation modules only come from walk files */
	if (tl > 0 && t[tl - 1] == 'x') {
		/* hex: allow "0a 0b", "0a:0b", "0x0a0b" */
		size_t k = 0;
		clean = malloc(vl + 1);
		if (!clean)
			return -1;
		if (vl >= 2 && val[0] == '0' && (val[1] == 'x' || val[1] == 'X'))
			val += 2;
		for (; *val; val++) {
			if (*val != ' ' && *val != ':' && *val != '\t' && *val != '-')
				clean[k++] = *val;
		}
		clean[k] = '\0';
		val = clean;
		vl = k;
	}
	rc = snmprec_value(t, tl, val, vl, tag, out, cap, outlen);
	free(clean);
	return rc == 0 ? 0 : -1;
}

/* set_oid: one override, from arcs. */
static int set_oid(struct fleet *f, size_t dev, const uint32_t *arcs, size_t n, uint8_t tag,
		   const uint8_t *val, size_t vlen, char *err, size_t errlen)
{
	struct device *d = &f->dev[dev];

	if (ovr_set_value(&d->ovr, f->walks[d->walk], arcs, n, tag, val, vlen) != 0) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int set_string(struct fleet *f, size_t dev, const uint32_t *arcs, size_t n,
		      const char *s, char *err, size_t errlen)
{
	return set_oid(f, dev, arcs, n, BER_OCTETS, (const uint8_t *)s, strlen(s), err, errlen);
}

static int prefix_of(const struct snmprec_walk *w, size_t i, const uint32_t *pfx, size_t n)
{
	return w->rec[i].narcs > n && oid_cmp(snmprec_oid(w, i), n, pfx, n) == 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	size_t k = 0;

	while (*s && k < 12) {
		int v;
		if (*s == ':' || *s == '-' || *s == '.') {
			s++;
			continue;
		}
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (k % 2 == 0)
			mac[k / 2] = (uint8_t)(v << 4);
		else
			mac[k / 2] |= (uint8_t)v;
		k++;
		s++;
	}
	return k == 12 && *s == '\0' ? 0 : -1;
}

static int key_mac(struct fleet *f, size_t dev, const char *val, char *err, size_t errlen)
{
	const struct snmprec_walk *w = f->walks[f->dev[dev].walk];
	uint8_t mac[6], m[6];
	uint32_t k = 0;
	size_t i;

	if (parse_mac(val, mac) != 0) {
		errf(err, errlen, "mac=%s: not a MAC address", val);
		return -1;
	}
	for (i = snmprec_lower_bound(w, oid_if_phys, N(oid_if_phys));
	     i < w->n && prefix_of(w, i, oid_if_phys, N(oid_if_phys)); i++) {
		const uint8_t *v = w->vals + w->rec[i].val_off;
		uint32_t low;
		if (w->rec[i].val_len != 6 || !(v[0] | v[1] | v[2] | v[3] | v[4] | v[5]))
			continue;
		memcpy(m, mac, 6);
		low = ((uint32_t)m[3] << 16 | (uint32_t)m[4] << 8 | m[5]) + k++;
		m[3] = (uint8_t)(low >> 16);
		m[4] = (uint8_t)(low >> 8);
		m[5] = (uint8_t)low;
		if (set_oid(f, dev, snmprec_oid(w, i), w->rec[i].narcs, BER_OCTETS, m, 6, err,
			    errlen) != 0)
			return -1;
	}
	return 0;
}

/* descr_with_serial: sysDescr with the token after "S/N " or "SN:" replaced; 0 if none. */
static int descr_with_serial(const struct snmprec_walk *w, const char *serial, char *out,
			     size_t cap)
{
	long i = snmprec_find(w, oid_sys_descr, N(oid_sys_descr));
	const char *v, *hit = NULL, *end;
	size_t len, skip = 0, pos;

	if (i < 0 || w->rec[i].tag != BER_OCTETS)
		return 0;
	v = (const char *)w->vals + w->rec[i].val_off;
	len = w->rec[i].val_len;
	for (pos = 0; pos + 3 <= len && !hit; pos++) {
		if (pos + 4 <= len && memcmp(v + pos, "S/N ", 4) == 0) {
			hit = v + pos;
			skip = 4;
		} else if (memcmp(v + pos, "SN:", 3) == 0) {
			hit = v + pos;
			skip = 3;
		}
	}
	if (!hit)
		return 0;
	end = hit + skip;
	while ((size_t)(end - v) < len && *end != ';' && *end != ',' && *end != ' ')
		end++;
	if ((size_t)(hit - v) + skip + strlen(serial) + (len - (size_t)(end - v)) + 1 > cap)
		return 0;
	pos = (size_t)(hit - v) + skip;
	memcpy(out, v, pos);
	memcpy(out + pos, serial, strlen(serial));
	pos += strlen(serial);
	memcpy(out + pos, end, len - (size_t)(end - v));
	pos += len - (size_t)(end - v);
	out[pos] = '\0';
	return 1;
}

static int key_serial(struct fleet *f, size_t dev, const char *val, char *err, size_t errlen)
{
	const struct snmprec_walk *w = f->walks[f->dev[dev].walk];
	uint32_t arcs[BER_MAX_ARCS];
	char descr[2048];
	size_t i, n;

	for (i = snmprec_lower_bound(w, oid_prt_serial, N(oid_prt_serial));
	     i < w->n && prefix_of(w, i, oid_prt_serial, N(oid_prt_serial)); i++) {
		if (set_string(f, dev, snmprec_oid(w, i), w->rec[i].narcs, val, err, errlen) != 0)
			return -1;
	}
	for (i = 0; i < N(vendor_serials); i++) {
		if (oid_parse(vendor_serials[i], strlen(vendor_serials[i]), arcs, BER_MAX_ARCS, &n) == 0 &&
		    snmprec_find(w, arcs, n) >= 0 && set_string(f, dev, arcs, n, val, err, errlen) != 0)
			return -1;
	}
	for (i = snmprec_lower_bound(w, oid_ent_serial, N(oid_ent_serial));
	     i < w->n && prefix_of(w, i, oid_ent_serial, N(oid_ent_serial)); i++) {
		if (w->rec[i].val_len == 0)
			continue;
		if (set_string(f, dev, snmprec_oid(w, i), w->rec[i].narcs, val, err, errlen) != 0)
			return -1;
		break; /* the chassis (first non-empty) only */
	}
	if (descr_with_serial(w, val, descr, sizeof descr) &&
	    set_string(f, dev, oid_sys_descr, N(oid_sys_descr), descr, err, errlen) != 0)
		return -1;
	return 0;
}

static int key_level(struct fleet *f, size_t dev, const char *idx, const char *val, char *err,
		     size_t errlen)
{
	const struct snmprec_walk *w = f->walks[f->dev[dev].walk];
	uint8_t tag, buf[16];
	size_t i, len, hits = 0;
	char *end;
	unsigned long supply;

	errno = 0;
	supply = strtoul(idx, &end, 10);
	if (errno || *end || end == idx || supply > UINT32_MAX) {
		errf(err, errlen, "level.%s: the supply index is not a number", idx);
		return -1;
	}
	if (fleet_value("2", val, &tag, buf, sizeof buf, &len) != 0) {
		errf(err, errlen, "level.%s=%s: not an integer", idx, val);
		return -1;
	}
	for (i = snmprec_lower_bound(w, oid_supply_level, N(oid_supply_level));
	     i < w->n && prefix_of(w, i, oid_supply_level, N(oid_supply_level)); i++) {
		const uint32_t *a = snmprec_oid(w, i);
		if (w->rec[i].narcs != N(oid_supply_level) + 2 || a[w->rec[i].narcs - 1] != supply)
			continue;
		if (set_oid(f, dev, a, w->rec[i].narcs, tag, buf, len, err, errlen) != 0)
			return -1;
		hits++;
	}
	if (!hits) {
		errf(err, errlen, "level.%s: the walk has no supply %s", idx, idx);
		return -1;
	}
	return 0;
}

static int on_off(const char *v)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0)
		return 1;
	if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0 || strcmp(v, "no") == 0)
		return 0;
	return -1;
}

int fleet_apply_key(struct fleet *f, size_t dev, const char *key, const char *val, char *err,
		    size_t errlen)
{
	struct device *d = &f->dev[dev];

	if (strcmp(key, "name") == 0)
		return set_string(f, dev, oid_sys_name, N(oid_sys_name), val, err, errlen);
	if (strcmp(key, "location") == 0)
		return set_string(f, dev, oid_sys_location, N(oid_sys_location), val, err, errlen);
	if (strcmp(key, "contact") == 0)
		return set_string(f, dev, oid_sys_contact, N(oid_sys_contact), val, err, errlen);
	if (strcmp(key, "descr") == 0)
		return set_string(f, dev, oid_sys_descr, N(oid_sys_descr), val, err, errlen);
	if (strcmp(key, "mac") == 0)
		return key_mac(f, dev, val, err, errlen);
	if (strcmp(key, "serial") == 0)
		return key_serial(f, dev, val, err, errlen);
	if (strncmp(key, "level.", 6) == 0)
		return key_level(f, dev, key + 6, val, err, errlen);
	if (strcmp(key, "delay") == 0) {
		char *end;
		unsigned long ms;
		errno = 0;
		ms = strtoul(val, &end, 10);
		if (errno || *end || end == val || ms > 600000) {
			errf(err, errlen, "delay=%s: milliseconds from 0 to 600000", val);
			return -1;
		}
		d->delay_ms = (uint32_t)ms;
		return 0;
	}
	if (strcmp(key, "silent") == 0) {
		int v = on_off(val);
		if (v < 0) {
			errf(err, errlen, "silent=%s: on or off", val);
			return -1;
		}
		d->silent = (uint8_t)v;
		return 0;
	}
	if (strcmp(key, "garbage") == 0) {
		int m = garbage_mode_parse(val);
		if (m < 0) {
			errf(err, errlen, "garbage=%s: on, off, random, truncated, wrongid, badber or badvalue", val);
			return -1;
		}
		d->garbage = (uint8_t)m;
		return 0;
	}
	if ((key[0] >= '0' && key[0] <= '9') || key[0] == '.') {
		uint32_t arcs[BER_MAX_ARCS];
		uint8_t tag, *buf;
		size_t n, len;
		const char *colon;
		char type[16];
		int rc;

		if (oid_parse(key, strlen(key), arcs, BER_MAX_ARCS, &n) != 0 || ber_oid_size(arcs, n) == 0) {
			errf(err, errlen, "%s: not an OID", key);
			return -1;
		}
		if (strcmp(val, "-") == 0) {
			if (ovr_hide(&d->ovr, f->walks[d->walk], arcs, n) != 0) {
				errf(err, errlen, "out of memory");
				return -1;
			}
			return 0;
		}
		colon = strchr(val, ':');
		if (!colon || (size_t)(colon - val) >= sizeof type) {
			errf(err, errlen, "%s=%s: want TAG:VALUE (e.g. 4:text, 2:42, 4x:0a0b) or -", key, val);
			return -1;
		}
		memcpy(type, val, (size_t)(colon - val));
		type[colon - val] = '\0';
		buf = malloc(SNMPREC_MAX_VALUE);
		if (!buf) {
			errf(err, errlen, "out of memory");
			return -1;
		}
		rc = fleet_value(type, colon + 1, &tag, buf, SNMPREC_MAX_VALUE, &len);
		if (rc != 0)
			errf(err, errlen, "%s=%s: not a valid value of type %s", key, val, type);
		else
			rc = set_oid(f, dev, arcs, n, tag, buf, len, err, errlen);
		free(buf);
		return rc;
	}
	errf(err, errlen, "unknown key %s (name, location, contact, descr, mac, serial, level.N, delay, silent, garbage, or an OID)", key);
	return -1;
}

/* ---- lines and files ---- */

int fleet_tokenize(const char *line, char *buf, size_t cap, char **tok, int max)
{
	size_t o = 0;
	int nt = 0;
	const char *p = line;

	for (;;) {
		int inq = 0;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (nt >= max)
			return -1;
		tok[nt++] = buf + o;
		while (*p && (inq || (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'))) {
			char c = *p++;
			if (c == '"') {
				inq = !inq;
				continue;
			}
			if (c == '\\' && *p)
				c = *p++;
			if (o + 1 >= cap)
				return -1;
			buf[o++] = c;
		}
		if (inq)
			return -1;
		if (o + 1 >= cap)
			return -1;
		buf[o++] = '\0';
	}
	return nt;
}

long fleet_add_line(struct fleet *f, const char *line, const char *basedir, char *err,
		    size_t errlen)
{
	char *tok[LINE_MAX_TOKENS], *buf;
	size_t len = strlen(line) + 1;
	int nt, i;
	uint32_t addr;
	uint16_t port;
	long ci, wi, dev = -1;

	buf = malloc(len + 1);
	if (!buf) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	nt = fleet_tokenize(line, buf, len + 1, tok, LINE_MAX_TOKENS);
	if (nt < 0) {
		errf(err, errlen, "unterminated quote or too many fields");
		goto out;
	}
	if (nt < 3) {
		errf(err, errlen, "want ADDRESS[:PORT] COMMUNITY SNMPREC_FILE [key=value ...]");
		goto out;
	}
	if (fleet_parse_addr(tok[0], f->default_port, &addr, &port) != 0) {
		errf(err, errlen, "%s: not an address in 127.0.0.0/8 (with an optional :PORT)", tok[0]);
		goto out;
	}
	ci = community_index(f, tok[1]);
	if (ci < 0) {
		errf(err, errlen, "community %s: too long or out of memory", tok[1]);
		goto out;
	}
	wi = walk_index(f, tok[2], basedir, err, errlen);
	if (wi < 0)
		goto out;
	for (i = 3; i < nt; i++) {
		if (!strchr(tok[i], '=') || tok[i][0] == '=') {
			errf(err, errlen, "%s: want key=value", tok[i]);
			goto out;
		}
	}
	dev = add_device(f, addr, port, (size_t)ci, (size_t)wi, err, errlen);
	if (dev < 0)
		goto out;
	for (i = 3; i < nt; i++) {
		char *eq = strchr(tok[i], '=');
		*eq = '\0';
		if (fleet_apply_key(f, (size_t)dev, tok[i], eq + 1, err, errlen) != 0) {
			fleet_remove(f, (size_t)dev);
			dev = -1;
			goto out;
		}
	}
	ovr_compact(&f->dev[dev].ovr);
out:
	free(buf);
	return dev;
}

long fleet_load_file(struct fleet *f, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *dir, *slash, msg[512];
	size_t cap = 0, lineno = 0;
	long added = 0;
	ssize_t got;

	if (!fp) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	dir = strdup(path);
	if (!dir) {
		fclose(fp);
		errf(err, errlen, "out of memory");
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
	} else {
		dir[0] = '.'; /* path is not empty, so dir has room for ".\0" */
		dir[1] = '\0';
	}
	while ((got = getline(&line, &cap, fp)) >= 0) {
		char *tok[1], tb[2];
		lineno++;
		/* skip blank and comment lines without the cost of a full parse */
		if (fleet_tokenize(line, tb, sizeof tb, tok, 0) == 0)
			continue;
		if (fleet_add_line(f, line, dir, msg, sizeof msg) < 0) {
			errf(err, errlen, "%s:%zu: %s", path, lineno, msg);
			added = -1;
			break;
		}
		added++;
	}
	free(line);
	free(dir);
	fclose(fp);
	return added;
}

/* ---- the generator ---- */

static uint32_t mix(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t h = a * 0x9e3779b1u ^ b * 0x85ebca77u ^ c * 0xc2b2ae3du;

	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

/* supply_levels: " level.S=V" for every supply with a capacity and a level; into OUT. */
static void supply_levels(const struct snmprec_walk *w, uint32_t seed, size_t dev, char *out,
			  size_t cap)
{
	size_t i, o = strlen(out);

	for (i = snmprec_lower_bound(w, oid_supply_level, N(oid_supply_level));
	     i < w->n && prefix_of(w, i, oid_supply_level, N(oid_supply_level)); i++) {
		const struct snmprec_rec *r = &w->rec[i];
		const uint32_t *a = snmprec_oid(w, i);
		uint32_t marcs[BER_MAX_ARCS];
		struct ber_tlv t;
		int64_t level, max;
		long mi;
		int wrote;

		if (r->narcs != N(oid_supply_level) + 2 || r->tag != BER_INTEGER)
			continue;
		t.tag = r->tag;
		t.p = w->vals + r->val_off;
		t.len = r->val_len;
		if (ber_int_value(&t, &level) != 0 || level < 0)
			continue; /* keep the special values (-2 unknown, -3 some remaining) */
		memcpy(marcs, a, r->narcs * sizeof *a);
		marcs[N(oid_supply_max) - 1] = 8;
		mi = snmprec_find(w, marcs, r->narcs);
		if (mi < 0 || w->rec[mi].tag != BER_INTEGER)
			continue;
		t.p = w->vals + w->rec[mi].val_off;
		t.len = w->rec[mi].val_len;
		if (ber_int_value(&t, &max) != 0 || max <= 0)
			continue;
		level = max * (int64_t)(3 + mix(seed, (uint32_t)dev, a[r->narcs - 1]) % 98) / 100;
		wrote = snprintf(out + o, cap - o, " level.%u=%lld", (unsigned)a[r->narcs - 1],
				 (long long)level);
		if (wrote < 0 || (size_t)wrote >= cap - o)
			return;
		o += (size_t)wrote;
	}
}

long fleet_generate(struct fleet *f, const struct fleet_gen *g, FILE *out, char *err,
		    size_t errlen)
{
	long *walk = NULL;
	char line[4096], msg[512], a[32];
	uint32_t addr = g->base;
	unsigned store = g->store_size ? g->store_size : 10;
	size_t i;
	long added = 0;

	if (g->nwalks == 0) {
		errf(err, errlen, "--generate needs --walks");
		return -1;
	}
	walk = calloc(g->nwalks, sizeof *walk);
	if (!walk) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < g->nwalks; i++) {
		walk[i] = walk_index(f, g->walks[i], NULL, err, errlen);
		if (walk[i] < 0) {
			free(walk);
			return -1;
		}
	}
	for (i = 0; i < g->count; i++) {
		const struct snmprec_walk *w;
		int printer;
		unsigned s, k;

		while ((addr & 0xff) == 0 || (addr & 0xff) == 0xff)
			addr++;
		if ((addr >> 24) != 127 || addr == 0x7fffffffu) {
			errf(err, errlen, "--generate %zu from --base runs out of 127.0.0.0/8", g->count);
			added = -1;
			break;
		}
		w = f->walks[walk[i % g->nwalks]];
		printer = snmprec_lower_bound(w, oid_supply_level, N(oid_supply_level)) < w->n &&
			  prefix_of(w, snmprec_lower_bound(w, oid_supply_level, N(oid_supply_level)),
				    oid_supply_level, N(oid_supply_level));
		s = (unsigned)(i / store) + 1;
		k = (unsigned)(i % store) + 1;
		snprintf(line, sizeof line,
			 "%s \"%s\" \"%s\" name=st%04u-%s%02u location=\"Store %04u\" "
			 "mac=02:53:%02x:%02x:%02x:00 serial=SIM%08zu",
			 fleet_format_addr(addr, g->port, a, sizeof a), g->community, w->path, s,
			 printer ? "prn" : "dev", k, s, (unsigned)((i >> 16) & 0xff),
			 (unsigned)((i >> 8) & 0xff), (unsigned)(i & 0xff), i + 1);
		supply_levels(w, g->seed, i, line, sizeof line);
		if (fleet_add_line(f, line, NULL, msg, sizeof msg) < 0) {
			errf(err, errlen, "generated device %zu (%s): %s", i + 1, a, msg);
			added = -1;
			break;
		}
		if (out)
			fprintf(out, "%s\n", line);
		added++;
		addr++;
	}
	free(walk);
	return added;
}
