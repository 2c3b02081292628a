#!/usr/bin/env bash
# make randconfig-check SEEDS=N: N random configurations of the symbols the
# series touches or depends on (XEN*, PCI, PCI_MSI, ACPI, X86_IO_APIC,
# X86_LOCAL_APIC, X86_MPPARSE, SMP, HOTPLUG_CPU, PM_SLEEP with SUSPEND and
# HIBERNATION, KUNIT, the series' test symbols), everything else pinned to
# the xen config, as the kernel's build robots do; each compiles the
# directories the series touches (scripts/compile-check.sh randconfig).
#   SEEDS=N        how many (default 10), with seeds drawn at random
#   SEED_LIST="…"  these seeds instead (make check runs tests/randconfig-seeds)
# Prints TAP, one test per seed, with the seed: replay one with
# scripts/compile-check.sh randconfig SEED. A failed seed's configs and
# logs are kept in $BUILD/compile/randconfig-SEED/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

seeds=${SEED_LIST:-}
if [ -z "$seeds" ]; then
	for _ in $(seq "${SEEDS:-10}"); do
		seeds="$seeds $(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"
	done
fi
"$TOP/scripts/tree.sh" >&2

echo "TAP version 13"
n=0 failed=0 t0=$(date +%s)
for seed in $seeds; do
	n=$((n + 1))
	log=$BUILD/compile/randconfig.log
	mkdir -p "$BUILD/compile"
	if "$TOP/scripts/compile-check.sh" randconfig "$seed" > "$log" 2>&1; then
		echo "ok $n - randconfig $(tail -1 "$log")"
	else
		failed=$((failed + 1))
		keep=$BUILD/compile/randconfig-$seed
		mkdir -p "$keep"
		cp "$log" "$keep/"
		for v in series base; do
			d=$BUILD/compile/randconfig/$v
			[ -f "$d/result" ] || continue
			cp "$d/obj/.config" "$keep/config-$v"
			cp "$d/build.log" "$keep/build-$v.log"
		done
		echo "not ok $n - randconfig seed $seed # see $BUILD/compile/randconfig-$seed/"
		sed 's/^/#   /' "$log" | tail -20
	fi
done
echo "1..$n"
echo "# $n seeds in $(( $(date +%s) - t0 ))s"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
