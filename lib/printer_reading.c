/*
 * printer_read: supplies, colours, status, page counter, MAC. Identity lives in
 * printer_reading_ident.c, text rules in printer_reading_text.c. The rules and their reasons
 * are in docs/PRINTERS.md; every rule has a fixture test in tests/unit/printer_reading_test.c.
 */
#include "printer_reading_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

#define MIB2 1, 3, 6, 1, 2, 1

static const struct oidc SYS_DESCR = OIDC(MIB2, 1, 1, 0);
static const struct oidc SYS_OBJECT_ID = OIDC(MIB2, 1, 2, 0);
static const struct oidc SYS_NAME = OIDC(MIB2, 1, 5, 0);
static const struct oidc IF_TYPE = OIDC(MIB2, 2, 2, 1, 3);
static const struct oidc IF_PHYS_ADDRESS = OIDC(MIB2, 2, 2, 1, 6);
static const struct oidc IF_OPER_STATUS = OIDC(MIB2, 2, 2, 1, 8);
static const struct oidc HR_DEVICE_TYPE = OIDC(MIB2, 25, 3, 2, 1, 2);
static const struct oidc HR_DEVICE_STATUS = OIDC(MIB2, 25, 3, 2, 1, 5);
static const struct oidc HR_PRINTER_STATUS = OIDC(MIB2, 25, 3, 5, 1, 1);
static const struct oidc HR_PRINTER_ERRORS = OIDC(MIB2, 25, 3, 5, 1, 2);
static const struct oidc PRT_GENERAL = OIDC(MIB2, 43, 5, 1, 1);
static const struct oidc PRT_MARKER_UNIT = OIDC(MIB2, 43, 10, 2, 1, 3);
static const struct oidc PRT_MARKER_LIFE_COUNT = OIDC(MIB2, 43, 10, 2, 1, 4);
static const struct oidc PRT_SUPPLIES = OIDC(MIB2, 43, 11, 1, 1);
static const struct oidc PRT_COLORANT_VALUE = OIDC(MIB2, 43, 12, 1, 1, 4);

static const uint32_t HR_DEVICE_PRINTER[] = { MIB2, 25, 3, 1, 5 };

/* prtMarkerSuppliesTable columns */
enum {
	COL_COLORANT = 3, COL_CLASS = 4, COL_TYPE = 5, COL_DESCR = 6, COL_UNIT = 7, COL_MAX = 8,
	COL_LEVEL = 9,
};

/* ---- lookups ---- */

static bool build(struct snmp_oid *o, struct oidc base, const uint32_t *idx, size_t n)
{
	if (snmp_oid_set(o, base.sub, base.len) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (snmp_oid_append(o, idx[i]) != 0)
			return false;
	return true;
}

const struct snmp_varbind *printer_reading_get(const struct snmp_table *t, struct oidc base,
					       const uint32_t *idx, size_t n)
{
	struct snmp_oid o;
	const struct snmp_varbind *vb;

	if (!build(&o, base, idx, n) || (vb = snmp_table_get(t, &o)) == NULL)
		return NULL;
	return snmp_varbind_is_exception(vb) ? NULL : vb;
}

size_t printer_reading_walk(const struct snmp_table *t, struct oidc base, const uint32_t *idx,
			    size_t n, size_t *first)
{
	struct snmp_oid o;

	*first = 0;
	if (!build(&o, base, idx, n))
		return 0;
	return snmp_table_walk(t, &o, first);
}

bool printer_reading_int(const struct snmp_table *t, struct oidc base, const uint32_t *idx,
			 size_t n, int64_t *out)
{
	return snmp_varbind_int(printer_reading_get(t, base, idx, n), out) == 0;
}

bool printer_reading_text(const struct snmp_table *t, struct oidc base, const uint32_t *idx,
			  size_t n, char *out, size_t size)
{
	const unsigned char *p;
	size_t len;

	out[0] = '\0';
	if (snmp_varbind_bytes(printer_reading_get(t, base, idx, n), &p, &len) != 0)
		return false;
	printer_reading_clean(p, len, out, size);
	return out[0] != '\0';
}

/* ---- names ---- */

static const char *const type_names[] = {
	NULL, "other", "unknown", "toner", "wasteToner", "ink", "inkCartridge", "inkRibbon",
	"wasteInk", "opc", "developer", "fuserOil", "solidWax", "ribbonWax", "wasteWax", "fuser",
	"coronaWire", "fuserOilWick", "cleanerUnit", "fuserCleaningPad", "transferUnit",
	"tonerCartridge", "fuserOiler", "water", "wasteWater", "glueWaterAdditive", "wastePaper",
	"bindingSupply", "bandingSupply", "stitchingWire", "shrinkWrap", "paperWrap", "staples",
	"inserts", "covers", "matteToner", "matteInk",
};

const char *printer_supply_type_name(int type)
{
	if (type <= 0 || (size_t)type >= N_ELEM(type_names))
		return NULL;
	return type_names[type];
}

const char *printer_class_name(enum printer_class c)
{
	switch (c) {
	case PRINTER_CLASS_OTHER: return "other";
	case PRINTER_CLASS_CONSUMED: return "consumed";
	case PRINTER_CLASS_RECEPTACLE: return "receptacle";
	}
	return NULL;
}

const char *printer_level_state_name(enum printer_level_state s)
{
	switch (s) {
	case PRINTER_LEVEL_UNKNOWN: return "unknown";
	case PRINTER_LEVEL_PERCENT: return "percent";
	case PRINTER_LEVEL_SOME_REMAINING: return "some_remaining";
	case PRINTER_LEVEL_UNLIMITED: return "unlimited";
	}
	return NULL;
}

const char *printer_colour_name(enum printer_colour c)
{
	static const char *const names[] = { "black", "cyan", "magenta", "yellow" };

	return (unsigned)c < PRINTER_COLOUR_COUNT ? names[c] : NULL;
}

const char *printer_severity_name(enum printer_severity s)
{
	switch (s) {
	case PRINTER_SEVERITY_UNKNOWN: return "unknown";
	case PRINTER_SEVERITY_OK: return "ok";
	case PRINTER_SEVERITY_WARNING: return "warning";
	case PRINTER_SEVERITY_CRITICAL: return "critical";
	}
	return NULL;
}

const char *printer_device_status_name(int v)
{
	static const char *const names[] = { NULL, "unknown", "running", "warning", "testing",
					     "down" };

	return v >= 1 && v <= 5 ? names[v] : NULL;
}

const char *printer_printer_status_name(int v)
{
	static const char *const names[] = { NULL, "other", "unknown", "idle", "printing",
					     "warmup" };

	return v >= 1 && v <= 5 ? names[v] : NULL;
}

static const char *const error_names[PRINTER_ERR_BIT_COUNT] = {
	"lowPaper", "noPaper", "lowToner", "noToner", "doorOpen", "jammed", "offline",
	"serviceRequested", "inputTrayMissing", "outputTrayMissing", "markerSupplyMissing",
	"outputNearFull", "outputFull", "inputTrayEmpty", "overduePreventMaint",
};

const char *printer_error_name(enum printer_error_bit bit)
{
	return (unsigned)bit < PRINTER_ERR_BIT_COUNT ? error_names[bit] : NULL;
}

/* ---- which hrDevice row is the printer ---- */

/* hrDeviceIndex of the first supplies row, 0 when there is none. */
static uint32_t first_supplies_device(const struct snmp_table *t, uint32_t only)
{
	size_t first, n = printer_reading_walk(t, PRT_SUPPLIES, NULL, 0, &first);

	for (size_t i = first; i < first + n; i++) {
		const struct snmp_varbind *vb = snmp_table_at(t, i);

		/* 43.11.1.1.<col>.<device>.<supply> */
		if (vb->oid.len == PRT_SUPPLIES.len + 3 &&
		    (only == 0 || vb->oid.sub[PRT_SUPPLIES.len + 1] == only))
			return vb->oid.sub[PRT_SUPPLIES.len + 1];
	}
	return 0;
}

/*
 * The printer's hrDeviceIndex: the hrDeviceTable row of type hrDevicePrinter when the
 * supplies (if any) are filed under it, else the index the supplies use, else 1.
 */
static uint32_t device_index(const struct snmp_table *t)
{
	struct snmp_oid printer;
	size_t first, n = printer_reading_walk(t, HR_DEVICE_TYPE, NULL, 0, &first);
	uint32_t found = 0, supplies;

	snmp_oid_set(&printer, HR_DEVICE_PRINTER, N_ELEM(HR_DEVICE_PRINTER));
	for (size_t i = first; i < first + n && found == 0; i++) {
		const struct snmp_varbind *vb = snmp_table_at(t, i);

		if (vb->oid.len == HR_DEVICE_TYPE.len + 1 && vb->type == SNMP_TYPE_OID &&
		    snmp_oid_equal(&vb->oid_value, &printer))
			found = vb->oid.sub[HR_DEVICE_TYPE.len];
	}
	supplies = first_supplies_device(t, 0);
	if (found != 0 && (supplies == 0 || first_supplies_device(t, found) != 0))
		return found;
	if (supplies != 0)
		return supplies;
	return found != 0 ? found : 1;
}

/* ---- supplies ---- */

static bool is_waste(int type)
{
	return type == 4 || type == 8 || type == 14 || type == 24 || type == 26;
}

static bool is_toner_type(int type)
{
	return type == 3 || type == 5 || type == 6 || type == 7 || type == 21 || type == 35 ||
	       type == 36;
}

static double round1(double v)
{
	return round(v * 10.0) / 10.0;
}

/* Rules 1-5 of docs/PRINTERS.md: state, percent, fullness. */
static void level_state(struct printer_supply *s)
{
	int64_t max = s->has_max ? s->max : -2, level = s->level;

	s->state = PRINTER_LEVEL_UNKNOWN;
	if (!s->has_level || level == -2 || level < -3)
		return;
	if (level == -3) {
		s->state = PRINTER_LEVEL_SOME_REMAINING;
		return;
	}
	if (level == -1) {
		s->state = PRINTER_LEVEL_UNLIMITED;
		return;
	}
	if (max > 0) {
		/* Rounded to 0.1, but only a full supply shows 100 and only an empty one 0. */
		if (level >= max)
			s->percent = 100.0;
		else if (level == 0)
			s->percent = 0.0;
		else
			s->percent =
				fmin(99.9, fmax(0.1, round1((double)level * 100.0 / (double)max)));
		s->state = PRINTER_LEVEL_PERCENT;
	} else if (level <= 100) {
		/* Capacity unknown: a level of 0..100 reads as a percentage (rule 4). */
		s->percent = (double)level;
		s->max_unknown = true;
		s->state = PRINTER_LEVEL_PERCENT;
	} else {
		/* An amount in unknown units of an unknown capacity: there is some. */
		s->state = PRINTER_LEVEL_SOME_REMAINING;
	}
	if (s->state == PRINTER_LEVEL_PERCENT && s->is_receptacle)
		s->fullness = round1(100.0 - s->percent);
}

/* Column col of supply (d, index) as an integer. */
static bool col_int(const struct snmp_table *t, uint32_t col, uint32_t d, uint32_t index,
		    int64_t *v)
{
	const uint32_t idx[3] = { col, d, index };

	return printer_reading_int(t, PRT_SUPPLIES, idx, 3, v);
}

static void read_supply(const struct snmp_table *t, uint32_t d, uint32_t index,
			struct printer_supply *s)
{
	const uint32_t descr[3] = { COL_DESCR, d, index };
	const unsigned char *p;
	size_t len;
	int64_t v;

	memset(s, 0, sizeof *s);
	s->index = index;
	s->percent = NAN;
	s->fullness = NAN;

	if (snmp_varbind_bytes(printer_reading_get(t, PRT_SUPPLIES, descr, 3), &p, &len) == 0)
		printer_decode_description(p, len, s->description, sizeof s->description);

	s->type = col_int(t, COL_TYPE, d, index, &v) && v >= 1 && v <= 255 ? (int)v : 0;
	if (s->type == 0 || s->type == 2) {
		int guess = printer_reading_infer_type(s->description);

		s->type_inferred = s->type == 0 || guess != 2;
		s->type = guess;
	}

	s->is_receptacle = is_waste(s->type);
	if (col_int(t, COL_CLASS, d, index, &v) && (v == 1 || v == 3 || v == 4)) {
		s->class = (enum printer_class)v;
		if (s->is_receptacle && v != 4) {
			s->class = PRINTER_CLASS_RECEPTACLE;
			s->class_inferred = true;
		}
	} else {
		s->class = s->is_receptacle ? PRINTER_CLASS_RECEPTACLE : PRINTER_CLASS_CONSUMED;
		s->class_inferred = true;
	}
	s->is_receptacle = s->class == PRINTER_CLASS_RECEPTACLE;
	s->is_toner = is_toner_type(s->type) && s->class == PRINTER_CLASS_CONSUMED;

	if (col_int(t, COL_UNIT, d, index, &v) && v > 0 && v <= 255)
		s->unit = (int)v;
	s->has_max = col_int(t, COL_MAX, d, index, &s->max);
	s->has_level = col_int(t, COL_LEVEL, d, index, &s->level);
	level_state(s);

	/* Colour: the colorant table, then the description. */
	if (col_int(t, COL_COLORANT, d, index, &v) && v > 0 && v <= UINT32_MAX) {
		const uint32_t colorant[2] = { d, (uint32_t)v };
		char value[PRINTER_TEXT_MAX];

		if (printer_reading_text(t, PRT_COLORANT_VALUE, colorant, 2, value, sizeof value) &&
		    (s->colour = printer_reading_colorant_colour(value)) != NULL)
			s->colour_source = PRINTER_COLOUR_COLORANT;
	}
	if (s->colour == NULL && (s->colour = printer_colour_from_text(s->description)) != NULL)
		s->colour_source = PRINTER_COLOUR_DESCRIPTION;
}

/* Insert v into the sorted set a (n used, cap slots); the largest falls off when full. */
static void set_insert(uint32_t *a, size_t *n, size_t cap, uint32_t v, bool *dropped)
{
	size_t lo = 0, hi = *n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && a[lo] == v)
		return;
	if (lo == cap) {
		*dropped = true;
		return;
	}
	if (*n == cap) {
		*dropped = true;
		(*n)--;
	}
	memmove(a + lo + 1, a + lo, (*n - lo) * sizeof a[0]);
	a[lo] = v;
	(*n)++;
}

static void read_supplies(const struct snmp_table *t, struct printer_reading *r)
{
	uint32_t idx[PRINTER_MAX_SUPPLIES], d = r->device_index;
	size_t n = 0, toners = 0, only = 0;
	bool dropped = false;

	/* The union of the supply indexes of every column: partial dumps lack some columns. */
	for (uint32_t col = 2; col <= 9; col++) {
		const uint32_t column[2] = { col, d };
		size_t first, count = printer_reading_walk(t, PRT_SUPPLIES, column, 2, &first);

		for (size_t i = first; i < first + count; i++) {
			const struct snmp_varbind *vb = snmp_table_at(t, i);

			if (vb->oid.len == PRT_SUPPLIES.len + 3)
				set_insert(idx, &n, PRINTER_MAX_SUPPLIES,
					   vb->oid.sub[vb->oid.len - 1], &dropped);
		}
	}
	r->supplies_truncated = dropped;
	r->n_supplies = n;
	for (size_t i = 0; i < n; i++) {
		read_supply(t, d, idx[i], &r->supplies[i]);
		if (r->supplies[i].is_toner) {
			toners++;
			only = i;
		}
	}
	/* The only toner/ink of a device is black (a mono printer naming just a part number). */
	if (toners == 1 && r->supplies[only].colour == NULL) {
		r->supplies[only].colour = "black";
		r->supplies[only].colour_source = PRINTER_COLOUR_SINGLE_TONER;
	}
}

/* Rule 7: per colour, the toner/ink supply with the lowest known percent (else the first). */
static void summarise(struct printer_reading *r)
{
	for (int c = 0; c < PRINTER_COLOUR_COUNT; c++) {
		struct printer_colour_summary *sum = &r->colours[c];
		const struct printer_supply *pick = NULL;

		for (size_t i = 0; i < r->n_supplies; i++) {
			const struct printer_supply *s = &r->supplies[i];

			if (!s->is_toner || s->colour == NULL ||
			    strcmp(s->colour, printer_colour_name((enum printer_colour)c)) != 0)
				continue;
			if (pick == NULL ||
			    (s->state == PRINTER_LEVEL_PERCENT &&
			     (pick->state != PRINTER_LEVEL_PERCENT || s->percent < pick->percent)))
				pick = s;
		}
		sum->percent = NAN;
		if (pick == NULL)
			continue;
		sum->present = true;
		sum->percent = pick->percent;
		sum->state = pick->state;
		sum->supply_index = pick->index;
		memcpy(sum->name, pick->description, sizeof sum->name);
	}
}

/* ---- status ---- */

static enum printer_severity worse(enum printer_severity a, enum printer_severity b)
{
	return a > b ? a : b; /* UNKNOWN < OK < WARNING < CRITICAL */
}

static void read_status(const struct snmp_table *t, struct printer_reading *r)
{
	struct printer_status *st = &r->status;
	uint32_t d = r->device_index;
	const unsigned char *p;
	size_t len;
	int64_t v;
	enum printer_severity dev = PRINTER_SEVERITY_UNKNOWN, bits = PRINTER_SEVERITY_UNKNOWN;
	const uint32_t critical =
		1u << PRINTER_ERR_NO_PAPER | 1u << PRINTER_ERR_NO_TONER |
		1u << PRINTER_ERR_DOOR_OPEN | 1u << PRINTER_ERR_JAMMED | 1u << PRINTER_ERR_OFFLINE |
		1u << PRINTER_ERR_MARKER_SUPPLY_MISSING | 1u << PRINTER_ERR_OUTPUT_FULL;

	if (printer_reading_int(t, HR_DEVICE_STATUS, &d, 1, &v) && v >= 1 && v <= 5)
		st->device = (int)v;
	if (printer_reading_int(t, HR_PRINTER_STATUS, &d, 1, &v) && v >= 1 && v <= 5)
		st->printer = (int)v;
	if (snmp_varbind_bytes(printer_reading_get(t, HR_PRINTER_ERRORS, &d, 1), &p, &len) == 0) {
		/* Bit 0 is the most significant bit of the first octet; bits 15.. are undefined. */
		uint32_t word = (len > 0 ? (uint32_t)p[0] << 8 : 0) | (len > 1 ? p[1] : 0);

		st->has_error_state = true;
		st->error_state_len = len;
		for (int b = 0; b < PRINTER_ERR_BIT_COUNT; b++)
			if (word & (0x8000u >> b))
				st->errors |= 1u << b;
		bits = (st->errors & critical) ? PRINTER_SEVERITY_CRITICAL
		       : st->errors != 0       ? PRINTER_SEVERITY_WARNING
					       : PRINTER_SEVERITY_OK;
	}
	switch (st->device) {
	case 2: dev = PRINTER_SEVERITY_OK; break;
	case 3: case 4: dev = PRINTER_SEVERITY_WARNING; break;
	case 5: dev = PRINTER_SEVERITY_CRITICAL; break;
	default: dev = PRINTER_SEVERITY_UNKNOWN; break;
	}
	/* hrDeviceStatus unknown(1) with a clean error state stays unknown. */
	if (st->device == 1 && bits == PRINTER_SEVERITY_OK)
		st->severity = PRINTER_SEVERITY_UNKNOWN;
	else
		st->severity = worse(dev, bits);
}

/* ---- page counter, MAC ---- */

static void read_page_count(const struct snmp_table *t, struct printer_reading *r)
{
	size_t first,
		n = printer_reading_walk(t, PRT_MARKER_LIFE_COUNT, &r->device_index, 1, &first);
	const struct snmp_varbind *vb;
	int64_t v;

	if (n == 0)
		n = printer_reading_walk(t, PRT_MARKER_LIFE_COUNT, NULL, 0, &first);
	for (size_t i = first; i < first + n; i++) {
		vb = snmp_table_at(t, i);
		if (vb->oid.len == PRT_MARKER_LIFE_COUNT.len + 2 && snmp_varbind_int(vb, &v) == 0 &&
		    v >= 0) {
			r->page_count = v;
			if (printer_reading_int(t, PRT_MARKER_UNIT,
						vb->oid.sub + PRT_MARKER_LIFE_COUNT.len, 2, &v) &&
			    v > 0 && v <= 255)
				r->page_count_unit = (int)v;
			return;
		}
	}
}

static bool usable_mac(const struct snmp_varbind *vb)
{
	bool zero = true, ones = true;

	if (vb->type != SNMP_TYPE_OCTET_STRING || vb->len != 6)
		return false;
	for (size_t i = 0; i < 6; i++) {
		zero = zero && vb->bytes[i] == 0x00;
		ones = ones && vb->bytes[i] == 0xFF;
	}
	return !zero && !ones;
}

/* The first Ethernet interface that is up with a real address, else the first real address. */
static void read_mac(const struct snmp_table *t, struct printer_reading *r)
{
	size_t first, n = printer_reading_walk(t, IF_PHYS_ADDRESS, NULL, 0, &first);
	const struct snmp_varbind *pick = NULL;

	for (size_t i = first; i < first + n; i++) {
		const struct snmp_varbind *vb = snmp_table_at(t, i);
		uint32_t ifindex = vb->oid.sub[vb->oid.len - 1];
		int64_t type = 0, oper = 0;

		if (vb->oid.len != IF_PHYS_ADDRESS.len + 1 || !usable_mac(vb))
			continue;
		printer_reading_int(t, IF_TYPE, &ifindex, 1, &type);
		printer_reading_int(t, IF_OPER_STATUS, &ifindex, 1, &oper);
		/* ethernetCsmacd(6), iso88023Csmacd(7), fastEther(62), fastEtherFX(69),
		 * gigabitEthernet(117) */
		if ((type == 6 || type == 7 || type == 62 || type == 69 || type == 117) &&
		    oper == 1) {
			pick = vb;
			break;
		}
		if (pick == NULL)
			pick = vb;
	}
	if (pick != NULL)
		snprintf(r->mac, sizeof r->mac, "%02x:%02x:%02x:%02x:%02x:%02x", pick->bytes[0],
			 pick->bytes[1], pick->bytes[2], pick->bytes[3], pick->bytes[4],
			 pick->bytes[5]);
}

/* ---- the reading ---- */

int printer_read(const struct snmp_table *t, struct printer_reading *r)
{
	const struct snmp_varbind *vb;
	size_t first;

	memset(r, 0, sizeof *r);
	r->page_count = -1;
	for (int c = 0; c < PRINTER_COLOUR_COUNT; c++)
		r->colours[c].percent = NAN;

	printer_reading_text(t, SYS_DESCR, NULL, 0, r->sys_descr, sizeof r->sys_descr);
	printer_reading_text(t, SYS_NAME, NULL, 0, r->sys_name, sizeof r->sys_name);
	vb = printer_reading_get(t, SYS_OBJECT_ID, NULL, 0);
	if (vb != NULL && vb->type == SNMP_TYPE_OID)
		snmp_oid_format(&vb->oid_value, r->sys_object_id, sizeof r->sys_object_id);

	r->device_index = device_index(t);
	r->has_printer_mib = printer_reading_walk(t, PRT_GENERAL, NULL, 0, &first) > 0 ||
			     printer_reading_walk(t, PRT_SUPPLIES, NULL, 0, &first) > 0;
	read_supplies(t, r);
	summarise(r);
	read_status(t, r);
	printer_reading_identity(t, r);
	read_page_count(t, r);
	read_mac(t, r);
	return 0;
}
