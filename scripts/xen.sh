#!/usr/bin/env bash
# Fetch Debian's Xen hypervisor package and extract the uncompressed image
# that QEMU's multiboot loader boots ($XEN_DIR/xen). The package is not
# installed: dom0 under QEMU needs only the image.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkg=${XEN_PKG:-xen-hypervisor-4.17-amd64}
[ -s "$XEN_DIR/xen" ] && exit 0
mkdir -p "$XEN_DIR/deb"
msg "xen: fetching $pkg"
(cd "$XEN_DIR/deb" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
	apt-get update -qq && (cd "$XEN_DIR/deb" && apt-get download -q "$pkg" >/dev/null)
} || die "could not download $pkg"
rm -rf "$XEN_DIR/root"
dpkg-deb -x "$XEN_DIR"/deb/"$pkg"_*.deb "$XEN_DIR/root"
gz=$(ls "$XEN_DIR"/root/boot/xen-*.gz | head -1)
[ -n "$gz" ] || die "no xen-*.gz in $pkg"
zcat "$gz" > "$XEN_DIR/xen.tmp"
mv "$XEN_DIR/xen.tmp" "$XEN_DIR/xen"
dpkg-deb -f "$XEN_DIR"/deb/"$pkg"_*.deb Version > "$XEN_DIR/version"
msg "xen: $pkg $(cat "$XEN_DIR/version") -> $XEN_DIR/xen"
