#!/usr/bin/env bash
# R10: enabling Xen must never silently turn a native option off.
# For each base config, configure the matrix
#   nox    XEN=n                   dom0   XEN=y XEN_DOM0=y (PCI=y)
#   domu   XEN=y XEN_DOM0=n        nopci  XEN=y XEN_DOM0=y PCI=n
#   (and nox-nopci, XEN=n PCI=n, to compare nopci with)
# check that each took the Xen settings it names, and list every option
# that is y or m without Xen but n with it (dom0 and domu against nox,
# nopci against nox-nopci).
#   kconfig-check.sh qemu     configs/qemu.config on allnoconfig
#   kconfig-check.sh debian:FLAVOUR
#                             one of Debian's amd64 configs in
#                             linux-config-6.12, e.g. debian:amd64_rt_amd64
#                             for config.amd64_rt_amd64.xz
#   kconfig-check.sh --debian-flavours
#                             list the FLAVOURs the installed package has
# Exits non-zero on any violation.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DEBIAN_CONFIGS=/usr/src/linux-config-6.12
if [ "${1:-}" = --debian-flavours ]; then
	for f in "$DEBIAN_CONFIGS"/config.amd64_*.xz; do
		[ -e "$f" ] || die "no amd64 config in $DEBIAN_CONFIGS; install linux-config-6.12"
		f=${f##*/config.}
		echo "${f%.xz}"
	done
	exit 0
fi
which=${1:?usage: kconfig-check.sh qemu|debian:FLAVOUR|--debian-flavours}
work=$OUT/kconfig-${which/:/-}
c=$TOP/configs
mkdir -p "$work"
[ -f "$SRC/Makefile" ] || die "no kernel tree at $SRC"

kconf() {	# kconf DIR TARGET [make args]
	local dir=$1 target=$2
	shift 2
	make -s -C "$SRC" O="$dir" "$@" "$target" > "$dir/kconfig.log" 2>&1 ||
		die "$target failed in $dir; see $dir/kconfig.log"
}

# Apply "CONFIG_X=v" / "# CONFIG_X is not set" lines to .config in $1.
apply() {
	local dir=$1 sym val line
	shift
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*}; val=${line#*=} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; val=n ;;
		*) continue ;;
		esac
		sed -i -e "/^$sym=/d" -e "/^# $sym is not set/d" "$dir/.config"
		if [ "$val" = n ]; then
			echo "# $sym is not set" >> "$dir/.config"
		else
			echo "$sym=$val" >> "$dir/.config"
		fi
	done < <(cat "$@")
}

printf '# CONFIG_XEN is not set\n' > "$work/xen-off"
printf '# CONFIG_PCI is not set\n' > "$work/pci-off"

# make NAME FRAGMENT...: the base config plus the fragments, in order.
make_config() {
	local name=$1 dir=$work/$1
	shift
	mkdir -p "$dir"
	if [ "$which" = qemu ]; then
		cat "$c/qemu.config" "$@" > "$dir/fragment"
		kconf "$dir" allnoconfig KCONFIG_ALLCONFIG="$dir/fragment"
	else
		xz -dc "$debcfg" > "$dir/.config"
		[ $# -eq 0 ] || apply "$dir" "$@"
		kconf "$dir" olddefconfig
	fi
}

case "$which" in
qemu) ;;
debian:*)
	debcfg=$DEBIAN_CONFIGS/config.${which#debian:}.xz
	[ -f "$debcfg" ] || die "Debian's config $debcfg not found; install linux-config-6.12" ;;
*) die "unknown base config $which" ;;
esac

make_config nox "$work/xen-off"
make_config nox-nopci "$work/xen-off" "$work/pci-off"
make_config dom0 "$c/xen-dom0.config"
make_config domu "$c/xen-dom0.config" "$c/domu.config"
make_config nopci "$c/xen-dom0.config" "$c/nopci.config"

has() { grep -qx "$2" "$work/$1/.config"; }
not() { ! grep -qE "^$2=[ym]$" "$work/$1/.config"; }
bad=0
want() {	# want CONFIG-NAME DESCRIPTION TEST...
	local name=$1 desc=$2
	shift 2
	if ! "$@"; then
		echo "$which/$name: not $desc"
		bad=1
	fi
}
want nox "XEN=n" not nox CONFIG_XEN
want dom0 "XEN_DOM0=y with PCI" eval 'has dom0 CONFIG_XEN_DOM0=y && has dom0 CONFIG_PCI=y'
want domu "XEN=y XEN_DOM0=n" eval 'has domu CONFIG_XEN=y && not domu CONFIG_XEN_DOM0'
if ! { has nopci CONFIG_XEN_DOM0=y && not nopci CONFIG_PCI; }; then
	if [ "$VARIANT" = baseline ]; then
		echo "$which/nopci: XEN_DOM0=y with PCI=n is not possible in the base tree; skipped"
		rm -rf "$work/nopci"
	else
		echo "$which/nopci: not XEN_DOM0=y with PCI=n"
		bad=1
	fi
fi

on() { grep -E '^CONFIG_[A-Za-z0-9_]+=[ym]$' "$work/$1/.config" | cut -d= -f1 | sort; }
allowed() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/tests/kconfig-allow" | awk '{print $1}' | sort; }
summary=
for pair in nox:dom0 nox:domu nox-nopci:nopci; do
	a=${pair%%:*} b=${pair#*:}
	[ -d "$work/$b" ] || continue
	comm -23 <(on "$a") <(on "$b") | comm -23 - <(allowed) > "$work/off-$b"
	if [ -s "$work/off-$b" ]; then
		echo "$which: native options on in $a but off in $b: $(paste -sd' ' "$work/off-$b")"
		bad=1
	fi
	summary="$summary $b"
done
[ "$bad" = 0 ] || exit 1
echo "$which:$summary: no native option turned off by Xen"
