# infrascope-poll --probe against real SNMP peers. Debian's snmpsimd (a third-party agent,
# TOOLCHAIN §6a) serves every printer walk of tests/fixtures/snmprec (a walk with
# prtMarkerSupplies rows; the community is the file name without .snmprec): the JSON reading,
# without latency_ms and address, must equal the pinned tests/fixtures/probe/NAME.json, in
# SNMPv2c and in SNMPv1, and the table output must list every supply as the JSON has it. Our
# own simulator (tests/sim) serving the same walks must give the same readings. A Linux host
# without Printer-MIB served by snmpsimd is "not a printer" (exit 65). The fault cases are in
# probe_faults.sh. Runs inside the runner's network namespace (only lo); needs the Debian
# packages snmpsim, snmp and jq.
#
# Known peer difference: oki_mc873-okilan-9450g.snmprec line 23 (ifOutUcastPkts.1) carries
# the corrupt Counter32 "6git3159" (so in the ../shared/snmprec copy it came from).
# infrascope-sim skips that line; snmpsimd answers endOfMibView from there on, so a full walk
# of that community stops after ifOutOctets.1. The probe never walks across it, so both peers
# give the pinned reading.
#
# The pinned files were generated once from this output and checked against the per-fixture
# tables of docs/PRINTERS.md and tests/unit/printer_reading_test.c; regenerate one with
#   infrascope-poll --probe 127.0.0.3:PORT --community NAME --json | jq -S 'del(.latency_ms, .address)'
# only when the reading rules change, and check the difference by hand.
. "$(dirname "$0")/lib.sh"

SNMPREC_DIR=${SNMPREC_DIR:-$(cd "$REPO/tests/fixtures/snmprec" 2>/dev/null && pwd)}
PROBE_DIR=${PROBE_DIR:-$REPO/tests/fixtures/probe}
case ${APP_BIN:-} in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=${VARIANT:-release} ;;
esac
if [ "$VARIANT" = release ]; then POLL=$REPO/batch/infrascope-poll; else POLL=$REPO/build/$VARIANT/batch/infrascope-poll; fi
SIM=${SIM_BIN:-$REPO/build/$VARIANT/tools/infrascope-sim}
ADDR=127.0.0.3
PORT=${PROBE_PORT:-17361}
SIM_PORT=$((PORT + 1))
export MIBS='' SNMP_PERSISTENT_DIR="$T_TMP/snmp"
mkdir -p "$SNMP_PERSISTENT_DIR/cert_indexes"
# A peer that answers gets a generous timeout; nothing here is meant to time out.
export SNMP_TIMEOUT_MS=3000 SNMP_RETRIES=1
PIDS=()
SD=""

cleanup() {
	stop_pids
	[ -n "$SD" ] && rm -rf "$SD"
	rm -rf "$T_TMP"
}
trap cleanup EXIT

if [ -z "$SNMPREC_DIR" ] || [ ! -d "$PROBE_DIR" ]; then
	echo "1..0 # SKIP no fixtures (tests/fixtures/snmprec, tests/fixtures/probe)"
	exit 0
fi
for tool in snmpsimd snmpget jq; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is installed (Debian packages snmpsim, snmp, jq: make deps-test)"
		done_testing
		exit 1
	fi
done
check "infrascope-poll is built ($POLL)" test -x "$POLL"
check "the simulator is built ($SIM)" test -x "$SIM"

# sanitizer_clean NAME FILE...: no ASan/LSan/UBSan report in these stderr captures.
sanitizer_clean() {
	local name=$1
	shift
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$@" 2>/dev/null; then
		not_ok "$name" "$(grep -h -A15 -E 'ERROR: |runtime error:' "$@" | head -n 30)"
	else
		ok "$name"
	fi
}

# ---- which walks are printers, and is each pinned ----
PRINTERS=()
for f in "$SNMPREC_DIR"/*.snmprec; do
	grep -q '^1\.3\.6\.1\.2\.1\.43\.11\.1\.1\.' "$f" && PRINTERS+=("$(basename "$f" .snmprec)")
done
pinned=$(cd "$PROBE_DIR" && ls -- *.json 2>/dev/null | sed 's/\.json$//' | sort)
expect_eq "every printer walk (${#PRINTERS[@]}) has a pinned reading in tests/fixtures/probe, and no other" \
	"$pinned" "$(printf '%s\n' "${PRINTERS[@]}" | sort)"
check "there are printer walks to probe (${#PRINTERS[@]})" test "${#PRINTERS[@]}" -ge 20

# ---- snmpsimd serving the printer walks and a Linux host ----
# As root it must drop to nobody, who must read the data and write the cache: a world-readable
# copy in a directory of its own.
SD=$(mktemp -d /tmp/infrascope-snmpsim.XXXXXX)
chmod 755 "$SD"
mkdir -p "$SD/data" "$SD/cache"
for n in "${PRINTERS[@]}" linux_full-walk-snmpsim; do cp "$SNMPREC_DIR/$n.snmprec" "$SD/data/"; done
chmod 644 "$SD/data/"*.snmprec
USER_ARGS=()
if [ "$(id -u)" = 0 ]; then
	chown nobody:nogroup "$SD/cache"
	USER_ARGS=(--process-user=nobody --process-group=nogroup)
fi
snmpsimd --data-dir="$SD/data" --cache-dir="$SD/cache" --agent-udpv4-endpoint="$ADDR:$PORT" \
	"${USER_ARGS[@]}" >"$SD/snmpsimd.log" 2>&1 &
SNMPSIM=$!
PIDS+=("$SNMPSIM")
up=""
for _ in $(seq 1 150); do # it indexes the files first (~1 s)
	if snmpget -v2c -c "${PRINTERS[0]}" -On -t 0.2 -r 0 "$ADDR:$PORT" 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; then
		up=1
		break
	fi
	kill -0 "$SNMPSIM" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$up" ]; then
	not_ok "snmpsimd answers on $ADDR:$PORT" "$(tail -n 20 "$SD/snmpsimd.log")"
	done_testing
	exit 1
fi
ok "snmpsimd answers on $ADDR:$PORT (${#PRINTERS[@]} printer walks)"

# probe_json OUT ERR ARGS...: run a probe, the JSON without latency_ms/address (jq -S) in OUT.
# Sets RC to the probe's exit status.
probe_json() {
	local out=$1 err=$2
	shift 2
	"$POLL" --json "$@" >"$out.raw" 2>"$err"
	RC=$?
	jq -S 'del(.latency_ms, .address)' "$out.raw" >"$out" 2>>"$err" || echo "(not JSON: $(head -c 300 "$out.raw"))" >"$out"
}

# compare NAME GOT_FILE WANT_FILE: equal, or not_ok with the difference.
compare() {
	if diff -q "$2" "$3" >/dev/null 2>&1; then
		ok "$1"
	else
		not_ok "$1" "$(diff -u "$3" "$2" | head -n 30)"
	fi
}

mkdir -p "$T_TMP/out"
for n in "${PRINTERS[@]}"; do
	want=$PROBE_DIR/$n.json
	o=$T_TMP/out/$n
	# SNMPv2c
	probe_json "$o.v2.json" "$o.v2.err" --probe "$ADDR:$PORT" --community "$n"
	expect_eq "snmpsim $n: exit 0" "$RC" 0
	compare "snmpsim $n: the reading is the pinned one" "$o.v2.json" "$want"
	# SNMPv1: the same reading (no Counter64 in what a printer reading uses)
	probe_json "$o.v1.json" "$o.v1.err" --probe "$ADDR:$PORT" --community "$n" --v1
	compare "snmpsim $n --v1: the same reading" "$o.v1.json" "$want"

	# The table: every supply on a line of its own with the JSON's type, state, percent and
	# colour (the description is cut at 40 characters).
	"$POLL" --probe "$ADDR:$PORT" --community "$n" >"$o.txt" 2>"$o.txt.err"
	rc=$?
	problems=()
	[ "$rc" = 0 ] || problems+=("exit $rc")
	grep -qF "model    $(jq -r '.model // "-"' "$want")" "$o.txt" || problems+=("no model line")
	while IFS=$'\t' read -r idx desc type state pct colour; do
		prefix=$(printf '%5d  %-40.40s ' "$idx" "$desc")
		line=$(grep -F -- "$prefix" "$o.txt" | head -n 1)
		if [ -z "$line" ]; then
			problems+=("supply $idx \"$desc\" is not listed")
			continue
		fi
		read -r t_type _ _ _ t_state t_pct t_colour _ <<<"${line:${#prefix}}"
		[ "$pct" = - ] || pct=$(printf '%.1f%%' "$pct")
		got="$t_type $t_state $t_pct $t_colour"
		[ "$got" = "$type $state $pct $colour" ] || problems+=("supply $idx: table says \"$got\", JSON \"$type $state $pct $colour\"")
	done < <(jq -r '.supplies[] | [.index, .description, (.type // "?"), .state,
		(.percent // "-" | tostring), (.colour // "-")] | @tsv' "$want")
	nsup=$(jq '.supplies | length' "$want")
	if [ ${#problems[@]} -eq 0 ]; then
		ok "snmpsim $n: the table lists all $nsup supplies"
	else
		not_ok "snmpsim $n: the table lists all $nsup supplies" "${problems[@]}" "$(head -n 40 "$o.txt")"
	fi
done

# A host without Printer-MIB (a Linux snmpd recording with print queues in hrDeviceTable).
probe_json "$T_TMP/out/linux.json" "$T_TMP/out/linux.err" --probe "$ADDR:$PORT" --community linux_full-walk-snmpsim
expect_eq "snmpsim Linux host: exit 65 (answers, but not a printer)" "$RC" 65
expect_eq "snmpsim Linux host: error code not_a_printer" "$(jq -r '.error.code' "$T_TMP/out/linux.json")" not_a_printer
expect_match "snmpsim Linux host: the message says no Printer-MIB" "$(jq -r '.error.message' "$T_TMP/out/linux.json")" 'no Printer-MIB'
expect_match "snmpsim Linux host: and so does stderr" "$(cat "$T_TMP/out/linux.err")" 'no Printer-MIB'

kill -TERM "$SNMPSIM" 2>/dev/null
wait "$SNMPSIM" 2>/dev/null
PIDS=()

# ---- the same walks served by our simulator: the same readings ----
: >"$T_TMP/fleet"
i=0
for n in "${PRINTERS[@]}"; do
	i=$((i + 1))
	printf '127.5.1.%d public %s.snmprec\n' "$i" "$n" >>"$T_TMP/fleet"
done
"$SIM" --snmprec-dir "$SNMPREC_DIR" --port "$SIM_PORT" --fleet "$T_TMP/fleet" --control "$T_TMP/sim.ctl" \
	--quiet >"$T_TMP/sim.log" 2>&1 &
SIMPID=$!
PIDS+=("$SIMPID")
for _ in $(seq 1 200); do
	[ -S "$T_TMP/sim.ctl" ] && break
	kill -0 "$SIMPID" 2>/dev/null || break
	sleep 0.05
done
if [ -S "$T_TMP/sim.ctl" ]; then
	ok "infrascope-sim serves the ${#PRINTERS[@]} printer walks"
	i=0
	for n in "${PRINTERS[@]}"; do
		i=$((i + 1))
		o=$T_TMP/out/$n.sim
		probe_json "$o.json" "$o.err" --probe "127.5.1.$i:$SIM_PORT" --community public
		if [ "$RC" = 0 ]; then
			compare "infrascope-sim $n: the same reading as snmpsim's" "$o.json" "$PROBE_DIR/$n.json"
		else
			not_ok "infrascope-sim $n: the same reading as snmpsim's" "exit $RC: $(cat "$o.err")"
		fi
	done
else
	not_ok "infrascope-sim serves the ${#PRINTERS[@]} printer walks" "$(cat "$T_TMP/sim.log")"
fi

sanitizer_clean "no sanitizer report from infrascope-poll ($VARIANT)" "$T_TMP"/out/*.err "$T_TMP"/out/*.txt.err
done_testing
