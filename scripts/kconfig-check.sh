#!/usr/bin/env bash
# R10: enabling Xen must never silently turn a native option off.
# For each base config, run olddefconfig without and with the Xen options
# and list every option that is y or m without Xen but n with it.
#   kconfig-check.sh qemu     configs/qemu.config on allnoconfig
#   kconfig-check.sh debian   Debian's amd64 config (linux-config-6.12)
# Prints the offending options; exits non-zero if there are any.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

which=${1:?usage: kconfig-check.sh qemu|debian}
work=$OUT/kconfig-$which
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
	local dir=$1 frag=$2 sym val
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
	done < "$frag"
}

native=$work/native xen=$work/xen
mkdir -p "$native" "$xen"
case "$which" in
qemu)
	kconf "$native" allnoconfig KCONFIG_ALLCONFIG="$TOP/configs/qemu.config"
	cat "$TOP/configs/qemu.config" "$TOP/configs/xen-dom0.config" > "$xen/fragment"
	kconf "$xen" allnoconfig KCONFIG_ALLCONFIG="$xen/fragment"
	;;
debian)
	cfg=$(ls /usr/src/linux-config-6.12/config.amd64_none_amd64.xz 2>/dev/null) ||
		die "Debian's config not found; install linux-config-6.12"
	# Debian's config has Xen on: that is the "with" side; XEN=n the other.
	xz -dc "$cfg" > "$xen/.config"
	cp "$xen/.config" "$native/.config"
	echo "# CONFIG_XEN is not set" > "$native/off"
	apply "$native" "$native/off"
	apply "$xen" "$TOP/configs/xen-dom0.config"
	kconf "$native" olddefconfig
	kconf "$xen" olddefconfig
	;;
*) die "unknown base config $which" ;;
esac

# Symbols set (y/m) without Xen that are off with it.
grep -E '^CONFIG_[A-Za-z0-9_]+=[ym]$' "$native/.config" | cut -d= -f1 | sort > "$work/on-native"
grep -E '^CONFIG_[A-Za-z0-9_]+=[ym]$' "$xen/.config" | cut -d= -f1 | sort > "$work/on-xen"
comm -23 "$work/on-native" "$work/on-xen" > "$work/turned-off"
allow=$TOP/tests/kconfig-allow
if [ -f "$allow" ]; then
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$allow" | awk '{print $1}' | sort > "$work/allowed"
	comm -23 "$work/turned-off" "$work/allowed" > "$work/violations"
else
	cp "$work/turned-off" "$work/violations"
fi
on_n=$(wc -l < "$work/on-native") on_x=$(wc -l < "$work/on-xen")
if [ -s "$work/violations" ]; then
	echo "native options turned off by Xen ($which): $(paste -sd' ' "$work/violations")"
	exit 1
fi
echo "$which: $on_n options on without Xen, $on_x with; none turned off"
