# Who may call what: walks the whole route table (`infrascope.fcgi --routes`) and calls every
# route as nobody, a viewer, an operator and an admin, so a route added without the right
# access level (or a handler that checks roles on its own and gets it wrong) shows up here.
#
#   public routes      never 401 or 403, whoever calls
#   nobody             401 under /api, a 303 to the sign-in page for pages
#   a role too low     403
#   a role high enough neither 401 nor 403, and no 5xx
#
# API routes are called with a Bearer token and a JSON body `{}` for writes; pages with the
# role's browser session (cookies) and, for POSTs, an empty form carrying a valid CSRF token.
# {id:int} is an existing user made for the purpose; deleting routes get a throw-away user
# each time and logout routes a throw-away session, so the walk never ends what it relies on.
. "$(dirname "$0")/lib.sh"

U="roles$$r$RANDOM"
PW="Roles-Walk-$U"
ROLES="none viewer operator admin"
declare -A LEVEL=([none]=0 [public]=0 [viewer]=1 [operator]=2 [admin]=3)
declare -A TOKEN JAR CSRF EMAIL

ROUTES=$("$APP_BIN" --routes)
expect_match "--routes lists the table" "$ROUTES" '^GET /api/v1/health public api_health$'
nroutes=$(printf '%s\n' "$ROUTES" | grep -c .)
bad=$(printf '%s\n' "$ROUTES" | grep -Ev '^[A-Z,]+ /[^ ]* (public|viewer|operator|admin) [a-z0-9_]+$')
expect_eq "every route line reads METHODS PATTERN ACCESS NAME" "$bad" ""

ADMIN_TOKEN=$(admin_token)
check "the first admin signs in" test -n "$ADMIN_TOKEN"

# create_user EMAIL ROLE: a new account (as the first admin); prints its id.
create_user() {
	curl -s --max-time 10 -X POST -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg e "$1" --arg r "$2" --arg p "$PW" '{email:$e,role:$r,password:$p}')" \
		"$BASE_URL/api/v1/users" | jq -r '.id // ""'
}

CREATED=()
for r in viewer operator admin; do
	EMAIL[$r]="$U.$r@test.local"
	id=$(create_user "${EMAIL[$r]}" "$r")
	check "an account for the walk: $r" test -n "$id"
	CREATED+=("$id")
	TOKEN[$r]=$(api_login "${EMAIL[$r]}" "$PW")
	check "the $r has a token" test -n "${TOKEN[$r]}"
	JAR[$r]="$T_TMP/$r.jar"
	check "the $r has a browser session" browser_login "${JAR[$r]}" "${EMAIL[$r]}" "$PW"
	CSRF[$r]=$(page_csrf "${JAR[$r]}" /)
	check "and its CSRF token" test -n "${CSRF[$r]}"
done
TOKEN[none]=""
JAR[none]="$T_TMP/none.jar"
CSRF[none]=$(page_csrf "${JAR[none]}" /login)
check "an anonymous browser has its CSRF token" test -n "${CSRF[none]}"
TARGET=$(create_user "$U.target@test.local" viewer)
check "a target user for the {id} routes" test -n "$TARGET"
CREATED+=("$TARGET")

THROWAWAY=0
# fresh_target: a user that may be deleted, in FRESH (not in a subshell: CREATED must grow).
fresh_target() {
	THROWAWAY=$((THROWAWAY + 1))
	FRESH=$(create_user "$U.throwaway$THROWAWAY@test.local" viewer)
	CREATED+=("$FRESH")
}

# call METHOD PATH ROLE DESTRUCTIVE LOGOUT: the request as ROLE (sets STATUS, BODY, HEADERS).
call() {
	local m=$1 p=$2 r=$3 destructive=$4 logout=$5 tok jar csrf id
	local -a args=()
	if [[ $p == *"{id:int}"* ]]; then
		id=$TARGET
		if [ "$destructive" = 1 ]; then
			fresh_target
			id=$FRESH
		fi
		p=${p//\{id:int\}/$id}
	fi
	p=$(printf '%s' "$p" | sed -E 's/\{[a-z_]+(:[a-z]+)?\}/x/g')
	if [[ $p == /api/* ]]; then
		tok=${TOKEN[$r]}
		if [ "$logout" = 1 ] && [ "$r" != none ]; then tok=$(api_login "${EMAIL[$r]}" "$PW"); fi
		[ -n "$tok" ] && args+=(-H "Authorization: Bearer $tok")
		case $m in
		POST | PUT | PATCH | DELETE) args+=(-H 'Content-Type: application/json' --data '{}') ;;
		esac
	else
		jar=${JAR[$r]}
		csrf=${CSRF[$r]}
		if [ "$logout" = 1 ] && [ "$r" != none ]; then
			jar="$T_TMP/logout-$r.jar"
			rm -f "$jar"
			browser_login "$jar" "${EMAIL[$r]}" "$PW"
			csrf=$(page_csrf "$jar" /)
		fi
		args+=(-b "$jar" -c "$jar")
		[ "$m" = POST ] && args+=(--data-urlencode "csrf=$csrf")
	fi
	http "$m" "$p" "${args[@]}"
	CALLED=$p
}

WALKED=0
while read -r methods pattern access name; do
	[ -n "$name" ] || continue
	destructive=0
	logout=0
	[[ $name == *delete* ]] && destructive=1
	[[ $name == *logout* ]] && logout=1
	for m in ${methods//,/ }; do
		[ "$m" = OPTIONS ] && continue
		for r in $ROLES; do
			call "$m" "$pattern" "$r" "$destructive" "$logout"
			WALKED=$((WALKED + 1))
			label="$m $pattern ($access, $name) as $r: $STATUS"
			detail="$m $CALLED answered $STATUS, location $(header location), body: $(printf '%s' "$BODY" | head -c 200)"
			if [ "$access" = public ]; then
				if [ "$STATUS" != 401 ] && [ "$STATUS" != 403 ] && [ "$STATUS" -lt 500 ]; then
					ok "$label (public)"
				else
					not_ok "$label (public: neither 401 nor 403 nor 5xx)" "$detail"
				fi
			elif [ "$r" = none ]; then
				if [[ $pattern == /api/* ]]; then
					if [ "$STATUS" = 401 ]; then ok "$label"; else not_ok "$label (want 401)" "$detail"; fi
				elif [ "$STATUS" = 303 ] && [[ $(header location) == /login* ]]; then
					ok "$label, to /login"
				else
					not_ok "$label (want 303 to /login)" "$detail"
				fi
			elif [ "${LEVEL[$r]}" -lt "${LEVEL[$access]}" ]; then
				if [ "$STATUS" = 403 ]; then ok "$label"; else not_ok "$label (want 403)" "$detail"; fi
			elif [ "$logout" = 1 ] && [ "$STATUS" = 303 ]; then
				# Signing out also ends on the sign-in page: it must really have been a logout.
				trace=$(header x-trace-id)
				if [ "$(psql_app "SELECT count(*) FROM events WHERE type = 'logout' AND trace_id = '$trace'")" = 1 ]; then
					ok "$label (allowed: signed out)"
				else
					not_ok "$label (allowed: want a logout)" "$detail" "no logout event with trace id $trace"
				fi
			else
				if [ "$STATUS" != 401 ] && [ "$STATUS" != 403 ] && [ "$STATUS" -lt 500 ] &&
					! { [ "$STATUS" = 303 ] && [[ $(header location) == /login* ]]; }; then
					ok "$label (allowed)"
				else
					not_ok "$label (allowed: want neither 401, 403, 5xx nor the sign-in page)" "$detail"
				fi
			fi
		done
	done
done <<<"$ROUTES"

# The walk must not have ended the sessions it relies on.
for r in viewer operator admin; do
	curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOKEN[$r]}" "$BASE_URL/api/v1/users/me" >"$T_TMP/code"
	expect_eq "the $r's token still works after the walk" "$(cat "$T_TMP/code")" 200
done
want=$(printf '%s\n' "$ROUTES" | awk '{ n += split($1, a, ","); n -= ($1 ~ /OPTIONS/) } END { print n * 4 }')
expect_eq "every route and method was called with every role" "$WALKED" "$want"

# Leave the shared database as it was: the accounts of this walk go.
for id in "${CREATED[@]}"; do
	[ -n "$id" ] && curl -s -o /dev/null --max-time 10 -X DELETE -H "Authorization: Bearer $ADMIN_TOKEN" \
		"$BASE_URL/api/v1/users/$id"
done
expect_eq "the walk's accounts are removed" "$(psql_app "SELECT count(*) FROM users WHERE email LIKE '$U.%'")" 0
check "all $nroutes routes were walked" test "$nroutes" -gt 20

done_testing
