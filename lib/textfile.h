/*
 * textfile — replace a node_exporter textfile (dir/NAME.prom) atomically, so the textfile
 * collector, which reads every *.prom of its directory on each scrape, sees the old file or
 * the new one and never half of one (PROTOCOLS.md §7.1).
 *
 * textfile_write() creates the directory when it is missing (mode 0755, parents too), writes
 * the data into a new temporary file of that directory whose name starts with '.' and does not
 * end in ".prom" (so the collector never reads it), sets its mode to 0644 whatever the umask,
 * fsyncs it, renames it over dir/NAME.prom and fsyncs the directory. On any failure the
 * temporary file is removed and an existing dir/NAME.prom is left as it was.
 *
 * Content rules (the collector's) are the caller's: text format, last line ending in '\n', no
 * client-side timestamps. Data is bounded by TEXTFILE_MAX_BYTES.
 */
#ifndef INFRASCOPE_TEXTFILE_H
#define INFRASCOPE_TEXTFILE_H

#include <stddef.h>

#include "err.h"

/* Largest textfile written: far above 10,000 printers × their series. */
#define TEXTFILE_MAX_BYTES ((size_t)64 << 20)

/*
 * textfile_write — write len bytes of data as dir/name atomically.
 * dir: non-empty path (absolute or relative); name: "STEM.prom" without '/', not starting with
 * '.', at most 200 bytes. Returns 0; ERR_INVALID (bad dir or name), ERR_LIMIT (len above
 * TEXTFILE_MAX_BYTES) or ERR_IO (the failing step, the path and strerror in e).
 */
int textfile_write(const char *dir, const char *name, const char *data, size_t len,
		   struct err *e);

/*
 * textfile_read — the current content of dir/name, NUL-terminated, in a malloc'd buffer the
 * caller frees (*len bytes, not counting the NUL; len may be NULL). Reads at most
 * TEXTFILE_MAX_BYTES. Returns 0, ERR_NOTFOUND when the file does not exist, ERR_LIMIT when
 * it is larger, ERR_INVALID or ERR_IO.
 */
int textfile_read(const char *dir, const char *name, char **data, size_t *len, struct err *e);

#endif
