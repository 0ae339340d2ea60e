#!/usr/bin/env bash
# History thinning (SPEC §1): infrascope-housekeeping --thin-history keeps every sample for
# 7 days, one per hour up to 90 days (a down sample when the hour had one; a supply's last
# level of the hour), one per day after that; a second run deletes nothing more.
. "$(dirname "$0")/lib.sh"

HK=$(dirname "$MIGRATE_BIN")/infrascope-housekeeping
dev=$(psql_app "INSERT INTO devices (kind, name, address) VALUES ('laser_printer', 'hist-$$',
	'127.9.$((RANDOM % 200)).$((RANDOM % 200 + 1))') RETURNING id")

# Samples every 10 minutes over 100 days, the day-1 noon hour and the day-30 noon hour down.
psql_app "INSERT INTO device_samples (device_id, at, up, latency_ms)
	SELECT $dev, t, NOT (t >= date_trunc('day', now()) - interval '30 days' + interval '12 hours'
	                 AND t < date_trunc('day', now()) - interval '30 days' + interval '12 hours 20 min'),
	       1.5
	FROM generate_series(now() - interval '100 days', now(), interval '10 minutes') AS t;
	INSERT INTO supply_samples (device_id, supply_index, at, level, percent, state)
	SELECT $dev, 1, t, (extract(epoch FROM t)::bigint / 600) % 100, 50, 'percent'
	FROM generate_series(now() - interval '100 days', now(), interval '10 minutes') AS t" >/dev/null

before=$(psql_app "SELECT count(*) FROM device_samples WHERE device_id = $dev")
out=$("$HK" --thin-history 2>&1)
expect_eq "--thin-history: exit 0" "$?" 0
expect_match "it says what it thinned" "$out" '^thinned [0-9]+ up/down sample\(s\), [0-9]+ supply sample\(s\)'
expect_eq "the last 7 days keep every sample" \
	"$(psql_app "SELECT count(*) = (SELECT count(*) FROM generate_series(now() - interval '100 days',
		now(), interval '10 minutes') t WHERE t >= now() - interval '7 days' + interval '1 min')
		FROM device_samples WHERE device_id = $dev AND at >= now() - interval '7 days' + interval '1 min'")" t
expect_eq "between 7 and 90 days: at most one per hour" \
	"$(psql_app "SELECT max(n) FROM (SELECT count(*) n FROM device_samples WHERE device_id = $dev
		AND at < now() - interval '7 days' AND at >= now() - interval '90 days'
		GROUP BY date_trunc('hour', at)) x")" 1
expect_eq "older than 90 days: at most one per day" \
	"$(psql_app "SELECT max(n) FROM (SELECT count(*) n FROM device_samples WHERE device_id = $dev
		AND at < now() - interval '90 days' GROUP BY date_trunc('day', at)) x")" 1
expect_eq "the outage 30 days ago survives as a down sample" \
	"$(psql_app "SELECT count(*) FROM device_samples WHERE device_id = $dev AND NOT up")" 1
expect_eq "supply samples are thinned the same way (one per hour 7–90 days)" \
	"$(psql_app "SELECT max(n) FROM (SELECT count(*) n FROM supply_samples WHERE device_id = $dev
		AND at < now() - interval '7 days' AND at >= now() - interval '90 days'
		GROUP BY date_trunc('hour', at)) x")" 1
after=$(psql_app "SELECT count(*) FROM device_samples WHERE device_id = $dev")
check "far fewer samples remain ($before → $after)" test "$after" -lt "$((before / 3))"
out=$("$HK" --thin-history 2>/dev/null)
expect_eq "a second run thins nothing more" "$out" "thinned 0 up/down sample(s), 0 supply sample(s)"
psql_app "DELETE FROM devices WHERE id = $dev" >/dev/null
done_testing
