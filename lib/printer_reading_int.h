/*
 * printer_reading_int — private to the printer_reading module (printer_reading.c,
 * printer_reading_text.c, printer_reading_ident.c); nothing else includes it.
 *
 * OIDs are kept as constant sub-identifier arrays (struct oidc) and turned into a struct
 * snmp_oid only when a lookup needs one.
 */
#ifndef INFRASCOPE_PRINTER_READING_INT_H
#define INFRASCOPE_PRINTER_READING_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "printer_reading.h"
#include "snmp_value.h"

struct oidc {
	const uint32_t *sub;
	size_t len;
};

#define OIDC(...)                                                                          \
	{ (const uint32_t[]){ __VA_ARGS__ },                                               \
	  sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t) }

/* The varbind at base.<idx...>, or NULL (also for exception values). */
const struct snmp_varbind *printer_reading_get(const struct snmp_table *t, struct oidc base,
					       const uint32_t *idx, size_t n);

/* The varbinds below base.<idx...> (a walk): returns the count, *first the first item. */
size_t printer_reading_walk(const struct snmp_table *t, struct oidc base, const uint32_t *idx,
			    size_t n, size_t *first);

/* An integer value at base.<idx...>: true and *out set, false when absent or not numeric. */
bool printer_reading_int(const struct snmp_table *t, struct oidc base, const uint32_t *idx,
			 size_t n, int64_t *out);

/*
 * printer_reading_text — the string at base.<idx...> cleaned into out (UTF-8 made valid, controls
 * turned into spaces, spaces collapsed, trimmed). True when the result is not empty.
 */
bool printer_reading_text(const struct snmp_table *t, struct oidc base, const uint32_t *idx,
			  size_t n, char *out, size_t size);

/* Clean n bytes (stop at a NUL) into out as printer_reading_text does. */
void printer_reading_clean(const unsigned char *in, size_t n, char *out, size_t size);

/* The colour of a prtMarkerColorantValue string (ISO 10175 words, else the word rules). */
const char *printer_reading_colorant_colour(const char *value);

/* The supply type a description suggests (see printer_reading_text.c); unknown(2) if none. */
int printer_reading_infer_type(const char *description);

/* Fill r->vendor, model, serial, firmware from t (sys_descr and device_index already set). */
void printer_reading_identity(const struct snmp_table *t, struct printer_reading *r);

#endif
