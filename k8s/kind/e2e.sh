#!/usr/bin/env bash
# End-to-end test on a kind cluster: builds the image, loads it into the cluster, installs the
# injector, deploys the seed 004 netcat servers (k8s/samples/004-netcat.yaml) and the seed 000
# echo app in one namespace per inbound mode, and checks, from a client pod without a sidecar:
#   - that every server pod got the sidecar (istio-init and istio-proxy);
#   - the seed 004 matrix (lo/eth0-bound server x loopback/preserve mode);
#   - the seed 000 addresses the echo app reports.
# Exits non-zero on any difference.
#
#   k8s/kind/e2e.sh [--image outrigger/proxy:<version>] [--keep] [--reuse]
#
# Needs docker, kind and kubectl, and a network to pull ubuntu:22.04 and nginx:1.27 and to
# install ncat in the pods. --image skips the build and uses that local image; --reuse uses an
# existing cluster of the same name; --keep (or KEEP_CLUSTER=1) leaves the cluster running.
# KIND_NODE_IMAGE chooses kind's node image. The run against a real istiod is e2e-istiod.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
e2e_name=e2e.sh
# shellcheck source=k8s/kind/lib.sh
. "$here/lib.sh"

cluster=outrigger-e2e
image=
keep=false
reuse=false
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    --reuse) reuse=true; shift ;;
    -h|--help) usage "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
require_tools docker kind kubectl

if [ -z "$image" ]; then
  image=$(build_image)
fi
start_cluster "$cluster" "$here/cluster.yaml" "$reuse" "$keep"
load_image "$cluster" "$image"

"$root/k8s/install/install.sh" --image "$image"

kubectl apply -f "$root/k8s/samples/004-netcat.yaml"
for ns in outrigger-loopback outrigger-preserve; do
  kubectl apply -n "$ns" -f "$root/k8s/samples/000-echo-app.yaml"
done

# The pods install ncat at start; give them time to pull, install and listen.
kubectl wait --for=condition=Ready pod/netcat-client -n default --timeout=600s
for ns in outrigger-loopback outrigger-preserve; do
  kubectl wait --for=condition=Ready pod --all -n "$ns" --timeout=600s
  kubectl rollout status deployment/demo-app -n "$ns" --timeout=300s
done

# Every server pod carries the sidecar.
for ns in outrigger-loopback outrigger-preserve; do
  for pod in netcat-lo netcat-eth0; do
    init=$(kubectl get pod "$pod" -n "$ns" -o jsonpath='{.spec.initContainers[*].name}')
    containers=$(kubectl get pod "$pod" -n "$ns" -o jsonpath='{.spec.containers[*].name}')
    if [[ " $init " == *" istio-init "* && " $containers " == *" istio-proxy "* ]]; then
      pass "$ns/$pod is injected (init: $init; containers: $containers)"
    else
      fail "$ns/$pod is not injected (init: $init; containers: $containers)"
    fi
  done
done
client_init=$(kubectl get pod netcat-client -n default -o jsonpath='{.spec.initContainers[*].name}')
if [ -z "$client_init" ]; then
  pass "default/netcat-client has no sidecar"
else
  fail "default/netcat-client was injected"
fi

# Waits until a server answers something (pong, or the sidecar's reset), not a refusal or silence
# from a pod still installing ncat, then prints what the seed's client prints.
ping() {
  local target=$1 out=""
  for _ in $(seq 1 60); do
    out=$(kubectl exec -n default netcat-client -- bash -c "echo ping | nc -w 5 $target 8080" 2>&1 || true)
    out=${out%$'\n'command terminated with exit code 1}
    case "$out" in
      pong|"Ncat: Connection reset by peer.") break ;;
    esac
    sleep 5
  done
  printf '%s' "$out"
}

# The lo servers must be listening before a reset means anything: check inside the pod.
await_listening() {
  local ns=$1 pod=$2
  for _ in $(seq 1 60); do
    if kubectl exec -n "$ns" "$pod" -c ubuntu -- bash -c 'netstat -ltn 2>/dev/null | grep -q ":8080 "'; then
      return 0
    fi
    sleep 5
  done
  fail "$ns/$pod never listened on 8080"
}

expect() {
  local target=$1 wanted=$2 got
  got=$(ping "$target")
  if [ "$got" = "$wanted" ]; then
    pass "nc $target 8080 -> $got"
  else
    fail "nc $target 8080 -> '$got' (expected '$wanted')"
  fi
}

for ns in outrigger-loopback outrigger-preserve; do
  await_listening "$ns" netcat-lo
  await_listening "$ns" netcat-eth0
done
reset="Ncat: Connection reset by peer."
expect lo.outrigger-loopback pong
expect eth0.outrigger-loopback "$reset"
expect lo.outrigger-preserve "$reset"
expect eth0.outrigger-preserve pong

# Seed 000: what the echo app sees as its own address and its peer's.
check_echo() {
  local ns=$1 server=$2 remote=$3 body got_server got_remote
  body=$(kubectl exec -n default netcat-client -- curl -sS --max-time 10 "http://demo-app.$ns/")
  got_server=$(printf '%s\n' "$body" | sed -n 's/^Server: //p')
  got_remote=$(printf '%s\n' "$body" | sed -n 's/^Remote IP: //p')
  if [ "$got_server" = "$server" ] && [ "$got_remote" = "$remote" ]; then
    pass "demo-app.$ns sees Server: $got_server, Remote IP: $got_remote"
  else
    fail "demo-app.$ns sees Server: '$got_server', Remote IP: '$got_remote' (expected $server, $remote)"
  fi
}
check_echo outrigger-loopback 127.0.0.1 127.0.0.1
preserve_ip=$(kubectl get pod -n outrigger-preserve -l app=demo-app -o jsonpath='{.items[0].status.podIP}')
check_echo outrigger-preserve "$preserve_ip" 127.0.0.6

finish
