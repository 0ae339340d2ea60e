# Pages in a real browser (headless Chromium): the DOM Chromium builds from our HTML, and
# screenshots in build/screenshots/ for a person to look at.
#
# How the browser signs in: every page but /login needs a session, and the session lives in
# HttpOnly cookies that only a real sign-in sets. Chromium's command line can load a URL but
# not fill in a form, so signed-in pages are driven through ChromeDriver (Debian package
# chromium-driver, same version as chromium), whose WebDriver protocol is plain HTTP + JSON:
# curl and jq are enough, no client library. The test opens the login page, types the email
# and password into the real form and clicks the button, exactly as a technician would; the
# cookies and the CSRF tokens then come from the app itself. Anonymous pages (the login page
# in two languages, the 404 page) still use one-shot `chromium --dump-dom/--screenshot` runs.
. "$(dirname "$0")/../integration/lib.sh"

: "${SCREENSHOT_DIR:=$REPO/build/screenshots}"
mkdir -p "$SCREENSHOT_DIR"

CHROME_ARGS='"--headless","--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--no-first-run",
	"--disable-background-networking","--disable-component-update","--disable-sync","--disable-quic",
	"--disable-default-apps","--disable-extensions","--metrics-recording-only","--hide-scrollbars"'

# browser ACCEPT_LANG MODE URL: one headless Chromium run with a fresh profile.
# MODE is --dump-dom (DOM on stdout) or --screenshot=FILE.
browser() {
	local lang=$1 mode=$2 url=$3 profile
	profile=$(mktemp -d "$T_TMP/profile.XXXX")
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --disable-quic --disable-default-apps --disable-extensions \
		--metrics-recording-only --hide-scrollbars --user-data-dir="$profile" \
		--accept-lang="$lang" --window-size=1280,900 --virtual-time-budget=3000 \
		"$mode" "$url" 2>>"$T_TMP/chromium.log"
}

# ---- WebDriver (ChromeDriver over HTTP) ----
WD_PID=""
WD_SESSIONS=()
ELEMENT_KEY='element-6066-11e4-a52e-4f735466cecf'

# wd METHOD PATH [JSON]: one WebDriver command; prints the response's JSON.
wd() {
	curl -s --max-time 60 -X "$1" -H 'Content-Type: application/json' \
		${3:+--data-binary "$3"} "http://127.0.0.1:$WD_PORT$2"
}

# wd_start: ChromeDriver on a free loopback port (only local clients may use it).
wd_start() {
	local i
	for WD_PORT in $(seq 19515 19615); do port_free "$WD_PORT" && break; done
	chromedriver --port="$WD_PORT" --allowed-ips=127.0.0.1 >"$T_TMP/chromedriver.log" 2>&1 &
	WD_PID=$!
	for i in $(seq 1 100); do
		[ "$(wd GET /status | jq -r '.value.ready' 2>/dev/null)" = true ] && return 0
		sleep 0.1
	done
	return 1
}

# wd_session ACCEPT_LANG: a new browser (fresh profile); prints the session id.
wd_session() {
	local sid
	sid=$(wd POST /session "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\",
		\"goog:chromeOptions\":{\"binary\":\"/usr/bin/chromium\",\"args\":[$CHROME_ARGS,
		\"--accept-lang=$1\",\"--window-size=1280,900\"],\"prefs\":{\"intl.accept_languages\":\"$1\"}}}}}" |
		jq -r '.value.sessionId // empty')
	[ -n "$sid" ] || return 1
	printf '%s' "$sid"
}

SIM_PID=""
cleanup() {
	local s
	for s in "${WD_SESSIONS[@]}"; do wd DELETE "/session/$s" >/dev/null 2>&1; done
	[ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
	[ -n "$WD_PID" ] && kill "$WD_PID" 2>/dev/null && wait "$WD_PID" 2>/dev/null
	psql_app "DELETE FROM events WHERE type IN ('device_offline', 'recovered', 'xss_probe');
		DELETE FROM devices WHERE name LIKE 'e2e %'; DELETE FROM stores WHERE code = 'E2E-001';
		UPDATE users SET language = NULL WHERE lower(email) = lower('$ADMIN_EMAIL')" >/dev/null 2>&1
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# The commands below act on the session in $S.
go() { wd POST "/session/$S/url" "$(jq -nc --arg u "$BASE_URL$1" '{url:$u}')" >/dev/null; }
here() { wd GET "/session/$S/url" | jq -r .value | sed "s|^$BASE_URL||"; }
source_of() { wd GET "/session/$S/source" | jq -r .value; }
# js SCRIPT: run a function body in the page (WebDriver's, not the page's: CSP does not apply).
js() { wd POST "/session/$S/execute/sync" "$(jq -nc --arg s "$1" '{script:$s,args:[]}')" | jq -r .value; }
find_el() {
	wd POST "/session/$S/element" "$(jq -nc --arg c "$1" '{using:"css selector",value:$c}')" |
		jq -r --arg k "$ELEMENT_KEY" '.value[$k] // empty'
}
# type_in CSS TEXT / click CSS: as a person would, through the element.
type_in() {
	local el; el=$(find_el "$1")
	[ -n "$el" ] || return 1
	wd POST "/session/$S/element/$el/clear" '{}' >/dev/null
	wd POST "/session/$S/element/$el/value" "$(jq -nc --arg t "$2" '{text:$t}')" | jq -e '.value == null' >/dev/null
}
click() {
	local el; el=$(find_el "$1")
	[ -n "$el" ] || return 1
	wd POST "/session/$S/element/$el/click" '{}' | jq -e '.value == null' >/dev/null
}
# shot NAME [WIDTH]: a screenshot of the whole page (the window grows to the page's height).
shot() {
	local h w=${2:-1280}
	wd POST "/session/$S/window/rect" "{\"width\":$w,\"height\":900}" >/dev/null
	# The window's height includes what the browser keeps for itself above the page.
	h=$(js 'return Math.max(document.documentElement.scrollHeight, 600) + window.outerHeight - window.innerHeight')
	wd POST "/session/$S/window/rect" "{\"width\":$w,\"height\":$(( h < 6000 ? h : 6000 ))}" >/dev/null
	rm -f "$SCREENSHOT_DIR/$1.png"
	wd GET "/session/$S/screenshot" | jq -r .value | base64 -d >"$SCREENSHOT_DIR/$1.png" 2>/dev/null
	wd POST "/session/$S/window/rect" '{"width":1280,"height":900}' >/dev/null
	check "screenshot $1.png was taken" test -s "$SCREENSHOT_DIR/$1.png"
}
# wait_for EXPR: until the JavaScript expression holds in the page (a click that submits a
# form may return before the next page has loaded); false after 10 s.
wait_for() {
	local i
	for i in $(seq 1 100); do
		[ "$(js "return Boolean($1)")" = true ] && return 0
		sleep 0.1
	done
	return 1
}
# sign_in EMAIL PASSWORD: through the login form the browser was sent to.
sign_in() {
	type_in '#email' "$1" && type_in '#password' "$2" && click 'form[action="/login"] button[type="submit"]' &&
		wait_for 'location.pathname !== "/login"'
}

# Seed something to look at: a store, devices in several states, a few events, one hostile,
# and a user whose name is markup.
psql_app "
	INSERT INTO stores (code, name, subnets) VALUES ('E2E-001', 'Магазин на Тверской', '{10.99.1.0/24}');
	INSERT INTO devices (kind, store_id, name, address, state)
	SELECT k, (SELECT id FROM stores WHERE code = 'E2E-001'), 'e2e ' || k || ' ' || n, '10.99.1.' || (10 * n + o), s
	FROM (VALUES ('laser_printer', 1, 'online'), ('laser_printer', 2, 'offline'), ('label_printer', 3, 'online'),
	             ('switch', 4, 'pending_offline'), ('iconbit', 5, 'unknown')) AS v(k, o, s), generate_series(1, 2) AS n;
	INSERT INTO events (type, severity, message) VALUES
	  ('device_offline', 'warning', 'Принтер HP M404 в MSK-014 не отвечает'),
	  ('recovered', 'info', 'Printer back online'),
	  ('xss_probe', 'error', '<script>alert(\"x\")</script><img src=x onerror=alert(1)>');
	UPDATE users SET language = NULL WHERE lower(email) = lower('$ADMIN_EMAIL');" >/dev/null
XSS='<script>alert(1)</script>'
XSS_EMAIL="e2e-xss-$$@test.local"
XSS_PASSWORD="E2e-Viewer-Pass-$$"
check "a viewer named $XSS exists" test -n "$(ensure_user "$XSS_EMAIL" viewer "$XSS_PASSWORD" "$XSS")"
ensure_user "e2e-operator-$$@test.local" operator "E2e-Operator-Pass-$$" "Иван Техник" >/dev/null

# ---- anonymous pages ----
dom=$(browser ru --dump-dom "$BASE_URL/")
expect_match "an anonymous browser is sent to the login page" "$dom" "<h1>$(awk -F '\t' '$1 == "login_title" { print $2 }' "$REPO/templates/i18n/ru.tsv")</h1>"
dom=$(browser en-US,en --dump-dom "$BASE_URL/login")
expect_match "an English browser gets the English login page" "$dom" '<h1>Sign in</h1>'
expect_match "the language switch marks English as chosen" "$dom" 'value="en" aria-pressed="true"'
dom=$(browser ru --dump-dom "$BASE_URL/no-such-page")
expect_match "the 404 page renders in the browser" "$dom" 'Страница не найдена'
for s in "login-ru ru /login" "login-en en-US,en /login" "404-ru ru /no-such-page"; do
	set -- $s
	rm -f "$SCREENSHOT_DIR/$1.png"
	browser "$2" "--screenshot=$SCREENSHOT_DIR/$1.png" "$BASE_URL$3" >/dev/null
	check "screenshot $1.png was taken" test -s "$SCREENSHOT_DIR/$1.png"
done

# ---- signed in, through the real login form ----
if ! command -v chromedriver >/dev/null; then
	not_ok "chromedriver is installed (Debian package chromium-driver)"
	done_testing
	exit
fi
check "ChromeDriver starts" wd_start
S=$(wd_session ru)
check "a browser session opens" test -n "$S"
WD_SESSIONS+=("$S")

go /users
expect_eq "the browser asking for /users lands on the login page" "$(here)" '/login?next=/users'
check "the admin types email and password into the form and submits it" sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
expect_eq "and is taken to the page asked for" "$(here)" /users
expect_eq "the users list is in Russian" "$(js 'return document.querySelector("h1").textContent')" "Пользователи"
expect_eq "the hostile name is a text node in the list" \
	"$(js "return [...document.querySelectorAll('table.users td')].some(td => td.textContent === '$XSS')")" true
expect_eq "no script element reached the page" "$(js 'return document.querySelectorAll("script").length')" 0
shot users-ru
wd POST "/session/$S/window/rect" '{"width":400,"height":900}' >/dev/null
expect_eq "on a phone-sized screen the page does not scroll sideways (the table scrolls in its box)" \
	"$(js 'return document.documentElement.scrollWidth <= window.innerWidth')" true
shot users-phone-ru 400

go /
dom=$(source_of)
expect_match "the home page is in Russian" "$dom" '<h1>Состояние системы</h1>'
expect_match "the inventory card counts the seeded store" "$dom" 'Магазинов</dt><dd>[1-9]'
expect_match "the hostile event is text, not markup" "$dom" '&lt;script&gt;alert\("x"\)&lt;/script&gt;&lt;img'
expect_no_match "no injected element reached the DOM" "$dom" '<img src="x"'
expect_match "the navigation offers the users page" "$dom" 'href="/users"'
shot home-ru

# Create a user through the form, as an admin would.
NEW_EMAIL="e2e-new-$$@test.local"
go /users
type_in '#new-email' "$NEW_EMAIL" && type_in '#new-full-name' 'Анна Смирнова' &&
	click '#new-role option[value="operator"]' && type_in '#new-password' "E2e-New-Pass-$$" &&
	click '#new-user button[type="submit"]' && wait_for 'location.search.includes("created")'
new_id=$(psql_app "SELECT id FROM users WHERE email = '$NEW_EMAIL'")
check "the create form made the user" test -n "$new_id"
expect_eq "with the role chosen in the list" "$(psql_app "SELECT role FROM users WHERE email = '$NEW_EMAIL'")" operator
expect_eq "and the browser is on the new user's page" "$(here)" "/users/$new_id?created=1"
expect_match "which says the user was created" "$(source_of)" 'Пользователь создан'

xss_id=$(psql_app "SELECT id FROM users WHERE email = '$XSS_EMAIL'")
go "/users/$xss_id"
expect_eq "the hostile name is the edit field's value, as text" \
	"$(js 'return document.querySelector("#edit-full-name").value')" "$XSS"
shot user-edit-ru

# The last admin cannot demote themselves: the page says why.
admin_id=$(psql_app "SELECT id FROM users WHERE lower(email) = lower('$ADMIN_EMAIL')")
others=$(psql_app "SELECT string_agg(id::text, ',') FROM users WHERE role = 'admin' AND is_active AND id <> $admin_id")
[ -n "$others" ] && psql_app "UPDATE users SET is_active = false WHERE id IN ($others)" >/dev/null
go "/users/$admin_id"
click '#edit-role option[value="viewer"]' && click 'form[action="/users/'"$admin_id"'"] button[type="submit"]' &&
	wait_for 'document.querySelector(".banner-error")'
expect_match "demoting the last admin shows the reason" "$(js 'return document.querySelector(".banner-error").textContent')" 'последний активный администратор'
shot user-last-admin-ru
[ -n "$others" ] && psql_app "UPDATE users SET is_active = true WHERE id IN ($others)" >/dev/null
expect_eq "and the admin stays an admin" "$(psql_app "SELECT role FROM users WHERE id = $admin_id")" admin

go /account
expect_match "the admin's account page opens" "$(js 'return document.querySelector("h1").textContent')" 'Моя учётная запись'
shot account-admin-ru

go /users
S_ADMIN=$S
# English, as a browser asking for English (the admin's account follows the browser).
S=$(wd_session en-US,en)
WD_SESSIONS+=("$S")
go /login
sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
go /users
expect_eq "an English browser gets the users list in English" "$(js 'return document.querySelector("h1").textContent')" Users
shot users-en
go "/users/$xss_id"
shot user-edit-en

# ---- the hostile-named viewer's own view ----
S=$(wd_session ru)
WD_SESSIONS+=("$S")
go /account
check "the viewer signs in through the form" sign_in "$XSS_EMAIL" "$XSS_PASSWORD"
expect_eq "and lands on their account page" "$(here)" /account
expect_eq "the header shows their name as text" "$(js 'return document.querySelector(".who-name").textContent')" "$XSS"
expect_eq "the account form holds it as text" "$(js 'return document.querySelector("#account-full-name").value')" "$XSS"
expect_eq "no script element reached the page" "$(js 'return document.querySelectorAll("script").length')" 0
expect_eq "a viewer's navigation has no users link" "$(js 'return document.querySelectorAll("nav a[href=\"/users\"]").length')" 0
shot account-ru
type_in '#current-password' wrong-password && type_in '#new-password' "E2e-Other-Pass-$$" &&
	type_in '#new-password-repeat' "E2e-Other-Pass-$$" && click 'form[action="/account/password"] button[type="submit"]' &&
	wait_for 'document.querySelector(".banner-error")'
expect_match "a wrong current password is refused on the page" \
	"$(js 'return document.querySelector(".banner-error").textContent')" 'Текущий пароль введён неверно'
shot account-wrong-password-ru
click 'form.lang button[value="en"]' && wait_for 'document.documentElement.lang === "en"'
expect_eq "the language switch (after a refused form) comes back to the account page" "$(here)" /account
expect_eq "now in English" "$(js 'return document.querySelector("h1").textContent')" "My account"
expect_eq "and keeps the choice on the account" \
	"$(psql_app "SELECT language FROM users WHERE email = '$XSS_EMAIL'")" en
shot account-en
go /users
expect_eq "the viewer gets 403 on /users" "$(js 'return document.querySelector(".error-code").textContent')" 403
shot forbidden-en

S=$S_ADMIN
go /
expect_eq "the admin's other browser is still signed in" "$(here)" /

# ---- printers: the list and a printer's page, polled through the browser's button ----
# Three simulated printers (tests/sim) in the seeded store: a colour HP nearly out of cyan, a
# Brother whose toner reads "some remaining", a Kyocera; plus one with a hostile name.
SIM=$REPO/build/release/tools/infrascope-sim
SIM_PORT=17461
cat >"$T_TMP/fleet" <<FLEET
127.1.78.11 public hp_color-laserjet-pro-m252dw.snmprec name=e2e-prn01 mac=02:53:78:11:00:00 level.1=64 level.2=6 level.3=71 level.4=38
127.1.78.12 public brother_nc-8300h-mfc-l2710dw.snmprec name=e2e-prn02 mac=02:53:78:12:00:00
127.1.78.13 public utax-kyocera_p-4532dn.snmprec name=e2e-prn03 mac=02:53:78:13:00:00 level.1=1900
FLEET
"$SIM" --snmprec-dir "$REPO/tests/fixtures/snmprec" --port "$SIM_PORT" --fleet "$T_TMP/fleet" \
	--control "$T_TMP/sim.ctl" >"$T_TMP/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 200); do [ -S "$T_TMP/sim.ctl" ] && break; sleep 0.05; done
check "the printer simulator starts" test -S "$T_TMP/sim.ctl"
PRN=$(psql_app "INSERT INTO devices (kind, store_id, name, model, address, snmp_port)
	SELECT 'laser_printer', id, n, m, a, $SIM_PORT FROM stores,
	(VALUES ('e2e Касса 1 (цветной)', 'HP Color LaserJet Pro M252dw', '127.1.78.11'),
	        ('e2e Офис', 'Brother MFC-L2710DW', '127.1.78.12'),
	        ('e2e Склад', 'Kyocera P-4532DN', '127.1.78.13'),
	        ('e2e <img src=x onerror=alert(1)>', '', '10.99.1.99')) AS v(n, m, a)
	WHERE code = 'E2E-001' RETURNING id, name" | awk -F '|' '$2 ~ /Касса/ { print $1 }')
check "the printers are registered" test -n "$PRN"
go "/printers/$PRN"
expect_match "a printer's page opens from its address" "$(js 'return document.querySelector("h1").textContent')" 'Касса 1'
check "the admin clicks 'Poll now'" click 'form.poll-form button[type="submit"]'
check "  and comes back to the page with the result" wait_for 'location.search.includes("polled=")'
expect_eq "  the printer answered" "$(here)" "/printers/$PRN?polled=up"
expect_match "  which the page says" "$(js 'return document.querySelector(".banner-ok").textContent')" 'Принтер ответил'
for id in $(psql_app "SELECT id FROM devices WHERE name IN ('e2e Офис', 'e2e Склад')"); do
	go "/printers/$id" && click 'form.poll-form button[type="submit"]' && wait_for 'location.search.includes("polled=")'
done
# A month of history for the charts: daily levels falling to today's, a new cyan cartridge
# 12 days ago, and three days when magenta read only "some remaining".
psql_app "INSERT INTO supply_samples (device_id, supply_index, at, level, percent, state)
	SELECT $PRN, s, now() - d * interval '1 day',
	       CASE WHEN s = 3 AND d BETWEEN 14 AND 16 THEN -3 ELSE 0 END,
	       CASE WHEN s = 3 AND d BETWEEN 14 AND 16 THEN NULL
	            WHEN s = 2 AND d > 12 THEN greatest(2, 40 - (29 - d) * 2.2)
	            WHEN s = 2 THEN 6 + d * 7.5
	            ELSE least(100, v + d * (s + 0.5)) END,
	       CASE WHEN s = 3 AND d BETWEEN 14 AND 16 THEN 'some_remaining' ELSE 'percent' END
	FROM (VALUES (1, 64), (2, 6), (3, 71), (4, 38)) AS t(s, v), generate_series(1, 29) AS d
	ON CONFLICT DO NOTHING" >/dev/null
go "/printers/$PRN"
expect_eq "the page has a chart for each of its four toners" "$(js 'return document.querySelectorAll("figure.chart-box svg.chart").length')" 4
expect_eq "the cyan bar is as wide as its percent says (6 %)" \
	"$(js 'const f = document.querySelector(".toner-summary .toner-cyan .toner-fill"), t = f.parentElement;
	        return Math.round(100 * f.getBoundingClientRect().width / t.clientWidth)')" 6
expect_eq "  and cyan" "$(js 'return getComputedStyle(document.querySelector(".toner-summary .toner-cyan .toner-fill")).backgroundColor')" 'rgb(0, 159, 214)'
expect_eq "no element carries a style attribute (CSP)" "$(js 'return document.querySelectorAll("[style]").length')" 0
expect_eq "  nor a script" "$(js 'return document.querySelectorAll("script").length')" 0
expect_eq "the page does not scroll sideways" "$(js 'return document.documentElement.scrollWidth <= window.innerWidth')" true
shot printer-ru
go /printers
expect_eq "the printers list is in Russian" "$(js 'return document.querySelector("h1").textContent')" 'Принтеры'
expect_eq "the hostile name is a link's text" \
	"$(js 'return [...document.querySelectorAll("td.printer-name a")].some(a => a.textContent === "e2e <img src=x onerror=alert(1)>")')" true
expect_eq "  and no image was injected" "$(js 'return document.querySelectorAll("td img").length')" 0
expect_match "the list shows 'some remaining' as a word" "$(js 'return [...document.querySelectorAll(".toner-value")].map(e => e.textContent).join("|")')" '(^|\|)есть(\||$)'
shot printers-ru
wd POST "/session/$S/window/rect" '{"width":400,"height":900}' >/dev/null
expect_eq "on a phone the list does not scroll sideways (the table scrolls in its box)" \
	"$(js 'return document.documentElement.scrollWidth <= window.innerWidth')" true
shot printers-phone-ru 400
S=$(wd_session en-US,en)
WD_SESSIONS+=("$S")
go /login
sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
go "/printers/$PRN"
expect_eq "an English browser gets the printer's page in English" "$(js 'return document.querySelector(".card h2").textContent')" Identity
shot printer-en
go /printers
shot printers-en

done_testing
