/*
 * sim.c — infrascope-sim: one process serving many simulated SNMP devices on 127.x addresses
 * (test code, never shipped). See tests/sim/README.md for the why of the socket design.
 *
 *   infrascope-sim [options]            serve a fleet (--fleet, --generate) until SIGTERM
 *   infrascope-sim --ctl SOCKET CMD...  send control commands to a running simulator
 *
 * Sockets: "wildcard" mode binds one UDP socket per port on 0.0.0.0, restricted to the
 * loopback device, and is allowed only inside a network namespace whose only interface is
 * lo (the test runner's); "per-address" mode binds one socket per device on its 127.x
 * address. Either way every request is read with IP_PKTINFO and the reply is sent with
 * IP_PKTINFO naming the queried address as source, so a device always answers from its own
 * address. Everything is non-blocking and driven by one epoll loop: UDP sockets, the unix
 * control socket and its clients, a signalfd, and a heap of delayed replies.
 */
#include "agent.h"
#include "ber.h"
#include "control.h"
#include "fleet.h"
#include "simnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_DGRAM 65536
#define MAX_CLIENTS 64
#define CLIENT_IN 16384
#define CLIENT_OUT_MAX (1 << 20)
#define MAX_PENDING 65536
#define BATCH 32

enum kind { K_PORT = 1, K_DEVICE, K_LISTEN, K_CLIENT, K_SIGNAL };
enum bind_mode { BIND_AUTO, BIND_WILDCARD, BIND_PER_ADDRESS };

struct port_sock {
	uint16_t port;
	int fd;
};

struct client {
	int fd;
	size_t inlen, outlen, outcap;
	char in[CLIENT_IN];
	char *out;
};

struct pending {
	int64_t due;
	uint64_t seq;
	uint32_t dev;
	uint32_t from; /* the queried address: the reply's source */
	uint16_t from_port;
	struct sockaddr_in to;
	uint16_t len;
	uint8_t *data;
};

struct sim {
	struct fleet fleet;
	int mode; /* BIND_WILDCARD or BIND_PER_ADDRESS once decided */
	int ep;
	int sigfd;
	int listen_fd;
	const char *control_path;
	struct port_sock *ports;
	size_t nports;
	struct client *clients[MAX_CLIENTS];
	struct pending *heap;
	size_t nheap;
	uint64_t seq;
	struct agent_limits lim;
	int quiet;
	int stop;
};

static uint8_t rx[BATCH][MAX_DGRAM];
static uint8_t tx[MAX_DGRAM + AGENT_HEADROOM];
static struct snmp_msg msg;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logf_(const char *fmt, ...)
{
	va_list ap;

	fputs("infrascope-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t tag(enum kind k, size_t i)
{
	return (uint64_t)k << 32 | (uint32_t)i;
}

static int ep_add(struct sim *s, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = {.events = events, .data.u64 = data};

	return epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
}

static int port_socket(struct sim *s, uint16_t port, char *err, size_t errlen)
{
	struct port_sock *np;
	size_t i;
	int fd;

	for (i = 0; i < s->nports; i++) {
		if (s->ports[i].port == port)
			return 0;
	}
	fd = udp_socket(0, port, 1, err, errlen);
	if (fd < 0)
		return -1;
	np = realloc(s->ports, (s->nports + 1) * sizeof *np);
	if (!np || ep_add(s, fd, EPOLLIN, tag(K_PORT, s->nports)) != 0) {
		snprintf(err, errlen, "out of memory or epoll: %s", strerror(errno));
		if (np)
			s->ports = np;
		close(fd);
		return -1;
	}
	s->ports = np;
	s->ports[s->nports].port = port;
	s->ports[s->nports].fd = fd;
	s->nports++;
	return 0;
}

/* fleet_ops.rebind */
static int sim_rebind(void *ctx, struct fleet *f, size_t dev, uint32_t addr, uint16_t port,
		      char *err, size_t errlen)
{
	struct sim *s = ctx;
	int fd;

	if (s->mode == BIND_WILDCARD)
		return port_socket(s, port, err, errlen);
	fd = udp_socket(addr, port, 0, err, errlen);
	if (fd < 0)
		return -1;
	if (ep_add(s, fd, EPOLLIN, tag(K_DEVICE, dev)) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (f->dev[dev].fd >= 0)
		close(f->dev[dev].fd);
	f->dev[dev].fd = fd;
	return 0;
}

/* fleet_ops.release */
static void sim_release(void *ctx, struct fleet *f, size_t dev)
{
	(void)ctx;
	if (f->dev[dev].fd >= 0)
		close(f->dev[dev].fd);
	f->dev[dev].fd = -1;
}

/* reply_fd: the socket that answers for device DEV at FROM:PORT right now, or -1. */
static int reply_fd(struct sim *s, size_t dev, uint32_t from, uint16_t port)
{
	size_t i;

	if (s->mode == BIND_PER_ADDRESS) {
		const struct device *d = &s->fleet.dev[dev];
		if (d->removed || d->addr != from || d->port != port)
			return -1;
		return d->fd;
	}
	for (i = 0; i < s->nports; i++) {
		if (s->ports[i].port == port)
			return s->ports[i].fd;
	}
	return -1;
}

/* ---- the delay heap (by due time, then arrival) ---- */

static int pend_less(const struct pending *a, const struct pending *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_swap(struct pending *h, size_t i, size_t j)
{
	struct pending t = h[i];

	h[i] = h[j];
	h[j] = t;
}

static int heap_push(struct sim *s, const struct pending *p)
{
	size_t i;

	if (s->nheap >= MAX_PENDING)
		return -1;
	if (!s->heap) {
		s->heap = malloc(MAX_PENDING * sizeof *s->heap);
		if (!s->heap)
			return -1;
	}
	i = s->nheap++;
	s->heap[i] = *p;
	while (i > 0 && pend_less(&s->heap[i], &s->heap[(i - 1) / 2])) {
		heap_swap(s->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static void heap_pop(struct sim *s, struct pending *out)
{
	size_t i = 0;

	*out = s->heap[0];
	s->heap[0] = s->heap[--s->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->nheap && pend_less(&s->heap[l], &s->heap[m]))
			m = l;
		if (r < s->nheap && pend_less(&s->heap[r], &s->heap[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(s->heap, i, m);
		i = m;
	}
}

static void run_due(struct sim *s, int64_t now)
{
	struct pending p;

	while (s->nheap > 0 && s->heap[0].due <= now) {
		int fd;
		heap_pop(s, &p);
		fd = reply_fd(s, p.dev, p.from, p.from_port);
		if (fd < 0)
			s->fleet.c.delay_dropped++; /* moved or removed while the answer waited */
		else if (send_from(fd, p.from, &p.to, p.data, p.len) != 0)
			s->fleet.c.send_errors++;
		else
			s->fleet.c.answered++;
		free(p.data);
	}
}

/* ---- one request ---- */

static void handle(struct sim *s, int fd, long dev, uint32_t dst, uint16_t port,
		   const struct sockaddr_in *src, const uint8_t *p, size_t len)
{
	struct fleet *f = &s->fleet;
	struct sim_counters *c = &f->c;
	struct device *d;
	struct agent_view v;
	size_t outlen = 0;
	unsigned flags = 0;
	int rc;

	if ((dst >> 24) != 127) {
		c->not_loopback++; /* cannot happen with SO_BINDTODEVICE lo; never answer it */
		return;
	}
	if (dev < 0)
		dev = fleet_find(f, dst, port);
	if (dev < 0) {
		c->unknown_device++;
		return;
	}
	rc = snmp_msg_decode(p, len, &msg);
	if (rc == BER_EVERSION) {
		c->bad_version++;
		return;
	}
	if (rc == BER_EPDU) {
		c->bad_pdu++;
		return;
	}
	if (rc != BER_OK) {
		c->malformed++;
		return;
	}
	d = &f->dev[dev];
	if (msg.community_len != strlen(f->communities[d->community]) ||
	    memcmp(msg.community, f->communities[d->community], msg.community_len) != 0) {
		c->bad_community++;
		return;
	}
	d->requests++;
	if (d->silent) {
		c->silent++;
		return;
	}
	fleet_view(f, (size_t)dev, &v);
	if (d->garbage != GARBAGE_OFF) {
		agent_garbage(&msg, &v, &s->lim, d->garbage, &d->rng, tx, sizeof tx, &outlen);
		c->garbage++;
	} else if (agent_respond(&msg, &v, &s->lim, tx, sizeof tx, &outlen, &flags) != 0) {
		c->bad_pdu++;
		return;
	}
	if (flags & AGENT_TOOBIG)
		c->toobig++;
	if (flags & AGENT_TRIMMED)
		c->trimmed++;
	if (d->delay_ms > 0) {
		struct pending pd;
		pd.due = f->now_ms + d->delay_ms;
		pd.seq = s->seq++;
		pd.dev = (uint32_t)dev;
		pd.from = dst;
		pd.from_port = port;
		pd.to = *src;
		pd.len = (uint16_t)outlen;
		pd.data = malloc(outlen ? outlen : 1);
		if (!pd.data || heap_push(s, &pd) != 0) {
			free(pd.data);
			c->delay_dropped++;
			return;
		}
		memcpy(pd.data, tx, outlen);
		c->delayed++;
		return;
	}
	if (send_from(fd, dst, src, tx, outlen) != 0)
		c->send_errors++;
	else
		c->answered++;
}

/* drain: read up to a few batches from one UDP socket. */
static void drain(struct sim *s, int fd, long dev, uint16_t port)
{
	static struct mmsghdr mm[BATCH];
	static struct iovec iov[BATCH];
	static struct sockaddr_in src[BATCH];
	static union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) + 64];
		struct cmsghdr align;
	} cm[BATCH];
	int round, i, n;

	for (round = 0; round < 8; round++) {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = rx[i];
			iov[i].iov_len = MAX_DGRAM;
			memset(&mm[i].msg_hdr, 0, sizeof mm[i].msg_hdr);
			mm[i].msg_hdr.msg_name = &src[i];
			mm[i].msg_hdr.msg_namelen = sizeof src[i];
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_control = cm[i].buf;
			mm[i].msg_hdr.msg_controllen = sizeof cm[i].buf;
		}
		n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		s->fleet.now_ms = now_ms();
		for (i = 0; i < n; i++) {
			struct msghdr *h = &mm[i].msg_hdr;
			struct cmsghdr *c;
			uint32_t dst = 0;
			int have = 0;

			s->fleet.c.received++;
			if (h->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
				s->fleet.c.truncated_requests++;
				continue;
			}
			for (c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
				if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
					struct in_pktinfo pi;
					memcpy(&pi, CMSG_DATA(c), sizeof pi);
					dst = ntohl(pi.ipi_addr.s_addr);
					have = 1;
				}
			}
			if (!have || h->msg_namelen != sizeof src[i] || src[i].sin_family != AF_INET) {
				s->fleet.c.malformed++;
				continue;
			}
			handle(s, fd, dev, dst, port, &src[i], rx[i], mm[i].msg_len);
		}
		if (n < BATCH)
			return;
	}
}

/* ---- control socket ---- */

static void client_close(struct sim *s, size_t i)
{
	struct client *c = s->clients[i];

	close(c->fd);
	free(c->out);
	free(c);
	s->clients[i] = NULL;
}

static int client_flush(struct sim *s, size_t i)
{
	struct client *c = s->clients[i];
	struct epoll_event ev;

	while (c->outlen > 0) {
		ssize_t w = write(c->fd, c->out, c->outlen);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		memmove(c->out, c->out + w, c->outlen - (size_t)w);
		c->outlen -= (size_t)w;
	}
	ev.events = EPOLLIN | (c->outlen ? EPOLLOUT : 0);
	ev.data.u64 = tag(K_CLIENT, i);
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
	return 0;
}

static int client_say(struct client *c, const char *line)
{
	size_t len = strlen(line);

	if (c->outlen + len + 1 > CLIENT_OUT_MAX)
		return -1; /* a client that does not read its answers */
	if (c->outlen + len + 1 > c->outcap) {
		size_t ncap = c->outcap ? c->outcap : 4096;
		char *no;
		while (ncap < c->outlen + len + 1)
			ncap *= 2;
		no = realloc(c->out, ncap);
		if (!no)
			return -1;
		c->out = no;
		c->outcap = ncap;
	}
	memcpy(c->out + c->outlen, line, len);
	c->out[c->outlen + len] = '\n';
	c->outlen += len + 1;
	return 0;
}

static void client_read(struct sim *s, size_t i)
{
	struct client *c = s->clients[i];
	char answer[4096];

	for (;;) {
		ssize_t r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
		char *nl;
		if (r == 0) {
			client_close(s, i);
			return;
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			client_close(s, i);
			return;
		}
		c->inlen += (size_t)r;
		while ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
			*nl = '\0';
			s->fleet.now_ms = now_ms();
			ctl_exec(&s->fleet, c->in, answer, sizeof answer);
			if (!s->quiet)
				logf_("control: %s -> %s", c->in, answer);
			if (client_say(c, answer) != 0) {
				client_close(s, i);
				return;
			}
			c->inlen -= (size_t)(nl + 1 - c->in);
			memmove(c->in, nl + 1, c->inlen);
		}
		if (c->inlen == sizeof c->in) {
			client_say(c, "error line too long");
			client_flush(s, i);
			client_close(s, i);
			return;
		}
	}
	if (client_flush(s, i) != 0)
		client_close(s, i);
}

static void accept_clients(struct sim *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		size_t i;
		if (fd < 0)
			return;
		for (i = 0; i < MAX_CLIENTS && s->clients[i]; i++)
			;
		if (i == MAX_CLIENTS) {
			static const char busy[] = "error too many control clients\n";
			ssize_t w = write(fd, busy, sizeof busy - 1);
			(void)w;
			close(fd);
			continue;
		}
		s->clients[i] = calloc(1, sizeof *s->clients[i]);
		if (!s->clients[i]) {
			close(fd);
			continue;
		}
		s->clients[i]->fd = fd;
		if (ep_add(s, fd, EPOLLIN, tag(K_CLIENT, i)) != 0)
			client_close(s, i);
	}
}

static int control_listen(struct sim *s, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		logf_("--control %s: path too long (at most %zu)", path, sizeof sa.sun_path - 1);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			logf_("--control %s: exists and is not a socket", path);
			return -1;
		}
		unlink(path); /* a stale socket of an earlier run */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0 ||
	    ep_add(s, fd, EPOLLIN, tag(K_LISTEN, 0)) != 0) {
		logf_("--control %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	chmod(path, 0600);
	s->listen_fd = fd;
	return 0;
}

/* ---- start-up ---- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: infrascope-sim [options]\n"
		"       infrascope-sim --ctl SOCKET COMMAND...\n"
		"\n"
		"Serve many simulated SNMP v1/v2c devices on 127.0.0.0/8 addresses from snmprec walks.\n"
		"\n"
		"  --fleet FILE          devices, one per line: ADDRESS[:PORT] COMMUNITY SNMPREC [key=value...]\n"
		"  --generate N          N devices from --base on (skipping .0 and .255), cycling --walks\n"
		"  --base ADDRESS        first generated address (default 127.1.0.1)\n"
		"  --walks A,B,...       snmprec files for --generate\n"
		"  --community C         community of generated devices (default public)\n"
		"  --store-size K        generated devices per store, for names and locations (default 10)\n"
		"  --seed S              varies generated toner levels (default 1)\n"
		"  --write-fleet FILE    also write the generated devices as a fleet file\n"
		"  --snmprec-dir DIR     where walk names are looked up (default $SNMPREC_DIR)\n"
		"  --port P              default UDP port (default 161)\n"
		"  --control PATH        unix socket for control commands (created when ready)\n"
		"  --bind MODE           auto (default), wildcard (only in a loopback-only netns), per-address\n"
		"  --max-size N          largest response datagram (default 1472, 484..65507)\n"
		"  --max-repetitions N   GETBULK cap (default 64)\n"
		"  --quiet               no log line per control command\n"
		"  --ctl SOCKET CMD...   client mode: send each CMD, print each answer; exit 1 on error\n"
		"\n"
		"Control commands: set, unset, revert, reset, silent, garbage, delay, reboot, move, add,\n"
		"remove, show, stats, ping, help (see tests/sim/README.md).\n");
}

static int parse_ulong(const char *opt, const char *v, unsigned long lo, unsigned long hi,
		       unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(v, &end, 10);
	if (errno || *end || end == v || *out < lo || *out > hi) {
		logf_("%s %s: want a number from %lu to %lu", opt, v, lo, hi);
		return -1;
	}
	return 0;
}

static int split_walks(char *list, const char ***out, size_t *n)
{
	char *p, *save = NULL;
	const char **w = NULL;

	*n = 0;
	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		const char **nw = realloc(w, (*n + 1) * sizeof *nw);
		if (!nw) {
			free(w);
			return -1;
		}
		w = nw;
		w[(*n)++] = p;
	}
	*out = w;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"fleet", required_argument, 0, 'f'},
		{"generate", required_argument, 0, 'g'},
		{"base", required_argument, 0, 'b'},
		{"walks", required_argument, 0, 'w'},
		{"community", required_argument, 0, 'c'},
		{"store-size", required_argument, 0, 'k'},
		{"seed", required_argument, 0, 'S'},
		{"write-fleet", required_argument, 0, 'W'},
		{"snmprec-dir", required_argument, 0, 'd'},
		{"port", required_argument, 0, 'p'},
		{"control", required_argument, 0, 'C'},
		{"bind", required_argument, 0, 'B'},
		{"max-size", required_argument, 0, 'm'},
		{"max-repetitions", required_argument, 0, 'r'},
		{"quiet", no_argument, 0, 'q'},
		{"ctl", required_argument, 0, 'X'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	static struct sim sim;
	struct sim *s = &sim;
	const char *fleets[64], *snmprec_dir = getenv("SNMPREC_DIR"), *write_fleet = NULL;
	const char **walks = NULL;
	char *walk_list = NULL, err[1024];
	size_t nfleets = 0, nwalks = 0, i;
	unsigned long v, generate = 0, port = 161, store = 10, seed = 1;
	uint32_t base = 0x7f010001u;
	const char *community = "public";
	int bind_mode = BIND_AUTO, opt, rc = 1;
	FILE *wf = NULL;
	sigset_t sigs;

	s->lim.max_size = 1472;
	s->lim.max_repetitions = 64;
	s->listen_fd = -1;
	s->sigfd = -1;
	s->ep = -1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'X':
			return ctl_client(optarg, argv + optind, argc - optind);
		case 'f':
			if (nfleets == sizeof fleets / sizeof fleets[0]) {
				logf_("too many --fleet files");
				return 64;
			}
			fleets[nfleets++] = optarg;
			break;
		case 'g':
			if (parse_ulong("--generate", optarg, 1, 1000000, &generate) != 0)
				return 64;
			break;
		case 'b': {
			uint16_t ignored;
			if (fleet_parse_addr(optarg, 1, &base, &ignored) != 0) {
				logf_("--base %s: want an address in 127.0.0.0/8", optarg);
				return 64;
			}
			break;
		}
		case 'w':
			walk_list = optarg;
			break;
		case 'c':
			community = optarg;
			break;
		case 'k':
			if (parse_ulong("--store-size", optarg, 1, 100000, &store) != 0)
				return 64;
			break;
		case 'S':
			if (parse_ulong("--seed", optarg, 0, UINT32_MAX, &seed) != 0)
				return 64;
			break;
		case 'W':
			write_fleet = optarg;
			break;
		case 'd':
			snmprec_dir = optarg;
			break;
		case 'p':
			if (parse_ulong("--port", optarg, 1, 65535, &port) != 0)
				return 64;
			break;
		case 'C':
			s->control_path = optarg;
			break;
		case 'B':
			if (strcmp(optarg, "auto") == 0)
				bind_mode = BIND_AUTO;
			else if (strcmp(optarg, "wildcard") == 0)
				bind_mode = BIND_WILDCARD;
			else if (strcmp(optarg, "per-address") == 0)
				bind_mode = BIND_PER_ADDRESS;
			else {
				logf_("--bind %s: auto, wildcard or per-address", optarg);
				return 64;
			}
			break;
		case 'm':
			if (parse_ulong("--max-size", optarg, 484, 65507, &v) != 0)
				return 64;
			s->lim.max_size = v;
			break;
		case 'r':
			if (parse_ulong("--max-repetitions", optarg, 1, 10000, &v) != 0)
				return 64;
			s->lim.max_repetitions = (uint32_t)v;
			break;
		case 'q':
			s->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind < argc) {
		logf_("unexpected argument %s (try --help)", argv[optind]);
		return 64;
	}
	if (nfleets == 0 && generate == 0 && !s->control_path) {
		logf_("nothing to serve: give --fleet, --generate or at least --control (try --help)");
		return 64;
	}
	if (generate && !walk_list) {
		logf_("--generate needs --walks");
		return 64;
	}

	/* the network-safety decision, before any socket exists */
	if (bind_mode == BIND_AUTO)
		bind_mode = loopback_only() ? BIND_WILDCARD : BIND_PER_ADDRESS;
	else if (bind_mode == BIND_WILDCARD && !loopback_only()) {
		logf_("--bind wildcard is refused: this network namespace has interfaces other than lo "
		      "(run inside a loopback-only namespace, e.g. unshare -n, or use --bind per-address)");
		return 78;
	}
	s->mode = bind_mode;
	if (s->mode == BIND_PER_ADDRESS) {
		rlim_t hard, need = (rlim_t)(generate + 256);
		/* a first guess: fleet files add more, raised again below once they are read */
		if (raise_nofile(need, &hard) != 0) {
			logf_("per-address sockets need %llu descriptors, the limit is %llu: raise it "
			      "(ulimit -n) or run in a loopback-only network namespace, where one "
			      "socket serves all devices", (unsigned long long)need,
			      (unsigned long long)hard);
			return 69;
		}
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->ep < 0 || s->sigfd < 0 || ep_add(s, s->sigfd, EPOLLIN, tag(K_SIGNAL, 0)) != 0) {
		logf_("epoll/signalfd: %s", strerror(errno));
		goto out;
	}

	fleet_init(&s->fleet, (uint16_t)port, snmprec_dir);
	s->fleet.ops.rebind = sim_rebind;
	s->fleet.ops.release = sim_release;
	s->fleet.ops.ctx = s;
	s->fleet.now_ms = now_ms();
	for (i = 0; i < nfleets; i++) {
		if (s->mode == BIND_PER_ADDRESS) {
			/* count the lines first so the descriptor limit is raised once */
			FILE *fp = fopen(fleets[i], "r");
			size_t lines = 0;
			int ch;
			rlim_t hard;
			if (fp) {
				while ((ch = getc(fp)) != EOF)
					lines += ch == '\n';
				fclose(fp);
			}
			if (raise_nofile((rlim_t)(generate + lines + s->fleet.n + 256), &hard) != 0)
				logf_("warning: descriptor limit %llu may be too low for %s",
				      (unsigned long long)hard, fleets[i]);
		}
		if (fleet_load_file(&s->fleet, fleets[i], err, sizeof err) < 0) {
			logf_("%s", err);
			goto out;
		}
	}
	if (generate) {
		struct fleet_gen g;
		if (split_walks(walk_list, &walks, &nwalks) != 0 || nwalks == 0) {
			logf_("--walks: want a comma-separated list of snmprec files");
			goto out;
		}
		if (write_fleet && !(wf = fopen(write_fleet, "w"))) {
			logf_("--write-fleet %s: %s", write_fleet, strerror(errno));
			goto out;
		}
		g.count = generate;
		g.base = base;
		g.port = (uint16_t)port;
		g.community = community;
		g.walks = walks;
		g.nwalks = nwalks;
		g.store_size = (unsigned)store;
		g.seed = (uint32_t)seed;
		if (fleet_generate(&s->fleet, &g, wf, err, sizeof err) < 0) {
			logf_("%s", err);
			goto out;
		}
		if (wf && fclose(wf) != 0) {
			wf = NULL;
			logf_("--write-fleet %s: %s", write_fleet, strerror(errno));
			goto out;
		}
		wf = NULL;
	}
	if (s->control_path && control_listen(s, s->control_path) != 0)
		goto out;
	{
		size_t recs = 0;
		for (i = 0; i < s->fleet.nwalks; i++)
			recs += s->fleet.walks[i]->n;
		logf_("ready mode=%s devices=%zu walks=%zu walk_records=%zu sockets=%zu control=%s",
		      s->mode == BIND_WILDCARD ? "wildcard" : "per-address", s->fleet.live,
		      s->fleet.nwalks, recs, s->mode == BIND_WILDCARD ? s->nports : s->fleet.live,
		      s->control_path ? s->control_path : "-");
	}

	/* ---- the loop ---- */
	while (!s->stop) {
		struct epoll_event ev[64];
		int n, timeout = -1, k;
		if (s->nheap > 0) {
			int64_t wait = s->heap[0].due - now_ms();
			timeout = wait < 0 ? 0 : wait > 60000 ? 60000 : (int)wait;
		}
		n = epoll_wait(s->ep, ev, 64, timeout);
		if (n < 0 && errno != EINTR) {
			logf_("epoll_wait: %s", strerror(errno));
			goto out;
		}
		for (k = 0; k < n; k++) {
			uint32_t kind = (uint32_t)(ev[k].data.u64 >> 32), idx = (uint32_t)ev[k].data.u64;
			switch (kind) {
			case K_PORT:
				drain(s, s->ports[idx].fd, -1, s->ports[idx].port);
				break;
			case K_DEVICE:
				if (idx < s->fleet.n && s->fleet.dev[idx].fd >= 0)
					drain(s, s->fleet.dev[idx].fd, (long)idx, s->fleet.dev[idx].port);
				break;
			case K_LISTEN:
				accept_clients(s);
				break;
			case K_CLIENT:
				if (idx < MAX_CLIENTS && s->clients[idx]) {
					if (ev[k].events & EPOLLIN)
						client_read(s, idx);
					else if (client_flush(s, idx) != 0 || (ev[k].events & (EPOLLHUP | EPOLLERR)))
						client_close(s, idx);
				}
				break;
			case K_SIGNAL: {
				struct signalfd_siginfo si;
				while (read(s->sigfd, &si, sizeof si) == sizeof si)
					s->stop = 1;
				break;
			}
			default:
				break;
			}
		}
		s->fleet.now_ms = now_ms();
		run_due(s, s->fleet.now_ms);
	}
	logf_("stopping: received=%llu answered=%llu malformed=%llu",
	      (unsigned long long)s->fleet.c.received, (unsigned long long)s->fleet.c.answered,
	      (unsigned long long)s->fleet.c.malformed);
	rc = 0;
out:
	if (wf)
		fclose(wf);
	free(walks);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (s->clients[i])
			client_close(s, i);
	}
	while (s->nheap > 0) {
		struct pending p;
		heap_pop(s, &p);
		free(p.data);
	}
	free(s->heap);
	fleet_free(&s->fleet);
	for (i = 0; i < s->nports; i++)
		close(s->ports[i].fd);
	free(s->ports);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		unlink(s->control_path);
	}
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->ep >= 0)
		close(s->ep);
	return rc;
}
