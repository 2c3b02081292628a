#!/usr/bin/env bash
# Check 1: the series applies to the base with no fuzz and no offsets.
# GNU patch reports both, so apply every patch with it, in order, on a
# scratch worktree at the base.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

wt=$BUILD/apply-check
[ -d "$TREE/.git" ] || die "no tree at $TREE; run 'make tree' first"
if [ ! -d "$wt" ]; then
	git -C "$TREE" worktree add -q --detach "$wt" base
fi
git -C "$wt" checkout -q -f --detach base
git -C "$wt" clean -q -fdx

n=0 bad=0
while read -r p; do
	out=$(cd "$wt" && patch -p1 -F0 -N --no-backup-if-mismatch -i "$p" 2>&1) || {
		echo "$(basename "$p"): does not apply:"
		echo "$out" | sed 's/^/    /'
		bad=1
		break
	}
	if echo "$out" | grep -qiE 'offset|fuzz'; then
		echo "$(basename "$p"): applies only with offsets or fuzz:"
		echo "$out" | grep -iE 'offset|fuzz' | sed 's/^/    /'
		bad=1
	fi
	n=$((n + 1))
done < <(series_patches)
[ "$bad" = 0 ] || exit 1
echo "$n patches apply cleanly to base"
