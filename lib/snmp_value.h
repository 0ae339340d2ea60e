/*
 * snmp_value — the neutral representation of SNMP data shared by the SNMP engine and the pure
 * modules that interpret what it gathered (printer_reading, and later ports, classify, ...).
 *
 * Nothing here speaks SNMP on the wire: an OID is an array of sub-identifiers, a varbind is an
 * OID with a typed value, and a table is the set of varbinds gathered from one device, kept
 * sorted by OID so that a GET is a binary search and a walk of a subtree is a contiguous range.
 *
 * Ownership: a struct snmp_table lives in one arena (lib/arena.h) given at snmp_table_init().
 * snmp_table_add() copies the varbind and its bytes into that arena, so the caller's buffers
 * (a net-snmp PDU, a line of a fixture file) may be freed right after the call. Everything the
 * table hands out (varbind pointers, byte pointers) stays valid until the arena is reset or
 * freed. A struct snmp_varbind filled by the caller for snmp_table_add() may point at
 * caller-owned bytes; only the copy inside the table is arena-owned.
 *
 * Bounds: an OID has at most SNMP_OID_MAX_LEN sub-identifiers (net-snmp's MAX_OID_LEN); the
 * table grows only as far as the arena's limit allows (ERR_NOMEM beyond it).
 */
#ifndef INFRASCOPE_SNMP_VALUE_H
#define INFRASCOPE_SNMP_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;

#define SNMP_OID_MAX_LEN 128
/* Longest text form: 128 sub-identifiers of up to 10 digits, 127 dots, the NUL. */
#define SNMP_OID_TEXT_MAX (SNMP_OID_MAX_LEN * 11 + 1)

struct snmp_oid {
	uint32_t sub[SNMP_OID_MAX_LEN];
	size_t len;
};

/*
 * snmp_oid_parse — parse dotted text ("1.3.6.1.2.1.1.1.0", a leading dot allowed) into *out.
 * Every component is 1-10 decimal digits no larger than 2^32-1, separated by single dots;
 * 1..SNMP_OID_MAX_LEN components. Returns 0, or ERR_INVALID (out is then empty).
 * snmp_oid_parse_n reads exactly n bytes of text (no NUL needed).
 */
int snmp_oid_parse(const char *text, struct snmp_oid *out);
int snmp_oid_parse_n(const char *text, size_t n, struct snmp_oid *out);

/*
 * snmp_oid_format — write the dotted form without a leading dot into buf (size bytes, always
 * NUL-terminated when size > 0). Returns 0, or ERR_LIMIT when buf was too small (the text is
 * then cut). A buffer of SNMP_OID_TEXT_MAX bytes always suffices. An empty OID prints "".
 */
int snmp_oid_format(const struct snmp_oid *oid, char *buf, size_t size);

/* snmp_oid_cmp — <0, 0, >0 in the order of a MIB walk (a prefix sorts before its children). */
int snmp_oid_cmp(const struct snmp_oid *a, const struct snmp_oid *b);

/* snmp_oid_equal — same sub-identifiers, same length. */
bool snmp_oid_equal(const struct snmp_oid *a, const struct snmp_oid *b);

/* snmp_oid_has_prefix — true when oid starts with prefix (an OID is its own prefix). */
bool snmp_oid_has_prefix(const struct snmp_oid *oid, const struct snmp_oid *prefix);

/* snmp_oid_set — copy n sub-identifiers into out. Returns 0, or ERR_LIMIT when n is too big. */
int snmp_oid_set(struct snmp_oid *out, const uint32_t *sub, size_t n);

/* snmp_oid_append — add one sub-identifier. Returns 0, or ERR_LIMIT when the OID is full. */
int snmp_oid_append(struct snmp_oid *oid, uint32_t sub);

/* The value types of SNMPv2c (RFC 3416), plus the three per-varbind exceptions. */
enum snmp_type {
	SNMP_TYPE_INTEGER = 1,      /* Integer32 / INTEGER enumerations: .integer */
	SNMP_TYPE_OCTET_STRING,     /* .bytes / .len */
	SNMP_TYPE_NULL,
	SNMP_TYPE_OID,              /* .oid_value */
	SNMP_TYPE_IPADDRESS,        /* .bytes / .len (4 bytes when well-formed) */
	SNMP_TYPE_COUNTER32,        /* .integer, 0..2^32-1 */
	SNMP_TYPE_GAUGE32,          /* .integer, 0..2^32-1 */
	SNMP_TYPE_TIMETICKS,        /* .integer, 0..2^32-1 hundredths of a second */
	SNMP_TYPE_OPAQUE,           /* .bytes / .len */
	SNMP_TYPE_COUNTER64,        /* .counter64 */
	SNMP_TYPE_NO_SUCH_OBJECT,
	SNMP_TYPE_NO_SUCH_INSTANCE,
	SNMP_TYPE_END_OF_MIB_VIEW,
};

struct snmp_varbind {
	struct snmp_oid oid;
	enum snmp_type type;
	int64_t integer;              /* INTEGER, Counter32, Gauge32, TimeTicks */
	uint64_t counter64;           /* Counter64 */
	const unsigned char *bytes;   /* OCTET STRING, IpAddress, Opaque; not NUL-terminated */
	size_t len;
	struct snmp_oid oid_value;    /* OBJECT IDENTIFIER */
};

/* snmp_type_name — "INTEGER", "OCTET STRING", "Counter32", ... ; "?" for a bad value. */
const char *snmp_type_name(enum snmp_type type);

/* snmp_varbind_is_exception — noSuchObject, noSuchInstance or endOfMibView. */
bool snmp_varbind_is_exception(const struct snmp_varbind *vb);

/*
 * snmp_varbind_int — the numeric value of an INTEGER, Counter32, Gauge32, TimeTicks or a
 * Counter64 no larger than INT64_MAX. Returns 0 and sets *out, or ERR_INVALID for any other
 * type (out untouched). vb may be NULL (ERR_INVALID).
 */
int snmp_varbind_int(const struct snmp_varbind *vb, int64_t *out);

/*
 * snmp_varbind_bytes — the bytes of an OCTET STRING (or Opaque/IpAddress). Returns 0 and sets
 * *p and *n, or ERR_INVALID for another type or a NULL vb.
 */
int snmp_varbind_bytes(const struct snmp_varbind *vb, const unsigned char **p, size_t *n);

/*
 * struct snmp_table — varbinds sorted by OID, one per OID. Treat the fields as read-only; use
 * the functions below. items[i] points at an arena-owned copy.
 */
struct snmp_table {
	struct arena *arena;
	struct snmp_varbind **items;
	size_t n;
	size_t cap;
};

/* snmp_table_init — an empty table whose storage comes from arena a (not owned). */
void snmp_table_init(struct snmp_table *t, struct arena *a);

/*
 * snmp_table_add — copy vb (and its bytes) into the table at its sorted place. A varbind with
 * an OID already present replaces the earlier one (the newest answer wins). Appending in
 * increasing OID order, as a walk does, costs O(1); an out-of-order add moves pointers.
 * Returns 0, ERR_INVALID for an empty OID, or ERR_NOMEM when the arena refuses.
 */
int snmp_table_add(struct snmp_table *t, const struct snmp_varbind *vb);

/* Convenience wrappers around snmp_table_add for the common value types. */
int snmp_table_add_int(struct snmp_table *t, const struct snmp_oid *oid, enum snmp_type type,
		       int64_t value);
int snmp_table_add_bytes(struct snmp_table *t, const struct snmp_oid *oid, enum snmp_type type,
			 const void *bytes, size_t len);
int snmp_table_add_oid(struct snmp_table *t, const struct snmp_oid *oid,
		       const struct snmp_oid *value);

/* snmp_table_count / snmp_table_at — size and the i-th varbind in OID order (NULL past end). */
size_t snmp_table_count(const struct snmp_table *t);
const struct snmp_varbind *snmp_table_at(const struct snmp_table *t, size_t i);

/* snmp_table_get — the varbind with exactly this OID, or NULL. O(log n). */
const struct snmp_varbind *snmp_table_get(const struct snmp_table *t, const struct snmp_oid *oid);

/*
 * snmp_table_get_sub — like snmp_table_get for the OID base.<a[0]>...<a[n-1]> (a GET of one
 * instance below a column). NULL when absent or when the OID would be too long.
 */
const struct snmp_varbind *snmp_table_get_sub(const struct snmp_table *t,
					      const struct snmp_oid *base, const uint32_t *a,
					      size_t n);

/*
 * snmp_table_walk — the varbinds below prefix (strictly longer OIDs that start with it, as a
 * walk of that subtree returns them) are items first..first+count-1, in OID order.
 * Returns count and sets *first (to where the range would start when count is 0). O(log n).
 */
size_t snmp_table_walk(const struct snmp_table *t, const struct snmp_oid *prefix, size_t *first);

#endif
