#!/usr/bin/env bash
# make kernel: configure and build one bzImage from the tree.
#   KCONFIG=xen (default): configs/qemu.config + configs/xen-dom0.config,
#                          the image every boot scenario uses;
#   KCONFIG=native:        configs/qemu.config alone (XEN=n).
# Output: $OUT/bzImage-$KCONFIG; full log in $LOGS/build-$KCONFIG.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kcfg=${KCONFIG:-xen}
case "$kcfg" in
native) frags=("$TOP/configs/qemu.config") ;;
xen)    frags=("$TOP/configs/qemu.config" "$TOP/configs/xen-dom0.config") ;;
*)      die "unknown KCONFIG=$kcfg (native or xen)" ;;
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
kmake KCONFIG_ALLCONFIG="$obj/fragment.config" allnoconfig > "$log" 2>&1 ||
	die "configuration failed; see $log"
# Every option the fragments ask for must have taken its value, unless the
# tree does not define it at all (the series' own test options, in a
# BASELINE=1 build of the unpatched tree).
grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' "$SRC" |
	awk '{print "CONFIG_" $2}' | sort -u > "$obj/kconfig-symbols"
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qx -- "${line%%=*}" "$obj/kconfig-symbols"; then
		echo "    ${line%%=*} is not defined in this tree; skipped"
		continue
	fi
	if ! grep -qx -- "$line" "$obj/.config"; then
		sym=${line%%=*}
		echo "  $line requested, .config has: $(grep -E "^(# )?$sym[= ]" "$obj/.config" || echo "nothing")" >&2
		bad=1
	fi
done < "$obj/fragment.config"
[ "$bad" = 0 ] || die "config fragments did not apply (kernel[$VARIANT/$kcfg])"

msg "kernel[$VARIANT/$kcfg]: compiling (log: $log)"
start=$(date +%s)
kmake bzImage >> "$log" 2>&1 &
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

cp "$obj/arch/x86/boot/bzImage" "$OUT/bzImage-$kcfg"
cp "$obj/.config" "$OUT/config-$kcfg"
grep -E '(warning|WARNING):' "$log" | sort -u > "$OUT/warnings-$kcfg.txt" || true
msg "kernel[$VARIANT/$kcfg]: built $OUT/bzImage-$kcfg in $(( $(date +%s) - start ))s, $(wc -l < "$OUT/warnings-$kcfg.txt") warnings"
