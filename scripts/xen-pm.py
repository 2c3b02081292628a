#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the processor power data dom0 handed Xen, in Xen's words.

Usage: xen-pm.py CONSOLE_TXT

CONSOLE_TXT is the serial log of a Xen boot whose firmware has the SSDT of
scripts/cpu-pm-ssdt.sh: ACPI processor n's P0 is at 2000 + 100 * n MHz and
its C2 latency is 20 + n us, so the data names the processor it came from.
Xen decides by ACPI ID which physical CPU an upload is for; dom0's
xen-acpi-processor sends the data of the processor objects bound to dom0's
CPUs under their own IDs, and a copy of the first bound CPU's data under
every other ACPI ID. A physical CPU given a copy gets another processor's
data. The log holds:
  - "AGENT pcpu C apic_id=A acpi_id=N": Xen's physical CPUs (the agent's
    XENPF_get_cpuinfo);
  - Xen's "Set CPU acpi_id(N) cpuid(C) Px State info:", each followed by
    the _PSS it was given (cpufreq=xen:verbose);
  - Xen's C-states of each CPU, "==cpuC==" and a line a state (debug key
    'c', which the agent sends after the workload).

Prints one TAP-like line per check for boot.sh's checks file:
  xen-pm-px  every physical CPU was given P-states, under its ACPI ID, and
             they are its own processor's;
  xen-pm-cx  no physical CPU has, as Xen lists it after the workload,
             another processor's C2, and at least one has its own (see
             below for those that have none).
"""
import re
import sys

PCPU = re.compile(r'^AGENT pcpu (\d+) apic_id=(\d+) acpi_id=(\d+)$')
SET_PX = re.compile(r'^\(XEN\) Set CPU acpi_id\((\d+)\) cpuid\((\d+)\) Px State info:')
STATE0 = re.compile(r'^\(XEN\)\s+State0: (\d+)MHz')
CX_DUMP = "'c' pressed -> printing ACPI Cx structures"
CX_CPU = re.compile(r'^\(XEN\) ==cpu(\d+)==$')
CX_STATE = re.compile(r'^\(XEN\)\s+\*?C(\d+):\s+type\[C(\d+)\] latency\[\s*(\d+)\]')


def p0_mhz(acpi_id):
    return 2000 + 100 * acpi_id


def c2_latency(acpi_id):
    return 20 + acpi_id


def whose(value, rule, ids):
    """Which processor's data @value is, among ACPI IDs @ids."""
    for n in ids:
        if rule(n) == value:
            return "ACPI processor %d's" % n
    return 'no processor\'s'


def main():
    with open(sys.argv[1], errors='replace') as f:
        lines = [l.rstrip('\n') for l in f]

    def result(ok, name, detail):
        print(('ok ' if ok else 'FAIL ') + name + ' ' + detail)

    pcpus = {}
    for line in lines:
        m = PCPU.match(line)
        if m:
            pcpus[int(m.group(1))] = int(m.group(3))
    if not pcpus:
        for name in ('xen-pm-px', 'xen-pm-cx'):
            result(False, name, 'no "AGENT pcpu" lines: Xen\'s CPUs not known')
        return
    ids = range(max(pcpus.values()) + 1)

    # P-states: the last upload Xen took for each CPU.
    px, cur = {}, None
    for line in lines:
        m = SET_PX.match(line)
        if m:
            cur = (int(m.group(2)), int(m.group(1)))
            continue
        m = STATE0.match(line)
        if m and cur:
            px[cur[0]] = (cur[1], int(m.group(1)))
            cur = None
    bad = []
    for cpu, acpi in sorted(pcpus.items()):
        if cpu not in px:
            bad.append('pCPU %d (ACPI ID %d): no P-states' % (cpu, acpi))
            continue
        got_id, mhz = px[cpu]
        if got_id != acpi or mhz != p0_mhz(acpi):
            bad.append('pCPU %d (ACPI ID %d): P0 %d MHz under ACPI ID %d, %s '
                       '(want %d MHz)' % (cpu, acpi, mhz, got_id,
                                          whose(mhz, p0_mhz, ids), p0_mhz(acpi)))
    result(not bad, 'xen-pm-px', '; '.join(bad) if bad else
           '%d pCPUs, each given its own processor\'s P-states (%s)' %
           (len(pcpus), ', '.join('pCPU %d: P0 %d MHz' % (c, px[c][1])
                                  for c in sorted(pcpus))))

    # C-states: the last 'c' dump.
    starts = [i for i, l in enumerate(lines) if l.endswith(CX_DUMP)]
    if not starts:
        result(False, 'xen-pm-cx', "no C-state dump (debug key 'c') in the log")
        return
    c2, cpu = {}, None
    for line in lines[starts[-1]:]:
        m = CX_CPU.match(line)
        if m:
            cpu = int(m.group(1))
            continue
        m = CX_STATE.match(line)
        if m and cpu is not None and m.group(2) == '2':
            c2[cpu] = int(m.group(3))
    bad = []
    for cpu, acpi in sorted(pcpus.items()):
        if cpu in c2 and c2[cpu] != c2_latency(acpi):
            bad.append('pCPU %d (ACPI ID %d): C2 latency %d us, %s (want %d)' %
                       (cpu, acpi, c2[cpu], whose(c2[cpu], c2_latency, ids),
                        c2_latency(acpi)))
    # Linux 6.12 (Debian's 117 and 118) evaluates _CST for the first CPU
    # only when no cpuidle driver registers, as in dom0
    # (acpi_processor_register_idle_driver()), so xen-acpi-processor has
    # no C-states to send for dom0's other CPUs, with the base tree alike.
    # Such a CPU keeps Xen's own C1: named, not failed.
    none = [c for c in sorted(pcpus) if c not in c2]
    result(not bad and len(none) < len(pcpus), 'xen-pm-cx',
           '; '.join(bad) if bad else
           '%d pCPUs, none with another processor\'s C2 (%s)' %
           (len(pcpus), ', '.join('pCPU %d: %s' % (c, '%d us' % c2[c] if c in c2
                                                    else 'none from dom0')
                                  for c in sorted(pcpus))))


if __name__ == '__main__':
    main()
