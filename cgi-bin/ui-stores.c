/*
 * /stores — the stores pages: the list with a search box (and a form to add a store, for
 * administrators), and one page per store with its details, the health of its devices by
 * kind and state, its devices with the ones that need attention first, and (for
 * administrators) forms to change or delete it.
 *
 * The rules are the API's (same validators, same app_store_* calls, which write the audit
 * events), so a page and a script never disagree. A refused form comes back with what was
 * typed and the reason in the page's language; a change that worked redirects (303) to a page
 * that says so, so a reload does not post it again.
 */
#include "app.h"

#include "arena.h"
#include "i18n.h"
#include "sbuf.h"
#include "stores.h"
#include "tpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORES_PER_PAGE 50
#define DEVICES_PER_PAGE 100

/* What was typed into a store form, to show it again. */
struct store_form {
	const char *code;
	const char *name;
	const char *subnets;       /* as typed: one per line (commas and blanks also separate) */
	const char *notes;
};

/* A store change read from a form, with the room its subnets need. */
struct store_input {
	struct store_change c;
	struct cidr subnets[CIDR_STORE_MAX];
	const char *texts[CIDR_STORE_MAX];
};

static bool is_admin(struct http_ctx *x)
{
	return app_auth_of(x)->user.role >= ROLE_ADMIN;
}

/* The key's text with {1} and {2} replaced by strings (form_format does numbers). */
static const char *text_with(struct http_ctx *x, const char *key, const char *a, const char *b)
{
	const char *text = page_text(x, key);
	struct sbuf out;

	sbuf_init(&out, x->arena, 4 * I18N_MAX_TEXT);
	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '{' && (p[1] == '1' || p[1] == '2') && p[2] == '}') {
			sbuf_puts(&out, p[1] == '1' ? a : b);
			p += 2;
		} else {
			sbuf_putc(&out, *p);
		}
	}
	return out.failed ? text : sbuf_cstr(&out);
}

/* ---- what the page shows for a device ---- */

static const char *state_name(struct http_ctx *x, const char *state)
{
	if (strcmp(state, "online") == 0)
		return page_text(x, "state_online");
	if (strcmp(state, "pending_offline") == 0)
		return page_text(x, "state_pending_offline");
	if (strcmp(state, "offline") == 0)
		return page_text(x, "state_offline");
	return page_text(x, "state_unknown");
}

static const char *state_class(const char *state)
{
	if (strcmp(state, "online") == 0)
		return "badge-ok";
	if (strcmp(state, "pending_offline") == 0)
		return "sev-warning";
	if (strcmp(state, "offline") == 0)
		return "badge-error";
	return "badge-off";
}

/* One device's kind in words (the kind_* keys name the plural, for tables by kind). */
static const char *kind_one(struct http_ctx *x, const char *kind)
{
	if (strcmp(kind, "laser_printer") == 0)
		return page_text(x, "store_kind_laser_printer");
	if (strcmp(kind, "label_printer") == 0)
		return page_text(x, "store_kind_label_printer");
	if (strcmp(kind, "iconbit") == 0)
		return page_text(x, "store_kind_iconbit");
	if (strcmp(kind, "nettop") == 0)
		return page_text(x, "store_kind_nettop");
	if (strcmp(kind, "twix") == 0)
		return page_text(x, "store_kind_twix");
	if (strcmp(kind, "switch") == 0)
		return page_text(x, "store_kind_switch");
	return kind;
}

static void fill_counts(struct tpl_dict *d, const struct store_counts *c)
{
	tpl_set_int(d, "TOTAL", c->total);
	tpl_set_int(d, "ONLINE", c->online);
	tpl_set_int(d, "PENDING", c->pending_offline);
	tpl_set_int(d, "OFFLINE", c->offline);
	tpl_set_int(d, "UNKNOWN", c->unknown);
	tpl_set_int(d, "PROBLEMS", c->problems);
}

static void fill_subnets(struct tpl_dict *d, const struct store *s)
{
	for (size_t i = 0; i < s->nsubnets; i++) {
		struct tpl_dict *sub = tpl_section(d, "SUBNET");

		if (sub != NULL)
			tpl_set(sub, "TEXT", s->subnets[i]);
	}
	if (s->nsubnets == 0)
		tpl_show(d, "NO_SUBNETS");
}

/* The subnets one per line, as the edit form shows them. */
static const char *subnets_lines(struct http_ctx *x, const struct store *s)
{
	struct sbuf out;

	sbuf_init(&out, x->arena, CIDR_STORE_MAX * CIDR_TEXT + 1);
	for (size_t i = 0; i < s->nsubnets; i++) {
		sbuf_puts(&out, s->subnets[i]);
		sbuf_putc(&out, '\n');
	}
	return out.failed ? "" : sbuf_cstr(&out);
}

/* Links between the pages of a list: PREV / NEXT with HREF, and the range shown. */
static void fill_pager(struct http_ctx *x, struct tpl_dict *d, const char *base, int offset,
		       int per_page, size_t n, int64_t total)
{
	struct tpl_dict *pager;
	const char *sep = strchr(base, '?') != NULL ? "&" : "?";

	if (total <= per_page && offset == 0)
		return;
	pager = tpl_section(d, "PAGER");
	if (pager == NULL)
		return;
	tpl_set(pager, "RANGE", form_format(x, "pager_range", n > 0 ? offset + 1 : offset,
					    offset + (long long)n, (long long)total));
	if (offset > 0) {
		struct tpl_dict *prev = tpl_section(pager, "PREV");

		if (prev != NULL)
			tpl_set(prev, "HREF", arena_printf(x->arena, "%s%soffset=%d", base, sep,
							   offset > per_page ? offset - per_page : 0));
	}
	if (offset + (int64_t)n < total) {
		struct tpl_dict *next = tpl_section(pager, "NEXT");

		if (next != NULL)
			tpl_set(next, "HREF", arena_printf(x->arena, "%s%soffset=%d", base, sep,
							   offset + per_page));
	}
}

static void fill_hints(struct http_ctx *x, struct tpl_dict *d)
{
	tpl_set(d, "CODE_HINT", form_format(x, "store_code_hint", STORE_CODE_MAX, 0, 0));
	tpl_set(d, "SUBNETS_HINT", form_format(x, "store_subnets_hint", CIDR_STORE_MAX, 0, 0));
}

/* ---- reading a form ---- */

/*
 * The validators' messages in the page's language. Matched by their fixed start, so a detail
 * inside a message does not matter; numbers shown come from the same constants.
 */
static const char *field_message(struct http_ctx *x, const char *m)
{
	static const struct {
		const char *start;
		const char *key;
		long long number;
	} map[] = {
		{ "a store code is required", "store_msg_code_required", 0 },
		{ "the store code must not contain spaces", "store_msg_code_spaces", 0 },
		{ "the store code must start", "store_msg_code_start", 0 },
		{ "the store code is longer", "store_msg_code_long", STORE_CODE_MAX },
		{ "the store code ", "store_msg_code_chars", 0 },
		{ "a store name is required", "store_msg_name_required", 0 },
		{ "the store name is longer", "store_msg_name_long", STORE_NAME_MAX },
		{ "the store name ", "store_msg_name_invalid", 0 },
		{ "the notes text is longer", "store_msg_notes_long", STORE_NOTES_MAX },
		{ "the notes text ", "store_msg_notes_invalid", 0 },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strncmp(m, map[i].start, strlen(map[i].start)) == 0)
			return form_format(x, map[i].key, map[i].number, 0, 0);
	return form_message(x, m);
}

static const char *subnet_message(struct http_ctx *x, const struct cidr_problem *p)
{
	char a[24], b[24];

	switch (p->fault) {
	case CIDR_FAULT_SYNTAX:
		return text_with(x, "store_msg_subnet_syntax", p->item, "");
	case CIDR_FAULT_PREFIX:
		snprintf(a, sizeof a, "%d", CIDR_STORE_MIN_PREFIX);
		return text_with(x, "store_msg_subnet_prefix", p->item, a);
	case CIDR_FAULT_HOST_BITS:
		return text_with(x, "store_msg_subnet_host_bits", p->item, p->other);
	case CIDR_FAULT_TOO_MANY:
		snprintf(a, sizeof a, "%d", CIDR_STORE_MAX);
		snprintf(b, sizeof b, "%zu", p->index);
		return text_with(x, "store_msg_subnet_too_many", a, b);
	case CIDR_FAULT_DUPLICATE:
		return text_with(x, "store_msg_subnet_duplicate", p->item, "");
	case CIDR_FAULT_OVERLAP:
		return text_with(x, p->inner ? "store_msg_subnet_inside" : "store_msg_subnet_contains",
				 p->item, p->other);
	case CIDR_FAULT_NONE:
		break;
	}
	return page_text(x, "error_500_text");
}

/* Line ends as the browser sends them (CR LF) stored as LF: 4000 characters are what one sees. */
static const char *unix_lines(struct http_ctx *x, const char *s)
{
	char *out = arena_strdup(x->arena, s), *w = out;

	if (out == NULL)
		return NULL;
	for (const char *r = s; *r != '\0'; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	*w = '\0';
	return out;
}

/* Split the subnets box at line ends, blanks, commas and semicolons; *n counts every item. */
static bool split_subnets(struct http_ctx *x, const char *text, struct store_input *in, size_t *n)
{
	const char *p = text;

	*n = 0;
	while (*p != '\0') {
		size_t len;

		p += strspn(p, " \t\r\n,;");
		len = strcspn(p, " \t\r\n,;");
		if (len == 0)
			break;
		if (*n < CIDR_STORE_MAX) {
			in->texts[*n] = arena_strndup(x->arena, p, len);
			if (in->texts[*n] == NULL)
				return false;
		}
		(*n)++;
		p += len;
	}
	return true;
}

/*
 * Read the form into f (to show again) and in (to store). Returns 0, ERR_NOMEM, or
 * ERR_INVALID with *msg the reason in the page's language, about the first field wrong.
 */
static int read_form(struct http_ctx *x, struct store_form *f, struct store_input *in,
		     const char **msg)
{
	struct err e = { 0 };
	struct cidr_problem p;
	size_t n = 0;

	memset(in, 0, sizeof *in);
	f->code = form_text(x, "code");
	f->name = form_text(x, "name");
	f->subnets = form_text(x, "subnets");
	f->notes = form_text(x, "notes");
	if (f->code == NULL || f->name == NULL || f->subnets == NULL || f->notes == NULL)
		return ERR_NOMEM;
	f->notes = unix_lines(x, f->notes);
	if (f->notes == NULL || !split_subnets(x, f->subnets, in, &n))
		return ERR_NOMEM;
	if (store_code_check(f->code, &e) != 0 || store_name_check(f->name, &e) != 0) {
		*msg = field_message(x, e.msg);
		return ERR_INVALID;
	}
	if (cidr_list_check(in->texts, n, in->subnets, &p, &e) != 0) {
		*msg = subnet_message(x, &p);
		return ERR_INVALID;
	}
	if (store_notes_check(f->notes, &e) != 0) {
		*msg = field_message(x, e.msg);
		return ERR_INVALID;
	}
	in->c.code = f->code;
	in->c.name = f->name;
	in->c.notes = f->notes;
	in->c.set_subnets = true;
	in->c.subnets = in->subnets;
	in->c.nsubnets = n;
	return 0;
}

/* The message for a failed store call on a form, and its status; 0 = not the form's fault. */
static int form_failure(struct http_ctx *x, int rc, const struct err *e, const char *code,
			const char **msg)
{
	struct store other;

	if (rc == ERR_CONFLICT) {
		/* Name the store that has the code: it may be spelt differently (МСК / MCK). */
		if (stores_get_by_code(app_thread_of(x)->db, x->arena, code, &other, NULL) == 0)
			*msg = text_with(x, "store_msg_code_taken", other.code, other.name);
		else
			*msg = text_with(x, "store_msg_code_taken", code, "");
		return 409;
	}
	if (rc == ERR_INVALID) {
		*msg = field_message(x, e->msg);
		return 422;
	}
	return 0;
}

/* ---- the list ---- */

static int fill_list(struct http_ctx *x, struct tpl_dict *page, const char *q, int offset)
{
	struct store *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct err e = { 0 };
	const char *base = "/stores";
	int rc;

	rc = stores_list(app_thread_of(x)->db, x->arena, q, STORES_PER_PAGE, offset, &items, &n,
			 &total, &e);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct tpl_dict *row = tpl_section(page, "STORE");

		if (row == NULL)
			continue;
		tpl_set_int(row, "ID", (long long)items[i].id);
		tpl_set(row, "CODE", items[i].code);
		tpl_set(row, "NAME", items[i].name);
		fill_subnets(row, &items[i]);
		fill_counts(row, &items[i].devices);
	}
	if (n == 0 && offset == 0)
		tpl_show(page, q[0] != '\0' ? "NONE_FOUND" : "NO_STORES");
	if (q[0] != '\0')
		base = arena_printf(x->arena, "/stores?q=%s", http_url_encode(x->arena, q));
	fill_pager(x, page, base != NULL ? base : "/stores", offset, STORES_PER_PAGE, n, total);
	return 0;
}

static int render_stores(struct http_ctx *x, int status, const char *q, int offset,
			 const struct store_form *f, const char *error, const char *notice)
{
	struct tpl_dict *root, *page = page_begin(x, "stores_title", "stores.tpl", "stores", &root);
	int rc;

	if (page == NULL)
		return ERR_NOMEM;
	/* After a refused form the request path is the form's target: the language switch must
	 * come back to the page itself. */
	tpl_set(root, "CURRENT_PATH", "/stores");
	/* The device counts go stale: the list reloads itself every 15 minutes (SPEC §8). */
	tpl_show(root, "AUTO_REFRESH");
	tpl_set(page, "Q", q);
	if (q[0] != '\0')
		tpl_show(page, "SEARCHING");
	rc = fill_list(x, page, q, offset);
	if (rc != 0) {
		tpl_dict_free(root);
		return rc;
	}
	if (is_admin(x)) {
		struct tpl_dict *form = tpl_section(page, "CREATE_FORM");

		if (form != NULL) {
			tpl_set(form, "CODE", f->code);
			tpl_set(form, "NAME", f->name);
			tpl_set(form, "SUBNETS", f->subnets);
			tpl_set(form, "NOTES", f->notes);
			fill_hints(x, form);
		}
	}
	form_banner(page, "ERROR", error);
	form_banner(page, "NOTICE", notice);
	return page_render(x, status, root);
}

int handle_stores_page(struct http_ctx *x)
{
	static const struct store_form empty = { "", "", "", "" };
	const char *q = http_param_get(&x->req.query_params, "q");
	const char *notice = NULL;
	int offset;

	if (q == NULL)
		q = "";
	/* Blanks around a search are not part of it (a pasted code often has one). */
	while (*q == ' ' || *q == '\t')
		q++;
	q = arena_strndup(x->arena, q, strlen(q));
	if (q == NULL)
		return ERR_NOMEM;
	for (char *end = (char *)q + strlen(q); end > q && (end[-1] == ' ' || end[-1] == '\t'); end--)
		end[-1] = '\0';
	if (!app_offset_param(x, &offset) || store_search_check(q, NULL) != 0) {
		page_error(x, 400);
		return 0;
	}
	if (http_param_get(&x->req.query_params, "deleted") != NULL)
		notice = page_text(x, "store_notice_deleted");
	return render_stores(x, 200, q, offset, &empty, NULL, notice);
}

int handle_stores_create_form(struct http_ctx *x)
{
	struct store_form f;
	struct store_input in;
	struct err e = { 0 };
	const char *msg = NULL;
	int64_t id = 0;
	int rc, status;

	rc = read_form(x, &f, &in, &msg);
	if (rc == ERR_INVALID)
		return render_stores(x, 422, "", 0, &f, msg, NULL);
	if (rc != 0)
		return rc;
	rc = app_store_create(x, &in.c, &id, &e);
	if (rc != 0) {
		status = form_failure(x, rc, &e, f.code, &msg);
		return status != 0 ? render_stores(x, status, "", 0, &f, msg, NULL) : rc;
	}
	http_redirect(x, arena_printf(x->arena, "/stores/%lld?created=1", (long long)id));
	return 0;
}

/* ---- one store ---- */

static const char *store_notice(struct http_ctx *x)
{
	if (http_param_get(&x->req.query_params, "created") != NULL)
		return page_text(x, "store_notice_created");
	if (http_param_get(&x->req.query_params, "saved") != NULL)
		return page_text(x, "store_notice_saved");
	return NULL;
}

static void fill_health(struct http_ctx *x, struct tpl_dict *page, const struct store_health *h)
{
	struct tpl_dict *table, *all;

	if (h->all.total == 0) {
		tpl_show(page, "NO_DEVICES");
		return;
	}
	table = tpl_section(page, "HEALTH");
	if (table == NULL)
		return;
	for (size_t i = 0; i < h->nkinds; i++) {
		struct tpl_dict *row = tpl_section(table, "KIND");
		char key[48];

		if (row == NULL)
			continue;
		snprintf(key, sizeof key, "kind_%s", h->kinds[i].kind);
		tpl_set(row, "NAME", page_text(x, key));
		fill_counts(row, &h->kinds[i].counts);
	}
	all = tpl_section(table, "ALL");
	if (all != NULL)
		fill_counts(all, &h->all);
}

static int fill_devices(struct http_ctx *x, struct tpl_dict *page, int64_t id, int offset)
{
	struct store_device *items = NULL;
	struct tpl_dict *table;
	size_t n = 0;
	int64_t total = 0;
	struct err e = { 0 };
	int rc;

	rc = stores_devices(app_thread_of(x)->db, x->arena, id, STORE_DEVICES_PROBLEMS_FIRST,
			    DEVICES_PER_PAGE, offset, &items, &n, &total, &e);
	if (rc != 0)
		return rc;
	if (total == 0)
		return 0;
	table = tpl_section(page, "DEVICES");
	if (table == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct store_device *d = &items[i];
		struct tpl_dict *row = tpl_section(table, "DEVICE");

		if (row == NULL)
			continue;
		if (d->problem)
			tpl_show(row, "PROBLEM");
		tpl_set(row, "STATE_CLASS", state_class(d->state));
		tpl_set(row, "STATE_NAME", state_name(x, d->state));
		tpl_set(row, "NAME", d->name);
		tpl_set(row, "KIND_NAME", kind_one(x, d->kind));
		tpl_set(row, "MODEL", d->model);
		tpl_set(row, "ADDRESS", d->address);
		tpl_set(row, "MAC", d->mac);
		if (strcmp(d->mac_status, "mismatch") == 0)
			tpl_show(row, "MISMATCH");
		tpl_set(row, "LAST_SEEN", form_time(x, d->last_seen_at));
		tpl_set(row, "LAST_ERROR", d->last_error);
	}
	fill_pager(x, table, arena_printf(x->arena, "/stores/%lld", (long long)id), offset,
		   DEVICES_PER_PAGE, n, total);
	return 0;
}

/*
 * The store's page: s as stored (heading, facts, devices), f as the edit form shows it (what
 * was typed when a change was refused, else s).
 */
static int render_store(struct http_ctx *x, int status, const struct store *s,
			const struct store_form *f, int offset, const char *error,
			const char *notice)
{
	struct tpl_dict *root, *page = page_begin(x, "store_title", "store.tpl", "stores", &root);
	struct store_health h;
	int rc;

	if (page == NULL)
		return ERR_NOMEM;
	/* Not .../delete, which has no page to come back to. */
	tpl_set(root, "CURRENT_PATH", arena_printf(x->arena, "/stores/%lld", (long long)s->id));
	tpl_set(root, "PAGE_TITLE",
		arena_printf(x->arena, "%s · %s", s->code, page_text(x, "store_title")));
	/* A list of devices: it reloads itself every 15 minutes (SPEC §8). */
	tpl_show(root, "AUTO_REFRESH");
	tpl_set_int(page, "ID", (long long)s->id);
	tpl_set(page, "CODE", s->code);
	tpl_set(page, "NAME", s->name);
	fill_subnets(page, s);
	tpl_set(page, "NOTES", s->notes);
	if (s->notes[0] == '\0')
		tpl_show(page, "NO_NOTES");
	tpl_set(page, "CREATED_AT", form_time(x, s->created_at));
	tpl_set(page, "UPDATED_AT", form_time(x, s->updated_at));
	rc = stores_health(app_thread_of(x)->db, s->id, &h, NULL);
	if (rc == 0)
		rc = fill_devices(x, page, s->id, offset);
	/* "Poll all" of the store's printers (ui-tasks.c). */
	if (rc == 0)
		rc = task_ui_poll_all_button(x, page, s->code, NULL);
	if (rc != 0) {
		tpl_dict_free(root);
		return rc;
	}
	fill_health(x, page, &h);
	if (h.all.total == 0) {
		tpl_show(page, "EMPTY");
	} else if (h.all.problems == 0) {
		tpl_show(page, "ALL_WELL");
	} else {
		struct tpl_dict *b = tpl_section(page, "PROBLEMS");

		if (b != NULL)
			tpl_set(b, "TEXT", form_format(x, "store_problems", h.all.problems, 0, 0));
	}
	if (is_admin(x)) {
		struct tpl_dict *admin = tpl_section(page, "ADMIN");

		if (admin != NULL) {
			tpl_set(admin, "FORM_CODE", f->code);
			tpl_set(admin, "FORM_NAME", f->name);
			tpl_set(admin, "FORM_SUBNETS", f->subnets);
			tpl_set(admin, "FORM_NOTES", f->notes);
			fill_hints(x, admin);
			tpl_set(admin, "DELETE_INTRO",
				h.all.total > 0 ? form_format(x, "store_delete_intro", h.all.total, 0, 0)
						: page_text(x, "store_delete_intro_empty"));
		}
	}
	form_banner(page, "ERROR", error);
	form_banner(page, "NOTICE", notice);
	return page_render(x, status, root);
}

static void form_of(struct http_ctx *x, const struct store *s, struct store_form *f)
{
	f->code = s->code;
	f->name = s->name;
	f->subnets = subnets_lines(x, s);
	f->notes = s->notes;
}

/* Load the store of the path; answers the 404 page itself (then returns 1). */
static int load_store(struct http_ctx *x, struct store *s)
{
	struct err e = { 0 };
	int rc = stores_get(app_thread_of(x)->db, x->arena, app_path_id(x), s, &e);

	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 1;
	}
	return rc;
}

/* The store page again with a message about the form that was refused. */
static int refuse(struct http_ctx *x, int status, const struct store *s,
		  const struct store_form *f, const char *message)
{
	struct store_form stored;

	if (f == NULL) {
		form_of(x, s, &stored);
		f = &stored;
	}
	return render_store(x, status, s, f, 0, message, NULL);
}

int handle_store_page(struct http_ctx *x)
{
	struct store s;
	struct store_form f;
	int offset, rc;

	if (!app_offset_param(x, &offset)) {
		page_error(x, 400);
		return 0;
	}
	rc = load_store(x, &s);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	form_of(x, &s, &f);
	return render_store(x, 200, &s, &f, offset, NULL, store_notice(x));
}

int handle_store_edit_form(struct http_ctx *x)
{
	struct store s;
	struct store_form f;
	struct store_input in;
	struct err e = { 0 };
	const char *msg = NULL;
	int rc = load_store(x, &s), status;

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	rc = read_form(x, &f, &in, &msg);
	if (rc == ERR_INVALID)
		return refuse(x, 422, &s, &f, msg);
	if (rc != 0)
		return rc;
	rc = app_store_update(x, s.id, &in.c, NULL, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0) {
		status = form_failure(x, rc, &e, f.code, &msg);
		return status != 0 ? refuse(x, status, &s, &f, msg) : rc;
	}
	http_redirect(x, arena_printf(x->arena, "/stores/%lld?saved=1", (long long)s.id));
	return 0;
}

int handle_store_delete_form(struct http_ctx *x)
{
	struct store s;
	struct err e = { 0 };
	int rc = load_store(x, &s);

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	/* A deletion cannot be undone: one click on the wrong button must not do it. */
	if (!form_checked(x, "confirm"))
		return refuse(x, 422, &s, NULL, page_text(x, "store_msg_delete_confirm"));
	rc = app_store_delete(x, s.id, NULL, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0)
		return rc;
	http_redirect(x, "/stores?deleted=1");
	return 0;
}
