#!/usr/bin/env bash
# make run: set up, build the series into one bzImage, boot it as Xen dom0
# and natively (q35, or MACHINE=pc), and print the interrupts side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

machine=${MACHINE:-q35}
"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/kernel.sh"
"$TOP/scripts/xen.sh"
"$TOP/scripts/initramfs.sh"
status=0
for scn in "xen-dom0-$machine" "native-$machine"; do
	"$TOP/scripts/boot.sh" "$scn" || status=1
done

field() {	# field FILE DEVICE KEY
	awk -v dev="$2" -v key="$3" '$1 == dev {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == key) { print kv[2]; exit }
		}
	}' "$1" 2>/dev/null
}

nat=$LOGS/native-$machine/irqs
xen=$LOGS/xen-dom0-$machine/irqs
echo
printf '%-11s | %-10s %-27s %-6s | %-10s %-21s %-8s %-6s\n' \
	device "native IRQ" chip count "dom0 IRQ" chip flow count
printf '%s\n' "$(printf '%.0s-' {1..109})"
for dev in serial ide ahci nvme xhci e1000 e1000e virtio-net virtio-blk intx-a intx-b i8042 sci; do
	[ -n "$(field "$nat" "$dev" irq)$(field "$xen" "$dev" irq)" ] || continue
	nirq=$(field "$nat" "$dev" irq) nn=$(field "$nat" "$dev" irqs)
	xirq=$(field "$xen" "$dev" irq) xn=$(field "$xen" "$dev" irqs)
	[ "${nn:-1}" -gt 1 ] && nirq="$nirq (+$((nn - 1)))"
	[ "${xn:-1}" -gt 1 ] && xirq="$xirq (+$((xn - 1)))"
	printf '%-11s | %-10s %-27s %-6s | %-10s %-21s %-8s %-6s\n' "$dev" \
		"${nirq:--}" "$(field "$nat" "$dev" chip)-$(field "$nat" "$dev" type)" \
		"$(field "$nat" "$dev" count)" \
		"${xirq:--}" "$(field "$xen" "$dev" chip)" "$(field "$xen" "$dev" name)" \
		"$(field "$xen" "$dev" count)"
done
echo
echo "IRQ: the device's first interrupt (+N more vectors); flow: the flow"
echo "handler's name (the base tree's dom0: the pirq kind of an MSI); count: interrupts"
echo "during the agent's workload. intx-a and intx-b share one INTx line."
echo "Logs: $LOGS/{native,xen-dom0}-$machine/"
for scn in "xen-dom0-$machine" "native-$machine"; do
	echo "$scn: $(grep -c '^ok' "$LOGS/$scn/checks") checks passed, $(grep -c '^FAIL' "$LOGS/$scn/checks") failed"
done
exit $status
