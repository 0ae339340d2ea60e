#!/usr/bin/env bash
# What `make run` shows a newcomer (issue 4): the simulator serves tests/sim/demo.fleet, the
# stack registers its stores and printers (tests/harness/demo-seed.sh) and polls them. Here
# against a database of its own: at least 20 printers across several stores, online, with
# real-looking toner levels (numbers between 0 and 100 that are not all the same), the
# switched-off one offline, and a second seeding changes nothing.
. "$(dirname "$0")/lib.sh"

BIN=$BATCH_BIN_DIR
PORT=${DEMO_SIM_PORT:-17661}
DB=demo_$$
cleanup() {
	stop_pids
	pg_psql postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$T_TMP"
}
trap cleanup EXIT

pg_psql postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB OWNER infrascope" >/dev/null
export DATABASE_URL="postgresql:///$DB?host=$STACK/pg&port=$PG_PORT&user=infrascope"
"$BIN/infrascope-migrate" >"$T_TMP/migrate.log" 2>&1
expect_eq "the demo database migrates" "$?" 0
check "the simulator serves the demo fleet" sim_start "$REPO/tests/sim/demo.fleet" "$PORT"

seed() {
	PGHOST=$STACK/pg PGPORT=$PG_PORT PGUSER=infrascope PGDATABASE=$DB \
		"$REPO/tests/harness/demo-seed.sh" "$REPO/tests/sim/demo.fleet" "$PORT"
}
ids=$(seed)
expect_eq "demo-seed registers 30 printers" "$(printf '%s\n' $ids | wc -l)" 30
q() { psql -X -q -At -h "$STACK/pg" -p "$PG_PORT" -U infrascope -d "$DB" -c "$1"; }
expect_eq "in 5 stores" "$(q "SELECT count(*) FROM stores")" 5
out=$(SNMP_TIMEOUT_MS=500 SNMP_RETRIES=0 "$BIN/infrascope-poll" --all 2>/dev/null)
expect_match "a poll-all of the demo fleet: 30 devices, 29 online" "$out" 'poll-all: 30 devices, polled 30: 29 online, 1 offline'
n=$(q "SELECT count(DISTINCT d.id) FROM devices d JOIN printer_colours c ON c.device_id = d.id
	WHERE d.state = 'online' AND c.percent BETWEEN 0 AND 100")
check "at least 20 online printers with toner levels ($n)" test "$n" -ge 20
check "across at least 3 stores" test "$(q "SELECT count(DISTINCT store_id) FROM devices d
	JOIN printer_colours c ON c.device_id = d.id WHERE d.state = 'online'")" -ge 3
check "real-looking levels: at least 10 different percentages" \
	test "$(q "SELECT count(DISTINCT round(percent)) FROM printer_colours")" -ge 10
expect_eq "the switched-off Sharp is offline, its error says why" \
	"$(q "SELECT state, last_error LIKE 'no SNMP answer%' FROM devices WHERE name = 'st002-prn03'")" "offline|t"
expect_eq "colour printers have all four colours (st001-prn01)" \
	"$(q "SELECT string_agg(colour || '=' || percent, ',' ORDER BY colour) FROM printer_colours c
		JOIN devices d ON d.id = c.device_id WHERE d.name = 'st001-prn01'")" "black=64,cyan=4,magenta=71,yellow=55"
seed >/dev/null
expect_eq "seeding again adds nothing" "$(q "SELECT count(*) FROM devices")" 30
done_testing
