# Stores end to end (SPEC §1, §8, §9) through nginx: the JSON API (create, read, partial change,
# delete, the list with search and pagination, a store's devices), its validation (codes exactly
# as the table's CHECK allows them, subnets as cidr.h allows them) and error shapes (400, 401,
# 403, 404, 409, 422), who may do what, the audit events, what deleting a store does to its
# devices, and the pages: the list with its search box and create form, a store's page with
# the health of its devices, the edit and delete forms with and without their CSRF token,
# refused forms keeping what was typed, and stored text shown as text.
#
# Every code and address here is unique to this run; the clean-up removes them.
. "$(dirname "$0")/lib.sh"

R="$$$RANDOM"                         # this run's tag (digits)
U="st$R"                              # email prefix
PW="Stores-Walk-$U"
tag=$(( $$ % 200 + 20 )).$(( RANDOM % 250 + 1 ))   # device addresses 10.$tag.N
EV0=$(psql_app "SELECT COALESCE(max(id), 0) FROM events")

cleanup() {
	psql_app "DELETE FROM devices WHERE address LIKE '10.$tag.%';
	          DELETE FROM stores WHERE code LIKE '%$R%'" >/dev/null 2>&1
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# ---- helpers ----

# tsv LANG KEY: the text of KEY in templates/i18n/LANG.tsv.
tsv() {
	awk -F '\t' -v k="$2" '$1 == k { print $2; exit }' "$REPO/templates/i18n/$1.tsv"
}

# tsv_with LANG KEY ONE [TWO]: the text with {1} and {2} filled in, as the pages fill them.
tsv_with() {
	local t
	t=$(tsv "$1" "$2")
	t=${t//\{1\}/$3}
	printf '%s' "${t//\{2\}/${4:-}}"
}

# html TEXT: TEXT as the pages escape it.
html() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&#39;/g"
}

contains() {
	if [[ $2 == *"$3"* ]]; then ok "$1"; else not_ok "$1" "missing: $3" "in: $(printf '%s' "$2" | head -c 800)"; fi
}

lacks() {
	if [[ $2 == *"$3"* ]]; then not_ok "$1" "unexpected: $3"; else ok "$1"; fi
}

# api METHOD PATH TOKEN [curl args...] / api_json METHOD PATH TOKEN JSON
api() {
	local m=$1 p=$2 t=$3
	shift 3
	http "$m" "$p" -H "Authorization: Bearer $t" "$@"
}
api_json() {
	api "$1" "$2" "$3" -H 'Content-Type: application/json' --data "$4"
}

# expect_error NAME STATUS CODE [MESSAGE_REGEX]: the last answer is the JSON error shape.
expect_error() {
	expect_eq "$1: status $2" "$STATUS" "$2"
	expect_eq "$1: error shape" "$(json '.error | keys | join(",")')" "code,message"
	expect_eq "$1: code $3" "$(json .error.code)" "$3"
	[ -n "${4:-}" ] && expect_match "$1: message" "$(json .error.message)" "$4"
}

# form JAR PATH FIELDS... [-- CURL ARGS...]: POST urlencoded FIELDS with the CSRF token of the
# page the form is on (FORM_PAGE, default PATH).
form() {
	local jar=$1 path=$2 csrf
	shift 2
	local -a data=()
	csrf=$(page_csrf "$jar" "${FORM_PAGE:-$path}")
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		data+=(--data-urlencode "$1")
		shift
	done
	[ $# -gt 0 ] && shift
	http POST "$path" -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" "${data[@]}" "$@"
}

store_id_of() {
	psql_app "SELECT id FROM stores WHERE code = '$1'"
}

# events_since TYPE STORE_ID: audit events of TYPE for the store since the suite started.
events_of() {
	psql_app "SELECT count(*) FROM events WHERE id > $EV0 AND type = '$1' AND payload->>'store_id' = '$2'"
}

# ---- who is calling ----

ADMIN=$(admin_token)
check "the admin has a token" test -n "$ADMIN"
ADMIN_ID=$(psql_app "SELECT id FROM users WHERE lower(email) = lower('$ADMIN_EMAIL')")
ensure_user "$U.viewer@test.local" viewer "$PW" >/dev/null
ensure_user "$U.operator@test.local" operator "$PW" >/dev/null
VIEWER=$(api_login "$U.viewer@test.local" "$PW")
OPERATOR=$(api_login "$U.operator@test.local" "$PW")
check "a viewer and an operator have tokens" test -n "$VIEWER" -a -n "$OPERATOR"

# ---- create and read ----

CODE="MSK-$R"
api_json POST /api/v1/stores "$ADMIN" "$(jq -nc --arg c " $CODE " \
	'{code:$c, name:"Магазин на Тверской", subnets:["10.20.1.0/24","192.168.5.0/28"], notes:"Ключ у охраны"}')"
expect_eq "POST /api/v1/stores answers 201" "$STATUS" 201
ID=$(json .id)
check "with the new store's id" test -n "$ID" -a "$ID" != null
expect_eq "Location names it" "$(header location)" "/api/v1/stores/$ID"
expect_eq "the code is stored trimmed" "$(json .code)" "$CODE"
expect_eq "the name as sent" "$(json .name)" "Магазин на Тверской"
expect_eq "the subnets in order" "$(json '.subnets | join(" ")')" "10.20.1.0/24 192.168.5.0/28"
expect_eq "the notes" "$(json .notes)" "Ключ у охраны"
expect_eq "no devices yet" "$(json '.devices | tojson')" '{"total":0,"online":0,"pending_offline":0,"offline":0,"unknown":0,"problems":0}'
expect_match "times in UTC ISO 8601" "$(json .created_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
expect_eq "the database holds cidr values" "$(psql_app "SELECT subnets::text FROM stores WHERE id = $ID")" "{10.20.1.0/24,192.168.5.0/28}"
expect_eq "a store_created event names the admin and the store" \
	"$(psql_app "SELECT count(*) FROM events WHERE id > $EV0 AND type = 'store_created'
	             AND store_id = $ID AND user_id = $ADMIN_ID AND payload->>'code' = '$CODE'")" 1

api GET "/api/v1/stores/$ID" "$VIEWER"
expect_eq "a viewer reads the store" "$STATUS" 200
expect_eq "the same store" "$(json '[.id, .code, .name] | join("|")')" "$ID|$CODE|Магазин на Тверской"
expect_eq "with its devices by kind (none)" "$(json '.devices_by_kind | tojson')" '[]'
api GET /api/v1/stores/999999999 "$VIEWER"
expect_error "an unknown store" 404 not_found
http GET "/api/v1/stores/$ID"
expect_error "without a token" 401 unauthorized

# ---- who may change stores ----

n0=$(psql_app "SELECT count(*) FROM stores")
api_json POST /api/v1/stores "$VIEWER" "{\"code\":\"V-$R\",\"name\":\"viewer's\"}"
expect_error "a viewer cannot create a store" 403 forbidden
api_json POST /api/v1/stores "$OPERATOR" "{\"code\":\"O-$R\",\"name\":\"operator's\"}"
expect_error "nor can an operator" 403 forbidden
api_json PATCH "/api/v1/stores/$ID" "$OPERATOR" '{"name":"renamed"}'
expect_error "an operator cannot change one" 403 forbidden
api DELETE "/api/v1/stores/$ID" "$VIEWER"
expect_error "a viewer cannot delete one" 403 forbidden
expect_eq "nothing was created or deleted" "$(psql_app "SELECT count(*) FROM stores")" "$n0"
expect_eq "nor renamed" "$(psql_app "SELECT name FROM stores WHERE id = $ID")" "Магазин на Тверской"

# ---- duplicates ----

api_json POST /api/v1/stores "$ADMIN" "{\"code\":\"$CODE\",\"name\":\"again\"}"
expect_error "the same code again" 409 conflict "exists already: $CODE"
api_json POST /api/v1/stores "$ADMIN" "{\"code\":\"${CODE,,}\",\"name\":\"lower case\"}"
expect_error "the code in lower case" 409 conflict "$CODE"
CYR="МСК-$R"            # Cyrillic М, С, К: reads the same as MCK
api_json POST /api/v1/stores "$ADMIN" "{\"code\":\"$CYR\",\"name\":\"Cyrillic\"}"
expect_eq "a Cyrillic code that reads differently (МСК vs MSK) is a new store" "$STATUS" 201
CYR_ID=$(json .id)
api_json POST /api/v1/stores "$ADMIN" "{\"code\":\"MCK-$R\",\"name\":\"Latin look-alike\"}"
expect_error "its Latin look-alike (MCK) is the same code" 409 conflict "$CYR"
expect_eq "no store was added by the duplicates" "$(psql_app "SELECT count(*) FROM stores WHERE code LIKE '%$R'")" 2

# ---- bad input ----

bad() { # NAME JSON STATUS CODE [REGEX]
	api_json POST /api/v1/stores "$ADMIN" "$2"
	expect_error "$1" "$3" "$4" "${5:-}"
}
bad "malformed JSON" '{"code":' 400 invalid_json 'offset'
bad "a JSON array instead of an object" '[]' 422 validation_failed 'object'
bad "no code" '{"name":"x"}' 422 validation_failed 'code.*required'
bad "no name" "{\"code\":\"N-$R\"}" 422 validation_failed 'name.*required'
bad "a blank name" "{\"code\":\"N-$R\",\"name\":\"   \"}" 422 validation_failed 'name is required'
bad "an unknown field" "{\"code\":\"N-$R\",\"name\":\"x\",\"colour\":\"red\"}" 422 validation_failed 'unknown field "colour"'
bad "a code with a space" '{"code":"MSK 1","name":"x"}' 422 validation_failed 'spaces'
bad "a code starting with a dash" '{"code":"-MSK","name":"x"}' 422 validation_failed 'start with a letter or a digit'
bad "a code with a slash" '{"code":"MSK/1","name":"x"}' 422 validation_failed "not \"/\""
bad "a code of 33 characters" "{\"code\":\"$(printf 'A%.0s' {1..33})\",\"name\":\"x\"}" 422 validation_failed 'longer than 32'
bad "a null code" '{"code":null,"name":"x"}' 422 validation_failed 'must not be null'
bad "a code that is a number" '{"code":14,"name":"x"}' 422 validation_failed 'must be a string'
bad "a name of 201 characters" "{\"code\":\"N-$R\",\"name\":\"$(printf 'я%.0s' {1..201})\"}" 422 validation_failed 'longer than 200'
bad "a name with a line break" "{\"code\":\"N-$R\",\"name\":\"a\\nb\"}" 422 validation_failed 'control'
bad "notes of 4001 characters" "{\"code\":\"N-$R\",\"name\":\"x\",\"notes\":\"$(printf 'n%.0s' {1..4001})\"}" 422 validation_failed '4000'
bad "a subnet with host bits" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":[\"10.1.2.3/24\"]}" 422 validation_failed \
	'^10\.1\.2\.3/24 has host bits set; did you mean 10\.1\.2\.0/24\?$'
bad "a subnet that is no network" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":[\"shop-lan\"]}" 422 validation_failed 'CIDR notation'
bad "a host address without a prefix" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":[\"10.1.2.3\"]}" 422 validation_failed 'CIDR notation'
bad "a /7" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":[\"10.0.0.0/7\"]}" 422 validation_failed '/8 to /32'
bad "a subnet twice" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":[\"10.1.2.0/24\",\"10.1.2.0/24\"]}" 422 validation_failed 'listed twice'
bad "a subnet inside another" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":[\"10.1.0.0/16\",\"10.1.2.0/24\"]}" 422 validation_failed 'inside 10\.1\.0\.0/16'
bad "33 subnets" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":$(seq 0 32 | jq -Rc '"10.\(.).0.0/16"' | jq -sc .)}" 422 validation_failed 'at most 32'
bad "subnets as a string" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":\"10.1.2.0/24\"}" 422 validation_failed 'array'
bad "a subnet that is a number" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":[10]}" 422 validation_failed 'strings'
bad "null subnets" "{\"code\":\"N-$R\",\"name\":\"x\",\"subnets\":null}" 422 validation_failed 'must not be null'
expect_eq "none of the refused requests created a store" "$(psql_app "SELECT count(*) FROM stores WHERE code = 'N-$R'")" 0
api_json POST /api/v1/stores "$ADMIN" "{\"code\":\"S32-$R\",\"name\":\"32 subnets\",\"subnets\":$(seq 0 31 | jq -Rc '"10.\(.).0.0/16"' | jq -sc .)}"
expect_eq "32 subnets are the most, and allowed" "$STATUS" 201
expect_eq "all 32 stored" "$(json '.subnets | length')" 32
api DELETE "/api/v1/stores/$(json .id)" "$ADMIN"

# The code rules are the table's CHECK: every code the API accepts, PostgreSQL accepts, and
# every code the API refuses, PostgreSQL refuses (asked in a transaction that is rolled back).
db_accepts_code() {
	printf '%s\n' "BEGIN; INSERT INTO stores (code, name) VALUES (:'code', 'parity'); ROLLBACK;" |
		psql -X -q -At -h "$STACK/pg" -p "$PG_PORT" -U infrascope -d infrascope -v ON_ERROR_STOP=1 \
			-v code="$1" >/dev/null 2>&1
}
parity_bad=()
for c in "P$R" "п$R" "Ё$R" "ё.$R" "${R}_a-b.c" "9" "X$(printf 'x%.0s' {1..31})" "Я$(printf 'я%.0s' {1..31})" \
	"X$(printf 'x%.0s' {1..32})" "-$R" ".$R" "_$R" "P $R" "P/$R" "P#$R" "Київ$R" "Straße$R" "Є$R" "P$R!" \
	"P${R}ў" "P	$R" ""; do
	api_json POST /api/v1/stores "$ADMIN" "$(jq -nc --arg c "$c" '{code:$c, name:"parity"}')"
	api_status=$STATUS
	[ "$STATUS" = 201 ] && { id=$(json .id); api DELETE "/api/v1/stores/$id" "$ADMIN"; }
	if db_accepts_code "$c"; then db=accepts; else db=refuses; fi
	if { [ "$api_status" = 201 ] && [ "$db" = accepts ]; } || { [ "$api_status" = 422 ] && [ "$db" = refuses ]; }; then
		:
	else
		parity_bad+=("code [$c]: API $api_status, PostgreSQL $db")
	fi
done
if [ ${#parity_bad[@]} -eq 0 ]; then ok "the API's code rules agree with the CHECK on stores.code (22 codes)"; else not_ok "the API's code rules agree with the CHECK on stores.code" "${parity_bad[@]}"; fi

# ---- partial change ----

api_json PATCH "/api/v1/stores/$ID" "$ADMIN" '{"name":"Тверская, 14"}'
expect_eq "PATCH with a name answers 200" "$STATUS" 200
expect_eq "the name changed, nothing else" "$(json '[.code, .name, (.subnets | join(" ")), .notes] | join("|")')" \
	"$CODE|Тверская, 14|10.20.1.0/24 192.168.5.0/28|Ключ у охраны"
psql_app "UPDATE stores SET updated_at = now() - interval '1 day' WHERE id = $ID" >/dev/null
api_json PATCH "/api/v1/stores/$ID" "$ADMIN" '{"subnets":["10.20.1.0/24","10.20.2.0/23"],"notes":null}'
expect_eq "PATCH subnets and null notes" "$STATUS" 200
expect_eq "the subnets are replaced, the notes cleared" "$(json '[(.subnets | join(" ")), .notes] | join("|")')" \
	"10.20.1.0/24 10.20.2.0/23|"
expect_eq "a change moves updated_at" "$(psql_app "SELECT updated_at > now() - interval '1 minute' FROM stores WHERE id = $ID")" t
psql_app "UPDATE stores SET updated_at = now() - interval '1 day' WHERE id = $ID" >/dev/null
api_json PATCH "/api/v1/stores/$ID" "$ADMIN" '{"name":"Тверская, 14"}'
expect_eq "a PATCH that changes nothing leaves it" \
	"$(psql_app "SELECT updated_at < now() - interval '1 hour' FROM stores WHERE id = $ID")" t
api_json PATCH "/api/v1/stores/$ID" "$ADMIN" '{"subnets":["10.20.1.5/24"]}'
expect_error "PATCH with host bits" 422 validation_failed 'did you mean 10\.20\.1\.0/24'
api_json PATCH "/api/v1/stores/$ID" "$ADMIN" "{\"code\":\"mck-$R\"}"
expect_error "PATCH to another store's code (as it reads)" 409 conflict "$CYR"
api_json PATCH "/api/v1/stores/$ID" "$ADMIN" '{"code":""}'
expect_error "PATCH to an empty code" 422 validation_failed 'required'
api_json PATCH /api/v1/stores/999999999 "$ADMIN" '{"name":"x"}'
expect_error "PATCH of an unknown store" 404 not_found
api_json PATCH "/api/v1/stores/$ID" "$ADMIN" '{}'
expect_eq "an empty PATCH changes nothing and answers the store" "$STATUS/$(json .code)" "200/$CODE"
expect_eq "the stored row is as the last good PATCH left it" \
	"$(psql_app "SELECT code, name, subnets::text, notes FROM stores WHERE id = $ID")" \
	"$CODE|Тверская, 14|{10.20.1.0/24,10.20.2.0/23}|"
expect_eq "two store_updated events, each with what changed" "$(events_of store_updated "$ID")" 2
expect_eq "the first says the name went from and to what" \
	"$(psql_app "SELECT payload->'changes'->'name'->>'from' || ' → ' || (payload->'changes'->'name'->>'to')
	             FROM events WHERE id > $EV0 AND type = 'store_updated' AND store_id = $ID ORDER BY id LIMIT 1")" \
	"Магазин на Тверской → Тверская, 14"

# ---- the list: search, order, pagination ----

for i in 05 03 07 01 06 02 04; do
	api_json POST /api/v1/stores "$ADMIN" "{\"code\":\"PG$R-$i\",\"name\":\"Page test $i\"}" >/dev/null
done
expect_eq "seven stores for the pages" "$(psql_app "SELECT count(*) FROM stores WHERE code LIKE 'PG$R-%'")" 7
api GET "/api/v1/stores?q=PG$R&limit=3" "$VIEWER"
expect_eq "a viewer lists stores" "$STATUS" 200
expect_eq "the answer's keys" "$(json 'keys | join(",")')" "items,limit,offset,total"
expect_eq "page 1: three, sorted by code" "$(json '[.items[].code] | join(" ")')" "PG$R-01 PG$R-02 PG$R-03"
expect_eq "total counts every match" "$(json '[.total, .limit, .offset] | join(" ")')" "7 3 0"
api GET "/api/v1/stores?q=PG$R&limit=3&offset=6" "$VIEWER"
expect_eq "the last page has the one left" "$(json '[.items[].code] | join(" ")'):$(json .total)" "PG$R-07:7"
api GET "/api/v1/stores?q=PG$R&offset=100" "$VIEWER"
expect_eq "past the end: no items, the same total" "$(json '.items | length'):$(json .total)" "0:7"
api GET "/api/v1/stores?q=pg$R" "$VIEWER"
expect_eq "the search ignores case; the default limit is 50" "$(json .total):$(json .limit)" "7:50"
api GET "/api/v1/stores?q=page%20TEST%2004" "$VIEWER"
expect_eq "the search matches names too" "$(json '[.items[].code] | join(" ")')" "PG$R-04"
api GET "/api/v1/stores?q=mck-$R" "$VIEWER"
expect_eq "Latin mck finds the Cyrillic МСК" "$(json '[.items[].code] | join(" ")')" "$CYR"
api GET "/api/v1/stores?q=$(printf '%s' "мsk-$R" | jq -sRr @uri)" "$VIEWER"
expect_eq "and mixed-script мsk finds MSK" "$(json '[.items[].code] | join(" ")')" "$CODE"
api GET "/api/v1/stores?code=MCK-$R" "$VIEWER"
expect_eq "?code= finds the one store as people read the code" "$(json '[.items[].id] | join(" ")'):$(json .total)" "$CYR_ID:1"
api GET "/api/v1/stores?code=NONE-$R" "$VIEWER"
expect_eq "?code= of no store: empty" "$(json '.items | length'):$(json .total)" "0:0"
api GET "/api/v1/stores?q=%25" "$VIEWER"
all=$(psql_app "SELECT count(*) FROM stores WHERE code LIKE '%\%%' OR name LIKE '%\%%'")
expect_eq "a % in the search is a character, not a wildcard" "$(json .total)" "$all"
for q in 'limit=0' 'limit=501' 'limit=x' 'offset=-1'; do
	api GET "/api/v1/stores?$q" "$VIEWER"
	expect_error "?$q is refused" 422 validation_failed
done
api GET "/api/v1/stores?q=$(printf 'q%.0s' {1..101})" "$VIEWER"
expect_error "a search of 101 characters is refused" 422 validation_failed 'longer than 100'
api GET "/api/v1/stores?limit=500" "$VIEWER"
expect_eq "limit=500 is the most" "$STATUS:$(json .limit)" "200:500"
api GET "/api/v1/stores?limit=&offset=" "$VIEWER"
expect_eq "an empty limit and offset count as not given" "$STATUS:$(json .limit):$(json .offset)" "200:50:0"

# ---- a store's devices ----

psql_app "
	INSERT INTO devices (kind, store_id, name, model, address, mac, mac_status, state, last_seen_at, last_error) VALUES
	  ('laser_printer', $ID, 'b printer', 'HP M404', '10.$tag.1', '00:11:22:33:44:01', 'verified', 'online', now(), NULL),
	  ('laser_printer', $ID, 'a printer', 'HP M404', '10.$tag.2', NULL, 'unknown', 'offline', now() - interval '1 hour', 'timeout'),
	  ('label_printer', $ID, 'c label', 'Zebra', '10.$tag.3', NULL, 'unknown', 'unknown', NULL, NULL),
	  ('switch', $ID, 'd switch', 'Cisco', '10.$tag.4', NULL, 'unknown', 'pending_offline', now(), 'timeout'),
	  ('laser_printer', $ID, 'e printer', 'Kyocera', '10.$tag.5', '00:11:22:33:44:05', 'mismatch', 'online', now(), NULL),
	  ('iconbit', $CYR_ID, 'other store player', '', '10.$tag.9', NULL, 'unknown', 'online', NULL, NULL)" >/dev/null
api GET "/api/v1/stores/$ID/devices" "$VIEWER"
expect_eq "a viewer lists a store's devices" "$STATUS" 200
expect_eq "only this store's, online first, then by name" "$(json '[.items[].name] | join(",")')" \
	"b printer,e printer,d switch,a printer,c label"
expect_eq "with the total" "$(json .total)" 5
expect_eq "each device's fields" "$(json '.items[0] | keys | join(",")')" \
	"address,id,kind,last_error,last_polled_at,last_seen_at,mac,mac_status,model,name,problem,state"
expect_eq "an absent MAC is null, an error is text" "$(json '[.items[3].mac, .items[3].last_error, .items[3].problem] | tojson')" '[null,"timeout",true]'
expect_eq "a MAC mismatch is a problem even online" "$(json '[.items[1].mac_status, .items[1].problem] | tojson')" '["mismatch",true]'
api GET "/api/v1/stores/$ID/devices?limit=2&offset=2" "$VIEWER"
expect_eq "devices page 2" "$(json '[.items[].name] | join(",")'):$(json .total)" "d switch,a printer:5"
api GET /api/v1/stores/999999999/devices "$VIEWER"
expect_error "devices of an unknown store" 404 not_found
api GET "/api/v1/stores/$ID" "$VIEWER"
expect_eq "the store counts its devices by state" "$(json '.devices | tojson')" \
	'{"total":5,"online":2,"pending_offline":1,"offline":1,"unknown":1,"problems":3}'
expect_eq "and by kind, in the product's order" "$(json '[.devices_by_kind[] | [.kind, .total, .problems]] | tojson')" \
	'[["laser_printer",3,2],["label_printer",1,0],["switch",1,1]]'
api GET "/api/v1/stores?q=$CODE" "$VIEWER"
expect_eq "the list shows the counts too" "$(json '.items[0].devices.total')" 5

# ---- the pages ----

ADMIN_JAR="$T_TMP/admin.jar"
VIEWER_JAR="$T_TMP/viewer.jar"
check "the admin signs in through the login page" browser_login "$ADMIN_JAR" "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
check "the viewer too" browser_login "$VIEWER_JAR" "$U.viewer@test.local" "$PW"
A=(-b "$ADMIN_JAR")

http GET /stores
expect_eq "anonymous /stores goes to the login page" "$STATUS $(header location)" "303 /login?next=/stores"
http GET "/stores?q=$CODE" "${A[@]}"
expect_eq "the admin opens /stores" "$STATUS" 200
contains "in Russian by default, with its title" "$BODY" "<h1>$(tsv ru stores_title)</h1>"
contains "the navigation marks Stores as current" "$BODY" "<a href=\"/stores\" aria-current=\"page\">$(tsv ru nav_stores)</a>"
contains "the search box keeps the search" "$BODY" "name=\"q\" type=\"search\" maxlength=\"100\" placeholder=\"$(tsv ru stores_search_placeholder)\" value=\"$CODE\""
contains "the store's row links to its page" "$BODY" "<a href=\"/stores/$ID\">$CODE</a>"
contains "with its subnets" "$BODY" "<span class=\"mono\">10.20.2.0/23</span>"
contains "and its device counts: total, online, pending, offline" "$BODY" '<td class="num">5</td><td class="num ok">2</td><td class="num warn">1</td><td class="num bad">1</td>'
contains "an admin has the create form" "$BODY" 'method="post" action="/stores"'
contains "the list reloads itself every 15 minutes, like the other lists" "$BODY" '<meta http-equiv="refresh" content="900">'
n=$(printf '%s' "$BODY" | grep -c '<form ')
expect_eq "every form but the search carries a CSRF token" \
	"$(printf '%s' "$BODY" | grep -c 'name="csrf" value="[0-9a-f]\{64\}"')" "$((n - 1))"
http GET "/stores?q=mck-$R" "${A[@]}"
contains "the search box folds look-alikes too" "$BODY" "<a href=\"/stores/$CYR_ID\">$CYR</a>"
http GET "/stores?q=nothing-like-$R" "${A[@]}"
contains "a search that finds nothing says so" "$BODY" "$(tsv ru stores_none_found)"
http GET "/stores?q=PG$R" "${A[@]}"
expect_eq "seven rows for the page stores" "$(printf '%s' "$BODY" | grep -c "<a href=\"/stores/[0-9]*\">PG$R-")" 7
http GET "/stores?offset=x" "${A[@]}"
expect_eq "a malformed offset is 400" "$STATUS" 400
http GET /stores "${A[@]}" -H 'Accept-Language: en'
contains "in English for an English browser" "$BODY" "<h1>$(tsv en stores_title)</h1>"

http GET "/stores/$ID" "${A[@]}"
expect_eq "the admin opens the store's page" "$STATUS" 200
contains "its heading" "$BODY" "$CODE · Тверская, 14"
contains "the store's page reloads itself too" "$BODY" '<meta http-equiv="refresh" content="900">'
contains "how many need attention" "$BODY" "<span class=\"badge badge-error\">$(tsv_with ru store_problems 3)</span>"
contains "the health table, laser printers: 3, 1 online, 1 offline, 2 problems" "$BODY" \
	"<tr><td>$(tsv ru kind_laser_printer)</td><td class=\"num\">3</td><td class=\"num ok\">2</td><td class=\"num warn\">0</td><td class=\"num bad\">1</td><td class=\"num muted\">0</td><td class=\"num bad\">2</td></tr>"
contains "and the sum over all kinds" "$BODY" "<tr class=\"sum\"><td>$(tsv ru store_all_kinds)</td><td class=\"num\">5</td>"
order=$(printf '%s' "$BODY" | grep -oE '<td>[a-e] (printer|switch|label)</td>' | sed -E 's/<\/?td>//g' | tr '\n' ',')
expect_eq "problem devices first (offline, pending, MAC mismatch), then the rest by name" "$order" \
	"a printer,d switch,e printer,b printer,c label,"
contains "each with its state as a badge" "$BODY" "<span class=\"badge badge-error\">$(tsv ru state_offline)</span></td><td>a printer</td><td>$(tsv ru store_kind_laser_printer)</td>"
contains "a MAC mismatch is marked" "$BODY" "00:11:22:33:44:05 <span class=\"badge sev-warning\">$(tsv ru store_mac_mismatch)</span>"
contains "an edit form" "$BODY" "action=\"/stores/$ID\""
contains "the subnets one per line in it" "$BODY" ">10.20.1.0/24
10.20.2.0/23
</textarea>"
contains "a delete form that asks for confirmation" "$BODY" "<input type=\"checkbox\" name=\"confirm\" value=\"1\" required>"
contains "saying the devices stay" "$BODY" "$(tsv_with ru store_delete_intro 5)"
http GET /stores/999999999 "${A[@]}"
expect_eq "an unknown store's page is 404" "$STATUS" 404
contains "as the 404 page" "$BODY" "$(tsv ru error_404_title)"

http GET "/stores/$ID" -b "$VIEWER_JAR"
expect_eq "a viewer opens the store's page" "$STATUS" 200
contains "and sees the devices" "$BODY" '<td>a printer</td>'
lacks "but no edit form" "$BODY" "action=\"/stores/$ID\""
lacks "nor a delete form" "$BODY" "action=\"/stores/$ID/delete\""
http GET /stores -b "$VIEWER_JAR"
expect_eq "a viewer opens the list" "$STATUS" 200
lacks "without the create form" "$BODY" 'method="post" action="/stores"'
contains "with the search box" "$BODY" 'role="search"'
FORM_PAGE=/stores form "$VIEWER_JAR" /stores "code=VF-$R" "name=viewer form"
expect_eq "a viewer's create form post (with a valid token) is 403" "$STATUS" 403
FORM_PAGE=/stores form "$VIEWER_JAR" "/stores/$ID/delete" confirm=1
expect_eq "and so is a delete" "$STATUS" 403
expect_eq "the viewer changed nothing" "$(psql_app "SELECT count(*) FROM stores WHERE id = $ID")$(psql_app "SELECT count(*) FROM stores WHERE code = 'VF-$R'")" 10

# The create form.
XSS='<script>alert(1)</script>'
XSS_HTML='&lt;script&gt;alert(1)&lt;/script&gt;'
FCODE="F-$R"
form "$ADMIN_JAR" /stores "code= $FCODE " "name=$XSS" $'subnets=10.30.1.0/24\r\n 10.30.2.0/24, 10.30.3.0/24\r\n' $'notes=line 1\r\nline 2'
expect_eq "the create form answers 303" "$STATUS" 303
FID=$(store_id_of "$FCODE")
check "the store exists" test -n "$FID"
expect_eq "and the form goes to its page" "$(header location)" "/stores/$FID?created=1"
expect_eq "stored trimmed, subnets split at line ends, blanks and commas, CR LF as LF" \
	"$(psql_app "SELECT code || '|' || name || '|' || subnets::text || '|' || replace(notes, E'\n', '\\n') FROM stores WHERE id = ${FID:-0}")" \
	"$FCODE|$XSS|{10.30.1.0/24,10.30.2.0/24,10.30.3.0/24}|line 1\\nline 2"
expect_eq "with a store_created event" "$(events_of store_created "$FID")" 1
http GET "/stores/$FID?created=1" "${A[@]}"
contains "the new store's page says it was created" "$BODY" "$(tsv ru store_notice_created)"
contains "the hostile name is text in the heading" "$BODY" "$FCODE · $XSS_HTML"
contains "and in the edit form" "$BODY" "value=\"$XSS_HTML\""
lacks "no script tag anywhere" "$BODY" '<script>'
contains "a store without devices says so" "$BODY" "$(tsv ru store_no_devices)"
contains "and its delete form does not speak of devices" "$BODY" "<p class=\"muted\">$(tsv ru store_delete_intro_empty)</p>"
http GET "/stores?q=$FCODE" "${A[@]}"
contains "the list shows the name escaped" "$BODY" "<td>$XSS_HTML</td>"
lacks "and no script tag" "$BODY" '<script>'

n0=$(psql_app "SELECT count(*) FROM stores")
http POST /stores "${A[@]}" --data-urlencode "code=NC-$R" --data-urlencode "name=no csrf"
expect_eq "the create form without its CSRF token is 403" "$STATUS" 403
http POST /stores "${A[@]}" --data-urlencode "csrf=$(printf '%064d' 0)" --data-urlencode "code=NC-$R" --data-urlencode "name=bad csrf"
expect_eq "and with a wrong one" "$STATUS" 403
form "$ADMIN_JAR" /stores "code=HB-$R" "name=Typed name $R" $'subnets=10.40.1.0/24\n10.40.2.7/24' "notes=typed notes"
expect_eq "a subnet with host bits is refused with 422" "$STATUS" 422
contains "saying which and what was meant, in Russian" "$BODY" "$(tsv_with ru store_msg_subnet_host_bits 10.40.2.7/24 10.40.2.0/24)"
contains "keeping the typed code" "$BODY" "value=\"HB-$R\""
contains "and name" "$BODY" "value=\"Typed name $R\""
contains "and subnets" "$BODY" ">10.40.1.0/24
10.40.2.7/24</textarea>"
contains "and notes" "$BODY" ">typed notes</textarea>"
form "$ADMIN_JAR" /stores "code=HB-$R" "name=x" "subnets=lan-1" -- -H 'Accept-Language: en'
contains "a subnet that is no network (English page)" "$BODY" "$(html "$(tsv_with en store_msg_subnet_syntax lan-1)")"
form "$ADMIN_JAR" /stores "code=HB-$R" "name=x" $'subnets=10.1.0.0/16\n10.1.9.0/24'
contains "a subnet inside another" "$BODY" "$(tsv_with ru store_msg_subnet_inside 10.1.9.0/24 10.1.0.0/16)"
form "$ADMIN_JAR" /stores "code=HB-$R" "name=x" "subnets=$(seq 0 32 | sed 's/.*/10.&.0.0\/16/' | tr '\n' ' ')"
contains "33 subnets" "$BODY" "$(tsv_with ru store_msg_subnet_too_many 32 33)"
form "$ADMIN_JAR" /stores "code=HB $R" "name=x"
expect_eq "a code with a space is 422" "$STATUS" 422
contains "saying so" "$BODY" "$(tsv ru store_msg_code_spaces)"
form "$ADMIN_JAR" /stores "code=" "name=x"
contains "an empty code is a missing one" "$BODY" "$(tsv ru store_msg_code_required)"
form "$ADMIN_JAR" /stores "code=HB-$R" "name="
contains "an empty name is a missing one" "$BODY" "$(tsv ru store_msg_name_required)"
form "$ADMIN_JAR" /stores "code=$(printf 'Ж%.0s' {1..33})" "name=x"
contains "a long code, with the limit" "$BODY" "$(tsv_with ru store_msg_code_long 32)"
form "$ADMIN_JAR" /stores "code=mck-$R" "name=look-alike"
expect_eq "a taken code (as it reads) is 409" "$STATUS" 409
contains "naming the store that has it" "$BODY" "$(tsv_with ru store_msg_code_taken "$CYR" Cyrillic)"
expect_eq "none of the refused forms created a store" "$(psql_app "SELECT count(*) FROM stores")" "$n0"

# The edit form.
FORM_PAGE="/stores/$FID" form "$ADMIN_JAR" "/stores/$FID" "code=$FCODE" "name=Плохое & имя" "subnets=10.30.1.0/24" "notes="
expect_eq "the edit form answers 303" "$STATUS" 303
expect_eq "back to the page, saying it saved" "$(header location)" "/stores/$FID?saved=1"
expect_eq "the change is stored" "$(psql_app "SELECT name || '|' || subnets::text || '|' || notes FROM stores WHERE id = $FID")" \
	"Плохое & имя|{10.30.1.0/24}|"
expect_eq "with a store_updated event naming the changed fields" \
	"$(psql_app "SELECT string_agg(k, ',' ORDER BY k) FROM events, jsonb_object_keys(payload->'changes') AS k
	             WHERE id > $EV0 AND type = 'store_updated' AND store_id = $FID")" "name,notes,subnets"
http GET "/stores/$FID?saved=1" "${A[@]}"
contains "the page says it saved" "$BODY" "$(tsv ru store_notice_saved)"
contains "and shows the name escaped" "$BODY" "Плохое &amp; имя"
FORM_PAGE="/stores/$FID" form "$ADMIN_JAR" "/stores/$FID" "code=$FCODE" "name=Kept $R" "subnets=10.30.1.1/24"
expect_eq "a bad subnet in the edit form is 422" "$STATUS" 422
contains "saying why" "$BODY" "$(tsv_with ru store_msg_subnet_host_bits 10.30.1.1/24 10.30.1.0/24)"
contains "keeping what was typed" "$BODY" "value=\"Kept $R\""
contains "the language switch comes back to the store's page" "$BODY" "name=\"next\" value=\"/stores/$FID\""
FORM_PAGE="/stores/$FID" form "$ADMIN_JAR" "/stores/$FID" "code=$CODE" "name=x"
expect_eq "another store's code in the edit form is 409" "$STATUS" 409
http POST "/stores/$FID" "${A[@]}" --data-urlencode "code=$FCODE" --data-urlencode "name=no csrf"
expect_eq "the edit form without its token is 403" "$STATUS" 403
expect_eq "none of the refused edits changed the store" "$(psql_app "SELECT code || '|' || name FROM stores WHERE id = $FID")" "$FCODE|Плохое & имя"
FORM_PAGE=/stores form "$ADMIN_JAR" /stores/999999999 "code=X-$R" "name=x"
expect_eq "editing an unknown store is 404" "$STATUS" 404

# The delete form; the API's delete. Devices stay, without their store.
http POST "/stores/$FID/delete" "${A[@]}" --data-urlencode confirm=1
expect_eq "the delete form without its token is 403" "$STATUS" 403
FORM_PAGE="/stores/$FID" form "$ADMIN_JAR" "/stores/$FID/delete"
expect_eq "deleting without ticking the confirmation is 422" "$STATUS" 422
contains "saying to tick it" "$BODY" "$(tsv ru store_msg_delete_confirm)"
check "the store is still there" test -n "$(store_id_of "$FCODE")"
FORM_PAGE="/stores/$FID" form "$ADMIN_JAR" "/stores/$FID/delete" confirm=1
expect_eq "deleting with the confirmation answers 303" "$STATUS" 303
expect_eq "to the list, saying so" "$(header location)" "/stores?deleted=1"
expect_eq "the store is gone" "$(store_id_of "$FCODE")" ""
http GET "/stores?deleted=1" "${A[@]}"
contains "the list says the store was deleted" "$BODY" "$(tsv ru store_notice_deleted)"

api DELETE "/api/v1/stores/$ID" "$ADMIN"
expect_eq "DELETE /api/v1/stores/{id} answers 204" "$STATUS" 204
expect_eq "with no body" "$BODY" ""
api GET "/api/v1/stores/$ID" "$ADMIN"
expect_error "the deleted store" 404 not_found
api DELETE "/api/v1/stores/$ID" "$ADMIN"
expect_error "deleting it again" 404 not_found
expect_eq "its five devices still exist, without a store" \
	"$(psql_app "SELECT count(*) || '/' || count(store_id) FROM devices WHERE address IN ('10.$tag.1','10.$tag.2','10.$tag.3','10.$tag.4','10.$tag.5')")" "5/0"
expect_eq "the other store's device kept its store" "$(psql_app "SELECT store_id FROM devices WHERE address = '10.$tag.9'")" "$CYR_ID"
expect_eq "a store_deleted event says how many devices lost their store" \
	"$(psql_app "SELECT payload->>'code' || ':' || (payload->>'devices_detached') FROM events
	             WHERE id > $EV0 AND type = 'store_deleted' AND payload->>'store_id' = '$ID' AND user_id = $ADMIN_ID")" "$CODE:5"
expect_eq "the earlier events of the store remain, no longer pointing at it" \
	"$(psql_app "SELECT count(*) FILTER (WHERE store_id IS NULL) || '/' || count(*) FROM events
	             WHERE id > $EV0 AND type IN ('store_created', 'store_updated') AND payload->>'store_id' = '$ID'")" "3/3"

done_testing
