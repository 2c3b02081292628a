#!/usr/bin/env python3
"""make bench's report: read the bench boots' logs and the bench builds,
print the table of series / baseline ratios with the raw figures beside
them, write results.csv and results.json, and compare with the previous
run's results.json.

Usage: bench-report.py BENCH_DIR PINGS
"""
import json
import os
import re
import statistics
import subprocess
import sys

bench, pings = sys.argv[1], int(sys.argv[2])
TS = r'\[\s*(\d+\.\d+)\]'
PHYSDEVOP_EOI = 12
EVTCHNOP_UNMASK = 9
# The commands of vector set-up and teardown, by name.
SETUP_CMDS = (('physdev', 13, 'PHYSDEVOP_map_pirq'),
              ('physdev', 14, 'PHYSDEVOP_unmap_pirq'),
              ('evtchn', 2, 'EVTCHNOP_bind_pirq'),
              ('evtchn', 3, 'EVTCHNOP_close'),
              ('evtchn', 8, 'EVTCHNOP_bind_vcpu'),
              ('physdev', 5, 'PHYSDEVOP_irq_status_query'))


def fail(msg):
    sys.exit(f'bench-report: {msg}')


def agent_line(path, text, what):
    """The key=value fields of the agent's "AGENT WHAT" line(s)."""
    found = re.findall(r'^AGENT ' + what + r' (.*)$', text, re.M)
    if not found:
        fail(f'{path}: no "AGENT {what}" line')
    out = []
    for line in found:
        kv = dict(f.split('=', 1) for f in line.split())
        out.append({k: (int(v) if re.fullmatch(r'-?\d+', v) else v)
                    for k, v in kv.items()})
    return out


def by_cmd(counts, kind):	# hypercall counts of one kind, by command
    return {int(k.split('.')[1]): v for k, v in counts.items()
            if k.startswith(kind + '.')}


def parse_boot(path, scenario):
    """Figures of one boot, from its console log."""
    text = open(path, errors='replace').read()
    fails = re.findall(r'^AGENT FAIL .*$', text, re.M)
    if fails:
        fail(f'{path}: ' + '; '.join(fails))
    kv = agent_line(path, text, 'bench')[0]
    if kv['pings'] != pings:
        fail(f'{path}: {kv["pings"]} of {pings} pings answered')

    def kernel_ts(pattern):
        m = re.search(r'^' + TS + r' ' + pattern, text, re.M)
        if not m:
            fail(f'{path}: no kernel line "{pattern}"')
        return float(m.group(1))

    # Guest time of the kernel's zero: 0 natively; under Xen, dom0 starts
    # when Xen has freed its init memory, timed from Xen's first line.
    zero = 0.0
    if scenario.startswith('xen-'):
        xen = re.findall(r'^\(XEN\) ' + TS + r' (.*)$', text, re.M)
        if not xen:
            fail(f'{path}: no time-stamped Xen lines (console_timestamps=boot)')
        handoff = [float(t) for t, line in xen if re.match(r'Freed \d+kB init memory', line)]
        if not handoff:
            fail(f'{path}: no "Freed ...kB init memory" line from Xen')
        zero = handoff[0] - float(xen[0][0])
    irqs = kv['e1000_irqs'] + kv['virtio_irqs']
    ms = kv['ns'] / 1e6
    fig = {
        'boot_init_ms': 1000 * (zero + kernel_ts(r'Run /init as init process')),
        'boot_off_ms': 1000 * (zero + kernel_ts(r'reboot: Power down')),
        'ping_ns': kv['ns'] / pings,
        'irqs_per_ping': irqs / pings,
        'e1000_irqs_per_ms': kv['e1000_irqs'] / ms,
        'virtio_irqs_per_ms': kv['virtio_irqs'] / ms,
    }
    # The edge-triggered part: the serial port's legacy IRQ.
    edge = agent_line(path, text, 'bench-edge')[0]
    if edge['serial_irqs'] <= 0:
        fail(f'{path}: the serial port did not interrupt')
    # The MSI part: USB control transfers to a keyboard on the xHCI (MSI).
    msi = agent_line(path, text, 'bench-msi')[0]
    if msi['transfers'] != pings or msi['xhci_irqs'] <= 0:
        fail(f'{path}: {msi["transfers"]} of {pings} USB control transfers, '
             f'{msi["xhci_irqs"]} interrupts')
    fig['usb_ns'] = msi['ns'] / pings
    fig['xhci_irqs_per_transfer'] = msi['xhci_irqs'] / pings
    if 'virtio_pirq_eois' in kv:
        # Per MSI(-X) interrupt: the EOI hypercalls for the device's pirqs,
        # and every other event-channel or physdev hypercall of the phase
        # but the EOIs (in the ping phase the e1000's, one per level-
        # triggered interrupt), counted against the MSI device.
        for key, phase, dev_irqs, dev_eois in (
                ('msix', kv, kv['virtio_irqs'], kv['virtio_pirq_eois']),
                ('msi', msi, msi['xhci_irqs'], msi['xhci_pirq_eois'])):
            ev, pd = by_cmd(phase, 'evtchn'), by_cmd(phase, 'physdev')
            others = sum(ev.values()) + sum(pd.values()) - pd.get(PHYSDEVOP_EOI, 0)
            fig[f'eoi_per_{key}_irq'] = dev_eois / dev_irqs
            fig[f'hypercalls_per_{key}_irq'] = (dev_eois + others) / dev_irqs
    # Vector set-up and teardown: unbind and bind, ten cycles per device.
    for vec in agent_line(path, text, 'bench-vectors'):
        dev, n = vec['dev'], vec['cycles'] * vec['vectors']
        if vec['vectors'] <= 0:
            fail(f'{path}: {dev} has no vectors after its rebind cycles')
        fig[f'{dev}_vectors'] = vec['vectors']
        if 'vec_bytes' not in vec:
            continue
        ev, pd = by_cmd(vec, 'evtchn'), by_cmd(vec, 'physdev')
        calls = {'evtchn': ev, 'physdev': pd}
        for kind, cmd, name in SETUP_CMDS:
            fig[f'{dev}_{name}'] = calls[kind].get(cmd, 0) / n
        fig[f'{dev}_setup_calls'] = (sum(ev.values()) + sum(pd.values()) -
                                     pd.get(PHYSDEVOP_EOI, 0)) / n
        fig[f'{dev}_refused'] = (sum(by_cmd(vec, 'evtchn_fail').values()) +
                                 sum(by_cmd(vec, 'physdev_fail').values())) / n
        fig[f'{dev}_vec_bytes'] = vec['vec_bytes'] / vec['vectors']
        fig[f'{dev}_dom_bytes'] = vec['dom_bytes']
        fig[f'{dev}_levels'] = vec['levels']
    if 'irq_info_bytes' in kv:
        ev, pd = by_cmd(kv, 'evtchn'), by_cmd(kv, 'physdev')
        fig.update({
            'eoi_per_e1000_irq': pd.get(PHYSDEVOP_EOI, 0) / kv['e1000_irqs'],
            'unmask_per_irq': ev.get(EVTCHNOP_UNMASK, 0) / irqs,
            'hypercalls_per_irq': (sum(ev.values()) + sum(pd.values())) / irqs,
            'pirq_bytes': kv['irq_info_bytes'] + kv['irq_desc_bytes'],
        })
        pd_edge = by_cmd(edge, 'physdev')
        fig['eoi_per_serial_irq'] = pd_edge.get(PHYSDEVOP_EOI, 0) / edge['serial_irqs']
        # With the series, xen/pirqs counts each pirq's EOI hypercalls: it
        # must agree with the counting patch (no other pirq needs EOIs).
        for pirq_key, count in (('e1000_pirq_eois', pd.get(PHYSDEVOP_EOI, 0)),
                                ('serial_pirq_eois', pd_edge.get(PHYSDEVOP_EOI, 0))):
            src = kv if pirq_key in kv else edge
            if pirq_key in src and src[pirq_key] != count:
                fail(f'{path}: xen/pirqs counts {src[pirq_key]} EOI hypercalls '
                     f'({pirq_key}), the counting patch {count}')
    return fig


def size_of(paths):
    """text, data, bss summed over the objects that exist."""
    paths = [p for p in paths if os.path.exists(p)]
    out = subprocess.run(['size'] + paths, capture_output=True, text=True,
                         check=True).stdout.splitlines()[1:]
    t = [0, 0, 0]
    for line in out:
        f = line.split()
        for i in range(3):
            t[i] += int(f[i])
    return t


def test_text(paths):
    """Text bytes of test code (KUnit suites, the bypass test) in objects."""
    n = 0
    for p in paths:
        if not os.path.exists(p):
            continue
        out = subprocess.run(['nm', '-S', '--defined-only', p],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4 and f[2] in 'tT' and (
                    re.search(r'kunit|_test|_gen_params', f[3]) or
                    'bypass_test' in p):
                n += int(f[1], 16)
    return n


def xen_objects(obj):
    """The objects that make up Xen dom0's interrupt and APIC support."""
    objs = []
    for d in ('arch/x86/xen', 'drivers/xen/events'):
        dd = os.path.join(obj, d)
        objs += sorted(os.path.join(dd, f) for f in os.listdir(dd)
                       if f.endswith('.o') and not f.endswith('.mod.o'))
    return objs + [os.path.join(obj, 'arch/x86/pci/xen.o'),
                   os.path.join(obj, 'arch/x86/kernel/apic/io_apic.o')]


# ---- collect ----
runs = {}	# (label, scenario) -> list of figure dicts
for line in open(os.path.join(bench, 'boots')):
    label, scenario, rnd, path = line.split()
    runs.setdefault((label, scenario), []).append(parse_boot(path, scenario))


def stats(label, scenario, key):
    vals = [r[key] for r in runs[(label, scenario)] if key in r]
    return (min(vals), statistics.median(vals), max(vals)) if vals else None


rows = []	# (section, figure, unit, baseline stats, series stats, deterministic)


def add(section, name, unit, base, series, det=True):
    rows.append((section, name, unit, base, series, det))


nat = 'native-q35'
dom0 = 'xen-dom0-q35'
# (section, figure, unit, scenario, key, the baseline's kernel)
COMPARE = (
    ('native', 'ping round trip, XEN=y (XEN=n kernel as baseline)', 'guest ns',
     nat, 'ping_ns', 'xen-n'),
    ('native', 'ping round trip, XEN=y', 'guest ns', nat, 'ping_ns', 'base'),
    ('native', 'boot to /init, XEN=y', 'guest ms', nat, 'boot_init_ms', 'base'),
    ('native', 'boot to /init, XEN=y (XEN=n kernel as baseline)', 'guest ms',
     nat, 'boot_init_ms', 'xen-n'),
    ('native', 'e1000 + virtio-net interrupts per ping, XEN=y', 'irqs',
     nat, 'irqs_per_ping', 'base'),
    ('dom0', 'e1000 (INTx, level) interrupts per guest ms', 'irqs/ms',
     dom0, 'e1000_irqs_per_ms', 'base'),
    ('dom0', 'virtio-net (MSI-X) interrupts per guest ms', 'irqs/ms',
     dom0, 'virtio_irqs_per_ms', 'base'),
    ('dom0', 'ping round trip', 'guest ns', dom0, 'ping_ns', 'base'),
    ('dom0', 'PHYSDEVOP_eoi per e1000 (level) interrupt', 'calls',
     dom0, 'eoi_per_e1000_irq', 'base'),
    ('dom0', 'PHYSDEVOP_eoi per serial (edge) interrupt', 'calls',
     dom0, 'eoi_per_serial_irq', 'base'),
    ('dom0', 'EVTCHNOP_unmask per interrupt (both NICs)', 'calls',
     dom0, 'unmask_per_irq', 'base'),
    ('dom0', 'event-channel + physdev hypercalls per interrupt', 'calls',
     dom0, 'hypercalls_per_irq', 'base'),
    ('boot', 'Xen first time-stamped line -> dom0 /init', 'guest ms',
     dom0, 'boot_init_ms', 'base'),
    ('boot', 'Xen first time-stamped line -> power-off after the last check',
     'guest ms', dom0, 'boot_off_ms', 'base'),
    ('memory', 'per pirq: struct irq_info + struct irq_desc (slab)', 'bytes',
     dom0, 'pirq_bytes', 'base'),
    ('native', 'USB control transfer (xHCI, MSI), XEN=y', 'guest ns',
     nat, 'usb_ns', 'base'),
    ('msi', 'USB control transfer (xHCI, MSI)', 'guest ns', dom0,
     'usb_ns', 'base'),
    ('msi', 'xHCI (MSI) interrupts per transfer', 'irqs', dom0,
     'xhci_irqs_per_transfer', 'base'),
    ('msi', 'PHYSDEVOP_eoi per MSI interrupt (xHCI, unmaskable)', 'calls',
     dom0, 'eoi_per_msi_irq', 'base'),
    ('msi', 'hypercalls per MSI interrupt (xHCI)', 'calls', dom0,
     'hypercalls_per_msi_irq', 'base'),
    ('msi', 'PHYSDEVOP_eoi per MSI-X interrupt (virtio-net)', 'calls',
     dom0, 'eoi_per_msix_irq', 'base'),
    ('msi', 'hypercalls per MSI-X interrupt (virtio-net)', 'calls', dom0,
     'hypercalls_per_msix_irq', 'base'),
)
for sec, name, unit, scn, key, base in COMPARE:
    add(sec, name, unit, stats(base, scn, key), stats('series', scn, key))
# Vector set-up and teardown, and what a vector takes, per device.
for dev, what in (('virtio-net', 'virtio-net, MSI-X'), ('xhci', 'xHCI, MSI')):
    per = f'per vector set-up + teardown ({what})'
    add('vectors', f'{dev} vectors', 'vectors', stats('base', dom0, f'{dev}_vectors'),
        stats('series', dom0, f'{dev}_vectors'))
    add('vectors', f'hypercalls {per}, but EOIs', 'calls',
        stats('base', dom0, f'{dev}_setup_calls'),
        stats('series', dom0, f'{dev}_setup_calls'))
    for _, _, cmd in SETUP_CMDS:
        add('vectors', f'  {cmd} {per}', 'calls',
            stats('base', dom0, f'{dev}_{cmd}'), stats('series', dom0, f'{dev}_{cmd}'))
    add('vectors', f'  of those, refused by Xen ({what})', 'calls',
        stats('base', dom0, f'{dev}_refused'), stats('series', dom0, f'{dev}_refused'))
    add('memory', f'per MSI vector ({what}): irq_desc, irq_data below the top, irq_info',
        'bytes', stats('base', dom0, f'{dev}_vec_bytes'),
        stats('series', dom0, f'{dev}_vec_bytes'))
    add('memory', f'  levels of the hierarchy ({what})', 'levels',
        stats('base', dom0, f'{dev}_levels'), stats('series', dom0, f'{dev}_levels'))
    add('memory', f'per device: its PCI/MSI domain ({what})', 'bytes',
        stats('base', dom0, f'{dev}_dom_bytes'), stats('series', dom0, f'{dev}_dom_bytes'))
sizes = {}
for label in ('base', 'series'):
    obj = os.path.join(bench, label, 'obj-xen')
    objs = xen_objects(obj)
    t, d, b = size_of(objs)
    sizes[label] = {'xen_text': t, 'xen_data': d, 'xen_bss': b,
                    'xen_text_no_tests': t - test_text(objs),
                    'vmlinux': size_of([os.path.join(obj, 'vmlinux')])}
for key, name in (('xen_text', 'Xen dom0 objects: text'),
                  ('xen_text_no_tests', 'Xen dom0 objects: text without test code'),
                  ('xen_data', 'Xen dom0 objects: data'),
                  ('xen_bss', 'Xen dom0 objects: bss')):
    v = (sizes['base'][key],) * 3, (sizes['series'][key],) * 3
    add('memory', name, 'bytes', *v)
for i, part in enumerate(('text', 'data', 'bss')):
    add('memory', f'vmlinux {part} (XEN=y)', 'bytes',
        (sizes['base']['vmlinux'][i],) * 3, (sizes['series']['vmlinux'][i],) * 3)
for line in open(os.path.join(bench, 'build-times')):
    label, kcfg, secs = line.split()
    add('build', f'{label} ({kcfg}) kernel build in this run', 's',
        None, (int(secs),) * 3, det=False)


# ---- print and write ----
def fmt(v):
    if v is None:
        return '-'
    return f'{v:.3f}' if abs(v) < 10 and v != int(v) else f'{v:.0f}'


def span(s):
    if s is None:
        return '-'
    lo, med, hi = s
    return fmt(med) if fmt(lo) == fmt(hi) else f'{fmt(med)} [{fmt(lo)}..{fmt(hi)}]'


results = []
print()
print(f'{"figure":<58} {"unit":<9} {"baseline":>22} {"series":>22} {"ratio":>7}')
section = None
for sec, name, unit, base, series, det in rows:
    if sec != section:
        print(f'-- {sec}')
        section = sec
    ratio = series[1] / base[1] if base and series and base[1] else None
    print(f'{name:<58} {unit:<9} {span(base):>22} {span(series):>22} '
          f'{fmt(ratio) if ratio is not None else "-":>7}')
    results.append({'section': sec, 'figure': name, 'unit': unit,
                    'baseline': list(base) if base else None,
                    'series': list(series) if series else None,
                    'ratio': ratio, 'deterministic': det})

with open(os.path.join(bench, 'results.csv'), 'w') as f:
    f.write('section,figure,unit,baseline_min,baseline_median,baseline_max,'
            'series_min,series_median,series_max,ratio,deterministic\n')
    for r in results:
        b = r['baseline'] or ['', '', '']
        s = r['series'] or ['', '', '']
        f.write(','.join([r['section'], '"' + r['figure'] + '"', r['unit']] +
                         [str(x) for x in b + s] +
                         [str(r['ratio'] or ''), str(r['deterministic'])]) + '\n')
jpath = os.path.join(bench, 'results.json')
prev = None
if os.path.exists(jpath):
    prev = {(r['section'], r['figure']): r for r in json.load(open(jpath))}
    os.replace(jpath, os.path.join(bench, 'results.prev.json'))
json.dump(results, open(jpath, 'w'), indent=1)

# Deterministic figures must not move by more than 0.1%: not between
# rounds, not between runs.
def moved(a, b):
    return abs(a - b) > 1e-3 * max(abs(a), abs(b), 1e-9)


spread = [r['figure'] for r in results if r['deterministic'] and
          any(v and moved(v[0], v[2]) for v in (r['baseline'], r['series']))]
print()
if spread:
    print('spread above 0.1% between rounds: ' + '; '.join(spread))
else:
    print('every deterministic figure was within 0.1% in every round')
if prev is not None:
    changed = []
    for r in results:
        p = prev.get((r['section'], r['figure']))
        if not r['deterministic'] or p is None:
            continue
        for k in ('baseline', 'series'):
            a, b = r[k], p[k]
            if a and b and moved(a[1], b[1]):
                changed.append(f"{r['figure']} ({k}: {fmt(b[1])} -> {fmt(a[1])})")
    if changed:
        print('differs from the previous run by more than 0.1%: ' + '; '.join(changed))
    else:
        print('every deterministic figure agrees with the previous run (within 0.1%)')
print(f'results: {bench}/results.csv, {jpath}')
