# shellcheck shell=bash
# Start and stop the pieces of an InfraScope stack on loopback: a PostgreSQL cluster, the
# FastCGI app and nginx. Sourced by devstack.sh (`make run`) and run-tests.sh (`make test`),
# so the development stack and the test stack are started the same way.
#
# Conventions: every function takes the stack directory ($STACK) from the environment;
# under it: pg/ (data + socket), run/ (pid files, FastCGI socket), log/, nginx/.
# Nothing here listens on anything but a unix socket or 127.0.0.0/8.

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$HARNESS_DIR/../.." && pwd)

die() { printf 'infrascope: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

pg_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -x "$d/initdb" ] || die "PostgreSQL server binaries not found (install postgresql-15: make deps)"
	printf '%s\n' "$d"
}

# Run a command as the owner of the cluster: postgres when we are root (root may not run
# PostgreSQL), else ourselves.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_init: create the cluster in $STACK/pg on first use (idempotent), with role and database
# "infrascope". PG_PORT selects the socket name.
pg_init() {
	local bin; bin=$(pg_bindir)
	mkdir -p "$STACK/pg"
	if [ "$(id -u)" = 0 ]; then
		chown postgres:postgres "$STACK/pg"
		as_pg test -w "$STACK/pg" || die "user postgres cannot write $STACK/pg: every directory above it must be searchable (chmod o+x) — or set VAR_DIR to a directory under /tmp"
	fi
	if [ ! -f "$STACK/pg/data/PG_VERSION" ]; then
		as_pg "$bin/initdb" -D "$STACK/pg/data" -U postgres -A trust -E UTF8 --no-locale \
			${PG_NOSYNC:+--no-sync} >"$STACK/pg/initdb.log" 2>&1 ||
			{ cat "$STACK/pg/initdb.log" >&2; die "initdb failed"; }
		PG_FRESH=1
	fi
}

pg_running() {
	local bin; bin=$(pg_bindir)
	as_pg "$bin/pg_ctl" -D "$STACK/pg/data" status >/dev/null 2>&1
}

# pg_start: start the cluster on the unix socket $STACK/pg/.s.PGSQL.$PG_PORT only (no TCP).
pg_start() {
	local bin opts; bin=$(pg_bindir)
	pg_running && return 0
	opts="-p $PG_PORT -k $STACK/pg -c listen_addresses="
	if [ -n "${PG_NOSYNC:-}" ]; then
		opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
	as_pg "$bin/pg_ctl" -D "$STACK/pg/data" -l "$STACK/pg/server.log" -w -t 30 -o "$opts" start >/dev/null ||
		{ tail -n 20 "$STACK/pg/server.log" >&2; die "PostgreSQL did not start"; }
	if [ -n "${PG_FRESH:-}" ]; then
		pg_psql postgres -v ON_ERROR_STOP=1 -c "CREATE ROLE infrascope LOGIN" \
			-c "CREATE DATABASE infrascope OWNER infrascope" >/dev/null
		PG_FRESH=
	fi
}

pg_stop() {
	local bin; bin=$(pg_bindir)
	pg_running || return 0
	as_pg "$bin/pg_ctl" -D "$STACK/pg/data" -m "${1:-fast}" -w -t 30 stop >/dev/null 2>&1 || true
}

# pg_psql DB [psql args...]: psql as the superuser over the cluster's socket.
pg_psql() {
	local db=$1; shift
	psql -X -q -h "$STACK/pg" -p "$PG_PORT" -U postgres -d "$db" "$@"
}

pg_url() {
	printf 'postgresql:///infrascope?host=%s&port=%s&user=infrascope\n' "$STACK/pg" "$PG_PORT"
}

# The environment the app and batch binaries run with on this stack.
stack_env() {
	export DATABASE_URL; DATABASE_URL=$(pg_url)
	export FCGI_SOCKET="$STACK/run/fcgi.sock"
	export FCGI_SOCKET_MODE=0660
	export TEMPLATE_DIR="$REPO_DIR/templates"
	export SQL_DIR="$REPO_DIR/sql"
}

# app_start BINARY: start the FastCGI app in the background; waits until its socket exists.
app_start() {
	local bin=$1 i
	mkdir -p "$STACK/run" "$STACK/log"
	rm -f "$FCGI_SOCKET"
	"$bin" >>"$STACK/log/app.log" 2>&1 &
	echo $! >"$STACK/run/app.pid"
	for i in $(seq 1 100); do
		[ -S "$FCGI_SOCKET" ] && return 0
		kill -0 "$(cat "$STACK/run/app.pid")" 2>/dev/null || break
		sleep 0.05
	done
	tail -n 20 "$STACK/log/app.log" >&2
	die "the FastCGI app did not start (log: $STACK/log/app.log)"
}

# app_stop: SIGTERM (the app exits within a second), SIGKILL after 5 s. Returns the app's
# exit status when it is our child (0 = clean stop), else 0.
app_stop() {
	local pid i rc=0
	[ -f "$STACK/run/app.pid" ] || return 0
	pid=$(cat "$STACK/run/app.pid")
	if kill -TERM "$pid" 2>/dev/null; then
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	[ "$rc" = 127 ] && rc=0 # not our child: nothing to report
	rm -f "$STACK/run/app.pid"
	return "$rc"
}

# nginx_start LISTEN: render the loopback configuration from nginx.conf and start nginx.
nginx_start() {
	local listen=$1
	mkdir -p "$STACK/nginx/tmp" "$STACK/log"
	NGINX_PREFIX="$STACK/nginx" LISTEN="$listen" FCGI_SOCKET="$FCGI_SOCKET" \
	STATIC_DIR="$REPO_DIR/static" ERROR_LOG="$STACK/log/nginx-error.log" \
	ACCESS_LOG="$STACK/log/nginx-access.log" \
		"$HARNESS_DIR/render-nginx.sh" loopback "$STACK/nginx/nginx.conf" ||
		die "could not render the nginx configuration"
	nginx -t -q -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf" -e stderr ||
		die "nginx -t failed for $STACK/nginx/nginx.conf"
	nginx -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf" -e stderr -g 'daemon on;' ||
		die "nginx did not start"
}

nginx_stop() {
	local pidf="$STACK/nginx/nginx.pid" pid i
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf")
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$pidf"
}

# wait_http URL [SECONDS]: until URL answers with any HTTP status.
wait_http() {
	local url=$1 limit=${2:-10} i
	for i in $(seq 1 $((limit * 20))); do
		curl -s -o /dev/null --max-time 1 "$url" && return 0
		sleep 0.05
	done
	return 1
}

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
