# Shared by the kind end-to-end scripts (e2e.sh, e2e-istiod.sh); sourced, never run.
# The caller sets e2e_name (for messages) and root (the repository) before sourcing, and
# uses set -euo pipefail.
#
# What it gives: pass/fail bookkeeping and the closing verdict, the check that the tools are
# installed, one EXIT trap that runs every cleanup registered with on_exit, the image build, and
# the cluster's lifecycle (create or reuse, delete on exit unless kept, load the image).
# shellcheck shell=bash
: "${e2e_name:?set by the sourcing script}" "${root:?set by the sourcing script}"

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() {
  echo "ok:   $*"
}
# A fact worth seeing that is no verdict.
note() {
  echo "info: $*"
}
die() {
  echo "$e2e_name: $*" >&2
  exit 2
}

# Prints the script's header comment (line 2 up to the first line that is not a comment) as help.
usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$1"
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool is required"
  done
}

# One EXIT trap for everything: cleanups run last registered first, and a failing one does not
# stop the others or change the exit code, which they can read as $rc.
exit_actions=()
on_exit() {
  exit_actions+=("$1")
}
run_exit_actions() {
  local rc=$? i
  set +eu
  for ((i = ${#exit_actions[@]} - 1; i >= 0; i--)); do
    eval "${exit_actions[$i]}" || true
  done
  exit "$rc"
}
trap run_exit_actions EXIT

# Builds the image (docker/build.sh) and prints its name.
build_image() {
  "$root/docker/build.sh"
}

# Creates the kind cluster NAME from CONFIG, or reuses it when REUSE is true and it exists; unless
# KEEP is true (or KEEP_CLUSTER=1), it is deleted on exit, a reused one too. Points kubectl at it.
# KIND_NODE_IMAGE, when set, chooses the node image (the Kubernetes version).
start_cluster() {
  local name=$1 config=$2 reuse=$3 keep=$4
  if [ "${KEEP_CLUSTER:-0}" = 1 ]; then
    keep=true
  fi
  # Registered before the create, so that a create that fails half-way is cleaned up too.
  if [ "$keep" = false ]; then
    on_exit "kind delete cluster --name '$name'"
  fi
  if [ "$reuse" = true ] && kind get clusters | grep -qx "$name"; then
    echo "$e2e_name: reusing cluster $name"
  else
    local node_image=()
    if [ -n "${KIND_NODE_IMAGE:-}" ]; then
      node_image=(--image "$KIND_NODE_IMAGE")
    fi
    kind create cluster --name "$name" --config "$config" ${node_image[@]+"${node_image[@]}"} --wait 180s
  fi
  if [ "$keep" = true ]; then
    echo "$e2e_name: the cluster $name is kept (kind delete cluster --name $name)"
  fi
  kubectl config use-context "kind-$name" >/dev/null
}

load_image() {
  local name=$1 image=$2
  kind load docker-image --name "$name" "$image"
}

# The verdict: exits 1 if any check failed.
finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$e2e_name: $failures check(s) failed" >&2
    exit 1
  fi
  echo "$e2e_name: all checks passed"
}
