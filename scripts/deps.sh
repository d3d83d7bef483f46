#!/bin/sh
# Install everything pybpf needs from Debian (bookworm + bookworm-backports).
# Idempotent: does nothing when every package is already installed.
set -e

PKGS="make gcc binutils libc6-dev clang-19 llvm-19 libelf-dev zlib1g-dev pkg-config python3 python3-pycparser bpftrace mypy systemtap-sdt-dev python3-dev iproute2 iputils-ping python3-matplotlib prometheus"
BPKGS="libbpf-dev bpftool"      # from bookworm-backports (libbpf 1.4, bpftool 7.5)

if [ "$(id -u)" != 0 ]; then
	echo "deps: must run as root to install packages (apt-get); run 'sudo make deps'" >&2
	exit 1
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
# libbpf must be >= 1.4 (struct_ops links, link updates)
libbpf_ok=0
if pkg-config --atleast-version=1.4 libbpf 2>/dev/null && command -v bpftool >/dev/null 2>&1; then
	libbpf_ok=1
fi
[ -z "$missing" ] && [ $libbpf_ok = 1 ] && exit 0

src=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat > "$src" <<EOS
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# prometheus is for the metrics tests, which start their own server on
# 127.0.0.1: the package's service must not start (it would listen on
# every interface), so invoke-rc.d is told no while we install
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy && own_policy=1
fi
apt-get install -y -q --no-install-recommends $PKGS
[ $own_policy = 1 ] && rm -f $policy
apt-get install -y -q --no-install-recommends -t bookworm-backports $BPKGS
