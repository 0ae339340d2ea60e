#!/usr/bin/env bash
# Tasks (issue 5): POST /api/v1/tasks/poll-all starts a poll-all in a process of its own
# (batch/infrascope-task), at most one per scope; the pages show it; --drain repairs it.
#
#   - a viewer may not start one (403); a bad scope is 422;
#   - while a poll-all holds the one-at-a-time lock (here: a psql session holding it), a task
#     waits for it and says so; POST twice → 202 then 409 with the same id (also with the
#     store typed differently), and two POSTs at the same moment → one 202, one 409;
#   - the running task inherited nothing of the app (no socket of the app's among its
#     descriptors, stdin/stdout /dev/null), is not the app's child and has a session of its own;
#   - the pages: the list and the task's page (reloading every 5 s while it runs), the "Poll
#     all" buttons on the printers list and the store page disabled with "task N";
#   - released, it polls every printer of its scope: progress total = the store's printers,
#     the result summary, a poll_runs row, the buttons enabled again;
#   - --drain fails a task whose process was killed (kill -9), starts a queued task whose start
#     was lost, fails one queued too long and one without a heartbeat from another host;
#   - infrascope-task by hand: usage, no such task, a task not queued.
. "$(dirname "$0")/lib.sh"

TASK=$(dirname "$MIGRATE_BIN")/infrascope-task
PORT=${TASKS_SIM_PORT:-17861}
NET=127.6.4
STORE=TS-$$
STORE_LOWER=ts-$$
LOCK_KEY=31647708857068652 # POLL_ALL_LOCK_KEY (lib/poll_runs.h): "pollall"
PW="Tasks-Test-Pass-$$"
PIDS=()

cleanup() {
	release_lock
	stop_pids
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# ---- helpers ----

# hold_lock: a psql session takes the poll-all lock, as a running scheduled poll-all would.
hold_lock() {
	PGAPPNAME=tasks_test_lock psql -X -q -At -h "$STACK/pg" -p "$PG_PORT" -U infrascope -d infrascope \
		-c "SELECT pg_advisory_lock($LOCK_KEY)" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
	LOCK_PID=$!
	PIDS+=("$LOCK_PID")
	for _ in $(seq 1 100); do
		[ "$(psql_app "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND ((classid::bigint << 32) | objid::bigint) = $LOCK_KEY")" = 1 ] && return 0
		sleep 0.05
	done
	return 1
}
release_lock() {
	[ -n "${LOCK_PID:-}" ] || return 0
	psql_app "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'tasks_test_lock'" >/dev/null 2>&1
	wait "$LOCK_PID" 2>/dev/null
	LOCK_PID=""
}
# api METHOD PATH TOKEN [JSON]
api() {
	local -a args=(-H "Authorization: Bearer $3")
	[ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' --data "$4")
	http "$1" "$2" "${args[@]}"
}
task_field() { psql_app "SELECT $2 FROM tasks WHERE id = $1"; }
# wait_task ID SQL-CONDITION [SECONDS]: until the task's row meets the condition.
wait_task() {
	local i limit=$((${3:-30} * 10))
	for i in $(seq 1 "$limit"); do
		[ "$(psql_app "SELECT count(*) FROM tasks WHERE id = $1 AND ($2)")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
# socket inodes of a process, one a line
sockets() {
	local f
	for f in /proc/"$1"/fd/*; do readlink "$f"; done 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | sort -u
}
stat_field() { sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f"$2"; } # fields after comm: 1 = state

check "infrascope-task is built ($TASK)" test -x "$TASK"
check "the simulator is built ($SIM)" test -x "$SIM"

# Tasks of other suites (the route walk starts some) end first: they would hold the lock.
for _ in $(seq 1 900); do
	[ "$(psql_app "SELECT count(*) FROM tasks WHERE state IN ('queued', 'running')")" = 0 ] && break
	sleep 0.1
done
expect_eq "no task of another suite is still active" \
	"$(psql_app "SELECT count(*) FROM tasks WHERE state IN ('queued', 'running')")" 0

# ---- a store with four simulated printers ----
{
	echo "$NET.11 public hp_color-laserjet-pro-m252dw.snmprec name=ts-prn-11"
	echo "$NET.12 public brother_nc-8300h-mfc-l2710dw.snmprec name=ts-prn-12"
	echo "$NET.13 public canon_lbp6670.snmprec name=ts-prn-13"
	echo "$NET.14 public hp_color-laserjet-pro-m252dw.snmprec name=ts-prn-14"
} >"$T_TMP/fleet"
check "the simulator runs" sim_start "$T_TMP/fleet" "$PORT"

store=$(psql_app "INSERT INTO stores (code, name, subnets) VALUES ('$STORE', 'Tasks store',
	'{$NET.0/24}') RETURNING id")
for h in 11 12 13 14; do
	id=$(psql_app "INSERT INTO devices (kind, store_id, name, address, snmp_port)
		VALUES ('laser_printer', $store, 'ts-prn-$h', '$NET.$h', $PORT) RETURNING id")
	psql_app "INSERT INTO printer_details (device_id) VALUES ($id)" >/dev/null
done

ensure_user "tasks.op.$$@test.local" operator "$PW" "Task Operator" >/dev/null
ensure_user "tasks.view.$$@test.local" viewer "$PW" >/dev/null
OP=$(api_login "tasks.op.$$@test.local" "$PW")
VIEW=$(api_login "tasks.view.$$@test.local" "$PW")
check "an operator and a viewer sign in" test -n "$OP" -a -n "$VIEW"

# ---- who may, and what is a scope ----
api POST /api/v1/tasks/poll-all "$VIEW" "{\"store\":\"$STORE\"}"
expect_eq "a viewer may not start a poll-all: 403" "$STATUS" 403
api GET /api/v1/tasks "$VIEW"
expect_eq "a viewer reads the tasks: 200" "$STATUS" 200
api POST /api/v1/tasks/poll-all "$OP" '{"store":"NO-SUCH-STORE-1"}'
expect_eq "an unknown store: 422" "$STATUS" 422
expect_match "  naming it" "$(json .error.message)" 'store: there is no store "NO-SUCH-STORE-1"'
api POST /api/v1/tasks/poll-all "$OP" '{"kind":"inkjet"}'
expect_eq "an unknown kind: 422" "$STATUS" 422
api POST /api/v1/tasks/poll-all "$OP" '{"stores":"X"}'
expect_eq "an unknown field: 422" "$STATUS" 422
api POST /api/v1/tasks/poll-all "$OP" '[1]'
expect_eq "a body that is not an object: 422" "$STATUS" 422
expect_eq "none of them made a task" "$(psql_app "SELECT count(*) FROM tasks WHERE requested_by =
	(SELECT id FROM users WHERE email = 'tasks.op.$$@test.local')")" 0

# ---- POST twice while a poll-all holds the lock: 202, then 409 with the same id ----
check "a poll-all holds the lock" hold_lock
api POST /api/v1/tasks/poll-all "$OP" "{\"store\":\"$STORE\"}"
expect_eq "POST /tasks/poll-all: 202" "$STATUS" 202
T1=$(json .id)
expect_match "  with the task's id" "$T1" '^[0-9]+$'
expect_eq "  and Location" "$(header location)" "/api/v1/tasks/$T1"
expect_eq "  its kind and scope" "$(json '[.kind, .scope.store, (.scope.kind // "null")] | @tsv')" "poll_all	$STORE	null"
expect_match "  queued or running" "$(json .state)" '^(queued|running)$'
expect_eq "  requested by the operator" "$(json .requested_by.name)" "Task Operator"
api POST /api/v1/tasks/poll-all "$OP" "{\"store\":\"$STORE\"}"
expect_eq "the same POST again: 409" "$STATUS" 409
expect_eq "  with the running task's id" "$(json .error.task_id)" "$T1"
expect_eq "  and says so" "$(json .error.message)" "a poll-all of this scope is already running (task $T1)"
expect_eq "  code conflict" "$(json .error.code)" conflict
api POST /api/v1/tasks/poll-all "$OP" "{\"store\":\"$STORE_LOWER\",\"kind\":null}"
expect_eq "the store typed in lower case is the same scope: 409" "$STATUS" 409
expect_eq "  with the same id" "$(json .error.task_id)" "$T1"
api POST /api/v1/tasks/poll-all "$OP" "{\"store\":\"$store\"}"
expect_eq "the store given by its id too: 409, same id" "$STATUS $(json .error.task_id)" "409 $T1"

check "the task runs and waits for the lock" wait_task "$T1" "state = 'running' AND progress_note LIKE 'waiting for the poll-all%'" 15
api GET "/api/v1/tasks/$T1" "$VIEW"
expect_eq "GET /tasks/{id}: running" "$(json .state)" running
expect_match "  its progress says it waits" "$(json .progress.note)" '^waiting for the poll-all'

# Two POSTs of another scope at the same moment: the database lets one in.
body="{\"store\":\"$STORE\",\"kind\":\"laser_printer\"}"
racers=()
for i in 1 2; do
	curl -s -o "$T_TMP/race$i.body" -w '%{http_code}' --max-time 10 -X POST -H "Authorization: Bearer $OP" \
		-H 'Content-Type: application/json' --data "$body" "$BASE_URL/api/v1/tasks/poll-all" >"$T_TMP/race$i.code" &
	racers+=($!)
done
wait "${racers[@]}"
codes=$(for i in 1 2; do cat "$T_TMP/race$i.code"; echo; done | sort | tr '\n' ' ')
expect_eq "two POSTs at the same moment: one 202, one 409" "$codes" "202 409 "
ids=$(for i in 1 2; do jq -r '.id // .error.task_id' "$T_TMP/race$i.body"; done | sort -u | tr '\n' ' ')
T2=$(jq -r '.id // .error.task_id' "$T_TMP/race1.body")
expect_eq "  naming the same task" "$ids" "$T2 "
expect_eq "one active task of that scope in the table" "$(psql_app "SELECT count(*) FROM tasks
	WHERE scope = '{\"store\":\"$STORE\",\"kind\":\"laser_printer\"}' AND state IN ('queued','running')")" 1

# ---- what the task's process inherited ----
check "task $T2 runs too" wait_task "$T2" "state = 'running'" 15
TPID=$(task_field "$T1" pid)
APP_PID=$(cat "$STACK/run/app.pid")
check "the task's process ($TPID) is alive" test -d "/proc/$TPID"
expect_match "  it is infrascope-task" "$(tr '\0' ' ' <"/proc/$TPID/cmdline")" "infrascope-task --detach $T1"
sockets "$APP_PID" >"$T_TMP/app.sockets"
sockets "$TPID" >"$T_TMP/task.sockets"
check "the app has sockets (the FastCGI socket, its connections)" test -s "$T_TMP/app.sockets"
expect_eq "the task shares no socket with the app" "$(comm -12 "$T_TMP/app.sockets" "$T_TMP/task.sockets" | tr '\n' ' ')" ""
expect_eq "its stdin and stdout are /dev/null" "$(readlink "/proc/$TPID/fd/0") $(readlink "/proc/$TPID/fd/1")" "/dev/null /dev/null"
expect_match "the task's sockets are its own database connections" "$(cat "$T_TMP/task.sockets" | wc -l)" '^ *[1-3]$'
check "it is not the app's child (PPid $(stat_field "$TPID" 2))" test "$(stat_field "$TPID" 2)" != "$APP_PID"
check "it is not in the app's session" test "$(stat_field "$TPID" 4)" != "$(stat_field "$APP_PID" 4)"

# ---- the pages while it runs ----
JAR="$T_TMP/op.jar"
check "the operator signs in to the pages" browser_login "$JAR" "tasks.op.$$@test.local" "$PW"
http GET /tasks -b "$JAR" -H 'Accept-Language: en'
expect_eq "GET /tasks: 200" "$STATUS" 200
expect_match "  lists the task as running" "$BODY" "href=\"/tasks/$T1\">#$T1 [^<]*</a><div class=\"muted small\">all printers · $STORE</div>"
expect_match "  with its state" "$BODY" 'task-state-running'
expect_match "  refreshes itself every 15 minutes" "$BODY" '<meta http-equiv="refresh" content="900">'
expect_match "  the navigation links to it" "$BODY" '<a href="/tasks" aria-current="page">Tasks</a>'
http GET "/tasks/$T1" -b "$JAR" -H 'Accept-Language: en'
expect_eq "GET /tasks/{id}: 200" "$STATUS" 200
expect_match "  reloads every 5 s while it runs" "$BODY" '<meta http-equiv="refresh" content="5">'
expect_match "  says it waits" "$BODY" 'waiting for the poll-all'
http GET "/printers?store=$store" -b "$JAR" -H 'Accept-Language: en'
expect_match "the printers list of the store: Poll all is disabled" "$BODY" '<button type="submit" class="primary" disabled>Poll all</button>'
expect_match "  saying which task runs" "$BODY" "<a class=\"small poll-all-running\" href=\"/tasks/$T1\">running: task $T1</a>"
expect_match "  its form carries the scope" "$BODY" "name=\"store\" value=\"$STORE\""
http GET "/stores/$store" -b "$JAR" -H 'Accept-Language: en'
expect_match "the store's page: Poll all is disabled too" "$BODY" 'disabled>Poll all</button>'
expect_match "  saying which task runs" "$BODY" "href=\"/tasks/$T1\">running: task $T1</a>"
http GET "/printers?store=$store&kind=label_printer" -b "$JAR" -H 'Accept-Language: en'
expect_match "another scope (label printers of the store): enabled" "$BODY" '<button type="submit" class="primary">Poll all</button>'
VJAR="$T_TMP/view.jar"
browser_login "$VJAR" "tasks.view.$$@test.local" "$PW"
http GET "/printers?store=$store" -b "$VJAR"
expect_no_match "a viewer sees no Poll all button" "$BODY" 'action="/tasks/poll-all"'
csrf=$(page_csrf "$JAR" /tasks)
http POST /tasks/poll-all -b "$JAR" -c "$JAR" --data-urlencode "csrf=$csrf" --data-urlencode "store=$STORE_LOWER" --data-urlencode "kind="
expect_eq "the button's form while it runs: 303" "$STATUS" 303
expect_eq "  to the running task's page" "$(header location)" "/tasks/$T1?already=1"

# ---- released: it runs to the end ----
release_lock
check "task $T1 is done" wait_task "$T1" "state = 'done'" 60
check "task $T2 is done" wait_task "$T2" "state = 'done'" 60
api GET "/api/v1/tasks/$T1" "$VIEW"
expect_eq "GET: done" "$(json .state)" done
expect_eq "  progress: every printer of the store" "$(json '"\(.progress.done)/\(.progress.total)"')" "4/4"
expect_eq "  the summary" "$(json '[.result.devices, .result.polled, .result.online, .result.offline, .result.errors, .result.skipped] | @tsv')" "4	4	4	0	0	0"
expect_eq "  it had waited for the lock" "$(json .result.waited_for_lock)" true
expect_match "  started and finished" "$(json '.started_at + " " + .finished_at')" '^[0-9T:-]+Z [0-9T:-]+Z$'
expect_eq "  no error, no note" "$(json '[.error, .progress.note] | @tsv')" "	"
run_id=$(json .result.poll_run_id)
expect_eq "its poll_runs row" "$(psql_app "SELECT status, devices, up, scope->>'store' FROM poll_runs WHERE id = $run_id")" "done|4|4|$STORE"
expect_eq "the printers are online with toner stored" "$(psql_app "SELECT count(*) FROM devices d WHERE d.store_id = $store
	AND d.state = 'online' AND EXISTS (SELECT 1 FROM printer_supplies s WHERE s.device_id = d.id)")" 4
expect_eq "an event says it is done, with the task's trace id" \
	"$(psql_app "SELECT count(*) FROM events e JOIN tasks t ON t.trace_id = e.trace_id
		WHERE t.id = $T1 AND e.type = 'task_done' AND (e.payload->>'task_id')::bigint = $T1")" 1
expect_eq "and one that it was requested" "$(psql_app "SELECT count(*) FROM events WHERE type = 'poll_all_requested'
	AND (payload->>'task_id')::bigint = $T1")" 1
api GET "/api/v1/tasks/$T2" "$VIEW"
expect_eq "task $T2 (laser printers of the store): 4 polled" "$(json .result.polled)" 4
api GET "/api/v1/tasks?state=done&limit=500" "$VIEW"
expect_match "GET /tasks?state=done lists it" "$(json '[.items[].id] | map(tostring) | join(" ")')" "(^| )$T1( |$)"
expect_eq "  only done ones" "$(json '[.items[].state] | unique | join(",")')" done
api GET "/api/v1/tasks?state=bogus" "$VIEW"
expect_eq "an unknown state: 422" "$STATUS" 422
api GET "/api/v1/tasks/99999999" "$VIEW"
expect_eq "no such task: 404" "$STATUS" 404
http GET "/tasks/$T1" -b "$JAR" -H 'Accept-Language: en'
expect_no_match "a finished task's page does not reload itself" "$BODY" 'content="5"'
expect_match "  it shows the result" "$BODY" '<th>Online</th><td class="num">4</td>'
http GET "/printers?store=$store" -b "$JAR" -H 'Accept-Language: en'
expect_match "the Poll all button is enabled again" "$BODY" '<button type="submit" class="primary">Poll all</button>'
csrf=$(page_csrf "$JAR" /tasks)
http POST /tasks/poll-all -b "$JAR" -c "$JAR" --data-urlencode "csrf=$csrf" --data-urlencode "store=$STORE" --data-urlencode "kind=label_printer"
expect_eq "the button starts a task: 303" "$STATUS" 303
expect_match "  to its page" "$(header location)" '^/tasks/[0-9]+\?created=1$'
T3=$(header location | sed -E 's#^/tasks/([0-9]+).*#\1#')
check "  which ends (no label printers: 0 devices)" wait_task "$T3" "state = 'done' AND progress_total = 0" 30
http POST /tasks/poll-all -b "$JAR" -c "$JAR" --data-urlencode "csrf=$csrf" --data-urlencode "store=NOPE-$$"
expect_eq "the form with an unknown store: 422" "$STATUS" 422

# ---- --drain: a killed task is failed ----
check "the lock is held again" hold_lock
api POST /api/v1/tasks/poll-all "$OP" "{\"store\":\"$STORE\"}"
T4=$(json .id)
expect_eq "a new poll-all of the store: 202" "$STATUS" 202
check "it runs (waiting)" wait_task "$T4" "state = 'running' AND progress_note IS NOT NULL" 15
VICTIM=$(task_field "$T4" pid)
kill -9 "$VICTIM"
for _ in $(seq 1 100); do
	st=$(stat_field "$VICTIM" 1 2>/dev/null)
	{ [ -z "$st" ] || [ "$st" = Z ]; } && break
	sleep 0.05
done
"$TASK" --drain >"$T_TMP/drain.out" 2>"$T_TMP/drain.err"
expect_eq "--drain: exit 0" "$?" 0
out=$(cat "$T_TMP/drain.out")
expect_match "  it says it failed the killed task" "$out" "task $T4: failed \(its process \(pid $VICTIM\) ended without finishing it\)"
expect_eq "  the task is failed" "$(task_field "$T4" "state || '|' || error")" "failed|its process (pid $VICTIM) ended without finishing it"
api POST /api/v1/tasks/poll-all "$OP" "{\"store\":\"$STORE\"}"
expect_eq "the scope is free again: 202" "$STATUS" 202
T5=$(json .id)
release_lock
check "and that one runs to the end" wait_task "$T5" "state = 'done'" 60

# ---- --drain: a lost start is started; too old is failed; no heartbeat is failed ----
LOST=$(psql_app "INSERT INTO tasks (kind, scope, created_at, updated_at) VALUES ('poll_all',
	'{\"store\":\"$STORE\"}', now() - interval '2 minutes', now() - interval '2 minutes') RETURNING id")
OLD=$(psql_app "INSERT INTO tasks (kind, scope, created_at, updated_at) VALUES ('poll_all',
	'{\"store\":\"$STORE\",\"kind\":\"label_printer\"}', now() - interval '20 minutes', now() - interval '20 minutes') RETURNING id")
STALE=$(psql_app "INSERT INTO tasks (kind, scope, state, created_at, started_at, updated_at, pid, host)
	VALUES ('poll_all', '{\"kind\":\"label_printer\",\"store\":\"$STORE_LOWER-x\"}', 'running',
	now() - interval '1 hour', now() - interval '1 hour', now() - interval '10 minutes', 4242, 'elsewhere.example')
	RETURNING id")
FRESH=$(psql_app "INSERT INTO tasks (kind, scope, created_at) VALUES ('poll_all',
	'{\"store\":\"$STORE\",\"kind\":\"laser_printer\"}', now()) RETURNING id")
"$TASK" --drain >"$T_TMP/drain.out" 2>"$T_TMP/drain.err"
expect_eq "--drain: exit 0" "$?" 0
out=$(cat "$T_TMP/drain.out")
expect_match "  it starts the task whose start was lost" "$out" "task $LOST: started again \(queued for 1[0-9]{2} s: its start was lost\)"
expect_match "  it fails the one queued too long" "$out" "task $OLD: failed \(not started within 600 s of its creation\)"
expect_match "  and the one whose heartbeat stopped on another host" "$out" "task $STALE: failed \(no heartbeat from its process \(pid 4242 on elsewhere.example\) for 6[0-9]{2} s\)"
expect_no_match "  it leaves a task just queued alone" "$out" "task $FRESH:"
check "the lost task runs to the end" wait_task "$LOST" "state = 'done' AND progress_total = 4 AND progress_done = 4" 60
expect_eq "the old one is failed" "$(task_field "$OLD" state)" failed
expect_eq "the stale one is failed" "$(task_field "$STALE" state)" failed

# ---- infrascope-task by hand ----
out=$("$TASK" "$FRESH" 2>&1)
expect_eq "infrascope-task ID in the foreground: exit 0" "$?" 0
expect_match "  it prints the summary" "$out" "task $FRESH done: poll-all of store $STORE, laser_printer: 4 devices, polled 4: 4 online"
out=$("$TASK" "$FRESH" 2>&1)
expect_eq "a task that is not queued: exit 75" "$?" 75
expect_match "  saying so" "$out" "task $FRESH is done, not queued"
"$TASK" 99999999 >/dev/null 2>&1
expect_eq "no such task: exit 64" "$?" 64
"$TASK" >/dev/null 2>&1
expect_eq "no arguments: exit 64" "$?" 64
"$TASK" --drain 12 >/dev/null 2>&1
expect_eq "--drain with an id: exit 64" "$?" 64
"$TASK" --drain >"$T_TMP/drain.out" 2>"$T_TMP/drain.err"
expect_eq "--drain with nothing to do: exit 0, nothing said" "$?:$(cat "$T_TMP/drain.out" "$T_TMP/drain.err")" "0:"

expect_eq "no task is left active" "$(psql_app "SELECT count(*) FROM tasks WHERE state IN ('queued', 'running')")" 0
psql_app "DELETE FROM devices WHERE store_id = $store; DELETE FROM stores WHERE id = $store" >/dev/null
done_testing
