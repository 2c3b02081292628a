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

# kconfig_symbols SRC: every symbol the tree's Kconfig files define, as
# CONFIG_NAME, one per line.
kconfig_symbols() {
	grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' "$1" |
		awk '{print "CONFIG_" $2}' | sort -u
}

# check_fragments SRC CONFIG FRAGMENT...: every CONFIG_X=v line of the
# fragments must have taken its value in CONFIG, unless the tree does not
# define X at all (the series' own options, in the base tree). Prints
# what did not take; returns non-zero if anything did not.
check_fragments() {
	local src=$1 config=$2 line sym bad=0 syms
	shift 2
	syms=$(mktemp)
	kconfig_symbols "$src" > "$syms"
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*}
		if ! grep -qx -- "$sym" "$syms"; then
			echo "    $sym is not defined in this tree; skipped"
			continue
		fi
		if ! grep -qx -- "$line" "$config"; then
			echo "  $line requested, .config has: $(grep -E "^(# )?$sym[= ]" "$config" || echo "nothing")" >&2
			bad=1
		fi
	done < <(cat "$@")
	rm -f "$syms"
	return "$bad"
}

# ACPI tables for the test machines (scripts/quirk-dsdt.sh, cpu-pm-ssdt.sh):
# iasl is Debian's acpica-tools.
need_iasl() {
	command -v iasl > /dev/null || die "no iasl; install acpica-tools (scripts/deps.sh)"
}

iasl_compile() {	# iasl_compile DSL PREFIX WHAT: PREFIX.aml, or die with iasl's words
	need_iasl
	iasl -p "$2" "$1" > "$2.iasl.log" 2>&1 ||
		die "iasl cannot compile $3; see the output below
$(cat "$2.iasl.log")"
}
