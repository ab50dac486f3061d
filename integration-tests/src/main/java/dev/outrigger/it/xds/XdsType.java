package dev.outrigger.it.xds;

import io.envoyproxy.controlplane.cache.Resources;
import java.util.Arrays;
import java.util.Optional;

/** The four types istiod pushes to a sidecar over ADS, with their v3 type URLs. */
public enum XdsType {
  CLUSTER(Resources.V3.CLUSTER_TYPE_URL),
  ENDPOINT(Resources.V3.ENDPOINT_TYPE_URL),
  LISTENER(Resources.V3.LISTENER_TYPE_URL),
  ROUTE(Resources.V3.ROUTE_TYPE_URL);

  private final String typeUrl;

  XdsType(String typeUrl) {
    this.typeUrl = typeUrl;
  }

  public String typeUrl() {
    return typeUrl;
  }

  static Optional<XdsType> fromTypeUrl(String typeUrl) {
    return Arrays.stream(values()).filter(t -> t.typeUrl.equals(typeUrl)).findFirst();
  }
}
