#!/usr/bin/env bash
# Installs the sidecar injector into the cluster kubectl points at:
#
#   k8s/install/install.sh [--image outrigger/proxy:<version>]
#
# Applies namespace.yaml, injector.yaml and webhook.yaml, issues the serving certificate
# (certificates.sh), and waits until the injector is ready. --image sets both the injector's
# image and the image it injects. Then label a namespace:
#   kubectl label namespace <ns> outrigger-injection=enabled
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

image=
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

kubectl apply -f "$here/namespace.yaml"
kubectl apply -f "$here/webhook.yaml"
"$here/certificates.sh"
if [ -n "$image" ]; then
  sed -e "s|image: outrigger/proxy:.*|image: $image|" -e "s|--image=outrigger/proxy:.*|--image=$image|" \
    "$here/injector.yaml" | kubectl apply -f -
else
  kubectl apply -f "$here/injector.yaml"
fi
kubectl -n outrigger-system rollout status deployment/outrigger-injector --timeout=300s
