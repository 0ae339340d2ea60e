# Server-rendered pages through nginx: the page language (cookie, Accept-Language, default),
# the language switch form and its redirect target, the HTML error page, escaping of stored
# text, the home page's inventory numbers and its links.
. "$(dirname "$0")/lib.sh"

# tsv LANG KEY: the text of KEY in templates/i18n/LANG.tsv.
tsv() {
	awk -F '\t' -v k="$2" '$1 == k { print $2; exit }' "$REPO/templates/i18n/$1.tsv"
}

# contains NAME TEXT NEEDLE: TEXT contains NEEDLE literally.
contains() {
	if [[ $2 == *"$3"* ]]; then ok "$1"; else not_ok "$1" "missing: $3" "in: $(printf '%s' "$2" | head -c 600)"; fi
}

lacks() {
	if [[ $2 == *"$3"* ]]; then not_ok "$1" "unexpected: $3"; else ok "$1"; fi
}

ru_title=$(tsv ru home_title)
en_title=$(tsv en home_title)
check "home_title is in ru.tsv and en.tsv" test -n "$ru_title" -a -n "$en_title"

# ---- the page language ----
http GET /
expect_eq "GET / answers 200" "$STATUS" 200
expect_eq "the home page is UTF-8 HTML" "$(header content-type)" "text/html; charset=utf-8"
contains "without a cookie or Accept-Language the page is Russian" "$BODY" '<html lang="ru">'
contains "the Russian title from ru.tsv" "$BODY" "<h1>$ru_title</h1>"
expect_eq "Content-Language: ru" "$(header content-language)" ru
expect_match "Vary names Accept-Language" "$(header vary)" '(^|[ ,])Accept-Language($|[ ,])'
expect_eq "pages are not cached" "$(header cache-control)" no-store

http GET / -H 'Accept-Language: en-GB,en;q=0.9'
expect_eq "English Accept-Language: 200" "$STATUS" 200
contains "Accept-Language en-GB picks English" "$BODY" '<html lang="en">'
contains "the English title from en.tsv" "$BODY" "<h1>$en_title</h1>"
expect_eq "Content-Language: en" "$(header content-language)" en

http GET / -H 'Accept-Language: de'
contains "an unsupported Accept-Language falls back to Russian" "$BODY" '<html lang="ru">'
contains "with the Russian title" "$BODY" "<h1>$ru_title</h1>"

http GET / -H 'Accept-Language: ru' -H 'Cookie: lang=en'
contains "the lang cookie wins over Accept-Language" "$BODY" '<html lang="en">'
contains "and the title is English" "$BODY" "<h1>$en_title</h1>"
expect_eq "Content-Language follows the cookie" "$(header content-language)" en

http GET / -H 'Cookie: lang=xx'
contains "an unknown lang cookie is ignored" "$BODY" '<html lang="ru">'
http GET / -H 'Cookie: lang=xx' -H 'Accept-Language: en'
contains "an unknown lang cookie leaves Accept-Language in charge" "$BODY" '<html lang="en">'

# ---- the language switch form ----
http POST /lang --data 'lang=en&next=/'
expect_eq "POST /lang answers 303" "$STATUS" 303
expect_eq "and goes back to next" "$(header location)" /
expect_match "and sets the lang cookie" "$(header set-cookie)" '^lang=en;'

http POST /lang --data 'lang=ru&next=%2F%3Fx%3D1'
expect_eq "a local next with a query is kept" "$(header location)" '/?x=1'

http POST /lang --data 'lang=en&next=//evil.example'
expect_eq "a protocol-relative next goes home instead" "$(header location)" /
http POST /lang --data 'lang=en&next=http://evil.example'
expect_eq "an absolute next goes home instead" "$(header location)" /
http POST /lang --data 'lang=en&next=/\evil.example'
expect_eq "a next with a backslash goes home instead" "$(header location)" /

http POST /lang --data 'lang=de&next=/' -H 'Accept-Language: en'
expect_eq "an unsupported language is 400" "$STATUS" 400
expect_eq "the 400 is an HTML page" "$(header content-type)" "text/html; charset=utf-8"
contains "in the request's language" "$BODY" '<html lang="en">'
contains "with the 400 title" "$BODY" "$(tsv en error_400_title)"
expect_eq "and sets no cookie" "$(header set-cookie)" ""

http POST /lang --data 'lang=de&next=/'
expect_eq "400 without Accept-Language" "$STATUS" 400
contains "is in Russian" "$BODY" "$(tsv ru error_400_title)"

# ---- errors ----
http GET /nope
expect_eq "an unknown page is 404" "$STATUS" 404
expect_eq "the 404 is HTML" "$(header content-type)" "text/html; charset=utf-8"
contains "the 404 page has its title" "$BODY" "$(tsv ru error_404_title)"
contains "the 404 page links home" "$BODY" "<a class=\"button\" href=\"/\">$(tsv ru error_back_home)</a>"
contains "the 404 page shows the trace id" "$BODY" "$(header x-trace-id)"

http GET /nope -H 'Accept: application/json'
expect_eq "404 for a JSON client" "$STATUS" 404
expect_eq "is JSON" "$(header content-type)" "application/json"
expect_eq "in the error shape" "$(json '.error | keys | join(",")')" "code,message"
expect_eq "with code not_found" "$(json .error.code)" not_found

http DELETE /
expect_eq "DELETE / is 405" "$STATUS" 405
expect_eq "the 405 is an HTML page" "$(header content-type)" "text/html; charset=utf-8"
contains "with its title" "$BODY" "$(tsv ru error_405_title)"

# ---- stored text is escaped ----
psql_app "DELETE FROM events WHERE type = 'xss_test'" >/dev/null
psql_app "INSERT INTO events (type, severity, message) VALUES ('xss_test','warning','<script>alert(1)</script>')" >/dev/null
http GET /
contains "an event message is HTML-escaped" "$BODY" '&lt;script&gt;alert(1)&lt;/script&gt;'
lacks "no raw script tag from the database" "$BODY" '<script>alert(1)'
contains "the event's severity in words" "$BODY" "<span class=\"badge sev-warning\">$(tsv ru severity_warning)</span>"
psql_app "DELETE FROM events WHERE type = 'xss_test'" >/dev/null

# ---- inventory numbers ----
# kind_cells HTML KIND_NAME: the five numbers of that kind's row (total online pending offline unknown).
kind_cells() {
	printf '%s\n' "$1" | grep -F "<tr><td>$2</td>" | head -n 1 |
		sed -E 's/<[^>]*>/ /g' | grep -oE '[0-9]+' | tr '\n' ' ' | sed 's/ $//'
}
# dd_after HTML LABEL: the <dd> that follows <dt>LABEL</dt>.
dd_after() {
	printf '%s\n' "$1" | grep -F "<dt>$2</dt>" | head -n 1 | sed -E "s|.*<dt>$2</dt><dd>([^<]*)</dd>.*|\1|"
}
# kind_counts KIND: the numbers the row should show, from the database.
kind_counts() {
	psql_app "SELECT count(*), count(*) FILTER (WHERE state = 'online'),
	                 count(*) FILTER (WHERE state = 'pending_offline'),
	                 count(*) FILTER (WHERE state = 'offline'), count(*) FILTER (WHERE state = 'unknown')
	          FROM devices WHERE kind = '$1'" | tr '|' ' '
}

tag=$(( $$ % 200 + 20 )).$(( RANDOM % 250 + 1 ))
code="PT-$$-$RANDOM"
cleanup_inventory() {
	psql_app "DELETE FROM devices WHERE address IN ('10.$tag.1', '10.$tag.2');
	          DELETE FROM stores WHERE code = '$code'" >/dev/null 2>&1
}
trap 'cleanup_inventory; rm -rf "$T_TMP"' EXIT

http GET / -H 'Accept-Language: en'
stores0=$(dd_after "$BODY" "$(tsv en home_stores)")
devices0=$(dd_after "$BODY" "$(tsv en home_devices)")
laser0=$(kind_cells "$BODY" "$(tsv en kind_laser_printer)")
switch0=$(kind_cells "$BODY" "$(tsv en kind_switch)")
expect_match "the stores count is a number" "$stores0" '^[0-9]+$'
expect_match "the devices count is a number" "$devices0" '^[0-9]+$'
expect_eq "the laser printer row matches the database" "$laser0" "$(kind_counts laser_printer)"
expect_eq "the switch row matches the database" "$switch0" "$(kind_counts switch)"

if psql_app "
	INSERT INTO stores (code, name) VALUES ('$code', 'pages test store');
	INSERT INTO devices (kind, store_id, name, address, state) VALUES
	  ('laser_printer', (SELECT id FROM stores WHERE code = '$code'), 'pages test printer', '10.$tag.1', 'online'),
	  ('switch', (SELECT id FROM stores WHERE code = '$code'), 'pages test switch', '10.$tag.2', 'offline')" >/dev/null; then
	ok "a store and two devices inserted"
else
	not_ok "a store and two devices inserted"
fi

# add "a b c d e" "1 1 0 0 0": element-wise sum.
add() {
	local -a x=($1) y=($2) r=()
	local i
	for i in "${!x[@]}"; do r+=($(( x[i] + y[i] ))); done
	echo "${r[*]}"
}

http GET / -H 'Accept-Language: en'
expect_eq "the stores count went up by one" "$(dd_after "$BODY" "$(tsv en home_stores)")" "$((stores0 + 1))"
expect_eq "the devices count went up by two" "$(dd_after "$BODY" "$(tsv en home_devices)")" "$((devices0 + 2))"
expect_eq "laser printers: total and online up by one" \
	"$(kind_cells "$BODY" "$(tsv en kind_laser_printer)")" "$(add "$laser0" "1 1 0 0 0")"
expect_eq "switches: total and offline up by one" \
	"$(kind_cells "$BODY" "$(tsv en kind_switch)")" "$(add "$switch0" "1 0 0 1 0")"
expect_eq "the online count sits in the online column" \
	"$(printf '%s\n' "$BODY" | grep -F "<tr><td>$(tsv en kind_laser_printer)</td>" | grep -oE '<td class="num ok">[0-9]+</td>')" \
	"<td class=\"num ok\">$(( $(echo "$laser0" | cut -d' ' -f2) + 1 ))</td>"
expect_eq "the offline count sits in the offline column" \
	"$(printf '%s\n' "$BODY" | grep -F "<tr><td>$(tsv en kind_switch)</td>" | grep -oE '<td class="num bad">[0-9]+</td>')" \
	"<td class=\"num bad\">$(( $(echo "$switch0" | cut -d' ' -f4) + 1 ))</td>"
n=$(printf '%s\n' "$BODY" | grep -c '<tr><td>[^<]*</td><td class="num">')
expect_eq "one row for each of the six device kinds" "$n" 6

http GET /
expect_eq "the Russian page shows the same numbers" \
	"$(kind_cells "$BODY" "$(tsv ru kind_switch)")" "$(add "$switch0" "1 0 0 1 0")"
cleanup_inventory
http GET / -H 'Accept-Language: en'
expect_eq "after the clean-up the numbers are back" "$(kind_cells "$BODY" "$(tsv en kind_laser_printer)")" "$laser0"

# ---- every link on the home page leads somewhere ----
http GET /
links=$(printf '%s' "$BODY" | grep -oE 'href="/[^"]*"' | sed -E 's/^href="(.*)"$/\1/' | grep -v '^/static/' | sort -u)
check "the home page has links" test -n "$links"
for l in $links; do
	http GET "$l"
	expect_eq "link $l answers 200" "$STATUS" 200
done
# The form the language switch posts to exists too.
action=$(printf '%s' "$BODY" | grep -oE '<form[^>]*action="[^"]*"' | sed -E 's/.*action="([^"]*)"/\1/' | head -n 1)
expect_eq "the language form posts to /lang" "$action" /lang

done_testing
