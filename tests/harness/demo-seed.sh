#!/usr/bin/env bash
# demo-seed.sh FLEET SIM_PORT — register the demo fleet's stores and printers in the make-run
# database (once: a database that already has stores is left alone), then print the ids of
# every printer whose address is in the fleet, one per line, for the first poll.
# Store N of the fleet lives on 127.1.N.0/24 (tests/sim/demo.fleet); switches wait for the
# switches issue. Needs PGHOST/PGPORT/PGUSER/PGDATABASE of the stack.
set -euo pipefail
FLEET=$1 SIM_PORT=$2

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

if [ "$(psql_q -c 'SELECT count(*) FROM stores')" = 0 ]; then
	sql="BEGIN;"
	while read -r addr _community file rest; do
		case $addr in ''|'#'*) continue ;; esac
		name=$(printf '%s\n' "$rest" | sed -n 's/.*name=\([^ ]*\).*/\1/p')
		n=$(printf '%s' "$addr" | cut -d. -f3)
		code=$(printf 'ST-%03d' "$n")
		sql+="INSERT INTO stores (code, name, subnets, notes) VALUES ('$code',
			'Store $(printf '%03d' "$n") (demo)', '{127.1.$n.0/24}',
			'Demo store served by the device simulator') ON CONFLICT (code) DO NOTHING;"
		case $name in
		*-prn*) kind=laser_printer ;;
		*-lbl*) kind=label_printer ;;
		*) continue ;;
		esac
		# Names and addresses come from our own fleet file: plain [a-z0-9.-] text.
		sql+="WITH d AS (INSERT INTO devices (kind, store_id, name, address, snmp_port)
			SELECT '$kind', id, '$name', '$addr', $SIM_PORT FROM stores WHERE code = '$code'
			ON CONFLICT DO NOTHING RETURNING id)
			INSERT INTO printer_details (device_id) SELECT id FROM d;"
		: "$file"
	done <"$FLEET"
	sql+="COMMIT;"
	psql_q -c "$sql" >/dev/null
fi
psql_q -c "SELECT id FROM devices WHERE kind IN ('laser_printer', 'label_printer')
	AND address LIKE '127.1.%' ORDER BY id"
