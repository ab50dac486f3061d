package dev.outrigger.agent.inject;

import dev.outrigger.core.config.InboundMode;
import java.util.Objects;

/**
 * What applies to every pod unless its annotations say otherwise: the injector's or kube-inject's
 * flags, the counterpart of Istio's mesh-wide values.
 *
 * @param image the image of both injected containers
 * @param nativeSidecar inject the proxy as a native sidecar (Kubernetes >= 1.29)
 * @param holdApplication start the app containers only once the proxy is ready
 * @param inboundMode how the proxy hands inbound connections to the app
 * @param istiod how the sidecars reach istiod; null: the cluster runs no istiod for them, and pods
 *     get passthrough sidecars without istiod's volumes and environment
 * @param revision the control-plane revision the injector serves (Istio's REVISION): written into the pod's
 *     istio.io/rev annotation and its sidecar.istio.io/status; "default" for the default revision
 */
public record InjectionDefaults(String image, boolean nativeSidecar, boolean holdApplication, InboundMode inboundMode,
    IstiodSettings istiod, String revision) {
  public static final String IMAGE_REPOSITORY = "outrigger/proxy";

  public InjectionDefaults {
    Objects.requireNonNull(inboundMode, "inboundMode");
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("image: '" + image + "' (expected: an image reference)");
    }
    if (revision == null || !revision.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      // It becomes a label value in namespaces' and pods' selectors, and Istio's service name istiod-<rev>.
      throw new IllegalArgumentException("revision: '" + revision + "' (expected: a DNS label such as default or 1-22)");
    }
  }

  /** The default revision. */
  public InjectionDefaults(String image, boolean nativeSidecar, boolean holdApplication, InboundMode inboundMode,
      IstiodSettings istiod) {
    this(image, nativeSidecar, holdApplication, inboundMode, istiod, Annotations.DEFAULT_REVISION);
  }

  /** Passthrough sidecars: no istiod. */
  public InjectionDefaults(String image, boolean nativeSidecar, boolean holdApplication, InboundMode inboundMode) {
    this(image, nativeSidecar, holdApplication, inboundMode, null);
  }

  /** These defaults with sidecars wired to istiod as given (null: none). */
  public InjectionDefaults withIstiod(IstiodSettings settings) {
    return new InjectionDefaults(image, nativeSidecar, holdApplication, inboundMode, settings, revision);
  }

  /** These defaults for injectors of the given revision. */
  public InjectionDefaults withRevision(String served) {
    return new InjectionDefaults(image, nativeSidecar, holdApplication, inboundMode, istiod, served);
  }

  /** outrigger/proxy tagged with this build's version ("dev" outside a packaged jar). */
  public static String defaultImage() {
    String version = InjectionDefaults.class.getPackage().getImplementationVersion();
    return IMAGE_REPOSITORY + ":" + (version == null ? "dev" : version);
  }

  public static InjectionDefaults standard() {
    return new InjectionDefaults(defaultImage(), false, false, InboundMode.PRESERVE);
  }
}
