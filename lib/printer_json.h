/*
 * printer_json — a struct printer_reading as the JSON that `infrascope-poll --probe --json`
 * prints and the API serves:
 *
 *   { "supplies": [ { "index", "description", "type", "class", "max", "level", "state",
 *                     "percent", "colour" [, "fullness" for receptacles] } ... ],
 *     "colours":  { "black" | "cyan" | "magenta" | "yellow": { "percent", "name" } },
 *     "status":   { "device", "printer", "errors": [ ... ], "severity" },
 *     "model", "serial", "firmware", "page_count", "mac" }
 *
 * "type" and "class" are the effective values: when the printer left the Type or Class column
 * out they are inferred from the description (docs/PRINTERS.md, rule 8); "max" and "level" are
 * always the raw values (-2 unknown, -3 some remaining, ...). "percent" is the remaining
 * supply, or the free space of a receptacle, whose "fullness" is 100 - percent.
 * Only the colours a toner/ink supply has appear under "colours". A value the printer did
 * not give is null: "percent" and "fullness" without a number, "max"/"level" when the column
 * was absent, "type" for a value outside the IANA list, "colour" when none was found, and
 * empty model/serial/firmware/mac. Numbers use lib/json.h formatting (95.8, not 95.799999).
 */
#ifndef INFRASCOPE_PRINTER_JSON_H
#define INFRASCOPE_PRINTER_JSON_H

#include <json-c/json.h>

struct printer_reading;

/*
 * printer_reading_to_json — the object above. Returns a new reference the caller puts
 * (json_object_put), or NULL when out of memory.
 */
json_object *printer_reading_to_json(const struct printer_reading *r);

#endif
