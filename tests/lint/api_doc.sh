# docs/API.md keeps up with the code: every /api/v1 route of `infrascope.fcgi --routes` is
# named there as "METHOD /api/v1/path" ({id} for {id:int}), and every "METHOD /api/v1/path"
# the document names is a route that exists. API_DOC=FILE checks another file (to try the test).
. "$(dirname "$0")/../integration/lib.sh"

cd "$REPO" || exit 1
DOC=${API_DOC:-docs/API.md}
APP=${APP_BIN:-$REPO/cgi-bin/infrascope.fcgi}

if [ ! -f "$DOC" ]; then
	not_ok "$DOC exists"
	done_testing
	exit
fi
ok "$DOC exists"

if routes=$("$APP" --routes 2>&1); then
	ok "$APP --routes runs"
else
	not_ok "$APP --routes runs" "$routes" "(build it first: make)"
	done_testing
	exit
fi

# "METHOD /api/v1/path" per API route, one a line; {name:type} written as {name}.
want=$(printf '%s\n' "$routes" | awk '$2 ~ /^\/api\/v1(\/|$)/ { print $1, $2 }' |
	while read -r methods path; do
		for m in ${methods//,/ }; do
			printf '%s %s\n' "$m" "$(printf '%s' "$path" | sed -E 's/\{([A-Za-z_][A-Za-z0-9_]*):[^}]*\}/{\1}/g')"
		done
	done | sort -u)
n=$(printf '%s\n' "$want" | grep -c .)
check "--routes lists /api/v1 routes ($n)" test "$n" -gt 0

# A route is named when "METHOD /path" is followed by something that cannot continue a path,
# so "GET /api/v1/users" is not satisfied by "GET /api/v1/users/me".
while IFS= read -r r; do
	[ -n "$r" ] || continue
	re=$(printf '%s' "$r" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
	if grep -qE "(^|[^A-Za-z])${re}([^A-Za-z0-9_/{}.-]|$)" "$DOC"; then
		ok "$DOC documents $r"
	else
		not_ok "$DOC documents $r" "no \"$r\" in $DOC; add a section for it"
	fi
done <<<"$want"

# The other way round: what the document names must exist (a query string is not part of it).
stale=()
while IFS= read -r r; do
	[ -n "$r" ] || continue
	printf '%s\n' "$want" | grep -qxF -- "$r" || stale+=("$DOC names $r, which --routes does not list")
done < <(grep -oE '(GET|HEAD|POST|PUT|PATCH|DELETE) /api/v1[A-Za-z0-9_/{}.-]*' "$DOC" | sed -E 's#/$##' | sort -u)
if [ ${#stale[@]} -eq 0 ]; then
	ok "every route $DOC names exists"
else
	not_ok "every route $DOC names exists" "${stale[@]}"
fi

done_testing
