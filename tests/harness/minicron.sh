#!/usr/bin/env bash
# minicron.sh CRONTAB STACK [--now] — run the lines of the production crontab while `make run` is up,
# so a developer's stack polls, drains tasks and thins history on the real schedule. Each
# line's command runs as written except: the settings file is STACK/infrascope.env instead of
# /etc/infrascope/infrascope.env, `| logger -t NAME` becomes `>> STACK/log/NAME.log`, and the
# checkout's batch/ comes first in PATH. Fields: minute hour day month weekday, each `*`,
# `*/N`, `N`, `A-B` or a comma list of those; the user field is ignored (we run as ourselves).
set -uo pipefail
CRONTAB=$1 STACK=$2
REPO=$(cd "$(dirname "$0")/../.." && pwd)

# match SPEC VALUE: does one cron field match?
match() {
	local spec=$1 v=$2 part lo hi step
	local - IFS=,
	set -f # a bare * is a cron field, not a file name pattern
	for part in $spec; do
		step=1
		case $part in */*) step=${part#*/}; part=${part%/*} ;; esac
		case $part in
		'*') lo=0 hi=99 ;;
		*-*) lo=${part%-*} hi=${part#*-} ;;
		*) lo=$part hi=$part ;;
		esac
		if [ "$v" -ge "$lo" ] && [ "$v" -le "$hi" ] && [ $(((v - lo) % step)) -eq 0 ]; then
			return 0
		fi
	done
	return 1
}

run_due() {
	local min hour dom mon dow line m h d mo w _user cmd
	read -r min hour dom mon dow <<<"$(date -u '+%-M %-H %-d %-m %w')"
	while IFS= read -r line; do
		case $line in ''|'#'*|[A-Z_]*=*) continue ;; esac
		read -r m h d mo w _user cmd <<<"$line"
		match "$m" "$min" && match "$h" "$hour" && match "$d" "$dom" && match "$mo" "$mon" &&
			match "$w" "$dow" || continue
		cmd=${cmd//\/etc\/infrascope\/infrascope.env/$STACK/infrascope.env}
		cmd=$(printf '%s' "$cmd" | sed -E "s#\\| *logger -t ([a-z-]+)#>>'$STACK/log/\\1.log'#g")
		PATH="$REPO/batch:$PATH" sh -c "$cmd" </dev/null &
	done <"$CRONTAB"
}

# --now: run what is due this minute once and wait for it (for tests).
if [ "${3:-}" = --now ]; then
	run_due
	wait
	exit 0
fi
# Cron runs at the start of each minute (UTC here; the crontab's times are the server's).
while :; do
	sleep $((60 - $(date +%-S)))
	run_due
done
