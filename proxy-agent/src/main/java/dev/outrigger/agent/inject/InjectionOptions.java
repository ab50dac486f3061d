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
    return new InjectionDefaults(chosen, nativeSidecar, holdApplication, mode);
  }
}
