#!/usr/bin/env bash
# make install (docs/OPERATIONS.md "Installed layout"), staged with DESTDIR: the binaries,
# templates, string tables, migrations, static files, /etc/cron.d/infrascope and a settings
# file that is written once and never overwritten; every crontab line calls a batch program
# that is installed; the installed app finds its templates and the installed migrator its
# migrations through the $ORIGIN defaults alone.
. "$(dirname "$0")/lib.sh"

D=$T_TMP/root
out=$(make -s -C "$REPO" install VARIANT=release DESTDIR="$D" 2>&1)
expect_eq "make install DESTDIR=…: exit 0" "$?" 0
for f in usr/lib/infrascope/cgi-bin/infrascope.fcgi usr/lib/infrascope/batch/infrascope-poll \
	usr/lib/infrascope/batch/infrascope-migrate usr/lib/infrascope/templates/layout.tpl \
	usr/lib/infrascope/templates/i18n/ru.tsv usr/lib/infrascope/sql/0001_inventory.sql \
	usr/share/infrascope/static/app.css etc/cron.d/infrascope etc/infrascope/infrascope.env; do
	check "installed: /$f" test -e "$D/$f"
done
expect_eq "the settings file is not world-readable (0640)" "$(stat -c %a "$D/etc/infrascope/infrascope.env")" 640
expect_match "make install says the settings need filling in" "$out" 'fill in the keys'
echo "SECRET_KEY=kept-by-the-operator" >>"$D/etc/infrascope/infrascope.env"
out=$(make -s -C "$REPO" install VARIANT=release DESTDIR="$D" 2>&1)
expect_match "a second install keeps the operator's settings file" "$(cat "$D/etc/infrascope/infrascope.env")" 'kept-by-the-operator'

# Every program a crontab line runs exists in the installed batch directory.
programs=$(grep -Ev '^[[:space:]]*(#|$|[A-Z_]+=)' "$D/etc/cron.d/infrascope" |
	grep -oE 'infrascope-[a-z-]+' | sort -u)
check "the crontab runs some programs ($(echo $programs))" test -n "$programs"
for p in $programs; do
	check "crontab program $p is installed and executable" test -x "$D/usr/lib/infrascope/batch/$p"
done
expect_match "the crontab polls every 5 minutes" "$(cat "$D/etc/cron.d/infrascope")" '^\*/5 \* \* \* \* infrascope .*infrascope-poll --all'
expect_match "the crontab thins the history daily" "$(cat "$D/etc/cron.d/infrascope")" '^[0-9]+ [0-9]+ \* \* \* infrascope .*--thin-history'

# The installed tree works without TEMPLATE_DIR/SQL_DIR: $ORIGIN/../templates and ../sql.
out=$(env -u TEMPLATE_DIR -u SQL_DIR "$D/usr/lib/infrascope/cgi-bin/infrascope.fcgi" --check-config 2>&1)
expect_eq "the installed app's --check-config passes (templates found next to it)" "$?" 0
out=$(env -u TEMPLATE_DIR -u SQL_DIR "$D/usr/lib/infrascope/batch/infrascope-migrate" --status 2>&1)
expect_match "the installed migrator finds its migrations" "$out" '0001 +inventory +applied'
done_testing
