# The device simulator (tests/sim, infrascope-sim) against the real net-snmp command-line tools:
# GET/GETNEXT/GETBULK in v1 and v2c reproduce the snmprec walks, replies come from the queried
# address, the control socket changes values and makes devices silent, slow, broken or move,
# a 2,000-device generated fleet answers, and malformed datagrams do not hurt it.
# Runs inside the runner's network namespace (only lo); needs the Debian package `snmp`.
. "$(dirname "$0")/lib.sh"

SNMPREC_DIR=${SNMPREC_DIR:-$(cd "$REPO/tests/fixtures/snmprec" 2>/dev/null && pwd)}
case ${APP_BIN:-} in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=${VARIANT:-release} ;;
esac
SIM=${SIM_BIN:-$REPO/build/$VARIANT/tools/infrascope-sim}
PORT=${SIM_PORT:-17161}
GEN_PORT=$((PORT + 1))
PA_PORT=$((PORT + 2))
OWN_PORT=$((PORT + 3))
export MIBS='' SNMP_PERSISTENT_DIR="$T_TMP/snmp"
mkdir -p "$SNMP_PERSISTENT_DIR/cert_indexes" # else net-snmp says "Created directory" once
PIDS=()

cleanup() {
	stop_pids
	rm -rf "$T_TMP"
}
trap cleanup EXIT

skip_without_snmprec
for tool in snmpget snmpwalk snmpbulkwalk snmpbulkget snmpset python3; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is installed (Debian package snmp: make deps-test)"
		done_testing
		exit 1
	fi
done
check "the simulator is built ($SIM)" test -x "$SIM"

# start_sim NAME ARGS...: start a simulator with a control socket $T_TMP/NAME.ctl, log in
# $T_TMP/NAME.log; waits until the socket exists. Sets SIM_PID.
start_sim() {
	local name=$1
	shift
	"$SIM" --snmprec-dir "$SNMPREC_DIR" --control "$T_TMP/$name.ctl" "$@" >"$T_TMP/$name.log" 2>&1 &
	SIM_PID=$!
	PIDS+=("$SIM_PID")
	for _ in $(seq 1 200); do
		[ -S "$T_TMP/$name.ctl" ] && return 0
		kill -0 "$SIM_PID" 2>/dev/null || break
		sleep 0.05
	done
	sed 's/^/#   /' "$T_TMP/$name.log"
	return 1
}

# stop_sim PID NAME: SIGTERM; it must exit 0 and, under the sanitizers, report nothing.
stop_sim() {
	local pid=$1 name=$2 rc
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	expect_eq "$name: SIGTERM stops it cleanly" "$rc" 0
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T_TMP/$name.log"; then
		not_ok "$name: no sanitizer report" "$(grep -A15 -E 'ERROR|runtime error' "$T_TMP/$name.log" | head -n 30)"
	else
		ok "$name: no sanitizer report"
	fi
}

ctl() { "$SIM" --ctl "$T_TMP/main.ctl" "$@"; }
get() { snmpget -v2c -c public -On -t 1 -r 1 "$@" 2>&1; }
# file_rows FILE: the OIDs of a walk file's records, as snmpwalk -On prints them
file_rows() { grep -v '^#' "$SNMPREC_DIR/$1" | grep -v '^$' | cut -d'|' -f1 | sed 's/^/./'; }
# walk_oids: the OIDs of snmpwalk -On output (not the closing endOfMibView line)
walk_oids() { grep -v ' = No more variables left' | grep -oE '^\.[0-9]+(\.[0-9]+)+ = ' | sed 's/ = $//'; }

HP=hp_color-laserjet-pro-m252dw.snmprec
cat >"$T_TMP/fleet" <<EOF
# store 1: two printers and a switch
127.1.0.1 public $HP
127.1.0.2 public brother_nc-8300h-mfc-l2710dw.snmprec name="PRN store 1 #2" mac=02:53:aa:00:00:00
127.1.0.3 private cisco-sb_cbs250-24p-4x.snmprec location="Store 1, rack"
127.1.0.4:$OWN_PORT public $HP
EOF
if ! start_sim main --port "$PORT" --fleet "$T_TMP/fleet"; then
	not_ok "the simulator starts with a fleet file"
	done_testing
	exit 1
fi
MAIN=$SIM_PID
ok "the simulator starts with a fleet file"
expect_match "inside the test namespace it uses one wildcard socket" "$(cat "$T_TMP/main.log")" 'ready mode=wildcard devices=4'

# ---- reading the walks ----
out=$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.1.1.0)
want=$(grep '^1.3.6.1.2.1.1.1.0|' "$SNMPREC_DIR/$HP" | cut -d'|' -f3-)
expect_eq "sysDescr GET (v2c) is the file's" "$out" ".1.3.6.1.2.1.1.1.0 = STRING: \"$want\""
out=$(snmpget -v1 -c public -On -t 1 -r 1 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.1.0 2>&1)
expect_eq "sysDescr GET (v1) is the file's" "$out" ".1.3.6.1.2.1.1.1.0 = STRING: \"$want\""

snmpwalk -v2c -c public -On -t 2 -r 1 "127.1.0.1:$PORT" .1 >"$T_TMP/walk2c" 2>&1
walk_oids <"$T_TMP/walk2c" >"$T_TMP/walk2c.oids"
file_rows "$HP" >"$T_TMP/file.oids"
expect_eq "snmpwalk v2c returns as many rows as the file has ($(wc -l <"$T_TMP/file.oids"))" \
	"$(wc -l <"$T_TMP/walk2c.oids")" "$(wc -l <"$T_TMP/file.oids")"
if diff -q "$T_TMP/file.oids" "$T_TMP/walk2c.oids" >/dev/null; then
	ok "snmpwalk v2c returns the file's OIDs in the file's order"
else
	not_ok "snmpwalk v2c returns the file's OIDs in the file's order" "$(diff "$T_TMP/file.oids" "$T_TMP/walk2c.oids" | head -n 10)"
fi
expect_match "a hex (4x) row comes back as its octets" "$(cat "$T_TMP/walk2c")" \
	'^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.6\.2 = Hex-STRING: 3C A8 2A F6 38 AC'
expect_match "a Counter64 (70) row keeps its value" "$(cat "$T_TMP/walk2c")" \
	'^\.1\.3\.6\.1\.2\.1\.4\.31\.1\.1\.6\.1 = Counter64: 3195530198$'
expect_match "an INTEGER row keeps its value" "$(cat "$T_TMP/walk2c")" \
	"^\\.1\\.3\\.6\\.1\\.2\\.1\\.43\\.11\\.1\\.1\\.9\\.1\\.4 = INTEGER: $(grep '^1.3.6.1.2.1.43.11.1.1.9.1.4|' "$SNMPREC_DIR/$HP" | cut -d'|' -f3)\$"
expect_no_match "the walk ends cleanly (no OID-not-increasing error)" "$(cat "$T_TMP/walk2c")" 'not increasing|Timeout|Error'

c64=$(grep -c '|70|' "$SNMPREC_DIR/$HP")
n1=$(snmpwalk -v1 -c public -On -t 2 -r 1 "127.1.0.1:$PORT" .1 2>&1 | walk_oids | wc -l)
expect_eq "snmpwalk v1 returns every row but the $c64 Counter64 ones (RFC 2576)" "$n1" "$(($(wc -l <"$T_TMP/file.oids") - c64))"

snmpbulkwalk -v2c -c private -On -Cr25 -t 2 -r 1 "127.1.0.3:$PORT" .1 2>&1 | walk_oids >"$T_TMP/bulk.oids"
file_rows cisco-sb_cbs250-24p-4x.snmprec >"$T_TMP/sw.oids"
if diff -q "$T_TMP/sw.oids" "$T_TMP/bulk.oids" >/dev/null; then
	ok "snmpbulkwalk (GETBULK, 25 repetitions) of a switch returns its $(wc -l <"$T_TMP/sw.oids") rows"
else
	not_ok "snmpbulkwalk (GETBULK, 25 repetitions) of a switch returns its rows" \
		"file $(wc -l <"$T_TMP/sw.oids"), walk $(wc -l <"$T_TMP/bulk.oids")" "$(diff "$T_TMP/sw.oids" "$T_TMP/bulk.oids" | head -n 5)"
fi
out=$(snmpbulkget -v2c -c public -On -Cn1 -Cr3 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.43.11.1.1.8 1.3.6.1.2.1.43.11.1.1.9 2>&1)
expect_eq "snmpbulkget: 1 non-repeater + 3 repetitions of 2 columns" "$(printf '%s\n' "$out" | walk_oids | tr '\n' ' ')" \
	".1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.43.11.1.1.8.1.1 .1.3.6.1.2.1.43.11.1.1.9.1.1 .1.3.6.1.2.1.43.11.1.1.8.1.2 .1.3.6.1.2.1.43.11.1.1.9.1.2 .1.3.6.1.2.1.43.11.1.1.8.1.3 .1.3.6.1.2.1.43.11.1.1.9.1.3 "
out=$(snmpbulkget -d -v2c -c private -On -Cr1000 "127.1.0.3:$PORT" .1 2>&1)
size=$(printf '%s\n' "$out" | sed -n 's/^Received \([0-9]*\) byte packet.*/\1/p' | head -n 1)
check "a GETBULK asking for 1000 repetitions is trimmed to one datagram (${size:-?} <= 1472 octets)" \
	test -n "$size" -a "${size:-99999}" -le 1472 -a "${size:-0}" -gt 1200

# ---- what a real agent answers to the rest ----
out=$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.7 1.3.6.1.2.1.1.99.0)
expect_match "v2c: a missing instance of a known object is noSuchInstance" "$out" '1\.5\.7 = No Such Instance'
expect_match "v2c: an unknown object is noSuchObject" "$out" '1\.99\.0 = No Such Object'
out=$(snmpget -v1 -c public -On -t 1 -r 1 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.99.0 2>&1)
expect_match "v1: noSuchName" "$out" 'Reason: \(noSuchName\)'
expect_match "v1: naming the failed varbind" "$out" 'Failed object: \.1\.3\.6\.1\.2\.1\.1\.99\.0$'
out=$(snmpset -v2c -c public -On -t 1 -r 0 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 s x 2>&1)
expect_match "SET is refused with noAccess" "$out" 'noAccess'
out=$(snmpget -v2c -c wrong -On -t 0.5 -r 0 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)
expect_match "a wrong community gets no answer at all" "$out" '^Timeout'
out=$(snmpget -v2c -c public -On -t 0.5 -r 0 "127.1.0.3:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)
expect_match "each device has its own community" "$out" '^Timeout'
oids=$(for _ in $(seq 1 40); do printf '1.3.6.1.2.1.1.1.0 '; done)
# shellcheck disable=SC2086
out=$(snmpget -v2c -c private -On -t 1 -r 0 "127.1.0.3:$PORT" $oids 2>&1)
expect_match "a GET whose answer would not fit in 1472 octets gets tooBig" "$out" 'tooBig'
out=$(get "127.1.0.4:$OWN_PORT" 1.3.6.1.2.1.1.1.0)
expect_match "a device on a port of its own (ADDRESS:PORT in the fleet file)" "$out" 'HP ETHERNET'
out=$(get "127.1.0.2:$PORT" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.2.2.1.6.1)
expect_match "fleet keys: name" "$out" '1\.5\.0 = STRING: "PRN store 1 #2"'
expect_match "fleet keys: mac" "$out" 'Hex-STRING: 02 53 AA 00 00 00'

# The reply must come from the queried address: a connected UDP socket only accepts datagrams
# from its peer (net-snmp's snmpget would accept any source, matching the request-id only).
cat >"$T_TMP/src.py" <<'PY'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
req = bytes.fromhex("302902010104067075626c6963a01c02040000002a020100020100300e300c06082b060102010105000500")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((host, port))
s.send(req)
data, src = s.recvfrom(2048)
print("%s:%d %d" % (src[0], src[1], len(data)))
PY
out=$(python3 "$T_TMP/src.py" 127.1.0.2 "$PORT" 2>&1)
expect_match "the reply comes from the queried address (a connected socket receives it)" "$out" "^127\\.1\\.0\\.2:$PORT [0-9]+\$"

# ---- the control socket ----
out=$(ctl "set 127.1.0.1 1.3.6.1.2.1.43.11.1.1.9.1.1 i 3")
expect_eq "control: set answers ok" "$out" "ok devices=1"
expect_match "control: snmpget sees the new value" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.43.11.1.1.9.1.1)" 'INTEGER: 3$'
ctl "set 127.1.0.1 1.3.6.1.2.1.1.5.0 s PRN with spaces" >/dev/null
expect_match "control: set a string with blanks" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0)" 'STRING: "PRN with spaces"'
ctl "unset 127.1.0.1 1.3.6.1.2.1.43.11.1.1.9.1.1" >/dev/null
expect_match "control: unset makes the OID absent" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.43.11.1.1.9.1.1)" 'No Such'
ctl "revert 127.1.0.1 1.3.6.1.2.1.43.11.1.1.9.1.1" >/dev/null
expect_match "control: revert brings the file's value back" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.43.11.1.1.9.1.1)" \
	"INTEGER: $(grep '^1.3.6.1.2.1.43.11.1.1.9.1.1|' "$SNMPREC_DIR/$HP" | cut -d'|' -f3)\$"

ctl "silent 127.1.0.1 on" >/dev/null
expect_match "silent on: no answer" "$(snmpget -v2c -c public -On -t 0.5 -r 0 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)" '^Timeout'
ctl "silent 127.1.0.1 off" >/dev/null
expect_match "silent off: answers again" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0)" 'STRING'

ctl "garbage 127.1.0.1 on" >/dev/null
out=$(snmpget -d -v2c -c public -On -t 0.5 -r 1 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)
rc=$?
check "garbage on: snmpget fails" test "$rc" -ne 0
expect_match "garbage on: but something did arrive" "$out" 'Received [0-9]+ byte packet'
for mode in random truncated wrongid badber badvalue; do
	ctl "garbage 127.1.0.1 $mode" >/dev/null
	snmpget -v2c -c public -On -t 0.2 -r 0 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1
	check "garbage $mode: snmpget gets nothing it can use" test $? -ne 0
done
ctl "garbage 127.1.0.1 off" >/dev/null
expect_match "garbage off: the simulator is alive and answers" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0)" 'STRING'

ctl "delay 127.1.0.1 800" >/dev/null
expect_match "delay 800 ms: a 0.3 s timeout expires" \
	"$(snmpget -v2c -c public -On -t 0.3 -r 0 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)" '^Timeout'
expect_match "delay 800 ms: a 3 s timeout gets the answer" \
	"$(snmpget -v2c -c public -On -t 3 -r 0 "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)" 'STRING'
ctl "delay 127.1.0.1 0" >/dev/null

ctl "reboot 127.1.0.1" >/dev/null
expect_match "reboot: sysUpTime starts again" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.1.3.0)" 'Timeticks: \(([0-9]|[1-9][0-9]|[1-9][0-9][0-9])\) '

out=$(ctl "move 127.1.0.2 127.1.0.22")
expect_eq "move answers with the new address" "$out" "ok address=127.1.0.22:$PORT"
expect_match "move: the device answers at the new address, same data" \
	"$(get "127.1.0.22:$PORT" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.2.2.1.6.1 | tr '\n' ' ')" 'PRN store 1 #2.*02 53 AA 00 00 00'
expect_match "move: the old address is silent" \
	"$(snmpget -v2c -c public -On -t 0.5 -r 0 "127.1.0.2:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)" '^Timeout'
expect_match "move: the reply comes from the new address" "$(python3 "$T_TMP/src.py" 127.1.0.22 "$PORT" 2>&1)" "^127\\.1\\.0\\.22:$PORT "

out=$(ctl "silent 127.1.9.9 on")
rc=$?
expect_match "control: an unknown device is an error" "$out" '^error no device at 127\.1\.9\.9'
check "the --ctl client exits 1 on an error" test "$rc" -eq 1
out=$(ctl "silent 127.1.0.0/24 on" "silent 127.1.0.0/24 off")
expect_eq "control: a prefix selects a whole store (any port)" "$out" "$(printf 'ok devices=4\nok devices=4')"
out=$(ctl "add 127.1.0.50 public mini.snmprec" 2>&1)
expect_match "control: add with a missing walk says why" "$out" '^error walk mini.snmprec'
out=$(ctl "add 127.1.0.50 public $HP name=added")
expect_eq "control: add a device at run time" "$out" "ok address=127.1.0.50:$PORT"
expect_match "the added device answers" "$(get "127.1.0.50:$PORT" 1.3.6.1.2.1.1.5.0)" '"added"'
ctl "remove 127.1.0.50" >/dev/null
expect_match "a removed device is silent" \
	"$(snmpget -v2c -c public -On -t 0.5 -r 0 "127.1.0.50:$PORT" 1.3.6.1.2.1.1.5.0 2>&1)" '^Timeout'

# ---- malformed datagrams ----
cat >"$T_TMP/junk.py" <<'PY'
import os, random, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
random.seed(4242)
good = bytes.fromhex("302902010104067075626c6963a01c02040000002a020100020100300e300c06082b060102010105000500")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5000):
    k = random.randrange(4)
    if k == 0:
        p = os.urandom(random.randrange(0, 300))
    elif k == 1:
        p = good[:random.randrange(len(good))]
    else:
        b = bytearray(good)
        for j in range(random.randrange(1, 4)):
            b[random.randrange(len(b))] = random.randrange(256)
        p = bytes(b)
    s.sendto(p, (host, port))
for p in (b"", b"\x30\x84\xff\xff\xff\xff", b"\x30\x80" + b"\x00" * 10, b"\x30" * 60000,
          bytes.fromhex("3082ffff020101"), b"\x30\x03\x02\x01\x03"):
    s.sendto(p, (host, port))
PY
before=$(ctl stats | sed -n 's/.* malformed=\([0-9]*\).*/\1/p')
python3 "$T_TMP/junk.py" 127.1.0.1 "$PORT"
printf 'junk' >"/dev/udp/127.1.0.3/$PORT"
sleep 0.3
check "5,000 malformed datagrams: the simulator is still running" kill -0 "$MAIN"
after=$(ctl stats | sed -n 's/.* malformed=\([0-9]*\).*/\1/p')
check "they were counted as malformed ($((after - before)))" test "$((after - before))" -gt 2000
expect_match "and it still answers" "$(get "127.1.0.1:$PORT" 1.3.6.1.2.1.1.5.0)" 'STRING'

# ---- a generated fleet ----
if start_sim gen --quiet --port "$GEN_PORT" --generate 2000 --base 127.2.0.1 --store-size 8 \
	--walks "$HP,brother_nc-8300h-mfc-l2710dw.snmprec,ricoh_aficio-mp-c3002.snmprec,utax-kyocera_p-4532dn.snmprec" \
	--write-fleet "$T_TMP/gen.fleet"; then
	GEN=$SIM_PID
	ok "2,000 generated devices start"
	check "--write-fleet wrote 2,000 lines" test "$(wc -l <"$T_TMP/gen.fleet")" -eq 2000
	bad=""
	macs=""
	# 127.2.0.1 is device 1; .0 and .255 are skipped, so 254 devices per /24
	for spec in 127.2.0.1:1 127.2.0.254:254 127.2.1.1:255 127.2.3.200:962 127.2.7.222:2000; do
		addr=${spec%:*}
		n=${spec#*:}
		out=$(get "$addr:$GEN_PORT" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.6.0 1.3.6.1.2.1.2.2.1.6.1 1.3.6.1.2.1.2.2.1.6.2)
		store=$(((n - 1) / 8 + 1))
		k=$(((n - 1) % 8 + 1))
		printf '%s' "$out" | grep -q "STRING: \"st$(printf '%04d' "$store")-prn$(printf '%02d' "$k")\"" ||
			bad+="$addr: $out"$'\n'
		printf '%s' "$out" | grep -q "STRING: \"Store $(printf '%04d' "$store")\"" || bad+="$addr location: $out"$'\n'
		macs+=$(printf '%s\n' "$out" | grep -o 'Hex-STRING: 02 53 [0-9A-F ]*')$'\n'
	done
	expect_eq "spot checks: name and location follow the address" "$bad" ""
	expect_eq "spot checks: every MAC is different" "$(printf '%s' "$macs" | grep -c .)" "$(printf '%s' "$macs" | grep . | sort -u | wc -l)"
	expect_match "past the last device nothing answers" \
		"$(snmpget -v2c -c public -On -t 0.3 -r 0 "127.2.7.223:$GEN_PORT" 1.3.6.1.2.1.1.5.0 2>&1)" '^Timeout'
	lv=$(for a in 127.2.0.1 127.2.0.5 127.2.0.9 127.2.0.13 127.2.0.17; do
		get "$a:$GEN_PORT" 1.3.6.1.2.1.43.11.1.1.9.1.1 | sed 's/.*INTEGER: //'
	done | sort -u | wc -l)
	check "toner levels differ between devices of one model ($lv distinct of 5)" test "$lv" -ge 3
	stats=$("$SIM" --ctl "$T_TMP/gen.ctl" stats)
	rss=$(printf '%s' "$stats" | sed -n 's/.* rss_kb=\([0-9]*\).*/\1/p')
	echo "# 2,000 devices: rss_kb=$rss override_bytes=$(printf '%s' "$stats" | sed -n 's/.* override_bytes=\([0-9]*\).*/\1/p') walks=$(printf '%s' "$stats" | sed -n 's/.* walks=\([0-9]*\).*/\1/p') ($VARIANT build)"
	check "and its memory stays modest (${rss} kB < 200 MB)" test "${rss:-999999}" -lt 204800
	stop_sim "$GEN" gen
else
	not_ok "2,000 generated devices start"
fi

# ---- one socket per device, as outside the test namespace ----
printf '127.3.0.1 public %s\n127.3.0.2 public %s\n' "$HP" "$HP" >"$T_TMP/pa.fleet"
if start_sim pa --quiet --bind per-address --port "$PA_PORT" --fleet "$T_TMP/pa.fleet"; then
	PA=$SIM_PID
	expect_match "--bind per-address: one socket per device" "$(cat "$T_TMP/pa.log")" 'ready mode=per-address devices=2 .*sockets=2'
	expect_match "per-address: the reply comes from the queried address" \
		"$(python3 "$T_TMP/src.py" 127.3.0.2 "$PA_PORT" 2>&1)" "^127\\.3\\.0\\.2:$PA_PORT "
	"$SIM" --ctl "$T_TMP/pa.ctl" "move 127.3.0.2 127.3.0.9" >/dev/null
	expect_match "per-address: move rebinds the device" \
		"$(python3 "$T_TMP/src.py" 127.3.0.9 "$PA_PORT" 2>&1)" "^127\\.3\\.0\\.9:$PA_PORT "
	expect_match "per-address: and the old address is closed" \
		"$(snmpget -v2c -c public -On -t 0.3 -r 0 "127.3.0.2:$PA_PORT" 1.3.6.1.2.1.1.5.0 2>&1)" '^Timeout'
	stop_sim "$PA" pa
else
	not_ok "--bind per-address starts"
fi

# ---- the network-safety rule ----
# In a namespace with one more interface (a veth pair, no address, local to that namespace), the
# wildcard socket is refused and "auto" falls back to one socket per device.
cat >"$T_TMP/netns.sh" <<'SH'
sim=$1 fleet=$2 dir=$3 tmp=$4
ip link set lo up
ip link add sim0 type veth peer name sim1 || exit 1
"$sim" --bind wildcard --port 17999 --fleet "$fleet" --snmprec-dir "$dir"
echo "wildcard exit=$?"
"$sim" --port 17999 --fleet "$fleet" --snmprec-dir "$dir" --control "$tmp/ns.ctl" &
pid=$!
for i in $(seq 1 100); do [ -S "$tmp/ns.ctl" ] && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
echo "auto exit=$?"
SH
out=$(unshare -n bash "$T_TMP/netns.sh" "$SIM" "$T_TMP/pa.fleet" "$SNMPREC_DIR" "$T_TMP" 2>&1 | tr '\n' ' ')
expect_match "--bind wildcard is refused where an interface other than lo exists" "$out" 'wildcard is refused.*wildcard exit=78'
expect_match "and auto mode binds one socket per device there" "$out" 'ready mode=per-address devices=2 .*auto exit=0'

# ---- the demo fleet of make run ----
if start_sim demo --quiet --port "$((PORT + 4))" --fleet "$REPO/tests/sim/demo.fleet"; then
	DEMO=$SIM_PID
	expect_match "the demo fleet (tests/sim/demo.fleet) loads: 5 stores, 35 devices" "$(cat "$T_TMP/demo.log")" 'ready mode=[a-z-]+ devices=35 '
	expect_match "demo: a store printer answers with its name" "$(get "127.1.1.11:$((PORT + 4))" 1.3.6.1.2.1.1.5.0)" '"st001-prn01"'
	stop_sim "$DEMO" demo
else
	not_ok "the demo fleet (tests/sim/demo.fleet) loads"
fi

# ---- the main simulator stops cleanly ----
stats=$(ctl stats)
echo "# main: $stats"
stop_sim "$MAIN" main
PIDS=()
done_testing
