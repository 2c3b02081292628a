#!/usr/bin/env bash
# Count Xen references in native x86 code (issue: "no Xen checks in native
# code"): lines that name Xen (xen_*, XEN*, <xen/...>, X86_FEATURE_XENPV,
# comments included) in arch/x86 outside Xen's own files (arch/x86/xen/,
# arch/x86/include/asm/xen/, arch/x86/pci/xen.c) and KVM's Xen emulation
# (arch/x86/kvm/). Usage: xen-refs.sh [TREE-ISH] (default: HEAD of $TREE).
# Prints the total, the count in the APIC/IO-APIC/ACPI-interrupt code, and
# each of those lines.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rev=${1:-HEAD}
core='^arch/x86/(kernel/apic/|kernel/acpi/|kernel/cpu/topology|kernel/(irq|i8259|mpparse|setup)[^/]*\.c|include/asm/(apic|io_apic|acpi|hw_irq|irq|irqdomain|x86_init|mpspec|fixmap)\.h)'
git -C "$TREE" grep -n -i -E '\bxen|x86_feature_xenpv' "$rev" -- 'arch/x86' \
	':!arch/x86/xen' ':!arch/x86/include/asm/xen' ':!arch/x86/pci/xen.c' \
	':!arch/x86/kvm' ':!arch/x86/configs/xen.config' |
	sed "s/^$rev://" > "$BUILD/xen-refs.txt" || true
total=$(wc -l < "$BUILD/xen-refs.txt")
grep -E "$core" "$BUILD/xen-refs.txt" > "$BUILD/xen-refs-core.txt" || true
echo "$rev: $total Xen references in arch/x86 outside Xen's files; $(wc -l < "$BUILD/xen-refs-core.txt") in APIC/IO-APIC/ACPI-interrupt code:"
sed 's/^/  /' "$BUILD/xen-refs-core.txt"
