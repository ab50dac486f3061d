package dev.outrigger.xds.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A real sidecar's resources (sidecar-config-dump.json, from Istio's test data) through the
 * translators: what a sidecar normally gets must not be NACKed; what could deny traffic must be.
 */
public class RealSidecarConfigTest {
  private static ConfigDump loaded;

  public static synchronized ConfigDump dump() throws Exception {
    if (loaded == null) {
      loaded = TestResources.loadConfigDump("sidecar-config-dump.json");
    }
    return loaded;
  }

  static Map<String, Listener> listeners() throws Exception {
    Map<String, Listener> out = new LinkedHashMap<>();
    for (Listener l : TestResources.resources(dump(), Listener.class)) {
      out.put(l.getName(), l);
    }
    return out;
  }

  @Test
  void theOutboundListenersOfARealSidecarTranslate() throws Exception {
    Map<String, Listener> l = listeners();
    ListenerSpec outbound = ListenerTranslator.listener(l.get("virtualOutbound"));
    assertTrue(outbound.useOriginalDst());
    ListenerSpec http = ListenerTranslator.listener(l.get("0.0.0.0_9080"));
    assertEquals("9080", ((NetworkAction.Http) http.chains().get(0).action()).rdsName(),
        "istio.metadata_exchange (Wasm), istio.alpn, grpc_stats, cors and istio.stats pass");
    assertEquals("PassthroughCluster",
        ((NetworkAction.TcpProxy) http.defaultChain().orElseThrow().action()).clusters().get(0).name());
    ListenerSpec dns = ListenerTranslator.listener(l.get("10.96.0.10_53"));
    assertEquals("outbound|53||kube-dns.kube-system.svc.cluster.local",
        ((NetworkAction.TcpProxy) dns.chains().get(0).action()).clusters().get(0).name());
  }

  @Test
  void anInternalListenerIsSkippedNotRejected() throws Exception {
    Listener internal = listeners().get("main_internal");
    assertTrue(ListenerTranslator.isInternal(internal));
    assertEquals(List.of(new SkippedFilter("", "listener", "main_internal", "",
        "an internal listener: no socket reaches it here")), ListenerTranslator.skipped(internal));
    assertFalse(ListenerTranslator.isInternal(listeners().get("virtualOutbound")));
  }

  @Test
  void theInboundListenerWithAuthorizationPoliciesIsRejected() throws Exception {
    RejectedUpdate e = assertThrows(RejectedUpdate.class, () -> ListenerTranslator.listener(listeners().get("virtualInbound")));
    assertTrue(e.getMessage().contains("envoy.filters.http.rbac is not supported"), e.getMessage());
  }

  @Test
  void theInboundListenerWithoutItsPoliciesTranslates() throws Exception {
    // The same listener less its RBAC and ext_authz filters, as istiod sends it with no AuthorizationPolicy:
    // istio_authn (known by its type only), metadata exchange, stats and the TLS transport sockets pass.
    Listener.Builder l = listeners().get("virtualInbound").toBuilder();
    for (FilterChain.Builder fc : l.getFilterChainsBuilderList()) {
      List<Filter> kept = fc.getFiltersList().stream().filter(f -> !f.getName().contains("rbac")).map(f -> {
        if (!f.getName().equals(ListenerTranslator.HTTP_CONNECTION_MANAGER)) {
          return f;
        }
        try {
          HttpConnectionManager.Builder h = f.getTypedConfig().unpack(HttpConnectionManager.class).toBuilder();
          List<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> httpKept =
              h.getHttpFiltersList().stream().filter(x -> !x.getName().contains("rbac") && !x.getName().contains("ext_authz"))
                  .toList();
          h.clearHttpFilters().addAllHttpFilters(httpKept);
          return f.toBuilder().setTypedConfig(Any.pack(h.build())).build();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      }).toList();
      fc.clearFilters().addAllFilters(kept);
    }
    ListenerSpec inbound = ListenerTranslator.listener(l.build());
    var mtlsChains = inbound.chains().stream().filter(c -> c.tls().isPresent()).toList();
    assertFalse(mtlsChains.isEmpty(), "istiod's mTLS inbound chains carry their DownstreamTlsContext");
    for (var c : mtlsChains) {
      var tls = c.tls().orElseThrow();
      assertEquals("tls", c.match().transportProtocol(), c.name());
      assertTrue(tls.requireClientCertificate(), c.name());
      assertEquals("default", tls.certificateSecret());
      assertEquals("ROOTCA", tls.validationSecret());
      assertFalse(tls.alpn().contains("istio-peer-exchange"), tls.alpn().toString());
    }
    assertEquals(l.getFilterChainsCount(), inbound.chains().size());
    Set<String> skipped = ListenerTranslator.skipped(l.build()).stream().map(s -> s.kind() + ":" + s.name())
        .collect(Collectors.toSet());
    assertTrue(skipped.containsAll(Set.of("network_filter:istio_authn", "network_filter:istio.metadata_exchange",
        "http_filter:istio.stats", "transport_socket:envoy.transport_sockets.tls",
        "listener_filter:envoy.filters.listener.tls_inspector")), skipped.toString());
  }

  @Test
  void aRealSidecarsClusterEndpointsAndRouteTranslate() throws Exception {
    ConfigDump dump = dump();
    Cluster proto = TestResources.resources(dump, Cluster.class).get(0);
    ClusterSpec cluster = ClusterTranslator.cluster(proto);
    assertEquals("outbound|9080|v1|productpage.default.svc.cluster.local", cluster.name());
    assertTrue(cluster.istioMutualAvailable(), "transport_socket_matches with tlsMode istio");
    dev.outrigger.core.cluster.UpstreamTlsSpec tls = cluster.istioMutual().orElseThrow();
    assertEquals("outbound_.9080_.v1_.productpage.default.svc.cluster.local", tls.sni());
    assertEquals(List.of("spiffe://cluster.local/ns/default/sa/bookinfo-productpage",
        "spiffe://cluster.local/ns/default/sa/default"), tls.subjectAltNames());
    assertEquals("default", tls.certificateSecret());
    assertEquals("ROOTCA", tls.validationSecret());
    assertFalse(tls.alpn().contains("istio-peer-exchange"), "no metadata-exchange frame: never offered " + tls.alpn());
    assertTrue(tls.alpn().contains("istio"), tls.alpn().toString());
    List<ClusterLoadAssignment> clas = TestResources.resources(dump, ClusterLoadAssignment.class);
    assertEquals(3, clas.size());
    for (ClusterLoadAssignment cla : clas) {
      EndpointSet set = ClusterTranslator.endpoints(cla);
      assertFalse(set.endpoints().isEmpty(), cla.getClusterName());
    }
    RouteConfiguration route = TestResources.resources(dump, RouteConfiguration.class).get(0);
    RouteTable table = RouteTranslator.translate(route);
    assertEquals("http.8080", table.name());
  }
}
