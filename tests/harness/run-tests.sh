#!/usr/bin/env bash
# run-tests.sh [--variants "release asan"] [--only PATTERN] [--keep]
#
# The whole suite, inside a network namespace of its own (no route leaves the machine):
# for each build variant, the cmocka unit tests, then the integration tests against a
# throw-away stack (PostgreSQL cluster in a temp dir, the FastCGI app, nginx on a free
# 127.0.0.1 port), then — release only — the lint checks and the browser tests. Every test
# prints TAP; the last line says how many passed and failed. Everything started is stopped,
# also on failure or Ctrl-C. --only runs the suites whose name contains PATTERN
# (e.g. "unit/http", "integration/api"); --keep leaves the temp directory for inspection.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VARIANTS="release asan"
ONLY=""
KEEP=""
ARGS=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--variants) VARIANTS=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	*) echo "run-tests.sh: unknown argument $1" >&2; exit 64 ;;
	esac
done

# Enter a private network namespace first: only loopback exists in it.
if [ -z "${INFRASCOPE_IN_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "run-tests.sh: make test runs as root (network namespace, PostgreSQL as user postgres)" >&2; exit 1; }
	export INFRASCOPE_IN_NETNS=1
	exec unshare --net -- "$0" "${ARGS[@]}"
fi
ip link set lo up || { echo "run-tests.sh: cannot bring up loopback in the test namespace" >&2; exit 1; }

. "$HERE/lib.sh"
cd "$REPO"
TMP=$(mktemp -d /tmp/infrascope-test.XXXXXX)
chmod 755 "$TMP"
# A partial run (--only) logs apart, so it never wipes the logs of a whole run beside it.
if [ -n "$ONLY" ]; then LOGS="$REPO/build/test-logs.only.$$"; else LOGS="$REPO/build/test-logs"; fi
rm -rf "$LOGS"
mkdir -p "$LOGS"
PASSED=0
FAILED=0
FAILED_SUITES=()
STACK=""

cleanup() {
	if [ -n "$STACK" ]; then
		nginx_stop
		app_stop >/dev/null 2>&1
		pg_stop immediate
	fi
	if [ -z "$KEEP" ]; then rm -rf "$TMP"; else echo "kept $TMP" >&2; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

selected() { [ -z "$ONLY" ] || [[ $1 == *"$ONLY"* ]]; }

# run_suite NAME COMMAND...: run one TAP-speaking test program, count its results.
run_suite() {
	local name=$1 log rc pass fail
	shift
	selected "$name" || return 0
	log="$LOGS/${name//\//_}.log"
	"$@" >"$log" 2>&1
	rc=$?
	pass=$(grep -c '^ok ' "$log")
	fail=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1 # it died without saying which test: count the suite itself as a failure
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	PASSED=$((PASSED + pass))
	FAILED=$((FAILED + fail))
	if [ "$fail" -eq 0 ]; then
		printf '  ok    %-40s %3d passed\n' "$name" "$pass"
	else
		printf '  FAIL  %-40s %3d passed, %d failed   (log: %s)\n' "$name" "$pass" "$fail" "${log#"$REPO"/}"
		FAILED_SUITES+=("$log")
	fi
}

# record NAME OK? MESSAGE: a single result produced by the runner itself.
record() {
	if [ "$2" = 0 ]; then
		PASSED=$((PASSED + 1))
		printf '  ok    %-40s   1 passed\n' "$1"
	else
		FAILED=$((FAILED + 1))
		printf '  FAIL  %-40s %s\n' "$1" "$3"
	fi
}

sanitizer_env() {
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=23:strict_string_checks=1:detect_stack_use_after_return=1"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=23"
	export LSAN_OPTIONS="suppressions=$REPO/tests/lsan.supp:print_suppressions=0"
}

run_unit() {
	local v=$1 t
	for t in "$REPO/build/$v/tests/"*_test; do
		[ -x "$t" ] || continue
		run_suite "$v/unit/$(basename "$t" _test)" "$t"
	done
}

# Start the stack the integration tests share: fresh cluster, migrated, app, nginx.
start_stack() {
	local v=$1 port
	STACK="$TMP/$v"
	mkdir -p "$STACK"
	export STACK PG_PORT=5432 PG_NOSYNC=1
	for port in $(seq 18080 18180); do port_free "$port" && break; done
	export HTTP_PORT=$port BASE_URL="http://127.0.0.1:$port"
	if [ "$v" = release ]; then
		export APP_BIN="$REPO/cgi-bin/infrascope.fcgi" MIGRATE_BIN="$REPO/batch/infrascope-migrate"
	else
		export APP_BIN="$REPO/build/$v/cgi-bin/infrascope.fcgi" MIGRATE_BIN="$REPO/build/$v/batch/infrascope-migrate"
	fi
	stack_env
	export FCGI_THREADS=4 LOG_LEVEL=info
	# Accounts: a fixed first admin for the tests, a fresh signing key per run, and a login
	# rate in nginx high enough for the suites (tests/integration/auth.sh checks the layer).
	export SECRET_KEY; SECRET_KEY=$(openssl rand -hex 32)
	export DEVICE_SECRET_KEY; DEVICE_SECRET_KEY=$(openssl rand -hex 32)
	export FIRST_SUPERUSER_EMAIL=admin@test.local FIRST_SUPERUSER_PASSWORD=Admin-Test-Pass-1
	export LOGIN_RATE=600r/m LOGIN_BURST=50
	# Batch jobs write their metrics textfiles into the throw-away stack, never into var/.
	export METRICS_TEXTFILE_DIR="$STACK/metrics"
	(pg_init && pg_start) >"$LOGS/$v-stack.log" 2>&1 || { cat "$LOGS/$v-stack.log"; return 1; }
	"$MIGRATE_BIN" >>"$LOGS/$v-stack.log" 2>&1 || { cat "$LOGS/$v-stack.log"; return 1; }
	app_start "$APP_BIN" || return 1
	nginx_start "127.0.0.1:$port" || return 1
	wait_http "$BASE_URL/api/v1/health" 10
}

stop_stack() {
	local v=$1 rc
	nginx_stop
	app_stop
	rc=$?
	pg_stop immediate
	cp "$STACK/log/app.log" "$LOGS/$v-app.log" 2>/dev/null
	# The app must have exited cleanly, and under the sanitizers without a single report.
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$LOGS/$v-app.log" 2>/dev/null; then
		record "$v/app-sanitizer-clean" 1 "sanitizer report in build/test-logs/$v-app.log"
	else
		record "$v/app-sanitizer-clean" "$rc" "the app exited with status $rc (build/test-logs/$v-app.log)"
	fi
	STACK=""
}

run_integration() {
	local v=$1 t any=""
	for t in "$REPO/tests/integration/"*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		selected "$v/integration/$(basename "$t" .sh)" && any=1
	done
	[ -n "$any" ] || return 0
	if ! start_stack "$v"; then
		record "$v/integration/stack" 1 "the test stack did not start (build/test-logs/$v-stack.log)"
		STACK=""
		return
	fi
	for t in "$REPO/tests/integration/"*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		run_suite "$v/integration/$(basename "$t" .sh)" bash "$t"
	done
	stop_stack "$v"
}

run_e2e() {
	local t any=""
	for t in "$REPO/tests/e2e/"*.sh; do
		selected "release/e2e/$(basename "$t" .sh)" && any=1
	done
	[ -n "$any" ] || return 0
	start_stack release || { record "release/e2e/stack" 1 "the test stack did not start"; STACK=""; return; }
	export SCREENSHOT_DIR="$REPO/build/screenshots"
	mkdir -p "$SCREENSHOT_DIR"
	for t in "$REPO/tests/e2e/"*.sh; do
		run_suite "release/e2e/$(basename "$t" .sh)" bash "$t"
	done
	stop_stack release-e2e
}

run_lint() {
	local t
	for t in "$REPO/tests/lint/"*.sh; do
		[ -f "$t" ] && run_suite "lint/$(basename "$t" .sh)" bash "$t"
	done
}

start=$(date +%s)
echo "InfraScope test suite (variants: $VARIANTS)"
for v in $VARIANTS; do
	echo "== $v"
	if [ "$v" = asan ]; then sanitizer_env; fi
	run_unit "$v"
	run_integration "$v"
	if [ "$v" = release ]; then
		run_lint
		run_e2e
	fi
	unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
done

for log in "${FAILED_SUITES[@]}"; do
	echo
	echo "---- ${log#"$REPO"/} (failures and the last lines) ----"
	grep -E '^not ok|^#' "$log" | head -n 40
	tail -n 15 "$log"
done
echo
echo "$PASSED passed, $FAILED failed ($(( $(date +%s) - start )) s)"
[ "$FAILED" -eq 0 ]
