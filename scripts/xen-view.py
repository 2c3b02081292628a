#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check dom0's interrupts against Xen's own view of the IO-APICs.

Usage: xen-view.py CONSOLE_TXT

CONSOLE_TXT is a Xen boot's serial log (scripts/boot.sh's console.txt).
It holds, in Xen's words:
  - the IO-APIC redirection table Xen printed at boot, before dom0 ran
    (Xen's apic_verbosity=debug);
  - the same table and Xen's IRQ bindings after dom0's workload (debug keys
    'z' and 'i', which the agent sends with XEN_SYSCTL_debug_keys);
and, in dom0's words, one "AGENT gsi G irq=I pirq=P used=0|1 trigger=T
polarity=P type=..." line per GSI dom0 holds an IRQ for, and "AGENT gsi G
cycled" for a GSI that the cycle tests set up and released.

Prints one TAP-like line per check for boot.sh's checks file:
  xen-view-own-pins   every pin of an IRQ that Xen handles itself (its
                      timer, its UART) has the vector, trigger, polarity and
                      delivery that Xen gave it at boot, and the vector of
                      Xen's IRQ;
  xen-view-gsi-attrs  every GSI that dom0 uses, or (with the series) has
                      set up, has in Xen's entry the trigger and polarity
                      that dom0 recorded (polarity only where dom0 knows
                      it: the base tree's flat chip does not), and Xen
                      lists dom0 as bound to each one it uses;
  xen-view-msi        (with "AGENT msi" lines, agent.msi=domain) every MSI
                      pirq that dom0 has bound is bound in Xen to dom0 on
                      an IRQ of its kind (PCI-MSI, PCI-MSI/-X) that Xen's
                      MSI list (key 'M') has unmasked; Xen binds no other
                      MSI pirq to dom0; Xen has as many MSI-X IRQs mapped
                      but unbound as dom0 has MSI-X pirqs unbound, and as
                      many MSI ones, or more by what a block's rounding to
                      a power of two leaves unused, each masked where it
                      has a mask bit;
  xen-view-no-stray   no pin was set up (vector, trigger or polarity
                      changed since boot) for a GSI that dom0 did not set
                      up: with the series, one that xen/pirqs says is set
                      up ("set-up=1"), that dom0 uses, or that the cycle
                      tests set up; on the base tree, which does not say,
                      one that dom0 holds an IRQ for.
Every IO-APIC table must be complete (as many rows as Xen says the IO-APIC
has entries), or every check fails: a row lost in the console output would
otherwise pass or fail a check unseen.
"""
import re
import sys

ROW = re.compile(r'^\(XEN\)\s+([0-9a-f]{2})\s+([0-9a-f]{2,8})\s+(\d)\s+(\d)\s+'
                 r'(\d)\s+(\d)\s+(\d)\s+(\d)\s+(\d)\s+([0-9A-Fa-f]{2})\s*$')
IOAPIC = re.compile(r'^\(XEN\) IO APIC #(\d+)\.')
RANGE = re.compile(r'^\(XEN\) IOAPIC\[(\d+)\]: apic_id (\d+), .* GSI (\d+)-(\d+)')
ENTRIES = re.compile(r'^\(XEN\) number of IO-APIC #(\d+) registers: (\d+)\.')
BINDING = re.compile(r'^\(XEN\)\s+IRQ:\s*(\d+) vec:([0-9a-f]+) (\S+)\s+'
                     r'status=\S+ aff:\S+ (.*)$')
PIN_IRQ = re.compile(r'^\(XEN\)\s+IRQ\s*(\d+) Vec\s*\d+:')
PIN = re.compile(r'^\(XEN\)\s+Apic 0x([0-9a-f]+), Pin\s*(\d+):')
GSI = re.compile(r'^AGENT gsi (\d+) (.*)$')
MSI = re.compile(r'^AGENT msi (.*)$')
MSI_ROW = re.compile(r'^\(XEN\)\s+(MSI-X|MSI)\s+(\d+) vec=([0-9a-f]+) .* '
                     r'mask=(\d)/(.)(.)/(.)\s*$')

# Fields of a row that say how a pin is set up (not its live state: mask,
# IRR and delivery status change as interrupts come and go).
SETUP = ('vec', 'trg', 'pol', 'dstm', 'delm')
CHECKS = ('xen-view-own-pins', 'xen-view-gsi-attrs', 'xen-view-no-stray')


def same_setup(was, now):
    return all(was[k] == now[k] for k in SETUP)


def tables(lines):
    """Every IO-APIC table in the log: a list of {(apic id, pin): row}."""
    found, cur, apic = [], None, None
    for line in lines:
        m = IOAPIC.match(line)
        if m:
            apic = int(m.group(1))
            # One dump lists every IO-APIC: the first starts a table.
            if cur is None or (apic, 0) in cur:
                cur = {}
                found.append(cur)
            continue
        m = ROW.match(line)
        if m and cur is not None and apic is not None:
            f = m.groups()
            cur[(apic, int(f[0], 16))] = {
                'trg': int(f[3]), 'pol': int(f[5]), 'dstm': int(f[7]),
                'delm': int(f[8]), 'vec': int(f[9], 16), 'text': ' '.join(f)}
        elif line.startswith('(XEN) IRQ to pin mappings'):
            apic = None
    return found


def main():
    with open(sys.argv[1], errors='replace') as f:
        lines = [l.rstrip('\n') for l in f]
    out = []

    def result(ok, name, detail):
        out.append(('ok ' if ok else 'FAIL ') + name + ' ' + detail)

    def fail_all(detail):
        for name in CHECKS:
            result(False, name, detail)
        print('\n'.join(out))

    # Tables name an IO-APIC by its ID, the 'i' dump by its index.
    ranges, id_of, entries = {}, {}, {}
    for line in lines:
        m = RANGE.match(line)
        if m:
            id_of[int(m.group(1))] = int(m.group(2))
            ranges[int(m.group(2))] = (int(m.group(3)), int(m.group(4)))
        m = ENTRIES.match(line)
        if m:
            entries[int(m.group(1))] = int(m.group(2))

    def pin_of(gsi):
        for apic, (lo, hi) in ranges.items():
            if lo <= gsi <= hi:
                return (apic, gsi - lo)
        return None

    tabs = tables(lines)
    begun = 'AGENT xen-view begin' in lines
    if not begun or len(tabs) < 2:
        fail_all('no view: %s, %d IO-APIC tables in the log (want the boot '
                 'one, apic_verbosity=debug, and one from debug key z)' %
                 ('view begun' if begun else 'no "AGENT xen-view begin"',
                  len(tabs)))
        return
    boot, after = tabs[0], tabs[-1]
    short = []
    for when, tab in (('boot', boot), ('after', after)):
        for apic, n in sorted(entries.items()):
            rows = sum(1 for (a, _) in tab if a == apic)
            if rows != n:
                short.append('%s table: IO-APIC %d has %d of %d rows' %
                             (when, apic, rows, n))
    if short or not entries:
        fail_all('incomplete IO-APIC table: %s' %
                 ('; '.join(short) or 'no register count'))
        return
    ends = [l for l in lines if l.startswith('AGENT xen-view end')]
    if ends and ends[-1] != 'AGENT xen-view end':
        result(False, 'xen-view-keys', ends[-1][len('AGENT '):])

    # Xen's IRQ bindings (key 'i'): the last dump.
    bindings, pins_of_irq, irq = {}, {}, None
    for line in lines:
        if line == '(XEN) IRQ information:':
            bindings, pins_of_irq = {}, {}
        m = BINDING.match(line)
        if m:
            bindings[int(m.group(1))] = {
                'vec': int(m.group(2), 16), 'type': m.group(3),
                'rest': m.group(4)}
            continue
        m = PIN_IRQ.match(line)
        if m:
            irq = int(m.group(1))
            continue
        m = PIN.match(line)
        if m and irq is not None:
            idx = int(m.group(1), 16)
            pins_of_irq.setdefault(irq, []).append(
                (id_of.get(idx, idx), int(m.group(2))))

    # dom0's GSIs.
    gsis = {}
    for line in lines:
        m = GSI.match(line)
        if not m:
            continue
        g, rest = int(m.group(1)), m.group(2)
        kv = dict(w.split('=', 1) for w in rest.split() if '=' in w)
        if rest == 'cycled':
            kv = {'used': '0', 'cycled': '1'}
        gsis[g] = kv

    # 1. Xen's own pins.
    own, owned, bad = [], set(), []
    for irq, b in sorted(bindings.items()):
        if not b['type'].startswith('IO-APIC') or not b['rest'].endswith('()'):
            continue
        for pin in pins_of_irq.get(irq, []):
            was, now = boot.get(pin), after.get(pin)
            desc = 'IRQ %d (%s, vec %02x) pin %d:%d' % (
                irq, b['rest'], b['vec'], pin[0], pin[1])
            own.append(desc)
            owned.add(pin)
            if not was or not now:
                bad.append(desc + ' missing from a table')
            elif not same_setup(was, now) or now['vec'] != b['vec']:
                bad.append('%s at boot "%s", now "%s"' % (desc, was['text'],
                                                           now['text']))
    if not own:
        result(False, 'xen-view-own-pins', 'Xen lists no IO-APIC IRQ of its own')
    else:
        result(not bad, 'xen-view-own-pins',
               '; '.join(bad) if bad else 'as Xen set them at boot: ' +
               '; '.join(own))

    # 2. Trigger and polarity of the GSIs dom0 uses or has set up (a UART
    # that is closed again: its pin keeps what dom0 gave Xen).
    used, bad = [], []
    for g, kv in sorted(gsis.items()):
        if kv.get('used') != '1' and kv.get('set-up') != '1':
            continue
        pin = pin_of(g)
        now = after.get(pin) if pin else None
        used.append(str(g))
        if not now:
            bad.append('GSI %d: no pin in Xen\'s table' % g)
            continue
        level = kv.get('trigger') == 'level'
        why = []
        if now['trg'] != level:
            why.append('Xen %s, dom0 %s' % ('level' if now['trg'] else 'edge',
                                            kv.get('trigger')))
        if kv.get('polarity') in ('high', 'low') and \
           now['pol'] != (kv['polarity'] == 'low'):
            why.append('Xen active %s, dom0 active %s' % (
                'low' if now['pol'] else 'high', kv['polarity']))
        irqs = [i for i, p in pins_of_irq.items() if pin in p]
        if kv.get('used') == '1' and not any(re.search(r'\bd0:\s*%s\(' % kv.get('pirq', g),
                             bindings.get(i, {}).get('rest', ''))
                   for i in irqs):
            why.append('Xen lists no dom0 binding of pirq %s on it' %
                       kv.get('pirq', g))
        if why:
            bad.append('GSI %d (pin %d:%d "%s"): %s' % (
                g, pin[0], pin[1], now['text'], ', '.join(why)))
    result(bool(used) and not bad, 'xen-view-gsi-attrs',
           '; '.join(bad) if bad else
           ('dom0 uses no GSI' if not used else
            'GSIs %s: trigger and polarity as dom0 has them' % ' '.join(used)))

    # 3. No pin set up behind a GSI dom0 holds nothing for.
    if any('set-up' in kv for kv in gsis.values()):
        registered = {pin_of(g) for g, kv in gsis.items()
                      if kv.get('set-up') == '1' or kv.get('used') == '1' or
                      'cycled' in kv}
        what = 'dom0 set up'
    else:
        registered = {pin_of(g) for g in gsis}
        what = 'dom0 holds'
    changed, bad = [], []
    for pin, now in sorted(after.items()):
        was = boot.get(pin)
        if was and same_setup(was, now):
            continue
        changed.append('%d:%d' % pin)
        if pin not in registered and pin not in owned:
            bad.append('pin %d:%d at boot "%s", now "%s", not for a GSI %s' % (
                pin[0], pin[1], was['text'] if was else '-', now['text'],
                what))
    result(not bad, 'xen-view-no-stray',
           '; '.join(bad) if bad else
           'pins set up since boot: %s, each for a GSI %s' %
           (' '.join(changed) or 'none', what))
    msi_view(lines, bindings, result)
    print('\n'.join(out))


def msi_view(lines, bindings, result):
    """xen-view-msi: dom0's MSI pirqs against Xen's bindings and MSI list."""
    msis = [dict(w.split('=', 1) for w in m.group(1).split())
            for m in map(MSI.match, lines) if m]
    if not msis:
        return
    rows = {}
    for line in lines:
        if line == '(XEN) MSI information:':
            rows = {}
        m = MSI_ROW.match(line)
        if m:
            rows[int(m.group(2))] = {'type': m.group(1),
                                     'masked': m.group(7) == '1',
                                     'maskable': m.group(7) != '?'}
    if not rows:
        result(False, 'xen-view-msi', 'no MSI list from Xen (debug key M)')
        return
    want_type = {'msi': ('PCI-MSI', 'MSI'), 'msix': ('PCI-MSI/-X', 'MSI-X')}
    bound = {int(m['pirq']): m for m in msis if m['evtchn'] != '0'}
    unbound = [m for m in msis if m['evtchn'] == '0']
    bad, seen = [], set()
    for irq, b in sorted(bindings.items()):
        if not b['type'].startswith('PCI-MSI'):
            continue
        for p in re.findall(r'\bd0:\s*(\d+)\(', b['rest']):
            p = int(p)
            seen.add(p)
            m = bound.get(p)
            if not m:
                bad.append('Xen IRQ %d: dom0 pirq %d bound, which dom0 has '
                           'not' % (irq, p))
                continue
            itype, mtype = want_type[m['kind']]
            row = rows.get(irq)
            if b['type'] != itype or not row or row['type'] != mtype:
                bad.append('pirq %d (%s entry %s, %s): Xen IRQ %d is %s, '
                           'its MSI row %s' % (
                               p, m['dev'], m['entry'], m['kind'], irq,
                               b['type'], row['type'] if row else 'missing'))
            elif row['masked']:
                bad.append('pirq %d (%s entry %s): Xen IRQ %d masked' % (
                    p, m['dev'], m['entry'], irq))
    for p, m in sorted(bound.items()):
        if p not in seen:
            bad.append('pirq %d (%s entry %s): bound in dom0, not in Xen' %
                       (p, m['dev'], m['entry']))
    # Mapped but unbound: as many MSI-X entries as dom0 has; for MSI, Xen
    # maps a block of a power of two, dom0 may use fewer of its vectors.
    for kind, itype in (('msix', 'PCI-MSI/-X'), ('msi', 'PCI-MSI')):
        idle = [irq for irq, b in bindings.items()
                if b['type'] == itype and 'unbound' in b['rest']]
        mine = [m for m in unbound if m['kind'] == kind]
        slack = 0
        if kind == 'msi':
            per_dev = {}
            for m in msis:
                if m['kind'] == 'msi':
                    per_dev[m['dev']] = per_dev.get(m['dev'], 0) + 1
            for n in per_dev.values():
                slack += (1 << (n - 1).bit_length()) - n if n > 1 else 0
        if not len(mine) <= len(idle) <= len(mine) + slack:
            bad.append('Xen has %d %s IRQs mapped but unbound, dom0 %d %s '
                       'pirqs unbound%s' % (
                           len(idle), itype, len(mine), kind,
                           ' (and %d unused in blocks)' % slack if slack
                           else ''))
        # An MSI without mask bits cannot be masked (Xen shows '?').
        for irq in idle:
            row = rows.get(irq, {})
            if row.get('maskable', True) and not row.get('masked'):
                bad.append('Xen IRQ %d: unbound but not masked' % irq)
    result(not bad, 'xen-view-msi', '; '.join(bad) if bad else
           '%d MSI pirqs bound to dom0 as dom0 has them, each unmasked; %d '
           'mapped and unbound, as in Xen, masked where they can be' %
           (len(bound), len(unbound)))


if __name__ == '__main__':
    main()
