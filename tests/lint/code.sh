# Static rules for the C sources: no unbounded string functions, no left-over markers, every
# library module has a header that opens with its contract, the library does not reach into
# the programs built on it, raw PQexec lives only in lib/db.c, and CI runs the README's command.
. "$(dirname "$0")/../integration/lib.sh"

cd "$REPO" || exit 1

# report NAME FINDINGS: ok when FINDINGS is empty, else list them.
report() {
	if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$(printf '%s' "$2" | head -n 30)"; fi
}

# Source files only (the built binaries also live in cgi-bin/ and batch/).
sources() {
	find "$@" -type f \( -name '*.c' -o -name '*.cc' -o -name '*.h' \) 2>/dev/null | sort
}
mapfile -t src_all < <(sources lib cgi-bin batch tests)
mapfile -t src_prod < <(sources lib cgi-bin batch)
check "there are C sources to check (${#src_all[@]})" test "${#src_prod[@]}" -gt 0

# ---- unbounded string functions ----
for f in sprintf strcpy strcat gets; do
	found=$(grep -nE "(^|[^A-Za-z0-9_])${f}[[:space:]]*\(" "${src_all[@]}" /dev/null)
	report "no $f( in lib cgi-bin batch tests" "$found"
done

# ---- markers ----
found=$(grep -rnIwE 'TODO|FIXME|XXX' lib cgi-bin batch)
report "no TODO, FIXME or XXX in lib cgi-bin batch" "$found"

# ---- every module has a header, and every header opens with its contract ----
missing=""
for f in lib/*.c lib/*.cc; do
	[ -e "$f" ] || continue
	base=$(basename "$f")
	base=${base%.*}
	mod=$base
	# http_parse.c belongs to http.h; metrics_process.c has its own metrics_process.h.
	while [ ! -f "lib/$mod.h" ] && [[ $mod == *_* ]]; do mod=${mod%_*}; done
	[ -f "lib/$mod.h" ] || missing+="$f has no lib/$base.h (nor a header of a module its name starts with)"$'\n'
done
report "every lib/ source belongs to a module with a header" "$missing"

bad=""
for h in lib/*.h; do
	[ -e "$h" ] || continue
	head -n 1 "$h" | grep -qE '^/\*' || bad+="$h: first line is not a comment: $(head -n 1 "$h")"$'\n'
done
report "every lib/*.h starts with a comment block (the module's contract)" "$bad"

# ---- layering: lib/ knows nothing of the programs ----
bad=""
for f in lib/*.c lib/*.cc lib/*.h; do
	[ -e "$f" ] || continue
	while IFS= read -r inc; do
		name=${inc##*/}
		if [[ $inc == *cgi-bin/* || $inc == *batch/* ]] ||
			{ [ ! -e "lib/$inc" ] && { [ -e "cgi-bin/$name" ] || [ -e "batch/$name" ]; }; }; then
			bad+="$f includes \"$inc\""$'\n'
		fi
	done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]+)[">].*/\1/p' "$f")
done
report "no file under lib/ includes a header from cgi-bin/ or batch/" "$bad"

# ---- raw PQexec only in the database module ----
found=$(grep -nE 'PQexec\(' "${src_all[@]}" /dev/null | grep -v '^lib/db\.c:')
report "PQexec( appears only in lib/db.c" "$found"

# ---- CI ----
if [ -f .ci/run ]; then ok ".ci/run exists"; else not_ok ".ci/run exists"; fi
check ".ci/run is executable" test -x .ci/run
check ".ci/run calls make test" grep -qE '(^|[^a-z-])make test([^a-z-]|$)' .ci/run

done_testing
