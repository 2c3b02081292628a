#!/usr/bin/env bash
# Check 2: every patch passes scripts/checkpatch.pl --strict. Exceptions
# are listed in tests/checkpatch-allow as "PATCH TYPE reason...", PATCH
# being the file name without its NNNN- number; an entry without a reason,
# or one that names no patch of the series, is an error.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

allow=$TOP/tests/checkpatch-allow
cp=$TREE/scripts/checkpatch.pl
[ -x "$cp" ] || [ -f "$cp" ] || die "no checkpatch.pl in $TREE"
n=0 bad=0
while read -r p; do
	name=$(basename "$p")
	name=${name#[0-9][0-9][0-9][0-9]-}
	ignore=
	if [ -f "$allow" ]; then
		while read -r file type reason; do
			[ "$file" = "$name" ] || continue
			[ -n "$reason" ] || { echo "$allow: $file $type has no reason"; bad=1; }
			ignore=${ignore:+$ignore,}$type
		done < <(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$allow")
	fi
	# Debian's python3 (with python3-ply) for spdxcheck.py, not a local one.
	if ! out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl "$cp" --strict --no-summary --quiet \
			--show-types ${ignore:+--ignore "$ignore"} "$p" 2>&1); then
		echo "$name:"
		echo "$out" | sed 's/^/    /'
		bad=1
	fi
	n=$((n + 1))
done < <(series_patches)
# An exception for a patch that is gone would hide nothing, or the next
# patch of that name: it must go too.
if [ -f "$allow" ]; then
	while read -r file _; do
		series_patches | sed 's#.*/[0-9]\{4\}-##' | grep -qxF "$file" ||
			{ echo "$allow: $file is no patch of the series"; bad=1; }
	done < <(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$allow")
fi
[ "$bad" = 0 ] || exit 1
echo "$n patches checkpatch --strict clean"
