# shellcheck shell=bash
# Helpers for integration tests: TAP output, HTTP requests through nginx, assertions.
# A test script sources this file, makes its checks and ends with `done_testing`.
# The runner provides: BASE_URL, STACK, PG_PORT, APP_BIN, MIGRATE_BIN, DATABASE_URL, REPO.

set -u
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"
REPO=$REPO_DIR
T_NUM=0
T_FAILED=0
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT

ok() {
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM - $1"
}

not_ok() {
	local name=$1
	shift
	T_NUM=$((T_NUM + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_NUM - $name"
	local line
	for line in "$@"; do printf '#   %s\n' "$line"; done
}

# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}

# expect_match NAME TEXT REGEX (extended regex, grep -E)
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "no match for /$3/ in:" "$(printf '%s' "$2" | head -c 600)"; fi
}

expect_no_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then not_ok "$1" "unexpected match for /$3/ in:" "$(printf '%s' "$2" | head -c 600)"; else ok "$1"; fi
}

# http METHOD PATH [curl args...]: sets STATUS, BODY, HEADERS (lower-cased names).
http() {
	local method=$1 path=$2
	shift 2
	STATUS=$(curl -s -o "$T_TMP/body" -D "$T_TMP/headers" -w '%{http_code}' --max-time 10 \
		-X "$method" "$@" "$BASE_URL$path")
	BODY=$(cat "$T_TMP/body")
	HEADERS=$(tr -d '\r' <"$T_TMP/headers" | sed 's/^\([^:]*\):/\L\1:/')
}

# header NAME: the value of a response header of the last http call ("" when absent).
header() {
	printf '%s\n' "$HEADERS" | grep -i "^$1:" | head -n 1 | sed 's/^[^:]*: *//'
}

# json FILTER: jq over the last body.
json() {
	printf '%s' "$BODY" | jq -r "$1" 2>/dev/null
}

# psql_app SQL: run SQL as the application's role on the test database.
psql_app() {
	psql -X -q -At -h "$STACK/pg" -p "$PG_PORT" -U infrascope -d infrascope -v ON_ERROR_STOP=1 -c "$1"
}

done_testing() {
	echo "1..$T_NUM"
	[ "$T_FAILED" -eq 0 ]
}

# ---- accounts (the runner's first admin: FIRST_SUPERUSER_EMAIL / FIRST_SUPERUSER_PASSWORD) ----

ADMIN_EMAIL=${FIRST_SUPERUSER_EMAIL:-admin@test.local}
ADMIN_PASSWORD=${FIRST_SUPERUSER_PASSWORD:-Admin-Test-Pass-1}

# api_login EMAIL PASSWORD: prints the access token ("" when refused); REFRESH is set too.
api_login() {
	local out
	out=$(curl -s --max-time 10 -X POST -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg e "$1" --arg p "$2" '{email:$e,password:$p}')" "$BASE_URL/api/v1/auth/login")
	REFRESH=$(printf '%s' "$out" | jq -r '.refresh_token // ""' 2>/dev/null)
	printf '%s' "$out" | jq -r '.access_token // ""' 2>/dev/null
}

# admin_token: a fresh access token of the first admin.
admin_token() {
	api_login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
}

# ensure_user EMAIL ROLE PASSWORD [FULL_NAME]: create the user unless it exists (as the admin);
# prints its id.
ensure_user() {
	local tok id
	tok=$(admin_token)
	id=$(curl -s --max-time 10 -H "Authorization: Bearer $tok" "$BASE_URL/api/v1/users?limit=500" |
		jq -r --arg e "$1" '.items[] | select((.email | ascii_downcase) == ($e | ascii_downcase)) | .id')
	if [ -z "$id" ]; then
		id=$(curl -s --max-time 10 -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			-d "$(jq -nc --arg e "$1" --arg r "$2" --arg p "$3" --arg n "${4:-}" \
				'{email:$e,role:$r,password:$p,full_name:$n}')" "$BASE_URL/api/v1/users" | jq -r .id)
	fi
	printf '%s' "$id"
}

# browser_login JAR EMAIL PASSWORD: sign in through the login page like a browser, keeping
# the cookies in the curl cookie jar JAR. Returns non-zero when the page refused.
browser_login() {
	local jar=$1 csrf code
	csrf=$(curl -s --max-time 10 -c "$jar" -b "$jar" "$BASE_URL/login" |
		sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
	code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
		--data-urlencode "csrf=$csrf" --data-urlencode "email=$2" --data-urlencode "password=$3" \
		--data-urlencode "next=/" "$BASE_URL/login")
	[ "$code" = 303 ]
}

# page_csrf JAR PATH: the CSRF token of the forms on PATH for the session in JAR.
page_csrf() {
	curl -s --max-time 10 -c "$1" -b "$1" "$BASE_URL$2" |
		sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1
}

# ---- the variant under test, its batch programs, and the device simulator ----

case ${APP_BIN:-} in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=${VARIANT:-release} ;;
esac
BATCH_BIN_DIR=$(dirname "${MIGRATE_BIN:-$REPO/batch/infrascope-migrate}")
SIM=${SIM_BIN:-$REPO/build/$VARIANT/tools/infrascope-sim}
SNMPREC_DIR=${SNMPREC_DIR:-$REPO/tests/fixtures/snmprec}
PIDS=()

# sim_start FLEET PORT [options...]: the simulator serving FLEET on PORT, control socket
# $T_TMP/sim.ctl, log $T_TMP/sim.log; its pid joins PIDS. Non-zero when not ready in 10 s.
sim_start() {
	local fleet=$1 port=$2
	shift 2
	"$SIM" --snmprec-dir "$SNMPREC_DIR" --port "$port" --fleet "$fleet" --control "$T_TMP/sim.ctl" \
		--quiet "$@" >"$T_TMP/sim.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 200); do
		[ -S "$T_TMP/sim.ctl" ] && return 0
		sleep 0.05
	done
	return 1
}

# sim_ctl COMMAND...: control commands to the simulator of sim_start (answers dropped).
sim_ctl() {
	"$SIM" --ctl "$T_TMP/sim.ctl" "$@" >/dev/null
}

# skip_without_snmprec: end the suite as skipped (TAP) when the snmprec fixtures are missing.
skip_without_snmprec() {
	if [ -z "$SNMPREC_DIR" ] || [ ! -f "$SNMPREC_DIR/hp_color-laserjet-pro-m252dw.snmprec" ]; then
		echo "1..0 # SKIP no snmprec fixtures (set SNMPREC_DIR; expected tests/fixtures/snmprec)"
		exit 0
	fi
}

# stop_pids: stop (TERM) and reap every process in PIDS; for the suite's EXIT trap.
stop_pids() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
}
