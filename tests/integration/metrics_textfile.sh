#!/usr/bin/env bash
# The poll-all's node_exporter textfile (issue 5 item 5): `infrascope-poll --all` writes
# METRICS_TEXTFILE_DIR/infrascope_poll.prom atomically; `promtool check metrics` finds nothing
# to say about it; the real prometheus-node-exporter textfile collector serves its infrascope_*
# series with node_textfile_scrape_error 0 and logs no gathering error.
#
#   - a run over simulated printers: devices up by kind and store, supply ratios equal to the
#     database's levels, the run's result counts and its end as the last success;
#   - a printer and a label printer silenced: errors by protocol (snmp, tcp), pending_offline
#     (still up) and its events, in the file and through node_exporter;
#   - a run that fails (PostgreSQL unreachable, exit 69) still writes the file: success 0,
#     the last success kept, no database families;
#   - a directory that cannot be written: a warning, and the poll still succeeds.
. "$(dirname "$0")/lib.sh"

POLL=$(dirname "$MIGRATE_BIN")/infrascope-poll
NODE_EXPORTER=${NODE_EXPORTER:-prometheus-node-exporter}
PORT=${METRICS_TEXTFILE_SIM_PORT:-17761}
NET=127.6.3
STORE=MT-$$
DIR=$T_TMP/metrics/textfile   # does not exist yet: the poller creates it
FILE=$DIR/infrascope_poll.prom
export METRICS_TEXTFILE_DIR=$DIR
export SNMP_TIMEOUT_MS=300 SNMP_RETRIES=0 POLL_JITTER_MAX_MS=20
PIDS=()
NE_PID=""

cleanup() {
	local p
	for p in "${PIDS[@]}" $NE_PID; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}" $NE_PID; do wait "$p" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

check "infrascope-poll is built ($POLL)" test -x "$POLL"
check "the simulator is built ($SIM)" test -x "$SIM"
have() { command -v "$1" >/dev/null; }
check "promtool is installed" have promtool
check "prometheus-node-exporter is installed" have "$NODE_EXPORTER"

{
	echo "$NET.11 public hp_color-laserjet-pro-m252dw.snmprec name=mt-prn-11"
	echo "$NET.12 public brother_nc-8300h-mfc-l2710dw.snmprec name=mt-prn-12"
	echo "$NET.13 public canon_lbp6670.snmprec name=mt-prn-13"
	echo "$NET.14 public toshiba-tec_b-ev4-label-detect-only.snmprec name=mt-lbl-14"
} >"$T_TMP/fleet"
check "the simulator runs" sim_start "$T_TMP/fleet" "$PORT"
ctl() { sim_ctl "$@"; }

store=$(psql_app "INSERT INTO stores (code, name, subnets) VALUES ('$STORE', 'Metrics store',
	'{$NET.0/24}') RETURNING id")
for h in 11 12 13 14; do
	kind=laser_printer
	[ "$h" = 14 ] && kind=label_printer
	id=$(psql_app "INSERT INTO devices (kind, store_id, name, address, snmp_port)
		VALUES ('$kind', $store, 'mt-prn-$h', '$NET.$h', $PORT) RETURNING id")
	psql_app "INSERT INTO printer_details (device_id) VALUES ($id)" >/dev/null
done

# value TEXT NAME LABELS: the value of the sample NAME{LABELS} in exposition TEXT ("" when
# absent). LABELS as written by us (node_exporter sorts label names; ours are in that order
# where it matters below, or compared through series_labels).
value() {
	local s=$2
	[ -n "$3" ] && s="$2{$3}"
	printf '%s\n' "$1" | awk -v s="$s" 'index($0, s " ") == 1 { print $NF; exit }'
}
# num_eq A B: A and B are the same number (node_exporter prints 1.7e+09 where we print 1700000000).
num_eq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 == b + 0) }'; }
expect_num() {
	if num_eq "$2" "$3"; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
# run [ARGS]: a poll-all of our store; sets RC and OUT.
run() {
	"$POLL" --all --store "$STORE" "$@" >"$T_TMP/run.out" 2>&1
	RC=$?
	OUT=$(cat "$T_TMP/run.out")
}
promtool_clean() {
	local out
	out=$(promtool check metrics <"$FILE" 2>&1)
	local rc=$?
	if [ "$rc" = 0 ] && [ -z "$out" ]; then ok "$1"; else not_ok "$1" "rc=$rc" "$out"; fi
}

# ---- a run that succeeds ----
check "the textfile directory does not exist before the first run" test ! -e "$DIR"
run
expect_eq "a poll-all of 4 printers: exit 0" "$RC" 0
expect_no_match "  no warning about the metrics" "$OUT" 'warning'
check "it wrote $FILE" test -f "$FILE"
expect_eq "  mode 0644" "$(stat -c %a "$FILE")" 644
expect_eq "  and nothing else in the directory (no temporary file left)" "$(ls -A "$DIR")" infrascope_poll.prom
promtool_clean "promtool check metrics: clean"
expect_no_match "no sample has a timestamp (the collector would drop the file)" \
	"$(grep -v '^#' "$FILE")" '^[^ ]+ [^ ]+ [^ ]+$'
T=$(cat "$FILE")
expect_eq "infrascope_devices_up of the store's laser printers: 3" \
	"$(value "$T" infrascope_devices_up "kind=\"laser_printer\",store=\"$STORE\"")" 3
expect_eq "  and of its label printer: 1" \
	"$(value "$T" infrascope_devices_up "kind=\"label_printer\",store=\"$STORE\"")" 1
expect_eq "infrascope_devices by state: 3 laser printers online" \
	"$(value "$T" infrascope_devices "kind=\"laser_printer\",store=\"$STORE\",state=\"online\"")" 3
expect_eq "  0 offline (every state is there, also at zero)" \
	"$(value "$T" infrascope_devices "kind=\"laser_printer\",store=\"$STORE\",state=\"offline\"")" 0
expect_eq "the run succeeded" "$(value "$T" infrascope_poll_last_run_success 'job="poll_all"')" 1
expect_eq "it polled 4" "$(value "$T" infrascope_poll_devices_last_run 'result="polled"')" 4
expect_eq "  with no error" "$(value "$T" infrascope_poll_devices_last_run 'result="error"')" 0
expect_eq "no SNMP error" "$(value "$T" infrascope_poll_errors_last_run 'protocol="snmp"')" 0
expect_eq "no TCP error" "$(value "$T" infrascope_poll_errors_last_run 'protocol="tcp"')" 0
expect_eq "no circuit opened" "$(value "$T" infrascope_circuit_events_last_run 'event="circuit_opened"')" 0
dur=$(value "$T" infrascope_poll_duration_seconds 'job="poll_all"')
check "a poll duration in seconds ($dur)" awk -v d="$dur" 'BEGIN { exit !(d > 0 && d < 60) }'
db_success=$(psql_app "SELECT extract(epoch FROM finished_at) FROM poll_runs WHERE status = 'done'
	ORDER BY finished_at DESC LIMIT 1")
success1=$(value "$T" infrascope_last_success_timestamp_seconds 'job="poll_all"')
expect_num "the last success is the end of this run in poll_runs" "$success1" "$db_success"

# Every colour with a level in printer_colours, with the same level as a ratio.
want=$(psql_app "SELECT d.id || ' ' || c.colour || ' ' || c.supply_index || ' ' ||
		round(c.percent::numeric / 100, 4)
	FROM printer_colours c JOIN devices d ON d.id = c.device_id
	WHERE d.store_id = $store AND c.state = 'percent' ORDER BY d.id, c.colour")
got=$(grep "^infrascope_printer_supply_level_ratio{.*store=\"$STORE\"" "$FILE" |
	sed -E 's/.*device="([0-9]+)".*colour="([a-z]+)",supply="([0-9]+)"} (.*)/\1 \2 \3 \4/' |
	awk '{ printf "%s %s %s %.4f\n", $1, $2, $3, $4 }' | sort -k1,1n -k2,2)
want=$(printf '%s\n' "$want" | awk 'NF { printf "%s %s %s %.4f\n", $1, $2, $3, $4 }')
check "the printers report toner levels" test -n "$want"
expect_eq "infrascope_printer_supply_level_ratio: one series per colour with a level, as stored" \
	"$got" "$want"
expect_no_match "  every ratio is between 0 and 1" \
	"$(grep '^infrascope_printer_supply_level_ratio' "$FILE" | awk '$NF < 0 || $NF > 1')" '.'

# ---- node_exporter's textfile collector ----
for NE_PORT in $(seq 19100 19200); do port_free "$NE_PORT" && break; done
"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$NE_PORT" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$DIR" >"$T_TMP/ne.log" 2>&1 &
NE_PID=$!
for _ in $(seq 1 100); do
	curl -sf --max-time 2 "http://127.0.0.1:$NE_PORT/metrics" >/dev/null && break
	sleep 0.1
done
scrape() { curl -sf --max-time 5 "http://127.0.0.1:$NE_PORT/metrics"; }
S=$(scrape)
check "node_exporter answers on 127.0.0.1:$NE_PORT" test -n "$S"
expect_eq "node_textfile_scrape_error 0" "$(value "$S" node_textfile_scrape_error '')" 0
check "node_textfile_mtime_seconds names our file" \
	grep -qF "node_textfile_mtime_seconds{file=\"$FILE\"}" <<<"$S"
expect_eq "it serves infrascope_devices_up = 3 for the store's laser printers" \
	"$(value "$S" infrascope_devices_up "kind=\"laser_printer\",store=\"$STORE\"")" 3
expect_num "  the last success" \
	"$(value "$S" infrascope_last_success_timestamp_seconds 'job="poll_all"')" "$success1"
expect_eq "  every infrascope_ series of the file" \
	"$(printf '%s\n' "$S" | grep -c '^infrascope_')" "$(grep -c '^infrascope_' "$FILE")"
expect_eq "  with our HELP text" \
	"$(printf '%s\n' "$S" | grep '^# HELP infrascope_devices_up ')" "$(grep '^# HELP infrascope_devices_up ' "$FILE")"
expect_no_match "node_exporter logged no error while gathering" "$(cat "$T_TMP/ne.log")" 'level=error'

# ---- a run with failures: a silent laser printer (SNMP) and a silent label printer (TCP) ----
ctl "silent $NET.11 on"
ctl "silent $NET.14 on"
run
expect_eq "a poll-all with two silent printers: exit 0" "$RC" 0
T=$(cat "$FILE")
expect_eq "infrascope_poll_errors_last_run{protocol=snmp} 1 (the laser printer)" \
	"$(value "$T" infrascope_poll_errors_last_run 'protocol="snmp"')" 1
expect_eq "infrascope_poll_errors_last_run{protocol=tcp} 1 (the label printer: 9100 and no SNMP)" \
	"$(value "$T" infrascope_poll_errors_last_run 'protocol="tcp"')" 1
expect_eq "  2 errors among the devices of the run" \
	"$(value "$T" infrascope_poll_devices_last_run 'result="error"')" 2
expect_eq "the laser printer is pending_offline" \
	"$(value "$T" infrascope_devices "kind=\"laser_printer\",store=\"$STORE\",state=\"pending_offline\"")" 1
expect_eq "  and still counted up" \
	"$(value "$T" infrascope_devices_up "kind=\"laser_printer\",store=\"$STORE\"")" 3
expect_eq "the run's pending_offline events: 2" \
	"$(value "$T" infrascope_device_events_last_run 'event="pending_offline"')" 2
promtool_clean "promtool check metrics: clean"
success2=$(value "$T" infrascope_last_success_timestamp_seconds 'job="poll_all"')
check "the last success moved on ($success1 -> $success2)" \
	awk -v a="$success1" -v b="$success2" 'BEGIN { exit !(b > a) }'
S=$(scrape)
expect_eq "node_exporter: scrape error 0" "$(value "$S" node_textfile_scrape_error '')" 0
expect_eq "  serves the new errors" \
	"$(value "$S" infrascope_poll_errors_last_run 'protocol="tcp"')" 1
ctl "silent $NET.11 off"
ctl "silent $NET.14 off"

# ---- a run that fails: PostgreSQL unreachable ----
run_down() {
	DATABASE_URL="postgresql://infrascope@127.0.0.1:1/infrascope?connect_timeout=2" \
		"$POLL" --all --store "$STORE" >"$T_TMP/run.out" 2>&1
	RC=$?
	OUT=$(cat "$T_TMP/run.out")
}
run_down
expect_eq "a poll-all without PostgreSQL: exit 69" "$RC" 69
expect_match "  a warning that the file lacks the database's metrics" "$OUT" \
	'warning: metrics textfile .*infrascope_poll.prom written without the database'
T=$(cat "$FILE")
expect_eq "the file says the run failed" "$(value "$T" infrascope_poll_last_run_success 'job="poll_all"')" 0
expect_num "  and keeps the last success" \
	"$(value "$T" infrascope_last_success_timestamp_seconds 'job="poll_all"')" "$success2"
expect_no_match "  without device counts it could not read" "$T" '^infrascope_devices'
promtool_clean "promtool check metrics: clean"
S=$(scrape)
expect_eq "node_exporter: scrape error 0" "$(value "$S" node_textfile_scrape_error '')" 0
expect_eq "  serves the failure" "$(value "$S" infrascope_poll_last_run_success 'job="poll_all"')" 0
expect_no_match "node_exporter logged no error while gathering" "$(cat "$T_TMP/ne.log")" 'level=error'

# ---- a directory that cannot be written: a warning, not a failed poll ----
: >"$T_TMP/not-a-dir"
METRICS_TEXTFILE_DIR=$T_TMP/not-a-dir run
expect_eq "METRICS_TEXTFILE_DIR is a file: the poll-all still exits 0" "$RC" 0
expect_match "  with a warning on stderr" "$OUT" \
	'infrascope-poll: warning: metrics textfile not written .*not-a-dir'
expect_match "  and a log line" "$OUT" 'level=warn .*event=metrics_textfile_failed'
expect_match "  its summary as usual" "$OUT" 'poll-all: 4 devices, polled 4'

kill -TERM "$NE_PID" 2>/dev/null
wait "$NE_PID" 2>/dev/null
NE_PID=""
check "node_exporter stopped" port_free "$NE_PORT"

psql_app "DELETE FROM devices WHERE store_id = $store; DELETE FROM stores WHERE id = $store" >/dev/null
done_testing
