#!/usr/bin/env bash
# infrascope-poll --all (issue 5): one at a time, the state machine step by step with a device
# silenced in the simulator, and a run killed with -9 followed by one that completes.
#
#   - two runs started together: one polls, the other exits 75 "already running since …";
#   - a silenced printer: pending_offline after the 1st failed run (still shown online),
#     offline after the 2nd, circuit_opened after the 4th, skipped while open, probed again
#     once POLL_CIRCUIT_OPEN_SECONDS passed (5 s here) and online again when it answers —
#     each step one event;
#   - kill -9 in the middle of a run (a slow device keeps it busy), then a new run starts
#     (the lock died with the connection) and completes; the killed run's row says failed.
. "$(dirname "$0")/lib.sh"

POLL=$BATCH_BIN_DIR/infrascope-poll
PORT=${POLL_ALL_SIM_PORT:-17461}
NET=127.6.1
STORE=PA-$$
# Short waits: a silent device costs 2 x 300 ms (v2c, v1); circuits reopen after 5 s.
export SNMP_TIMEOUT_MS=300 SNMP_RETRIES=0 POLL_CIRCUIT_OPEN_SECONDS=5 POLL_JITTER_MAX_MS=20
# The runs write their metrics textfile here, not into the checkout's var/ (metrics_textfile.sh
# tests the file itself).
export METRICS_TEXTFILE_DIR=$T_TMP/metrics
cleanup() {
	stop_pids
	rm -rf "$T_TMP"
}
trap cleanup EXIT

check "infrascope-poll is built ($POLL)" test -x "$POLL"
check "the simulator is built ($SIM)" test -x "$SIM"
{
	echo "$NET.11 public hp_color-laserjet-pro-m252dw.snmprec name=pa-prn-11"
	echo "$NET.12 public brother_nc-8300h-mfc-l2710dw.snmprec name=pa-prn-12"
	echo "$NET.13 public canon_lbp6670.snmprec name=pa-prn-13"
} >"$T_TMP/fleet"
check "the simulator runs" sim_start "$T_TMP/fleet" "$PORT"
ctl() { sim_ctl "$@"; }

store=$(psql_app "INSERT INTO stores (code, name, subnets) VALUES ('$STORE', 'Poll-all store',
	'{$NET.0/24}') RETURNING id")
for h in 11 12 13; do
	id=$(psql_app "INSERT INTO devices (kind, store_id, name, address, snmp_port)
		VALUES ('laser_printer', $store, 'pa-prn-$h', '$NET.$h', $PORT) RETURNING id")
	psql_app "INSERT INTO printer_details (device_id) VALUES ($id)" >/dev/null
	eval "ID_$h=$id"
done

# run: a poll-all of our store; sets RC and OUT (stdout and stderr).
run() {
	"$POLL" --all --store "$STORE" >"$T_TMP/run.out" 2>&1
	RC=$?
	OUT=$(cat "$T_TMP/run.out")
}
state() { psql_app "SELECT d.state || '/' || coalesce(p.circuit, 'closed') FROM devices d
	LEFT JOIN device_poll_state p ON p.device_id = d.id WHERE d.id = $ID_11"; }
events() { psql_app "SELECT coalesce(string_agg(type, ',' ORDER BY id), '') FROM events
	WHERE device_id = $ID_11 AND type IN ('pending_offline', 'offline', 'recovered',
	'circuit_opened', 'circuit_half_open', 'circuit_closed')"; }

run
expect_eq "a first poll-all: exit 0" "$RC" 0
expect_match "its summary: 3 devices, 3 online" "$OUT" 'poll-all: 3 devices, polled 3: 3 online, 0 offline, 0 errors, 0 skipped'
expect_eq "every printer online with toner stored" \
	"$(psql_app "SELECT count(*) FROM devices d WHERE d.store_id = $store AND d.state = 'online'
		AND EXISTS (SELECT 1 FROM printer_supplies s WHERE s.device_id = d.id)")" 3
expect_eq "its run is recorded as done" \
	"$(psql_app "SELECT status, devices, polled, up FROM poll_runs ORDER BY id DESC LIMIT 1")" "done|3|3|3"

# ---- one at a time ----
ctl 'delay 127.6.1.12 1500'
"$POLL" --all --store "$STORE" >"$T_TMP/first.out" 2>&1 &
FIRST=$!
for _ in $(seq 1 100); do
	[ "$(psql_app "SELECT count(*) FROM poll_runs WHERE status = 'running'")" = 1 ] && break
	sleep 0.05
done
run
expect_eq "a second poll-all while one runs: exit 75" "$RC" 75
expect_match "it says since when the other runs" "$OUT" 'poll-all already running since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC \(pid [0-9]+\)'
wait "$FIRST"
expect_eq "the first one completes: exit 0" "$?" 0
ctl 'delay 127.6.1.12 0'

# ---- the state machine, one run at a time ----
ctl 'silent 127.6.1.11 on'
run
expect_eq "1st failed run: pending_offline (shown online), circuit closed" "$(state)" "pending_offline/closed"
http GET "/printers/$ID_11" -H "Authorization: Bearer $(admin_token)" -H "Accept-Language: en"
expect_match "  the printer page explains the pending state" "$BODY" 'did not answer the last poll'
expect_match "  the summary counts it online with an error" "$OUT" 'polled 3: 3 online, 0 offline, 1 errors'
run
expect_eq "2nd failed run: offline" "$(state)" "offline/closed"
run
expect_eq "3rd failed run: still offline, circuit closed" "$(state)" "offline/closed"
run
expect_eq "4th failed run: circuit open" "$(state)" "offline/open"
TOKEN=$(admin_token)
http GET "/api/v1/printers/$ID_11" -H "Authorization: Bearer $TOKEN"
expect_eq "the API shows the open circuit and the failures" "$(json '[.polling.circuit, .polling.failures] | @tsv')" "$(printf 'open\t4')"
http GET "/printers/$ID_11" -H "Authorization: Bearer $TOKEN" -H "Accept-Language: en"
expect_match "the printer page says polling is paused" "$BODY" 'Polling paused: the printer failed many polls'
http GET "/printers?store=$STORE" -H "Authorization: Bearer $TOKEN" -H "Accept-Language: en"
expect_match "the printers list marks it" "$BODY" 'Polling paused'
before=$(psql_app "SELECT last_polled_at FROM devices WHERE id = $ID_11")
run
expect_match "while open the device is skipped" "$OUT" 'polled 2: 2 online, 0 offline, 0 errors, 1 skipped by circuit'
expect_eq "  and its last poll time does not move" \
	"$(psql_app "SELECT last_polled_at FROM devices WHERE id = $ID_11")" "$before"
ctl 'silent 127.6.1.11 off'
sleep 5.2
run
expect_eq "after POLL_CIRCUIT_OPEN_SECONDS one probe goes through; it answers: online, closed" \
	"$(state)" "online/closed"
expect_eq "each step wrote one event" "$(events)" \
	"pending_offline,offline,circuit_opened,circuit_half_open,recovered,circuit_closed"

# ---- kill -9 in the middle of a run ----
ctl 'delay 127.6.1.13 3000'
"$POLL" --all --store "$STORE" >/dev/null 2>&1 &
VICTIM=$!
for _ in $(seq 1 100); do
	[ "$(psql_app "SELECT count(*) FROM poll_runs WHERE status = 'running'")" = 1 ] && break
	sleep 0.05
done
sleep 0.3
kill -9 "$VICTIM"
wait "$VICTIM" 2>/dev/null
ctl 'delay 127.6.1.13 0'
run
expect_eq "after kill -9 a new run starts and completes: exit 0" "$RC" 0
expect_match "  polling every device" "$OUT" 'polled 3: 3 online'
expect_eq "the killed run's row is closed as failed" \
	"$(psql_app "SELECT status, message LIKE 'ended without finishing%' FROM poll_runs
		WHERE pid = $VICTIM")" "failed|t"
expect_eq "no device is half-written: each has its supplies and one colour summary" \
	"$(psql_app "SELECT count(*) FROM devices d WHERE d.store_id = $store
		AND EXISTS (SELECT 1 FROM printer_supplies s WHERE s.device_id = d.id)
		AND EXISTS (SELECT 1 FROM printer_colours c WHERE c.device_id = d.id)")" 3

# ---- usage ----
"$POLL" --all --kind inkjet >/dev/null 2>&1
expect_eq "--all --kind inkjet: exit 64" "$?" 64
"$POLL" --all --device 1 >/dev/null 2>&1
expect_eq "--all with --device: exit 64" "$?" 64

psql_app "DELETE FROM devices WHERE store_id = $store; DELETE FROM stores WHERE id = $store" >/dev/null
done_testing
