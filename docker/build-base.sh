#!/usr/bin/env bash
# Builds a local base image from Debian's packages, for machines that reach Debian's mirror but
# no container registry: mmdebstrap makes a root filesystem, `docker import` makes it an image.
#
#   docker/build-base.sh                       # outrigger/base:bookworm: JRE 17, iptables, iproute2
#   docker/build-base.sh --tag T --include P1,P2 [--force]
#
# Installs mmdebstrap (and docker.io) when missing and starts dockerd when none runs (as root).
# An existing image of the same tag is kept unless --force is given.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

tag=outrigger/base:bookworm
include=openjdk-17-jre-headless,iptables,iproute2
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
force=false
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag=$2; shift 2 ;;
    --include) include=$2; shift 2 ;;
    --force) force=true; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build-base.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

ensure_dockerd
if [ "$force" = false ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "build-base.sh: $tag exists (use --force to rebuild)" >&2
  exit 0
fi
ensure_packages mmdebstrap

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Documentation is left out (but for copyright files); man1 must exist for the JRE's alternatives.
# The hooks run inside mmdebstrap, which passes the root directory as $1.
# shellcheck disable=SC2016
mmdebstrap --variant=apt --include="$include" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  "$suite" "$work/rootfs.tar" \
  "deb $mirror $suite main" \
  "deb $mirror $suite-updates main" \
  "deb $security_mirror $suite-security main" </dev/null
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  "$work/rootfs.tar" "$tag" >/dev/null
echo "build-base.sh: built $tag ($include)" >&2
