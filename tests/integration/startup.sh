# Start-up and shutdown of the FastCGI app: bad settings stop it with a message naming the
# variable, broken templates or string tables stop it naming the file or key, each request
# thread holds its own PostgreSQL connection, and SIGTERM ends it cleanly within a second.
. "$(dirname "$0")/lib.sh"

# refuses NAME EXPECTED_REGEX ENV...: the app must exit 78 with a message matching the regex.
refuses() {
	local name=$1 want=$2 out rc
	shift 2
	# A socket of its own unless the case sets one; a bounded wait in case it starts anyway.
	out=$(timeout 10 env FCGI_SOCKET="$T_TMP/refused.sock" "$@" "$APP_BIN" 2>&1)
	rc=$?
	if [ "$rc" = 78 ] && printf '%s' "$out" | grep -Eq -- "$want"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want 78), output: $out"
	fi
	[ ! -S "$T_TMP/refused.sock" ] || not_ok "$name: no socket may be left behind"
}

refuses "FCGI_THREADS=abc is refused, naming the variable and range" \
	'FCGI_THREADS="abc": not an integer; accepted: an integer from 1 to 256' FCGI_THREADS=abc
refuses "FCGI_THREADS=0 is refused" 'FCGI_THREADS="0": out of range' FCGI_THREADS=0
refuses "FCGI_THREADS=257 is refused" 'FCGI_THREADS="257": out of range' FCGI_THREADS=257
refuses "FCGI_SOCKET on all interfaces is refused" 'FCGI_SOCKET=":9000"' FCGI_SOCKET=:9000
refuses "DEFAULT_LANGUAGE=de is refused, listing the choices" 'one of ru, en' DEFAULT_LANGUAGE=de
refuses "HTTP_MAX_BODY_BYTES=1k is refused" 'HTTP_MAX_BODY_BYTES="1k"' HTTP_MAX_BODY_BYTES=1k
refuses "a secret never appears in the message" '"\(hidden\)"' "DATABASE_URL=$(printf 'postgres://u:s3cret@h/db\001')"
refuses "ENVIRONMENT=production with a short SECRET_KEY is refused, naming SECRET_KEY" \
	'configuration error: SECRET_KEY: with ENVIRONMENT=production it must be at least 32 bytes' \
	ENVIRONMENT=production SECRET_KEY=short
refuses "ENVIRONMENT=production with FIRST_SUPERUSER_PASSWORD=CHANGE_ME is refused" \
	'FIRST_SUPERUSER_PASSWORD' ENVIRONMENT=production SECRET_KEY="$(openssl rand -hex 32)" FIRST_SUPERUSER_PASSWORD=CHANGE_ME
refuses "an unusable BACKEND_CORS_ORIGINS is refused, naming it" 'BACKEND_CORS_ORIGINS: "\*"' 'BACKEND_CORS_ORIGINS=*'
out=$(env DATABASE_URL="$(printf 'postgres://u:s3cret@h/db\001')" "$APP_BIN" 2>&1)
expect_no_match "the secret itself is not printed" "$out" 's3cret'

out=$("$APP_BIN" --check-config 2>&1)
expect_eq "--check-config passes with the test settings" "$?" 0

cp -r "$REPO/templates" "$T_TMP/tpl-nopragma"
printf '<p>{{X}}</p>\n' >"$T_TMP/tpl-nopragma/bad.tpl"
refuses "a template without the AUTOESCAPE pragma stops start-up, naming it" \
	'template bad.tpl must start with \{\{%AUTOESCAPE' TEMPLATE_DIR="$T_TMP/tpl-nopragma"

cp -r "$REPO/templates" "$T_TMP/tpl-badparse"
printf '{{%%AUTOESCAPE context="HTML"}}\n{{#OPEN}}never closed\n' >"$T_TMP/tpl-badparse/broken.tpl"
refuses "a template that does not parse stops start-up, naming it" \
	'template broken.tpl does not parse' TEMPLATE_DIR="$T_TMP/tpl-badparse"

cp -r "$REPO/templates" "$T_TMP/tpl-i18n"
grep -v '^home_title' "$REPO/templates/i18n/en.tsv" >"$T_TMP/tpl-i18n/i18n/en.tsv"
refuses "a string missing from one language stops start-up, naming the key" \
	'key "home_title" is in ru.tsv but not in en.tsv' TEMPLATE_DIR="$T_TMP/tpl-i18n"

# make run must stop before starting anything when a setting is bad.
out=$(FCGI_THREADS=abc VAR_DIR="$T_TMP/var" PORT=18999 "$REPO/tests/harness/devstack.sh" run 2>&1)
rc=$?
check "FCGI_THREADS=abc make run stops at start-up (exit $rc)" test "$rc" -ne 0
expect_match "and its message names FCGI_THREADS" "$out" 'FCGI_THREADS="abc"'
check "and it started no PostgreSQL cluster" test ! -e "$T_TMP/var/pg/data"

# A second app instance: its threads each open a connection at start.
web_connections() {
	psql_app "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'infrascope-web'"
}
before=$(web_connections)
FCGI_THREADS=3 FCGI_SOCKET="$T_TMP/extra.sock" "$APP_BIN" >"$T_TMP/extra.log" 2>&1 &
extra=$!
for i in $(seq 1 100); do
	[ "$(web_connections)" -ge $((before + 3)) ] && break
	sleep 0.05
done
expect_eq "FCGI_THREADS=3 opens three PostgreSQL connections" "$(web_connections)" $((before + 3))
check "the socket exists" test -S "$T_TMP/extra.sock"
expect_eq "the socket has the configured mode" "$(stat -c %a "$T_TMP/extra.sock")" 660

start=$(date +%s%3N)
kill -TERM "$extra"
wait "$extra"
rc=$?
elapsed=$(( $(date +%s%3N) - start ))
expect_eq "SIGTERM: the app exits with status 0" "$rc" 0
check "SIGTERM: the app exits within a second (${elapsed} ms)" test "$elapsed" -lt 1000
check "SIGTERM: the socket file is removed" test ! -e "$T_TMP/extra.sock"
expect_match "SIGTERM: the app logs its stop" "$(cat "$T_TMP/extra.log")" 'event=stopped'
for i in $(seq 1 40); do
	[ "$(web_connections)" -le "$before" ] && break
	sleep 0.05
done
expect_eq "SIGTERM: its connections are closed" "$(web_connections)" "$before"

done_testing
