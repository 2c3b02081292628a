#!/usr/bin/env bash
# Issue 4's "done when": GSIs are registered only through the normal path
# and mapped to pirqs only by the xen-pirq irq domain. In the tree (TREE-ISH,
# default HEAD of $TREE), fails if
#   - anything but the native ACPI code (arch/x86/kernel/acpi/boot.c)
#     assigns __acpi_register_gsi or __acpi_unregister_gsi, or
#   - anything but the xen-pirq domain (drivers/xen/events/events_pirq*.c)
#     maps a GSI to a pirq (MAP_PIRQ_TYPE_GSI).
# Prints each offending line. Usage: gsi-owners.sh [TREE-ISH]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rev=${1:-HEAD}
git -C "$TREE" rev-parse -q --verify "$rev^{commit}" > /dev/null ||
	die "$rev is not a commit in $TREE"

# The lines of $rev that match REGEX in the paths given; "" for none. Any
# other failure of git grep is fatal, not a pass.
lines() {	# lines REGEX PATHSPEC...
	local re=$1 out rc=0
	shift
	out=$(git -C "$TREE" grep -n -E "$re" "$rev" -- "$@") || rc=$?
	[ "$rc" -le 1 ] || die "git grep in $rev failed ($rc)"
	[ -z "$out" ] || printf '%s\n' "$out" | while IFS= read -r l; do
		printf '  %s\n' "${l#"$rev:"}"
	done
}

overrides=$(lines '__acpi_(un)?register_gsi[[:space:]]*(=$|=[^=])' arch drivers \
	':!arch/x86/kernel/acpi/boot.c')
maps=$(lines 'MAP_PIRQ_TYPE_GSI' arch drivers \
	':!drivers/xen/events/events_pirq.c' ':!drivers/xen/events/events_pirq_kunit.c')
[ -z "$overrides" ] || printf '%s\n%s\n' \
	"GSI registration hooks assigned outside the native ACPI code:" "$overrides"
[ -z "$maps" ] || printf '%s\n%s\n' \
	"GSIs mapped to pirqs outside the xen-pirq irq domain:" "$maps"
[ -z "$overrides$maps" ] || exit 1
echo "$rev: no GSI registration hook assigned outside the ACPI code; GSIs mapped to pirqs only by the xen-pirq domain"
