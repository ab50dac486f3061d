# Shared by docker/build.sh and docker/build-base.sh: a docker daemon to talk to.
# shellcheck shell=bash

# Installs Debian packages that are missing (as root on Debian/Ubuntu), or says what to install.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "outrigger: please install: ${missing[*]}" >&2
    return 1
  fi
  echo "outrigger: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Succeeds when a docker daemon answers; starts Debian's dockerd (docker.io) when none runs.
ensure_dockerd() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v dockerd >/dev/null; then
    ensure_packages docker.io
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "outrigger: no docker daemon answers and starting one needs root" >&2
    return 1
  fi
  local log=${OUTRIGGER_DOCKERD_LOG:-/var/log/outrigger-dockerd.log}
  echo "outrigger: starting dockerd (log: $log)" >&2
  nohup dockerd >"$log" 2>&1 &
  local _
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  echo "outrigger: dockerd did not answer within 60s; see $log" >&2
  tail -n 20 "$log" >&2
  return 1
}
