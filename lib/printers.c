#include "printers.h"

#include "arena.h"
#include "config.h"
#include "db.h"
#include "mac.h"
#include "printer_reading.h"
#include "secret.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define COMMUNITY_PURPOSE "snmp_community"
#define KINDS "('laser_printer', 'label_printer')"
#define ISO(col) "to_char((" col ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* ---- rules (pure) ---- */

bool printers_kind_valid(const char *kind)
{
	return kind != NULL &&
	       (strcmp(kind, "laser_printer") == 0 || strcmp(kind, "label_printer") == 0);
}

bool printers_ipv4_valid(const char *s)
{
	const char *p = s;

	if (s == NULL)
		return false;
	for (int octet = 0; octet < 4; octet++) {
		unsigned v = 0;
		int digits = 0;

		if (octet > 0 && *p++ != '.')
			return false;
		while (*p >= '0' && *p <= '9') {
			if (++digits > 3)
				return false;
			v = v * 10 + (unsigned)(*p - '0');
			p++;
		}
		/* "010" would be octal to inet_aton: refuse leading zeros rather than guess. */
		if (digits == 0 || v > 255 || (digits > 1 && p[-digits] == '0'))
			return false;
		if (octet == 0 && (v == 0 || v > 223))  /* "this network", multicast, reserved */
			return false;
	}
	return *p == '\0';
}

bool printers_host_valid(const char *s)
{
	size_t len, label = 0;
	bool digits_and_dots = true;

	if (s == NULL || (len = strlen(s)) == 0 || len > PRINTERS_HOST_MAX)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			digits_and_dots = false;
	if (digits_and_dots)
		return printers_ipv4_valid(s);
	for (size_t i = 0; i <= len; i++) {
		char c = s[i];

		if (c == '.' || c == '\0') {
			/* A label: 1..63 characters, no hyphen at either end. */
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c == '-' && label > 0)))
			return false;
		label++;
	}
	return true;
}

bool printers_community_valid(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++, n++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return n >= 1 && n <= PRINTERS_COMMUNITY_MAX;
}

/* Characters of valid UTF-8 text without control characters, or -1. */
static long text_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long chars = 0;

	while (*p != '\0') {
		int extra = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
			  : (*p & 0xf8) == 0xf0 ? 3 : -1;

		if (extra < 0 || (extra == 1 && *p < 0xc2) || *p < 0x20 || *p == 0x7f)
			return -1;
		p++;
		for (int i = 0; i < extra; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return -1;
		chars++;
	}
	return chars;
}

/* s without surrounding blanks, copied into a (NULL stays NULL). */
static const char *trimmed(struct arena *a, const char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

/* An optional text field: trimmed, and NULL when absent or blank. false when out of memory. */
static bool trimmed_optional(struct arena *a, const char *in, const char **out)
{
	const char *s = trimmed(a, in);

	if (s == NULL && in != NULL)
		return false;
	*out = s != NULL && s[0] != '\0' ? s : NULL;
	return true;
}

static bool same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* s when it is a or b, as that static string (the input may be freed); else NULL. */
static const char *one_of(const char *s, const char *a, const char *b)
{
	if (s == NULL)
		return NULL;
	return strcmp(s, a) == 0 ? a : strcmp(s, b) == 0 ? b : NULL;
}

static bool is_set(const struct printers_input *in, enum printers_field f)
{
	return (in->set & (unsigned)f) != 0;
}

int printers_check(const struct printers_input *in, const struct printers_input *base,
		   struct printers_valid *out, struct arena *a, struct err *e)
{
	struct printers_input *v = &out->v;
	const char *s;
	long n;
	bool usb;

	memset(out, 0, sizeof *out);
	if (base != NULL) {
		*v = *base;
		v->community = NULL;
	} else {
		v->kind = "laser_printer";
		v->model = "";
		v->connection = "ip";
		v->snmp_version = "2c";
		v->snmp_port = PRINTERS_DEFAULT_SNMP_PORT;
	}
	v->set = PRINTERS_F_ALL & ~(unsigned)PRINTERS_F_COMMUNITY;

	if (is_set(in, PRINTERS_F_KIND)) {
		if (!printers_kind_valid(in->kind))
			return err_set(e, ERR_INVALID,
				       "kind: must be \"laser_printer\" or \"label_printer\"");
		if (base != NULL && !same(base->kind, in->kind))
			return err_set(e, ERR_INVALID,
				       "kind: cannot be changed (delete the printer and add it again)");
		v->kind = in->kind;
	}
	if (is_set(in, PRINTERS_F_NAME)) {
		if (in->name == NULL)
			return err_set(e, ERR_INVALID, "name: required");
		if ((s = trimmed(a, in->name)) == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		n = text_chars(s);
		if (n < 0)
			return err_set(e, ERR_INVALID,
				       "name: must be valid UTF-8 without control characters");
		if (n < 1 || n > PRINTERS_NAME_MAX)
			return err_set(e, ERR_INVALID, "name: must be 1 to %d characters",
				       PRINTERS_NAME_MAX);
		v->name = s;
	}
	if (is_set(in, PRINTERS_F_MODEL)) {
		if ((s = trimmed(a, in->model != NULL ? in->model : "")) == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		n = text_chars(s);
		if (n < 0)
			return err_set(e, ERR_INVALID,
				       "model: must be valid UTF-8 without control characters");
		if (n > PRINTERS_NAME_MAX)
			return err_set(e, ERR_INVALID, "model: at most %d characters", PRINTERS_NAME_MAX);
		v->model = s;
	}
	if (is_set(in, PRINTERS_F_ADDRESS)) {
		if (!trimmed_optional(a, in->address, &s))
			return err_set(e, ERR_NOMEM, "out of memory");
		if (s != NULL && !printers_ipv4_valid(s))
			return err_set(e, ERR_INVALID,
				       "address: not an IPv4 address (four numbers 0-255 such as "
				       "192.168.1.20)");
		v->address = s;
	}
	if (is_set(in, PRINTERS_F_CONNECTION) &&
	    (v->connection = one_of(in->connection, "ip", "usb")) == NULL)
		return err_set(e, ERR_INVALID, "connection: must be \"ip\" or \"usb\"");
	if (is_set(in, PRINTERS_F_HOST_PC)) {
		if (!trimmed_optional(a, in->host_pc, &s))
			return err_set(e, ERR_NOMEM, "out of memory");
		if (s != NULL && !printers_host_valid(s))
			return err_set(e, ERR_INVALID,
				       "host_pc: not a host name or IPv4 address (letters, digits, "
				       "'-' and '.', at most %d characters)", PRINTERS_HOST_MAX);
		v->host_pc = s;
	}
	if (is_set(in, PRINTERS_F_STORE)) {
		if (in->store_id < 0)
			return err_set(e, ERR_INVALID, "store_id: must be a store's id, or null");
		v->store_id = in->store_id;
	}
	if (is_set(in, PRINTERS_F_SNMP_VERSION) &&
	    (v->snmp_version = one_of(in->snmp_version, "1", "2c")) == NULL)
		return err_set(e, ERR_INVALID, "snmp_version: must be \"1\" or \"2c\"");
	if (is_set(in, PRINTERS_F_SNMP_PORT)) {
		if (in->snmp_port < 1 || in->snmp_port > 65535)
			return err_set(e, ERR_INVALID, "snmp_port: must be 1 to 65535");
		v->snmp_port = in->snmp_port;
	}
	if (is_set(in, PRINTERS_F_COMMUNITY)) {
		if (in->community != NULL && !printers_community_valid(in->community))
			return err_set(e, ERR_INVALID,
				       "community: must be 1 to %d printable ASCII characters",
				       PRINTERS_COMMUNITY_MAX);
		v->community = in->community;
		v->set |= PRINTERS_F_COMMUNITY;
	}
	if (is_set(in, PRINTERS_F_MAC)) {
		if (in->mac == NULL || in->mac[0] == '\0') {
			v->mac = NULL;
		} else {
			if (!mac_normalize(in->mac, out->mac_buf))
				return err_set(e, ERR_INVALID,
					       "mac: not a MAC address (such as aa:bb:cc:dd:ee:ff; "
					       "not all zeros or broadcast)");
			if ((v->mac = arena_strdup(a, out->mac_buf)) == NULL)
				return err_set(e, ERR_NOMEM, "out of memory");
		}
	}

	/* The whole printer. */
	if (v->name == NULL)
		return err_set(e, ERR_INVALID, "name: required");
	if (strcmp(v->kind, "laser_printer") == 0 && strcmp(v->connection, "usb") == 0)
		return err_set(e, ERR_INVALID, "connection: only label printers can be on USB");
	usb = strcmp(v->connection, "usb") == 0;
	if (usb && v->host_pc == NULL)
		return err_set(e, ERR_INVALID,
			       "host_pc: required for a USB label printer (the PC it is attached to)");
	if (usb && v->address != NULL)
		return err_set(e, ERR_INVALID,
			       "address: a USB label printer has no address of its own (send null; "
			       "its host PC is checked)");
	if (!usb && v->address == NULL)
		return err_set(e, ERR_INVALID, "address: required (an IPv4 address such as "
					       "192.168.1.20)");
	if (v->mac != NULL && out->mac_buf[0] == '\0')
		snprintf(out->mac_buf, sizeof out->mac_buf, "%s", v->mac);
	if (base != NULL) {
		out->address_changed = !same(base->address, v->address);
		out->mac_changed = !same(base->mac, v->mac);
	}
	return 0;
}

/* ---- helpers ---- */

static double real_or_nan(const PGresult *res, int row, int col)
{
	const char *v = db_get(res, row, col);

	return v != NULL ? strtod(v, NULL) : NAN;
}

static bool boolean(const PGresult *res, int row, int col)
{
	const char *v = db_get(res, row, col);

	return v != NULL && v[0] == 't';
}

static const char *id_text(int64_t id, char buf[24])
{
	snprintf(buf, 24, "%" PRId64, id);
	return buf;
}

/* The bytea text form ("\x..") of the community sealed for storage, in the arena. */
static int seal_community(const struct config *cfg, const char *community, struct arena *a,
			  const char **out, struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char sealed[SECRET_SEALED_MAX];
	struct secret_key key;
	size_t n = 0;
	char *s;
	int rc;

	secret_key_derive(cfg != NULL ? cfg->device_secret_key : NULL, &key);
	rc = secret_seal(&key, COMMUNITY_PURPOSE, community, strlen(community), sealed, &n, e);
	memset(&key, 0, sizeof key);
	if (rc != 0)
		return rc;
	if ((s = arena_alloc(a, 2 * n + 3)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	s[0] = '\\';
	s[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		s[2 + 2 * i] = hex[sealed[i] >> 4];
		s[3 + 2 * i] = hex[sealed[i] & 0xf];
	}
	s[2 + 2 * n] = '\0';
	*out = s;
	return 0;
}

/* A failed write: a unique violation is the address; name the other problems plainly. */
static int write_error(int rc, const char *address, struct err *e)
{
	if (rc == ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT, "address: another device already has address %s",
			       address != NULL ? address : "(none)");
	return rc;
}

static int store_exists(struct db *db, int64_t store_id, struct err *e)
{
	char id[24];
	const char *p[1] = { id_text(store_id, id) };
	PGresult *res = NULL;
	int rc = db_exec(db, "SELECT 1 FROM stores WHERE id = $1", 1, p, &res, e);

	if (rc != 0)
		return rc;
	rc = PQntuples(res) == 1 ? 0
				 : err_set(e, ERR_INVALID, "store_id: there is no store %" PRId64,
					   store_id);
	PQclear(res);
	return rc;
}

/* ---- reading ---- */

/* The columns of struct printers_item, in the order row_to_item reads them (d, s, p). */
#define ITEM_COLUMNS                                                                          \
	"d.id, d.kind, d.name, d.model, d.address, d.mac::text, d.mac_status, d.snmp_version, " \
	"d.snmp_port, d.snmp_community IS NOT NULL, d.state, "                                  \
	"coalesce(" ISO("d.last_polled_at") ", ''), coalesce(" ISO("d.last_seen_at") ", ''), "  \
	"coalesce(d.last_error, ''), " ISO("d.created_at") ", " ISO("d.updated_at") ", "        \
	"coalesce(s.id, 0), coalesce(s.code, ''), coalesce(s.name, ''), "                       \
	"coalesce(p.connection, 'ip'), p.host_pc, coalesce(p.severity, 'unknown'), "            \
	"coalesce(ps.circuit, 'closed'), coalesce(ps.failures, 0), "                             \
	"CASE WHEN ps.circuit = 'open' THEN coalesce(" ISO("ps.opened_at") ", '') ELSE '' END, "             \
	"coalesce(" ISO("d.last_read_at") ", '')"
#define ITEM_NCOLS 26
#define ITEM_FROM                                                                             \
	" FROM devices d LEFT JOIN printer_details p ON p.device_id = d.id "                    \
	"LEFT JOIN stores s ON s.id = d.store_id "                                              \
	"LEFT JOIN device_poll_state ps ON ps.device_id = d.id "

static int row_to_item(struct arena *a, const PGresult *res, int r, struct printers_item *it)
{
	bool nomem = false;

	memset(it, 0, sizeof *it);
	it->id = db_get_int64(res, r, 0, 0);
	it->kind = db_text(a, res, r, 1, &nomem);
	it->name = db_text(a, res, r, 2, &nomem);
	it->model = db_text(a, res, r, 3, &nomem);
	it->address = db_text_or_null(a, res, r, 4, &nomem);
	it->mac = db_text_or_null(a, res, r, 5, &nomem);
	it->mac_status = db_text(a, res, r, 6, &nomem);
	it->snmp_version = db_text(a, res, r, 7, &nomem);
	it->snmp_port = (int)db_get_int64(res, r, 8, PRINTERS_DEFAULT_SNMP_PORT);
	it->community_set = boolean(res, r, 9);
	it->state = db_text(a, res, r, 10, &nomem);
	it->last_polled_at = db_text(a, res, r, 11, &nomem);
	it->last_seen_at = db_text(a, res, r, 12, &nomem);
	it->last_error = db_text(a, res, r, 13, &nomem);
	it->created_at = db_text(a, res, r, 14, &nomem);
	it->updated_at = db_text(a, res, r, 15, &nomem);
	it->store.id = db_get_int64(res, r, 16, 0);
	it->store.code = db_text(a, res, r, 17, &nomem);
	it->store.name = db_text(a, res, r, 18, &nomem);
	it->connection = db_text(a, res, r, 19, &nomem);
	it->host_pc = db_text_or_null(a, res, r, 20, &nomem);
	it->severity = db_text(a, res, r, 21, &nomem);
	it->circuit = db_text(a, res, r, 22, &nomem);
	it->failures = (int)db_get_int64(res, r, 23, 0);
	it->circuit_opened_at = db_text(a, res, r, 24, &nomem);
	it->read_at = db_text(a, res, r, 25, &nomem);
	if (nomem)
		return ERR_NOMEM;
	it->online = strcmp(it->state, "online") == 0 || strcmp(it->state, "pending_offline") == 0;
	return 0;
}

static int collect_item(struct arena *a, const PGresult *res, int r, void *it)
{
	return row_to_item(a, res, r, it);
}

/* Attach the colour summaries of items[0..n) (one query for all of them). */
static int load_colours(struct db *db, struct arena *a, struct printers_item *items, size_t n,
			struct err *e)
{
	bool nomem = false;
	PGresult *res = NULL;
	char *ids;
	size_t len = 0, cap = n * 21 + 3;
	const char *p[1];
	int rc, rows;

	if (n == 0)
		return 0;
	if ((ids = arena_alloc(a, cap)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	ids[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(ids + len, cap - len, "%s%" PRId64, i ? "," : "",
					items[i].id);
	snprintf(ids + len, cap - len, "}");
	p[0] = ids;
	rc = db_exec(db,
		     "SELECT device_id, colour, percent, state, supply_index, name "
		     "FROM printer_colours WHERE device_id = ANY($1::bigint[]) "
		     "ORDER BY device_id, CASE colour WHEN 'black' THEN 0 WHEN 'cyan' THEN 1 "
		     "WHEN 'magenta' THEN 2 ELSE 3 END",
		     1, p, &res, e);
	if (rc != 0)
		return rc;
	rows = PQntuples(res);
	for (int r = 0; r < rows; r++) {
		int64_t id = db_get_int64(res, r, 0, 0);

		for (size_t i = 0; i < n; i++) {
			struct printers_colour *c;

			if (items[i].id != id || items[i].n_colours >= PRINTERS_COLOURS)
				continue;
			c = &items[i].colours[items[i].n_colours];
			c->colour = db_text(a, res, r, 1, &nomem);
			c->percent = real_or_nan(res, r, 2);
			c->state = db_text(a, res, r, 3, &nomem);
			c->supply_index = db_get_int64(res, r, 4, 0);
			c->name = db_text(a, res, r, 5, &nomem);
			if (nomem) {
				PQclear(res);
				return err_set(e, ERR_NOMEM, "out of memory");
			}
			items[i].n_colours++;
			break;
		}
	}
	PQclear(res);
	return 0;
}

/* Search folding is search_fold() of sql/0005_stores.sql: lower case also for Cyrillic under
 * the C locale, and Cyrillic look-alikes read as Latin (a technician typing "MCK" finds "МСК"). */
#define FOLD(x) "search_fold(" x ")"

/* $1 kind, $2 store (id or code), $3 online, $4 q. */
#define LIST_WHERE                                                                            \
	"WHERE d.kind IN " KINDS " AND ($1::text IS NULL OR d.kind = $1) "                     \
	"AND ($2::text IS NULL OR d.store_id::text = $2 OR search_fold(s.code) = search_fold($2)) "        \
	"AND ($3::boolean IS NULL OR (d.state IN ('online', 'pending_offline')) = $3) "       \
	"AND ($4::text IS NULL OR NOT EXISTS ("                                               \
	"  SELECT 1 FROM regexp_split_to_table(" FOLD("$4") ", '\\s+') AS w(t) "                 \
	"  WHERE w.t <> '' AND strpos(" FOLD("concat_ws(' ', d.name, d.address, d.model, "    \
	"d.mac::text, replace(d.mac::text, ':', '-'), replace(d.mac::text, ':', ''), "         \
	"s.code, s.name)") ", w.t) = 0)) "

int printers_list(struct db *db, struct arena *a, const struct printers_filter *f,
		  struct printers_item **items, size_t *n, int64_t *total, struct err *e)
{
	char lim[16], off[16];
	const char *q = f->q;
	const char *p[6];
	void *v = NULL;
	PGresult *res = NULL;
	int limit = f->limit == 0 ? PRINTERS_PAGE_DEFAULT : f->limit, rc;

	*items = NULL;
	*n = 0;
	*total = 0;
	if (f->kind != NULL && !printers_kind_valid(f->kind))
		return err_set(e, ERR_INVALID, "kind: must be laser_printer or label_printer");
	if (limit < 1 || limit > PRINTERS_PAGE_MAX)
		return err_set(e, ERR_INVALID, "limit: must be 1 to %d", PRINTERS_PAGE_MAX);
	if (f->offset < 0)
		return err_set(e, ERR_INVALID, "offset: must be 0 or more");
	if (q != NULL && q[strspn(q, " \t\r\n")] == '\0')
		q = NULL;
	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(off, sizeof off, "%d", f->offset);
	p[0] = f->kind;
	p[1] = f->store != NULL && f->store[0] != '\0' ? f->store : NULL;
	p[2] = f->online < 0 ? NULL : f->online ? "true" : "false";
	p[3] = q;
	p[4] = lim;
	p[5] = off;

	rc = db_exec(db, "SELECT count(*)" ITEM_FROM LIST_WHERE, 4, p, &res, e);
	if (rc != 0)
		return rc;
	*total = db_get_int64(res, 0, 0, 0);
	PQclear(res);

	rc = db_exec(db,
		     "SELECT " ITEM_COLUMNS ITEM_FROM LIST_WHERE
		     "ORDER BY CASE d.state WHEN 'online' THEN 0 WHEN 'pending_offline' THEN 1 "
		     "WHEN 'unknown' THEN 2 ELSE 3 END, lower(d.name), d.id "
		     "LIMIT $5 OFFSET $6",
		     6, p, &res, e);
	if (rc != 0 || (rc = db_collect(res, a, sizeof **items, collect_item, &v, n, e)) != 0)
		return rc;
	*items = v;
	return load_colours(db, a, *items, *n, e);
}

static int load_supplies(struct db *db, struct arena *a, int64_t id, struct printers_full *out,
			 struct err *e)
{
	bool nomem = false;
	char ids[24];
	const char *p[1] = { id_text(id, ids) };
	PGresult *res = NULL;
	int rc, rows;

	rc = db_exec(db,
		     "SELECT supply_index, description, type, class, unit, max_capacity, level, "
		     "state, percent, fullness, colour, is_toner, is_receptacle "
		     "FROM printer_supplies WHERE device_id = $1 ORDER BY supply_index",
		     1, p, &res, e);
	if (rc != 0)
		return rc;
	rows = PQntuples(res);
	out->supplies = arena_zalloc(a, sizeof *out->supplies * (size_t)(rows > 0 ? rows : 1));
	if (out->supplies == NULL) {
		PQclear(res);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int r = 0; r < rows; r++) {
		struct printers_supply *s = &out->supplies[r];

		s->supply_index = db_get_int64(res, r, 0, 0);
		s->description = db_text(a, res, r, 1, &nomem);
		s->type = (int)db_get_int64(res, r, 2, 0);
		s->type_name = s->type > 0 ? printer_supply_type_name(s->type) : NULL;
		s->class_ = db_text(a, res, r, 3, &nomem);
		s->unit = (int)db_get_int64(res, r, 4, 0);
		s->has_max = db_get(res, r, 5) != NULL;
		s->max_capacity = db_get_int64(res, r, 5, 0);
		s->has_level = db_get(res, r, 6) != NULL;
		s->level = db_get_int64(res, r, 6, 0);
		s->state = db_text(a, res, r, 7, &nomem);
		s->percent = real_or_nan(res, r, 8);
		s->fullness = real_or_nan(res, r, 9);
		s->colour = db_text_or_null(a, res, r, 10, &nomem);
		s->is_toner = boolean(res, r, 11);
		s->is_receptacle = boolean(res, r, 12);
		if (nomem) {
			PQclear(res);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
	}
	out->n_supplies = (size_t)rows;
	PQclear(res);
	return 0;
}

int printers_get(struct db *db, struct arena *a, int64_t id, struct printers_full *out,
		 struct err *e)
{
	bool nomem = false;
	char ids[24];
	const char *p[1] = { id_text(id, ids) };
	struct printers_details *d = &out->details;
	PGresult *res = NULL;
	int rc, c = ITEM_NCOLS;

	memset(out, 0, sizeof *out);
	rc = db_exec_found(db,
		     "SELECT " ITEM_COLUMNS ", coalesce(p.vendor, ''), coalesce(p.serial, ''), "
		     "coalesce(p.firmware, ''), coalesce(p.sys_name, ''), coalesce(p.sys_descr, ''), "
		     "p.page_count, p.device_status, p.printer_status, coalesce(p.error_bits, 0), "
		     "p.port_9100_open, p.foreign_mac::text, coalesce(" ISO("d.last_read_at") ", ''), "
		     "floor(extract(epoch FROM now() - d.last_read_at))::bigint"
		     ITEM_FROM "WHERE d.id = $1 AND d.kind IN " KINDS,
		     1, p, &res, "printer", e);
	if (rc != 0)
		return rc;
	if (row_to_item(a, res, 0, &out->item) != 0) {
		PQclear(res);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	d->vendor = db_text(a, res, 0, c, &nomem);
	d->serial = db_text(a, res, 0, c + 1, &nomem);
	d->firmware = db_text(a, res, 0, c + 2, &nomem);
	d->sys_name = db_text(a, res, 0, c + 3, &nomem);
	d->sys_descr = db_text(a, res, 0, c + 4, &nomem);
	d->page_count = db_get_int64(res, 0, c + 5, -1);
	d->device_status = (int)db_get_int64(res, 0, c + 6, 0);
	d->device_status_name = d->device_status > 0 ? printer_device_status_name(d->device_status)
						     : NULL;
	d->printer_status = (int)db_get_int64(res, 0, c + 7, 0);
	d->printer_status_name =
		d->printer_status > 0 ? printer_printer_status_name(d->printer_status) : NULL;
	d->error_bits = (uint32_t)db_get_int64(res, 0, c + 8, 0);
	for (int bit = 0; bit < PRINTER_ERR_BIT_COUNT && d->n_errors < PRINTERS_ERRORS_MAX; bit++) {
		const char *name;

		if ((d->error_bits & (1u << bit)) == 0)
			continue;
		if ((name = printer_error_name((enum printer_error_bit)bit)) != NULL)
			d->errors[d->n_errors++] = name;
	}
	d->severity = out->item.severity;
	d->port_9100_open = db_get(res, 0, c + 9) == NULL ? -1 : boolean(res, 0, c + 9) ? 1 : 0;
	d->foreign_mac = db_text_or_null(a, res, 0, c + 10, &nomem);
	d->read_at = db_text(a, res, 0, c + 11, &nomem);
	d->read_age_seconds = db_get_int64(res, 0, c + 12, -1);
	if (d->read_age_seconds < -1)
		d->read_age_seconds = 0;  /* clock of the reading slightly ahead */
	if (nomem) {
		PQclear(res);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	PQclear(res);
	if ((rc = load_colours(db, a, &out->item, 1, e)) != 0)
		return rc;
	return load_supplies(db, a, id, out, e);
}

/* A printer's reference from the first row of res: kind, name, address, store id. */
static int ref_from_row(struct arena *a, const PGresult *res, int64_t id,
			struct printers_ref *ref, struct err *e)
{
	bool nomem = false;

	ref->id = id;
	ref->kind = db_text(a, res, 0, 0, &nomem);
	ref->name = db_text(a, res, 0, 1, &nomem);
	ref->address = db_text_or_null(a, res, 0, 2, &nomem);
	ref->store_id = db_get_int64(res, 0, 3, 0);
	return nomem ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

/* Run sql (about printer id, as $1: a SELECT or a DELETE … RETURNING of ref_from_row's
 * columns) and read its reference into ref when ref is not NULL. */
static int ref_by(struct db *db, struct arena *a, const char *sql, int64_t id,
		  struct printers_ref *ref, struct err *e)
{
	char ids[24];
	const char *p[1] = { id_text(id, ids) };
	PGresult *res = NULL;
	int rc = db_exec_found(db, sql, 1, p, &res, "printer", e);

	if (rc != 0)
		return rc;
	rc = ref != NULL ? ref_from_row(a, res, id, ref, e) : 0;
	PQclear(res);
	return rc;
}

int printers_ref_of(struct db *db, struct arena *a, int64_t id, struct printers_ref *ref,
		    struct err *e)
{
	return ref_by(db, a,
		      "SELECT kind, name, address, coalesce(store_id, 0) FROM devices "
		      "WHERE id = $1 AND kind IN " KINDS,
		      id, ref, e);
}

/* ---- history ---- */

int printers_history(struct db *db, struct arena *a, int64_t id, int days,
		     struct printers_history *out, struct err *e)
{
	bool nomem = false;
	char ids[24], ds[16], maxs[16];
	const char *p[3] = { id_text(id, ids), ds, maxs };
	PGresult *res = NULL;
	struct printers_ref ref;
	int rc, rows;

	memset(out, 0, sizeof *out);
	if (days == 0)
		days = PRINTERS_HISTORY_DAYS_DEFAULT;
	if (days < 1 || days > PRINTERS_HISTORY_DAYS_MAX)
		return err_set(e, ERR_INVALID, "days: must be 1 to %d", PRINTERS_HISTORY_DAYS_MAX);
	if ((rc = printers_ref_of(db, a, id, &ref, e)) != 0)
		return rc;
	out->days = days;
	snprintf(ds, sizeof ds, "%d", days);
	snprintf(maxs, sizeof maxs, "%d", PRINTERS_HISTORY_POINTS_MAX);

	/* Supply samples: the newest POINTS_MAX of the window (n = all of it), by supply, then
	 * by time. */
	rc = db_exec(db,
		     "SELECT x.supply_index, coalesce(ps.description, ''), ps.colour, "
		     ISO("x.at") ", x.level, x.percent, x.state, x.n "
		     "FROM (SELECT s.*, count(*) OVER () AS n FROM supply_samples s "
		     "      WHERE s.device_id = $1 AND s.at >= now() - make_interval(days => $2::int) "
		     "      ORDER BY s.at DESC LIMIT $3) x "
		     "LEFT JOIN printer_supplies ps ON ps.device_id = x.device_id "
		     "     AND ps.supply_index = x.supply_index "
		     "ORDER BY x.supply_index, x.at",
		     3, p, &res, e);
	if (rc != 0)
		return rc;
	rows = PQntuples(res);
	out->truncated = rows > 0 && db_get_int64(res, 0, 7, 0) > rows;
	{
		struct printers_history_point *pts =
			arena_zalloc(a, sizeof *pts * (size_t)(rows > 0 ? rows : 1));
		struct printers_history_series *series =
			arena_zalloc(a, sizeof *series * (size_t)(rows > 0 ? rows : 1));
		size_t ns = 0;

		if (pts == NULL || series == NULL) {
			PQclear(res);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		for (int r = 0; r < rows; r++) {
			struct printers_history_point *pt = &pts[r];
			int64_t si = db_get_int64(res, r, 0, 0);

			if (ns == 0 || series[ns - 1].supply_index != si) {
				struct printers_history_series *hs = &series[ns++];

				hs->supply_index = si;
				hs->description = db_text(a, res, r, 1, &nomem);
				hs->colour = db_text_or_null(a, res, r, 2, &nomem);
				hs->points = pt;
			}
			pt->at = db_text(a, res, r, 3, &nomem);
			pt->has_level = db_get(res, r, 4) != NULL;
			pt->level = db_get_int64(res, r, 4, 0);
			pt->percent = real_or_nan(res, r, 5);
			pt->state = db_text(a, res, r, 6, &nomem);
			if (nomem) {
				PQclear(res);
				return err_set(e, ERR_NOMEM, "out of memory");
			}
			series[ns - 1].n_points++;
		}
		out->series = series;
		out->n_series = ns;
	}
	PQclear(res);

	rc = db_exec(db,
		     "SELECT " ISO("now() - make_interval(days => $2::int)") ", day, up, down FROM ("
		     "  SELECT to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, "
		     "         count(*) FILTER (WHERE up) AS up, count(*) FILTER (WHERE NOT up) AS down "
		     "  FROM device_samples WHERE device_id = $1 "
		     "  AND at >= now() - make_interval(days => $2::int) GROUP BY 1) x "
		     "RIGHT JOIN (SELECT 1) one ON true ORDER BY day",
		     2, p, &res, e);
	if (rc != 0)
		return rc;
	rows = PQntuples(res);
	out->since = db_text(a, res, 0, 0, &nomem);
	out->per_day = arena_zalloc(a, sizeof *out->per_day * (size_t)(rows > 0 ? rows : 1));
	if (nomem || out->per_day == NULL) {
		PQclear(res);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int r = 0; r < rows; r++) {
		struct printers_history_day *d;

		if (db_get(res, r, 1) == NULL)   /* the row of the empty window */
			continue;
		d = &out->per_day[out->n_days++];
		d->day = db_text(a, res, r, 1, &nomem);
		d->up = db_get_int64(res, r, 2, 0);
		d->down = db_get_int64(res, r, 3, 0);
		if (d->day == NULL) {
			PQclear(res);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		out->up += d->up;
		out->down += d->down;
	}
	PQclear(res);
	return 0;
}

/* ---- changes ---- */

static const char insert_device_sql[] =
	"INSERT INTO devices (kind, store_id, name, model, address, mac, mac_status, snmp_version, "
	"       snmp_port, snmp_community) "
	"VALUES ($1, $2::bigint, $3, $4, $5, $6::macaddr, 'unknown', $7, $8::int, $9::bytea) "
	"RETURNING id";

static const char upsert_details_sql[] =
	"INSERT INTO printer_details (device_id, connection, host_pc) VALUES ($1, $2, $3) "
	"ON CONFLICT (device_id) DO UPDATE SET connection = $2, host_pc = $3, "
	"       foreign_mac = CASE WHEN $4::boolean THEN NULL ELSE printer_details.foreign_mac END";

static const char *store_param(const struct printers_input *v, char buf[24])
{
	return v->store_id > 0 ? id_text(v->store_id, buf) : NULL;
}

int printers_create(struct db *db, const struct config *cfg, struct arena *a,
		    const struct printers_input *in, int64_t *id, struct err *e)
{
	struct printers_valid val;
	const struct printers_input *v = &val.v;
	const char *sealed = NULL, *store = NULL;
	char sbuf[24], port[16], idb[24];
	PGresult *res = NULL;
	int rc;

	*id = 0;
	if ((rc = printers_check(in, NULL, &val, a, e)) != 0)
		return rc;
	if (v->community != NULL && (rc = seal_community(cfg, v->community, a, &sealed, e)) != 0)
		return rc;
	store = store_param(v, sbuf);
	snprintf(port, sizeof port, "%" PRId64, v->snmp_port);
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if (v->store_id > 0 && (rc = store_exists(db, v->store_id, e)) != 0)
		goto fail;
	{
		const char *p[9] = { v->kind, store, v->name, v->model, v->address, v->mac,
				     v->snmp_version, port, sealed };

		if ((rc = db_exec(db, insert_device_sql, 9, p, &res, e)) != 0) {
			rc = write_error(rc, v->address, e);
			goto fail;
		}
		*id = db_get_int64(res, 0, 0, 0);
		PQclear(res);
	}
	{
		const char *p[4] = { id_text(*id, idb), v->connection, v->host_pc, "false" };

		if ((rc = db_exec(db, upsert_details_sql, 4, p, NULL, e)) != 0)
			goto fail;
	}
	if ((rc = db_commit(db, e)) != 0)
		*id = 0;
	return rc;
fail:
	db_rollback(db);
	*id = 0;
	return rc;
}

/* Which fields an update changes (PRINTERS_F_* bits): the stored base against the valid input. */
static unsigned changes_of(const struct printers_input *base, const struct printers_valid *val)
{
	const struct printers_input *v = &val->v;
	unsigned ch = 0;

	if (!same(base->name, v->name))
		ch |= PRINTERS_F_NAME;
	if (!same(base->model, v->model))
		ch |= PRINTERS_F_MODEL;
	if (val->address_changed)
		ch |= PRINTERS_F_ADDRESS;
	if (!same(base->connection, v->connection))
		ch |= PRINTERS_F_CONNECTION;
	if (!same(base->host_pc, v->host_pc))
		ch |= PRINTERS_F_HOST_PC;
	if (base->store_id != v->store_id)
		ch |= PRINTERS_F_STORE;
	if (!same(base->snmp_version, v->snmp_version))
		ch |= PRINTERS_F_SNMP_VERSION;
	if (base->snmp_port != v->snmp_port)
		ch |= PRINTERS_F_SNMP_PORT;
	if (v->set & PRINTERS_F_COMMUNITY)
		ch |= PRINTERS_F_COMMUNITY;
	if (val->mac_changed)
		ch |= PRINTERS_F_MAC;
	return ch;
}

int printers_update(struct db *db, const struct config *cfg, struct arena *a, int64_t id,
		    const struct printers_input *in, unsigned *changed, struct err *e)
{
	bool nomem = false;
	struct printers_input base = { 0 };
	struct printers_valid val;
	const struct printers_input *v = &val.v;
	const char *sealed = NULL, *store = NULL;
	char ids[24], sbuf[24], port[16];
	unsigned ch = 0;
	PGresult *res = NULL;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	{
		const char *p[1] = { id_text(id, ids) };

		rc = db_exec_found(db,
				   "SELECT d.kind, d.name, d.model, d.address, "
				   "coalesce(p.connection, 'ip'), p.host_pc, coalesce(d.store_id, 0), "
				   "d.snmp_version, d.snmp_port, d.mac::text "
				   "FROM devices d LEFT JOIN printer_details p ON p.device_id = d.id "
				   "WHERE d.id = $1 AND d.kind IN " KINDS " FOR UPDATE OF d",
				   1, p, &res, "printer", e);
		if (rc != 0)
			goto fail;
		base.set = PRINTERS_F_ALL;
		base.kind = db_text(a, res, 0, 0, &nomem);
		base.name = db_text(a, res, 0, 1, &nomem);
		base.model = db_text(a, res, 0, 2, &nomem);
		base.address = db_text_or_null(a, res, 0, 3, &nomem);
		base.connection = db_text(a, res, 0, 4, &nomem);
		base.host_pc = db_text_or_null(a, res, 0, 5, &nomem);
		base.store_id = db_get_int64(res, 0, 6, 0);
		base.snmp_version = db_text(a, res, 0, 7, &nomem);
		base.snmp_port = db_get_int64(res, 0, 8, PRINTERS_DEFAULT_SNMP_PORT);
		base.mac = db_text_or_null(a, res, 0, 9, &nomem);
		if (nomem) {
			PQclear(res);
			rc = err_set(e, ERR_NOMEM, "out of memory");
			goto fail;
		}
		PQclear(res);
	}
	if ((rc = printers_check(in, &base, &val, a, e)) != 0)
		goto fail;
	if (v->store_id > 0 && v->store_id != base.store_id &&
	    (rc = store_exists(db, v->store_id, e)) != 0)
		goto fail;
	if (v->community != NULL && (rc = seal_community(cfg, v->community, a, &sealed, e)) != 0)
		goto fail;
	ch = changes_of(&base, &val);
	store = store_param(v, sbuf);
	snprintf(port, sizeof port, "%" PRId64, v->snmp_port);
	{
		const char *p[12] = { ids, v->name, v->model, v->address, v->mac, store,
				      v->snmp_version, port,
				      (v->set & PRINTERS_F_COMMUNITY) ? "true" : "false", sealed,
				      val.address_changed || val.mac_changed ? "true" : "false",
				      ch & (PRINTERS_F_CONNECTION | PRINTERS_F_HOST_PC) ? "true"
											 : "false" };

		rc = db_exec(db,
			     "UPDATE devices SET name = $2, model = $3, address = $4, "
			     "       mac = $5::macaddr, store_id = $6::bigint, snmp_version = $7, "
			     "       snmp_port = $8::int, "
			     "       snmp_community = CASE WHEN $9::boolean THEN $10::bytea "
			     "                             ELSE snmp_community END, "
			     "       mac_status = CASE WHEN $11::boolean THEN 'unknown' "
			     "                         ELSE mac_status END, "
			     /* what lives in printer_details is part of the record too */
			     "       updated_at = CASE WHEN $12::boolean THEN now() "
			     "                         ELSE updated_at END "
			     "WHERE id = $1",
			     12, p, NULL, e);
		if (rc != 0) {
			rc = write_error(rc, v->address, e);
			goto fail;
		}
	}
	{
		const char *p[4] = { ids, v->connection, v->host_pc,
				     val.address_changed || val.mac_changed ? "true" : "false" };

		if ((rc = db_exec(db, upsert_details_sql, 4, p, NULL, e)) != 0)
			goto fail;
	}
	if ((rc = db_commit(db, e)) != 0)
		return rc;
	if (changed != NULL)
		*changed = ch;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int printers_delete(struct db *db, struct arena *a, int64_t id, struct printers_ref *ref,
		    struct err *e)
{
	return ref_by(db, a,
		      "DELETE FROM devices WHERE id = $1 AND kind IN " KINDS " "
		      "RETURNING kind, name, address, coalesce(store_id, 0)",
		      id, ref, e);
}
