#!/usr/bin/env bash
# The firmware-quirk machine's ACPI table: QEMU's own DSDT, with the _CRS of
# the UART at 0x3e8 (ISA IRQ 7, which QEMU's MADT does not override) saying
# level-triggered, active low, shared, in an extended Interrupt descriptor -
# what the firmware of AMD laptops says of the GPIO controller on IRQ 7 -
# instead of QEMU's IRQNoFlags (edge, active high). Linux takes an extended
# descriptor's attributes as they are (for the legacy IRQ() descriptor it
# prefers the ISA defaults, except on AMD Zen). The kernel takes the table
# from the initrd in place of QEMU's (CONFIG_ACPI_TABLE_UPGRADE); Xen reads
# no DSDT, so only dom0 knows.
#
#   scripts/quirk-dsdt.sh DSDT OUT
#
# DSDT: the table as QEMU built it for the machine (boot.sh copies it out
# with agent.dsdt). OUT: an uncompressed cpio with kernel/firmware/acpi/
# dsdt.aml, to put before the gzipped initramfs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || die "usage: $0 DSDT OUT"
in=$1 out=$2
need_iasl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$in" "$work/dsdt.dat"
iasl -d "$work/dsdt.dat" > "$work/iasl-d.log" 2>&1 ||
	die "iasl cannot disassemble $in; see the output below
$(cat "$work/iasl-d.log")"
python3 - "$work/dsdt.dsl" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
# The UART at 0x3e8: its _CRS is IO (0x3e8) then IRQNoFlags () {7}.
crs = re.compile(r'(IO \(Decode16,\s*0x03E8,.*?\)\s*)IRQNoFlags \(\)(\s*\{7\})', re.S)
s, n = crs.subn(r'\1Interrupt (ResourceConsumer, Level, ActiveLow, Shared, ,, ) {7}', s, count=1)
if n != 1:
    sys.exit("quirk-dsdt: no UART at 0x3e8 on IRQ 7 in the DSDT")
# The kernel takes a table from the initrd only if its OEM revision is
# higher than the firmware's.
hdr = re.compile(r'(DefinitionBlock \("", "DSDT", \d+, "[^"]*", "[^"]*", )0x([0-9A-Fa-f]{8})\)')
m = hdr.search(s)
if not m:
    sys.exit("quirk-dsdt: no DefinitionBlock header")
s = s[:m.start()] + m.group(1) + '0x%08X)' % (int(m.group(2), 16) + 1) + s[m.end():]
open(p, 'w').write(s)
EOF
iasl_compile "$work/dsdt.dsl" "$work/dsdt" "the patched DSDT"
mkdir -p "$work/cpio/kernel/firmware/acpi"
cp "$work/dsdt.aml" "$work/cpio/kernel/firmware/acpi/dsdt.aml"
find "$work/cpio" -exec touch -h -d @0 {} +
(cd "$work/cpio" && find kernel -print0 | LC_ALL=C sort -z |
	cpio -o -0 -H newc --owner=0:0 --reproducible --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
msg "quirk-dsdt: $out (the UART at 0x3e8: IRQ 7 level, active low, shared)"
