/*
 * history — thinning of the sample tables (SPEC §1 "Status history"): device_samples and
 * supply_samples keep every sample for 7 days, one per hour up to 90 days, one per day after
 * that. The sample kept in a bucket is the most telling one: for up/down the first down
 * sample if there was any (an outage must not vanish from the availability history), for
 * supplies the last of the bucket (the level it ended at). Run daily by
 * `infrascope-housekeeping --thin-history`; idempotent; safe next to the pollers.
 */
#ifndef INFRASCOPE_HISTORY_H
#define INFRASCOPE_HISTORY_H

#include "err.h"

struct db;

struct history_thinned {
	long device_samples, supply_samples;    /* rows deleted */
};

int history_thin(struct db *db, struct history_thinned *out, struct err *e);

#endif
