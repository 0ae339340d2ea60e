# The one-source nginx configuration: nginx.conf rendered by tests/harness/render-nginx.sh for
# production (TLS, redirect from HTTP, HSTS, login rate limit) and for loopback (plain HTTP on
# 127.0.0.0/8 only). Both renders pass `nginx -t`; the production one really serves the app.
. "$(dirname "$0")/lib.sh"

RENDER="$REPO/tests/harness/render-nginx.sh"
D="$T_TMP/nginx"
mkdir -p "$D/prod/tmp" "$D/live/tmp" "$D/lb"

# ---- a self-signed certificate ----
if openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout "$D/key.pem" -out "$D/cert.pem" >"$D/openssl.log" 2>&1; then
	ok "a self-signed certificate for the production render"
else
	not_ok "a self-signed certificate for the production render" "$(cat "$D/openssl.log")"
fi

# render PROFILE OUT VAR=VALUE...: render-nginx.sh with only these overrides; sets RENDER_OUT
# (its stderr) and returns its exit status.
render() {
	local profile=$1 out=$2 rc
	shift 2
	env -u LISTEN -u HTTP_LISTEN -u HTTPS_LISTEN -u NGINX_PREFIX -u NGINX_TEMPLATE "$@" \
		"$RENDER" "$profile" "$out" >"$D/render.log" 2>&1
	rc=$?
	RENDER_OUT=$(cat "$D/render.log")
	return "$rc"
}

# nginx_test NAME FILE PREFIX: `nginx -t` must accept the rendered file.
nginx_test() {
	local out
	if out=$(nginx -t -p "$3" -c "$2" -e stderr 2>&1); then
		ok "$1"
	else
		not_ok "$1" "$out"
	fi
}

prod_env=(NGINX_PID="$D/prod/nginx.pid" ERROR_LOG="$D/prod/error.log" ACCESS_LOG="$D/prod/access.log"
	NGINX_TEMP="$D/prod/tmp" TLS_CERT="$D/cert.pem" TLS_KEY="$D/key.pem" FCGI_SOCKET="$FCGI_SOCKET"
	STATIC_DIR="$REPO/static")

# ---- production ----
if render production "$D/prod/nginx.conf" "${prod_env[@]}"; then
	ok "the production profile renders"
else
	not_ok "the production profile renders" "$RENDER_OUT"
fi
nginx_test "nginx -t accepts the production render" "$D/prod/nginx.conf" "$D/prod"
# Directives only: the comments describe both profiles and name the placeholders.
directives() { grep -v '^[[:space:]]*#' "$1" 2>/dev/null; }
PROD=$(directives "$D/prod/nginx.conf")
expect_match "production listens on 443 with TLS" "$PROD" '^[[:space:]]*listen 443 ssl'
expect_match "production redirects HTTP to HTTPS with a 301" "$PROD" 'return 301 https://\$host\$request_uri;'
expect_match "the redirect server listens on 80" "$PROD" '^[[:space:]]*listen 80 default_server;'
expect_match "production sends Strict-Transport-Security" "$PROD" 'add_header Strict-Transport-Security "max-age=[0-9]+'
expect_match "production limits login attempts" "$PROD" 'limit_req zone=login'
expect_match "production uses the given certificate" "$PROD" "ssl_certificate $D/cert.pem;"
expect_no_match "no placeholder is left in the production render" "$PROD" '@[A-Z_]+@'
expect_no_match "the loopback lines are not in the production render" "$PROD" 'server_name localhost;'

# ---- loopback ----
lb_port=18600
for lb_port in $(seq 18600 18700); do port_free "$lb_port" && break; done
lb_env=(NGINX_PREFIX="$D/lb" LISTEN="127.0.0.1:$lb_port" STATIC_DIR="$REPO/static" FCGI_SOCKET="$FCGI_SOCKET")
if render loopback "$D/lb/nginx.conf" "${lb_env[@]}"; then
	ok "the loopback profile renders"
else
	not_ok "the loopback profile renders" "$RENDER_OUT"
fi
nginx_test "nginx -t accepts the loopback render" "$D/lb/nginx.conf" "$D/lb"
LB=$(directives "$D/lb/nginx.conf")
expect_no_match "the loopback render has no TLS" "$LB" 'ssl'
expect_no_match "the loopback render has no HSTS" "$LB" 'Strict-Transport-Security'
expect_no_match "no placeholder is left in the loopback render" "$LB" '@[A-Z_]+@'
listens=$(printf '%s\n' "$LB" | grep -E '^[[:space:]]*listen[[:space:]]' | sed -E 's/^[[:space:]]+//')
expect_eq "the loopback render listens only on the given address" "$listens" "listen 127.0.0.1:$lb_port default_server;"
expect_match "the loopback render still limits login attempts" "$LB" 'limit_req zone=login'

if render loopback "$D/lb/refused.conf" NGINX_PREFIX="$D/lb" LISTEN=0.0.0.0:80 \
	STATIC_DIR="$REPO/static" FCGI_SOCKET="$FCGI_SOCKET"; then
	not_ok "the loopback profile refuses LISTEN=0.0.0.0:80" "it rendered"
else
	ok "the loopback profile refuses LISTEN=0.0.0.0:80"
fi
expect_match "and says why" "$RENDER_OUT" 'LISTEN=0\.0\.0\.0:80.*127\.0\.0\.0/8'
check "and writes no file" test ! -e "$D/lb/refused.conf"

if render loopback "$D/lb/any.conf" NGINX_PREFIX="$D/lb" LISTEN=80 \
	STATIC_DIR="$REPO/static" FCGI_SOCKET="$FCGI_SOCKET"; then
	not_ok "the loopback profile refuses a bare port (all interfaces)" "it rendered"
else
	ok "the loopback profile refuses a bare port (all interfaces)"
fi

# A template with a placeholder the script does not know.
sed 's/^worker_processes auto;$/worker_processes auto;\nworker_rlimit_nofile @NO_SUCH_SETTING@;/' \
	"$REPO/nginx.conf" >"$D/bad-template.conf"
check "the test template has the unknown placeholder" grep -q '@NO_SUCH_SETTING@' "$D/bad-template.conf"
if render production "$D/bad.conf" NGINX_TEMPLATE="$D/bad-template.conf" "${prod_env[@]}"; then
	not_ok "an unknown placeholder fails the render" "it rendered"
else
	ok "an unknown placeholder fails the render"
fi
expect_match "the message names the placeholder" "$RENDER_OUT" 'NO_SUCH_SETTING'
check "and no configuration is written" test ! -e "$D/bad.conf"

# ---- the production render, live ----
for http_port in $(seq 18700 18800); do port_free "$http_port" && break; done
for https_port in $(seq $((http_port + 1)) 18900); do port_free "$https_port" && break; done
LIVE_PID="$D/live/nginx.pid"
stop_live() {
	local pid
	[ -f "$LIVE_PID" ] || return 0
	pid=$(cat "$LIVE_PID")
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	rm -f "$LIVE_PID"
}
trap 'stop_live; rm -rf "$T_TMP"' EXIT

if render production "$D/live/nginx.conf" NGINX_PID="$LIVE_PID" ERROR_LOG="$D/live/error.log" \
	ACCESS_LOG="$D/live/access.log" NGINX_TEMP="$D/live/tmp" TLS_CERT="$D/cert.pem" \
	TLS_KEY="$D/key.pem" FCGI_SOCKET="$FCGI_SOCKET" STATIC_DIR="$REPO/static" NGINX_USER=root \
	HTTP_LISTEN="127.0.0.1:$http_port" HTTPS_LISTEN="127.0.0.1:$https_port"; then
	ok "the live production configuration renders"
else
	not_ok "the live production configuration renders" "$RENDER_OUT"
fi
if out=$(nginx -p "$D/live" -c "$D/live/nginx.conf" -e stderr -g 'daemon on;' 2>&1); then
	ok "nginx starts with the production render"
else
	not_ok "nginx starts with the production render" "$out"
fi
for _ in $(seq 1 100); do
	curl -sk -o /dev/null --max-time 1 "https://127.0.0.1:$https_port/" && break
	sleep 0.05
done

resp=$(curl -s -o /dev/null -D - --max-time 5 "http://127.0.0.1:$http_port/devices?x=1" | tr -d '\r')
expect_match "plain HTTP answers 301" "$resp" '^HTTP/[0-9.]+ 301'
expect_match "to the same path over https://" "$(printf '%s\n' "$resp" | grep -i '^location:')" \
	'^[Ll]ocation: https://127\.0\.0\.1(:[0-9]+)?/devices\?x=1$'

resp=$(curl -sk -D "$D/h" -o "$D/b" --max-time 5 -w '%{http_code}' "https://127.0.0.1:$https_port/api/v1/health")
expect_eq "health over HTTPS answers 200" "$resp" 200
expect_eq "from the running app" "$(jq -r .status "$D/b" 2>/dev/null)" ok
expect_match "with Strict-Transport-Security" "$(tr -d '\r' <"$D/h")" '^[Ss]trict-[Tt]ransport-[Ss]ecurity: max-age=[0-9]+'
expect_match "and the common security headers" "$(tr -d '\r' <"$D/h")" '^[Xx]-[Cc]ontent-[Tt]ype-[Oo]ptions: nosniff'

resp=$(curl -sk -o /dev/null -D - --max-time 5 "https://127.0.0.1:$https_port/static/app.css" | tr -d '\r')
expect_match "static files over HTTPS" "$resp" '^HTTP/[0-9.]+ 200'
expect_match "carry HSTS too" "$resp" '[Ss]trict-[Tt]ransport-[Ss]ecurity: '

# Signing in over HTTPS: the session cookies get the __Host- prefix and Secure.
live="https://127.0.0.1:$https_port"
jar="$D/live/https.jar"
hdrs=$(curl -sk -D - -o "$D/live/login.html" -c "$jar" -b "$jar" --max-time 5 "$live/login" | tr -d '\r')
expect_match "over HTTPS the sign-in form's seed cookie is __Host- and Secure" "$hdrs" \
	'^[Ss]et-[Cc]ookie: __Host-is_csrf=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Strict; Secure$'
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$D/live/login.html" | head -n 1)
hdrs=$(curl -sk -D - -o /dev/null -c "$jar" -b "$jar" --max-time 10 --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=$ADMIN_EMAIL" --data-urlencode "password=$ADMIN_PASSWORD" "$live/login" | tr -d '\r')
expect_match "signing in over HTTPS answers 303" "$hdrs" '^HTTP/[0-9.]+ 303'
expect_match "with a __Host-is_access cookie: Secure, HttpOnly, SameSite=Strict" "$hdrs" \
	'^[Ss]et-[Cc]ookie: __Host-is_access=[^;]+; Path=/; Max-Age=[0-9]+; HttpOnly; SameSite=Strict; Secure$'
expect_match "and a __Host-is_refresh cookie the same way" "$hdrs" \
	'^[Ss]et-[Cc]ookie: __Host-is_refresh=[^;]+; Path=/; Max-Age=[0-9]+; HttpOnly; SameSite=Strict; Secure$'
expect_eq "the secure cookies sign the browser in" \
	"$(curl -sk -o /dev/null -w '%{http_code}' -b "$jar" --max-time 5 "$live/account")" 200
access=$(awk -F '\t' '$6 == "__Host-is_access" { print $7 }' "$jar")
expect_eq "under HTTPS a cookie without the prefix is not a session" \
	"$(curl -sk -o /dev/null -w '%{http_code}' -H "Cookie: is_access=$access" --max-time 5 "$live/account")" 303

live_master=$(cat "$LIVE_PID" 2>/dev/null)
stop_live
if [ -n "$live_master" ] && ! kill -0 "$live_master" 2>/dev/null; then
	ok "the test nginx stopped"
else
	not_ok "the test nginx stopped" "master pid: ${live_master:-none}"
fi
check "its HTTPS port is free again" port_free "$https_port"

done_testing
