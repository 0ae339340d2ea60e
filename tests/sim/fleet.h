/*
 * fleet — the simulated devices (test code: the device simulator). No sockets here: binding
 * is the caller's, through struct fleet_ops, so this module and the control commands
 * (control.c) are unit-testable.
 *
 * A device is ADDRESS:PORT (127.0.0.0/8 only), a community, a shared snmprec walk (loaded
 * once per file and shared by every device that names it), sparse overrides and a few state
 * bits (silent, garbage mode, delay). It costs ~56 bytes plus its overrides.
 *
 * Fleet file: one device per line, '#' comments,
 *     ADDRESS[:PORT] COMMUNITY SNMPREC_FILE [key=value ...]
 * tokens split on blanks, double quotes group (name="Store 1 printer"), backslash escapes.
 * Keys: name, location, contact, descr (system group strings); mac (every 6-octet
 * ifPhysAddress row: the first gets MAC, the next MAC+1, ...); serial (every serial-number
 * OID the walk has: prtGeneralSerialNumber, vendor serials, entPhysicalSerialNum of the
 * chassis, "S/N"/"SN:" inside sysDescr); level.N=V (prtMarkerSuppliesLevel of supply N);
 * delay=MS; silent=on|off; garbage=on|off|random|truncated|wrongid|badber|badvalue;
 * OID=TAG:VALUE with an snmprec tag (1.3.6.1.2.1.1.5.0=4:PRN-1, ...=4x:0a0b, ...=70:123),
 * or OID=- to hide an OID. SNMPREC_FILE is looked up in the snmprec directory first, then
 * next to the fleet file.
 */
#ifndef SIM_FLEET_H
#define SIM_FLEET_H

#include "agent.h"
#include "snmprec.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct device {
	uint32_t addr; /* host byte order */
	uint16_t port;
	uint8_t silent;
	uint8_t garbage; /* enum garbage_mode */
	uint8_t removed;
	uint16_t walk;      /* index into fleet.walks */
	uint16_t community; /* index into fleet.communities */
	uint32_t delay_ms;
	int fd;       /* per-address sockets: the device's own, else -1 */
	uint32_t rng; /* garbage state */
	uint32_t requests;
	int64_t boot_ms; /* sysUpTime.0 counts from here */
	struct ovr_set *ovr;
};

struct sim_counters {
	uint64_t received, answered, malformed, bad_version, bad_pdu, bad_community,
		unknown_device, not_loopback, silent, garbage, toobig, trimmed, delayed,
		delay_dropped, send_errors, truncated_requests;
};

struct fleet;

/* How the caller binds: rebind makes device DEV answer at ADDR:PORT (a new device has fd -1);
 * release forgets its socket. Both may be NULL (unit tests). Return 0 or -1 with ERR set. */
struct fleet_ops {
	int (*rebind)(void *ctx, struct fleet *f, size_t dev, uint32_t addr, uint16_t port,
		      char *err, size_t errlen);
	void (*release)(void *ctx, struct fleet *f, size_t dev);
	void *ctx;
};

struct fleet {
	struct device *dev;
	size_t n, cap, live;
	struct snmprec_walk **walks;
	size_t nwalks;
	char **communities;
	size_t ncommunities;
	uint32_t *hash; /* open addressing over dev[] by (addr, port); UINT32_MAX = empty */
	size_t hash_cap;
	uint16_t default_port;
	const char *snmprec_dir; /* borrowed; may be NULL */
	int64_t now_ms;          /* the caller's monotonic clock, kept current */
	struct fleet_ops ops;
	struct sim_counters c;
};

/* fleet_init / fleet_free: an empty fleet; fleet_free releases devices, walks, everything. */
void fleet_init(struct fleet *f, uint16_t default_port, const char *snmprec_dir);
void fleet_free(struct fleet *f);

/* fleet_add_line: add the device one fleet line describes; BASEDIR is where relative walk
 * files are also looked for (NULL: only the snmprec directory and the current one).
 * Returns the device index, or -1 with ERR set (nothing added). */
long fleet_add_line(struct fleet *f, const char *line, const char *basedir, char *err,
		    size_t errlen);

/* fleet_load_file: every line of the fleet file PATH. Returns devices added or -1 with ERR
 * naming PATH:LINE. */
long fleet_load_file(struct fleet *f, const char *path, char *err, size_t errlen);

struct fleet_gen {
	size_t count;
	uint32_t base;         /* first address */
	uint16_t port;
	const char *community;
	const char *const *walks; /* cycled */
	size_t nwalks;
	unsigned store_size;   /* devices per simulated store (names, locations) */
	uint32_t seed;
};

/* fleet_generate: G->count devices from consecutive addresses (skipping .0 and .255), each
 * with a unique name, location, MAC, serial and its own toner levels. Each generated line is
 * also written to OUT when not NULL (a fleet file others can read). Returns devices added or -1. */
long fleet_generate(struct fleet *f, const struct fleet_gen *g, FILE *out, char *err,
		    size_t errlen);

/* fleet_find: the live device at ADDR:PORT, or -1. */
long fleet_find(const struct fleet *f, uint32_t addr, uint16_t port);

/* fleet_move: make device DEV answer at ADDR:PORT instead. Returns 0 or -1 with ERR. */
int fleet_move(struct fleet *f, size_t dev, uint32_t addr, uint16_t port, char *err,
	       size_t errlen);

/* fleet_remove: the device stops existing (its slot is kept, marked removed). */
void fleet_remove(struct fleet *f, size_t dev);

/* fleet_apply_key: one key=value of a fleet line to device DEV. Returns 0 or -1 with ERR. */
int fleet_apply_key(struct fleet *f, size_t dev, const char *key, const char *val, char *err,
		    size_t errlen);

/* fleet_view: the agent view of device DEV at the fleet's now_ms. */
void fleet_view(const struct fleet *f, size_t dev, struct agent_view *v);

/* fleet_parse_addr: "A.B.C.D" or "A.B.C.D:PORT" in 127.0.0.0/8 (not .0.0.0 or .255.255.255);
 * without a port, DEFAULT_PORT. Returns 0 or -1. */
int fleet_parse_addr(const char *s, uint16_t default_port, uint32_t *addr, uint16_t *port);

/* fleet_format_addr: "A.B.C.D:PORT" into BUF. Returns BUF. */
char *fleet_format_addr(uint32_t addr, uint16_t port, char *buf, size_t size);

/* fleet_value: a typed value as a control command or fleet key gives it: TYPE is an snmprec
 * tag (2, 4, 4x, 64, 65, 66, 67, 68x, 70, 6, 5) or an snmpset-like name (i/integer, s/string,
 * x/hex (blanks and colons allowed), o/oid, a/ipaddress, c/counter32, g/u/gauge32,
 * t/timeticks, C/counter64, opaque, n/null). Returns 0 or -1. */
int fleet_value(const char *type, const char *val, uint8_t *tag, uint8_t *out, size_t cap,
		size_t *outlen);

/* fleet_tokenize: split LINE into at most MAX tokens (blanks separate, double quotes group,
 * backslash escapes) written NUL-terminated into BUF (capacity CAP). Returns the number of
 * tokens, or -1 on an unterminated quote or overflow. */
int fleet_tokenize(const char *line, char *buf, size_t cap, char **tok, int max);

#endif
