#!/usr/bin/env bash
# make export: write the tree's commits (base..HEAD) back to patches/ as
# git format-patch files plus the series file. Deterministic: with no
# change in the tree, rerunning it leaves git status clean.
# EXPORT_DIR writes somewhere else (make tree uses it to compare).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dst=${EXPORT_DIR:-$TOP/patches}
[ -d "$TREE/.git" ] || die "no tree at $TREE; run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes; commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

args=(--zero-commit --no-signature --quiet -o "$tmp")
n=$(git -C "$TREE" rev-list --count base..HEAD)
if [ "$n" -gt 0 ] &&
   git -C "$TREE" config branch.series.description >/dev/null; then
	args+=(--cover-letter --cover-from-description=subject)
fi
if [ "$n" -gt 0 ]; then
	# The cover letter is signed by whoever runs git: make it the series'
	# last author instead, so that every machine exports the same file.
	git -C "$TREE" -c user.name="$(git -C "$TREE" log -1 --format=%an HEAD)" \
		-c user.email="$(git -C "$TREE" log -1 --format=%ae HEAD)" \
		format-patch "${args[@]}" base..HEAD
fi

# The cover letter is dated now by git; date it by the series' last commit
# so that an unchanged tree exports to unchanged files.
if [ -f "$tmp/0000-cover-letter.patch" ]; then
	date=$(git -C "$TREE" log -1 --format=%aD HEAD)
	sed -i "0,/^Date: /s/^Date: .*/Date: $date/" "$tmp/0000-cover-letter.patch"
fi

mkdir -p "$dst"
rm -f "$dst"/[0-9][0-9][0-9][0-9]-*.patch
{
	echo "# Xen dom0 interrupt series, applied in this order with git am."
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cp "$f" "$dst/"
		case "$(basename "$f")" in
		0000-cover-letter.patch) ;;
		*) basename "$f" ;;
		esac
	done
} > "$dst/series"
[ "$dst" = "$TOP/patches" ] && msg "export: $n patches written to patches/"
exit 0
