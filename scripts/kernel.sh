#!/usr/bin/env bash
# make kernel: configure and build one bzImage from the tree.
#   KCONFIG=xen (default): configs/qemu.config + configs/xen-dom0.config
#                          + configs/xen-pci.config, the image every boot
#                          scenario uses;
#   KCONFIG=native:        configs/qemu.config alone (XEN=n).
# Output: $OUT/bzImage-$KCONFIG; full log in $LOGS/build-$KCONFIG.log.
# TARGETS="dir/ ..." builds those kbuild targets instead of bzImage (make
# bisect DIRS=1), and copies no image.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

#   KCONFIG=nopci:         the xen config with PCI=n (XEN_DOM0=y);
#   KCONFIG=domu:          the xen config with XEN_DOM0=n.
# The fragments are applied in order; those in $check must take effect
# line by line (the QEMU devices cannot, without PCI).
kcfg=${KCONFIG:-xen}
c=$TOP/configs
case "$kcfg" in
native) frags=("$c/qemu.config"); check=("${frags[@]}") ;;
xen)    frags=("$c/qemu.config" "$c/xen-dom0.config" "$c/xen-pci.config"); check=("${frags[@]}") ;;
nopci)  frags=("$c/qemu.config" "$c/xen-dom0.config" "$c/nopci.config")
	check=("$c/xen-dom0.config" "$c/nopci.config") ;;
domu)   frags=("$c/qemu.config" "$c/xen-dom0.config" "$c/xen-pci.config" "$c/domu.config")
	check=("$c/domu.config") ;;
*)      die "unknown KCONFIG=$kcfg (native, xen, nopci or domu)" ;;
esac

[ -f "$SRC/Makefile" ] || die "no kernel tree at $SRC; run 'make tree' first"
obj=$OUT/obj-$kcfg
log=$LOGS/build-$kcfg.log
mkdir -p "$obj" "$LOGS"

kmake() {
	make -C "$SRC" O="$obj" -j"$(nproc)" \
		CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=localhost \
		KBUILD_BUILD_TIMESTAMP="2024-11-17" "$@"
}

msg "kernel[$VARIANT/$kcfg]: configuring"
cat "${frags[@]}" > "$obj/fragment.config"
# Kconfig's own warnings (the fragments reassign symbols on purpose) go
# to a log of their own: $log holds the compiler's.
kmake KCONFIG_ALLCONFIG="$obj/fragment.config" allnoconfig > "$LOGS/config-$kcfg.log" 2>&1 ||
	die "configuration failed; see $LOGS/config-$kcfg.log"
# Every option the checked fragments ask for must have taken its value, unless the
# tree does not define it at all (the series' own test options, in a
# BASELINE=1 build of the unpatched tree).
check_fragments "$SRC" "$obj/.config" "${check[@]}" ||
	die "config fragments did not apply (kernel[$VARIANT/$kcfg])"

msg "kernel[$VARIANT/$kcfg]: compiling (log: $log)"
start=$(date +%s)
targets=${TARGETS:-bzImage}
# shellcheck disable=SC2086 # a list of targets
kmake $targets > "$log" 2>&1 &
pid=$!
next=$((start + 30))
while kill -0 "$pid" 2>/dev/null; do
	sleep 1
	if [ "$(date +%s)" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
		echo "    $(( next - start ))s: $(grep -c '^  CC ' "$log") files compiled"
		next=$((next + 30))
	fi
done
wait "$pid" || { tail -30 "$log" >&2; die "kernel build failed; see $log"; }

grep -E '(warning|WARNING):' "$log" | sort -u > "$OUT/warnings-$kcfg.txt" || true
if [ -n "${TARGETS:-}" ]; then
	msg "kernel[$VARIANT/$kcfg]: built $TARGETS in $(( $(date +%s) - start ))s, $(wc -l < "$OUT/warnings-$kcfg.txt") warnings"
	exit 0
fi
cp "$obj/arch/x86/boot/bzImage" "$OUT/bzImage-$kcfg"
cp "$obj/.config" "$OUT/config-$kcfg"
msg "kernel[$VARIANT/$kcfg]: built $OUT/bzImage-$kcfg in $(( $(date +%s) - start ))s, $(wc -l < "$OUT/warnings-$kcfg.txt") warnings"
