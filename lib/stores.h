/*
 * stores — the retail stores in PostgreSQL (SPEC §1) and the rules a store's fields follow.
 *
 * A store has a short unique code (MSK-014), a name, the subnets its devices live in (see
 * cidr.h for their rules) and notes; every device belongs to at most one store, and deleting
 * a store keeps its devices (their store becomes none). Codes are unique the way people read
 * them: ignoring case and Latin/Cyrillic look-alike letters (MCK-014 and МСК-014 are one code),
 * by the index on search_fold(code) (sql/0005_stores.sql); the same fold makes the search
 * find МСК when a technician types mck.
 *
 * The validators are pure (no database) and agree with the table's CHECK constraints; their
 * messages are fit for an API client or a form. Strings in the structs below live in the
 * caller's arena. Every function returns 0 or a negative err_code with e saying why.
 */
#ifndef INFRASCOPE_STORES_H
#define INFRASCOPE_STORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "err.h"

struct arena;
struct db;

#define STORE_CODE_MAX 32          /* characters */
#define STORE_NAME_MAX 200         /* characters */
#define STORE_NOTES_MAX 4000       /* characters */
#define STORE_SEARCH_MAX 100       /* characters of a search text */
#define STORE_KINDS 6              /* device kinds (SPEC §1) */

/* A set of devices counted by state. problems: offline, pending_offline or a MAC mismatch. */
struct store_counts {
	int64_t total;
	int64_t online;
	int64_t pending_offline;
	int64_t offline;
	int64_t unknown;
	int64_t problems;
};

struct store {
	int64_t id;
	const char *code;
	const char *name;
	const char *const *subnets;    /* "10.1.2.0/24", as stored */
	size_t nsubnets;
	const char *notes;
	const char *created_at;         /* ISO 8601, UTC */
	const char *updated_at;
	struct store_counts devices;    /* the store's devices by state */
};

/* A new store (code and name required) or a change to one: NULL / false = unchanged. */
struct store_change {
	const char *code;
	const char *name;
	const char *notes;
	bool set_subnets;               /* then subnets[0..nsubnets-1] replace the list */
	const struct cidr *subnets;
	size_t nsubnets;
};

/* The health of a store's devices: all of them and each kind present, in the product's order. */
struct store_health {
	struct store_counts all;
	size_t nkinds;
	struct {
		const char *kind;       /* "laser_printer"... (static string) */
		struct store_counts counts;
	} kinds[STORE_KINDS];
};

/* A device as a store's lists show it. NULL-able columns are "" when NULL. */
struct store_device {
	int64_t id;
	const char *kind;
	const char *name;
	const char *model;
	const char *address;
	const char *mac;                /* aa:bb:cc:dd:ee:ff */
	const char *mac_status;         /* verified | mismatch | unknown */
	const char *state;              /* unknown | online | pending_offline | offline */
	const char *last_polled_at;     /* ISO 8601, UTC */
	const char *last_seen_at;
	const char *last_error;
	bool problem;                   /* offline, pending_offline or a MAC mismatch */
};

enum store_device_order {
	STORE_DEVICES_ONLINE_FIRST,     /* online, pending offline, offline, not polled; then name */
	STORE_DEVICES_PROBLEMS_FIRST,   /* problems (offline first), then the rest; then name */
};

/* ---- rules (pure) ---- */

/*
 * store_code_check — 1..STORE_CODE_MAX characters of Latin or Cyrillic letters (А-Я, а-я,
 * Ё, ё), digits, '.', '_' and '-', the first a letter or a digit: exactly the CHECK of
 * stores.code.
 */
int store_code_check(const char *code, struct err *e);

/* store_name_check — 1..STORE_NAME_MAX characters of UTF-8, not only blanks, no controls. */
int store_name_check(const char *name, struct err *e);

/* store_notes_check — at most STORE_NOTES_MAX characters of UTF-8; tabs and line ends allowed. */
int store_notes_check(const char *notes, struct err *e);

/* store_search_check — a search: at most STORE_SEARCH_MAX characters of UTF-8, no controls. */
int store_search_check(const char *q, struct err *e);

/* ---- storage ---- */

/*
 * stores_list — a page of stores ordered by code, and how many match in all. q (NULL or ""
 * = all) matches code or name anywhere, ignoring case and look-alike letters.
 */
int stores_list(struct db *db, struct arena *a, const char *q, int limit, int offset,
		struct store **items, size_t *n, int64_t *total, struct err *e);

/* stores_get — by id; ERR_NOTFOUND when absent. */
int stores_get(struct db *db, struct arena *a, int64_t id, struct store *s, struct err *e);

/* stores_get_by_code — by the code as people read it (case, look-alikes); or ERR_NOTFOUND. */
int stores_get_by_code(struct db *db, struct arena *a, const char *code, struct store *s,
		       struct err *e);

/*
 * stores_create — insert c (validated by the caller); *id set. ERR_CONFLICT when the code is
 * taken (e names the store that has it), ERR_INVALID when the database refuses a value.
 */
int stores_create(struct db *db, const struct store_change *c, int64_t *id, struct err *e);

/*
 * stores_update — apply c to store id in one transaction; before (when not NULL) receives the
 * store as it was, after (when not NULL) as it is now. ERR_NOTFOUND, ERR_CONFLICT (code taken).
 */
int stores_update(struct db *db, struct arena *a, int64_t id, const struct store_change *c,
		  struct store *before, struct store *after, struct err *e);

/*
 * stores_delete — remove store id; its devices stay, without a store. gone (when not NULL)
 * receives the store as it was (devices counted just before). ERR_NOTFOUND.
 */
int stores_delete(struct db *db, struct arena *a, int64_t id, struct store *gone, struct err *e);

/* stores_health — the roll-up of store id's devices (all zero for a store without any). */
int stores_health(struct db *db, int64_t id, struct store_health *h, struct err *e);

/*
 * stores_devices — a page of store id's devices in the given order, and their total.
 * ERR_NOTFOUND when there is no such store.
 */
int stores_devices(struct db *db, struct arena *a, int64_t id, enum store_device_order order,
		   int limit, int offset, struct store_device **items, size_t *n, int64_t *total,
		   struct err *e);

#endif
