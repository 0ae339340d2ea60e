# /api/v1/printers through nginx with real tokens: create, read, change, delete; the SNMP
# community is write-only (in no response body, no event, no log line) and stored sealed;
# duplicate addresses are 409; bad input is a 4xx JSON error; viewers read, operators poll,
# admins change; the list's filters, search, pagination and online-first order; delete takes
# the readings and history along. "Poll now" against two real SNMP peers: our simulator
# (tests/sim: a printer answers, then goes silent — the last good readings stay) and Debian's
# snmpd with `override -rw` lines (snmpset changes a toner level, the next poll and the history
# show it). Runs in the runner's network namespace (only lo); needs snmpd and snmp (make deps).
. "$(dirname "$0")/lib.sh"

case ${APP_BIN:-} in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=${VARIANT:-release} ;;
esac
SIM=${SIM_BIN:-$REPO/build/$VARIANT/tools/infrascope-sim}
SNMPREC_DIR=${SNMPREC_DIR:-$REPO/tests/fixtures/snmprec}
SIM_PORT=${PRINTERS_SIM_PORT:-17261}
SNMPD_PORT=${PRINTERS_SNMPD_PORT:-17262}
export MIBS='' SNMP_PERSISTENT_DIR="$T_TMP/snmp"
mkdir -p "$SNMP_PERSISTENT_DIR/cert_indexes"
PIDS=()
TAG="p$$r$RANDOM"
# A community nobody would guess, with characters that need care: it must never come back.
COMMUNITY="Zq9-${TAG}_s3cr3t!~"
BODIES="$T_TMP/bodies"
: >"$BODIES"

cleanup() {
	stop_pids
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# api METHOD PATH TOKEN [JSON]: an API call; every body is kept for the community check.
api() {
	local m=$1 p=$2 tok=$3
	local -a args=(-H "Authorization: Bearer $tok")
	[ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
	http "$m" "$p" "${args[@]}"
	printf '%s\n' "$BODY" >>"$BODIES"
	printf '%s\n' "$HEADERS" >>"$BODIES"
}

# expect_error NAME STATUS CODE MESSAGE_REGEX: the last answer is that JSON error.
expect_error() {
	local got
	got="$STATUS $(json '.error.code') $(json '.error.message')"
	if [ "$STATUS" = "$2" ] && [ "$(json '.error.code')" = "$3" ] &&
		printf '%s' "$(json '.error.message')" | grep -Eq -- "$4"; then
		ok "$1"
	else
		not_ok "$1" "got:  $got" "want: $2 $3 /$4/" "body: $(printf '%s' "$BODY" | head -c 300)"
	fi
}

ADMIN=$(admin_token)
check "the admin signs in" test -n "$ADMIN"
PW="Printers-Test-$TAG"
VIEWER_ID=$(ensure_user "$TAG.viewer@test.local" viewer "$PW")
OPERATOR_ID=$(ensure_user "$TAG.operator@test.local" operator "$PW")
VIEWER=$(api_login "$TAG.viewer@test.local" "$PW")
OPERATOR=$(api_login "$TAG.operator@test.local" "$PW")
check "a viewer and an operator sign in" test -n "$VIEWER" -a -n "$OPERATOR"

# Stores (no stores API yet): one for the CRUD and polls, one with a Cyrillic code for the
# list checks.
S1=$(psql_app "INSERT INTO stores (code, name, subnets) VALUES ('PT-$TAG', 'Printers test store', '{127.1.0.0/29}') RETURNING id")
S2=$(psql_app "INSERT INTO stores (code, name) VALUES ('МСК-$TAG', 'Москва, тест принтеров') RETURNING id")
check "two test stores" test -n "$S1" -a -n "$S2"

# ---- create ----
api POST /api/v1/printers "$ADMIN" "$(jq -nc --arg c "$COMMUNITY" --argjson s "$S1" --argjson port "$SIM_PORT" \
	'{name:"PRN sim 1", address:"127.1.0.5", snmp_port:$port, community:$c, store_id:$s, model:" HP test "}')"
expect_eq "admin creates a laser printer: 201" "$STATUS" 201
A=$(json .id)
expect_eq "Location names it" "$(header location)" "/api/v1/printers/$A"
expect_eq "the answer: kind, name, address, port, model trimmed" \
	"$(json '[.kind, .name, .address, .snmp_port, .model, .store.id, .store.code, .connection] | @tsv')" \
	"$(printf 'laser_printer\tPRN sim 1\t127.1.0.5\t%s\tHP test\t%s\tPT-%s\tip' "$SIM_PORT" "$S1" "$TAG")"
expect_eq "community_set is true, no community member" "$(json '[.community_set, has("community")] | @tsv')" "$(printf 'true\tfalse')"
expect_eq "defaults: snmp_version 2c, state unknown, mac_status unknown, no MAC" \
	"$(json '[.snmp_version, .state, .mac_status, .mac, .online] | @tsv')" "$(printf '2c\tunknown\tunknown\t\tfalse')"
expect_eq "a fresh printer has no readings yet" "$(json '[(.supplies | length), (.colours | length), .details.read_at, .details.read_age_seconds] | @tsv')" \
	"$(printf '0\t0\t\t')"

n=$(psql_app "SELECT length(snmp_community) FROM devices WHERE id = $A")
expect_eq "the community is stored sealed (version + nonce + ciphertext + tag)" "$n" "$((${#COMMUNITY} + 29))"
n=$(psql_app "SELECT position(convert_to('$COMMUNITY', 'UTF8') IN snmp_community) FROM devices WHERE id = $A")
expect_eq "the stored bytes do not contain the plain community" "$n" 0
n=$(psql_app "SELECT count(*) FROM devices WHERE id = $A AND encode(snmp_community, 'escape') LIKE '%' || '${TAG}' || '%'")
expect_eq "not even a part of it" "$n" 0
expect_eq "a printer_details row was created with it" "$(psql_app "SELECT connection FROM printer_details WHERE device_id = $A")" ip

api GET "/api/v1/printers/$A" "$VIEWER"
expect_eq "a viewer reads it" "$STATUS" 200
expect_eq "GET shows the same printer" "$(json '[.id, .name, .community_set] | @tsv')" "$(printf '%s\tPRN sim 1\ttrue' "$A")"
expect_eq "details, supplies and colours are there (empty)" "$(json '[(.details | type), (.supplies | type), (.colours | type)] | @tsv')" \
	"$(printf 'object\tarray\tarray')"

api POST /api/v1/printers "$ADMIN" '{"kind":"label_printer","connection":"usb","host_pc":"kassa-3","name":"LBL usb"}'
expect_eq "a USB label printer without an address: 201" "$STATUS" 201
USB=$(json .id)
expect_eq "its connection, host PC, no address, default community" "$(json '[.kind, .connection, .host_pc, (.address // "null"), .community_set] | @tsv')" \
	"$(printf 'label_printer\tusb\tkassa-3\tnull\tfalse')"
# updated_at: an edit kept beside the devices row (the host PC) counts; one that changes nothing
# does not.
psql_app "UPDATE devices SET updated_at = now() - interval '1 day' WHERE id = $USB" >/dev/null
api PATCH "/api/v1/printers/$USB" "$ADMIN" '{"host_pc":"kassa-3"}'
expect_eq "a PATCH that changes nothing leaves updated_at" \
	"$(psql_app "SELECT updated_at < now() - interval '1 hour' FROM devices WHERE id = $USB")" t
api PATCH "/api/v1/printers/$USB" "$ADMIN" '{"host_pc":"kassa-4"}'
expect_eq "a new host PC moves it" \
	"$(psql_app "SELECT updated_at > now() - interval '1 minute' FROM devices WHERE id = $USB")" t

# ---- duplicates and bad input ----
api POST /api/v1/printers "$ADMIN" '{"name":"dup","address":"127.1.0.5"}'
expect_error "the same address again: 409 conflict" 409 conflict 'address.*127\.1\.0\.5'
api POST /api/v1/printers "$ADMIN" '{"name":"B","address":"127.1.0.9"}'
B=$(json .id)
api PATCH "/api/v1/printers/$B" "$ADMIN" '{"address":"127.1.0.5"}'
expect_error "moving another printer onto it: 409" 409 conflict 'already has address'

bad() { # bad NAME JSON MESSAGE_REGEX
	api POST /api/v1/printers "$ADMIN" "$2"
	expect_error "422 for $1" 422 validation_failed "$3"
}
bad "a bad address" '{"name":"x","address":"300.1.1.1"}' '^address: not an IPv4'
bad "a host name as address" '{"name":"x","address":"printer.local"}' '^address: not an IPv4'
bad "no address" '{"name":"x"}' '^address: required'
bad "no name" '{"address":"127.1.0.10"}' '^name: required'
bad "an empty name" '{"name":"  ","address":"127.1.0.10"}' '^name: must be 1 to 200'
bad "a community with a newline" '{"name":"x","address":"127.1.0.10","community":"a\nb"}' '^community: must be 1 to 255 printable ASCII'
bad "an empty community" '{"name":"x","address":"127.1.0.10","community":""}' '^community:'
bad "a community of 256 characters" "$(jq -nc --arg c "$(printf 'c%.0s' $(seq 1 256))" '{name:"x",address:"127.1.0.10",community:$c}')" '^community:'
bad "USB without host_pc" '{"kind":"label_printer","connection":"usb","name":"x"}' '^host_pc: required'
bad "USB with an address" '{"kind":"label_printer","connection":"usb","host_pc":"pc","name":"x","address":"127.1.0.10"}' '^address: a USB label printer'
bad "a laser printer on USB" '{"connection":"usb","host_pc":"pc","name":"x"}' '^connection: only label printers'
bad "a bad host_pc" '{"kind":"label_printer","connection":"usb","host_pc":"pc;reboot","name":"x"}' '^host_pc: not a host name'
bad "a bad MAC" '{"name":"x","address":"127.1.0.10","mac":"00:11:22:33:44"}' '^mac: not a MAC'
bad "a broadcast MAC" '{"name":"x","address":"127.1.0.10","mac":"ff:ff:ff:ff:ff:ff"}' '^mac: not a MAC'
bad "port 0" '{"name":"x","address":"127.1.0.10","snmp_port":0}' '^snmp_port: must be 1 to 65535'
bad "port 65536" '{"name":"x","address":"127.1.0.10","snmp_port":65536}' '^snmp_port: must be 1 to 65535'
bad "a port as a string" '{"name":"x","address":"127.1.0.10","snmp_port":"161"}' '^snmp_port: must be an integer'
bad "SNMP v3" '{"name":"x","address":"127.1.0.10","snmp_version":"3"}' '^snmp_version: must be'
bad "an unknown kind" '{"kind":"inkjet","name":"x","address":"127.1.0.10"}' '^kind: must be'
bad "a store that does not exist" '{"name":"x","address":"127.1.0.10","store_id":999999999}' '^store_id: there is no store'
bad "an unknown field" '{"name":"x","address":"127.1.0.10","ip_address":"1.2.3.4"}' '^unknown field "ip_address"'
bad "a community_set field (read-only)" '{"name":"x","address":"127.1.0.10","community_set":true}' '^unknown field'
bad "a JSON array" '[1]' 'object'
api POST /api/v1/printers "$ADMIN" '{"name":'
expect_eq "400 invalid_json for malformed JSON" "$STATUS $(json .error.code)" "400 invalid_json"
expect_eq "none of the refused ones was stored" "$(psql_app "SELECT count(*) FROM devices WHERE address = '127.1.0.10'")" 0
api PATCH "/api/v1/printers/$A" "$ADMIN" '{"kind":"label_printer"}'
expect_error "the kind cannot be changed" 422 validation_failed '^kind: cannot be changed'
api GET /api/v1/printers/999999999 "$VIEWER"
expect_error "an unknown id: 404" 404 not_found 'no such printer'
api GET /api/v1/printers/999999999/history "$VIEWER"
expect_error "history of an unknown id: 404" 404 not_found 'no such printer'
api GET "/api/v1/printers?kind=inkjet" "$VIEWER"
expect_error "list: an unknown kind" 422 validation_failed '^kind'
api GET "/api/v1/printers?online=yes" "$VIEWER"
expect_error "list: online must be true or false" 422 validation_failed '^online'
api GET "/api/v1/printers?limit=501" "$VIEWER"
expect_error "list: limit over 500" 422 validation_failed 'limit'
api GET "/api/v1/printers/$A/history?days=0" "$VIEWER"
expect_error "history: days=0" 422 validation_failed '^days: must be 1 to'
api GET "/api/v1/printers/$A/history?days=abc" "$VIEWER"
expect_error "history: days=abc" 422 validation_failed '^days'

# ---- who may do what ----
api POST /api/v1/printers "$VIEWER" '{"name":"v","address":"127.1.0.11"}'
expect_error "a viewer cannot create: 403" 403 forbidden '.'
api POST /api/v1/printers "$OPERATOR" '{"name":"o","address":"127.1.0.11"}'
expect_eq "an operator cannot create either: 403" "$STATUS" 403
api PATCH "/api/v1/printers/$A" "$VIEWER" '{"name":"hacked"}'
expect_eq "a viewer cannot change: 403" "$STATUS" 403
api DELETE "/api/v1/printers/$A" "$OPERATOR"
expect_eq "an operator cannot delete: 403" "$STATUS" 403
api POST "/api/v1/printers/$A/poll" "$VIEWER" '{}'
expect_eq "a viewer cannot poll: 403" "$STATUS" 403
http GET /api/v1/printers
expect_eq "nobody: 401" "$STATUS" 401
expect_eq "the refused calls changed nothing" "$(psql_app "SELECT name FROM devices WHERE id = $A")" "PRN sim 1"

# ---- change ----
before=$(psql_app "SELECT encode(snmp_community, 'hex') FROM devices WHERE id = $A")
api PATCH "/api/v1/printers/$B" "$ADMIN" '{"name":"B renamed","community":"other-secret"}'
expect_eq "admin changes name and community: 200" "$STATUS" 200
expect_eq "the answer shows the new name, community_set" "$(json '[.name, .community_set] | @tsv')" "$(printf 'B renamed\ttrue')"
api PATCH "/api/v1/printers/$B" "$ADMIN" '{"community":null}'
expect_eq "community null: back to the default" "$(json .community_set)" false
expect_eq "and nothing is stored" "$(psql_app "SELECT snmp_community IS NULL FROM devices WHERE id = $B")" t
api PATCH "/api/v1/printers/$A" "$ADMIN" "$(jq -nc --arg c "$COMMUNITY" '{community:$c}')"
after=$(psql_app "SELECT encode(snmp_community, 'hex') FROM devices WHERE id = $A")
check "setting the same community again seals it anew (fresh nonce)" test -n "$after" -a "$before" != "$after"
psql_app "UPDATE devices SET mac = '02:53:00:00:00:09', mac_status = 'verified' WHERE id = $B" >/dev/null
api PATCH "/api/v1/printers/$B" "$ADMIN" '{"model":"M1"}'
expect_eq "a change of model keeps mac_status" "$(json .mac_status)" verified
api PATCH "/api/v1/printers/$B" "$ADMIN" '{"mac":"02-53-00-00-00-0A"}'
expect_eq "a new MAC by hand: normalised, mac_status unknown" "$(json '[.mac, .mac_status] | @tsv')" "$(printf '02:53:00:00:00:0a\tunknown')"
psql_app "UPDATE devices SET mac_status = 'verified' WHERE id = $B" >/dev/null
api PATCH "/api/v1/printers/$B" "$ADMIN" '{"address":"127.1.0.12"}'
expect_eq "a new address: mac_status unknown again" "$(json '[.address, .mac_status] | @tsv')" "$(printf '127.1.0.12\tunknown')"
api PATCH "/api/v1/printers/$USB" "$ADMIN" '{"connection":"ip","address":"127.1.0.13"}'
expect_eq "a USB label printer goes on the network" "$(json '[.connection, .address] | @tsv')" "$(printf 'ip\t127.1.0.13')"
api PATCH "/api/v1/printers/$USB" "$ADMIN" '{"connection":"usb"}'
expect_error "and back to USB needs the address cleared" 422 validation_failed '^address: a USB label printer'
n=$(psql_app "SELECT count(*) FROM events WHERE type = 'printer_updated' AND device_id = $B")
check "changes are audited (printer_updated: $n)" test "$n" -ge 4

# ---- the list: filters, search, online first, pagination ----
declare -A L
i=0
for spec in "A-off:offline" "B-on:online" "C-pend:pending_offline" "D-unk:unknown" "E-on:online"; do
	nm=${spec%%:*}
	i=$((i + 1))
	api POST /api/v1/printers "$ADMIN" "$(jq -nc --arg n "$nm list" --arg a "127.1.1.$i" --argjson s "$S2" \
		'{name:$n, address:$a, store_id:$s, kind:"label_printer", mac:"02:53:aa:bb:cc:0\($a[-1:])"}')"
	L[$nm]=$(json .id)
	psql_app "UPDATE devices SET state = '${spec#*:}' WHERE id = ${L[$nm]}" >/dev/null
done
check "five list printers" test "${#L[@]}" -eq 5
api GET "/api/v1/printers?store=$S2" "$VIEWER"
expect_eq "store filter by id: total 5" "$(json .total)" 5
expect_eq "online first (online, pending_offline, unknown, offline), then by name" "$(json '[.items[].name] | join(",")')" \
	"B-on list,E-on list,C-pend list,D-unk list,A-off list"
expect_eq "items carry online and state" "$(json '[.items[] | "\(.state):\(.online)"] | join(",")')" \
	"online:true,online:true,pending_offline:true,unknown:false,offline:false"
expect_eq "limit and offset echo, default limit 50" "$(json '[.limit, .offset] | @tsv')" "$(printf '50\t0')"
pages=""
for off in 0 2 4; do
	api GET "/api/v1/printers?store=$S2&limit=2&offset=$off" "$VIEWER"
	pages+="$(json '.total'):$(json '[.items[].name] | join("+")');"
done
expect_eq "pages of 2: the same total, the same order" "$pages" "5:B-on list+E-on list;5:C-pend list+D-unk list;5:A-off list;"
api GET "/api/v1/printers?store=$S2&offset=10" "$VIEWER"
expect_eq "past the end: no items, total still 5" "$(json '[(.items | length), .total] | @tsv')" "$(printf '0\t5')"
api GET "/api/v1/printers?store=%D0%9C%D0%A1%D0%9A-$TAG" "$VIEWER"
expect_eq "store filter by code (Cyrillic)" "$(json .total)" 5
api GET "/api/v1/printers?store=$S2&online=true" "$VIEWER"
expect_eq "online=true: online and pending_offline" "$(json '[.items[].name] | join(",")')" "B-on list,E-on list,C-pend list"
api GET "/api/v1/printers?store=$S2&online=false" "$VIEWER"
expect_eq "online=false: the rest" "$(json '[.items[].name] | join(",")')" "D-unk list,A-off list"
api GET "/api/v1/printers?kind=label_printer&store=$S2" "$VIEWER"
expect_eq "kind filter" "$(json .total)" 5
api GET "/api/v1/printers?kind=laser_printer&store=$S2" "$VIEWER"
expect_eq "kind filter: no laser printers there" "$(json .total)" 0
q() { api GET "/api/v1/printers?q=$1" "$VIEWER"; json '[.items[].name] | sort | join(",")'; }
expect_eq "search by name, any case" "$(q 'c-PEND')" "C-pend list"
expect_eq "search by address" "$(q '127.1.1.4')" "D-unk list"
expect_eq "search by MAC (another spelling)" "$(q '02-53-AA-BB-CC-05')" "E-on list"
expect_eq "search by store name (Cyrillic, any case)" "$(q "%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0+b-on")" "B-on list"
expect_eq "search by store code typed in Latin look-alikes (MCK finds МСК)" "$(q "MCK-$TAG+a-off")" "A-off list"
expect_eq "every word must match" "$(q 'b-on+nothing-like-this')" ""
api GET "/api/v1/printers?q=list&store=$S2&limit=1" "$VIEWER"
expect_eq "search and pagination: total of all matches" "$(json '[.total, (.items | length)] | @tsv')" "$(printf '5\t1')"
api GET "/api/v1/printers?q=%25" "$VIEWER"
expect_eq "% is an ordinary character in a search" "$(json .total)" 0

# ---- poll now: the simulator ----
if [ ! -x "$SIM" ]; then
	not_ok "the simulator is built ($SIM; make sim)"
else
	printf '127.1.0.%s %s hp_color-laserjet-pro-m252dw.snmprec name=sim-prn-%s\n' 5 "$COMMUNITY" 5 6 "$COMMUNITY" 6 >"$T_TMP/fleet"
	"$SIM" --snmprec-dir "$SNMPREC_DIR" --port "$SIM_PORT" --fleet "$T_TMP/fleet" --control "$T_TMP/sim.ctl" \
		>"$T_TMP/sim.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 200); do [ -S "$T_TMP/sim.ctl" ] && break; sleep 0.05; done
	check "the simulator runs with the printer's community" test -S "$T_TMP/sim.ctl"
	t0=$(date +%s%N)
	api POST "/api/v1/printers/$A/poll" "$OPERATOR" '{}'
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	expect_eq "an operator polls now: 200" "$STATUS" 200
	expect_eq "poll summary: up, no error" "$(json '[.poll.up, (.poll.error // "none")] | @tsv')" "$(printf 'true\tnone')"
	expect_eq "state online, mac_status verified (first MAC seen)" "$(json '[.state, .mac_status, .online] | @tsv')" "$(printf 'online\tverified\ttrue')"
	check "a MAC was adopted ($(json .mac))" test -n "$(json '.mac // empty')"
	NSUP=$(json '.supplies | length')
	check "supplies filled ($NSUP)" test "${NSUP:-0}" -ge 4
	expect_eq "the colour summary: black, cyan, magenta, yellow" "$(json '[.colours[].colour] | join(",")')" "black,cyan,magenta,yellow"
	check "toner percentages are numbers" test "$(json '[.colours[].percent | numbers] | length')" = 4
	expect_eq "details: model from the printer, read just now" "$(json '[(.model | length > 0), (.details.read_at != null), (.details.read_age_seconds < 60), .details.severity != "unknown"] | @tsv')" \
		"$(printf 'true\ttrue\ttrue\ttrue')"
	expect_eq "details: device status by name, no page counter in this walk" "$(json '[.details.device_status_name, .details.page_count, .details.errors == []] | @tsv')" \
		"$(printf 'running\t\ttrue')"
	expect_eq "one device_samples row, up" "$(psql_app "SELECT count(*) || ':' || bool_and(up) FROM device_samples WHERE device_id = $A")" "1:true"
	echo "# poll of a live printer: $ms ms"
	api GET "/api/v1/printers?store=$S1&q=sim" "$VIEWER"
	expect_eq "the list item carries the colour summary" "$(json '[.items[0].colours[].colour] | join(",")')" "black,cyan,magenta,yellow"
	api GET "/api/v1/printers/$A/history" "$VIEWER"
	expect_eq "history: one point per supply after the first poll" "$(json '[(.supplies | length), ([.supplies[].points | length] | unique | map(tostring) | join(","))] | @tsv')" \
		"$(printf '%s\t1' "$NSUP")"
	expect_eq "history: availability up 1, down 0, days 30" "$(json '[.availability.up, .availability.down, .days] | @tsv')" "$(printf '1\t0\t30')"

	"$SIM" --ctl "$T_TMP/sim.ctl" 'silent 127.1.0.5 on' >/dev/null
	t0=$(date +%s%N)
	api POST "/api/v1/printers/$A/poll" "$OPERATOR" '{}'
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	FAILED_POLLS=1
	expect_eq "polling the silent printer: 200" "$STATUS" 200
	expect_match "no answer: poll.up false, state offline (or pending_offline while offline is being confirmed)" \
		"$(json '[.state, .poll.up] | @tsv')" "^(offline|pending_offline)	false$"
	expect_match "last_error says there was no SNMP answer" "$(json .last_error)" '^no SNMP answer from 127\.1\.0\.5'
	expect_eq "poll.error is the same" "$(json .poll.error)" "$(json .last_error)"
	expect_eq "the last good supplies and colours stay" "$(json '[(.supplies | length), (.colours | length)] | @tsv')" "$(printf '%s\t4' "$NSUP")"
	check "with their age (read_at kept)" test "$(json '.details.read_at != null')" = true
	check "bounded by the SNMP timeout ($ms ms < 9000)" test "$ms" -lt 9000
	# Offline confirmation (SPEC §2): more failed polls until the state says offline.
	while [ "$(json .state)" = pending_offline ] && [ "$FAILED_POLLS" -lt 3 ]; do
		api POST "/api/v1/printers/$A/poll" "$OPERATOR" '{}'
		FAILED_POLLS=$((FAILED_POLLS + 1))
	done
	expect_eq "the silent printer ends offline (after $FAILED_POLLS failed poll(s)), not online" \
		"$(json '[.state, .online, .poll.up] | @tsv')" "$(printf 'offline\tfalse\tfalse')"
	expect_eq "and still shows the last good supplies" "$(json '.supplies | length')" "$NSUP"
	expect_eq "one down sample per failed poll" \
		"$(psql_app "SELECT count(*) FILTER (WHERE up) || ':' || count(*) FILTER (WHERE NOT up) FROM device_samples WHERE device_id = $A")" "1:$FAILED_POLLS"
	expect_eq "one offline event was written" "$(psql_app "SELECT count(*) FROM events WHERE type = 'offline' AND device_id = $A")" 1
	expect_eq "polls are audited with the caller (printer_polled)" \
		"$(psql_app "SELECT count(*) FROM events WHERE type = 'printer_polled' AND device_id = $A AND user_id = $OPERATOR_ID")" "$((FAILED_POLLS + 1))"
	api GET "/api/v1/printers/$A/history?days=1" "$VIEWER"
	expect_eq "history: availability up 1, down $FAILED_POLLS (per day too)" "$(json '[.availability.up, .availability.down, ([.availability.per_day[].down] | add)] | @tsv')" \
		"$(printf '1\t%s\t%s' "$FAILED_POLLS" "$FAILED_POLLS")"

	# A community sealed under another DEVICE_SECRET_KEY is never replaced by a guess: the
	# printer is not asked at all, and the poll fails with a message saying what to do.
	psql_app "UPDATE devices SET snmp_community = '\\x01'::bytea || decode(repeat('ab', 40), 'hex')
		WHERE id = $A" >/dev/null
	api POST "/api/v1/printers/$A/poll" "$OPERATOR" '{}'
	expect_eq "an undecryptable community: the poll answers 200, down" "$(printf '%s %s' "$STATUS" "$(json .poll.up)")" "200 false"
	expect_match "its error says to set the community again" "$(json .last_error)" 'cannot be decrypted.*set the community again'

	# A poll that reads what is stored rewrites nothing but the poll's own rows (lib/
	# printer_record: the reading's fingerprints); the history still gets every supply hourly,
	# and a changed level at once.
	api POST /api/v1/printers "$ADMIN" "$(jq -nc --arg c "$COMMUNITY" --argjson port "$SIM_PORT" \
		'{name:"PRN sim unchanged", address:"127.1.0.6", snmp_port:$port, community:$c}')"
	U=$(json .id)
	rows_of() { # the row versions (xmin) of printer U's details and supplies
		psql_app "SELECT (SELECT xmin::text FROM printer_details WHERE device_id = $U) || '/' ||
		          (SELECT string_agg(xmin::text, ',' ORDER BY supply_index) FROM printer_supplies WHERE device_id = $U)"
	}
	samples_of() { psql_app "SELECT count(*) FROM supply_samples WHERE device_id = $U"; }
	read_at_of() { psql_app "SELECT last_read_at FROM devices WHERE id = $U"; }
	api POST "/api/v1/printers/$U/poll" "$OPERATOR" '{}'
	expect_eq "unchanged reading: the first poll is up" "$(json .poll.up)" true
	NU=$(json '.supplies | length')
	rows1=$(rows_of) samples1=$(samples_of) read1=$(read_at_of)
	expect_eq "the first poll samples every supply" "$samples1" "$NU"
	updated1=$(json .updated_at)
	sleep 1 # updated_at has second precision
	api POST "/api/v1/printers/$U/poll" "$OPERATOR" '{}'
	expect_eq "a second poll reading the same values is up" "$(json .poll.up)" true
	expect_eq "a poll does not count as a change of the printer (updated_at)" "$(json .updated_at)" "$updated1"
	expect_eq "it rewrites neither details nor supplies" "$(rows_of)" "$rows1"
	expect_eq "and adds no history" "$(samples_of)" "$samples1"
	check "but the reading's time moves ($read1 → $(read_at_of))" test "$(read_at_of)" != "$read1"
	expect_eq "and the API shows it read just now" "$(json '.details.read_age_seconds < 60')" true
	psql_app "UPDATE printer_details SET sampled_at = now() - interval '61 minutes' WHERE device_id = $U" >/dev/null
	api POST "/api/v1/printers/$U/poll" "$OPERATOR" '{}'
	expect_eq "an hour after the last full sample, every supply is sampled again" "$(samples_of)" "$((samples1 + NU))"
	expect_eq "the supplies themselves are not rewritten" "$(rows_of | cut -d/ -f2)" "$(cut -d/ -f2 <<<"$rows1")"
	"$SIM" --ctl "$T_TMP/sim.ctl" 'set 127.1.0.6 1.3.6.1.2.1.43.11.1.1.9.1.1 i 3' >/dev/null
	api POST "/api/v1/printers/$U/poll" "$OPERATOR" '{}'
	expect_eq "a changed level: one more sample, of that supply" \
		"$(psql_app "SELECT count(*) || ':' || max(supply_index) || ':' || max(level) FROM supply_samples
		             WHERE device_id = $U AND at = (SELECT max(at) FROM supply_samples WHERE device_id = $U)")" "1:1:3"
	expect_eq "and the stored supply shows it" "$(json '.supplies[] | select(.supply_index == 1) | .level')" 3
	# The yellow cartridge leaves the supplies table: its row and its colour go, the rest stay.
	gone=()
	for column in 2 3 4 5 6 7 8 9; do gone+=("unset 127.1.0.6 1.3.6.1.2.1.43.11.1.1.$column.1.4"); done
	"$SIM" --ctl "$T_TMP/sim.ctl" "${gone[@]}" >/dev/null
	api POST "/api/v1/printers/$U/poll" "$OPERATOR" '{}'
	expect_eq "a supply no longer reported is gone, with its colour" \
		"$(json '[([.supplies[].supply_index] | map(tostring) | join(",")), ([.colours[].colour] | join(","))] | @tsv')" \
		"$(printf '1,2,3\tblack,cyan,magenta')"
	expect_eq "the stored rows say the same" \
		"$(psql_app "SELECT (SELECT string_agg(supply_index::text, ',' ORDER BY supply_index) FROM printer_supplies WHERE device_id = $U) || ' ' ||
		             (SELECT count(*) FROM printer_colours WHERE device_id = $U)")" "1,2,3 3"
	sleep 1 # updated_at has second precision
	api PATCH "/api/v1/printers/$U" "$ADMIN" '{"name":"PRN sim renamed"}'
	check "an edit does ($updated1 → $(json .updated_at))" test "$(json .updated_at)" != "$updated1"
fi

# ---- poll now: Debian's snmpd ----
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)
if [ ! -x "$SNMPD" ]; then
	not_ok "snmpd is installed (Debian package snmpd: make deps-test)"
else
	D="$T_TMP/snmpd"
	mkdir -p "$D/state"
	cat >"$D/snmpd.conf" <<EOF
agentaddress udp:127.0.0.2:$SNMPD_PORT
rocommunity public 127.0.0.0/8
rwcommunity private 127.0.0.0/8
sysDescr HP LaserJet test fixture (snmpd)
sysName PRN-SNMPD-1
sysObjectID .1.3.6.1.4.1.11.2.3.9.1
override .1.3.6.1.2.1.43.5.1.1.17.1 octet_str "SNMPD-SERIAL-1"
override .1.3.6.1.2.1.43.11.1.1.4.1.1 integer 3
override .1.3.6.1.2.1.43.11.1.1.5.1.1 integer 3
override .1.3.6.1.2.1.43.11.1.1.6.1.1 octet_str "Black Toner Cartridge"
override .1.3.6.1.2.1.43.11.1.1.7.1.1 integer 19
override .1.3.6.1.2.1.43.11.1.1.8.1.1 integer 2000
override -rw .1.3.6.1.2.1.43.11.1.1.9.1.1 integer 1600
override .1.3.6.1.2.1.43.11.1.1.4.1.2 integer 4
override .1.3.6.1.2.1.43.11.1.1.5.1.2 integer 4
override .1.3.6.1.2.1.43.11.1.1.6.1.2 octet_str "Waste Toner Box"
override .1.3.6.1.2.1.43.11.1.1.7.1.2 integer 19
override .1.3.6.1.2.1.43.11.1.1.8.1.2 integer 100
override .1.3.6.1.2.1.43.11.1.1.9.1.2 integer -3
EOF
	SNMP_PERSISTENT_DIR="$D/state" "$SNMPD" -f -Lo -C -c "$D/snmpd.conf" -p "$D/snmpd.pid" >"$D/snmpd.log" 2>&1 &
	PIDS+=($!)
	up=""
	for _ in $(seq 1 100); do
		if snmpget -v2c -c public -On -t 0.2 -r 0 "127.0.0.2:$SNMPD_PORT" .1.3.6.1.2.1.43.11.1.1.9.1.1 >/dev/null 2>&1; then
			up=1
			break
		fi
		sleep 0.05
	done
	if [ -z "$up" ]; then
		not_ok "snmpd answers on 127.0.0.2:$SNMPD_PORT" "$(head -n 20 "$D/snmpd.log")"
	else
		ok "snmpd answers on 127.0.0.2:$SNMPD_PORT"
		api POST /api/v1/printers "$ADMIN" "$(jq -nc --argjson s "$S1" --argjson port "$SNMPD_PORT" \
			'{name:"PRN snmpd", address:"127.0.0.2", snmp_port:$port, store_id:$s}')"
		C=$(json .id)
		api POST "/api/v1/printers/$C/poll" "$OPERATOR" '{}'
		expect_eq "snmpd printer (default community): poll 200, up" "$(printf '%s %s' "$STATUS" "$(json .poll.up)")" "200 true"
		expect_eq "toner at 80 % (1600 of 2000)" "$(json '.supplies[] | select(.supply_index == 1) | "\(.percent) \(.state) \(.colour)"')" "80 percent black"
		expect_eq "the waste box: some remaining, a receptacle" "$(json '.supplies[] | select(.supply_index == 2) | "\(.state) \(.is_receptacle)"')" "some_remaining true"
		expect_eq "colour summary: black 80" "$(json '[.colours[] | "\(.colour) \(.percent)"] | join(",")')" "black 80"
		expect_eq "identity from the agent" "$(json '[.details.sys_name, .details.serial] | @tsv')" "$(printf 'PRN-SNMPD-1\tSNMPD-SERIAL-1')"
		api GET "/api/v1/printers/$C/history" "$VIEWER"
		P1=$(json '.supplies[] | select(.supply_index == 1) | .points | length')
		expect_eq "history: one point for the toner" "$P1" 1
		out=$(snmpset -v2c -c private -On -t 1 -r 1 "127.0.0.2:$SNMPD_PORT" .1.3.6.1.2.1.43.11.1.1.9.1.1 i 700 2>&1)
		expect_match "snmpset changes the level (override -rw)" "$out" 'INTEGER: 700'
		api POST "/api/v1/printers/$C/poll" "$OPERATOR" '{}'
		expect_eq "after the next poll: 35 %" "$(json '.supplies[] | select(.supply_index == 1) | .percent')" 35
		expect_eq "and in the colour summary" "$(json '.colours[0].percent')" 35
		api GET "/api/v1/printers/$C/history?days=7" "$VIEWER"
		expect_eq "history: one more point for that supply, oldest first" \
			"$(json '.supplies[] | select(.supply_index == 1) | [.points[].percent] | map(tostring) | join(",")')" "80,35"
		expect_eq "the unchanged supply got no new point" "$(json '.supplies[] | select(.supply_index == 2) | .points | length')" 1
		expect_eq "history: description and colour of the series" "$(json '.supplies[] | select(.supply_index == 1) | "\(.description)|\(.colour)"')" "Black Toner Cartridge|black"
		# The same on the page a technician opens: the new percent, and the toner's chart has
		# gained its second point.
		api GET "/printers/$C" "$VIEWER"
		expect_match "the printer page shows 35 % after the poll" "$BODY" '>35%<'
		expect_match "the toner chart has two points now" "$BODY" 'data-points="2"'
		api DELETE "/api/v1/printers/$C" "$ADMIN"
		expect_eq "the snmpd printer is deleted" "$STATUS" 204
	fi
fi

# ---- delete: readings and history go along ----
count_rows() {
	psql_app "SELECT (SELECT count(*) FROM printer_details WHERE device_id = $1) + (SELECT count(*) FROM printer_supplies WHERE device_id = $1)
		+ (SELECT count(*) FROM printer_colours WHERE device_id = $1) + (SELECT count(*) FROM device_samples WHERE device_id = $1)
		+ (SELECT count(*) FROM supply_samples WHERE device_id = $1)"
}
check "before delete the polled printer has readings and history ($(count_rows "$A") rows)" test "$(count_rows "$A")" -gt 5
api DELETE "/api/v1/printers/$A" "$ADMIN"
expect_eq "admin deletes: 204" "$STATUS" 204
expect_eq "with an empty body" "$BODY" ""
expect_eq "details, supplies, colours and samples are gone" "$(count_rows "$A")" 0
api GET "/api/v1/printers/$A" "$VIEWER"
expect_eq "then GET is 404" "$STATUS" 404
api DELETE "/api/v1/printers/$A" "$ADMIN"
expect_error "and a second delete too" 404 not_found 'no such printer'
api POST "/api/v1/printers/$A/poll" "$OPERATOR" '{}'
expect_eq "polling a deleted printer: 404" "$STATUS" 404
n=$(psql_app "SELECT count(*) FROM events WHERE type = 'printer_deleted' AND (payload->>'device_id')::bigint = $A AND user_id IS NOT NULL")
expect_eq "the delete is audited with the caller" "$n" 1
n=$(psql_app "SELECT count(*) FROM events WHERE type = 'printer_created' AND device_id = $B")
expect_eq "creation is audited" "$n" 1

# ---- the community never comes back ----
check "responses were collected ($(wc -l <"$BODIES") lines)" test "$(wc -l <"$BODIES")" -gt 100
if grep -qF -- "$COMMUNITY" "$BODIES" || grep -qF -- "other-secret" "$BODIES"; then
	not_ok "no response body or header contains a community" "$(grep -nF -e "$COMMUNITY" -e other-secret "$BODIES" | head -n 3)"
else
	ok "no response body or header contains a community"
fi
n=$(psql_app "SELECT count(*) FROM events WHERE payload::text LIKE '%${TAG}_s3cr3t%' OR message LIKE '%${TAG}_s3cr3t%' OR payload::text LIKE '%other-secret%'")
expect_eq "no event contains a community" "$n" 0
if [ -f "$STACK/log/app.log" ]; then
	if grep -qF -e "${TAG}_s3cr3t" -e other-secret "$STACK/log/app.log"; then
		not_ok "no log line contains a community" "$(grep -nF -e "${TAG}_s3cr3t" -e other-secret "$STACK/log/app.log" | head -n 3)"
	else
		ok "no log line contains a community"
	fi
fi

# ---- leave the shared database as it was ----
for id in "$B" "$USB" "${L[@]}"; do
	[ -n "$id" ] && api DELETE "/api/v1/printers/$id" "$ADMIN"
done
psql_app "DELETE FROM stores WHERE id IN ($S1, $S2)" >/dev/null
for id in "$VIEWER_ID" "$OPERATOR_ID"; do
	[ -n "$id" ] && api DELETE "/api/v1/users/$id" "$ADMIN"
done
expect_eq "the suite's printers are removed" "$(psql_app "SELECT count(*) FROM devices WHERE store_id IN ($S1, $S2) OR name LIKE '% list'")" 0

done_testing
