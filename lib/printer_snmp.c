#include "printer_snmp.h"

#include "arena.h"
#include "printer_reading.h"
#include "snmp.h"
#include "snmp_value.h"

#include <string.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const standard_gets[] = {
	"1.3.6.1.2.1.1.1.0", /* sysDescr */
	"1.3.6.1.2.1.1.2.0", /* sysObjectID */
	"1.3.6.1.2.1.1.5.0", /* sysName */
};

static const char *const walks[] = {
	"1.3.6.1.2.1.2.2.1.3",     /* ifType */
	"1.3.6.1.2.1.2.2.1.6",     /* ifPhysAddress */
	"1.3.6.1.2.1.2.2.1.8",     /* ifOperStatus */
	"1.3.6.1.2.1.25.3.2.1.2",  /* hrDeviceType */
	"1.3.6.1.2.1.25.3.2.1.3",  /* hrDeviceDescr */
	"1.3.6.1.2.1.25.3.2.1.5",  /* hrDeviceStatus */
	"1.3.6.1.2.1.25.3.5.1",    /* hrPrinterStatus, hrPrinterDetectedErrorState */
	"1.3.6.1.2.1.43.5.1.1",    /* prtGeneralTable (serial number) */
	"1.3.6.1.2.1.43.10.2.1.3", /* prtMarkerCounterUnit */
	"1.3.6.1.2.1.43.10.2.1.4", /* prtMarkerLifeCount */
	"1.3.6.1.2.1.43.11.1.1",   /* prtMarkerSuppliesTable */
	"1.3.6.1.2.1.43.12.1.1.4", /* prtMarkerColorantValue */
};

/* Parse texts into an arena array of OIDs. */
static struct snmp_oid *parse_all(const char *const *texts, size_t n, struct arena *a)
{
	struct snmp_oid *oids = arena_alloc(a, n * sizeof *oids);

	if (oids == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (snmp_oid_parse(texts[i], &oids[i]) != 0)
			return NULL; /* the tables above are constant: cannot happen */
	return oids;
}

int printer_snmp_request(struct snmp_job *job, struct arena *a, struct err *e)
{
	const char *gets[SNMP_MAX_GETS];
	size_t n = N_ELEM(standard_gets);

	memcpy(gets, standard_gets, sizeof standard_gets);
	n += printer_reading_identity_oids(gets + n, SNMP_MAX_GETS - n);
	job->gets = parse_all(gets, n, a);
	job->ngets = n;
	job->walks = parse_all(walks, N_ELEM(walks), a);
	job->nwalks = N_ELEM(walks);
	if (job->gets == NULL || job->walks == NULL)
		return err_set(e, ERR_NOMEM, "out of memory building the SNMP request");
	return 0;
}

static const char *versions_tried(const struct snmp_job *job)
{
	if (job->v1_only)
		return "SNMPv1";
	return job->version == 1 ? "SNMPv2c, then SNMPv1" : "SNMPv2c";
}

int printer_snmp_reading(const struct snmp_job *job, bool need_printer_mib, struct arena *a,
			 struct printer_reading *out, struct err *e)
{
	struct snmp_table t;

	switch (job->status) {
	case SNMP_OK:
		break;
	case SNMP_TIMEOUT:
		return err_set(e, ERR_IO, "no SNMP answer from %s:%u (%s; community or address wrong, "
			       "the device is off, or what answers is not SNMP)", job->host,
			       job->port ? job->port : 161,
			       job->v1_only ? "SNMPv1" : "SNMPv2c and SNMPv1");
	case SNMP_ERROR_STATUS:
		return err_set(e, ERR_IO, "SNMP error from %s (%s): %s", job->host,
			       versions_tried(job), job->message);
	case SNMP_BAD_ANSWER:
		return err_set(e, ERR_INVALID, "malformed SNMP answer from %s: %s", job->host,
			       job->message);
	case SNMP_LOCAL_ERROR:
	default:
		return err_set(e, ERR_IO, "cannot poll %s: %s", job->host, job->message);
	}
	snmp_table_init(&t, a);
	for (size_t i = 0; i < job->nvbs; i++)
		if (snmp_table_add(&t, &job->vbs[i]) != 0)
			return err_set(e, ERR_NOMEM, "out of memory reading the answer of %s",
				       job->host);
	printer_read(&t, out);
	if (need_printer_mib && !out->has_printer_mib)
		return err_set(e, ERR_INVALID,
			       "%s answers SNMP but has no Printer-MIB (no supplies, no prtGeneral): "
			       "not a printer, or its printer agent is off", job->host);
	return 0;
}
