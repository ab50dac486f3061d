package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Trees.obj;

import java.util.List;
import java.util.Map;

/**
 * The volumes Istio's injection template (istio-discovery files/injection-template.yaml) gives the
 * proxy to reach istiod and its CA, with Istio's names, paths and settings:
 * <ul>
 *   <li>{@code istiod-ca-cert}: the istio-ca-root-cert ConfigMap istiod writes into every namespace
 *       (root-cert.pem, the root istiod's certificate chains to), at /var/run/secrets/istio;
 *   <li>{@code istio-token}: a projected service-account token for the audience istio-ca
 *       (global.sds.token.aud), valid 12 h, at /var/run/secrets/tokens/istio-token: the bearer
 *       token for xDS and for certificate signing;
 *   <li>{@code istio-podinfo}: the pod's labels and annotations (downward API) at /etc/istio/pod,
 *       read for the node's metadata and proxy.istio.io/config.
 * </ul>
 * Left out: istio-envoy (Envoy's bootstrap and SDS socket) and istio-data (Envoy's data
 * directory), which Outrigger does not use; the SDS sockets, workload-certs and istio-ca-crl.
 */
final class IstiodVolumes {
  static final String ROOT_CERT = "istiod-ca-cert";
  static final String TOKEN = "istio-token";
  static final String POD_INFO = "istio-podinfo";
  /** Istio's default trustBundleName. */
  static final String ROOT_CERT_CONFIG_MAP = "istio-ca-root-cert";
  /** Istio's global.sds.token.aud. */
  static final String TOKEN_AUDIENCE = "istio-ca";
  static final int TOKEN_EXPIRATION_SECONDS = 43200;

  private IstiodVolumes() {}

  /** The proxy's mounts, in the template's order. */
  static List<Map<String, Object>> mounts() {
    return List.of(
        obj("name", ROOT_CERT, "mountPath", "/var/run/secrets/istio"),
        obj("name", TOKEN, "mountPath", "/var/run/secrets/tokens"),
        obj("name", POD_INFO, "mountPath", "/etc/istio/pod"));
  }

  /** The pod's volumes, in the template's order. */
  static List<Map<String, Object>> volumes() {
    return List.of(
        obj("name", POD_INFO, "downwardAPI", obj("items", List.of(
            obj("path", "labels", "fieldRef", obj("fieldPath", "metadata.labels")),
            obj("path", "annotations", "fieldRef", obj("fieldPath", "metadata.annotations"))))),
        obj("name", TOKEN, "projected", obj("sources", List.of(obj("serviceAccountToken", obj(
            "path", TOKEN,
            "expirationSeconds", TOKEN_EXPIRATION_SECONDS,
            "audience", TOKEN_AUDIENCE))))),
        obj("name", ROOT_CERT, "configMap", obj("name", ROOT_CERT_CONFIG_MAP)));
  }
}
