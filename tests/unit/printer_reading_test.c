/*
 * printer_reading and printer_json against every printer walk in tests/fixtures/snmprec and against
 * synthetic walks for the edge cases. The expected readings were derived by hand from the
 * fixture lines (grep the OIDs) with RFC 3805 and the rules of docs/PRINTERS.md; a comment
 * above each fixture explains what is not obvious.
 */
#include "unit.h"

#include "arena.h"
#include "err.h"
#include "printer_json.h"
#include "printer_reading.h"
#include "snmp_value.h"
#include "snmprec.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N NAN

/* One expected supply. flags: t = type inferred from the description, c = class inferred,
 * m = max unknown (level read as a percentage), S = colour by the single-toner rule,
 * K = colour from the colorant table; a colour without S or K comes from the description. */
struct xs {
	uint32_t index;
	const char *description;
	const char *type;
	const char *class;
	const char *state;
	double percent;
	double fullness;
	const char *colour;
	bool toner;
	const char *flags;
};

struct xc {
	uint32_t index;             /* 0 = the colour is absent */
	double percent;
	const char *name;
};

struct xp {
	const char *file;
	const struct xs *supplies;
	size_t n;
	struct xc colours[PRINTER_COLOUR_COUNT]; /* black, cyan, magenta, yellow */
	const char *device, *printer, *errors, *severity;
	const char *model, *serial, *firmware, *mac;
	long long page_count;
};

#define SUPPLIES(a) a, sizeof a / sizeof a[0]
#define NOSUPPLIES NULL, 0
#define NOCOLOURS { { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } }

/* ---- the expected readings ---- */

/* No Type/Class columns: "Cartridge" makes a tonerCartridge, consumed; colours from words. */
static const struct xs cf410[] = {
	{ 1, "Black Cartridge HP CF410A", "tonerCartridge", "consumed", "percent", 54, N, "black", true, "tc" },
	{ 2, "Cyan Cartridge HP CF411A", "tonerCartridge", "consumed", "percent", 44, N, "cyan", true, "tc" },
	{ 3, "Magenta Cartridge HP CF413A This description is longer than 32", "tonerCartridge", "consumed", "percent", 76, N, "magenta", true, "tc" },
	{ 4, "Yellow Cartridge HP CF412A", "tonerCartridge", "consumed", "percent", 71, N, "yellow", true, "tc" },
};

/* Supply indexes 1 and 5 (a gap); the drum is opc, never toner. */
static const struct xs m130nw[] = {
	{ 1, "Black Cartridge HP CF217A", "toner", "consumed", "percent", 28, N, "black", true, "c" },
	{ 5, "Imaging Drum HP CF219A", "opc", "consumed", "percent", 71, N, NULL, false, "c" },
};

/* ColorantIndex 1-4 is set but the colorant table was not captured: colour from the words. */
static const struct xs m252dw[] = {
	{ 1, "Black Cartridge HP CF400X", "toner", "consumed", "percent", 63, N, "black", true, "" },
	{ 2, "Cyan Cartridge HP CF401X", "toner", "consumed", "percent", 63, N, "cyan", true, "" },
	{ 3, "Magenta Cartridge HP CF403X", "toner", "consumed", "percent", 88, N, "magenta", true, "" },
	{ 4, "Yellow Cartridge HP CF402X", "toner", "consumed", "percent", 36, N, "yellow", true, "" },
};

/* Descriptions are "text\nhex hex ..." (HP quirk): decoded and joined without a separator.
 * Coloured drums are opc, not toner. Staplers: max -2, level -3 = some remaining. */
static const struct xs m880[] = {
	{ 1, "Black Cartridge 827A HP CF300A", "tonerCartridge", "consumed", "percent", 92, N, "black", true, "" },
	{ 2, "Cyan Cartridge 827A HP CF301A", "tonerCartridge", "consumed", "percent", 16, N, "cyan", true, "" },
	{ 3, "Magenta Cartridge 827A HP CF303A", "tonerCartridge", "consumed", "percent", 100, N, "magenta", true, "" },
	{ 4, "Yellow Cartridge 827A HP CF302A", "tonerCartridge", "consumed", "percent", 70, N, "yellow", true, "" },
	{ 5, "Black Drum 828A HP CF358A", "opc", "consumed", "percent", 53, N, "black", false, "" },
	{ 6, "Cyan Drum 828A HP CF359A", "opc", "consumed", "percent", 58, N, "cyan", false, "" },
	{ 7, "Magenta Drum 828A HP CF365A", "opc", "consumed", "percent", 58, N, "magenta", false, "" },
	{ 8, "Yellow Drum 828A HP CF364A", "opc", "consumed", "percent", 58, N, "yellow", false, "" },
	{ 9, "Transfer Kit HP D7H14A", "transferUnit", "consumed", "percent", 89, N, NULL, false, "" },
	{ 10, "Fuser Kit HP 110V-C1N54A, 220V-C1N58A", "fuser", "consumed", "percent", 84, N, NULL, false, "" },
	{ 11, "Document Feeder Kit HP C1P70A", "other", "consumed", "percent", 99, N, NULL, false, "" },
	{ 12, "Clean Rollers HP None", "other", "other", "percent", 97, N, NULL, false, "" },
	{ 13, "Stapler 1 HP C8091A", "staples", "consumed", "some_remaining", N, N, NULL, false, "" },
	{ 14, "Stapler 2 HP CC383A", "staples", "consumed", "some_remaining", N, N, NULL, false, "" },
	{ 15, "Stapler 3 HP CC383A", "staples", "consumed", "some_remaining", N, N, NULL, false, "" },
};

/* Toner max -2 / level -3: some remaining, no number; the black summary has no percent. */
static const struct xs l2710dw[] = {
	{ 1, "Black Toner Cartridge", "toner", "consumed", "some_remaining", N, N, "black", true, "c" },
	{ 2, "Drum Unit", "opc", "consumed", "percent", 95.8, N, NULL, false, "c" }, /* 11501/12000 */
};

/*
 * Two "Black Toner Cartridge" rows, both max -2: level 0 and level -3. Level 0 is a measured
 * value ("nothing left") and, with the capacity unknown, rule 4 reads it as 0 % (flag m);
 * -3 is "some remaining". The black summary takes the lowest known percent: 0. (LibreNMS
 * remaps Brother's 0 to 100 %; that is a vendor heuristic, not RFC 3805.)
 */
static const struct xs hl5370dw[] = {
	{ 1, "Black Toner Cartridge", "toner", "consumed", "percent", 0, N, "black", true, "cm" },
	{ 2, "Black Toner Cartridge", "toner", "consumed", "some_remaining", N, N, "black", true, "c" },
	{ 3, "Drum Unit", "opc", "consumed", "percent", 68.8, N, NULL, false, "c" }, /* 17208/25000 */
};

/* One supply, no Type column, no colour word: "Cartridge" -> tonerCartridge, the only toner
 * -> black. */
static const struct xs lbp6670[] = {
	{ 1, "Canon Cartridge 719/719H", "tonerCartridge", "consumed", "percent", 70, N, "black", true, "tcS" },
};

/* Matte Black 80 % and Black 100 %: black = the lower, 80. Waste ink 6030 of 6700 free:
 * 90 % free space, 10 % full. */
static const struct xs tm5300[] = {
	{ 1, "CANON Matte Black Ink Tank", "inkCartridge", "consumed", "percent", 80, N, "black", true, "c" },
	{ 2, "CANON Black Ink Tank", "inkCartridge", "consumed", "percent", 100, N, "black", true, "c" },
	{ 3, "CANON Yellow Ink Tank", "inkCartridge", "consumed", "percent", 60, N, "yellow", true, "c" },
	{ 4, "CANON Magenta Ink Tank", "inkCartridge", "consumed", "percent", 80, N, "magenta", true, "c" },
	{ 5, "CANON Cyan Ink Tank", "inkCartridge", "consumed", "percent", 70, N, "cyan", true, "c" },
	{ 6, "CANON Waste Ink Tank", "wasteInk", "receptacle", "percent", 90, 10, NULL, false, "c" },
};

/* Real units (pages): 22050 of 45000 = 49 %. */
static const struct xs s5830dn[] = {
	{ 1, "Black Toner", "toner", "consumed", "percent", 49, N, "black", true, "c" },
	{ 2, "Imaging Unit", "opc", "consumed", "percent", 72, N, NULL, false, "c" },
	{ 3, "Maintenance Kit", "other", "consumed", "percent", 83, N, NULL, false, "c" },
	{ 4, "Roller Kit", "other", "consumed", "percent", 89, N, NULL, false, "c" },
};

/* hrDeviceStatus warning(3); hrPrinterDetectedErrorState is an empty string (no bits). */
static const struct xs epson[] = {
	{ 1, "Black Ink Supply Unit T9441/T9451/T9461", "ink", "consumed", "percent", 1, N, "black", true, "c" },
	{ 2, "Cyan Ink Supply Unit T9442/T9452", "ink", "consumed", "percent", 1, N, "cyan", true, "c" },
	{ 3, "Magenta Ink Supply Unit T9443/T9453", "ink", "consumed", "percent", 1, N, "magenta", true, "c" },
	{ 4, "Yellow Ink Supply Unit T9444/T9454", "ink", "consumed", "percent", 1, N, "yellow", true, "c" },
};

/* Two black bottles (30, 31): black = the lower, 90 % (20700/23000). Waste -2/-3: some free
 * space left, no fullness number. No hrDevice rows at all: status unknown. */
static const struct xs apeos[] = {
	{ 2, "Yellow Toner", "toner", "consumed", "percent", 100, N, "yellow", true, "c" },
	{ 3, "Magenta Toner", "toner", "consumed", "percent", 100, N, "magenta", true, "c" },
	{ 4, "Cyan Toner", "toner", "consumed", "percent", 100, N, "cyan", true, "c" },
	{ 5, "Waste Toner Container", "wasteToner", "receptacle", "some_remaining", N, N, NULL, false, "c" },
	{ 6, "Black Drum Cartridge", "opc", "consumed", "percent", 99, N, "black", false, "c" },
	{ 7, "Yellow Drum Cartridge", "opc", "consumed", "percent", 100, N, "yellow", false, "c" },
	{ 8, "Magenta Drum Cartridge", "opc", "consumed", "percent", 100, N, "magenta", false, "c" },
	{ 9, "Cyan Drum Cartridge", "opc", "consumed", "percent", 100, N, "cyan", false, "c" },
	{ 30, "Black Toner 1", "toner", "consumed", "percent", 100, N, "black", true, "c" },
	{ 31, "Black Toner 2", "toner", "consumed", "percent", 90, N, "black", true, "c" },
};

/* The colorant table exists (cyan, magenta, yellow, black) but the supplies carry no
 * ColorantIndex, and no Type/Class either: types and colours come from the words. */
static const struct xs c3110[] = {
	{ 1, "Toner (Cyan)", "toner", "consumed", "percent", 29, N, "cyan", true, "tc" },
	{ 2, "Toner (Magenta)", "toner", "consumed", "percent", 31, N, "magenta", true, "tc" },
	{ 3, "Toner (Yellow)", "toner", "consumed", "percent", 58, N, "yellow", true, "tc" },
	{ 4, "Toner (Black)", "toner", "consumed", "percent", 83, N, "black", true, "tc" },
	{ 5, "Drum Cartridge (Cyan)", "opc", "consumed", "percent", 59, N, "cyan", false, "tc" },
	{ 6, "Developer Cartridge (Cyan)", "developer", "consumed", "percent", 79, N, "cyan", false, "tc" },
	{ 7, "Drum Cartridge (Magenta)", "opc", "consumed", "percent", 97, N, "magenta", false, "tc" },
	{ 8, "Developer Cartridge (Magenta)", "developer", "consumed", "percent", 78, N, "magenta", false, "tc" },
	{ 9, "Drum Cartridge (Yellow)", "opc", "consumed", "percent", 59, N, "yellow", false, "tc" },
	{ 10, "Developer Cartridge (Yellow)", "developer", "consumed", "percent", 78, N, "yellow", false, "tc" },
	{ 11, "Drum Cartridge (Black)", "opc", "consumed", "percent", 20, N, "black", false, "tc" },
	{ 12, "Developer Cartridge (Black)", "developer", "consumed", "percent", 71, N, "black", false, "tc" },
	{ 13, "Waste Toner Box", "wasteToner", "receptacle", "some_remaining", N, N, NULL, false, "tc" },
	{ 14, "Fusing Unit", "fuser", "consumed", "percent", 68, N, NULL, false, "tc" },
	{ 15, "Image Transfer Belt Unit", "transferUnit", "consumed", "percent", 41, N, NULL, false, "tc" },
	{ 16, "Transfer Roller Unit", "transferUnit", "consumed", "percent", 45, N, NULL, false, "tc" },
	{ 17, "Ozone Filter", "unknown", "consumed", "percent", 45, N, NULL, false, "tc" },
};

static const struct xs bizhub25e[] = {
	{ 1, "Black Toner", "toner", "consumed", "percent", 8, N, "black", true, "c" },
	{ 2, "Drum", "opc", "consumed", "percent", 99, N, NULL, false, "c" },
	{ 3, "Fuser", "fuser", "consumed", "percent", 58, N, NULL, false, "c" },
	{ 4, "Transfer Roller", "transferUnit", "consumed", "percent", 58, N, NULL, false, "c" },
};

/* hrPrinterDetectedErrorState 0x0100: bit 7 = serviceRequested (warning). */
static const struct xs c250i[] = {
	{ 1, "Toner (Cyan)", "toner", "consumed", "percent", 76, N, "cyan", true, "c" },
	{ 2, "Toner (Magenta)", "toner", "consumed", "percent", 78, N, "magenta", true, "c" },
	{ 3, "Toner (Yellow)", "toner", "consumed", "percent", 77, N, "yellow", true, "c" },
	{ 4, "Toner (Black)", "toner", "consumed", "percent", 86, N, "black", true, "c" },
	{ 13, "Waste Toner Box", "wasteToner", "receptacle", "some_remaining", N, N, NULL, false, "c" },
};

/* "PK-3010S" names no colour; it is the only toner -> black. 5340/6000 = 89 %. */
static const struct xs p4532dn[] = {
	{ 1, "PK-3010S", "toner", "consumed", "percent", 89, N, "black", true, "cS" },
	{ 2, "Waste Toner Box", "wasteToner", "receptacle", "some_remaining", N, N, NULL, false, "c" },
};

/* Drums in pages of 30000 (28407 -> 94.7 %); the vendor suffix "OKI DATA CORP" is kept. */
static const struct xs mc873[] = {
	{ 1, "Black Toner Cartridge OKI DATA CORP", "toner", "consumed", "percent", 59, N, "black", true, "c" },
	{ 2, "Cyan Toner Cartridge OKI DATA CORP", "toner", "consumed", "percent", 69, N, "cyan", true, "c" },
	{ 3, "Magenta Toner Cartridge OKI DATA CORP", "toner", "consumed", "percent", 69, N, "magenta", true, "c" },
	{ 4, "Yellow Toner Cartridge OKI DATA CORP", "toner", "consumed", "percent", 69, N, "yellow", true, "c" },
	{ 5, "Black Image Drum Unit OKI DATA CORP", "opc", "consumed", "percent", 94.7, N, "black", false, "c" },
	{ 6, "Cyan Image Drum Unit OKI DATA CORP", "opc", "consumed", "percent", 95.9, N, "cyan", false, "c" },
	{ 7, "Magenta Image Drum Unit OKI DATA CORP", "opc", "consumed", "percent", 95.9, N, "magenta", false, "c" },
	{ 8, "Yellow Image Drum Unit OKI DATA CORP", "opc", "consumed", "percent", 95.9, N, "yellow", false, "c" },
	{ 9, "Belt Unit OKI DATA CORP", "transferUnit", "consumed", "percent", 98, N, NULL, false, "c" },
	{ 10, "Fuser Unit OKI DATA CORP", "fuser", "consumed", "percent", 98.8, N, NULL, false, "c" },
};

/* Waste toner 100 of 100 is 100 % free space: an empty box, 0 % full. */
static const struct xs mpc3002[] = {
	{ 1, "Black Toner", "toner", "consumed", "percent", 40, N, "black", true, "c" },
	{ 2, "Waste Toner", "wasteToner", "receptacle", "percent", 100, 0, NULL, false, "c" },
	{ 3, "Cyan Toner", "toner", "consumed", "percent", 20, N, "cyan", true, "c" },
	{ 4, "Magenta Toner", "toner", "consumed", "percent", 50, N, "magenta", true, "c" },
	{ 5, "Yellow Toner", "toner", "consumed", "percent", 50, N, "yellow", true, "c" },
};

/* " S/N:CRUM-" / " S/N:" noise cut. MP Roller 99959/100000 = 99.96: not full, so 99.9. */
static const struct xs m4080fx[] = {
	{ 1, "Black Toner Cartridge", "toner", "consumed", "percent", 88, N, "black", true, "c" },
	{ 2, "Fuser", "fuser", "consumed", "percent", 74.5, N, NULL, false, "c" },
	{ 3, "Transfer Roller", "other", "consumed", "percent", 84.7, N, NULL, false, "c" },
	{ 4, "ADF Roller", "other", "consumed", "percent", 95.6, N, NULL, false, "c" },
	{ 5, "MP Roller", "other", "consumed", "percent", 99.9, N, NULL, false, "c" },
	{ 6, "Tray 1 Roller", "other", "consumed", "percent", 90.5, N, NULL, false, "c" },
	{ 7, "Tray 1 Retard Roller Life", "other", "consumed", "percent", 90.5, N, NULL, false, "c" },
};

/* Waste toner max -2 / level 100: rule 4, 100 % free (m). Fusing unit -2/-2: unknown.
 * Error state 0x2000: bit 2 = lowToner. */
static const struct xs mx3570n[] = {
	{ 1, "Cyan Toner", "toner", "consumed", "percent", 55, N, "cyan", true, "c" },
	{ 2, "Magenta Toner", "toner", "consumed", "percent", 19, N, "magenta", true, "c" },
	{ 3, "Yellow Toner", "toner", "consumed", "percent", 40, N, "yellow", true, "c" },
	{ 4, "Black Toner", "toner", "consumed", "percent", 34, N, "black", true, "c" },
	{ 5, "Waste Toner", "wasteToner", "receptacle", "percent", 100, 0, NULL, false, "cm" },
	{ 6, "Cyan Photoconductive Drum", "opc", "consumed", "percent", 81, N, "cyan", false, "c" },
	{ 7, "Magenta Photoconductive Drum", "opc", "consumed", "percent", 81, N, "magenta", false, "c" },
	{ 8, "Yellow Photoconductive Drum", "opc", "consumed", "percent", 81, N, "yellow", false, "c" },
	{ 9, "Black Photoconductive Drum", "opc", "consumed", "percent", 95, N, "black", false, "c" },
	{ 10, "Cyan Developer", "developer", "consumed", "percent", 91, N, "cyan", false, "c" },
	{ 11, "Magenta Developer", "developer", "consumed", "percent", 91, N, "magenta", false, "c" },
	{ 12, "Yellow Developer", "developer", "consumed", "percent", 91, N, "yellow", false, "c" },
	{ 13, "Black Developer", "developer", "consumed", "percent", 74, N, "black", false, "c" },
	{ 14, "Fusing Unit", "fuser", "consumed", "unknown", N, N, NULL, false, "c" },
};

/* Drum and developer max -2 with level 9: rule 4, 9 % (m); never toner although black. */
static const struct xs mxm266nv[] = {
	{ 1, "Black Toner", "toner", "consumed", "percent", 75, N, "black", true, "c" },
	{ 2, "Waste Toner", "wasteToner", "receptacle", "percent", 100, 0, NULL, false, "cm" },
	{ 3, "Black Photoconductive Drum", "opc", "consumed", "percent", 9, N, "black", false, "cm" },
	{ 4, "Black Developer", "developer", "consumed", "percent", 9, N, "black", false, "cm" },
	{ 5, "Fusing Unit", "fuser", "consumed", "unknown", N, N, NULL, false, "c" },
};

/* ", PN ...;SN..." cut. Toners in real units: 1060/5300 = 20 %, 1830/3050 = 60 %. Waste
 * container 5 of 100 free: 95 % full. No Type/Class columns, no hrDevice, no ifTable. */
static const struct xs c8045[] = {
	{ 1, "Black Toner", "toner", "consumed", "percent", 20, N, "black", true, "tc" },
	{ 2, "Cyan Toner", "toner", "consumed", "percent", 66, N, "cyan", true, "tc" },
	{ 3, "Magenta Toner", "toner", "consumed", "percent", 72, N, "magenta", true, "tc" },
	{ 4, "Yellow Toner", "toner", "consumed", "percent", 60, N, "yellow", true, "tc" },
	{ 5, "Drum Cartridge (R1)", "opc", "consumed", "percent", 50, N, NULL, false, "tc" },
	{ 6, "Drum Cartridge (R2)", "opc", "consumed", "percent", 92, N, NULL, false, "tc" },
	{ 7, "Drum Cartridge (R3)", "opc", "consumed", "percent", 93, N, NULL, false, "tc" },
	{ 8, "Drum Cartridge (R4)", "opc", "consumed", "percent", 93, N, NULL, false, "tc" },
	{ 9, "Fuser", "fuser", "consumed", "percent", 90, N, NULL, false, "tc" },
	{ 10, "Waste Toner Container", "wasteToner", "receptacle", "percent", 5, 95, NULL, false, "tc" },
	{ 11, "Transfer Belt Cleaner", "cleanerUnit", "consumed", "percent", 65, N, NULL, false, "tc" },
	{ 12, "Second Bias Transfer Roll", "transferUnit", "consumed", "percent", 86, N, NULL, false, "tc" },
};

static const struct xp printers[] = {
	{ "hp_jetdirect-color-laserjet-cf410.snmprec", SUPPLIES(cf410),
	  { { 1, 54, "Black Cartridge HP CF410A" }, { 2, 44, "Cyan Cartridge HP CF411A" },
	    { 3, 76, "Magenta Cartridge HP CF413A This description is longer than 32" },
	    { 4, 71, "Yellow Cartridge HP CF412A" } },
	  "running", NULL, "", "ok", "HP Color LaserJet M452nw", "AAA0A00000", NULL,
	  "94:57:a5:34:df:33", -1 },
	{ "hp_laserjet-mfp-m130nw.snmprec", SUPPLIES(m130nw),
	  { { 1, 28, "Black Cartridge HP CF217A" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "HP LaserJet MFP M130nw", "VNCRC48198", NULL,
	  "14:cb:19:95:2e:a0", 15232 },
	{ "hp_color-laserjet-pro-m252dw.snmprec", SUPPLIES(m252dw),
	  { { 1, 63, "Black Cartridge HP CF400X" }, { 2, 63, "Cyan Cartridge HP CF401X" },
	    { 3, 88, "Magenta Cartridge HP CF403X" }, { 4, 36, "Yellow Cartridge HP CF402X" } },
	  "running", NULL, "", "ok", "HP Color LaserJet Pro M252dw", "VNB3J99999", NULL,
	  "3c:a8:2a:f6:38:ac", -1 },
	{ "hp_color-laserjet-flow-mfp-m880.snmprec", SUPPLIES(m880),
	  { { 1, 92, "Black Cartridge 827A HP CF300A" }, { 2, 16, "Cyan Cartridge 827A HP CF301A" },
	    { 3, 100, "Magenta Cartridge 827A HP CF303A" },
	    { 4, 70, "Yellow Cartridge 827A HP CF302A" } },
	  "running", NULL, "", "ok", "HP Color LaserJet flow MFP M880", NULL, NULL,
	  "10:e7:c6:62:70:8e", -1 },
	/* Model from hrDeviceDescr (the 1284 id says MDL:MFC-8440); firmware "Ver.Q". */
	{ "brother_nc-8300h-mfc-l2710dw.snmprec", SUPPLIES(l2710dw),
	  { { 1, N, "Black Toner Cartridge" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "Brother MFC-L2710DW series", "000A5J431816", "Q",
	  "3c:2a:f4:bf:f5:1b", -1 },
	{ "brother_hl-5370dw.snmprec", SUPPLIES(hl5370dw),
	  { { 1, 0, "Black Toner Cartridge" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "Brother HL-5370DW series", "B9J154306", "1.01",
	  "00:1b:a9:0b:a7:52", 7792 },
	{ "canon_lbp6670.snmprec", SUPPLIES(lbp6670),
	  { { 1, 70, "Canon Cartridge 719/719H" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "LBP6670", "MKRA012345", "R7.21", "88:87:17:00:00:00", -1 },
	{ "canon_imageprograf-tm-5300.snmprec", SUPPLIES(tm5300),
	  { { 1, 80, "CANON Matte Black Ink Tank" }, { 5, 70, "CANON Cyan Ink Tank" },
	    { 4, 80, "CANON Magenta Ink Tank" }, { 3, 60, "CANON Yellow Ink Tank" } },
	  "running", NULL, "", "ok", "TM-5300", NULL, "01.21", "74:bf:c0:da:4a:3d", 21588 },
	{ "dell_s5830dn-lexmark-oem.snmprec", SUPPLIES(s5830dn),
	  { { 1, 49, "Black Toner" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "Dell S5830dn", "7XQ1R92-132-13", "NH62.YS.N636",
	  "00:21:b7:43:f5:81", -1 },
	{ "epson_builtin-inkjet.snmprec", SUPPLIES(epson),
	  { { 1, 1, "Black Ink Supply Unit T9441/T9451/T9461" },
	    { 2, 1, "Cyan Ink Supply Unit T9442/T9452" },
	    { 3, 1, "Magenta Ink Supply Unit T9443/T9453" },
	    { 4, 1, "Yellow Ink Supply Unit T9444/T9454" } },
	  "warning", NULL, "", "warning", "EPSON WF-C5790BA", "X3B8022793", NULL,
	  "9c:ae:d3:aa:d6:c5", -1 },
	{ "fujifilm_apeos-c7580.snmprec", SUPPLIES(apeos),
	  { { 31, 90, "Black Toner 2" }, { 4, 100, "Cyan Toner" }, { 3, 100, "Magenta Toner" },
	    { 2, 100, "Yellow Toner" } },
	  NULL, NULL, "", "unknown", "FUJIFILM Apeos C7580", "TC101642170085", NULL,
	  "1c:7d:22:65:c8:50", -1 },
	/* Model: the Konica model OID says "Develop ineo+ 280" (a Develop-branded twin) while
	 * sysDescr says bizhub C3110; §1.8 puts the vendor OID first. hrDeviceStatus warning. */
	{ "konica-minolta_bizhub-c3110.snmprec", SUPPLIES(c3110),
	  { { 4, 83, "Toner (Black)" }, { 1, 29, "Toner (Cyan)" }, { 2, 31, "Toner (Magenta)" },
	    { 3, 58, "Toner (Yellow)" } },
	  "warning", NULL, "", "warning", "Develop ineo+ 280", NULL, "1.80", "00:20:6b:67:ef:7c",
	  -1 },
	{ "konica-minolta_bizhub-25e.snmprec", SUPPLIES(bizhub25e),
	  { { 1, 8, "Black Toner" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "Konica Minolta bizhub 25e", NULL, NULL, "00:50:81:41:8b:3e",
	  -1 },
	{ "konica-minolta_bizhub-c250i.snmprec", SUPPLIES(c250i),
	  { { 4, 86, "Toner (Black)" }, { 1, 76, "Toner (Cyan)" }, { 2, 78, "Toner (Magenta)" },
	    { 3, 77, "Toner (Yellow)" } },
	  "warning", NULL, "serviceRequested", "warning", "KONICA MINOLTA bizhub C250i",
	  "AA2M021115700", "1.102", "00:20:6b:4a:f3:25", 33810 },
	{ "utax-kyocera_p-4532dn.snmprec", SUPPLIES(p4532dn),
	  { { 1, 89, "PK-3010S" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "P-4532DN", "R9L0309954", "2TP_S000.003.402",
	  "00:17:c8:94:5f:14", 427 },
	/* Model and firmware from sysDescr "... Attached to MC873 Rev.07.87 : ...". */
	{ "oki_mc873-okilan-9450g.snmprec", SUPPLIES(mc873),
	  { { 1, 59, "Black Toner Cartridge OKI DATA CORP" },
	    { 2, 69, "Cyan Toner Cartridge OKI DATA CORP" },
	    { 3, 69, "Magenta Toner Cartridge OKI DATA CORP" },
	    { 4, 69, "Yellow Toner Cartridge OKI DATA CORP" } },
	  "running", NULL, "", "ok", "MC873", NULL, "07.87", "00:25:36:d1:a6:5e", -1 },
	{ "ricoh_aficio-mp-c3002.snmprec", SUPPLIES(mpc3002),
	  { { 1, 40, "Black Toner" }, { 3, 20, "Cyan Toner" }, { 4, 50, "Magenta Toner" },
	    { 5, 50, "Yellow Toner" } },
	  "warning", NULL, "", "warning", "Aficio MP C3002", "W492KB03439", "2.20",
	  "00:26:73:54:e2:6a", 271871 },
	/* sysDescr "Samsung M4080FX; V11.01.03.04_02-27-2017;...;S/N " (serial empty).
	 * Error state 0x8000 = lowPaper. No hrDeviceType column: the supplies' device 1. */
	{ "samsung_m4080fx.snmprec", SUPPLIES(m4080fx),
	  { { 1, 88, "Black Toner Cartridge" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "warning", NULL, "lowPaper", "warning", "Samsung M4080FX", NULL,
	  "11.01.03.04_02-27-2017", "84:25:19:1d:eb:52", 22934 },
	/* The Sharp model OID is present but empty: hrDeviceDescr gives the model. */
	{ "sharp_mx-3570n.snmprec", SUPPLIES(mx3570n),
	  { { 4, 34, "Black Toner" }, { 1, 55, "Cyan Toner" }, { 2, 19, "Magenta Toner" },
	    { 3, 40, "Yellow Toner" } },
	  "warning", NULL, "lowToner", "warning", "SHARP MX-3570N", "6509415X00", "1.04",
	  "24:31:84:c8:46:6a", 121104 },
	{ "sharp_mx-m266nv.snmprec", SUPPLIES(mxm266nv),
	  { { 1, 75, "Black Toner" }, { 0, N, NULL }, { 0, N, NULL }, { 0, N, NULL } },
	  "running", NULL, "", "ok", "SHARP MX-M266NV", "0505571100", "1.04", "ac:a8:8e:25:69:6c",
	  90474 },
	{ "xerox_altalink-c8045.snmprec", SUPPLIES(c8045),
	  { { 1, 20, "Black Toner" }, { 2, 66, "Cyan Toner" }, { 3, 72, "Magenta Toner" },
	    { 4, 60, "Yellow Toner" } },
	  NULL, NULL, "", "unknown", "Xerox AltaLink C8045", NULL, NULL, NULL, -1 },
};

/* Walks without Printer-MIB supplies: identity (and the "no Printer-MIB" flag) only. */
static const struct xp detect_only[] = {
	{ "canon_ir-adv-c5235-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "",
	  "unknown", "Canon iR-ADV C5235", NULL, NULL, NULL, -1 },
	{ "kyocera_fs-1028mfp-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "",
	  "unknown", "FS-1028MFP", "QUV9600664", "2H9_2F00.002.002", NULL, -1 },
	{ "lexmark_t640-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "", "unknown",
	  "Lexmark T640", NULL, "NS.NP.N219", NULL, -1 },
	/* No sysObjectID line: the vendor comes from sysDescr. */
	{ "samsung_clx-3170-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "",
	  "unknown", "Samsung CLX-3170 Series", "AAAAAAA000AAAA000", "1.00.01.64 Sep-27-2010",
	  NULL, -1 },
	{ "toshiba-tec_b-ev4-label-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "",
	  "unknown", "TOSHIBA TEC B-EV4", NULL, NULL, NULL, -1 },
	{ "tsc_ttp-244ce-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "", "unknown",
	  "TTP244CE", NULL, "7.02 EZD", NULL, -1 },
	{ "xerox_workcentre-6605dn-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "",
	  "unknown", "Xerox WorkCentre 6605DN", NULL, NULL, NULL, -1 },
	{ "zebra_wired-detect-only.snmprec", NOSUPPLIES, NOCOLOURS, NULL, NULL, "", "unknown",
	  NULL, NULL, NULL, NULL, -1 },
	/* ZebraNet print server: ESI-MIB identity, hrPrinterStatus idle(3), error state 0000,
	 * ifPhysAddress.2 is all zeros (skipped), .3 is the up Ethernet port. */
	{ "zebra_zebranet-printserver.snmprec", NOSUPPLIES, NOCOLOURS, "running", "idle", "", "ok",
	  "79071", "7062184", "V61.17.17Z", "00:07:4d:6b:c2:a8", -1 },
	/* A Linux host with two print queues: hrDevicePrinter rows but no Printer-MIB. */
	{ "linux_full-walk-snmpsim.snmprec", NOSUPPLIES, NOCOLOURS, "unknown", "unknown", "",
	  "unknown", "lj", NULL, NULL, "00:12:79:62:f9:40", -1 },
};

/* ---- checking ---- */

static struct printer_reading R;

static bool same_num(double a, double b)
{
	return (isnan(a) && isnan(b)) || fabs(a - b) < 1e-9;
}

static bool same_str(const char *got, const char *want)
{
	if (want == NULL || want[0] == '\0')
		return got == NULL || got[0] == '\0';
	return got != NULL && strcmp(got, want) == 0;
}

/* Mismatches are reported one per line and counted, so one run shows every difference. */
static int mismatches;

#define MISMATCH(...)                                                                        \
	do {                                                                                 \
		fprintf(stderr, "# " __VA_ARGS__);                                           \
		fputc('\n', stderr);                                                        \
		mismatches++;                                                                \
	} while (0)

#define CHECK_STR(what, got, want)                                                           \
	do {                                                                                 \
		if (!same_str((got), (want)))                                                \
			MISMATCH("%s: %s is [%s], expected [%s]", x->file, (what),           \
				 (got) ? (got) : "(null)", (want) ? (want) : "(null)");      \
	} while (0)

#define CHECK_NUM(what, got, want)                                                           \
	do {                                                                                 \
		if (!same_num((got), (want)))                                                \
			MISMATCH("%s: %s is %g, expected %g", x->file, (what), (double)(got),  \
				 (double)(want));                                            \
	} while (0)

static void errors_text(const struct printer_status *st, char *buf, size_t size)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (int b = 0; b < PRINTER_ERR_BIT_COUNT; b++)
		if (st->errors & (1u << b))
			pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", pos ? "," : "",
						printer_error_name((enum printer_error_bit)b));
}

static void load(const char *file, struct arena *a, struct snmp_table *t)
{
	struct err e;

	snmp_table_init(t, a);
	if (snmprec_load(file, t, NULL, &e) != 0)
		fail_msg("%s", e.msg);
}

static void check_printer(const struct xp *x)
{
	struct arena *a = arena_new(1 << 20, 0);
	struct snmp_table t;
	char buf[256];
	const char *errors;

	load(x->file, a, &t);
	assert_int_equal(printer_read(&t, &R), 0);
	if (R.has_printer_mib != (x->n > 0))
		MISMATCH("%s: has_printer_mib %d", x->file, R.has_printer_mib);
	if (R.n_supplies != x->n)
		MISMATCH("%s: %zu supplies, expected %zu", x->file, R.n_supplies, x->n);
	assert_false(R.supplies_truncated);
	for (size_t i = 0; i < x->n && i < R.n_supplies; i++) {
		const struct printer_supply *s = &R.supplies[i];
		const struct xs *w = &x->supplies[i];
		char what[64];
		const char *flags = w->flags;
		enum printer_colour_source src = w->colour == NULL ? PRINTER_COLOUR_NONE
						 : strchr(flags, 'S') != NULL ? PRINTER_COLOUR_SINGLE_TONER
						 : strchr(flags, 'K') != NULL ? PRINTER_COLOUR_COLORANT
									      : PRINTER_COLOUR_DESCRIPTION;

#define FIELD(f) (snprintf(what, sizeof what, "supply %u %s", w->index, (f)), what)
		if (s->index != w->index)
			MISMATCH("%s: supply #%zu has index %u, expected %u", x->file, i, s->index,
				 w->index);
		CHECK_STR(FIELD("description"), s->description, w->description);
		CHECK_STR(FIELD("type"), printer_supply_type_name(s->type), w->type);
		CHECK_STR(FIELD("class"), printer_class_name(s->class), w->class);
		CHECK_STR(FIELD("state"), printer_level_state_name(s->state), w->state);
		CHECK_NUM(FIELD("percent"), s->percent, w->percent);
		CHECK_NUM(FIELD("fullness"), s->fullness, w->fullness);
		CHECK_STR(FIELD("colour"), s->colour, w->colour);
		if (s->is_toner != w->toner || s->type_inferred != (strchr(flags, 't') != NULL) ||
		    s->class_inferred != (strchr(flags, 'c') != NULL) ||
		    s->max_unknown != (strchr(flags, 'm') != NULL) || s->colour_source != src ||
		    s->is_receptacle != (strcmp(w->class, "receptacle") == 0))
			MISMATCH("%s: supply %u flags: toner %d type_inferred %d class_inferred %d "
				 "max_unknown %d colour_source %d receptacle %d (expected \"%s\")",
				 x->file, w->index, s->is_toner, s->type_inferred, s->class_inferred,
				 s->max_unknown, (int)s->colour_source, s->is_receptacle, flags);
#undef FIELD
	}
	for (int c = 0; c < PRINTER_COLOUR_COUNT; c++) {
		const struct printer_colour_summary *sum = &R.colours[c];
		const struct xc *w = &x->colours[c];
		const char *name = printer_colour_name((enum printer_colour)c);

		if (sum->present != (w->index != 0))
			MISMATCH("%s: colour %s present %d", x->file, name, sum->present);
		if (!sum->present)
			continue;
		if (sum->supply_index != w->index)
			MISMATCH("%s: colour %s from supply %u, expected %u", x->file, name,
				 sum->supply_index, w->index);
		CHECK_NUM(name, sum->percent, w->percent);
		CHECK_STR(name, sum->name, w->name);
	}
	CHECK_STR("hrDeviceStatus", printer_device_status_name(R.status.device), x->device);
	CHECK_STR("hrPrinterStatus", printer_printer_status_name(R.status.printer), x->printer);
	errors_text(&R.status, buf, sizeof buf);
	errors = buf;
	CHECK_STR("errors", errors, x->errors);
	CHECK_STR("severity", printer_severity_name(R.status.severity), x->severity);
	CHECK_STR("model", R.model, x->model);
	CHECK_STR("serial", R.serial, x->serial);
	CHECK_STR("firmware", R.firmware, x->firmware);
	CHECK_STR("mac", R.mac, x->mac);
	if (R.page_count != x->page_count)
		MISMATCH("%s: page_count %lld, expected %lld", x->file, (long long)R.page_count,
			 x->page_count);
	arena_free(a);
}

static void fixtures_with_supplies(void **state)
{
	(void)state;
	assert_int_equal(sizeof printers / sizeof printers[0], 21);
	mismatches = 0;
	for (size_t i = 0; i < sizeof printers / sizeof printers[0]; i++)
		check_printer(&printers[i]);
	if (mismatches != 0)
		fail_msg("%d differences from the expected readings (listed above)", mismatches);
}

static void fixtures_without_supplies(void **state)
{
	(void)state;
	mismatches = 0;
	for (size_t i = 0; i < sizeof detect_only / sizeof detect_only[0]; i++)
		check_printer(&detect_only[i]);
	if (mismatches != 0)
		fail_msg("%d differences from the expected readings (listed above)", mismatches);
}

static void fixture_details(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 20, 0);
	struct snmp_table t;

	/* Vendor names and where the reading comes from. */
	load("utax-kyocera_p-4532dn.snmprec", a, &t);
	printer_read(&t, &R);
	assert_string_equal(R.vendor, "Kyocera");
	assert_int_equal(R.device_index, 1);
	assert_int_equal(R.page_count_unit, 7); /* impressions */
	assert_string_equal(R.sys_object_id, "1.3.6.1.4.1.1347.41");
	assert_string_equal(R.sys_descr, "TA_UTAX Printing System");
	assert_string_equal(R.sys_name, "<private>");

	/* The Linux host's print queues are hrDevice 1280/1281: the reading is about 1280. */
	arena_reset(a);
	load("linux_full-walk-snmpsim.snmprec", a, &t);
	printer_read(&t, &R);
	assert_int_equal(R.device_index, 1280);
	assert_false(R.has_printer_mib);
	assert_null(R.vendor);

	/* Sharp units and the M252dw's explicit percent unit. */
	arena_reset(a);
	load("hp_color-laserjet-pro-m252dw.snmprec", a, &t);
	printer_read(&t, &R);
	assert_int_equal(R.supplies[0].unit, 19);
	assert_int_equal(R.status.error_state_len, 1);
	assert_true(R.status.has_error_state);
	arena_reset(a);
	load("epson_builtin-inkjet.snmprec", a, &t);
	printer_read(&t, &R);
	assert_true(R.status.has_error_state);
	assert_int_equal(R.status.error_state_len, 0);
	assert_int_equal(R.status.errors, 0);
	assert_string_equal(R.vendor, "Epson");
	arena_free(a);
}

/* ---- JSON ---- */

static char *to_json(const struct printer_reading *r)
{
	json_object *o = printer_reading_to_json(r);
	char *s;

	assert_non_null(o);
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

static void json_shape_of_fixtures(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 20, 0);
	struct snmp_table t;
	char *s;

	load("brother_nc-8300h-mfc-l2710dw.snmprec", a, &t);
	printer_read(&t, &R);
	s = to_json(&R);
	assert_string_equal(
		s, "{\"supplies\":["
		   "{\"index\":1,\"description\":\"Black Toner Cartridge\",\"type\":\"toner\","
		   "\"class\":\"consumed\",\"max\":-2,\"level\":-3,\"state\":\"some_remaining\","
		   "\"percent\":null,\"colour\":\"black\"},"
		   "{\"index\":2,\"description\":\"Drum Unit\",\"type\":\"opc\",\"class\":\"consumed\","
		   "\"max\":12000,\"level\":11501,\"state\":\"percent\",\"percent\":95.8,"
		   "\"colour\":null}],"
		   "\"colours\":{\"black\":{\"percent\":null,\"name\":\"Black Toner Cartridge\"}},"
		   "\"status\":{\"device\":\"running\",\"printer\":null,\"errors\":[],"
		   "\"severity\":\"ok\"},"
		   "\"model\":\"Brother MFC-L2710DW series\",\"serial\":\"000A5J431816\","
		   "\"firmware\":\"Q\",\"page_count\":null,\"mac\":\"3c:2a:f4:bf:f5:1b\"}");
	free(s);

	arena_reset(a);
	load("ricoh_aficio-mp-c3002.snmprec", a, &t);
	printer_read(&t, &R);
	s = to_json(&R);
	/* A receptacle carries "fullness". */
	assert_non_null(strstr(s, "{\"index\":2,\"description\":\"Waste Toner\",\"type\":\"wasteToner\","
				  "\"class\":\"receptacle\",\"max\":100,\"level\":100,\"state\":\"percent\","
				  "\"percent\":100,\"colour\":null,\"fullness\":0}"));
	assert_non_null(strstr(s, "\"colours\":{\"black\":{\"percent\":40,\"name\":\"Black Toner\"},"
				  "\"cyan\":{\"percent\":20,\"name\":\"Cyan Toner\"},"
				  "\"magenta\":{\"percent\":50,\"name\":\"Magenta Toner\"},"
				  "\"yellow\":{\"percent\":50,\"name\":\"Yellow Toner\"}}"));
	assert_non_null(strstr(s, "\"page_count\":271871"));
	free(s);

	arena_reset(a);
	load("samsung_m4080fx.snmprec", a, &t);
	printer_read(&t, &R);
	s = to_json(&R);
	assert_non_null(strstr(s, "\"status\":{\"device\":\"warning\",\"printer\":null,"
				  "\"errors\":[\"lowPaper\"],\"severity\":\"warning\"}"));
	assert_non_null(strstr(s, "\"serial\":null"));
	free(s);

	/* Without Printer-MIB: empty lists, nulls. */
	arena_reset(a);
	load("lexmark_t640-detect-only.snmprec", a, &t);
	printer_read(&t, &R);
	s = to_json(&R);
	assert_string_equal(s, "{\"supplies\":[],\"colours\":{},\"status\":{\"device\":null,"
			       "\"printer\":null,\"errors\":[],\"severity\":\"unknown\"},"
			       "\"model\":\"Lexmark T640\",\"serial\":null,\"firmware\":\"NS.NP.N219\","
			       "\"page_count\":null,\"mac\":null}");
	free(s);
	arena_free(a);
}

/* ---- synthetic walks ---- */

struct synth {
	struct arena *a;
	struct snmp_table t;
};

static int synth_setup(void **state)
{
	struct synth *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	s->a = arena_new(1 << 16, 256u << 20);
	snmp_table_init(&s->t, s->a);
	*state = s;
	return 0;
}

static int synth_teardown(void **state)
{
	struct synth *s = *state;

	arena_free(s->a);
	free(s);
	return 0;
}

/* Add snmprec-format lines to the table. */
static void rec(struct synth *s, const char *text)
{
	struct err e;
	size_t skipped = 0;

	if (snmprec_parse(text, strlen(text), &s->t, &skipped, &e) != 0 || skipped != 0)
		fail_msg("synthetic walk refused (%zu lines skipped): %s", skipped, e.msg);
}

#define SUP "1.3.6.1.2.1.43.11.1.1."

/* One supply row: class, type, description, max, level (INT32_MIN = leave the column out). */
static void supply(struct synth *s, uint32_t index, int cls, int type, const char *descr,
		   int64_t max, int64_t level)
{
	char line[1024];

	if (cls != INT32_MIN) {
		snprintf(line, sizeof line, SUP "4.1.%u|2|%d\n", index, cls);
		rec(s, line);
	}
	if (type != INT32_MIN) {
		snprintf(line, sizeof line, SUP "5.1.%u|2|%d\n", index, type);
		rec(s, line);
	}
	if (descr != NULL) {
		snprintf(line, sizeof line, SUP "6.1.%u|4|%s\n", index, descr);
		rec(s, line);
	}
	if (max != INT32_MIN) {
		snprintf(line, sizeof line, SUP "8.1.%u|2|%lld\n", index, (long long)max);
		rec(s, line);
	}
	if (level != INT32_MIN) {
		snprintf(line, sizeof line, SUP "9.1.%u|2|%lld\n", index, (long long)level);
		rec(s, line);
	}
}

static const struct printer_supply *read_one(struct synth *s)
{
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_true(R.n_supplies >= 1);
	return &R.supplies[0];
}

static void empty_walk(void **state)
{
	struct synth *s = *state;
	char *j;

	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_false(R.has_printer_mib);
	assert_int_equal(R.n_supplies, 0);
	assert_int_equal(R.device_index, 1);
	assert_int_equal(R.status.severity, PRINTER_SEVERITY_UNKNOWN);
	assert_false(R.status.has_error_state);
	assert_int_equal(R.page_count, -1);
	assert_string_equal(R.model, "");
	assert_string_equal(R.mac, "");
	for (int c = 0; c < PRINTER_COLOUR_COUNT; c++) {
		assert_false(R.colours[c].present);
		assert_true(isnan(R.colours[c].percent));
	}
	j = to_json(&R);
	assert_string_equal(j, "{\"supplies\":[],\"colours\":{},\"status\":{\"device\":null,"
			       "\"printer\":null,\"errors\":[],\"severity\":\"unknown\"},"
			       "\"model\":null,\"serial\":null,\"firmware\":null,\"page_count\":null,"
			       "\"mac\":null}");
	free(j);
}

static void levels_and_special_values(void **state)
{
	struct synth *s = *state;
	static const struct {
		int64_t max, level;
		enum printer_level_state st;
		double pct;
		bool max_unknown;
	} cases[] = {
		{ 100, 54, PRINTER_LEVEL_PERCENT, 54, false },
		{ 5300, 1060, PRINTER_LEVEL_PERCENT, 20, false },
		{ 100, 150, PRINTER_LEVEL_PERCENT, 100, false },        /* level > max: clamped */
		{ 3, 1, PRINTER_LEVEL_PERCENT, 33.3, false },
		{ 100000, 1, PRINTER_LEVEL_PERCENT, 0.1, false },        /* not empty: not 0 */
		{ 100000, 99999, PRINTER_LEVEL_PERCENT, 99.9, false },   /* not full: not 100 */
		{ 100, 0, PRINTER_LEVEL_PERCENT, 0, false },
		{ 0, 40, PRINTER_LEVEL_PERCENT, 40, true },              /* max 0: rule 4 */
		{ -1, 40, PRINTER_LEVEL_PERCENT, 40, true },
		{ -2, 0, PRINTER_LEVEL_PERCENT, 0, true },
		{ -2, 100, PRINTER_LEVEL_PERCENT, 100, true },
		{ -2, 101, PRINTER_LEVEL_SOME_REMAINING, N, false },     /* an amount, no scale */
		{ -7, 30, PRINTER_LEVEL_PERCENT, 30, true },
		{ 100, -1, PRINTER_LEVEL_UNLIMITED, N, false },
		{ 100, -2, PRINTER_LEVEL_UNKNOWN, N, false },
		{ 100, -3, PRINTER_LEVEL_SOME_REMAINING, N, false },
		{ -2, -3, PRINTER_LEVEL_SOME_REMAINING, N, false },
		{ 100, -100, PRINTER_LEVEL_UNKNOWN, N, false },         /* Ricoh's private -100 */
		{ 100, INT32_MIN, PRINTER_LEVEL_UNKNOWN, N, false },    /* no Level column */
		{ INT32_MIN, 60, PRINTER_LEVEL_PERCENT, 60, true },     /* no MaxCapacity column */
		{ 2147483647, 2147483646, PRINTER_LEVEL_PERCENT, 99.9, false },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct printer_supply *p;

		arena_reset(s->a);
		snmp_table_init(&s->t, s->a);
		supply(s, 1, 3, 3, "Black Toner", cases[i].max, cases[i].level);
		p = read_one(s);
		if (p->state != cases[i].st || !same_num(p->percent, cases[i].pct) ||
		    p->max_unknown != cases[i].max_unknown || !isnan(p->fullness))
			fail_msg("max %lld level %lld: state %s percent %g max_unknown %d",
				 (long long)cases[i].max, (long long)cases[i].level,
				 printer_level_state_name(p->state), p->percent, p->max_unknown);
	}
}

static void receptacles_report_free_space_and_fullness(void **state)
{
	struct synth *s = *state;

	/* Class 4 with a type that is not waste; a waste type reported as consumed; an explicit
	 * waste type with class 4; "some remaining" space. */
	supply(s, 1, 4, 1, "Used Paper Bin", 100, 30);
	supply(s, 2, 3, 4, "Waste Toner", 200, 50);
	supply(s, 3, 4, 8, "Waste Ink", 6700, 6030);
	supply(s, 4, 4, 4, "Waste Box", -2, -3);
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_int_equal(R.n_supplies, 4);
	assert_true(R.supplies[0].is_receptacle);
	assert_false(R.supplies[0].class_inferred);
	assert_true(same_num(R.supplies[0].percent, 30));
	assert_true(same_num(R.supplies[0].fullness, 70));
	assert_true(R.supplies[1].is_receptacle);
	assert_true(R.supplies[1].class_inferred);
	assert_int_equal(R.supplies[1].class, PRINTER_CLASS_RECEPTACLE);
	assert_true(same_num(R.supplies[1].fullness, 75));
	assert_true(same_num(R.supplies[2].fullness, 10));
	assert_int_equal(R.supplies[3].state, PRINTER_LEVEL_SOME_REMAINING);
	assert_true(isnan(R.supplies[3].fullness));
	for (size_t i = 0; i < 4; i++)
		assert_false(R.supplies[i].is_toner);
}

static void descriptions_are_decoded_and_cleaned(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
#define C(lit, out) { lit, sizeof(lit) - 1, out }
		C("", ""),
		C("   ", ""),
		C("  Black\t\tToner \r\n", "Black Toner"),
		C("Black\x01\x1f\x7fToner", "Black Toner"),
		C("Black Toner\0garbage after NUL", "Black Toner"),
		/* HP: a text line then hex-dump lines, NUL-terminated. */
		C("Black Cartridge \n38 32 37 41 20 48 50 20 43 46 33 30 30 41 00 ",
		  "Black Cartridge 827A HP CF300A"),
		C("Magenta Cartridg\n65 20 38 32 37 41 20 \n00 ", "Magenta Cartridge 827A"),
		/* All hex (two groups or more): decoded. */
		C("42 6C 61 63 6B 20 54 6F 6E 65 72", "Black Toner"),
		C("42 6c 61 63 6b 00", "Black"),
		/* Hex that decodes to binary stays text; a single group stays text. */
		C("FF FE 01", "FF FE 01"),
		C("AB", "AB"),
		C("Toner\n12 34", "Toner 12 34"),     /* 0x12 is a control: not text, keep as is */
		C("Line one\nLine two", "Line one Line two"),
		/* Invalid UTF-8 becomes U+FFFD; valid multibyte text is kept. */
		C("Toner \xff\xfe end", "Toner \xef\xbf\xbd\xef\xbf\xbd end"),
		C("\xc3\x28", "\xef\xbf\xbd("),
		C("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),   /* surrogate */
		C("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"),                   /* truncated */
		C("Тонер чёрный", "Тонер чёрный"),
		C("Toner\xc2\xa0" "Black\xc2\x85", "Toner Black"),               /* NBSP, NEL */
		/* Per-cartridge noise. */
		C("Black Toner, PN 006R01509;SN48178080E0000481", "Black Toner"),
		C("Fuser, PN unknown;SNunknown", "Fuser"),
		C("Black Toner Cartridge S/N:CRUM-", "Black Toner Cartridge"),
		C("Fuser S/N:", "Fuser"),
		C("Toner;SN123", "Toner"),
		C(", PN 123", ", PN 123"),          /* nothing before the noise: kept */
#undef C
	};
	char out[PRINTER_TEXT_MAX];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		printer_decode_description((const unsigned char *)cases[i].in, cases[i].n, out,
					   sizeof out);
		if (strcmp(out, cases[i].out) != 0)
			fail_msg("case %zu: [%s] -> [%s], expected [%s]", i, cases[i].in, out,
				 cases[i].out);
	}
	printer_decode_description(NULL, 0, out, sizeof out);
	assert_string_equal(out, "");
}

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t k = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
			   : (*p & 0xF8) == 0xF0 ? 4 : 0;

		if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7F)))
			return false;
		for (size_t i = 1; i < k; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += k;
	}
	return true;
}

static void hostile_strings_are_bounded(void **state)
{
	struct synth *s = *state;
	static unsigned char big[20000];
	struct snmp_oid o;
	const struct printer_supply *p;

	/* 20 000 bytes of multibyte text, control characters and invalid bytes. */
	for (size_t i = 0; i < sizeof big; i++) {
		static const unsigned char pat[] = "\xd0\xa7\x01\xff\xe2\x82\xac\n Black ";

		big[i] = pat[i % (sizeof pat - 1)];
	}
	assert_int_equal(snmp_oid_parse(SUP "6.1.1", &o), 0);
	assert_int_equal(snmp_table_add_bytes(&s->t, &o, SNMP_TYPE_OCTET_STRING, big, sizeof big), 0);
	assert_int_equal(snmp_oid_parse("1.3.6.1.2.1.1.1.0", &o), 0);
	assert_int_equal(snmp_table_add_bytes(&s->t, &o, SNMP_TYPE_OCTET_STRING, big, sizeof big), 0);
	assert_int_equal(snmp_oid_parse("1.3.6.1.2.1.25.3.2.1.3.1", &o), 0);
	assert_int_equal(snmp_table_add_bytes(&s->t, &o, SNMP_TYPE_OCTET_STRING, big, sizeof big), 0);
	rec(s, SUP "5.1.1|2|3\n" SUP "8.1.1|2|100\n" SUP "9.1.1|2|50\n"
	       "1.3.6.1.2.1.43.5.1.1.17.1|4x|41420a0943ff44\n");
	p = read_one(s);
	assert_true(strlen(p->description) < PRINTER_TEXT_MAX);
	assert_true(valid_utf8(p->description));
	assert_true(strlen(R.sys_descr) < PRINTER_TEXT_MAX && valid_utf8(R.sys_descr));
	assert_true(strlen(R.model) < PRINTER_TEXT_MAX && valid_utf8(R.model));
	assert_string_equal(R.serial, "AB C\xef\xbf\xbd" "D");
	assert_string_equal(p->colour, "black");

	/* A JSON rendering of it is valid and carries the same text. */
	free(to_json(&R));
}

static void error_state_lengths(void **state)
{
	struct synth *s = *state;
	static const struct {
		const char *hex;           /* NULL = absent */
		int device;                /* 0 = absent */
		uint32_t errors;
		enum printer_severity sev;
	} cases[] = {
		{ NULL, 0, 0, PRINTER_SEVERITY_UNKNOWN },
		{ "", 0, 0, PRINTER_SEVERITY_OK },
		{ "", 2, 0, PRINTER_SEVERITY_OK },
		{ "00", 2, 0, PRINTER_SEVERITY_OK },
		{ "80", 2, 1u << PRINTER_ERR_LOW_PAPER, PRINTER_SEVERITY_WARNING },
		{ "01", 2, 1u << PRINTER_ERR_SERVICE_REQUESTED, PRINTER_SEVERITY_WARNING },
		{ "0100", 2, 1u << PRINTER_ERR_SERVICE_REQUESTED, PRINTER_SEVERITY_WARNING },
		{ "2000", 3, 1u << PRINTER_ERR_LOW_TONER, PRINTER_SEVERITY_WARNING },
		{ "1000", 2, 1u << PRINTER_ERR_NO_TONER, PRINTER_SEVERITY_CRITICAL },
		{ "0280", 2, 1u << PRINTER_ERR_OFFLINE | 1u << PRINTER_ERR_INPUT_TRAY_MISSING,
		  PRINTER_SEVERITY_CRITICAL },
		{ "0002", 2, 1u << PRINTER_ERR_OVERDUE_PREVENT_MAINT, PRINTER_SEVERITY_WARNING },
		{ "0001", 2, 0, PRINTER_SEVERITY_OK },             /* bit 15: undefined */
		{ "000400", 2, 1u << PRINTER_ERR_INPUT_TRAY_EMPTY, PRINTER_SEVERITY_WARNING },
		{ "0000ff", 2, 0, PRINTER_SEVERITY_OK },           /* third octet ignored */
		{ "ffff", 2, 0x7FFF, PRINTER_SEVERITY_CRITICAL },
		{ NULL, 5, 0, PRINTER_SEVERITY_CRITICAL },        /* down */
		{ "00", 4, 0, PRINTER_SEVERITY_WARNING },         /* testing */
		{ "00", 1, 0, PRINTER_SEVERITY_UNKNOWN },         /* unknown, nothing else */
		{ "08", 1, 1u << PRINTER_ERR_DOOR_OPEN, PRINTER_SEVERITY_CRITICAL },
		{ NULL, 9, 0, PRINTER_SEVERITY_UNKNOWN },         /* out of range: ignored */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char line[160];

		arena_reset(s->a);
		snmp_table_init(&s->t, s->a);
		if (cases[i].hex != NULL) {
			snprintf(line, sizeof line, "1.3.6.1.2.1.25.3.5.1.2.1|4x|%s\n", cases[i].hex);
			rec(s, line);
		}
		if (cases[i].device != 0) {
			snprintf(line, sizeof line, "1.3.6.1.2.1.25.3.2.1.5.1|2|%d\n", cases[i].device);
			rec(s, line);
		}
		assert_int_equal(printer_read(&s->t, &R), 0);
		if (R.status.errors != cases[i].errors || R.status.severity != cases[i].sev ||
		    R.status.has_error_state != (cases[i].hex != NULL) ||
		    (cases[i].hex != NULL && R.status.error_state_len != strlen(cases[i].hex) / 2))
			fail_msg("case %zu (%s, %d): errors 0x%x severity %s", i,
				 cases[i].hex ? cases[i].hex : "absent", cases[i].device,
				 R.status.errors, printer_severity_name(R.status.severity));
	}
}

static void too_many_supplies_are_truncated(void **state)
{
	struct synth *s = *state;
	struct snmp_oid o;

	/* 300 rows, added from the highest index down; only the 64 lowest are kept. */
	for (uint32_t i = 300; i >= 1; i--) {
		char d[32];

		snprintf(d, sizeof d, "Toner %u", i);
		assert_int_equal(snmp_oid_parse(SUP "6.1.1", &o), 0);
		o.sub[o.len - 1] = i;
		assert_int_equal(snmp_table_add_bytes(&s->t, &o, SNMP_TYPE_OCTET_STRING, d, strlen(d)), 0);
		o.sub[o.len - 3] = 9;
		assert_int_equal(snmp_table_add_int(&s->t, &o, SNMP_TYPE_INTEGER, i % 101), 0);
	}
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_true(R.supplies_truncated);
	assert_int_equal(R.n_supplies, PRINTER_MAX_SUPPLIES);
	for (size_t i = 0; i < R.n_supplies; i++)
		assert_int_equal(R.supplies[i].index, i + 1);
	assert_string_equal(R.supplies[63].description, "Toner 64");
	free(to_json(&R));
}

static void colour_words(void **state)
{
	(void)state;
	static const struct {
		const char *text, *colour;
	} cases[] = {
		{ "Black Toner", "black" },
		{ "TONER CARTRIDGE - BLACK", "black" },
		{ "Photo Black Ink", "black" },
		{ "Matte Black", "black" },
		{ "Toner (Cyan)", "cyan" },
		{ "Tonerkartusche Schwarz", "black" },
		{ "Toner gelb", "yellow" },
		{ "Cartouche d'encre noire", "black" },
		{ "Toner jaune", "yellow" },
		{ "Cartuccia nero", "black" },
		{ "Toner giallo", "yellow" },
		{ "Toner ciano", "cyan" },
		{ "Cartucho preto", "black" },
		{ "Toner amarelo", "yellow" },
		{ "Toner gul", "yellow" },
		{ "Тонер-картридж чёрный", "black" },
		{ "ТОНЕР ЧЕРНЫЙ", "black" },
		{ "Картридж голубой", "cyan" },
		{ "Тонер пурпурный", "magenta" },
		{ "Тонер малиновый", "magenta" },
		{ "Тонер жёлтый", "yellow" },
		{ "ЖЕЛТЫЙ", "yellow" },
		{ "Картридж с чернилами", NULL },    /* "чернила" is ink, not black */
		{ "Toner K", "black" },
		{ "Toner BK", "black" },
		{ "Ink C", "cyan" },
		{ "Toner (M)", "magenta" },
		{ "Toner Y", "yellow" },
		{ "TN-247BK", "black" },
		{ "TK-5240K", "black" },
		{ "TK-5240C", "cyan" },
		{ "CLT-406M toner", "magenta" },
		{ "T9441Y", "yellow" },
		{ "Cyan Toner TK-5240C", "cyan" },   /* words agree with the suffix */
		{ "Cyan Toner 10K", "cyan" },        /* a word outranks a part number */
		{ "Canon Cartridge 719/719H", NULL },
		{ "PK-3010S", NULL },
		{ "HP CF410A", NULL },               /* vendor part numbers are not decoded */
		{ "Drum Cartridge (R1)", NULL },
		{ "Black and Cyan", NULL },          /* two colours name none */
		{ "Colour Toner", NULL },
		{ "Tray 1 Roller", NULL },
		{ "", NULL },
		{ "Blackish", NULL },
		{ "Toner\xe2\x80\x93" "Black", "black" }, /* en dash separates words */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = printer_colour_from_text(cases[i].text);

		if (!same_str(got, cases[i].colour))
			fail_msg("[%s] -> %s, expected %s", cases[i].text, got ? got : "(none)",
				 cases[i].colour ? cases[i].colour : "(none)");
	}
	assert_null(printer_colour_from_text(NULL));
}

static void colour_sources_in_order(void **state)
{
	struct synth *s = *state;

	/* 1: the colorant table wins over the words; 2: colorant "unknown" falls back to the
	 * words; 3: a ColorantIndex without a colorant row falls back too; 4: two toners without
	 * a colour stay without one (no single-toner rule); 5: a coloured drum is not toner. */
	supply(s, 1, 3, 3, "Black Toner", 100, 10);
	supply(s, 2, 3, 3, "Toner Magenta", 100, 20);
	supply(s, 3, 3, 21, "Yellow Cartridge", 100, 30);
	supply(s, 4, 3, 3, "Toner A", 100, 40);
	supply(s, 5, 3, 3, "Toner B", 100, 50);
	supply(s, 6, 3, 9, "Cyan Drum", 100, 5);
	rec(s, SUP "3.1.1|2|7\n" SUP "3.1.2|2|8\n" SUP "3.1.3|2|9\n"
	       "1.3.6.1.2.1.43.12.1.1.4.1.7|4|cyan\n"
	       "1.3.6.1.2.1.43.12.1.1.4.1.8|4|unknown\n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_int_equal(R.n_supplies, 6);
	assert_string_equal(R.supplies[0].colour, "cyan");
	assert_int_equal(R.supplies[0].colour_source, PRINTER_COLOUR_COLORANT);
	assert_string_equal(R.supplies[1].colour, "magenta");
	assert_int_equal(R.supplies[1].colour_source, PRINTER_COLOUR_DESCRIPTION);
	assert_string_equal(R.supplies[2].colour, "yellow");
	assert_null(R.supplies[3].colour);
	assert_null(R.supplies[4].colour);
	assert_string_equal(R.supplies[5].colour, "cyan");
	assert_false(R.supplies[5].is_toner);
	/* Summary: cyan comes from supply 1 (colorant), not from the drum at 5 %. */
	assert_true(R.colours[PRINTER_CYAN].present);
	assert_int_equal(R.colours[PRINTER_CYAN].supply_index, 1);
	assert_true(same_num(R.colours[PRINTER_CYAN].percent, 10));
	assert_false(R.colours[PRINTER_BLACK].present);

	/* Other ISO colorant words are kept as the supply colour but make no summary entry. */
	arena_reset(s->a);
	snmp_table_init(&s->t, s->a);
	supply(s, 1, 3, 5, "Ink 1", 100, 60);
	supply(s, 2, 3, 5, "Ink 2", 100, 70);
	rec(s, SUP "3.1.1|2|1\n" SUP "3.1.2|2|2\n"
	       "1.3.6.1.2.1.43.12.1.1.4.1.1|4|Red\n"
	       "1.3.6.1.2.1.43.12.1.1.4.1.2|4|photo black\n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_string_equal(R.supplies[0].colour, "red");
	assert_string_equal(R.supplies[1].colour, "black");
	assert_int_equal(R.colours[PRINTER_BLACK].supply_index, 2);
	for (int c = PRINTER_CYAN; c < PRINTER_COLOUR_COUNT; c++)
		assert_false(R.colours[c].present);
}

static void summary_prefers_known_percent_then_minimum(void **state)
{
	struct synth *s = *state;

	supply(s, 1, 3, 3, "Black Toner A", -2, -3);   /* no number */
	supply(s, 2, 3, 3, "Black Toner B", 100, 70);
	supply(s, 3, 3, 3, "Black Toner C", 100, 40);
	supply(s, 4, 3, 3, "Black Toner D", 100, 40);  /* a tie keeps the first */
	supply(s, 5, 3, 3, "Cyan Toner", 100, -2);     /* unknown only: present, no number */
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_int_equal(R.colours[PRINTER_BLACK].supply_index, 3);
	assert_true(same_num(R.colours[PRINTER_BLACK].percent, 40));
	assert_string_equal(R.colours[PRINTER_BLACK].name, "Black Toner C");
	assert_true(R.colours[PRINTER_CYAN].present);
	assert_true(isnan(R.colours[PRINTER_CYAN].percent));
	assert_int_equal(R.colours[PRINTER_CYAN].state, PRINTER_LEVEL_UNKNOWN);
}

static void type_inference_from_words(void **state)
{
	struct synth *s = *state;
	static const struct {
		const char *descr;
		int type;
	} cases[] = {
		{ "Black Toner", 3 },            { "Toner Cartridge Black", 21 },
		{ "Black Cartridge HP CF410A", 21 }, { "Black Ink", 5 },
		{ "Ink Tank Black", 6 },         { "Waste Toner Box", 4 },
		{ "Waste Ink Pad", 8 },          { "Drum Cartridge (R1)", 9 },
		{ "Developer Unit", 10 },        { "Fusing Unit", 15 },
		{ "Transfer Belt Cleaner", 18 }, { "Image Transfer Belt Unit", 20 },
		{ "Staple Cartridge", 32 },      { "Ozone Filter", 2 },
		{ "Тонер-картридж", 21 },        { "Фотобарабан", 9 },
		{ "", 2 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct printer_supply *p;

		arena_reset(s->a);
		snmp_table_init(&s->t, s->a);
		supply(s, 1, 3, INT32_MIN, cases[i].descr, 100, 50);
		p = read_one(s);
		if (p->type != cases[i].type || !p->type_inferred)
			fail_msg("[%s] -> type %d (inferred %d), expected %d", cases[i].descr,
				 p->type, p->type_inferred, cases[i].type);
	}
	/* A reported type is kept even when the words disagree; unknown(2) is inferred. */
	arena_reset(s->a);
	snmp_table_init(&s->t, s->a);
	supply(s, 1, 3, 15, "Black Toner", 100, 50);
	supply(s, 2, 3, 2, "Black Toner", 100, 50);
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_int_equal(R.supplies[0].type, 15);
	assert_false(R.supplies[0].type_inferred);
	assert_int_equal(R.supplies[1].type, 3);
	assert_true(R.supplies[1].type_inferred);
	assert_string_equal(printer_supply_type_name(35), "matteToner");
	assert_null(printer_supply_type_name(37));
	assert_null(printer_supply_type_name(0));
}

static void supplies_of_the_printer_device_only(void **state)
{
	struct synth *s = *state;

	/* A print server: hrDevice 2 is the printer, supplies are filed under 2; a stray row
	 * under device 5 is not this printer's. Single toner under 2 -> black. */
	rec(s, "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.3\n"
	       "1.3.6.1.2.1.25.3.2.1.2.2|6|1.3.6.1.2.1.25.3.1.5\n"
	       "1.3.6.1.2.1.25.3.2.1.5.2|2|2\n"
	       SUP "5.2.1|2|3\n" SUP "6.2.1|4|Toner\n" SUP "8.2.1|2|100\n" SUP "9.2.1|2|25\n"
	       SUP "6.5.1|4|Other device\n"
	       "1.3.6.1.2.1.43.10.2.1.4.1.1|65|111\n"
	       "1.3.6.1.2.1.43.10.2.1.4.2.1|65|222\n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_int_equal(R.device_index, 2);
	assert_int_equal(R.n_supplies, 1);
	assert_string_equal(R.supplies[0].colour, "black");
	assert_int_equal(R.supplies[0].colour_source, PRINTER_COLOUR_SINGLE_TONER);
	assert_int_equal(R.page_count, 222);
	assert_int_equal(R.status.severity, PRINTER_SEVERITY_OK);

	/* hrDevicePrinter row without supplies under it: the supplies' device is used. */
	arena_reset(s->a);
	snmp_table_init(&s->t, s->a);
	rec(s, "1.3.6.1.2.1.25.3.2.1.2.1|6|1.3.6.1.2.1.25.3.1.5\n"
	       SUP "6.3.1|4|Black Toner\n" SUP "8.3.1|2|100\n" SUP "9.3.1|2|25\n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_int_equal(R.device_index, 3);
	assert_int_equal(R.n_supplies, 1);
}

static void mac_of_the_main_interface(void **state)
{
	struct synth *s = *state;

	/* 1 loopback (empty), 2 Ethernet down, 3 all-zero, 4 broadcast, 5 short, 6 wifi up,
	 * 7 Ethernet up -> 7; without 7 -> the first real one (2). */
	rec(s, "1.3.6.1.2.1.2.2.1.3.1|2|24\n" "1.3.6.1.2.1.2.2.1.3.2|2|6\n"
	       "1.3.6.1.2.1.2.2.1.3.6|2|71\n" "1.3.6.1.2.1.2.2.1.3.7|2|6\n"
	       "1.3.6.1.2.1.2.2.1.6.1|4|\n" "1.3.6.1.2.1.2.2.1.6.2|4x|00000000002a\n"
	       "1.3.6.1.2.1.2.2.1.6.3|4x|000000000000\n" "1.3.6.1.2.1.2.2.1.6.4|4x|ffffffffffff\n"
	       "1.3.6.1.2.1.2.2.1.6.5|4x|0102030405\n" "1.3.6.1.2.1.2.2.1.6.6|4x|AABBCCDDEE06\n"
	       "1.3.6.1.2.1.2.2.1.8.2|2|2\n" "1.3.6.1.2.1.2.2.1.8.6|2|1\n"
	       "1.3.6.1.2.1.2.2.1.8.7|2|1\n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_string_equal(R.mac, "00:00:00:00:00:2a");
	rec(s, "1.3.6.1.2.1.2.2.1.6.7|4x|AABBCCDDEE07\n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_string_equal(R.mac, "aa:bb:cc:dd:ee:07");
}

static void identity_sources(void **state)
{
	struct synth *s = *state;

	/* hrDeviceDescr "Generic ..." is a driver name, not a model: the 1284 id is next. */
	rec(s, "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1\n"
	       "1.3.6.1.2.1.1.1.0|4|HP ETHERNET MULTI-ENVIRONMENT,SN:CN123,FN:X\n"
	       "1.3.6.1.2.1.25.3.2.1.3.1|4|Generic 28C-1\n"
	       "1.3.6.1.4.1.11.2.3.9.1.1.7.0|4|MFG:HP;CMD:PJL;MDL:HP LaserJet 400;CLS:PRINTER;\n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_string_equal(R.vendor, "HP");
	assert_string_equal(R.model, "HP LaserJet 400");
	assert_string_equal(R.serial, "CN123");
	assert_string_equal(R.firmware, "");

	/* prtGeneralSerialNumber outranks the vendor's and sysDescr's. */
	rec(s, "1.3.6.1.2.1.43.5.1.1.17.1|4|  PRT-SERIAL \n");
	assert_int_equal(printer_read(&s->t, &R), 0);
	assert_string_equal(R.serial, "PRT-SERIAL");
	assert_true(R.has_printer_mib); /* a prtGeneral row is Printer-MIB */
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(printer_error_name(PRINTER_ERR_OVERDUE_PREVENT_MAINT),
			    "overduePreventMaint");
	assert_null(printer_error_name(PRINTER_ERR_BIT_COUNT));
	assert_string_equal(printer_device_status_name(5), "down");
	assert_null(printer_device_status_name(0));
	assert_string_equal(printer_printer_status_name(5), "warmup");
	assert_null(printer_printer_status_name(6));
	assert_string_equal(printer_level_state_name(PRINTER_LEVEL_UNLIMITED), "unlimited");
	assert_string_equal(printer_class_name(PRINTER_CLASS_RECEPTACLE), "receptacle");
	assert_null(printer_class_name((enum printer_class)2));
	assert_string_equal(printer_severity_name(PRINTER_SEVERITY_CRITICAL), "critical");
	assert_null(printer_colour_name(PRINTER_COLOUR_COUNT));
}

#define SYNTH(f) cmocka_unit_test_setup_teardown(f, synth_setup, synth_teardown)

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(fixtures_with_supplies),
	cmocka_unit_test(fixtures_without_supplies),
	cmocka_unit_test(fixture_details),
	cmocka_unit_test(json_shape_of_fixtures),
	SYNTH(empty_walk),
	SYNTH(levels_and_special_values),
	SYNTH(receptacles_report_free_space_and_fullness),
	cmocka_unit_test(descriptions_are_decoded_and_cleaned),
	SYNTH(hostile_strings_are_bounded),
	SYNTH(error_state_lengths),
	SYNTH(too_many_supplies_are_truncated),
	cmocka_unit_test(colour_words),
	SYNTH(colour_sources_in_order),
	SYNTH(summary_prefers_known_percent_then_minimum),
	SYNTH(type_inference_from_words),
	SYNTH(supplies_of_the_printer_device_only),
	SYNTH(mac_of_the_main_interface),
	SYNTH(identity_sources),
	cmocka_unit_test(names),
};

UNIT_MAIN(tests)
