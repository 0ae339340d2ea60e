/*
 * printer_poll — read many printers at once, no database: laser printers over SNMP, label
 * printers by TCP 9100 plus SNMP identity (ip mode) or by their host PC's reachability (usb
 * mode). One call runs every SNMP job and TCP probe concurrently (lib/snmp, lib/tcp_probe)
 * and leaves, per target, whether the device is up, how long it took, the reading when there
 * is one, and a one-line error a technician can act on when not.
 */
#ifndef INFRASCOPE_PRINTER_POLL_H
#define INFRASCOPE_PRINTER_POLL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "printer_reading.h"
#include "snmp.h"
#include "tcp_probe.h"

struct arena;

enum printer_target_mode {
	PRINTER_LASER = 0,      /* SNMP with Printer-MIB required */
	PRINTER_LABEL_IP,       /* TCP 9100 + SNMP identity where it answers */
	PRINTER_LABEL_USB,      /* the host PC's reachability */
};

/* Ports a Windows or Linux host PC usually answers on (SPEC §2, USB label printers). */
#define PRINTER_HOST_PORTS { 135, 445, 139, 3389, 22, 80, 5405 }
#define PRINTER_HOST_NPORTS 7
#define PRINTER_RAW_PORT 9100

struct printer_target {
	/* Input. */
	enum printer_target_mode mode;
	const char *address;        /* printer (laser, label ip) */
	unsigned snmp_port;         /* 0 = 161 */
	const char *community;
	bool v1_only;
	const char *host_pc;        /* label usb */
	unsigned jitter_ms;         /* delay of the first SNMP request (poll-all) */

	/* Output. */
	bool up;                    /* answered at all (SNMP, TCP 9100, or the host PC) */
	double latency_ms;          /* of the answer that proved it up */
	bool has_reading;           /* reading is valid (SNMP answered, Printer-MIB if laser) */
	struct printer_reading *reading; /* in the arena; NULL when !has_reading */
	enum snmp_status snmp;      /* how the SNMP part went (label usb: not asked, SNMP_OK) */
	enum tcp_result raw_port;   /* label ip: TCP 9100 */
	enum tcp_result host_port;  /* label usb: the best result over PRINTER_HOST_PORTS */
	struct err error;           /* code ERR_OK, or why there is no reading / it is down */
};

/*
 * printer_poll_run — poll every target. o gives the SNMP timeout/retries/concurrency; TCP
 * probes use the same timeout and concurrency. Returns 0 (each target says how it went), or
 * ERR_NOMEM / ERR_INVALID for the whole call.
 */
int printer_poll_run(struct printer_target *t, size_t n, const struct snmp_options *o,
		     struct arena *a, struct err *e);

#endif
