# Server-rendered pages through nginx: signing in is required (except /login and /lang), the
# page language (account, cookie, Accept-Language, default), the language switch form and
# its redirect target, the HTML error page, escaping of stored text, the home page's numbers
# and links, and the account pages: the users list and its create form, a user's page with
# its edit / password / delete forms, the last-administrator rule, one's own account page.
# Forms are posted the way a browser posts them: urlencoded, with the session cookies and
# the page's CSRF token.
. "$(dirname "$0")/lib.sh"

# tsv LANG KEY: the text of KEY in templates/i18n/LANG.tsv.
tsv() {
	awk -F '\t' -v k="$2" '$1 == k { print $2; exit }' "$REPO/templates/i18n/$1.tsv"
}

# tsvn LANG KEY N: the text with {1} replaced by N (as the app fills it in).
tsvn() {
	tsv "$1" "$2" | sed "s/{1}/$3/"
}

# contains NAME TEXT NEEDLE: TEXT contains NEEDLE literally.
contains() {
	if [[ $2 == *"$3"* ]]; then ok "$1"; else not_ok "$1" "missing: $3" "in: $(printf '%s' "$2" | head -c 600)"; fi
}

lacks() {
	if [[ $2 == *"$3"* ]]; then not_ok "$1" "unexpected: $3"; else ok "$1"; fi
}

# jar_cookie JAR: the cookies of a curl cookie jar as one Cookie header value (to add another).
jar_cookie() {
	awk -F '\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$1"
}

# form JAR PATH FIELDS... [-- CURL ARGS...]: POST urlencoded FIELDS (name=value, encoded here)
# to PATH with the session in JAR and the CSRF token of the page the form is on (FORM_PAGE,
# default PATH).
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

# user_id EMAIL: the id of the account with this email ("" when none).
user_id() {
	psql_app "SELECT id FROM users WHERE lower(email) = lower('$1')"
}

# fresh_login NAME EMAIL PASSWORD: a new cookie jar signed in as EMAIL; prints its path
# (nothing when the login page refused).
fresh_login() {
	local jar="$T_TMP/$1.jar"
	rm -f "$jar"
	browser_login "$jar" "$2" "$3" || return 1
	printf '%s' "$jar"
}

# can_sign_in EMAIL PASSWORD: whether the login page accepts them (in a throw-away jar).
can_sign_in() {
	local jar="$T_TMP/try.jar"
	rm -f "$jar"
	browser_login "$jar" "$1" "$2"
}

RUN=$$
OTHER_ADMINS=""
cleanup() {
	# Leave the shared stack as the next suite expects it: the first admin follows the
	# browser's language, the admins this suite set aside are active again.
	psql_app "UPDATE users SET language = NULL, role = 'admin', is_active = true
	          WHERE lower(email) = lower('$ADMIN_EMAIL')" >/dev/null 2>&1
	[ -n "$OTHER_ADMINS" ] && psql_app "UPDATE users SET is_active = true WHERE id IN ($OTHER_ADMINS)" >/dev/null 2>&1
	cleanup_inventory 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT
psql_app "UPDATE users SET language = NULL WHERE lower(email) = lower('$ADMIN_EMAIL')" >/dev/null

ru_title=$(tsv ru home_title)
en_title=$(tsv en home_title)
check "home_title is in ru.tsv and en.tsv" test -n "$ru_title" -a -n "$en_title"

# ---- signing in is required ----
http GET /
expect_eq "anonymous GET / answers 303" "$STATUS" 303
expect_eq "to the login page" "$(header location)" /login
http GET '/users?offset=0'
expect_eq "anonymous GET /users answers 303" "$STATUS" 303
expect_eq "to the login page, coming back afterwards" "$(header location)" '/login?next=/users%3Foffset%3D0'
http GET /account
expect_eq "anonymous GET /account goes to the login page" "$(header location)" '/login?next=/account'
http GET /login
expect_eq "the login page is open to everyone" "$STATUS" 200
contains "and in Russian by default" "$BODY" "<h1>$(tsv ru login_title)</h1>"

ADMIN_JAR="$T_TMP/admin.jar"
check "the admin signs in through the login page" browser_login "$ADMIN_JAR" "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
ADMIN_COOKIE=$(jar_cookie "$ADMIN_JAR")
A=(-b "$ADMIN_JAR")

# ---- the page language ----
http GET / "${A[@]}"
expect_eq "signed in, GET / answers 200" "$STATUS" 200
expect_eq "the home page is UTF-8 HTML" "$(header content-type)" "text/html; charset=utf-8"
contains "without a choice or Accept-Language the page is Russian" "$BODY" '<html lang="ru">'
contains "the Russian title from ru.tsv" "$BODY" "<h1>$ru_title</h1>"
expect_eq "Content-Language: ru" "$(header content-language)" ru
expect_match "Vary names Accept-Language" "$(header vary)" '(^|[ ,])Accept-Language($|[ ,])'
expect_eq "pages are not cached" "$(header cache-control)" no-store

http GET / "${A[@]}" -H 'Accept-Language: en-GB,en;q=0.9'
expect_eq "English Accept-Language: 200" "$STATUS" 200
contains "Accept-Language en-GB picks English" "$BODY" '<html lang="en">'
contains "the English title from en.tsv" "$BODY" "<h1>$en_title</h1>"
expect_eq "Content-Language: en" "$(header content-language)" en

http GET / "${A[@]}" -H 'Accept-Language: de'
contains "an unsupported Accept-Language falls back to Russian" "$BODY" '<html lang="ru">'
contains "with the Russian title" "$BODY" "<h1>$ru_title</h1>"

http GET / -H 'Accept-Language: ru' -H "Cookie: $ADMIN_COOKIE; lang=en"
contains "the lang cookie wins over Accept-Language" "$BODY" '<html lang="en">'
contains "and the title is English" "$BODY" "<h1>$en_title</h1>"
expect_eq "Content-Language follows the cookie" "$(header content-language)" en

http GET / -H "Cookie: $ADMIN_COOKIE; lang=xx"
contains "an unknown lang cookie is ignored" "$BODY" '<html lang="ru">'
http GET / -H "Cookie: $ADMIN_COOKIE; lang=xx" -H 'Accept-Language: en'
contains "an unknown lang cookie leaves Accept-Language in charge" "$BODY" '<html lang="en">'

# ---- the language switch form (anonymous: the login page has it too) ----
ANON_JAR="$T_TMP/anon.jar"
anon_csrf=$(page_csrf "$ANON_JAR" /login)
check "the login page carries a CSRF token" test -n "$anon_csrf"
lang_post() {
	http POST /lang -b "$ANON_JAR" --data "csrf=$anon_csrf&$1" "${@:2}"
}
lang_post 'lang=en&next=/login'
expect_eq "POST /lang answers 303" "$STATUS" 303
expect_eq "and goes back to next" "$(header location)" /login
expect_match "and sets the lang cookie" "$(header set-cookie)" '^lang=en;'

lang_post 'lang=ru&next=%2F%3Fx%3D1'
expect_eq "a local next with a query is kept" "$(header location)" '/?x=1'

lang_post 'lang=en&next=//evil.example'
expect_eq "a protocol-relative next goes home instead" "$(header location)" /
lang_post 'lang=en&next=http://evil.example'
expect_eq "an absolute next goes home instead" "$(header location)" /
lang_post 'lang=en&next=/\evil.example'
expect_eq "a next with a backslash goes home instead" "$(header location)" /

http POST /lang --data 'lang=en&next=/'
expect_eq "POST /lang without its CSRF token is refused" "$STATUS" 403

# Browsers send Origin with a form post; on a port other than 80/443 it names the port,
# which nginx's HTTP_HOST (Debian: $host) does not.
lang_post 'lang=ru&next=/login' -H "Origin: $BASE_URL" -H 'Sec-Fetch-Site: same-origin'
expect_eq "a form post from the page's own origin (with its port) is accepted" "$STATUS" 303
lang_post 'lang=ru&next=/login' -H 'Origin: http://evil.example' -H 'Sec-Fetch-Site: cross-site'
expect_eq "one from another site is refused" "$STATUS" 403
lang_post 'lang=ru&next=/login' -H "Origin: http://127.0.0.1:$(( ${BASE_URL##*:} + 1 ))"
expect_eq "and so is one from another port of the same host" "$STATUS" 403

lang_post 'lang=de&next=/' -H 'Accept-Language: en'
expect_eq "an unsupported language is 400" "$STATUS" 400
expect_eq "the 400 is an HTML page" "$(header content-type)" "text/html; charset=utf-8"
contains "in the request's language" "$BODY" '<html lang="en">'
contains "with the 400 title" "$BODY" "$(tsv en error_400_title)"
expect_no_match "and sets no lang cookie" "$(header set-cookie)" '^lang='

lang_post 'lang=de&next=/'
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
http GET / "${A[@]}"
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

http GET / "${A[@]}" -H 'Accept-Language: en'
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

http GET / "${A[@]}" -H 'Accept-Language: en'
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

http GET / "${A[@]}"
expect_eq "the Russian page shows the same numbers" \
	"$(kind_cells "$BODY" "$(tsv ru kind_switch)")" "$(add "$switch0" "1 0 0 1 0")"
cleanup_inventory
http GET / "${A[@]}" -H 'Accept-Language: en'
expect_eq "after the clean-up the numbers are back" "$(kind_cells "$BODY" "$(tsv en kind_laser_printer)")" "$laser0"

# ---- every link on the home page leads somewhere ----
http GET / "${A[@]}"
links=$(printf '%s' "$BODY" | grep -oE 'href="/[^"]*"' | sed -E 's/^href="(.*)"$/\1/' | grep -v '^/static/' | sort -u)
check "the home page has links" test -n "$links"
contains "an admin's navigation links to the users" "$BODY" 'href="/users"'
contains "the header names who is signed in and links to the account" "$BODY" '<a href="/account" class="who-name">'
for l in $links; do
	http GET "$l" "${A[@]}"
	expect_eq "link $l answers 200" "$STATUS" 200
done
http GET / "${A[@]}"
actions=$(printf '%s' "$BODY" | grep -oE '<form[^>]*action="[^"]*"' | sed -E 's/.*action="([^"]*)"/\1/' | sort -u | tr '\n' ' ')
expect_eq "the header's forms post to /lang and /logout" "$actions" '/lang /logout '
n=$(printf '%s' "$BODY" | grep -c '<form ')
expect_eq "and every form carries a CSRF token" "$(printf '%s' "$BODY" | grep -c 'name="csrf" value="[0-9a-f]\{64\}"')" "$n"

# ---- the users list and the create form ----
http GET /users "${A[@]}"
expect_eq "an admin opens /users" "$STATUS" 200
contains "the users page has its title" "$BODY" "<h1>$(tsv ru users_title)</h1>"
contains "the list shows the admin" "$BODY" ">$ADMIN_EMAIL</a>"
contains "marked as oneself" "$BODY" "$(tsv ru user_you)"
contains "with the role in words" "$BODY" "<span class=\"badge role-admin\">$(tsv ru role_admin)</span>"
contains "and the state as a badge" "$BODY" "<span class=\"badge badge-ok\">$(tsv ru user_active)</span>"
contains "the create form posts to /users" "$BODY" 'action="/users"'
contains "the navigation marks Users as current" "$BODY" "<a href=\"/users\" aria-current=\"page\">$(tsv ru nav_users)</a>"
users_total=$(psql_app "SELECT count(*) FROM users")
rows=$(printf '%s' "$BODY" | grep -c '<tr><td class="email"><a href="/users/[0-9]*">')
expect_eq "one row per user (up to 50)" "$rows" "$(( users_total < 50 ? users_total : 50 ))"

OP_EMAIL="pages-op-$RUN@test.local"
OP_PASSWORD="Operator-Pass-$RUN"
form "$ADMIN_JAR" /users "email= $OP_EMAIL " "full_name=Пётр Оператор" role=operator \
	"password=$OP_PASSWORD" is_active=1
expect_eq "creating a user through the form answers 303" "$STATUS" 303
op_id=$(user_id "$OP_EMAIL")
check "the user exists" test -n "$op_id"
expect_eq "and the form goes to the new user's page" "$(header location)" "/users/$op_id?created=1"
expect_eq "stored as typed (trimmed), with the chosen role, active" \
	"$(psql_app "SELECT email, full_name, role, is_active FROM users WHERE id = ${op_id:-0}")" \
	"$OP_EMAIL|Пётр Оператор|operator|t"
expect_eq "an audit event names the admin and the new user" \
	"$(psql_app "SELECT count(*) FROM events WHERE type = 'user_created' AND payload->>'target_user_id' = '${op_id:-0}'
	             AND user_id = $(user_id "$ADMIN_EMAIL")")" 1
http GET "/users/$op_id?created=1" "${A[@]}"
contains "the new user's page says it was created" "$BODY" "$(tsv ru notice_user_created)"

n0=$(psql_app "SELECT count(*) FROM users")
http POST /users "${A[@]}" --data-urlencode "email=nocsrf-$RUN@test.local" --data-urlencode role=viewer \
	--data-urlencode "password=No-Csrf-Pass-1"
expect_eq "the create form without its CSRF token is refused" "$STATUS" 403
contains "with the 403 page" "$BODY" "$(tsv ru error_403_title)"
http POST /users "${A[@]}" --data-urlencode "csrf=$(printf '%064d' 0)" --data-urlencode "email=badcsrf-$RUN@test.local" \
	--data-urlencode role=viewer --data-urlencode "password=Bad-Csrf-Pass-1"
expect_eq "and with a wrong one" "$STATUS" 403
expect_eq "no user was created by either" "$(psql_app "SELECT count(*) FROM users")" "$n0"

form "$ADMIN_JAR" /users "email=not-an-email" "full_name=Typed Name $RUN" role=operator "password=Secret-Typed-$RUN" is_active=1
expect_eq "a malformed email is refused with 422" "$STATUS" 422
contains "saying why, in Russian" "$BODY" "$(tsv ru msg_email_shape)"
contains "keeping the typed email" "$BODY" 'value="not-an-email"'
contains "and the typed name" "$BODY" "value=\"Typed Name $RUN\""
contains "and the chosen role" "$BODY" '<option value="operator" selected>'
lacks "but never the password" "$BODY" "Secret-Typed-$RUN"

form "$ADMIN_JAR" /users "email=short-$RUN@test.local" role=viewer "password=abc"
expect_eq "a short password is refused with 422" "$STATUS" 422
contains "saying how long it must be" "$BODY" "$(tsvn ru msg_password_short 8)"
form "$ADMIN_JAR" /users "email=common-$RUN@test.local" role=viewer "password=password123" -- -H 'Accept-Language: en'
contains "a common password is named as such (English page when the browser asks)" "$BODY" "$(tsv en msg_password_common)"
form "$ADMIN_JAR" /users "email=nopass-$RUN@test.local" role=viewer "password="
contains "an empty password is a missing one" "$BODY" "$(tsv ru msg_password_required)"
form "$ADMIN_JAR" /users "email=" role=viewer "password=Some-Pass-$RUN"
contains "an empty email is a missing one" "$BODY" "$(tsv ru msg_email_required)"
form "$ADMIN_JAR" /users "email=norole-$RUN@test.local" role=superuser "password=Some-Pass-$RUN"
expect_eq "an unknown role is refused with 422" "$STATUS" 422
contains "saying to choose one" "$BODY" "$(tsv ru msg_role_invalid)"
form "$ADMIN_JAR" /users "email=${OP_EMAIL^^}" role=viewer "password=Some-Pass-$RUN"
expect_eq "a taken email (in other case) is refused with 409" "$STATUS" 409
contains "saying it is taken" "$BODY" "$(tsv ru msg_email_taken)"
expect_eq "none of the refused forms created a user" "$(psql_app "SELECT count(*) FROM users")" "$n0"

# ---- a hostile name is text everywhere ----
XSS='<script>alert(1)</script>'
XSS_HTML='&lt;script&gt;alert(1)&lt;/script&gt;'
XSS_EMAIL="pages-xss-$RUN@test.local"
XSS_PASSWORD="Viewer-Pass-$RUN"
form "$ADMIN_JAR" /users "email=$XSS_EMAIL" "full_name=$XSS" role=viewer "password=$XSS_PASSWORD" is_active=1
expect_eq "a user named $XSS is created" "$STATUS" 303
xss_id=$(user_id "$XSS_EMAIL")
http GET /users "${A[@]}"
contains "the list shows the name escaped" "$BODY" "<td>$XSS_HTML</td>"
lacks "and no script tag" "$BODY" '<script>'
http GET "/users/$xss_id" "${A[@]}"
contains "the user's page shows the name escaped" "$BODY" "<dd>$XSS_HTML</dd>"
contains "and in the edit form's field" "$BODY" "value=\"$XSS_HTML\""
lacks "and no script tag" "$BODY" '<script>'
VIEWER_JAR=$(fresh_login viewer "$XSS_EMAIL" "$XSS_PASSWORD")
check "the hostile-named viewer signs in" test -n "$VIEWER_JAR"
http GET / -b "$VIEWER_JAR"
contains "the header shows their name escaped" "$BODY" "<a href=\"/account\" class=\"who-name\">$XSS_HTML</a>"
lacks "and no script tag" "$BODY" '<script>'
http GET /account -b "$VIEWER_JAR"
expect_eq "the viewer opens their account page" "$STATUS" 200
contains "which shows their name escaped" "$BODY" "value=\"$XSS_HTML\""
contains "their email" "$BODY" "$XSS_EMAIL"
contains "and their role in words" "$BODY" "<span class=\"badge role-viewer\">$(tsv ru role_viewer)</span>"
lacks "and no script tag" "$BODY" '<script>'

# ---- roles ----
http GET /users -b "$VIEWER_JAR"
expect_eq "a viewer gets 403 on /users" "$STATUS" 403
contains "as the 403 page" "$BODY" "$(tsv ru error_403_title)"
http GET "/users/$xss_id" -b "$VIEWER_JAR"
expect_eq "and on a user's page" "$STATUS" 403
FORM_PAGE=/account form "$VIEWER_JAR" "/users/$xss_id" "email=$XSS_EMAIL" role=admin is_active=1
expect_eq "and cannot post the edit form (even with a valid token)" "$STATUS" 403
expect_eq "their role did not change" "$(psql_app "SELECT role FROM users WHERE id = $xss_id")" viewer
http GET / -b "$VIEWER_JAR"
lacks "a viewer's navigation has no Users link" "$BODY" 'href="/users"'

OP_JAR=$(fresh_login operator "$OP_EMAIL" "$OP_PASSWORD")
check "the operator signs in" test -n "$OP_JAR"
http GET / -b "$OP_JAR"
expect_eq "the operator sees the home page" "$STATUS" 200
lacks "with no Users link in the navigation" "$BODY" 'href="/users"'
http GET /users -b "$OP_JAR"
expect_eq "and gets 403 on /users" "$STATUS" 403

# ---- a user's page: edit, new password, delete ----
http GET "/users/$op_id" "${A[@]}"
expect_eq "an admin opens a user's page" "$STATUS" 200
contains "with the email as its heading" "$BODY" "$OP_EMAIL"
contains "an edit form" "$BODY" "action=\"/users/$op_id\""
contains "a new-password form" "$BODY" "action=\"/users/$op_id/password\""
contains "a delete form" "$BODY" "action=\"/users/$op_id/delete\""
contains "the role is selected" "$BODY" '<option value="operator" selected>'
contains "the language follows the browser" "$BODY" "<option value=\"\" selected>$(tsv ru lang_follow_browser)</option>"
contains "last sign-in in UTC" "$BODY" "$(psql_app "SELECT to_char(last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM users WHERE id = $op_id")"
http GET /users/999999999 "${A[@]}"
expect_eq "an unknown user is 404" "$STATUS" 404
contains "as the 404 page" "$BODY" "$(tsv ru error_404_title)"
FORM_PAGE=/users form "$ADMIN_JAR" /users/999999999 "email=x@y.z" role=viewer
expect_eq "and editing one is 404 too" "$STATUS" 404

FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id" "email=$OP_EMAIL" "full_name=Пётр Петров" role=viewer language=en
expect_eq "the edit form answers 303" "$STATUS" 303
expect_eq "back to the page, saying it saved" "$(header location)" "/users/$op_id?saved=1"
expect_eq "the change is stored (unticked Active = disabled)" \
	"$(psql_app "SELECT full_name, role, is_active, language FROM users WHERE id = $op_id")" "Пётр Петров|viewer|f|en"
http GET / -b "$OP_JAR"
expect_eq "a disabled user's session ends at once" "$STATUS" 303
http GET "/users/$op_id?saved=1" "${A[@]}"
contains "the page says it saved" "$BODY" "$(tsv ru notice_user_saved)"
contains "and shows the disabled badge" "$BODY" "<span class=\"badge badge-off\">$(tsv ru user_disabled)</span>"
contains "and the chosen language" "$BODY" '<option value="en" selected>English</option>'
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id" "email=$OP_EMAIL" "full_name=Пётр Петров" role=operator is_active=1 language=
expect_eq "re-enabled, operator again, following the browser" \
	"$(psql_app "SELECT role, is_active, coalesce(language, 'NULL') FROM users WHERE id = $op_id")" "operator|t|NULL"
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id" "email=bad email" "full_name=Kept $RUN" role=operator is_active=1
expect_eq "a bad email in the edit form is 422" "$STATUS" 422
contains "saying why" "$BODY" "$(tsv ru msg_email_spaces)"
contains "keeping what was typed" "$BODY" "value=\"Kept $RUN\""
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id" "email=$XSS_EMAIL" role=operator is_active=1
expect_eq "another user's email in the edit form is 409" "$STATUS" 409
contains "saying it is taken" "$BODY" "$(tsv ru msg_email_taken)"
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id" "email=$OP_EMAIL" role=operator is_active=1 language=de
expect_eq "an unknown language is 422" "$STATUS" 422
expect_eq "none of the refused edits changed the user" \
	"$(psql_app "SELECT email, full_name FROM users WHERE id = $op_id")" "$OP_EMAIL|Пётр Петров"

OP_PASSWORD2="Operator-New-$RUN"
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id/password" "password=$OP_PASSWORD2" "password_repeat=$OP_PASSWORD2-typo"
expect_eq "a new password with a different repetition is 422" "$STATUS" 422
contains "saying they differ" "$BODY" "$(tsv ru msg_password_mismatch)"
contains "the language switch comes back to the user's page" "$BODY" "name=\"next\" value=\"/users/$op_id\""
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id/password" "password=12345678" "password_repeat=12345678"
expect_eq "a common password is 422" "$STATUS" 422
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id/password" "password=$OP_PASSWORD2" "password_repeat=$OP_PASSWORD2"
expect_eq "setting a new password answers 303" "$STATUS" 303
expect_eq "back to the page, saying so" "$(header location)" "/users/$op_id?password=1"
check "the user signs in with the new password" can_sign_in "$OP_EMAIL" "$OP_PASSWORD2"
if can_sign_in "$OP_EMAIL" "$OP_PASSWORD"; then not_ok "and no longer with the old one"; else ok "and no longer with the old one"; fi
http GET "/users/$(user_id "$ADMIN_EMAIL")" "${A[@]}"
contains "on one's own page the new-password form gives way to a link to the account" "$BODY" "$(tsv ru user_password_self)"
lacks "(no form)" "$BODY" "action=\"/users/$(user_id "$ADMIN_EMAIL")/password\""

FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id/delete"
expect_eq "deleting without ticking the confirmation is 422" "$STATUS" 422
contains "saying to tick it" "$BODY" "$(tsv ru msg_delete_confirm)"
check "the user is still there" test -n "$(user_id "$OP_EMAIL")"
FORM_PAGE="/users/$op_id" form "$ADMIN_JAR" "/users/$op_id/delete" confirm=1
expect_eq "deleting with the confirmation answers 303" "$STATUS" 303
expect_eq "to the list, saying so" "$(header location)" "/users?deleted=1"
expect_eq "the user is gone" "$(user_id "$OP_EMAIL")" ""
http GET "/users?deleted=1" "${A[@]}"
contains "the list says the user was deleted" "$BODY" "$(tsv ru notice_user_deleted)"
http GET "/users/$op_id" "${A[@]}"
expect_eq "their page is 404 now" "$STATUS" 404

# ---- the last active administrator ----
admin_id=$(user_id "$ADMIN_EMAIL")
OTHER_ADMINS=$(psql_app "SELECT string_agg(id::text, ',') FROM users WHERE role = 'admin' AND is_active AND id <> $admin_id")
[ -n "$OTHER_ADMINS" ] && psql_app "UPDATE users SET is_active = false WHERE id IN ($OTHER_ADMINS)" >/dev/null
FORM_PAGE="/users/$admin_id" form "$ADMIN_JAR" "/users/$admin_id" "email=$ADMIN_EMAIL" role=viewer is_active=1
expect_eq "demoting the last active admin is refused with 409" "$STATUS" 409
contains "saying why" "$BODY" "$(tsv ru msg_last_admin)"
FORM_PAGE="/users/$admin_id" form "$ADMIN_JAR" "/users/$admin_id" "email=$ADMIN_EMAIL" role=admin
expect_eq "disabling the last active admin is refused with 409" "$STATUS" 409
contains "saying why" "$BODY" "$(tsv ru msg_last_admin)"
FORM_PAGE="/users/$admin_id" form "$ADMIN_JAR" "/users/$admin_id/delete" confirm=1 -- -H 'Accept-Language: en'
expect_eq "deleting the last active admin is refused with 409" "$STATUS" 409
contains "saying why (in English for an English browser)" "$BODY" "$(tsv en msg_last_admin)"
expect_eq "the admin is still an active admin" \
	"$(psql_app "SELECT role, is_active FROM users WHERE id = $admin_id")" "admin|t"
[ -n "$OTHER_ADMINS" ] && psql_app "UPDATE users SET is_active = true WHERE id IN ($OTHER_ADMINS)" >/dev/null
OTHER_ADMINS=""

# With another admin there, an admin may step down; the form then goes home, since the
# user's page is no longer theirs to see.
A2_EMAIL="pages-admin2-$RUN@test.local"
A2_PASSWORD="Second-Admin-$RUN"
ensure_user "$A2_EMAIL" admin "$A2_PASSWORD" >/dev/null
A2_JAR=$(fresh_login admin2 "$A2_EMAIL" "$A2_PASSWORD")
a2_id=$(user_id "$A2_EMAIL")
FORM_PAGE="/users/$a2_id" form "$A2_JAR" "/users/$a2_id" "email=$A2_EMAIL" role=operator is_active=1
expect_eq "an admin stepping down to operator answers 303" "$STATUS" 303
expect_eq "to the home page" "$(header location)" /
expect_eq "and is an operator now" "$(psql_app "SELECT role FROM users WHERE id = $a2_id")" operator
http GET /users -b "$A2_JAR"
expect_eq "whose session no longer opens /users" "$STATUS" 403

# ---- one's own account: name, language, password ----
PW_EMAIL="pages-pw-$RUN@test.local"
PW_OLD="First-Pass-$RUN"
PW_NEW="Second-Pass-$RUN"
check "a viewer for the account tests exists" test -n "$(ensure_user "$PW_EMAIL" viewer "$PW_OLD")"
PW_JAR=$(fresh_login pw "$PW_EMAIL" "$PW_OLD")
http GET /account -b "$PW_JAR"
expect_eq "the account page opens" "$STATUS" 200
contains "with its title" "$BODY" "<h1>$(tsv ru account_title)</h1>"
contains "a profile form" "$BODY" 'action="/account"'
contains "a password form" "$BODY" 'action="/account/password"'
FORM_PAGE=/account form "$PW_JAR" /account/password current_password=wrong-current "new_password=$PW_NEW" "new_password_repeat=$PW_NEW"
expect_eq "a wrong current password is refused with 403" "$STATUS" 403
contains "saying so on the page" "$BODY" "$(tsv ru msg_wrong_password)"
contains "which is the account page" "$BODY" 'action="/account/password"'
contains "whose language switch comes back to /account (not to the form's target)" "$BODY" 'name="next" value="/account"'
FORM_PAGE=/account form "$PW_JAR" /account/password "current_password=$PW_OLD" "new_password=$PW_NEW" "new_password_repeat=$PW_NEW-x"
expect_eq "a repetition that differs is 422" "$STATUS" 422
contains "saying they differ" "$BODY" "$(tsv ru msg_password_mismatch)"
FORM_PAGE=/account form "$PW_JAR" /account/password "current_password=$PW_OLD" "new_password=qwerty123" "new_password_repeat=qwerty123"
expect_eq "a common new password is 422" "$STATUS" 422
contains "saying why" "$BODY" "$(tsv ru msg_password_common)"
FORM_PAGE=/account form "$PW_JAR" /account/password "current_password=$PW_OLD" "new_password=$PW_EMAIL" "new_password_repeat=$PW_EMAIL"
contains "the email as the new password is refused" "$BODY" "$(tsv ru msg_password_email)"
FORM_PAGE=/account form "$PW_JAR" /account/password "current_password=$PW_OLD" "new_password=$PW_NEW" "new_password_repeat=$PW_NEW"
expect_eq "changing the password answers 303" "$STATUS" 303
expect_eq "to the account page, saying so" "$(header location)" "/account?saved=password"
http GET "/account?saved=password" -b "$PW_JAR"
expect_eq "this session stays signed in" "$STATUS" 200
contains "and the page says the password changed" "$BODY" "$(tsv ru notice_password_changed)"
check "signing in with the new password works" can_sign_in "$PW_EMAIL" "$PW_NEW"
if can_sign_in "$PW_EMAIL" "$PW_OLD"; then not_ok "the old password no longer works"; else ok "the old password no longer works"; fi

FORM_PAGE=/account form "$PW_JAR" /account "full_name=Мария Иванова" language=en
expect_eq "saving the profile answers 303" "$STATUS" 303
expect_eq "to the account page" "$(header location)" "/account?saved=1"
expect_eq "name and language are stored" \
	"$(psql_app "SELECT full_name, language FROM users WHERE lower(email) = lower('$PW_EMAIL')")" "Мария Иванова|en"
http GET "/account?saved=1" -b "$PW_JAR"
contains "the next page is in the chosen language" "$BODY" '<html lang="en">'
contains "and says it saved" "$BODY" "$(tsv en notice_account_saved)"
contains "the header shows the new name" "$BODY" '>Мария Иванова</a>'
FORM_PAGE=/account form "$PW_JAR" /account "full_name=$(printf 'x%.0s' {1..201})" language=ru
expect_eq "a name over 200 characters is 422" "$STATUS" 422
contains "saying why" "$BODY" "$(tsvn en msg_name_long 200)"

# The language switch while signed in is kept on the account, so it follows the user to
# another browser (a fresh cookie jar, no Accept-Language).
FORM_PAGE=/account form "$PW_JAR" /lang lang=ru next=/account
expect_eq "the switch answers 303" "$STATUS" 303
expect_eq "the account's language is now ru" \
	"$(psql_app "SELECT language FROM users WHERE lower(email) = lower('$PW_EMAIL')")" ru
LANG_JAR=$(fresh_login pw4 "$PW_EMAIL" "$PW_NEW")
http GET / -b "$LANG_JAR" -H 'Accept-Language: en'
contains "another browser gets the account's language over Accept-Language" "$BODY" '<html lang="ru">'
FORM_PAGE=/account form "$PW_JAR" /lang lang=en next=/account
LANG_JAR=$(fresh_login pw5 "$PW_EMAIL" "$PW_NEW")
http GET / -b "$LANG_JAR"
contains "and after switching to English, English" "$BODY" '<html lang="en">'
FORM_PAGE=/account form "$PW_JAR" /account "full_name=Мария Иванова" language=
expect_eq "choosing to follow the browser clears it" \
	"$(psql_app "SELECT coalesce(language, 'NULL') FROM users WHERE lower(email) = lower('$PW_EMAIL')")" NULL
http GET / -b "$LANG_JAR" -H 'Accept-Language: en'
contains "then Accept-Language decides again" "$BODY" '<html lang="en">'

# ---- the list shows who never signed in ----
NEVER_EMAIL="pages-never-$RUN@test.local"
ensure_user "$NEVER_EMAIL" viewer "Never-Signed-$RUN" >/dev/null
http GET /users "${A[@]}"
row=$(printf '%s\n' "$BODY" | grep -F ">$NEVER_EMAIL</a>")
contains "a user who never signed in shows \"never\"" "$row" "<td class=\"mono\">$(tsv ru time_never)</td>"
contains "an admin's row shows the last sign-in in UTC" \
	"$(printf '%s\n' "$BODY" | grep -F ">$ADMIN_EMAIL</a>")" \
	"$(psql_app "SELECT to_char(last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM users WHERE id = $admin_id")"

# ---- paging ----
total=$(psql_app "SELECT count(*) FROM users")
if [ "$total" -le 50 ]; then
	psql_app "INSERT INTO users (email, role, password_hash)
	          SELECT 'pages-bulk-' || g || '-$RUN@test.local', 'viewer', '\$argon2id\$v=19\$m=19456,t=2,p=1\$x\$y'
	          FROM generate_series(1, 51 - $total) AS g" >/dev/null
	total=51
fi
http GET /users "${A[@]}"
rows=$(printf '%s' "$BODY" | grep -c '<tr><td class="email">')
expect_eq "the first page holds 50 users" "$rows" 50
contains "and links to the next page" "$BODY" 'href="/users?offset=50"'
contains "saying which ones it shows" "$BODY" "$(tsv ru pager_range | sed "s/{1}/1/; s/{2}/50/; s/{3}/$total/")"
http GET '/users?offset=50' "${A[@]}"
expect_eq "the second page opens" "$STATUS" 200
expect_eq "with the rest" "$(printf '%s' "$BODY" | grep -c '<tr><td class="email">')" "$((total - 50))"
contains "and a link back" "$BODY" 'href="/users?offset=0"'
http GET '/users?offset=abc' "${A[@]}"
expect_eq "a malformed offset is 400" "$STATUS" 400
psql_app "DELETE FROM users WHERE email LIKE 'pages-bulk-%-$RUN@test.local'" >/dev/null

done_testing
