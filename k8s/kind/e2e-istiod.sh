#!/usr/bin/env bash
# End-to-end test against a real istiod on a kind cluster: Outrigger as the sidecar of every pod,
# istiod (a pinned Istio release, minimal profile) as its control plane, seed 003's Bookinfo and
# its routing. It builds the image, loads it into the cluster, installs Istio with a downloaded,
# checksummed istioctl, deploys k8s/samples/003-bookinfo.yaml, a curl client
# (k8s/kind/istiod/client.yaml) and httpbin (k8s/kind/istiod/httpbin.yaml), each injected with
# `outrigger kube-inject --xds on`, which labels them security.istio.io/tlsMode=istio (so istiod's
# auto mTLS makes every call between them mTLS), and a curl pod without a sidecar
# (k8s/kind/istiod/plain-client.yaml); applies k8s/kind/istiod/bookinfo-routing.yaml (productpage
# URI matches; reviews subsets v1/v2/v3 split 5/5/90), and checks, from inside the client pod:
#   - every pod carries the sidecar and the volumes it needs to reach istiod;
#   - the client sidecar's 127.0.0.1:15000/config_dump holds istiod's resources: dynamic
#     listeners, the reviews subset clusters, the reviews virtual host, the v1 endpoint;
#   - seed 003's URI matches: /productpage, /api/v1/products and a path under it reach
#     productpage (200); paths no route matches get the sidecar's 404 with flag NR, although
#     productpage itself would answer them (/health);
#   - the split: N requests (2000 by default) to reviews; each subset's count k must satisfy
#     |k - N*p| <= 4*sqrt(N*p*(1-p)) (p = 0.05, 0.05, 0.90: 4 standard deviations of the binomial
#     count, a false alarm about once in 16,000 runs per subset); the subset comes from the pod
#     that answered, as reviews names itself in its reply; any failed request fails the run;
#   - seed 001's access-log facts for each of those requests, in the client sidecar's JSON log:
#     upstream_cluster outbound|9080|<subset>|reviews.default.svc.cluster.local, upstream_host the
#     IP:9080 of a reviews pod of that subset, downstream_local_address the reviews Service's
#     ClusterIP:9080 (the sidecar chose the pod; kube-proxy never saw the ClusterIP); the log's
#     counts per subset equal the replies' counts;
#   - istiod's own view: `istioctl proxy-status` lists every Outrigger pod with CDS, LDS, EDS and
#     RDS SYNCED. istiod reports SYNCED when the proxy ACKed the last nonce it was sent
#     (pilot/pkg/xds/statusgen.go), which an xDS client can do, so this check fails the run.
#     `istioctl proxy-status <client pod>` (istiod's clusters, listeners and routes against the
#     sidecar's config_dump) is printed for information only: it reads the whole dump as Envoy's
#     admin ConfigDump, which Outrigger's dump follows only where it can.
# Then mTLS, under a namespace-wide PeerAuthentication, STRICT first:
#   - it reaches the httpbin sidecar: every chain of its virtualInbound listener for port 8080 has
#     a TLS transport socket (its config_dump, read through kubectl port-forward);
#   - httpbin's readiness probe was rewritten to :15020/app-health/httpbin/readyz, and the pod
#     stays Ready under STRICT (the agent probes the app from inside the pod);
#   - the pod without a sidecar, calling the httpbin pod's IP:8080 in plain text, is closed
#     (curl: empty reply or connection reset);
#   - the client, through its sidecar, gets httpbin's /headers (200), and httpbin saw Envoy's
#     X-Forwarded-Client-Cert with By=spiffe://cluster.local/ns/default/sa/httpbin,
#     URI=spiffe://cluster.local/ns/default/sa/curl and a 64-hex Hash=;
#   - the client sidecar's access-log line for it: upstream_cluster
#     outbound|8000||httpbin.default.svc.cluster.local, the httpbin pod as upstream_host, 200;
#   - the httpbin sidecar's /stats: workload_cert.present: 1 (istiod's CA issued its certificate);
#   - `istioctl proxy-config secret <client pod>` lists default and ROOTCA with a valid cert (its
#     output is printed; an empty list fails, anything short of the two valid rows is reported);
# then PERMISSIVE: the plain-text call is served (200). The PeerAuthentication is deleted at the
# end (and on exit).
# Exits non-zero on any difference; deletes the cluster on exit unless --keep or KEEP_CLUSTER=1.
#
#   k8s/kind/e2e-istiod.sh [--image outrigger/proxy:<version>] [--keep] [--reuse]
#                          [--istioctl PATH] [--requests N] [--inject docker|local]
#   k8s/kind/e2e-istiod.sh --render DIR [--image IMAGE] [--inject docker|local]
#
# Needs docker, kind (with a node image of Kubernetes >= 1.32, which Istio 1.30 requires; set
# KIND_NODE_IMAGE otherwise), kubectl (1.21 or newer: its built-in kustomize renders the patch),
# jq, curl, tar, sha256sum (or shasum), and the internet: istioctl from github.com/istio/istio
# releases (ISTIO_VERSION, default 1.30.3, cached under ~/.cache/outrigger-e2e), Istio's images,
# the Bookinfo, curl and go-httpbin images. --istioctl uses an istioctl already installed (it must be of ISTIO_VERSION).
# --inject local runs bin/outrigger kube-inject (Java and the built jar) instead of the image.
# --render DIR only writes what would be applied (DIR/workloads.yaml, DIR/routing.yaml,
# DIR/plain-client.yaml, DIR/peer-authentication.yaml with STRICT) and exits: no cluster, no
# internet.
#
# The sidecar dials istiod when PROXY_CONFIG names a discoveryAddress, routes by istiod's
# resources, and gets its certificate from istiod's CA over the same TLS. The workloads are injected
# with `outrigger kube-inject --xds on`, which gives each sidecar what Istio's injector gives it to
# reach istiod: the istio-ca-root-cert ConfigMap, the istio-ca token and the pod-info volumes,
# PROXY_CONFIG with istiod's address and Istio's ISTIO_META_* environment, POD_NAMESPACE and
# SERVICE_ACCOUNT (the identity asked of istiod's CA). The patch
# (k8s/kind/istiod/kustomization.yaml) asks for JSON access-log lines, for the checks. The pod label
# security.istio.io/tlsMode=istio comes from kube-inject, as from Istio's injector.
# Why not Istio's own injector with our image as the proxy image: its template runs
# `istio-iptables ...` and `proxy sidecar --domain ...` with pilot-agent's flags, which
# `outrigger` does not accept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
e2e_name=e2e-istiod.sh
# shellcheck source=k8s/kind/lib.sh
. "$here/lib.sh"

istio_version=${ISTIO_VERSION:-1.30.3}
cluster=outrigger-istiod
ns=default
image=
keep=false
reuse=false
istioctl=
requests=2000
inject=docker
render_dir=
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    --reuse) reuse=true; shift ;;
    --istioctl) istioctl=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --inject) inject=$2; shift 2 ;;
    --render) render_dir=$2; shift 2 ;;
    -h|--help) usage "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
case "$inject" in docker|local) ;; *) die "--inject $inject (expected: docker or local)" ;; esac
if ! [[ "$requests" =~ ^[0-9]+$ ]] || [ "$requests" -lt 100 ]; then
  die "--requests $requests (expected: a number >= 100)"
fi

work=$(mktemp -d)
on_exit "rm -rf '$work'"

# --- manifests ---------------------------------------------------------------------------------

# `outrigger kube-inject --xds on` (istiod's volumes and environment, its default address
# istiod.istio-system.svc:15012), from the image under test or from this checkout.
kube_inject() {
  local image_flag=()
  if [ -n "$image" ]; then
    image_flag=(--image "$image")
  fi
  if [ "$inject" = docker ]; then
    [ -n "$image" ] || die "--inject docker needs --image (or a build)"
    docker run --rm -i "$image" kube-inject --xds on ${image_flag[@]+"${image_flag[@]}"} -f -
  else
    "$root/bin/outrigger" kube-inject --xds on ${image_flag[@]+"${image_flag[@]}"} -f -
  fi
}

# The workloads as they are applied: Bookinfo, the client and httpbin, injected, then given JSON
# access logs (k8s/kind/istiod/kustomization.yaml) by kustomize.
render_workloads() {
  local dir=$work/kustomize
  mkdir -p "$dir"
  cp "$here/istiod/kustomization.yaml" "$dir/"
  { cat "$root/k8s/samples/003-bookinfo.yaml"; echo "---"; cat "$here/istiod/client.yaml"
    echo "---"; cat "$here/istiod/httpbin.yaml"; } \
    | kube_inject > "$dir/injected.yaml"
  kubectl kustomize "$dir"
}

# The namespace-wide PeerAuthentication of the mTLS checks, in MODE (STRICT or PERMISSIVE).
peer_authentication() {
  cat <<EOF
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
spec:
  mtls:
    mode: $1
EOF
}

if [ -n "$render_dir" ]; then
  require_tools kubectl
  [ "$inject" = local ] || require_tools docker
  mkdir -p "$render_dir"
  render_workloads > "$render_dir/workloads.yaml"
  cp "$root/k8s/kind/istiod/bookinfo-routing.yaml" "$render_dir/routing.yaml"
  cp "$root/k8s/kind/istiod/plain-client.yaml" "$render_dir/plain-client.yaml"
  peer_authentication STRICT > "$render_dir/peer-authentication.yaml"
  echo "$e2e_name: wrote $render_dir/{workloads,routing,plain-client,peer-authentication}.yaml"
  exit 0
fi

require_tools docker kind kubectl jq curl tar awk
if ! command -v sha256sum >/dev/null && ! command -v shasum >/dev/null; then
  die "sha256sum or shasum is required"
fi

# --- istioctl ----------------------------------------------------------------------------------

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | awk '{print $1}'; else shasum -a 256 "$1" | awk '{print $1}'; fi
}

# Downloads istioctl of the pinned version (the release asset downloadIstioCtl.sh fetches) and
# checks it against the .sha256 published beside it; cached between runs.
fetch_istioctl() {
  local os arch cache name url want got
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=osx ;;
    *) die "no istioctl release for $(uname -s)" ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=amd64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) die "no istioctl release for $(uname -m)" ;;
  esac
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/outrigger-e2e/istio-$istio_version-$os-$arch
  if [ -x "$cache/istioctl" ]; then
    echo "$cache/istioctl"
    return
  fi
  name=istioctl-$istio_version-$os-$arch.tar.gz
  url=https://github.com/istio/istio/releases/download/$istio_version/$name
  echo "$e2e_name: downloading $url" >&2
  curl -fsSL -o "$work/$name" "$url"
  curl -fsSL -o "$work/$name.sha256" "$url.sha256"
  want=$(awk '{print $1}' "$work/$name.sha256")
  got=$(sha256 "$work/$name")
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    die "$name: sha256 $got, expected $want"
  fi
  mkdir -p "$cache"
  tar -xzf "$work/$name" -C "$cache" istioctl
  echo "$cache/istioctl"
}

if [ -z "$istioctl" ]; then
  istioctl=$(fetch_istioctl)
fi
istioctl_version=$("$istioctl" version --remote=false --short | sed -n 's/^client version: //p')
[ "$istioctl_version" = "$istio_version" ] || die "$istioctl is $istioctl_version, expected $istio_version"

# --- cluster, Istio, workloads -----------------------------------------------------------------

if [ -z "$image" ]; then
  image=$(build_image)
fi
start_cluster "$cluster" "$here/cluster.yaml" "$reuse" "$keep"
load_image "$cluster" "$image"

"$istioctl" install -y --set profile=minimal
kubectl -n istio-system rollout status deployment/istiod --timeout=300s

# istiod writes its root certificate into every namespace; the sidecars mount it.
for _ in $(seq 1 60); do
  kubectl get configmap istio-ca-root-cert -n "$ns" >/dev/null 2>&1 && break
  sleep 2
done
kubectl get configmap istio-ca-root-cert -n "$ns" >/dev/null || die "istiod wrote no istio-ca-root-cert into $ns"

# The routing first, so that the sidecars' first configuration already has it. istiod's
# validating webhook may refuse calls for a few seconds after its rollout: try again.
for attempt in $(seq 1 10); do
  kubectl apply -n "$ns" -f "$root/k8s/kind/istiod/bookinfo-routing.yaml" && break
  [ "$attempt" -lt 10 ] || die "the routing could not be applied"
  sleep 5
done
render_workloads > "$work/workloads.yaml"
kubectl apply -n "$ns" -f "$work/workloads.yaml"
# As it is: no sidecar, no tlsMode label.
kubectl apply -n "$ns" -f "$here/istiod/plain-client.yaml"
deployments=(details-v1 ratings-v1 reviews-v1 reviews-v2 reviews-v3 productpage-v1 curl httpbin)
for d in "${deployments[@]}" curl-plain; do
  # Bookinfo's reviews is a Java server: pulling and starting it takes minutes on a small machine.
  kubectl -n "$ns" rollout status "deployment/$d" --timeout=600s
done

# One pod per Deployment: its name.
pod_of() {
  kubectl get pods -n "$ns" -l "$1" --field-selector=status.phase=Running \
    -o jsonpath='{.items[0].metadata.name}'
}
client=$(pod_of app=curl)
in_client() {
  kubectl exec -n "$ns" "$client" -c curl -- "$@"
}

# On a failure, what helps to see why: the pods and the client sidecar's own messages.
# shellcheck disable=SC2016 # expanded when it runs, at exit
on_exit '[ "$rc" -eq 0 ] || { kubectl get pods -n "$ns" -o wide; kubectl logs -n "$ns" "$client" -c istio-proxy --tail=200 | grep -v "^{" | tail -40; } >&2 || true'

# --- checks: injection -------------------------------------------------------------------------

for d in "${deployments[@]}"; do
  app=${d%-v[0-9]}
  version=${d##*-}
  selector=app=$app
  [ "$version" = "$d" ] || selector="$selector,version=$version"
  pod=$(pod_of "$selector")
  init=$(kubectl get pod "$pod" -n "$ns" -o jsonpath='{.spec.initContainers[*].name}')
  containers=$(kubectl get pod "$pod" -n "$ns" -o jsonpath='{.spec.containers[*].name}')
  volumes=$(kubectl get pod "$pod" -n "$ns" -o jsonpath='{.spec.volumes[*].name}')
  missing=
  for v in istiod-ca-cert istio-token istio-podinfo; do
    [[ " $volumes " == *" $v "* ]] || missing="$missing $v"
  done
  if [[ " $init " == *" istio-init "* && " $containers " == *" istio-proxy "* && -z "$missing" ]]; then
    pass "$pod has the sidecar and istiod's volumes"
  else
    fail "$pod: init [$init], containers [$containers], missing volumes [$missing]"
  fi
done

# --- checks: the client sidecar's config_dump --------------------------------------------------

# Envoy prints its dump with the proto field names (dynamic_active_clusters); protobuf's JSON
# printer uses lowerCamelCase unless told otherwise: accept both, so that the check is about the
# content.
# shellcheck disable=SC2016 # jq's variables
jq_defs='
def f($snake): if has($snake) then .[$snake] else .[$snake | gsub("_(?<c>[a-z])"; .c | ascii_upcase)] end;
def dumps($kind): .. | objects | select((.["@type"]? // "") == "type.googleapis.com/envoy.admin.v3.\($kind)");
'
dump_query() {
  jq -r "$jq_defs $1" "$work/config_dump.json"
}
reviews_cluster() {
  echo "outbound|9080|$1|reviews.$ns.svc.cluster.local"
}

# istiod pushes within seconds of the connection; wait for the last cluster it would send.
cluster_names() {
  dump_query '[dumps("ClustersConfigDump") | (f("dynamic_active_clusters") // [])[] | .cluster.name] | join("\n")'
}
got_dump=false
for _ in $(seq 1 60); do
  if in_client curl -sS --max-time 10 http://127.0.0.1:15000/config_dump > "$work/config_dump.json" 2>/dev/null \
      && grep -qxF "$(reviews_cluster v3)" <<<"$(cluster_names 2>/dev/null)"; then
    got_dump=true
    break
  fi
  sleep 3
done
if [ "$got_dump" = false ]; then
  fail "the client sidecar's config_dump never showed $(reviews_cluster v3) (istiod's configuration did not arrive)"
fi

if jq -e . "$work/config_dump.json" >/dev/null 2>&1; then
  listeners=$(dump_query '[dumps("ListenersConfigDump") | (f("dynamic_listeners") // [])[] | .name] | length')
  if [ "$listeners" -gt 0 ]; then
    pass "config_dump: $listeners dynamic listeners"
  else
    fail "config_dump: no dynamic listeners"
  fi
  clusters=$(cluster_names)
  for c in "outbound|9080||reviews.$ns.svc.cluster.local" "$(reviews_cluster v1)" "$(reviews_cluster v2)" "$(reviews_cluster v3)"; do
    if grep -qxF "$c" <<<"$clusters"; then
      pass "config_dump: dynamic cluster $c"
    else
      fail "config_dump: no dynamic cluster $c"
    fi
  done
  domains=$(dump_query '[dumps("RoutesConfigDump") | (f("dynamic_route_configs") // [])[] | f("route_config")
    | (f("virtual_hosts") // [])[] | (.domains // [])[]] | join("\n")')
  if grep -qxF "reviews.$ns.svc.cluster.local" <<<"$domains"; then
    pass "config_dump: a dynamic route configuration has the virtual host reviews.$ns.svc.cluster.local"
  else
    fail "config_dump: no dynamic virtual host for reviews.$ns.svc.cluster.local"
  fi
  v1_ip=$(kubectl get pod "$(pod_of app=reviews,version=v1)" -n "$ns" -o jsonpath='{.status.podIP}')
  v1_endpoints=$(jq -r --arg c "$(reviews_cluster v1)" "$jq_defs"'
    [dumps("EndpointsConfigDump") | (f("dynamic_endpoint_configs") // [])[] | f("endpoint_config")
     | select(f("cluster_name") == $c) | (.endpoints // [])[] | (f("lb_endpoints") // [])[]
     | .endpoint.address | f("socket_address") | "\(.address):\(f("port_value"))"] | join(" ")' "$work/config_dump.json")
  if [ "$v1_endpoints" = "$v1_ip:9080" ]; then
    pass "config_dump: EDS for $(reviews_cluster v1) is the v1 pod, $v1_ip:9080"
  else
    fail "config_dump: EDS for $(reviews_cluster v1) is [$v1_endpoints] (expected $v1_ip:9080)"
  fi
else
  fail "config_dump is not JSON: $(head -c 300 "$work/config_dump.json")"
fi

# --- checks: seed 003's URI matches ------------------------------------------------------------

# Every path is asked once, so that its access-log line is the one with that path.
check_uri() {
  local path=$1 want_code=$2 want_flags=$3 code
  code=$(in_client curl -sS -o /dev/null --max-time 10 -w '%{http_code}' "http://productpage:9080$path" || echo "curl-failed")
  if [ "$code" = "$want_code" ]; then
    pass "GET productpage:9080$path -> $code"
  else
    fail "GET productpage:9080$path -> $code (expected $want_code)"
  fi
  uri_checks+=("$path $want_flags")
}
uri_checks=()
check_uri /productpage 200 -
check_uri /api/v1/products 200 -
check_uri /api/v1/products/0 200 -
# productpage answers /health itself; only the sidecar's route table can make it a 404 (NR).
check_uri /health 404 NR
# /productpage is an exact match: a longer path is no match.
check_uri /productpage/more 404 NR

# --- checks: the 5/5/90 split ------------------------------------------------------------------

split_start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "$e2e_name: $requests requests to reviews:9080 from $client"
# One line per request: reviews' reply (one line of JSON, which names the pod), a tab, the status
# (000 when there was no answer: curl prints the -w line then too). After 50 requests that got
# no answer, the rest would not either: stop there.
# shellcheck disable=SC2016 # the pod's shell expands them
in_client sh -c '
  i=0
  lost=0
  while [ "$i" -lt "$1" ] && [ "$lost" -lt 50 ]; do
    curl -sS --max-time 10 -w "\t%{http_code}\n" http://reviews:9080/reviews/0 || lost=$((lost + 1))
    i=$((i + 1))
  done' sh "$requests" > "$work/replies.txt" 2> "$work/replies.err" || true

# Pod name -> subset, and pod IP -> subset, of the reviews pods.
kubectl get pods -n "$ns" -l app=reviews \
  -o jsonpath='{range .items[*]}{.metadata.name} {.status.podIP} {.metadata.labels.version}{"\n"}{end}' \
  > "$work/reviews-pods.txt"

awk -F'\t' -v pods="$work/reviews-pods.txt" '
  BEGIN { while ((getline line < pods) > 0) { split(line, p, " "); subset[p[1]] = p[3] } }
  {
    code = $NF; pod = ""
    if (match($0, /"podname": *"[^"]*"/)) { pod = substr($0, RSTART, RLENGTH); sub(/.*"podname": *"/, "", pod); sub(/"$/, "", pod) }
    if (code != "200" || !(pod in subset)) { print "error\t" code "\t" pod; next }
    print subset[pod]
  }' "$work/replies.txt" > "$work/reply-subsets.txt"

answered=$(grep -c -v '^error' "$work/reply-subsets.txt" || true)
errors=$(grep -c '^error' "$work/reply-subsets.txt" || true)
total=$(wc -l < "$work/replies.txt" | tr -d ' ')
if [ "$total" -eq "$requests" ] && [ "$errors" -eq 0 ]; then
  pass "reviews answered all $requests requests with 200 from a known pod"
else
  fail "reviews: $total replies to $requests requests, $errors failed or unknown; first: $(grep -m 3 '^error' "$work/reply-subsets.txt" | tr '\t\n' ' ') $(head -c 300 "$work/replies.err")"
fi

# The verdict per subset: |k - n*p| <= 4*sqrt(n*p*(1-p)), n the answered requests.
printf '%-8s %8s %8s %10s %12s\n' subset count share expected "allowed" 
for entry in v1:0.05 v2:0.05 v3:0.90; do
  subset=${entry%%:*}
  p=${entry##*:}
  k=$(grep -cx "$subset" "$work/reply-subsets.txt" || true)
  verdict=$(awk -v n="$answered" -v k="$k" -v p="$p" 'BEGIN {
    mean = n * p; tol = 4 * sqrt(n * p * (1 - p)); d = k - mean; if (d < 0) d = -d
    printf "%.4f %.0f %.1f %s", (n ? k / n : 0), mean, tol, (n > 0 && d <= tol) ? "ok" : "out" }')
  read -r share mean tol within <<<"$verdict"
  printf '%-8s %8s %8s %10s %12s\n' "$subset" "$k" "$share" "$mean" "+-$tol"
  if [ "$within" = ok ]; then
    pass "split: $subset got $k of $answered ($share), within $mean +- $tol"
  else
    fail "split: $subset got $k of $answered ($share), outside $mean +- $tol"
  fi
done

# --- checks: the client sidecar's access log ---------------------------------------------------

sleep 3 # the access log is flushed every second
kubectl logs -n "$ns" "$client" -c istio-proxy --since-time="$split_start" > "$work/client-proxy.log"
# Whatever the encoding of numbers, the fields as text; lines that are not JSON are the proxy's own.
jq -rR 'fromjson? | objects |
  [.path, .authority, .upstream_cluster, .upstream_host, .downstream_local_address,
   (.response_code | tostring), .response_flags] | map(. // "-" | tostring) | @tsv' \
  "$work/client-proxy.log" > "$work/access.tsv"

cluster_ip=$(kubectl get service reviews -n "$ns" -o jsonpath='{.spec.clusterIP}')
# For each request to reviews: the subset the log names, or why the line is wrong.
awk -F'\t' -v pods="$work/reviews-pods.txt" -v vip="$cluster_ip:9080" -v ns="$ns" '
  BEGIN { while ((getline line < pods) > 0) { split(line, p, " "); subset_of_ip[p[2] ":9080"] = p[3] } }
  $1 == "/reviews/0" {
    want = "^outbound\\|9080\\|v[123]\\|reviews\\." ns "\\.svc\\.cluster\\.local$"
    if ($3 !~ want) { print "bad\tupstream_cluster " $3; next }
    split($3, c, "|"); subset = c[3]
    if (!($4 in subset_of_ip)) { print "bad\tupstream_host " $4 " is no reviews pod"; next }
    if (subset_of_ip[$4] != subset) { print "bad\tupstream_host " $4 " is " subset_of_ip[$4] ", cluster says " subset; next }
    if ($5 != vip) { print "bad\tdownstream_local_address " $5 " (expected " vip ")"; next }
    if ($6 != "200") { print "bad\tresponse_code " $6; next }
    print subset
  }' "$work/access.tsv" > "$work/log-subsets.txt"

logged=$(wc -l < "$work/log-subsets.txt" | tr -d ' ')
bad=$(grep -c '^bad' "$work/log-subsets.txt" || true)
if [ "$logged" -eq "$requests" ] && [ "$bad" -eq 0 ]; then
  pass "access log: $logged lines for /reviews/0, each with a subset cluster, a pod of that subset as upstream_host and $cluster_ip:9080 as downstream_local_address"
else
  fail "access log: $logged lines for /reviews/0 (expected $requests), $bad wrong; first: $(grep -m 3 '^bad' "$work/log-subsets.txt" | cut -f2 | tr '\n' ';')"
fi
example=$(awk -F'\t' '$1 == "/reviews/0" { print "upstream_cluster=" $3 " upstream_host=" $4 " downstream_local_address=" $5; exit }' "$work/access.tsv")
note "a client sidecar line: ${example:-none}"
for subset in v1 v2 v3; do
  from_log=$(grep -cx "$subset" "$work/log-subsets.txt" || true)
  from_replies=$(grep -cx "$subset" "$work/reply-subsets.txt" || true)
  if [ "$from_log" -eq "$from_replies" ]; then
    pass "access log and replies agree: $from_log requests went to $subset"
  else
    fail "access log says $from_log requests went to $subset, the replies say $from_replies"
  fi
done

# The URI checks' lines (asked before the split, so read the whole log).
kubectl logs -n "$ns" "$client" -c istio-proxy | jq -rR 'fromjson? | objects |
  [.path, .authority, .upstream_cluster, (.response_code | tostring), .response_flags]
  | map(. // "-" | tostring) | @tsv' > "$work/access-all.tsv"
for entry in "${uri_checks[@]}"; do
  path=${entry% *}
  want_flags=${entry##* }
  line=$(awk -F'\t' -v p="$path" '$1 == p && $2 ~ /^productpage/' "$work/access-all.tsv" | tail -n 1)
  flags=$(cut -f5 <<<"$line")
  upstream=$(cut -f3 <<<"$line")
  if [ -z "$line" ]; then
    fail "access log: no line for $path"
  elif [ "$want_flags" = NR ] && [ "$flags" = NR ]; then
    pass "access log: $path -> flags NR (no route)"
  elif [ "$want_flags" = - ] && [ "$flags" = - ] && [ "$upstream" = "outbound|9080||productpage.$ns.svc.cluster.local" ]; then
    pass "access log: $path -> $upstream"
  else
    fail "access log: $path -> cluster $upstream, flags $flags (expected flags $want_flags)"
  fi
done

# --- checks: istiod's view ---------------------------------------------------------------------

xds_types=(
  type.googleapis.com/envoy.config.cluster.v3.Cluster
  type.googleapis.com/envoy.config.listener.v3.Listener
  type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment
  type.googleapis.com/envoy.config.route.v3.RouteConfiguration
)
# The pods with a sidecar (a native sidecar is an init container); curl-plain has none.
pods=()
while read -r pod; do
  pods+=("$pod")
done < <(kubectl get pods -n "$ns" \
  -o jsonpath='{range .items[*]}{.metadata.name} {.spec.initContainers[*].name} {.spec.containers[*].name}{"\n"}{end}' \
  | awk '/ istio-proxy( |$)/ { print $1 }')
# pod -> "TYPE=STATUS ..." for CDS, LDS, EDS, RDS, from istiod's syncz (istioctl proxy-status -o json).
sync_status() {
  "$istioctl" proxy-status -n "$ns" -o json 2>"$work/ps.err" | jq -r "$jq_defs"'
    (.resources // [])[] | . as $r | ($r.node.id | split("~")[2] | split(".")[0]) as $pod
    | "\($pod)\t" + ([(f("generic_xds_configs") // [])[]
        | "\(f("type_url") | split(".") | last)=\(f("config_status") // "UNKNOWN")"
          + (if f("error_state") then "(\(f("error_state").details))" else "" end)] | join(" "))'
}
synced=false
for _ in $(seq 1 30); do
  sync_status > "$work/sync.tsv" || true
  all=true
  for pod in "${pods[@]}"; do
    line=$(awk -F'\t' -v p="$pod" '$1 == p { print $2 }' "$work/sync.tsv")
    for t in Cluster Listener ClusterLoadAssignment RouteConfiguration; do
      [[ " $line " == *" $t=SYNCED "* ]] || all=false
    done
  done
  if [ "$all" = true ]; then synced=true; break; fi
  sleep 2
done
"$istioctl" proxy-status -n "$ns" || true
for pod in "${pods[@]}"; do
  line=$(awk -F'\t' -v p="$pod" '$1 == p { print $2 }' "$work/sync.tsv")
  if [ -z "$line" ]; then
    fail "istioctl proxy-status does not list $pod (not connected to istiod) $(head -c 300 "$work/ps.err")"
    continue
  fi
  ok=true
  for t in Cluster Listener ClusterLoadAssignment RouteConfiguration; do
    [[ " $line " == *" $t=SYNCED "* ]] || ok=false
  done
  if [ "$ok" = true ]; then
    pass "istioctl proxy-status: $pod SYNCED for ${xds_types[*]##*.}"
  else
    fail "istioctl proxy-status: $pod is $line"
  fi
done
[ "$synced" = true ] || note "not every proxy was SYNCED after 60 s"

# istiod's configuration against the sidecar's config_dump, for the record.
echo "--- istioctl proxy-status $client.$ns (information only)"
"$istioctl" proxy-status "$client.$ns" 2>&1 | head -40 || true

# --- checks: mTLS under a PeerAuthentication --------------------------------------------------

server=$(pod_of app=httpbin)
server_ip=$(kubectl get pod "$server" -n "$ns" -o jsonpath='{.status.podIP}')
plain=$(pod_of app=curl-plain)
server_sa=$(kubectl get pod "$server" -n "$ns" -o jsonpath='{.spec.serviceAccountName}')
client_sa=$(kubectl get pod "$client" -n "$ns" -o jsonpath='{.spec.serviceAccountName}')
spiffe() {
  echo "spiffe://cluster.local/ns/$ns/sa/$1"
}
# On a failure, the server sidecar's own messages too.
# shellcheck disable=SC2016 # expanded when it runs, at exit
on_exit '[ "$rc" -eq 0 ] || { kubectl logs -n "$ns" "$server" -c istio-proxy --tail=200 | grep -v "^{" | tail -40; } >&2 || true'

# GET on a sidecar's admin port, which listens on 127.0.0.1 inside its pod, through `kubectl
# port-forward` (as istioctl reaches Envoy's): httpbin's container has no HTTP client to exec.
admin_get() {
  local pod=$1 path=$2 out=$work/port-forward.out pf port="" status=0
  kubectl port-forward -n "$ns" "pod/$pod" :15000 > "$out" 2>&1 &
  pf=$!
  for _ in $(seq 1 50); do
    port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9][0-9]*\) -> 15000.*/\1/p' "$out" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pf" 2>/dev/null || break
    sleep 0.2
  done
  if [ -n "$port" ]; then
    curl -fsS --max-time 10 "http://127.0.0.1:$port$path" || status=$?
  else
    echo "$e2e_name: kubectl port-forward $pod :15000 gave no port: $(head -c 300 "$out")" >&2
    status=1
  fi
  kill "$pf" 2>/dev/null || true
  wait "$pf" 2>/dev/null || true
  return "$status"
}

# The chains of the httpbin sidecar's virtualInbound listener for port 8080 (the app's port), one
# word each: tls (a TLS transport socket: istiod's DownstreamTlsContext) or plain.
server_inbound_chains() {
  admin_get "$server" /config_dump > "$work/server_dump.json" || return 1
  # shellcheck disable=SC2016 # jq's variables
  jq -r "$jq_defs"'
    [dumps("ListenersConfigDump") | (f("dynamic_listeners") // [])[] | (f("active_state") // {}) | .listener
     | select(.name == "virtualInbound") | (f("filter_chains") // [])[]
     | select(((f("filter_chain_match") // {}) | f("destination_port")) == 8080)
     | (f("transport_socket") // {}) as $ts
     | if ($ts.name == "envoy.transport_sockets.tls"
           or ((($ts | f("typed_config")) // {})["@type"] // "" | endswith("DownstreamTlsContext")))
       then "tls" else "plain" end] | join(" ")' "$work/server_dump.json"
}

# The pod without a sidecar calls httpbin's pod IP in plain text: prints curl's status code (000
# when there was no answer) and returns curl's exit code; its message goes to $work/plain.err.
plain_call() {
  kubectl exec -n "$ns" "$plain" -c curl -- \
    curl -sS -o /dev/null --max-time 5 -w '%{http_code}' "http://$server_ip:8080/headers" 2>"$work/plain.err"
}

peer_authentication STRICT | kubectl apply -n "$ns" -f -
on_exit "kubectl delete peerauthentication default -n '$ns' --ignore-not-found >/dev/null"

# istiod pushes the new inbound listener within seconds: wait until port 8080 has only TLS chains.
chains=
for _ in $(seq 1 45); do
  chains=$(server_inbound_chains 2>/dev/null || true)
  if [ -n "$chains" ] && [[ " $chains " != *" plain "* ]]; then
    break
  fi
  sleep 2
done
if [ -n "$chains" ] && [[ " $chains " != *" plain "* ]]; then
  pass "STRICT reached $server: its virtualInbound chains for port 8080 are all TLS ($chains)"
else
  fail "STRICT never reached $server's config_dump: its virtualInbound chains for port 8080 are [${chains:-none}] after 90 s"
fi

# Probes under STRICT: the kubelet's plain-text probe of 8080 would be refused like any plain
# text; the rewritten one goes to the agent on 15020 (not captured), which probes the app from
# 127.0.0.6. Several probe periods (2 s, failureThreshold 2) must pass with the pod Ready.
probe_path=$(kubectl get pod "$server" -n "$ns" \
  -o jsonpath='{.spec.containers[?(@.name=="httpbin")].readinessProbe.httpGet.path}:{.spec.containers[?(@.name=="httpbin")].readinessProbe.httpGet.port}')
if [ "$probe_path" = "/app-health/httpbin/readyz:15020" ]; then
  pass "$server: readiness probe rewritten to $probe_path"
else
  fail "$server: readiness probe is ${probe_path:-none} (expected /app-health/httpbin/readyz:15020)"
fi
sleep 12
ready=$(kubectl get pod "$server" -n "$ns" -o jsonpath='{.status.containerStatuses[?(@.name=="httpbin")].ready}')
if [ "$ready" = true ]; then
  pass "STRICT: $server stays Ready through its rewritten readiness probe"
else
  fail "STRICT: $server is not Ready (httpbin ready=${ready:-unknown}): its probe through :15020 failed under STRICT"
fi

# (3) Plain text under STRICT: no chain matches, the sidecar closes the connection (curl 52: empty
# reply; 56: reset). Retried for a while, in case the listener is swapped just after the dump.
plain_rc=0
for _ in $(seq 1 15); do
  plain_rc=0
  plain_code=$(plain_call) || plain_rc=$?
  [ "$plain_rc" -eq 0 ] || break
  sleep 2
done
if [ "$plain_rc" -eq 52 ] || [ "$plain_rc" -eq 56 ]; then
  pass "STRICT: plain text from $plain to $server_ip:8080 is closed ($(tr -d '\r\n' < "$work/plain.err"))"
else
  fail "STRICT: plain text from $plain to $server_ip:8080 -> HTTP $plain_code, curl exit $plain_rc $(head -c 300 "$work/plain.err") (expected the connection closed: curl exit 52 or 56)"
fi

# (1) Through the client sidecar: auto mTLS to the httpbin pod (tlsMode=istio), whose sidecar
# terminates it and adds the XFCC. The request is made once, so that its access-log line is the
# last one for /headers.
headers_start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
reply=$(in_client curl -sS --max-time 10 -w '\n%{http_code}' http://httpbin:8000/headers 2>"$work/headers.err") || true
code=$(tail -n 1 <<<"$reply")
body=$(sed '$d' <<<"$reply")
if [ "$code" = 200 ]; then
  pass "STRICT: GET httpbin:8000/headers from $client -> 200"
else
  fail "STRICT: GET httpbin:8000/headers from $client -> ${code:-nothing}: $(head -c 300 <<<"$body") $(head -c 300 "$work/headers.err")"
fi
# go-httpbin lists each header's values; the server sidecar's element is the last one.
xfcc=$(jq -r '.headers["X-Forwarded-Client-Cert"] // empty | if type == "array" then join(",") else . end' <<<"$body" 2>/dev/null || true)
xfcc_own=${xfcc##*,}
xfcc_by=$(tr ';' '\n' <<<"$xfcc_own" | sed -n 's/^By=//p')
xfcc_uri=$(tr ';' '\n' <<<"$xfcc_own" | sed -n 's/^URI=//p')
xfcc_hash=$(tr ';' '\n' <<<"$xfcc_own" | sed -n 's/^Hash=//p')
if [ -z "$xfcc" ]; then
  fail "STRICT: httpbin saw no X-Forwarded-Client-Cert (the request did not arrive over mTLS, or the sidecar added none): $(head -c 300 <<<"$body")"
elif [ "$xfcc_by" = "$(spiffe "$server_sa")" ] && [ "$xfcc_uri" = "$(spiffe "$client_sa")" ] \
    && [[ "$xfcc_hash" =~ ^[0-9a-f]{64}$ ]]; then
  pass "STRICT: httpbin saw X-Forwarded-Client-Cert: $xfcc"
else
  fail "STRICT: httpbin saw X-Forwarded-Client-Cert: $xfcc (expected By=$(spiffe "$server_sa"), URI=$(spiffe "$client_sa"), Hash= 64 hex digits)"
fi

# (2) The client sidecar's access-log line for it, and the server sidecar's certificate.
sleep 3 # the access log is flushed every second
httpbin_cluster="outbound|8000||httpbin.$ns.svc.cluster.local"
line=$(kubectl logs -n "$ns" "$client" -c istio-proxy --since-time="$headers_start" \
  | jq -rR 'fromjson? | objects | select(.path == "/headers")
      | [.upstream_cluster, .upstream_host, (.response_code | tostring), .response_flags]
      | map(. // "-" | tostring) | @tsv' | tail -n 1)
IFS=$'\t' read -r log_cluster log_host log_code log_flags <<<"$line" || true
if [ "${log_cluster:-}" = "$httpbin_cluster" ] && [ "${log_host:-}" = "$server_ip:8080" ] && [ "${log_code:-}" = 200 ]; then
  pass "STRICT: access log: /headers -> $log_cluster, upstream_host $log_host, 200"
else
  fail "STRICT: access log: /headers -> [${line:-no line}] (expected $httpbin_cluster, $server_ip:8080, 200; flags ${log_flags:--})"
fi
if admin_get "$server" /stats > "$work/server_stats.txt"; then
  grep '^workload_cert\.' "$work/server_stats.txt" | sed 's/^/  /' || true
  if grep -qx 'workload_cert.present: 1' "$work/server_stats.txt"; then
    pass "$server /stats: workload_cert.present: 1 (source $(sed -n 's/^workload_cert\.source: //p' "$work/server_stats.txt"))"
  else
    fail "$server /stats: $(grep '^workload_cert\.present' "$work/server_stats.txt" || echo 'no workload_cert.present') (expected workload_cert.present: 1)"
  fi
else
  fail "$server /stats could not be read"
fi

# (4) istioctl reads the sidecar's SecretsConfigDump as Envoy's.
echo "--- istioctl proxy-config secret $client.$ns"
"$istioctl" proxy-config secret "$client.$ns" > "$work/secrets.txt" 2>&1 || true
cat "$work/secrets.txt"
# The rows under the table's header; without a header (an error), none.
secret_rows=$(awk '/^RESOURCE NAME/ { header = 1; next } header && NF > 0 { n++ } END { print n + 0 }' "$work/secrets.txt")
if [ "$secret_rows" -eq 0 ]; then
  fail "istioctl proxy-config secret $client.$ns lists no secret"
elif grep -Eq '^default +Cert Chain +ACTIVE +true ' "$work/secrets.txt" \
    && grep -Eq '^ROOTCA +CA +ACTIVE +true ' "$work/secrets.txt"; then
  pass "istioctl proxy-config secret $client.$ns: default and ROOTCA, ACTIVE, valid cert"
else
  note "istioctl proxy-config secret $client.$ns lists $secret_rows secret(s), not both default and ROOTCA ACTIVE with a valid cert (see above)"
fi

# (3) Plain text under PERMISSIVE: served as without mTLS.
peer_authentication PERMISSIVE | kubectl apply -n "$ns" -f -
plain_rc=1
plain_code=
for _ in $(seq 1 45); do
  plain_rc=0
  plain_code=$(plain_call) || plain_rc=$?
  [ "$plain_rc" -eq 0 ] && [ "$plain_code" = 200 ] && break
  sleep 2
done
if [ "$plain_rc" -eq 0 ] && [ "$plain_code" = 200 ]; then
  pass "PERMISSIVE: plain text from $plain to $server_ip:8080 -> 200"
else
  fail "PERMISSIVE: plain text from $plain to $server_ip:8080 -> HTTP ${plain_code:-none}, curl exit $plain_rc $(head -c 300 "$work/plain.err") after 90 s"
fi
kubectl delete peerauthentication default -n "$ns"

finish
