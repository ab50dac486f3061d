package dev.outrigger.xds.translate;

import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.net.ClientAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.route.listener.FilterChain;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** istiod's outbound listeners for a sidecar, through the translator, and Envoy's choices over them. */
class ListenerTranslatorTest {
  private static final InetSocketAddress APP = new InetSocketAddress("10.244.0.5", 40000);

  private static List<Listener> protos() throws Exception {
    DiscoveryResponse r = TestResources.load("listeners.json", DiscoveryResponse.newBuilder()).build();
    List<Listener> out = new ArrayList<>();
    for (var any : r.getResourcesList()) {
      out.add(any.unpack(Listener.class));
    }
    return out;
  }

  private static ListenerTable table() throws Exception {
    List<ListenerSpec> specs = new ArrayList<>();
    for (Listener l : protos()) {
      specs.add(ListenerTranslator.listener(l));
    }
    return new ListenerTable(specs);
  }

  private static String chainFor(ListenerTable t, String ip, int port, String transport, Set<String> alpn) {
    InetSocketAddress dst = new InetSocketAddress(ip, port);
    ListenerSpec listener = t.forOriginalDestination(dst).orElseGet(() -> t.bound(15001).orElseThrow());
    FilterChain chain = ListenerTable.chooseChain(listener, new ConnectionFacts(new OriginalDestination(dst), new ClientAddress(APP), transport, alpn)).orElseThrow();
    String target = chain.action() instanceof NetworkAction.TcpProxy tcp ? tcp.clusters().get(0).name()
        : "rds:" + ((NetworkAction.Http) chain.action()).rdsName();
    return listener.name() + " -> " + target;
  }

  @Test
  void theVirtualOutboundListenerHandsConnectionsOnAsEnvoyDoes() throws Exception {
    ListenerTable t = table();
    assertTrue(t.bound(15001).orElseThrow().useOriginalDst());
    assertFalse(t.forOriginalDestination(new InetSocketAddress("10.96.0.30", 3306)).orElseThrow().bindToPort());
    assertEquals("10.96.0.30_3306 -> outbound|3306||mysql.default.svc.cluster.local",
        chainFor(t, "10.96.0.30", 3306, "raw_buffer", Set.of()));
    assertEquals("0.0.0.0_9080 -> rds:9080", chainFor(t, "10.96.0.20", 9080, "raw_buffer", Set.of("http/1.1")));
    assertEquals("0.0.0.0_9080 -> outbound|9080||legacy.default.svc.cluster.local",
        chainFor(t, "10.96.0.40", 9080, "raw_buffer", Set.of("http/1.1")), "a destination prefix beats a protocol match");
    assertEquals("0.0.0.0_9080 -> PassthroughCluster", chainFor(t, "10.96.0.20", 9080, "tls", Set.of("h2")),
        "nothing matches: the default chain");
    assertEquals("virtualOutbound -> PassthroughCluster", chainFor(t, "93.184.216.34", 443, "tls", Set.of()));
  }

  @Test
  void theHttpChainKeepsItsSettings() throws Exception {
    ListenerSpec l = ListenerTranslator.listener(protos().get(1));
    NetworkAction.Http http = (NetworkAction.Http) l.chains().get(0).action();
    assertEquals("outbound_0.0.0.0_9080", http.statPrefix());
    assertEquals(Duration.ZERO, http.streamIdleTimeout());
    assertEquals(Set.of("http/1.1", "h2c"), l.chains().get(0).match().applicationProtocols());
  }

  @Test
  void aFilterThatCouldDenyTrafficRejectsTheListener() throws Exception {
    Listener.Builder l = protos().get(2).toBuilder();
    l.getFilterChainsBuilder(0).addFilters(0, Filter.newBuilder().setName("envoy.filters.network.rbac"));
    RejectedUpdate e = assertThrows(RejectedUpdate.class, () -> ListenerTranslator.listener(l.build()));
    assertEquals("listener 10.96.0.30_3306, filter chain '': network filter envoy.filters.network.rbac is not supported",
        e.getMessage());
  }

  @Test
  void serverNamesChooseTheChainAsEnvoy() throws Exception {
    // istiod's outbound listener for TLS services on 443 (ServiceEntries without a VIP): a chain per
    // host set, matched by SNI, and PassthroughCluster for the rest.
    Listener l = Listener.newBuilder().setName("0.0.0.0_443")
        .setAddress(io.envoyproxy.envoy.config.core.v3.Address.newBuilder().setSocketAddress(
            io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(443)))
        .addFilterChains(tlsChain("outbound|443||www.example.com", "www.example.com"))
        .addFilterChains(tlsChain("outbound|443||wildcard.example.com", "*.example.com"))
        .setDefaultFilterChain(io.envoyproxy.envoy.config.listener.v3.FilterChain.newBuilder()
            .setName("PassthroughFilterChain").addFilters(tcpProxy("PassthroughCluster")))
        .build();
    ListenerSpec spec = ListenerTranslator.listener(l);
    assertEquals(List.of("www.example.com"), spec.chains().get(0).match().serverNames());
    InetSocketAddress dst = new InetSocketAddress("93.184.216.34", 443);
    assertEquals("outbound|443||www.example.com", chosen(spec, new ConnectionFacts(new OriginalDestination(dst), new ClientAddress(APP), "tls", Set.of("h2"), "www.example.com")));
    assertEquals("outbound|443||wildcard.example.com", chosen(spec, new ConnectionFacts(new OriginalDestination(dst), new ClientAddress(APP), "tls", Set.of(), "api.example.com")));
    assertEquals("PassthroughCluster", chosen(spec, new ConnectionFacts(new OriginalDestination(dst), new ClientAddress(APP), "tls", Set.of(), "example.org")));
    assertEquals("PassthroughCluster", chosen(spec, new ConnectionFacts(new OriginalDestination(dst), new ClientAddress(APP), "tls", Set.of(), "")));
  }

  @Test
  void aFilterIsKnownByItsTypeWhateverItsName() throws Exception {
    // As in Istio's waypoint and sidecar output: Istio names some filters after their purpose.
    Listener.Builder l = protos().get(2).toBuilder();
    com.github.udpa.udpa.type.v1.TypedStruct peerMetadata = com.github.udpa.udpa.type.v1.TypedStruct.newBuilder()
        .setTypeUrl("type.googleapis.com/io.istio.http.peer_metadata.Config").build();
    l.getFilterChainsBuilder(0).addFilters(0, Filter.newBuilder().setName("waypoint_upstream_peer_metadata")
        .setTypedConfig(com.google.protobuf.Any.pack(peerMetadata)));
    ListenerTranslator.listener(l.build());
    assertTrue(ListenerTranslator.skipped(l.build()).stream().anyMatch(s -> s.name().equals("waypoint_upstream_peer_metadata")
        && s.typeUrl().equals("io.istio.http.peer_metadata.Config")));
  }

  @Test
  void accessLogsAnywhereAreNoReasonToReject() throws Exception {
    // istiod adds file access logs (meshConfig.accessLogFile) to listeners, tcp_proxy and the HTTP manager.
    var fileLog = io.envoyproxy.envoy.config.accesslog.v3.AccessLog.newBuilder().setName("envoy.access_loggers.file")
        .setTypedConfig(com.google.protobuf.Any.pack(io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog
            .newBuilder().setPath("/dev/stdout").build())).build();
    Listener.Builder tcp = protos().get(2).toBuilder().addAccessLog(fileLog);
    Filter.Builder proxy = tcp.getFilterChainsBuilder(0).getFiltersBuilder(0);
    proxy.setTypedConfig(com.google.protobuf.Any.pack(proxy.getTypedConfig()
        .unpack(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.class).toBuilder()
        .addAccessLog(fileLog).build()));
    ListenerTranslator.listener(tcp.build());
    Listener.Builder http = protos().get(1).toBuilder();
    Filter.Builder hcm = http.getFilterChainsBuilder(0).getFiltersBuilder(0);
    hcm.setTypedConfig(com.google.protobuf.Any.pack(hcm.getTypedConfig()
        .unpack(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.class)
        .toBuilder().addAccessLog(fileLog).build()));
    ListenerTranslator.listener(http.build());
  }

  private static String chosen(ListenerSpec spec, ConnectionFacts facts) {
    FilterChain chain = ListenerTable.chooseChain(spec, facts).orElseThrow();
    return ((NetworkAction.TcpProxy) chain.action()).clusters().get(0).name();
  }

  private static io.envoyproxy.envoy.config.listener.v3.FilterChain tlsChain(String cluster, String... names) {
    return io.envoyproxy.envoy.config.listener.v3.FilterChain.newBuilder()
        .setFilterChainMatch(io.envoyproxy.envoy.config.listener.v3.FilterChainMatch.newBuilder()
            .addAllServerNames(List.of(names)))
        .addFilters(tcpProxy(cluster)).build();
  }

  private static Filter tcpProxy(String cluster) {
    return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy").setTypedConfig(com.google.protobuf.Any.pack(
        io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.newBuilder().setStatPrefix(cluster)
            .setCluster(cluster).build())).build();
  }
}
