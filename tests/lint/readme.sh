# README.md tells the truth: the two commands, every Debian package the Makefile installs,
# every setting the app reads (as listed by --help-config), and links that lead somewhere.
. "$(dirname "$0")/../integration/lib.sh"

cd "$REPO" || exit 1
README=README.md
APP=${APP_BIN:-$REPO/cgi-bin/infrascope.fcgi}

if [ ! -f "$README" ]; then
	not_ok "README.md exists"
	done_testing
	exit
fi
ok "README.md exists"
text=$(cat "$README")

expect_match "README.md shows make run" "$text" '(^|[^a-z-])make run([^a-z-]|$)'
expect_match "README.md shows make test" "$text" '(^|[^a-z-])make test([^a-z-]|$)'

# ---- packages: `make deps-list` prints "purpose: pkg pkg ..." lines ----
pkgs=$(make -s --no-print-directory deps-list 2>/dev/null | sed -E 's/^[a-z]+:[[:space:]]*//' | tr ' ' '\n' | grep -v '^$')
n=$(printf '%s\n' "$pkgs" | grep -c .)
check "make deps-list names packages ($n)" test "$n" -gt 0
for p in $pkgs; do
	# A whole package name: "libpq-dev" must not be satisfied by "libpq-devel" or "xlibpq-dev".
	if grep -qE "(^|[^A-Za-z0-9.+-])$(printf '%s' "$p" | sed 's/[.+]/\\&/g')([^A-Za-z0-9.+-]|$)" "$README"; then
		ok "README.md lists package $p"
	else
		not_ok "README.md lists package $p" "make deps-list names $p; the README's Dependencies section does not"
	fi
done

# ---- settings: one "| `NAME` |" table row per variable --help-config lists ----
if help=$("$APP" --help-config 2>&1); then
	ok "$APP --help-config runs"
else
	not_ok "$APP --help-config runs" "$help"
fi
vars=$(printf '%s\n' "$help" | grep -E '^[A-Z][A-Z0-9_]*([[:space:]]|$)' | awk '{ print $1 }')
n=$(printf '%s\n' "$vars" | grep -c .)
check "--help-config lists settings ($n)" test "$n" -gt 0
for v in $vars; do
	if grep -qF "| \`$v\` |" "$README"; then
		ok "README.md documents $v"
	else
		not_ok "README.md documents $v" "no table row starting | \`$v\` | in README.md"
	fi
done

# ---- relative links point at files that exist ----
missing=()
for l in $(grep -oE '\]\([^)#[:space:]]+(#[^)]*)?\)' "$README" | sed -E 's/^\]\(([^)#]*).*$/\1/' | grep -vE '^[a-z]+:' | sort -u); do
	[ -e "$l" ] || missing+=("README.md links to $l, which does not exist")
done
if [ ${#missing[@]} -eq 0 ]; then ok "README.md's relative links lead to files"; else not_ok "README.md's relative links lead to files" "${missing[@]}"; fi

done_testing
