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
export STACK PG_PORT

stop_all() {
	trap - INT TERM EXIT
	note ""
	note "stopping nginx, the app and PostgreSQL..."
	nginx_stop
	app_stop
	pg_stop fast
	note "stopped; the data stays in $STACK/pg (make run starts it again)"
}

cmd_run() {
	stack_env
	case $PORT in (*[!0-9]*|'') die "PORT=$PORT is not a port number";; esac
	# The signing key survives restarts, so do the logins; it never leaves var/.
	if [ -z "${SECRET_KEY:-}" ]; then
		[ -s "$STACK/secret_key" ] || (umask 077 && openssl rand -hex 32 >"$STACK/secret_key")
		export SECRET_KEY; SECRET_KEY=$(cat "$STACK/secret_key")
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
	app_start "$APP_BIN"
	nginx_start "127.0.0.1:$PORT"
	wait_http "http://127.0.0.1:$PORT/api/v1/health" 10 || die "nginx did not answer on 127.0.0.1:$PORT"
	cat >"$STACK/infrascope.env" <<ENV
# Source this to run InfraScope's commands against the make-run stack:  set -a; . $STACK/infrascope.env; set +a
DATABASE_URL=$DATABASE_URL
TEMPLATE_DIR=$TEMPLATE_DIR
SQL_DIR=$SQL_DIR
ENV
	cat <<BANNER

  InfraScope is running:  http://127.0.0.1:$PORT/
  Sign in as:             ${FIRST_SUPERUSER_EMAIL:-admin@infrascope.local}$(printf '%s\n' "$migrated" | sed -n 's/^its password.*: \(.*\)$/  (password: \1 — shown only now)/p')
  Health:                 curl http://127.0.0.1:$PORT/api/v1/health
  Database shell:         psql -h $STACK/pg -p $PG_PORT -U infrascope infrascope
  Stop/start PostgreSQL:  make db-stop / make db-start   (the app reconnects by itself)
  Batch commands:         set -a; . $STACK/infrascope.env; set +a; batch/infrascope-migrate --status
  Logs:                   $STACK/log/

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
