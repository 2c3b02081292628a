#!/usr/bin/env bash
# Boot one scenario under QEMU (TCG) with the guest agent and collect its
# checks. Usage: boot.sh SCENARIO [EXTRA_KERNEL_ARGS...]
#
#   native-pc      the bzImage on bare (emulated) hardware, i440FX + PIIX IDE
#   native-q35     the same on Q35 with AHCI
#   xen-dom0-pc    Xen 4.17 with the same bzImage as PV dom0, i440FX
#   xen-dom0-q35   the same on Q35
#   xen-dom0-nopci a PCI=n kernel (bzImage-nopci) as dom0 on i440FX: the
#                  legacy devices (serial, i8042)
#   xen-dom0-noioapic  xen-dom0-pc with a dom0 that finds no IO-APIC
#                  (acpi=noirq): it routes through the 8259, its ISA IRQs
#                  and PCI INTx on them are pirqs; Xen keeps its IO-APIC
#   xen-dom0-guest-q35  dom0 boots the Debian root file system with the Xen
#                  toolstack (scripts/rootfs.sh) and runs PV guests from it
#                  (tests/guest/dom0-init); the guests run the agent
#   xen-dom0-hvm-q35  the same with one HVM guest (nested SVM under TCG):
#                  its emulated IDE, virtio-blk (MSI-X) and shared-INTx
#                  disks and the SCI, through its emulated IO-APIC
#   native-quirk-q35, xen-dom0-quirk-q35  a firmware quirk: a third UART
#                  on ISA IRQ 7, which the MADT does not override, whose
#                  _CRS says level-triggered, active low (the kernel takes
#                  the DSDT from the initrd: scripts/quirk-dsdt.sh); only
#                  the UARTs and the SCI, no disks, no NICs
#   native-sparse-q35, xen-dom0-sparse-q35  sparse APIC IDs: two CPUs, the
#                  second in the other socket (APIC IDs 0 and 2, as on a
#                  two-socket server or with HT off); Xen in physical
#                  destination mode (apic=bigsmp, its choice above 8
#                  CPUs: its default, logical flat, stalls under TCG with
#                  such IDs); the UARTs and the SCI only; as dom0, an
#                  SSDT gives each processor power data of its own, which
#                  dom0 must hand Xen for the right physical CPU
#                  (scripts/cpu-pm-ssdt.sh, scripts/xen-pm.py)
#   xen-dom0-iommu-q35  xen-dom0-q35 under an IOMMU with interrupt
#                  remapping, as every real server runs Xen: QEMU's
#                  emulated VT-d (intel-iommu,intremap=on, xAPIC mode: eim
#                  needs KVM), Xen with iommu=required,verbose
#   xen-dom0-pt-q35  PCI passthrough on that IOMMU machine: the guest
#                  scenario's dom0 gives each PV guest an e1000e (MSI-X,
#                  behind a PCIe root port) and two virtio-blk disks on
#                  INTx, one alone on its line, one sharing it with a disk
#                  dom0 keeps, through pciback and pcifront
#
# Every scenario has a second UART, an e1000 (INTx, level) and a
# virtio-net (MSI-X) joined by a QEMU hub, and a virtio-blk disk (MSI-X).
# Writes $LOGS/SCENARIO/{console.log,checks,irqs}; exits non-zero if a
# check failed. DOM0_ARGS / NATIVE_ARGS add kernel arguments (e.g.
# DOM0_ARGS=pci=nomsi to see the MSI checks fail); RUN_NAME names the
# log directory instead of SCENARIO. For make bench: QEMU_ARGS adds QEMU
# options, XEN_ARGS Xen options, NO_DISKS=1 leaves the disks out, and
# XHCI_KBD=1 adds the xHCI with a USB keyboard to such a machine.
# The guest scenarios: GUESTS guests one after the other (3 PV, 1 HVM),
# GUEST_TIMEOUT seconds for each (120 PV, 300 HVM), GUEST_ARGS more
# arguments for the guest kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn=${1:?usage: boot.sh SCENARIO}
shift
extra="$*"
kcfg=${KCONFIG:-xen}
case "$scn" in *-nopci) kcfg=nopci ;; esac
kernel=$OUT/bzImage-$kcfg
initrd=$BUILD/initramfs.cpio.gz
timeout=${BOOT_TIMEOUT:-300}
# QEMU TCG's "max" CPU claims to be an AMD K8 (family 15), whose erratum 400
# makes Linux read MSR 0xc0010055, which Xen does not give a PV dom0; a
# modern Intel signature avoids that K8 path. -smap: QEMU 7.2's TCG checks
# the IRET frame as a supervisor access, so a PV kernel (ring 3) faults.
# The HVM scenario needs SVM, which TCG emulates (not VMX): an AMD Zen
# signature, past the K8 errata. -monitor: Xen's MWAIT idle faults on
# TCG's MONITOR; -xsave: Xen then offers HVM guests an XSAVE area size
# their kernel rejects ("XSAVE consistency problem") and stalls.
case "$scn" in
xen-dom0-hvm-*) CPU=${CPU:-max,-smap,-monitor,-xsave,vendor=AuthenticAMD,family=23,model=1,+svm} ;;
*) CPU=${CPU:-max,-smap,vendor=GenuineIntel,family=6,model=85} ;;
esac
dir=$LOGS/${RUN_NAME:-$scn}
[ -f "$kernel" ] || die "no kernel at $kernel; run 'make kernel' first"
[ -f "$initrd" ] || die "no initramfs at $initrd"
rm -rf "$dir"
mkdir -p "$dir"

guest=0 guest_type=pv pt=0
# The devices passed through (xen-dom0-pt-*), as placed below: the NIC,
# the disk alone on its line, the disk sharing it.
pt_devs="0000:01:00.0 0000:00:02.0 0000:00:03.1"
case "$scn" in
xen-dom0-guest-*) guest=1 ;;
xen-dom0-pt-*) guest=1 pt=1 ;;
xen-dom0-hvm-*) guest=1 guest_type=hvm ;;
esac
if [ "$guest_type" = hvm ]; then
	# Under nested SVM in TCG, every character on the emulated UART is a
	# trip to QEMU in dom0: the guest's console gets warnings only (quiet),
	# and the agent's lines. The guest's agent is done in about a minute.
	guests=${GUESTS:-1}
	guest_timeout=${GUEST_TIMEOUT:-300}
	guest_args="console=ttyS0 quiet panic=-1 kunit.enable=0 xen_emul_unplug=never agent.expect=ide:virtio-blk:intx-pair:sci agent.hyp=domu agent.hold=60"
else
	guests=${GUESTS:-3}
	guest_timeout=${GUEST_TIMEOUT:-120}
	guest_args="console=hvc0 panic=-1 kunit.enable=0 agent.expect=xen-vbd:xen-vif agent.hyp=domu agent.hold=60"
fi
# Passthrough: the guest also checks what it was given; it holds long
# enough for dom0 to detach and attach the devices while it runs. pcifront
# sets swiotlb-xen up for their DMA: 16 MiB of bounce buffers, not 64.
[ "$pt" = 0 ] || guest_timeout=${GUEST_TIMEOUT:-300}
[ "$pt" = 0 ] || guest_args="console=hvc0 panic=-1 kunit.enable=0 swiotlb=8192 agent.expect=xen-vbd:xen-vif:pt-e1000e:pt-intx agent.hyp=domu agent.pirq=pcifront agent.hold=300"
# The series gives pcifront's MSIs per-device PCI/MSI domains on the
# xen-pirq domain; the base tree's are pirqs of its flat chip.
[ "$pt" = 0 ] || [ "$VARIANT" = baseline ] || guest_args="$guest_args agent.msi=domain"
# dom0's boot, then each guest in turn, each within its own time limit.
[ "$guest" = 0 ] || timeout=${BOOT_TIMEOUT:-$((120 + guests * (guest_timeout + 30)))}
quirk=0 sparse=0 iommu=0
case "$scn" in
*-pc)  machine=pc;  disk=ide ;;
*-quirk-q35) machine=q35; disk=; quirk=1 ;;
*-sparse-q35) machine=q35; disk=; sparse=1 ;;
*-iommu-q35) machine=q35; disk=ahci; iommu=1 ;;
*-pt-q35) machine=q35; disk=; iommu=1 ;;
*-q35) machine=q35; disk=ahci ;;
*-nopci) machine=pc; disk= ;;
*-noioapic) machine=pc; disk=ide ;;
*)     die "unknown scenario $scn" ;;
esac
if [ "$guest" = 1 ]; then
	# dom0 runs no device checks: its test script is the workload.
	expect=none
elif [ "$quirk" = 1 ]; then
	expect="serial:quirk-serial:sci"
elif [ "$sparse" = 1 ]; then
	expect="serial:sci"
elif [ -n "$disk" ]; then
	expect="serial:$disk:e1000:virtio-net:virtio-blk:i8042:sci"
	[ "${NO_DISKS:-0}" = 1 ] || expect="$expect:intx-pair"
	[ "${NO_DISKS:-0}" = 1 ] || [ "$disk" != ahci ] || expect="$expect:nvme:e1000e:xhci"
else
	# A kernel without PCI: the legacy devices. Not the SCI: QEMU's DSDT
	# declares PCI configuration space regions, which ACPI cannot load
	# without PCI (natively too), so there is no ACPI interrupt to check.
	expect="serial:i8042"
fi
# EXPECT replaces the list (to try a scenario a few devices at a time).
expect=${EXPECT:-$expect}
# The KUnit suites this kernel must run: those whose option it has.
kunit=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/tests/kunit-suites" |
	while read -r suite sym; do
		if grep -qx "$sym=y" "$OUT/config-$kcfg"; then
			echo "$suite"
		fi
	done | paste -sd:)

smp=(-smp 2)
# QEMU numbers the APIC IDs after the topology: with two cores a socket,
# the second socket's first core is APIC ID 2. The CPU is plugged there
# at start-up; maxcpus=4 lists all four in the MADT, two not present.
[ "$sparse" = 0 ] || smp=(-smp 1,maxcpus=4,sockets=2,cores=2
			  -device "${CPU%%,*}-x86_64-cpu,socket-id=1,core-id=0,thread-id=0")
qemu=(qemu-system-x86_64 -machine "$machine" -cpu "$CPU" "${smp[@]}" -m 2048
      -nodefaults -display none -monitor none -no-reboot
      -serial "file:$dir/console.log" -serial "file:$dir/ttyS1.out")
# The IOMMU comes before the devices it translates for.
[ "$iommu" = 0 ] || qemu+=(-device intel-iommu,intremap=on)
# shellcheck disable=SC2206 # QEMU_ARGS is a list of options
qemu+=(${QEMU_ARGS:-})
nodisks=${NO_DISKS:-0}
# The light machines: the UARTs and the SCI only.
light=0
[ "$quirk" = 0 ] && [ "$sparse" = 0 ] || light=1
[ "$guest" = 0 ] && [ "$light" = 0 ] || nodisks=1
if [ "$nodisks" != 1 ]; then
	truncate -s 16M "$dir/disk0.img" "$dir/disk1.img"
	if [ "$machine" = pc ]; then
		qemu+=(-drive "file=$dir/disk0.img,format=raw,if=ide,index=0")
	else
		qemu+=(-drive "file=$dir/disk0.img,format=raw,if=none,id=d0"
		       -device "ide-hd,drive=d0,bus=ide.0")
	fi
fi
# NO_DEVICE=e1000|virtio-net|virtio-blk leaves that device out while the
# agent still expects it: a way to see the checks fail.
nodev=${NO_DEVICE:-}
[ "$nodev" = virtio-blk ] || [ "$nodisks" = 1 ] ||
	qemu+=(-drive "file=$dir/disk1.img,format=raw,if=none,id=d1"
	       -device "virtio-blk-pci,drive=d1")
# The PCIe machines' NVMe disk: MSI-X, an I/O queue per CPU and a vector
# per queue with managed affinity, as on every current server; the agent
# takes CPU 1 offline and back under it.
# And, as on every current machine, an e1000e (MSI-X: a vector each for
# receive, transmit and the rest), on the hub with the e1000 that pings it,
# and an xHCI with a USB disk, without MSI-X (msix=off): its driver asks
# for a vector per CPU and one more, which MSI gives only as a block (multi-
# message MSI), which needs interrupt remapping, natively and under Xen.
# QEMU 7.2's qemu-xhci has no msix property; nec-usb-xhci is the same xHCI
# model with it.
[ "$nodisks" = 1 ] || [ "$disk" != ahci ] || {
	truncate -s 16M "$dir/nvme.img"
	qemu+=(-drive "file=$dir/nvme.img,format=raw,if=none,id=nv0"
	       -device "nvme,drive=nv0,serial=nvme-0")
	qemu+=(-netdev hubport,id=n2,hubid=0 -device e1000e,netdev=n2)
	truncate -s 4M "$dir/usb.img"
	qemu+=(-device nec-usb-xhci,id=xhci,msi=on,msix=off
	       -drive "file=$dir/usb.img,format=raw,if=none,id=usb0"
	       -device "usb-storage,bus=xhci.0,drive=usb0,serial=usb-0")
}
# XHCI_KBD=1 (make bench, with NO_DISKS=1): the same xHCI with a USB
# keyboard instead of the disk, for control transfers that complete at once
# and interrupt through its MSI vector.
[ "$nodisks" = 1 ] && [ "$disk" = ahci ] && [ "${XHCI_KBD:-0}" = 1 ] &&
	qemu+=(-device nec-usb-xhci,id=xhci,msi=on,msix=off
	       -device usb-kbd,bus=xhci.0)
# Two devices that share one INTx line: virtio-blk disks without MSI-X
# behind a PCI bridge, in slots 1 and 5, whose INTA# the bridge swizzles
# onto the same pin of its own (slot + pin) mod 4.
if [ "$nodisks" != 1 ] && [ -n "$disk" ]; then
	truncate -s 4M "$dir/intx-a.img" "$dir/intx-b.img"
	qemu+=(-device pci-bridge,id=br0,chassis_nr=1,addr=0x10)
	for x in a b; do
		slot=1
		[ "$x" = a ] || slot=5
		qemu+=(-drive "file=$dir/intx-$x.img,format=raw,if=none,id=intx$x"
		       -device "virtio-blk-pci,drive=intx$x,bus=br0,addr=$slot,vectors=0,serial=intx-$x")
	done
fi
[ "$nodev" = e1000 ] || [ "$guest" = 1 ] || [ "$light" = 1 ] ||
	qemu+=(-netdev hubport,id=n0,hubid=0 -device e1000,netdev=n0)
[ "$nodev" = virtio-net ] || [ "$guest" = 1 ] || [ "$light" = 1 ] ||
	qemu+=(-netdev hubport,id=n1,hubid=0 -device virtio-net-pci,netdev=n1)

# The firmware quirk: QEMU describes the UART at 0x3e8 with IRQNoFlags
# (edge, active high), as every ISA UART. Copy QEMU's DSDT out of this very
# machine (a native boot of the agent with agent.dsdt), let the _CRS say
# level, active low, and boot with that table in front of the initramfs.
# QEMU's IO-APIC ignores the polarity, so the UART works either way; what
# the checks see is whether the kernel and Xen set the pin up as the
# firmware says, and agree.
if [ "$quirk" = 1 ]; then
	qemu+=(-chardev "file,id=quirk,path=$dir/ttyS2.out"
	       -device isa-serial,chardev=quirk,iobase=0x3e8,irq=7,index=2)
	timeout 120 "${qemu[@]}" -kernel "$kernel" -initrd "$initrd" -append \
		"console=ttyS0 panic=-1 agent.expect=none agent.hyp=none agent.dsdt=ttyS2" \
		> "$dir/dsdt-boot.out" 2>&1 ||
		die "the boot that copies QEMU's DSDT out failed; see $dir/dsdt-boot.out"
	mv "$dir/ttyS2.out" "$dir/dsdt-qemu.dat"
	mv "$dir/console.log" "$dir/dsdt-boot.log"
	"$TOP/scripts/quirk-dsdt.sh" "$dir/dsdt-qemu.dat" "$dir/acpi.cpio"
	cat "$dir/acpi.cpio" "$initrd" > "$dir/initrd"
	initrd=$dir/initrd
fi

# Processor power data for the machine with sparse APIC IDs, as dom0: an
# SSDT gives each of QEMU's four processor objects data of its own, which
# dom0 hands Xen (xen-acpi-processor) and scripts/xen-pm.py finds again in
# Xen's words. Xen prints each P-state upload (cpufreq=xen:verbose); it
# takes C2 without a broadcast timer (QEMU's APIC timer always runs) but
# never enters it (max_cstate=1): C2 through an I/O port would make every
# idle CPU spin under TCG.
pm=0
case "$scn" in xen-dom0-sparse-*) pm=1 ;; esac
if [ "$pm" = 1 ]; then
	"$TOP/scripts/cpu-pm-ssdt.sh" 4 "$dir/cpu-pm.aml"
	qemu+=(-acpitable "file=$dir/cpu-pm.aml")
fi

# The guest scenario's disks, all virtio-blk: dom0's root file system (a
# snapshot of the cached image: writes are discarded), the "harness" disk
# with the test script and what the guests boot, and the dom0 disk that
# blkback serves to each guest.
if [ "$guest" = 1 ]; then
	rootfs=$BUILD/dom0-rootfs.img
	[ -s "$rootfs" ] || die "no dom0 root file system at $rootfs; run scripts/rootfs.sh"
	[ -x "$BUILD/initramfs/init" ] || die "no guest agent at $BUILD/initramfs/init"
	h=$dir/harness
	mkdir -p "$h"
	cp "$TOP/tests/guest/dom0-init" "$h/dom0-init"
	cp "$BUILD/initramfs/init" "$h/agent"
	cp "$kernel" "$h/bzImage"
	cp "$initrd" "$h/initramfs.cpio.gz"
	printf 'GUEST_TYPE=%q\nGUESTS=%q\nGUEST_TIMEOUT=%q\nGUEST_ARGS=%q\n' "$guest_type" \
		"$guests" "$guest_timeout" "$guest_args ${GUEST_ARGS:-}" > "$h/guest.env"
	# The passed-through devices below, by the addresses they are given.
	[ "$pt" = 0 ] || printf 'PT_NIC=%s\nPT_SOLO=%s\nPT_SHARED=%s\nPT_KEEP=%s\nPT_DOM0_NIC=%s\n' \
		$pt_devs 0000:00:03.0 0000:00:01.3 >> "$h/guest.env"
	mke2fs -q -t ext4 -L harness -d "$h" "$dir/harness.img" 64M
	truncate -s 16M "$dir/guest-disk.img"
	# Passthrough: dom0's own devices are the functions of slot 1, on one
	# INTx line, so that slots 2 to 4 each have a line of their own (Q35
	# routes slot N's INTA# to PIRQ E-H by N mod 4).
	a= b= c=
	[ "$pt" = 0 ] || { a=,addr=0x1.0,multifunction=on b=,addr=0x1.1 c=,addr=0x1.2; }
	qemu+=(-drive "file=$rootfs,format=raw,if=none,id=root,snapshot=on"
	       -device "virtio-blk-pci,drive=root$a"
	       -drive "file=$dir/harness.img,format=raw,if=none,id=harness"
	       -device "virtio-blk-pci,drive=harness$b"
	       -drive "file=$dir/guest-disk.img,format=raw,if=none,id=guest"
	       -device "virtio-blk-pci,drive=guest,serial=guestdisk$c")
fi
# What dom0 passes through (hidden from its drivers by pciback): the
# e1000e behind a PCIe root port in slot 4 (bus 1), on a QEMU hub with
# dom0's virtio-net (slot 1, function 3); the disk pt-solo in slot 2, alone
# on its line; pt-shared, function 1 of slot 3, whose function 0 is the
# disk pt-keep that dom0 keeps. Disks without MSI-X (vectors=0) use INTx.
if [ "$pt" = 1 ]; then
	truncate -s 4M "$dir/pt-solo.img" "$dir/pt-shared.img" "$dir/pt-keep.img"
	qemu+=(-netdev hubport,id=ptd,hubid=1 -device virtio-net-pci,netdev=ptd,addr=0x1.3
	       -drive "file=$dir/pt-solo.img,format=raw,if=none,id=ptsolo"
	       -device virtio-blk-pci,drive=ptsolo,serial=pt-solo,vectors=0,addr=0x2
	       -drive "file=$dir/pt-keep.img,format=raw,if=none,id=ptkeep"
	       -device virtio-blk-pci,drive=ptkeep,serial=pt-keep,vectors=0,addr=0x3.0,multifunction=on
	       -drive "file=$dir/pt-shared.img,format=raw,if=none,id=ptshared"
	       -device virtio-blk-pci,drive=ptshared,serial=pt-shared,vectors=0,addr=0x3.1
	       -device pcie-root-port,id=rp1,chassis=1,addr=0x4
	       -netdev hubport,id=ptg,hubid=1 -device e1000e,netdev=ptg,bus=rp1)
	extra="xen-pciback.hide=$(printf '(%s)' $pt_devs) $extra"
fi

agent="agent.expect=$expect agent.kunit=$kunit"
# Under the IOMMU, the e1000 (INTx) and the MSI-X disk are unbound from
# their drivers and bound again, REBIND times (100): each time their GSI
# or their vectors are given up and set up again.
[ "$iommu" = 0 ] || [ "$guest" = 1 ] || agent="$agent agent.rebind=${REBIND:-100}"
# Suspend to RAM at pm_test's "core" level before the workloads (devices,
# CPUs and syscore suspended and resumed, no sleep): what every laptop and
# many servers do, and QEMU never does unless asked. SUSPEND=0 leaves it out.
[ "${SUSPEND:-1}" = 0 ] || ! grep -qx CONFIG_PM_SLEEP_DEBUG=y "$OUT/config-$kcfg" ||
	agent="$agent agent.suspend=1"
# A native kernel registers the local APIC (R1). The series keeps a PV dom0
# off the MADT's local APICs (R4); the base tree still registers them.
dom0_lapic=none
dom0_pirq=domain
# The series' dom0 has its MSIs on per-device PCI/MSI domains over the
# xen-pirq domain, with managed affinity as natively; the base tree's are
# on its flat xen-pirq chip, without.
dom0_msi="agent.msi=domain agent.managed=1"
# Under interrupt remapping Xen maps an MSI block for the xHCI.
[ "$iommu" = 0 ] || dom0_msi="$dom0_msi agent.multimsi=1"
[ "$VARIANT" != baseline ] || { dom0_lapic=registered; dom0_pirq=chip; dom0_msi=; }
# With acpi=noirq dom0 leaves the MADT's IO-APICs alone, and a PV dom0 reads
# no MP table: it knows no IO-APIC, as on a machine without one.
case "$scn" in
*-noioapic)
	extra="acpi=noirq $extra"
	[ "$VARIANT" = baseline ] || dom0_pirq=isa
	;;
esac
case "$scn" in
native-*)
	qemu+=(-kernel "$kernel" -initrd "$initrd" -append
	       "console=ttyS0 panic=-1 $agent agent.hyp=none agent.lapic=registered agent.managed=1 ${NATIVE_ARGS:-} $extra")
	;;
xen-dom0-*)
	xen=$XEN_DIR/xen
	xen_opts=
	[ "$sparse" = 0 ] || xen_opts=apic=bigsmp
	[ "$pm" = 0 ] || xen_opts="$xen_opts cpufreq=xen:verbose lapic_timer_c2_ok max_cstate=1"
	[ "$iommu" = 0 ] || xen_opts="$xen_opts iommu=required,verbose"
	[ -f "$xen" ] || die "no Xen image at $xen; run scripts/xen.sh"
	# QEMU's multiboot loader: modules are separated by commas, so the
	# dom0 command line must not contain one.
	dom0="console=hvc0 earlyprintk=xen panic=-1 $agent agent.hyp=dom0 agent.lapic=$dom0_lapic agent.pirq=$dom0_pirq $dom0_msi ${DOM0_ARGS:-} $extra"
	case "$dom0" in *,*) die "dom0 arguments must not contain a comma: $dom0" ;; esac
	# The guest scenario's dom0 boots from its disk, without an initramfs.
	if [ "$guest" = 1 ]; then
		modules="$kernel root=/dev/vda rw init=/sbin/harness-init $dom0"
	else
		modules="$kernel $dom0,$initrd"
	fi
	qemu+=(-kernel "$xen" -append
	       "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=2 loglvl=all guest_loglvl=all apic_verbosity=debug noreboot=false $xen_opts ${XEN_ARGS:-}"
	       -initrd "$modules")
	;;
*)	die "unknown scenario $scn" ;;
esac

msg "boot: $scn (timeout ${timeout}s, log $dir/console.log)"
start=$(date +%s)
# QEMU exits when the agent powers the machine off. Where power-off is not
# available (a kernel whose ACPI could not load) the machine halts instead:
# once the agent is done, give QEMU a few seconds, then stop it.
set +e
timeout --kill-after=10 "$timeout" "${qemu[@]}" > "$dir/qemu.out" 2>&1 &
qpid=$!
done_at=
while kill -0 "$qpid" 2>/dev/null; do
	sleep 1
	if [ -z "$done_at" ] && grep -q '^AGENT done' "$dir/console.log" 2>/dev/null; then
		done_at=$(date +%s)
	fi
	if [ -n "$done_at" ] && [ $(( $(date +%s) - done_at )) -ge 20 ]; then
		echo "boot: the agent finished but the machine did not power off; stopping QEMU" >&2
		kill "$qpid" 2>/dev/null
		pkill -P "$qpid" 2>/dev/null
	fi
done
wait "$qpid"
rc=$?
set -e
secs=$(( $(date +%s) - start ))
echo "$secs" > "$dir/seconds"

# Under Xen, dom0's hvc0 lines arrive with \r\r\n endings.
tr -d '\r' < "$dir/console.log" > "$dir/console.txt"
checks=$dir/checks
: > "$checks"
# The guest scenario's dom0 also writes its results to the harness disk,
# where no Xen or kernel message can garble them: take them from there
# when it has them, complete with the last line.
results=$dir/console.txt where="on the console"
if [ "$guest" = 1 ]; then
	debugfs -R "cat /results" "$dir/harness.img" > "$dir/results" 2>/dev/null || true
	if grep -qE '^AGENT done [0-9]+ [0-9]+$' "$dir/results"; then
		results=$dir/results where="in the harness disk's results file"
	fi
fi
grep -E '^AGENT (ok|FAIL) ' "$results" | sed 's/^AGENT //' >> "$checks" || true
grep -E '^AGENT irq ' "$dir/console.txt" | sed 's/^AGENT irq //' > "$dir/irqs" || true
# Every result the agent counted must be there: a kernel message printed in
# the middle of an "AGENT" line would drop that check unseen.
done_line=$(grep -E '^AGENT done [0-9]+ [0-9]+$' "$results" | tail -1 || true)
if [ -n "$done_line" ]; then
	read -r _ _ npassed nfailed <<< "$done_line"
	got=$(grep -c . "$checks" || true)
	if [ "$got" = $((npassed + nfailed)) ]; then
		echo "ok agent-results $got $where, as the agent counted" >> "$checks"
	else
		echo "FAIL agent-results $got $where, the agent counted $npassed passed and $nfailed failed (a line garbled?)" >> "$checks"
	fi
fi
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "FAIL boot-finished timed out after ${timeout}s" >> "$checks"
elif grep -q '^AGENT done ' "$dir/console.txt"; then
	echo "ok boot-finished in ${secs}s, qemu exit $rc" >> "$checks"
else
	echo "FAIL boot-finished agent did not finish (qemu exit $rc; see $dir/console.txt)" >> "$checks"
fi

if [[ $scn == xen-* ]]; then
	# Xen's own view: dom0 must not crash, and Xen must not complain about it.
	bad=$(grep -E '^\(XEN\)' "$dir/console.txt" |
	      grep -E 'Domain 0 crashed|[Cc]rash|Panic on CPU|\bBUG\b|\bWARN|Assertion|d0v?[0-9]* .*([Ff]ault|[Ff]ail|[Ee]rror)|[Dd]om0.*([Ff]ail|[Ee]rror)' |
	      head -5 || true)
	if [ -n "$bad" ]; then
		echo "FAIL xen-console $(echo "$bad" | paste -sd'|')" >> "$checks"
	else
		echo "ok xen-console no dom0 crash or Xen warning" >> "$checks"
	fi
	# Xen's view of the IO-APICs against dom0's (the agent prints both
	# after its workload; not in the benchmark and bypass boots).
	case " $extra ${DOM0_ARGS:-} " in
	*" agent.bench="* | *" agent.bypass="*) ;;
	*)	python3 "$TOP/scripts/xen-view.py" "$dir/console.txt" >> "$checks"
		[ "$pm" = 0 ] || python3 "$TOP/scripts/xen-pm.py" "$dir/console.txt" >> "$checks" ;;
	esac
	# Under the IOMMU, Xen must say that it remaps interrupts: otherwise
	# the devices' checks passed on a machine without remapping.
	if [ "$iommu" = 1 ]; then
		if grep -q '^(XEN) Interrupt remapping enabled' "$dir/console.txt"; then
			echo "ok xen-intremap Xen: $(grep -m1 -oE 'Intel VT-d Interrupt Remapping enabled|Interrupt remapping enabled' "$dir/console.txt"), $(grep -c '^(XEN) \[VT-D\] endpoint' "$dir/console.txt") endpoints behind the IOMMU" >> "$checks"
		else
			echo "FAIL xen-intremap Xen did not enable interrupt remapping: $(grep -E '^\(XEN\) .*[Ii]nterrupt [Rr]emapping' "$dir/console.txt" | head -3 | paste -sd'|')" >> "$checks"
		fi
	fi
fi
! grep -q '^FAIL' "$checks"
