#!/usr/bin/env bash
# IP rediscovery (SPEC §2) with real hosts: network namespaces joined by a bridge, each host
# with its own MAC and a real snmpd that reports that MAC in its ifTable and a toner through
# `override`. The poller runs in the "core" namespace, like a server in the store's LAN.
#
#   1. printer A (MAC ..:a1) at .11 is polled: online, MAC verified.
#   2. DHCP moves it: A takes .23, and host B (a different printer, MAC ..:b2) takes .11.
#   3. One poll: at .11 the MAC is B's → nothing of B is stored, A is found at .23 by its MAC
#      (neighbour table + sweep, each candidate confirmed over SNMP), the address is updated,
#      an ip_changed event exists, and A's own toner level is stored.
#   4. A vanishes: a poll at .23 finds nothing, B still answers at .11 (wrong MAC is not taken).
#
# Safety (TOOLCHAIN §8): the whole suite runs in the runner's network namespace, which has no
# route anywhere; the test namespaces are created fresh, named with the runner's pid, have no
# uplink, and are deleted on exit. A blackhole route for the test subnet guards the runner's
# namespace too.
. "$(dirname "$0")/lib.sh"

POLL_BIN=$(dirname "$MIGRATE_BIN")/infrascope-poll
NET=10.99.0
ID=rd$$
CORE=$ID-core HA=$ID-a HB=$ID-b
MAC_A=02:99:00:00:00:a1 MAC_B=02:99:00:00:00:b2

for tool in ip snmpd; do
	command -v "$tool" >/dev/null || { not_ok "$tool is installed"; done_testing; exit; }
done

cleanup() {
	local ns
	for ns in "$HA" "$HB"; do
		[ -f "$T_TMP/$ns.pid" ] && kill "$(cat "$T_TMP/$ns.pid")" 2>/dev/null
	done
	for ns in "$HA" "$HB" "$CORE"; do ip netns del "$ns" 2>/dev/null; done
	ip route del blackhole "$NET.0/24" 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT

ip route add blackhole "$NET.0/24" 2>/dev/null
ip netns add "$CORE"
ip -n "$CORE" link set lo up
ip -n "$CORE" link add br0 type bridge
ip -n "$CORE" addr add "$NET.1/24" dev br0
ip -n "$CORE" link set br0 up
# Faster neighbour ageing in the core, so the test does not depend on minutes-long timers.
ip netns exec "$CORE" sysctl -qw net.ipv4.neigh.br0.base_reachable_time_ms=2000 \
	net.ipv4.neigh.br0.gc_stale_time=2

# host NS MAC ADDRESS: a namespace on the bridge with that MAC and address.
host() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip link add "v$1" netns "$CORE" type veth peer name eth0 netns "$1"
	ip -n "$CORE" link set "v$1" master br0 up
	ip -n "$1" link set eth0 address "$2"
	ip -n "$1" addr add "$3/24" dev eth0
	ip -n "$1" link set eth0 up
}

# agent NS NAME LEVEL SERIAL: snmpd in NS on every address of NS, port 161, with one toner.
agent() {
	local d=$T_TMP/$1
	mkdir -p "$d/state"
	cat >"$d/snmpd.conf" <<-EOF
		agentaddress udp:161
		rocommunity public $NET.0/24
		sysDescr HP LaserJet Pro M404dn (namespace test $2)
		sysName $2
		sysObjectID .1.3.6.1.4.1.11.2.3.9.1
		override .1.3.6.1.2.1.43.5.1.1.17.1 octet_str "$4"
		override .1.3.6.1.2.1.43.11.1.1.4.1.1 integer 3
		override .1.3.6.1.2.1.43.11.1.1.5.1.1 integer 3
		override .1.3.6.1.2.1.43.11.1.1.6.1.1 octet_str "Black Cartridge HP CF259A"
		override .1.3.6.1.2.1.43.11.1.1.7.1.1 integer 19
		override .1.3.6.1.2.1.43.11.1.1.8.1.1 integer 3000
		override .1.3.6.1.2.1.43.11.1.1.9.1.1 integer $3
	EOF
	ip netns exec "$1" env MIBS= SNMP_PERSISTENT_DIR="$d/state" \
		snmpd -f -Lf "$d/snmpd.log" -C -c "$d/snmpd.conf" -p "$T_TMP/$1.pid" &
	# Ready when it answers.
	for _ in $(seq 50); do
		ip netns exec "$CORE" env MIBS= SNMP_PERSISTENT_DIR="$d/state" snmpget -v2c -c public \
			-On -t 0.2 -r 0 "$5" .1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

host "$HA" "$MAC_A" "$NET.11"
host "$HB" "$MAC_B" "$NET.12"
check "printer A's snmpd answers at $NET.11" agent "$HA" PRN-A 1500 SERIAL-A "$NET.11"
check "host B's snmpd answers at $NET.12" agent "$HB" PRN-B 600 SERIAL-B "$NET.12"

store=$(psql_app "INSERT INTO stores (code, name, subnets) VALUES ('RD-$$', 'Rediscovery store',
	'{$NET.0/24}') RETURNING id")
dev=$(psql_app "INSERT INTO devices (kind, store_id, name, address, mac)
	VALUES ('laser_printer', $store, 'Printer A', '$NET.11', '$MAC_A') RETURNING id")
psql_app "INSERT INTO printer_details (device_id) VALUES ($dev)" >/dev/null

poll() {
	ip netns exec "$CORE" env SNMP_TIMEOUT_MS=400 SNMP_RETRIES=0 "$POLL_BIN" --device "$dev" \
		>"$T_TMP/poll.out" 2>&1
}

check "first poll at the known address succeeds" poll
expect_eq "printer A is online with its MAC verified" \
	"$(psql_app "SELECT state, mac_status, address FROM devices WHERE id = $dev")" \
	"online|verified|$NET.11"
expect_eq "its toner reads 50 % (1500 of 3000)" \
	"$(psql_app "SELECT percent FROM printer_supplies WHERE device_id = $dev AND supply_index = 1")" "50"

# ---- DHCP reshuffle: A moves to .23, B takes A's old address ----
ip -n "$HA" addr del "$NET.11/24" dev eth0
ip -n "$HA" addr add "$NET.23/24" dev eth0
ip -n "$HB" addr del "$NET.12/24" dev eth0
ip -n "$HB" addr add "$NET.11/24" dev eth0
# B announced itself at .11 (its gratuitous ARP), but the core still has a leftover entry that
# puts A's MAC at .12, where nobody is now: the trap TOOLCHAIN §8 describes. Rediscovery must
# confirm such a candidate over SNMP, find it silent, and go on to sweep.
ip netns exec "$CORE" ip neigh flush dev br0
ip netns exec "$CORE" ip neigh replace "$NET.12" lladdr "$MAC_A" dev br0 nud reachable

check "the poll after the move succeeds" poll
expect_eq "the printer's address follows its MAC to $NET.23" \
	"$(psql_app "SELECT address, mac_status, state FROM devices WHERE id = $dev")" \
	"$NET.23|verified|online"
expect_eq "an ip_changed event records old and new address" \
	"$(psql_app "SELECT payload->>'old_address', payload->>'new_address' FROM events
		WHERE type = 'ip_changed' AND device_id = $dev")" "$NET.11|$NET.23"
expect_eq "the stored reading is A's own (serial and 50 %), never B's" \
	"$(psql_app "SELECT p.serial, s.percent FROM printer_details p JOIN printer_supplies s
		ON s.device_id = p.device_id WHERE p.device_id = $dev")" "SERIAL-A|50"
expect_match "the poller's summary counts the move" "$(cat "$T_TMP/poll.out")" "1 moved"

# ---- A disappears; B still answers at .11 and must not be taken for A ----
kill "$(cat "$T_TMP/$HA.pid")" 2>/dev/null
rm -f "$T_TMP/$HA.pid"
ip -n "$HB" addr del "$NET.11/24" dev eth0
ip -n "$HB" addr add "$NET.23/24" dev eth0
ip netns exec "$CORE" ip neigh flush dev br0
check "a poll with the printer gone completes" poll
expect_eq "B at the printer's address: mismatch, address kept, A's readings kept" \
	"$(psql_app "SELECT d.address, d.mac_status, d.state, p.serial, p.foreign_mac
		FROM devices d JOIN printer_details p ON p.device_id = d.id WHERE d.id = $dev")" \
	"$NET.23|mismatch|pending_offline|SERIAL-A|$MAC_B"
check "a second poll completes" poll
expect_eq "the second failure in a row confirms: offline" \
	"$(psql_app "SELECT state FROM devices WHERE id = $dev")" "offline"
expect_eq "pending_offline then offline: one event each" \
	"$(psql_app "SELECT string_agg(type, ',' ORDER BY id) FROM events WHERE device_id = $dev
		AND type IN ('pending_offline', 'offline')")" "pending_offline,offline"
expect_eq "one mac_mismatch event for the transition" \
	"$(psql_app "SELECT count(*) FROM events WHERE type = 'mac_mismatch' AND device_id = $dev")" "1"
expect_match "last_error names both MACs" \
	"$(psql_app "SELECT last_error FROM devices WHERE id = $dev")" "$MAC_B.*$MAC_A"
expect_eq "still one ip_changed event (B was not taken for A)" \
	"$(psql_app "SELECT count(*) FROM events WHERE type = 'ip_changed' AND device_id = $dev")" "1"

psql_app "DELETE FROM devices WHERE id = $dev; DELETE FROM stores WHERE id = $store" >/dev/null
done_testing
