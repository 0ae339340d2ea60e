/*
 * migrate — schema migrations from sql/NNNN_name.sql, applied in order.
 *
 * Each pending file runs in its own transaction together with the row that records it
 * (version, name, SHA-256 of the file) in schema_migrations, so a file is either applied and
 * recorded or not applied at all. Before applying anything, every recorded migration is
 * compared with its file: a changed checksum or a missing file stops the run (the database
 * and the code disagree, and guessing would corrupt data). Runs are serialised by an advisory
 * lock, so two starts at once apply each file once. Files must not contain BEGIN/COMMIT.
 */
#ifndef INFRASCOPE_MIGRATE_H
#define INFRASCOPE_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct db;

#define MIGRATE_MAX_FILES 1000
#define MIGRATE_MAX_FILE_BYTES (4u << 20)
#define MIGRATE_LOCK_KEY 0x696e667261736d31LL /* "infrasm1" */

struct migrate_file {
	int version;
	char name[96];          /* "inventory" for 0001_inventory.sql */
	char file[128];         /* "0001_inventory.sql" */
	char checksum[65];      /* SHA-256, hex */
	char *sql;              /* file contents, NUL-terminated (malloc'd) */
};

enum migrate_state {
	MIGRATE_APPLIED,        /* recorded and the file matches */
	MIGRATE_PENDING,        /* file present, not recorded */
	MIGRATE_CHANGED,        /* recorded with another checksum */
	MIGRATE_MISSING,        /* recorded, no file */
};

struct migrate_entry {
	int version;
	char name[96];
	enum migrate_state state;
	char checksum_file[65];
	char checksum_db[65];
	char applied_at[40];
	const struct migrate_file *file;  /* NULL when MISSING */
};

struct migrate_applied {
	int version;
	char name[96];
	char checksum[65];
	char applied_at[40];
};

/*
 * migrate_parse_name — "0001_inventory.sql" → version 1, name "inventory". Returns 0, or
 * ERR_INVALID for a .sql file not named NNNN_[a-z0-9_]+.sql (pure).
 */
int migrate_parse_name(const char *file, int *version, char *name, size_t namelen);

/* migrate_sha256_hex — SHA-256 of data as 64 hex digits + NUL into out. */
void migrate_sha256_hex(const void *data, size_t len, char out[65]);

/*
 * migrate_scan — read every *.sql file of dir, sorted by version. Returns 0 with *files
 * (malloc'd array; free with migrate_files_free) and *n, or ERR_IO/ERR_INVALID with e naming
 * the file (bad name, duplicate version, too large, unreadable).
 */
int migrate_scan(const char *dir, struct migrate_file **files, size_t *n, struct err *e);
void migrate_files_free(struct migrate_file *files, size_t n);

/*
 * migrate_plan — merge files and recorded rows into entries sorted by version (pure).
 * *entries is malloc'd (caller frees). Returns the number of entries, or -1 when out of memory.
 */
long migrate_plan(const struct migrate_file *files, size_t nfiles,
		  const struct migrate_applied *applied, size_t napplied,
		  struct migrate_entry **entries);

/* migrate_load_applied — the rows of schema_migrations (creating the table when absent). */
int migrate_load_applied(struct db *db, struct migrate_applied **rows, size_t *n, struct err *e);

/* Callback told about each file as it is applied (for progress output). */
typedef void (*migrate_progress_fn)(const struct migrate_file *f, double ms, void *arg);

/*
 * migrate_run — take the lock, verify recorded migrations against files, apply the pending
 * ones in order. *applied_count tells how many were applied. Returns 0; ERR_CONFLICT when a
 * recorded migration changed or is missing (e names it; nothing applied); ERR_DB/ERR_DB_DOWN
 * when a file failed (e names the file and PostgreSQL's message; that file rolled back, earlier
 * ones stay applied).
 */
int migrate_run(struct db *db, const struct migrate_file *files, size_t n,
		migrate_progress_fn progress, void *arg, int *applied_count, struct err *e);

/* migrate_schema_version — highest recorded version, 0 when none or no table. */
int migrate_schema_version(struct db *db, int *version, struct err *e);

#endif
