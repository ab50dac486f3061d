package dev.outrigger.agent.inject;

import dev.outrigger.core.config.InboundMode;
import picocli.CommandLine.Option;

/** The flags kube-inject and the injector share: the defaults every pod gets unless annotated otherwise. */
public final class InjectionOptions {
  @Option(names = "--image", paramLabel = "IMAGE",
      description = "Image of the injected containers (default: outrigger/proxy:<this version>); "
          + "per pod: sidecar.istio.io/proxyImage.")
  String image;

  @Option(names = "--native-sidecar", defaultValue = "false", arity = "0..1", fallbackValue = "true",
      description = "Inject the proxy as a native sidecar (init container with restartPolicy Always, "
          + "Kubernetes >= 1.29) [${DEFAULT-VALUE}]; per pod: sidecar.istio.io/nativeSidecar.")
  boolean nativeSidecar;

  @Option(names = "--hold-application-until-proxy-starts", defaultValue = "false", arity = "0..1",
      fallbackValue = "true",
      description = "Start app containers only once the proxy is ready [${DEFAULT-VALUE}]; per pod: "
          + "proxy.istio.io/config: '{\"holdApplicationUntilProxyStarts\": true}'.")
  boolean holdApplication;

  @Option(names = "--inbound-mode", defaultValue = "preserve", paramLabel = "MODE",
      description = "preserve (Istio >= 1.10) or loopback (Istio <= 1.9) [${DEFAULT-VALUE}]; per pod: "
          + Annotations.INBOUND_MODE + ".")
  String inboundMode;

  @Option(names = "--xds", paramLabel = "on|off",
      description = "Wire the sidecars to istiod as Istio's injector does: PROXY_CONFIG with the discovery address,"
          + " the istio-token, istiod-ca-cert and istio-podinfo volumes, Istio's ISTIO_META_* environment."
          + " Only for clusters that run istiod (the pods need its istio-ca-root-cert ConfigMap)."
          + " Default: on when --discovery-address is given, else off (passthrough sidecars).")
  String xds;

  @Option(names = "--discovery-address", paramLabel = "HOST:PORT",
      description = "istiod's xDS address, written into PROXY_CONFIG (default with --xds on: "
          + IstiodSettings.DEFAULT_DISCOVERY_ADDRESS + "); per pod: proxy.istio.io/config discoveryAddress.")
  String discoveryAddress;

  @Option(names = "--cluster-id", defaultValue = IstiodSettings.DEFAULT_CLUSTER_ID, paramLabel = "ID",
      description = "ISTIO_META_CLUSTER_ID with --xds on (Istio's global.multiCluster.clusterName) [${DEFAULT-VALUE}].")
  String clusterId;

  @Option(names = "--trust-domain", defaultValue = IstiodSettings.DEFAULT_TRUST_DOMAIN, paramLabel = "DOMAIN",
      description = "TRUST_DOMAIN with --xds on (Istio's meshConfig.trustDomain) [${DEFAULT-VALUE}].")
  String trustDomain;

  @Option(names = "--mesh-id", paramLabel = "ID",
      description = "ISTIO_META_MESH_ID with --xds on (Istio's global.meshID; default: the trust domain).")
  String meshId;

  @Option(names = "--revision", paramLabel = "REV", defaultValue = "${env:REVISION:-default}",
      description = "The control-plane revision served (Istio's REVISION; env REVISION): written as the pod's"
          + " istio.io/rev annotation and in sidecar.istio.io/status. The webhook is reached by namespaces labelled"
          + " istio.io/rev=REV (k8s/install/webhook.yaml selects the default revision) [${DEFAULT-VALUE}].")
  String revision;

  /** The defaults these flags describe; IllegalArgumentException names the bad flag. */
  public InjectionDefaults defaults() {
    InboundMode mode;
    try {
      mode = InboundMode.parse(inboundMode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--inbound-mode: " + e.getMessage());
    }
    String chosen = image == null ? InjectionDefaults.defaultImage() : image;
    if (chosen.isBlank()) {
      throw new IllegalArgumentException("--image: '' (expected: an image reference)");
    }
    InjectionDefaults defaults = new InjectionDefaults(chosen, nativeSidecar, holdApplication, mode, istiod());
    try {
      return defaults.withRevision(revision == null || revision.isBlank() ? Annotations.DEFAULT_REVISION : revision.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage());
    }
  }

  /** The istiod settings, or null when --xds is off (explicitly, or by default without an address). */
  private IstiodSettings istiod() {
    boolean on;
    if (xds == null) {
      on = discoveryAddress != null;
    } else if (xds.equalsIgnoreCase("on")) {
      on = true;
    } else if (xds.equalsIgnoreCase("off")) {
      if (discoveryAddress != null) {
        throw new IllegalArgumentException("--discovery-address " + discoveryAddress + " with --xds off"
            + " (expected: one of the two)");
      }
      on = false;
    } else {
      throw new IllegalArgumentException("--xds: '" + xds + "' (expected: on or off)");
    }
    if (!on) {
      return null;
    }
    String address = discoveryAddress == null ? IstiodSettings.DEFAULT_DISCOVERY_ADDRESS : discoveryAddress.trim();
    if (!address.matches("[^\\s:]+:[0-9]{1,5}|\\[[0-9a-fA-F:.]+\\]:[0-9]{1,5}")
        || Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)) > 65535) {
      throw new IllegalArgumentException("--discovery-address: '" + discoveryAddress + "' (expected: host:port)");
    }
    requireValue("--cluster-id", clusterId);
    requireValue("--trust-domain", trustDomain);
    String mesh = meshId == null ? trustDomain : meshId;
    requireValue("--mesh-id", mesh);
    return new IstiodSettings(address, clusterId, mesh, trustDomain);
  }

  private static void requireValue(String flag, String value) {
    if (value == null || value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(flag + ": '" + value + "' (expected: a value without spaces)");
    }
  }
}
