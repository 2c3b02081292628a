#!/usr/bin/env bash
# Compile what the series touches where Debian builds it, without building
# whole kernels: configure, `make prepare`, then only the directories
# below. TARGET is one of
#   arm64   Xen on Arm (configs/arm64.config, aarch64-linux-gnu-gcc):
#           drivers/xen and arch/arm64/xen, which share the series' events
#           and PCI code, and the generic MSI code it changes
#           (drivers/pci/msi, kernel/irq); base and series side by side, W=1
#   i386    a 686-pae kernel (configs/i386.config): the native x86
#           directories the series touches, and the Xen HVM guest code;
#           base and series side by side, W=1
#   rt      Debian's PREEMPT_RT amd64 config as Debian ships it
#           (linux-config-6.12, olddefconfig): the series only, which
#           must compile with no warning at all
#   randconfig SEED
#           x86_64, a random configuration of the symbols the series
#           touches or depends on (below; each y with probability 0.8, so
#           that the chain of options dom0 needs comes up), every other
#           symbol pinned to
#           the xen config's value (configs/qemu.config and
#           configs/xen-dom0.config, which has CONFIG_WERROR): the series
#           must compile; if it does not, the base tree is built with the
#           same configuration, and the errors it shares are the base's
# For arm64 and i386, any error or any warning that the series' build has
# and the base's has not fails; warnings are compared by file and text,
# not line number. Every C file the series changes for the architecture
# must lie in a compiled directory. Exits non-zero on failure.
#   SERIES_SRC=DIR  compile another tree as the series (to see the check
#                   fail on a change made by hand)
# Output: $BUILD/compile/TARGET/{base,series}/ (objects, build.log,
# warnings).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

target=${1:?usage: compile-check.sh arm64|i386|rt|randconfig SEED}
seed=${2:-}
work=$BUILD/compile/$target
base_src=$BUILD/linux-baseline
series_src=${SERIES_SRC:-$TREE}
W=1 variants="base series" cross=
case "$target" in
arm64)	arch=arm64 cross=aarch64-linux-gnu-
	frag=$TOP/configs/arm64.config
	dirs="drivers/xen/ arch/arm64/xen/ drivers/pci/msi/ kernel/irq/" ;;
i386)	arch=i386
	frag=$TOP/configs/i386.config
	dirs="arch/x86/kernel/ arch/x86/pci/ arch/x86/xen/ drivers/pci/msi/ drivers/xen/ kernel/irq/" ;;
rt)	arch=x86_64 W="" variants=series
	frag=/usr/src/linux-config-6.12/config.amd64_rt_amd64.xz
	dirs="arch/x86/kernel/ arch/x86/pci/ arch/x86/xen/ drivers/pci/msi/ drivers/xen/ kernel/irq/" ;;
randconfig)
	arch=x86_64 W="" variants=series
	[ -n "$seed" ] || die "randconfig needs a seed"
	frag=$TOP/configs/xen-dom0.config
	dirs="arch/x86/kernel/ arch/x86/pci/ arch/x86/xen/ drivers/pci/msi/ drivers/xen/ kernel/irq/" ;;
*)	die "unknown target $target (arm64, i386 or rt)" ;;
esac
[ -f "$frag" ] || die "no config $frag"
[ -z "$cross" ] || command -v "${cross}gcc" > /dev/null ||
	die "no ${cross}gcc (scripts/deps.sh installs gcc-aarch64-linux-gnu)"

# The series' C files for this architecture must all be compiled here.
srcarch=$arch
case "$arch" in i386 | x86_64) srcarch=x86 ;; esac
missed=
while read -r f; do
	case "$f" in arch/"$srcarch"/*) ;; arch/*) continue ;; esac
	covered=
	for d in $dirs; do
		case "$f" in "$d"*) covered=1 ;; esac
	done
	[ -n "$covered" ] || missed="$missed $f"
done < <(git -C "$TREE" diff --name-only base series -- '*.c')
[ -z "$missed" ] || die "$target: the series changes$missed, which this check does not compile"

kb() {	# kb SRC OBJ ARGS...: kbuild for the target, compiled through ccache
	local src=$1 obj=$2
	shift 2
	make -C "$src" O="$obj" ARCH="$arch" ${cross:+CROSS_COMPILE=$cross} \
		CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$(nproc)" \
		KBUILD_BUILD_TIMESTAMP="2024-11-17" "$@"
}

# The symbols a randconfig varies: those the series touches or depends on,
# and the series' own test symbols. The rest keep the xen config's values.
RAND_FREE='XEN[A-Z0-9_]*|PCI|PCI_MSI|ACPI|X86_IO_APIC|X86_IO_APIC_OPS|X86_LOCAL_APIC|X86_MPPARSE|SMP|HOTPLUG_CPU|PM_SLEEP|SUSPEND|HIBERNATION|KUNIT|IO_APIC_KUNIT_TEST'
RAND_SHOW="XEN XEN_PV XEN_PVH XEN_PVHVM_GUEST XEN_DOM0 XEN_PV_DOM0 XEN_DOM0_PCI PCI PCI_MSI ACPI X86_MPPARSE SMP HOTPLUG_CPU PM_SLEEP KUNIT"

randconfig() {	# randconfig SRC OBJ: .config for $seed, or the series' for the base
	local src=$1 obj=$2 pins=$work/pins
	if [ "$src" = "$base_src" ]; then
		cp "$work/series/obj/.config" "$obj/.config"
		kb "$src" "$obj" olddefconfig
		return
	fi
	# The xen config, resolved, with every symbol it does not set pinned
	# off; then the free symbols unpinned.
	mkdir -p "$pins"
	cat "$TOP/configs/qemu.config" "$frag" > "$pins/fragment"
	kb "$src" "$pins" KCONFIG_ALLCONFIG="$pins/fragment" allnoconfig
	{
		grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$pins/.config"
		comm -23 <(kconfig_symbols "$src") \
			<(grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' "$pins/.config" | sed 's/^# //' | sort -u) |
			sed 's/.*/# & is not set/'
	} | grep -vE "^(# )?CONFIG_($RAND_FREE)[= ]" > "$pins/allconfig"
	# y four times in five: the dom0 code needs a chain of options on.
	kb "$src" "$obj" KCONFIG_ALLCONFIG="$pins/allconfig" KCONFIG_SEED="$seed" \
		KCONFIG_PROBABILITY=80 randconfig
}

compile() {	# compile VARIANT SRC
	local v=$1 src=$2 obj=$work/$1/obj log=$work/$1/build.log
	mkdir -p "$obj"
	if [ "$target" = rt ]; then
		xz -dc "$frag" > "$obj/.config"
		kb "$src" "$obj" olddefconfig > "$work/$v/config.log" 2>&1 ||
			die "$target/$v: olddefconfig failed; see $work/$v/config.log"
		grep -qx 'CONFIG_PREEMPT_RT=y' "$obj/.config" ||
			die "$target/$v: the config has no PREEMPT_RT"
	elif [ "$target" = randconfig ]; then
		randconfig "$src" "$obj" > "$work/$v/config.log" 2>&1 ||
			die "$target/$v: randconfig failed; see $work/$v/config.log"
	else
		kb "$src" "$obj" KCONFIG_ALLCONFIG="$frag" allnoconfig \
			> "$work/$v/config.log" 2>&1 ||
			die "$target/$v: allnoconfig failed; see $work/$v/config.log"
		check_fragments "$src" "$obj/.config" "$frag" ||
			die "$target/$v: configs/$(basename "$frag") did not apply"
	fi
	# Every object is compiled again (ccache makes that cheap and replays
	# the warnings), so that the log has all of their warnings; they are
	# compared without line numbers (the series moves lines), by path in
	# the source tree.
	for d in $dirs; do
		[ ! -d "$obj/$d" ] || find "$obj/$d" -name '*.o' -delete
	done
	# shellcheck disable=SC2086 # $dirs is a list
	if kb "$src" "$obj" ${W:+W=$W} prepare $dirs > "$log" 2>&1; then
		status=ok
	else
		status=failed
	fi
	{ grep -E '(warning|error):' "$log" || true; } |
		sed -E -e "s#^([^: ]*/)?$(basename "$src")/##" -e "s#^$obj/##" \
			-e 's#^([^: ]+):[0-9]+(:[0-9]+)?:#\1:#' | sort -u > "$work/$v/warnings"
	# shellcheck disable=SC2086 # $dirs is a list
	echo "$status $(cd "$obj" && find $dirs -name '*.o' 2>/dev/null | wc -l) $(wc -l < "$work/$v/warnings")" > "$work/$v/result"
}

mkdir -p "$work"
rm -f "$work"/*/result
start=$(date +%s)
for v in $variants; do
	case "$v" in base) compile base "$base_src" ;; series) compile series "$series_src" ;; esac
done
read -r s_status s_files s_warn < "$work/series/result"
took="$(( $(date +%s) - start ))s"

if [ "$target" = randconfig ]; then
	shown=
	for sym in $RAND_SHOW; do
		shown="$shown $sym=$(sed -n "s/^CONFIG_$sym=//p" "$work/series/obj/.config" | grep . || echo n)"
	done
	if [ "$s_status" = ok ]; then
		echo "seed $seed:$shown: $s_files objects ($took)"
		exit 0
	fi
	# Whatever the base tree shares with the series is not the series' doing;
	# but a build that failed without a compiler error is the harness's.
	if ! grep -q 'error:' "$work/series/warnings"; then
		echo "seed $seed:$shown: the build failed without a compiler error; see $work/series/build.log"
		exit 1
	fi
	compile base "$base_src"
	new=$(comm -13 "$work/base/warnings" "$work/series/warnings" | grep -E 'error:|warning:' || true)
	if [ -z "$new" ]; then
		echo "seed $seed:$shown: fails, and the base tree fails the same way (see $work/base/build.log) ($took)"
		exit 0
	fi
	echo "seed $seed:$shown: the series does not compile (KCONFIG_SEED=$seed; see $work/series/build.log):"
	echo "$new" | sed 's/^/    /' | head -30
	exit 1
fi
if [ "$target" = rt ]; then
	if [ "$s_status" != ok ] || [ "$s_warn" != 0 ]; then
		echo "$target: the series' build $s_status, $s_warn warnings or errors; see $work/series/build.log:"
		sed 's/^/    /' "$work/series/warnings" | head -30
		exit 1
	fi
	echo "$target: $dirs: $s_files objects, no warning ($took)"
	exit 0
fi

read -r b_status b_files _ < "$work/base/result"
[ "$b_status" = ok ] || die "$target: the base tree does not build; see $work/base/build.log"
new=$(comm -13 "$work/base/warnings" "$work/series/warnings")
if [ "$s_status" != ok ] || [ -n "$new" ]; then
	echo "$target: the series' build $s_status; new errors or warnings (W=$W, see $work/series/build.log):"
	echo "${new:-    (none in the log)}" | sed 's/^/    /' | head -30
	exit 1
fi
echo "$target W=$W: $dirs: base $b_files, series $s_files objects, no new warning ($took)"
