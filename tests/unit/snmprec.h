/*
 * snmprec — test-only reader of snmpsim "snmprec" walk files (the *.snmprec files of
 * tests/fixtures/snmprec) into a struct snmp_table. Never part of the product: the fixtures are
 * GPL/BSD test data, and this file is linked into unit tests only.
 *
 * Format (PROTOCOLS.md §8): one record per line, OID|TAG|VALUE, split on the first two '|'
 * only. TAG is the ASN.1 tag number (2 INTEGER, 4 OCTET STRING, 5 NULL, 6 OID, 64 IpAddress,
 * 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64), an 'x' suffix means the
 * value is hex, and ':module' names an snmpsim variation module: only 'writecache' carries a
 * literal ("value=..."); other modules are skipped. Empty lines, '#' comments, invalid OIDs
 * (anonymised "xx" components) and unknown tags are skipped and counted.
 *
 * Where the files are: $SNMPREC_DIR, else tests/fixtures/snmprec of the checkout, found from
 * the test binary's path (build/<variant>/tests/<name>), else from the working directory
 * (the runner starts tests at the top of the checkout).
 */
#ifndef INFRASCOPE_TEST_SNMPREC_H
#define INFRASCOPE_TEST_SNMPREC_H

#include <stddef.h>

#include "err.h"
#include "snmp_value.h"

/* snmprec_dir — the fixture directory (see above); never NULL. */
const char *snmprec_dir(void);

/*
 * snmprec_parse — add the records of text (len bytes) to t. *skipped (may be NULL) counts the
 * lines left out. Returns 0, or the error of snmp_table_add (ERR_NOMEM) with e set.
 */
int snmprec_parse(const char *text, size_t len, struct snmp_table *t, size_t *skipped,
		  struct err *e);

/* snmprec_load — read snmprec_dir()/name and parse it into t. ERR_IO when unreadable. */
int snmprec_load(const char *name, struct snmp_table *t, size_t *skipped, struct err *e);

#endif
