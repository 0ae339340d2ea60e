/*
 * control.c — the line commands of control.h, table-driven.
 */
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 8

struct cmd;
typedef int (*cmd_fn)(struct fleet *f, const struct cmd *c, char **tok, int nt,
		      const char *rest, char *out, size_t outlen);

struct cmd {
	const char *name;
	int min_args, max_args; /* after the command word; -1: rest of line */
	int selector;           /* the first argument may be a prefix A.B.C.D/NN */
	cmd_fn fn;
	const char *usage;
};

static int reply(char *out, size_t outlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int reply(char *out, size_t outlen, int rc, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out, outlen, "%s", rc == 0 ? "ok" : "error ");

	if (n < 0 || (size_t)n >= outlen)
		return rc;
	if (rc == 0 && fmt[0])
		n += snprintf(out + n, outlen - (size_t)n, " ");
	if (n < 0 || (size_t)n >= outlen)
		return rc;
	va_start(ap, fmt);
	vsnprintf(out + n, outlen - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

/* selection: the devices one ADDRESS argument names. */
struct sel {
	long one;      /* a single device, or -1 for a prefix */
	uint32_t net, mask;
};

static int parse_sel(const struct fleet *f, const char *s, int allow_prefix, struct sel *out,
		     char *msg, size_t msglen)
{
	const char *slash = strchr(s, '/');
	uint32_t addr;
	uint16_t port;

	if (slash && allow_prefix) {
		char a[32];
		char *end;
		unsigned long bits;
		size_t al = (size_t)(slash - s);
		if (al >= sizeof a)
			goto bad;
		memcpy(a, s, al);
		a[al] = '\0';
		errno = 0;
		bits = strtoul(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || bits < 8 || bits > 32)
			goto bad;
		if (fleet_parse_addr(a, f->default_port, &addr, &port) != 0 && strcmp(a, "127.0.0.0") != 0)
			goto bad;
		if (strcmp(a, "127.0.0.0") == 0)
			addr = 0x7f000000u;
		out->one = -1;
		out->mask = bits == 32 ? UINT32_MAX : ~(UINT32_MAX >> bits);
		out->net = addr & out->mask;
		return 0;
	}
	if (fleet_parse_addr(s, f->default_port, &addr, &port) != 0)
		goto bad;
	out->one = fleet_find(f, addr, port);
	if (out->one < 0) {
		char a[32];
		snprintf(msg, msglen, "no device at %s", fleet_format_addr(addr, port, a, sizeof a));
		return -1;
	}
	return 0;
bad:
	snprintf(msg, msglen, "%s: want A.B.C.D[:PORT] in 127.0.0.0/8%s", s,
		 allow_prefix ? " or a prefix A.B.C.D/NN" : "");
	return -1;
}

/* sel_next: iterate the selected live devices; start with *I = -1. */
static int sel_next(const struct fleet *f, const struct sel *s, long *i)
{
	if (s->one >= 0) {
		if (*i >= 0)
			return 0;
		*i = s->one;
		return 1;
	}
	for ((*i)++; (size_t)*i < f->n; (*i)++) {
		const struct device *d = &f->dev[*i];
		if (!d->removed && (d->addr & s->mask) == s->net)
			return 1;
	}
	return 0;
}

/* ---- commands over a selection ---- */

static int for_each(struct fleet *f, const char *selstr,
		    int (*fn)(struct fleet *f, size_t dev, void *arg, char *msg, size_t msglen),
		    void *arg, char *out, size_t outlen)
{
	struct sel s;
	char msg[512];
	long i = -1;
	size_t hits = 0;

	if (parse_sel(f, selstr, 1, &s, msg, sizeof msg) != 0)
		return reply(out, outlen, -1, "%s", msg);
	while (sel_next(f, &s, &i)) {
		if (fn(f, (size_t)i, arg, msg, sizeof msg) != 0)
			return reply(out, outlen, -1, "%s", msg);
		hits++;
	}
	if (hits == 0)
		return reply(out, outlen, -1, "no device in %s", selstr);
	return reply(out, outlen, 0, "devices=%zu", hits);
}

struct set_arg {
	uint32_t arcs[BER_MAX_ARCS];
	size_t n;
	uint8_t tag;
	uint8_t *val;
	size_t vlen;
};

static int do_set(struct fleet *f, size_t dev, void *arg, char *msg, size_t msglen)
{
	struct set_arg *a = arg;
	struct device *d = &f->dev[dev];

	if (ovr_set_value(&d->ovr, f->walks[d->walk], a->arcs, a->n, a->tag, a->val, a->vlen) != 0) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	return 0;
}

static int parse_oid_arg(const char *s, struct set_arg *a, char *out, size_t outlen)
{
	if (oid_parse(s, strlen(s), a->arcs, BER_MAX_ARCS, &a->n) != 0 ||
	    ber_oid_size(a->arcs, a->n) == 0)
		return reply(out, outlen, -1, "%s: not an OID", s);
	return 0;
}

static int cmd_set(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		   char *out, size_t outlen)
{
	struct set_arg a;
	int rc;

	(void)c;
	(void)nt;
	if (parse_oid_arg(tok[1], &a, out, outlen) != 0)
		return -1;
	if (strcmp(rest, "\"\"") == 0)
		rest = "";
	a.val = malloc(SNMPREC_MAX_VALUE);
	if (!a.val)
		return reply(out, outlen, -1, "out of memory");
	if (fleet_value(tok[2], rest, &a.tag, a.val, SNMPREC_MAX_VALUE, &a.vlen) != 0) {
		free(a.val);
		return reply(out, outlen, -1, "%s: not a valid value of type %s", rest, tok[2]);
	}
	rc = for_each(f, tok[0], do_set, &a, out, outlen);
	free(a.val);
	return rc;
}

static int do_unset(struct fleet *f, size_t dev, void *arg, char *msg, size_t msglen)
{
	struct set_arg *a = arg;
	struct device *d = &f->dev[dev];

	if (ovr_hide(&d->ovr, f->walks[d->walk], a->arcs, a->n) != 0) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	return 0;
}

/* "CMD ADDRESS|PREFIX OID": parse the OID, then apply fn to every matching device. */
static int for_each_with_oid(struct fleet *f, char **tok,
			     int (*fn)(struct fleet *, size_t, void *, char *, size_t), char *out,
			     size_t outlen)
{
	struct set_arg a;

	if (parse_oid_arg(tok[1], &a, out, outlen) != 0)
		return -1;
	return for_each(f, tok[0], fn, &a, out, outlen);
}

static int cmd_unset(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		     char *out, size_t outlen)
{
	(void)c;
	(void)nt;
	(void)rest;
	return for_each_with_oid(f, tok, do_unset, out, outlen);
}

static int do_revert(struct fleet *f, size_t dev, void *arg, char *msg, size_t msglen)
{
	struct set_arg *a = arg;

	(void)msg;
	(void)msglen;
	ovr_revert(&f->dev[dev].ovr, a->arcs, a->n);
	return 0;
}

static int cmd_revert(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		      char *out, size_t outlen)
{
	(void)c;
	(void)nt;
	(void)rest;
	return for_each_with_oid(f, tok, do_revert, out, outlen);
}

static int do_reset(struct fleet *f, size_t dev, void *arg, char *msg, size_t msglen)
{
	struct device *d = &f->dev[dev];

	(void)arg;
	(void)msg;
	(void)msglen;
	ovr_free(d->ovr);
	d->ovr = NULL;
	d->silent = 0;
	d->garbage = GARBAGE_OFF;
	d->delay_ms = 0;
	return 0;
}

static int cmd_reset(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		     char *out, size_t outlen)
{
	(void)c;
	(void)nt;
	(void)rest;
	return for_each(f, tok[0], do_reset, NULL, out, outlen);
}

/* key commands: silent, garbage, delay map onto the fleet-file keys */
struct key_arg {
	const char *key, *val;
};

static int do_key(struct fleet *f, size_t dev, void *arg, char *msg, size_t msglen)
{
	const struct key_arg *k = arg;

	return fleet_apply_key(f, dev, k->key, k->val, msg, msglen);
}

static int cmd_key(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		   char *out, size_t outlen)
{
	struct key_arg k = {c->name, tok[1]};

	(void)nt;
	(void)rest;
	return for_each(f, tok[0], do_key, &k, out, outlen);
}

static int do_reboot(struct fleet *f, size_t dev, void *arg, char *msg, size_t msglen)
{
	(void)arg;
	(void)msg;
	(void)msglen;
	f->dev[dev].boot_ms = f->now_ms;
	return 0;
}

static int cmd_reboot(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		      char *out, size_t outlen)
{
	(void)c;
	(void)nt;
	(void)rest;
	return for_each(f, tok[0], do_reboot, NULL, out, outlen);
}

/* ---- single-device commands ---- */

static int one_device(struct fleet *f, const char *s, long *dev, char *out, size_t outlen)
{
	struct sel sel;
	char msg[256];

	if (parse_sel(f, s, 0, &sel, msg, sizeof msg) != 0)
		return reply(out, outlen, -1, "%s", msg);
	*dev = sel.one;
	return 0;
}

static int cmd_move(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		    char *out, size_t outlen)
{
	long dev = -1;
	uint32_t addr;
	uint16_t port;
	char msg[512], a[32];

	(void)c;
	(void)nt;
	(void)rest;
	if (one_device(f, tok[0], &dev, out, outlen) != 0)
		return -1;
	if (fleet_parse_addr(tok[1], f->default_port, &addr, &port) != 0)
		return reply(out, outlen, -1, "%s: want A.B.C.D[:PORT] in 127.0.0.0/8", tok[1]);
	if (fleet_move(f, (size_t)dev, addr, port, msg, sizeof msg) != 0)
		return reply(out, outlen, -1, "%s", msg);
	return reply(out, outlen, 0, "address=%s", fleet_format_addr(addr, port, a, sizeof a));
}

static int cmd_add(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		   char *out, size_t outlen)
{
	char msg[512], a[32];
	long dev = -1;

	(void)c;
	(void)tok;
	(void)nt;
	dev = fleet_add_line(f, rest, NULL, msg, sizeof msg);
	if (dev < 0)
		return reply(out, outlen, -1, "%s", msg);
	return reply(out, outlen, 0, "address=%s",
		     fleet_format_addr(f->dev[dev].addr, f->dev[dev].port, a, sizeof a));
}

static int cmd_remove(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		      char *out, size_t outlen)
{
	long dev = -1;

	(void)c;
	(void)nt;
	(void)rest;
	if (one_device(f, tok[0], &dev, out, outlen) != 0)
		return -1;
	fleet_remove(f, (size_t)dev);
	return reply(out, outlen, 0, "devices=%zu", f->live);
}

static int cmd_show(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		    char *out, size_t outlen)
{
	const struct device *d;
	struct agent_view v;
	char a[32];
	long dev = -1;

	(void)c;
	(void)nt;
	(void)rest;
	if (one_device(f, tok[0], &dev, out, outlen) != 0)
		return -1;
	d = &f->dev[dev];
	fleet_view(f, (size_t)dev, &v);
	return reply(out, outlen, 0,
		     "address=%s community=%s walk=%s silent=%s garbage=%s delay_ms=%u "
		     "requests=%u overrides=%u override_bytes=%zu uptime_cs=%u",
		     fleet_format_addr(d->addr, d->port, a, sizeof a), f->communities[d->community],
		     f->walks[d->walk]->path, d->silent ? "on" : "off", garbage_mode_name(d->garbage),
		     (unsigned)d->delay_ms, (unsigned)d->requests, d->ovr ? (unsigned)d->ovr->n : 0,
		     ovr_bytes(d->ovr), (unsigned)v.uptime_cs);
}

static long rss_kb(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	long size, res = -1;

	if (!fp)
		return -1;
	if (fscanf(fp, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(fp);
	return res < 0 ? -1 : res * 4;
}

static int cmd_stats(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		     char *out, size_t outlen)
{
	const struct sim_counters *s = &f->c;
	size_t i, ovr = 0, recs = 0;

	(void)c;
	(void)tok;
	(void)nt;
	(void)rest;
	for (i = 0; i < f->n; i++)
		ovr += ovr_bytes(f->dev[i].ovr);
	for (i = 0; i < f->nwalks; i++)
		recs += f->walks[i]->n;
	return reply(out, outlen, 0,
		     "devices=%zu walks=%zu walk_records=%zu override_bytes=%zu rss_kb=%ld "
		     "received=%llu answered=%llu malformed=%llu bad_version=%llu bad_pdu=%llu "
		     "bad_community=%llu unknown_device=%llu not_loopback=%llu silent=%llu "
		     "garbage=%llu toobig=%llu trimmed=%llu delayed=%llu delay_dropped=%llu "
		     "send_errors=%llu truncated_requests=%llu",
		     f->live, f->nwalks, recs, ovr, rss_kb(), (unsigned long long)s->received,
		     (unsigned long long)s->answered, (unsigned long long)s->malformed,
		     (unsigned long long)s->bad_version, (unsigned long long)s->bad_pdu,
		     (unsigned long long)s->bad_community, (unsigned long long)s->unknown_device,
		     (unsigned long long)s->not_loopback, (unsigned long long)s->silent,
		     (unsigned long long)s->garbage, (unsigned long long)s->toobig,
		     (unsigned long long)s->trimmed, (unsigned long long)s->delayed,
		     (unsigned long long)s->delay_dropped, (unsigned long long)s->send_errors,
		     (unsigned long long)s->truncated_requests);
}

static int cmd_ping(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		    char *out, size_t outlen)
{
	(void)f;
	(void)c;
	(void)tok;
	(void)nt;
	(void)rest;
	return reply(out, outlen, 0, "pong");
}

static int cmd_help(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		    char *out, size_t outlen);

static const struct cmd commands[] = {
	{"set", 3, -1, 1, cmd_set, "set ADDRESS|PREFIX OID TYPE VALUE"},
	{"unset", 2, 2, 1, cmd_unset, "unset ADDRESS|PREFIX OID"},
	{"revert", 2, 2, 1, cmd_revert, "revert ADDRESS|PREFIX OID"},
	{"reset", 1, 1, 1, cmd_reset, "reset ADDRESS|PREFIX"},
	{"silent", 2, 2, 1, cmd_key, "silent ADDRESS|PREFIX on|off"},
	{"garbage", 2, 2, 1, cmd_key, "garbage ADDRESS|PREFIX on|off|random|truncated|wrongid|badber|badvalue"},
	{"delay", 2, 2, 1, cmd_key, "delay ADDRESS|PREFIX MS"},
	{"reboot", 1, 1, 1, cmd_reboot, "reboot ADDRESS|PREFIX"},
	{"move", 2, 2, 0, cmd_move, "move ADDRESS NEWADDRESS"},
	{"add", 3, -1, 0, cmd_add, "add ADDRESS COMMUNITY FILE [key=value ...]"},
	{"remove", 1, 1, 0, cmd_remove, "remove ADDRESS"},
	{"show", 1, 1, 0, cmd_show, "show ADDRESS"},
	{"stats", 0, 0, 0, cmd_stats, "stats"},
	{"ping", 0, 0, 0, cmd_ping, "ping"},
	{"help", 0, 0, 0, cmd_help, "help"},
};

static int cmd_help(struct fleet *f, const struct cmd *c, char **tok, int nt, const char *rest,
		    char *out, size_t outlen)
{
	size_t i, o;

	(void)f;
	(void)c;
	(void)tok;
	(void)nt;
	(void)rest;
	reply(out, outlen, 0, "commands:");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		o = strlen(out);
		snprintf(out + o, outlen - o, " %s;", commands[i].usage);
	}
	return 0;
}

/* skip_words: the text after the first N blank-separated words of S. */
static const char *skip_words(const char *s, int n)
{
	while (n-- > 0) {
		while (*s == ' ' || *s == '\t')
			s++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int ctl_exec(struct fleet *f, const char *line, char *out, size_t outlen)
{
	char *tok[MAX_TOKENS + 1], *copy, *buf, *p, *save = NULL;
	const char *rest;
	int nt = 0, wanted, rc = -1;
	size_t i, len;

	/* a private copy without the line end, and one to cut into words (no quoting: VALUE of
	 * set and the fleet line of add are taken from the raw rest of the line) */
	len = strcspn(line, "\r\n");
	copy = malloc(len + 1);
	buf = malloc(len + 1);
	if (!copy || !buf) {
		free(copy);
		free(buf);
		return reply(out, outlen, -1, "out of memory");
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	memcpy(buf, copy, len + 1);
	for (p = strtok_r(buf, " \t", &save); p && nt <= MAX_TOKENS; p = strtok_r(NULL, " \t", &save))
		tok[nt++] = p;
	if (nt == 0) {
		rc = reply(out, outlen, -1, "empty command (try help)");
		goto out;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct cmd *c = &commands[i];
		if (strcmp(tok[0], c->name) != 0)
			continue;
		wanted = c->max_args < 0 ? c->min_args : c->max_args;
		if (nt - 1 < c->min_args || (c->max_args >= 0 && nt - 1 > c->max_args)) {
			rc = reply(out, outlen, -1, "usage: %s", c->usage);
			goto out;
		}
		rest = c->max_args < 0 ? skip_words(copy, c->fn == cmd_add ? 1 : wanted + 1) : "";
		rc = c->fn(f, c, tok + 1, nt - 1, rest, out, outlen);
		goto out;
	}
	rc = reply(out, outlen, -1, "unknown command %s (try help)", tok[0]);
out:
	free(copy);
	free(buf);
	return rc;
}
