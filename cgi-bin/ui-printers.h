/*
 * ui-printers — what the printer pages share (private to ui-printers.c, the list and the
 * create form, and ui-printer.c, one printer's page and its forms).
 *
 * Words: the states, kinds, colours and levels in the page's language. Toner bars: one
 * {{>BAR}} (printer_toner.tpl) per colour, its width a CSS class (.tw0 … .tw100 in
 * static/app.css; the CSP allows no style attributes), "some remaining" / "unknown" in words.
 * The create / edit form: printer_form.tpl, read back into a printers_input; the SNMP
 * community is write-only (never put into a page; empty on the edit form = keep the stored
 * one). Messages of a refused change in the page's language. Every returned string lives in
 * the request's arena.
 */
#ifndef INFRASCOPE_UI_PRINTERS_H
#define INFRASCOPE_UI_PRINTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "err.h"

struct arena;
struct http_ctx;
struct printers_input;
struct printers_item;
struct tpl_dict;

#define PRINTER_UI_LOW_TONER 15        /* percent at or below which a toner is shown as low */
#define PRINTER_UI_EMPTY_TONER 5       /* ... and as (nearly) empty */

/* printer_ui_parse_uint — a whole number in 0..max into *out; "" or NULL is dflt. */
bool printer_ui_parse_uint(const char *s, long long max, long long dflt, long long *out);

/* Words for a device state, a kind ("Laser printer"), a colour ("Cyan", or the printer's own
 * word for another colorant) and a level that is not a number ("some left", "no data"). */
const char *printer_ui_state_name(struct http_ctx *x, const char *state);
bool printer_ui_is_label(const char *kind);
const char *printer_ui_kind_name(struct http_ctx *x, const char *kind);
const char *printer_ui_colour_name(struct http_ctx *x, const char *colour);
const char *printer_ui_level_word(struct http_ctx *x, const char *state);

/* printer_ui_colour_class — "black", "cyan", "magenta", "yellow", else "other" (a CSS suffix). */
const char *printer_ui_colour_class(const char *colour);

/* printer_ui_age — "5 min ago", "3 h ago", "2 d ago"; "never" for a negative age. */
const char *printer_ui_age(struct http_ctx *x, int64_t seconds);

/*
 * printer_ui_bar — a toner bar in a new repetition of section of d: the colour's letter, the
 * bar, the level as "37%" (marked low / empty at the thresholds above) or in words. name (the
 * cartridge, may be NULL) goes into the tooltip.
 */
void printer_ui_bar(struct http_ctx *x, struct tpl_dict *d, const char *section,
		    const char *colour, double percent, const char *state, const char *name);

/* A store as the filter and the forms offer it. */
struct printer_ui_store {
	int64_t id;
	const char *code, *name;
};

/* printer_ui_load_stores — every store (by code, at most 1000) into *out (arena). 0 or ERR_*. */
int printer_ui_load_stores(struct http_ctx *x, struct printer_ui_store **out, size_t *n);

/* What an admin typed into a printer form, to show it again (never the community). */
struct printer_ui_form {
	const char *kind, *name, *model, *address, *connection, *host_pc, *store, *snmp_version,
		*snmp_port, *mac;
	bool community_reset;
};

/* printer_ui_form_of — the form as a stored printer fills it. */
void printer_ui_form_of(const struct printers_item *p, struct printer_ui_form *f,
			struct arena *a);

/* printer_ui_form_read — the posted fields (kind: the stored one, or NULL to read it);
 * false when out of memory. */
bool printer_ui_form_read(struct http_ctx *x, struct printer_ui_form *f, const char *kind);

/*
 * printer_ui_form_fill — include printer_form.tpl as {{>FORM}} of d with f's values. creating:
 * the kind is chosen on the form; else it is fixed and the community field keeps the stored
 * community when left empty.
 */
void printer_ui_form_fill(struct http_ctx *x, struct tpl_dict *d, const struct printer_ui_form *f,
			  bool creating, const struct printer_ui_store *stores, size_t nstores);

/* printer_ui_form_input — the form as a printers_input (strings borrowed from f and the
 * request). NULL, or the message about a field this page checks itself (store, port, kind). */
const char *printer_ui_form_input(struct http_ctx *x, const struct printer_ui_form *f,
				  bool creating, struct printers_input *in);

/* printer_ui_message — a refused create/update (ERR_INVALID naming the field, ERR_CONFLICT)
 * in the page's language. */
const char *printer_ui_message(struct http_ctx *x, int rc, const struct err *e);

/* printer_ui_audit — the event of a change or a poll, with the caller, the client address and
 * the trace id (payload is consumed; NULL = {}); a failure only goes to the log. */
void printer_ui_audit(struct http_ctx *x, const char *type, int64_t device_id, int64_t store_id,
		      const char *kind, const char *message, json_object *payload);

#endif
