/*
 * tcp_probe — is anything listening? Non-blocking TCP connects to many (address, port) pairs
 * at once under poll(), each bounded by a timeout; a connection is closed as soon as it is
 * made (nothing is sent). Used for label printers (port 9100), USB printers' host PCs and,
 * later, nettops and discovery. Host names are resolved first (getaddrinfo, IPv4).
 */
#ifndef INFRASCOPE_TCP_PROBE_H
#define INFRASCOPE_TCP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum tcp_result {
	TCP_OPEN = 0,      /* connect succeeded */
	TCP_REFUSED,       /* RST: the host is up, nothing listens on the port */
	TCP_TIMEOUT,       /* no answer within the timeout */
	TCP_UNREACHABLE,   /* no route, host unreachable, name did not resolve */
};

struct tcp_probe {
	const char *host;           /* IPv4 address or host name */
	unsigned port;
	enum tcp_result result;     /* output */
	double elapsed_ms;          /* output: time to the result */
	char address[16];           /* output: the IPv4 address tried ("" when none) */
};

/*
 * tcp_probe_run — probe every entry, at most concurrency at a time, each for at most
 * timeout_ms. Returns 0 (each entry's result says how it went) or ERR_INVALID/ERR_NOMEM.
 */
int tcp_probe_run(struct tcp_probe *p, size_t n, int timeout_ms, int concurrency, struct err *e);

/* tcp_result_name — "open", "refused", "timeout", "unreachable". */
const char *tcp_result_name(enum tcp_result r);

/* tcp_host_up — true when a result proves the host answered (open or refused). */
bool tcp_host_up(enum tcp_result r);

#endif
