#!/bin/sh
# Build the guest kernel with sched_ext (issue 17) from Debian's
# linux-source-6.12 package (downloaded by scripts/deps-qemu.sh into
# build/qemu/), once: the result is cached outside the tree, keyed on the
# source package's version and this config, in
#   ${PYBPF_KERNEL_CACHE:-/var/cache/pybpf/guest-kernel}/<version>-<config hash>/bzImage
# (with vmlinux, for its BTF). The config: x86_64 defconfig + kvm_guest.config
# + BPF, BTF, SCHED_CLASS_EXT, virtio and 9p, no modules. Prints the bzImage's
# path; the build's time goes to build.time beside it.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEB=$(ls "$ROOT"/build/qemu/linux-source-6.12_*_all.deb 2>/dev/null | tail -1)
[ -n "$DEB" ] || { echo "guest-kernel: no linux-source-6.12 .deb in build/qemu (make deps-qemu)" >&2; exit 1; }
VERSION=$(basename "$DEB" | sed 's/^linux-source-6.12_\(.*\)_all.deb$/\1/')

# tools kbuild needs beyond deps-qemu's
missing=""
for p in bison flex bc libssl-dev; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2
fi

FRAGMENT='CONFIG_MODULES=n
CONFIG_BPF=y
CONFIG_BPF_SYSCALL=y
CONFIG_BPF_JIT=y
CONFIG_BPF_JIT_ALWAYS_ON=y
CONFIG_DEBUG_INFO=y
CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y
CONFIG_DEBUG_INFO_BTF=y
CONFIG_SCHED_CLASS_EXT=y
CONFIG_FTRACE=y
CONFIG_FTRACE_SYSCALLS=y
CONFIG_BPF_EVENTS=y
CONFIG_DEBUG_FS=y
CONFIG_VIRTIO=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_CONSOLE=y
CONFIG_NET_9P=y
CONFIG_NET_9P_VIRTIO=y
CONFIG_9P_FS=y
CONFIG_9P_FS_POSIX_ACL=y
CONFIG_DEVTMPFS=y
CONFIG_DEVTMPFS_MOUNT=y'
HASH=$(printf '%s\n%s\n' "$VERSION" "$FRAGMENT" | sha256sum | cut -c1-12)
CACHE=${PYBPF_KERNEL_CACHE:-/var/cache/pybpf/guest-kernel}/$VERSION-$HASH
if [ -f "$CACHE/bzImage" ] && [ -f "$CACHE/vmlinux" ]; then
	echo "$CACHE/bzImage"
	exit 0
fi

WORK=$CACHE.work
rm -rf "$WORK"
mkdir -p "$WORK"
start=$(date +%s)
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$WORK" ./usr/src/linux-source-6.12.tar.xz
tar -xJf "$WORK/usr/src/linux-source-6.12.tar.xz" -C "$WORK"
SRC=$WORK/linux-source-6.12
printf '%s\n' "$FRAGMENT" > "$WORK/pybpf.config"
make -C "$SRC" -s defconfig >&2
make -C "$SRC" -s kvm_guest.config >&2
(cd "$SRC" && scripts/kconfig/merge_config.sh -m .config "$WORK/pybpf.config" >&2)
make -C "$SRC" -s olddefconfig >&2
for opt in CONFIG_SCHED_CLASS_EXT CONFIG_DEBUG_INFO_BTF CONFIG_9P_FS; do
	grep -q "^$opt=y" "$SRC/.config" || { echo "guest-kernel: $opt did not stay set (a dependency is missing)" >&2; exit 1; }
done
make -C "$SRC" -s -j"$(nproc)" bzImage >&2
end=$(date +%s)
mkdir -p "$CACHE"
cp "$SRC/arch/x86/boot/bzImage" "$SRC/vmlinux" "$SRC/.config" "$CACHE/"
echo "$((end - start)) s on $(nproc) CPUs, $(date -u +%Y-%m-%d)" > "$CACHE/build.time"
rm -rf "$WORK"
echo "$CACHE/bzImage"
