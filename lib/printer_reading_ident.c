/*
 * Who the printer is: vendor, model, serial number and firmware (PROTOCOLS.md §1.8).
 *
 * Sources, first usable one wins:
 *   model    1. sysDescr of vendors whose sysDescr names the model (Samsung, Dell, Lexmark,
 *               OKI, Xerox, FUJIFILM), 2. the vendor's model OID, 3. hrDeviceDescr of the
 *               printer row (unless it is a "Generic ..." driver name), 4. the IEEE 1284
 *               device id (MDL: / MODEL:), 5. sysDescr of Canon, Konica Minolta, Sharp,
 *               Toshiba TEC and TSC, which is the model with little else.
 *   serial   1. prtGeneralSerialNumber, 2. the vendor's serial OID, 3. sysDescr (HP "SN:",
 *               Samsung "S/N").
 *   firmware 1. the vendor's firmware OID, 2. sysDescr (Samsung, Dell, Lexmark, OKI, TSC).
 * sysDescr patterns are plain string scanning; every result is cleaned and bounded.
 */
#include "printer_reading_int.h"

#include <string.h>
#include <strings.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

struct vendor {
	uint32_t enterprise;
	const char *name;
	const char *model_oid, *serial_oid, *firmware_oid;
};

static const struct vendor vendors[] = {
	{ 11, "HP", NULL, NULL, NULL },
	{ 236, "Samsung", NULL, NULL, NULL },
	{ 253, "Xerox", NULL, NULL, NULL },
	{ 297, "FUJIFILM", NULL, NULL, NULL },
	{ 367, "Ricoh", "1.3.6.1.4.1.367.3.2.1.1.1.1.0", "1.3.6.1.4.1.367.3.2.1.2.1.4.0",
	  "1.3.6.1.4.1.367.3.2.1.1.1.2.0" },
	{ 641, "Lexmark", NULL, NULL, "1.3.6.1.4.1.641.1.1.1.0" },
	{ 674, "Dell", NULL, NULL, "1.3.6.1.4.1.674.10898.100.1.1.1.0" },
	/* Extended Systems (ESI) print servers, e.g. ZebraNet: ESI-MIB gen* objects. */
	{ 683, "Zebra", "1.3.6.1.4.1.683.1.4.0", "1.3.6.1.4.1.683.1.5.0", "1.3.6.1.4.1.683.1.9.0" },
	{ 1129, "Toshiba TEC", NULL, NULL, NULL },
	{ 1248, "Epson", NULL, NULL, NULL },
	{ 1347, "Kyocera", "1.3.6.1.4.1.1347.43.5.1.1.1.1", "1.3.6.1.4.1.1347.43.5.1.1.28.1",
	  "1.3.6.1.4.1.1347.43.5.4.1.5.1.1" },
	{ 1602, "Canon", "1.3.6.1.4.1.1602.1.1.1.1.0", NULL, "1.3.6.1.4.1.1602.1.1.1.4.0" },
	{ 2001, "OKI", NULL, NULL, NULL },
	{ 2385, "Sharp", "1.3.6.1.4.1.2385.2.1.3.2.1.4.13501.1302.1", NULL,
	  "1.3.6.1.4.1.2385.2.1.1.2.1.2.1" },
	/* brInfoSerialNumber, brpsFirmwareDescription ("Firmware Ver.1.01 (08.12.12)"). */
	{ 2435, "Brother", NULL, "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0",
	  "1.3.6.1.4.1.2435.2.4.3.1240.6.5.0" },
	{ 10642, "Zebra", NULL, NULL, NULL },
	{ 18334, "Konica Minolta", "1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0", NULL,
	  "1.3.6.1.4.1.18334.1.1.1.1.6.1.0" },
	{ 51966, "TSC", NULL, NULL, NULL },
};

/* sysDescr prefixes naming a vendor, for agents without (or with a foreign) sysObjectID. */
static const struct {
	const char *prefix;
	const char *name;
} descr_vendors[] = {
	{ "Samsung ", "Samsung" }, { "Dell ", "Dell" }, { "Lexmark ", "Lexmark" },
	{ "OKI ", "OKI" }, { "Xerox ", "Xerox" }, { "FUJIFILM ", "FUJIFILM" },
	{ "KONICA MINOLTA", "Konica Minolta" }, { "Canon ", "Canon" }, { "SHARP ", "Sharp" },
	{ "RICOH ", "Ricoh" }, { "Brother ", "Brother" }, { "EPSON ", "Epson" },
	{ "KYOCERA", "Kyocera" }, { "TOSHIBA TEC", "Toshiba TEC" }, { "HP ", "HP" },
};

static const struct oidc SYS_OBJECT_ID = OIDC(1, 3, 6, 1, 2, 1, 1, 2, 0);
static const struct oidc HR_DEVICE_DESCR = OIDC(1, 3, 6, 1, 2, 1, 25, 3, 2, 1, 3);
static const struct oidc PRT_GENERAL_SERIAL = OIDC(1, 3, 6, 1, 2, 1, 43, 5, 1, 1, 17);

/* IEEE 1284 device id strings: HP (also OKI), Brother, Xerox, Dell. */
static const char *const ieee1284_oids[] = {
	"1.3.6.1.4.1.11.2.3.9.1.1.7.0",
	"1.3.6.1.4.1.2435.2.3.9.1.1.7.0",
	"1.3.6.1.4.1.253.8.51.1.2.1.20.1",
	"1.3.6.1.4.1.674.10898.100.2.1.2.1.3.1",
};

static bool text_at(const struct snmp_table *t, const char *oid_text, char *out, size_t size)
{
	struct snmp_oid oid;
	struct oidc base;

	if (oid_text == NULL || snmp_oid_parse(oid_text, &oid) != 0)
		return false;
	base.sub = oid.sub;
	base.len = oid.len;
	return printer_reading_text(t, base, NULL, 0, out, size);
}

/* Copy n bytes of s into dst (PRINTER_TEXT_MAX), cleaned; true when something is left. */
static bool put(char *dst, const char *s, size_t n)
{
	printer_reading_clean((const unsigned char *)s, n, dst, PRINTER_TEXT_MAX);
	return dst[0] != '\0';
}

/* Pointer just after prefix when s starts with it (case-insensitive), else NULL. */
static const char *after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* Length of s up to the first character of stop (or the end). */
static size_t upto(const char *s, const char *stop)
{
	return strcspn(s, stop);
}

/* "Dell S5830dn version NH62.YS.N636 kernel ..." / "Lexmark T640 version NS.NP.N219 ..." */
static bool version_descr(const char *d, const char *vendor, char *model, char *fw)
{
	const char *v;

	if (after(d, vendor) == NULL || (v = strstr(d, " version ")) == NULL)
		return false;
	if (model != NULL)
		put(model, d, (size_t)(v - d));
	if (fw != NULL)
		put(fw, v + 9, upto(v + 9, " "));
	return true;
}

/* "Samsung M4080FX; V11.01.03.04_02-27-2017;Engine ...;NIC ;S/N 0123" */
static void samsung_descr(const char *d, char *model, char *serial, char *fw)
{
	const char *f, *sn;

	if (after(d, "Samsung ") == NULL)
		return;
	if (model != NULL)
		put(model, d, upto(d, ";"));
	f = strchr(d, ';');
	if (fw != NULL && f != NULL) {
		f++;
		while (*f == ' ')
			f++;
		if (*f == 'V' || *f == 'v')
			f++;
		put(fw, f, upto(f, ";"));
	}
	sn = strstr(d, "S/N ");
	if (serial != NULL && sn != NULL)
		put(serial, sn + 4, upto(sn + 4, "; "));
}

/* "OKI OkiLAN 9450g Rev.00.69 ...: Attached to MC873 Rev.07.87 : Copyright ..." */
static void oki_descr(const char *d, char *model, char *fw)
{
	const char *a = strstr(d, "Attached to ");

	if (after(d, "OKI OkiLAN") == NULL || a == NULL)
		return;
	a += strlen("Attached to ");
	if (model != NULL)
		put(model, a, upto(a, " "));
	a += upto(a, " ");
	while (*a == ' ')
		a++;
	if (fw != NULL && after(a, "Rev.") != NULL)
		put(fw, a + 4, upto(a + 4, " :"));
}

/* Step 1 of the model: vendors whose sysDescr names the model. */
static bool model_from_descr(const char *d, char *model)
{
	if (after(d, "Samsung ") != NULL) {
		samsung_descr(d, model, NULL, NULL);
		return model[0] != '\0';
	}
	if (version_descr(d, "Dell ", model, NULL) || version_descr(d, "Lexmark ", model, NULL))
		return model[0] != '\0';
	if (after(d, "OKI OkiLAN") != NULL) {
		oki_descr(d, model, NULL);
		return model[0] != '\0';
	}
	if (after(d, "Xerox ") != NULL || after(d, "FUJIFILM ") != NULL)
		return put(model, d, upto(d, ";"));
	return false;
}

/* Step 5: sysDescr that is the model and little else. */
static bool model_from_plain_descr(const char *d, const char *vendor, char *model)
{
	const char *p;

	if (after(d, "Canon ") != NULL) {
		p = strstr(d, " /P");
		return put(model, d, p != NULL ? (size_t)(p - d) : strlen(d));
	}
	if (after(d, "KONICA MINOLTA ") != NULL || after(d, "SHARP ") != NULL ||
	    after(d, "TOSHIBA TEC ") != NULL)
		return put(model, d, upto(d, ";"));
	if (vendor != NULL && strcmp(vendor, "TSC") == 0 && (p = strstr(d, " Version")) != NULL)
		return put(model, d, (size_t)(p - d));
	return false;
}

/* "MFG:HP;CMD:PJL;MDL:HP LaserJet MFP M129-M134;CLS:PRINTER;" -> the MDL (or MODEL) value. */
static bool model_from_1284(const char *id, char *model)
{
	static const char *const keys[] = { "MDL:", "MODEL:" };

	for (size_t k = 0; k < N_ELEM(keys); k++) {
		size_t kl = strlen(keys[k]);

		for (const char *p = id; (p = strstr(p, keys[k])) != NULL; p += kl)
			if ((p == id || p[-1] == ';' || p[-1] == ' ') &&
			    put(model, p + kl, upto(p + kl, ";")))
				return true;
	}
	return false;
}

static const struct vendor *vendor_of(const struct snmp_table *t)
{
	static const uint32_t enterprises[] = { 1, 3, 6, 1, 4, 1 };
	const struct snmp_varbind *vb = printer_reading_get(t, SYS_OBJECT_ID, NULL, 0);

	if (vb == NULL || vb->type != SNMP_TYPE_OID || vb->oid_value.len < 7 ||
	    memcmp(vb->oid_value.sub, enterprises, sizeof enterprises) != 0)
		return NULL;
	for (size_t i = 0; i < N_ELEM(vendors); i++)
		if (vendors[i].enterprise == vb->oid_value.sub[6])
			return &vendors[i];
	return NULL;
}

void printer_reading_identity(const struct snmp_table *t, struct printer_reading *r)
{
	const struct vendor *v = vendor_of(t);
	const char *d = r->sys_descr;
	char buf[PRINTER_TEXT_MAX];
	uint32_t di = r->device_index, one = 1;

	r->vendor = v != NULL ? v->name : NULL;
	for (size_t i = 0; r->vendor == NULL && i < N_ELEM(descr_vendors); i++)
		if (after(d, descr_vendors[i].prefix) != NULL)
			r->vendor = descr_vendors[i].name;

	/* model */
	if (!model_from_descr(d, r->model) &&
	    !(v != NULL && text_at(t, v->model_oid, r->model, sizeof r->model))) {
		bool found = printer_reading_text(t, HR_DEVICE_DESCR, &di, 1, buf, sizeof buf) &&
			     after(buf, "Generic ") == NULL;

		if (found)
			memcpy(r->model, buf, sizeof buf);
		for (size_t i = 0; !found && i < N_ELEM(ieee1284_oids); i++)
			found = text_at(t, ieee1284_oids[i], buf, sizeof buf) &&
				model_from_1284(buf, r->model);
		if (!found)
			model_from_plain_descr(d, r->vendor, r->model);
	}

	/* serial */
	if (!printer_reading_text(t, PRT_GENERAL_SERIAL, &di, 1, r->serial, sizeof r->serial) &&
	    !printer_reading_text(t, PRT_GENERAL_SERIAL, &one, 1, r->serial, sizeof r->serial) &&
	    !(v != NULL && text_at(t, v->serial_oid, r->serial, sizeof r->serial))) {
		const char *sn = strstr(d, "SN:");

		if (after(d, "HP ") != NULL && sn != NULL && (sn == d || sn[-1] == ','))
			put(r->serial, sn + 3, upto(sn + 3, ", "));
		else
			samsung_descr(d, NULL, r->serial, NULL);
	}

	/* firmware */
	if (v != NULL && text_at(t, v->firmware_oid, buf, sizeof buf)) {
		const char *ver = strstr(buf, "Ver.");

		if (v->enterprise == 2435 && ver != NULL) /* "Firmware Ver.1.01 (08.12.12)" */
			put(r->firmware, ver + 4, upto(ver + 4, " "));
		else
			memcpy(r->firmware, buf, sizeof buf);
	}
	if (r->firmware[0] == '\0') {
		const char *p;

		if (!version_descr(d, "Dell ", NULL, r->firmware) &&
		    !version_descr(d, "Lexmark ", NULL, r->firmware))
			samsung_descr(d, NULL, NULL, r->firmware);
		if (r->firmware[0] == '\0')
			oki_descr(d, NULL, r->firmware);
		if (r->firmware[0] == '\0' && r->vendor != NULL && strcmp(r->vendor, "TSC") == 0 &&
		    (p = strstr(d, " Version")) != NULL) {
			p += strlen(" Version");
			p += strspn(p, ": ");
			put(r->firmware, p, strlen(p));
		}
	}
}

size_t printer_reading_identity_oids(const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < N_ELEM(vendors); i++) {
		const char *oids[] = { vendors[i].model_oid, vendors[i].serial_oid,
				       vendors[i].firmware_oid };

		for (size_t j = 0; j < N_ELEM(oids); j++)
			if (oids[j] != NULL && n < max)
				out[n++] = oids[j];
	}
	for (size_t i = 0; i < N_ELEM(ieee1284_oids) && n < max; i++)
		out[n++] = ieee1284_oids[i];
	return n;
}
