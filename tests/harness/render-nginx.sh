#!/usr/bin/env bash
# render-nginx.sh PROFILE OUT — render nginx.conf for one profile into OUT.
#
#   production  TLS on HTTPS_LISTEN, redirect from HTTP_LISTEN, system paths
#   loopback    plain HTTP on LISTEN (127.0.0.0/8 only), every path under NGINX_PREFIX
#
# Every @NAME@ outside comments is filled from the environment or the profile's default below;
# a placeholder left unfilled is an error, so the template and this script cannot drift apart.
set -euo pipefail

profile=${1:?usage: render-nginx.sh production|loopback OUT}
out=${2:?usage: render-nginx.sh production|loopback OUT}
here=$(cd "$(dirname "$0")" && pwd)
template=${NGINX_TEMPLATE:-$here/../../nginx.conf}

case $profile in
production)
	: "${NGINX_USER:=www-data}"
	: "${NGINX_PID:=/run/nginx.pid}"
	: "${ERROR_LOG:=/var/log/nginx/infrascope-error.log}"
	: "${ACCESS_LOG:=/var/log/nginx/infrascope-access.log}"
	: "${NGINX_TEMP:=/var/lib/nginx}"
	: "${STATIC_DIR:=/usr/share/infrascope/static}"
	: "${FCGI_SOCKET:=/run/infrascope/fcgi.sock}"
	: "${SERVER_NAME:=_}"
	: "${HTTP_LISTEN:=80}"
	: "${HTTPS_LISTEN:=443}"
	: "${TLS_CERT:=/etc/infrascope/tls/fullchain.pem}"
	: "${TLS_KEY:=/etc/infrascope/tls/privkey.pem}"
	: "${METRICS_ALLOW:=127.0.0.1}"
	;;
loopback)
	: "${NGINX_PREFIX:?loopback needs NGINX_PREFIX (a directory for pid and temp files)}"
	: "${LISTEN:=127.0.0.1:8080}"
	case $LISTEN in
	127.*:[0-9]*) ;;
	*) echo "render-nginx.sh: LISTEN=$LISTEN: the loopback profile only listens on 127.0.0.0/8" >&2; exit 2 ;;
	esac
	: "${NGINX_USER:=$(id -un)}"
	: "${NGINX_PID:=$NGINX_PREFIX/nginx.pid}"
	: "${ERROR_LOG:=$NGINX_PREFIX/error.log}"
	: "${ACCESS_LOG:=$NGINX_PREFIX/access.log}"
	: "${NGINX_TEMP:=$NGINX_PREFIX/tmp}"
	: "${STATIC_DIR:?loopback needs STATIC_DIR}"
	: "${FCGI_SOCKET:?loopback needs FCGI_SOCKET}"
	: "${METRICS_ALLOW:=127.0.0.1}"
	mkdir -p "$NGINX_TEMP"
	;;
*)
	echo "render-nginx.sh: unknown profile '$profile' (production or loopback)" >&2
	exit 2
	;;
esac
: "${NGINX_CONF_DIR:=/etc/nginx}"
: "${LOGIN_RATE:=10r/m}"
: "${LOGIN_BURST:=5}"
export NGINX_USER NGINX_PID ERROR_LOG ACCESS_LOG NGINX_TEMP STATIC_DIR FCGI_SOCKET METRICS_ALLOW \
	NGINX_CONF_DIR SERVER_NAME="${SERVER_NAME:-}" HTTP_LISTEN="${HTTP_LISTEN:-}" \
	HTTPS_LISTEN="${HTTPS_LISTEN:-}" TLS_CERT="${TLS_CERT:-}" TLS_KEY="${TLS_KEY:-}" \
	LISTEN="${LISTEN:-}" LOGIN_RATE LOGIN_BURST

mkdir -p "$(dirname "$out")"
# A failed render leaves neither a half file nor the temporary one behind.
trap 'rm -f "$out.tmp"' EXIT
awk -v profile="$profile" '
	/^[ \t]*#@tls[ \t]*$/      { block = "tls"; next }
	/^[ \t]*#@loopback[ \t]*$/ { block = "loopback"; next }
	/^[ \t]*#@end[ \t]*$/      { block = ""; next }
	block == "tls" && profile != "production" { next }
	block == "loopback" {
		if (profile != "loopback") next
		sub(/#\| /, "")
	}
	/^[ \t]*#/ { print; next }
	{
		line = $0
		done = ""
		while (match(line, /@[A-Z_]+@/)) {
			name = substr(line, RSTART + 1, RLENGTH - 2)
			if (!(name in ENVIRON) || ENVIRON[name] == "") {
				printf "render-nginx.sh: %s has no value for profile %s (line %d)\n", name, profile, NR > "/dev/stderr"
				failed = 1
				value = "MISSING"
			} else {
				value = ENVIRON[name]
			}
			# Values are never re-scanned, so one containing "@X@" stays as it is.
			done = done substr(line, 1, RSTART - 1) value
			line = substr(line, RSTART + RLENGTH)
		}
		print done line
	}
	END { exit failed }
' "$template" >"$out.tmp"
mv "$out.tmp" "$out"
