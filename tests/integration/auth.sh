# Accounts and security against the live stack (SPEC §6, docs/SECURITY.md): signing in (JSON
# and form), one answer for every failed sign-in, Argon2id hashes, every kind of forged or
# stale token refused, refresh rotation and reuse detection, the login rate limit (across app
# threads, per address and email, reset by success) and nginx's layer under it, CSRF on forms
# and cookie-authenticated API calls, start-up refusal of weak production secrets, the users
# API (validation, conflicts, pagination, the last administrator), disabled accounts, password
# change, the audit events, CORS and the housekeeping purge.
#
# Every account and email here is unique to this run, so the login counters of other suites
# (and of earlier parts of this one) never interfere.
. "$(dirname "$0")/lib.sh"

case $APP_BIN in
*/build/asan/*) VARIANT=asan ;;
*) VARIANT=release ;;
esac
MINT="$REPO/build/$VARIANT/tools/mint-token"
[ -x "$MINT" ] || MINT="$REPO/build/release/tools/mint-token"
HOUSEKEEPING_BIN="$(dirname "$MIGRATE_BIN")/infrascope-housekeeping"
: "${SECRET_KEY:?the runner sets SECRET_KEY for the stack; crafted tokens need it}"

U="t$$r$RANDOM"                      # this run's prefix for emails
PW="Correct-Horse-$U"                # a password every test account of this run uses
NOW=$(date +%s)
EV0=$(psql_app "SELECT COALESCE(max(id), 0) FROM events")

# ---- helpers ----

# api METHOD PATH TOKEN [curl args...]: a request with a Bearer token.
api() {
	local m=$1 p=$2 t=$3
	shift 3
	http "$m" "$p" -H "Authorization: Bearer $t" "$@"
}

# api_json METHOD PATH TOKEN JSON: the same with a JSON body.
api_json() {
	api "$1" "$2" "$3" -H 'Content-Type: application/json' --data "$4"
}

# login EMAIL PASSWORD: POST /api/v1/auth/login with JSON (sets STATUS, BODY, HEADERS).
login() {
	http POST /api/v1/auth/login -H 'Content-Type: application/json' \
		--data "$(jq -nc --arg e "$1" --arg p "$2" '{email:$e,password:$p}')"
}

# b64url_decode TEXT / b64url_encode (stdin): JWT segment coding.
b64url_decode() {
	local s=${1//-/+}
	s=${s//_//}
	case $((${#s} % 4)) in
	2) s="$s==" ;;
	3) s="$s=" ;;
	esac
	printf '%s' "$s" | base64 -d 2>/dev/null
}
b64url_encode() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

# claim TOKEN NAME: one claim of a JWT's payload (unverified: for building test tokens).
claim() {
	b64url_decode "$(printf '%s' "$1" | cut -d. -f2)" | jq -r ".$2"
}

# no_secrets NAME: the last body carries no password hash.
no_secrets() {
	expect_no_match "$1" "$BODY" 'password_hash|\$argon2|"password"'
}

# event_count TYPE USER_ID|null [SQL CONDITION]: audit events of this run of that type and
# user, each with the client address and a trace id.
event_count() {
	local who
	if [ "$2" = null ]; then who="user_id IS NULL"; else who="user_id = $2"; fi
	psql_app "SELECT count(*) FROM events WHERE id > $EV0 AND type = '$1' AND $who
		AND payload->>'client_ip' = '127.0.0.1' AND trace_id ~ '^[0-9a-f]{32}$' AND (${3:-true})"
}

# expect_event NAME TYPE USER_ID|null [SQL CONDITION]
expect_event() {
	local n
	n=$(event_count "$2" "$3" "${4:-}")
	if [ "${n:-0}" -ge 1 ]; then ok "$1"; else not_ok "$1" "no $2 event for user $3 ${4:+with $4}"; fi
}

# new_user ROLE NAME: create an account of this run (as the admin); prints its id.
new_user() {
	ensure_user "$U.$2@test.local" "$1" "$PW" "Test $2"
}

ADMIN_TOKEN=$(admin_token)
check "the first admin signs in" test -n "$ADMIN_TOKEN"
ADMIN_ID=$(claim "$ADMIN_TOKEN" sub)

# ==== signing in ====

login "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
expect_eq "JSON login answers 200" "$STATUS" 200
expect_match "with an access token (a JWT)" "$(json .access_token)" '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
expect_match "and a refresh token (32 random bytes)" "$(json .refresh_token)" '^[A-Za-z0-9_-]{43}$'
expect_eq "token_type bearer" "$(json .token_type)" bearer
expect_match "expires_in is about 15 minutes" "$(json .expires_in)" '^(89[0-9]|900)$'
expect_eq "login answers are not cached" "$(header cache-control)" no-store
tok=$(json .access_token)
expect_eq "the token is HS256" "$(b64url_decode "${tok%%.*}" | jq -r .alg)" HS256
expect_eq "its claims: sub, role, jti, sid, typ, iat, exp" \
	"$(b64url_decode "$(printf '%s' "$tok" | cut -d. -f2)" | jq -r 'keys | join(",")')" "exp,iat,jti,role,sid,sub,typ"

VIEWER_ID=$(new_user viewer viewer)
check "a viewer account is created" test -n "$VIEWER_ID"
VIEWER_EMAIL="$U.viewer@test.local"

http POST /api/v1/auth/login --data-urlencode "email=$VIEWER_EMAIL" --data-urlencode "password=$PW"
expect_eq "form login (email, password) answers 200" "$STATUS" 200
check "and gives a token" test -n "$(json .access_token)"
http POST /api/v1/auth/login --data-urlencode "username=$VIEWER_EMAIL" --data-urlencode "password=$PW"
expect_eq "form login with username (OAuth2 password grant) answers 200" "$STATUS" 200
login "  $VIEWER_EMAIL  " "$PW"
expect_eq "blanks around the email are ignored" "$STATUS" 200
login "$(printf '%s' "$VIEWER_EMAIL" | tr a-z A-Z)" "$PW"
expect_eq "the email is matched ignoring case" "$STATUS" 200
psql_app "UPDATE users SET updated_at = now() - interval '1 day', last_login_at = NULL WHERE email = '$VIEWER_EMAIL'" >/dev/null
login "$VIEWER_EMAIL" "$PW"
expect_eq "a sign-in sets last_login_at but does not count as a change of the user (updated_at)" \
	"$(psql_app "SELECT last_login_at IS NOT NULL AND updated_at < now() - interval '1 hour' FROM users WHERE email = '$VIEWER_EMAIL'")" t
http POST /api/v1/auth/login -H 'Content-Type: application/json' --data "{\"email\":\"$VIEWER_EMAIL\"}"
expect_eq "a login without a password is 422" "$STATUS" 422
expect_eq "with validation_failed" "$(json .error.code)" validation_failed

login "$VIEWER_EMAIL" "wrong-$PW"
expect_eq "a wrong password is 401" "$STATUS" 401
wrong_body=$BODY
expect_eq "with invalid_credentials" "$(json .error.code)" invalid_credentials
login "$U.nobody@test.local" "$PW"
expect_eq "an unknown email is 401" "$STATUS" 401
expect_eq "with the very same answer as a wrong password" "$BODY" "$wrong_body"
expect_event "login_failed is recorded for the known account" login_failed "$VIEWER_ID" "payload->>'reason' = 'password'"
expect_event "login_failed is recorded for an unknown email (no user)" login_failed null \
	"payload->>'email' = '$U.nobody@test.local'"
expect_event "login_succeeded is recorded with the user" login_succeeded "$VIEWER_ID"

hash=$(psql_app "SELECT password_hash FROM users WHERE id = $VIEWER_ID")
expect_match "the stored hash is Argon2id m=19456 t=2 p=1" "$hash" '^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$'
hash=$(psql_app "SELECT password_hash FROM users WHERE lower(email) = lower('$ADMIN_EMAIL')")
expect_match "the first admin's hash (made by infrascope-migrate) too" "$hash" '^\$argon2id\$v=19\$m=19456,t=2,p=1\$'

# ==== tokens: only ours, unchanged, unexpired, of a live session ====

login "$VIEWER_EMAIL" "$PW"
VT=$(json .access_token)
sid=$(claim "$VT" sid)
api GET /api/v1/users/me "$VT"
expect_eq "the viewer's token works" "$STATUS" 200

http GET /api/v1/users/me
expect_eq "no token: 401" "$STATUS" 401
expect_eq "401 is a JSON error" "$(json .error.code)" unauthorized
expect_match "401 carries WWW-Authenticate: Bearer" "$(header www-authenticate)" '^Bearer'
api GET /api/v1/users/me "garbage"
expect_eq "a garbage token: 401" "$STATUS" 401

# The same claims, minted with the real key: accepted. Every variant below changes one thing.
good=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$sid")
api GET /api/v1/users/me "$good"
expect_eq "control: a token minted with the real key for the live session works" "$STATUS" 200

payload=$(b64url_decode "$(printf '%s' "$VT" | cut -d. -f2)" | jq -c '.role = "admin"' | b64url_encode)
forged="$(printf '%s' "$VT" | cut -d. -f1).$payload.$(printf '%s' "$VT" | cut -d. -f3)"
api GET /api/v1/users "$forged"
expect_eq "a token with a changed payload (role admin): 401" "$STATUS" 401
payload=$(b64url_decode "$(printf '%s' "$VT" | cut -d. -f2)" | jq -c ".exp = $((NOW + 86400))" | b64url_encode)
forged="$(printf '%s' "$VT" | cut -d. -f1).$payload.$(printf '%s' "$VT" | cut -d. -f3)"
api GET /api/v1/users/me "$forged"
expect_eq "a token with a changed payload (later exp): 401" "$STATUS" 401

t=$("$MINT" --key "another-key-$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$sid")
api GET /api/v1/users/me "$t"
expect_eq "a token signed with a different key: 401" "$STATUS" 401

t=$("$MINT" --alg none --sub "$VIEWER_ID" --role viewer --sid "$sid")
expect_match "the alg none token has an empty signature" "$t" '\.$'
api GET /api/v1/users/me "$t"
expect_eq "alg none (header.payload.): 401" "$STATUS" 401
api GET /api/v1/users/me "${t%.}"
expect_eq "alg none without the signature part: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --alg HS512 --sub "$VIEWER_ID" --role viewer --sid "$sid")
expect_eq "the HS512 token says so" "$(b64url_decode "${t%%.*}" | jq -r .alg)" HS512
api GET /api/v1/users/me "$t"
expect_eq "an HS512 token signed with the same key: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$sid" --iat $((NOW - 1000)) --exp $((NOW - 10)))
api GET /api/v1/users/me "$t"
expect_eq "an expired token: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$sid" --no-exp)
api GET /api/v1/users/me "$t"
expect_eq "a token without exp: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$sid" --iat $((NOW + 3600)) --exp $((NOW + 4000)))
api GET /api/v1/users/me "$t"
expect_eq "a token issued in the future: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$sid" --typ refresh)
api GET /api/v1/users/me "$t"
expect_eq "a token whose typ is not access: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$(cat /proc/sys/kernel/random/uuid)")
api GET /api/v1/users/me "$t"
expect_eq "a valid signature for a session that never existed: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --sub "$ADMIN_ID" --role admin --sid "$sid")
api GET /api/v1/users "$t"
expect_eq "a valid signature naming another user on this session: 401" "$STATUS" 401

t=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role admin --sid "$sid")
api GET /api/v1/users "$t"
expect_eq "a claimed role counts for nothing: the database's role decides (403)" "$STATUS" 403

# Logout ends the token, its session and its refresh token.
login "$VIEWER_EMAIL" "$PW"
LT=$(json .access_token)
LR=$(json .refresh_token)
lsid=$(claim "$LT" sid)
api POST /api/v1/auth/logout "$LT" -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$LR\"}"
expect_eq "logout answers 204" "$STATUS" 204
api GET /api/v1/users/me "$LT"
expect_eq "the access token after logout: 401" "$STATUS" 401
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$LR\"}"
expect_eq "the refresh token after logout: 401" "$STATUS" 401
t=$("$MINT" --key "$SECRET_KEY" --sub "$VIEWER_ID" --role viewer --sid "$lsid")
api GET /api/v1/users/me "$t"
expect_eq "a fresh, validly signed token of the logged-out session: 401" "$STATUS" 401
expect_eq "the jti is on the revocation list" \
	"$(psql_app "SELECT count(*) FROM revoked_tokens WHERE jti = '$(claim "$LT" jti)'")" 1
expect_eq "the session is revoked as logout" \
	"$(psql_app "SELECT revoke_reason FROM sessions WHERE id = '$lsid'")" logout
expect_event "logout is recorded with the user" logout "$VIEWER_ID"
api GET /api/v1/users/me "$VT"
expect_eq "another session of the same user is untouched" "$STATUS" 200

# ==== refresh rotation ====

login "$VIEWER_EMAIL" "$PW"
A1=$(json .access_token)
R1=$(json .refresh_token)
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$R1\"}"
expect_eq "refresh answers 200" "$STATUS" 200
A2=$(json .access_token)
R2=$(json .refresh_token)
check "with a new refresh token" test -n "$R2" -a "$R2" != "$R1"
check "and a new access token" test -n "$A2" -a "$A2" != "$A1"
expect_eq "of the same session" "$(claim "$A2" sid)" "$(claim "$A1" sid)"
api GET /api/v1/users/me "$A2"
expect_eq "the new access token works" "$STATUS" 200
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$R1\"}"
expect_eq "the old refresh token again: 401" "$STATUS" 401
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$R2\"}"
expect_eq "and the new refresh token is dead too" "$STATUS" 401
api GET /api/v1/users/me "$A2"
expect_eq "and so is the new access token" "$STATUS" 401
expect_eq "the session is revoked for token reuse" \
	"$(psql_app "SELECT revoke_reason FROM sessions WHERE id = '$(claim "$A1" sid)'")" token_reuse
expect_event "token_reuse is recorded with the user" token_reuse "$VIEWER_ID"
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data '{"refresh_token":"not-a-token"}'
expect_eq "a malformed refresh token: 401" "$STATUS" 401
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data '{}'
expect_eq "no refresh token: 422" "$STATUS" 422

# ==== the browser's cookies: refreshed on the fly; two tabs racing are not a theft ====

login "$VIEWER_EMAIL" "$PW"
CA=$(json .access_token)
CR=$(json .refresh_token)
http GET / -H "Cookie: is_refresh=$CR"
expect_eq "a browser whose access cookie expired is refreshed on the fly (200)" "$STATUS" 200
set_cookies=$(printf '%s\n' "$HEADERS" | grep '^set-cookie: ')
new_access=$(printf '%s\n' "$set_cookies" | sed -n 's/^set-cookie: is_access=\([^;]*\);.*/\1/p')
new_refresh=$(printf '%s\n' "$set_cookies" | sed -n 's/^set-cookie: is_refresh=\([^;]*\);.*/\1/p')
check "with a new pair of cookies" test -n "$new_access" -a -n "$new_refresh" -a "$new_refresh" != "$CR"
expect_eq "both HttpOnly and SameSite=Strict" "$(printf '%s\n' "$set_cookies" | grep -c 'HttpOnly; SameSite=Strict')" 2
http GET / -H "Cookie: is_refresh=$CR"
expect_eq "a second tab with the old cookie a moment later is sent to sign in" "$STATUS $(header location)" "303 /login"
expect_no_match "without clearing the cookies the first tab just received" \
	"$(printf '%s\n' "$HEADERS" | grep '^set-cookie: ')" 'is_(access|refresh)='
http GET / -H "Cookie: is_access=$new_access; is_refresh=$new_refresh"
expect_eq "so the browser stays signed in with the newer cookies" "$STATUS" 200
expect_eq "and the session is not revoked" "$(psql_app "SELECT revoked_at IS NULL FROM sessions WHERE id = '$(claim "$CA" sid)'")" t
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$CR\"}"
expect_eq "the same old token through the API (no grace there): 401" "$STATUS" 401
expect_eq "which is a theft: the session is revoked" \
	"$(psql_app "SELECT revoke_reason FROM sessions WHERE id = '$(claim "$CA" sid)'")" token_reuse
http GET / -H "Cookie: is_access=$new_access; is_refresh=$new_refresh"
expect_eq "the browser holding the newer cookies is signed out too" "$STATUS $(header location)" "303 /login"
expect_match "and its cookies are cleared" "$(printf '%s\n' "$HEADERS" | grep '^set-cookie: is_refresh')" 'is_refresh=; Path=/; Max-Age=0'

# ==== the login rate limit ====

RL_EMAIL="$U.ratelimit@test.local"
RL_ID=$(new_user viewer ratelimit)
# Eight wrong passwords at once: they land on different threads of the app (FCGI_THREADS=4).
pids=()
for i in 1 2 3 4 5 6 7 8; do
	curl -s -o "$T_TMP/rl.$i" -D "$T_TMP/rlh.$i" -w '%{http_code}\n' --max-time 20 -X POST \
		-H 'Content-Type: application/json' \
		--data "{\"email\":\"$RL_EMAIL\",\"password\":\"wrong-$i\"}" "$BASE_URL/api/v1/auth/login" >"$T_TMP/rlc.$i" &
	pids+=($!)
done
wait "${pids[@]}"
codes=$(cat "$T_TMP"/rlc.* | sort | uniq -c | awk '{ printf "%s×%s ", $2, $1 }')
expect_eq "8 parallel wrong passwords: exactly 5 get 401, the rest 429" "$codes" "401×5 429×3 "
blocked=$(grep -l '^429' "$T_TMP"/rlc.* | head -n 1)
blocked=${blocked##*.}
expect_match "a 429 carries Retry-After in seconds (at most 15 minutes)" \
	"$(tr -d '\r' <"$T_TMP/rlh.$blocked" | sed -n 's/^[Rr]etry-[Aa]fter: //p')" '^([1-9][0-9]{0,2})$'
expect_eq "the 429 comes from the app (too_many_attempts)" "$(jq -r .error.code "$T_TMP/rl.$blocked")" too_many_attempts
login "$RL_EMAIL" "$PW"
expect_eq "the 6th attempt and later are refused even with the right password" "$STATUS" 429
ra=$(header retry-after)
check "with Retry-After between 1 and 900 s ($ra)" test -n "$ra" -a "${ra:-0}" -ge 1 -a "${ra:-0}" -le 900
jar="$T_TMP/rl.jar"
csrf=$(page_csrf "$jar" /login)
http POST /login -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "email=$RL_EMAIL" \
	--data-urlencode "password=$PW"
expect_eq "the sign-in page shares the counter (429)" "$STATUS" 429
check "and says when to retry" test -n "$(header retry-after)"
expect_event "login_blocked is recorded with the account and the email" login_blocked "$RL_ID" \
	"payload->>'email' = '$RL_EMAIL' AND (payload->>'retry_after')::int > 0"
login "$U.nobody-blocked@test.local" "x"
for i in 1 2 3 4 5; do login "$U.nobody-blocked@test.local" "x"; done
expect_eq "an unknown email is blocked the same way" "$STATUS" 429
expect_event "and its login_blocked has no user" login_blocked null "payload->>'email' = '$U.nobody-blocked@test.local'"
http POST /api/v1/auth/login -H 'X-Forwarded-For: 192.0.2.77' -H 'X-Real-IP: 192.0.2.77' \
	-H 'Content-Type: application/json' --data "{\"email\":\"$RL_EMAIL\",\"password\":\"$PW\"}"
expect_eq "a forged X-Forwarded-For does not escape the counter" "$STATUS" 429
login "$VIEWER_EMAIL" "$PW"
expect_eq "another email from the same address is not blocked" "$STATUS" 200

RS_EMAIL="$U.reset@test.local"
new_user viewer reset >/dev/null
for i in 1 2 3 4; do login "$RS_EMAIL" "wrong-$i"; done
expect_eq "4 wrong passwords: still 401" "$STATUS" 401
login "$RS_EMAIL" "$PW"
expect_eq "then the right one signs in" "$STATUS" 200
codes=""
for i in 1 2 3 4 5; do
	login "$RS_EMAIL" "wrong-again-$i"
	codes="$codes$STATUS "
done
expect_eq "the success reset the counter: 5 more wrong passwords are 401" "$codes" "401 401 401 401 401 "
login "$RS_EMAIL" "wrong-again-6"
expect_eq "and the 6th is 429 again" "$STATUS" 429

# ==== CSRF ====

jar="$T_TMP/anon.jar"
rm -f "$jar"
csrf=$(page_csrf "$jar" /login)
expect_match "the sign-in page carries a CSRF token" "$csrf" '^[0-9a-f]{64}$'
http POST /lang -b "$jar" -c "$jar" --data 'lang=en&next=/login'
expect_eq "a form POST without its CSRF token: 403" "$STATUS" 403
expect_match "answered with the HTML error page" "$(header content-type)" '^text/html'
expect_event "csrf_rejected is recorded (anonymous)" csrf_rejected null
http POST /lang -b "$jar" -c "$jar" --data "lang=en&next=/login&csrf=0$csrf"
expect_eq "a form POST with a wrong CSRF token: 403" "$STATUS" 403
http POST /lang -b "$jar" -c "$jar" --data "lang=en&next=/login&csrf=$csrf"
expect_eq "the same form with its CSRF token works (303)" "$STATUS" 303
http POST /lang --data "lang=en&next=/login&csrf=$csrf"
expect_eq "the token without the browser's seed cookie: 403" "$STATUS" 403
http POST /login -b "$jar" -c "$jar" --data-urlencode "email=$VIEWER_EMAIL" --data-urlencode "password=$PW"
expect_eq "the sign-in form without its CSRF token: 403" "$STATUS" 403
expect_no_match "and no session cookie is set" "$(header set-cookie)" 'is_access='

jar="$T_TMP/viewer.jar"
rm -f "$jar"
check "a browser signs in through the login page" browser_login "$jar" "$VIEWER_EMAIL" "$PW"
csrf=$(page_csrf "$jar" /)
expect_match "a signed-in page carries the session's CSRF token" "$csrf" '^[0-9a-f]{64}$'
http PATCH /api/v1/users/me -b "$jar" -H 'Content-Type: application/json' --data '{"full_name":"Cookie Viewer"}'
expect_eq "an API PATCH with cookie auth but no X-CSRF-Token: 403" "$STATUS" 403
expect_eq "with csrf_failed" "$(json .error.code)" csrf_failed
expect_event "csrf_rejected is recorded with the user" csrf_rejected "$VIEWER_ID"
http PATCH /api/v1/users/me -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	--data '{"full_name":"Cookie Viewer"}'
expect_eq "with the X-CSRF-Token it works" "$STATUS" 200
expect_eq "and the change is made" "$(json .full_name)" "Cookie Viewer"
http PATCH /api/v1/users/me -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Origin: https://evil.example' \
	-H 'Content-Type: application/json' --data '{"full_name":"Evil"}'
expect_eq "a cookie POST from another site's Origin: 403, token or not" "$STATUS" 403
http PATCH /api/v1/users/me -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Sec-Fetch-Site: cross-site' \
	-H 'Content-Type: application/json' --data '{"full_name":"Evil"}'
expect_eq "Sec-Fetch-Site: cross-site: 403" "$STATUS" 403
http PATCH /api/v1/users/me -b "$jar" -H "X-CSRF-Token: $csrf" -H "Origin: $BASE_URL" \
	-H 'Content-Type: application/json' --data '{"full_name":"Cookie Viewer"}'
expect_eq "the site's own Origin is fine" "$STATUS" 200
expect_eq "the evil changes were not made" "$(psql_app "SELECT full_name FROM users WHERE id = $VIEWER_ID")" "Cookie Viewer"
api_json PATCH /api/v1/users/me "$VT" '{"full_name":"Bearer Viewer"}'
expect_eq "a Bearer request needs no CSRF token (browsers never send one by themselves)" "$STATUS" 200
http POST /logout -b "$jar" -c "$jar" --data ''
expect_eq "POST /logout without its CSRF token: 403" "$STATUS" 403
http GET / -b "$jar" -c "$jar"
expect_eq "and the session is still there" "$STATUS" 200
http POST /logout -b "$jar" -c "$jar" --data "csrf=$csrf"
expect_eq "POST /logout with it: 303" "$STATUS" 303
expect_eq "to the sign-in page" "$(header location)" /login
http GET / -b "$jar" -c "$jar"
expect_eq "then the pages want a sign-in again" "$STATUS $(header location)" "303 /login"

# ==== production refuses weak secrets at start-up ====

# prod_refuses NAME REGEX ENV...: --check-config with ENVIRONMENT=production exits 78 naming it.
prod_refuses() {
	local name=$1 want=$2 out rc
	shift 2
	out=$(env -u SECRET_KEY -u FIRST_SUPERUSER_PASSWORD ENVIRONMENT=production "$@" "$APP_BIN" --check-config 2>&1)
	rc=$?
	if [ "$rc" = 78 ] && printf '%s' "$out" | grep -Eq -- "$want"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want 78), output: $out"
	fi
}
GOOD_KEY=$(openssl rand -hex 32)
prod_refuses "production + SECRET_KEY=short is refused, naming SECRET_KEY" '^infrascope.fcgi: configuration error: SECRET_KEY' \
	SECRET_KEY=short FIRST_SUPERUSER_PASSWORD=Long-Enough-Pass-1
prod_refuses "production without SECRET_KEY is refused" 'SECRET_KEY.*32' FIRST_SUPERUSER_PASSWORD=Long-Enough-Pass-1
prod_refuses "production without FIRST_SUPERUSER_PASSWORD is refused, naming it" 'FIRST_SUPERUSER_PASSWORD' SECRET_KEY="$GOOD_KEY"
prod_refuses "production + FIRST_SUPERUSER_PASSWORD=CHANGE_ME is refused" 'FIRST_SUPERUSER_PASSWORD.*CHANGE_ME' \
	SECRET_KEY="$GOOD_KEY" FIRST_SUPERUSER_PASSWORD=CHANGE_ME
prod_refuses "production + an 11-character FIRST_SUPERUSER_PASSWORD is refused" 'FIRST_SUPERUSER_PASSWORD.*12' \
	SECRET_KEY="$GOOD_KEY" FIRST_SUPERUSER_PASSWORD=Short-Pass1
out=$(env ENVIRONMENT=production SECRET_KEY=short FIRST_SUPERUSER_PASSWORD=Long-Enough-Pass-1 \
	"$APP_BIN" --check-config 2>&1)
expect_no_match "the message does not show the secret" "$out" '"short"|=short'
out=$(ENVIRONMENT=production SECRET_KEY="$GOOD_KEY" FIRST_SUPERUSER_PASSWORD=Long-Enough-Pass-1 "$APP_BIN" --check-config 2>&1)
expect_eq "production with good secrets passes --check-config" "$?" 0
out=$(timeout 10 env ENVIRONMENT=production SECRET_KEY=short FCGI_SOCKET="$T_TMP/prod.sock" "$APP_BIN" 2>&1)
expect_eq "the app itself refuses to start with them (exit 78)" "$?" 78
check "and listens on nothing" test ! -e "$T_TMP/prod.sock"
out=$(ENVIRONMENT=production SECRET_KEY=short "$MIGRATE_BIN" --status 2>&1)
expect_eq "so does infrascope-migrate (exit 78)" "$?" 78
out=$(env -u SECRET_KEY -u FIRST_SUPERUSER_PASSWORD ENVIRONMENT=development "$APP_BIN" --check-config 2>&1)
expect_eq "development allows both empty" "$?" 0
out=$(BACKEND_CORS_ORIGINS='*' "$APP_BIN" --check-config 2>&1)
expect_eq "BACKEND_CORS_ORIGINS=* is refused (exit 78)" "$?" 78
expect_match "naming the variable" "$out" 'BACKEND_CORS_ORIGINS'

# ==== own account: shape, password change ====

api GET /api/v1/users/me "$VT"
expect_eq "/users/me answers 200" "$STATUS" 200
expect_eq "/users/me has exactly the public fields" "$(json 'keys | join(",")')" \
	"created_at,email,full_name,id,is_active,language,last_login_at,role,updated_at"
expect_eq "its id" "$(json .id)" "$VIEWER_ID"
expect_eq "its email" "$(json .email)" "$VIEWER_EMAIL"
expect_eq "its role" "$(json .role)" viewer
expect_eq "active" "$(json .is_active)" true
expect_match "times are ISO 8601 UTC" "$(json .created_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
no_secrets "/users/me shows no password hash"
api_json PATCH /api/v1/users/me "$VT" '{"role":"admin"}'
expect_eq "one cannot change one's own role (422)" "$STATUS" 422
api_json PATCH /api/v1/users/me "$VT" '{"language":"en"}'
expect_eq "one's language can be set" "$(json .language)" en
no_secrets "PATCH /users/me shows no password hash"

PWU_ID=$(new_user operator pwchange)
PWU_EMAIL="$U.pwchange@test.local"
login "$PWU_EMAIL" "$PW"
P1=$(json .access_token)
login "$PWU_EMAIL" "$PW"
P2=$(json .access_token)
P2R=$(json .refresh_token)
api_json PATCH /api/v1/users/me/password "$P1" "{\"current_password\":\"wrong-$PW\",\"new_password\":\"A-New-Password-$U\"}"
expect_eq "changing the password with a wrong current one: 403" "$STATUS" 403
expect_eq "with wrong_password" "$(json .error.code)" wrong_password
# Guessing the current password with a stolen session meets the sign-in limiter.
new_user operator pwguess >/dev/null
login "$U.pwguess@test.local" "$PW"
G=$(json .access_token)
for i in 1 2 3 4 5; do
	api_json PATCH /api/v1/users/me/password "$G" "{\"current_password\":\"guess-$i\",\"new_password\":\"A-New-Password-$U\"}"
done
expect_eq "5 wrong current passwords: each 403" "$STATUS" 403
api_json PATCH /api/v1/users/me/password "$G" "{\"current_password\":\"$PW\",\"new_password\":\"A-New-Password-$U\"}"
expect_eq "then even the right one: 429" "$STATUS" 429
check "  with Retry-After" test -n "$(header retry-after)"
expect_eq "  the block is audited" \
	"$(psql_app "SELECT count(*) > 0 FROM events WHERE type = 'password_change_blocked'")" t
api_json PATCH /api/v1/users/me/password "$P1" "{\"current_password\":\"$PW\",\"new_password\":\"short\"}"
expect_eq "a too short new password: 422" "$STATUS" 422
api_json PATCH /api/v1/users/me/password "$P1" "{\"current_password\":\"$PW\",\"new_password\":\"Password123\"}"
expect_eq "a common new password: 422" "$STATUS" 422
api_json PATCH /api/v1/users/me/password "$P1" "{\"current_password\":\"$PW\",\"new_password\":\"$PWU_EMAIL\"}"
expect_eq "the email as the new password: 422" "$STATUS" 422
expect_eq "with weak_password" "$(json .error.code)" weak_password
api_json PATCH /api/v1/users/me/password "$P1" "{\"current_password\":\"$PW\"}"
expect_eq "no new password: 422" "$STATUS" 422
api GET /api/v1/users/me "$P2"
expect_eq "failed attempts end no session" "$STATUS" 200
api_json PATCH /api/v1/users/me/password "$P1" "{\"current_password\":\"$PW\",\"new_password\":\"A-New-Password-$U\"}"
expect_eq "the right current password and a good new one: 204" "$STATUS" 204
api GET /api/v1/users/me "$P2"
expect_eq "the other session's access token is now refused" "$STATUS" 401
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$P2R\"}"
expect_eq "and its refresh token too" "$STATUS" 401
api GET /api/v1/users/me "$P1"
expect_eq "the session that changed it goes on" "$STATUS" 200
login "$PWU_EMAIL" "$PW"
expect_eq "the old password no longer signs in" "$STATUS" 401
login "$PWU_EMAIL" "A-New-Password-$U"
expect_eq "the new one does" "$STATUS" 200
expect_match "the new hash is Argon2id too" "$(psql_app "SELECT password_hash FROM users WHERE id = $PWU_ID")" \
	'^\$argon2id\$v=19\$m=19456,t=2,p=1\$'

# ==== the users API (admin) ====

api_json POST /api/v1/users "$ADMIN_TOKEN" \
	"{\"email\":\"$U.Created@Test.local\",\"full_name\":\"Иван Петров\",\"role\":\"operator\",\"password\":\"$PW\"}"
expect_eq "creating a user: 201" "$STATUS" 201
CID=$(json .id)
expect_eq "Location names the new user" "$(header location)" "/api/v1/users/$CID"
expect_eq "the email is kept as typed" "$(json .email)" "$U.Created@Test.local"
expect_eq "the name (UTF-8)" "$(json .full_name)" "Иван Петров"
expect_eq "the role" "$(json .role)" operator
expect_eq "active by default" "$(json .is_active)" true
no_secrets "the 201 answer shows no password hash"
expect_event "user_created is recorded with the acting admin" user_created "$ADMIN_ID" "(payload->>'target_user_id')::bigint = $CID"

api_json POST /api/v1/users "$ADMIN_TOKEN" "{\"email\":\"$U.CREATED@test.LOCAL\",\"role\":\"viewer\",\"password\":\"$PW\"}"
expect_eq "the same email in other case: 409" "$STATUS" 409
expect_eq "with conflict" "$(json .error.code)" conflict
api_json POST /api/v1/users "$ADMIN_TOKEN" "{\"email\":\"not-an-email\",\"role\":\"viewer\",\"password\":\"$PW\"}"
expect_eq "a bad email: 422" "$STATUS" 422
api_json POST /api/v1/users "$ADMIN_TOKEN" "{\"email\":\"$U.x1@test.local\",\"role\":\"root\",\"password\":\"$PW\"}"
expect_eq "a bad role: 422" "$STATUS" 422
api_json POST /api/v1/users "$ADMIN_TOKEN" "{\"email\":\"$U.x2@test.local\",\"role\":\"viewer\",\"password\":\"$PW\",\"is_admin\":true}"
expect_eq "an unknown field: 422" "$STATUS" 422
expect_match "naming it" "$(json .error.message)" 'is_admin'
api_json POST /api/v1/users "$ADMIN_TOKEN" "{\"email\":\"$U.x3@test.local\",\"role\":\"viewer\"}"
expect_eq "no password: 422" "$STATUS" 422
api_json POST /api/v1/users "$ADMIN_TOKEN" "{\"email\":\"$U.x4@test.local\",\"role\":\"viewer\",\"password\":\"qwerty123\"}"
expect_eq "a common password: 422" "$STATUS" 422
api_json POST /api/v1/users "$ADMIN_TOKEN" "{\"email\":\"$U.x5@test.local\",\"role\":\"viewer\",\"password\":\"$PW\",\"language\":\"de\"}"
expect_eq "an unsupported language: 422" "$STATUS" 422
api_json POST /api/v1/users "$ADMIN_TOKEN" '[1,2]'
expect_eq "a body that is not an object: 422" "$STATUS" 422
expect_eq "none of the refused users exists" \
	"$(psql_app "SELECT count(*) FROM users WHERE email LIKE '$U.x%'")" 0

api GET "/api/v1/users/$CID" "$ADMIN_TOKEN"
expect_eq "GET a user: 200" "$STATUS" 200
expect_eq "the same user" "$(json .email)" "$U.Created@Test.local"
no_secrets "GET a user shows no password hash"
api GET /api/v1/users/999999999 "$ADMIN_TOKEN"
expect_eq "GET an unknown user: 404" "$STATUS" 404
api_json PATCH "/api/v1/users/$CID" "$ADMIN_TOKEN" '{"full_name":"Ivan P.","role":"viewer"}'
expect_eq "PATCH a user: 200" "$STATUS" 200
expect_eq "the name changed" "$(json .full_name)" "Ivan P."
expect_eq "the role changed" "$(json .role)" viewer
no_secrets "PATCH shows no password hash"
expect_event "user_updated is recorded" user_updated "$ADMIN_ID" "(payload->>'target_user_id')::bigint = $CID AND payload->>'role' = 'viewer'"
api_json PATCH "/api/v1/users/$CID" "$ADMIN_TOKEN" "{\"email\":\"$VIEWER_EMAIL\"}"
expect_eq "PATCH to another user's email: 409" "$STATUS" 409
api_json PATCH "/api/v1/users/$CID" "$ADMIN_TOKEN" '{"email":"a b@c"}'
expect_eq "PATCH with a bad email: 422" "$STATUS" 422
api_json PATCH "/api/v1/users/$CID" "$ADMIN_TOKEN" '{"password":"short"}'
expect_eq "PATCH with a weak password: 422" "$STATUS" 422
api_json PATCH /api/v1/users/999999999 "$ADMIN_TOKEN" '{"full_name":"x"}'
expect_eq "PATCH an unknown user: 404" "$STATUS" 404

total=$(psql_app "SELECT count(*) FROM users")
api GET '/api/v1/users?limit=2&offset=0' "$ADMIN_TOKEN"
expect_eq "the list answers 200" "$STATUS" 200
expect_eq "limit=2 gives 2 items" "$(json '.items | length')" 2
expect_eq "total counts every user" "$(json .total)" "$total"
expect_eq "limit and offset are echoed" "$(json '"\(.limit),\(.offset)"')" "2,0"
first_two=$(json '[.items[].id] | join(",")')
no_secrets "the list shows no password hash"
api GET '/api/v1/users?limit=2&offset=1' "$ADMIN_TOKEN"
expect_eq "offset=1 moves the window by one" "$(json '.items[0].id')" "${first_two#*,}"
api GET "/api/v1/users?limit=500&offset=$total" "$ADMIN_TOKEN"
expect_eq "past the end: no items" "$(json '.items | length')" 0
expect_eq "and the same total" "$(json .total)" "$total"
api GET '/api/v1/users?limit=500' "$ADMIN_TOKEN"
expect_eq "every user fits in one page of 500" "$(json '.items | length')" "$total"
no_secrets "the full list shows no password hash"
api GET '/api/v1/users?limit=0' "$ADMIN_TOKEN"
expect_eq "limit=0: 422" "$STATUS" 422
api GET '/api/v1/users?limit=501' "$ADMIN_TOKEN"
expect_eq "limit=501: 422" "$STATUS" 422
api GET '/api/v1/users?offset=-1' "$ADMIN_TOKEN"
expect_eq "offset=-1: 422" "$STATUS" 422

api GET /api/v1/users "$VT"
expect_eq "a viewer may not list users: 403" "$STATUS" 403
expect_eq "with forbidden" "$(json .error.code)" forbidden
denied_trace=$(header x-trace-id)
expect_event "access_denied is recorded with the viewer and the response's trace id" access_denied "$VIEWER_ID" \
	"trace_id = '$denied_trace' AND payload->>'needs' = 'admin'"

login "$U.created@test.local" "$PW"
CT=$(json .access_token)
api_json PATCH "/api/v1/users/$CID" "$ADMIN_TOKEN" "{\"password\":\"Reset-By-Admin-$U\"}"
expect_eq "an admin sets a user's password: 200" "$STATUS" 200
api GET /api/v1/users/me "$CT"
expect_eq "which ends the user's sessions" "$STATUS" 401
login "$U.created@test.local" "Reset-By-Admin-$U"
expect_eq "the user signs in with the new password" "$STATUS" 200
CT=$(json .access_token)
api DELETE "/api/v1/users/$CID" "$ADMIN_TOKEN"
expect_eq "DELETE a user: 204" "$STATUS" 204
api GET /api/v1/users/me "$CT"
expect_eq "a deleted user's token: 401" "$STATUS" 401
api GET "/api/v1/users/$CID" "$ADMIN_TOKEN"
expect_eq "then it is gone (404)" "$STATUS" 404
api DELETE "/api/v1/users/$CID" "$ADMIN_TOKEN"
expect_eq "DELETE it again: 404" "$STATUS" 404
expect_event "user_deleted is recorded" user_deleted "$ADMIN_ID" "(payload->>'target_user_id')::bigint = $CID"

# ==== a disabled user ====

DIS_ID=$(new_user viewer disabled)
DIS_EMAIL="$U.disabled@test.local"
login "$DIS_EMAIL" "$PW"
D1=$(json .access_token)
D1R=$(json .refresh_token)
api GET /api/v1/users/me "$D1"
expect_eq "before: the user's token works" "$STATUS" 200
api_json PATCH "/api/v1/users/$DIS_ID" "$ADMIN_TOKEN" '{"is_active":false}'
expect_eq "the admin disables the user" "$STATUS" 200
expect_eq "is_active is false" "$(json .is_active)" false
api GET /api/v1/users/me "$D1"
expect_eq "the disabled user's existing access token: 401" "$STATUS" 401
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' --data "{\"refresh_token\":\"$D1R\"}"
expect_eq "and refresh token: 401" "$STATUS" 401
login "$DIS_EMAIL" "$PW"
expect_eq "a disabled user cannot sign in, even with the right password" "$STATUS" 401
expect_eq "and hears the same as for a wrong password" "$BODY" "$wrong_body"
expect_event "the refusal is recorded as disabled" login_failed "$DIS_ID" "payload->>'reason' = 'disabled'"
api_json PATCH "/api/v1/users/$DIS_ID" "$ADMIN_TOKEN" '{"is_active":true}'
login "$DIS_EMAIL" "$PW"
expect_eq "enabled again, the user signs in" "$STATUS" 200
api GET /api/v1/users/me "$D1"
expect_eq "but the old token stays dead" "$STATUS" 401

# ==== the last active administrator ====

# Only the first admin may be an active admin for this part: others left by earlier suites
# are set aside for its duration and put back afterwards.
others=$(psql_app "SELECT string_agg(id::text, ',') FROM users WHERE role = 'admin' AND is_active AND id <> $ADMIN_ID")
[ -n "$others" ] && psql_app "UPDATE users SET is_active = false WHERE id IN ($others)" >/dev/null
api_json PATCH "/api/v1/users/$ADMIN_ID" "$ADMIN_TOKEN" '{"role":"operator"}'
expect_eq "the last active admin cannot be demoted: 409" "$STATUS" 409
expect_eq "with last_admin" "$(json .error.code)" last_admin
api_json PATCH "/api/v1/users/$ADMIN_ID" "$ADMIN_TOKEN" '{"is_active":false}'
expect_eq "nor disabled: 409 last_admin" "$STATUS $(json .error.code)" "409 last_admin"
api DELETE "/api/v1/users/$ADMIN_ID" "$ADMIN_TOKEN"
expect_eq "nor deleted: 409 last_admin" "$STATUS $(json .error.code)" "409 last_admin"
expect_eq "and stays an active admin" "$(psql_app "SELECT role || ',' || is_active FROM users WHERE id = $ADMIN_ID")" "admin,true"
api GET /api/v1/users/me "$ADMIN_TOKEN"
expect_eq "whose session still works" "$STATUS" 200

A2_ID=$(new_user admin admin2)
login "$U.admin2@test.local" "$PW"
A2T=$(json .access_token)
# Two admins demoting each other at the same moment: one wins, the other gets 409.
pids=()
curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 -X PATCH -H "Authorization: Bearer $ADMIN_TOKEN" \
	-H 'Content-Type: application/json' --data '{"role":"operator"}' "$BASE_URL/api/v1/users/$A2_ID" >"$T_TMP/race.1" &
pids+=($!)
curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 -X PATCH -H "Authorization: Bearer $A2T" \
	-H 'Content-Type: application/json' --data '{"role":"operator"}' "$BASE_URL/api/v1/users/$ADMIN_ID" >"$T_TMP/race.2" &
pids+=($!)
wait "${pids[@]}"
# The loser gets 409 (last_admin) when both were admitted, or 403 when the winner had already
# demoted it before its own request was authorised.
expect_match "two admins demoting each other at once: one 200, the other refused" \
	"$(cat "$T_TMP"/race.* | sort | tr '\n' ' ')" '^200 (403|409) $'
expect_eq "exactly one of them is still an admin" \
	"$(psql_app "SELECT count(*) FROM users WHERE id IN ($ADMIN_ID, $A2_ID) AND role = 'admin' AND is_active")" 1
if [ "$(psql_app "SELECT role FROM users WHERE id = $ADMIN_ID")" = admin ]; then
	api_json PATCH "/api/v1/users/$A2_ID" "$ADMIN_TOKEN" '{"role":"admin"}'
else
	api_json PATCH "/api/v1/users/$ADMIN_ID" "$A2T" '{"role":"admin"}'
fi
expect_eq "the loser is promoted back by the winner" "$STATUS" 200
api_json PATCH "/api/v1/users/$ADMIN_ID" "$A2T" '{"role":"operator"}'
expect_eq "with a second admin, the first can be demoted" "$STATUS" 200
api_json PATCH "/api/v1/users/$A2_ID" "$A2T" '{"role":"viewer"}'
expect_eq "and then the second is the last one (409)" "$STATUS $(json .error.code)" "409 last_admin"
api_json PATCH "/api/v1/users/$ADMIN_ID" "$A2T" '{"role":"admin"}'
expect_eq "the first is promoted back" "$STATUS" 200
api_json PATCH "/api/v1/users/$A2_ID" "$ADMIN_TOKEN" '{"is_active":false}'
expect_eq "with two admins, one can be disabled" "$STATUS" 200
api_json PATCH "/api/v1/users/$A2_ID" "$ADMIN_TOKEN" '{"is_active":true}'
api DELETE "/api/v1/users/$A2_ID" "$ADMIN_TOKEN"
expect_eq "and deleted" "$STATUS" 204
[ -n "$others" ] && psql_app "UPDATE users SET is_active = true WHERE id IN ($others)" >/dev/null
expect_eq "the first admin is an active admin again" "$(psql_app "SELECT role || ',' || is_active FROM users WHERE id = $ADMIN_ID")" "admin,true"

# ==== every audit event type was written with its context ====

for type in login_succeeded login_failed login_blocked logout token_reuse user_created user_updated \
	user_deleted access_denied csrf_rejected; do
	n=$(psql_app "SELECT count(*) FROM events WHERE id > $EV0 AND type = '$type'")
	bad=$(psql_app "SELECT count(*) FROM events WHERE id > $EV0 AND type = '$type' AND
		(payload->>'client_ip' IS NULL OR trace_id IS NULL OR trace_id !~ '^[0-9a-f]{32}$')")
	check "audit: $type events were written ($n), each with client_ip and a trace id" test "${n:-0}" -ge 1 -a "$bad" = 0
done
expect_eq "audit events never hold a password" \
	"$(psql_app "SELECT count(*) FROM events WHERE id > $EV0 AND (payload::text ILIKE '%$PW%' OR payload::text LIKE '%argon2%')")" 0

# ==== CORS (the app restarted with BACKEND_CORS_ORIGINS, then restored) ====

CORS_ORIGINS='https://ops.example.com, http://127.0.0.1:3000/'
# app_env_has NAME: the running app's environment has the variable.
app_env_has() {
	tr '\0' '\n' <"/proc/$(cat "$STACK/run/app.pid")/environ" | grep -q "^$1="
}
# restart_app: stop the stack's app (it must stop cleanly) and start it again with our
# environment, the way the runner started it (tests/harness/lib.sh).
restart_app() {
	local stops
	stops=$(grep -c 'event=stopped' "$STACK/log/app.log")
	app_stop
	check "the app stopped cleanly for the restart" test "$(grep -c 'event=stopped' "$STACK/log/app.log")" -gt "$stops"
	app_start "$APP_BIN"
	wait_http "$BASE_URL/api/v1/health" 10
}
if app_env_has BACKEND_CORS_ORIGINS; then not_ok "the stack's app runs without BACKEND_CORS_ORIGINS"; else ok "the stack's app runs without BACKEND_CORS_ORIGINS"; fi
http GET /api/v1/health -H 'Origin: https://ops.example.com'
expect_eq "unset: no origin is allowed" "$(header access-control-allow-origin)" ""
export BACKEND_CORS_ORIGINS="$CORS_ORIGINS"
restart_app
unset BACKEND_CORS_ORIGINS
check "the app restarted with BACKEND_CORS_ORIGINS" app_env_has BACKEND_CORS_ORIGINS

http GET /api/v1/health -H 'Origin: https://ops.example.com'
expect_eq "a listed origin is echoed" "$(header access-control-allow-origin)" https://ops.example.com
expect_eq "with credentials allowed" "$(header access-control-allow-credentials)" true
expect_match "and Vary: Origin" "$(header vary)" 'Origin'
http GET /api/v1/health -H 'Origin: http://127.0.0.1:3000'
expect_eq "the second listed origin too (its trailing slash dropped)" "$(header access-control-allow-origin)" http://127.0.0.1:3000
http OPTIONS /api/v1/users/me -H 'Origin: https://ops.example.com' -H 'Access-Control-Request-Method: PATCH' \
	-H 'Access-Control-Request-Headers: authorization, content-type, x-csrf-token'
expect_eq "a preflight answers 204" "$STATUS" 204
expect_eq "echoing the origin" "$(header access-control-allow-origin)" https://ops.example.com
expect_match "Allow-Methods includes PATCH" "$(header access-control-allow-methods)" 'PATCH'
expect_match "Allow-Headers includes Authorization" "$(header access-control-allow-headers)" 'Authorization'
expect_match "and Content-Type and X-CSRF-Token" "$(header access-control-allow-headers)" 'Content-Type.*X-CSRF-Token|X-CSRF-Token.*Content-Type'
expect_eq "with credentials" "$(header access-control-allow-credentials)" true
api GET /api/v1/users/me "$VT" -H 'Origin: https://ops.example.com'
expect_eq "a credentialed call from the listed origin works" "$STATUS $(header access-control-allow-origin)" "200 https://ops.example.com"
http GET /api/v1/health -H 'Origin: https://evil.example'
expect_eq "an unlisted origin gets no Allow-Origin" "$(header access-control-allow-origin)" ""
expect_eq "nor Allow-Credentials" "$(header access-control-allow-credentials)" ""
http OPTIONS /api/v1/users/me -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: PATCH'
expect_eq "nor a preflight answer" "$(header access-control-allow-methods)$(header access-control-allow-origin)" ""
http GET /api/v1/health -H 'Origin: https://ops.example.com.evil.example'
expect_eq "a look-alike origin gets nothing" "$(header access-control-allow-origin)" ""
http GET /login -H 'Origin: https://ops.example.com'
expect_eq "pages never carry CORS headers" "$(header access-control-allow-origin)" ""
jar="$T_TMP/cors.jar"
rm -f "$jar"
browser_login "$jar" "$VIEWER_EMAIL" "$PW"
csrf=$(page_csrf "$jar" /)
http PATCH /api/v1/users/me -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Origin: https://ops.example.com' \
	-H 'Content-Type: application/json' --data '{"full_name":"From Ops"}'
expect_eq "a cookie call from a listed origin passes the origin check" "$STATUS" 200
http PATCH /api/v1/users/me -b "$jar" -H 'Origin: https://ops.example.com' \
	-H 'Content-Type: application/json' --data '{"full_name":"No Token"}'
expect_eq "but still needs its CSRF token" "$STATUS" 403

restart_app
if app_env_has BACKEND_CORS_ORIGINS; then not_ok "the app is back without BACKEND_CORS_ORIGINS"; else ok "the app is back without BACKEND_CORS_ORIGINS"; fi
http GET /api/v1/health -H 'Origin: https://ops.example.com'
expect_eq "and allows no origin again" "$STATUS:$(header access-control-allow-origin)" "200:"
api GET /api/v1/users/me "$VT"
expect_eq "tokens survive the restart (same SECRET_KEY)" "$STATUS" 200

# ==== housekeeping: expired rows are purged ====

if [ -x "$HOUSEKEEPING_BIN" ]; then
	s_exp=$(cat /proc/sys/kernel/random/uuid)
	s_old=$(cat /proc/sys/kernel/random/uuid)
	s_live=$(cat /proc/sys/kernel/random/uuid)
	j_exp=$(openssl rand -hex 16)
	j_live=$(openssl rand -hex 16)
	h_exp=$(openssl rand -hex 32)
	h_live=$(openssl rand -hex 32)
	psql_app "
		INSERT INTO sessions (id, user_id, expires_at) VALUES
			('$s_exp', $VIEWER_ID, now() - interval '1 minute'),
			('$s_live', $VIEWER_ID, now() + interval '1 day');
		INSERT INTO sessions (id, user_id, expires_at, revoked_at, revoke_reason) VALUES
			('$s_old', $VIEWER_ID, now() + interval '1 day', now() - interval '2 days', 'logout');
		INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES
			('$h_exp', '$s_live', now() - interval '1 minute'),
			('$h_live', '$s_live', now() + interval '1 day');
		INSERT INTO revoked_tokens (jti, expires_at) VALUES
			('$j_exp', now() - interval '1 minute'), ('$j_live', now() + interval '1 hour');
		INSERT INTO login_attempts (client_ip, email, window_start, failures) VALUES
			('192.0.2.1', '$U.hk-old@test.local', now() - interval '1 day', 3),
			('192.0.2.1', '$U.hk-new@test.local', now(), 3);" >/dev/null
	out=$("$HOUSEKEEPING_BIN" 2>&1)
	expect_eq "infrascope-housekeeping exits 0" "$?" 0
	expect_match "and says what it removed" "$out" 'removed [0-9]+ session'
	expect_eq "an expired session is deleted" "$(psql_app "SELECT count(*) FROM sessions WHERE id = '$s_exp'")" 0
	expect_eq "a session revoked two days ago is deleted" "$(psql_app "SELECT count(*) FROM sessions WHERE id = '$s_old'")" 0
	expect_eq "a live session is kept" "$(psql_app "SELECT count(*) FROM sessions WHERE id = '$s_live'")" 1
	expect_eq "an expired refresh token is deleted" "$(psql_app "SELECT count(*) FROM refresh_tokens WHERE token_hash = '$h_exp'")" 0
	expect_eq "a live refresh token is kept" "$(psql_app "SELECT count(*) FROM refresh_tokens WHERE token_hash = '$h_live'")" 1
	expect_eq "an expired revoked token id is deleted" "$(psql_app "SELECT count(*) FROM revoked_tokens WHERE jti = '$j_exp'")" 0
	expect_eq "a revoked token id still in its lifetime is kept" "$(psql_app "SELECT count(*) FROM revoked_tokens WHERE jti = '$j_live'")" 1
	expect_eq "an old login counter is deleted" "$(psql_app "SELECT count(*) FROM login_attempts WHERE email = '$U.hk-old@test.local'")" 0
	expect_eq "a current login counter is kept" "$(psql_app "SELECT count(*) FROM login_attempts WHERE email = '$U.hk-new@test.local'")" 1
	expect_eq "the revoked token of the logout earlier is kept until it expires" \
		"$(psql_app "SELECT count(*) FROM revoked_tokens WHERE jti = '$(claim "$LT" jti)'")" 1
	api GET /api/v1/users/me "$VT"
	expect_eq "live sign-ins are untouched" "$STATUS" 200
	psql_app "DELETE FROM sessions WHERE id = '$s_live'; DELETE FROM revoked_tokens WHERE jti = '$j_live';
		DELETE FROM login_attempts WHERE client_ip = '192.0.2.1'" >/dev/null
else
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM # SKIP housekeeping binary not built yet"
fi

# ==== nginx's limit_req layer (last: it spends the address's burst) ====

# ~120 attempts at once with different emails: the app's own counter never triggers, nginx's
# per-address rate (LOGIN_RATE/LOGIN_BURST) does.
# (Waits for these curls only: the app restarted above is a child of this shell too.)
pids=()
for i in $(seq 1 120); do
	curl -s -o "$T_TMP/ng.$i" -w '%{http_code}\n' --max-time 30 -X POST -H 'Content-Type: application/json' \
		--data "{\"email\":\"$U.flood$i@test.local\",\"password\":\"x\"}" "$BASE_URL/api/v1/auth/login" >"$T_TMP/ngc.$i" &
	pids+=($!)
done
wait "${pids[@]}"
n429=$(cat "$T_TMP"/ngc.* | grep -c '^429')
n401=$(cat "$T_TMP"/ngc.* | grep -c '^401')
check "a flood of logins from one address: some are refused with 429 ($n429 of 120)" test "$n429" -ge 1
check "and the rest reach the app and get 401 ($n401)" test "$((n401 + n429))" -eq 120 -a "$n401" -ge 1
codes=$(for f in "$T_TMP"/ng.*; do jq -r .error.code "$f" 2>/dev/null; done | sort | uniq -c | awk '{ printf "%s ", $2 }')
expect_eq "the 429s are nginx's, in the API's JSON shape (too_many_requests)" "$codes" "invalid_credentials too_many_requests "
expect_eq "the app's own counter never triggered" \
	"$(psql_app "SELECT count(*) FROM login_attempts WHERE email LIKE '$U.flood%' AND failures > 1")" 0
# Let the bucket refill before the next suite signs in.
sleep 6
login "$VIEWER_EMAIL" "$PW"
expect_eq "after a pause, signing in works again" "$STATUS" 200

done_testing
