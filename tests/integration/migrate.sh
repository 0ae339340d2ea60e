# infrascope-migrate against the test database: idempotent, refuses changed or missing
# files, reports its state, one transaction per file; on a fresh database it also creates
# the first administrator (FIRST_SUPERUSER_EMAIL / _PASSWORD, or a generated password).
. "$(dirname "$0")/lib.sh"

rows() { psql_app "SELECT count(*) FROM schema_migrations"; }
files=$(ls "$REPO"/sql/[0-9][0-9][0-9][0-9]_*.sql | wc -l)
check "there are at least the three migrations of inventory, events and accounts" test "$files" -ge 3

expect_eq "the stack's database holds every migration" "$(rows)" "$files"
out=$("$MIGRATE_BIN" 2>/dev/null)
expect_eq "a second run exits 0" "$?" 0
expect_match "and applies nothing" "$out" '^nothing to apply: schema is at version [0-9]+$'
expect_eq "and records nothing new" "$(rows)" "$files"

out=$("$MIGRATE_BIN" --status 2>/dev/null)
expect_eq "--status exits 0 when all is applied" "$?" 0
expect_eq "--status lists every migration as applied" "$(printf '%s\n' "$out" | grep -c ' applied ')" "$files"

# A changed file: refused before anything else happens.
cp -r "$REPO/sql" "$T_TMP/sql-changed"
first=$(ls "$T_TMP"/sql-changed/0001_*.sql)
echo "-- an innocent-looking edit" >>"$first"
out=$(SQL_DIR="$T_TMP/sql-changed" "$MIGRATE_BIN" 2>&1)
expect_eq "an edited applied migration is refused (exit 65)" "$?" 65
expect_match "naming the file and what to do" "$out" "migration $(basename "$first") was changed after it was applied.*new migration"
out=$(SQL_DIR="$T_TMP/sql-changed" "$MIGRATE_BIN" --status 2>&1)
expect_eq "--status exits 65 too" "$?" 65
expect_match "--status marks it CHANGED" "$out" 'CHANGED'

# A changed file blocks even a new migration behind it.
echo "CREATE TABLE migrate_test_blocked (id int);" >"$T_TMP/sql-changed/9998_blocked.sql"
SQL_DIR="$T_TMP/sql-changed" "$MIGRATE_BIN" >/dev/null 2>&1
expect_eq "nothing is applied while a recorded file differs" \
	"$(psql_app "SELECT to_regclass('migrate_test_blocked') IS NULL")" t

# A missing file: the database is newer than the code.
mkdir -p "$T_TMP/sql-missing"
cp "$REPO"/sql/0001_*.sql "$T_TMP/sql-missing/"
out=$(SQL_DIR="$T_TMP/sql-missing" "$MIGRATE_BIN" 2>&1)
expect_eq "a missing applied migration is refused (exit 65)" "$?" 65
expect_match "naming it" "$out" 'its file is missing'

# A misnamed file is refused before touching the database.
cp -r "$REPO/sql" "$T_TMP/sql-misnamed"
echo "SELECT 1;" >"$T_TMP/sql-misnamed/5-oops.sql"
out=$(SQL_DIR="$T_TMP/sql-misnamed" "$MIGRATE_BIN" 2>&1)
expect_eq "a misnamed migration file is refused (exit 65)" "$?" 65
expect_match "with the naming rule" "$out" 'NNNN_name.sql'

# A failing migration rolls back completely and is not recorded.
cp -r "$REPO/sql" "$T_TMP/sql-failing"
printf 'CREATE TABLE migrate_test_partial (id int);\nSELECT no_such_function();\n' >"$T_TMP/sql-failing/9999_failing.sql"
out=$(SQL_DIR="$T_TMP/sql-failing" "$MIGRATE_BIN" 2>&1)
expect_eq "a failing migration exits 70" "$?" 70
expect_match "naming the file and PostgreSQL's reason" "$out" '9999_failing.sql failed and was rolled back: function no_such_function\(\) does not exist'
expect_eq "its first statement was rolled back too" "$(psql_app "SELECT to_regclass('migrate_test_partial') IS NULL")" t
expect_eq "and it is not recorded" "$(rows)" "$files"

# A good new migration is applied once, recorded with its checksum, then left alone.
cp -r "$REPO/sql" "$T_TMP/sql-new"
echo "CREATE TABLE migrate_test_new (id int);" >"$T_TMP/sql-new/9999_new_table.sql"
out=$(SQL_DIR="$T_TMP/sql-new" "$MIGRATE_BIN" 2>/dev/null)
expect_match "a new migration is applied" "$out" 'applied 9999_new_table.sql'
expect_eq "and recorded with its sha256" "$(psql_app "SELECT checksum FROM schema_migrations WHERE version = 9999")" \
	"$(sha256sum "$T_TMP/sql-new/9999_new_table.sql" | cut -d' ' -f1)"
out=$(SQL_DIR="$T_TMP/sql-new" "$MIGRATE_BIN" 2>/dev/null)
expect_match "and not applied again" "$out" '^nothing to apply: schema is at version 9999$'

# Two runs at once: the advisory lock lets each file apply exactly once.
psql_app "DELETE FROM schema_migrations WHERE version = 9999; DROP TABLE migrate_test_new" >/dev/null
echo "CREATE TABLE migrate_test_race (id int);" >"$T_TMP/sql-new/9997_race.sql"
SQL_DIR="$T_TMP/sql-new" "$MIGRATE_BIN" >"$T_TMP/race1" 2>&1 &
p1=$!
SQL_DIR="$T_TMP/sql-new" "$MIGRATE_BIN" >"$T_TMP/race2" 2>&1 &
p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
expect_eq "two concurrent runs both succeed" "$r1$r2" 00
expect_eq "each file was applied by exactly one of them" \
	"$(cat "$T_TMP/race1" "$T_TMP/race2" | grep -c '^applied 999[79]_')" 2

# Leave the shared database as the other tests expect it.
psql_app "DELETE FROM schema_migrations WHERE version >= 9997; DROP TABLE IF EXISTS migrate_test_new, migrate_test_race" >/dev/null
expect_eq "cleanup restored the migration list" "$(rows)" "$files"

# ---- a fresh database: every migration, then the first administrator ----
# fresh_db NAME: a new empty database owned by the app's role; prints its URL.
fresh_db() {
	pg_psql postgres -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 OWNER infrascope" >/dev/null
	printf 'postgresql:///%s?host=%s&port=%s&user=infrascope\n' "$1" "$STACK/pg" "$PG_PORT"
}
# fresh_psql URL SQL
fresh_psql() {
	psql -X -q -At -d "$1" -v ON_ERROR_STOP=1 -c "$2"
}

url=$(fresh_db migrate_fresh)
out=$(DATABASE_URL="$url" FIRST_SUPERUSER_EMAIL=first@test.local FIRST_SUPERUSER_PASSWORD=First-Admin-Pass-1 \
	"$MIGRATE_BIN" 2>&1)
expect_eq "a fresh database migrates (exit 0)" "$?" 0
expect_eq "applying every file" "$(printf '%s\n' "$out" | grep -c '^applied [0-9]\{4\}_')" "$files"
expect_match "including the accounts" "$out" '^applied 0003_accounts\.sql'
expect_match "then creates the first administrator" "$out" '^created the first administrator: first@test\.local$'
expect_no_match "and, its password being set, prints none" "$out" 'password'
expect_eq "an active admin" "$(fresh_psql "$url" "SELECT role || ',' || is_active FROM users WHERE email = 'first@test.local'")" "admin,true"
expect_match "with an Argon2id hash" "$(fresh_psql "$url" "SELECT password_hash FROM users WHERE email = 'first@test.local'")" \
	'^\$argon2id\$v=19\$m=19456,t=2,p=1\$'
expect_eq "its creation is in the event log" \
	"$(fresh_psql "$url" "SELECT count(*) FROM events e JOIN users u ON u.id = e.user_id WHERE e.type = 'user_created' AND u.email = 'first@test.local'")" 1
hash=$(fresh_psql "$url" "SELECT password_hash FROM users WHERE email = 'first@test.local'")
out=$(DATABASE_URL="$url" FIRST_SUPERUSER_EMAIL=FIRST@test.local FIRST_SUPERUSER_PASSWORD=Another-Pass-2 "$MIGRATE_BIN" 2>&1)
expect_eq "a second run exits 0" "$?" 0
expect_no_match "and creates nobody (the email matches ignoring case)" "$out" 'created'
expect_eq "nor touches the existing account's password" \
	"$(fresh_psql "$url" "SELECT password_hash FROM users WHERE email = 'first@test.local'")" "$hash"
expect_eq "there is still one account" "$(fresh_psql "$url" "SELECT count(*) FROM users")" 1

url=$(fresh_db migrate_fresh)
out=$(env -u FIRST_SUPERUSER_PASSWORD DATABASE_URL="$url" FIRST_SUPERUSER_EMAIL=gen@test.local "$MIGRATE_BIN" 2>&1)
expect_eq "without FIRST_SUPERUSER_PASSWORD (development) it still succeeds" "$?" 0
expect_match "printing a generated password once" "$out" '^its password \(shown only this once[^)]*\): [a-km-zA-HJ-NP-Z2-9]{20}$'
expect_eq "for an admin account" "$(fresh_psql "$url" "SELECT role FROM users WHERE email = 'gen@test.local'")" admin

url=$(fresh_db migrate_fresh)
out=$(DATABASE_URL="$url" FIRST_SUPERUSER_EMAIL=weak@test.local FIRST_SUPERUSER_PASSWORD=password "$MIGRATE_BIN" 2>&1)
rc=$?
expect_eq "a weak FIRST_SUPERUSER_PASSWORD is a configuration error (exit 78)" "$rc" 78
expect_match "naming it and the rule" "$out" 'FIRST_SUPERUSER_PASSWORD: .*common'
expect_eq "and no account is created" "$(fresh_psql "$url" "SELECT count(*) FROM users")" 0

out=$(DATABASE_URL="$url" ENVIRONMENT=production SECRET_KEY="$(openssl rand -hex 32)" \
	FIRST_SUPERUSER_PASSWORD=CHANGE_ME "$MIGRATE_BIN" 2>&1)
expect_eq "production with FIRST_SUPERUSER_PASSWORD=CHANGE_ME stops at the configuration (exit 78)" "$?" 78
expect_match "naming it" "$out" 'FIRST_SUPERUSER_PASSWORD'
out=$(env -u FIRST_SUPERUSER_PASSWORD DATABASE_URL="$url" ENVIRONMENT=production SECRET_KEY="$(openssl rand -hex 32)" \
	"$MIGRATE_BIN" 2>&1)
expect_eq "production without FIRST_SUPERUSER_PASSWORD too (exit 78)" "$?" 78
expect_eq "and still no account exists" "$(fresh_psql "$url" "SELECT count(*) FROM users")" 0
pg_psql postgres -c "DROP DATABASE migrate_fresh" >/dev/null

out=$(FCGI_THREADS=abc "$MIGRATE_BIN" 2>&1)
expect_eq "a bad setting stops the migrator too (exit 78)" "$?" 78
expect_match "naming the variable" "$out" 'FCGI_THREADS'

done_testing
