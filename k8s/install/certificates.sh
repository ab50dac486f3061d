#!/usr/bin/env bash
# Makes the injector's serving certificate and tells the API server to trust it:
# a self-signed CA and a certificate for outrigger-injector.outrigger-system.svc (openssl),
# stored as the Secret outrigger-injector-tls, and the CA written into the caBundle of every
# webhook of the MutatingWebhookConfiguration outrigger-sidecar-injector.
#
#   k8s/install/certificates.sh [--days N]
#
# Run it again to rotate: the injector re-reads the files when the Secret changes. Needs
# kubectl (pointed at the cluster) and openssl; the configuration must exist (install.sh
# applies it first).
set -euo pipefail

namespace=outrigger-system
service=outrigger-injector
secret=outrigger-injector-tls
webhook=outrigger-sidecar-injector
days=365
while [ $# -gt 0 ]; do
  case "$1" in
    --days) days=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "certificates.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dns="$service.$namespace.svc"

openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=outrigger-injector-ca" \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
# genpkey writes PKCS#8 ("BEGIN PRIVATE KEY"), the form the injector reads.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/tls.key" 2>/dev/null
openssl req -new -key "$work/tls.key" -subj "/CN=$dns" -out "$work/tls.csr"
printf 'subjectAltName=DNS:%s,DNS:%s.%s,DNS:%s\nextendedKeyUsage=serverAuth\n' \
  "$dns" "$service" "$namespace" "$dns.cluster.local" > "$work/ext.cnf"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
  -days "$days" -extfile "$work/ext.cnf" -out "$work/tls.crt" 2>/dev/null

kubectl -n "$namespace" create secret tls "$secret" --cert="$work/tls.crt" --key="$work/tls.key" \
  --dry-run=client -o yaml | kubectl apply -f -

ca_bundle=$(base64 < "$work/ca.crt" | tr -d '\n')
count=$(kubectl get mutatingwebhookconfiguration "$webhook" -o jsonpath='{range .webhooks[*]}x{end}' | wc -c)
patch="["
for i in $(seq 0 $((count - 1))); do
  [ "$i" -gt 0 ] && patch="$patch,"
  patch="$patch{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$ca_bundle\"}"
done
patch="$patch]"
kubectl patch mutatingwebhookconfiguration "$webhook" --type=json -p "$patch" >/dev/null
echo "certificates.sh: $secret issued for $dns; caBundle set on $count webhooks of $webhook" >&2
