#include "stores.h"

#include "arena.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* A device that needs someone's attention (the page lists these first). */
#define PROBLEM(d) "(" d "state IN ('offline', 'pending_offline') OR " d "mac_status = 'mismatch')"

/* The device counts by state, over the devices aliased d (NULLs of a LEFT JOIN are not counted). */
#define COUNTS(d)                                                                         \
	"count(" d "id), count(" d "id) FILTER (WHERE " d "state = 'online'), "            \
	"count(" d "id) FILTER (WHERE " d "state = 'pending_offline'), "                   \
	"count(" d "id) FILTER (WHERE " d "state = 'offline'), "                           \
	"count(" d "id) FILTER (WHERE " d "state = 'unknown'), "                           \
	"count(" d "id) FILTER (WHERE " PROBLEM(d) ")"

/* Every store query reads these columns, in the order row_to_store expects, then filters. */
#define STORE_SELECT                                                                      \
	"SELECT s.id, s.code, s.name, array_to_string(s.subnets, ','), s.notes, "          \
	ISO("s.created_at") ", " ISO("s.updated_at") ", " COUNTS("d.")                      \
	" FROM stores s LEFT JOIN devices d ON d.store_id = s.id "

/* A search: code or name contain the text, both folded (sql/0005_stores.sql). */
#define STORE_MATCH                                                                       \
	"($1::text IS NULL OR strpos(search_fold(s.code), search_fold($1)) > 0 "           \
	"OR strpos(search_fold(s.name), search_fold($1)) > 0)"

/* Device kinds in the order the product lists them (SPEC §1). */
static const char *const kinds[STORE_KINDS] = { "laser_printer", "label_printer", "iconbit",
						"nettop",        "twix",          "switch" };
#define KIND_ORDER                                                                        \
	"array_position(ARRAY['laser_printer', 'label_printer', 'iconbit', 'nettop', 'twix', " \
	"'switch'], kind)"

/* ---- rules ---- */

/*
 * The next character of UTF-8 text at *p into *cp, advancing *p; false for a malformed,
 * overlong or surrogate sequence (PostgreSQL refuses those too).
 */
static bool utf8_next(const unsigned char **p, uint32_t *cp)
{
	const unsigned char *s = *p;
	uint32_t c;
	int extra;

	if (s[0] < 0x80) {
		*cp = s[0];
		*p = s + 1;
		return true;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		c = s[0] & 0x1f;
		extra = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		c = s[0] & 0x0f;
		extra = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		c = s[0] & 0x07;
		extra = 3;
	} else {
		return false;
	}
	for (int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return false;
	*cp = c;
	*p = s + extra + 1;
	return true;
}

static bool is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* [0-9A-Za-zА-Яа-яЁё] of the CHECK on stores.code. */
static bool code_letter_or_digit(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0x410 && c <= 0x44f) || c == 0x401 || c == 0x451;
}

int store_code_check(const char *code, struct err *e)
{
	const unsigned char *p = (const unsigned char *)(code != NULL ? code : "");
	size_t chars = 0;

	if (*p == '\0')
		return err_set(e, ERR_INVALID, "a store code is required");
	while (*p != '\0') {
		const unsigned char *at = p;
		uint32_t c;

		if (!utf8_next(&p, &c))
			return err_set(e, ERR_INVALID, "the store code is not valid UTF-8");
		chars++;
		if (code_letter_or_digit(c))
			continue;
		if (c == ' ')
			return err_set(e, ERR_INVALID, "the store code must not contain spaces");
		if (chars == 1)
			return err_set(e, ERR_INVALID, "the store code must start with a letter or a digit");
		if (c == '.' || c == '_' || c == '-')
			continue;
		if (is_control(c))
			return err_set(e, ERR_INVALID,
				       "the store code may contain only Latin or Cyrillic letters, "
				       "digits, '.', '_' and '-', not U+%04X", (unsigned)c);
		return err_set(e, ERR_INVALID,
			       "the store code may contain only Latin or Cyrillic letters, digits, "
			       "'.', '_' and '-', not \"%.*s\"", (int)(p - at), (const char *)at);
	}
	if (chars > STORE_CODE_MAX)
		return err_set(e, ERR_INVALID, "the store code is longer than %d characters",
			       STORE_CODE_MAX);
	return 0;
}

/* s (NULL = "") as a text field: valid UTF-8, no control characters (tabs and line ends
 * allowed when lines), at most max characters. Returns 0 or ERR_INVALID naming it as what. */
static int text_check(const char *s, const char *what, bool lines, size_t max, struct err *e)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = 0;

	while (*p != '\0') {
		uint32_t c;

		if (!utf8_next(&p, &c))
			return err_set(e, ERR_INVALID, "the %s is not valid UTF-8", what);
		if (is_control(c) && !(lines && (c == '\t' || c == '\n' || c == '\r')))
			return err_set(e, ERR_INVALID,
				       lines ? "the %s must not contain control characters other "
					       "than tabs and line ends"
					     : "the %s must not contain control characters",
				       what);
		n++;
	}
	if (n > max)
		return err_set(e, ERR_INVALID, "the %s is longer than %zu characters", what, max);
	return 0;
}

int store_name_check(const char *name, struct err *e)
{
	bool blank = true;

	for (const char *p = name != NULL ? name : ""; *p != '\0'; p++)
		if (*p != ' ')
			blank = false;
	if (blank)
		return err_set(e, ERR_INVALID, "a store name is required");
	return text_check(name, "store name", false, STORE_NAME_MAX, e);
}

int store_notes_check(const char *notes, struct err *e)
{
	return text_check(notes, "notes text", true, STORE_NOTES_MAX, e);
}

int store_search_check(const char *q, struct err *e)
{
	return text_check(q, "search text", false, STORE_SEARCH_MAX, e);
}

/* ---- rows ---- */

static void counts_at(const PGresult *res, int row, int first, struct store_counts *c)
{
	c->total = db_get_int64(res, row, first, 0);
	c->online = db_get_int64(res, row, first + 1, 0);
	c->pending_offline = db_get_int64(res, row, first + 2, 0);
	c->offline = db_get_int64(res, row, first + 3, 0);
	c->unknown = db_get_int64(res, row, first + 4, 0);
	c->problems = db_get_int64(res, row, first + 5, 0);
}

/* "10.1.2.0/24,10.1.3.0/24" (array_to_string) into an arena array. */
static int split_subnets(struct arena *a, const char *list, struct store *s)
{
	const char **items;
	size_t n = 0, cap = 1;

	for (const char *p = list; *p != '\0'; p++)
		if (*p == ',')
			cap++;
	items = arena_zalloc(a, sizeof *items * cap);
	if (items == NULL)
		return ERR_NOMEM;
	while (*list != '\0') {
		const char *end = strchr(list, ',');
		size_t len = end != NULL ? (size_t)(end - list) : strlen(list);

		items[n] = arena_strndup(a, list, len);
		if (items[n] == NULL)
			return ERR_NOMEM;
		n++;
		list += len;
		if (*list == ',')
			list++;
	}
	s->subnets = items;
	s->nsubnets = n;
	return 0;
}

static int row_to_store(struct arena *a, const PGresult *res, int row, struct store *s);

static int collect_store(struct arena *a, const PGresult *res, int row, void *s)
{
	return row_to_store(a, res, row, s);
}

static int row_to_store(struct arena *a, const PGresult *res, int row, struct store *s)
{
	bool nomem = false;

	memset(s, 0, sizeof *s);
	s->id = db_get_int64(res, row, 0, 0);
	s->code = db_text(a, res, row, 1, &nomem);
	s->name = db_text(a, res, row, 2, &nomem);
	s->notes = db_text(a, res, row, 4, &nomem);
	s->created_at = db_text(a, res, row, 5, &nomem);
	s->updated_at = db_text(a, res, row, 6, &nomem);
	counts_at(res, row, 7, &s->devices);
	if (nomem)
		return ERR_NOMEM;
	return split_subnets(a, db_get(res, row, 3) != NULL ? db_get(res, row, 3) : "", s);
}

/* Run a query expected to give at most one store row. */
static int one_store(struct db *db, struct arena *a, const char *sql, const char *param,
		     struct store *s, struct err *e)
{
	PGresult *res = NULL;
	const char *p[1] = { param };
	int rc = db_exec_found(db, sql, 1, p, &res, "store", e);

	if (rc != 0)
		return rc;
	if (row_to_store(a, res, 0, s) != 0)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	PQclear(res);
	return rc;
}

static void id_text(int64_t id, char buf[24])
{
	snprintf(buf, 24, "%lld", (long long)id);
}

/* ---- storage ---- */

int stores_list(struct db *db, struct arena *a, const char *q, int limit, int offset,
		struct store **items, size_t *n, int64_t *total, struct err *e)
{
	void *v = NULL;
	PGresult *res = NULL;
	char lim[16], off[16];
	const char *p[3] = { q != NULL && q[0] != '\0' ? q : NULL, lim, off };
	int rc;

	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(off, sizeof off, "%d", offset);
	*n = 0;
	rc = db_exec(db,
		     STORE_SELECT "WHERE " STORE_MATCH
		     " GROUP BY s.id ORDER BY search_fold(s.code), s.id LIMIT $2 OFFSET $3",
		     3, p, &res, e);
	if (rc != 0 || (rc = db_collect(res, a, sizeof **items, collect_store, &v, n, e)) != 0)
		return rc;
	*items = v;
	rc = db_exec(db, "SELECT count(*) FROM stores s WHERE " STORE_MATCH, 1, p, &res, e);
	if (rc != 0)
		return rc;
	*total = db_get_int64(res, 0, 0, 0);
	PQclear(res);
	return 0;
}

int stores_get(struct db *db, struct arena *a, int64_t id, struct store *s, struct err *e)
{
	char ids[24];

	id_text(id, ids);
	return one_store(db, a, STORE_SELECT "WHERE s.id = $1 GROUP BY s.id", ids, s, e);
}

int stores_get_by_code(struct db *db, struct arena *a, const char *code, struct store *s,
		       struct err *e)
{
	if (code == NULL || code[0] == '\0')
		return err_set(e, ERR_NOTFOUND, "no such store");
	return one_store(db, a,
			 STORE_SELECT "WHERE search_fold(s.code) = search_fold($1) GROUP BY s.id",
			 code, s, e);
}

/* The subnets as a PostgreSQL array literal of validated CIDRs ("{10.1.2.0/24,...}"). */
static const char *subnet_array(const struct store_change *c, char *buf, size_t len)
{
	size_t used = 0;

	if (!c->set_subnets)
		return NULL;
	buf[used++] = '{';
	for (size_t i = 0; i < c->nsubnets && used + CIDR_TEXT + 2 < len; i++) {
		char one[CIDR_TEXT];

		cidr_format(&c->subnets[i], one);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i > 0 ? "," : "", one);
	}
	buf[used++] = '}';
	buf[used] = '\0';
	return buf;
}

#define SUBNET_ARRAY_MAX (CIDR_STORE_MAX * CIDR_TEXT + 4)

/* After a unique violation: an error naming the store that has the code. */
static int code_taken(struct db *db, const char *code, struct err *e)
{
	PGresult *res = NULL;
	const char *p[1] = { code };

	if (db_exec(db, "SELECT code FROM stores WHERE search_fold(code) = search_fold($1)", 1, p,
		    &res, NULL) == 0 && PQntuples(res) > 0) {
		err_set(e, ERR_CONFLICT, "a store with this code exists already: %s "
					 "(codes match ignoring case and Latin/Cyrillic look-alikes)",
			PQgetvalue(res, 0, 0));
		PQclear(res);
		return ERR_CONFLICT;
	}
	if (res != NULL)
		PQclear(res);
	return err_set(e, ERR_CONFLICT, "a store with this code exists already");
}

int stores_create(struct db *db, const struct store_change *c, int64_t *id, struct err *e)
{
	PGresult *res = NULL;
	char subnets[SUBNET_ARRAY_MAX];
	struct store_change all = *c;
	const char *p[4];
	int rc;

	all.set_subnets = true;
	p[0] = c->code;
	p[1] = c->name;
	p[2] = subnet_array(&all, subnets, sizeof subnets);
	p[3] = c->notes != NULL ? c->notes : "";
	rc = db_exec(db,
		     "INSERT INTO stores (code, name, subnets, notes) VALUES ($1, $2, $3::cidr[], $4) "
		     "RETURNING id",
		     4, p, &res, e);
	if (rc == ERR_CONFLICT)
		return code_taken(db, c->code, e);
	if (rc != 0)
		return rc;
	*id = db_get_int64(res, 0, 0, 0);
	PQclear(res);
	return 0;
}

/* Lock store id's row for the rest of the transaction; ERR_NOTFOUND when there is none. */
static int lock_store(struct db *db, const char *ids, struct err *e)
{
	PGresult *res = NULL;
	const char *p[1] = { ids };
	int rc = db_exec_found(db, "SELECT id FROM stores WHERE id = $1 FOR UPDATE", 1, p, &res,
			       "store", e);

	if (rc == 0)
		PQclear(res);
	return rc;
}

int stores_update(struct db *db, struct arena *a, int64_t id, const struct store_change *c,
		  struct store *before, struct store *after, struct err *e)
{
	char ids[24], subnets[SUBNET_ARRAY_MAX];
	const char *p[5];
	int rc;

	id_text(id, ids);
	rc = db_begin(db, e);
	if (rc != 0)
		return rc;
	/* From here every failure goes to fail (rolls back). */
	rc = lock_store(db, ids, e);
	if (rc == 0 && before != NULL)
		rc = stores_get(db, a, id, before, e);
	if (rc != 0)
		goto fail;
	p[0] = ids;
	p[1] = c->code;
	p[2] = c->name;
	p[3] = subnet_array(c, subnets, sizeof subnets);
	p[4] = c->notes;
	rc = db_exec(db,
		     "UPDATE stores SET code = COALESCE($2, code), name = COALESCE($3, name), "
		     "subnets = COALESCE($4::cidr[], subnets), notes = COALESCE($5, notes) "
		     "WHERE id = $1",
		     5, p, NULL, e);
	if (rc == ERR_CONFLICT) {
		db_rollback(db);
		return code_taken(db, c->code, e);
	}
	if (rc != 0)
		goto fail;
	rc = db_commit(db, e);
	if (rc != 0)
		goto fail;
	return after != NULL ? stores_get(db, a, id, after, e) : 0;
fail:
	db_rollback(db);
	return rc;
}

int stores_delete(struct db *db, struct arena *a, int64_t id, struct store *gone, struct err *e)
{
	PGresult *res = NULL;
	char ids[24];
	const char *p[1] = { ids };
	int rc;

	id_text(id, ids);
	rc = db_begin(db, e);
	if (rc != 0)
		return rc;
	/* From here every failure goes to fail (rolls back). */
	rc = lock_store(db, ids, e);
	if (rc == 0 && gone != NULL)
		rc = stores_get(db, a, id, gone, e);
	if (rc != 0)
		goto fail;
	/* devices.store_id is ON DELETE SET NULL: the devices stay, without a store. */
	rc = db_exec_found(db, "DELETE FROM stores WHERE id = $1 RETURNING id", 1, p, &res,
			   "store", e);
	if (rc != 0)
		goto fail;
	PQclear(res);
	return db_commit(db, e);
fail:
	db_rollback(db);
	return rc;
}

int stores_health(struct db *db, int64_t id, struct store_health *h, struct err *e)
{
	PGresult *res = NULL;
	char ids[24];
	const char *p[1] = { ids };
	int rc;

	id_text(id, ids);
	memset(h, 0, sizeof *h);
	rc = db_exec(db,
		     "SELECT kind, " COUNTS("") " FROM devices WHERE store_id = $1 "
		     "GROUP BY kind ORDER BY " KIND_ORDER,
		     1, p, &res, e);
	if (rc != 0)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *kind = PQgetvalue(res, i, 0);
		struct store_counts c;

		counts_at(res, i, 1, &c);
		h->all.total += c.total;
		h->all.online += c.online;
		h->all.pending_offline += c.pending_offline;
		h->all.offline += c.offline;
		h->all.unknown += c.unknown;
		h->all.problems += c.problems;
		for (size_t k = 0; k < STORE_KINDS; k++) {
			if (strcmp(kind, kinds[k]) != 0 || h->nkinds >= STORE_KINDS)
				continue;
			h->kinds[h->nkinds].kind = kinds[k];
			h->kinds[h->nkinds].counts = c;
			h->nkinds++;
		}
	}
	PQclear(res);
	return 0;
}

#define DEVICE_SELECT                                                                     \
	"SELECT id, kind, name, model, COALESCE(address, ''), COALESCE(mac::text, ''), "   \
	"mac_status, state, COALESCE(" ISO("last_polled_at") ", ''), "                     \
	"COALESCE(" ISO("last_seen_at") ", ''), COALESCE(last_error, ''), " PROBLEM("")     \
	" FROM devices WHERE store_id = $1 ORDER BY "
#define DEVICE_PAGE " search_fold(name), id LIMIT $2 OFFSET $3"

static int row_to_device(struct arena *a, const PGresult *res, int row, struct store_device *d)
{
	const char *problem = db_get(res, row, 11);
	bool nomem = false;

	d->id = db_get_int64(res, row, 0, 0);
	d->kind = db_text(a, res, row, 1, &nomem);
	d->name = db_text(a, res, row, 2, &nomem);
	d->model = db_text(a, res, row, 3, &nomem);
	d->address = db_text(a, res, row, 4, &nomem);
	d->mac = db_text(a, res, row, 5, &nomem);
	d->mac_status = db_text(a, res, row, 6, &nomem);
	d->state = db_text(a, res, row, 7, &nomem);
	d->last_polled_at = db_text(a, res, row, 8, &nomem);
	d->last_seen_at = db_text(a, res, row, 9, &nomem);
	d->last_error = db_text(a, res, row, 10, &nomem);
	d->problem = problem != NULL && problem[0] == 't';
	return nomem ? ERR_NOMEM : 0;
}

int stores_devices(struct db *db, struct arena *a, int64_t id, enum store_device_order order,
		   int limit, int offset, struct store_device **items, size_t *n, int64_t *total,
		   struct err *e)
{
	static const char *const sql[] = {
		[STORE_DEVICES_ONLINE_FIRST] = DEVICE_SELECT
		"CASE state WHEN 'online' THEN 0 WHEN 'pending_offline' THEN 1 "
		"WHEN 'offline' THEN 2 ELSE 3 END," DEVICE_PAGE,
		[STORE_DEVICES_PROBLEMS_FIRST] = DEVICE_SELECT PROBLEM("") " DESC, "
		"CASE state WHEN 'offline' THEN 0 WHEN 'pending_offline' THEN 1 "
		"WHEN 'online' THEN 2 ELSE 3 END," DEVICE_PAGE,
	};
	PGresult *res = NULL;
	char ids[24], lim[16], off[16];
	const char *p[3] = { ids, lim, off };
	int rc, rows;

	id_text(id, ids);
	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(off, sizeof off, "%d", offset);
	*n = 0;
	rc = db_exec_found(db, "SELECT (SELECT count(*) FROM devices WHERE store_id = s.id) "
			       "FROM stores s WHERE s.id = $1", 1, p, &res, "store", e);
	if (rc != 0)
		return rc;
	*total = db_get_int64(res, 0, 0, 0);
	PQclear(res);
	rc = db_exec(db, sql[order == STORE_DEVICES_PROBLEMS_FIRST], 3, p, &res, e);
	if (rc != 0)
		return rc;
	rows = PQntuples(res);
	*items = arena_zalloc(a, sizeof **items * (size_t)(rows > 0 ? rows : 1));
	if (*items == NULL) {
		PQclear(res);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < rows; i++) {
		if (row_to_device(a, res, i, &(*items)[i]) != 0) {
			PQclear(res);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}
