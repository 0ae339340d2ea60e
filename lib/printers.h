/*
 * printers — laser and label printers in PostgreSQL: the data behind /api/v1/printers and the
 * printer pages (SPEC §1, §9). A printer is a `devices` row (kind laser_printer or
 * label_printer) plus its `printer_details` row; both are created, changed and deleted
 * together in one transaction. The readings (supplies, colour summary, status, history) are
 * written by the poller (lib/printer_check.h); this module only reads them.
 *
 * Contract:
 *   - The SNMP community is write-only: printers_create/_update seal it (lib/secret.h, purpose
 *     "snmp_community", key from DEVICE_SECRET_KEY) before it reaches the database, and
 *     nothing here ever reads it back; readers only learn `community_set` (a community is
 *     stored; when none is, the poller uses the default "public").
 *   - Validation is one pure function, printers_check(), used by create and update (and by
 *     pages that want to show a form's errors before storing). Its messages name the field
 *     and are fit for an API client or a form.
 *   - Every string in a returned struct lives in the caller's arena. Times are ISO 8601 UTC
 *     ("2024-05-01T12:00:00Z"); "" means never / not known. Numbers the printer did not give
 *     are NaN (doubles) or have a has_ flag / a documented sentinel.
 *   - Functions return 0 or a negative enum err_code (lib/err.h): ERR_INVALID (bad input, e
 *     says which field), ERR_NOTFOUND (no such printer), ERR_CONFLICT (another device has the
 *     address: unique index devices_address_key), ERR_DB_DOWN / ERR_DB / ERR_NOMEM.
 */
#ifndef INFRASCOPE_PRINTERS_H
#define INFRASCOPE_PRINTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct config;
struct db;

#define PRINTERS_NAME_MAX 200          /* characters of name and model */
#define PRINTERS_HOST_MAX 253          /* bytes of a host name (host_pc) */
#define PRINTERS_COMMUNITY_MAX 255     /* bytes of an SNMP community (printable ASCII) */
#define PRINTERS_DEFAULT_COMMUNITY "public"
#define PRINTERS_DEFAULT_SNMP_PORT 161
#define PRINTERS_PAGE_DEFAULT 50
#define PRINTERS_PAGE_MAX 500
#define PRINTERS_HISTORY_DAYS_DEFAULT 30
#define PRINTERS_HISTORY_DAYS_MAX 400
#define PRINTERS_HISTORY_POINTS_MAX 50000  /* supply samples one history answer holds */
#define PRINTERS_MAC_TEXT 18           /* "aa:bb:cc:dd:ee:ff" + NUL */
#define PRINTERS_COLOURS 4             /* black, cyan, magenta, yellow */

/* ---- input: create and update ---- */

/* Which fields a struct printers_input carries (bits of printers_input.set). */
enum printers_field {
	PRINTERS_F_KIND = 1u << 0,
	PRINTERS_F_NAME = 1u << 1,
	PRINTERS_F_MODEL = 1u << 2,
	PRINTERS_F_ADDRESS = 1u << 3,
	PRINTERS_F_CONNECTION = 1u << 4,
	PRINTERS_F_HOST_PC = 1u << 5,
	PRINTERS_F_STORE = 1u << 6,
	PRINTERS_F_SNMP_VERSION = 1u << 7,
	PRINTERS_F_SNMP_PORT = 1u << 8,
	PRINTERS_F_COMMUNITY = 1u << 9,
	PRINTERS_F_MAC = 1u << 10,
	PRINTERS_F_ALL = (1u << 11) - 1,
};

/*
 * A printer as a client sends it. Only the fields whose PRINTERS_F_* bit is in `set` are
 * given; on update the others keep their stored values. For the nullable fields a set bit
 * with a NULL pointer (store_id 0) means "clear it". Strings are borrowed (e.g. from the JSON
 * body) and are not modified.
 */
struct printers_input {
	unsigned set;               /* PRINTERS_F_* bits */
	const char *kind;           /* "laser_printer" | "label_printer" (create; default laser) */
	const char *name;           /* 1..200 characters, no control characters (trimmed) */
	const char *model;          /* 0..200 characters (trimmed); "" = unknown */
	const char *address;        /* IPv4 dotted quad; NULL only for a USB label printer */
	const char *connection;     /* "ip" | "usb" (label printers; laser printers are "ip") */
	const char *host_pc;        /* host name or IPv4 of the PC a USB label printer hangs on;
				     * required for usb, optional (a note) otherwise; NULL = none */
	int64_t store_id;           /* 0 = no store; must exist otherwise */
	const char *snmp_version;   /* "1" | "2c" (default "2c") */
	int64_t snmp_port;          /* 1..65535 (default 161) */
	const char *community;      /* 1..255 printable ASCII; NULL = back to the default.
				     * A form's empty community field means "keep the stored
				     * one": leave PRINTERS_F_COMMUNITY out of set then */
	const char *mac;            /* as typed (any form mac_normalize accepts); NULL = none */
};

/*
 * printers_check — validate in and merge it over base into *out (pure: no I/O).
 *   base NULL: creating; unset fields take their defaults (kind laser_printer, connection ip,
 *     snmp_version "2c", snmp_port 161, no store, no MAC, default community) and name is
 *     required.
 *   base given: updating the printer base describes (every field of base set; its community
 *     bit/pointer are ignored); kind cannot change.
 * An empty string given for address, host_pc or mac means none (like NULL), for model "".
 * Rules: name 1..200 characters; address a dotted quad (octets 0..255 without leading zeros,
 * first octet 1..223) — required unless the printer is a label printer on usb, and absent for
 * such a printer; connection "usb" only for label printers and then host_pc (RFC 1123 host
 * name or IPv4, at most 253 bytes) is required; snmp_version "1" or "2c"; snmp_port 1..65535;
 * community 1..255 printable ASCII (0x20..0x7e); mac one of mac_normalize's forms.
 * On success *out has every bit of PRINTERS_F_ALL set (except PRINTERS_F_COMMUNITY, kept
 * only when in set it), trimmed name/model/host_pc copied into arena a, and mac in canonical
 * form (in mac_buf) or NULL. Returns 0 or ERR_INVALID with e naming the field
 * ("address: ..."), or ERR_NOMEM. store_id existence is checked by create/update, not here.
 */
struct printers_valid {
	struct printers_input v;    /* merged, validated, normalised */
	char mac_buf[PRINTERS_MAC_TEXT];
	bool address_changed;       /* updating: the address differs from base's */
	bool mac_changed;           /* updating: the MAC differs from base's */
};
int printers_check(const struct printers_input *in, const struct printers_input *base,
		   struct printers_valid *out, struct arena *a, struct err *e);

/* printers_kind_valid — "laser_printer" or "label_printer". */
bool printers_kind_valid(const char *kind);

/* printers_ipv4_valid — a dotted quad as printers_check accepts for address. */
bool printers_ipv4_valid(const char *s);

/* printers_host_valid — a host_pc value: RFC 1123 host name or IPv4, at most 253 bytes. */
bool printers_host_valid(const char *s);

/* printers_community_valid — 1..255 printable ASCII characters. */
bool printers_community_valid(const char *s);

/* ---- output: what readers get ---- */

/* The store a printer belongs to (id 0 = none; then code and name are ""). */
struct printers_store {
	int64_t id;
	const char *code;
	const char *name;
};

/* One colour of the K/C/M/Y summary (printer_colours): the lowest toner of that colour. */
struct printers_colour {
	const char *colour;         /* "black" | "cyan" | "magenta" | "yellow" */
	double percent;             /* remaining 0..100, NaN when the printer gives no number */
	const char *state;          /* "percent" | "some_remaining" | "unknown" | "unlimited" */
	int64_t supply_index;       /* the supply it comes from */
	const char *name;           /* the cartridge's description ("" when none) */
};

/*
 * A printer as a list shows it: the devices row, its store, the printer_details fields a row
 * needs, and the colour summary for toner bars. Also the head of struct printers_full.
 */
struct printers_item {
	int64_t id;
	const char *kind;           /* "laser_printer" | "label_printer" */
	const char *name;
	const char *model;          /* "" = unknown */
	const char *address;        /* NULL for a USB label printer */
	const char *mac;            /* canonical, NULL when none is stored */
	const char *mac_status;     /* "verified" | "mismatch" | "unknown" */
	const char *snmp_version;   /* "1" | "2c" */
	int snmp_port;
	bool community_set;         /* a community is stored (its value is never shown); false:
				     * the default "public" is used */
	const char *state;          /* "online" | "pending_offline" | "offline" | "unknown" */
	bool online;                /* state is online or pending_offline */
	const char *last_polled_at; /* "" = never */
	const char *last_seen_at;   /* "" = never */
	const char *last_error;     /* "" = none */
	const char *created_at;
	const char *updated_at;
	struct printers_store store;
	const char *connection;     /* "ip" | "usb" */
	const char *host_pc;        /* NULL = none */
	const char *severity;       /* "unknown" | "ok" | "warning" | "critical" */
	const char *circuit;        /* poll state machine: "closed" | "open" | "half_open" */
	int failures;               /* failed polls in a row */
	const char *circuit_opened_at; /* ISO time the circuit opened; "" = not open */
	const char *read_at;        /* ISO time of the last good reading; "" = never */
	size_t n_colours;           /* colours present, in K, C, M, Y order */
	struct printers_colour colours[PRINTERS_COLOURS];
};

/* One Printer-MIB supply of the last good reading (printer_supplies, every column). */
struct printers_supply {
	int64_t supply_index;
	const char *description;
	int type;                   /* PrtMarkerSuppliesTypeTC; 0 = not known */
	const char *type_name;      /* IANA name ("toner", "opc", ...); NULL when type is 0/odd */
	const char *class_;         /* "other" | "consumed" | "receptacle" */
	int unit;                   /* PrtMarkerSuppliesSupplyUnitTC; 0 = not given */
	bool has_max, has_level;
	int64_t max_capacity;       /* raw (meaningful when has_max) */
	int64_t level;              /* raw (meaningful when has_level) */
	const char *state;          /* "percent" | "some_remaining" | "unknown" | "unlimited" */
	double percent;             /* remaining / free space; NaN when not a number */
	double fullness;            /* receptacles: 100 - percent; NaN otherwise */
	const char *colour;         /* lower-case word, NULL when none */
	bool is_toner;
	bool is_receptacle;
};

#define PRINTERS_ERRORS_MAX 16     /* hrPrinterDetectedErrorState bits decoded */

/* printer_details of the last good reading. */
struct printers_details {
	const char *vendor;         /* "" = unknown */
	const char *serial;
	const char *firmware;
	const char *sys_name;
	const char *sys_descr;
	int64_t page_count;         /* -1 = not known */
	int device_status;          /* hrDeviceStatus 1..5; 0 = not known */
	const char *device_status_name;  /* "running", ...; NULL when 0 */
	int printer_status;         /* hrPrinterStatus 1..5; 0 = not known */
	const char *printer_status_name; /* "idle", "printing", ...; NULL when 0 */
	uint32_t error_bits;        /* (1u << enum printer_error_bit) */
	size_t n_errors;
	const char *errors[PRINTERS_ERRORS_MAX]; /* printer_error_name() of each set bit */
	const char *severity;       /* "unknown" | "ok" | "warning" | "critical" */
	int port_9100_open;         /* label ip: 1 open, 0 not, -1 not known */
	const char *foreign_mac;    /* the MAC another device answered with; NULL = none */
	const char *read_at;        /* when these values were read; "" = never */
	int64_t read_age_seconds;   /* now - read_at; -1 = never */
};

/* Everything about one printer. supplies is in the arena, ordered by supply_index. */
struct printers_full {
	struct printers_item item;
	struct printers_details details;
	size_t n_supplies;
	struct printers_supply *supplies;
};

/* ---- listing ---- */

/* What printers_list returns. NULL / -1 fields do not filter. */
struct printers_filter {
	const char *store;          /* a store id (digits) or code (any case); NULL = all */
	const char *kind;           /* "laser_printer" | "label_printer"; NULL = both */
	int online;                 /* 1: online or pending_offline; 0: the rest; -1: all */
	const char *q;              /* words, each found (case-insensitively, Latin/Cyrillic
				     * look-alikes folded) in name, address, model, MAC, store code
				     * or store name; NULL/"" = all */
	int limit;                  /* 1..PRINTERS_PAGE_MAX; 0 = PRINTERS_PAGE_DEFAULT */
	int offset;                 /* >= 0 */
};

/*
 * printers_list — one page of printers matching f, ordered online first (online,
 * pending_offline, then unknown, offline), then by name (case-insensitive), then id; *total
 * is the number of all matches. *items (n of them, each with its colour summary) is in a.
 * ERR_INVALID for a bad kind/limit/offset.
 */
int printers_list(struct db *db, struct arena *a, const struct printers_filter *f,
		  struct printers_item **items, size_t *n, int64_t *total, struct err *e);

/* printers_get — one printer with details, supplies and colours. ERR_NOTFOUND when id is
 * not a laser or label printer. */
int printers_get(struct db *db, struct arena *a, int64_t id, struct printers_full *out,
		 struct err *e);

/* ---- history ---- */

/* One supply_samples row. */
struct printers_history_point {
	const char *at;             /* ISO 8601 UTC */
	bool has_level;
	int64_t level;              /* raw level */
	double percent;             /* NaN when not a number */
	const char *state;          /* "percent" | "some_remaining" | "unknown" | "unlimited" */
};

/* The samples of one supply, oldest first. */
struct printers_history_series {
	int64_t supply_index;
	const char *description;    /* from the current supplies; "" when no longer reported */
	const char *colour;         /* NULL when none / no longer reported */
	size_t n_points;
	struct printers_history_point *points;
};

/* Up/down polls of one UTC day (device_samples). */
struct printers_history_day {
	const char *day;            /* "YYYY-MM-DD" */
	int64_t up, down;
};

/* What printers_history returns (everything in the arena). */
struct printers_history {
	int days;                   /* the window: samples of the last `days` days */
	const char *since;          /* ISO 8601 UTC start of the window */
	size_t n_series;            /* one per supply index with samples, by supply_index */
	struct printers_history_series *series;
	int64_t up, down;           /* device_samples in the window */
	size_t n_days;              /* days that have samples, oldest first */
	struct printers_history_day *per_day;
	bool truncated;             /* more than PRINTERS_HISTORY_POINTS_MAX supply samples: the
				     * oldest were left out */
};

/*
 * printers_history — the supply levels and up/down samples of printer id over the last days
 * days (1..PRINTERS_HISTORY_DAYS_MAX; 0 = PRINTERS_HISTORY_DAYS_DEFAULT). ERR_NOTFOUND when
 * id is not a printer, ERR_INVALID for days out of range.
 */
int printers_history(struct db *db, struct arena *a, int64_t id, int days,
		     struct printers_history *out, struct err *e);

/* ---- changes ---- */

/*
 * printers_create — validate in (printers_check with base NULL), check the store exists,
 * seal the community with cfg->device_secret_key and insert the devices and printer_details
 * rows in one transaction; *id gets the new id. A MAC given by hand is stored with
 * mac_status 'unknown' (the next poll verifies it). ERR_INVALID (field or store),
 * ERR_CONFLICT (address taken).
 */
int printers_create(struct db *db, const struct config *cfg, struct arena *a,
		    const struct printers_input *in, int64_t *id, struct err *e);

/*
 * printers_update — apply the fields set in in to printer id, in one transaction that locks
 * the row, validates the merged printer (printers_check), checks the store and seals a new
 * community. Changing the address or the MAC resets mac_status to 'unknown' (and forgets a
 * foreign MAC); the online state stays until the next poll.
 * *changed (may be NULL) gets the PRINTERS_F_* bits whose value actually changed (the
 * community bit when one was given). ERR_NOTFOUND, ERR_INVALID, ERR_CONFLICT.
 */
int printers_update(struct db *db, const struct config *cfg, struct arena *a, int64_t id,
		    const struct printers_input *in, unsigned *changed, struct err *e);

/* What a deleted printer was (for the audit event). Strings in the arena. */
struct printers_ref {
	int64_t id;
	const char *kind;
	const char *name;
	const char *address;        /* NULL when none */
	int64_t store_id;           /* 0 = none */
};

/*
 * printers_delete — remove printer id; its details, supplies, colours and samples go with it
 * (ON DELETE CASCADE). *ref (may be NULL) describes what was deleted. ERR_NOTFOUND.
 */
int printers_delete(struct db *db, struct arena *a, int64_t id, struct printers_ref *ref,
		    struct err *e);

/* printers_ref_of — kind, name, address and store of printer id (ERR_NOTFOUND). */
int printers_ref_of(struct db *db, struct arena *a, int64_t id, struct printers_ref *ref,
		    struct err *e);

#endif
