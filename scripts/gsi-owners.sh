#!/usr/bin/env bash
# Issue 4's "done when": GSIs are registered only through the normal path
# and mapped to pirqs only by the xen-pirq irq domain. In the tree (TREE-ISH,
# default HEAD of $TREE), fails if
#   - anything but the native ACPI code (arch/x86/kernel/acpi/boot.c)
#     assigns __acpi_register_gsi, or
#   - anything but the xen-pirq domain (drivers/xen/events/events_pirq*.c)
#     maps a GSI to a pirq (MAP_PIRQ_TYPE_GSI).
# Prints each offending line. Usage: gsi-owners.sh [TREE-ISH]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rev=${1:-HEAD}
bad=0
overrides=$(git -C "$TREE" grep -n -E '__acpi_register_gsi[[:space:]]*=[^=]' "$rev" -- arch drivers \
	':!arch/x86/kernel/acpi/boot.c' | sed "s/^$rev://" || true)
maps=$(git -C "$TREE" grep -n 'MAP_PIRQ_TYPE_GSI' "$rev" -- arch drivers \
	':!drivers/xen/events/events_pirq.c' ':!drivers/xen/events/events_pirq_kunit.c' |
	sed "s/^$rev://" || true)
if [ -n "$overrides" ]; then
	echo "__acpi_register_gsi overridden outside the native ACPI code:"
	echo "$overrides" | sed 's/^/  /'
	bad=1
fi
if [ -n "$maps" ]; then
	echo "GSIs mapped to pirqs outside the xen-pirq irq domain:"
	echo "$maps" | sed 's/^/  /'
	bad=1
fi
[ "$bad" = 0 ] || exit 1
echo "$rev: no __acpi_register_gsi override; GSIs mapped to pirqs only by the xen-pirq domain"
