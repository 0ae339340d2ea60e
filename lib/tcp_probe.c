#include "tcp_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct slot {
	int fd;
	size_t index;
	double started;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool resolve(const char *host, struct in_addr *out)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;

	if (inet_pton(AF_INET, host, out) == 1)
		return true;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
		return false;
	*out = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return true;
}

static enum tcp_result classify(int err)
{
	switch (err) {
	case 0: return TCP_OPEN;
	case ECONNREFUSED: return TCP_REFUSED;
	case ETIMEDOUT: return TCP_TIMEOUT;
	default: return TCP_UNREACHABLE;
	}
}

/* Start p's connect; returns the fd still connecting, or -1 when p is already decided. */
static int start(struct tcp_probe *p, double t0)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p->port) };
	int fd, rc;

	p->address[0] = '\0';
	if (p->host == NULL || p->port == 0 || p->port > 65535 || !resolve(p->host, &sa.sin_addr)) {
		p->result = TCP_UNREACHABLE;
		p->elapsed_ms = now_ms() - t0;
		return -1;
	}
	inet_ntop(AF_INET, &sa.sin_addr, p->address, sizeof p->address);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		p->result = TCP_UNREACHABLE;
		return -1;
	}
	rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	if (rc == 0 || errno != EINPROGRESS) {
		p->result = classify(rc == 0 ? 0 : errno);
		p->elapsed_ms = now_ms() - t0;
		close(fd);
		return -1;
	}
	return fd;
}

int tcp_probe_run(struct tcp_probe *p, size_t n, int timeout_ms, int concurrency, struct err *e)
{
	struct slot *slots;
	struct pollfd *pfd;
	size_t next = 0, active = 0;

	if (timeout_ms <= 0 || concurrency <= 0)
		return err_set(e, ERR_INVALID, "tcp_probe: timeout and concurrency must be positive");
	slots = calloc((size_t)concurrency, sizeof *slots);
	pfd = calloc((size_t)concurrency, sizeof *pfd);
	if (slots == NULL || pfd == NULL) {
		free(slots);
		free(pfd);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	while (next < n || active > 0) {
		double t;
		int wait_ms = timeout_ms;

		while (next < n && active < (size_t)concurrency) {
			double t0 = now_ms();
			int fd = start(&p[next], t0);

			if (fd >= 0)
				slots[active++] = (struct slot){ .fd = fd, .index = next, .started = t0 };
			next++;
		}
		if (active == 0)
			continue;
		t = now_ms();
		for (size_t i = 0; i < active; i++) {
			int left = (int)(slots[i].started + timeout_ms - t);

			pfd[i] = (struct pollfd){ .fd = slots[i].fd, .events = POLLOUT };
			if (left < wait_ms)
				wait_ms = left < 0 ? 0 : left;
		}
		if (poll(pfd, active, wait_ms) < 0 && errno != EINTR)
			break;
		t = now_ms();
		for (size_t i = 0; i < active;) {
			struct tcp_probe *q = &p[slots[i].index];
			bool done = false;

			if (pfd[i].revents != 0) {
				int err = 0;
				socklen_t len = sizeof err;

				getsockopt(slots[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
				q->result = classify(err);
				done = true;
			} else if (t - slots[i].started >= timeout_ms) {
				q->result = TCP_TIMEOUT;
				done = true;
			}
			if (!done) {
				i++;
				continue;
			}
			q->elapsed_ms = t - slots[i].started;
			close(slots[i].fd);
			slots[i] = slots[--active];
			pfd[i] = pfd[active];
		}
	}
	for (size_t i = 0; i < active; i++)
		close(slots[i].fd);
	free(slots);
	free(pfd);
	return 0;
}

const char *tcp_result_name(enum tcp_result r)
{
	switch (r) {
	case TCP_OPEN: return "open";
	case TCP_REFUSED: return "refused";
	case TCP_TIMEOUT: return "timeout";
	case TCP_UNREACHABLE: return "unreachable";
	}
	return "unknown";
}

bool tcp_host_up(enum tcp_result r)
{
	return r == TCP_OPEN || r == TCP_REFUSED;
}
