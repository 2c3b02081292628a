#!/usr/bin/env bash
# make bisect: build the kernel at every patch of the series, so that the
# series stays bisectable. One worktree (build/bisect/src) walks from the
# first patch to the last; each configuration keeps its object directory
# between patches, so each step rebuilds what the patch touched (a patch
# that changes a widely included header costs a near-full build).
#
#   KCONFIGS="xen native"   configurations to build at each patch
#                           (any of xen native nopci domu; default: all four)
#   FROM=N                  start at patch N (default 1)
#   DIRS=1                  compile only the directories the series touches
#                           (make check's compile checks' x86 list), not
#                           whole kernels: minutes, not hours, with ccache
#                           warm; it does not link, and a warning fails
# Prints TAP: one test per patch and configuration. Not part of make check:
# cold, with all four configurations, it takes hours on two cores.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kconfigs=${KCONFIGS:-xen native nopci domu}
from=${FROM:-1}
targets=
[ "${DIRS:-0}" != 1 ] || targets="arch/x86/kernel/ arch/x86/pci/ arch/x86/xen/ drivers/pci/ drivers/xen/ kernel/irq/"
bisect=$BUILD/bisect
src=$bisect/src
mkdir -p "$bisect"

"$TOP/scripts/tree.sh" >&2
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base..series)
[ "${#commits[@]}" -gt 0 ] || die "the series is empty: nothing to bisect"
if [ ! -d "$src" ]; then
	git -C "$TREE" worktree add -q --detach "$src" base
fi

echo "TAP version 13"
n=0 failed=0 total=$(( (${#commits[@]} - from + 1) * $(wc -w <<< "$kconfigs") ))
echo "1..$total"
for i in $(seq "$from" "${#commits[@]}"); do
	c=${commits[$((i - 1))]}
	git -C "$src" checkout -q --detach "$c"
	subject=$(git -C "$src" log -1 --format=%s)
	for k in $kconfigs; do
		n=$((n + 1))
		log=$bisect/patch-$i-$k.log
		if VARIANT=bisect SRC=$src OUT=$bisect KCONFIG=$k TARGETS=$targets \
			"$TOP/scripts/kernel.sh" > "$log" 2>&1 &&
		   { [ -z "$targets" ] || [ ! -s "$bisect/warnings-$k.txt" ]; }; then
			echo "ok $n - patch $i ($k): $subject # $(tail -1 "$log" | sed 's/^>>> //')"
		else
			failed=$((failed + 1))
			echo "not ok $n - patch $i ($k): $subject # see $log"
		fi
	done
done
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
