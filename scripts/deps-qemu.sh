#!/bin/sh
# Install what the QEMU test tier (tests/qemu, `make test-qemu`) needs.
# Idempotent: does nothing when every package is already there.
#
#   - Debian's 6.12 kernel from bookworm-backports (the guest) and its headers
#     (to build kfuncs/pybpf_kfuncs.ko against it);
#   - qemu-system-x86, busybox-static, cpio, xz-utils (boot it);
#   - dwarves (pahole: module BTF), gcc/make/libelf-dev (kbuild, resolve_btfids);
#   - the matching linux-source-X.Y .deb, downloaded (NOT installed) into build/:
#     tests/qemu/build.sh takes tools/bpf/resolve_btfids and scripts/extract-vmlinux
#     from it (Debian ships neither).
#
# Run from the repository root (or anywhere: paths are relative to this script).
set -e

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKGS="qemu-system-x86 dwarves busybox-static cpio xz-utils zstd gcc make libc6-dev libelf-dev zlib1g-dev python3 bison flex bc libssl-dev"   # the last four: kbuild of the sched_ext guest kernel (scripts/guest-kernel.sh)
BPKGS="linux-image-amd64 linux-headers-amd64"    # from bookworm-backports: 6.12

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'
}

# The backports kernel: linux-image-amd64 from bookworm-backports depends on
# linux-image-6.12.*; accept it when installed at a 6.12 version.
bpo_ok() {
	v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null) || return 1
	installed "$1" && case "$v" in 6.12.*) return 0 ;; *) return 1 ;; esac
}

missing=""
for p in $PKGS; do installed "$p" || missing="$missing $p"; done
bmissing=""
for p in $BPKGS; do bpo_ok "$p" || bmissing="$bmissing $p"; done

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "deps-qemu: missing:$missing$bmissing $1; run as root: sudo sh scripts/deps-qemu.sh" >&2
		exit 1
	fi
}

export DEBIAN_FRONTEND=noninteractive
if [ -n "$missing$bmissing" ]; then
	need_root ""
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		cat > /etc/apt/sources.list.d/bookworm-backports.sources <<EOS
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	fi
	apt-get -o DPkg::Lock::Timeout=900 update -q
	[ -z "$missing" ] || apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $missing
	[ -z "$bmissing" ] || apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends -t bookworm-backports $bmissing
fi

# The kernel version the guest boots: the one linux-image-amd64 depends on.
img=$(dpkg-query -W -f='${Depends}' linux-image-amd64 | sed 's/[ ,(].*//')  # linux-image-6.12.X+bpo-amd64
kver=${img#linux-image-}                                                       # 6.12.X+bpo-amd64
series=$(echo "$kver" | cut -d. -f1,2)                                          # 6.12
srcver=$(dpkg-query -W -f='${Version}' "$img")                                  # 6.12.X-1~bpo12+1

mkdir -p "$ROOT/build/qemu"
deb=$(ls "$ROOT"/build/qemu/linux-source-"$series"_"$srcver"_all.deb 2>/dev/null || true)
if [ -z "$deb" ]; then
	need_root "linux-source-$series (.deb, for the 6.1 fallback: resolve_btfids, extract-vmlinux)"
	rm -f "$ROOT"/build/qemu/linux-source-*.deb
	(cd "$ROOT/build/qemu" && apt-get -q -o APT::Sandbox::User=root download "linux-source-$series=$srcver")
fi
