# The SNMP engine (lib/snmp.h, snmp_run) at scale, through tests/tools/snmp-run: 3,000 simulated
# printers of three models polled with 2,000 jobs in flight (more than 1,024 sockets at once, so
# nothing may rely on select()). Every device answers with exactly the varbinds its walk holds
# (3 GETs + the whole prtMarkerSuppliesTable); 5 silenced devices time out while the other
# 2,995 still succeed; with every answer delayed, the run really holds more than 1,024 sockets
# open at once and still reads everything. Under the asan variant no sanitizer report may
# appear. Runs inside the runner's network namespace (only lo; the simulator uses one socket).
. "$(dirname "$0")/lib.sh"

SNMPREC_DIR=${SNMPREC_DIR:-$(cd "$REPO/tests/fixtures/snmprec" 2>/dev/null && pwd)}
case ${APP_BIN:-} in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=${VARIANT:-release} ;;
esac
SIM=${SIM_BIN:-$REPO/build/$VARIANT/tools/infrascope-sim}
RUN=$REPO/build/$VARIANT/tools/snmp-run
PORT=${SNMP_ENGINE_PORT:-17365}
DEVICES=3000
CONCURRENCY=2000
WALKS="hp_color-laserjet-pro-m252dw.snmprec brother_nc-8300h-mfc-l2710dw.snmprec hp_color-laserjet-flow-mfp-m880.snmprec"
SUPPLIES=1.3.6.1.2.1.43.11.1.1
PIDS=()

cleanup() {
	stop_pids
	rm -rf "$T_TMP"
}
trap cleanup EXIT

skip_without_snmprec
check "snmp-run is built ($RUN)" test -x "$RUN"
check "the simulator is built ($SIM)" test -x "$SIM"

# One socket per job in flight: raise the descriptor limit well past 1,024.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
check "the descriptor limit allows $CONCURRENCY sockets (ulimit -n $(ulimit -n))" test "$(ulimit -n)" -ge $((CONCURRENCY + 64))

"$SIM" --snmprec-dir "$SNMPREC_DIR" --port "$PORT" --generate "$DEVICES" --base 127.6.0.1 \
	--walks "$(echo $WALKS | tr ' ' ',')" --write-fleet "$T_TMP/fleet" --control "$T_TMP/sim.ctl" \
	--quiet >"$T_TMP/sim.log" 2>&1 &
SIMPID=$!
PIDS+=("$SIMPID")
for _ in $(seq 1 200); do
	[ -S "$T_TMP/sim.ctl" ] && break
	kill -0 "$SIMPID" 2>/dev/null || break
	sleep 0.05
done
if [ ! -S "$T_TMP/sim.ctl" ]; then
	not_ok "the simulator serves $DEVICES generated printers" "$(cat "$T_TMP/sim.log")"
	done_testing
	exit 1
fi
expect_match "the simulator serves $DEVICES generated printers" "$(cat "$T_TMP/sim.log")" "ready mode=[a-z-]+ devices=$DEVICES "
check "and wrote them as a fleet file" test "$(grep -c . "$T_TMP/fleet")" -eq "$DEVICES"
ctl() { "$SIM" --ctl "$T_TMP/sim.ctl" "$@"; }

# The varbinds each walk must give: sysDescr.0, sysObjectID.0 and sysName.0 when present, and
# every row of prtMarkerSuppliesTable.
declare -A WANT
for w in $WALKS; do
	WANT[$w]=$(($(grep -cE '^1\.3\.6\.1\.2\.1\.43\.11\.1\.1\.' "$SNMPREC_DIR/$w") +
		$(grep -cE '^1\.3\.6\.1\.2\.1\.1\.[125]\.0\|' "$SNMPREC_DIR/$w")))
done

# check_each NAME FILE SILENT...: every line of snmp-run --each is "ok" with its walk's count,
# except the listed addresses, which must be "timeout" with 0 varbinds.
check_each() {
	local name=$1 file=$2 addr walk status n rest bad=() nbad=0
	shift 2
	declare -A silent=()
	for addr in "$@"; do silent[$addr:$PORT]=1; done
	while read -r addr walk status n rest; do
		case $addr in jobs=*) continue ;; esac
		if [ -n "${silent[$addr]:-}" ]; then
			[ "$status $n" = "timeout 0" ] && continue
			nbad=$((nbad + 1))
			[ ${#bad[@]} -lt 5 ] && bad+=("$addr (silenced): $status $n $rest")
		elif [ "$status" != ok ] || [ "$n" != "${WANT[$walk]:-?}" ]; then
			nbad=$((nbad + 1))
			[ ${#bad[@]} -lt 5 ] && bad+=("$addr $walk: $status, $n varbinds (want ok, ${WANT[$walk]:-?}) $rest")
		fi
	done <"$file"
	if [ "$nbad" -eq 0 ]; then ok "$name"; else not_ok "$name" "$nbad devices wrong, e.g.:" "${bad[@]}"; fi
}

# run NAME ARGS...: snmp-run over the fleet, --each; output in $T_TMP/NAME.out, stderr in .err.
run() {
	local name=$1
	shift
	"$RUN" --fleet "$T_TMP/fleet" --concurrency "$CONCURRENCY" --each "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
}

# ---- the descriptor limit is checked up front ----
(ulimit -n 1024 && "$RUN" --fleet "$T_TMP/fleet" --concurrency "$CONCURRENCY" >/dev/null 2>"$T_TMP/lowfd.err")
expect_eq "snmp-run refuses $CONCURRENCY jobs in flight under ulimit -n 1024 (exit 71)" "$?" 71
expect_match "and says to raise ulimit -n" "$(cat "$T_TMP/lowfd.err")" 'raise ulimit -n'

# ---- 3,000 devices, 5 of them silent ----
SILENT=()
for line in 7 500 1501 2222 2999; do
	SILENT+=("$(sed -n "${line}p" "$T_TMP/fleet" | cut -d' ' -f1 | cut -d: -f1)")
done
for a in "${SILENT[@]}"; do ctl "silent $a on" >/dev/null; done
expected_vbs=0
while read -r addr _ file _; do
	a=${addr%:*}
	case " ${SILENT[*]} " in *" $a "*) continue ;; esac
	w=$(basename "${file//\"/}")
	expected_vbs=$((expected_vbs + ${WANT[$w]}))
done <"$T_TMP/fleet"
# 1 s per request, 1 retry, then v1 the same: a silent device takes 4 s; the others ~1 s.
run silent --timeout-ms 1000 --retries 1
expect_eq "snmp-run exits 0" "$?" 0
expect_eq "$DEVICES devices, $CONCURRENCY in flight: $((DEVICES - 5)) answer, the 5 silenced time out" \
	"$(tail -n 1 "$T_TMP/silent.out")" "jobs=$DEVICES ok=$((DEVICES - 5)) timeout=5 error=0 varbinds=$expected_vbs truncated=0"
check_each "every answering device gave exactly its walk's varbinds; the silenced ones nothing" "$T_TMP/silent.out" "${SILENT[@]}"
expect_match "a timeout says how long it waited" "$(grep -F "${SILENT[0]}:$PORT " "$T_TMP/silent.out")" 'timeout 0 no valid answer within 1000 ms x 2 tries'
silent_count=$(ctl stats | sed -n 's/.* silent=\([0-9]*\).*/\1/p')
check "the silenced devices were asked, v2c then v1 ($silent_count requests dropped >= 20)" test "${silent_count:-0}" -ge 20

# ---- every answer 250 ms late: more than 1,024 sockets open at once ----
for a in "${SILENT[@]}"; do ctl "silent $a off" >/dev/null; done
ctl "delay 127.6.0.0/16 250" >/dev/null
"$RUN" --fleet "$T_TMP/fleet" --concurrency "$CONCURRENCY" --timeout-ms 3000 --retries 1 --each \
	>"$T_TMP/delay.out" 2>"$T_TMP/delay.err" &
RUNPID=$!
maxfd=0
while kill -0 "$RUNPID" 2>/dev/null; do
	n=$(ls "/proc/$RUNPID/fd" 2>/dev/null | wc -l)
	[ "$n" -gt "$maxfd" ] && maxfd=$n
	sleep 0.05
done
wait "$RUNPID"
expect_eq "delayed answers: snmp-run exits 0" "$?" 0
total=0
for w in $WALKS; do total=$((total + WANT[$w] * DEVICES / 3)); done
expect_eq "delayed answers: all $DEVICES devices answer" "$(tail -n 1 "$T_TMP/delay.out")" \
	"jobs=$DEVICES ok=$DEVICES timeout=0 error=0 varbinds=$total truncated=0"
check_each "delayed answers: every device gave exactly its walk's varbinds" "$T_TMP/delay.out"
check "more than 1,024 descriptors were open at once (at most $maxfd seen)" test "$maxfd" -gt 1024
delayed=$(ctl stats | sed -n 's/.* delayed=\([0-9]*\).*/\1/p')
check "the simulator did delay the answers ($delayed)" test "${delayed:-0}" -ge "$DEVICES"

# ---- clean ----
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T_TMP"/*.err; then
	not_ok "no sanitizer report from snmp-run ($VARIANT)" "$(grep -h -A15 -E 'ERROR: |runtime error:' "$T_TMP"/*.err | head -n 30)"
else
	ok "no sanitizer report from snmp-run ($VARIANT)"
fi
kill -TERM "$SIMPID"
wait "$SIMPID"
expect_eq "the simulator stops cleanly" "$?" 0
PIDS=()
done_testing
