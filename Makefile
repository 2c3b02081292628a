# Xen dom0 interrupt series: build, boot and test harness.
# Targets name what you want; each is a small script in scripts/.
#
#   make run       build the series, boot it as Xen dom0 and natively,
#                  print the side-by-side interrupt table
#   make check     the test suite (TAP, ends with "N passed, N failed")
#   make tree      unpack the base kernel and apply patches/ as commits
#   make export    write the tree's commits back to patches/
#   make kernel    build bzImage (KCONFIG=xen, or native for XEN=n)
#   make rootfs    the guest scenario's dom0 root file system (Debian with
#                  the Xen toolstack; cached in ~/.cache/xen-dom0-series)
#   make boot-SCENARIO   one boot: native-pc native-q35 xen-dom0-pc xen-dom0-q35
#                  xen-dom0-nopci xen-dom0-noioapic
#                  native-quirk-q35 xen-dom0-quirk-q35 (a level, active-low
#                  ISA IRQ from the DSDT), native-sparse-q35
#                  xen-dom0-sparse-q35 (APIC IDs 0 and 2)
#                  xen-dom0-iommu-q35 (VT-d with interrupt remapping)
#                  xen-dom0-guest-q35 (dom0 runs PV guests)
#                  xen-dom0-pt-q35 (PCI passthrough to PV guests)
#   make bench     the series against the base, same config, same run: a
#                  table of ratios (build/bench/results.{csv,json})
#   make bisect    build every patch of the series in turn (KCONFIGS=...,
#                  DIRS=1 for the touched directories only)
#   make compile-arm64, compile-i386, compile-rt
#                  compile what the series touches for Xen on Arm, for
#                  i386, under Debian's PREEMPT_RT config (make check runs them)
#   make randconfig-check SEEDS=N
#                  N random configurations of the symbols the series
#                  touches, each compiling the touched directories
#   make resign ID="Name <email>"
#                  put your identity on every patch that carries the
#                  placeholder one, author and Signed-off-by (EXPORT_DIR=DIR
#                  writes the re-signed series there instead of patches/)
#   make clean     remove build/ (the ccache stays)
#
# Variables: BASELINE=1 (the unpatched base, same config), LINUX_SRC=DIR or
# tarball (your own 6.12.y tree as the base), BUILD=DIR (default build/).

SHELL := /bin/bash
S := scripts

.PHONY: all run check bench bisect deps tree export kernel initramfs xen rootfs clean randconfig-check resign
all: run

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh

export:
	@$(S)/export.sh

kernel: tree
	@$(S)/kernel.sh

initramfs: deps
	@$(S)/initramfs.sh

xen: deps
	@$(S)/xen.sh

boot-%: kernel initramfs xen
	@$(S)/boot.sh $*

# The guest scenario's dom0 boots a Debian root file system.
boot-xen-dom0-guest-%: kernel initramfs xen rootfs
	@$(S)/boot.sh xen-dom0-guest-$*

boot-xen-dom0-pt-%: kernel initramfs xen rootfs
	@$(S)/boot.sh xen-dom0-pt-$*

rootfs: xen
	@$(S)/rootfs.sh

check:
	@$(S)/check.sh

run:
	@$(S)/run.sh

bench:
	@$(S)/bench.sh

bisect:
	@$(S)/bisect.sh

compile-%: tree
	@$(S)/compile-check.sh $*

randconfig-check: tree
	@$(S)/randconfig-check.sh

resign: tree
	@$(S)/resign.sh

clean:
	rm -rf build
