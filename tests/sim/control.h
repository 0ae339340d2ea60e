/*
 * control — the simulator's line commands (test code). One command in, one line out:
 * "ok [key=value ...]" or "error <why>". No I/O: the caller reads lines from the control
 * socket and writes the answers back, so the commands are unit-testable.
 *
 * ADDRESS is A.B.C.D[:PORT] (the default port when omitted); where marked [sel], it may also
 * be a prefix A.B.C.D/NN (every device inside, any port) to act on a whole store at once.
 *
 *   set [sel]ADDRESS OID TYPE VALUE   the device answers VALUE (rest of the line; "" = empty)
 *   unset [sel]ADDRESS OID            the OID is absent (walks skip it, GET: noSuch...)
 *   revert [sel]ADDRESS OID           forget the device's own value: the walk's is back
 *   reset [sel]ADDRESS                all of the device's own values and states cleared
 *   silent [sel]ADDRESS on|off        drop every request
 *   garbage [sel]ADDRESS on|off|random|truncated|wrongid|badber|badvalue
 *   delay [sel]ADDRESS MS             answer MS milliseconds late (0: at once)
 *   reboot [sel]ADDRESS               sysUpTime.0 starts again from 0
 *   move ADDRESS NEWADDRESS           answer at NEWADDRESS only (same data, same MAC)
 *   add ADDRESS COMMUNITY FILE [key=value ...]   a new device (fleet-file syntax)
 *   remove ADDRESS                    the device is gone
 *   show ADDRESS                      its settings and counters
 *   stats                             the simulator's counters, devices and memory
 *   ping, help
 */
#ifndef SIM_CONTROL_H
#define SIM_CONTROL_H

#include "fleet.h"

#include <stddef.h>

/* ctl_exec: run one command LINE (no newline needed) on F; the answer goes to OUT (always
 * NUL-terminated, no newline). Returns 0 when the answer is "ok ...", -1 for "error ...". */
int ctl_exec(struct fleet *f, const char *line, char *out, size_t outlen);

#endif
