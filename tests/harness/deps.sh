#!/usr/bin/env bash
# deps.sh PACKAGE... — make sure these Debian packages are installed. As root, installs the
# missing ones with apt-get; otherwise prints the exact command and exits 1. The package
# lists live in the Makefile (DEPS_BUILD, DEPS_RUN, DEPS_TEST).
set -euo pipefail

missing=()
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "infrascope: missing Debian packages: ${missing[*]}" >&2
	echo "install them as root with:" >&2
	echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "infrascope: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${missing[@]}" >/tmp/infrascope-apt.log 2>&1 || {
	tail -n 30 /tmp/infrascope-apt.log >&2
	echo "infrascope: apt-get install failed (full log: /tmp/infrascope-apt.log)" >&2
	exit 1
}
