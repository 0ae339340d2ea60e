# The app survives PostgreSQL going away and coming back: 503 with db "down" while it is
# gone (within 2 s), 200 again once it is back, the same app process throughout. A signed-in
# caller gets 503 too, never 401 (an outage is not a sign-out), and stays signed in after.
. "$(dirname "$0")/lib.sh"

app_pid=$(cat "$STACK/run/app.pid")
unavailable_text=$(awk -F '\t' '$1 == "error_503_text" { print $2; exit }' "$REPO/templates/i18n/en.tsv")

# Sign in before the database goes: a browser session and a Bearer token of the first admin.
jar="$T_TMP/admin.jar"
check "a browser signs in before the restart" browser_login "$jar" "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
token=$(admin_token)
check "and a script gets a token" test -n "$token"

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }

# until_status WANT DEADLINE_MS PATH: poll until PATH answers WANT; prints the elapsed ms.
until_status() {
	local want=$1 deadline=$2 path=$3 start
	start=$(now_ms)
	while :; do
		http GET "$path"
		[ "$STATUS" = "$want" ] && { echo $(( $(now_ms) - start )); return 0; }
		[ $(( $(now_ms) - start )) -gt "$deadline" ] && { echo $(( $(now_ms) - start )); return 1; }
		sleep 0.05
	done
}

# Spread requests over all threads first, so every thread holds a connection that will die.
for i in $(seq 1 20); do curl -s -o /dev/null "$BASE_URL/api/v1/health" & done
wait
http GET /api/v1/health
expect_eq "healthy before the restart" "$STATUS" 200

for mode in fast immediate; do
	pg_stop "$mode"
	if ms=$(until_status 503 2000 /api/v1/health); then
		ok "PostgreSQL stopped ($mode): health answers 503 within 2 s (${ms} ms)"
	else
		not_ok "PostgreSQL stopped ($mode): health answers 503 within 2 s" "last status $STATUS after ${ms} ms"
	fi
	http GET /api/v1/health # until_status ran in a subshell: fetch the body here
	expect_eq "503 body says db down ($mode)" "$(json .db)" down
	expect_eq "503 body says status degraded ($mode)" "$(json .status)" degraded
	# Every thread answers 503 quickly, none hangs on its dead connection.
	start=$(now_ms)
	statuses=$(for i in $(seq 1 8); do curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "$BASE_URL/api/v1/health" & done; wait)
	expect_eq "all threads answer 503 while the database is down ($mode)" "$(echo "$statuses" | sort -u | tr -d '\n')" 503
	elapsed=$(( $(now_ms) - start ))
	check "and they answer fast (${elapsed} ms for 8 requests) ($mode)" test "$elapsed" -lt 2000

	http GET / -b "$jar" -H 'Accept-Language: en'
	expect_eq "a signed-in page answers 503 ($mode)" "$STATUS" 503
	expect_eq "as an HTML page ($mode)" "$(header content-type)" "text/html; charset=utf-8"
	expect_match "saying the database is unavailable ($mode)" "$BODY" "$unavailable_text"
	http GET /api/v1/users/me -H "Authorization: Bearer $token"
	expect_eq "a Bearer call answers 503, not 401 ($mode)" "$STATUS $(json .error.code)" "503 db_down"
	http GET /
	expect_eq "without a session the home page still sends to the sign-in page ($mode)" "$STATUS $(header location)" "303 /login"

	pg_start
	if ms=$(until_status 200 5000 /api/v1/health); then
		ok "PostgreSQL back ($mode): health answers 200 again (${ms} ms)"
	else
		not_ok "PostgreSQL back ($mode): health answers 200 again" "last status $STATUS after ${ms} ms"
	fi
	statuses=$(for i in $(seq 1 12); do curl -s -o /dev/null -w '%{http_code}\n' "$BASE_URL/api/v1/health" & done; wait)
	expect_eq "then every thread answers 200 ($mode)" "$(echo "$statuses" | sort -u | tr -d '\n')" 200
	http GET / -b "$jar"
	expect_eq "the browser is still signed in ($mode)" "$STATUS" 200
	http GET /api/v1/users/me -H "Authorization: Bearer $token"
	expect_eq "and the token still works ($mode)" "$STATUS" 200
	check "the same app process served throughout ($mode)" kill -0 "$app_pid"
	expect_eq "no app restart happened ($mode)" "$(cat "$STACK/run/app.pid")" "$app_pid"
done

http GET /metrics
expect_match "database failures are counted" "$BODY" 'infrascope_db_errors_total\{kind="unavailable"\} [1-9]'

done_testing
