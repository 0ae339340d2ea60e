/*
 * scrape — the benchmark's load driver for prometheus-snmp-exporter (bench/poll): asks the
 * exporter for every target, with a fixed number of requests in flight, and times the lot.
 * Benchmark code: never installed.
 *
 *   scrape --targets FILE --port PORT [--host 127.0.0.1] [--concurrency N] [--module M]
 *          [--metric NAME] [--timeout-ms MS]
 *
 * FILE has one target per line (its first word: ADDRESS:PORT, as a fleet file starts).
 * Every target becomes one `GET /snmp?module=M&target=ADDRESS:PORT HTTP/1.1` to HOST:PORT;
 * N connections (keep-alive) work through the list, one request at a time each, so N
 * requests are in flight, like N scrapes by a Prometheus server. One thread, poll(), no
 * process per request. A response counts as ok when it is 200 and has at least one line
 * starting with NAME (a metric the module must produce; default prtMarkerSuppliesLevel).
 *
 * Output, one line: requests=N ok=N failed=N bytes=N metric_lines=N wall_ms=X
 * (the first failures are described on stderr). Exit 0 when every request got an answer
 * (whatever it was), 64 usage, 66 the targets cannot be read, 70 internal error.
 * HOST must be a loopback address (127.0.0.0/8): this tool only ever talks to this machine.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESPONSE (64u << 20)
#define MAX_REPORTED 5

struct conn {
	int fd;
	bool connecting;
	size_t target;          /* index of the request in flight; SIZE_MAX = idle */
	char req[512];
	size_t req_len, req_sent;
	char *buf;              /* the response so far */
	size_t len, cap;
	double started;         /* ms, for the per-request timeout */
};

static struct {
	struct sockaddr_in addr;
	const char *module, *metric;
	int timeout_ms;
	char **targets;
	size_t ntargets, next;
	size_t done, ok, failed, reported, metric_lines;
	unsigned long long bytes;
} g = { .module = "printer", .metric = "prtMarkerSuppliesLevel", .timeout_ms = 30000 };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fprintf(stderr, "usage: scrape --targets FILE --port PORT [--host 127.0.0.1] [--concurrency N]\n"
			"              [--module M] [--metric NAME] [--timeout-ms MS]\n");
	exit(64);
}

static long number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "scrape: %s needs an integer from %ld to %ld, not \"%s\"\n", opt, lo,
			hi, s);
		exit(64);
	}
	return v;
}

static void load_target_list(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, line_cap = 0;

	if (f == NULL) {
		fprintf(stderr, "scrape: %s: %s\n", path, strerror(errno));
		exit(66);
	}
	while (getline(&line, &line_cap, f) != -1) {
		size_t n = strcspn(line, " \t\r\n");

		if (n == 0 || line[0] == '#')
			continue;
		/* Only what a URL query can carry without escaping: an address and a port. */
		if (n > 64 || strspn(line, "0123456789.:") != n) {
			fprintf(stderr, "scrape: %s: not ADDRESS:PORT: %.*s\n", path, (int)n, line);
			exit(66);
		}
		if (g.ntargets == cap) {
			cap = cap ? cap * 2 : 1024;
			g.targets = realloc(g.targets, cap * sizeof *g.targets);
			if (g.targets == NULL)
				exit(70);
		}
		line[n] = '\0';
		if ((g.targets[g.ntargets++] = strdup(line)) == NULL)
			exit(70);
	}
	free(line);
	fclose(f);
}

static void fail(struct conn *c, const char *why)
{
	g.failed++;
	if (g.reported++ < MAX_REPORTED)
		fprintf(stderr, "scrape: %s: %s\n", g.targets[c->target], why);
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->connecting = false;
}

static int conn_open(struct conn *c)
{
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (const struct sockaddr *)&g.addr, sizeof g.addr) == 0) {
		c->connecting = false;
		return 0;
	}
	if (errno != EINPROGRESS) {
		conn_close(c);
		return -1;
	}
	c->connecting = true;
	return 0;
}

/* Start the next request on c (opening a connection when it has none). false: none left. */
static bool start(struct conn *c)
{
	if (g.next >= g.ntargets) {
		c->target = SIZE_MAX;
		conn_close(c);
		return false;
	}
	c->target = g.next++;
	c->len = 0;
	c->req_sent = 0;
	c->req_len = (size_t)snprintf(c->req, sizeof c->req,
				      "GET /snmp?module=%s&target=%s HTTP/1.1\r\nHost: %s:%u\r\n"
				      "User-Agent: infrascope-bench\r\nAccept: text/plain\r\n\r\n",
				      g.module, g.targets[c->target], inet_ntoa(g.addr.sin_addr),
				      ntohs(g.addr.sin_port));
	c->started = now_ms();
	if (c->fd < 0 && conn_open(c) != 0) {
		fail(c, strerror(errno));
		g.done++;
		return start(c);
	}
	return true;
}

/* Case-insensitive search for a header's value in the head (which ends with \r\n\r\n). */
static const char *header(const char *head, size_t head_len, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = head; p != NULL && p < head + head_len;) {
		const char *eol = memmem(p, (size_t)(head + head_len - p), "\r\n", 2);

		if (eol == NULL)
			break;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
		p = eol + 2;
	}
	return NULL;
}

/*
 * Is the response in c->buf complete? 1 yes (the body, de-chunked, at *body, body_len bytes), 0 not yet,
 * -1 malformed. *status and *close are set when complete.
 */
static int complete(struct conn *c, bool eof, int *status, bool *close_after, char **body,
		    size_t *body_len)
{
	char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
	const char *cl, *te, *cn;
	size_t head_len;

	if (end == NULL)
		return eof ? -1 : 0;
	head_len = (size_t)(end - c->buf) + 4;
	if (c->len < 12 || strncmp(c->buf, "HTTP/1.", 7) != 0)
		return -1;
	*status = atoi(c->buf + 9);
	cn = header(c->buf, head_len, "Connection");
	*close_after = cn != NULL && strncasecmp(cn, "close", 5) == 0;
	cl = header(c->buf, head_len, "Content-Length");
	te = header(c->buf, head_len, "Transfer-Encoding");
	*body = c->buf + head_len;
	if (te != NULL && strncasecmp(te, "chunked", 7) == 0) {
		char *in = c->buf + head_len, *out;

		/* First check that the last chunk is there, without touching the buffer... */
		for (;;) {
			char *eol = memmem(in, (size_t)(c->buf + c->len - in), "\r\n", 2), *hexend;
			unsigned long size = strtoul(in, &hexend, 16);

			if (eol == NULL)
				return eof ? -1 : 0;
			if (hexend == in || size > MAX_RESPONSE)
				return -1;
			if ((size_t)(c->buf + c->len - (eol + 2)) < size + 2)
				return eof ? -1 : 0;
			in = eol + 2 + size + 2;
			if (size == 0)
				break; /* no trailers: the exporter sends none */
		}
		/* ...then join the chunks' data in place (out never passes in). */
		in = out = c->buf + head_len;
		for (;;) {
			char *eol = memmem(in, (size_t)(c->buf + c->len - in), "\r\n", 2);
			unsigned long size = strtoul(in, NULL, 16);

			if (size == 0)
				break;
			memmove(out, eol + 2, size);
			out += size;
			in = eol + 2 + size + 2;
		}
		*body_len = (size_t)(out - *body);
		return 1;
	}
	if (cl != NULL) {
		size_t n = (size_t)strtoull(cl, NULL, 10);

		if (c->len - head_len < n)
			return eof ? -1 : 0;
		*body_len = n;
		return 1;
	}
	if (!eof)
		return 0;
	*body_len = c->len - head_len;
	*close_after = true;
	return 1;
}

static void finish(struct conn *c, int status, char *body, size_t body_len)
{
	size_t n = strlen(g.metric), lines = 0;

	g.done++;
	g.bytes += body_len;
	for (char *p = body; p < body + body_len;) {
		char *eol = memchr(p, '\n', (size_t)(body + body_len - p));
		size_t len = eol != NULL ? (size_t)(eol - p) : (size_t)(body + body_len - p);

		if (len > n && strncmp(p, g.metric, n) == 0 && (p[n] == '{' || p[n] == ' '))
			lines++;
		p += len + 1;
	}
	g.metric_lines += lines;
	if (status == 200 && lines > 0) {
		g.ok++;
		return;
	}
	{
		char why[160];

		snprintf(why, sizeof why, "HTTP %d, %zu %s lines: %.80s", status, lines, g.metric,
			 body_len > 0 ? body : "");
		for (char *p = why; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		fail(c, why);
	}
}

/* Read what is there; finish the request when its response is complete. */
static void on_readable(struct conn *c)
{
	for (;;) {
		ssize_t r;
		bool eof = false;
		int status = 0, rc;
		bool close_after = false;
		char *body = NULL;
		size_t body_len = 0;

		if (c->cap - c->len < 65536) {
			size_t ncap = c->cap ? c->cap * 2 : 131072;

			if (ncap > MAX_RESPONSE) {
				fail(c, "response too large");
				g.done++;
				conn_close(c);
				start(c);
				return;
			}
			c->buf = realloc(c->buf, ncap + 1);
			if (c->buf == NULL)
				exit(70);
			c->cap = ncap;
		}
		r = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r < 0) {
			fail(c, strerror(errno));
			g.done++;
			conn_close(c);
			start(c);
			return;
		}
		if (r == 0)
			eof = true;
		c->len += (size_t)r;
		c->buf[c->len] = '\0';
		rc = complete(c, eof, &status, &close_after, &body, &body_len);
		if (rc == 0 && !eof)
			continue;
		if (rc <= 0) {
			fail(c, eof && c->len == 0 ? "connection closed without an answer"
						     : "malformed HTTP response");
			g.done++;
			conn_close(c);
			start(c);
			return;
		}
		body[body_len] = '\0';
		finish(c, status, body, body_len);
		if (close_after || eof)
			conn_close(c);
		start(c);
		return;
	}
}

static void on_writable(struct conn *c)
{
	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof err;

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			fail(c, strerror(err));
			g.done++;
			conn_close(c);
			start(c);
			return;
		}
		c->connecting = false;
	}
	while (c->req_sent < c->req_len) {
		ssize_t w = send(c->fd, c->req + c->req_sent, c->req_len - c->req_sent, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w < 0) {
			fail(c, strerror(errno));
			g.done++;
			conn_close(c);
			start(c);
			return;
		}
		c->req_sent += (size_t)w;
	}
}

int main(int argc, char **argv)
{
	const char *targets = NULL, *host = "127.0.0.1";
	long port = 0, concurrency = 256;
	struct conn *conns;
	struct pollfd *pfd;
	struct rlimit rl;
	double t0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			usage();
		if (strcmp(a, "--targets") == 0)
			targets = v;
		else if (strcmp(a, "--port") == 0)
			port = number(a, v, 1, 65535);
		else if (strcmp(a, "--host") == 0)
			host = v;
		else if (strcmp(a, "--concurrency") == 0)
			concurrency = number(a, v, 1, 100000);
		else if (strcmp(a, "--module") == 0)
			g.module = v;
		else if (strcmp(a, "--metric") == 0)
			g.metric = v;
		else if (strcmp(a, "--timeout-ms") == 0)
			g.timeout_ms = (int)number(a, v, 1, 3600000);
		else
			usage();
		i++;
	}
	if (targets == NULL || port == 0)
		usage();
	if (strspn(g.module, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
	    strlen(g.module))
		usage();
	g.addr.sin_family = AF_INET;
	g.addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &g.addr.sin_addr) != 1 ||
	    (ntohl(g.addr.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "scrape: --host %s: a loopback IPv4 address (127.0.0.0/8) only\n", host);
		return 64;
	}
	load_target_list(targets);
	if ((size_t)concurrency > g.ntargets)
		concurrency = g.ntargets > 0 ? (long)g.ntargets : 1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)concurrency + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	conns = calloc((size_t)concurrency, sizeof *conns);
	pfd = calloc((size_t)concurrency, sizeof *pfd);
	if (conns == NULL || pfd == NULL)
		return 70;
	t0 = now_ms();
	for (long i = 0; i < concurrency; i++) {
		conns[i].fd = -1;
		start(&conns[i]);
	}
	while (g.done < g.ntargets) {
		double now = now_ms();

		for (long i = 0; i < concurrency; i++) {
			struct conn *c = &conns[i];

			pfd[i].fd = c->target != SIZE_MAX ? c->fd : -1;
			pfd[i].events = c->connecting || c->req_sent < c->req_len ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
			if (c->target != SIZE_MAX && now - c->started > g.timeout_ms) {
				fail(c, "timed out");
				g.done++;
				conn_close(c);
				start(c);
				pfd[i].fd = -1;
			}
		}
		if (poll(pfd, (nfds_t)concurrency, 1000) < 0 && errno != EINTR) {
			perror("scrape: poll");
			return 70;
		}
		for (long i = 0; i < concurrency; i++) {
			struct conn *c = &conns[i];

			if (pfd[i].fd < 0 || pfd[i].revents == 0 || c->target == SIZE_MAX)
				continue;
			if (pfd[i].events & POLLOUT)
				on_writable(c);
			else
				on_readable(c);
		}
	}
	printf("requests=%zu ok=%zu failed=%zu bytes=%llu metric_lines=%zu wall_ms=%.1f\n",
	       g.ntargets, g.ok, g.failed, g.bytes, g.metric_lines, now_ms() - t0);
	for (long i = 0; i < concurrency; i++) {
		conn_close(&conns[i]);
		free(conns[i].buf);
	}
	for (size_t i = 0; i < g.ntargets; i++)
		free(g.targets[i]);
	free(g.targets);
	free(conns);
	free(pfd);
	return 0;
}
