#!/usr/bin/env bash
# Build the guest-agent initramfs: /init is tests/agent/agent.c, linked
# statically, with busybox beside it for debugging by hand.
# Output: $BUILD/initramfs.cpio.gz (the same for every variant).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/initramfs.cpio.gz
stage=$BUILD/initramfs
src=$TOP/tests/agent/agent.c
if [ -s "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
	exit 0
fi
msg "initramfs: building the guest agent"
rm -rf "$stage"
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,etc}
gcc -static -O2 -Wall -Wextra -Wno-format-truncation -Werror \
	-o "$stage/init" "$src"
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
mknod -m 600 "$stage/dev/console" c 5 1
# Reproducible archive: fixed times, sorted names, no gzip time stamp.
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio -o -0 -H newc --owner=0:0 --reproducible --quiet) | gzip -n -9 > "$out.tmp"
mv "$out.tmp" "$out"
msg "initramfs: $out ($(stat -c %s "$out") bytes)"
