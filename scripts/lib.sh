# Common settings for the harness scripts; sourced, not run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
# BASELINE=1 builds and boots the unpatched base tree with the same config.
BASELINE=${BASELINE:-0}
if [ "$BASELINE" = 1 ]; then default_variant=baseline; else default_variant=series; fi
# VARIANT, SRC and OUT may be given (make bench builds its own trees).
VARIANT=${VARIANT:-$default_variant}
# The kernel git tree: base commit, then one commit per patch.
TREE=${TREE:-$BUILD/linux}
# The tree the kernel is built from: the series tip, or the base in a worktree.
if [ "$VARIANT" = baseline ]; then default_src=$BUILD/linux-baseline; else default_src=$TREE; fi
SRC=${SRC:-$default_src}
OUT=${OUT:-$BUILD/$VARIANT}
LOGS=$OUT/logs
XEN_DIR=$BUILD/xen
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$BUILD
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}

die() {
	echo "error: $*" >&2
	exit 1
}

msg() {
	echo ">>> $*"
}

# The Debian package that provides the base tree, and the version the
# series was last rebased on.
BASE_PKG=linux-source-6.12
BASE_TARBALL=${BASE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
BASE_RECORDED=$(sed -n 's/^version: *//p' "$TOP/patches/BASE" 2>/dev/null || true)

series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" |
		while read -r p; do echo "$TOP/patches/$p"; done
}
