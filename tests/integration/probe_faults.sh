# infrascope-poll --probe when the device misbehaves, against our simulator (tests/sim): a silent
# device, a wrong community and an empty address are "no SNMP answer" (exit 69) within the
# bounded time; every garbage mode of the simulator gives a per-device error (65 or 69), never a
# crash; a switch or a Linux host answers but has no Printer-MIB (exit 65); a slow device that
# answers within the timeout is read, one slower than the timeout is not; label printers (ip
# mode) are up with their SNMP identity whether TCP 9100 listens or not, up by TCP 9100 alone
# when SNMP is silent, and down when neither answers. Under the asan variant the sanitized
# binary runs and no report may appear on stderr. Runs inside the runner's network namespace
# (only lo); needs python3 (the TCP 9100 listener) and jq.
. "$(dirname "$0")/lib.sh"

SNMPREC_DIR=${SNMPREC_DIR:-$(cd "$REPO/tests/fixtures/snmprec" 2>/dev/null && pwd)}
case ${APP_BIN:-} in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=${VARIANT:-release} ;;
esac
if [ "$VARIANT" = release ]; then POLL=$REPO/batch/infrascope-poll; else POLL=$REPO/build/$VARIANT/batch/infrascope-poll; fi
SIM=${SIM_BIN:-$REPO/build/$VARIANT/tools/infrascope-sim}
PORT=${PROBE_FAULTS_PORT:-17363}
NET=127.5.2
# Short, bounded waits: every fault case is decided by a timeout.
export SNMP_TIMEOUT_MS=300 SNMP_RETRIES=0
PIDS=()

cleanup() {
	stop_pids
	rm -rf "$T_TMP"
}
trap cleanup EXIT

skip_without_snmprec
for tool in python3 jq; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is installed"
		done_testing
		exit 1
	fi
done
check "infrascope-poll is built ($POLL)" test -x "$POLL"
check "the simulator is built ($SIM)" test -x "$SIM"

HP=hp_color-laserjet-pro-m252dw.snmprec
ZEBRA=zebra_zebranet-printserver.snmprec
GARBAGE_MODES="random truncated wrongid badber badvalue on"
{
	echo "$NET.1 public $HP"
	echo "$NET.2 public $HP silent=on"
	echo "$NET.3 public $HP delay=150"
	echo "$NET.4 public $HP delay=2000"
	i=10
	for m in $GARBAGE_MODES; do
		echo "$NET.$i public $HP garbage=$m"
		i=$((i + 1))
	done
	echo "$NET.20 public cisco_catalyst-2960x.snmprec"
	echo "$NET.21 public linux_net-snmp-generic.snmprec"
	echo "$NET.30 public $ZEBRA"
	echo "$NET.31 public $ZEBRA"
	echo "$NET.32 public $ZEBRA silent=on"
	echo "$NET.33 public $ZEBRA silent=on"
} >"$T_TMP/fleet"
"$SIM" --snmprec-dir "$SNMPREC_DIR" --port "$PORT" --fleet "$T_TMP/fleet" --control "$T_TMP/sim.ctl" \
	--quiet >"$T_TMP/sim.log" 2>&1 &
SIMPID=$!
PIDS+=("$SIMPID")
for _ in $(seq 1 200); do
	[ -S "$T_TMP/sim.ctl" ] && break
	kill -0 "$SIMPID" 2>/dev/null || break
	sleep 0.05
done
if [ ! -S "$T_TMP/sim.ctl" ]; then
	not_ok "the simulator starts" "$(cat "$T_TMP/sim.log")"
	done_testing
	exit 1
fi
ok "the simulator starts"

# TCP 9100 listeners for two label printers: accept and close, as a print server's raw port.
cat >"$T_TMP/listen.py" <<'PY'
import select, socket, sys
socks = []
for a in sys.argv[1:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, 9100))
    s.listen(64)
    socks.append(s)
print("ready", flush=True)
while True:
    for s in select.select(socks, [], [])[0]:
        c, _ = s.accept()
        c.close()
PY
python3 "$T_TMP/listen.py" "$NET.31" "$NET.32" >"$T_TMP/listen.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do
	grep -q ready "$T_TMP/listen.log" 2>/dev/null && break
	sleep 0.05
done
check "a TCP listener is on $NET.31:9100 and $NET.32:9100" grep -q ready "$T_TMP/listen.log"

# probe NAME ARGS...: run infrascope-poll --json; sets RC, OUT (stdout), ERR (stderr), MS (elapsed).
N=0
probe() {
	local t0 t1
	N=$((N + 1))
	t0=$(date +%s%N)
	"$POLL" --json "$@" >"$T_TMP/p$N.out" 2>"$T_TMP/p$N.err"
	RC=$?
	t1=$(date +%s%N)
	MS=$(((t1 - t0) / 1000000))
	OUT=$(cat "$T_TMP/p$N.out")
	ERR=$(cat "$T_TMP/p$N.err")
}
j() { printf '%s' "$OUT" | jq -r "$1" 2>/dev/null; }

# ---- the reference device answers ----
probe --probe "$NET.1:$PORT"
expect_eq "a healthy printer: exit 0" "$RC" 0
expect_eq "a healthy printer: read (model)" "$(j .model)" "HP Color LaserJet Pro M252dw"

# ---- no answer ----
# 300 ms per request, no retry, v2c then v1: 0.6 s; 10 s is a generous bound for a slow machine.
probe --probe "$NET.2:$PORT"
expect_eq "a silent device: exit 69" "$RC" 69
expect_eq "a silent device: error code unreachable" "$(j .error.code)" unreachable
expect_match "a silent device: the message says no SNMP answer, with the address" "$(j .error.message)" "no SNMP answer from $NET\\.2:$PORT"
expect_match "a silent device: stderr says so too" "$ERR" 'no SNMP answer'
expect_eq "a silent device: up false" "$(j .up)" false
check "a silent device: given up within the bound (${MS} ms < 10000 ms)" test "$MS" -lt 10000

probe --probe "$NET.1:$PORT" --community wrong-community
expect_eq "a wrong community: exit 69" "$RC" 69
expect_match "a wrong community: no SNMP answer (an agent drops it silently)" "$(j .error.message)" 'no SNMP answer'

probe --probe "$NET.99:$PORT"
expect_eq "an address where nothing listens: exit 69" "$RC" 69
probe --probe "$NET.2:$PORT" --v1
expect_eq "a silent device, --v1: exit 69" "$RC" 69
expect_match "a silent device, --v1: the message names SNMPv1 only" "$(j .error.message)" '\(SNMPv1;'

# ---- slow devices ----
SNMP_TIMEOUT_MS=3000 probe --probe "$NET.3:$PORT"
expect_eq "a device answering 150 ms late, timeout 3 s: exit 0" "$RC" 0
expect_eq "a device answering 150 ms late: read (model)" "$(j .model)" "HP Color LaserJet Pro M252dw"
probe --probe "$NET.4:$PORT"
expect_eq "a device answering 2 s late, timeout 300 ms: exit 69" "$RC" 69

# ---- garbage ----
i=10
for m in $GARBAGE_MODES; do
	before=$("$SIM" --ctl "$T_TMP/sim.ctl" "show $NET.$i" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
	probe --probe "$NET.$i:$PORT"
	if [ "$RC" = 65 ] || [ "$RC" = 69 ]; then
		ok "garbage=$m: a per-device error, exit $RC"
	else
		not_ok "garbage=$m: a per-device error (exit 65 or 69)" "exit $RC" "$ERR"
	fi
	expect_match "garbage=$m: the JSON names the error" "$(j '.error.code + ": " + .error.message')" '^(not_a_printer|snmp_error|unreachable): .+'
	expect_eq "garbage=$m: no reading" "$(j '.supplies // "none"')" none
	after=$("$SIM" --ctl "$T_TMP/sim.ctl" "show $NET.$i" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
	check "garbage=$m: the device did get the requests ($before -> $after)" test "${after:-0}" -gt "${before:-0}"
	i=$((i + 1))
done
garbage=$("$SIM" --ctl "$T_TMP/sim.ctl" stats | sed -n 's/.* garbage=\([0-9]*\).*/\1/p')
check "the simulator did answer garbage ($garbage answers)" test "${garbage:-0}" -gt 0
probe --probe "$NET.1:$PORT"
expect_eq "after all that, the healthy printer still reads" "$RC" 0

# ---- answers, but no Printer-MIB ----
probe --probe "$NET.20:$PORT"
expect_eq "a Cisco switch: exit 65" "$RC" 65
expect_eq "a Cisco switch: error code not_a_printer" "$(j .error.code)" not_a_printer
expect_match "a Cisco switch: the message says no Printer-MIB" "$(j .error.message)" 'no Printer-MIB'
expect_eq "a Cisco switch: up (it answered)" "$(j .up)" true
probe --probe "$NET.21:$PORT"
expect_eq "a Linux host: exit 65" "$RC" 65
expect_match "a Linux host: the message says no Printer-MIB" "$(j .error.message)" 'no Printer-MIB'

# ---- label printers (ip mode): TCP 9100 + SNMP identity ----
probe --probe "$NET.30:$PORT" --kind label_printer
expect_eq "label printer, SNMP answers, nothing on TCP 9100: exit 0" "$RC" 0
expect_eq "label printer (SNMP, no 9100): up" "$(j .up)" true
expect_eq "label printer (SNMP, no 9100): port_9100 refused" "$(j .port_9100)" refused
expect_eq "label printer (SNMP, no 9100): identity (model, serial, MAC)" "$(j '[.model, .serial, .mac] | join(" ")')" "79071 7062184 00:07:4d:6b:c2:a8"
expect_eq "label printer (SNMP, no 9100): no error" "$(j '.error // "none"')" none

probe --probe "$NET.31:$PORT" --kind label_printer
expect_eq "label printer, SNMP and TCP 9100: exit 0" "$RC" 0
expect_eq "label printer (SNMP and 9100): port_9100 open" "$(j .port_9100)" open
expect_eq "label printer (SNMP and 9100): identity (model)" "$(j .model)" 79071

probe --probe "$NET.32:$PORT" --kind label_printer
expect_eq "label printer, SNMP silent, TCP 9100 open: exit 0" "$RC" 0
expect_eq "label printer (9100 only): up by TCP 9100" "$(j '[.up, .port_9100] | join(" ")')" "true open"

probe --probe "$NET.33:$PORT" --kind label_printer
expect_eq "label printer, SNMP silent, nothing on TCP 9100: exit 69" "$RC" 69
expect_match "label printer (neither): the message names TCP 9100 and SNMP" "$(j .error.message)" 'TCP 9100 refused and no SNMP answer'
expect_eq "label printer (neither): down" "$(j .up)" false

# ---- the table output of a failure, and usage errors ----
"$POLL" --probe "$NET.2:$PORT" >"$T_TMP/table.out" 2>"$T_TMP/table.err"
rc=$?
expect_eq "table mode, silent device: exit 69" "$rc" 69
expect_match "table mode, silent device: says up=no" "$(cat "$T_TMP/table.out")" 'up=no'
expect_match "table mode, silent device: the error on stderr" "$(cat "$T_TMP/table.err")" 'no SNMP answer'
"$POLL" --probe "$NET.1:99999" >/dev/null 2>"$T_TMP/usage1.err"
expect_eq "--probe with port 99999: exit 64" "$?" 64
"$POLL" --probe "$NET.1:$PORT" --kind inkjet >/dev/null 2>"$T_TMP/usage2.err"
expect_eq "--kind inkjet: exit 64" "$?" 64

# ---- a small agent: 484-octet messages (the RFC minimum) answer tooBig to a big request ----
M880=hp_color-laserjet-flow-mfp-m880.snmprec
echo "$NET.40 public $M880" >"$T_TMP/small.fleet"
"$SIM" --snmprec-dir "$SNMPREC_DIR" --port "$((PORT + 1))" --fleet "$T_TMP/small.fleet" \
	--max-size 484 --control "$T_TMP/small.ctl" --quiet >"$T_TMP/small.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 200); do [ -S "$T_TMP/small.ctl" ] && break; sleep 0.05; done
probe --probe "$NET.40:$((PORT + 1))"
expect_eq "a 484-octet agent: read in v2c with smaller requests (exit 0)" "$RC" 0
jq -S 'del(.latency_ms, .address, .kind, .up)' "$T_TMP/p$N.out" >"$T_TMP/small.json"
jq -S 'del(.latency_ms, .address, .kind, .up)' "$REPO/tests/fixtures/probe/${M880%.snmprec}.json" \
	>"$T_TMP/small.want" 2>/dev/null
check "a 484-octet agent: the same reading as a full-size one" cmp -s "$T_TMP/small.json" "$T_TMP/small.want"

# ---- no sanitizer report anywhere ----
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T_TMP"/*.err; then
	not_ok "no sanitizer report from infrascope-poll ($VARIANT)" "$(grep -h -A15 -E 'ERROR: |runtime error:' "$T_TMP"/*.err | head -n 30)"
else
	ok "no sanitizer report from infrascope-poll ($VARIANT)"
fi
kill -TERM "$SIMPID"
wait "$SIMPID"
expect_eq "the simulator stops cleanly" "$?" 0
PIDS=("${PIDS[@]:1}")
done_testing
