#include "migrate.h"

#include "db.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int migrate_parse_name(const char *file, int *version, char *name, size_t namelen)
{
	size_t n = strlen(file), stem;

	if (n < 10 || strcmp(file + n - 4, ".sql") != 0)
		return ERR_INVALID;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)file[i]))
			return ERR_INVALID;
	if (file[4] != '_')
		return ERR_INVALID;
	stem = n - 4 - 5;
	if (stem == 0 || stem >= namelen)
		return ERR_INVALID;
	for (size_t i = 5; i < n - 4; i++)
		if (!islower((unsigned char)file[i]) && !isdigit((unsigned char)file[i]) && file[i] != '_')
			return ERR_INVALID;
	*version = (file[0] - '0') * 1000 + (file[1] - '0') * 100 + (file[2] - '0') * 10 + (file[3] - '0');
	if (*version == 0)
		return ERR_INVALID;
	memcpy(name, file + 5, stem);
	name[stem] = '\0';
	return 0;
}

void migrate_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		out[0] = '\0';
		return;
	}
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void migrate_files_free(struct migrate_file *files, size_t n)
{
	for (size_t i = 0; i < n && files != NULL; i++)
		free(files[i].sql);
	free(files);
}

static int cmp_file(const void *a, const void *b)
{
	return ((const struct migrate_file *)a)->version - ((const struct migrate_file *)b)->version;
}

static int read_file(const char *path, char **out, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t got;

	if (f == NULL)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	buf = malloc(MIGRATE_MAX_FILE_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	got = fread(buf, 1, MIGRATE_MAX_FILE_BYTES + 1, f);
	if (ferror(f) || got > MIGRATE_MAX_FILE_BYTES) {
		fclose(f);
		free(buf);
		return err_set(e, ERR_INVALID, "%s: unreadable or larger than %u bytes", path,
			       MIGRATE_MAX_FILE_BYTES);
	}
	fclose(f);
	buf[got] = '\0';
	if (strlen(buf) != got) {
		free(buf);
		return err_set(e, ERR_INVALID, "%s: contains a NUL byte", path);
	}
	*out = buf;
	*len = got;
	return 0;
}

int migrate_scan(const char *dir, struct migrate_file **files_out, size_t *n_out, struct err *e)
{
	struct migrate_file *files = NULL;
	size_t n = 0;
	DIR *dp;
	struct dirent *de;
	int rc = 0;

	*files_out = NULL;
	*n_out = 0;
	dp = opendir(dir);
	if (dp == NULL)
		return err_set(e, ERR_IO, "cannot open migration directory %s: %s", dir, strerror(errno));
	files = calloc(MIGRATE_MAX_FILES, sizeof *files);
	if (files == NULL) {
		closedir(dp);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	while ((de = readdir(dp)) != NULL) {
		struct migrate_file *f;
		char path[4096];
		size_t len = 0;

		if (strlen(de->d_name) < 4 || strcmp(de->d_name + strlen(de->d_name) - 4, ".sql") != 0)
			continue;
		if (n >= MIGRATE_MAX_FILES) {
			rc = err_set(e, ERR_LIMIT, "%s: more than %d migration files", dir, MIGRATE_MAX_FILES);
			goto out;
		}
		f = &files[n];
		if (strlen(de->d_name) >= sizeof f->file ||
		    migrate_parse_name(de->d_name, &f->version, f->name, sizeof f->name) != 0) {
			rc = err_set(e, ERR_INVALID, "%s/%s: migration files are named NNNN_name.sql "
				     "(four digits from 0001, then [a-z0-9_])", dir, de->d_name);
			goto out;
		}
		memcpy(f->file, de->d_name, strlen(de->d_name) + 1); /* length checked above */
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		n++;
		rc = read_file(path, &f->sql, &len, e);
		if (rc != 0)
			goto out;
		migrate_sha256_hex(f->sql, len, f->checksum);
	}
	qsort(files, n, sizeof *files, cmp_file);
	for (size_t i = 1; i < n; i++) {
		if (files[i].version == files[i - 1].version) {
			rc = err_set(e, ERR_INVALID, "%s and %s have the same version number",
				     files[i - 1].file, files[i].file);
			goto out;
		}
	}
	*files_out = files;
	*n_out = n;
	files = NULL;
out:
	closedir(dp);
	migrate_files_free(files, n);
	return rc;
}

long migrate_plan(const struct migrate_file *files, size_t nfiles,
		  const struct migrate_applied *applied, size_t napplied,
		  struct migrate_entry **entries_out)
{
	struct migrate_entry *entries = calloc(nfiles + napplied + 1, sizeof *entries);
	size_t i = 0, j = 0, k = 0;

	*entries_out = NULL;
	if (entries == NULL)
		return -1;
	/* Both inputs are sorted by version: merge them. */
	while (i < nfiles || j < napplied) {
		struct migrate_entry *en = &entries[k++];
		bool take_file = j >= napplied || (i < nfiles && files[i].version <= applied[j].version);
		bool take_row = i >= nfiles || (j < napplied && applied[j].version <= files[i].version);

		if (take_file && take_row) {
			en->version = files[i].version;
			snprintf(en->name, sizeof en->name, "%s", files[i].name);
			snprintf(en->checksum_file, sizeof en->checksum_file, "%s", files[i].checksum);
			snprintf(en->checksum_db, sizeof en->checksum_db, "%s", applied[j].checksum);
			snprintf(en->applied_at, sizeof en->applied_at, "%s", applied[j].applied_at);
			en->file = &files[i];
			en->state = strcmp(files[i].checksum, applied[j].checksum) == 0 ? MIGRATE_APPLIED
											 : MIGRATE_CHANGED;
			i++;
			j++;
		} else if (take_file) {
			en->version = files[i].version;
			snprintf(en->name, sizeof en->name, "%s", files[i].name);
			snprintf(en->checksum_file, sizeof en->checksum_file, "%s", files[i].checksum);
			en->file = &files[i];
			en->state = MIGRATE_PENDING;
			i++;
		} else {
			en->version = applied[j].version;
			snprintf(en->name, sizeof en->name, "%s", applied[j].name);
			snprintf(en->checksum_db, sizeof en->checksum_db, "%s", applied[j].checksum);
			snprintf(en->applied_at, sizeof en->applied_at, "%s", applied[j].applied_at);
			en->state = MIGRATE_MISSING;
			j++;
		}
	}
	*entries_out = entries;
	return (long)k;
}

static int table_exists(struct db *db, bool *exists, struct err *e)
{
	PGresult *r;
	int rc = db_exec(db, "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL, &r, e);

	if (rc != 0)
		return rc;
	*exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return 0;
}

int migrate_load_applied(struct db *db, struct migrate_applied **rows_out, size_t *n_out,
			 struct err *e)
{
	struct migrate_applied *rows;
	PGresult *r;
	bool exists;
	int rc, nt;

	*rows_out = NULL;
	*n_out = 0;
	rc = table_exists(db, &exists, e);
	if (rc != 0 || !exists)
		return rc;
	rc = db_exec(db,
		     "SELECT version, name, checksum, "
		     "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\"') "
		     "FROM schema_migrations ORDER BY version",
		     0, NULL, &r, e);
	if (rc != 0)
		return rc;
	nt = PQntuples(r);
	rows = calloc((size_t)nt + 1, sizeof *rows);
	if (rows == NULL) {
		PQclear(r);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < nt; i++) {
		rows[i].version = (int)db_get_int64(r, i, 0, 0);
		snprintf(rows[i].name, sizeof rows[i].name, "%s", PQgetvalue(r, i, 1));
		snprintf(rows[i].checksum, sizeof rows[i].checksum, "%s", PQgetvalue(r, i, 2));
		snprintf(rows[i].applied_at, sizeof rows[i].applied_at, "%s", PQgetvalue(r, i, 3));
	}
	PQclear(r);
	*rows_out = rows;
	*n_out = (size_t)nt;
	return 0;
}

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static int apply_one(struct db *db, const struct migrate_file *f, double *ms, struct err *e)
{
	char version[16], duration[32];
	const char *params[5];
	struct timespec start;
	struct err inner;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = db_begin(db, e);
	if (rc != 0)
		return rc;
	rc = db_exec_script(db, f->sql, &inner);
	if (rc != 0) {
		db_rollback(db);
		return err_set(e, rc, "%s failed and was rolled back: %s", f->file, inner.msg);
	}
	*ms = elapsed_ms(&start);
	snprintf(version, sizeof version, "%d", f->version);
	snprintf(duration, sizeof duration, "%.0f", *ms);
	params[0] = version;
	params[1] = f->name;
	params[2] = f->checksum;
	params[3] = duration;
	rc = db_exec(db,
		     "INSERT INTO schema_migrations (version, name, checksum, execution_ms) "
		     "VALUES ($1, $2, $3, $4)",
		     4, params, NULL, &inner);
	if (rc == 0)
		rc = db_commit(db, &inner);
	if (rc != 0) {
		db_rollback(db);
		return err_set(e, rc, "%s could not be recorded and was rolled back: %s", f->file,
			       inner.msg);
	}
	return 0;
}

/* Refuse to go on when the database holds a migration the files no longer match. */
static int verify(const struct migrate_entry *entries, long n, struct err *e)
{
	for (long i = 0; i < n; i++) {
		const struct migrate_entry *en = &entries[i];

		if (en->state == MIGRATE_CHANGED)
			return err_set(e, ERR_CONFLICT,
				       "migration %04d_%s.sql was changed after it was applied on %s "
				       "(recorded sha256 %.12s…, file now %.12s…); restore the file and "
				       "put the change in a new migration",
				       en->version, en->name, en->applied_at, en->checksum_db,
				       en->checksum_file);
		if (en->state == MIGRATE_MISSING)
			return err_set(e, ERR_CONFLICT,
				       "migration %04d_%s was applied on %s but its file is missing from "
				       "SQL_DIR (is this an older release than the database?)",
				       en->version, en->name, en->applied_at);
	}
	return 0;
}

int migrate_run(struct db *db, const struct migrate_file *files, size_t n,
		migrate_progress_fn progress, void *arg, int *applied_count, struct err *e)
{
	struct migrate_applied *rows = NULL;
	struct migrate_entry *entries = NULL;
	size_t nrows = 0;
	long nentries;
	char key[24];
	const char *params[1] = { key };
	int rc;

	*applied_count = 0;
	snprintf(key, sizeof key, "%lld", (long long)MIGRATE_LOCK_KEY);
	/* Wait for a concurrent run rather than fail: afterwards there is simply less to do. */
	rc = db_exec(db, "SELECT pg_advisory_lock($1::bigint)", 1, params, NULL, e);
	if (rc != 0)
		return rc;
	/* All errors after this point jump to out, which releases the lock. */
	rc = db_exec(db, "SET statement_timeout = 0", 0, NULL, NULL, e);
	if (rc != 0)
		goto out;
	rc = db_exec(db,
		     "CREATE TABLE IF NOT EXISTS schema_migrations ("
		     " version integer PRIMARY KEY CHECK (version > 0),"
		     " name text NOT NULL,"
		     " checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),"
		     " applied_at timestamptz NOT NULL DEFAULT now(),"
		     " execution_ms integer NOT NULL DEFAULT 0)",
		     0, NULL, NULL, e);
	if (rc != 0)
		goto out;
	rc = migrate_load_applied(db, &rows, &nrows, e);
	if (rc != 0)
		goto out;
	nentries = migrate_plan(files, n, rows, nrows, &entries);
	if (nentries < 0) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = verify(entries, nentries, e);
	if (rc != 0)
		goto out;
	for (long i = 0; i < nentries; i++) {
		double ms = 0;

		if (entries[i].state != MIGRATE_PENDING)
			continue;
		rc = apply_one(db, entries[i].file, &ms, e);
		if (rc != 0)
			goto out;
		(*applied_count)++;
		if (progress != NULL)
			progress(entries[i].file, ms, arg);
	}
out:
	/* If the connection died, the session lock died with it. */
	db_advisory_unlock(db, MIGRATE_LOCK_KEY, NULL);
	free(rows);
	free(entries);
	return rc;
}

int migrate_schema_version(struct db *db, int *version, struct err *e)
{
	PGresult *r;
	int rc = db_exec(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL, &r, e);

	*version = 0;
	if (rc != 0) {
		/* 42P01: the table does not exist yet — nothing migrated, but the database is up. */
		if (strcmp(db_sqlstate(db), "42P01") == 0) {
			err_clear(e);
			return 0;
		}
		return rc;
	}
	*version = (int)db_get_int64(r, 0, 0, 0);
	PQclear(r);
	return 0;
}
