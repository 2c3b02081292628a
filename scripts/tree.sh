#!/usr/bin/env bash
# make tree: unpack the base kernel into $TREE as a git repository (the base
# is the first commit, tagged "base"), then apply patches/series with git am,
# one commit per patch, on the branch "series".
#
# LINUX_SRC may name another 6.12.y source: a directory (its working files
# are copied, .git excluded) or a .tar.{xz,gz} tarball. By default the
# tarball of Debian's linux-source-6.12 package is used.
#
# An existing tree is kept when its commits match patches/; if they differ
# (unexported work), it is left alone unless FORCE=1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check_base_version() {
	local have
	have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
	if [ -z "${LINUX_SRC:-}" ] && [ -n "$BASE_RECORDED" ] &&
	   [ "$have" != "$BASE_RECORDED" ]; then
		echo "warning: installed $BASE_PKG is $have; the series was last rebased on $BASE_RECORDED (patches/BASE)" >&2
	fi
}

# Commits made in the tree carry the identity of whoever works in this
# repository (its git config), or a neutral one when there is none.
git_id() {
	local name email
	name=$(git -C "$TOP" config user.name || echo "xen-dom0 harness")
	email=$(git -C "$TOP" config user.email || echo "harness@localhost")
	git -C "$1" config user.name "$name"
	git -C "$1" config user.email "$email"
	git -C "$1" config core.abbrev 12
}

unpack_base() {
	local dst=$1 src=${LINUX_SRC:-$BASE_TARBALL} desc
	mkdir -p "$dst"
	if [ -d "$src" ]; then
		msg "tree: copying $src"
		rsync -a --exclude=.git "$src"/ "$dst"/
		desc="Linux $(make -s -C "$src" kernelversion 2>/dev/null || echo '?') from $src"
	else
		[ -f "$src" ] || die "no base kernel at $src (install $BASE_PKG, or set LINUX_SRC)"
		msg "tree: unpacking $src"
		tar -xf "$src" --strip-components=1 -C "$dst"
		if [ -z "${LINUX_SRC:-}" ]; then
			desc="$BASE_PKG $(dpkg-query -W -f='${Version}' "$BASE_PKG")"
		else
			desc="Linux from $(basename "$src")"
		fi
	fi
	# Debian's .gitignore ignores every top-level path (its packaging
	# repository's convention), so files a patch adds would not show up in
	# git status. Drop that section; the build does not read .gitignore.
	sed -i '/^# Debian packaging: ignore everything/,/^!\/debian\/$/d' "$dst/.gitignore"
	git -C "$dst" init -q -b upstream
	git_id "$dst"
	msg "tree: committing the base (this takes a minute)"
	git -C "$dst" add -A -f
	# Fixed identity and date: the same base gives the same commit id.
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE="2024-11-17T00:00:00Z" GIT_COMMITTER_DATE="2024-11-17T00:00:00Z" \
		git -C "$dst" commit -q -m "Base: $desc" \
			-m "Debian's top-level .gitignore section for its packaging repository is dropped."
	git -C "$dst" tag base
}

apply_series() {
	local dst=$1 p n=0 cover
	git -C "$dst" checkout -q -B series base
	cover=$TOP/patches/0000-cover-letter.patch
	if [ -f "$cover" ]; then
		# The cover letter's text lives in the branch description, so that
		# make export can write it back.
		git -C "$dst" config branch.series.description \
			"$("$TOP/scripts/cover.sh" "$cover")"
	fi
	while read -r p; do
		[ -f "$p" ] || die "patches/series names $(basename "$p"), which does not exist"
		git -C "$dst" am -q --whitespace=error-all "$p" ||
			die "git am failed on $(basename "$p"); see $dst (git am --abort to clean up)"
		n=$((n + 1))
	done < <(series_patches)
	msg "tree: applied $n patches on base in $dst"
}

check_base_version

if [ -d "$TREE/.git" ]; then
	# Compare the tree's commits with patches/ before touching anything.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	EXPORT_DIR=$tmp "$TOP/scripts/export.sh" >/dev/null
	if diff -r -q -x BASE "$tmp" "$TOP/patches" >/dev/null 2>&1 &&
	   [ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
		msg "tree: $TREE is up to date with patches/"
	elif [ "${FORCE:-0}" = 1 ]; then
		msg "tree: FORCE=1, resetting $TREE to base + patches/"
		git -C "$TREE" am --abort >/dev/null 2>&1 || true
		git -C "$TREE" reset -q --hard
		apply_series "$TREE"
	else
		die "$TREE differs from patches/ (unexported commits or local changes).
Run 'make export' to keep them, or 'make tree FORCE=1' to drop them."
	fi
else
	rm -rf "$TREE.tmp"
	unpack_base "$TREE.tmp"
	apply_series "$TREE.tmp"
	mv "$TREE.tmp" "$TREE"
fi

# The baseline worktree: the base commit alone, for BASELINE=1 builds.
if [ ! -d "$BUILD/linux-baseline" ]; then
	git -C "$TREE" worktree add -q --detach "$BUILD/linux-baseline" base
fi
