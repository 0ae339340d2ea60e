/*
 * simnet.c — sockets of the simulator (the loopback checks, UDP binding, replies from the
 * queried address) and the --ctl command-line client. See simnet.h.
 */
#include "simnet.h"

#include "fleet.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- the network-safety decision ---- */

/* loopback_only: the current network namespace has no interface but lo. (Not
 * /sys/class/net: sysfs shows the namespace of whoever mounted it, not ours.) */
int loopback_only(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int only = 1;

	if (!ifs)
		return 0;
	for (i = ifs; i->if_index; i++) {
		if (strcmp(i->if_name, "lo") != 0)
			only = 0;
	}
	if_freenameindex(ifs);
	return only;
}

/* raise_nofile: make room for NEED descriptors; 0, or -1 with the limit in *HARD. */
int raise_nofile(rlim_t need, rlim_t *hard)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	*hard = rl.rlim_max;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		struct rlimit want = {need, need};
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return 0; /* root (CAP_SYS_RESOURCE) may raise the hard limit */
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		return -1;
	}
	rl.rlim_cur = need;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

int udp_socket(uint32_t addr, uint16_t port, int wildcard, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	int fd, one = 1, rcvbuf = 4 << 20;
	char a[32];

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s%s", strerror(errno),
			 errno == EMFILE ? " (too many open files: raise ulimit -n, or run in a "
					   "loopback-only network namespace for one socket per port)" : "");
		return -1;
	}
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
	if (wildcard) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
		/* belt and braces: even the wildcard socket only hears the loopback device */
		if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3) != 0) {
			snprintf(err, errlen, "SO_BINDTODEVICE lo: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(wildcard ? INADDR_ANY : addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(err, errlen, "bind %s: %s", wildcard ? fleet_format_addr(0, port, a, sizeof a) :
			 fleet_format_addr(addr, port, a, sizeof a), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- sending ---- */

int send_from(int fd, uint32_t from, const struct sockaddr_in *to, const uint8_t *p,
		     size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = {(void *)p, len};
	struct msghdr mh;
	struct cmsghdr *c;
	struct in_pktinfo pi;

	memset(&mh, 0, sizeof mh);
	memset(&cm, 0, sizeof cm);
	mh.msg_name = (void *)to;
	mh.msg_namelen = sizeof *to;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof cm.buf;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof pi);
	memset(&pi, 0, sizeof pi);
	pi.ipi_spec_dst.s_addr = htonl(from); /* the reply's source: the queried address */
	memcpy(CMSG_DATA(c), &pi, sizeof pi);
	return sendmsg(fd, &mh, MSG_DONTWAIT) < 0 ? -1 : 0;
}

/* ---- the CLI client ---- */

int ctl_client(const char *path, char **cmds, int n)
{
	struct sockaddr_un sa;
	int fd, i, bad = 0;
	char buf[65536];
	size_t have = 0;

	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "infrascope-sim --ctl: %s: path too long\n", path);
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "infrascope-sim --ctl: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(cmds[i]), off = 0;
		char *nl;
		if (strchr(cmds[i], '\n')) {
			fprintf(stderr, "infrascope-sim --ctl: one command per argument, no newlines\n");
			close(fd);
			return 2;
		}
		while (off < len) {
			ssize_t w = write(fd, cmds[i] + off, len - off);
			if (w < 0) {
				fprintf(stderr, "infrascope-sim --ctl: write: %s\n", strerror(errno));
				close(fd);
				return 2;
			}
			off += (size_t)w;
		}
		if (write(fd, "\n", 1) != 1) {
			close(fd);
			return 2;
		}
		while (!(nl = memchr(buf, '\n', have))) {
			struct pollfd p = {fd, POLLIN, 0};
			ssize_t r;
			if (have == sizeof buf || poll(&p, 1, 10000) != 1) {
				fprintf(stderr, "infrascope-sim --ctl: no answer to: %s\n", cmds[i]);
				close(fd);
				return 2;
			}
			r = read(fd, buf + have, sizeof buf - have);
			if (r <= 0) {
				fprintf(stderr, "infrascope-sim --ctl: the simulator closed the connection\n");
				close(fd);
				return 2;
			}
			have += (size_t)r;
		}
		*nl = '\0';
		printf("%s\n", buf);
		if (strncmp(buf, "ok", 2) != 0)
			bad = 1;
		have -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, have);
	}
	close(fd);
	return bad;
}

