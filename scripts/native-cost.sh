#!/usr/bin/env bash
# The native cost of the series: for the baseline and the series, each
# with XEN=n (KCONFIG=native) and XEN=y (KCONFIG=xen), the vmlinux text
# size, io_apic.o's text size and indirect calls, and the instructions
# with which __ioapic_read_entry() (the redirection-entry read) reaches the
# IO-APIC read accessor. Builds what is missing (four kernels, cold: half
# an hour; run it from make bench or by hand, not from make check).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for v in baseline series; do
	for k in native xen; do
		if [ ! -f "$BUILD/$v/obj-$k/vmlinux" ]; then
			BASELINE=$([ $v = baseline ] && echo 1 || echo 0) KCONFIG=$k \
				"$TOP/scripts/kernel.sh" >&2
		fi
	done
done

# Text of io_apic.o without the KUnit suite that the series builds into it
# (IO_APIC_KUNIT_TEST is on in the test configs).
code_size() {
	nm -S --defined-only "$1" | awk '$3 ~ /^[tT]$/ && $4 !~ /(_test|kunit|_gen_params|_desc)/ {
		n += strtonum("0x" $2) } END { print n }'
}

printf '%-9s %-7s %10s %16s %15s\n' variant config "vmlinux text" "io_apic.o code" "indirect calls"
for v in baseline series; do
	for k in native xen; do
		o=$BUILD/$v/obj-$k
		text=$(size "$o/vmlinux" | awk 'NR == 2 { print $1 }')
		io=$o/arch/x86/kernel/apic/io_apic.o
		ind=$(objdump -d "$io" | grep -cE 'call +\*|jmp +\*|__x86_indirect_thunk' || true)
		printf '%-9s %-7s %10s %16s %15s\n' "$v" "$k" "$text" "$(code_size "$io")" "$ind"
	done
done
echo
echo "How io_apic.o reaches the IO-APIC read accessor (sites, and one of them):"
for v in baseline series; do
	for k in native xen; do
		io=$BUILD/$v/obj-$k/arch/x86/kernel/apic/io_apic.o
		objdump -dr --no-show-raw-insn "$io" > "$BUILD/$v/io_apic-$k.dis"
		# Calls only: x86_apic_ops also holds .restore, reached by a jmp.
		n=$(awk '/R_X86_64_(PC32|PLT32)[[:space:]]+(x86_apic_ops|__SCT__io_apic_read|native_io_apic_read)/ &&
			 prev ~ /call/ { n++ } { prev = $0 } END { print n + 0 }' "$BUILD/$v/io_apic-$k.dis")
		printf '  %-9s %-7s %3s call sites' "$v" "$k" "$n"
		if [ "$n" = 0 ]; then
			echo ": none, the MMIO access is inlined:"
			grep -A40 '<__ioapic_read_entry>:' "$BUILD/$v/io_apic-$k.dis" |
				grep -m2 -E 'mov +%e.x,\(%r..\)|mov +0x10\(%r..\),%e..' | sed 's/^ */      /'
		else
			echo ":"
			awk '/R_X86_64_(PC32|PLT32)[[:space:]]+(x86_apic_ops|__SCT__io_apic_read|native_io_apic_read)/ &&
			     prev ~ /call/ { print prev; print; exit } { prev = $0 }' \
				"$BUILD/$v/io_apic-$k.dis" | sed 's/^[[:space:]]*/      /'
		fi
	done
done
