#!/usr/bin/env bash
# Install the Debian packages the harness needs. Idempotent; quiet when done.
set -euo pipefail

pkgs=(build-essential bc bison flex libelf-dev libssl-dev ccache cpio xz-utils
      python3 python3-ply python3-git perl gawk git rsync kmod
      qemu-system-x86 busybox-static debootstrap e2fsprogs
      linux-source-6.12 linux-config-6.12 gcc-aarch64-linux-gnu acpica-tools)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi
