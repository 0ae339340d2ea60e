#!/usr/bin/env bash
# make run's schedule (tests/harness/minicron.sh) runs the production crontab's lines: a line
# due now runs with the stack's settings file and logs into STACK/log/NAME.log; a line not due
# does not run; and every line of the real crontab names a program that exists in batch/.
. "$(dirname "$0")/lib.sh"

S=$T_TMP/stack
mkdir -p "$S/log"
echo "MARK=from-the-stack-settings" >"$S/infrascope.env"
cat >"$T_TMP/crontab" <<'CRON'
SHELL=/bin/sh
# a comment
* * * * * infrascope set -a; . /etc/infrascope/infrascope.env; set +a; echo "due $MARK" 2>&1 | logger -t due-job
0 0 31 2 * infrascope echo never | logger -t never-job
CRON
"$REPO/tests/harness/minicron.sh" "$T_TMP/crontab" "$S" --now
expect_eq "a due line ran with the stack's settings and logged to STACK/log" \
	"$(cat "$S/log/due-job.log" 2>/dev/null)" "due from-the-stack-settings"
check "a line that is never due did not run" test ! -e "$S/log/never-job.log"

for p in $(grep -Ev '^[[:space:]]*(#|$|[A-Z_]+=)' "$REPO/crontab" | grep -oE 'infrascope-[a-z-]+' | sort -u); do
	check "the crontab's $p is a program of batch/" test -f "$REPO/batch/$p.c"
done
done_testing
