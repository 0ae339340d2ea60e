#!/usr/bin/env bash
# devstack.sh run|db-stop|db-start — the `make run` stack: a persistent PostgreSQL cluster in
# var/ (created on first use, kept between runs), the app and nginx on http://127.0.0.1:$PORT.
# Ctrl-C stops everything it started. Settings: PORT (8080), PG_PORT (5433, names the unix
# socket var/pg/.s.PGSQL.PORT; PostgreSQL listens on no TCP port), VAR_DIR (var/), and every
# variable of README "Configuration" except DATABASE_URL, FCGI_SOCKET, TEMPLATE_DIR and
# SQL_DIR, which point into the stack.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STACK=${VAR_DIR:-$REPO_DIR/var}
mkdir -p "$STACK"
STACK=$(cd "$STACK" && pwd)
PORT=${PORT:-8080}
PG_PORT=${PG_PORT:-5433}
APP_BIN=$REPO_DIR/cgi-bin/infrascope.fcgi
MIGRATE_BIN=$REPO_DIR/batch/infrascope-migrate
POLL_BIN=$REPO_DIR/batch/infrascope-poll
SIM_BIN=$REPO_DIR/build/release/tools/infrascope-sim
SIM_PORT=${SIM_PORT:-16161}
DEMO=${DEMO:-1}
export STACK PG_PORT

stop_all() {
	trap - INT TERM EXIT
	note ""
	note "stopping nginx, the app and PostgreSQL..."
	nginx_stop
	if [ -f "$STACK/run/minicron.pid" ]; then kill "$(cat "$STACK/run/minicron.pid")" 2>/dev/null || true; fi
	rm -f "$STACK/run/minicron.pid"
	app_stop
	sim_stop
	pg_stop fast
	note "stopped; the data stays in $STACK/pg (make run starts it again)"
}

# The device simulator with the demo fleet (test data; DEMO=0 leaves it out).
sim_start() {
	[ "$DEMO" = 1 ] || return 0
	[ -x "$SIM_BIN" ] || die "$SIM_BIN is missing (make run builds it)"
	rm -f "$STACK/run/sim.ctl"
	"$SIM_BIN" --snmprec-dir "${SNMPREC_DIR:-$REPO_DIR/tests/fixtures/snmprec}" \
		--fleet "$REPO_DIR/tests/sim/demo.fleet" --port "$SIM_PORT" \
		--control "$STACK/run/sim.ctl" --quiet >"$STACK/log/sim.log" 2>&1 &
	echo $! >"$STACK/run/sim.pid"
	for _ in $(seq 100); do
		[ -S "$STACK/run/sim.ctl" ] && return 0
		kill -0 "$(cat "$STACK/run/sim.pid")" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 5 "$STACK/log/sim.log" >&2
	die "the device simulator did not start (port $SIM_PORT in use? SIM_PORT=... chooses another)"
}

sim_stop() {
	[ -f "$STACK/run/sim.pid" ] || return 0
	kill "$(cat "$STACK/run/sim.pid")" 2>/dev/null || true
	rm -f "$STACK/run/sim.pid"
}

# Register the demo stores and printers (first run only) and poll them once.
demo_seed() {
	[ "$DEMO" = 1 ] || return 0
	local ids
	ids=$(PGHOST=$STACK/pg PGPORT=$PG_PORT PGUSER=infrascope PGDATABASE=infrascope \
		"$REPO_DIR/tests/harness/demo-seed.sh" "$REPO_DIR/tests/sim/demo.fleet" "$SIM_PORT") ||
		die "registering the demo fleet failed"
	[ -n "$ids" ] || return 0
	# shellcheck disable=SC2046
	"$POLL_BIN" $(printf -- '--device %s ' $ids) >>"$STACK/log/poll.log" 2>&1 ||
		note "the first poll of the demo printers failed; see $STACK/log/poll.log"
}

cmd_run() {
	stack_env
	case $PORT in (*[!0-9]*|'') die "PORT=$PORT is not a port number";; esac
	# The signing key survives restarts, so do the logins; it never leaves var/.
	if [ -z "${SECRET_KEY:-}" ]; then
		[ -s "$STACK/secret_key" ] || (umask 077 && openssl rand -hex 32 >"$STACK/secret_key")
		export SECRET_KEY; SECRET_KEY=$(cat "$STACK/secret_key")
	fi
	# So does the key of the stored device credentials (they cannot be read without it).
	if [ -z "${DEVICE_SECRET_KEY:-}" ]; then
		[ -s "$STACK/device_secret_key" ] || (umask 077 && openssl rand -hex 32 >"$STACK/device_secret_key")
		export DEVICE_SECRET_KEY; DEVICE_SECRET_KEY=$(cat "$STACK/device_secret_key")
	fi
	# The same checks the app makes at start-up, before anything is started.
	"$APP_BIN" --check-config >/dev/null || exit 78
	if [ -f "$STACK/run/app.pid" ] && kill -0 "$(cat "$STACK/run/app.pid")" 2>/dev/null; then
		die "InfraScope is already running from $STACK (pid $(cat "$STACK/run/app.pid"))"
	fi
	port_free "$PORT" || die "127.0.0.1:$PORT is in use; choose another port: make run PORT=8081"

	trap stop_all INT TERM EXIT
	pg_init
	pg_start
	# The first run creates the administrator and prints a generated password once.
	local migrated
	migrated=$("$MIGRATE_BIN") || { printf '%s\n' "$migrated"; die "migration failed"; }
	printf '%s\n' "$migrated" | grep -v '^its password' || true
	mkdir -p "$STACK/log" "$STACK/run"
	sim_start
	demo_seed
	app_start "$APP_BIN"
	nginx_start "127.0.0.1:$PORT"
	wait_http "http://127.0.0.1:$PORT/api/v1/health" 10 || die "nginx did not answer on 127.0.0.1:$PORT"
	cat >"$STACK/infrascope.env" <<ENV
# Source this to run InfraScope's commands against the make-run stack:  set -a; . $STACK/infrascope.env; set +a
DATABASE_URL='$DATABASE_URL'
TEMPLATE_DIR='$TEMPLATE_DIR'
SQL_DIR='$SQL_DIR'
DEVICE_SECRET_KEY='$DEVICE_SECRET_KEY'
ENV
	chmod 600 "$STACK/infrascope.env"
	# The production schedule (crontab) runs while we are up.
	"$REPO_DIR/tests/harness/minicron.sh" "$REPO_DIR/crontab" "$STACK" >>"$STACK/log/cron.log" 2>&1 &
	echo $! >"$STACK/run/minicron.pid"
	cat <<BANNER

  InfraScope is running:  http://127.0.0.1:$PORT/
  Sign in as:             ${FIRST_SUPERUSER_EMAIL:-admin@infrascope.local}$(printf '%s\n' "$migrated" | sed -n 's/^its password.*: \(.*\)$/  (password: \1 — shown only now)/p')
  Health:                 curl http://127.0.0.1:$PORT/api/v1/health
  Database shell:         psql -h $STACK/pg -p $PG_PORT -U infrascope infrascope
  Stop/start PostgreSQL:  make db-stop / make db-start   (the app reconnects by itself)
  Batch commands:         set -a; . $STACK/infrascope.env; set +a; batch/infrascope-migrate --status
  Logs:                   $STACK/log/
  Schedule:               the crontab's lines run while this is up (poll-all every 5 minutes)
  Demo printers:          $( [ "$DEMO" = 1 ] && echo "simulated on 127.1.N.x:$SIM_PORT (tests/sim/demo.fleet); DEMO=0 leaves them out" || echo "off (DEMO=0)")
  Poll them now:          set -a; . $STACK/infrascope.env; set +a; batch/infrascope-poll --all

  Ctrl-C stops everything.
BANNER
	local pid parent=$PPID; pid=$(cat "$STACK/run/app.pid")
	# Also stop when whoever started us is gone (make killed without a signal to its group).
	while kill -0 "$pid" 2>/dev/null; do
		kill -0 "$parent" 2>/dev/null || exit 0
		sleep 1
	done
	note "the app exited unexpectedly; last lines of $STACK/log/app.log:"
	tail -n 20 "$STACK/log/app.log" >&2
	exit 1
}

case ${1:-run} in
run) cmd_run ;;
db-stop) pg_stop fast && note "PostgreSQL stopped" ;;
db-start) pg_start && note "PostgreSQL started" ;;
*) die "usage: devstack.sh run|db-stop|db-start" ;;
esac
