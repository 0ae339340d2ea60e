# The printer pages through nginx (SPEC §8): the list with its toner bars, filters, search and
# pages; one printer's page with its identity, status, supplies, colour bars and level charts
# (one chart point per recorded numeric sample); stored text escaped; who sees which form
# (viewer: none, operator: poll now, admin: create, edit, delete); forms without their CSRF
# token refused; create / edit / delete through the forms, the community never shown; and
# "poll now" against a simulated printer (tests/sim), after which the page shows its supplies.
# Printers are seeded with psql into devices / printer_details / printer_supplies /
# printer_colours / supply_samples, as the poller would have left them.
. "$(dirname "$0")/lib.sh"

# tsv LANG KEY: the text of KEY in templates/i18n/LANG.tsv.
tsv() {
	awk -F '\t' -v k="$2" '$1 == k { print $2; exit }' "$REPO/templates/i18n/$1.tsv"
}
contains() {
	if [[ $2 == *"$3"* ]]; then ok "$1"; else not_ok "$1" "missing: $3" "in: $(printf '%s' "$2" | head -c 600)"; fi
}
lacks() {
	if [[ $2 == *"$3"* ]]; then not_ok "$1" "unexpected: $3"; else ok "$1"; fi
}
# form JAR PATH FIELDS...: POST urlencoded FIELDS with the session in JAR and the CSRF token of
# the page the form is on (FORM_PAGE, default PATH).
form() {
	local jar=$1 path=$2 csrf
	shift 2
	local -a data=()
	csrf=$(page_csrf "$jar" "${FORM_PAGE:-$path}")
	for f in "$@"; do data+=(--data-urlencode "$f"); done
	http POST "$path" -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" "${data[@]}"
}
# rows_of HTML: the printer rows of the list, one a line.
rows_of() {
	printf '%s' "$1" | perl -0777 -ne 'while (/(<tr class="printer-row.*?<\/tr>)/sg) { my $r = $1; $r =~ s/\n/ /g; print "$r\n" }'
}
# chart_points HTML SUPPLY: "DRAWN DECLARED" of the chart of that supply: the x,y pairs of its
# polylines plus its circles, and its data-points attribute.
chart_points() {
	printf '%s' "$1" | perl -0777 -ne '
		if (/<figure class="chart-box[^"]*" data-supply="'"$2"'">(.*?)<\/figure>/s) {
			my $f = $1; my $n = () = $f =~ /<circle /g;
			while ($f =~ /<polyline points="([^"]*)"/g) { $n += () = $1 =~ /,/g }
			my ($d) = $f =~ /data-points="(\d+)"/;
			print "$n ", $d // "none";
		} else { print "no-chart" }'
}

RUN="pp$$r$RANDOM"
PW="Printer-Pages-$RUN"
SIM_PID=""
SUFFIX=$(( $$ % 200 + 20 )).$(( RANDOM % 200 + 20 ))
cleanup() {
	[ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
	psql_app "DELETE FROM devices WHERE name LIKE '$RUN%' OR name = '<script>alert(1)</script>' OR address LIKE '10.$SUFFIX.%' OR address = '127.1.77.11';
	          DELETE FROM stores WHERE code LIKE 'PP$$%' OR code = 'МСК-$$'" >/dev/null 2>&1
	for id in "${CREATED[@]}"; do
		curl -s -o /dev/null --max-time 10 -X DELETE -H "Authorization: Bearer $(admin_token)" "$BASE_URL/api/v1/users/$id"
	done
	rm -rf "$T_TMP"
}
CREATED=()
trap cleanup EXIT

# ---- who is looking ----
ADMIN_JAR="$T_TMP/admin.jar"
check "the admin signs in" browser_login "$ADMIN_JAR" "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
for r in viewer operator; do
	id=$(ensure_user "$RUN.$r@test.local" "$r" "$PW")
	CREATED+=("$id")
	check "a $r signs in" browser_login "$T_TMP/$r.jar" "$RUN.$r@test.local" "$PW"
done
VIEWER_JAR="$T_TMP/viewer.jar"
OPERATOR_JAR="$T_TMP/operator.jar"
psql_app "UPDATE users SET language = NULL WHERE lower(email) = lower('$ADMIN_EMAIL')" >/dev/null

# ---- seeded printers ----
psql_app "INSERT INTO stores (code, name) VALUES ('PP$$', 'Printer pages store'), ('МСК-$$', 'Москва, Тверская')" >/dev/null
STORE=$(psql_app "SELECT id FROM stores WHERE code = 'PP$$'")
MSK=$(psql_app "SELECT id FROM stores WHERE code = 'МСК-$$'")
# seed NAME ADDRESS STATE KIND [STORE]: a printer row; prints its id.
seed() {
	psql_app "INSERT INTO devices (kind, store_id, name, model, address, state, last_polled_at, last_seen_at, last_error)
	          VALUES ('$4', ${5:-$STORE}, '$1', 'HP Color LaserJet Pro M252dw', $2, '$3', now(), now() - interval '2 hours',
	                  CASE WHEN '$3' = 'offline' THEN 'no SNMP answer from the printer' END) RETURNING id"
}
COLOR=$(seed "$RUN colour" "'10.$SUFFIX.1'" online laser_printer)
MONO=$(seed "$RUN mono" "'10.$SUFFIX.2'" offline laser_printer)
XSS=$(seed '<script>alert(1)</script>' "'10.$SUFFIX.3'" online laser_printer)
LABEL=$(seed "$RUN label" NULL online label_printer)
MSKP=$(seed "$RUN moscow" "'10.$SUFFIX.4'" online laser_printer "$MSK")
check "five printers seeded" test -n "$COLOR" -a -n "$MONO" -a -n "$XSS" -a -n "$LABEL" -a -n "$MSKP"
psql_app "
	INSERT INTO printer_details (device_id, connection, host_pc, vendor, serial, firmware, page_count,
	                             device_status, printer_status, error_bits, severity)
	VALUES ($COLOR, 'ip', NULL, 'HP', 'CNB1234567', '20200612', 12345, 3, 3, (1 << 2) | (1 << 4), 'warning'),
	       ($MONO, 'ip', NULL, 'HP', '', '', NULL, NULL, NULL, 0, 'unknown'),
	       ($LABEL, 'usb', 'PC-KASSA-07', '', '', '', NULL, NULL, NULL, 0, 'unknown');
	UPDATE devices SET last_read_at = now() - interval '30 minutes' WHERE id = $COLOR;
	UPDATE devices SET last_read_at = now() - interval '3 days' WHERE id = $MONO;
	INSERT INTO printer_supplies (device_id, supply_index, description, type, class, max_capacity, level, state,
	                              percent, fullness, colour, is_toner, is_receptacle) VALUES
	  ($COLOR, 1, 'Black Cartridge HP CF540X', 3, 'consumed', 100, 64, 'percent', 64, NULL, 'black', true, false),
	  ($COLOR, 2, 'Cyan Cartridge HP CF541X', 3, 'consumed', 100, 4, 'percent', 4, NULL, 'cyan', true, false),
	  ($COLOR, 3, 'Magenta Cartridge HP CF543X', 3, 'consumed', -2, -3, 'some_remaining', NULL, NULL, 'magenta', true, false),
	  ($COLOR, 4, 'Yellow Cartridge HP CF542X', 3, 'consumed', -2, -2, 'unknown', NULL, NULL, 'yellow', true, false),
	  ($COLOR, 5, 'Toner Collection Unit', 4, 'receptacle', 100, 70, 'percent', 70, 30, NULL, false, true),
	  ($MONO, 1, 'Black Toner <b>bold</b>', 3, 'consumed', 1000, 90, 'percent', 9, NULL, 'black', true, false);
	INSERT INTO printer_colours (device_id, colour, percent, state, supply_index, name) VALUES
	  ($COLOR, 'black', 64, 'percent', 1, 'Black Cartridge HP CF540X'),
	  ($COLOR, 'cyan', 4, 'percent', 2, 'Cyan Cartridge HP CF541X'),
	  ($COLOR, 'magenta', NULL, 'some_remaining', 3, 'Magenta Cartridge HP CF543X'),
	  ($COLOR, 'yellow', NULL, 'unknown', 4, 'Yellow Cartridge HP CF542X'),
	  ($MONO, 'black', 9, 'percent', 1, 'Black Toner <b>bold</b>'),
	  ($XSS, 'black', 50, 'percent', 1, '');
	-- Black: 6 numbers and a gap (some remaining) in the window, one sample too old to chart.
	INSERT INTO supply_samples (device_id, supply_index, at, level, percent, state) VALUES
	  ($COLOR, 1, now() - interval '40 days', 99, 99, 'percent'),
	  ($COLOR, 1, now() - interval '20 days', 90, 90, 'percent'),
	  ($COLOR, 1, now() - interval '15 days', 85, 85, 'percent'),
	  ($COLOR, 1, now() - interval '10 days', -3, NULL, 'some_remaining'),
	  ($COLOR, 1, now() - interval '8 days', 80, 80, 'percent'),
	  ($COLOR, 1, now() - interval '5 days', 75, 75, 'percent'),
	  ($COLOR, 1, now() - interval '2 days', 70, 70, 'percent'),
	  ($COLOR, 1, now() - interval '1 hour', 64, 64, 'percent'),
	  ($COLOR, 2, now() - interval '3 days', 10, 10, 'percent'),
	  ($COLOR, 2, now() - interval '1 hour', 4, 4, 'percent')" >/dev/null
ok "supplies, colours and history seeded"

# ---- the list ----
http GET "/printers?q=$RUN" -b "$VIEWER_JAR"
expect_eq "a viewer opens /printers: 200" "$STATUS" 200
LIST=$BODY
contains "in Russian, with its title" "$LIST" "<h1>$(tsv ru printers_title)</h1>"
contains "the list refreshes itself every 15 minutes" "$LIST" '<meta http-equiv="refresh" content="900">'
contains "the navigation links the printers, marked current" "$LIST" '<a href="/printers" aria-current="page">'
row=$(rows_of "$LIST" | grep -F "$RUN colour")
check "the colour printer has a row" test -n "$row"
contains "its name links its page" "$row" "<a href=\"/printers/$COLOR\">$RUN colour</a>"
contains "its store" "$row" "PP$$"
contains "its address" "$row" "10.$SUFFIX.1"
contains "an online badge" "$row" "<span class=\"badge state-online\">$(tsv ru state_online)</span>"
contains "black toner: a black bar 64 % wide" "$row" '<span class="toner toner-black" title="'
contains "  (width class tw64)" "$row" '<span class="toner-fill tw64"></span></span><span class="toner-value">64%</span>'
contains "cyan at 4 %: marked nearly empty" "$row" '<span class="toner toner-cyan toner-empty"'
contains "  with its number" "$row" '<span class="toner-fill tw4"></span></span><span class="toner-value">4%</span>'
contains "magenta 'some remaining' is a word, not a number" "$row" "<span class=\"toner-fill toner-some\"></span></span><span class=\"toner-value\">$(tsv ru printer_level_some)</span>"
contains "yellow 'unknown' is a word" "$row" "<span class=\"toner-value\">$(tsv ru printer_level_unknown)</span>"
contains "the reading's age (30 minutes)" "$row" "$(tsv ru printers_age_minutes | sed 's/{1}/30/')"
mono=$(rows_of "$LIST" | grep -F "$RUN mono")
contains "an offline printer has an offline badge" "$mono" "<span class=\"badge state-offline\">$(tsv ru state_offline)</span>"
contains "and its last error" "$mono" 'no SNMP answer from the printer'
contains "its 9 % black is marked low" "$mono" '<span class="toner toner-black toner-low"'
contains "a 3-day-old reading is marked stale" "$mono" "stale\"><span class=\"phone-only\">$(tsv ru printers_col_reading): </span>$(tsv ru printers_age_days | sed 's/{1}/3/')</td>"
label=$(rows_of "$LIST" | grep -F "$RUN label")
contains "a USB label printer shows USB and its PC" "$label" 'PC-KASSA-07'
pos_colour=$(printf '%s\n' "$LIST" | grep -n -F "$RUN colour</a>" | cut -d: -f1)
pos_mono=$(printf '%s\n' "$LIST" | grep -n -F "$RUN mono</a>" | cut -d: -f1)
check "online printers come before offline ones" test "${pos_colour:-0}" -lt "${pos_mono:-0}"
lacks "a viewer gets no create form (no POST form at all)" "$LIST" 'method="post" action="/printers'
http GET "/printers?q=script" -b "$VIEWER_JAR"
contains "a printer named <script> is escaped" "$BODY" '&lt;script&gt;alert(1)&lt;/script&gt;</a>'
lacks "no raw script tag reached the list" "$BODY" '<script>alert(1)'
lacks "no style attribute on the page (CSP)" "$LIST" 'style='

http GET /printers -b "$VIEWER_JAR" -H 'Accept-Language: en'
contains "an English browser gets the list in English" "$BODY" "<h1>$(tsv en printers_title)</h1>"

http GET /printers -b "$OPERATOR_JAR"
lacks "an operator gets no create form either" "$BODY" 'method="post" action="/printers"'
http GET /printers -b "$ADMIN_JAR"
contains "an admin gets the create form" "$BODY" '<form method="post" action="/printers" class="form form-wide">'
contains "  whose community field starts empty" "$BODY" 'name="community" type="text" maxlength="255" autocomplete="off" spellcheck="false" value=""'

# ---- filters, search, pages ----
http GET "/printers?q=$RUN+colour" -b "$VIEWER_JAR"
expect_eq "a search for one name finds one printer" "$(rows_of "$BODY" | grep -c .)" 1
contains "  the one asked for" "$BODY" "$RUN colour</a>"
contains "  and keeps the words in the box" "$BODY" "value=\"$RUN colour\""
http GET "/printers?q=10.$SUFFIX.2" -b "$VIEWER_JAR"
contains "a search by address finds the printer" "$BODY" "$RUN mono</a>"
http GET "/printers?q=MCK-$$" -b "$VIEWER_JAR"
contains "a Latin MCK finds the store МСК (look-alike letters folded)" "$BODY" "$RUN moscow</a>"
http GET "/printers?kind=label_printer&q=$RUN" -b "$VIEWER_JAR"
contains "the kind filter keeps label printers" "$BODY" "$RUN label</a>"
lacks "  and drops laser printers" "$BODY" "$RUN colour</a>"
http GET "/printers?state=offline&q=$RUN" -b "$VIEWER_JAR"
contains "the state filter 'offline' keeps the offline printer" "$BODY" "$RUN mono</a>"
lacks "  and drops the online one" "$BODY" "$RUN colour</a>"
http GET "/printers?store=$MSK" -b "$VIEWER_JAR"
contains "the store filter keeps that store's printer" "$BODY" "$RUN moscow</a>"
lacks "  and drops the others" "$BODY" "$RUN colour</a>"
contains "  and shows the store as chosen" "$BODY" "<option value=\"$MSK\" selected>"
http GET "/printers?q=$RUN-nothing-like-this" -b "$VIEWER_JAR"
contains "a search without matches says so" "$BODY" "$(tsv ru printers_no_match)"
http GET "/printers?kind=toaster" -b "$VIEWER_JAR"
expect_eq "an unknown kind is 400" "$STATUS" 400
http GET "/printers?offset=-1" -b "$VIEWER_JAR"
expect_eq "a negative offset is 400" "$STATUS" 400
http GET "/printers?state=sleepy" -b "$VIEWER_JAR"
expect_eq "an unknown state is 400" "$STATUS" 400

psql_app "INSERT INTO devices (kind, store_id, name, address, state)
          SELECT 'laser_printer', $STORE, '$RUN-pg-' || lpad(n::text, 3, '0'), '10.$SUFFIX.' || (100 + n), 'unknown'
          FROM generate_series(1, 52) n" >/dev/null
http GET "/printers?q=$RUN-pg" -b "$VIEWER_JAR"
expect_eq "52 matches: the first page holds 50" "$(rows_of "$BODY" | grep -c .)" 50
contains "  says how many there are" "$BODY" "$(tsv ru printers_count | sed 's/{1}/52/')"
contains "  and links the next page, keeping the search" "$BODY" "href=\"/printers?q=$RUN-pg&amp;store=&amp;kind=&amp;state=&amp;offset=50\""
http GET "/printers?q=$RUN-pg&offset=50" -b "$VIEWER_JAR"
expect_eq "the second page holds the other 2" "$(rows_of "$BODY" | grep -c .)" 2
contains "  sorted by name" "$(rows_of "$BODY" | head -n 1)" "$RUN-pg-051"

# ---- one printer ----
http GET "/printers/$COLOR" -b "$VIEWER_JAR"
expect_eq "a viewer opens a printer's page: 200" "$STATUS" 200
PAGE=$BODY
contains "its name is the heading" "$PAGE" "<span class=\"break\">$RUN colour</span>"
contains "its serial" "$PAGE" 'CNB1234567'
contains "its page counter" "$PAGE" '12345'
contains "its decoded error conditions (low toner)" "$PAGE" "$(tsv ru printer_err_low_toner)"
contains "  (door open)" "$PAGE" "$(tsv ru printer_err_door_open)"
contains "its severity" "$PAGE" "<span class=\"badge sev-warning\">$(tsv ru printer_severity_warning)</span>"
contains "the supplies table lists the waste container" "$PAGE" 'Toner Collection Unit'
contains "  as 30 % full" "$PAGE" "$(tsv ru printer_fullness | sed 's/{1}/30/')"
contains "  with the raw max and level" "$PAGE" '<td class="num mono">-3</td>'
contains "the colour summary has the cyan bar" "$PAGE" '<span class="toner-fill tw4"></span>'
lacks "no style attribute (CSP)" "$PAGE" 'style='
lacks "a viewer gets no poll form" "$PAGE" "action=\"/printers/$COLOR/poll\""
lacks "  no edit form" "$PAGE" "action=\"/printers/$COLOR\""
lacks "  no delete form" "$PAGE" "action=\"/printers/$COLOR/delete\""
numeric=$(psql_app "SELECT count(*) FROM supply_samples WHERE device_id = $COLOR AND supply_index = 1 AND state = 'percent' AND at > now() - interval '30 days'")
expect_eq "the black toner's chart has one point per numeric sample of the last 30 days ($numeric)" "$(chart_points "$PAGE" 1)" "$numeric $numeric"
expect_eq "the cyan toner's chart has its 2 points" "$(chart_points "$PAGE" 2)" "2 2"
expect_eq "a toner without samples has no chart" "$(chart_points "$PAGE" 3)" "no-chart"
contains "the chart is an inline SVG with its title" "$PAGE" '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 360 140"'
expect_eq "the chart's polyline breaks at the 'some remaining' gap (2 lines)" \
	"$(printf '%s' "$PAGE" | perl -0777 -ne 'if (/data-supply="1">(.*?)<\/figure>/s) { my $n = () = $1 =~ /<polyline /g; print $n }')" 2

http GET "/printers/$MONO" -b "$VIEWER_JAR"
contains "a supply description with markup is escaped" "$BODY" 'Black Toner &lt;b&gt;bold&lt;/b&gt;'
http GET "/printers/$XSS" -b "$VIEWER_JAR"
contains "the hostile name is escaped on its page" "$BODY" '&lt;script&gt;alert(1)&lt;/script&gt;'
lacks "  and never raw" "$BODY" '<script>alert(1)'
contains "  also in the page title" "$BODY" '<title>&lt;script&gt;alert(1)&lt;/script&gt; · InfraScope</title>'
http GET "/printers/$LABEL" -b "$VIEWER_JAR"
contains "a USB label printer's page says its state is the host PC's" "$BODY" "$(tsv ru printer_usb_note) PC-KASSA-07"
http GET /printers/999999999 -b "$VIEWER_JAR"
expect_eq "an unknown printer is 404" "$STATUS" 404

http GET "/printers/$COLOR" -b "$OPERATOR_JAR"
contains "an operator gets the poll form" "$BODY" "<form method=\"post\" action=\"/printers/$COLOR/poll\""
lacks "  but no edit form" "$BODY" "action=\"/printers/$COLOR\""
http GET "/printers/$COLOR" -b "$ADMIN_JAR"
contains "an admin gets the edit form" "$BODY" "<form method=\"post\" action=\"/printers/$COLOR\""
contains "  and the delete form" "$BODY" "action=\"/printers/$COLOR/delete\""

# ---- forms need their CSRF token and the right role ----
for p in /printers "/printers/$COLOR" "/printers/$COLOR/delete" "/printers/$COLOR/poll"; do
	http POST "$p" -b "$ADMIN_JAR" --data 'name=x&confirm=1'
	expect_eq "POST $p without a CSRF token is 403" "$STATUS" 403
done
expect_eq "and nothing was deleted" "$(psql_app "SELECT count(*) FROM devices WHERE id = $COLOR")" 1
FORM_PAGE="/printers/$COLOR" form "$VIEWER_JAR" "/printers/$COLOR/poll"
expect_eq "a viewer may not poll (403)" "$STATUS" 403
FORM_PAGE=/printers form "$OPERATOR_JAR" /printers "name=$RUN by operator" address=10.$SUFFIX.9
expect_eq "an operator may not create (403)" "$STATUS" 403
FORM_PAGE="/printers/$COLOR" form "$OPERATOR_JAR" "/printers/$COLOR/delete" confirm=1
expect_eq "an operator may not delete (403)" "$STATUS" 403

# ---- create, edit, delete ----
SECRET="c0mmunity-$RUN"
form "$ADMIN_JAR" /printers "name=$RUN new" kind=laser_printer "address=10.$SUFFIX.250" store="$STORE" \
	snmp_version=2c snmp_port=1161 "community=$SECRET" model='Kyocera P2040dn'
expect_eq "the admin creates a printer: 303" "$STATUS" 303
NEW=$(psql_app "SELECT id FROM devices WHERE name = '$RUN new'")
expect_eq "  to its page" "$(header location)" "/printers/$NEW?created=1"
expect_eq "  stored with its port and store" "$(psql_app "SELECT snmp_port || ' ' || store_id FROM devices WHERE id = ${NEW:-0}")" "1161 $STORE"
check "  the community is stored, not in clear text" \
	test "$(psql_app "SELECT snmp_community IS NOT NULL AND position(convert_to('$SECRET', 'UTF8') in snmp_community) = 0 FROM devices WHERE id = ${NEW:-0}")" = t
http GET "/printers/$NEW?created=1" -b "$ADMIN_JAR"
contains "the new page says it was created" "$BODY" "$(tsv ru printer_notice_created)"
lacks "  and never shows the community" "$BODY" "$SECRET"
contains "  only that one is set" "$BODY" "$(tsv ru printer_community_set)"
sealed=$(psql_app "SELECT encode(snmp_community, 'hex') FROM devices WHERE id = ${NEW:-0}")

form "$ADMIN_JAR" /printers "name=$RUN dup" kind=laser_printer "address=10.$SUFFIX.250" "community=other-$RUN"
expect_eq "an address already taken is refused (409)" "$STATUS" 409
contains "  saying so in Russian" "$BODY" "$(tsv ru printer_msg_address_taken)"
contains "  keeping what was typed" "$BODY" "value=\"$RUN dup\""
lacks "  but not the community" "$BODY" "other-$RUN"
form "$ADMIN_JAR" /printers "name=$RUN bad" kind=laser_printer address=300.1.1.1
expect_eq "a malformed address is refused (422)" "$STATUS" 422
contains "  with the address message" "$BODY" "$(tsv ru printer_msg_address)"
contains "  and the create form open" "$BODY" '<details open>'
form "$ADMIN_JAR" /printers "name=$RUN usb laser" kind=laser_printer connection=usb host_pc=PC-1
expect_eq "a laser printer on USB is refused (422)" "$STATUS" 422
contains "  with the connection message" "$BODY" "$(tsv ru printer_msg_connection)"
form "$ADMIN_JAR" /printers "name=$RUN port" kind=laser_printer "address=10.$SUFFIX.251" snmp_port=70000
expect_eq "an SNMP port out of range is refused (422)" "$STATUS" 422
contains "  with the port message" "$BODY" "$(tsv ru printer_msg_snmp_port)"

FORM_PAGE="/printers/$NEW" form "$ADMIN_JAR" "/printers/$NEW" "name=$RUN renamed" "address=10.$SUFFIX.250" \
	store="$STORE" snmp_version=1 snmp_port=161 community= model='Kyocera P2040dn'
expect_eq "the admin edits the printer: 303" "$STATUS" 303
expect_eq "  back to its page" "$(header location)" "/printers/$NEW?saved=1"
expect_eq "  name and SNMP settings changed" "$(psql_app "SELECT name || ' ' || snmp_version || ' ' || snmp_port FROM devices WHERE id = ${NEW:-0}")" "$RUN renamed 1 161"
expect_eq "  an empty community field kept the stored community" "$(psql_app "SELECT encode(snmp_community, 'hex') FROM devices WHERE id = ${NEW:-0}")" "$sealed"
FORM_PAGE="/printers/$NEW" form "$ADMIN_JAR" "/printers/$NEW" name= "address=10.$SUFFIX.250"
expect_eq "an empty name is refused (422)" "$STATUS" 422
contains "  with the name message" "$BODY" "$(tsv ru printer_msg_name | sed 's/{1}/200/')"
expect_eq "  and nothing changed" "$(psql_app "SELECT name FROM devices WHERE id = ${NEW:-0}")" "$RUN renamed"
FORM_PAGE="/printers/$NEW" form "$ADMIN_JAR" "/printers/$NEW" "name=$RUN renamed" "address=10.$SUFFIX.250" community_reset=1
expect_eq "'reset the community' is accepted" "$STATUS" 303
check "  and forgets the stored community" test "$(psql_app "SELECT encode(snmp_community, 'hex') FROM devices WHERE id = ${NEW:-0}")" != "$sealed"

FORM_PAGE="/printers/$NEW" form "$ADMIN_JAR" "/printers/$NEW/delete"
expect_eq "delete without the confirmation box is refused (422)" "$STATUS" 422
contains "  saying why" "$BODY" "$(tsv ru printer_msg_delete_confirm)"
FORM_PAGE="/printers/$NEW" form "$ADMIN_JAR" "/printers/$NEW/delete" confirm=1
expect_eq "delete with it: 303" "$STATUS" 303
expect_eq "  to the list" "$(header location)" "/printers?deleted=1"
expect_eq "  the printer is gone" "$(psql_app "SELECT count(*) FROM devices WHERE id = ${NEW:-0}")" 0
expect_eq "  and the deletion is in the event log" \
	"$(psql_app "SELECT count(*) FROM events WHERE type = 'printer_deleted' AND message LIKE '%$RUN renamed%'")" 1

# ---- poll now, against a simulated printer ----
case ${APP_BIN:-} in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=release ;;
esac
SIM=${SIM_BIN:-$REPO/build/$VARIANT/tools/infrascope-sim}
SIM_PORT=${PRINTER_PAGES_SIM_PORT:-17361}
SNMPREC_DIR=${SNMPREC_DIR:-$REPO/tests/fixtures/snmprec}
cat >"$T_TMP/fleet" <<EOF
127.1.77.11 public hp_color-laserjet-pro-m252dw.snmprec name=pp-prn mac=02:53:77:11:00:00 level.2=3
EOF
"$SIM" --snmprec-dir "$SNMPREC_DIR" --port "$SIM_PORT" --fleet "$T_TMP/fleet" --control "$T_TMP/sim.ctl" >"$T_TMP/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 200); do [ -S "$T_TMP/sim.ctl" ] && break; sleep 0.05; done
check "the simulator starts" test -S "$T_TMP/sim.ctl"
SIMP=$(psql_app "INSERT INTO devices (kind, store_id, name, address, snmp_port) VALUES ('laser_printer', $STORE, '$RUN simulated', '127.1.77.11', $SIM_PORT) RETURNING id")
http GET "/printers/$SIMP" -b "$OPERATOR_JAR"
contains "before the poll the page has no supplies" "$BODY" "$(tsv ru printer_no_supplies)"
FORM_PAGE="/printers/$SIMP" form "$OPERATOR_JAR" "/printers/$SIMP/poll"
expect_eq "an operator polls now: 303" "$STATUS" 303
expect_eq "  back to the page, which says the printer answered" "$(header location)" "/printers/$SIMP?polled=up"
http GET "/printers/$SIMP?polled=up" -b "$OPERATOR_JAR"
contains "the page says the printer answered" "$BODY" "$(tsv ru printer_poll_up)"
contains "  and now lists its supplies" "$BODY" 'Cyan Cartridge HP CF401X'
contains "  with the simulator's cyan level as a bar (3 %)" "$BODY" '<span class="toner toner-cyan toner-empty"'
contains "  the MAC it read, verified" "$BODY" '02:53:77:11:00:00'
contains "  and the device is online" "$BODY" "<span class=\"badge state-online\">$(tsv ru state_online)</span>"
expect_eq "the poll is in the event log with the operator" \
	"$(psql_app "SELECT count(*) FROM events e JOIN users u ON u.id = e.user_id WHERE e.type = 'printer_polled' AND e.device_id = $SIMP AND u.email = '$RUN.operator@test.local'")" 1
"$SIM" --ctl "$T_TMP/sim.ctl" "silent 127.1.77.11 on" >/dev/null 2>&1
FORM_PAGE="/printers/$SIMP" form "$OPERATOR_JAR" "/printers/$SIMP/poll"
expect_eq "a poll of a silent printer says it did not answer" "$(header location)" "/printers/$SIMP?polled=down"
http GET "/printers/$SIMP?polled=down" -b "$OPERATOR_JAR"
contains "  in words on the page" "$BODY" "$(tsv ru printer_poll_down)"
contains "  and the last good supplies stay" "$BODY" 'Cyan Cartridge HP CF401X'
FORM_PAGE="/printers/$COLOR" form "$OPERATOR_JAR" /printers/999999999/poll
expect_eq "polling an unknown printer is 404" "$STATUS" 404

done_testing
