#!/usr/bin/env bash
# make resign ID="Name <email>": give every patch of the series that
# carries the placeholder identity (Kernel Team <team@localhost>) your own,
# as author and in its Signed-off-by line, then write the series out
# again. Patches by anyone else are left as they are. It rewrites the
# commits of the tree (make tree) and exports them with make export: to
# patches/ by default, or to EXPORT_DIR=DIR (a copy to send or carry,
# leaving this repository as it is; the tree is reset to patches/ after).
# Commit patches/ afterwards if you re-signed them in place.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PLACEHOLDER_NAME="Kernel Team"
PLACEHOLDER_EMAIL="team@localhost"

id=${ID:-${1:-}}
[ -n "$id" ] || die 'usage: make resign ID="Your Name <you@example.org>"'
name=$(sed -n 's/^[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*<\([^<>@[:space:]]\+@[^<>[:space:]]\+\)>[[:space:]]*$/\1/p' <<< "$id")
email=$(sed -n 's/^.*<\([^<>@[:space:]]\+@[^<>[:space:]]\+\)>[[:space:]]*$/\1/p' <<< "$id")
[ -n "$name" ] && [ -n "$email" ] || die "ID must be \"Name <email>\", not \"$id\""

"$TOP/scripts/tree.sh" >&2
n=$(git -C "$TREE" log --format=%ae base..series | grep -cx "$PLACEHOLDER_EMAIL" || true)
[ "$n" -gt 0 ] || die "no patch carries the placeholder identity $PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>"

export RESIGN_NAME=$name RESIGN_EMAIL=$email PLACEHOLDER_NAME PLACEHOLDER_EMAIL
FILTER_BRANCH_SQUELCH_WARNING=1 git -C "$TREE" filter-branch -f \
	--env-filter '
		if [ "$GIT_AUTHOR_EMAIL" = "$PLACEHOLDER_EMAIL" ]; then
			GIT_AUTHOR_NAME=$RESIGN_NAME GIT_AUTHOR_EMAIL=$RESIGN_EMAIL
			export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
		fi
		if [ "$GIT_COMMITTER_EMAIL" = "$PLACEHOLDER_EMAIL" ]; then
			GIT_COMMITTER_NAME=$RESIGN_NAME GIT_COMMITTER_EMAIL=$RESIGN_EMAIL
			export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
		fi' \
	--msg-filter 'sed "s/^Signed-off-by: $PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>\$/Signed-off-by: $RESIGN_NAME <$RESIGN_EMAIL>/"' \
	base..series > /dev/null
git -C "$TREE" update-ref -d refs/original/refs/heads/series
git -C "$TREE" checkout -q series

"$TOP/scripts/export.sh"
if [ -n "${EXPORT_DIR:-}" ]; then
	msg "resign: $n patches re-signed as $name <$email> in $EXPORT_DIR"
	FORCE=1 "$TOP/scripts/tree.sh" >&2
else
	msg "resign: $n patches re-signed as $name <$email>; commit patches/"
fi
