/*
 * printer_reading — what a printer's SNMP answers mean: supplies with their levels and colours,
 * a per-colour toner summary, the printer's status, identity (model, serial, firmware), page
 * counter and MAC address. Pure: input is a struct snmp_table of the varbinds gathered from one
 * device (see lib/snmp_value.h), output a self-contained struct printer_reading; no I/O, no
 * allocation, no printing.
 *
 * What it reads (any subset may be missing; a missing column is normal, never an error):
 *   system (sysDescr, sysObjectID, sysName), ifTable (ifType, ifPhysAddress, ifOperStatus),
 *   hrDeviceTable (type, descr, status), hrPrinterTable (status, detected error state),
 *   prtGeneral (serial number), prtMarkerLifeCount, prtMarkerSuppliesTable,
 *   prtMarkerColorantTable, and the vendor identity OIDs of PROTOCOLS.md §1.8.
 *
 * Interpretation (RFC 3805 + PROTOCOLS.md §1.6 "suggested rule set"; docs/PRINTERS.md has the
 * rationale and every fixture's reading):
 *   - max > 0 and level >= 0: percent = level*100/max, clamped to 0..100, rounded to 0.1
 *     (a level strictly between 0 and max stays within 0.1..99.9).
 *   - level -3: some_remaining (no number); -2: unknown; -1: unlimited; below -3: unknown.
 *   - max unknown (-1, -2, 0 or absent) and 0 <= level <= 100: the level is taken as a
 *     percentage and max_unknown is set; a larger level means some_remaining (an amount in
 *     unknown units of an unknown capacity).
 *   - receptacles (class receptacleThatIsFilled, or a waste type) report free space: percent
 *     is the free space and fullness = 100 - percent.
 *   - colour: colorant table join, else words in the description (several languages, part
 *     number suffixes), else "black" for the only toner of the device.
 *   - the colour summary takes, per colour, the toner/ink supply with the lowest known percent.
 */
#ifndef INFRASCOPE_PRINTER_READING_H
#define INFRASCOPE_PRINTER_READING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct snmp_table;

#define PRINTER_MAX_SUPPLIES 64   /* supplies kept; more rows set supplies_truncated */
#define PRINTER_TEXT_MAX 256      /* bytes of every text field, NUL included (valid UTF-8) */
#define PRINTER_MAC_TEXT 18       /* "aa:bb:cc:dd:ee:ff" + NUL */

enum printer_class {
	PRINTER_CLASS_OTHER = 1,       /* other(1) */
	PRINTER_CLASS_CONSUMED = 3,    /* supplyThatIsConsumed(3) */
	PRINTER_CLASS_RECEPTACLE = 4,  /* receptacleThatIsFilled(4) */
};

enum printer_level_state {
	PRINTER_LEVEL_UNKNOWN = 0,     /* -2, absent, or not a valid value */
	PRINTER_LEVEL_PERCENT,         /* percent holds a number */
	PRINTER_LEVEL_SOME_REMAINING,  /* -3: some supply (some free space) left, amount unknown */
	PRINTER_LEVEL_UNLIMITED,       /* -1: "other", the sub-unit places no restriction */
};

enum printer_colour_source {
	PRINTER_COLOUR_NONE = 0,
	PRINTER_COLOUR_COLORANT,       /* prtMarkerColorantValue via the supply's ColorantIndex */
	PRINTER_COLOUR_DESCRIPTION,    /* a colour word or part-number suffix in the description */
	PRINTER_COLOUR_SINGLE_TONER,   /* the device's only toner/ink supply: black */
};

struct printer_supply {
	uint32_t index;                 /* prtMarkerSuppliesIndex */
	char description[PRINTER_TEXT_MAX]; /* decoded, cleaned (see docs/PRINTERS.md) */
	int type;                       /* PrtMarkerSuppliesTypeTC value (effective) */
	bool type_inferred; /* the Type column was absent or unknown(2): from the text */
	enum printer_class class;       /* effective class */
	bool class_inferred;            /* absent, or a waste type reported with another class */
	int unit;                       /* PrtMarkerSuppliesSupplyUnitTC; 0 = column absent */
	bool has_max, has_level;        /* the columns were present with an integer value */
	int64_t max, level;             /* as reported (meaningful when has_max / has_level) */
	enum printer_level_state state;
	double percent; /* remaining (consumables) / free space (receptacles); NaN */
	double fullness;                /* receptacles only: 100 - percent; NaN otherwise */
	bool max_unknown;               /* rule 4: the level was read as a percentage */
	const char *colour;             /* static lower-case word ("black", "cyan", ...) or NULL */
	enum printer_colour_source colour_source;
	bool is_toner;                  /* toner/ink (types 3,5,6,7,21,35,36), class consumed */
	bool is_receptacle;             /* class receptacle (reported or implied by a waste type) */
};

enum printer_colour {
	PRINTER_BLACK = 0,
	PRINTER_CYAN,
	PRINTER_MAGENTA,
	PRINTER_YELLOW,
	PRINTER_COLOUR_COUNT,
};

struct printer_colour_summary {
	bool present;                   /* at least one toner/ink supply has this colour */
	double percent;                 /* lowest known percent among them, or NaN */
	enum printer_level_state state; /* of the chosen supply */
	uint32_t supply_index;          /* prtMarkerSuppliesIndex of the chosen supply */
	char name[PRINTER_TEXT_MAX];    /* its description */
};

enum printer_severity {
	PRINTER_SEVERITY_UNKNOWN = 0,
	PRINTER_SEVERITY_OK,
	PRINTER_SEVERITY_WARNING,
	PRINTER_SEVERITY_CRITICAL,
};

/* hrPrinterDetectedErrorState bits, numbered as in HOST-RESOURCES-MIB / RFC 3805 (bit 0 = MSB
 * of the first octet). Stored in printer_status.errors as (1u << bit). */
enum printer_error_bit {
	PRINTER_ERR_LOW_PAPER = 0,
	PRINTER_ERR_NO_PAPER,
	PRINTER_ERR_LOW_TONER,
	PRINTER_ERR_NO_TONER,
	PRINTER_ERR_DOOR_OPEN,
	PRINTER_ERR_JAMMED,
	PRINTER_ERR_OFFLINE,
	PRINTER_ERR_SERVICE_REQUESTED,
	PRINTER_ERR_INPUT_TRAY_MISSING,
	PRINTER_ERR_OUTPUT_TRAY_MISSING,
	PRINTER_ERR_MARKER_SUPPLY_MISSING,
	PRINTER_ERR_OUTPUT_NEAR_FULL,
	PRINTER_ERR_OUTPUT_FULL,
	PRINTER_ERR_INPUT_TRAY_EMPTY,
	PRINTER_ERR_OVERDUE_PREVENT_MAINT,
	PRINTER_ERR_BIT_COUNT,          /* bits 15.. are not defined */
};

struct printer_status {
	int device;                     /* hrDeviceStatus 1..5; 0 = absent */
	int printer;                    /* hrPrinterStatus 1..5; 0 = absent */
	bool has_error_state;           /* hrPrinterDetectedErrorState was present */
	size_t error_state_len;         /* its length in octets (0, 1, 2 or more) */
	uint32_t errors;                /* (1u << enum printer_error_bit) for every set bit */
	enum printer_severity severity;
};

struct printer_reading {
	bool has_printer_mib;           /* any prtGeneral or prtMarkerSupplies row */
	uint32_t device_index;          /* hrDeviceIndex the reading is about */

	size_t n_supplies;
	struct printer_supply supplies[PRINTER_MAX_SUPPLIES];
	bool supplies_truncated;        /* the device reported more than PRINTER_MAX_SUPPLIES */

	struct printer_colour_summary colours[PRINTER_COLOUR_COUNT];
	struct printer_status status;

	const char *vendor;             /* static name from sysObjectID / sysDescr, or NULL */
	char model[PRINTER_TEXT_MAX];   /* "" when unknown */
	char serial[PRINTER_TEXT_MAX];
	char firmware[PRINTER_TEXT_MAX];
	char sys_descr[PRINTER_TEXT_MAX];
	char sys_name[PRINTER_TEXT_MAX];
	char sys_object_id[PRINTER_TEXT_MAX];
	int64_t page_count;             /* prtMarkerLifeCount of the first marker; -1 = absent */
	int page_count_unit;            /* prtMarkerCounterUnit of that marker; 0 = absent */
	char mac[PRINTER_MAC_TEXT];     /* main interface, "aa:bb:cc:dd:ee:ff"; "" = none */
};

/*
 * printer_read — interpret the varbinds in t into *out (fully overwritten). t must hold the
 * OIDs listed above under their standard names; anything else in it is ignored.
 * Returns 0. A device without Printer-MIB data is not an error: out->has_printer_mib is false
 * and the caller decides ("no Printer-MIB" as a per-device error).
 */
int printer_read(const struct snmp_table *t, struct printer_reading *out);

/*
 * printer_reading_identity_oids — the vendor scalar OIDs (model, serial, firmware, IEEE 1284
 * device id) printer_read looks at, as static dotted text: up to max of them into out.
 * Returns how many. A poller GETs them along with the standard ones (lib/printer_snmp.h).
 */
size_t printer_reading_identity_oids(const char **out, size_t max);

/* Names for the enums and codes, for JSON, logs and metrics labels. NULL when out of range. */
const char *printer_supply_type_name(int type);        /* IANA name: "toner", "opc", ... */
const char *printer_class_name(enum printer_class c);  /* "other", "consumed", "receptacle" */
const char *printer_level_state_name(enum printer_level_state s); /* "percent", ... */
const char *printer_colour_name(enum printer_colour c);           /* "black", ... */
const char *printer_severity_name(enum printer_severity s);       /* "ok", "warning", ... */
const char *printer_device_status_name(int v);         /* "unknown", "running", ... "down" */
const char *printer_printer_status_name(int v);        /* "other", "unknown", "idle", ... */
const char *printer_error_name(enum printer_error_bit bit); /* "lowPaper", ... */

/*
 * printer_decode_description — the text of a supply description as this module shows it:
 * NUL-cut, HP's hex-dump continuation lines and all-hex text decoded, invalid UTF-8 replaced
 * by U+FFFD, control characters turned into spaces, spaces collapsed, trimmed, cut before
 * per-cartridge noise (", PN ", ";SN", " S/N:"), bounded to out_size bytes on a character
 * boundary. Exposed for tests and for other modules reading printer text.
 */
void printer_decode_description(const unsigned char *in, size_t n, char *out, size_t out_size);

/*
 * printer_colour_from_text — the colour a text names ("black", "cyan", "magenta", "yellow"),
 * or NULL when it names none or several. UTF-8 input; see docs/PRINTERS.md for the words.
 */
const char *printer_colour_from_text(const char *text);

#endif
