#!/usr/bin/env bash
# A poll-all when PostgreSQL goes away in the middle (issue 5): the run ends with a clear
# error and a non-zero code (69); the batches recorded before stay recorded, the batch in
# flight is rolled back whole (no half-written device), and the next run, once PostgreSQL is
# back, closes the interrupted run's row and completes.
. "$(dirname "$0")/lib.sh"

POLL=$BATCH_BIN_DIR/infrascope-poll
PORT=${POLL_FAULTS_SIM_PORT:-17561}
NET=127.6.2
STORE=PF-$$
# Batches of 2: devices .11-.12 first, then .13-.14 (slow), then .15-.16.
export SNMP_TIMEOUT_MS=3000 SNMP_RETRIES=0 POLL_BATCH_SIZE=2 POLL_JITTER_MAX_MS=0
# After PostgreSQL's restart every app thread must find its connection dead and reconnect
# before the next suite signs in: ask until a round of requests answers 200 throughout.
app_recovered() {
	local _ codes
	for _ in $(seq 1 50); do
		codes=$(for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
			curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "$BASE_URL/api/v1/health" &
		done; wait)
		[ -z "$(printf '%s\n' "$codes" | grep -v '^200$')" ] && return 0
		sleep 0.1
	done
	return 1
}
cleanup() {
	stop_pids
	pg_start >/dev/null 2>&1
	app_recovered
	rm -rf "$T_TMP"
}
trap cleanup EXIT

for h in 11 12 13 14 15 16; do
	delay=0
	case $h in 13|14) delay=2000 ;; esac
	echo "$NET.$h public canon_lbp6670.snmprec name=pf-$h delay=$delay"
done >"$T_TMP/fleet"
check "the simulator runs" sim_start "$T_TMP/fleet" "$PORT"

store=$(psql_app "INSERT INTO stores (code, name, subnets) VALUES ('$STORE', 'Faults', '{$NET.0/24}')
	RETURNING id")
psql_app "WITH d AS (INSERT INTO devices (kind, store_id, name, address, snmp_port)
	SELECT 'laser_printer', $store, 'pf-' || h, '$NET.' || h, $PORT FROM generate_series(11, 16) h
	RETURNING id) INSERT INTO printer_details (device_id) SELECT id FROM d" >/dev/null
polled() { psql_app "SELECT string_agg(split_part(address, '.', 4), ',' ORDER BY address)
	FROM devices WHERE store_id = $store AND last_polled_at IS NOT NULL"; }

"$POLL" --all --store "$STORE" >"$T_TMP/run.out" 2>&1 &
RUN=$!
# Wait until the first batch is recorded and the slow second one is being asked.
for _ in $(seq 1 100); do [ "$(polled)" = "11,12" ] && break; sleep 0.05; done
expect_eq "the first batch is recorded while the second is polled" "$(polled)" "11,12"
pg_stop fast >/dev/null 2>&1
wait "$RUN"
rc=$?
expect_eq "PostgreSQL gone mid-run: exit 69" "$rc" 69
expect_match "with a clear message" "$(cat "$T_TMP/run.out")" 'poll-all failed: .*(database|connection|server)'
pg_start >/dev/null 2>&1
for _ in $(seq 1 100); do psql_app "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
expect_eq "the devices finished before are intact; the interrupted batch wrote nothing" "$(polled)" "11,12"
expect_eq "every recorded device is whole (supplies and colour summary)" \
	"$(psql_app "SELECT count(*) FROM devices d WHERE d.store_id = $store AND d.last_polled_at IS NOT NULL
		AND EXISTS (SELECT 1 FROM printer_supplies s WHERE s.device_id = d.id)
		AND EXISTS (SELECT 1 FROM printer_colours c WHERE c.device_id = d.id)")" 2

sim_ctl "delay $NET.13 0" "delay $NET.14 0"
out=$("$POLL" --all --store "$STORE" 2>&1)
expect_eq "the next run completes: exit 0" "$?" 0
expect_match "  polling all six" "$out" 'polled 6: 6 online'
expect_eq "the interrupted run's row is closed as failed" \
	"$(psql_app "SELECT status FROM poll_runs WHERE pid = $RUN")" "failed"
psql_app "DELETE FROM devices WHERE store_id = $store; DELETE FROM stores WHERE id = $store" >/dev/null
check "the web app answers from the database again" app_recovered
done_testing
