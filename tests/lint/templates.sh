# Templates and string tables agree: every template escapes by default, every {{T_key}} and
# every key the C code asks for exists, and Russian and English have the same keys.
. "$(dirname "$0")/../integration/lib.sh"

cd "$REPO" || exit 1
PRAGMA='{{%AUTOESCAPE context="HTML"}}'

# keys LANG: the keys of templates/i18n/LANG.tsv, one a line, sorted (comments and blanks skipped).
keys() {
	awk -F '\t' '!/^#/ && NF > 0 { print $1 }' "templates/i18n/$1.tsv" | sort
}
keys ru >"$T_TMP/ru.keys"
keys en >"$T_TMP/en.keys"
has_key() { grep -qxF -- "$1" "$T_TMP/ru.keys"; }

# report NAME MISSING...: ok when nothing is missing, else name every missing item.
report() {
	local name=$1
	shift
	if [ $# -eq 0 ]; then ok "$name"; else not_ok "$name" "$@"; fi
}

# ---- templates ----
tpls=(templates/*.tpl)
check "there are templates" test -e "${tpls[0]}"
for t in "${tpls[@]}"; do
	first=$(head -n 1 "$t" | tr -d '\r')
	expect_eq "$t starts with the AUTOESCAPE pragma" "$first" "$PRAGMA"

	missing=()
	for m in $(grep -oE '\{\{T_[A-Za-z0-9_]+\}\}' "$t" | sed -E 's/^\{\{T_(.*)\}\}$/\1/' | sort -u); do
		has_key "$m" || missing+=("{{T_$m}} has no key $m in ru.tsv")
	done
	report "every {{T_...}} in $t names a key of ru.tsv" "${missing[@]}"
done

# ---- the string tables ----
for lang in ru en; do
	bad=$(awk -F '\t' '!/^#/ && NF > 0 && (NF != 2 || $2 == "") { print FILENAME ":" NR ": " $0 }' "templates/i18n/$lang.tsv")
	report "every line of $lang.tsv is key<TAB>text" ${bad:+"$bad"}
	dups=$(uniq -d "$T_TMP/$lang.keys")
	report "no key is defined twice in $lang.tsv" ${dups:+"duplicate: $dups"}
done
mapfile -t only_ru < <(comm -23 "$T_TMP/ru.keys" "$T_TMP/en.keys" | sed 's/^/in ru.tsv, missing from en.tsv: /')
report "every key of ru.tsv is in en.tsv" "${only_ru[@]}"
mapfile -t only_en < <(comm -13 "$T_TMP/ru.keys" "$T_TMP/en.keys" | sed 's/^/in en.tsv, missing from ru.tsv: /')
report "every key of en.tsv is in ru.tsv" "${only_en[@]}"

# ---- keys the C code asks for ----
# Literal keys: page_text(x, "key"), i18n_text(lang, "key"), page_begin(x, "title_key", ...):
# a string literal as the second argument.
literal=$(perl -0777 -ne '
	while (/\b(?:page_text|i18n_text|page_begin)\s*\(\s*[^,;()"]*,\s*"([^"]*)"/g) { print "$ARGV\t$1\n" }
	# the navigation table in page.c: { href, label_key, id }
	if (/\bnav\[\]\s*=\s*\{(.*?)\n\};/s) { my $t = $1; print "$ARGV\t$_\n" for ($t =~ /\{\s*"[^"]*"\s*,\s*"([^"]*)"/g) }
' cgi-bin/*.c | sort -u)
n=$(printf '%s' "$literal" | grep -c .)
check "the C code asks for literal keys ($n found; none would mean the call syntax changed)" test "$n" -gt 0
missing=()
while IFS=$'\t' read -r file key; do
	[ -n "$key" ] || continue
	has_key "$key" || missing+=("$file asks for \"$key\", which ru.tsv lacks")
done <<<"$literal"
report "every literal key in cgi-bin/*.c exists in ru.tsv" "${missing[@]}"

# The values dynamic keys are built from: the kinds and severities the schema allows, the
# statuses the error page knows.
sql_list() { # FILE COLUMN: the quoted values of "COLUMN IN (...)" in FILE
	perl -0777 -ne 'if (/\b'"$2"'\s+IN\s*\(([^)]*)\)/) { print "$_\n" for ($1 =~ /\x27([^\x27]*)\x27/g) }' "$1"
}
kinds=$(sql_list sql/0001_inventory.sql kind)
severities=$(sql_list sql/0002_events.sql severity)
statuses=$(perl -0777 -ne 'if (/\bknown\[\]\s*=\s*\{([^}]*)\}/) { print "$_\n" for ($1 =~ /(\d+)/g) }' cgi-bin/page.c)
expect_match "the device kinds come from the schema's CHECK" "$(echo $kinds)" '(^| )laser_printer( |$)'
expect_match "the severities come from the schema's CHECK" "$(echo $severities)" '(^| )warning( |$)'
expect_match "the error statuses come from page.c's known[]" "$(echo $statuses)" '(^| )404( |$)'

# Every key-shaped snprintf format ("kind_%s", "error_%d_title", ...) expanded over its values.
formats=$(perl -0777 -ne '
	while (/\bsnprintf\s*\([^;"]*?,\s*"([a-z][a-z0-9_]*%[sd][a-z0-9_]*)"/g) { print "$ARGV\t$1\n" }
' cgi-bin/*.c | sort -u)
missing=()
checked=0
while IFS=$'\t' read -r file fmt; do
	[ -n "$fmt" ] || continue
	case $fmt in
	kind_%s) values=$kinds ;;
	severity_%s) values=$severities ;;
	*%d*) values=$statuses ;;
	*)
		missing+=("$file builds keys from \"$fmt\": this test does not know its values; teach it")
		continue
		;;
	esac
	for v in $values; do
		# shellcheck disable=SC2059
		key=$(printf "$fmt" "$v")
		checked=$((checked + 1))
		has_key "$key" || missing+=("$file builds \"$fmt\" → \"$key\", which ru.tsv lacks")
	done
done <<<"$formats"
expect_match "the dynamic key formats are found" "$(printf '%s\n' "$formats" | cut -f2 | sort -u | tr '\n' ' ')" \
	'error_%d_text error_%d_title kind_%s severity_%s'
report "every dynamically built key exists in ru.tsv ($checked checked)" "${missing[@]}"

# The home page lists exactly the kinds the schema allows, so none is silently left out.
home_kinds=$(perl -0777 -ne 'if (/\bkinds\[\]\s*=\s*\{([^}]*)\}/) { print "$_\n" for ($1 =~ /"([^"]*)"/g) }' cgi-bin/ui-home.c)
expect_eq "ui-home.c's kinds[] are the schema's kinds" "$(echo $home_kinds)" "$(echo $kinds)"

done_testing
