# Pages in a real browser (headless Chromium): the DOM Chromium builds from our HTML, and
# screenshots in build/screenshots/ for a person to look at.
. "$(dirname "$0")/../integration/lib.sh"

: "${SCREENSHOT_DIR:=$REPO/build/screenshots}"
mkdir -p "$SCREENSHOT_DIR"

# browser ACCEPT_LANG MODE TARGET URL: one headless Chromium run with a fresh profile.
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

# Seed something to look at: a store, devices in several states, a few events, one hostile.
psql_app "
	INSERT INTO stores (code, name, subnets) VALUES ('E2E-001', 'Магазин на Тверской', '{10.99.1.0/24}');
	INSERT INTO devices (kind, store_id, name, address, state)
	SELECT k, (SELECT id FROM stores WHERE code = 'E2E-001'), 'e2e ' || k || ' ' || n, '10.99.1.' || (10 * n + o), s
	FROM (VALUES ('laser_printer', 1, 'online'), ('laser_printer', 2, 'offline'), ('label_printer', 3, 'online'),
	             ('switch', 4, 'pending_offline'), ('iconbit', 5, 'unknown')) AS v(k, o, s), generate_series(1, 2) AS n;
	INSERT INTO events (type, severity, message) VALUES
	  ('device_offline', 'warning', 'Принтер HP M404 в MSK-014 не отвечает'),
	  ('recovered', 'info', 'Printer back online'),
	  ('xss_probe', 'error', '<script>alert(\"x\")</script><img src=x onerror=alert(1)>');" >/dev/null

dom=$(browser ru --dump-dom "$BASE_URL/")
expect_match "Chromium renders the home page in Russian" "$dom" '<h1>Состояние системы</h1>'
expect_match "the inventory card counts the seeded store" "$dom" 'Магазинов</dt><dd>[1-9]'
expect_match "the hostile event is text, not markup" "$dom" '&lt;script&gt;alert\("x"\)&lt;/script&gt;&lt;img'
expect_no_match "no injected element reached the DOM" "$dom" '<img src="x"'

dom=$(browser en-US,en --dump-dom "$BASE_URL/")
expect_match "an English browser gets the English page" "$dom" '<h1>System status</h1>'
expect_match "the language switch marks English as chosen" "$dom" 'value="en" aria-pressed="true"'

dom=$(browser ru --dump-dom "$BASE_URL/no-such-page")
expect_match "the 404 page renders in the browser" "$dom" 'Страница не найдена'

for shot in "home-ru ru /" "home-en en-US,en /" "404-ru ru /no-such-page"; do
	set -- $shot
	rm -f "$SCREENSHOT_DIR/$1.png"
	browser "$2" "--screenshot=$SCREENSHOT_DIR/$1.png" "$BASE_URL$3" >/dev/null
	check "screenshot $1.png was taken" test -s "$SCREENSHOT_DIR/$1.png"
done

psql_app "DELETE FROM events WHERE type IN ('device_offline', 'recovered', 'xss_probe');
	DELETE FROM devices WHERE name LIKE 'e2e %'; DELETE FROM stores WHERE code = 'E2E-001';" >/dev/null

done_testing
