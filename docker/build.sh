#!/usr/bin/env bash
# Builds the Outrigger image from proxy-agent/target/outrigger.jar (or $OUTRIGGER_JAR) and bin/outrigger.
#
#   docker/build.sh                      # FROM eclipse-temurin:17-jre (needs a registry)
#   docker/build.sh --local-base         # FROM outrigger/base:bookworm, built from Debian packages
#   docker/build.sh --base IMAGE --tag outrigger/proxy:dev
#
# The default tag is outrigger/proxy:<version of the jar>, the image kube-inject and the injector
# put into pods. Runs `mvn -B -q package -DskipTests` when the jar is missing, and starts
# Debian's dockerd when no docker daemon answers (as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

base=eclipse-temurin:17-jre
local_base=false
tag=
while [ $# -gt 0 ]; do
  case "$1" in
    --local-base) local_base=true; shift ;;
    --base) base=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

jar=${OUTRIGGER_JAR:-$root/proxy-agent/target/outrigger.jar}
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q package -DskipTests)
fi
if [ -z "$tag" ]; then
  version=$("$root/bin/outrigger" --version | awk '{print $2}')
  tag=outrigger/proxy:$version
fi

# Native libraries taken out of the jar (Netty's epoll transport, jffi's stub for jnr-ffi) so
# that the JVM loads them from java.library.path: otherwise both copy them to /tmp and load them
# from there at every start, which fails where /tmp is read-only or mounted noexec.
extract_native_libraries() {
  local jar=$1 dest=$2 unpack
  unpack=$(mktemp -d)
  if command -v unzip >/dev/null; then
    unzip -q -o "$jar" 'META-INF/native/*.so' 'jni/*-Linux/*' -d "$unpack"
  elif command -v jar >/dev/null; then
    (cd "$unpack" && jar xf "$jar" META-INF/native jni)
  else
    python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist() if n.startswith(("META-INF/native/", "jni/"))]' "$jar" "$unpack"
  fi
  cp "$unpack"/META-INF/native/*.so "$dest"/
  # jffi looks for <dir>/<cpu>-Linux/libjffi-*.so in each java.library.path directory; the
  # image is for the build machine's architecture.
  cp -r "$unpack/jni/$(uname -m)-Linux" "$dest"/
  rm -rf "$unpack"
}

ensure_dockerd
if [ "$local_base" = true ]; then
  base=outrigger/base:bookworm
  "$here/build-base.sh" --tag "$base"
fi

# A small context with the repository's layout: only what the Dockerfile copies.
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/proxy-agent/target" "$context/bin" "$context/native"
cp "$jar" "$context/proxy-agent/target/outrigger.jar"
cp "$root/bin/outrigger" "$context/bin/outrigger"
extract_native_libraries "$jar" "$context/native"
# The classic builder uses a local base image as it is; BuildKit would look it up in a registry.
DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0} docker build -q --build-arg "BASE=$base" -f "$here/Dockerfile" -t "$tag" "$context" >/dev/null
echo "build.sh: built $tag from $base" >&2
echo "$tag"
