#!/usr/bin/env bash
# make bench: the series against the unpatched base, same config, same run.
#
# Kernels (configs/qemu.config [+ configs/xen-dom0.config]):
#   xen-n      the series with XEN=n (KCONFIG=native: make check's build)
#   base       the base tree with Xen PV dom0 (KCONFIG=xen)
#   series     the series with the same config
# base and series carry tests/bench/*.patch, a counting patch that is not
# part of the series: both count the same hypercalls the same way.
#
# Boots, ROUNDS times, interleaved: each kernel natively (q35), then base and
# series as Xen dom0 (q35). The agent (agent.bench=PINGS) pings across the
# QEMU hub from the e1000 (INTx, level) to the virtio-net NIC (MSI-X) and
# back, then makes PINGS USB control transfers to a keyboard on the xHCI
# (MSI, without MSI-X), then unbinds and binds virtio-net and the xHCI ten
# times each (vector set-up and teardown), and prints guest time,
# interrupts, hypercalls and the memory of the MSI vectors; KUnit is off.
# Every boot is made deterministic: -icount shift=0,sleep=off (guest time is
# a function of the instructions executed), one CPU (two vCPUs interleave
# at host-dependent points), an RTC on the virtual clock (Xen and Linux
# wait for its tick at boot), virtio-net without ioeventfd and with its
# transmit timer on the virtual clock (not a bottom half run by QEMU's main
# loop), and no disks (their I/O completes in host threads).
# scripts/bench-report.py turns the logs into the table and
# build/bench/results.{csv,json}, and compares them with the previous run's.
#
# Variables: ROUNDS (3), PINGS (2000).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
pings=${PINGS:-2000}
bench=$BUILD/bench
mkdir -p "$bench"
start=$(date +%s)

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/xen.sh"
"$TOP/scripts/initramfs.sh"

# A worktree of the kernel tree at REV with the counting patches on top,
# remade only when REV or the patches change (so rebuilds stay incremental).
prepare_src() {	# prepare_src NAME REV
	local dir=$bench/src-$1 rev stamp
	rev=$(git -C "$TREE" rev-parse "$2^{commit}")
	stamp="$rev $(cat "$TOP"/tests/bench/*.patch | sha1sum | cut -d' ' -f1)"
	if [ ! -d "$dir" ]; then
		git -C "$TREE" worktree add -q --detach "$dir" "$rev"
	elif [ "$(cat "$dir/.bench-stamp" 2>/dev/null)" = "$stamp" ]; then
		return
	fi
	git -C "$dir" reset -q --hard "$rev"
	git -C "$dir" -c user.name=bench -c user.email=bench@localhost \
		-c commit.gpgsign=false am -q "$TOP"/tests/bench/*.patch ||
		die "the counting patch does not apply to $2"
	echo "$stamp" > "$dir/.bench-stamp"
}

# Where a kernel's build and logs go: XEN=n is make check's own build
# (same tree, same config, nothing to count); the others are the bench's.
out() {
	if [ "$1" = xen-n ]; then echo "$BUILD/series"; else echo "$bench/$1"; fi
}

# kernel LABEL VARIANT SRC KCONFIG: build (incrementally) and record the time.
kernel() {
	local t0 t1
	t0=$(date +%s)
	VARIANT=$2 SRC=$3 OUT=$(out "$1") KCONFIG=$4 "$TOP/scripts/kernel.sh"
	t1=$(date +%s)
	echo "$1 $4 $((t1 - t0))" >> "$bench/build-times"
}

prepare_src base base
prepare_src series series
: > "$bench/build-times"
kernel xen-n series "$TREE" native
kernel base bench-base "$bench/src-base" xen
kernel series bench-series "$bench/src-series" xen

qemu_args="-icount shift=0,sleep=off -smp 1
	-rtc clock=vm,base=2024-11-17T00:00:00
	-global virtio-net-pci.ioeventfd=off -global virtio-net-pci.tx=timer"

# boot LABEL KCONFIG SCENARIO ROUND
boot() {
	local args="agent.bench=$pings kunit.enable=0"
	VARIANT=bench-$1 OUT=$(out "$1") KCONFIG=$2 RUN_NAME=bench-$3-$4 \
	NO_DISKS=1 XHCI_KBD=1 QEMU_ARGS="$qemu_args" \
	XEN_ARGS="console_timestamps=boot dom0_max_vcpus=1" \
	NATIVE_ARGS="$args" DOM0_ARGS="$args" \
		"$TOP/scripts/boot.sh" "$3" > "$bench/boot.log" 2>&1 ||
		{ cat "$bench/boot.log" >&2; die "bench boot $1 $3 round $4 failed"; }
	echo "$1 $3 $4 $(out "$1")/logs/bench-$3-$4/console.txt" >> "$bench/boots"
}

: > "$bench/boots"
for r in $(seq 1 "$rounds"); do
	msg "bench: round $r of $rounds"
	boot xen-n native native-q35 "$r"
	boot base xen native-q35 "$r"
	boot series xen native-q35 "$r"
	boot base xen xen-dom0-q35 "$r"
	boot series xen xen-dom0-q35 "$r"
done

python3 "$TOP/scripts/bench-report.py" "$bench" "$pings"
echo "bench: $(( $(date +%s) - start )) s in all on $(nproc) CPUs"
