#!/usr/bin/env bash
# An SSDT that gives each ACPI processor object of a QEMU machine power
# data of its own, for the checks of what dom0 hands Xen (scripts/xen-pm.py).
# QEMU's firmware has none, and xen-acpi-processor uploads nothing without
# _PCT. Processor \_SB.CPUS.Cnnn, ACPI ID n, gets:
#   _PCT  control and status registers in I/O space (0x880, 0x884, where
#         nothing answers): Xen's acpi-cpufreq takes those on any CPU, where
#         Intel's FFixedHW ones need EIST, which TCG's CPUs lack;
#   _PSS  two P-states, P0 at 2000 + 100 * n MHz, P1 at 1000 + 100 * n MHz;
#   _PSD  a coordination domain of its own (SW_ALL, one processor);
#   _CST  C1 (FFixedHW, which becomes HLT) and C2 through I/O port 0x614
#         (where an ICH9's P_LVL2 would be), whose latency is 20 + n us.
# A processor's data thus names its ACPI ID, and what Xen reports for a
# physical CPU shows which object's data it was given.
#
#   scripts/cpu-pm-ssdt.sh NCPUS OUT
#
# NCPUS: how many processor objects QEMU's DSDT declares (maxcpus). OUT: the
# table, for QEMU's -acpitable.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || die "usage: $0 NCPUS OUT"
n=$1 out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

{
	echo 'DefinitionBlock ("", "SSDT", 2, "XENTST", "CPUPM", 0x00000001)'
	echo '{'
	for ((i = 0; i < n; i++)); do
		printf '    External (\\_SB.CPUS.C%03X, DeviceObj)\n' "$i"
	done
	for ((i = 0; i < n; i++)); do
		cat <<ASL
    Scope (\\_SB.CPUS.C$(printf %03X "$i"))
    {
        Name (_PCT, Package ()
        {
            ResourceTemplate () { Register (SystemIO, 16, 0, 0x0880, ) },
            ResourceTemplate () { Register (SystemIO, 16, 0, 0x0884, ) }
        })
        Name (_PSS, Package ()
        {
            Package () { $((2000 + 100 * i)), 20000, 10, 10, 0x1000, 0x1000 },
            Package () { $((1000 + 100 * i)), 10000, 10, 10, 0x0800, 0x0800 }
        })
        Name (_PPC, Zero)
        Name (_PSD, Package ()
        {
            Package () { 5, Zero, $i, 0xFC, One }
        })
        Name (_CST, Package ()
        {
            2,
            Package () { ResourceTemplate () { Register (FFixedHW, 0, 0, 0, ) }, 1, 1, 1000 },
            Package () { ResourceTemplate () { Register (SystemIO, 8, 0, 0x614, ) }, 2, $((20 + i)), 500 }
        })
    }
ASL
	done
	echo '}'
} > "$work/cpu-pm.dsl"
iasl_compile "$work/cpu-pm.dsl" "$work/cpu-pm" "the processor SSDT"
cp "$work/cpu-pm.aml" "$out"
msg "cpu-pm-ssdt: $out ($n processors)"
