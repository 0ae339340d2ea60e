/*
 * metrics_process — the standard process_* metrics (Prometheus client conventions) read from
 * /proc/self: CPU seconds, resident and virtual memory, open and maximum file descriptors,
 * threads and start time. Register once, collect just before each render.
 */
#ifndef INFRASCOPE_METRICS_PROCESS_H
#define INFRASCOPE_METRICS_PROCESS_H

#include "err.h"

struct metrics_registry;

/* metrics_process_register — add the process_* families to r. Returns 0 or ERR_* with e. */
int metrics_process_register(struct metrics_registry *r, struct err *e);

/* metrics_process_collect — refresh them from /proc/self (best effort; missing files skip). */
void metrics_process_collect(void);

#endif
