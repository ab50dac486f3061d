package dev.outrigger.xds.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.inbound.InboundEndpoint;
import dev.outrigger.core.inbound.InboundRouter;
import dev.outrigger.core.inbound.LocalhostInboundPorts;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.net.BindAddress;
import dev.outrigger.core.net.ClientAddress;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.tls.MeshTls;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.XdsResource;
import dev.outrigger.xds.XdsConfigSource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Sidecar's {@code ingress.defaultEndpoint}, as istiod sends it ({@link IstiodSidecarIngress}),
 * decides where an inbound connection goes, whatever the inbound mode: 127.0.0.1 reaches an app
 * bound to lo in preserve mode; 0.0.0.0 dials the pod IP from 127.0.0.6 (else iptables would
 * capture the proxy's own connection back to 15006); no defaultEndpoint leaves it to the mode.
 */
class SidecarIngressDefaultEndpointTest {
  private static final String POD_IP = "10.244.1.7";
  private static final int TCP_PORT = 9000;
  private static final int HTTP_PORT = 9080;
  private static final int APP_PORT = 8080;
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.244.2.3", 41000);
  private static final Optional<BindAddress> PASSTHROUGH_BIND =
      Optional.of(BindAddress.anyPort(ip(IstiodSidecarIngress.PASSTHROUGH_BIND)));

  private final ConfigStore store = new ConfigStore();

  private InboundRouter router(InboundMode mode, LocalhostInboundPorts localhostPorts, Cluster... clusters)
      throws Exception {
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> {});
    Map<String, com.google.protobuf.Message> byName = new java.util.HashMap<>();
    for (Cluster c : clusters) {
      byName.put(c.getName(), c);
    }
    source.accept(ResourceType.CLUSTER, XdsResource.of(byName));
    source.accept(ResourceType.LISTENER, XdsResource.of(Map.of("virtualInbound", IstiodSidecarIngress.virtualInbound(TCP_PORT, HTTP_PORT))));
    return new InboundRouter(new InboundEndpoint(mode, localhostPorts), HttpSettings.defaults(), store,
        new ClusterManager(), MeshTls.NONE);
  }

  private InboundRouter router(InboundMode mode, Cluster... clusters) throws Exception {
    return router(mode, LocalhostInboundPorts.NONE, clusters);
  }

  private static Upstream tcp(InboundRouter router) {
    ConnectionPlan plan = router.plan(new ConnectionFacts(destination(TCP_PORT), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
    RouteDecision d = assertInstanceOf(ConnectionPlan.Tcp.class, plan, plan.toString()).decision();
    assertEquals(IstiodSidecarIngress.clusterName(TCP_PORT), d.cluster());
    return d.upstream();
  }

  private static Upstream http(InboundRouter router) {
    ConnectionPlan plan = router.plan(new ConnectionFacts(destination(HTTP_PORT), new ClientAddress(CLIENT), "raw_buffer",
        Set.of("http/1.1")));
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ping");
    request.headers().set("host", POD_IP + ":" + HTTP_PORT);
    HttpRouting routing = assertInstanceOf(ConnectionPlan.Http.class, plan, plan.toString()).router().route(request);
    RouteDecision d = assertInstanceOf(HttpRouting.Forward.class, routing, routing.toString()).decision();
    assertEquals(IstiodSidecarIngress.clusterName(HTTP_PORT), d.cluster());
    return d.upstream();
  }

  @Test
  void localhostDefaultEndpointReachesTheLoBoundAppInPreserveMode() throws Exception {
    InboundRouter router = router(InboundMode.PRESERVE,
        IstiodSidecarIngress.staticCluster(TCP_PORT, "127.0.0.1", APP_PORT),
        IstiodSidecarIngress.staticCluster(HTTP_PORT, "127.0.0.1", APP_PORT));
    Upstream expected = Upstream.direct(new InetSocketAddress(ip("127.0.0.1"), APP_PORT));
    assertEquals(expected, tcp(router), "no 127.0.0.6 bind: istiod sets none for a localhost endpoint");
    assertEquals(expected, http(router));
  }

  @Test
  void podIpDefaultEndpointDialsThePodIpFrom127006() throws Exception {
    // 0.0.0.0:8080 in the Sidecar: istiod puts the proxy's IPv4 address in the cluster.
    InboundRouter router = router(InboundMode.LOOPBACK,
        IstiodSidecarIngress.staticCluster(TCP_PORT, POD_IP, APP_PORT),
        IstiodSidecarIngress.staticCluster(HTTP_PORT, POD_IP, APP_PORT));
    Upstream expected = new Upstream(new InetSocketAddress(ip(POD_IP), APP_PORT), PASSTHROUGH_BIND);
    assertEquals(expected, tcp(router), "the cluster wins over loopback mode, as in Envoy");
    assertEquals(expected, http(router));
  }

  @Test
  void withoutDefaultEndpointTheInboundModeDecides() throws Exception {
    Cluster tcp = IstiodSidecarIngress.originalDstCluster(TCP_PORT);
    Cluster http = IstiodSidecarIngress.originalDstCluster(HTTP_PORT);
    Upstream preserved = new Upstream(new InetSocketAddress(ip(POD_IP), TCP_PORT), PASSTHROUGH_BIND);
    assertEquals(preserved, tcp(router(InboundMode.PRESERVE, tcp, http)));
    assertEquals(Upstream.direct(new InetSocketAddress(ip("127.0.0.1"), TCP_PORT)),
        tcp(router(InboundMode.LOOPBACK, tcp, http)));
    // The pod's own opt-in (outrigger.dev/localhostInboundPorts) still applies to ORIGINAL_DST clusters.
    assertEquals(Upstream.direct(new InetSocketAddress(ip("127.0.0.1"), HTTP_PORT)),
        http(router(InboundMode.PRESERVE, LocalhostInboundPorts.parse(String.valueOf(HTTP_PORT)), tcp, http)));
  }

  @Test
  void aUnixSocketDefaultEndpointIsAcceptedAndItsConnectionsCloseWithUh() throws Exception {
    // Envoy accepts the pipe endpoint, so the update is not NACKed; Outrigger does not dial it.
    InboundRouter router = router(InboundMode.PRESERVE,
        IstiodSidecarIngress.unixSocketCluster(TCP_PORT, "/var/run/app.sock"),
        IstiodSidecarIngress.originalDstCluster(HTTP_PORT));
    ConnectionPlan plan = router.plan(new ConnectionFacts(destination(TCP_PORT), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
    ConnectionPlan.Refuse refused = assertInstanceOf(ConnectionPlan.Refuse.class, plan, plan.toString());
    assertEquals(ResponseFlag.NO_HEALTHY_UPSTREAM, refused.flag());
    assertEquals(IstiodSidecarIngress.clusterName(TCP_PORT), refused.cluster());
    assertEquals(new Upstream(new InetSocketAddress(ip(POD_IP), HTTP_PORT), PASSTHROUGH_BIND), http(router),
        "the other clusters of the update apply");
  }

  private static OriginalDestination destination(int port) {
    return new OriginalDestination(new InetSocketAddress(ip(POD_IP), port));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
