# GET /metrics: the Prometheus text format (checked by promtool), the families Prometheus
# scrapes, and request counting that is exact per route, method and status.
. "$(dirname "$0")/lib.sh"

http GET /metrics
expect_eq "GET /metrics answers 200" "$STATUS" 200
expect_eq "in the Prometheus text format" "$(header content-type)" "text/plain; version=0.0.4; charset=utf-8"
expect_match "requests are counted" "$BODY" '^infrascope_http_requests_total\{'
expect_match "the latency histogram has its +Inf bucket" "$BODY" '^infrascope_http_request_duration_seconds_bucket\{.*le="\+Inf"\} [0-9]+'
expect_match "histogram _sum" "$BODY" '^infrascope_http_request_duration_seconds_sum\{'
expect_match "histogram _count" "$BODY" '^infrascope_http_request_duration_seconds_count\{'
expect_match "resident memory" "$BODY" '^process_resident_memory_bytes [0-9]'
expect_match "CPU seconds" "$BODY" '^process_cpu_seconds_total [0-9]'
expect_match "build info carries the version and is 1" "$BODY" '^infrascope_build_info\{([^}]*,)?version="[^"]+"[^}]*\} 1$'
expect_match "requests in flight" "$BODY" '^infrascope_http_requests_in_flight [0-9]'
expect_match "every family has a TYPE line" "$BODY" '^# TYPE infrascope_http_requests_total counter$'
expect_match "the histogram is typed as one" "$BODY" '^# TYPE infrascope_http_request_duration_seconds histogram$'

if out=$(printf '%s\n' "$BODY" | promtool check metrics 2>&1); then
	ok "promtool check metrics accepts the body"
else
	not_ok "promtool check metrics accepts the body" "$out"
fi

# series_value NAME LABELS: the value of the series NAME{LABELS} in a fresh scrape (0 when
# absent). Run it in $(...): the scrape's BODY stays in the subshell.
series_value() {
	local v
	http GET /metrics
	v=$(printf '%s\n' "$BODY" | grep -F "$1{$2} " | head -n 1 | awk '{ print $NF }')
	echo "${v:-0}"
}

health='route="api_health",method="GET",status="200"'
before=$(series_value infrascope_http_requests_total "$health")
n=7
for _ in $(seq 1 $n); do
	curl -s -o /dev/null --max-time 5 "$BASE_URL/api/v1/health"
done
after=$(series_value infrascope_http_requests_total "$health")
expect_match "the health counter is a number" "$after" '^[0-9]+$'
expect_eq "$n health requests add exactly $n" "$((after - before))" "$n"

count_before=$(series_value infrascope_http_request_duration_seconds_count "$health")
curl -s -o /dev/null --max-time 5 "$BASE_URL/api/v1/health"
expect_eq "each request is one histogram observation" \
	"$(( $(series_value infrascope_http_request_duration_seconds_count "$health") - count_before ))" 1

um='route="unmatched",method="GET",status="404"'
before=$(series_value infrascope_http_requests_total "$um")
http GET /no/such/page
expect_eq "the unknown path is 404" "$STATUS" 404
after=$(series_value infrascope_http_requests_total "$um")
expect_eq "a 404 is counted under route=\"unmatched\"" "$((after - before))" 1

me='route="api_me",method="GET",status="401"'
before=$(series_value infrascope_http_requests_total "$me")
http GET /api/v1/users/me
expect_eq "an anonymous call to a signed-in route is 401" "$STATUS" 401
after=$(series_value infrascope_http_requests_total "$me")
expect_eq "and is counted under its route with status 401" "$((after - before))" 1

# A scrape is itself a request in flight while it renders: alone, it sees exactly 1.
http GET /metrics
expect_match "the scrape sees itself in flight" "$(printf '%s\n' "$BODY" | grep '^infrascope_http_requests_in_flight ')" ' 1$'

done_testing
