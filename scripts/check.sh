#!/usr/bin/env bash
# make check: the test suite. Prints TAP and ends with "N passed, N failed".
#   1. the series applies to the base with no fuzz and no offsets
#   2. every patch is checkpatch.pl --strict clean, and the patched tree
#      has no __acpi_register_gsi override and maps GSIs to pirqs only in
#      the xen-pirq irq domain
#   3. Kconfig: Xen turns no native option off (the QEMU config and every
#      Debian amd64 config)
#   4. the kernel builds, with no warnings, in each Kconfig matrix config;
#      the touched directories compile for arm64 and i386 (no new W=1
#      warning against the base), under Debian's PREEMPT_RT config, and in
#      the random configurations of tests/randconfig-seeds
#   5. the boot scenarios pass every guest-agent check
#   6. the KUnit suites built in pass, natively and as dom0 (reported by
#      the agent as kunit-* checks of each scenario)
#   7. dom0 runs PV guests (xen-dom0-guest-q35) and passes PCI devices
#      through to them under an IOMMU (xen-dom0-pt-q35), with the series and with
#      the base tree, and an HVM guest (xen-dom0-hvm-q35) whose GSIs are on
#      its emulated IO-APIC and whose MSIs are on its local APIC
#   and self-tests: dom0 booted with pci=nomsi must fail its MSI checks,
#   a dom0 without blkback and netback must fail to serve guests, and the
#   base tree's HVM guest must fail exactly its GSI and MSI-X checks.
# BASELINE=1 runs the same on the unpatched base tree.
# SCENARIOS="..." limits the boots; SELFTEST=0 skips the self-test.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SCENARIOS=${SCENARIOS:-native-pc native-q35 native-quirk-q35 native-sparse-q35 xen-dom0-pc xen-dom0-q35 xen-dom0-quirk-q35 xen-dom0-sparse-q35 xen-dom0-iommu-q35 xen-dom0-nopci xen-dom0-noioapic xen-dom0-guest-q35 xen-dom0-pt-q35 xen-dom0-hvm-q35}
SELFTEST=${SELFTEST:-1}
clog=$LOGS/check
mkdir -p "$clog"
npass=0 nfail=0 n=0
t0=$(date +%s)

report() {	# report ok|fail NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		npass=$((npass + 1))
		echo "ok $n - $2${3:+ # $3}"
	else
		nfail=$((nfail + 1))
		echo "not ok $n - $2${3:+ # $3}"
	fi
}

# Run a step whose output goes to a log; report it as one test.
step() {	# step NAME LOG CMD...
	local name=$1 log=$2
	shift 2
	if "$@" > "$log" 2>&1; then
		report ok "$name" "$(tail -1 "$log")"
	else
		report fail "$name" "see $log"
		sed 's/^/#   /' "$log" | tail -15
		return 1
	fi
}

fatal() {
	echo "# $*"
	echo "Bail out! $*"
	echo "$npass passed, $((nfail + 1)) failed"
	exit 1
}

echo "TAP version 13"
echo "# variant: $VARIANT ($SRC)"
"$TOP/scripts/deps.sh" > "$clog/deps.log" 2>&1 || fatal "installing packages failed; see $clog/deps.log"
"$TOP/scripts/tree.sh" > "$clog/tree.log" 2>&1 || fatal "make tree failed; see $clog/tree.log"
grep -i warning "$clog/tree.log" | sed 's/^/# /'

# 1 and 2: the series itself.
if [ "$VARIANT" = series ]; then
	step "series applies to base without fuzz or offsets" "$clog/apply.log" \
		"$TOP/scripts/apply-check.sh"
	step "checkpatch --strict" "$clog/checkpatch.log" "$TOP/scripts/checkpatch.sh"
	step "GSIs: no __acpi_register_gsi override, pirq mapping only in the xen-pirq domain" \
		"$clog/gsi-owners.log" "$TOP/scripts/gsi-owners.sh"
fi

# 3: R10, for the QEMU config and for every amd64 config Debian ships.
flavours=$("$TOP/scripts/kconfig-check.sh" --debian-flavours) ||
	fatal "no Debian amd64 configs; see scripts/kconfig-check.sh"
for cfg in qemu $(printf 'debian:%s ' $flavours); do
	step "kconfig ($cfg config): Xen turns no native option off" \
		"$clog/kconfig-${cfg/:/-}.log" "$TOP/scripts/kconfig-check.sh" "$cfg"
done

# 4: the builds. The xen config is the one every scenario boots; the
# others are the rest of the Kconfig matrix, each of which must build.
build() {	# build KCONFIG DESCRIPTION
	local k=$1 desc=$2 new
	if KCONFIG=$k "$TOP/scripts/kernel.sh" 2>&1 | tee "$clog/kernel-$k.log" | sed -u 's/^/# /'; then
		report ok "kernel builds ($desc)" "$(tail -1 "$clog/kernel-$k.log")"
	else
		report fail "kernel builds ($desc)" "see $clog/kernel-$k.log"
		return 1
	fi
	new=$(grep -v -F -f <(sed -e '/^#/d' -e '/^$/d' "$TOP/tests/known-warnings") \
		"$OUT/warnings-$k.txt" || true)
	if [ -z "$new" ]; then
		report ok "kernel build has no new warnings ($desc)"
	else
		report fail "kernel build has no new warnings ($desc)" "$(echo "$new" | wc -l) new"
		echo "$new" | sed 's/^/#   /' | head -20
	fi
}
build xen "XEN_DOM0=y PCI=y: the boot image" || fatal "no kernel, nothing to boot"
build native "XEN=n" || true
build domu "XEN=y XEN_DOM0=n" || true
if [ "$VARIANT" = series ]; then
	build nopci "XEN_DOM0=y PCI=n" || true
else
	echo "# XEN_DOM0=y PCI=n: not possible in the base tree; skipped"
	SCENARIOS=${SCENARIOS/xen-dom0-nopci/}
	# The base tree's dom0 without IO-APIC gets no ISA IRQs (its 8259
	# probe fails, IPIs take IRQs 1-3): the series' patch 26 fixes it.
	echo "# xen-dom0-noioapic: ISA IRQs do not work in the base tree; skipped"
	SCENARIOS=${SCENARIOS/xen-dom0-noioapic/}
	# The base tree's HVM guests map their GSIs to pirqs (xen-pirq chip).
	echo "# xen-dom0-hvm-q35: the base tree's HVM guest GSIs are pirqs, not IO-APIC IRQs; skipped"
	SCENARIOS=${SCENARIOS/xen-dom0-hvm-q35/}
	# The base tree's dom0 sets the legacy pins up at boot: see the
	# self-test of xen-dom0-quirk-q35 below.
	echo "# xen-dom0-quirk-q35: the base tree's dom0 takes a level ISA IRQ as edge; skipped"
	SCENARIOS=${SCENARIOS/xen-dom0-quirk-q35/}
fi

# 4b: what the series touches, compiled where Debian builds it (R15):
# drivers/xen for Xen on Arm and the native x86 code for i386, base and
# series side by side with W=1, and the touched directories under
# Debian's PREEMPT_RT config; then a few fixed random configurations.
if [ "$VARIANT" = series ]; then
	step "arm64: drivers/xen and arch/arm64/xen compile, no new W=1 warning" \
		"$clog/compile-arm64.log" "$TOP/scripts/compile-check.sh" arm64
	step "i386: the touched x86 directories compile, no new W=1 warning" \
		"$clog/compile-i386.log" "$TOP/scripts/compile-check.sh" i386
	step "PREEMPT_RT (Debian's amd64 rt config): the touched directories compile, no warning" \
		"$clog/compile-rt.log" "$TOP/scripts/compile-check.sh" rt
	for seed in $(sed -e 's/#.*//' "$TOP/tests/randconfig-seeds"); do
		step "randconfig seed $seed: the touched directories compile" \
			"$clog/randconfig-$seed.log" "$TOP/scripts/compile-check.sh" randconfig "$seed"
	done
fi

"$TOP/scripts/xen.sh" > "$clog/xen.log" 2>&1 || fatal "getting Xen failed; see $clog/xen.log"
"$TOP/scripts/initramfs.sh" > "$clog/initramfs.log" 2>&1 ||
	fatal "building the initramfs failed; see $clog/initramfs.log"
# The guest scenarios' dom0 boots Debian with the Xen toolstack.
case " $SCENARIOS " in *" xen-dom0-guest-"* | *" xen-dom0-hvm-"*)
	step "dom0 root file system: Debian with xen-utils-4.17 and qemu-system-xen" "$clog/rootfs.log" \
		"$TOP/scripts/rootfs.sh" ;;
esac

# Report every check a boot wrote to LOGS/RUN/checks as a test of its own
# (the other variant's logs, and a prefix for its names, if given).
report_checks() {	# report_checks RUN BOOT-LOG [LOGS PREFIX]
	local checks=${3:-$LOGS}/$1/checks res name detail
	if ! grep -q . "$checks" 2>/dev/null; then
		report fail "${4:-}$1: boot" "no checks; see $2"
		return
	fi
	while read -r res name detail; do
		report "$([ "$res" = ok ] && echo ok || echo fail)" "${4:-}$1: $name" "$detail"
	done < "$checks"
}

# 5 and 6: the boots, every agent check a test.
for scn in $SCENARIOS; do
	echo "# boot $scn"
	"$TOP/scripts/boot.sh" "$scn" > "$clog/boot-$scn.log" 2>&1
	# An HVM guest that triple-faulted in its first seconds says nothing
	# about the checks: under nested SVM in TCG that has happened once in
	# CI (the fresh-clone run of session 13, at the guest kernel's start,
	# a boot that passed when repeated). Keep that boot's logs, say so and
	# boot once more; a fault that comes back is reported.
	case $scn in xen-dom0-hvm-*)
		if grep -q '^FAIL guest1/finished ' "$LOGS/$scn/checks" 2>/dev/null &&
			grep -q 'd1v0 Triple fault' "$LOGS/$scn/console.txt" 2>/dev/null; then
			echo "# boot $scn: its HVM guest triple-faulted (Xen's console:" \
				"$(grep -m1 -B2 'd1v0 Triple fault' "$LOGS/$scn/console.txt" | tr '\n' ' '));" \
				"logs kept in $LOGS/$scn.try1; booting once more"
			rm -rf "$LOGS/$scn.try1" && mv "$LOGS/$scn" "$LOGS/$scn.try1"
			"$TOP/scripts/boot.sh" "$scn" > "$clog/boot-$scn.log" 2>&1
		fi ;;
	esac
	report_checks "$scn" "$clog/boot-$scn.log"
	grep -qE '^ok (dom0-)?kunit-' "$LOGS/$scn/checks" 2>/dev/null ||
		report fail "$scn: KUnit suites reported" "none found in the kernel log"
done

# The names of the checks that failed in a checks file, sorted, on a line.
failed_checks() {	# failed_checks CHECKS
	sed -n 's/^FAIL \([^ ]*\) .*/\1/p' "$1" 2>/dev/null | sort | paste -sd' '
}

# The base tree's kernel, with the same config, for the boots below that
# compare with it: built once, at the first that needs it.
base_built=
baseline_kernel() {
	[ -z "$base_built" ] || return "$base_built"
	VARIANT=baseline KCONFIG=xen "$TOP/scripts/kernel.sh" > "$clog/kernel-baseline-xen.log" 2>&1
	base_built=$?
	return "$base_built"
}

# 7: the guest scenario on the base tree as well, built with the same
# config, its checks reported as "baseline: ...": where a failure is shared
# with the base, it is not the series' doing. And the machine with sparse
# APIC IDs: dom0's CPUs must be bound to the same ACPI processor objects
# with both (cpu-binding), and Xen be told the same. And the IOMMU machine,
# and passthrough to PV guests on it.
guest=$(echo " $SCENARIOS " | grep -oE ' xen-dom0-guest-[a-z0-9]+ ' | head -1 | tr -d ' ')
sparse=$(echo " $SCENARIOS " | grep -oE ' xen-dom0-sparse-[a-z0-9]+ ' | head -1 | tr -d ' ')
iommu=$(echo " $SCENARIOS " | grep -oE ' xen-dom0-iommu-[a-z0-9]+ ' | head -1 | tr -d ' ')
pt=$(echo " $SCENARIOS " | grep -oE ' xen-dom0-pt-[a-z0-9]+ ' | head -1 | tr -d ' ')
base_scns=
[ "$VARIANT" != series ] || base_scns="$guest $sparse $iommu $pt"
for scn in $base_scns; do
	echo "# boot $scn with the base tree"
	if baseline_kernel; then
		VARIANT=baseline "$TOP/scripts/boot.sh" "$scn" > "$clog/boot-baseline-$scn.log" 2>&1
		report_checks "$scn" "$clog/boot-baseline-$scn.log" "$BUILD/baseline/logs" "baseline: "
	else
		report fail "baseline: kernel builds (XEN_DOM0=y PCI=y)" "see $clog/kernel-baseline-xen.log"
	fi
done
# On the sparse machine, Xen must be told the same of each physical CPU's
# power data by the series' dom0 as by the base tree's (scripts/xen-pm.py).
if [ -n "$sparse" ] && [ -n "$base_scns" ]; then
	name="$sparse: Xen receives the same processor power data from the series' dom0 as from the base tree's"
	diff=
	for check in xen-pm-px xen-pm-cx; do
		ser=$(sed -n "s/^ok $check //p" "$LOGS/$sparse/checks" 2>/dev/null)
		bas=$(sed -n "s/^ok $check //p" "$BUILD/baseline/logs/$sparse/checks" 2>/dev/null)
		if [ -z "$ser" ] || [ "$ser" != "$bas" ]; then
			diff="$diff; $check: series '${ser:-not ok}', base '${bas:-not ok}'"
		fi
	done
	if [ -z "$diff" ]; then
		report ok "$name" "$(sed -n 's/^ok xen-pm-px //p' "$LOGS/$sparse/checks")"
	else
		report fail "$name" "${diff#; }"
	fi
fi

# R4: an APIC access that bypasses the Xen ops must be caught (an oops that
# names the caller), not served from a dummy page. Kernels with the series'
# debugfs hook only (the baseline has none).
if grep -qx 'CONFIG_XEN_APIC_BYPASS_TEST=y' "$OUT/config-xen"; then
	echo "# boot xen-dom0-q35 with deliberate APIC bypasses"
	RUN_NAME=xen-dom0-bypass DOM0_ARGS=agent.bypass=io-apic:local-apic \
		"$TOP/scripts/boot.sh" xen-dom0-q35 > "$clog/boot-bypass.log" 2>&1
	report_checks xen-dom0-bypass "$clog/boot-bypass.log"
	grep -q '^ok bypass-io-apic' "$LOGS/xen-dom0-bypass/checks" 2>/dev/null ||
		report fail "xen-dom0-bypass: bypass-io-apic" "no result; see $clog/boot-bypass.log"
fi

# Self-test: the checks must be able to fail. Without MSI, dom0's AHCI,
# virtio, NVMe, e1000e and xHCI devices fall back to INTx and their
# irq-kind checks must say so.
if [ "$SELFTEST" = 1 ]; then
	echo "# self-test: xen-dom0-q35 with pci=nomsi"
	RUN_NAME=selftest-nomsi DOM0_ARGS=pci=nomsi \
		"$TOP/scripts/boot.sh" xen-dom0-q35 > "$clog/selftest.log" 2>&1
	c=$LOGS/selftest-nomsi/checks
	want="FAIL ahci-irq-kind|FAIL virtio-blk-irq-kind|FAIL virtio-net-irq-kind|FAIL nvme-irq-kind"
	want="$want|FAIL e1000e-irq-kind|FAIL xhci-irq-kind"
	got=$(grep -cE "^($want) " "$c" 2>/dev/null)
	if [ "$got" = 6 ] && grep -q '^ok boot-finished' "$c"; then
		report ok "self-test: pci=nomsi fails the six MSI checks in dom0"
	else
		report fail "self-test: pci=nomsi fails the six MSI checks in dom0" \
			"$got of 6 failed; see $c"
	fi
	# A dom0 without its block and network backends cannot serve guests,
	# and must say so (their initcalls are left out, as if not built).
	if [ -n "$guest" ]; then
		echo "# self-test: $guest without blkback and netback"
		RUN_NAME=selftest-nobackends \
		DOM0_ARGS="initcall_blacklist=xen_blkif_init initcall_blacklist=netback_init" \
			"$TOP/scripts/boot.sh" "$guest" > "$clog/selftest-nobackends.log" 2>&1
		c=$LOGS/selftest-nobackends/checks
		if grep -q "^FAIL dom0-blkback blkback is not in the running dom0 kernel" "$c" 2>/dev/null &&
		   grep -q "^FAIL dom0-netback netback is not in the running dom0 kernel" "$c" &&
		   grep -q '^FAIL guests not started' "$c"; then
			report ok "self-test: a dom0 without blkback and netback says so and starts no guest"
		else
			report fail "self-test: a dom0 without blkback and netback says so and starts no guest" \
				"see $c"
		fi
	fi
	# The base tree's HVM guest maps its GSIs and its MSIs to pirqs
	# (xen-pirq chip): it must fail the IO-APIC checks of its INTx pair
	# and its SCI, and the virtio disk's MSI-X check, and nothing else.
	hvm=$(echo " $SCENARIOS " | grep -oE ' xen-dom0-hvm-[a-z0-9]+ ' | head -1 | tr -d ' ')
	if [ "$VARIANT" = series ] && [ -n "$hvm" ]; then
		echo "# self-test: $hvm with the base tree"
		name="self-test: the base tree's HVM guest fails exactly its three GSI checks and its MSI-X check"
		if baseline_kernel; then
			c=$BUILD/baseline/logs/selftest-hvm-base/checks
			for try in 1 2; do
				VARIANT=baseline RUN_NAME=selftest-hvm-base "$TOP/scripts/boot.sh" "$hvm" \
					> "$clog/selftest-hvm-base.log" 2>&1
				grep -q '^FAIL guest1/finished ' "$c" 2>/dev/null && [ "$try" = 1 ] || break
				# A guest of the base tree that never finished says nothing
				# about the checks: under nested SVM in TCG one has hung
				# once (CI stop 19). Show where, and boot it once more.
				echo "# self-test: the base tree's HVM guest did not finish; its console ended:"
				grep '^# guest: ' "$BUILD/baseline/logs/selftest-hvm-base/console.txt" 2>/dev/null |
					tail -n 15 | sed 's/^/#   /'
				echo "# self-test: booting it once more"
			done
			got=$(failed_checks "$c")
			want="guest1/intx-a-irq-kind guest1/intx-b-irq-kind guest1/sci-irq-kind guest1/virtio-blk-irq-kind"
			if [ "$got" = "$want" ]; then
				report ok "$name"
			else
				report fail "$name" "failed: '${got:-none}'; see $c"
			fi
		else
			report fail "$name" "the base kernel does not build; see $clog/kernel-baseline-xen.log"
		fi
	fi

	# The firmware quirk on the base tree (Qubes issue 8734): its dom0
	# binds the legacy IRQs edge at boot, before ACPI registers the UART's
	# level, active-low IRQ 7, and keeps the edge flow; that registration
	# sets the pin up in Xen level, active low. They disagree.
	quirk=$(echo " $SCENARIOS " | grep -oE ' xen-dom0-quirk-[a-z0-9]+ ' | head -1 | tr -d ' ')
	if [ "$VARIANT" = series ] && [ -n "$quirk" ]; then
		echo "# self-test: $quirk with the base tree"
		name="self-test: the base tree's dom0 takes the quirk UART's level IRQ as edge, Xen as level"
		if baseline_kernel; then
			VARIANT=baseline RUN_NAME=selftest-quirk-base "$TOP/scripts/boot.sh" "$quirk" \
				> "$clog/selftest-quirk-base.log" 2>&1
			c=$BUILD/baseline/logs/selftest-quirk-base/checks
			got=$(failed_checks "$c")
			want="quirk-serial-irq-kind xen-view-gsi-attrs"
			if [ "$got" = "$want" ]; then
				report ok "$name" "$(sed -n 's/^FAIL xen-view-gsi-attrs //p' "$c")"
			else
				report fail "$name" "failed: '${got:-none}'; see $c"
			fi
		else
			report fail "$name" "the base kernel does not build; see $clog/kernel-baseline-xen.log"
		fi
	fi

	# The power data checks fail where a physical CPU is given another
	# processor's data: with fewer dom0 vCPUs than physical CPUs,
	# xen-acpi-processor sends the ACPI IDs of no dom0 CPU a copy of the
	# first CPU's (upstream's behaviour, base tree alike).
	if [ -n "$sparse" ]; then
		echo "# self-test: $sparse with dom0_max_vcpus=1"
		name="self-test: a dom0 with one vCPU gives pCPU 1 pCPU 0's power data, and the checks say so"
		RUN_NAME=selftest-pm-1vcpu XEN_ARGS=dom0_max_vcpus=1 "$TOP/scripts/boot.sh" "$sparse" \
			> "$clog/selftest-pm-1vcpu.log" 2>&1
		c=$LOGS/selftest-pm-1vcpu/checks
		got=$(failed_checks "$c")
		if [ "$got" = "xen-pm-cx xen-pm-px" ]; then
			report ok "$name" "$(sed -n 's/^FAIL xen-pm-px //p' "$c")"
		else
			report fail "$name" "failed: '${got:-none}'; see $c"
		fi
	fi
fi

echo "1..$n"
echo "# $(( $(date +%s) - t0 ))s"
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
