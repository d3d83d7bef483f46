#!/bin/sh
# Install the extra Debian packages for fuzzing the front end (make fuzz):
#   afl++               afl-fuzz, afl-clang-fast / afl-cc, afl-tmin
#   libclang-rt-19-dev  clang-19's sanitizer runtimes (ASan, UBSan)
# Idempotent: does nothing when every package is already installed.
# Not needed by `make` or `make test` (build/fuzz/harness-asan builds with gcc).
set -e

PKGS="afl++ libclang-rt-19-dev"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps-fuzz: missing:$missing; must run as root to install packages (apt-get); run 'sudo sh scripts/deps-fuzz.sh'" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
