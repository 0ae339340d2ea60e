/*
 * printer_snmp — what InfraScope asks a printer over SNMP, and its answer as a reading.
 *
 * printer_snmp_request() fills a struct snmp_job (lib/snmp.h) with the scalars (system group,
 * the vendor identity OIDs of PROTOCOLS.md §1.8) and the subtrees (ifTable columns,
 * hrDeviceTable, hrPrinterTable, prtGeneral, prtMarker counters, the supplies and colorant
 * tables) that printer_read() interprets. printer_snmp_reading() turns the finished job into a
 * struct printer_reading, or into a per-device error a technician can act on. No sockets here:
 * the caller runs the job with snmp_run().
 */
#ifndef INFRASCOPE_PRINTER_SNMP_H
#define INFRASCOPE_PRINTER_SNMP_H

#include <stdbool.h>

#include "err.h"

struct arena;
struct snmp_job;
struct printer_reading;

/*
 * printer_snmp_request — set job->gets/ngets and job->walks/nwalks (the OID arrays live in a;
 * the job's other fields are left alone). Returns 0 or ERR_NOMEM.
 */
int printer_snmp_request(struct snmp_job *job, struct arena *a, struct err *e);

/*
 * printer_snmp_reading — interpret a job run with printer_snmp_request()'s OIDs.
 * need_printer_mib: a device without Printer-MIB data is an error (laser printers); label
 * printers pass false and get the identity alone.
 * Returns 0 with *out filled, or:
 *   ERR_IO       the device did not answer, or answered with an SNMP error (e->msg says which,
 *                with the address and the versions tried);
 *   ERR_INVALID  it answered nonsense, or (need_printer_mib) it has no Printer-MIB.
 */
int printer_snmp_reading(const struct snmp_job *job, bool need_printer_mib, struct arena *a,
			 struct printer_reading *out, struct err *e);

#endif
