package dev.outrigger.xds.istiod;

/**
 * The names istiod gives the clusters it sends a sidecar (istio/istio pilot/pkg/networking/util
 * util.go, pilot/pkg/model service.go), so that the shapes here and the tests that look for them
 * agree on one spelling. The listeners' names are with {@link IstiodListeners}.
 */
public final class IstiodNames {
  public static final String DOMAIN_SUFFIX = "svc.cluster.local";
  // pilot/pkg/networking/util/util.go
  public static final String BLACK_HOLE_CLUSTER = "BlackHoleCluster";
  public static final String PASSTHROUGH_CLUSTER = "PassthroughCluster";
  public static final String INBOUND_PASSTHROUGH_CLUSTER = "InboundPassthroughCluster";
  /** util.InboundPassthroughBindIpv4: the source address the app sees inbound connections from. */
  public static final String INBOUND_PASSTHROUGH_BIND = "127.0.0.6";

  private IstiodNames() {}

  /** "reviews.default.svc.cluster.local" */
  public static String host(String service, String namespace) {
    return service + "." + namespace + "." + DOMAIN_SUFFIX;
  }

  /** model.BuildSubsetKey: "outbound|9080|v1|reviews.default.svc.cluster.local", subset "" for the whole service. */
  public static String outboundCluster(int port, String subset, String host) {
    return "outbound|" + port + "|" + subset + "|" + host;
  }

  /** model.BuildInboundSubsetKey: "inbound|8080||", the cluster an inbound port's chain forwards to. */
  public static String inboundCluster(int port) {
    return "inbound|" + port + "||";
  }

  /**
   * model.BuildDNSSrvSubsetKey: "outbound_.8080_._.httpbin.default.svc.cluster.local" (direction,
   * port, subset and host joined by "_.", so no subset leaves "_._."), the SNI of an ISTIO_MUTUAL
   * cluster.
   */
  public static String outboundSni(int port, String subset, String host) {
    return "outbound_." + port + "_." + subset + "_." + host;
  }
}
