#!/usr/bin/env bash
# The dom0 root file system of the guest scenarios (xen-dom0-guest-*,
# xen-dom0-hvm-*): Debian bookworm from debootstrap (minbase) with the Xen
# toolstack (xen-utils-4.17) of exactly the Debian build whose hypervisor
# the harness boots, and the device model and firmware of HVM guests
# (qemu-system-xen, seabios; hvmloader is in xen-utils), packed as an ext4
# image. Its /sbin/harness-init mounts the disk labelled "harness"
# (made per boot by scripts/boot.sh: the test script, the guest's kernel and
# initramfs) and runs the test script from there, so the image itself holds
# nothing that changes with the series and is built once per machine.
#
# Cached in $ROOTFS_CACHE (default ~/.cache/xen-dom0-series, beside ccache)
# under a key made of what goes into the image: the suite, the Xen version,
# the packages, harness-init and $recipe (bump it when the steps change);
# the debootstrap tree is built under $BUILD/rootfs. A new image replaces
# the older ones in the cache.
# DEBIAN_MIRROR and DEBIAN_SECURITY name other mirrors.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
cache=${ROOTFS_CACHE:-$HOME/.cache/xen-dom0-series}
recipe=1
include=iproute2
# What an HVM guest needs beside the toolstack, from bookworm itself (not
# pinned: bookworm's qemu-system-xen is built against its Xen 4.17).
hvm_packages="qemu-system-xen seabios"
"$TOP/scripts/xen.sh"
xenver=$(cat "$XEN_DIR/version")

# PID 1 of the harness's dom0.
harness_init='#!/bin/sh
# PID 1 of the harness'"'"'s dom0: run the test script from the disk labelled
# "harness" (scripts/boot.sh makes it for each boot).
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /harness
if mount -o ro LABEL=harness /harness && [ -x /harness/dom0-init ]; then
	exec /harness/dom0-init
fi
echo "AGENT FAIL harness-disk no disk labelled harness with a dom0-init"
echo "AGENT done 0 1"
exec sleep infinity'

key=$(printf '%s\n' "$recipe" "$suite" "$xenver" "$include" "$hvm_packages" "$harness_init" |
	sha256sum | cut -c1-12)
img=$cache/dom0-rootfs-$key.img
link=$BUILD/dom0-rootfs.img
if [ -s "$img" ]; then
	ln -sfn "$img" "$link"
	msg "rootfs: $img (cached)"
	exit 0
fi

[ "$(id -u)" = 0 ] ||
	die "building the dom0 root file system needs root (debootstrap, chroot, mke2fs -d of root's files)"
tree=$BUILD/rootfs/tree
log=$BUILD/rootfs/build.log
mkdir -p "$BUILD/rootfs" "$cache"
# Mounts an interrupted run left inside the tree, deepest first.
awk -v t="$tree/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r |
	while read -r m; do umount "$m" || true; done
rm -rf --one-file-system "$tree"
start=$(date +%s)
msg "rootfs: debootstrap $suite (minbase) from $mirror (log: $log)"
debootstrap --variant=minbase --include="$include" "$suite" "$tree" "$mirror" \
	> "$log" 2>&1 || { tail -20 "$log" >&2; die "debootstrap failed; see $log"; }

# The toolstack from the same Debian build as the hypervisor: bookworm's
# point release may be older than bookworm-security's, so both suites are
# searched and the version is pinned.
cat > "$tree/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $security $suite-security main
EOF
cp /etc/resolv.conf "$tree/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$tree/usr/sbin/policy-rc.d"	# start no daemon
chmod 755 "$tree/usr/sbin/policy-rc.d"
mount -t proc proc "$tree/proc"
trap 'umount "$tree/proc" 2>/dev/null || true' EXIT
msg "rootfs: installing xen-utils-4.17 $xenver"
in_tree() {
	chroot "$tree" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@" >> "$log" 2>&1
}
in_tree apt-get update -q || die "apt-get update in the root file system failed; see $log"
in_tree apt-get install -y -q --no-install-recommends "xen-utils-4.17=$xenver" ||
	die "installing xen-utils-4.17=$xenver failed (is it still in $suite-security?); see $log"
got=$(chroot "$tree" dpkg-query -W -f='${Version}' xen-utils-4.17)
[ "$got" = "$xenver" ] || die "xen-utils-4.17 is $got, the hypervisor $xenver"
msg "rootfs: installing $hvm_packages"
# shellcheck disable=SC2086 # a list of packages
in_tree apt-get install -y -q --no-install-recommends $hvm_packages ||
	die "installing $hvm_packages failed; see $log"
[ -x "$tree/usr/libexec/xen-qemu-system-i386" ] ||
	die "qemu-system-xen installed no /usr/libexec/xen-qemu-system-i386, the device model xl runs"
in_tree apt-get clean
umount "$tree/proc"
trap - EXIT
rm -rf "$tree"/var/lib/apt/lists/* "$tree/usr/sbin/policy-rc.d" "$tree/etc/resolv.conf"
echo dom0 > "$tree/etc/hostname"

printf '%s\n' "$harness_init" > "$tree/sbin/harness-init"
chmod 755 "$tree/sbin/harness-init"

# Room for the logs and xenstored's database; the boots run on a snapshot.
size=$(( $(du -sm "$tree" | cut -f1) + 256 ))
mke2fs -q -t ext4 -L dom0root -d "$tree" "$img.tmp" "${size}M" ||
	die "packing the root file system failed"
mv "$img.tmp" "$img"
find "$cache" -maxdepth 1 -name 'dom0-rootfs-*.img' ! -path "$img" -delete
ln -sfn "$img" "$link"
rm -rf "$tree"
msg "rootfs: $img (${size} MiB, xen-utils-4.17 $xenver) in $(( $(date +%s) - start ))s"
